import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { GLUE_WASM_BASE64, GLUE_WASM_SIZE, GLUE_WASM_VERSION } from "./glue_wasm.ts";
import { decodeBase64, decodeBase64Js, instantiateLua, patchNumberFormat } from "./wasm_loader.ts";
import { createLuaEngine } from "./engine.ts";
import { NULL, type Reply } from "../resp/reply.ts";

const gluePath = createRequire(import.meta.url).resolve("wasmoon").replace(
  /index\.js$/,
  "glue.wasm",
);

test("the embedded glue.wasm is wasmoon's, byte for byte", () => {
  const onDisk = new Uint8Array(readFileSync(gluePath));
  const embedded = decodeBase64(GLUE_WASM_BASE64);
  assert.equal(embedded.length, GLUE_WASM_SIZE);
  assert.deepEqual(embedded, onDisk);
  assert.deepEqual(decodeBase64Js(GLUE_WASM_BASE64), onDisk);
  const pkg = JSON.parse(
    readFileSync(gluePath.replace(/dist\/glue\.wasm$/, "package.json"), "utf8"),
  ) as { version: string };
  assert.equal(GLUE_WASM_VERSION, pkg.version);
});

test("decodeBase64Js handles padding", () => {
  const text = (u: Uint8Array) => new TextDecoder().decode(u);
  assert.equal(text(decodeBase64Js("")), "");
  assert.equal(text(decodeBase64Js("YQ==")), "a");
  assert.equal(text(decodeBase64Js("YWI=")), "ab");
  assert.equal(text(decodeBase64Js("YWJj")), "abc");
  assert.deepEqual(decodeBase64Js("AP8="), new Uint8Array([0, 255]));
});

test("patchNumberFormat blanks the one tostringbuff charset, and only that", () => {
  const bytes = decodeBase64(GLUE_WASM_BASE64);
  const before = bytes.slice();
  patchNumberFormat(bytes);
  let diff = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== before[i]) diff++;
  assert.equal(diff, 1);
  assert.throws(() => patchNumberFormat(bytes), /not found/);
  const twice = new Uint8Array(before.length * 2);
  twice.set(before);
  twice.set(before, before.length);
  assert.throws(() => patchNumberFormat(twice), /twice/);
});

test("instantiateLua takes bytes or a module and enforces the heap cap", async () => {
  const lua = await instantiateLua({ wasm: new Uint8Array(readFileSync(gluePath)) });
  const x = lua.exports;
  const L = x.luaL_newstate();
  assert.notEqual(L, 0);
  x.lua_close(L);
  const slot = lua.addFunction(() => 0, "ii");
  lua.removeFunction(slot);
  assert.equal(lua.addFunction(() => 1, "ii"), slot);
  await assert.rejects(instantiateLua({ maxMemoryBytes: 1024 * 1024 }), RangeError);
  const capped = await instantiateLua({ maxMemoryBytes: 20 * 1024 * 1024 });
  assert.equal(capped.exports.malloc(64 * 1024 * 1024), 0);
  assert.notEqual(capped.exports.malloc(1024), 0);
});

test("table iteration order does not depend on the clock: two fresh engines agree", async () => {
  // Lua 5.4 mixes time(NULL) into its string hash seed; a clock days apart must not matter.
  const body = "local t = {} for i = 1, 40 do t['key' .. i] = i end " +
    "local o = {} for k in pairs(t) do o[#o + 1] = k end return table.concat(o, ',')";
  const order = async (shiftMs: number): Promise<Reply> => {
    const now = Date.now;
    Date.now = () => now() + shiftMs;
    try {
      const engine = await createLuaEngine();
      try {
        return engine.run(engine.compile("0".repeat(40), body), [], [], { call: () => NULL });
      } finally {
        engine.close();
      }
    } finally {
      Date.now = now;
    }
  };
  const first = await order(0);
  assert.equal(first.type, "bulk");
  assert.deepEqual(await order(3 * 86_400_000 + 12_345), first);
});
