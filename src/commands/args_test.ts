import { test } from "node:test";
import assert from "node:assert/strict";
import { ReplyError } from "../errors.ts";
import {
  parseFloatSyntax,
  parseInteger,
  parseRandomCount,
  string2d,
  string2ll,
  string2ull,
  toDouble,
  toIndex,
  toInt32,
  toInt64,
  toPositiveCount,
  toPositiveLong,
  toRangeLong,
  toScanCursor,
  toSymmetricLong,
} from "./args.ts";

function throwsText(f: () => unknown, text: string): void {
  assert.throws(f, (e: unknown) => e instanceof ReplyError && e.text === text);
}

test("parseInteger accepts what string2ll accepts", () => {
  assert.equal(parseInteger("0"), 0);
  assert.equal(parseInteger("-1"), -1);
  assert.equal(parseInteger("123456789012345"), 123456789012345);
  assert.equal(parseInteger("9007199254740993"), 9007199254740993n);
  assert.equal(parseInteger("9223372036854775807"), 9223372036854775807n);
  assert.equal(parseInteger("-9223372036854775808"), -9223372036854775808n);
  assert.equal(parseInteger("9007199254740991"), 9007199254740991);
});

test("parseInteger refuses signs, spaces, leading zeros, -0 and overflow", () => {
  for (
    const s of [
      "",
      "-",
      "+1",
      " 1",
      "1 ",
      "01",
      "-0",
      "-01",
      "1.0",
      "1e3",
      "0x10",
      "9223372036854775808",
      "-9223372036854775809",
      "123456789012345678901",
      "1\x00",
    ]
  ) {
    assert.equal(parseInteger(s), undefined, JSON.stringify(s));
  }
});

test("string2ll returns bigints", () => {
  assert.equal(string2ll("42"), 42n);
  assert.equal(string2ll("x"), undefined);
});

test("toInt64 and toIndex throw Valkey's integer error", () => {
  assert.equal(toInt64("-5"), -5n);
  assert.equal(toIndex("7"), 7);
  throwsText(() => toInt64("x"), "ERR value is not an integer or out of range");
  throwsText(() => toIndex("1.5"), "ERR value is not an integer or out of range");
  throwsText(() => toInt64("x", "ERR custom"), "ERR custom");
});

test("toInt32 and toRangeLong report getRangeLongFromObjectOrReply's texts", () => {
  assert.equal(toInt32("-2147483648"), -2147483648);
  throwsText(
    () => toInt32("2147483648"),
    "ERR value is out of range, value must between -2147483648 and 2147483647",
  );
  throwsText(() => toInt32("x"), "ERR value is not an integer or out of range");
  throwsText(
    () => toRangeLong("11", 0, 10),
    "ERR value is out of range, value must between 0 and 10",
  );
  throwsText(() => toRangeLong("11", 0, 10, "ERR mine"), "ERR mine");
  throwsText(() => toInt32("99999999999999999999"), "ERR value is not an integer or out of range");
});

test("toPositiveLong refuses negatives", () => {
  assert.equal(toPositiveLong("0"), 0);
  throwsText(() => toPositiveLong("-1"), "ERR value is out of range, must be positive");
});

test("toPositiveCount replies its own text for anything below 1, non-integers included", () => {
  assert.equal(toPositiveCount("3", "ERR numkeys should be greater than 0"), 3);
  throwsText(
    () => toPositiveCount("0", "ERR numkeys should be greater than 0"),
    "ERR numkeys should be greater than 0",
  );
  throwsText(
    () => toPositiveCount("x", "ERR numkeys should be greater than 0"),
    "ERR numkeys should be greater than 0",
  );
});

test("toSymmetricLong accepts every long but LONG_MIN", () => {
  assert.equal(toSymmetricLong("-5"), -5);
  assert.equal(toSymmetricLong("-9223372036854775807"), -9223372036854775807);
  throwsText(
    () => toSymmetricLong("-9223372036854775808"),
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
  );
  throwsText(() => toSymmetricLong("x"), "ERR value is not an integer or out of range");
});

test("parseRandomCount: count, then the option, then LONG_MAX/2 with the option", () => {
  const h = (...rest: string[]) => parseRandomCount(["HRANDFIELD", "h", ...rest], "withvalues");
  assert.deepEqual(h("-3"), { count: -3, withValues: false });
  assert.deepEqual(h("2", "WithValues"), { count: 2, withValues: true });
  assert.deepEqual(h("9223372036854775807"), { count: 9223372036854775807, withValues: false });
  assert.deepEqual(h("-4611686018427387903", "WITHVALUES"), {
    count: -4611686018427387903,
    withValues: true,
  });
  throwsText(() => h("4611686018427387904", "WITHVALUES"), "ERR value is out of range");
  throwsText(() => h("-4611686018427387904", "WITHVALUES"), "ERR value is out of range");
  throwsText(() => h("x", "WITHVALUES"), "ERR value is not an integer or out of range");
  throwsText(() => h("9223372036854775807", "WITHX"), "ERR syntax error");
  throwsText(
    () => h("-9223372036854775808", "WITHX"),
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
  );
  throwsText(() => h("5", "WITHVALUES", "x"), "ERR syntax error");
});

test("string2ull: string2ll when non-negative, else strtoull over the whole text", () => {
  assert.equal(string2ull("0"), 0n);
  assert.equal(string2ull("18446744073709551615"), 18446744073709551615n);
  assert.equal(string2ull("18446744073709551616"), undefined);
  assert.equal(string2ull("-1"), undefined);
  assert.equal(string2ull(""), undefined);
  assert.equal(string2ull("x"), undefined);
  assert.equal(string2ull(" 5"), 5n);
  assert.equal(string2ull("+5"), 5n);
  assert.equal(string2ull("007"), 7n);
  assert.equal(string2ull(" -1"), 18446744073709551615n);
  assert.equal(string2ull("5\x00junk"), 5n);
  throwsText(() => toScanCursor("abc"), "ERR invalid cursor");
});

test("parseFloatSyntax follows strtod's grammar", () => {
  assert.deepEqual(parseFloatSyntax("1.5e3"), { kind: "dec", neg: false, digits: "15", exp10: 2 });
  assert.deepEqual(parseFloatSyntax("-.5"), { kind: "dec", neg: true, digits: "5", exp10: -1 });
  assert.deepEqual(parseFloatSyntax("5."), { kind: "dec", neg: false, digits: "5", exp10: 0 });
  assert.deepEqual(parseFloatSyntax("0x1.8p1"), {
    kind: "hex",
    neg: false,
    mantissa: 24n,
    exp2: -3,
  });
  assert.deepEqual(parseFloatSyntax("INFINITY"), { kind: "inf", neg: false });
  assert.deepEqual(parseFloatSyntax("nan(abc_1)"), { kind: "nan" });
  for (
    const s of ["", ".", "e5", "1e", "1e+", "0x", "0x.p1", "0x1p", "infin", "nan(", "1.2.3", " 1"]
  ) {
    assert.equal(parseFloatSyntax(s), undefined, JSON.stringify(s));
  }
});

test("string2d: strtod with Valkey's rejections", () => {
  assert.equal(string2d("1.5"), 1.5);
  assert.equal(string2d("-0"), -0);
  assert.equal(string2d("0x10"), 16);
  assert.equal(string2d("0x1p-1074"), 5e-324);
  assert.equal(string2d("4e-320"), 4e-320); // subnormal: ERANGE but kept
  assert.equal(string2d("inf"), Infinity);
  assert.equal(string2d("-Infinity"), -Infinity);
  assert.equal(string2d("1.7976931348623157e308"), 1.7976931348623157e308);
  for (const s of ["nan", "1e400", "-1e400", "1e-400", " 1", "1 ", "", "abc", "1,5", "0x1p99999"]) {
    assert.equal(string2d(s), undefined, JSON.stringify(s));
  }
  assert.equal(string2d("0e-400"), 0);
  throwsText(() => toDouble("x"), "ERR value is not a valid float");
});
