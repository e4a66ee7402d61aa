/**
 * The loading contract (index.ts) and the shape of the 5.1 global environment (ENV-1, ENV-2,
 * ENV-5): names come from the spec; the engine adds server, redis, os and its own handlers.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestVm, runCase } from "./_test_vm.ts";
import { LIBRARY_CHUNKS, LIBRARY_SOURCE_PREFIX } from "./index.ts";

const listing = (expr: string) =>
  `local t = {} for k in pairs(${expr}) do t[#t+1] = k end table.sort(t) ` +
  `return table.concat(t, ' ')`;

test("index: every chunk name carries the library source prefix", () => {
  assert.deepEqual(LIBRARY_CHUNKS.map((c) => c.name), [
    "stdlib51",
    "prng",
    "bit",
    "struct",
    "cmsgpack",
    "cjson",
  ]);
  for (const c of LIBRARY_CHUNKS) assert.ok(c.chunkname.startsWith(LIBRARY_SOURCE_PREFIX));
});

test("index: G holds the ENV-1/ENV-2 globals the libraries provide, nothing else", async () => {
  assert.equal(
    await runCase(`return (function() ${listing("_G")} end)()`),
    "boolean:true | s:_G _VERSION assert bit cjson cmsgpack collectgarbage coroutine error " +
      "gcinfo getfenv getmetatable ipairs load loadstring math newproxy next pairs pcall " +
      "rawequal rawget rawset select setfenv setmetatable string struct table tonumber " +
      "tostring type unpack xpcall",
  );
});

test("index: library tables have exactly the 5.1 names (ENV-5)", async () => {
  const cases: [string, string][] = [
    [
      "string",
      "byte char dump find format gfind gmatch gsub len lower match rep reverse sub upper",
    ],
    ["table", "concat foreach foreachi getn insert maxn remove setn sort"],
    [
      "math",
      "abs acos asin atan atan2 ceil cos cosh deg exp floor fmod frexp huge ldexp log log10 " +
      "max min mod modf pi pow rad random randomseed sin sinh sqrt tan tanh",
    ],
    ["coroutine", "create resume running status wrap yield"],
    ["bit", "arshift band bnot bor bswap bxor lshift rol ror rshift tobit tohex"],
    ["struct", "pack size unpack"],
    ["cmsgpack", "_COPYRIGHT _DESCRIPTION _NAME _VERSION pack unpack unpack_limit unpack_one"],
    [
      "cjson",
      "_NAME _VERSION decode decode_invalid_numbers decode_max_depth encode " +
      "encode_invalid_numbers encode_keep_buffer encode_max_depth encode_number_precision " +
      "encode_sparse_array new null",
    ],
  ];
  for (const [name, names] of cases) {
    assert.equal(
      await runCase(`return (function() ${listing(name)} end)()`),
      "boolean:true | s:" +
        names,
      name,
    );
  }
});

test("index: _VERSION, _G and the string metatable", async () => {
  assert.equal(
    await runCase("return _VERSION, _G == _G._G, getmetatable('').__index == string, ('x'):rep(3)"),
    "boolean:true | s:Lua 5.1 | boolean:true | boolean:true | s:xxx",
  );
});

test("index: cmsgpack metadata is Valkey's", async () => {
  assert.equal(
    await runCase("return cmsgpack._COPYRIGHT, cmsgpack._VERSION, cjson._NAME, cjson._VERSION"),
    "boolean:true | s:Copyright (C) 2012, Redis Ltd. | s:lua-cmsgpack 0.4.0 | s:cjson | s:2.1.0",
  );
});

test("index: cjson.null is the NULL light userdata the engine passes", async () => {
  assert.equal(
    await runCase("return type(cjson.null), cjson.decode('null') == cjson.null"),
    "boolean:true | s:userdata | boolean:true",
  );
});

test("index: library errors keep the script position through tail calls and methods", async () => {
  const vm = await createTestVm();
  for (
    const [script, error] of [
      ["return cjson.encode()", "user_script:1: bad argument #1 to 'encode' (expected 1 argument)"],
      [
        "local x = 1\nreturn string.rep()",
        "user_script:2: bad argument #1 to 'rep' (string expected, got no value)",
      ],
      [
        "return ('x'):rep()",
        "user_script:1: bad argument #1 to 'rep' (number expected, got no value)",
      ],
      ["return assert(false, 'boom')", "user_script:1: boom"],
      [
        "local f = cjson.decode\nreturn f('[')",
        "user_script:2: Expected value but found T_END at character 2",
      ],
    ] as const
  ) {
    assert.deepEqual(vm.run(script), { ok: false, error }, script);
  }
});

test("index: coroutine.running and yield on the main thread are 5.1's", async () => {
  const vm = await createTestVm();
  assert.deepEqual(vm.run("return coroutine.running()"), { ok: true, values: [null] });
  assert.deepEqual(vm.run("coroutine.yield()"), {
    ok: false,
    error: "attempt to yield across metamethod/C-call boundary",
  });
  assert.deepEqual(
    vm.run(
      "local co = coroutine.create(function() return coroutine.running() ~= nil end) " +
        "return coroutine.resume(co)",
    ),
    { ok: true, values: [true, true] },
  );
});
