import { test } from "node:test";
import assert from "node:assert/strict";
import {
  any,
  anyError,
  approx,
  custom,
  exact,
  firstDifference,
  formatReply,
  quote,
  regexp,
  sameType,
  unordered,
  valkey,
} from "./compare.ts";
import {
  array,
  bool,
  bulk,
  double,
  error,
  int,
  map,
  NULL,
  NULL_ARRAY,
  OK,
  type Reply,
  set,
  status,
  verbatim,
} from "../resp/reply.ts";

test("firstDifference tells a status from a bulk string with the same text", () => {
  assert.deepEqual(firstDifference(status("OK"), bulk("OK")), {
    path: "$",
    message: "type status (evalkit) vs bulk (redis)",
  });
});

test("firstDifference tells the RESP2 null bulk from the null array", () => {
  assert.equal(firstDifference(NULL, { type: "null", array: false }), undefined);
  assert.match(firstDifference(NULL, NULL_ARRAY)!.message, /null \(\$-1 \/ _\).*null array/);
});

test("firstDifference compares integers by value whether number or bigint", () => {
  assert.equal(firstDifference(int(5), { type: "integer", value: 5n }), undefined);
  assert.equal(firstDifference(int(2n ** 63n - 1n), int(2n ** 63n - 1n)), undefined);
  assert.equal(firstDifference(int(1), int(2))?.message, ":1 (evalkit) vs :2 (redis)");
});

test("firstDifference reports the path of the first differing nested element", () => {
  const a = array([bulk("a"), array([int(1), bulk("x")])]);
  const b = array([bulk("a"), array([int(1), bulk("y")])]);
  assert.deepEqual(firstDifference(a, b), {
    path: "$[1][1]",
    message: 'text differs at byte 0: "x" vs "y"',
  });
  assert.equal(
    firstDifference(a, array([bulk("a")]))?.message,
    "2 elements (evalkit) vs 1 (redis)",
  );
});

test("firstDifference walks map keys and values", () => {
  const a = map([[bulk("f"), int(1)], [bulk("g"), int(2)]]);
  const b = map([[bulk("f"), int(1)], [bulk("g"), int(3)]]);
  assert.equal(firstDifference(a, b)?.path, "$[1].value");
  assert.equal(
    firstDifference(map([[bulk("h"), int(1)]]), map([[bulk("f"), int(1)]]))?.path,
    "$[0].key",
  );
});

test("firstDifference compares doubles, booleans and verbatim formats exactly", () => {
  assert.equal(firstDifference(double(NaN), double(NaN)), undefined);
  assert.notEqual(firstDifference(double(0), double(-0)), undefined);
  assert.notEqual(firstDifference(bool(true), bool(false)), undefined);
  assert.match(firstDifference(verbatim("txt", "a"), verbatim("mkd", "a"))!.message, /format/);
});

test("exact is the default comparator and fails on element order", () => {
  const c = exact();
  assert.equal(c.compare(array([bulk("a"), bulk("b")]), array([bulk("a"), bulk("b")])), undefined);
  assert.notEqual(
    c.compare(array([bulk("a"), bulk("b")]), array([bulk("b"), bulk("a")])),
    undefined,
  );
});

test("unordered accepts a permutation and rejects a different multiset", () => {
  const c = unordered();
  assert.equal(c.compare(array([bulk("a"), bulk("b")]), array([bulk("b"), bulk("a")])), undefined);
  assert.equal(c.compare(set([int(1), int(2)]), set([int(2), int(1)])), undefined);
  assert.deepEqual(c.compare(array([bulk("a"), bulk("a")]), array([bulk("a"), bulk("b")])), {
    path: "$[1]",
    message: "no equal element in redis's reply",
  });
  assert.equal(
    c.compare(
      map([[bulk("f"), int(1)], [bulk("g"), int(2)]]),
      map([[bulk("g"), int(2)], [bulk("f"), int(1)]]),
    ),
    undefined,
  );
  assert.match(c.compare(array([]), set([]))!.message, /type array/);
});

test("approx accepts numbers within delta anywhere, of the same type", () => {
  const c = approx(1);
  assert.equal(c.compare(int(10), int(9)), undefined);
  assert.notEqual(c.compare(int(10), int(8)), undefined);
  assert.equal(c.compare(array([bulk("1.5"), int(3)]), array([bulk("2.0"), int(4)])), undefined);
  assert.notEqual(c.compare(int(1), bulk("1")), undefined);
});

test("regexp needs both replies to match and to have the same type", () => {
  const c = regexp(/^\d+$/);
  assert.equal(c.compare(int(12), int(13)), undefined);
  assert.equal(c.compare(bulk("12"), bulk("99")), undefined);
  assert.match(c.compare(bulk("12"), bulk("x"))!.message, /redis's "x" does not match/);
  assert.match(c.compare(bulk("x"), bulk("12"))!.message, /evalkit's "x" does not match/);
  assert.notEqual(c.compare(int(1), bulk("1")), undefined);
});

test("any, sameType, anyError and custom", () => {
  assert.equal(any().compare(OK, int(1)), undefined);
  assert.equal(sameType().compare(int(1), int(2)), undefined);
  assert.notEqual(sameType().compare(NULL, NULL_ARRAY), undefined);
  assert.equal(
    anyError("WRONGTYPE").compare(error("WRONGTYPE a"), error("WRONGTYPE b")),
    undefined,
  );
  assert.notEqual(anyError("WRONGTYPE").compare(error("ERR a"), error("WRONGTYPE b")), undefined);
  assert.notEqual(anyError().compare(OK, error("ERR x")), undefined);
  const odd = custom(
    "odd",
    (a) => a.type === "integer" && Number(a.value) % 2 === 1 ? undefined : "even",
  );
  assert.equal(odd.compare(int(3), int(0)), undefined);
  assert.deepEqual(odd.compare(int(2), int(0)), { path: "$", message: "even" });
});

test("valkey compares evalkit with the expected reply, not with redis", () => {
  const c = valkey(error("ERR valkey text"));
  assert.deepEqual(c.valkeyExpected, error("ERR valkey text"));
  assert.equal(c.compare(error("ERR valkey text"), error("ERR redis text")), undefined);
  assert.match(c.compare(error("ERR other"), error("ERR valkey text"))!.message, /text differs/);
  assert.match(c.compare(OK, error("x"))!.message, /\(expected\)/);
});

test("formatReply renders typed replies in RESP notation", () => {
  const r: Reply = array([
    OK,
    int(1),
    bulk("a\r\n\x00\xff"),
    NULL,
    NULL_ARRAY,
    map([[bulk("k"), double(1.5)]]),
    set([bool(true)]),
    error("ERR x"),
    verbatim("txt", "hi"),
  ]);
  assert.equal(
    formatReply(r),
    [
      "*9",
      "  [0] +OK",
      "  [1] :1",
      '  [2] $"a\\r\\n\\x00\\xff"',
      "  [3] (null)",
      "  [4] *-1 (null array)",
      "  [5] %1",
      '    [0] key: $"k"',
      "    [0] value: ,1.5",
      "  [6] ~1",
      "    [0] #t",
      "  [7] -ERR x",
      '  [8] =txt:"hi"',
    ].join("\n"),
  );
});

test("quote escapes quotes, backslashes and non-printable bytes", () => {
  assert.equal(quote('a"b\\c\t\x7f'), '"a\\"b\\\\c\\t\\x7f"');
});
