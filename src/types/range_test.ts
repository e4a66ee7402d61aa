import { test } from "node:test";
import assert from "node:assert/strict";
import {
  clampIndexRange,
  compareLex,
  isEmptyLexRange,
  isEmptyScoreRange,
  LEX_MAX,
  LEX_MIN,
  lexGteMin,
  lexLteMax,
  parseDouble,
  parseLexRange,
  parseScoreRange,
  scoreGteMin,
  scoreLteMax,
  strtod,
} from "./range.ts";
import { ReplyError } from "../errors.ts";

// Expected values below were read from redis-server 7.0.15 (same strtod/string2d code paths as
// Valkey 8.0): ZADD z <s> m + ZSCORE for parseDouble, ZRANGEBYSCORE r <s> <s> for the ranges.
const DOUBLE_CASES: [string, number | undefined][] = [
  ["1", 1],
  ["-1", -1],
  ["+1", 1],
  [" 1", undefined],
  ["1 ", undefined],
  ["\t1", undefined],
  ["", undefined],
  ["+", undefined],
  ["-", undefined],
  [".", undefined],
  [".5", 0.5],
  ["5.", 5],
  ["1e", undefined],
  ["1e+", undefined],
  ["1e5", 100000],
  ["1E-2", 0.01],
  ["0x10", 16],
  ["-0x10", -16],
  ["0x", undefined],
  ["0x1p3", 8],
  ["0x.8", 0.5],
  ["0x1P-2", 0.25],
  ["inf", Infinity],
  ["-inf", -Infinity],
  ["+inf", Infinity],
  ["INF", Infinity],
  ["Infinity", Infinity],
  ["-infinity", -Infinity],
  ["infinit", undefined],
  ["nan", undefined],
  ["NaN", undefined],
  ["nan(123)", undefined],
  ["1e400", undefined],
  ["-1e400", undefined],
  ["1e-400", undefined],
  ["4.9e-324", 4.9406564584124654e-324],
  ["2.4e-324", undefined],
  ["0e-400", 0],
  ["00012", 12],
  ["1.5\0x", undefined],
  ["1\0", undefined],
  ["\0", undefined],
  ["1_000", undefined],
  ["0b11", undefined],
  ["0o7", undefined],
  ["1,5", undefined],
];

test("parseDouble accepts exactly what ZADD accepts as a score", () => {
  for (const [s, expected] of DOUBLE_CASES) {
    assert.equal(parseDouble(s), expected, JSON.stringify(s));
  }
});

// Same inputs as a ZRANGEBYSCORE bound (min = max = s): the value, or "error".
const RANGE_CASES: [string, number | "error"][] = [
  ["1", 1],
  ["-1", -1],
  ["+1", 1],
  [" 1", 1],
  ["1 ", "error"],
  ["\t1", 1],
  ["", 0],
  ["+", "error"],
  ["-", "error"],
  [".", "error"],
  [".5", 0.5],
  ["5.", 5],
  ["1e", "error"],
  ["1e+", "error"],
  ["1e5", 1e5],
  ["0x10", 16],
  ["-0x10", -16],
  ["0x", "error"],
  ["0x.8", 0.5],
  ["inf", Infinity],
  ["-inf", -Infinity],
  ["infinit", "error"],
  ["nan", "error"],
  ["NaN", "error"],
  ["nan(123)", "error"],
  ["1e400", Infinity],
  ["1e-400", 0],
  ["2.4e-324", 0],
  ["1.5\0x", 1.5],
  ["1\0", 1],
  ["\0", 0],
  ["1_000", "error"],
  ["0b11", "error"],
  ["1,5", "error"],
];

test("parseScoreRange reads bounds with strtod up to the first NUL, as zslParseRange", () => {
  for (const [s, expected] of RANGE_CASES) {
    if (expected === "error") {
      assert.throws(() => parseScoreRange(s, s), ReplyError, JSON.stringify(s));
    } else {
      const r = parseScoreRange(s, s);
      assert.equal(r.min, expected, JSON.stringify(s));
      assert.equal(r.max, expected, JSON.stringify(s));
      assert.equal(r.minExclusive, false);
    }
  }
});

test("parseScoreRange treats a ( prefix as exclusive, including a bare (", () => {
  const r = parseScoreRange("(1.5", "(+inf");
  assert.deepEqual(r, { min: 1.5, max: Infinity, minExclusive: true, maxExclusive: true });
  const bare = parseScoreRange("(", "5");
  assert.deepEqual(bare, { min: 0, max: 5, minExclusive: true, maxExclusive: false });
  assert.throws(() => parseScoreRange("(nan", "1"), (e: unknown) => {
    return e instanceof ReplyError && e.text === "ERR min or max is not a float";
  });
  assert.throws(() => parseScoreRange("((1", "2"), ReplyError);
});

test("score range predicates follow zslValueGteMin/LteMax and empty-range rules", () => {
  const r = parseScoreRange("(1", "2");
  assert.equal(scoreGteMin(1, r), false);
  assert.equal(scoreGteMin(1.0000001, r), true);
  assert.equal(scoreLteMax(2, r), true);
  assert.equal(isEmptyScoreRange(r), false);
  assert.equal(isEmptyScoreRange(parseScoreRange("(1", "1")), true);
  assert.equal(isEmptyScoreRange(parseScoreRange("1", "1")), false);
  assert.equal(isEmptyScoreRange(parseScoreRange("2", "1")), true);
  assert.equal(isEmptyScoreRange(parseScoreRange("-inf", "+inf")), false);
  // -0 and 0 are the same score.
  assert.equal(scoreLteMax(0, parseScoreRange("-inf", "(-0")), false);
  assert.equal(scoreGteMin(-0, parseScoreRange("0", "1")), true);
});

test("strtod reports where it stopped and C's ERANGE cases", () => {
  assert.deepEqual(strtod("  -12.5e1xyz"), { value: -125, end: 9, erange: false });
  assert.deepEqual(strtod("abc"), { value: 0, end: 0, erange: false });
  assert.deepEqual(strtod(" "), { value: 0, end: 0, erange: false });
  assert.equal(strtod("infinityx").end, 8);
  assert.equal(strtod("nan(abc_1)z").end, 10);
  assert.equal(strtod("nan(abc").end, 3);
  assert.equal(strtod("1e400").erange, true);
  assert.equal(strtod("inf").erange, false);
  assert.equal(strtod("1e-400").erange, true);
  assert.equal(strtod("0.000e-999").erange, false);
  assert.equal(Object.is(strtod("-0").value, -0), true);
  assert.equal(strtod("0x1.8p1").value, 3);
  assert.equal(strtod("0X1P+4").value, 16);
  assert.equal(strtod("0x1p").end, 3);
  assert.equal(strtod("12", 1).value, 2);
});

test("parseLexRange accepts [ ( - + items only, as zslParseLexRangeItem", () => {
  assert.deepEqual(parseLexRange("[a", "(b"), {
    min: "a",
    max: "b",
    minExclusive: false,
    maxExclusive: true,
  });
  const inf = parseLexRange("-", "+");
  assert.equal(inf.min, LEX_MIN);
  assert.equal(inf.max, LEX_MAX);
  assert.equal(inf.minExclusive && inf.maxExclusive, true);
  assert.equal(parseLexRange("[", "(").min, "");
  // C compares up to the NUL: "+\0zz" is "+" (checked against redis-server).
  assert.equal(parseLexRange("-\0", "+\0zz").max, LEX_MAX);
  for (const bad of ["", "a", "+a", "-a", "1"]) {
    assert.throws(() => parseLexRange(bad, "+"), (e: unknown) => {
      return e instanceof ReplyError && e.text === "ERR min or max not valid string range item";
    }, JSON.stringify(bad));
    assert.throws(() => parseLexRange("-", bad), ReplyError);
  }
});

test("lex comparisons put - before and + after every string, bytes in memcmp order", () => {
  assert.equal(compareLex(LEX_MIN, ""), -1);
  assert.equal(compareLex("\xff\xff", LEX_MAX), -1);
  assert.equal(compareLex(LEX_MAX, LEX_MIN), 1);
  assert.equal(compareLex(LEX_MIN, LEX_MIN), 0);
  assert.equal(compareLex("a", "ab"), -1);
  assert.equal(compareLex("b", "ab"), 1);
  assert.equal(compareLex("\x80", "\x7f"), 1);
  assert.equal(compareLex("a\0", "a"), 1);
  const r = parseLexRange("(b", "[d");
  assert.equal(lexGteMin("b", r), false);
  assert.equal(lexGteMin("b\0", r), true);
  assert.equal(lexLteMax("d", r), true);
  assert.equal(lexLteMax("d\0", r), false);
  assert.equal(isEmptyLexRange(parseLexRange("-", "-")), true);
  assert.equal(isEmptyLexRange(parseLexRange("+", "+")), true);
  assert.equal(isEmptyLexRange(parseLexRange("+", "-")), true);
  assert.equal(isEmptyLexRange(parseLexRange("[b", "[b")), false);
  assert.equal(isEmptyLexRange(parseLexRange("(b", "[b")), true);
  assert.equal(isEmptyLexRange(parseLexRange("[c", "[b")), true);
});

test("clampIndexRange normalises like LRANGE", () => {
  assert.deepEqual(clampIndexRange(0, -1, 5), { start: 0, stop: 4 });
  assert.deepEqual(clampIndexRange(-100, 100, 5), { start: 0, stop: 4 });
  assert.deepEqual(clampIndexRange(-2, -1, 5), { start: 3, stop: 4 });
  assert.deepEqual(clampIndexRange(2, 2, 5), { start: 2, stop: 2 });
  assert.equal(clampIndexRange(5, 10, 5), undefined);
  assert.equal(clampIndexRange(3, 2, 5), undefined);
  assert.equal(clampIndexRange(0, -6, 5), undefined);
  assert.equal(clampIndexRange(0, 0, 0), undefined);
  assert.equal(clampIndexRange(-1, -1, 0), undefined);
});
