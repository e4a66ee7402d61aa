// Twin tests of the core's command lookup (spec CMD-1..3) and of PING/ECHO, against redis-server.
// Sequences for commands that are not registered yet are skipped with that reason, and run as
// soon as the command lands.

import { test } from "node:test";
import assert from "node:assert/strict";
import { error } from "../resp/reply.ts";
import {
  custom,
  describeFailure,
  needs,
  on,
  pause,
  runTwin,
  skipReason,
  twin,
  valkey,
} from "./twin.ts";

twin("unknown command replies its name and the first arguments (CMD-3)", [
  ["FOO", "a", "b"],
  ["foo"],
  ["NoSuchCommand", "with", "several", "arguments", ""],
]);

twin("unknown command quotes binary arguments, CR/LF turned into spaces (CMD-3)", [
  ["FOO", "a\r\nb", "\x07\xff\x1b"],
  ["BAR\r\nBAZ", "x"],
]);

// Valkey formats the name and each argument with C's `%.*s`, which stops at a NUL byte.
twin("unknown command cuts the name and each argument at a NUL byte (CMD-3)", [
  ["FOO", "a\x00b", "c"],
  ["F\x00OO", "x"],
]);

twin("unknown command truncates a long name and long arguments to 128 bytes (CMD-3)", [
  ["X".repeat(200)],
  ["FOO", "a".repeat(200)],
  ["FOO", "a".repeat(100), "b".repeat(100), "c".repeat(10)],
  ["FOO", ...Array.from({ length: 60 }, (_, i) => `arg${i}`)],
]);

twin("unknown command in RESP3 is the same error (CMD-3)", [["FOO", "a"]], {
  resp: 3,
  ...needs("hello"),
});

twin("wrong arity names the lowercase command (CMD-1)", [
  ["GET"],
  ["get", "a", "b"],
  ["SET", "k"],
  ["gEt"],
], needs("get", "set"));

twin("PING and ECHO reply status, bulk and arity errors", [
  ["PING"],
  ["PING", "hello"],
  ["ping", "a", "b"],
  ["ECHO", "bytes \x00\xff"],
  ["ECHO"],
  ["ECHO", "a", "b"],
], needs("ping", "echo"));

twin("PING and ECHO in RESP3", [
  ["PING"],
  ["PING", "hello"],
  ["ECHO", "x"],
], { resp: 3, ...needs("ping", "echo", "hello") });

twin("a container without a subcommand is an arity error; an unknown one lists HELP (CMD-2)", [
  ["CONFIG"],
  ["CONFIG", "NOSUCH"],
  ["config", "nosuch", "a", "b"],
  ["CLIENT", "x".repeat(200)],
  ["CONFIG", "GET"],
  ["SCRIPT"],
  ["SCRIPT", "foo"],
  ["SCRIPT", "LOAD"],
], needs("config", "client", "script"));

// ---- the harness itself ----

const harness = { skip: skipReason() };

test("runTwin reports the differing step with both typed replies", harness, async () => {
  const never = custom("never", () => "rejected on purpose");
  const report = await runTwin([["FOO"], on("other", ["BAR", never]), pause(5), ["BAZ"]]);
  assert.equal(report.steps.length, 3);
  assert.deepEqual(report.failures.map((f) => [f.index, f.client]), [[2, "other"]]);
  const text = describeFailure("demo", report, {});
  assert.match(text, /1 of 3 steps differ/);
  assert.match(text, /step 2 \(client other\): BAR +\[never\]/);
  assert.match(text, /first difference at \$: rejected on purpose/);
  assert.match(text, /redis 7\.|redis \d/);
});

test("runTwin flags a valkeyDiff that redis no longer shows", harness, async () => {
  const redisText = "ERR unknown command 'FOO', with args beginning with: ";
  const report = await runTwin([["FOO", valkey(error(redisText))]], { valkeyDiff: "demo" });
  assert.match(report.failures[0]?.mismatch?.message ?? "", /stale/);
});

test("runTwin rejects valkey() without a valkeyDiff reason, and the reverse", async () => {
  await assert.rejects(runTwin([["FOO", valkey(error("ERR x"))]]), /valkeyDiff reason/);
  await assert.rejects(runTwin([["FOO"]], { valkeyDiff: "why" }), /no step says/);
  await assert.rejects(runTwin([["FOO", "\u263a"]]), /not a byte string/);
});
