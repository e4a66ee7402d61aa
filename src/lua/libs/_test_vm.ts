/**
 * Test-only Lua VM for the library tests: wasmoon's glue.wasm loaded with a tiny loader (shape of
 * notes/wasmoon-measurements.md appendix B), patched like the engine's (integral floats print
 * without `.0`), driven through the raw C API so strings are binary-safe. It installs the
 * libraries exactly as libs/index.ts tells the engine to (prims with `null`, `wrap`,
 * `newuserdata`), without the sandbox. Not part of the library; never imported by src/.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { LIBRARY_CHUNKS } from "./index.ts";

type WasmFn = (...args: (number | bigint)[]) => number;
type Exports = Record<string, WasmFn> & {
  memory: WebAssembly.Memory;
  __indirect_function_table: WebAssembly.Table;
};

const LUA_REGISTRYINDEX = -1000000 - 1000;
const LUA_MULTRET = -1;
const upvalueIndex = (i: number) => LUA_REGISTRYINDEX - i;

type WasmCallable = (...a: number[]) => number;

function jsFuncToWasm(fn: WasmCallable, sig: string): WasmCallable {
  const T: Record<string, number> = { i: 0x7f, j: 0x7e, f: 0x7d, d: 0x7c };
  const params = [...sig.slice(1)].map((c) => T[c]);
  const result = sig[0] === "v" ? [] : [T[sig[0]]];
  const type = [0x60, params.length, ...params, result.length, ...result];
  const bytes = new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    0x01,
    type.length + 1,
    0x01,
    ...type,
    0x02,
    0x07,
    0x01,
    0x01,
    0x65,
    0x01,
    0x66,
    0x00,
    0x00,
    0x07,
    0x05,
    0x01,
    0x01,
    0x66,
    0x00,
    0x00,
  ]);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { e: { f: fn } });
  return inst.exports.f as unknown as WasmCallable;
}

/** Reads glue.wasm and applies the engine's one-byte patch (`-0123456789\0` → `\0123456789\0`). */
function patchedWasm(): Uint8Array<ArrayBuffer> {
  const require = createRequire(import.meta.url);
  const path = require.resolve("wasmoon").replace(/index\.js$/, "glue.wasm");
  const bytes = Uint8Array.from(readFileSync(path));
  const needle = [..."-0123456789"].map((c) => c.charCodeAt(0)).concat([0]);
  let found = -1;
  outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    if (found >= 0) throw new Error("patch site not unique");
    found = i;
  }
  if (found < 0) throw new Error("patch site not found");
  bytes[found] = 0;
  return bytes;
}

/** A value returned by a chunk: strings as byte strings, numbers as Lua would print them. */
export type LuaOut = string | boolean | null | { number: string } | { other: string };

/** Outcome of running a chunk. */
export type RunResult = { ok: true; values: LuaOut[] } | { ok: false; error: string };

/** One Lua state with the libraries installed as plain globals. */
export class TestVm {
  #ex: Exports;
  #L: number;
  #scratch: number;
  #table: WebAssembly.Table;
  #free: number[] = [];
  /** Library side tables (`prng`, `stdlib51`) the engine would keep private. */
  readonly privateRefs = new Map<string, number>();

  constructor(ex: Exports) {
    this.#ex = ex;
    this.#table = ex.__indirect_function_table;
    this.#L = ex.luaL_newstate();
    ex.luaL_openlibs(this.#L);
    this.#scratch = ex.malloc(8);
  }

  #addFunction(fn: (L: number) => number): number {
    let idx = this.#free.pop();
    if (idx === undefined) {
      idx = this.#table.length;
      this.#table.grow(1);
    }
    this.#table.set(idx, jsFuncToWasm(fn, "ii"));
    return idx;
  }

  #pushBytes(s: string): void {
    const n = s.length;
    const p = this.#ex.malloc(n + 1);
    const heap = new Uint8Array(this.#ex.memory.buffer);
    for (let i = 0; i < n; i++) heap[p + i] = s.charCodeAt(i);
    this.#ex.lua_pushlstring(this.#L, p, n);
    this.#ex.free(p);
  }

  #toBytes(idx: number): string {
    const p = this.#ex.lua_tolstring(this.#L, idx, this.#scratch);
    const n = new Uint32Array(this.#ex.memory.buffer)[this.#scratch >> 2];
    const heap = new Uint8Array(this.#ex.memory.buffer, p, n);
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(heap[i]);
    return s;
  }

  #toOut(idx: number): LuaOut {
    const ex = this.#ex;
    const L = this.#L;
    switch (ex.lua_type(L, idx)) {
      case 0:
        return null;
      case 1:
        return ex.lua_toboolean(L, idx) !== 0;
      case 3: {
        ex.lua_pushvalue(L, idx);
        const s = this.#toBytes(-1);
        ex.lua_settop(L, -2);
        return { number: s };
      }
      case 4:
        return this.#toBytes(idx);
      default: {
        ex.luaL_tolstring(L, idx, this.#scratch);
        const s = this.#toBytes(-1);
        ex.lua_settop(L, -2);
        return { other: s };
      }
    }
  }

  /** The trampoline the engine provides as `prims.wrap` (see index.ts). */
  #wrapFn = (L: number): number => {
    const ex = this.#ex;
    const n = ex.lua_gettop(L);
    ex.lua_pushvalue(L, upvalueIndex(1));
    ex.lua_rotate(L, 1, 1);
    if (ex.lua_pcallk(L, n, LUA_MULTRET, 0, 0, 0) !== 0) return ex.lua_error(L);
    return ex.lua_gettop(L);
  };
  #wrapIdx = -1;

  /** Pushes the `prims` table of the loading contract. */
  #pushPrims(): void {
    const ex = this.#ex;
    const L = this.#L;
    ex.lua_createtable(L, 0, 4);
    ex.lua_pushlightuserdata(L, 0);
    this.#setField("null");
    if (this.#wrapIdx < 0) {
      const wrapIdx = this.#addFunction(this.#wrapFn);
      this.#wrapIdx = this.#addFunction((L2: number) => {
        ex.lua_settop(L2, 1);
        ex.lua_pushcclosure(L2, wrapIdx, 1);
        return 1;
      });
      const ud = this.#addFunction((L2: number) => {
        ex.lua_newuserdatauv(L2, 0, 0);
        return 1;
      });
      this.#newUserdataIdx = ud;
    }
    ex.lua_pushcclosure(L, this.#wrapIdx, 0);
    this.#setField("wrap");
    ex.lua_pushcclosure(L, this.#newUserdataIdx, 0);
    this.#setField("newuserdata");
  }
  #newUserdataIdx = -1;

  #setField(name: string): void {
    const p = this.#ex.malloc(name.length + 1);
    const heap = new Uint8Array(this.#ex.memory.buffer);
    for (let i = 0; i < name.length; i++) heap[p + i] = name.charCodeAt(i);
    heap[p + name.length] = 0;
    this.#ex.lua_setfield(this.#L, -2, p);
    this.#ex.free(p);
  }

  #load(source: string, chunkname: string): boolean {
    const ex = this.#ex;
    const n = source.length;
    const p = ex.malloc(n + 1);
    const name = ex.malloc(chunkname.length + 1);
    const heap = new Uint8Array(ex.memory.buffer);
    for (let i = 0; i < n; i++) heap[p + i] = source.charCodeAt(i);
    for (let i = 0; i < chunkname.length; i++) heap[name + i] = chunkname.charCodeAt(i);
    heap[name + chunkname.length] = 0;
    const mode = ex.malloc(2);
    new Uint8Array(ex.memory.buffer).set([0x74, 0], mode);
    const st = ex.luaL_loadbufferx(this.#L, p, n, name, mode);
    ex.free(p);
    ex.free(name);
    ex.free(mode);
    return st === 0;
  }

  /** Runs `source` with `args` as `...`; returns its results or its error message. */
  run(source: string, args: string[] = [], chunkname = "@user_script"): RunResult {
    const ex = this.#ex;
    const L = this.#L;
    const base = ex.lua_gettop(L);
    if (!this.#load(source, chunkname)) {
      const error = this.#toBytes(-1);
      ex.lua_settop(L, base);
      return { ok: false, error };
    }
    for (const a of args) this.#pushBytes(a);
    if (ex.lua_pcallk(L, args.length, LUA_MULTRET, 0, 0, 0) !== 0) {
      const out = this.#toOut(-1);
      ex.lua_settop(L, base);
      const error = typeof out === "string"
        ? out
        : out === null
        ? "nil"
        : typeof out === "boolean"
        ? String(out)
        : "number" in out
        ? out.number
        : out.other;
      return { ok: false, error };
    }
    const values: LuaOut[] = [];
    for (let i = base + 1; i <= ex.lua_gettop(L); i++) values.push(this.#toOut(i));
    ex.lua_settop(L, base);
    return { ok: true, values };
  }

  /**
   * Installs the libraries exactly per the loading contract (index.ts): a fresh table G, each
   * chunk called as chunk(prims, G) in order, private results kept in the registry. Then G
   * becomes the global table (registry[LUA_RIDX_GLOBALS]), or, with `merge`, G's entries are
   * copied over the stock 5.4 globals (to test one library before stdlib51 exists).
   */
  installLibraries(merge = false): void {
    const ex = this.#ex;
    const L = this.#L;
    ex.lua_createtable(L, 0, 32);
    const gRef = ex.luaL_ref(L, LUA_REGISTRYINDEX);
    for (const chunk of LIBRARY_CHUNKS) {
      if (!this.#load(chunk.source, chunk.chunkname)) {
        throw new Error(`${chunk.name}: ${this.#toBytes(-1)}`);
      }
      this.#pushPrims();
      ex.lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(gRef));
      if (ex.lua_pcallk(L, 2, 1, 0, 0, 0) !== 0) {
        throw new Error(`${chunk.name}: ${this.#toBytes(-1)}`);
      }
      if (ex.lua_type(L, -1) === 5) {
        this.privateRefs.set(chunk.name, ex.luaL_ref(L, LUA_REGISTRYINDEX));
      } else {
        ex.lua_settop(L, -2);
      }
    }
    ex.lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(gRef));
    if (merge) {
      this.#load(MERGE_HELPER, "=merge");
      ex.lua_rotate(L, -2, 1);
      if (ex.lua_pcallk(L, 1, 0, 0, 0, 0) !== 0) throw new Error(this.#toBytes(-1));
    } else {
      ex.lua_rawseti(L, LUA_REGISTRYINDEX, 2n);
    }
  }

  /** Calls private function `fn` of chunk `name` with number arguments; returns its results. */
  callPrivate(name: string, fn: string, args: number[] = []): LuaOut[] {
    const ex = this.#ex;
    const L = this.#L;
    const base = ex.lua_gettop(L);
    const ref = this.privateRefs.get(name);
    if (ref === undefined) throw new Error("no private table for " + name);
    ex.lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(ref));
    const p = ex.malloc(fn.length + 1);
    const heap = new Uint8Array(ex.memory.buffer);
    for (let i = 0; i < fn.length; i++) heap[p + i] = fn.charCodeAt(i);
    heap[p + fn.length] = 0;
    ex.lua_getfield(L, -1, p);
    ex.free(p);
    for (const a of args) ex.lua_pushnumber(L, a);
    if (ex.lua_pcallk(L, args.length, LUA_MULTRET, 0, 0, 0) !== 0) {
      const e = this.#toBytes(-1);
      ex.lua_settop(L, base);
      throw new Error(e);
    }
    const out: LuaOut[] = [];
    for (let i = base + 2; i <= ex.lua_gettop(L); i++) out.push(this.#toOut(i));
    ex.lua_settop(L, base);
    return out;
  }
}

/** Copies G's entries over the 5.4 globals. */
const MERGE_HELPER = `
for k, v in pairs((...)) do _G[k] = v end
`;

let compiled: WebAssembly.Module | undefined;

/** Creates a fresh VM (new wasm instance), optionally with the libraries installed. */
export async function createTestVm(
  install: "replace" | "merge" | "none" = "replace",
): Promise<TestVm> {
  // Filled once instantiated; the imports below only run after that.
  const inst: { ex?: Exports } = {};
  const u32 = () => new Uint32Array(inst.ex!.memory.buffer);
  const env: Record<string, unknown> = {
    abort: () => {
      throw new Error("wasm abort()");
    },
    _emscripten_throw_longjmp: () => {
      throw Infinity;
    },
    invoke_vii: (index: number, a: number, b: number) => {
      const sp = inst.ex!.stackSave();
      try {
        (inst.ex!.__indirect_function_table.get(index) as (a: number, b: number) => void)(a, b);
      } catch (e) {
        inst.ex!.stackRestore(sp);
        if (typeof e !== "number") throw e;
        inst.ex!.setThrew(1, 0);
      }
    },
    emscripten_resize_heap: (req: number) => {
      req >>>= 0;
      const mem = inst.ex!.memory;
      const old = mem.buffer.byteLength;
      if (req > 2 ** 31) return 0;
      try {
        mem.grow(Math.ceil((Math.max(req, old * 1.2) - old) / 65536));
        return 1;
      } catch {
        return 0;
      }
    },
    emscripten_date_now: () => Date.now(),
    _emscripten_get_now_is_monotonic: () => 1,
    emscripten_get_now: () => performance.now(),
    strftime: () => 0,
    system: () => 0,
    exit: (code: number) => {
      throw new Error("wasm exit(" + code + ")");
    },
    _mktime_js: () => 0,
    _localtime_js: () => 0,
    _gmtime_js: () => 0,
    _tzset_js: () => {},
    __syscall_openat: () => -44,
    __syscall_fcntl64: () => -52,
    __syscall_ioctl: () => -52,
    __syscall_dup3: () => -52,
    __syscall_unlinkat: () => -52,
    __syscall_rmdir: () => -52,
    __syscall_renameat: () => -52,
    __syscall_readlinkat: () => -52,
  };
  const wasi = {
    fd_write: (_fd: number, _iov: number, _n: number, pnum: number) => {
      u32()[pnum >> 2] = 0;
      return 0;
    },
    fd_read: (_fd: number, _iov: number, _n: number, pnum: number) => {
      u32()[pnum >> 2] = 0;
      return 0;
    },
    fd_close: () => 0,
    fd_seek: () => 70,
    environ_sizes_get: (pc: number, ps: number) => {
      u32()[pc >> 2] = 0;
      u32()[ps >> 2] = 0;
      return 0;
    },
    environ_get: () => 0,
    clock_time_get: () => 0,
    proc_exit: () => 0,
  };
  compiled ??= new WebAssembly.Module(patchedWasm());
  const module = compiled;
  // Stub any import this loader does not know about: tests never reach them.
  const imports: Record<string, Record<string, unknown>> = {
    env,
    wasi_snapshot_preview1: wasi,
  };
  for (const imp of WebAssembly.Module.imports(module)) {
    const ns = imports[imp.module] ??= {};
    if (!(imp.name in ns) && imp.kind === "function") {
      ns[imp.name] = () => {
        throw new Error("unexpected import " + imp.name);
      };
    }
  }
  const instance = await WebAssembly.instantiate(module, imports as WebAssembly.Imports);
  const ex = instance.exports as unknown as Exports;
  inst.ex = ex;
  ex.emscripten_stack_init();
  ex.__wasm_call_ctors();
  const vm = new TestVm(ex);
  if (install !== "none") vm.installLibraries(install === "merge");
  return vm;
}

// Serialises a case's results in one line, the same way on real Valkey/Redis and here, so that
// expected values can be taken from a real server: `pcall` of the body, then each value as
// `type:value` (strings with non-printable bytes as \ddd), joined with " | ".
const CASE_PREFIX = "local function ser(v) local t = type(v) if t == 'string' then " +
  "return 's:' .. (v:gsub('[^%w%p ]', function(c) return string.format('\\\\%03d', " +
  "string.byte(c)) end)) elseif t == 'number' then return 'n:' .. tostring(v) elseif " +
  "t == 'table' or t == 'function' or t == 'userdata' or t == 'thread' then return t else " +
  "return t .. ':' .. tostring(v) end end local function collect(...) local n = select('#', ...) " +
  "local t = {...} local o = {} for i = 1, n do o[i] = ser(t[i]) end " +
  "return table.concat(o, ' | ') end return collect(pcall(function() ";
const CASE_SUFFIX = " end))";

/** The script that runs a one-line case body and serialises its outcome. */
export function caseScript(body: string): string {
  return CASE_PREFIX + body + CASE_SUFFIX;
}

/** Runs a one-line case body in a fresh VM; returns its serialised outcome. */
export async function runCase(body: string): Promise<string> {
  const vm = await createTestVm();
  const r = vm.run(caseScript(body));
  if (!r.ok) return "ERROR " + r.error;
  return String(r.values[0]);
}
