// The script cache (spec §2) and its INFO fields (§4): unit tests of ScriptCache, then the same
// rules through Server.execute.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createLuaEngine } from "../lua/engine.ts";
import { array, bulk, error, int, OK, type Reply } from "../resp/reply.ts";
import type { CompiledScript, ScriptEngine } from "./engine.ts";
import { type CachedScript, EVAL_LRU_MAX, ScriptCache } from "./script_cache.ts";
import { sha, withServer } from "./_test_server.ts";

const ints = (...n: number[]): Reply => array(n.map((i) => int(i)));

function entry(body: string, pinned = false): CachedScript<string> {
  return { sha: sha(body), body, hasShebang: false, flags: 0, handle: body, pinned };
}

// ---- ScriptCache alone ----

test("CACHE-6 ScriptCache: EVAL entries are capped at 500, pinned entries are not tracked", () => {
  assert.equal(EVAL_LRU_MAX, 500);
  const cache = new ScriptCache<string>();
  const evicted: string[] = [];
  for (let i = 0; i < 700; i++) cache.add(entry(`load ${i}`, true), (e) => evicted.push(e.body));
  for (let i = 0; i < 500; i++) cache.add(entry(`eval ${i}`), (e) => evicted.push(e.body));
  assert.equal(evicted.length, 0);
  assert.equal(cache.size, 1200);
  cache.add(entry("eval 500"), (e) => evicted.push(e.body));
  assert.deepEqual(evicted, ["eval 0"]);
  assert.equal(cache.size, 1200);
  assert.equal(cache.get(sha("eval 0")), undefined);
  assert.equal(cache.get(sha("load 0"))?.body, "load 0");
});

test("CACHE-8 ScriptCache: touch moves an EVAL entry to the MRU end; pin stops tracking it", () => {
  const cache = new ScriptCache<string>();
  const evicted: string[] = [];
  const onEvict = (e: CachedScript<string>) => evicted.push(e.body);
  const first = entry("eval 0");
  cache.add(first, onEvict);
  for (let i = 1; i < 500; i++) cache.add(entry(`eval ${i}`), onEvict);
  cache.touch(first);
  cache.add(entry("eval 500"), onEvict);
  assert.deepEqual(evicted, ["eval 1"]);
  const second = cache.get(sha("eval 2"))!;
  cache.pin(second);
  assert.equal(second.pinned, true);
  cache.touch(second); // no effect on a pinned entry
  cache.add(entry("eval 501"), onEvict); // 499 tracked before: no eviction
  assert.deepEqual(evicted, ["eval 1"]);
  cache.add(entry("eval 502"), onEvict);
  assert.deepEqual(evicted, ["eval 1", "eval 3"]);
  assert.equal(cache.get(sha("eval 2")), second);
});

test("INFO-3 ScriptCache: memory grows with sha + body and drops to 0 when cleared", () => {
  const cache = new ScriptCache<string>();
  assert.equal(cache.memory, 0);
  cache.add(entry("return 1"), () => {});
  const one = cache.memory;
  assert.ok(one >= 40 + "return 1".length, `${one}`);
  cache.add(entry("return 'a much longer body than the first one'"), () => {});
  assert.ok(cache.memory > 2 * one - 8, `${cache.memory}`);
  cache.clear();
  assert.equal(cache.memory, 0);
  assert.equal(cache.size, 0);
});

// ---- through the server ----

/** A real Lua engine that logs compile(), run() and release() calls. */
async function loggingEngine(): Promise<{ engine: ScriptEngine; log: string[] }> {
  const real = await createLuaEngine();
  const log: string[] = [];
  const engine: ScriptEngine = {
    compile(s, body) {
      log.push(`compile ${s}`);
      return real.compile(s, body);
    },
    run(script, ...rest) {
      log.push(`run ${script.sha}`);
      return real.run(script, ...rest);
    },
    release(script: CompiledScript) {
      log.push(`release ${script.sha}`);
      real.release(script);
    },
    resume: () => real.resume(),
    get suspended() {
      return real.suspended;
    },
    kill: (r) => real.kill(r),
    flush: () => real.flush(),
    memoryUsed: () => real.memoryUsed(),
    get running() {
      return real.running;
    },
    get lastErrorFromCommand() {
      return real.lastErrorFromCommand;
    },
    close: () => real.close(),
  };
  return { engine, log };
}

test("CACHE-1 the sha covers the whole body, shebang included; the entry keeps body and flags", () =>
  withServer(({ run }) => {
    const body = "#!lua flags=no-writes\nreturn 'x'";
    assert.deepEqual(run("SCRIPT", "LOAD", body), bulk(sha(body)));
    assert.deepEqual(run("SCRIPT", "EXISTS", sha("\nreturn 'x'"), sha("return 'x'")), ints(0, 0));
    assert.deepEqual(run("SCRIPT", "SHOW", sha(body)), bulk(body));
    // The flags travel with the entry: no-writes lets EVALSHA_RO run it.
    assert.deepEqual(run("EVALSHA_RO", sha(body), "0"), bulk("x"));
  }));

test("CACHE-2 lookups by sha are case-insensitive (EVALSHA, EVALSHA_RO, EXISTS, SHOW)", () =>
  withServer(({ run }) => {
    const body = "return redis.call('get',KEYS[1])";
    assert.equal(sha(body), "fd758d1589d044dd850a6f05d52f2eefd27f033f");
    run("SET", "mykey", "hello");
    run("EVAL", body, "1", "mykey");
    const upper = "FD758D1589D044DD850A6F05D52F2EEFD27F033F";
    assert.deepEqual(run("EVALSHA", upper, "1", "mykey"), bulk("hello"));
    assert.deepEqual(
      run("EVALSHA_RO", "Fd758d1589d044dd850a6f05d52f2eefd27f033F", "1", "mykey"),
      bulk("hello"),
    );
    assert.deepEqual(run("SCRIPT", "EXISTS", upper), ints(1));
    assert.deepEqual(run("SCRIPT", "SHOW", upper), bulk(body));
  }));

test("CACHE-3 bodies that fail the shebang or compilation are never cached", async () => {
  const { engine, log } = await loggingEngine();
  await withServer(({ run, info }) => {
    for (const body of ["return +", "#!lua flags=bad\nreturn 1", "#!lua", "#!python\nreturn 1"]) {
      assert.equal(run("EVAL", body, "0").type, "error");
      assert.equal(run("EVAL_RO", body, "0").type, "error");
      assert.equal(run("SCRIPT", "LOAD", body).type, "error");
      assert.deepEqual(run("SCRIPT", "EXISTS", sha(body)), ints(0));
    }
    assert.equal(info("memory").get("number_of_cached_scripts"), "0");
    // Shebang errors stop before the engine; a compile error reaches it every time (not cached).
    const compile = `compile ${sha("return +")}`;
    assert.deepEqual(log, [compile, compile, compile]);
  }, { scriptEngine: engine });
});

test("CACHE-4 scripts come from EVAL, EVAL_RO and SCRIPT LOAD, and survive FLUSHALL", () =>
  withServer(({ run }) => {
    run("EVAL", "return 1", "0");
    run("EVAL_RO", "return 2", "0");
    run("SCRIPT", "LOAD", "return 3");
    // EVALSHA of an unknown sha adds nothing.
    run("EVALSHA", sha("return 4"), "0");
    assert.deepEqual(run("FLUSHALL"), OK);
    assert.deepEqual(run("FLUSHDB"), OK);
    assert.deepEqual(
      run("SCRIPT", "EXISTS", sha("return 1"), sha("return 2"), sha("return 3"), sha("return 4")),
      ints(1, 1, 1, 0),
    );
    assert.deepEqual(run("SCRIPT", "FLUSH"), OK);
    assert.deepEqual(
      run("SCRIPT", "EXISTS", sha("return 1"), sha("return 2"), sha("return 3")),
      ints(0, 0, 0),
    );
  }));

test("CACHE-5 re-adding a cached body (EVAL or SCRIPT LOAD) does not recompile it", async () => {
  const { engine, log } = await loggingEngine();
  await withServer(({ run }) => {
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(run("EVAL", "return 'same'", "0"), bulk("same"));
      assert.deepEqual(run("EVAL_RO", "return 'same'", "0"), bulk("same"));
      assert.deepEqual(run("SCRIPT", "LOAD", "return 'same'"), bulk(sha("return 'same'")));
      assert.deepEqual(run("EVALSHA", sha("return 'same'"), "0"), bulk("same"));
    }
    assert.deepEqual(log.filter((e) => e.startsWith("compile")), [
      `compile ${sha("return 'same'")}`,
    ]);
  }, { scriptEngine: engine });
});

test("CACHE-6 EVAL scripts are capped at 500; SCRIPT LOAD scripts are never evicted", () =>
  withServer(({ run, info }) => {
    for (let i = 0; i < 600; i++) run("SCRIPT", "LOAD", `return 'loaded ${i}'`);
    for (let i = 0; i < 500; i++) run("EVAL", `return ${i}`, "0");
    assert.equal(info("memory").get("number_of_cached_scripts"), "1100");
    assert.equal(info("stats").get("evicted_scripts"), "0");
    run("EVAL", "return 'one more'", "0");
    assert.equal(info("memory").get("number_of_cached_scripts"), "1100");
    assert.equal(info("stats").get("evicted_scripts"), "1");
    assert.deepEqual(
      run("SCRIPT", "EXISTS", sha("return 0"), sha("return 1"), sha("return 'loaded 0'")),
      ints(0, 1, 1),
    );
  }));

test("CACHE-7 eviction happens before the new script runs and releases the evicted function", async () => {
  const { engine, log } = await loggingEngine();
  await withServer(({ run, info }) => {
    for (let i = 0; i < 500; i++) run("EVAL", `return ${i}`, "0");
    log.length = 0;
    assert.deepEqual(run("EVAL", "return 'new'", "0"), bulk("new"));
    // Compiled, then the LRU makes room (as evalRegisterNewScript does), then it runs.
    assert.deepEqual(log, [
      `compile ${sha("return 'new'")}`,
      `release ${sha("return 0")}`,
      `run ${sha("return 'new'")}`,
    ]);
    assert.equal(info("stats").get("evicted_scripts"), "1");
    for (let i = 0; i < 10; i++) run("EVAL", `return 'more ${i}'`, "0");
    assert.equal(info("stats").get("evicted_scripts"), "11");
    assert.equal(log.filter((e) => e.startsWith("release")).length, 11);
    assert.equal(info("memory").get("number_of_cached_scripts"), "500");
    // An evicted script is gone for EVALSHA too, and EVAL recompiles it.
    assert.deepEqual(run("EVALSHA", sha("return 0"), "0"), error("NOSCRIPT No matching script."));
    assert.deepEqual(run("EVAL", "return 0", "0"), int(0));
  }, { scriptEngine: engine });
});

test("CACHE-8 EVAL of the same body, EVALSHA and EVALSHA_RO move the script to the MRU end", () =>
  withServer(({ run }) => {
    for (let i = 0; i < 500; i++) run("EVAL", `return ${i}`, "0");
    run("EVAL", "return 0", "0");
    run("EVALSHA", sha("return 1"), "0");
    run("EVALSHA_RO", sha("return 2"), "0");
    run("EVAL", "return 'a'", "0");
    run("EVAL", "return 'b'", "0");
    assert.deepEqual(
      run(
        "SCRIPT",
        "EXISTS",
        sha("return 0"),
        sha("return 1"),
        sha("return 2"),
        sha("return 3"),
        sha("return 4"),
        sha("return 5"),
      ),
      ints(1, 1, 1, 0, 0, 1),
    );
  }));

test("CACHE-9 SCRIPT LOAD of an EVAL script pins it; EVAL of a loaded body does not demote it", () =>
  withServer(({ run }) => {
    run("EVAL", "return 'promoted'", "0");
    assert.deepEqual(run("SCRIPT", "LOAD", "return 'promoted'"), bulk(sha("return 'promoted'")));
    run("SCRIPT", "LOAD", "return 'loaded'");
    run("EVAL", "return 'loaded'", "0");
    run("EVALSHA", sha("return 'loaded'"), "0");
    for (let i = 0; i < 1000; i++) run("EVAL", `return ${i}`, "0");
    assert.deepEqual(
      run("SCRIPT", "EXISTS", sha("return 'promoted'"), sha("return 'loaded'")),
      ints(1, 1),
    );
  }));

test("CACHE-10 the worked example: 500 scripts, two touched, one more evicts 'return 3'", () =>
  withServer(({ run, info }) => {
    assert.deepEqual(run("SCRIPT", "FLUSH"), OK);
    assert.deepEqual(run("CONFIG", "RESETSTAT"), OK);
    for (let i = 1; i <= 500; i++) assert.deepEqual(run("EVAL", `return ${i}`, "0"), int(i));
    assert.deepEqual(run("EVAL", "return 1", "0"), int(1));
    assert.equal(sha("return 2"), "7f923f79fe76194c868d7e1d0820de36700eb649");
    assert.deepEqual(run("EVALSHA", "7f923f79fe76194c868d7e1d0820de36700eb649", "0"), int(2));
    assert.deepEqual(run("EVAL", "return 1000", "0"), int(1000));
    assert.equal(sha("return 3"), "09d3822de862f46d784e6a36848b4f0736dda47a");
    assert.deepEqual(
      run(
        "SCRIPT",
        "EXISTS",
        "09d3822de862f46d784e6a36848b4f0736dda47a",
        sha("return 1"),
        sha("return 2"),
        sha("return 4"),
        sha("return 1000"),
      ),
      ints(0, 1, 1, 1, 1),
    );
    assert.equal(info("stats").get("evicted_scripts"), "1");
    assert.equal(info("memory").get("number_of_cached_scripts"), "500");
  }));

test("CACHE-11 evicted_scripts is reset by CONFIG RESETSTAT, not by SCRIPT FLUSH", () =>
  withServer(({ run, info, server }) => {
    for (let i = 0; i < 503; i++) run("EVAL", `return ${i}`, "0");
    assert.equal(info("stats").get("evicted_scripts"), "3");
    assert.equal(server.stats.evictedScripts, 3);
    assert.deepEqual(run("SCRIPT", "FLUSH"), OK);
    assert.equal(info("stats").get("evicted_scripts"), "3");
    assert.deepEqual(run("CONFIG", "RESETSTAT"), OK);
    assert.equal(server.stats.evictedScripts, 0);
    assert.equal(info("stats").get("evicted_scripts"), "0");
  }));

// ---- §4 INFO ----

test("INFO-1 the scripting fields of # Memory, in Valkey's order", () =>
  withServer(({ infoFields }) => {
    const order = [
      "used_memory_lua",
      "used_memory_vm_eval",
      "used_memory_lua_human",
      "used_memory_scripts_eval",
      "number_of_cached_scripts",
      "number_of_functions",
      "number_of_libraries",
      "used_memory_vm_functions",
      "used_memory_vm_total",
      "used_memory_vm_total_human",
      "used_memory_functions",
      "used_memory_scripts",
      "used_memory_scripts_human",
    ];
    const fields = infoFields("memory");
    const positions = order.map((f) => fields.indexOf(f));
    assert.ok(
      positions.every((p) => p >= 0),
      `missing: ${order.filter((f) => !fields.includes(f))}`,
    );
    assert.deepEqual(positions, [...positions].sort((a, b) => a - b), fields.join(" "));
  }));

test("INFO-2 # Stats has evicted_scripts right after evicted_clients", () =>
  withServer(({ infoFields }) => {
    const fields = infoFields("stats");
    const i = fields.indexOf("evicted_clients");
    assert.ok(i >= 0);
    assert.equal(fields[i + 1], "evicted_scripts");
  }));

/** Valkey's bytesToHuman. */
function human(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ["K", "M", "G", "T", "P"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(2)}${units[u]}`;
}

test("INFO-3 the fields agree with each other (aliases, totals, human forms)", () =>
  withServer(({ run, info }) => {
    run("EVAL", "return 1", "0");
    run("SCRIPT", "LOAD", "return 2");
    const m = info("memory");
    const n = (f: string) => Number(m.get(f));
    assert.equal(n("number_of_cached_scripts"), 2);
    assert.ok(n("used_memory_vm_eval") > 0);
    assert.equal(m.get("used_memory_lua"), m.get("used_memory_vm_eval"));
    assert.equal(m.get("used_memory_lua_human"), human(n("used_memory_lua")));
    assert.equal(
      n("used_memory_vm_total"),
      n("used_memory_vm_eval") + n("used_memory_vm_functions"),
    );
    assert.equal(m.get("used_memory_vm_total_human"), human(n("used_memory_vm_total")));
    assert.equal(
      n("used_memory_scripts"),
      n("used_memory_scripts_eval") + n("used_memory_functions"),
    );
    assert.equal(m.get("used_memory_scripts_human"), human(n("used_memory_scripts")));
    assert.ok(n("used_memory_scripts_eval") >= 2 * 40 + "return 1".length + "return 2".length);
  }));

test("INFO-4 cached-script count and bytes grow with each new script and drop to 0 on FLUSH", () =>
  withServer(({ run, info }) => {
    const read = () => {
      const m = info("memory");
      return [Number(m.get("number_of_cached_scripts")), Number(m.get("used_memory_scripts_eval"))];
    };
    assert.deepEqual(read(), [0, 0]);
    let [count, bytes] = read();
    for (
      const argv of [["EVAL", "return 1", "0"], ["SCRIPT", "LOAD", "return 2"], [
        "EVAL_RO",
        "return 3",
        "0",
      ]]
    ) {
      run(...argv);
      const [c, b] = read();
      assert.equal(c, count + 1);
      assert.ok(b > bytes, `${b} > ${bytes}`);
      [count, bytes] = [c, b];
    }
    // The same body again adds nothing.
    run("EVAL", "return 1", "0");
    assert.deepEqual(read(), [count, bytes]);
    assert.deepEqual(run("SCRIPT", "FLUSH", "ASYNC"), OK);
    assert.deepEqual(read(), [0, 0]);
  }));
