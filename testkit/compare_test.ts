import { test } from "node:test";
import assert from "node:assert/strict";
import type { Reply } from "../src/resp/reply.ts";
import {
  type Expected,
  formatArgv,
  formatPattern,
  formatReply,
  matchReply,
  parseExpected,
} from "./compare.ts";

const bulk = (value: string): Reply => ({ type: "bulk", value });
const int = (value: number | bigint): Reply => ({ type: "integer", value });
const arr = (...value: Reply[]): Reply => ({ type: "array", value });

function check(e: Expected, r: Reply, fidelity: "resp" | "json" = "resp") {
  return matchReply(parseExpected(e), r, fidelity);
}

test("parseExpected reads every scalar sigil", () => {
  assert.deepEqual(parseExpected("+OK"), { kind: "exact", reply: { type: "status", value: "OK" } });
  assert.deepEqual(parseExpected("-ERR x"), {
    kind: "exact",
    reply: { type: "error", value: "ERR x" },
  });
  assert.deepEqual(parseExpected("$"), { kind: "exact", reply: { type: "bulk", value: "" } });
  assert.deepEqual(parseExpected(":-9223372036854775808"), {
    kind: "exact",
    reply: { type: "integer", value: -9223372036854775808n },
  });
  assert.deepEqual(parseExpected("_"), { kind: "exact", reply: { type: "null" } });
  assert.deepEqual(parseExpected("*-1"), { kind: "exact", reply: { type: "null", array: true } });
  assert.deepEqual(parseExpected(",-inf"), {
    kind: "exact",
    reply: { type: "double", value: -Infinity },
  });
  assert.deepEqual(parseExpected("#t"), { kind: "exact", reply: { type: "boolean", value: true } });
  assert.deepEqual(parseExpected("(123"), {
    kind: "exact",
    reply: { type: "bignum", value: "123" },
  });
  assert.deepEqual(parseExpected("=txt:hi"), {
    kind: "exact",
    reply: { type: "verbatim", format: "txt", value: "hi" },
  });
});

test("parseExpected refuses malformed notation with a message", () => {
  for (const bad of ["OK", ":1.5", "_x", "#x", ",", "=tx", { type: "nope" }, { oneOf: [] }]) {
    assert.throws(() => parseExpected(bad as Expected), SyntaxError, JSON.stringify(bad));
  }
  assert.throws(() => parseExpected({ set: ["$a"], any: true }), /unexpected key "any"/);
});

test("matchReply keeps RESP types apart: status is not bulk, $-1 is not *-1", () => {
  assert.equal(check("+OK", { type: "status", value: "OK" }), undefined);
  assert.match(check("+OK", bulk("OK"))!.message, /bulk, expected status/);
  assert.equal(check("_", { type: "null" }), undefined);
  assert.match(check("*-1", { type: "null" })!.message, /null, expected null array/);
  assert.match(check(":1", bulk("1"))!.message, /expected integer/);
});

test("matchReply compares integers as numbers or bigints alike", () => {
  assert.equal(check(":9007199254740993", int(9007199254740993n)), undefined);
  assert.equal(check(":7", int(7n)), undefined);
  assert.match(check(":7", int(8))!.message, /:8, expected :7/);
});

test("matchReply reports the path of the first difference and the differing bytes", () => {
  const m = check([":1", [":2", "$abc"]], arr(int(1), arr(int(2), bulk("abd"))));
  assert.equal(m?.path, "$[1][1]");
  assert.match(m!.message, /text differs at byte 2: got "d", expected "c"/);
  assert.equal(check([":1"], arr(int(1), int(2)))?.message, "2 elements, expected 1");
});

test("unordered arrays, sets and maps match in any order", () => {
  assert.equal(check({ unordered: ["$a", "$b"] }, arr(bulk("b"), bulk("a"))), undefined);
  assert.notEqual(check(["$a", "$b"], arr(bulk("b"), bulk("a"))), undefined);
  assert.equal(
    check({ set: ["$a", "$b"] }, { type: "set", value: [bulk("b"), bulk("a")] }),
    undefined,
  );
  assert.equal(
    check({ map: [["$k", ":1"], ["$j", ":2"]] }, {
      type: "map",
      value: [[bulk("j"), int(2)], [bulk("k"), int(1)]],
    }),
    undefined,
  );
  assert.notEqual(check({ unordered: ["$a", "$a"] }, arr(bulk("a"), bulk("b"))), undefined);
});

test("regex, type, range, any and oneOf comparators", () => {
  const sha = { type: "error", regex: "^ERR x script: [0-9a-f]{40}, on @user_script:\\d+\\.$" };
  assert.equal(
    check(sha as Expected, {
      type: "error",
      value: `ERR x script: ${"a".repeat(40)}, on @user_script:12.`,
    }),
    undefined,
  );
  assert.match(
    check(sha as Expected, { type: "error", value: "ERR y" })!.message,
    /does not match/,
  );
  assert.match(check(sha as Expected, bulk("ERR x"))!.message, /expected error/);
  assert.equal(check({ type: "array" }, arr()), undefined);
  assert.equal(check({ type: "integer", min: 1, max: 3 }, int(3)), undefined);
  assert.match(check({ type: "integer", min: 1, max: 3 }, int(4))!.message, /outside \[1, 3\]/);
  assert.equal(check({ any: true }, { type: "error", value: "x" }), undefined);
  assert.equal(check({ oneOf: ["$a", ":1"] }, int(1)), undefined);
  assert.match(check({ oneOf: ["$a", ":1"] }, int(2))!.message, /no alternative matches/);
});

test("info patterns read INFO fields, optionally in order", () => {
  const info = bulk("# Memory\r\nused_memory_lua:31744\r\nnumber_of_cached_scripts:2\r\n");
  assert.equal(check({ info: { number_of_cached_scripts: "2" } }, info), undefined);
  assert.equal(
    check({
      info: { used_memory_lua: { regex: "^\\d+$" }, number_of_cached_scripts: "2" },
      ordered: true,
    }, info),
    undefined,
  );
  assert.match(
    check(
      { info: { number_of_cached_scripts: "2", used_memory_lua: "31744" }, ordered: true },
      info,
    )!
      .message,
    /out of order/,
  );
  assert.match(check({ info: { nope: "1" } }, info)!.message, /no field nope/);
  assert.equal(
    check({ info: { a: "1" } }, { type: "verbatim", format: "txt", value: "a:1\r\n" }),
    undefined,
  );
});

test("json fidelity merges what the Upstash dialect cannot tell apart", () => {
  assert.equal(check("+OK", bulk("OK"), "json"), undefined);
  assert.equal(check("*-1", { type: "null" }, "json"), undefined);
  assert.equal(check(["-ERR inner", "$v"], arr(bulk("ERR inner"), bulk("v")), "json"), undefined);
  assert.equal(check({ map: [["$a", ":1"]] }, arr(bulk("a"), int(1)), "json"), undefined);
  assert.equal(
    check({ type: "error", regex: "^ERR" }, { type: "error", value: "ERR x" }, "json"),
    undefined,
  );
  assert.notEqual(check("$1", int(1), "json"), undefined);
});

test("formatReply and formatPattern render typed lines", () => {
  assert.equal(
    formatReply(arr(int(1), bulk("a\x00"), { type: "null", array: true })),
    '*3\n  [0] :1\n  [1] $"a\\x00"\n  [2] *-1',
  );
  assert.equal(
    formatPattern(parseExpected({ unordered: ["+OK", { type: "bulk", regex: "^a" }] })),
    "*2 (any order)\n  [0] +OK\n  [1] (bulk matching /^a/)",
  );
  assert.equal(formatArgv(["EVAL", "return 1", "0", "\xff"]), 'EVAL "return 1" 0 "\\xff"');
});

// CONV-9: a self-referencing table's reply is ~8000 levels deep (redis-server 7.0.15: 7995).
test("matchReply and formatReply handle replies nested 10,000 levels deep", () => {
  let r: Reply = { type: "error", value: "ERR reached lua stack limit" };
  for (let i = 0; i < 10_000; i++) r = i % 2 === 0 ? arr(r) : { type: "set", value: [r] };
  assert.equal(check({ type: "set" }, r, "resp"), undefined);
  assert.equal(check({ type: "array" }, r, "json"), undefined);
  assert.notEqual(check({ type: "map" }, r, "json"), undefined);
  const lines = formatReply(r).split("\n");
  assert.equal(lines.length, 41);
  assert.equal(lines[0], "~1");
  assert.equal(lines[40], `${"  ".repeat(40)}[0] set nested deeper than 40 levels (not shown)`);
});
