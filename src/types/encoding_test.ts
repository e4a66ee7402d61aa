import { test } from "node:test";
import assert from "node:assert/strict";
import { intsetWidth, isStrictInt64, lpEntrySize, sdsSize } from "./encoding.ts";

// Entry sizes read from redis-server 7.0.15: DEBUG LISTPACK of a hash {f: v} reports
// "total bytes" = 7 (header + end) + 3 ("f") + lpEntrySize(v).
const ENTRY_SIZES: [string, number][] = [
  ["0", 2],
  ["127", 2],
  ["128", 3],
  ["-1", 3],
  ["-4096", 3],
  ["-4097", 4],
  ["4095", 3],
  ["4096", 4],
  ["32767", 4],
  ["32768", 5],
  ["-32768", 4],
  ["-32769", 5],
  ["8388607", 5],
  ["8388608", 6],
  ["2147483647", 6],
  ["2147483648", 10],
  ["-2147483648", 6],
  ["-2147483649", 10],
  ["9223372036854775807", 10],
  ["9223372036854775808", 21],
  ["-9223372036854775808", 10],
  ["-0", 4],
  ["01", 4],
  ["+1", 4],
  ["x".repeat(63), 65],
  ["x".repeat(64), 67],
  ["x".repeat(126), 130],
  ["x".repeat(127), 131],
  ["x".repeat(4095), 4099],
  ["x".repeat(4096), 4103],
  ["", 2],
];

test("lpEntrySize matches the listpack bytes Valkey writes", () => {
  for (const [v, size] of ENTRY_SIZES) {
    assert.equal(lpEntrySize(v), size, JSON.stringify(v.length > 20 ? `${v.length} bytes` : v));
  }
});

test("isStrictInt64 accepts only canonical int64 decimal strings (string2ll)", () => {
  for (const ok of ["0", "1", "-1", "9223372036854775807", "-9223372036854775808", "123"]) {
    assert.equal(isStrictInt64(ok), true, ok);
  }
  const bad = [
    "",
    "-",
    "-0",
    "00",
    "01",
    "+1",
    " 1",
    "1 ",
    "1.0",
    "1e3",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999",
    "123456789012345678901",
    "0x1",
    "1\0",
  ];
  for (const b of bad) assert.equal(isStrictInt64(b), false, JSON.stringify(b));
});

test("intsetWidth picks 16, 32 or 64-bit slots", () => {
  assert.equal(intsetWidth("32767"), 2);
  assert.equal(intsetWidth("-32768"), 2);
  assert.equal(intsetWidth("32768"), 4);
  assert.equal(intsetWidth("-2147483648"), 4);
  assert.equal(intsetWidth("2147483648"), 8);
  assert.equal(intsetWidth("-9223372036854775808"), 8);
});

test("sdsSize adds the header of the smallest sds type and the NUL", () => {
  assert.equal(sdsSize(0), 2);
  assert.equal(sdsSize(31), 33);
  assert.equal(sdsSize(32), 36);
  assert.equal(sdsSize(255), 259);
  assert.equal(sdsSize(256), 262);
  assert.equal(sdsSize(65536), 65546);
});
