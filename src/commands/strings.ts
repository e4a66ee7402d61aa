/**
 * The string and bitmap commands (Valkey's t_string.c and bitops.c): GET/SET and their variants,
 * counters (INCR… INCRBYFLOAT), APPEND/STRLEN/GETRANGE/SETRANGE, SETBIT/GETBIT/BITCOUNT/BITPOS/
 * BITOP and LCS.
 *
 * String values are byte strings; the entry's `encoding` follows what Valkey would report
 * (types/string.ts), and `shared` marks shared integer objects.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { eqIgnoreCase } from "../bytes.ts";
import {
  ERR_BIT_ARGUMENT,
  ERR_BIT_OFFSET,
  ERR_BIT_VALUE,
  ERR_BITOP_NOT_ARITY,
  ERR_DECREMENT_OVERFLOW,
  ERR_INCR_NAN_OR_INF,
  ERR_LCS_LEN_AND_IDX,
  ERR_LCS_NO_MEMORY,
  ERR_LCS_NOT_STRINGS,
  ERR_LCS_OVER_PROTO_MAX,
  ERR_LCS_TOO_LONG,
  ERR_NOT_FLOAT,
  ERR_NOT_INTEGER,
  ERR_OFFSET_OUT_OF_RANGE,
  ERR_OVERFLOW,
  ERR_STRING_TOO_LONG,
  ERR_SYNTAX,
  errInvalidExpireTime,
  errWrongArity,
  ReplyError,
} from "../errors.ts";
import type { Entry } from "../keyspace/keyspace.ts";
import {
  checkType,
  lookupKeyRead,
  lookupKeyWrite,
  mstime,
  newEntry,
  sharedIntegersAllowed,
} from "../keyspace/lookup.ts";
import { array, bulk, int, map, NULL, OK, type Reply } from "../resp/reply.ts";
import {
  addLongDouble,
  formatLongDoubleHuman,
  isNanOrInf,
  type LongDouble,
  string2ld,
} from "../types/long_double.ts";
import {
  argumentEncoding,
  type BitOp,
  bitop,
  createdEncoding,
  findBit,
  lcs,
  OBJ_SHARED_INTEGERS,
  popcount,
  type StringEncoding,
  withBit,
} from "../types/string.ts";
import { INT64_MAX, INT64_MIN, parseInteger, toIndex, toInt64 } from "./args.ts";
import { arg, block, command, key, keyAt, oneof, OPTIONAL, token } from "./meta.ts";
import type { CommandContext, CommandSpec } from "./spec.ts";

/** proto-max-bulk-len: the largest string a command may build. */
function protoMaxBulkLen(ctx: CommandContext): number {
  return ctx.server.config.protoMaxBulkLen;
}

/** checkStringLength: refuses strings longer than proto-max-bulk-len. */
function checkStringLength(ctx: CommandContext, size: bigint | number, append: number): void {
  if (BigInt(size) + BigInt(append) > BigInt(protoMaxBulkLen(ctx))) {
    throw new ReplyError(ERR_STRING_TOO_LONG);
  }
}

/** The value of a string entry (the caller checked the type). */
function str(e: Entry): Bytes {
  return e.value as Bytes;
}

/** A new string entry, encoded as tryObjectEncoding would encode a command argument. */
function stringFromArgument(ctx: CommandContext, value: Bytes): Entry {
  const e = newEntry(ctx, "string", value);
  const { encoding, shared } = argumentEncoding(value, sharedIntegersAllowed(ctx));
  e.encoding = encoding;
  if (shared) e.shared = true;
  return e;
}

/** A new string entry with an explicit encoding. */
function stringEntry(ctx: CommandContext, value: Bytes, encoding: StringEncoding): Entry {
  const e = newEntry(ctx, "string", value);
  e.encoding = encoding;
  return e;
}

/**
 * Replaces a string value in place (APPEND, SETRANGE, SETBIT, INCR…): keeps the TTL and access
 * metadata, re-charges memory, and signals WATCH unless `signal` is false.
 */
function updateString(
  ctx: CommandContext,
  k: Bytes,
  e: Entry,
  value: Bytes,
  encoding: StringEncoding,
  shared = false,
  signal = true,
): void {
  const sizeOf = ctx.server.keyspace.sizeOf;
  const before = sizeOf(k, e);
  e.value = value;
  e.encoding = encoding;
  if (shared) e.shared = true;
  else if (e.shared !== undefined) delete e.shared;
  ctx.db.adjustKeyMemory(k, sizeOf(k, e) - before);
  if (signal) ctx.db.touch(k);
}

/** getGenericCommand: the value, null, or WRONGTYPE. */
function getGeneric(ctx: CommandContext, k: Bytes): Reply {
  const e = lookupKeyRead(ctx, k);
  if (e === undefined) return NULL;
  checkType(e, "string");
  return bulk(str(e));
}

function getCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return getGeneric(ctx, argv[1]);
}

// ---- SET and friends ----

const SET_NX = 1 << 0;
const SET_XX = 1 << 1;
const SET_GET = 1 << 2;
const KEEPTTL = 1 << 3;
const PERSIST = 1 << 4;
const EX = 1 << 5;
const PX = 1 << 6;
const EXAT = 1 << 7;
const PXAT = 1 << 8;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

interface ExtendedArgs {
  flags: number;
  expire?: Bytes;
}

/**
 * parseExtendedStringArgumentsOrReply: SET (from argv[3]) or GETEX (from argv[2]) options.
 * Repeating an option is allowed (the last expiration wins); conflicting ones are a syntax error.
 */
function parseExtendedArgs(argv: readonly Bytes[], forSet: boolean): ExtendedArgs {
  const out: ExtendedArgs = { flags: 0 };
  for (let j = forSet ? 3 : 2; j < argv.length; j++) {
    const o = argv[j];
    const next = j + 1 < argv.length ? argv[j + 1] : undefined;
    const f = out.flags;
    if (forSet && eqIgnoreCase(o, "nx") && !(f & SET_XX)) {
      out.flags |= SET_NX;
    } else if (forSet && eqIgnoreCase(o, "xx") && !(f & SET_NX)) {
      out.flags |= SET_XX;
    } else if (forSet && eqIgnoreCase(o, "get")) {
      out.flags |= SET_GET;
    } else if (forSet && eqIgnoreCase(o, "keepttl") && !(f & (PERSIST | ANY_EXPIRE))) {
      out.flags |= KEEPTTL;
    } else if (!forSet && eqIgnoreCase(o, "persist") && !(f & (ANY_EXPIRE | KEEPTTL))) {
      out.flags |= PERSIST;
    } else if (eqIgnoreCase(o, "ex") && !(f & (KEEPTTL | PERSIST | EXAT | PX | PXAT)) && next) {
      out.flags |= EX;
      out.expire = next;
      j++;
    } else if (eqIgnoreCase(o, "px") && !(f & (KEEPTTL | PERSIST | EX | EXAT | PXAT)) && next) {
      out.flags |= PX;
      out.expire = next;
      j++;
    } else if (eqIgnoreCase(o, "exat") && !(f & (KEEPTTL | PERSIST | EX | PX | PXAT)) && next) {
      out.flags |= EXAT;
      out.expire = next;
      j++;
    } else if (eqIgnoreCase(o, "pxat") && !(f & (KEEPTTL | PERSIST | EX | EXAT | PX)) && next) {
      out.flags |= PXAT;
      out.expire = next;
      j++;
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  return out;
}

/**
 * getExpireMillisecondsOrReply: the absolute deadline in ms for an EX/PX/EXAT/PXAT argument
 * (positive, no overflow), or `ERR invalid expire time in '<name>' command`.
 */
function expireDeadline(
  ctx: CommandContext,
  arg: Bytes,
  flags: number,
  name: string,
): number | bigint {
  const v = parseInteger(arg);
  if (v === undefined) throw new ReplyError(ERR_NOT_INTEGER);
  const seconds = (flags & (EX | EXAT)) !== 0;
  const relative = (flags & (EX | PX)) !== 0;
  // Fast path: the whole computation stays within safe integers.
  if (typeof v === "number") {
    if (v <= 0) throw new ReplyError(errInvalidExpireTime(name));
    const when = (seconds ? v * 1000 : v) + (relative ? mstime(ctx) : 0);
    if (Number.isSafeInteger(when)) return when;
  }
  let ms = BigInt(v);
  if (ms <= 0n || (seconds && ms > INT64_MAX / 1000n)) {
    throw new ReplyError(errInvalidExpireTime(name));
  }
  if (seconds) ms *= 1000n;
  if (relative) {
    const now = BigInt(mstime(ctx));
    // C's signed overflow wraps negative: Valkey reports it as an invalid time.
    if (ms > INT64_MAX - now) throw new ReplyError(errInvalidExpireTime(name));
    ms += now;
  }
  return ms;
}

/**
 * setGenericCommand: SET, SETNX, SETEX, PSETEX.
 *
 * @param okReply Reply when the key is set (SETNX: 1).
 * @param abortReply Reply when NX/XX prevents it (SETNX: 0).
 */
function setGeneric(
  ctx: CommandContext,
  flags: number,
  k: Bytes,
  value: Bytes,
  expireArg: Bytes | undefined,
  name: string,
  okReply: Reply = OK,
  abortReply: Reply = NULL,
): Reply {
  const when = expireArg === undefined ? undefined : expireDeadline(ctx, expireArg, flags, name);
  const getReply = (flags & SET_GET) !== 0 ? getGeneric(ctx, k) : undefined;
  const found = lookupKeyWrite(ctx, k) !== undefined;
  if (((flags & SET_NX) !== 0 && found) || ((flags & SET_XX) !== 0 && !found)) {
    return getReply ?? abortReply;
  }
  // A deadline already in the past: no key is stored, an existing one expires now.
  if (when !== undefined && when <= mstime(ctx)) {
    if (found) ctx.db.expireNow(k);
    return getReply ?? okReply;
  }
  ctx.db.set(k, stringFromArgument(ctx, value), (flags & KEEPTTL) !== 0 || when !== undefined);
  if (when !== undefined) ctx.db.setExpire(k, when);
  return getReply ?? okReply;
}

function setCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const { flags, expire } = parseExtendedArgs(argv, true);
  return setGeneric(ctx, flags, argv[1], argv[2], expire, "set");
}

function setnxCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return setGeneric(ctx, SET_NX, argv[1], argv[2], undefined, "setnx", int(1), int(0));
}

function setexCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return setGeneric(ctx, EX, argv[1], argv[3], argv[2], "setex");
}

function psetexCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return setGeneric(ctx, PX, argv[1], argv[3], argv[2], "psetex");
}

function getsetCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const reply = getGeneric(ctx, argv[1]);
  lookupKeyWrite(ctx, argv[1]);
  ctx.db.set(argv[1], stringFromArgument(ctx, argv[2]));
  return reply;
}

function getdelCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const reply = getGeneric(ctx, argv[1]);
  if (reply.type !== "null") ctx.db.delete(argv[1]);
  return reply;
}

function getexCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const { flags, expire } = parseExtendedArgs(argv, false);
  const k = argv[1];
  const e = lookupKeyRead(ctx, k);
  if (e === undefined) return NULL;
  checkType(e, "string");
  // Valkey 8 validates the expiration after the lookup: a missing key replies nil regardless.
  const when = expire === undefined ? undefined : expireDeadline(ctx, expire, flags, "getex");
  const reply = bulk(str(e));
  if (when !== undefined && (flags & (EXAT | PXAT)) !== 0 && when <= mstime(ctx)) {
    ctx.db.expireNow(k);
  } else if (when !== undefined) {
    ctx.db.setExpire(k, when);
    ctx.db.touch(k);
  } else if ((flags & PERSIST) !== 0 && ctx.db.persist(k)) {
    ctx.db.touch(k);
  }
  return reply;
}

function mgetCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const out: Reply[] = [];
  for (let i = 1; i < argv.length; i++) {
    const e = lookupKeyRead(ctx, argv[i]);
    out.push(e === undefined || e.type !== "string" ? NULL : bulk(str(e)));
  }
  return array(out);
}

function msetGeneric(nx: boolean) {
  return (ctx: CommandContext, argv: readonly Bytes[]): Reply => {
    if (argv.length % 2 === 0) throw new ReplyError(errWrongArity(nx ? "msetnx" : "mset"));
    if (nx) {
      for (let j = 1; j < argv.length; j += 2) {
        if (lookupKeyWrite(ctx, argv[j]) !== undefined) return int(0);
      }
    }
    for (let j = 1; j < argv.length; j += 2) {
      lookupKeyWrite(ctx, argv[j]);
      ctx.db.set(argv[j], stringFromArgument(ctx, argv[j + 1]));
    }
    return nx ? int(1) : OK;
  };
}

// ---- counters ----

/** The integer held by a string entry (0 when missing), or ERR value is not an integer. */
function integerValue(e: Entry | undefined): bigint {
  if (e === undefined) return 0n;
  const v = parseInteger(str(e));
  if (v === undefined) throw new ReplyError(ERR_NOT_INTEGER);
  return BigInt(v);
}

/**
 * incrDecrCommand. `incr` is a number when it is a safe integer: while the stored value and the
 * result are safe integers too (every realistic counter), everything stays in doubles, which is
 * exact there and allocates no BigInt; otherwise the BigInt path checks int64 overflow.
 */
function incrDecr(ctx: CommandContext, k: Bytes, incr: number | bigint): Reply {
  const e = lookupKeyWrite(ctx, k);
  checkType(e, "string");
  if (typeof incr === "number") {
    const old = e === undefined ? 0 : parseInteger(str(e));
    if (old === undefined) throw new ReplyError(ERR_NOT_INTEGER);
    if (typeof old === "number") {
      const value = old + incr;
      if (Number.isSafeInteger(value)) {
        storeCounter(ctx, k, e, String(value), value >= 0 && value < OBJ_SHARED_INTEGERS);
        return int(value);
      }
    }
    incr = BigInt(incr);
  }
  const old = integerValue(e);
  if (
    (incr < 0n && old < 0n && incr < INT64_MIN - old) ||
    (incr > 0n && old > 0n && incr > INT64_MAX - old)
  ) {
    throw new ReplyError(ERR_OVERFLOW);
  }
  const value = old + incr;
  storeCounter(ctx, k, e, value.toString(), value >= 0n && value < SHARED_INTEGERS_BIG);
  return int(value);
}

const SHARED_INTEGERS_BIG = BigInt(OBJ_SHARED_INTEGERS);

/**
 * Stores a counter's new value: an unshared int object is updated in place when the result is no
 * small integer; otherwise a new object is made, shared when the value is a small integer.
 */
function storeCounter(
  ctx: CommandContext,
  k: Bytes,
  e: Entry | undefined,
  text: Bytes,
  small: boolean,
): void {
  const inPlace = e !== undefined && e.encoding === "int" && !e.shared && !small;
  const shared = !inPlace && small && sharedIntegersAllowed(ctx);
  if (e !== undefined) {
    updateString(ctx, k, e, text, "int", shared);
  } else {
    const n = stringEntry(ctx, text, "int");
    if (shared) n.shared = true;
    ctx.db.set(k, n);
  }
}

/** An increment as incrDecr wants it: a number when exact. */
function increment(v: bigint): number | bigint {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

function incrCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return incrDecr(ctx, argv[1], 1);
}

function decrCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return incrDecr(ctx, argv[1], -1);
}

function incrbyCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return incrDecr(ctx, argv[1], increment(toInt64(argv[2])));
}

function decrbyCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const incr = toInt64(argv[2]);
  if (incr === INT64_MIN) throw new ReplyError(ERR_DECREMENT_OVERFLOW);
  return incrDecr(ctx, argv[1], increment(-incr));
}

function incrbyfloatCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const k = argv[1];
  const e = lookupKeyWrite(ctx, k);
  checkType(e, "string");
  let value: LongDouble | undefined = e === undefined
    ? { kind: "finite", neg: false, m: 0n, e: 0 }
    : string2ld(str(e));
  const incr = value === undefined ? undefined : string2ld(argv[2]);
  if (value === undefined || incr === undefined) throw new ReplyError(ERR_NOT_FLOAT);
  value = addLongDouble(value, incr);
  if (isNanOrInf(value)) throw new ReplyError(ERR_INCR_NAN_OR_INF);
  const text = formatLongDoubleHuman(value);
  if (e !== undefined) updateString(ctx, k, e, text, createdEncoding(text));
  else ctx.db.set(k, stringEntry(ctx, text, createdEncoding(text)));
  return bulk(text);
}

// ---- APPEND STRLEN GETRANGE SETRANGE ----

function appendCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const k = argv[1], tail = argv[2];
  const e = lookupKeyWrite(ctx, k);
  if (e === undefined) {
    ctx.db.set(k, stringFromArgument(ctx, tail));
    return int(tail.length);
  }
  checkType(e, "string");
  const cur = str(e);
  checkStringLength(ctx, cur.length, tail.length);
  const value = cur + tail;
  updateString(ctx, k, e, value, "raw");
  return int(value.length);
}

function strlenCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const e = lookupKeyRead(ctx, argv[1]);
  if (e === undefined) return int(0);
  checkType(e, "string");
  return int(str(e).length);
}

const EMPTY_BULK = bulk("");

function getrangeCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  let start = toInt64(argv[2]);
  let end = toInt64(argv[3]);
  const e = lookupKeyRead(ctx, argv[1]);
  if (e === undefined) return EMPTY_BULK;
  checkType(e, "string");
  const s = str(e);
  const len = BigInt(s.length);
  if (start < 0n && end < 0n && start > end) return EMPTY_BULK;
  if (start < 0n) start += len;
  if (end < 0n) end += len;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= len) end = len - 1n;
  if (start > end || len === 0n) return EMPTY_BULK;
  return bulk(s.slice(Number(start), Number(end) + 1));
}

function setrangeCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const k = argv[1], value = argv[3];
  const offset = toInt64(argv[2]);
  if (offset < 0n) throw new ReplyError(ERR_OFFSET_OUT_OF_RANGE);
  const e = lookupKeyWrite(ctx, k);
  if (e === undefined) {
    if (value.length === 0) return int(0);
    checkStringLength(ctx, offset, value.length);
    const s = "\0".repeat(Number(offset)) + value;
    ctx.db.set(k, stringEntry(ctx, s, "raw"));
    return int(s.length);
  }
  checkType(e, "string");
  const cur = str(e);
  if (value.length === 0) return int(cur.length);
  checkStringLength(ctx, offset, value.length);
  const off = Number(offset);
  const head = cur.length >= off ? cur.slice(0, off) : cur + "\0".repeat(off - cur.length);
  const s = head + value + cur.slice(off + value.length);
  updateString(ctx, k, e, s, "raw");
  return int(s.length);
}

// ---- bitmaps ----

/** getBitOffsetFromArgument: a bit offset below proto-max-bulk-len × 8. */
function bitOffset(ctx: CommandContext, a: Bytes): number {
  const v = parseInteger(a);
  if (v === undefined || v < 0 || BigInt(v) >> 3n >= BigInt(protoMaxBulkLen(ctx))) {
    throw new ReplyError(ERR_BIT_OFFSET);
  }
  return Number(v);
}

function setbitCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const k = argv[1];
  const offset = bitOffset(ctx, argv[2]);
  const on = parseInteger(argv[3]);
  if (on === undefined || (on !== 0 && on !== 1)) throw new ReplyError(ERR_BIT_VALUE);
  const byte = Math.floor(offset / 8);
  const e = lookupKeyWrite(ctx, k);
  checkType(e, "string");
  let cur: Bytes;
  let dirty = false;
  if (e === undefined) {
    cur = "\0".repeat(byte + 1);
    dirty = true;
  } else {
    cur = str(e);
    if (cur.length < byte + 1) {
      cur += "\0".repeat(byte + 1 - cur.length);
      dirty = true;
    }
  }
  const old = (cur.charCodeAt(byte) >> (7 - (offset % 8))) & 1;
  const next = withBit(cur, offset, on);
  if (e === undefined) {
    ctx.db.set(k, stringEntry(ctx, next, "raw"));
  } else {
    // The value is unshared and re-encoded raw even when no bit changes; only a change signals.
    updateString(ctx, k, e, next, "raw", false, dirty || old !== on);
  }
  return int(old);
}

function getbitCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const offset = bitOffset(ctx, argv[2]);
  const e = lookupKeyRead(ctx, argv[1]);
  if (e === undefined) return int(0);
  checkType(e, "string");
  const s = str(e);
  const byte = Math.floor(offset / 8);
  if (byte >= s.length) return int(0);
  return int((s.charCodeAt(byte) >> (7 - (offset % 8))) & 1);
}

/** BYTE | BIT unit word. */
function parseUnit(a: Bytes): boolean {
  if (eqIgnoreCase(a, "bit")) return true;
  if (eqIgnoreCase(a, "byte")) return false;
  throw new ReplyError(ERR_SYNTAX);
}

/**
 * Converts a start/end pair (negative from the end) over a string of `len` bytes, in bytes or
 * bits, to an inclusive bit range; undefined when it is empty.
 */
function bitRange(
  start: bigint,
  end: bigint,
  len: number,
  isBit: boolean,
): [number, number] | undefined {
  const total = BigInt(isBit ? len * 8 : len);
  if (start < 0n) start += total;
  if (end < 0n) end += total;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= total) end = total - 1n;
  if (start > end) return undefined;
  return isBit ? [Number(start), Number(end)] : [Number(start) * 8, Number(end) * 8 + 7];
}

function bitcountCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  if (argv.length !== 2 && argv.length !== 4 && argv.length !== 5) {
    throw new ReplyError(ERR_SYNTAX);
  }
  let start = 0n, end = -1n, isBit = false;
  if (argv.length >= 4) {
    start = toInt64(argv[2]);
    end = toInt64(argv[3]);
    if (argv.length === 5) isBit = parseUnit(argv[4]);
  }
  const e = lookupKeyRead(ctx, argv[1]);
  checkType(e, "string");
  if (e === undefined) return int(0);
  if (start < 0n && end < 0n && start > end) return int(0);
  const s = str(e);
  const r = bitRange(start, end, s.length, isBit);
  if (r === undefined) return int(0);
  const [first, last] = r;
  const fb = Math.floor(first / 8), lb = Math.floor(last / 8);
  let n = popcount(s, fb, lb);
  // Bits of the edge bytes outside the range.
  for (let b = fb * 8; b < first; b++) n -= (s.charCodeAt(fb) >> (7 - (b % 8))) & 1;
  for (let b = last + 1; b <= lb * 8 + 7; b++) n -= (s.charCodeAt(lb) >> (7 - (b % 8))) & 1;
  return int(n);
}

function bitposCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const bit = toIndex(argv[2]);
  if (bit !== 0 && bit !== 1) throw new ReplyError(ERR_BIT_ARGUMENT);
  if (argv.length > 6) throw new ReplyError(ERR_SYNTAX);
  let start = 0n, end = -1n, isBit = false, endGiven = false;
  if (argv.length >= 4) {
    start = toInt64(argv[3]);
    if (argv.length === 6) isBit = parseUnit(argv[5]);
    if (argv.length >= 5) {
      end = toInt64(argv[4]);
      endGiven = true;
    }
  }
  const e = lookupKeyRead(ctx, argv[1]);
  checkType(e, "string");
  // A missing key is an endless run of 0 bits.
  if (e === undefined) return int(bit === 1 ? -1 : 0);
  const s = str(e);
  const r = bitRange(start, end, s.length, isBit);
  if (r === undefined) return int(-1);
  const pos = findBit(s, bit, r[0], r[1]);
  if (pos !== -1 || bit === 1) return int(pos);
  // Looking for a 0 without an explicit end: the string is seen as padded with zeros.
  return int(endGiven ? -1 : r[1] + 1);
}

function bitopCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const opName = argv[1];
  const op: BitOp | undefined = eqIgnoreCase(opName, "and")
    ? "and"
    : eqIgnoreCase(opName, "or")
    ? "or"
    : eqIgnoreCase(opName, "xor")
    ? "xor"
    : eqIgnoreCase(opName, "not")
    ? "not"
    : undefined;
  if (op === undefined) throw new ReplyError(ERR_SYNTAX);
  if (op === "not" && argv.length !== 4) throw new ReplyError(ERR_BITOP_NOT_ARITY);
  const srcs: Bytes[] = [];
  for (let j = 3; j < argv.length; j++) {
    const e = lookupKeyRead(ctx, argv[j]);
    checkType(e, "string");
    srcs.push(e === undefined ? "" : str(e));
  }
  const dst = argv[2];
  const result = bitop(op, srcs);
  if (result.length > 0) {
    lookupKeyWrite(ctx, dst);
    ctx.db.set(dst, stringEntry(ctx, result, "raw"));
  } else {
    ctx.db.delete(dst);
  }
  return int(result.length);
}

// ---- LCS ----

function lcsCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const ea = lookupKeyRead(ctx, argv[1]);
  const eb = lookupKeyRead(ctx, argv[2]);
  if ((ea !== undefined && ea.type !== "string") || (eb !== undefined && eb.type !== "string")) {
    throw new ReplyError(ERR_LCS_NOT_STRINGS);
  }
  const a = ea === undefined ? "" : str(ea);
  const b = eb === undefined ? "" : str(eb);
  let getIdx = false, getLen = false, withMatchLen = false, minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const o = argv[j];
    if (eqIgnoreCase(o, "idx")) getIdx = true;
    else if (eqIgnoreCase(o, "len")) getLen = true;
    else if (eqIgnoreCase(o, "withmatchlen")) withMatchLen = true;
    else if (eqIgnoreCase(o, "minmatchlen") && j + 1 < argv.length) {
      const v = toIndex(argv[++j]);
      minMatchLen = v < 0 ? 0 : v;
    } else throw new ReplyError(ERR_SYNTAX);
  }
  if (getLen && getIdx) throw new ReplyError(ERR_LCS_LEN_AND_IDX);
  if (a.length >= 0xfffffffe || b.length >= 0xfffffffe) throw new ReplyError(ERR_LCS_TOO_LONG);
  if ((a.length + 1) * (b.length + 1) * 4 > protoMaxBulkLen(ctx)) {
    throw new ReplyError(ERR_LCS_OVER_PROTO_MAX);
  }
  let r;
  try {
    r = lcs(a, b, getIdx || !getLen, minMatchLen);
  } catch (e) {
    if (e instanceof RangeError) throw new ReplyError(ERR_LCS_NO_MEMORY);
    throw e;
  }
  if (getIdx) {
    const matches = r.matches.map((m) =>
      array([
        array([int(m.a[0]), int(m.a[1])]),
        array([int(m.b[0]), int(m.b[1])]),
        ...(withMatchLen ? [int(m.len)] : []),
      ])
    );
    return map([[bulk("matches"), array(matches)], [bulk("len"), int(r.len)]]);
  }
  return getLen ? int(r.len) : bulk(r.text);
}

// ---- the table ----

const KEY = [key("key", 0)];
const EXPIRATION_ARGS = [
  arg("seconds", "integer", { token: "EX" }),
  arg("milliseconds", "integer", { token: "PX" }),
  arg("unix-time-seconds", "unix-time", { token: "EXAT" }),
  arg("unix-time-milliseconds", "unix-time", { token: "PXAT" }),
];
const UNIT = oneof("unit", [token("BYTE"), token("BIT")], { optional: true, since: "7.0.0" });
const RW_ACCESS_UPDATE = [keyAt("RW access update", 1)];
const RO_ACCESS = [keyAt("RO access", 1)];
const STRING = { group: "string" } as const;
const BITMAP = { group: "bitmap" } as const;
const RANGE_COMPLEXITY =
  "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.";

/** The string and bitmap groups. */
export const STRING_COMMANDS: readonly CommandSpec[] = [
  // bitmap
  command("bitcount", -2, "readonly", "read bitmap slow", RO_ACCESS, {
    ...BITMAP,
    since: "2.6.0",
    summary: "Counts the number of set bits (population counting) in a string.",
    complexity: "O(N)",
    history: [["7.0.0", "Added the `BYTE|BIT` option."]],
    arguments: [
      key("key", 0),
      block("range", [arg("start", "integer"), arg("end", "integer"), UNIT], OPTIONAL),
    ],
  }, bitcountCommand),
  command("bitop", -4, "write denyoom", "write bitmap slow", [
    keyAt("OW update", 2),
    keyAt("RO access", 3, -1),
  ], {
    ...BITMAP,
    since: "2.6.0",
    summary: "Performs bitwise operations on multiple strings, and stores the result.",
    complexity: "O(N)",
    arguments: [
      oneof("operation", [token("AND"), token("OR"), token("XOR"), token("NOT")]),
      key("destkey", 0),
      key("key", 1, { multiple: true }),
    ],
  }, bitopCommand),
  command("bitpos", -3, "readonly", "read bitmap slow", RO_ACCESS, {
    ...BITMAP,
    since: "2.8.7",
    summary: "Finds the first set (1) or clear (0) bit in a string.",
    complexity: "O(N)",
    history: [["7.0.0", "Added the `BYTE|BIT` option."]],
    arguments: [
      key("key", 0),
      arg("bit", "integer"),
      block("range", [
        arg("start", "integer"),
        block("end-unit-block", [arg("end", "integer"), UNIT], OPTIONAL),
      ], OPTIONAL),
    ],
  }, bitposCommand),
  command("getbit", 3, "readonly fast", "read bitmap fast", RO_ACCESS, {
    ...BITMAP,
    since: "2.2.0",
    summary: "Returns a bit value by offset.",
    complexity: "O(1)",
    arguments: [key("key", 0), arg("offset", "integer")],
  }, getbitCommand),
  command("setbit", 4, "write denyoom", "write bitmap slow", RW_ACCESS_UPDATE, {
    ...BITMAP,
    since: "2.2.0",
    summary:
      "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.",
    complexity: "O(1)",
    arguments: [key("key", 0), arg("offset", "integer"), arg("value", "integer")],
  }, setbitCommand),
  // string
  command("append", 3, "write denyoom fast", "write string fast", [keyAt("RW insert", 1)], {
    ...STRING,
    since: "2.0.0",
    summary: "Appends a string to the value of a key. Creates the key if it doesn't exist.",
    complexity:
      "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by the server will double the free space available on every reallocation.",
    arguments: [key("key", 0), arg("value", "string")],
  }, appendCommand),
  command("decr", 2, "write denyoom fast", "write string fast", RW_ACCESS_UPDATE, {
    ...STRING,
    since: "1.0.0",
    summary:
      "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
    complexity: "O(1)",
    arguments: KEY,
  }, decrCommand),
  command("decrby", 3, "write denyoom fast", "write string fast", RW_ACCESS_UPDATE, {
    ...STRING,
    since: "1.0.0",
    summary:
      "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.",
    complexity: "O(1)",
    arguments: [key("key", 0), arg("decrement", "integer")],
  }, decrbyCommand),
  command("get", 2, "readonly fast", "read string fast", RO_ACCESS, {
    ...STRING,
    since: "1.0.0",
    summary: "Returns the string value of a key.",
    complexity: "O(1)",
    arguments: KEY,
  }, getCommand),
  command("getdel", 2, "write fast", "write string fast", [keyAt("RW access delete", 1)], {
    ...STRING,
    since: "6.2.0",
    summary: "Returns the string value of a key after deleting the key.",
    complexity: "O(1)",
    arguments: KEY,
  }, getdelCommand),
  command("getex", -2, "write fast", "write string fast", [
    keyAt("RW access update", 1, 0, 1, "RW and UPDATE because it changes the TTL"),
  ], {
    ...STRING,
    since: "6.2.0",
    summary: "Returns the string value of a key after setting its expiration time.",
    complexity: "O(1)",
    arguments: [
      key("key", 0),
      oneof("expiration", [...EXPIRATION_ARGS, token("PERSIST")], OPTIONAL),
    ],
  }, getexCommand),
  command("getrange", 4, "readonly", "read string slow", RO_ACCESS, {
    ...STRING,
    since: "2.4.0",
    summary: "Returns a substring of the string stored at a key.",
    complexity: RANGE_COMPLEXITY,
    arguments: [key("key", 0), arg("start", "integer"), arg("end", "integer")],
  }, getrangeCommand),
  command("getset", 3, "write denyoom fast", "write string fast", RW_ACCESS_UPDATE, {
    ...STRING,
    since: "1.0.0",
    summary: "Returns the previous string value of a key after setting it to a new value.",
    complexity: "O(1)",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`SET` with the `!GET` argument",
    arguments: [key("key", 0), arg("value", "string")],
  }, getsetCommand),
  command("incr", 2, "write denyoom fast", "write string fast", RW_ACCESS_UPDATE, {
    ...STRING,
    since: "1.0.0",
    summary:
      "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
    complexity: "O(1)",
    arguments: KEY,
  }, incrCommand),
  command("incrby", 3, "write denyoom fast", "write string fast", RW_ACCESS_UPDATE, {
    ...STRING,
    since: "1.0.0",
    summary:
      "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
    complexity: "O(1)",
    arguments: [key("key", 0), arg("increment", "integer")],
  }, incrbyCommand),
  command("incrbyfloat", 3, "write denyoom fast", "write string fast", RW_ACCESS_UPDATE, {
    ...STRING,
    since: "2.6.0",
    summary:
      "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
    complexity: "O(1)",
    arguments: [key("key", 0), arg("increment", "double")],
  }, incrbyfloatCommand),
  command("lcs", -3, "readonly", "read string slow", [keyAt("RO access", 1, 1)], {
    ...STRING,
    since: "7.0.0",
    summary: "Finds the longest common substring.",
    complexity: "O(N*M) where N and M are the lengths of s1 and s2, respectively",
    arguments: [
      key("key1", 0),
      key("key2", 0),
      token("LEN", OPTIONAL),
      token("IDX", OPTIONAL),
      arg("min-match-len", "integer", { token: "MINMATCHLEN", optional: true }),
      token("WITHMATCHLEN", OPTIONAL),
    ],
  }, lcsCommand),
  command("mget", -2, "readonly fast", "read string fast", [keyAt("RO access", 1, -1)], {
    ...STRING,
    since: "1.0.0",
    summary: "Atomically returns the string values of one or more keys.",
    complexity: "O(N) where N is the number of keys to retrieve.",
    tips: ["request_policy:multi_shard"],
    arguments: [key("key", 0, { multiple: true })],
  }, mgetCommand),
  command("mset", -3, "write denyoom", "write string slow", [keyAt("OW update", 1, -1, 2)], {
    ...STRING,
    since: "1.0.1",
    summary: "Atomically creates or modifies the string values of one or more keys.",
    complexity: "O(N) where N is the number of keys to set.",
    tips: ["request_policy:multi_shard", "response_policy:all_succeeded"],
    arguments: [block("data", [key("key", 0), arg("value", "string")], { multiple: true })],
  }, msetGeneric(false)),
  command("msetnx", -3, "write denyoom", "write string slow", [keyAt("OW insert", 1, -1, 2)], {
    ...STRING,
    since: "1.0.1",
    summary:
      "Atomically modifies the string values of one or more keys only when all keys don't exist.",
    complexity: "O(N) where N is the number of keys to set.",
    arguments: [block("data", [key("key", 0), arg("value", "string")], { multiple: true })],
  }, msetGeneric(true)),
  command("psetex", 4, "write denyoom", "write string slow", [keyAt("OW update", 1)], {
    ...STRING,
    since: "2.6.0",
    summary:
      "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.",
    complexity: "O(1)",
    docFlags: ["deprecated"],
    deprecatedSince: "2.6.12",
    replacedBy: "`SET` with the `PX` argument",
    arguments: [key("key", 0), arg("milliseconds", "integer"), arg("value", "string")],
  }, psetexCommand),
  command("set", -3, "write denyoom", "write string slow", [
    keyAt(
      "RW access update variable_flags",
      1,
      0,
      1,
      "RW and ACCESS due to the optional `GET` argument",
    ),
  ], {
    ...STRING,
    since: "1.0.0",
    summary:
      "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
    complexity: "O(1)",
    history: [
      ["2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."],
      ["6.0.0", "Added the `KEEPTTL` option."],
      ["6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."],
      ["7.0.0", "Allowed the `NX` and `GET` options to be used together."],
    ],
    arguments: [
      key("key", 0),
      arg("value", "string"),
      oneof("condition", [token("NX"), token("XX")], { optional: true, since: "2.6.12" }),
      token("GET", { optional: true, since: "6.2.0" }),
      oneof("expiration", [
        arg("seconds", "integer", { token: "EX", since: "2.6.12" }),
        arg("milliseconds", "integer", { token: "PX", since: "2.6.12" }),
        arg("unix-time-seconds", "unix-time", { token: "EXAT", since: "6.2.0" }),
        arg("unix-time-milliseconds", "unix-time", { token: "PXAT", since: "6.2.0" }),
        token("KEEPTTL", { since: "6.0.0" }),
      ], OPTIONAL),
    ],
  }, setCommand),
  command("setex", 4, "write denyoom", "write string slow", [keyAt("OW update", 1)], {
    ...STRING,
    since: "2.0.0",
    summary:
      "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.",
    complexity: "O(1)",
    docFlags: ["deprecated"],
    deprecatedSince: "2.6.12",
    replacedBy: "`SET` with the `EX` argument",
    arguments: [key("key", 0), arg("seconds", "integer"), arg("value", "string")],
  }, setexCommand),
  command("setnx", 3, "write denyoom fast", "write string fast", [keyAt("OW insert", 1)], {
    ...STRING,
    since: "1.0.0",
    summary: "Set the string value of a key only when the key doesn't exist.",
    complexity: "O(1)",
    docFlags: ["deprecated"],
    deprecatedSince: "2.6.12",
    replacedBy: "`SET` with the `NX` argument",
    arguments: [key("key", 0), arg("value", "string")],
  }, setnxCommand),
  command("setrange", 4, "write denyoom", "write string slow", [keyAt("RW update", 1)], {
    ...STRING,
    since: "2.2.0",
    summary:
      "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.",
    complexity:
      "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.",
    arguments: [key("key", 0), arg("offset", "integer"), arg("value", "string")],
  }, setrangeCommand),
  command("strlen", 2, "readonly fast", "read string fast", [keyAt("RO", 1)], {
    ...STRING,
    since: "2.2.0",
    summary: "Returns the length of a string value.",
    complexity: "O(1)",
    arguments: KEY,
  }, strlenCommand),
  command("substr", 4, "readonly", "read string slow", RO_ACCESS, {
    ...STRING,
    since: "1.0.0",
    summary: "Returns a substring from a string value.",
    complexity: RANGE_COMPLEXITY,
    docFlags: ["deprecated"],
    deprecatedSince: "2.0.0",
    replacedBy: "`GETRANGE`",
    arguments: [key("key", 0), arg("start", "integer"), arg("end", "integer")],
  }, getrangeCommand),
];
