/**
 * cmsgpack library (LIB-2) against Valkey/Redis.
 *
 * Each case is a one-line script body; the expected outcome was taken from a real redis-server
 * 7.0.15 (which bundles the same library code as Valkey 8) with the serialisation of
 * `_test_vm.ts`, unless marked as coming from the spec.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { runCase } from "./_test_vm.ts";

const CASES: readonly (readonly [string, string])[] = [
  ["return cmsgpack.pack({'foo','bar','baz'})", "boolean:true | s:\\147\\163foo\\163bar\\163baz"],
  ["return cmsgpack.pack(0.1)", "boolean:true | s:\\203?\\185\\153\\153\\153\\153\\153\\154"],
  [
    "return cmsgpack.pack(-1099511627776)",
    "boolean:true | s:\\211\\255\\255\\255\\000\\000\\000\\000\\000",
  ],
  [
    "return cmsgpack.pack(0, 1, 127, 128, 255, 256, 65535, 65536, 2^32-1, 2^32, 2^53, 2^63, -2^63, 2^64)",
    "boolean:true | s:\\000\\001\\127\\204\\128\\204\\255\\205\\001\\000\\205\\255\\255\\206\\000\\001\\000\\000\\206\\255\\255\\255\\255\\207\\000\\000\\000\\001\\000\\000\\000\\000\\207\\000 \\000\\000\\000\\000\\000\\000\\202_\\000\\000\\000\\211\\128\\000\\000\\000\\000\\000\\000\\000\\202_\\128\\000\\000",
  ],
  [
    "return cmsgpack.pack(-1, -32, -33, -128, -129, -32768, -32769, -2^31, -2^31-1, -2^53)",
    "boolean:true | s:\\255\\224\\208\\223\\208\\128\\209\\255\\127\\209\\128\\000\\210\\255\\255\\127\\255\\210\\128\\000\\000\\000\\211\\255\\255\\255\\255\\127\\255\\255\\255\\211\\255\\224\\000\\000\\000\\000\\000\\000",
  ],
  [
    "return cmsgpack.pack(1.5, -1/(1/0), 1/0, -1/0, 0.1, 1e300, 3.4028234663852886e38, 1e-45, 2^-149)",
    "boolean:true | s:\\202?\\192\\000\\000\\000\\202\\127\\128\\000\\000\\202\\255\\128\\000\\000\\203?\\185\\153\\153\\153\\153\\153\\154\\203~7\\228<\\136\\000u\\156\\202\\127\\127\\255\\255\\2036\\150\\214\\001\\1737j\\185\\202\\000\\000\\000\\001",
  ],
  ["return cmsgpack.pack(0/0)", "boolean:true | s:\\203\\255\\248\\000\\000\\000\\000\\000\\000"],
  [
    "return cmsgpack.pack(true, false, nil, function() end, coroutine.create(function() end))",
    "boolean:true | s:\\195\\194\\192\\192\\192",
  ],
  [
    "return cmsgpack.pack('', string.rep('x', 31), string.rep('y', 32))",
    "boolean:true | s:\\160\\191xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\217 yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy",
  ],
  [
    "return #cmsgpack.pack(string.rep('x', 255)), #cmsgpack.pack(string.rep('x', 256)), #cmsgpack.pack(string.rep('x', 65535)), #cmsgpack.pack(string.rep('x', 65536)), cmsgpack.pack(string.rep('x', 256)):sub(1,3), cmsgpack.pack(string.rep('x', 65536)):sub(1,5)",
    "boolean:true | n:257 | n:259 | n:65538 | n:65541 | s:\\218\\001\\000 | s:\\219\\000\\001\\000\\000",
  ],
  ["return cmsgpack.pack({})", "boolean:true | s:\\144"],
  [
    "return cmsgpack.pack({1,2,3,nil,5})",
    "boolean:true | s:\\132\\001\\001\\002\\002\\003\\003\\005\\005",
  ],
  [
    "return cmsgpack.pack({[1]=1,[2]=2,[4]=4})",
    "boolean:true | s:\\131\\001\\001\\002\\002\\004\\004",
  ],
  ["return cmsgpack.pack({a=1})", "boolean:true | s:\\129\\161a\\001"],
  ["return cmsgpack.pack({[1.5]=1})", "boolean:true | s:\\129\\202?\\192\\000\\000\\001"],
  ["return cmsgpack.pack({[0]=1})", "boolean:true | s:\\129\\000\\001"],
  ["return cmsgpack.pack({[-1]=1})", "boolean:true | s:\\129\\255\\001"],
  ["return cmsgpack.pack({[2^31]=1})", "boolean:true | s:\\129\\206\\128\\000\\000\\000\\001"],
  [
    "return cmsgpack.pack({{{{{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}}}}})",
    "boolean:true | s:\\145\\145\\145\\145\\145\\145\\145\\145\\145\\145\\145\\145\\145\\145\\145\\145\\192",
  ],
  [
    "return cmsgpack.pack({a={b={c={d={e={f={g={h={i={j={k={l={m={n={o={p={q={r={}}}}}}}}}}}}}}}}}}})",
    "boolean:true | s:\\129\\161a\\129\\161b\\129\\161c\\129\\161d\\129\\161e\\129\\161f\\129\\161g\\129\\161h\\129\\161i\\129\\161j\\129\\161k\\129\\161l\\129\\161m\\129\\161n\\129\\161o\\129\\161p\\192",
  ],
  ["return #cmsgpack.pack(string.rep('z', 70000))", "boolean:true | n:70005"],
  [
    "return cmsgpack.pack()",
    "boolean:false | s:user_script:1: bad argument #0 to 'pack' (MessagePack pack needs input.)",
  ],
  [
    "return cmsgpack.pack(unpack({}, 1, 4001))",
    "boolean:false | s:user_script:1: bad argument #0 to 'pack' (Too many arguments for MessagePack pack.)",
  ],
  ["return #cmsgpack.pack(unpack({}, 1, 4000))", "boolean:true | n:4000"],
  ["return cmsgpack.unpack(cmsgpack.pack({'foo','bar','baz'}))[3]", "boolean:true | s:baz"],
  [
    "return cmsgpack.unpack(cmsgpack.pack(1, 'a', true, 2.5))",
    "boolean:true | n:1 | s:a | boolean:true | n:2.5",
  ],
  ["return cmsgpack.unpack('')", "boolean:true"],
  [
    "return cmsgpack.unpack('\\147\\1\\2')",
    "boolean:false | s:user_script:1: Missing bytes in input.",
  ],
  ["return cmsgpack.unpack('\\193')", "boolean:false | s:user_script:1: Bad data format in input."],
  [
    "return cmsgpack.unpack('\\196\\1a')",
    "boolean:false | s:user_script:1: Bad data format in input.",
  ],
  [
    "return cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255')",
    "boolean:true | n:-1",
  ],
  [
    "return cmsgpack.unpack('\\207\\127\\255\\255\\255\\255\\255\\255\\255')",
    "boolean:true | n:9.2233720368548e+18",
  ],
  [
    "return cmsgpack.unpack('\\211\\128\\0\\0\\0\\0\\0\\0\\0')",
    "boolean:true | n:-9.2233720368548e+18",
  ],
  [
    "return cmsgpack.unpack('\\204\\200\\208\\200\\205\\1\\0\\209\\255\\254\\206\\255\\255\\255\\255\\210\\128\\0\\0\\0')",
    "boolean:true | n:200 | n:-56 | n:256 | n:-2 | n:4294967295 | n:-2147483648",
  ],
  [
    "return cmsgpack.unpack('\\202\\63\\192\\0\\0\\203\\63\\185\\153\\153\\153\\153\\153\\154')",
    "boolean:true | n:1.5 | n:0.1",
  ],
  [
    "return cmsgpack.unpack('\\217\\3abc\\218\\0\\2de\\219\\0\\0\\0\\1f')",
    "boolean:true | s:abc | s:de | s:f",
  ],
  [
    "return cmsgpack.unpack('\\217\\3ab')",
    "boolean:false | s:user_script:1: Missing bytes in input.",
  ],
  [
    "return cmsgpack.unpack('\\219\\0\\0\\0\\5ab')",
    "boolean:false | s:user_script:1: Missing bytes in input.",
  ],
  ["return cmsgpack.unpack('\\129\\192\\1')", "boolean:false | s:table index is nil"],
  ["return cmsgpack.unpack('\\129\\1\\192')", "boolean:true | table"],
  ["return cmsgpack.unpack('\\146\\192\\1')", "boolean:true | table"],
  ["return cmsgpack.unpack('\\220\\0\\1\\7\\222\\0\\1\\1\\2')", "boolean:true | table | table"],
  [
    "return cmsgpack.unpack('\\221\\0\\0\\0\\1\\7\\223\\0\\0\\0\\1\\1\\2')",
    "boolean:true | table | table",
  ],
  [
    "return cmsgpack.unpack('\\221\\255\\255\\255\\255\\7')",
    "boolean:false | s:user_script:1: Missing bytes in input.",
  ],
  [
    "return cmsgpack.unpack('\\129\\203\\255\\248\\0\\0\\0\\0\\0\\0\\1')",
    "boolean:false | s:table index is NaN",
  ],
  ["return cmsgpack.unpack(123)", "boolean:true | n:49 | n:50 | n:51"],
  [
    "return cmsgpack.unpack()",
    "boolean:false | s:user_script:1: bad argument #1 to 'unpack' (string expected, got no value)",
  ],
  ["return cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))", "boolean:true | n:1 | n:1"],
  ["return cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 1)", "boolean:true | n:2 | n:2"],
  ["return cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2)", "boolean:true | n:-1 | n:3"],
  ["return cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 3)", "boolean:true | n:-1"],
  [
    "return cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 4)",
    "boolean:false | s:user_script:1: Start offset 4 greater than input length 3.",
  ],
  [
    "return cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), -1)",
    "boolean:false | s:user_script:1: Invalid request to unpack with offset of -1 and limit of 3.",
  ],
  [
    "return cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 'x')",
    "boolean:false | s:user_script:1: bad argument #2 to 'unpack_one' (number expected, got string)",
  ],
  [
    "return cmsgpack.unpack_one()",
    "boolean:false | s:user_script:1: bad argument #1 to 'unpack_one' (string expected, got no value)",
  ],
  [
    "return cmsgpack.unpack_one(nil, 'x')",
    "boolean:false | s:user_script:1: bad argument #2 to 'unpack_one' (number expected, got string)",
  ],
  ["return cmsgpack.unpack_one('')", "boolean:true | n:-1"],
  ["return cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)", "boolean:true | n:2 | n:1 | n:2"],
  ["return cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2, 1)", "boolean:true | n:-1 | n:2 | n:3"],
  ["return cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0)", "boolean:true | n:1 | n:2 | n:3"],
  ["return cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0, 1)", "boolean:true | n:1"],
  [
    "return cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), -1)",
    "boolean:false | s:user_script:1: Invalid request to unpack with offset of 0 and limit of 3.",
  ],
  [
    "return cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 5)",
    "boolean:true | n:-1 | n:1 | n:2 | n:3",
  ],
  [
    "return cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3))",
    "boolean:false | s:user_script:1: bad argument #2 to 'unpack_limit' (number expected, got no value)",
  ],
  ["return cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 1.9)", "boolean:true | n:1 | n:1"],
  ["return select('#', cmsgpack.unpack(string.rep('\\1', 7999)))", "boolean:true | n:7999"],
  [
    "return select('#', cmsgpack.unpack(string.rep('\\1', 8000)))",
    "boolean:false | s:user_script:1: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
  ],
  ["return select('#', cmsgpack.unpack(string.rep('\\1', 7998), 'x'))", "boolean:true | n:7998"],
  [
    "return select('#', cmsgpack.unpack(string.rep('\\1', 7999), 'x'))",
    "boolean:false | s:user_script:1: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
  ],
  ["return #cmsgpack.unpack(string.rep('\\145', 3990) .. '\\1')", "boolean:true | n:1"],
  ["return #cmsgpack.unpack(string.rep('\\145', 3999) .. '\\1')", "boolean:true | n:1"],
  [
    "return #cmsgpack.unpack(string.rep('\\145', 4000) .. '\\1')",
    "boolean:false | s:user_script:1: stack overflow (in function mp_decode_to_lua_array)",
  ],
  ["return #cmsgpack.unpack(string.rep('\\129\\1', 3990) .. '\\1')", "boolean:true | n:1"],
  [
    "return #cmsgpack.unpack(string.rep('\\129\\1', 4000) .. '\\1')",
    "boolean:false | s:user_script:1: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
  ],
  [
    "local t = {} local c = 0 for k in pairs(cmsgpack) do c = c + 1 end return c, cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._DESCRIPTION",
    "boolean:true | n:8 | s:cmsgpack | s:lua-cmsgpack 0.4.0 | s:MessagePack C implementation for Lua",
  ],
  [
    "return cmsgpack.pack(setmetatable({}, {__index = function(t, k) return k * 10 end}))",
    "boolean:true | s:\\144",
  ],
  ["return cmsgpack.pack(cjson.null)", "boolean:true | s:\\192"],
];

for (const [body, expected] of CASES) {
  test(`cmsgpack: ${body.slice(0, 90)}`, async () => {
    assert.equal(await runCase(body), expected);
  });
}
