/**
 * bit library (LIB-4) against Valkey/Redis.
 *
 * Each case is a one-line script body; the expected outcome was taken from a real redis-server
 * 7.0.15 (which bundles the same library code as Valkey 8) with the serialisation of
 * `_test_vm.ts`, unless marked as coming from the spec.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { runCase } from "./_test_vm.ts";

const CASES: readonly (readonly [string, string])[] = [
  [
    "return bit.tobit(0xffffffff), bit.bnot(0), bit.lshift(1,31), bit.rshift(-1,28), bit.arshift(-256,4), bit.band(2^32+5, 7)",
    "boolean:true | n:-1 | n:-1 | n:-2147483648 | n:15 | n:-16 | n:5",
  ],
  [
    "return bit.bor(1,2,4,8,16,32,64,128), bit.bxor(1,2), bit.bswap(0x12345678), bit.rol(0x12345678,12), bit.tobit(2.5), bit.tobit(3.5)",
    "boolean:true | n:255 | n:3 | n:2018915346 | n:1164411171 | n:2 | n:4",
  ],
  [
    "return bit.tohex(422342), bit.tohex(-1), bit.tohex(255,-4), bit.tohex(65535, -2147483648), bit.tohex(1, 0), bit.tohex(-5, 20), bit.tohex(0xabcdef, 3)",
    "boolean:true | s:000671c6 | s:ffffffff | s:00FF | s:0000FFFF | s: | s:fffffffb | s:def",
  ],
  [
    "return bit.tohex(1, nil)",
    "boolean:false | s:user_script:1: bad argument #2 to 'tohex' (number expected, got nil)",
  ],
  [
    "return bit.band()",
    "boolean:false | s:user_script:1: bad argument #1 to 'band' (number expected, got no value)",
  ],
  [
    "return bit.band(nil)",
    "boolean:false | s:user_script:1: bad argument #1 to 'band' (number expected, got nil)",
  ],
  [
    "return bit.band(1, 'x', nil)",
    "boolean:false | s:user_script:1: bad argument #3 to 'band' (number expected, got nil)",
  ],
  [
    "local b = bit.band return b(1, {})",
    "boolean:false | s:user_script:1: bad argument #2 to 'b' (number expected, got table)",
  ],
  [
    "return bit:tobit()",
    "boolean:false | s:user_script:1: calling 'tobit' on bad self (number expected, got table)",
  ],
  [
    "return bit.tobit('z')",
    "boolean:false | s:user_script:1: bad argument #1 to 'tobit' (number expected, got string)",
  ],
  [
    "return bit.tobit('0x10'), bit.tobit(' 12 '), bit.tobit(2^53), bit.tobit(1/0), bit.tobit(2^60+2^33+7), bit.tobit(0/0), bit.tobit(-(0/0)), bit.tobit(-2^60-3), bit.tobit(-2^51), bit.tobit(2^51), bit.tobit(-0.5), bit.tobit(0.5), bit.tobit(1.5), bit.tobit(-1.5)",
    "boolean:true | n:16 | n:12 | n:0 | n:0 | n:33554432 | n:0 | n:0 | n:0 | n:0 | n:0 | n:0 | n:0 | n:2 | n:-2",
  ],
  [
    "return bit.rol(5, 0), bit.ror(5, 32), bit.ror(5, 0), bit.rol(1, 33), bit.lshift(1, 32), bit.lshift(1, -1), bit.rshift(0x80000000, 31), bit.arshift(0x80000000, 31), bit.arshift(5, 33)",
    "boolean:true | n:5 | n:5 | n:5 | n:2 | n:1 | n:-2147483648 | n:1 | n:-1 | n:2",
  ],
  [
    "return bit.band(0xff, 0x0f, 0x3), bit.bor(0), bit.bxor(5), bit.band(-1, 2^31), bit.bnot(-1), bit.bswap(-1), bit.bswap(1)",
    "boolean:true | n:3 | n:0 | n:5 | n:-2147483648 | n:0 | n:-1 | n:16777216",
  ],
  [
    "return bit.lshift(1)",
    "boolean:false | s:user_script:1: bad argument #2 to 'lshift' (number expected, got no value)",
  ],
  [
    "return bit.lshift()",
    "boolean:false | s:user_script:1: bad argument #1 to 'lshift' (number expected, got no value)",
  ],
  [
    "return bit.tohex()",
    "boolean:false | s:user_script:1: bad argument #1 to 'tohex' (number expected, got no value)",
  ],
  [
    "return bit.bnot('a')",
    "boolean:false | s:user_script:1: bad argument #1 to 'bnot' (number expected, got string)",
  ],
  [
    "return bit.bor(1, 2, true)",
    "boolean:false | s:user_script:1: bad argument #3 to 'bor' (number expected, got boolean)",
  ],
];

for (const [body, expected] of CASES) {
  test(`bit: ${body.slice(0, 90)}`, async () => {
    assert.equal(await runCase(body), expected);
  });
}

test("bit: spec LIB-4 vectors", async () => {
  assert.equal(
    await runCase(
      "return bit.tobit(0xffffffff), bit.bnot(0), bit.lshift(1,31), bit.rshift(-1,28), " +
        "bit.arshift(-256,4), bit.band(2^32+5, 7), bit.bor(1,2,4,8,16,32,64,128), bit.bxor(1,2), " +
        "bit.bswap(0x12345678), bit.rol(0x12345678,12), bit.tobit(2.5), bit.tobit(3.5)",
    ),
    "boolean:true | n:-1 | n:-1 | n:-2147483648 | n:15 | n:-16 | n:5 | n:255 | n:3 | " +
      "n:2018915346 | n:1164411171 | n:2 | n:4",
  );
  assert.equal(
    await runCase(
      "return bit.tohex(422342), bit.tohex(-1), bit.tohex(255,-4), bit.tohex(65535, -2147483648)",
    ),
    "boolean:true | s:000671c6 | s:ffffffff | s:00FF | s:0000FFFF",
  );
});
