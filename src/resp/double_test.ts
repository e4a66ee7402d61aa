import { test } from "node:test";
import assert from "node:assert/strict";
import { formatDouble } from "./double.ts";

test("formatDouble follows spec CONV-13 examples", () => {
  const cases: [number, string][] = [
    [0.1, "0.1"],
    [100.5, "100.5"],
    [1e20, "1e+20"],
    [12345.678901234567, "1.2345678901234567e+4"],
    [1 / 3, "0.3333333333333333"],
    [0.000001, "0.000001"],
    [1234.5678901234567, "1234.5678901234567"],
    [123456789012345680000, "123456789012345680000"],
    [1e19, "1e+19"],
    [1e-7, "1e-7"],
    [1.5e-7, "1.5e-7"],
    [1e300, "1e+300"],
    [3.0, "3"],
  ];
  for (const [d, text] of cases) assert.equal(formatDouble(d), text, String(d));
});

test("formatDouble special values", () => {
  assert.equal(formatDouble(NaN), "nan");
  assert.equal(formatDouble(Infinity), "inf");
  assert.equal(formatDouble(-Infinity), "-inf");
  assert.equal(formatDouble(0), "0");
  assert.equal(formatDouble(-0), "-0");
});

test("formatDouble prints integral values within ±2^62 as integers (double2ll)", () => {
  assert.equal(formatDouble(2 ** 62), "4611686018427387904");
  assert.equal(formatDouble(-(2 ** 62)), "-4611686018427387904");
  assert.equal(formatDouble(2 ** 53 + 2), "9007199254740994");
  assert.equal(formatDouble(-42), "-42");
  // Past 2^62 the value goes through fpconv_dtoa: shortest digits, then zeros.
  assert.equal(formatDouble(2 ** 62 + 1024), "4611686018427389000");
  assert.equal(formatDouble(2 ** 63), "9223372036854776000");
});

test("formatDouble keeps Grisu2's longer digit strings where it is not shortest", () => {
  // Outputs of valkey deps/fpconv/fpconv_dtoa.c (compiled from the C source) for doubles where
  // Grisu2 does not find JavaScript's shortest round-trip digits.
  const cases: [number, string][] = [
    [5.46109, "5.4610900000000004"],
    [547.72269, "547.7226899999999"],
    [432.556635, "432.55663500000003"],
    [509.83005, "509.83005000000003"],
    [-38147072463.96278, "-38147072463.962784"],
  ];
  for (const [d, text] of cases) assert.equal(formatDouble(d), text, String(d));
});

test("formatDouble at the ends of the double range", () => {
  assert.equal(formatDouble(5e-324), "5e-324");
  assert.equal(formatDouble(-5e-324), "-5e-324");
  assert.equal(formatDouble(2.2250738585072014e-308), "2.2250738585072014e-308");
  assert.equal(formatDouble(1.7976931348623157e308), "1.7976931348623157e+308");
  assert.equal(formatDouble(-1.7976931348623157e308), "-1.7976931348623157e+308");
});

test("formatDouble output always parses back to the same double", () => {
  const view = new DataView(new ArrayBuffer(8));
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < 5000; i++) {
    view.setUint32(0, next());
    view.setUint32(4, next());
    const d = view.getFloat64(0);
    if (!Number.isFinite(d)) continue;
    assert.equal(Number(formatDouble(d)), d, String(d));
  }
});
