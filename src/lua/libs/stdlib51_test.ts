/**
 * Lua 5.1 standard library surface (ENV-1..5, lua51-on-54.md §1-2) against Valkey/Redis.
 *
 * Each case is a one-line script body; the expected outcome was taken from a real redis-server
 * 7.0.15 (which bundles the same library code as Valkey 8) with the serialisation of
 * `_test_vm.ts`, unless marked as coming from the spec.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { runCase } from "./_test_vm.ts";

const CASES: readonly (readonly [string, string])[] = [
  ["return unpack({1,2,3})", "boolean:true | n:1 | n:2 | n:3"],
  ["return unpack({1,2,3}, 2)", "boolean:true | n:2 | n:3"],
  ["return unpack({1,2,3}, 2, 5)", "boolean:true | n:2 | n:3 | nil:nil | nil:nil"],
  ["return unpack({1,2,3}, 3, 1)", "boolean:true"],
  ["return unpack({1,2,3}, 1.9, 2.9)", "boolean:true | n:1 | n:2"],
  [
    "return unpack()",
    "boolean:false | s:user_script:1: bad argument #1 to 'unpack' (table expected, got no value)",
  ],
  [
    "return unpack(nil)",
    "boolean:false | s:user_script:1: bad argument #1 to 'unpack' (table expected, got nil)",
  ],
  [
    "return unpack({}, 'x')",
    "boolean:false | s:user_script:1: bad argument #2 to 'unpack' (number expected, got string)",
  ],
  [
    "return select('#', unpack({}, 1, 7999))",
    "boolean:false | s:user_script:1: too many results to unpack",
  ],
  [
    "return select('#', unpack({}, 1, 8000))",
    "boolean:false | s:user_script:1: too many results to unpack",
  ],
  ["return select('#', unpack({}, 1, 7997))", "boolean:true | n:7997"],
  [
    "return select('#', unpack({}, 1, 7998))",
    "boolean:false | s:user_script:1: too many results to unpack",
  ],
  [
    "return unpack({}, -2^31, 2^31 - 1)",
    "boolean:false | s:user_script:1: too many results to unpack",
  ],
  [
    "return table.unpack, table.pack, table.move, math.type, math.tointeger, math.ult, math.maxinteger, math.mininteger, string.pack, string.unpack, string.packsize, coroutine.isyieldable, coroutine.close",
    "boolean:true | nil:nil | nil:nil | nil:nil | nil:nil | nil:nil | nil:nil | nil:nil | nil:nil | nil:nil | nil:nil | nil:nil | nil:nil | nil:nil",
  ],
  ["return string.rep('ab', 3, ',')", "boolean:true | s:ababab"],
  ["return string.rep('ab', 2.9)", "boolean:true | s:abab"],
  ["return string.rep('ab', -1)", "boolean:true | s:"],
  [
    "return string.rep('ab')",
    "boolean:false | s:user_script:1: bad argument #2 to 'rep' (number expected, got no value)",
  ],
  [
    "return string.rep(nil, 2)",
    "boolean:false | s:user_script:1: bad argument #1 to 'rep' (string expected, got nil)",
  ],
  ["return string.rep(12, 2)", "boolean:true | s:1212"],
  ["return ('x'):rep(3)", "boolean:true | s:xxx"],
  [
    "return ('x'):rep()",
    "boolean:false | s:user_script:1: bad argument #1 to 'rep' (number expected, got no value)",
  ],
  [
    "return string.format('%d', 3.7), string.format('%x', 255.5), string.format('%d', 2^63), string.format('%c%c', 65.9, 66)",
    "boolean:true | s:3 | s:ff | s:-9223372036854775808 | s:AB",
  ],
  [
    "return string.format('[%05s|%-5s|%5.1s|%c|%5c|%-5c|%.3d|%+x|% x|%#d|%#x|%05c]', 'ab', 'ab', 'xyz', 0, 0, 0, 7, 255, 255, 5, 255, 65)",
    "boolean:true | s:[   ab|ab   |    x||    ||007|ff|ff|5|0xff|    A]",
  ],
  [
    "return string.format('%s', 'a\\0b'), #string.format('%s', string.rep('a', 99) .. '\\0b'), #string.format('%s', string.rep('a', 100) .. '\\0b'), #string.format('%.200s', string.rep('a', 100) .. '\\0b')",
    "boolean:false | s:user_script:1: invalid format (width or precision too long)",
  ],
  [
    "return string.format('%d %i %o %u %x %X', 3.7, -3.7, 8.9, -1, 255.5, -1)",
    "boolean:true | s:3 -3 10 18446744073709551615 ff FFFFFFFFFFFFFFFF",
  ],
  [
    "return string.format('%u|%5u|%-5u|%05u|%.3u', 3.5, 7, 7, 7, 7)",
    "boolean:true | s:3|    7|7    |00007|007",
  ],
  [
    "return string.format('%x', 2^64), string.format('%d', 0/0), string.format('%c', 256+65), string.format('%c', 2^40), string.format('%x', -(0/0)), string.format('%o', 2^63 + 2^20)",
    "boolean:true | s:0 | s:-9223372036854775808 | s:A | s: | s:8000000000000000 | s:1000000000000004000000",
  ],
  [
    "return string.format('%5.2f|%e|%g|%G|%E|%+.3e|%#g|% f|%010.3f|%-10.2e|', 3.14159, 12345.678, 0.0001, 1e-10, 1, 5, 1, 2, -3.5, 7)",
    "boolean:true | s: 3.14|1.234568e+04|0.0001|1E-10|1.000000E+00|+5.000e+00|1.00000| 2.000000|-00003.500|7.00e+00  |",
  ],
  ["return string.format('%f|%g|%e', 1/0, -1/0, 0/0)", "boolean:true | s:inf|-inf|-nan"],
  [
    "return string.format('%.99f', 1/3)",
    "boolean:true | s:0.333333333333333314829616256247390992939472198486328125000000000000000000000000000000000000000000000",
  ],
  [
    "return string.format('%99.99f', 2^1023)",
    "boolean:true | s:89884656743115795386465259539451236680898848947115328636715040578866337902750481566354238661203768010560056939935696678829394884407208311246423715319737062188883946712432742638151109800623047059726541476042502884419075341171231440736956555270413618581675255342293149119973622969239858152417678164812112068608.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
  ],
  [
    "return string.format('%q', 'a\"b\\\\c\\nd\\re\\0f\\1\\255')",
    'boolean:true | s:"a\\"b\\\\c\\\\010d\\re\\000f\\001\\255"',
  ],
  [
    "return string.format('%q', 12.5), string.format('%5q', 'x'), string.format('%q', 2^53)",
    'boolean:true | s:"12.5" | s:"x" | s:"9.007199254741e+15"',
  ],
  [
    "return string.format('%a', 1)",
    "boolean:false | s:user_script:1: invalid option '%a' to 'format'",
  ],
  [
    "return string.format('%', 1)",
    "boolean:false | s:user_script:1: invalid option '%' to 'format'",
  ],
  [
    "return string.format('abc%')",
    "boolean:false | s:user_script:1: bad argument #2 to 'format' (no value)",
  ],
  [
    "return string.format('%d')",
    "boolean:false | s:user_script:1: bad argument #2 to 'format' (no value)",
  ],
  [
    "return string.format('%s')",
    "boolean:false | s:user_script:1: bad argument #2 to 'format' (no value)",
  ],
  [
    "return string.format('%------d', 1)",
    "boolean:false | s:user_script:1: invalid format (repeated flags)",
  ],
  ["return string.format('%-----d', 1)", "boolean:true | s:1"],
  [
    "return string.format('%100d', 1)",
    "boolean:false | s:user_script:1: invalid format (width or precision too long)",
  ],
  [
    "return string.format('%.100d', 1)",
    "boolean:false | s:user_script:1: invalid format (width or precision too long)",
  ],
  [
    "return string.format('%s', nil)",
    "boolean:false | s:user_script:1: bad argument #2 to 'format' (string expected, got nil)",
  ],
  [
    "return string.format('%s', {})",
    "boolean:false | s:user_script:1: bad argument #2 to 'format' (string expected, got table)",
  ],
  [
    "return string.format('%s', true)",
    "boolean:false | s:user_script:1: bad argument #2 to 'format' (string expected, got boolean)",
  ],
  [
    "return string.format('%d', 'x')",
    "boolean:false | s:user_script:1: bad argument #2 to 'format' (number expected, got string)",
  ],
  [
    "return string.format('%d', '12'), string.format('%d', ' 0x10 '), string.format('%s', 1e15), string.format('%s', 2^53), string.format('%s', -1/(1/0)), string.format('%5s|', 1/3)",
    "boolean:true | s:12 | s:16 | s:1e+15 | s:9.007199254741e+15 | s:-0 | s:0.33333333333333|",
  ],
  ["return string.format('%s %s', 1, 2.5)", "boolean:true | s:1 2.5"],
  ["return string.format(12)", "boolean:true | s:12"],
  [
    "return string.format()",
    "boolean:false | s:user_script:1: bad argument #1 to 'format' (string expected, got no value)",
  ],
  [
    "return ('%d'):format()",
    "boolean:false | s:user_script:1: bad argument #1 to 'format' (no value)",
  ],
  [
    "return ('%d'):format('x')",
    "boolean:false | s:user_script:1: bad argument #1 to 'format' (number expected, got string)",
  ],
  [
    "return string.format('%5.3s|%.0s|%10.4f|%-10d|%+d|%5%|', 'abcdef', 'abc', 1/3, 42, 5)",
    "boolean:false | s:user_script:1: bad argument #7 to 'format' (no value)",
  ],
  [
    "return string.format('%z', 1)",
    "boolean:false | s:user_script:1: invalid option '%z' to 'format'",
  ],
  [
    "return string.format('%5.1z', 1)",
    "boolean:false | s:user_script:1: invalid option '%z' to 'format'",
  ],
  ["return string.format('a%%b%%%d', 5)", "boolean:true | s:a%b%5"],
  [
    "return string.format('%d %s', 1)",
    "boolean:false | s:user_script:1: bad argument #3 to 'format' (no value)",
  ],
  [
    "return string.format('%i', -1/(1/0)), string.format('%.0f', 0.5), string.format('%.0f', 1.5), string.format('%g', 100000), string.format('%g', 1e6), string.format('%.14g', 0.1)",
    "boolean:true | s:0 | s:0 | s:2 | s:100000 | s:1e+06 | s:0.1",
  ],
  ["return string.format('%-+ #0d', 5)", "boolean:true | s:+5"],
  [
    "return string.format('%ld', 5)",
    "boolean:false | s:user_script:1: invalid option '%l' to 'format'",
  ],
  [
    "return string.format('%hd', 5)",
    "boolean:false | s:user_script:1: invalid option '%h' to 'format'",
  ],
  [
    "return string.format('%5', 5)",
    "boolean:false | s:user_script:1: invalid option '%' to 'format'",
  ],
  [
    "return string.format('%.', 5)",
    "boolean:false | s:user_script:1: invalid option '%' to 'format'",
  ],
  [
    "return string.format('%.3', 5)",
    "boolean:false | s:user_script:1: invalid option '%' to 'format'",
  ],
  [
    "return string.format('%\\0d', 5)",
    "boolean:false | s:user_script:1: invalid option '%' to 'format'",
  ],
  [
    "return string.char(72, 105), string.char(), string.char(65.7)",
    "boolean:true | s:Hi | s: | s:A",
  ],
  [
    "return string.char(256)",
    "boolean:false | s:user_script:1: bad argument #1 to 'char' (invalid value)",
  ],
  [
    "return string.char(-1)",
    "boolean:false | s:user_script:1: bad argument #1 to 'char' (invalid value)",
  ],
  ["return string.char('65', 66)", "boolean:true | s:AB"],
  [
    "return string.char(65, nil)",
    "boolean:false | s:user_script:1: bad argument #2 to 'char' (number expected, got nil)",
  ],
  [
    "return string.char({})",
    "boolean:false | s:user_script:1: bad argument #1 to 'char' (number expected, got table)",
  ],
  [
    "return string.byte('abc', 2), string.sub('hello', 2, 4), string.len('abc'), string.upper('ab'), string.lower('AB'), string.reverse('abc')",
    "boolean:true | n:98 | s:ell | n:3 | s:AB | s:ab | s:cba",
  ],
  [
    "return string.find('a.b', '.', 1, true), string.match('key:123', '(%a+):(%d+)'), string.gsub('hello world', 'o', '0')",
    "boolean:true | n:2 | s:key | s:hell0 w0rld | n:2",
  ],
  ["return table.getn({1,2,3}), table.getn({})", "boolean:true | n:3 | n:0"],
  [
    "return table.getn()",
    "boolean:false | s:user_script:1: bad argument #1 to 'getn' (table expected, got no value)",
  ],
  [
    "return table.getn('x')",
    "boolean:false | s:user_script:1: bad argument #1 to 'getn' (table expected, got string)",
  ],
  ["return table.setn({}, 1)", "boolean:false | s:user_script:1: 'setn' is obsolete"],
  [
    "return table.maxn({1,2,[10]=5,[2.5]=1,x=1}), table.maxn({}), table.maxn({[-5]=1})",
    "boolean:true | n:10 | n:0 | n:0",
  ],
  [
    "return table.maxn()",
    "boolean:false | s:user_script:1: bad argument #1 to 'maxn' (table expected, got no value)",
  ],
  [
    "return table.foreach({10, 20}, function(k, v) if v == 20 then return k end end)",
    "boolean:true | n:2",
  ],
  ["return table.foreach({a=1}, function(k, v) end)", "boolean:true"],
  [
    "return table.foreachi({10, 20, 30}, function(i, v) if v == 20 then return i * 100 end end)",
    "boolean:true | n:200",
  ],
  [
    "return table.foreach({})",
    "boolean:false | s:user_script:1: bad argument #2 to 'foreach' (function expected, got no value)",
  ],
  [
    "return table.foreachi({}, 5)",
    "boolean:false | s:user_script:1: bad argument #2 to 'foreachi' (function expected, got number)",
  ],
  ["local t = {1,2} table.insert(t, 5, 3) return t[5], #t", "boolean:true | n:3 | n:2"],
  ["local t = {1,2} table.insert(t, 3) return t[3], #t", "boolean:true | n:3 | n:3"],
  [
    "local t = {1,2} table.insert(t, 1, 0) return t[1], t[2], t[3]",
    "boolean:true | n:0 | n:1 | n:2",
  ],
  [
    "local t = {1,2} table.insert(t, 0, 'z') return t[0], t[1], t[2], t[3]",
    "boolean:true | s:z | nil:nil | n:1 | n:2",
  ],
  [
    "local t = {1,2} table.insert(t, 2.7, 'z') return t[1], t[2], t[3]",
    "boolean:true | n:1 | s:z | n:2",
  ],
  [
    "return table.insert({})",
    "boolean:false | s:user_script:1: wrong number of arguments to 'insert'",
  ],
  [
    "return table.insert({}, 1, 2, 3)",
    "boolean:false | s:user_script:1: wrong number of arguments to 'insert'",
  ],
  [
    "return table.insert(nil, 1)",
    "boolean:false | s:user_script:1: bad argument #1 to 'insert' (table expected, got nil)",
  ],
  [
    "return table.insert({}, 'x', 1)",
    "boolean:false | s:user_script:1: bad argument #2 to 'insert' (number expected, got string)",
  ],
  ["return table.remove({})", "boolean:true"],
  ["return select('#', table.remove({}))", "boolean:true | n:0"],
  ["return table.remove({}, 5)", "boolean:true"],
  ["return select('#', table.remove({1}, 5))", "boolean:true | n:0"],
  ["local t = {1,2,3} return table.remove(t), #t", "boolean:true | n:3 | n:2"],
  [
    "local t = {1,2,3} return table.remove(t, 1), t[1], t[2], t[3]",
    "boolean:true | n:1 | n:2 | n:3 | nil:nil",
  ],
  [
    "local t = {1,2,3} return table.remove(t, 2.9), t[1], t[2], t[3]",
    "boolean:true | n:2 | n:1 | n:3 | nil:nil",
  ],
  [
    "return table.remove()",
    "boolean:false | s:user_script:1: bad argument #1 to 'remove' (table expected, got no value)",
  ],
  [
    "return table.concat({1, 2.5, 'x'}, '-'), table.concat({}, ','), table.concat({1,2,3}, ',', 2, 3)",
    "boolean:true | s:1-2.5-x | s: | s:2,3",
  ],
  [
    "return table.concat({{}}, ',')",
    "boolean:false | s:user_script:1: invalid value (table) at index 1 in table for 'concat'",
  ],
  ["local t = {3,1,2} table.sort(t) return t[1], t[2], t[3]", "boolean:true | n:1 | n:2 | n:3"],
  [
    "return math.mod(7, 3), math.pow(2, 10), math.ldexp(0.5, 3), math.frexp(8), math.log(100, 10), math.log10(1000), math.atan2(1, 1), math.atan(1, 2)",
    "boolean:true | n:1 | n:1024 | n:4 | n:0.5 | n:4.6051701859881 | n:3 | n:0.78539816339745 | n:0.78539816339745",
  ],
  [
    "return math.cosh(1), math.sinh(1), math.tanh(0.5), math.cosh(0), math.sinh(0), math.tanh(0), math.tanh(30), math.sinh(-2), math.cosh(-2)",
    "boolean:true | n:1.5430806348152 | n:1.1752011936438 | n:0.46211715726001 | n:1 | n:0 | n:0 | n:1 | n:-3.626860407847 | n:3.7621956910836",
  ],
  [
    "return math.frexp(0), math.frexp(-1/(1/0)), math.frexp(1/0), math.frexp(0.1), math.frexp(-3), math.frexp(2^-1074), math.frexp(2^-1030), math.frexp(2^1023)",
    "boolean:true | n:0 | n:-0 | n:inf | n:0.8 | n:-0.75 | n:0.5 | n:0.5 | n:0.5 | n:1024",
  ],
  [
    "return math.ldexp(1, 1024), math.ldexp(1, 1023), math.ldexp(1, -1074), math.ldexp(1, -1075), math.ldexp(0.75, -1074), math.ldexp(3, -1076), math.ldexp(-1, -1080), math.ldexp(0.5, 2.9), math.ldexp(1, 2^31 + 2)",
    "boolean:true | n:inf | n:8.9884656743116e+307 | n:4.9406564584125e-324 | n:0 | n:4.9406564584125e-324 | n:4.9406564584125e-324 | n:-0 | n:2 | n:0",
  ],
  [
    "return math.floor(3.7), math.floor(-3.7), math.floor(-1/(1/0)), math.floor(0.5), math.floor(-0.5), math.ceil(-0.5), math.ceil(0.5), math.ceil(-1/(1/0)), math.floor(2^62), math.ceil(2^62), math.floor(1/0), math.floor('3.5')",
    "boolean:true | n:3 | n:-4 | n:-0 | n:0 | n:-1 | n:-0 | n:1 | n:-0 | n:4.6116860184274e+18 | n:4.6116860184274e+18 | n:inf | n:3",
  ],
  ["return math.floor(2^40) * math.floor(2^40)", "boolean:true | n:1.2089258196146e+24"],
  [
    "return math.floor()",
    "boolean:false | s:user_script:1: bad argument #1 to 'floor' (number expected, got no value)",
  ],
  [
    "return math.floor(nil)",
    "boolean:false | s:user_script:1: bad argument #1 to 'floor' (number expected, got nil)",
  ],
  [
    "return math.floor('x')",
    "boolean:false | s:user_script:1: bad argument #1 to 'floor' (number expected, got string)",
  ],
  [
    "return math.max(1, 5, 3), math.min(4, 2, 8), math.max('10', 2), math.max(0/0, 1), math.max(1, 0/0), math.min(-1/(1/0), 0)",
    "boolean:true | n:5 | n:2 | n:10 | n:-nan | n:1 | n:-0",
  ],
  [
    "return math.max()",
    "boolean:false | s:user_script:1: bad argument #1 to 'max' (number expected, got no value)",
  ],
  [
    "return math.min(1, nil)",
    "boolean:false | s:user_script:1: bad argument #2 to 'min' (number expected, got nil)",
  ],
  [
    "return math.abs(-3), math.sqrt(16), math.huge, -math.huge, math.pi, math.fmod(-7, 3), math.modf(3.7), math.modf(-3.7)",
    "boolean:true | n:3 | n:4 | n:inf | n:-inf | n:3.1415926535898 | n:-1 | n:3 | n:-3 | n:-0.7",
  ],
  ["return math.fmod(7, 0), math.modf(1/0)", "boolean:true | n:-nan | n:inf | n:0"],
  [
    "return math.pow()",
    "boolean:false | s:user_script:1: bad argument #2 to 'pow' (number expected, got no value)",
  ],
  [
    "return math.log()",
    "boolean:false | s:user_script:1: bad argument #1 to 'log' (number expected, got no value)",
  ],
  [
    "return math.sqrt('x')",
    "boolean:false | s:user_script:1: bad argument #1 to 'sqrt' (number expected, got string)",
  ],
  [
    "return tonumber('10'), tonumber('0x10'), tonumber('  0x10  '), tonumber('1e1'), tonumber('inf'), tonumber('-inf'), tonumber('nan'), tonumber('0x1p4'), tonumber('5.0'), tonumber('  12  '), tonumber('')",
    "boolean:true | n:10 | n:16 | n:16 | n:10 | n:inf | n:-inf | n:nan | n:16 | n:5 | n:12 | nil:nil",
  ],
  [
    "return tonumber('0xffffffffffffffff'), tonumber('9007199254740993'), tonumber('-0'), tonumber('-0x0'), tonumber('1e400'), tonumber('0x'), tonumber('1 2'), tonumber('Infinity'), tonumber('-nan')",
    "boolean:true | n:1.844674407371e+19 | n:9.007199254741e+15 | n:-0 | n:-0 | n:inf | nil:nil | nil:nil | n:inf | n:-nan",
  ],
  [
    "return tonumber(nil), tonumber(true), tonumber({})",
    "boolean:true | nil:nil | nil:nil | nil:nil",
  ],
  [
    "return tonumber()",
    "boolean:false | s:user_script:1: bad argument #1 to 'tonumber' (value expected)",
  ],
  [
    "return tonumber('ff', 16), tonumber('FF', 16), tonumber('zz', 36), tonumber('777', 8), tonumber('  11  ', 2), tonumber('0x1f', 16), tonumber('-ff', 16), tonumber('12', 3), tonumber('1.5', 10), tonumber(255, 16)",
    "boolean:true | n:255 | n:255 | n:1295 | n:511 | n:3 | n:31 | n:1.844674407371e+19 | n:5 | n:1.5 | n:597",
  ],
  [
    "return tonumber('ffffffffffffffffff', 16), tonumber('-1', 10), tonumber('8', 8), tonumber('', 16), tonumber('0x', 16), tonumber(' ', 10)",
    "boolean:true | n:1.844674407371e+19 | n:-1 | nil:nil | nil:nil | nil:nil | nil:nil",
  ],
  [
    "return tonumber('1', 1)",
    "boolean:false | s:user_script:1: bad argument #2 to 'tonumber' (base out of range)",
  ],
  [
    "return tonumber('1', 37)",
    "boolean:false | s:user_script:1: bad argument #2 to 'tonumber' (base out of range)",
  ],
  [
    "return tonumber(nil, 16)",
    "boolean:false | s:user_script:1: bad argument #1 to 'tonumber' (string expected, got nil)",
  ],
  [
    "return tonumber('1', 'x')",
    "boolean:false | s:user_script:1: bad argument #2 to 'tonumber' (number expected, got string)",
  ],
  ["return tonumber(10, 10), tonumber('10', 10.9)", "boolean:true | n:10 | n:10"],
  ["return ipairs({})", "boolean:true | function | table | n:0"],
  [
    "return ipairs()",
    "boolean:false | s:user_script:1: bad argument #1 to 'ipairs' (table expected, got no value)",
  ],
  [
    "return ipairs(nil)",
    "boolean:false | s:user_script:1: bad argument #1 to 'ipairs' (table expected, got nil)",
  ],
  [
    "local n = 0 for i, v in ipairs(setmetatable({}, {__index = function(t, k) if k < 4 then return k end end})) do n = n + 1 end return n",
    "boolean:true | n:0",
  ],
  [
    "local r = {} for i, v in ipairs({1, 2, nil, 4}) do r[#r+1] = i end return unpack(r)",
    "boolean:true | n:1 | n:2",
  ],
  [
    "return pairs()",
    "boolean:false | s:user_script:1: bad argument #1 to 'pairs' (table expected, got no value)",
  ],
  [
    "local n = 0 for k in pairs(setmetatable({a=1}, {__pairs = function() return function() end end})) do n = n + 1 end return n",
    "boolean:true | n:1",
  ],
  [
    "return xpcall(function(...) return select('#', ...) end, function(e) return e end, 1, 2, 3)",
    "boolean:true | boolean:true | n:0",
  ],
  [
    "return xpcall(function() error('x') end, function(e) return 'handled: ' .. e end)",
    "boolean:true | boolean:false | s:handled: user_script:1: x",
  ],
  [
    "return xpcall(function() error('x') end, 5)",
    "boolean:true | boolean:false | s:error in error handling",
  ],
  ["return xpcall(function() return 1 end, 5)", "boolean:true | boolean:true | n:1"],
  [
    "return xpcall(function() return 1 end)",
    "boolean:false | s:user_script:1: bad argument #2 to 'xpcall' (value expected)",
  ],
  [
    "return xpcall()",
    "boolean:false | s:user_script:1: bad argument #2 to 'xpcall' (value expected)",
  ],
  ["return tostring(coroutine.running())", "boolean:true | s:nil"],
  [
    "return coroutine.yield()",
    "boolean:false | s:attempt to yield across metamethod/C-call boundary",
  ],
  [
    "return coroutine.resume(coroutine.create(function(a) local b = coroutine.yield(a + 1) return tostring(coroutine.running() ~= nil), b end), 1)",
    "boolean:true | boolean:true | n:2",
  ],
  [
    "return coroutine.wrap(function() error('in co') end)()",
    "boolean:false | s:user_script:1: user_script:1: in co",
  ],
  ["return coroutine.status(coroutine.create(function() end))", "boolean:true | s:suspended"],
  ["return assert(1, 2, 3)", "boolean:true | n:1 | n:2 | n:3"],
  ["return assert(false, 'boom')", "boolean:false | s:user_script:1: boom"],
  ["return assert(nil)", "boolean:false | s:user_script:1: assertion failed!"],
  ["return assert(false, 42)", "boolean:false | s:user_script:1: 42"],
  [
    "return assert(false, {})",
    "boolean:false | s:user_script:1: bad argument #2 to 'assert' (string expected, got table)",
  ],
  [
    "return assert()",
    "boolean:false | s:user_script:1: bad argument #1 to 'assert' (value expected)",
  ],
  ["return assert(false, nil)", "boolean:false | s:user_script:1: assertion failed!"],
  ["local ok, e = pcall(assert, false, 'm') return e", "boolean:true | s:m"],
  [
    "return collectgarbage('count') > 0, collectgarbage(), collectgarbage('collect'), type(collectgarbage('step')), type(collectgarbage('step', 100))",
    "boolean:true | boolean:true | n:0 | n:0 | s:boolean | s:boolean",
  ],
  [
    "return collectgarbage('setpause', 100), collectgarbage('setpause', 200), collectgarbage('setstepmul', 200)",
    "boolean:true | n:200 | n:100 | n:200",
  ],
  ["return collectgarbage('stop'), collectgarbage('restart')", "boolean:true | n:0 | n:0"],
  [
    "return collectgarbage('isrunning')",
    "boolean:false | s:user_script:1: bad argument #1 to 'collectgarbage' (invalid option 'isrunning')",
  ],
  [
    "return collectgarbage('incremental')",
    "boolean:false | s:user_script:1: bad argument #1 to 'collectgarbage' (invalid option 'incremental')",
  ],
  [
    "return collectgarbage('bogus')",
    "boolean:false | s:user_script:1: bad argument #1 to 'collectgarbage' (invalid option 'bogus')",
  ],
  [
    "return collectgarbage(5)",
    "boolean:false | s:user_script:1: bad argument #1 to 'collectgarbage' (invalid option '5')",
  ],
  [
    "return gcinfo() > 0, gcinfo() == math.floor(gcinfo())",
    "boolean:true | boolean:true | boolean:true",
  ],
  ["return loadstring('return 1 + 1')()", "boolean:true | n:2"],
  ["return loadstring('return')", "boolean:true | function"],
  [
    "return loadstring('return +')",
    "boolean:true | nil:nil | s:[string \"return +\"]:1: unexpected symbol near '+'",
  ],
  [
    "return loadstring()",
    "boolean:false | s:user_script:1: bad argument #1 to 'loadstring' (string expected, got no value)",
  ],
  ["return loadstring(5)()", "boolean:false | s:user_script:1: attempt to call a nil value"],
  ["return loadstring('return ...')(7, 8)", "boolean:true | n:7 | n:8"],
  [
    "return load('return 1')",
    "boolean:false | s:user_script:1: bad argument #1 to 'load' (function expected, got string)",
  ],
  ["return load(function() return nil end)", "boolean:true | function"],
  [
    "local parts = {'return ', '4', '2'} local i = 0 return load(function() i = i + 1 return parts[i] end)()",
    "boolean:true | n:42",
  ],
  [
    "return load(function() error('reader fails') end)",
    "boolean:true | nil:nil | s:user_script:1: reader fails",
  ],
  [
    "return rawequal('a', 'a'), rawget({a=1}, 'a'), select('#', 1, nil, 3), select(-1, 1, 2, 3), type(nil), tostring(nil)",
    "boolean:true | boolean:true | n:1 | n:3 | n:3 | s:nil | s:nil",
  ],
  [
    "return select(0)",
    "boolean:false | s:user_script:1: bad argument #1 to 'select' (index out of range)",
  ],
  ["return _VERSION, type(_G), _G == _G._G", "boolean:true | s:Lua 5.1 | s:table | boolean:true"],
  ["return getmetatable('').__index == string", "boolean:true | boolean:true"],
  [
    "return setmetatable({}, {__metatable = 'locked'}) and getmetatable(setmetatable({}, {__metatable = 'locked'}))",
    "boolean:true | s:locked",
  ],
  [
    "local t = setmetatable({}, {__metatable = 'locked'}) return setmetatable(t, {})",
    "boolean:false | s:user_script:1: cannot change a protected metatable",
  ],
  [
    "return setmetatable()",
    "boolean:false | s:user_script:1: bad argument #1 to 'setmetatable' (table expected, got no value)",
  ],
  [
    "return setmetatable({}, 5)",
    "boolean:false | s:user_script:1: bad argument #2 to 'setmetatable' (nil or table expected)",
  ],
  [
    "return setmetatable(5, {})",
    "boolean:false | s:user_script:1: bad argument #1 to 'setmetatable' (table expected, got number)",
  ],
  [
    "return next({}), type(next), rawequal(next, next)",
    "boolean:true | nil:nil | s:function | boolean:true",
  ],
  [
    "return tostring(1e15), tostring(0.1), tostring(1/3), tostring(10/2), 7 % -3, -7 % 3, math.fmod(-7, 3), math.floor(-0.5)",
    "boolean:true | s:1e+15 | s:0.1 | s:0.33333333333333 | s:5 | n:-2 | n:2 | n:-1 | n:-1",
  ],
  ["return error('boom')", "boolean:false | s:user_script:1: boom"],
  ["return error('boom', 0)", "boolean:false | s:boom"],
  ["return error()", "boolean:false | nil:nil"],
  ["return (function() error('lvl2', 2) end)()", "boolean:false | s:lvl2"],
];

for (const [body, expected] of CASES) {
  test(`stdlib51: ${body.slice(0, 90)}`, async () => {
    assert.equal(await runCase(body), expected);
  });
}

// Valkey 8 builds Lua without LUA_COMPAT_GFIND (spec ENV-5); Redis 7.0 still aliases gmatch.
test("stdlib51: string.gfind raises as the spec says", async () => {
  assert.equal(
    await runCase("return string.gfind('a', 'a')"),
    "boolean:false | s:user_script:1: 'string.gfind' was renamed to 'string.gmatch'",
  );
});

// Redis 7.0 removed these; Valkey 8 has them (ENV-1). Expected values: Debian's lua5.1 5.1.5.
test("stdlib51: getfenv, setfenv and newproxy behave as in Lua 5.1", async () => {
  const cases: [string, string][] = [
    [
      "return getfenv() == _G, getfenv(0) == _G, getfenv(1) == _G, getfenv(tostring) == _G",
      "boolean:true | boolean:true | boolean:true | boolean:true | boolean:true",
    ],
    [
      "local function f() return x_global end local env = {x_global = 42} " +
      "return setfenv(f, env) == f, f(), getfenv(f) == env, rawget(_G, 'x_global')",
      "boolean:true | boolean:true | n:42 | boolean:true | nil:nil",
    ],
    [
      "return setfenv(tostring, {})",
      "boolean:false | s:user_script:1: 'setfenv' cannot change environment of given object",
    ],
    [
      "return getfenv(-1)",
      "boolean:false | s:user_script:1: bad argument #1 to 'getfenv' (level must be non-negative)",
    ],
    [
      "return getfenv(50)",
      "boolean:false | s:user_script:1: bad argument #1 to 'getfenv' (invalid level)",
    ],
    [
      "return setfenv(1)",
      "boolean:false | s:user_script:1: bad argument #2 to 'setfenv' (table expected, got no value)",
    ],
    [
      "local function h() setfenv(1, {y = 7}) return y end return h()",
      "boolean:true | n:7",
    ],
    ["local function k() return getfenv(2) == _G end return k()", "boolean:true | boolean:true"],
    [
      "local u = newproxy(true) local v = newproxy(u) getmetatable(u).__index = " +
      "function(_, key) return key .. '!' end return type(u), v.abc, getmetatable(newproxy()) == nil",
      "boolean:true | s:userdata | s:abc! | boolean:true",
    ],
    [
      "return newproxy({})",
      "boolean:false | s:user_script:1: bad argument #1 to 'newproxy' (boolean or proxy expected)",
    ],
  ];
  for (const [body, expected] of cases) assert.equal(await runCase(body), expected, body);
});
