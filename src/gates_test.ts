// Server-state gates (gates.ts) and script flags end to end: effective command flags (§1.2),
// maxmemory and the OOM rules (§13), read-only / stale replica (FLAG-7..11, FLAG-15), cluster
// checks on a single node (CLU-4..7, FLAG-12, FLAG-13), their CONFIG parameters and INFO fields,
// and the Lua VM memory cap. Expected replies are the spec's texts.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, manualClock } from "../mod.ts";
import type { Bytes } from "./bytes.ts";
import { BASE_USED_MEMORY, usedMemory } from "./gates.ts";
import type { ServerOptions } from "./options.ts";
import { array, bulk, error, int, map, NULL, OK, QUEUED, type Reply } from "./resp/reply.ts";
import type { Server } from "./server.ts";

const OOM = error("OOM command not allowed when used memory > 'maxmemory'.");
const READONLY = error("READONLY You can't write against a read only replica.");
const MASTERDOWN = error(
  "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
);
const CROSSSLOT = error("CROSSSLOT Keys in request don't hash to the same slot");

/** CONFIG GET's reply (a map; RESP2 clients see it flattened). */
const config = (...kv: string[]): Reply =>
  map(kv.flatMap((k, i) => i % 2 === 0 ? [[bulk(k), bulk(kv[i + 1])] as const] : []));

const sha = (body: string) => createHash("sha1").update(body, "latin1").digest("hex");

interface Harness {
  readonly server: Server;
  /** Runs a command as the main client. */
  run(...argv: Bytes[]): Reply;
  /** Runs a command as a second client. */
  other(...argv: Bytes[]): Reply;
  /** One INFO field. */
  info(field: string): string;
}

async function serve(options: ServerOptions = {}): Promise<Harness> {
  const server = await createServer({ clock: manualClock(), ...options });
  const a = server.createSession();
  const b = server.createSession();
  return {
    server,
    run: (...argv) => server.execute(a, argv),
    other: (...argv) => server.execute(b, argv),
    info(field) {
      const r = server.execute(b, ["INFO", "everything"]);
      const text = r.type === "verbatim" || r.type === "bulk" ? r.value : "";
      const m = new RegExp(`^${field}:(.*)\r$`, "m").exec(text);
      assert.ok(m !== null, `INFO has no ${field}`);
      return m[1];
    },
  };
}

/** A reply's error text with the ` script: <sha>, on @user_script:<n>.` suffix removed. */
function withoutSuffix(r: Reply): Reply {
  return r.type === "error" ? error(r.value.replace(/ script: [0-9a-f]{40}, on .*$/, "")) : r;
}

// ---- maxmemory and the OOM rules (§13) ----

test("MEM-1 maxmemory 0 disables every OOM behaviour", async () => {
  const { run } = await serve();
  assert.deepEqual(run("SET", "big", "x".repeat(100_000)), OK);
  assert.deepEqual(run("EVAL", "#!lua\nreturn redis.call('set','a','b')", "0"), OK);
});

test("MEM-2 plain deny-oom commands get the OOM text over maxmemory; others run", async () => {
  const { run } = await serve();
  assert.deepEqual(run("SET", "k", "v"), OK);
  assert.deepEqual(run("CONFIG", "SET", "maxmemory", "1"), OK);
  assert.deepEqual(run("SET", "k", "w"), OOM);
  assert.deepEqual(run("LPUSH", "l", "a"), OOM);
  assert.deepEqual(run("INCR", "n"), OOM);
  assert.deepEqual(run("GET", "k"), bulk("v"));
  assert.deepEqual(run("CONFIG", "SET", "maxmemory", "0"), OK);
  assert.deepEqual(run("SET", "k", "w"), OK);
});

test("MEM-3 shebang scripts are refused up front over maxmemory, whatever they contain", async () => {
  const { run } = await serve({ maxmemory: 1 });
  assert.deepEqual(run("EVAL", "#!lua flags=\nreturn 1", "0"), OOM);
  assert.deepEqual(run("EVAL", "#!lua\nreturn 1", "0"), OOM);
  assert.deepEqual(run("EVAL_RO", "#!lua\nreturn 1", "0"), OOM);
  run("SCRIPT", "LOAD", "#!lua\nreturn 2");
  assert.deepEqual(run("EVALSHA", sha("#!lua\nreturn 2"), "0"), OOM);
  // Never refused up front: no shebang (EVAL and EVAL_RO), no-writes, allow-oom.
  assert.deepEqual(run("EVAL", "return 1", "0"), int(1));
  assert.deepEqual(run("EVAL_RO", "return 1", "0"), int(1));
  assert.deepEqual(run("EVAL", "#!lua flags=no-writes\nreturn 1", "0"), int(1));
  assert.deepEqual(run("EVAL", "#!lua flags=allow-oom\nreturn 1", "0"), int(1));
});

test("MEM-4 inside a run started over the limit, the first deny-oom command fails", async () => {
  const { run } = await serve({ maxmemory: 1 });
  assert.deepEqual(
    withoutSuffix(run("EVAL", "return redis.call('set','k','v')", "0")),
    OOM,
  );
  assert.deepEqual(run("EVAL", "return redis.pcall('set','k','v')", "0"), OOM);
  // Read commands and commands that free memory are not deny-oom.
  assert.deepEqual(run("EVAL", "return redis.call('get','k')", "0"), NULL);
  // allow-oom: deny-oom commands run even over the limit (FLAG-10).
  assert.deepEqual(run("EVAL", "#!lua flags=allow-oom\nreturn redis.call('set','k','v')", "0"), OK);
  assert.deepEqual(run("GET", "k"), bulk("v"));
});

test("MEM-5 seed 000: once a script has written, later writes pass even over the limit", async () => {
  const { run } = await serve({ maxmemory: 1 });
  assert.deepEqual(
    run("EVAL", "redis.call('del','nothing'); return redis.call('set','k','v')", "0"),
    OK,
  );
  assert.deepEqual(
    run("EVAL", "redis.call('lrem','l',0,'x'); return redis.call('rpush','l','a')", "0"),
    int(1),
  );
  assert.deepEqual(run("SET", "k2", "v"), OOM);
});

test("MEM-5 seed 000: a script started below the limit may push memory above it", async () => {
  const { server, run } = await serve();
  run("SET", "seed", "x");
  const limit = usedMemory(server) + 200;
  run("CONFIG", "SET", "maxmemory", String(limit));
  assert.deepEqual(
    run("EVAL", "return redis.call('set', 'big', string.rep('x', 10000))", "0"),
    OK,
  );
  assert.ok(usedMemory(server) > limit);
  assert.deepEqual(run("SET", "more", "x"), OOM);
  assert.deepEqual(run("EVAL", "return redis.call('set','more','x')", "0").type, "error");
});

test("MEM-6 commands without deny-oom work over the limit; DEL frees memory", async () => {
  const { server, run } = await serve();
  run("SET", "big", "x".repeat(5000));
  run("SET", "small", "y");
  run("CONFIG", "SET", "maxmemory", String(usedMemory(server) - 100));
  assert.deepEqual(run("SET", "z", "1"), OOM);
  assert.deepEqual(run("GET", "small"), bulk("y"));
  assert.deepEqual(run("EXISTS", "big"), int(1));
  assert.deepEqual(run("DEL", "big"), int(1));
  assert.deepEqual(run("SET", "z", "1"), OK);
});

test("MEM-7 used_memory: base + keyspace + script cache bodies, without the Lua heap", async () => {
  const { server, run, info } = await serve();
  const ks = server.keyspace;
  assert.equal(Number(info("used_memory")), BASE_USED_MEMORY);
  assert.equal(Number(info("used_memory_startup")), BASE_USED_MEMORY);
  run("SET", "key", "value");
  // keyspace.ts: 56 bytes per key + key bytes + value bytes.
  assert.equal(ks.usedMemory, 56 + 3 + 5);
  assert.equal(Number(info("used_memory")), BASE_USED_MEMORY + 64);
  const body = `return '${"x".repeat(10_000)}'`;
  run("SCRIPT", "LOAD", body);
  const scripts = Number(info("used_memory_scripts_eval"));
  assert.ok(scripts >= body.length + 40, `${scripts}`);
  assert.equal(Number(info("used_memory")), BASE_USED_MEMORY + 64 + scripts);
  // The Lua heap grows with what a script allocates; used_memory does not.
  const before = Number(info("used_memory"));
  run("EVAL", "local t = {} for i = 1, 20000 do t[i] = i end return #t", "0");
  assert.ok(Number(info("used_memory_lua")) > 0);
  assert.equal(
    Number(info("used_memory")),
    before + Number(info("used_memory_scripts_eval")) - scripts,
  );
  run("SCRIPT", "FLUSH");
  assert.equal(Number(info("used_memory")), BASE_USED_MEMORY + 64);
});

test("MEM-8 an OOM refusal inside a script counts as a rejected call", async () => {
  const { server, run } = await serve({ maxmemory: 1 });
  const before = server.stats.rejectedCalls;
  run("EVAL", "return redis.pcall('set','k','v')", "0");
  assert.equal(server.stats.rejectedCalls, before + 1);
});

test("MULTI over the limit: deny-oom commands are refused at queue time, others queued (Valkey 8)", async () => {
  const { run } = await serve({ maxmemory: 1 });
  assert.deepEqual(run("MULTI"), OK);
  assert.deepEqual(run("GET", "x"), QUEUED);
  assert.deepEqual(run("SET", "a", "b"), OOM);
  assert.deepEqual(
    run("EXEC"),
    error("EXECABORT Transaction discarded because of previous errors."),
  );
});

test("EXEC with a queued deny-oom command is refused when the limit is crossed meanwhile", async () => {
  const { run, other } = await serve();
  assert.deepEqual(run("MULTI"), OK);
  assert.deepEqual(run("SET", "a", "b"), QUEUED);
  assert.deepEqual(other("CONFIG", "SET", "maxmemory", "1"), OK);
  assert.deepEqual(
    run("EXEC"),
    error(
      "EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.",
    ),
  );
  assert.deepEqual(run("EXEC"), error("ERR EXEC without MULTI"));
  // A transaction without deny-oom commands still runs.
  run("MULTI");
  run("GET", "a");
  assert.deepEqual(run("EXEC"), array([NULL]));
});

test("FLAG-15 OOM backstop: EVALSHA of a shebang script loaded in the same transaction", async () => {
  const { run, other } = await serve();
  const body = "#!lua\nreturn 1";
  run("MULTI");
  assert.deepEqual(run("SCRIPT", "LOAD", body), QUEUED);
  assert.deepEqual(run("EVALSHA", sha(body), "0"), QUEUED);
  other("CONFIG", "SET", "maxmemory", "1");
  assert.deepEqual(
    run("EXEC"),
    array([
      bulk(sha(body)),
      error(
        "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'",
      ),
    ]),
  );
});

test("MEM-2 eviction runs before the command; noeviction evicts nothing", async () => {
  const { server, run, info } = await serve({ maxmemoryPolicy: "allkeys-random" });
  for (let i = 0; i < 50; i++) run("SET", `k${i}`, "x".repeat(100));
  const full = usedMemory(server);
  run("CONFIG", "SET", "maxmemory", String(full - 1000));
  // The next command (any command) makes room first; SET then fits.
  assert.deepEqual(run("SET", "new", "v"), OK);
  assert.ok(usedMemory(server) <= full - 1000 + 200);
  const evicted = Number(info("evicted_keys"));
  assert.ok(evicted >= 6 && evicted <= 8, `${evicted}`);
});

test("maxmemory while a script is busy: no eviction for other clients' commands until it ends", async () => {
  // Valkey: `server.maxmemory && !isInsideYieldingLongCommand()` (processCommand).
  const server = await createServer({
    busyReplyThresholdMs: 10,
    maxmemoryPolicy: "allkeys-random",
  });
  try {
    const a = server.createSession(), b = server.createSession();
    for (let i = 0; i < 20; i++) server.execute(b, ["SET", `k${i}`, "x".repeat(100)]);
    const limit = usedMemory(server) + 1000;
    server.execute(b, ["CONFIG", "SET", "maxmemory", String(limit)]);
    const body = "server.call('set', 'big', string.rep('x', 5000)) while true do end";
    const late = server.executeAsync(a, ["EVAL", body, "0"]);
    assert.equal(server.scripting.busy, true);
    assert.ok(usedMemory(server) > limit);
    // allow_busy commands pass the gates; GET is refused with BUSY after them.
    assert.deepEqual(server.execute(b, ["MULTI"]), OK);
    assert.deepEqual(server.execute(b, ["DISCARD"]), OK);
    assert.equal(server.execute(b, ["GET", "k0"]).type, "error");
    assert.equal(server.stats.evictedKeys, 0);
    server.scripting.abort("ERR test over");
    assert.deepEqual(await late, error(`ERR test over script: ${sha(body)}, on @user_script:1.`));
    // The script is over: the next command evicts first.
    server.execute(b, ["GET", "k0"]);
    assert.ok(server.stats.evictedKeys > 0);
    assert.ok(usedMemory(server) <= limit);
  } finally {
    server.scripting.engine?.close();
  }
});

// ---- replicas (FLAG-7, FLAG-8, FLAG-9, FLAG-11, FLAG-15, CALL-10) ----

test("FLAG-8 read-only replica: READONLY for writes and for scripts that may write", async () => {
  const { run, info } = await serve({ replicaOf: "127.0.0.1 6380" });
  assert.deepEqual(run("SET", "a", "b"), READONLY);
  assert.deepEqual(run("GET", "a"), NULL);
  assert.deepEqual(run("EVAL", "#!lua\nreturn 1", "0"), READONLY);
  assert.deepEqual(run("EVAL", "#!lua flags=allow-oom,allow-stale\nreturn 1", "0"), READONLY);
  assert.deepEqual(run("EVAL", "#!lua flags=no-writes\nreturn 1", "0"), int(1));
  assert.deepEqual(run("EVAL", "return 1", "0"), int(1));
  // CALL-10: a script without shebang is stopped at its first write.
  assert.deepEqual(withoutSuffix(run("EVAL", "return redis.call('set','a','b')", "0")), READONLY);
  assert.deepEqual(run("EVAL", "return redis.pcall('set','a','b')", "0"), READONLY);
  assert.equal(info("role"), "slave");
  assert.equal(info("master_host"), "127.0.0.1");
  assert.equal(info("master_port"), "6380");
  assert.equal(info("master_link_status"), "up");
  assert.equal(info("slave_read_only"), "1");
  assert.deepEqual(run("CONFIG", "GET", "replicaof"), config("replicaof", "127.0.0.1 6380"));
  assert.deepEqual(run("CONFIG", "SET", "replica-read-only", "no"), OK);
  assert.deepEqual(run("SET", "a", "b"), OK);
  assert.deepEqual(run("EVAL", "#!lua\nreturn redis.call('get','a')", "0"), bulk("b"));
  assert.deepEqual(run("CONFIG", "GET", "slave-read-only"), config("slave-read-only", "no"));
});

test("FLAG-7/FLAG-11 stale replica: MASTERDOWN unless the command or the script allows stale", async () => {
  const { run, info } = await serve({ replicaOf: "10.0.0.1 6379", stale: true });
  assert.deepEqual(run("GET", "a"), MASTERDOWN);
  assert.deepEqual(run("ECHO", "hi"), bulk("hi"));
  // FLAG-7: no shebang → MASTERDOWN at run preparation (EVAL itself has the stale flag).
  assert.deepEqual(run("EVAL", "return 1", "0"), MASTERDOWN);
  assert.deepEqual(run("EVAL", "#!lua flags=no-writes\nreturn 1", "0"), MASTERDOWN);
  // Writes are refused first: READONLY comes before MASTERDOWN.
  assert.deepEqual(run("EVAL", "#!lua flags=allow-stale\nreturn 1", "0"), READONLY);
  assert.deepEqual(run("EVAL_RO", "#!lua flags=allow-stale\nreturn 1", "0"), READONLY);
  // FLAG-11: allowed to start; commands without the stale flag still fail inside.
  const body = "#!lua flags=no-writes,allow-stale\n";
  assert.deepEqual(
    run("EVAL", body + "return redis.pcall('get','a')", "0"),
    error("ERR Can not execute the command on a stale replica"),
  );
  assert.deepEqual(run("EVAL", body + "return redis.call('echo','x')", "0"), bulk("x"));
  assert.equal(info("master_link_status"), "down");
  assert.deepEqual(
    run("CONFIG", "GET", "replica-serve-stale-data"),
    config("replica-serve-stale-data", "no"),
  );
  assert.deepEqual(run("CONFIG", "SET", "slave-serve-stale-data", "yes"), OK);
  assert.deepEqual(run("GET", "a"), NULL);
  assert.deepEqual(run("EVAL", "return redis.call('get','a')", "0"), NULL);
});

test("FLAG-15 MASTERDOWN backstop: EVALSHA of a script loaded in the same transaction", async () => {
  const { run } = await serve({ replicaOf: "10.0.0.1 6379", stale: true });
  const body = "#!lua flags=no-writes\nreturn 1";
  assert.deepEqual(run("MULTI"), OK);
  assert.deepEqual(run("SCRIPT", "LOAD", body), QUEUED);
  assert.deepEqual(run("EVALSHA", sha(body), "0"), QUEUED);
  assert.deepEqual(
    run("EXEC"),
    array([
      bulk(sha(body)),
      error(
        "MASTERDOWN Link with MASTER is down, replica-serve-stale-data is set to 'no' and 'allow-stale' flag is not set on the script.",
      ),
    ]),
  );
  // A queued command without the stale flag makes EXEC itself refused.
  run("MULTI");
  assert.deepEqual(run("GET", "a"), MASTERDOWN);
  run("DISCARD");
});

test("FLAG-15 READONLY backstop: EVALSHA of a writing script loaded in the same transaction", async () => {
  const { run } = await serve({ replicaOf: "10.0.0.1 6379" });
  const body = "#!lua\nreturn 1";
  run("MULTI");
  run("SCRIPT", "LOAD", body);
  run("EVALSHA", sha(body), "0");
  assert.deepEqual(
    run("EXEC"),
    array([
      bulk(sha(body)),
      error("READONLY Can not run script with write flag on readonly replica"),
    ]),
  );
});

test("replica-ignore-maxmemory: a replica neither evicts nor refuses until it is turned off", async () => {
  const { run } = await serve({ replicaOf: "10.0.0.1 6379", maxmemory: 1 });
  assert.deepEqual(run("SET", "q", "1"), READONLY);
  assert.deepEqual(run("EVAL", "#!lua flags=no-writes\nreturn 1", "0"), int(1));
  assert.deepEqual(run("CONFIG", "SET", "replica-ignore-maxmemory", "no"), OK);
  assert.deepEqual(run("EVAL", "#!lua flags=no-writes\nreturn 1", "0"), int(1));
  // OOM (step 4) comes before READONLY (step 5).
  assert.deepEqual(run("EVAL", "#!lua\nreturn 1", "0"), OOM);
  assert.deepEqual(run("SET", "q", "1"), OOM);
});

// ---- cluster mode on a single node (CLU-4..7, FLAG-12, FLAG-13) ----

test("CLU-4 CROSSSLOT for client commands and declared keys; numkeys 0 is free", async () => {
  const { run, info } = await serve({ clusterEnabled: true });
  assert.deepEqual(run("MSET", "a", "1", "b", "2"), CROSSSLOT);
  assert.deepEqual(run("MSET", "{a}1", "1", "{a}2", "2"), OK);
  assert.deepEqual(run("EVAL", "return 1", "2", "a", "b"), CROSSSLOT);
  assert.deepEqual(run("EVAL", "return 1", "2", "{u}a", "{u}b"), int(1));
  assert.deepEqual(run("EVAL", "#!lua flags=no-writes\nreturn 1", "2", "a", "b"), CROSSSLOT);
  assert.deepEqual(run("EVAL", "return 1", "0"), int(1));
  assert.equal(info("cluster_enabled"), "1");
  assert.equal(info("server_mode"), "cluster");
  assert.deepEqual(run("CONFIG", "GET", "cluster-enabled"), config("cluster-enabled", "yes"));
});

test("CLU-4 transactions: a cross-slot command flags MULTI; cross-slot EXEC discards it", async () => {
  const { run } = await serve({ clusterEnabled: true });
  run("MULTI");
  assert.deepEqual(run("MSET", "a", "1", "b", "1"), CROSSSLOT);
  assert.deepEqual(
    run("EXEC"),
    error("EXECABORT Transaction discarded because of previous errors."),
  );
  run("MULTI");
  assert.deepEqual(run("SET", "a", "1"), QUEUED);
  assert.deepEqual(run("SET", "b", "1"), QUEUED);
  assert.deepEqual(run("EXEC"), CROSSSLOT);
  assert.deepEqual(run("EXEC"), error("ERR EXEC without MULTI"));
  assert.deepEqual(run("EXISTS", "a"), int(0));
});

test("CLU-6 a single command of a script with keys in two slots", async () => {
  const { run } = await serve({ clusterEnabled: true });
  assert.deepEqual(
    run("EVAL", "return redis.pcall('mset','a','1','b','2')", "0"),
    error("ERR Command 'mset' in script attempted to access keys that don't hash to the same slot"),
  );
  assert.deepEqual(run("EVAL", "return redis.pcall('mset','a','1','{a}b','2')", "0"), OK);
});

test("CLU-7 cross-command slot consistency for shebang scripts without allow-cross-slot-keys", async () => {
  const { run } = await serve({ clusterEnabled: true });
  const two = "redis.call('set','foo','1'); return redis.call('set','bar','1')";
  assert.deepEqual(run("EVAL", two, "0"), OK);
  const crossSlot = error("ERR Script attempted to access keys that do not hash to the same slot");
  assert.deepEqual(withoutSuffix(run("EVAL", "#!lua\n" + two, "0")), crossSlot);
  assert.deepEqual(
    withoutSuffix(run("EVAL", "#!lua\nreturn redis.call('set','foo','1')", "1", "bar")),
    crossSlot,
  );
  assert.deepEqual(run("EVAL", "#!lua flags=allow-cross-slot-keys\n" + two, "0"), OK);
  // No-shebang scripts may leave the declared keys' slot.
  assert.deepEqual(run("EVAL", "return redis.call('set','a','1')", "1", "b"), OK);
  // The first keyed command fixes the slot of a numkeys-0 run.
  assert.deepEqual(
    run(
      "EVAL",
      "#!lua\nredis.call('get','{a}x'); return redis.pcall('get','{b}y')",
      "0",
    ),
    crossSlot,
  );
});

test("FLAG-12 no-cluster: refused in cluster mode, no effect standalone", async () => {
  const cluster = await serve({ clusterEnabled: true });
  assert.deepEqual(
    cluster.run("EVAL", "#!lua flags=no-cluster\nreturn 1", "0"),
    error("ERR Can not run script on cluster, 'no-cluster' flag is set."),
  );
  // Declared keys are checked first (step 3).
  assert.deepEqual(
    cluster.run("EVAL", "#!lua flags=no-cluster\nreturn 1", "2", "a", "b"),
    CROSSSLOT,
  );
  const standalone = await serve();
  assert.deepEqual(standalone.run("EVAL", "#!lua flags=no-cluster\nreturn 1", "0"), int(1));
  assert.deepEqual(standalone.run("MSET", "a", "1", "b", "2"), OK);
});

test("SELECT other than 0 is refused in cluster mode", async () => {
  const { run } = await serve({ clusterEnabled: true });
  const text = error("ERR SELECT is not allowed in cluster mode");
  assert.deepEqual(run("SELECT", "1"), text);
  assert.deepEqual(run("SELECT", "0"), OK);
  assert.deepEqual(run("EVAL", "return redis.pcall('select','1')", "0"), text);
});

// ---- CONFIG parameters and INFO ----

test("CONFIG GET/SET of the eviction, LFU, replica and cluster parameters", async () => {
  const { run } = await serve();
  const get = (name: string) => run("CONFIG", "GET", name);
  const pair = config;
  assert.deepEqual(get("lfu-log-factor"), pair("lfu-log-factor", "10"));
  assert.deepEqual(get("lfu-decay-time"), pair("lfu-decay-time", "1"));
  assert.deepEqual(get("maxmemory-eviction-tenacity"), pair("maxmemory-eviction-tenacity", "10"));
  assert.deepEqual(get("replica-read-only"), pair("replica-read-only", "yes"));
  assert.deepEqual(get("replica-serve-stale-data"), pair("replica-serve-stale-data", "yes"));
  assert.deepEqual(get("replica-ignore-maxmemory"), pair("replica-ignore-maxmemory", "yes"));
  assert.deepEqual(get("replicaof"), pair("replicaof", ""));
  assert.deepEqual(get("cluster-enabled"), pair("cluster-enabled", "no"));
  assert.deepEqual(run("CONFIG", "SET", "lfu-log-factor", "3", "lfu-decay-time", "0"), OK);
  assert.deepEqual(get("lfu-*"), config("lfu-log-factor", "3", "lfu-decay-time", "0"));
  assert.deepEqual(
    run("CONFIG", "SET", "maxmemory-eviction-tenacity", "101"),
    error(
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory-eviction-tenacity') - argument must be between 0 and 100 inclusive",
    ),
  );
  assert.deepEqual(
    run("CONFIG", "SET", "cluster-enabled", "yes"),
    error(
      "ERR CONFIG SET failed (possibly related to argument 'cluster-enabled') - can't set immutable config",
    ),
  );
  assert.deepEqual(
    run("CONFIG", "SET", "replicaof", "127.0.0.1 1"),
    error(
      "ERR CONFIG SET failed (possibly related to argument 'replicaof') - can't set immutable config",
    ),
  );
});

test("INFO shows maxmemory, policy, evicted_keys and the eviction exceeded time", async () => {
  const { server, run, info } = await serve({ maxmemoryPolicy: "allkeys-lru" });
  assert.equal(info("maxmemory"), "0");
  assert.equal(info("maxmemory_policy"), "allkeys-lru");
  assert.equal(info("mem_not_counted_for_evict"), "0");
  assert.equal(info("role"), "master");
  run("CONFIG", "SET", "maxmemory", "1", "maxmemory-policy", "noeviction");
  run("SET", "a", "b"); // OOM: exceeded from now on
  (server.clock as ReturnType<typeof manualClock>).advance(1500);
  assert.equal(info("current_eviction_exceeded_time"), "1500");
  run("CONFIG", "SET", "maxmemory-policy", "allkeys-random", "maxmemory", "2000000");
  run("PING");
  assert.equal(info("current_eviction_exceeded_time"), "0");
  assert.equal(info("total_eviction_exceeded_time"), "1500");
  assert.equal(info("maxmemory"), "2000000");
  assert.equal(info("maxmemory_human"), "1.91M");
});

test("options: stale needs replicaOf, replicaOf is `host port`", async () => {
  await assert.rejects(createServer({ stale: true }), RangeError);
  await assert.rejects(createServer({ replicaOf: "localhost:6379" }), RangeError);
});

// ---- the Lua VM memory cap ----

test("Lua memory cap: a script past luaMaxMemoryBytes fails; the VM and the data stay usable", async () => {
  const { run, info } = await serve({ luaMaxMemoryBytes: 48 * 1024 * 1024 });
  run("SET", "k", "v");
  const bomb = "local t = {} for i = 1, 1e8 do t[i] = string.rep('x', 64) .. i end return #t";
  assert.deepEqual(
    run("EVAL", bomb, "0"),
    error(`ERR Error running script ${sha(bomb)}, not enough memory`),
  );
  assert.deepEqual(run("EVAL", "return redis.call('get', KEYS[1])", "1", "k"), bulk("v"));
  assert.deepEqual(
    run("EVAL", "local ok, e = pcall(string.rep, 'x', 1e9) return {tostring(ok), e}", "0"),
    array([bulk("false"), bulk("not enough memory")]),
  );
  // used_memory_lua reports the VM heap, back to a small size after the failed run.
  const lua = Number(info("used_memory_lua"));
  assert.ok(lua > 10_000 && lua < 8 * 1024 * 1024, `${lua}`);
  assert.equal(info("used_memory_lua"), info("used_memory_vm_eval"));
  // The cap is evalkit's own: no CONFIG parameter, as in Valkey.
  assert.deepEqual(run("CONFIG", "GET", "lua-*"), config("lua-time-limit", "5000"));
});
