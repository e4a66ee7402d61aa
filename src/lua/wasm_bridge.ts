/**
 * The raw Lua C API over one glue.wasm instance, binary-safe: byte strings go in with
 * `lua_pushlstring` from a scratch buffer and come out with `lua_tolstring` + a length, never
 * through UTF-8. Also the discipline every JS function called from wasm must follow (cfunction,
 * hook): catch everything and turn it into a Lua error, because a JS exception unwinding through
 * Lua's C frames corrupts the state for good (wasmoon-measurements.md §7).
 *
 * Heap views are re-taken whenever memory grew (any Lua call may grow it).
 *
 * @module
 */

import { type Bytes, fromUint8 } from "../bytes.ts";
import type { LuaExports, LuaWasm } from "./wasm_loader.ts";

/** LUA_REGISTRYINDEX for LUAI_MAXSTACK = 1000000. */
export const REGISTRY = -1001000;
/** Pseudo-index of the i-th upvalue of the running C function. */
export function upvalueIndex(i: number): number {
  return REGISTRY - i;
}
/** Registry slot of the globals table (LUA_RIDX_GLOBALS). */
export const RIDX_GLOBALS = 2n;
/** lua_pcall / lua_call: all results. */
export const MULTRET = -1;

/** Lua type tags (lua_type). */
export const T_NONE = -1;
export const T_NIL = 0;
export const T_BOOLEAN = 1;
export const T_LIGHTUSERDATA = 2;
export const T_NUMBER = 3;
export const T_STRING = 4;
export const T_TABLE = 5;
export const T_FUNCTION = 6;
export const T_USERDATA = 7;
export const T_THREAD = 8;

/** Status codes. */
export const LUA_OK = 0;
export const LUA_YIELD = 1;
export const LUA_ERRRUN = 2;
export const LUA_ERRSYNTAX = 3;
export const LUA_ERRMEM = 4;
export const LUA_ERRERR = 5;

/** Hook masks. */
export const MASK_LINE = 4;
export const MASK_COUNT = 8;

/** Field offsets of `lua_Debug` in wasm32 (Lua 5.4). */
export const AR_WHAT = 12;
export const AR_SOURCE = 16;
export const AR_CURRENTLINE = 24;
const AR_SIZE = 128;

/** A function implemented in JS and called by Lua as a lua_CFunction. */
export type CFunctionBody = (L: number) => number;

/** Thrown by a JS C function to raise a Lua error whose value is this string (no position). */
export class LuaRaise {
  readonly message: Bytes;
  constructor(message: Bytes) {
    this.message = message;
  }
}

/** The helpers around one wasm instance. Functions are plain closures: bind them to locals. */
export interface LuaBridge {
  readonly wasm: LuaWasm;
  readonly x: LuaExports;
  /** A reusable `lua_Debug` buffer. */
  readonly ar: number;
  /** Pushes a byte string. */
  pushBytes(L: number, s: Bytes): void;
  /** Reads the string (or number, converted in place) at `idx` as a byte string. */
  toBytes(L: number, idx: number): Bytes;
  /** Reads the string at `idx` as raw bytes (a copy). */
  toUint8(L: number, idx: number): Uint8Array;
  /** Reads a NUL-terminated C string at a heap address (ASCII/latin1). */
  cString(ptr: number): string;
  /** Reads an int32 from the heap. */
  i32(ptr: number): number;
  /** The wasm heap's current size in bytes (cheaper than memory.buffer.byteLength). */
  heapSize(): number;
  /** Reads `len` bytes at a heap address as a byte string. */
  heapBytes(ptr: number, len: number): Bytes;
  /**
   * Copies `source` into the scratch buffer followed by `name` and a NUL (a chunk name for
   * luaL_loadbufferx at `ptr + source.length`). Returns the pointer, or 0 when the heap cap
   * refuses the space. Valid until the next pushBytes/stage.
   */
  stage(source: Bytes, name: string): number;
  /** Raises LUA_ERRMEM from inside a protected call (a failed allocation). Never returns. */
  memoryError(L: number): never;
  /** A permanent NUL-terminated copy of `s` in the heap (cached). */
  cstr(s: string): number;
  /** Registers a JS C function (see CFunctionBody) and returns its function-table index. */
  cfunction(body: CFunctionBody): number;
  /**
   * Registers a lua_KFunction (the continuation of a yieldable lua_pcallk / lua_callk) in JS:
   * called with the status (LUA_YIELD after a yield, else the error status) and the context.
   */
  continuation(body: (L: number, status: number, ctx: number) => number): number;
  /** Registers a lua_Hook implemented in JS. */
  hook(body: (L: number, ar: number) => void): number;
  /** Raises `msg` as a Lua error value (a string, no position). Never returns. */
  raise(L: number, msg: Bytes): never;
  /** Raises `where(level) .. msg` like luaL_error. Never returns. */
  raiseWhere(L: number, msg: Bytes, level?: number): never;
  /** Sets `t[key] = value-on-top` with a raw set, `t` absolute or relative before the push. */
  setField(L: number, t: number, key: string): void;
  /** Pushes `t[key]` (raw) and returns its type. */
  getField(L: number, t: number, key: string): number;
}

const utf8 = new TextDecoder("utf-8");
const encoder = new TextEncoder();

/** Builds the helpers for one instance. */
export function createBridge(wasm: LuaWasm): LuaBridge {
  const x = wasm.exports;
  const memory = wasm.memory;
  const {
    lua_pushlstring,
    lua_tolstring,
    lua_error,
    lua_rawset,
    lua_rawget,
    lua_absindex,
    luaL_where,
    lua_concat,
    malloc,
    free,
  } = x;

  let u8 = new Uint8Array(memory.buffer);
  let i32v = new Int32Array(memory.buffer);
  const refresh = () => {
    u8 = new Uint8Array(memory.buffer);
    i32v = new Int32Array(memory.buffer);
  };

  let scratchCap = 1 << 16;
  let scratch = malloc(scratchCap);
  const lenPtr = malloc(8);
  const ar = malloc(AR_SIZE);
  if (scratch === 0 || lenPtr === 0 || ar === 0) throw new RangeError("glue.wasm: out of memory");

  /** Makes room for n bytes in the scratch buffer; false when malloc fails (heap cap). */
  function reserve(n: number): boolean {
    if (n > scratchCap) {
      const cap = Math.max(n, scratchCap * 2);
      const p = malloc(cap);
      if (p === 0) return false;
      free(scratch);
      scratch = p;
      scratchCap = cap;
    }
    if (u8.length === 0) refresh(); // detached: memory grew
    return true;
  }

  function pushBytes(L: number, s: Bytes): void {
    const n = s.length;
    if (!reserve(n)) memoryError(L);
    if (n < 48) {
      for (let i = 0; i < n; i++) u8[scratch + i] = s.charCodeAt(i);
    } else {
      // ASCII is its own UTF-8: encodeInto copies it natively. Anything else takes the loop.
      const r = encoder.encodeInto(s, u8.subarray(scratch, scratch + n));
      if (r.read !== n || r.written !== n) {
        for (let i = 0; i < n; i++) u8[scratch + i] = s.charCodeAt(i);
      }
    }
    lua_pushlstring(L, scratch, n);
  }

  /**
   * Raises a genuine LUA_ERRMEM (what a failed allocation inside Lua does): asks Lua for a block
   * the heap cap can never grant. Never returns.
   */
  function memoryError(L: number): never {
    x.lua_newuserdatauv(L, 0x7ffffff0, 0);
    throw new Error("unreachable: a 2 GiB userdata was allocated");
  }

  // Short strings read back recently, by heap address: a hit (same address, same bytes) returns
  // the same JS string, so no string is built and its hash is already computed when it is used
  // as a Map key (command names, keys). The bytes are always compared: addresses get reused.
  const recentPtr = new Int32Array(256);
  const recentStr: Bytes[] = new Array<Bytes>(256).fill("");

  function bytesAt(p: number, n: number): Bytes {
    const h = u8;
    if (n < 32) {
      const slot = (p >>> 3) & 255;
      const c = recentStr[slot];
      if (recentPtr[slot] === p && c.length === n) {
        let i = 0;
        while (i < n && h[p + i] === c.charCodeAt(i)) i++;
        if (i === n) return c;
      }
      let s = "";
      for (let i = 0; i < n; i++) s += String.fromCharCode(h[p + i]);
      recentPtr[slot] = p;
      recentStr[slot] = s;
      return s;
    }
    let i = 0;
    while (i < n && h[p + i] < 0x80) i++;
    if (i === n) return utf8.decode(h.subarray(p, p + n));
    return fromUint8(h, p, p + n);
  }

  function toBytes(L: number, idx: number): Bytes {
    const p = lua_tolstring(L, idx, lenPtr);
    if (u8.length === 0) refresh();
    if (p === 0) return "";
    return bytesAt(p, i32v[lenPtr >> 2]);
  }

  function toUint8(L: number, idx: number): Uint8Array {
    const p = lua_tolstring(L, idx, lenPtr);
    if (u8.length === 0) refresh();
    if (p === 0) return new Uint8Array(0);
    return u8.slice(p, p + i32v[lenPtr >> 2]);
  }

  function cString(ptr: number): string {
    if (u8.length === 0) refresh();
    let s = "";
    for (let p = ptr; u8[p] !== 0; p++) s += String.fromCharCode(u8[p]);
    return s;
  }

  function i32(ptr: number): number {
    if (u8.length === 0) refresh();
    return i32v[ptr >> 2];
  }

  function heapSize(): number {
    if (u8.length === 0) refresh();
    return u8.length;
  }

  function heapBytes(ptr: number, len: number): Bytes {
    if (u8.length === 0) refresh();
    return bytesAt(ptr, len);
  }

  function stage(source: Bytes, name: string): number {
    const n = source.length;
    if (!reserve(n + name.length + 1)) return 0;
    for (let i = 0; i < n; i++) u8[scratch + i] = source.charCodeAt(i);
    for (let i = 0; i < name.length; i++) u8[scratch + n + i] = name.charCodeAt(i);
    u8[scratch + n + name.length] = 0;
    return scratch;
  }

  const cstrCache = new Map<string, number>();
  function cstr(s: string): number {
    let p = cstrCache.get(s);
    if (p === undefined) {
      p = malloc(s.length + 1);
      if (p === 0) throw new RangeError("glue.wasm: out of memory");
      if (u8.length === 0) refresh();
      for (let i = 0; i < s.length; i++) u8[p + i] = s.charCodeAt(i);
      u8[p + s.length] = 0;
      cstrCache.set(s, p);
    }
    return p;
  }

  function raise(L: number, msg: Bytes): never {
    pushBytes(L, msg);
    lua_error(L);
    throw new Error("unreachable: lua_error returned");
  }

  function raiseWhere(L: number, msg: Bytes, level = 1): never {
    luaL_where(L, level);
    pushBytes(L, msg);
    lua_concat(L, 2);
    lua_error(L);
    throw new Error("unreachable: lua_error returned");
  }

  /**
   * Turns a JS exception into a Lua error. Numbers are emscripten longjmps (a Lua error already
   * unwinding): they must keep going.
   */
  function rethrowOrRaise(L: number, e: unknown): never {
    if (typeof e === "number") throw e;
    const msg = e instanceof LuaRaise
      ? e.message
      : "evalkit internal error: " + (e instanceof Error ? e.message : String(e));
    return raise(L, msg);
  }

  function cfunction(body: CFunctionBody): number {
    return wasm.addFunction((L: number): number => {
      try {
        return body(L);
      } catch (e) {
        return rethrowOrRaise(L, e);
      }
    }, "ii");
  }

  function continuation(body: (L: number, status: number, ctx: number) => number): number {
    return wasm.addFunction((L: number, status: number, ctx: number): number => {
      try {
        return body(L, status, ctx);
      } catch (e) {
        return rethrowOrRaise(L, e);
      }
    }, "iiii");
  }

  function hook(body: (L: number, ar: number) => void): number {
    return wasm.addFunction((L: number, arp: number): void => {
      try {
        body(L, arp);
      } catch (e) {
        rethrowOrRaise(L, e);
      }
    }, "vii");
  }

  function setField(L: number, t: number, key: string): void {
    const abs = lua_absindex(L, t);
    pushBytes(L, key);
    x.lua_rotate(L, -2, 1);
    lua_rawset(L, abs);
  }

  function getField(L: number, t: number, key: string): number {
    const abs = lua_absindex(L, t);
    pushBytes(L, key);
    return lua_rawget(L, abs);
  }

  return {
    wasm,
    x,
    ar,
    pushBytes,
    toBytes,
    toUint8,
    cString,
    i32,
    heapSize,
    heapBytes,
    stage,
    memoryError,
    cstr,
    cfunction,
    continuation,
    hook,
    raise,
    raiseWhere,
    setField,
    getField,
  };
}
