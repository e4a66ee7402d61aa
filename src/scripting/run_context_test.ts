// The run context (spec §9.3–9.5): gates of server.call in Valkey's order, read-only runs, the
// script's own database, frozen time, no rollback. Through Server.execute with the real engine.

import { test } from "node:test";
import assert from "node:assert/strict";
import { type Clock, manualClock } from "../clock.ts";
import { Server } from "../server.ts";
import type { ScriptEngine } from "./engine.ts";
import { RunContext } from "./run_context.ts";
import { array, bulk, error, int, NULL, OK, type Reply } from "../resp/reply.ts";
import { needs, needsScriptable, suffix, withServer } from "./_test_server.ts";

const RO = "ERR Write commands are not allowed from read-only scripts.";

/** A clock that moves 1 s forward every time it is read: any second read shows. */
function tickingClock(start = 1_700_000_000_000): Clock & { reads: number[] } {
  let t = start;
  const reads: number[] = [];
  return {
    reads,
    now() {
      reads.push(t);
      const v = t;
      t += 1000;
      return v;
    },
  };
}

// ---- §9.3 validation order ----

test("§9.3 step 2 unknown commands and wrong arity, with Valkey's texts", () =>
  withServer(({ run }) => {
    for (
      const [body, text] of [
        ["return redis.call('nosuchcommand')", "ERR Unknown command called from script"],
        ["return redis.call('get')", "ERR Wrong number of args calling command from script"],
        [
          "return redis.call('get', 'a', 'b')",
          "ERR Wrong number of args calling command from script",
        ],
        ["return redis.call('script')", "ERR Wrong number of args calling command from script"],
        ["return redis.call('config', 'nosuchsub')", "ERR Unknown command called from script"],
      ]
    ) {
      assert.deepEqual(run("EVAL", body, "0"), error(`${text}${suffix(body)}`), body);
      const p = body.replace("redis.call", "redis.pcall");
      assert.deepEqual(run("EVAL", p, "0"), error(text), p);
    }
  }));

test("§9.3 step 3 noscript commands are refused; their HELP subcommands are not", () =>
  withServer(({ run }) => {
    const text = "ERR This Redis command is not allowed from script";
    for (
      const args of [
        "'eval', 'return 1', '0'",
        "'evalsha_ro', 'x', '0'",
        "'script', 'load', 'return 1'",
        "'script', 'flush'",
        "'config', 'get', 'maxmemory'",
        "'config', 'resetstat'",
        "'multi'",
        "'watch', 'k'",
        "'client', 'id'",
        "'hello'",
        "'debug', 'sleep', '0'",
      ]
    ) {
      const body = `return redis.pcall(${args})`;
      assert.deepEqual(run("EVAL", body, "0"), error(text), body);
    }
    const help = run("EVAL", "return redis.call('script', 'help')", "0");
    assert.equal(help.type, "array");
    assert.equal(run("EVAL", "return redis.call('config', 'help')", "0").type, "array");
  }));

test("§9.3 order: arity and noscript come before the read-only write check", () =>
  withServer(({ run }) => {
    assert.deepEqual(
      run("EVAL_RO", "return redis.pcall('set', 'k')", "0"),
      error("ERR Wrong number of args calling command from script"),
    );
    assert.deepEqual(
      run("EVAL_RO", "return redis.pcall('eval', 'return 1', '0')", "0"),
      error("ERR This Redis command is not allowed from script"),
    );
    assert.deepEqual(
      run("EVAL_RO", "return redis.pcall('nope')", "0"),
      error("ERR Unknown command called from script"),
    );
  }));

// ---- §9.4 read-only runs ----

test("CALL-9 write commands are refused in EVAL_RO / EVALSHA_RO / no-writes runs, exact text", () =>
  withServer(({ run }) => {
    run("SET", "k", "1");
    for (
      const cmd of [
        "'set', 'k', 'v'",
        "'incr', 'k'",
        "'del', 'k'",
        "'expire', 'k', '100'",
        "'append', 'k', 'x'",
        "'flushall'",
        "'setex', 'k', '10', 'v'",
      ]
    ) {
      const call = `return redis.call(${cmd})`;
      assert.deepEqual(run("EVAL_RO", call, "0"), error(`${RO}${suffix(call)}`), call);
      const flagged = `#!lua flags=no-writes\nreturn redis.call(${cmd})`;
      assert.deepEqual(run("EVAL", flagged, "0"), error(`${RO}${suffix(flagged, 2)}`), flagged);
      // pcall returns the error table; returned as is, it carries no suffix.
      assert.deepEqual(run("EVAL_RO", `return redis.pcall(${cmd})`, "0"), error(RO));
    }
    // Nothing ran.
    assert.deepEqual(run("GET", "k"), bulk("1"));
    assert.deepEqual(run("TTL", "k"), int(-1));
    // The script goes on after a pcall refusal.
    assert.deepEqual(
      run(
        "EVAL_RO",
        "local e = redis.pcall('set', 'k', 'v') return {e.err, redis.call('get', 'k')}",
        "0",
      ),
      array([bulk(RO), bulk("1")]),
    );
    // Read commands are fine.
    assert.deepEqual(
      run(
        "EVAL_RO",
        "return {redis.call('get','k'), redis.call('exists','k'), redis.call('ttl','k')}",
        "0",
      ),
      array([bulk("1"), int(1), int(-1)]),
    );
  }));

test("CALL-9 may-replicate commands (PUBLISH) are refused from read-only runs", {
  ...needs("publish"),
}, () =>
  withServer(({ run }) => {
    assert.deepEqual(run("EVAL_RO", "return redis.pcall('publish', 'ch', 'm')", "0"), error(RO));
    assert.deepEqual(run("EVAL", "return redis.call('publish', 'ch', 'm')", "0"), int(0));
  }));

test("CALL-9 a read-only run never makes the script dirty: writes in a normal run do", () =>
  withServer(({ server, run }) => {
    // The run context of the last run is gone; what is observable is the result.
    assert.deepEqual(run("EVAL", "return redis.call('set', 'k', 'v')", "0"), OK);
    assert.equal(server.scripting.running, null);
    assert.deepEqual(run("EVAL_RO", "return redis.pcall('set', 'k', 'w')", "0"), error(RO));
    assert.equal(server.scripting.running, null);
  }));

// ---- §9.5 execution context ----

test("CALL-11 SELECT inside a script affects only the rest of that run", () =>
  withServer(({ run }) => {
    const body =
      "redis.call('select', '1') redis.call('set', 'k', 'in1') return redis.call('get', 'k')";
    assert.deepEqual(run("EVAL", body, "0"), bulk("in1"));
    // The caller is still in db 0, where nothing was written.
    assert.deepEqual(run("GET", "k"), NULL);
    assert.deepEqual(run("SELECT", "1"), OK);
    assert.deepEqual(run("GET", "k"), bulk("in1"));
    // The next run starts in the caller's current db (1 now), not where the last run ended.
    assert.deepEqual(run("EVAL", "redis.call('select', '2') return 1", "0"), int(1));
    assert.deepEqual(run("EVAL", "return redis.call('get', 'k')", "0"), bulk("in1"));
    assert.deepEqual(run("SELECT", "0"), OK);
    assert.deepEqual(run("EVAL", "return redis.call('get', 'k')", "0"), NULL);
  }));

test("CALL-11 SELECT errors inside a script and SELECT in EXEC-run scripts", () =>
  withServer(({ run }) => {
    const bad = "return redis.call('select', '99')";
    assert.deepEqual(run("EVAL", bad, "0"), error(`ERR DB index is out of range${suffix(bad)}`));
    assert.deepEqual(run("MULTI"), OK);
    run("EVAL", "redis.call('select', '3') return redis.call('set', 'k', 'v')", "0");
    run("SET", "k", "zero");
    assert.deepEqual(run("EXEC"), array([OK, OK]));
    assert.deepEqual(run("GET", "k"), bulk("zero"));
    assert.deepEqual(run("SELECT", "3"), OK);
    assert.deepEqual(run("GET", "k"), bulk("v"));
  }));

test("CALL-12 TIME inside a script returns the run's start time, frozen", async () => {
  const clock = tickingClock();
  await withServer(({ run }) => {
    const before = clock.reads.length;
    const reply = run(
      "EVAL",
      "local a = redis.call('time') local b = redis.call('time') return {a, b}",
      "0",
    );
    // The time EVAL was started at: the first clock read of this command.
    const start = clock.reads[before];
    const expected = array([
      bulk(String(Math.floor(start / 1000))),
      bulk(String((start % 1000) * 1000)),
    ]);
    assert.deepEqual(reply, array([expected, expected]));
  }, { clock });
});

test("CALL-12 relative expirations set at different moments of a run are identical", async () => {
  const clock = tickingClock();
  await withServer(({ run }) => {
    const body = `
      redis.call('set', 'a', '1', 'EX', '100')
      for i = 1, 1000 do redis.call('incr', 'spin') end
      redis.call('set', 'b', '1', 'PX', '100000')
      redis.call('set', 'c', '1')
      redis.call('expire', 'c', '100')
      redis.call('setex', 'd', '100', '1')
      redis.call('psetex', 'e', '100000', '1')
      return {redis.call('pexpiretime', 'a'), redis.call('pexpiretime', 'b'),
              redis.call('pexpiretime', 'c'), redis.call('pexpiretime', 'd'),
              redis.call('pexpiretime', 'e')}`;
    const before = clock.reads.length;
    const reply = run("EVAL", body, "0");
    const at = clock.reads[before] + 100_000;
    assert.deepEqual(reply, array([int(at), int(at), int(at), int(at), int(at)]));
  }, { clock });
});

test("CALL-12 a key whose TTL passes during the run stays visible until the run ends", async () => {
  const clock = tickingClock();
  await withServer(({ run }) => {
    // Deadline: 1.5 s after SET. EVAL starts 1 s after SET (one tick): alive at the run's time.
    assert.deepEqual(run("SET", "k", "v", "PX", "1500"), OK);
    assert.deepEqual(
      run(
        "EVAL",
        "local a = redis.call('get', 'k') redis.call('time') return {a, redis.call('get', 'k'), redis.call('pttl', 'k')}",
        "0",
      ),
      array([bulk("v"), bulk("v"), int(500)]),
    );
    // The next command's clock is past the deadline.
    assert.deepEqual(run("GET", "k"), NULL);
  }, { clock });
});

test("CALL-13 blocking commands return their timeout reply at once", {
  ...needsScriptable("blpop", "brpop", "blmove"),
}, () =>
  withServer(({ run }) => {
    assert.deepEqual(run("EVAL", "return redis.call('blpop', 'nolist', '0')", "0"), NULL);
    assert.deepEqual(run("EVAL", "return redis.call('brpop', 'nolist', '10')", "0"), NULL);
    assert.deepEqual(
      run("EVAL", "return redis.call('blmove', 'a', 'b', 'LEFT', 'RIGHT', '0')", "0"),
      NULL,
    );
    assert.deepEqual(
      run("EVAL", "return redis.call('blpop', 'nolist', '0') == false", "0"),
      int(1),
    );
  }));

test(
  "CALL-13 WAIT returns 0 at once (no replicas)",
  { ...needs("wait") },
  () =>
    withServer(({ run }) => {
      assert.deepEqual(run("EVAL", "return redis.call('wait', '1', '0')", "0"), int(0));
    }),
);

test("CALL-14 SORT BY a constant pattern is lexicographic inside scripts", {
  ...needs("sadd", "sort"),
}, () =>
  withServer(({ run }) => {
    run("SADD", "myset", "c", "a", "10", "b", "2");
    assert.deepEqual(
      run("EVAL", "return redis.call('sort', KEYS[1], 'by', '_')", "1", "myset"),
      array(["10", "2", "a", "b", "c"].map(bulk)),
    );
  }));

test(
  "CALL-15 blocking commands in a script run by EXEC do not block either",
  { ...needsScriptable("blpop") },
  () =>
    withServer(({ run }) => {
      assert.deepEqual(run("MULTI"), OK);
      run("EVAL", "return redis.call('blpop', 'nolist', '0')", "0");
      assert.deepEqual(run("EXEC"), array([NULL]));
    }),
);

test("CALL-17 writes are visible to later calls and survive a later error (no rollback)", () =>
  withServer(({ run }) => {
    const body =
      "redis.call('set', 'a', '1') redis.call('incr', 'a') local v = redis.call('get', 'a') " +
      "redis.call('set', 'b', v) error('late failure')";
    assert.deepEqual(
      run("EVAL", body, "0"),
      error(`ERR user_script:1: late failure${suffix(body)}`),
    );
    assert.deepEqual(run("MGET", "a", "b"), array([bulk("2"), bulk("2")]));
    // A failing command in the middle does not undo the earlier ones either.
    const wrong = "redis.call('set', 'c', 'x') return redis.call('incr', 'c')";
    assert.deepEqual(
      run("EVAL", wrong, "0"),
      error(`ERR value is not an integer or out of range${suffix(wrong)}`),
    );
    assert.deepEqual(run("GET", "c"), bulk("x"));
  }));

test("CALL-4 command errors reach the script as tables; replies keep their Lua types", () =>
  withServer(({ run }) => {
    run("SET", "s", "x");
    const r: Reply = run(
      "EVAL",
      "local e = redis.pcall('incr', 's') return {e.err, tostring(e.ignore_error_stats_update), redis.call('set', 'n', '5').ok, redis.call('incr', 'n')}",
      "0",
    );
    assert.deepEqual(
      r,
      array([
        bulk("ERR value is not an integer or out of range"),
        bulk("true"),
        bulk("OK"),
        int(6),
      ]),
    );
  }));

// ---- time policy (BUSY-1/2, hard time limits): RunContext.tick ----

test("tick: threshold, BUSY-2 log once, slices of a suspendable run, hard time limit", () => {
  const clock = manualClock();
  const logs: [number, string][] = [];
  const server = new Server({ clock, busyReplyThresholdMs: 100, log: (l, m) => logs.push([l, m]) });
  const kills: string[] = [];
  server.scripting.engine = {
    kill: (reason: string) => kills.push(reason),
  } as unknown as ScriptEngine;
  // realClock: the server clock is taken as the real one, so a manual clock drives tick().
  const run = new RunContext(server, true);
  const start = (suspendable: boolean, abortAfterMs = Infinity, limitMs = 0) => {
    run.begin(server.createSession(), clock.now(), {
      readOnly: false,
      flags: 0,
      inMulti: false,
      oomAtStart: false,
    });
    run.setTimePolicy("f".repeat(40), suspendable, abortAfterMs, limitMs);
  };

  start(true);
  clock.advance(99);
  assert.equal(run.tick(), false);
  assert.equal(run.timedOut, false);
  clock.advance(1);
  assert.equal(run.tick(), true); // the first check past the threshold yields at once
  assert.equal(run.timedOut, true);
  assert.deepEqual(logs, [[
    3,
    `Slow script detected: still in execution after 100 milliseconds. You can try killing the script using the SCRIPT KILL command. Script name is: ${
      "f".repeat(40)
    }.`,
  ]]);
  run.resumed();
  assert.equal(run.tick(), false); // starts the slice
  clock.advance(9);
  assert.equal(run.tick(), false);
  clock.advance(1);
  assert.equal(run.tick(), true);
  assert.equal(run.tick(), true); // not yieldable there: asked again
  run.resumed();
  assert.equal(run.tick(), false);
  assert.equal(logs.length, 1);

  // Not suspendable: timed out (SCRIPT KILL would apply) but never asked to yield.
  start(false);
  clock.advance(500);
  assert.equal(run.tick(), false);
  assert.equal(run.timedOut, true);
  clock.advance(500);
  assert.equal(run.tick(), false);

  // BUSY-1: 0 turns it all off.
  server.config.busyReplyThresholdMs = 0;
  start(true);
  clock.advance(10_000);
  assert.equal(run.tick(), false);
  assert.equal(run.timedOut, false);

  // The hard limit: the kill text says whether the run had written.
  start(true, 50, 50);
  clock.advance(49);
  run.tick();
  assert.deepEqual(kills, []);
  clock.advance(1);
  run.tick();
  run.dirty = true;
  run.tick();
  assert.deepEqual(kills, [
    "ERR Script exceeded the time limit of 50 ms and was aborted (no writes were made).",
    "ERR Script exceeded the time limit of 50 ms and was aborted (it had already written to the dataset; its writes were kept).",
  ]);
});
