import { test } from "node:test";
import assert from "node:assert/strict";
import {
  argumentEncoding,
  bitop,
  createdEncoding,
  findBit,
  lcs,
  popcount,
  stringMatch,
  withBit,
} from "./string.ts";
import { addLongDouble, formatLongDoubleHuman, string2ld, strtold } from "./long_double.ts";

test("argumentEncoding picks int, embstr or raw as tryObjectEncoding does", () => {
  assert.deepEqual(argumentEncoding("123", true), { encoding: "int", shared: true });
  assert.deepEqual(argumentEncoding("9999", true), { encoding: "int", shared: true });
  assert.deepEqual(argumentEncoding("10000", true), { encoding: "int", shared: false });
  assert.deepEqual(argumentEncoding("123", false), { encoding: "int", shared: false });
  assert.deepEqual(argumentEncoding("-1", true), { encoding: "int", shared: false });
  assert.deepEqual(argumentEncoding("01", true), { encoding: "embstr", shared: false });
  assert.deepEqual(argumentEncoding("9223372036854775808", true), {
    encoding: "embstr",
    shared: false,
  });
  assert.deepEqual(argumentEncoding("x".repeat(44), true), { encoding: "embstr", shared: false });
  assert.deepEqual(argumentEncoding("x".repeat(45), true), { encoding: "raw", shared: false });
  assert.equal(createdEncoding("12"), "embstr");
});

test("stringMatch: wildcards, classes, ranges and escapes", () => {
  assert.ok(stringMatch("h?llo", "hello"));
  assert.ok(stringMatch("h*llo", "heeeello"));
  assert.ok(stringMatch("h*llo", "hllo"));
  assert.ok(stringMatch("h[ae]llo", "hallo"));
  assert.ok(!stringMatch("h[ae]llo", "hillo"));
  assert.ok(stringMatch("h[^e]llo", "hallo"));
  assert.ok(!stringMatch("h[^e]llo", "hello"));
  assert.ok(stringMatch("h[a-b]llo", "hbllo"));
  assert.ok(stringMatch("h[b-a]llo", "hallo")); // reversed range
  assert.ok(stringMatch("a\\*b", "a*b"));
  assert.ok(!stringMatch("a\\*b", "axb"));
  assert.ok(stringMatch("[\\]]", "]"));
  assert.ok(stringMatch("*", "anything"));
  assert.ok(stringMatch("a*", "a"));
  assert.ok(!stringMatch("**", "")); // stringmatchlen never matches an empty subject
  assert.ok(stringMatch("", ""));
  assert.ok(!stringMatch("a", ""));
});

test("stringMatch: unterminated classes, trailing backslash, nocase", () => {
  assert.ok(stringMatch("h[e", "he"));
  assert.ok(!stringMatch("[", "x"));
  assert.ok(stringMatch("a\\", "a\\"));
  assert.ok(stringMatch("HELLO", "hello", true));
  assert.ok(stringMatch("[A-C]x", "bx", true));
  assert.ok(!stringMatch("HELLO", "hello"));
});

test("stringMatch compares class ranges as signed chars like Valkey", () => {
  // As signed chars 0xff is -1, so [a-\xff] is the range [-1, 97]: "a" is in it, 0xe9 (-23)
  // is not (redis-server 7.0.15 agrees).
  assert.ok(!stringMatch("x[a-\xff]", "x\xe9"));
  assert.ok(stringMatch("x[a-\xff]", "xa"));
  assert.ok(stringMatch("x[\xe0-\xff]", "x\xe9"));
  assert.ok(!stringMatch("x[\xe0-\xff]", "xa"));
});

test("stringMatch gives up on pathological patterns quickly", () => {
  const pattern = "a*".repeat(30) + "b";
  const t0 = Date.now();
  assert.ok(!stringMatch(pattern, "a".repeat(60)));
  assert.ok(Date.now() - t0 < 1000);
});

test("bit helpers", () => {
  assert.equal(popcount("foobar", 0, 5), 26);
  assert.equal(findBit("\x00\x01", 1, 0, 15), 15);
  assert.equal(findBit("\xff\xfe", 0, 0, 15), 15);
  assert.equal(findBit("\xff", 0, 0, 7), -1);
  assert.equal(findBit("\x0f", 1, 2, 3), -1);
  assert.equal(withBit("\x00", 0, 1), "\x80");
  assert.equal(withBit("\xff", 7, 0), "\xfe");
  assert.equal(bitop("and", ["\xff\x0f", "\x0f"]), "\x0f\x00");
  assert.equal(bitop("or", ["\x01", "\x10\x01"]), "\x11\x01");
  assert.equal(bitop("xor", ["\xff", "\x0f", ""]), "\xf0");
  assert.equal(bitop("not", ["\x0f"]), "\xf0");
});

test("lcs reproduces Valkey's documented example", () => {
  const r = lcs("ohmytext", "mynewtext", true, 0);
  assert.equal(r.len, 6);
  assert.equal(r.text, "mytext");
  assert.deepEqual(r.matches, [
    { a: [4, 7], b: [5, 8], len: 4 },
    { a: [2, 3], b: [0, 1], len: 2 },
  ]);
  assert.deepEqual(lcs("ohmytext", "mynewtext", true, 4).matches.length, 1);
  assert.equal(lcs("", "abc", true, 0).len, 0);
});

test("long double: strtold, addition and %.17Lf formatting", () => {
  const f = (a: string, b: string) =>
    formatLongDoubleHuman(addLongDouble(string2ld(a)!, string2ld(b)!));
  assert.equal(f("10.5", "0.1"), "10.6");
  assert.equal(f("1.1", "2.2"), "3.3");
  assert.equal(f("-0.1", "0.1"), "0");
  assert.equal(f("1.23456789012345678901", "0"), "1.23456789012345679");
  assert.equal(f("123456789.987654321987654321", "-123456789"), "0.98765432198706549");
  assert.equal(f("7e-18", "0"), "0.00000000000000001");
  assert.equal(f("5e-18", "0"), "0");
  assert.equal(f("25e-18", "0"), "0.00000000000000002");
  assert.equal(f("0x1.8p1", "0"), "3");
  assert.ok(f("1e300", "0").startsWith("1000000000000000000008997324079559193870523944273290747"));
  assert.equal(string2ld("1e5000"), undefined);
  assert.equal(string2ld("1e-5000"), undefined);
  assert.equal(string2ld("nan"), undefined);
  assert.equal(string2ld(" 1"), undefined);
  assert.equal(string2ld(""), undefined);
  assert.deepEqual(string2ld("inf"), { kind: "inf", neg: false });
  assert.equal(strtold("1e5000")?.range, true);
  assert.equal(addLongDouble(string2ld("1.18e4932")!, string2ld("1e4932")!).kind, "inf");
});
