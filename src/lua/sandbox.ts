/**
 * The script environment (spec §6, lua51-on-54.md §2/§4): Lua 5.1's base library on Lua 5.4,
 * Valkey's global protection and read-only tables, and the error handler of every run (§7.2).
 *
 * Read-only tables: 5.4 has no read-only flag, so every table reachable from the globals is
 * replaced by an empty proxy whose metatable reads through to the real table and refuses writes
 * (`Attempt to modify a readonly table`). The real tables are never reachable from a script: the
 * functions that would bypass a proxy (rawget, rawset, next, pairs, getmetatable, setmetatable)
 * are replaced with versions that see through it or refuse. The globals table itself is such a
 * proxy and is what every chunk gets as `_ENV`; a missing global raises ENV-6's error.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import {
  LUA_MSG_GLOBAL_ARGS,
  LUA_MSG_GLOBAL_KEY_TYPE,
  LUA_MSG_READONLY_TABLE,
  luaMsgNonexistentGlobal,
} from "../errors.ts";
import type { Check51Result } from "./compat51.ts";
import {
  AR_CURRENTLINE,
  AR_SOURCE,
  AR_WHAT,
  LUA_OK,
  LUA_YIELD,
  type LuaBridge,
  MULTRET,
  REGISTRY,
  RIDX_GLOBALS,
  T_BOOLEAN,
  T_FUNCTION,
  T_NIL,
  T_NUMBER,
  T_STRING,
  T_TABLE,
  upvalueIndex,
} from "./wasm_bridge.ts";

/** The 5.1 front end (compat51.ts) as the sandbox uses it. */
export interface Compat51 {
  check51(source: Bytes, chunkName: string, options: { level?: number }): Check51Result;
  chunkId51(name: Bytes): Bytes;
}

const RE_VARINFO =
  /attempt to (call|index|perform arithmetic on|concatenate|get length of) a (\w+) value \((global|local|field|upvalue|method|constant|for iterator) '(.*?)'\)/g;
const RE_STRING_ARITH = /attempt to (?:add|sub|mul|div|mod|pow|unm|idiv) a '(\w+)' with a '(\w+)'/g;

/**
 * Rewrites Lua 5.4 runtime error wording to Lua 5.1's (lua51-on-54.md §4): the variable kind and
 * name move before the type (`attempt to call global 'f' (a nil value)`); 5.4's string-arithmetic
 * message becomes 5.1's (without the variable name, which 5.4 does not report there).
 */
export function rewriteRuntimeMessage(msg: Bytes): Bytes {
  if (msg.indexOf("attempt to ") < 0) return msg;
  return msg
    .replace(
      RE_VARINFO,
      (_m, op: string, type: string, kind: string, name: string) =>
        kind === "constant" || kind === "for iterator"
          ? `attempt to ${op} a ${type} value`
          : `attempt to ${op} ${kind} '${name}' (a ${type} value)`,
    )
    .replace(
      RE_STRING_ARITH,
      (_m, a: string, b: string) =>
        `attempt to perform arithmetic on a ${a === "number" ? b : a} value`,
    );
}

/** The setup chunk: builds the proxies (run once per state, before scripts exist). */
const PROTECT_LUA = `
local G, roNewindex, pnext, globalIndex, O = ...
local rawget, rawset, setmetatable, getmetatable, next, type =
  O.rawget, O.rawset, O.setmetatable, O.getmetatable, O.next, O.type
local unproxy, visible, memo = {}, {}, {}
local function pairsvia(p) return pnext, p, nil end
local proxy
proxy = function(r)
  local p = memo[r]
  if p then return p end
  p = {}
  memo[r] = p
  memo[p] = p
  unproxy[p] = r
  for k, v in next, r do
    if type(v) == "table" then rawset(r, k, proxy(v)) end
  end
  local mt = {__index = r, __newindex = roNewindex, __pairs = pairsvia, __metatable = false}
  local rmt = getmetatable(r)
  visible[mt] = rmt ~= nil and proxy(rmt) or false
  setmetatable(p, mt)
  return p
end
for k, v in next, G do
  if type(v) == "table" and v ~= G then rawset(G, k, proxy(v)) end
end
local smt = getmetatable("")
visible[smt] = proxy({__index = rawget(G, "string")})
local PG = {}
local pgmt = {__index = G, __newindex = roNewindex, __pairs = pairsvia, __metatable = false}
unproxy[PG] = G
memo[G] = PG
visible[pgmt] = proxy({__index = globalIndex})
setmetatable(G, {__index = globalIndex})
rawset(G, "_G", PG)
setmetatable(PG, pgmt)
return PG, unproxy, visible
`;

/** `function() local e; return function() return e end end`: fresh upvalues for setfenv. */
const UPVALUE_FACTORY_LUA = `return function() local e; return function() return e end end`;

/** Per-state registry refs the sandbox functions use. */
interface StateRefs {
  unproxy: bigint;
  visible: bigint;
  /**
   * Weak-keyed side table: newproxy metatables (→ true) and the environments setfenv gave to
   * functions that have no `_ENV` upvalue (function → table).
   */
  weak: bigint;
  /** 5.4's raw `next`. */
  next: bigint;
  /** 5.4's `coroutine.resume`. */
  resume: bigint;
  upvalueFactory: bigint;
  /** The read-only proxy of the globals (every chunk's _ENV). */
  globals: bigint;
}

/** What the engine needs from the sandbox. */
export interface Sandbox {
  /** The run's message handler (§7.2), a C function pointer. */
  readonly errorHandler: number;
  /**
   * Finishes the script environment of a fresh state once the bundled libraries have filled the
   * 5.1 global table at absolute index `g` (libs/index.ts contract); `g54` holds Lua 5.4's own
   * globals. Adds the engine's globals, then `installExtras(L, g)` (the server API), then makes
   * everything read-only and installs the proxy of `g` as the globals of every chunk.
   */
  install(L: number, g: number, g54: number, installExtras: (L: number, g: number) => void): void;
  /**
   * Pushes the `prims` table of the loading contract (libs/index.ts); `exact` routes the hot 5.1
   * shims through the C trampoline too (exact error positions even in tail calls).
   */
  pushPrims(L: number, exact: boolean): void;
}

/** Builds the sandbox functions for one bridge. */
export function createSandbox(b: LuaBridge, compat: Compat51): Sandbox {
  const x = b.x;
  const {
    lua_gettop,
    lua_settop,
    lua_type,
    lua_pushvalue,
    lua_pushnil,
    lua_pushboolean,
    lua_pushnumber,
    lua_pushcclosure,
    lua_rotate,
    lua_copy,
    lua_pcallk,
    lua_callk,
    lua_rawget,
    lua_rawgeti,
    lua_rawset,
    lua_rawseti,
    lua_next,
    lua_getmetatable,
    lua_setmetatable,
    lua_getfield,
    lua_setfield,
    lua_isstring,
    lua_iscfunction,
    lua_toboolean,
    lua_concat,
    lua_error,
    lua_getstack,
    lua_getinfo,
    lua_getupvalue,
    lua_setupvalue,
    lua_upvaluejoin,
    lua_createtable,
    lua_newuserdatauv,
    luaL_checkany,
    luaL_checktype,
    luaL_checknumber,
    luaL_argerror,
    luaL_where,
    luaL_tolstring,
    luaL_getmetafield,
    luaL_loadbufferx,
    luaL_ref,
  } = x;
  const { pushBytes, toBytes, cstr, cfunction, raise, raiseWhere, i32, cString, heapBytes } = b;

  const S_ERR = cstr("err");
  const S_SOURCE = cstr("source");
  const S_LINE = cstr("line");
  const S_SL = cstr("Sl");
  const S_F = cstr("f");
  const S_GT_S = cstr(">S");
  const S_T = cstr("t");
  const S_GC = cstr("__gc");
  const S_METATABLE = cstr("__metatable");

  let refs: StateRefs | undefined;
  const st = (): StateRefs => refs!;

  /** Pushes registry[ref]. */
  const pushRef = (L: number, ref: bigint) => lua_rawgeti(L, REGISTRY, ref);

  /** Replaces the value at idx by the real table when it is a read-only proxy; true if it was. */
  function unproxyAt(L: number, idx: number): boolean {
    pushRef(L, st().unproxy);
    lua_pushvalue(L, idx);
    if (lua_rawget(L, -2) === T_NIL) {
      lua_settop(L, -3);
      return false;
    }
    lua_copy(L, -1, idx);
    lua_settop(L, -3);
    return true;
  }

  function isReadonly(L: number, idx: number): boolean {
    pushRef(L, st().unproxy);
    lua_pushvalue(L, idx);
    const ro = lua_rawget(L, -2) !== T_NIL;
    lua_settop(L, -3);
    return ro;
  }

  /** 5.1 luaL_optint / luaL_checkint: a number (or numeric string) truncated toward zero. */
  function optInt(L: number, arg: number, def: number): number {
    if (lua_type(L, arg) <= T_NIL) return def;
    return Math.trunc(luaL_checknumber(L, arg));
  }

  function isCFrame(ar: number): boolean {
    const what = i32(ar + AR_WHAT);
    return what !== 0 && cString(what) === "C";
  }

  /** Lua code of a bundled library (`=evalkit:…` chunks): Valkey implements those in C. */
  function isLibraryFrame(ar: number): boolean {
    const src = i32(ar + AR_SOURCE);
    return src !== 0 && heapBytes(src, Math.min(9, i32(ar + AR_SOURCE + 4))) === "=evalkit:";
  }

  // ---- the error handler (§7.2) ----
  const errorHandler = cfunction((L) => {
    // Valkey: the raising function, or its caller when that is a C function.
    const ar = b.ar;
    let level = 1;
    let info = lua_getstack(L, level, ar) !== 0 && lua_getinfo(L, S_SL, ar) !== 0;
    if (info && (isCFrame(ar) || isLibraryFrame(ar))) {
      do {
        level++;
        info = lua_getstack(L, level, ar) !== 0 && lua_getinfo(L, S_SL, ar) !== 0;
      } while (info && isLibraryFrame(ar));
    }
    lua_settop(L, 1);
    if (lua_type(L, 1) !== T_TABLE) {
      luaL_tolstring(L, 1, 0);
      const msg = "ERR " + rewriteRuntimeMessage(toBytes(L, -1));
      lua_createtable(L, 0, 3);
      pushBytes(L, msg);
      lua_setfield(L, -2, S_ERR);
    } else {
      lua_pushvalue(L, 1);
    }
    if (info) {
      const src = i32(ar + AR_SOURCE);
      pushBytes(L, src === 0 ? "?" : heapBytes(src, i32(ar + AR_SOURCE + 4)));
      lua_setfield(L, -2, S_SOURCE);
      lua_pushnumber(L, i32(ar + AR_CURRENTLINE));
      lua_setfield(L, -2, S_LINE);
    }
    return 1;
  });

  // ---- base library, 5.1 flavour ----
  /**
   * What pcall returns once its call ended with `status` (the stack is `true, results…` or
   * `true, error`). Also the continuation after a yield: with it the call is yieldable, so a
   * busy script inside `pcall` can still be suspended (and killed).
   */
  const finishPcall = (L: number, status: number): number => {
    if (status === LUA_OK || status === LUA_YIELD) return lua_gettop(L);
    // ENV-9: an error table's string/number `err` field replaces the table.
    if (lua_type(L, -1) === T_TABLE) {
      lua_getfield(L, -1, S_ERR);
      if (lua_isstring(L, -1)) lua_copy(L, -1, -2);
      lua_settop(L, -2);
    }
    if (lua_type(L, -1) === T_STRING) {
      const msg = toBytes(L, -1);
      const fixed = rewriteRuntimeMessage(msg);
      if (fixed !== msg) {
        lua_settop(L, -2);
        pushBytes(L, fixed);
      }
    }
    lua_pushboolean(L, 0);
    lua_copy(L, -1, 1);
    lua_settop(L, -2);
    return lua_gettop(L);
  };
  const kPcall = b.continuation(finishPcall);
  const fPcall = cfunction((L) => {
    const argc = lua_gettop(L);
    if (argc === 0) {
      // Valkey's wrapper calls its own placeholder `true` in this case.
      lua_pushboolean(L, 0);
      pushBytes(L, "attempt to call a boolean value");
      return 2;
    }
    lua_pushboolean(L, 1);
    lua_rotate(L, 1, 1);
    return finishPcall(L, lua_pcallk(L, argc - 1, MULTRET, 0, 0, kPcall));
  });

  const fError = cfunction((L) => {
    const level = optInt(L, 2, 1);
    lua_settop(L, 1);
    // 5.1 adds the position to numbers too (5.4 only to strings).
    if (lua_isstring(L, 1) && level > 0) {
      luaL_where(L, level);
      lua_pushvalue(L, 1);
      lua_concat(L, 2);
    }
    return lua_error(L);
  });

  /** Compiles 5.1 source text (check51, then 5.4 text-only): 1 result (the function) or 2 (nil, msg). */
  function loadChunk(L: number, source: Bytes, chunkName: Bytes, level: number): number {
    const r = compat.check51(source, compat.chunkId51(chunkName), { level });
    if (!r.ok) {
      lua_pushnil(L);
      pushBytes(L, r.message);
      return 2;
    }
    const nul = chunkName.indexOf("\0");
    const name = nul >= 0 ? chunkName.slice(0, nul) : chunkName;
    const p = b.stage(r.source, name);
    if (p === 0) b.memoryError(L);
    if (luaL_loadbufferx(L, p, r.source.length, p + r.source.length, S_T) !== LUA_OK) {
      lua_pushnil(L);
      lua_rotate(L, -2, 1);
      return 2;
    }
    return 1;
  }

  /** Pushes the function getfenv/setfenv act on (5.1 `getfunc`). */
  function getFunc(L: number, optional: boolean): void {
    if (lua_type(L, 1) === T_FUNCTION) {
      lua_pushvalue(L, 1);
      return;
    }
    const level = optional ? optInt(L, 1, 1) : Math.trunc(luaL_checknumber(L, 1));
    if (level < 0) luaL_argerror(L, 1, cstr("level must be non-negative"));
    if (level === 0) {
      lua_pushnil(L); // the thread: handled by the callers
      return;
    }
    if (lua_getstack(L, level, b.ar) === 0) luaL_argerror(L, 1, cstr("invalid level"));
    lua_getinfo(L, S_F, b.ar);
    if (lua_type(L, -1) === T_NIL) {
      raiseWhere(L, `no function environment for tail call at level ${level}`);
    }
  }

  /** Index of the `_ENV` upvalue of the Lua function at idx, or 0. */
  function envUpvalue(L: number, idx: number): number {
    for (let n = 1;; n++) {
      const name = lua_getupvalue(L, idx, n);
      if (name === 0) return 0;
      lua_settop(L, -2);
      if (cString(name) === "_ENV") return n;
    }
  }

  /**
   * C functions, and Lua functions of the bundled libraries (which stand for C functions and
   * whose `_ENV` is Lua 5.4's unprotected global table: it must never reach a script).
   */
  function isCLikeFunction(L: number, idx: number): boolean {
    if (lua_iscfunction(L, idx)) return true;
    lua_pushvalue(L, idx);
    lua_getinfo(L, S_GT_S, b.ar); // pops the function
    return isLibraryFrame(b.ar);
  }

  const fGetfenv = cfunction((L) => {
    getFunc(L, true);
    const f = lua_gettop(L);
    if (lua_type(L, f) !== T_NIL && !isCLikeFunction(L, f)) {
      const n = envUpvalue(L, f);
      if (n !== 0) {
        lua_getupvalue(L, f, n);
        return 1;
      }
      // A function that uses no globals keeps the table setfenv gave it.
      pushRef(L, st().weak);
      lua_pushvalue(L, f);
      if (lua_rawget(L, -2) === T_TABLE) return 1;
    }
    pushRef(L, st().globals);
    return 1;
  });

  const fSetfenv = cfunction((L) => {
    luaL_checktype(L, 2, T_TABLE);
    getFunc(L, false);
    const f = lua_gettop(L);
    if (lua_type(L, f) === T_NIL) return 0; // setfenv(0, t): the thread environment; not modelled
    if (isCLikeFunction(L, f)) {
      raiseWhere(L, "'setfenv' cannot change environment of given object");
    }
    const n = envUpvalue(L, f);
    if (n !== 0) {
      // A fresh upvalue holding the table, so other closures sharing _ENV keep theirs (5.1).
      pushRef(L, st().upvalueFactory);
      lua_callk(L, 0, 1, 0, 0);
      const g = lua_gettop(L);
      lua_pushvalue(L, 2);
      lua_setupvalue(L, g, 1);
      lua_upvaluejoin(L, f, n, g, 1);
      lua_settop(L, f);
    } else {
      pushRef(L, st().weak);
      lua_pushvalue(L, f);
      lua_pushvalue(L, 2);
      lua_rawset(L, -3);
      lua_settop(L, f);
    }
    return 1;
  });

  /**
   * lua_setmetatable without arming a finalizer (5.4 decides when the metatable is set): Lua 5.1
   * ignores `__gc` on tables, and a finalizer would run scripts' code at unpredictable moments.
   */
  function setMetatableNoGc(L: number, obj: number, mt: number): void {
    x.lua_pushstring(L, S_GC);
    const hadGc = lua_rawget(L, mt) !== T_NIL;
    if (hadGc) {
      x.lua_pushstring(L, S_GC);
      lua_pushnil(L);
      lua_rawset(L, mt);
    }
    lua_pushvalue(L, mt);
    lua_setmetatable(L, obj);
    if (hadGc) {
      x.lua_pushstring(L, S_GC);
      lua_rotate(L, -2, 1);
      lua_rawset(L, mt);
    } else lua_settop(L, -2);
  }

  const fNewproxy = cfunction((L) => {
    lua_settop(L, 1);
    lua_newuserdatauv(L, 0, 0);
    if (!lua_toboolean(L, 1)) return 1;
    if (lua_type(L, 1) === T_BOOLEAN) {
      lua_createtable(L, 0, 0);
      pushRef(L, st().weak);
      lua_pushvalue(L, -2);
      lua_pushboolean(L, 1);
      lua_rawset(L, -3);
      lua_settop(L, -2);
    } else {
      let valid = false;
      if (lua_getmetatable(L, 1)) {
        pushRef(L, st().weak);
        lua_pushvalue(L, -2);
        valid = lua_rawget(L, -2) !== T_NIL;
        lua_settop(L, -3);
      }
      if (!valid) luaL_argerror(L, 1, cstr("boolean or proxy expected"));
      lua_getmetatable(L, 1);
    }
    setMetatableNoGc(L, 2, 3);
    lua_settop(L, 2);
    return 1;
  });

  const fRawget = cfunction((L) => {
    luaL_checktype(L, 1, T_TABLE);
    luaL_checkany(L, 2);
    lua_settop(L, 2);
    unproxyAt(L, 1);
    lua_rawget(L, 1);
    return 1;
  });

  const fRawset = cfunction((L) => {
    luaL_checktype(L, 1, T_TABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    if (isReadonly(L, 1)) raise(L, LUA_MSG_READONLY_TABLE);
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
  });

  const fNext = cfunction((L) => {
    luaL_checktype(L, 1, T_TABLE);
    lua_settop(L, 2);
    unproxyAt(L, 1);
    if (lua_next(L, 1) !== 0) return 2;
    lua_pushnil(L);
    return 1;
  });

  const fGetmetatable = cfunction((L) => {
    luaL_checkany(L, 1);
    if (!lua_getmetatable(L, 1)) {
      lua_pushnil(L);
      return 1;
    }
    const mt = lua_gettop(L);
    pushRef(L, st().visible);
    lua_pushvalue(L, mt);
    const t = lua_rawget(L, -2);
    if (t !== T_NIL) {
      if (t === T_BOOLEAN) lua_pushnil(L); // a library table: no metatable in 5.1
      return 1;
    }
    lua_settop(L, mt);
    if (luaL_getmetafield(L, 1, S_METATABLE) !== T_NIL) return 1;
    lua_settop(L, mt);
    return 1;
  });

  const fSetmetatable = cfunction((L) => {
    const t = lua_type(L, 2);
    luaL_checktype(L, 1, T_TABLE);
    if (t !== T_NIL && t !== T_TABLE) luaL_argerror(L, 2, cstr("nil or table expected"));
    if (isReadonly(L, 1)) raise(L, LUA_MSG_READONLY_TABLE);
    if (luaL_getmetafield(L, 1, S_METATABLE) !== T_NIL) {
      raiseWhere(L, "cannot change a protected metatable");
    }
    lua_settop(L, 2);
    if (t === T_NIL) lua_setmetatable(L, 1);
    else setMetatableNoGc(L, 1, 2);
    lua_settop(L, 1);
    return 1;
  });

  const fReadonlyNewindex = cfunction((L) => raiseWhere(L, LUA_MSG_READONLY_TABLE));

  const fGlobalIndex = cfunction((L) => {
    if (lua_gettop(L) !== 2) raiseWhere(L, LUA_MSG_GLOBAL_ARGS);
    const t = lua_type(L, -1);
    if (t !== T_STRING && t !== T_NUMBER) raiseWhere(L, LUA_MSG_GLOBAL_KEY_TYPE);
    return raiseWhere(L, luaMsgNonexistentGlobal(toBytes(L, -1)));
  });

  const fCoroutineResume = cfunction((L) => {
    // 5.4's resume, with a string error reworded the 5.1 way.
    const n = lua_gettop(L);
    pushRef(L, st().resume);
    lua_rotate(L, 1, 1);
    lua_callk(L, n, MULTRET, 0, 0);
    if (lua_toboolean(L, 1) === 0 && lua_type(L, 2) === T_STRING) {
      const msg = toBytes(L, 2);
      const fixed = rewriteRuntimeMessage(msg);
      if (fixed !== msg) {
        pushBytes(L, fixed);
        lua_copy(L, -1, 2);
        lua_settop(L, -2);
      }
    }
    return lua_gettop(L);
  });

  const fOsClock = cfunction((L) => {
    lua_pushnumber(L, performance.now() / 1000);
    return 1;
  });

  // ---- prims for the bundled libraries (libs/index.ts contract) ----
  // With a continuation, library code (and the 5.1 xpcall shim) stays yieldable for busy scripts.
  const finishTrampoline = (L: number, status: number): number =>
    status === LUA_OK || status === LUA_YIELD ? lua_gettop(L) : lua_error(L);
  const kTrampoline = b.continuation(finishTrampoline);
  const fTrampoline = cfunction((L) => {
    const n = lua_gettop(L);
    lua_pushvalue(L, upvalueIndex(1));
    lua_rotate(L, 1, 1);
    return finishTrampoline(L, lua_pcallk(L, n, MULTRET, 0, 0, kTrampoline));
  });
  const fWrap = cfunction((L) => {
    luaL_checktype(L, 1, T_FUNCTION);
    lua_settop(L, 1);
    lua_pushcclosure(L, fTrampoline, 1);
    return 1;
  });
  const fNewUserdata = cfunction((L) => {
    lua_newuserdatauv(L, 0, 0);
    return 1;
  });

  const fLoad51 = cfunction((L) => {
    // prims.load51(source, chunkname): 5.1 text compiled for 5.4 (loadstring and load use it).
    const source = toBytes(L, 1);
    const name = lua_type(L, 2) === T_STRING ? toBytes(L, 2) : source;
    lua_settop(L, 0);
    return loadChunk(L, source, name, 1);
  });

  const fPairs = cfunction((L) => {
    // 5.1 pairs ignores __pairs; a read-only proxy iterates its real table.
    luaL_checktype(L, 1, T_TABLE);
    lua_settop(L, 1);
    if (isReadonly(L, 1)) lua_pushcclosure(L, fNext, 0);
    else pushRef(L, st().next);
    lua_rotate(L, 1, 1);
    lua_pushnil(L);
    return 3;
  });

  function pushPrims(L: number, exact: boolean): void {
    lua_createtable(L, 0, 5);
    lua_pushboolean(L, exact ? 1 : 0);
    lua_setfield(L, -2, cstr("exact"));
    x.lua_pushlightuserdata(L, 0);
    lua_setfield(L, -2, cstr("null"));
    lua_pushcclosure(L, fWrap, 0);
    lua_setfield(L, -2, cstr("wrap"));
    lua_pushcclosure(L, fNewUserdata, 0);
    lua_setfield(L, -2, cstr("newuserdata"));
    lua_pushcclosure(L, fLoad51, 0);
    lua_setfield(L, -2, cstr("load51"));
  }

  /** Sets field `key` of the table at absolute index t to the C function f. */
  function setFn(L: number, t: number, key: string, f: number): void {
    lua_pushcclosure(L, f, 0);
    lua_setfield(L, t, cstr(key));
  }
  /** Pushes t[name] and returns its absolute index. */
  function field(L: number, t: number, name: string): number {
    lua_getfield(L, t, cstr(name));
    return lua_gettop(L);
  }
  /** Pushes registry[ref] of a fresh luaL_ref of t[name]. */
  function refField(L: number, t: number, name: string): bigint {
    lua_getfield(L, t, cstr(name));
    return BigInt(luaL_ref(L, REGISTRY));
  }
  /** Loads a trusted setup chunk (pushes the function). */
  function loadSetup(L: number, source: string, name: string): void {
    const p = b.stage(source, name);
    if (p === 0 || luaL_loadbufferx(L, p, source.length, p + source.length, S_T) !== LUA_OK) {
      throw new Error(`evalkit: setup chunk ${name} failed: ${toBytes(L, -1)}`);
    }
  }
  function callSetup(L: number, nargs: number, nresults: number): void {
    if (lua_pcallk(L, nargs, nresults, 0, 0, 0) !== LUA_OK) {
      throw new Error(`evalkit: setup failed: ${toBytes(L, -1)}`);
    }
  }

  function install(
    L: number,
    g: number,
    g54: number,
    installExtras: (L: number, g: number) => void,
  ): void {
    const base = lua_gettop(L);
    // The 5.4 originals the replacements and the setup chunk need.
    lua_createtable(L, 0, 6);
    const originals = lua_gettop(L);
    for (const name of ["rawget", "rawset", "setmetatable", "getmetatable", "next", "type"]) {
      lua_getfield(L, g54, cstr(name));
      lua_setfield(L, originals, cstr(name));
    }
    const next = refField(L, g54, "next");
    const co54 = field(L, g54, "coroutine");
    const resume = refField(L, co54, "resume");

    // The base functions that must see through read-only proxies, and Valkey's own.
    setFn(L, g, "pcall", fPcall); // ENV-9
    setFn(L, g, "error", fError); // 5.1 positions numbers too (ERR-7)
    setFn(L, g, "getfenv", fGetfenv);
    setFn(L, g, "setfenv", fSetfenv);
    setFn(L, g, "rawget", fRawget);
    setFn(L, g, "rawset", fRawset);
    setFn(L, g, "next", fNext);
    setFn(L, g, "pairs", fPairs);
    setFn(L, g, "getmetatable", fGetmetatable);
    setFn(L, g, "setmetatable", fSetmetatable);
    setFn(L, g, "newproxy", fNewproxy);
    lua_createtable(L, 0, 0);
    const weakMt = lua_gettop(L);
    lua_createtable(L, 0, 1);
    pushBytes(L, "k");
    lua_setfield(L, -2, cstr("__mode"));
    lua_setmetatable(L, weakMt);
    const weak = BigInt(luaL_ref(L, REGISTRY));
    const co51 = field(L, g, "coroutine");
    if (lua_type(L, co51) === T_TABLE) setFn(L, co51, "resume", fCoroutineResume);
    lua_createtable(L, 0, 1);
    setFn(L, lua_gettop(L), "clock", fOsClock);
    lua_setfield(L, g, cstr("os"));
    setFn(L, g, "__server__err__handler", errorHandler); // ENV-3
    lua_getfield(L, g, cstr("__server__err__handler"));
    lua_setfield(L, g, cstr("__redis__err__handler"));
    lua_settop(L, originals);

    installExtras(L, g);
    lua_settop(L, originals);

    loadSetup(L, UPVALUE_FACTORY_LUA, "=evalkit:setfenv");
    callSetup(L, 0, 1);
    const upvalueFactory = BigInt(luaL_ref(L, REGISTRY));

    // ENV-7: read-only proxies; the proxy of the globals becomes every chunk's _ENV.
    loadSetup(L, PROTECT_LUA, "=evalkit:sandbox");
    lua_pushvalue(L, g);
    lua_pushcclosure(L, fReadonlyNewindex, 0);
    lua_pushcclosure(L, fNext, 0);
    lua_pushcclosure(L, fGlobalIndex, 0);
    lua_pushvalue(L, originals);
    callSetup(L, 5, 3);
    const visible = BigInt(luaL_ref(L, REGISTRY));
    const unproxy = BigInt(luaL_ref(L, REGISTRY));
    lua_pushvalue(L, -1);
    lua_rawseti(L, REGISTRY, RIDX_GLOBALS);
    const globals = BigInt(luaL_ref(L, REGISTRY));
    // Without loaded modules, 5.4's luaL_argerror names an unknown caller '?' as 5.1 does.
    lua_createtable(L, 0, 0);
    lua_setfield(L, REGISTRY, cstr("_LOADED"));
    lua_settop(L, base);

    refs = {
      unproxy,
      visible,
      weak,
      next,
      resume,
      upvalueFactory,
      globals,
    };
  }

  return { errorHandler, install, pushPrims };
}
