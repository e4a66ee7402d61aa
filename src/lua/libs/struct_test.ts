/**
 * struct library (LIB-3) against Valkey/Redis.
 *
 * Each case is a one-line script body; the expected outcome was taken from a real redis-server
 * 7.0.15 (which bundles the same library code as Valkey 8) with the serialisation of
 * `_test_vm.ts`, unless marked as coming from the spec.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { runCase } from "./_test_vm.ts";

const CASES: readonly (readonly [string, string])[] = [
  ["return struct.pack('HH', 1, 2)", "boolean:true | s:\\001\\000\\002\\000"],
  ["return struct.unpack('HH', '\\1\\0\\2\\0')", "boolean:true | n:1 | n:2 | n:5"],
  ["return struct.size('HH')", "boolean:true | n:4"],
  ["return struct.pack('>L', 2^64)", "boolean:true | s:\\000\\000\\000\\000\\000\\000\\000\\000"],
  ["return struct.pack('>L', 0/0)", "boolean:true | s:\\128\\000\\000\\000\\000\\000\\000\\000"],
  [
    "return struct.pack('>L', 2^63+2^12)",
    "boolean:true | s:\\128\\000\\000\\000\\000\\000\\016\\000",
  ],
  ["return struct.pack('>l', -2^70)", "boolean:true | s:\\128\\000\\000\\000\\000\\000\\000\\000"],
  ["return struct.pack('>L', 1/0)", "boolean:true | s:\\000\\000\\000\\000\\000\\000\\000\\000"],
  ["return struct.pack('<L', -(0/0))", "boolean:true | s:\\000\\000\\000\\000\\000\\000\\000\\128"],
  [
    "return tostring((struct.unpack('>L', '\\255\\255\\255\\255\\255\\255\\255\\255')))",
    "boolean:true | s:1.844674407371e+19",
  ],
  ["return struct.unpack('>i16', string.rep('\\255', 16))", "boolean:true | n:-1 | n:17"],
  [
    "return struct.pack('<i16', -2)",
    "boolean:true | s:\\254\\255\\255\\255\\255\\255\\255\\255\\000\\000\\000\\000\\000\\000\\000\\000",
  ],
  [
    "return struct.pack('>i16', -2)",
    "boolean:true | s:\\000\\000\\000\\000\\000\\000\\000\\000\\255\\255\\255\\255\\255\\255\\255\\254",
  ],
  ["return struct.unpack('<i3', '\\255\\255\\127')", "boolean:true | n:8388607 | n:4"],
  ["return struct.unpack('<i3', '\\255\\255\\255')", "boolean:true | n:-1 | n:4"],
  ["return struct.unpack('<I3', '\\255\\255\\255')", "boolean:true | n:16777215 | n:4"],
  ["return struct.size('y!4bi')", "boolean:true | n:8"],
  ["return struct.size('bi')", "boolean:true | n:5"],
  ["return struct.size('!bi')", "boolean:true | n:8"],
  ["return struct.size('!2bi')", "boolean:true | n:6"],
  ["return struct.size('!bd')", "boolean:true | n:16"],
  ["return struct.size('bi3')", "boolean:true | n:4"],
  ["return struct.size('!bi3')", "boolean:true | n:6"],
  ["return struct.size('<>! bhlTfdxc5i7I')", "boolean:true | n:60"],
  ["return struct.unpack('c1c0', '5hello')", "boolean:true | s:hello | n:7"],
  [
    "return struct.unpack('c0', '5hello')",
    "boolean:false | s:user_script:1: format 'c0' needs a previous size",
  ],
  ["return struct.unpack('bc0', '\\3abcdef')", "boolean:true | s:abc | n:5"],
  [
    "return struct.unpack('bc0', '\\30abcdef')",
    "boolean:false | s:user_script:1: bad argument #2 to 'unpack' (data string too short)",
  ],
  [
    "return struct.pack('b', 'x')",
    "boolean:false | s:user_script:1: bad argument #2 to 'pack' (number expected, got string)",
  ],
  ["return struct.pack('b', '12')", "boolean:true | s:\\012"],
  [
    "return struct.pack('b')",
    "boolean:false | s:user_script:1: bad argument #2 to 'pack' (number expected, got nil)",
  ],
  [
    "return struct.pack('i33', 1)",
    "boolean:false | s:user_script:1: integral size 33 is larger than limit of 32",
  ],
  [
    "return struct.pack('i99999999999', 1)",
    "boolean:false | s:user_script:1: integral size overflow",
  ],
  [
    "return struct.pack('c99999999999', 1)",
    "boolean:false | s:user_script:1: integral size overflow",
  ],
  ["return struct.pack('i0', 1)", "boolean:true | s:"],
  ["return struct.unpack('i0', '')", "boolean:true | n:0 | n:1"],
  [
    "return struct.pack('y')",
    "boolean:false | s:user_script:1: bad argument #1 to 'pack' (invalid format option 'y')",
  ],
  [
    "return struct.unpack('y', 'a')",
    "boolean:false | s:user_script:1: bad argument #1 to 'unpack' (invalid format option 'y')",
  ],
  ["return struct.size('y')", "boolean:true | n:0"],
  ["return struct.pack('!3')", "boolean:false | s:user_script:1: alignment 3 is not a power of 2"],
  ["return struct.pack('!')", "boolean:true | s:"],
  ["return struct.pack('!0')", "boolean:false | s:user_script:1: alignment 0 is not a power of 2"],
  [
    "return struct.pack('c5', 'ab')",
    "boolean:false | s:user_script:1: bad argument #3 to 'pack' (string too short)",
  ],
  ["return struct.pack('c0s', 'ab', 'cd')", "boolean:true | s:abcd\\000"],
  ["return struct.pack('s', 12.5)", "boolean:true | s:12.5\\000"],
  ["return struct.pack('c', 12.5)", "boolean:true | s:1"],
  ["return struct.pack('c3', 12.5)", "boolean:true | s:12."],
  [
    "return struct.pack('fd', 1.5, 0.1)",
    "boolean:true | s:\\000\\000\\192?\\154\\153\\153\\153\\153\\153\\185?",
  ],
  [
    "return struct.pack('>fd', 1.5, 0.1)",
    "boolean:true | s:?\\192\\000\\000?\\185\\153\\153\\153\\153\\153\\154",
  ],
  ["return struct.pack('f', 1e300)", "boolean:true | s:\\000\\000\\128\\127"],
  ["return struct.unpack('f', struct.pack('f', 0.1))", "boolean:true | n:0.10000000149012 | n:5"],
  ["return struct.unpack('>d', struct.pack('>d', -0.1))", "boolean:true | n:-0.1 | n:9"],
  [
    "return struct.pack('!bd', 1, 2)",
    "boolean:true | s:\\001\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000@",
  ],
  [
    "return struct.pack('!4bd', 1, 2)",
    "boolean:true | s:\\001\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000@",
  ],
  ["return struct.pack('bxh', 1, 2)", "boolean:true | s:\\001\\000\\002\\000"],
  ["return struct.pack('!bxh', 1, 2)", "boolean:true | s:\\001\\000\\002\\000"],
  [
    "return struct.unpack('s', 'abc')",
    "boolean:false | s:user_script:1: unfinished string in data",
  ],
  ["return struct.unpack('ss', 'abc\\0de\\0')", "boolean:true | s:abc | s:de | n:8"],
  [
    "return struct.unpack('bb', 'ab', 0)",
    "boolean:false | s:user_script:1: bad argument #3 to 'unpack' (offset must be 1 or greater)",
  ],
  [
    "return struct.unpack('bb', 'ab', -1)",
    "boolean:false | s:user_script:1: bad argument #2 to 'unpack' (data string too short)",
  ],
  ["return struct.unpack('', 'ab', -5)", "boolean:true | n:-5"],
  ["return struct.unpack('b', 'ab', 2)", "boolean:true | n:98 | n:3"],
  [
    "return struct.unpack('b', 'ab', 3)",
    "boolean:false | s:user_script:1: bad argument #2 to 'unpack' (data string too short)",
  ],
  ["return struct.unpack('b', 'ab', '2')", "boolean:true | n:98 | n:3"],
  ["return struct.unpack('b', 'ab', 2.9)", "boolean:true | n:98 | n:3"],
  [
    "return struct.unpack('b', 'ab', 'x')",
    "boolean:false | s:user_script:1: bad argument #3 to 'unpack' (number expected, got string)",
  ],
  [
    "return struct.unpack('b')",
    "boolean:false | s:user_script:1: bad argument #2 to 'unpack' (string expected, got no value)",
  ],
  [
    "return struct.unpack()",
    "boolean:false | s:user_script:1: bad argument #1 to 'unpack' (string expected, got no value)",
  ],
  [
    "return struct.pack()",
    "boolean:false | s:user_script:1: bad argument #1 to 'pack' (string expected, got no value)",
  ],
  [
    "return struct.pack(nil)",
    "boolean:false | s:user_script:1: bad argument #1 to 'pack' (string expected, got nil)",
  ],
  ["return struct.size(12)", "boolean:true | n:0"],
  ["return struct.pack('b\\0b', 1, 2)", "boolean:true | s:\\001"],
  ["return struct.pack('bB', -1, -1)", "boolean:true | s:\\255\\255"],
  ["return struct.pack('hH', -2, 70000)", "boolean:true | s:\\254\\255p\\017"],
  ["return struct.pack('bb', 300, 2.7)", "boolean:true | s:,\\002"],
  ["return struct.pack('>I5', 2^36+3)", "boolean:true | s:\\016\\000\\000\\000\\003"],
  ["return struct.unpack('>I5', struct.pack('>I5', 2^36+3))", "boolean:true | n:68719476739 | n:6"],
  ["return struct.pack('<T', 2^53)", "boolean:true | s:\\000\\000\\000\\000\\000\\000 \\000"],
  ["return struct.unpack('s', 'abc\\0', 4)", "boolean:true | s: | n:5"],
  [
    "return struct.unpack('s', 'abc\\0', 5)",
    "boolean:false | s:user_script:1: unfinished string in data",
  ],
  [
    "return struct:pack('b')",
    "boolean:false | s:user_script:1: calling 'pack' on bad self (string expected, got table)",
  ],
  [
    "return struct.unpack('bc0', '\\255abc')",
    "boolean:false | s:user_script:1: bad argument #2 to 'unpack' (data string too short)",
  ],
  ["return struct.unpack('bc0', '\\0abc')", "boolean:true | s: | n:2"],
  [
    "return struct.unpack('c1c0', 'xabc')",
    "boolean:false | s:user_script:1: format 'c0' needs a previous size",
  ],
  ["return struct.unpack('x', 'a')", "boolean:true | n:2"],
  [
    "return struct.unpack('xb', 'a')",
    "boolean:false | s:user_script:1: bad argument #2 to 'unpack' (data string too short)",
  ],
  [
    "return struct.pack('bb', 1)",
    "boolean:false | s:user_script:1: bad argument #3 to 'pack' (number expected, got nil)",
  ],
  [
    "return struct.pack('bs')",
    "boolean:false | s:user_script:1: bad argument #2 to 'pack' (number expected, got nil)",
  ],
];

for (const [body, expected] of CASES) {
  test(`struct: ${body.slice(0, 90)}`, async () => {
    assert.equal(await runCase(body), expected);
  });
}
