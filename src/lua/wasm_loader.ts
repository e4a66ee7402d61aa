/**
 * Loads wasmoon's `glue.wasm` (Lua 5.4 compiled by emscripten) without wasmoon's JS glue: the bytes
 * come from `glue_wasm.ts` (embedded base64) or from the caller, so no file system, `process` or
 * `require` is needed (Deno Deploy, Workers-style runtimes, bundles). Only what Lua's core and the
 * base/table/string/math/coroutine libraries need is implemented; file and OS imports are stubs.
 *
 * Three deliberate changes to stock behaviour:
 * - 5.1 number printing: the one-byte patch of `tostringbuff`'s charset (see patchNumberFormat).
 * - A hard cap on the wasm heap: growth past `maxMemoryBytes` is refused, so `malloc` fails, Lua
 *   raises `not enough memory` (LUA_ERRMEM) and the state stays usable.
 * - The C clock is frozen (`FROZEN_TIME_MS`): Lua 5.4 seeds its string hash with
 *   `time(NULL)` (luai_makeseed), which made `pairs()` order differ from one process to the next.
 *   The other ingredients of the seed (heap, stack and function addresses) are the same in every
 *   fresh instance, so every process iterates a table the same way (still not Lua 5.1's order:
 *   the hash function and table layout differ).
 *
 * @module
 */

import { GLUE_WASM_BASE64 } from "./glue_wasm.ts";

/** A wasm export taking and returning numbers (i32 / f64). */
type Fn<A extends unknown[], R> = (...args: A) => R;
type I = number;

/** The raw exports of glue.wasm this project uses (pointers and ints are numbers, i64 is bigint). */
export interface LuaExports {
  readonly memory: WebAssembly.Memory;
  readonly __indirect_function_table: WebAssembly.Table;
  readonly __wasm_call_ctors: Fn<[], void>;
  readonly emscripten_stack_init: Fn<[], void>;
  readonly stackSave: Fn<[], I>;
  readonly stackRestore: Fn<[I], void>;
  readonly setThrew: Fn<[I, I], void>;
  readonly malloc: Fn<[I], I>;
  readonly free: Fn<[I], void>;

  readonly luaL_newstate: Fn<[], I>;
  readonly lua_close: Fn<[I], void>;
  readonly luaL_requiref: Fn<[I, I, I, I], void>;
  readonly luaopen_base: Fn<[I], I>;
  readonly luaopen_table: Fn<[I], I>;
  readonly luaopen_string: Fn<[I], I>;
  readonly luaopen_math: Fn<[I], I>;
  readonly luaopen_coroutine: Fn<[I], I>;
  readonly luaopen_debug: Fn<[I], I>;

  readonly lua_gettop: Fn<[I], I>;
  readonly lua_settop: Fn<[I, I], void>;
  readonly lua_absindex: Fn<[I, I], I>;
  readonly lua_rotate: Fn<[I, I, I], void>;
  readonly lua_copy: Fn<[I, I, I], void>;
  readonly lua_pushvalue: Fn<[I, I], void>;
  readonly lua_checkstack: Fn<[I, I], I>;
  readonly lua_type: Fn<[I, I], I>;
  readonly lua_isinteger: Fn<[I, I], I>;
  readonly lua_isnumber: Fn<[I, I], I>;
  readonly lua_isstring: Fn<[I, I], I>;
  readonly lua_iscfunction: Fn<[I, I], I>;
  readonly lua_rawequal: Fn<[I, I, I], I>;
  readonly lua_tonumberx: Fn<[I, I, I], number>;
  readonly lua_tointegerx: Fn<[I, I, I], bigint>;
  readonly lua_toboolean: Fn<[I, I], I>;
  readonly lua_tolstring: Fn<[I, I, I], I>;
  readonly lua_rawlen: Fn<[I, I], I>;
  readonly lua_touserdata: Fn<[I, I], I>;
  readonly lua_tothread: Fn<[I, I], I>;
  readonly lua_stringtonumber: Fn<[I, I], I>;

  readonly lua_pushnil: Fn<[I], void>;
  readonly lua_pushnumber: Fn<[I, number], void>;
  readonly lua_pushinteger: Fn<[I, bigint], void>;
  readonly lua_pushlstring: Fn<[I, I, I], I>;
  readonly lua_pushstring: Fn<[I, I], I>;
  readonly lua_pushcclosure: Fn<[I, I, I], void>;
  readonly lua_pushboolean: Fn<[I, I], void>;
  readonly lua_pushlightuserdata: Fn<[I, I], void>;
  readonly lua_pushthread: Fn<[I], I>;

  readonly lua_getglobal: Fn<[I, I], I>;
  readonly lua_gettable: Fn<[I, I], I>;
  readonly lua_getfield: Fn<[I, I, I], I>;
  readonly lua_rawget: Fn<[I, I], I>;
  readonly lua_rawgeti: Fn<[I, I, bigint], I>;
  readonly lua_rawgetp: Fn<[I, I, I], I>;
  readonly lua_createtable: Fn<[I, I, I], void>;
  readonly lua_newuserdatauv: Fn<[I, I, I], I>;
  readonly lua_getmetatable: Fn<[I, I], I>;
  readonly lua_setglobal: Fn<[I, I], void>;
  readonly lua_settable: Fn<[I, I], void>;
  readonly lua_setfield: Fn<[I, I, I], void>;
  readonly lua_rawset: Fn<[I, I], void>;
  readonly lua_rawseti: Fn<[I, I, bigint], void>;
  readonly lua_rawsetp: Fn<[I, I, I], void>;
  readonly lua_setmetatable: Fn<[I, I], I>;
  readonly lua_next: Fn<[I, I], I>;
  readonly lua_concat: Fn<[I, I], void>;

  readonly lua_callk: Fn<[I, I, I, I, I], void>;
  readonly lua_pcallk: Fn<[I, I, I, I, I, I], I>;
  readonly lua_error: Fn<[I], I>;
  readonly lua_newthread: Fn<[I], I>;
  readonly lua_resume: Fn<[I, I, I, I], I>;
  readonly lua_status: Fn<[I], I>;
  readonly lua_isyieldable: Fn<[I], I>;
  readonly lua_yieldk: Fn<[I, I, I, I], I>;
  readonly lua_xmove: Fn<[I, I, I], void>;
  readonly lua_resetthread: Fn<[I], I>;

  readonly lua_getupvalue: Fn<[I, I, I], I>;
  readonly lua_setupvalue: Fn<[I, I, I], I>;
  readonly lua_upvaluejoin: Fn<[I, I, I, I, I], void>;
  readonly lua_getstack: Fn<[I, I, I], I>;
  readonly lua_getinfo: Fn<[I, I, I], I>;
  readonly lua_sethook: Fn<[I, I, I, I], void>;

  readonly luaL_loadbufferx: Fn<[I, I, I, I, I], I>;
  readonly luaL_ref: Fn<[I, I], I>;
  readonly luaL_unref: Fn<[I, I, I], void>;
  readonly luaL_checknumber: Fn<[I, I], number>;
  readonly luaL_optnumber: Fn<[I, I, number], number>;
  readonly luaL_checkinteger: Fn<[I, I], bigint>;
  readonly luaL_optinteger: Fn<[I, I, bigint], bigint>;
  readonly luaL_checklstring: Fn<[I, I, I], I>;
  readonly luaL_checktype: Fn<[I, I, I], void>;
  readonly luaL_checkany: Fn<[I, I], void>;
  readonly luaL_argerror: Fn<[I, I, I], I>;
  readonly luaL_typeerror: Fn<[I, I, I], I>;
  readonly luaL_where: Fn<[I, I], void>;
  readonly luaL_tolstring: Fn<[I, I, I], I>;
  readonly luaL_getmetafield: Fn<[I, I, I], I>;
}

/** One instance of glue.wasm. */
export interface LuaWasm {
  readonly exports: LuaExports;
  readonly memory: WebAssembly.Memory;
  /**
   * Puts a function into the wasm function table and returns its index (a C function pointer).
   * `sig` is emscripten's signature string: result then parameters (`ii` = lua_CFunction,
   * `vii` = lua_Hook).
   */
  addFunction(fn: (...args: number[]) => number | void, sig: string): number;
  /** Frees a table slot returned by addFunction. */
  removeFunction(index: number): void;
}

/** Options of instantiateLua. */
export interface LoadOptions {
  /**
   * The wasm bytes (unpatched glue.wasm) or an already compiled module (patched with
   * patchNumberFormat before compiling). Default: the embedded copy.
   */
  readonly wasm?: Uint8Array | WebAssembly.Module;
  /** Refuse wasm heap growth past this many bytes (default 256 MiB; at most 2 GiB). */
  readonly maxMemoryBytes?: number;
  /**
   * Precompiled trampoline modules by signature (`ii`, `vii`: {@link trampolineBytes}), for
   * runtimes that forbid compiling wasm at run time (Cloudflare Workers): with them and a
   * compiled `wasm`, nothing is compiled. Default: compiled here on first use.
   */
  readonly trampolines?: Readonly<Record<string, WebAssembly.Module>>;
}

/**
 * What the C clock (`time()`, `clock_gettime(CLOCK_REALTIME)`) reads, in ms since the epoch.
 * Nothing visible to scripts reads it (os.clock is JS, os.time/os.date are absent); only seeds do.
 */
const FROZEN_TIME_MS = 0;

/** Default cap of the wasm heap. */
export const DEFAULT_MAX_MEMORY = 256 * 1024 * 1024;
const WASM_PAGE = 65536;
const MAX_WASM_MEMORY = 2 ** 31;

/**
 * Decodes standard base64 (no whitespace). Uses `Uint8Array.fromBase64` when the runtime has it;
 * otherwise a table-driven loop (atob + a per-char copy measured 18–32 ms for glue.wasm).
 */
export function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const native = (Uint8Array as unknown as {
    fromBase64?: (s: string) => Uint8Array<ArrayBuffer>;
  }).fromBase64;
  return typeof native === "function" ? native(b64) : decodeBase64Js(b64);
}

/** The portable decoder behind decodeBase64 (Node 20 has no `Uint8Array.fromBase64`). */
export function decodeBase64Js(b64: string): Uint8Array<ArrayBuffer> {
  const table = new Uint8Array(128);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < 64; i++) table[alphabet.charCodeAt(i)] = i;
  let n = b64.length;
  while (n > 0 && b64.charCodeAt(n - 1) === 61) n--;
  const out = new Uint8Array((n * 3) >> 2);
  let o = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = (table[b64.charCodeAt(i)] << 18) | (table[b64.charCodeAt(i + 1)] << 12) |
      (table[b64.charCodeAt(i + 2)] << 6) | table[b64.charCodeAt(i + 3)];
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  if (n - i === 2) {
    out[o++] = (table[b64.charCodeAt(i)] << 2) | (table[b64.charCodeAt(i + 1)] >> 4);
  } else if (n - i === 3) {
    const v = (table[b64.charCodeAt(i)] << 10) | (table[b64.charCodeAt(i + 1)] << 4) |
      (table[b64.charCodeAt(i + 2)] >> 2);
    out[o++] = v >> 8;
    out[o++] = v & 255;
  }
  return out;
}

/** `-0123456789\0`: the charset `tostringbuff` (lobject.c) passes to strspn. */
const PATCH_SITE = [45, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 0];

/**
 * Makes Lua 5.4 print integral floats the 5.1 way (`5`, not `5.0`), in place. `tostringbuff`
 * appends `.0` when a float's `%.14g` text is made only of `-0123456789`; blanking the charset's
 * first byte makes it empty, so the suffix is never added. Throws if the site is not found exactly
 * once (a different wasmoon build).
 */
export function patchNumberFormat(bytes: Uint8Array): void {
  let found = -1;
  const first = PATCH_SITE[0];
  outer: for (let i = bytes.indexOf(first); i >= 0; i = bytes.indexOf(first, i + 1)) {
    for (let j = 1; j < PATCH_SITE.length; j++) {
      if (bytes[i + j] !== PATCH_SITE[j]) continue outer;
    }
    if (found >= 0) throw new Error("glue.wasm: number-format patch site found twice");
    found = i;
  }
  if (found < 0) {
    throw new Error("glue.wasm: number-format patch site not found (unexpected wasmoon build)");
  }
  bytes[found] = 0;
}

let embeddedModule: Promise<WebAssembly.Module> | undefined;

/** Compiles the embedded glue.wasm once per process (patched). */
function embedded(): Promise<WebAssembly.Module> {
  embeddedModule ??= (async () => {
    const bytes = decodeBase64(GLUE_WASM_BASE64);
    patchNumberFormat(bytes);
    return await WebAssembly.compile(bytes);
  })();
  return embeddedModule;
}

const SIG_TYPES: Record<string, number> = { i: 0x7f, j: 0x7e, f: 0x7d, d: 0x7c };
const sigModules = new Map<string, WebAssembly.Module>();

/**
 * The signatures the engine registers JS functions with (lua_CFunction, lua_Hook, lua_KFunction:
 * the continuation that makes the 5.1 `pcall` yieldable for busy scripts).
 */
export const TRAMPOLINE_SIGNATURES: readonly string[] = ["ii", "vii", "iiii"];

/**
 * The bytes of the tiny module that wraps a JS function as a wasm function of signature `sig`
 * (emscripten's letters: `v` void, `i` i32, `j` i64, `f` f32, `d` f64; result first): it imports
 * `e.f` and exports it as `f`. Compile them ahead of time for {@link LoadOptions.trampolines}.
 */
export function trampolineBytes(sig: string): Uint8Array<ArrayBuffer> {
  const params = [...sig.slice(1)].map((c) => SIG_TYPES[c]);
  const result = sig[0] === "v" ? [] : [SIG_TYPES[sig[0]]];
  const type = [0x60, params.length, ...params, result.length, ...result];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...[0x01, type.length + 1, 0x01, ...type], // type section
    ...[0x02, 0x07, 0x01, 0x01, 0x65, 0x01, 0x66, 0x00, 0x00], // import "e" "f": type 0
    ...[0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00], // export "f": func 0
  ]);
}

/**
 * Wraps a JS function as a wasm function of signature `sig` (what emscripten's
 * convertJsFunctionToWasm does): a tiny module that imports it and re-exports it. One module per
 * signature, compiled once; one instance per function.
 */
function jsFuncToWasm(
  fn: (...args: number[]) => number | void,
  sig: string,
): (...args: number[]) => unknown {
  let module = sigModules.get(sig);
  if (module === undefined) {
    module = new WebAssembly.Module(trampolineBytes(sig));
    sigModules.set(sig, module);
  }
  return new WebAssembly.Instance(module, { e: { f: fn } }).exports.f as (
    ...args: number[]
  ) => unknown;
}

const ENOSYS = 52;
const ENOENT = 44;
const ESPIPE = 70;

/** The value emscripten's JS-based longjmp throws; `invoke_vii` catches only numbers. */
const LONGJMP = Infinity;

/**
 * Instantiates glue.wasm. Each call creates an independent wasm instance (its own heap and cap);
 * the compiled module is shared.
 */
export async function instantiateLua(options: LoadOptions = {}): Promise<LuaWasm> {
  const cap = Math.min(options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY, MAX_WASM_MEMORY);
  for (const [sig, m] of Object.entries(options.trampolines ?? {})) {
    if (!sigModules.has(sig)) sigModules.set(sig, m);
  }
  let module: WebAssembly.Module;
  if (options.wasm === undefined) module = await embedded();
  else if (options.wasm instanceof WebAssembly.Module) module = options.wasm;
  else {
    const copy = options.wasm.slice();
    patchNumberFormat(copy);
    module = await WebAssembly.compile(copy);
  }

  // Set right after instantiation, before any import can run.
  let ex = undefined as unknown as LuaExports;
  let mem = undefined as unknown as WebAssembly.Memory;
  let table = undefined as unknown as WebAssembly.Table;
  let stackSave = undefined as unknown as () => number;
  let stackRestore = undefined as unknown as (sp: number) => void;
  let setThrew = undefined as unknown as (a: number, b: number) => void;
  /** Function-table entries as JS functions (table.get is slow on the pcall path). */
  const tableCache: (((a: number, b: number) => void) | undefined)[] = [];
  const u32 = () => new Uint32Array(mem.buffer);
  const env = {
    abort: () => {
      throw new Error("glue.wasm: abort()");
    },
    _emscripten_throw_longjmp: () => {
      throw LONGJMP;
    },
    // setjmp trampoline used by luaD_rawrunprotected (every pcall): a longjmp arrives as a
    // thrown number. Hot: it uses locals bound after instantiation, not the exports object.
    invoke_vii: (index: number, a: number, b: number) => {
      const sp = stackSave();
      try {
        let f = tableCache[index];
        if (f === undefined) {
          f = table.get(index) as (a: number, b: number) => void;
          tableCache[index] = f;
        }
        f(a, b);
      } catch (e) {
        stackRestore(sp);
        if (typeof e !== "number") throw e;
        setThrew(1, 0);
      }
    },
    emscripten_resize_heap: (requested: number) => {
      requested >>>= 0;
      const old = mem.buffer.byteLength;
      if (requested > cap) return 0;
      // Grow by at least 20% to keep the number of grow calls (and detached views) low.
      const target = Math.min(
        cap,
        Math.max(requested, Math.ceil((old * 1.2) / WASM_PAGE) * WASM_PAGE),
      );
      try {
        mem.grow(Math.ceil((target - old) / WASM_PAGE));
        return 1;
      } catch {
        try {
          mem.grow(Math.ceil((requested - old) / WASM_PAGE));
          return 1;
        } catch {
          return 0;
        }
      }
    },
    emscripten_date_now: () => FROZEN_TIME_MS,
    _emscripten_get_now_is_monotonic: () => 1,
    strftime: () => 0,
    system: () => 0,
    exit: (code: number) => {
      throw new Error(`glue.wasm: exit(${code})`);
    },
    _mktime_js: () => {
      throw new Error("glue.wasm: the os library is not supported");
    },
    _localtime_js: () => {
      throw new Error("glue.wasm: the os library is not supported");
    },
    _gmtime_js: () => {
      throw new Error("glue.wasm: the os library is not supported");
    },
    _tzset_js: () => {},
    __syscall_openat: () => -ENOENT,
    __syscall_fcntl64: () => -ENOSYS,
    __syscall_ioctl: () => -ENOSYS,
    __syscall_dup3: () => -ENOSYS,
    __syscall_unlinkat: () => -ENOSYS,
    __syscall_rmdir: () => -ENOSYS,
    __syscall_renameat: () => -ENOSYS,
    __syscall_readlinkat: () => -ENOSYS,
  };
  const wasi = {
    // Nothing in the sandbox writes to stdout/stderr (print and io are absent): drop the bytes.
    fd_write: (_fd: number, iov: number, iovcnt: number, pnum: number) => {
      const h = u32();
      let total = 0;
      for (let i = 0; i < iovcnt; i++) total += h[(iov >> 2) + i * 2 + 1];
      h[pnum >> 2] = total;
      return 0;
    },
    fd_read: (_fd: number, _iov: number, _iovcnt: number, pnum: number) => {
      u32()[pnum >> 2] = 0;
      return 0;
    },
    fd_close: () => 0,
    fd_seek: () => ESPIPE,
    environ_sizes_get: (pc: number, ps: number) => {
      const h = u32();
      h[pc >> 2] = 0;
      h[ps >> 2] = 0;
      return 0;
    },
    environ_get: () => 0,
  };
  const instance = await WebAssembly.instantiate(module, {
    env,
    wasi_snapshot_preview1: wasi,
  });
  ex = instance.exports as unknown as LuaExports;
  mem = ex.memory;
  table = ex.__indirect_function_table;
  stackSave = ex.stackSave;
  stackRestore = ex.stackRestore;
  setThrew = ex.setThrew;
  if (mem.buffer.byteLength > cap) {
    throw new RangeError(
      `maxMemoryBytes (${cap}) is below the initial wasm heap (${mem.buffer.byteLength})`,
    );
  }
  ex.emscripten_stack_init();
  ex.__wasm_call_ctors();
  const freeSlots: number[] = [];
  return {
    exports: ex,
    memory: mem,
    addFunction(fn, sig) {
      let index = freeSlots.pop();
      if (index === undefined) {
        index = table.length;
        table.grow(1);
      }
      tableCache[index] = undefined;
      try {
        // A wasm export (e.g. luaopen_base) goes into the table as is.
        table.set(index, fn);
      } catch (e) {
        if (!(e instanceof TypeError)) throw e;
        table.set(index, jsFuncToWasm(fn, sig));
      }
      return index;
    },
    removeFunction(index) {
      tableCache[index] = undefined;
      table.set(index, null);
      freeSlots.push(index);
    },
  };
}
