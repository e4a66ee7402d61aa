/**
 * Conversions between replies and Lua values (spec §10): what `server.call` returns to the script
 * (RESP2 or RESP3 shapes, §10.1) and what the script's return value becomes (§10.2). Every number
 * enters Lua as a float (Lua 5.1 has only doubles); tables are read with raw access only.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { ERR_LUA_STACK_LIMIT, wireError } from "../errors.ts";
import { formatDouble } from "../resp/double.ts";
import {
  bool,
  bulk,
  double,
  error,
  int,
  map,
  NULL,
  type Reply,
  set,
  status,
  verbatim,
} from "../resp/reply.ts";
import {
  type LuaBridge,
  REGISTRY,
  T_BOOLEAN,
  T_NIL,
  T_NUMBER,
  T_STRING,
  T_TABLE,
} from "./wasm_bridge.ts";

/** Lua 5.1's LUAI_MAXCSTACK: the stack slots a C function may use (CONV-9). */
const MAX_C_STACK = 8000;
/**
 * Stack slots in use when Valkey converts a script's return value (the error handler and the
 * value): with Valkey's per-level usage this puts the `reached lua stack limit` element of a
 * self-referencing array at nesting depth 7995, as measured on a real server.
 */
export const TOP_LEVEL_SLOTS = 2;

const INT64_MIN = -9223372036854775808n;
const TWO63 = 9223372036854775808;

/** Table keys the conversions use, pushed from registry refs. */
const KEYS = [
  "ok",
  "err",
  "double",
  "big_number",
  "verbatim_string",
  "format",
  "string",
  "map",
  "set",
  "ignore_error_stats_update",
] as const;
const K_OK = 0;
const K_ERR = 1;
const K_DOUBLE = 2;
const K_BIG_NUMBER = 3;
const K_VERBATIM = 4;
const K_FORMAT = 5;
const K_STRING = 6;
const K_MAP = 7;
const K_SET = 8;
const K_IGNORE = 9;

const KIND_ARRAY = 0;
const KIND_MAP = 1;
const KIND_SET = 2;

/** A table being converted: its items so far and where its iteration stands. */
interface Frame {
  readonly kind: number;
  /** Absolute stack index of the table iterated (the array itself, or the map/set field). */
  readonly t: number;
  /** Stack top to restore when the frame is done. */
  readonly restore: number;
  /** 5.1 stack usage of the table's value (CONV-9 model). */
  readonly slots: number;
  readonly items: Reply[];
  readonly entries: [Reply, Reply][];
  /** Next array index. */
  j: number;
  /** Map: 1 while converting a key, 2 while converting its value. */
  phase: number;
  key: Reply | undefined;
}

function newFrame(kind: number, t: number, restore: number, slots: number): Frame {
  return { kind, t, restore, slots, items: [], entries: [], j: 1, phase: 0, key: undefined };
}

/** Reply ↔ Lua conversions bound to one bridge. */
export interface Converter {
  /** Creates the per-state registry entries (call once for every new lua_State). */
  init(L: number): void;
  /** Pushes a command reply as the Lua value server.call returns (§10.1). */
  pushReply(L: number, reply: Reply, resp: 2 | 3): void;
  /** Pushes `{err=text}` (plus `ignore_error_stats_update=true` when asked). */
  pushErrorTable(L: number, text: Bytes, ignoreStats: boolean): void;
  /**
   * Converts the value at `idx` to a reply (§10.2). `resp3` is the script's protocol at the end of
   * the run (booleans, CONV-5). `slots` is the 5.1 stack usage model of CONV-9.
   */
  toReply(L: number, idx: number, resp3: boolean, slots?: number): Reply;
  /** Raw `t.ignore_error_stats_update` of the table at idx, as a boolean (ERR-9). */
  ignoresStats(L: number, idx: number): boolean;
  /** Array index i as the BigInt lua_rawseti wants (cached for small i). */
  index(i: number): bigint;
}

/**
 * Valkey's `luaPushErrorBuff` text rule: `-CODE msg` keeps its code, text without a leading `-`
 * gets `ERR`; the message is trimmed of CR/LF at both ends; the text is a C string (stops at NUL).
 */
export function errorTableText(raw: Bytes): Bytes {
  const nul = raw.indexOf("\0");
  const text = nul >= 0 ? raw.slice(0, nul) : raw;
  let code = "ERR";
  let msg = text;
  if (text.charCodeAt(0) === 45) {
    const sp = text.indexOf(" ");
    if (sp < 0) msg = text.slice(1);
    else {
      code = text.slice(1, sp);
      msg = text.slice(sp + 1);
    }
  }
  return code + " " + trimCrLf(msg);
}

function trimCrLf(s: Bytes): Bytes {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 13 || s.charCodeAt(a) === 10)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 13 || s.charCodeAt(b - 1) === 10)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** CR and LF become spaces (simple strings, big numbers: CONV-12). */
function crlfToSpaces(s: Bytes): Bytes {
  return s.indexOf("\r") < 0 && s.indexOf("\n") < 0 ? s : s.replace(/[\r\n]/g, " ");
}

/** CONV-4: a Lua number as an integer reply (C's `(long long)` cast on x86-64). */
export function numberToInteger(d: number): Reply {
  if (d >= -TWO63 && d < TWO63) {
    const t = Math.trunc(d);
    return int(Number.isSafeInteger(t) ? t : BigInt(t));
  }
  return int(INT64_MIN);
}

/** Builds the converter for one bridge. */
export function createConverter(b: LuaBridge): Converter {
  const x = b.x;
  const {
    lua_rawgeti,
    lua_rawget,
    lua_rawset,
    lua_rawseti,
    lua_createtable,
    lua_pushnumber,
    lua_pushboolean,
    lua_pushnil,
    lua_type,
    lua_toboolean,
    lua_tonumberx,
    lua_settop,
    lua_next,
    lua_pushvalue,
    lua_absindex,
    lua_checkstack,
    luaL_ref,
  } = x;
  const { pushBytes, toBytes } = b;

  const IDX: bigint[] = [];
  for (let i = 0; i <= 1024; i++) IDX.push(BigInt(i));
  const index = (i: number): bigint => i <= 1024 ? IDX[i] : BigInt(i);

  let keyRefs: bigint[] = [];
  const pushKey = (L: number, k: number): void => {
    lua_rawgeti(L, REGISTRY, keyRefs[k]);
  };

  function init(L: number): void {
    keyRefs = KEYS.map((k) => {
      pushBytes(L, k);
      return BigInt(luaL_ref(L, REGISTRY));
    });
  }

  /** `t[k] = value on top` for a key from KEYS; t is absolute. */
  function setKey(L: number, t: number, k: number): void {
    pushKey(L, k);
    x.lua_rotate(L, -2, 1);
    lua_rawset(L, t);
  }

  function pushErrorTable(L: number, text: Bytes, ignoreStats: boolean): void {
    lua_createtable(L, 0, ignoreStats ? 2 : 1);
    const t = lua_absindex(L, -1);
    pushBytes(L, text);
    setKey(L, t, K_ERR);
    if (ignoreStats) {
      lua_pushboolean(L, 1);
      setKey(L, t, K_IGNORE);
    }
  }

  function pushArray(L: number, items: readonly Reply[], resp: 2 | 3): void {
    const n = items.length;
    lua_checkstack(L, 4);
    lua_createtable(L, n, 0);
    const t = lua_absindex(L, -1);
    for (let i = 0; i < n; i++) {
      pushReply(L, items[i], resp);
      lua_rawseti(L, t, index(i + 1));
    }
  }

  function pushReply(L: number, reply: Reply, resp: 2 | 3): void {
    switch (reply.type) {
      case "bulk":
        pushBytes(L, reply.value);
        return;
      case "integer":
        lua_pushnumber(L, Number(reply.value));
        return;
      case "status": {
        lua_createtable(L, 0, 1);
        const t = lua_absindex(L, -1);
        pushBytes(L, reply.value);
        setKey(L, t, K_OK);
        return;
      }
      case "error":
        pushErrorTable(L, errorTableText("-" + reply.value), true);
        return;
      case "null":
        if (resp === 2) lua_pushboolean(L, 0);
        else lua_pushnil(L);
        return;
      case "array":
      case "push":
        pushArray(L, reply.value, resp);
        return;
      case "set":
        if (resp === 2) {
          pushArray(L, reply.value, resp);
          return;
        } else {
          lua_checkstack(L, 4);
          lua_createtable(L, 0, 1);
          const outer = lua_absindex(L, -1);
          lua_createtable(L, 0, reply.value.length);
          const t = lua_absindex(L, -1);
          for (const item of reply.value) {
            pushReply(L, item, resp);
            lua_pushboolean(L, 1);
            lua_rawset(L, t);
          }
          setKey(L, outer, K_SET);
          return;
        }
      case "map":
        if (resp === 2) {
          const n = reply.value.length;
          lua_checkstack(L, 4);
          lua_createtable(L, n * 2, 0);
          const t = lua_absindex(L, -1);
          for (let i = 0; i < n; i++) {
            pushReply(L, reply.value[i][0], resp);
            lua_rawseti(L, t, index(2 * i + 1));
            pushReply(L, reply.value[i][1], resp);
            lua_rawseti(L, t, index(2 * i + 2));
          }
          return;
        } else {
          lua_checkstack(L, 4);
          lua_createtable(L, 0, 1);
          const outer = lua_absindex(L, -1);
          lua_createtable(L, 0, reply.value.length);
          const t = lua_absindex(L, -1);
          for (const [k, v] of reply.value) {
            pushReply(L, k, resp);
            pushReply(L, v, resp);
            lua_rawset(L, t);
          }
          setKey(L, outer, K_MAP);
          return;
        }
      case "double":
        if (resp === 2) pushBytes(L, formatDouble(reply.value));
        else {
          lua_createtable(L, 0, 1);
          const t = lua_absindex(L, -1);
          lua_pushnumber(L, reply.value);
          setKey(L, t, K_DOUBLE);
        }
        return;
      case "boolean":
        if (resp === 2) lua_pushnumber(L, reply.value ? 1 : 0);
        else lua_pushboolean(L, reply.value ? 1 : 0);
        return;
      case "bignum":
        if (resp === 2) pushBytes(L, reply.value);
        else {
          lua_createtable(L, 0, 1);
          const t = lua_absindex(L, -1);
          pushBytes(L, reply.value);
          setKey(L, t, K_BIG_NUMBER);
        }
        return;
      case "verbatim":
        if (resp === 2) pushBytes(L, reply.value);
        else {
          lua_createtable(L, 0, 1);
          const outer = lua_absindex(L, -1);
          lua_createtable(L, 0, 2);
          const t = lua_absindex(L, -1);
          pushBytes(L, reply.format);
          setKey(L, t, K_FORMAT);
          pushBytes(L, reply.value);
          setKey(L, t, K_STRING);
          setKey(L, outer, K_VERBATIM);
        }
        return;
      case "attribute":
        pushReply(L, reply.value, resp);
        return;
    }
  }

  /** Pushes `t[key]` (raw) for a table at absolute index t; returns the type. */
  function rawField(L: number, t: number, k: number): number {
    pushKey(L, k);
    return lua_rawget(L, t);
  }

  /**
   * Converts the value at absolute index v when it is a leaf (or a table decided by one of its
   * fields); for arrays, maps and sets pushes a frame and returns undefined. Leaves the stack as
   * it found it, except for a map's or set's inner table, which the frame owns.
   */
  function start(
    L: number,
    v: number,
    resp3: boolean,
    slots: number,
    frames: Frame[],
  ): Reply | undefined {
    // Valkey checks lua_checkstack(L, 4) against 5.1's LUAI_MAXCSTACK for every value (CONV-9).
    if (slots + 4 > MAX_C_STACK) return error(ERR_LUA_STACK_LIMIT);
    switch (lua_type(L, v)) {
      case T_STRING:
        return bulk(toBytes(L, v));
      case T_NUMBER:
        return numberToInteger(lua_tonumberx(L, v, 0));
      case T_BOOLEAN: {
        const b = lua_toboolean(L, v) !== 0;
        if (resp3) return bool(b);
        return b ? int(1) : NULL;
      }
      case T_TABLE:
        break;
      default:
        return NULL;
    }
    if (lua_checkstack(L, 8) === 0) return error(ERR_LUA_STACK_LIMIT);
    const top = x.lua_gettop(L);
    // CONV-7: the first matching field decides, in this order; raw access only (CONV-10).
    let r: Reply | undefined;
    if (rawField(L, v, K_ERR) === T_STRING) r = error(wireError(toBytes(L, -1)));
    else {
      lua_settop(L, top);
      if (rawField(L, v, K_OK) === T_STRING) {
        let s = toBytes(L, -1);
        const nul = s.indexOf("\0");
        if (nul >= 0) s = s.slice(0, nul);
        r = status(crlfToSpaces(s));
      } else {
        lua_settop(L, top);
        if (rawField(L, v, K_DOUBLE) === T_NUMBER) r = double(lua_tonumberx(L, -1, 0));
        else {
          lua_settop(L, top);
          if (rawField(L, v, K_BIG_NUMBER) === T_STRING) {
            r = { type: "bignum", value: crlfToSpaces(toBytes(L, -1)) };
          } else {
            lua_settop(L, top);
            if (rawField(L, v, K_VERBATIM) === T_TABLE) {
              const vt = top + 1;
              const hasFormat = rawField(L, vt, K_FORMAT) === T_STRING;
              const hasString = rawField(L, vt, K_STRING) === T_STRING;
              if (hasFormat && hasString) {
                r = verbatim((toBytes(L, -2) + "   ").slice(0, 3), toBytes(L, -1));
              }
            }
          }
        }
      }
    }
    lua_settop(L, top);
    if (r !== undefined) return r;
    if (rawField(L, v, K_MAP) === T_TABLE) {
      lua_pushnil(L);
      frames.push(newFrame(KIND_MAP, top + 1, top, slots));
      return undefined;
    }
    lua_settop(L, top);
    if (rawField(L, v, K_SET) === T_TABLE) {
      lua_pushnil(L);
      frames.push(newFrame(KIND_SET, top + 1, top, slots));
      return undefined;
    }
    lua_settop(L, top);
    frames.push(newFrame(KIND_ARRAY, v, top, slots));
    return undefined;
  }

  /**
   * The script's return value as a reply. Iterative (an explicit frame stack), so a 7995-deep
   * self-referencing table does not exhaust the JS stack.
   */
  function toReply(L: number, idx: number, resp3: boolean, slots = TOP_LEVEL_SLOTS): Reply {
    const frames: Frame[] = [];
    let r = start(L, lua_absindex(L, idx), resp3, slots, frames);
    while (frames.length > 0) {
      const f = frames[frames.length - 1];
      if (r !== undefined) {
        // Deliver the finished child to its parent.
        if (f.kind === KIND_ARRAY || f.kind === KIND_SET) f.items.push(r);
        else if (f.phase === 1) f.key = r;
        else f.entries.push([f.key!, r]);
        r = undefined;
      }
      const t = f.t;
      if (f.kind === KIND_ARRAY) {
        lua_settop(L, f.restore);
        if (lua_rawgeti(L, t, index(f.j++)) !== T_NIL) {
          r = start(L, f.restore + 1, resp3, f.slots + 1, frames);
          continue;
        }
      } else if (f.kind === KIND_MAP && f.phase === 1) {
        lua_settop(L, t + 2); // value on top
        f.phase = 2;
        r = start(L, t + 2, resp3, f.slots + 3, frames);
        continue;
      } else {
        lua_settop(L, t + 1); // the last key, for lua_next
        if (lua_next(L, t) !== 0) {
          if (f.kind === KIND_SET) lua_settop(L, t + 1);
          else f.phase = 1;
          lua_pushvalue(L, t + 1); // convert a copy: the key must stay intact for lua_next
          r = start(L, lua_absindex(L, -1), resp3, f.slots + (f.kind === KIND_SET ? 3 : 4), frames);
          continue;
        }
      }
      frames.pop();
      lua_settop(L, f.restore);
      r = f.kind === KIND_ARRAY
        ? { type: "array", value: f.items }
        : f.kind === KIND_SET
        ? set(f.items)
        : map(f.entries);
    }
    return r!;
  }

  function ignoresStats(L: number, idx: number): boolean {
    if (lua_type(L, idx) !== T_TABLE) return false;
    const t = lua_absindex(L, idx);
    rawField(L, t, K_IGNORE);
    const v = lua_toboolean(L, -1) !== 0;
    lua_settop(L, -2);
    return v;
  }

  return { init, pushReply, pushErrorTable, toReply, ignoresStats, index };
}
