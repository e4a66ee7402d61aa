// ERR-9: error statistics (INFO errorstats, total_error_replies) count an error once. A command
// a script calls counts its own error (or its refusal, as Valkey's scriptCall does); the EVAL that
// raises it (or returns pcall's error table) does not count it again; an error of the script
// itself (error('x'), error_reply) counts once under its code. Expected counts: the spec's example
// and redis-server 7.0.15 (the same sequence is a twin test: error_stats_twin_test.ts).

import { test } from "node:test";
import assert from "node:assert/strict";
import { bulk, error, OK } from "../resp/reply.ts";
import { suffix, withServer } from "./_test_server.ts";

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

test("ERR-9 the spec's example: the inner command's code once, then the script's own ERR", () =>
  withServer(({ run, info }) => {
    run("SET", "str", "abc");
    assert.deepEqual(run("CONFIG", "RESETSTAT"), OK);
    const lpush = "return server.call('lpush', KEYS[1], 'v')";
    assert.deepEqual(run("EVAL", lpush, "1", "str"), error(WRONGTYPE + suffix(lpush)));
    assert.deepEqual([...info("errorstats")], [["errorstat_WRONGTYPE", "count=1"]]);
    assert.equal(info("stats").get("total_error_replies"), "1");
    assert.deepEqual(
      run("EVAL", "error('x')", "0"),
      error("ERR user_script:1: x" + suffix("error('x')")),
    );
    assert.deepEqual([...info("errorstats")], [
      ["errorstat_ERR", "count=1"],
      ["errorstat_WRONGTYPE", "count=1"],
    ]);
    assert.equal(info("stats").get("total_error_replies"), "2");
  }));

test("ERR-9 refusals of called commands count once, raised or caught", () =>
  withServer(({ run, info }) => {
    run("SET", "str", "abc");
    run("CONFIG", "RESETSTAT");
    assert.equal(run("EVAL", "return server.call('nosuch')", "0").type, "error");
    assert.deepEqual(
      run("EVAL", "return server.pcall('multi')['err']", "0"),
      bulk("ERR This Redis command is not allowed from script"),
    );
    // pcall's error table returned as the script's result: already counted.
    assert.deepEqual(
      run("EVAL", "return server.pcall('lpush', 'str', 'v')", "0"),
      error(WRONGTYPE),
    );
    assert.deepEqual(run("EVAL", "return server.error_reply('MY own')", "0"), error("MY own"));
    assert.deepEqual([...info("errorstats")], [
      ["errorstat_ERR", "count=2"],
      ["errorstat_MY", "count=1"],
      ["errorstat_WRONGTYPE", "count=1"],
    ]);
    assert.equal(info("stats").get("total_error_replies"), "4");
  }));

test("ERR-9 an OOM refusal inside a script counts once, as OOM", () =>
  withServer(({ run, info }) => {
    run("CONFIG", "SET", "maxmemory", "1");
    run("CONFIG", "RESETSTAT");
    const body = "return server.call('set', 'k', 'v')";
    assert.deepEqual(
      run("EVAL", body, "0"),
      error("OOM command not allowed when used memory > 'maxmemory'." + suffix(body)),
    );
    assert.deepEqual([...info("errorstats")], [["errorstat_OOM", "count=1"]]);
    assert.equal(info("stats").get("total_error_replies"), "1");
  }));

test("ERR-9 a script run by EXEC: its inner error counts once", () =>
  withServer(({ run, info }) => {
    run("SET", "str", "abc");
    run("CONFIG", "RESETSTAT");
    run("MULTI");
    run("EVAL", "return server.call('lpush', 'str', 'v')", "0");
    run("GET", "str");
    const r = run("EXEC");
    assert.equal(r.type === "array" && r.value[0].type, "error");
    assert.deepEqual([...info("errorstats")], [["errorstat_WRONGTYPE", "count=1"]]);
    // The flag that skips the EVAL's count is consumed: the next error counts.
    run("LPUSH", "str", "v");
    assert.deepEqual([...info("errorstats")], [["errorstat_WRONGTYPE", "count=2"]]);
  }));

test("ERR-9 a busy script's error raised by a called command counts once, when it ends", () =>
  withServer(async ({ server, run, info }) => {
    run("SET", "str", "abc");
    run("CONFIG", "RESETSTAT");
    const s = server.createSession();
    const body = "local t = os.clock() while os.clock() - t < 0.1 do end " +
      "return server.call('lpush', 'str', 'v')";
    const late = server.executeAsync(s, ["EVAL", body, "0"]);
    assert.equal(server.scripting.busy, true);
    assert.deepEqual(await late, error(WRONGTYPE + suffix(body)));
    assert.deepEqual([...info("errorstats")], [["errorstat_WRONGTYPE", "count=1"]]);
  }, { busyReplyThresholdMs: 10 }));
