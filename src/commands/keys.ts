/**
 * The generic keyspace commands (Valkey's db.c / expire.c / object.c): DEL UNLINK EXISTS TYPE,
 * the EXPIRE and TTL families, PERSIST, KEYS, SCAN, RENAME(NX), RANDOMKEY, TOUCH, COPY, MOVE and
 * OBJECT.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { eqIgnoreCase } from "../bytes.ts";
import {
  ERR_DB_INDEX,
  ERR_EXPIRE_GT_AND_LT,
  ERR_EXPIRE_NX_WITH_OTHERS,
  ERR_NO_SUCH_KEY,
  ERR_OBJECT_FREQ_NOT_LFU,
  ERR_OBJECT_IDLETIME_LFU,
  ERR_SAME_OBJECT,
  ERR_SYNTAX,
  errInvalidExpireTime,
  errUnknownTypeName,
  errUnsupportedOption,
  ReplyError,
} from "../errors.ts";
import { type Db, type Entry, EXPIRE_OVERHEAD, type ValueType } from "../keyspace/keyspace.ts";
import {
  isLfuPolicy,
  lfuDecrAndReturn,
  LOOKUP_NOTOUCH,
  type LookupContext,
  lookupKeyRead,
  lookupKeyWrite,
  mstime,
} from "../keyspace/lookup.ts";
import { array, bulk, bulkArray, int, NULL, OK, type Reply, status } from "../resp/reply.ts";
import { OBJ_SHARED_REFCOUNT, stringMatch } from "../types/string.ts";
import { INT64_MAX, INT64_MIN, toIndex, toInt32, toInt64, toScanCursor } from "./args.ts";
import { arg, command, key, keyAt, oneof, OPTIONAL, token } from "./meta.ts";
import type { CommandContext, CommandSpec } from "./spec.ts";

/** A context reading another database (COPY … DB, MOVE). */
function inDb(ctx: CommandContext, db: Db): LookupContext {
  return { server: ctx.server, db, now: ctx.now };
}

function selectDb(ctx: CommandContext, id: number): Db {
  const db = ctx.server.keyspace.dbs[id];
  if (id < 0 || db === undefined) throw new ReplyError(ERR_DB_INDEX);
  return db;
}

// ---- DEL UNLINK EXISTS TYPE TOUCH ----

function delCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const now = ctx.now;
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    // An expired key counts as expired, not as deleted.
    if (ctx.db.expireIfNeeded(argv[i], now)) continue;
    if (ctx.db.delete(argv[i])) n++;
  }
  return int(n);
}

function existsCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    if (lookupKeyRead(ctx, argv[i], LOOKUP_NOTOUCH) !== undefined) n++;
  }
  return int(n);
}

function typeCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return status(lookupKeyRead(ctx, argv[1], LOOKUP_NOTOUCH)?.type ?? "none");
}

function touchCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (lookupKeyRead(ctx, argv[i]) !== undefined) n++;
  return int(n);
}

// ---- EXPIRE family ----

const EXPIRE_NX = 1, EXPIRE_XX = 2, EXPIRE_GT = 4, EXPIRE_LT = 8;

function parseExpireFlags(argv: readonly Bytes[]): number {
  let flags = 0;
  for (let i = 3; i < argv.length; i++) {
    const o = argv[i];
    if (eqIgnoreCase(o, "nx")) flags |= EXPIRE_NX;
    else if (eqIgnoreCase(o, "xx")) flags |= EXPIRE_XX;
    else if (eqIgnoreCase(o, "gt")) flags |= EXPIRE_GT;
    else if (eqIgnoreCase(o, "lt")) flags |= EXPIRE_LT;
    else throw new ReplyError(errUnsupportedOption(o));
  }
  if ((flags & EXPIRE_NX) !== 0 && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) !== 0) {
    throw new ReplyError(ERR_EXPIRE_NX_WITH_OTHERS);
  }
  if ((flags & EXPIRE_GT) !== 0 && (flags & EXPIRE_LT) !== 0) {
    throw new ReplyError(ERR_EXPIRE_GT_AND_LT);
  }
  return flags;
}

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (expireGenericCommand). */
function expireGeneric(relative: boolean, seconds: boolean, name: string) {
  return (ctx: CommandContext, argv: readonly Bytes[]): Reply => {
    const flags = parseExpireFlags(argv);
    let when = toInt64(argv[2]);
    const basetime = relative ? BigInt(mstime(ctx)) : 0n;
    if (seconds) {
      // C's LLONG_MAX / 1000 truncates toward zero.
      if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) {
        throw new ReplyError(errInvalidExpireTime(name));
      }
      when *= 1000n;
    }
    if (when > INT64_MAX - basetime) throw new ReplyError(errInvalidExpireTime(name));
    when += basetime;
    const k = argv[1];
    if (lookupKeyWrite(ctx, k) === undefined) return int(0);
    if (flags !== 0) {
      const cur = ctx.db.getExpireExact(k);
      const current = cur === undefined ? -1n : BigInt(cur);
      if ((flags & EXPIRE_NX) !== 0 && current !== -1n) return int(0);
      if ((flags & EXPIRE_XX) !== 0 && current === -1n) return int(0);
      // No TTL counts as an infinite one: GT never beats it, LT always does.
      if ((flags & EXPIRE_GT) !== 0 && (when <= current || current === -1n)) return int(0);
      if ((flags & EXPIRE_LT) !== 0 && current !== -1n && when >= current) return int(0);
    }
    if (when <= BigInt(mstime(ctx))) {
      ctx.db.expireNow(k);
      return int(1);
    }
    ctx.db.setExpire(k, when);
    ctx.db.touch(k);
    return int(1);
  };
}

/** TTL, PTTL, EXPIRETIME, PEXPIRETIME (ttlGenericCommand). */
function ttlGeneric(ms: boolean, absolute: boolean) {
  return (ctx: CommandContext, argv: readonly Bytes[]): Reply => {
    if (lookupKeyRead(ctx, argv[1], LOOKUP_NOTOUCH) === undefined) return int(-2);
    const at = ctx.db.getExpireExact(argv[1]);
    if (at === undefined) return int(-1);
    let ttl = BigInt(at) - (absolute ? 0n : BigInt(mstime(ctx)));
    if (ttl < 0n) ttl = 0n;
    return int(ms ? ttl : (ttl + 500n) / 1000n);
  };
}

function persistCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  if (lookupKeyWrite(ctx, argv[1]) === undefined || !ctx.db.persist(argv[1])) return int(0);
  ctx.db.touch(argv[1]);
  return int(1);
}

// ---- KEYS SCAN RANDOMKEY ----

function keysCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const pattern = argv[1];
  const all = pattern === "*";
  const out: Bytes[] = [];
  // KEYS skips logically expired keys without deleting them.
  for (const k of ctx.db.keys()) {
    if ((all || stringMatch(pattern, k)) && !ctx.db.isExpired(k, ctx.now)) out.push(k);
  }
  return bulkArray(out);
}

const TYPE_NAMES: readonly ValueType[] = ["string", "list", "set", "zset", "hash"];

function scanCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const cursor = toScanCursor(argv[1]);
  let count = 10;
  let pattern: Bytes | undefined;
  let type: ValueType | undefined;
  for (let i = 2; i < argv.length;) {
    const o = argv[i], more = argv.length - i;
    if (eqIgnoreCase(o, "count") && more >= 2) {
      count = toIndex(argv[i + 1]);
      if (count < 1) throw new ReplyError(ERR_SYNTAX);
      i += 2;
    } else if (eqIgnoreCase(o, "match") && more >= 2) {
      pattern = argv[i + 1] === "*" ? undefined : argv[i + 1];
      i += 2;
    } else if (eqIgnoreCase(o, "type") && more >= 2) {
      // Valkey 8 refuses unknown names ("stream" is a type evalkit has no values of).
      const t = argv[i + 1];
      const found = TYPE_NAMES.find((n) => eqIgnoreCase(t, n));
      if (found === undefined && !eqIgnoreCase(t, "stream")) {
        throw new ReplyError(errUnknownTypeName(t));
      }
      type = found ?? ("stream" as ValueType);
      i += 2;
    } else if (eqIgnoreCase(o, "novalues")) {
      throw new ReplyError("ERR NOVALUES option can only be used in HSCAN");
    } else if (eqIgnoreCase(o, "noscores")) {
      throw new ReplyError("ERR NOSCORES option can only be used in ZSCAN");
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  const step = ctx.db.scan(cursor, count);
  const keys: Reply[] = [];
  for (const k of step.keys) {
    const e = ctx.db.peek(k);
    if (e === undefined) continue;
    if (type !== undefined && e.type !== type) continue;
    if (pattern !== undefined && !stringMatch(pattern, k)) continue;
    if (ctx.db.expireIfNeeded(k, ctx.now)) continue;
    keys.push(bulk(k));
  }
  return array([bulk(step.cursor.toString()), array(keys)]);
}

function randomkeyCommand(ctx: CommandContext): Reply {
  const k = ctx.db.randomKey(ctx.now);
  return k === undefined ? NULL : bulk(k);
}

// ---- RENAME COPY MOVE ----

function renameGeneric(nx: boolean) {
  return (ctx: CommandContext, argv: readonly Bytes[]): Reply => {
    const src = argv[1], dst = argv[2];
    const e = lookupKeyWrite(ctx, src);
    if (e === undefined) throw new ReplyError(ERR_NO_SUCH_KEY);
    if (src === dst) return nx ? int(0) : OK;
    const expire = ctx.db.getExpireExact(src);
    if (lookupKeyWrite(ctx, dst) !== undefined) {
      if (nx) return int(0);
      ctx.db.delete(dst);
    }
    const extra = valueCharge(ctx, ctx.db, src, e);
    ctx.db.delete(src);
    ctx.db.set(dst, e);
    if (extra !== 0) ctx.db.adjustKeyMemory(dst, extra);
    if (expire !== undefined) ctx.db.setExpire(dst, expire);
    return nx ? int(1) : OK;
  };
}

/**
 * Bytes a type charged to `k` with adjustKeyMemory beyond the keyspace's own estimate: they
 * follow the value when it moves or is copied to another key.
 */
function valueCharge(ctx: CommandContext, db: Db, k: Bytes, e: Entry): number {
  const ttl = db.getExpire(k) !== undefined ? EXPIRE_OVERHEAD : 0;
  return (e.mem ?? 0) - ctx.server.keyspace.sizeOf(k, e) - ttl;
}

function copyCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  let dstDb = ctx.db;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    if (eqIgnoreCase(argv[j], "replace")) {
      replace = true;
    } else if (eqIgnoreCase(argv[j], "db") && j + 1 < argv.length) {
      dstDb = selectDb(ctx, toInt32(argv[j + 1]));
      j++;
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  const src = argv[1], dst = argv[2];
  if (dstDb === ctx.db && src === dst) throw new ReplyError(ERR_SAME_OBJECT);
  const e = lookupKeyRead(ctx, src);
  if (e === undefined) return int(0);
  const expire = ctx.db.getExpireExact(src);
  const dctx = inDb(ctx, dstDb);
  let del = false;
  if (lookupKeyWrite(dctx, dst) !== undefined) {
    if (!replace) return int(0);
    del = true;
  }
  const copy: Entry = {
    type: e.type,
    value: duplicateValue(e.value),
    lru: ctx.now,
    lfu: e.lfu,
    ...(e.encoding !== undefined ? { encoding: e.encoding } : {}),
  };
  const extra = valueCharge(ctx, ctx.db, src, e);
  if (del) dstDb.delete(dst);
  dstDb.set(dst, copy);
  if (extra !== 0) dstDb.adjustKeyMemory(dst, extra);
  if (expire !== undefined) dstDb.setExpire(dst, expire);
  return int(1);
}

/**
 * A deep copy of a value for COPY. Strings are immutable byte strings; the other types' data
 * structures copy themselves with `clone()`.
 */
function duplicateValue(v: unknown): unknown {
  if (typeof v === "string") return v;
  const c = (v as { clone?: () => unknown } | null)?.clone;
  if (typeof c === "function") return c.call(v);
  throw new ReplyError("ERR unknown type object");
}

function moveCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const dstDb = selectDb(ctx, toInt32(argv[2]));
  if (dstDb === ctx.db) throw new ReplyError(ERR_SAME_OBJECT);
  const k = argv[1];
  const e = lookupKeyWrite(ctx, k);
  if (e === undefined) return int(0);
  const expire = ctx.db.getExpireExact(k);
  if (lookupKeyWrite(inDb(ctx, dstDb), k) !== undefined) return int(0);
  const extra = valueCharge(ctx, ctx.db, k, e);
  ctx.db.delete(k);
  dstDb.set(k, e);
  if (extra !== 0) dstDb.adjustKeyMemory(k, extra);
  if (expire !== undefined) dstDb.setExpire(k, expire);
  return int(1);
}

// ---- OBJECT ----

const OBJECT_HELP = [
  "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "ENCODING <key>",
  "    Return the kind of internal representation used in order to store the value",
  "    associated with a <key>.",
  "FREQ <key>",
  "    Return the access frequency index of the <key>. The returned integer is",
  "    proportional to the logarithm of the recent access frequency of the key.",
  "IDLETIME <key>",
  "    Return the idle time of the <key>, that is the approximated number of",
  "    seconds elapsed since the last access to the key.",
  "REFCOUNT <key>",
  "    Return the number of references of the value associated with the specified",
  "    <key>.",
  "HELP",
  "    Prints this help.",
];

/** Fallbacks when a type keeps no encoding on the entry nor on its value. */
const DEFAULT_ENCODING: Record<ValueType, string> = {
  string: "raw",
  list: "quicklist",
  hash: "hashtable",
  set: "hashtable",
  zset: "skiplist",
};

/**
 * OBJECT ENCODING of an entry: `entry.encoding`, else the value's own `encoding` (a string
 * property or method), else the type's general encoding.
 */
export function encodingOf(e: Entry): string {
  if (e.encoding !== undefined) return e.encoding;
  const enc = (e.value as { encoding?: unknown } | null)?.encoding;
  if (typeof enc === "string") return enc;
  if (typeof enc === "function") return String(enc.call(e.value));
  return DEFAULT_ENCODING[e.type];
}

function objectLookup(ctx: CommandContext, k: Bytes): Entry | undefined {
  return lookupKeyRead(ctx, k, LOOKUP_NOTOUCH);
}

function objectEncoding(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const e = objectLookup(ctx, argv[2]);
  return e === undefined ? NULL : bulk(encodingOf(e));
}

function objectRefcount(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const e = objectLookup(ctx, argv[2]);
  return e === undefined ? NULL : int(e.shared ? OBJ_SHARED_REFCOUNT : 1);
}

function objectIdletime(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const e = objectLookup(ctx, argv[2]);
  if (e === undefined) return NULL;
  if (isLfuPolicy(ctx)) throw new ReplyError(ERR_OBJECT_IDLETIME_LFU);
  // The LRU clock ticks in whole seconds.
  return int(Math.max(0, Math.floor(ctx.now / 1000) - Math.floor(e.lru / 1000)));
}

function objectFreq(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const e = objectLookup(ctx, argv[2]);
  if (e === undefined) return NULL;
  if (!isLfuPolicy(ctx)) throw new ReplyError(ERR_OBJECT_FREQ_NOT_LFU);
  return int(lfuDecrAndReturn(ctx, e));
}

function objectHelp(): Reply {
  return array(OBJECT_HELP.map(status));
}

// ---- the table ----

const EXPIRE_CONDITION = oneof("condition", [token("NX"), token("XX"), token("GT"), token("LT")], {
  optional: true,
  since: "7.0.0",
});
const EXPIRE_HISTORY = [["7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."]] as const;
const MULTI_SHARD_SUM = ["request_policy:multi_shard", "response_policy:agg_sum"];
const ONE_KEY = [key("key", 0)];

function objectSub(name: string, summary: string, since: string, run: typeof objectEncoding) {
  return command(name, 3, "readonly", "keyspace read slow", [keyAt("RO", 2)], {
    group: "generic",
    since,
    summary,
    complexity: "O(1)",
    tips: ["nondeterministic_output"],
    arguments: ONE_KEY,
  }, run);
}

/** The keys (generic) group. */
export const KEY_COMMANDS: readonly CommandSpec[] = [
  command("copy", -3, "write denyoom", "keyspace write slow", [
    keyAt("RO access", 1),
    keyAt("OW update", 2),
  ], {
    group: "generic",
    since: "6.2.0",
    summary: "Copies the value of a key to a new key.",
    complexity:
      "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
    arguments: [
      key("source", 0),
      key("destination", 1),
      arg("destination-db", "integer", { token: "DB", optional: true }),
      token("REPLACE", OPTIONAL),
    ],
  }, copyCommand),
  command("del", -2, "write", "keyspace write slow", [keyAt("RM delete", 1, -1)], {
    group: "generic",
    since: "1.0.0",
    summary: "Deletes one or more keys.",
    complexity:
      "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
    tips: MULTI_SHARD_SUM,
    arguments: [key("key", 0, { multiple: true })],
  }, delCommand),
  command("exists", -2, "readonly fast", "keyspace read fast", [keyAt("RO", 1, -1)], {
    group: "generic",
    since: "1.0.0",
    summary: "Determines whether one or more keys exist.",
    complexity: "O(N) where N is the number of keys to check.",
    tips: MULTI_SHARD_SUM,
    history: [["3.0.3", "Accepts multiple `key` arguments."]],
    arguments: [key("key", 0, { multiple: true })],
  }, existsCommand),
  command("expire", -3, "write fast", "keyspace write fast", [keyAt("RW update", 1)], {
    group: "generic",
    since: "1.0.0",
    summary: "Sets the expiration time of a key in seconds.",
    complexity: "O(1)",
    history: EXPIRE_HISTORY,
    arguments: [key("key", 0), arg("seconds", "integer"), EXPIRE_CONDITION],
  }, expireGeneric(true, true, "expire")),
  command("expireat", -3, "write fast", "keyspace write fast", [keyAt("RW update", 1)], {
    group: "generic",
    since: "1.2.0",
    summary: "Sets the expiration time of a key to a Unix timestamp.",
    complexity: "O(1)",
    history: EXPIRE_HISTORY,
    arguments: [key("key", 0), arg("unix-time-seconds", "unix-time"), EXPIRE_CONDITION],
  }, expireGeneric(false, true, "expireat")),
  command("expiretime", 2, "readonly fast", "keyspace read fast", [keyAt("RO access", 1)], {
    group: "generic",
    since: "7.0.0",
    summary: "Returns the expiration time of a key as a Unix timestamp.",
    complexity: "O(1)",
    arguments: ONE_KEY,
  }, ttlGeneric(false, true)),
  command("keys", 2, "readonly", "keyspace read slow dangerous", [], {
    group: "generic",
    since: "1.0.0",
    summary: "Returns all key names that match a pattern.",
    complexity:
      "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.",
    tips: ["request_policy:all_shards", "nondeterministic_output_order"],
    arguments: [arg("pattern", "pattern")],
  }, keysCommand),
  command("move", 3, "write fast", "keyspace write fast", [keyAt("RW access update", 1)], {
    group: "generic",
    since: "1.0.0",
    summary: "Moves a key to another database.",
    complexity: "O(1)",
    arguments: [key("key", 0), arg("db", "integer")],
  }, moveCommand),
  command(
    "object",
    -2,
    "",
    "slow",
    [],
    {
      group: "generic",
      since: "2.2.3",
      summary: "A container for object introspection commands.",
      complexity: "Depends on subcommand.",
    },
    undefined,
    [
      objectSub("encoding", "Returns the internal encoding of an object.", "2.2.3", objectEncoding),
      objectSub(
        "freq",
        "Returns the logarithmic access frequency counter of an object.",
        "4.0.0",
        objectFreq,
      ),
      command("help", 2, "loading stale", "keyspace slow", [], {
        group: "generic",
        since: "6.2.0",
        summary: "Returns helpful text about the different subcommands.",
        complexity: "O(1)",
      }, objectHelp),
      objectSub(
        "idletime",
        "Returns the time since the last access to an object.",
        "2.2.3",
        objectIdletime,
      ),
      objectSub(
        "refcount",
        "Returns the reference count of a value of a key.",
        "2.2.3",
        objectRefcount,
      ),
    ],
  ),
  command("persist", 2, "write fast", "keyspace write fast", [keyAt("RW update", 1)], {
    group: "generic",
    since: "2.2.0",
    summary: "Removes the expiration time of a key.",
    complexity: "O(1)",
    arguments: ONE_KEY,
  }, persistCommand),
  command("pexpire", -3, "write fast", "keyspace write fast", [keyAt("RW update", 1)], {
    group: "generic",
    since: "2.6.0",
    summary: "Sets the expiration time of a key in milliseconds.",
    complexity: "O(1)",
    history: EXPIRE_HISTORY,
    arguments: [key("key", 0), arg("milliseconds", "integer"), EXPIRE_CONDITION],
  }, expireGeneric(true, false, "pexpire")),
  command("pexpireat", -3, "write fast", "keyspace write fast", [keyAt("RW update", 1)], {
    group: "generic",
    since: "2.6.0",
    summary: "Sets the expiration time of a key to a Unix milliseconds timestamp.",
    complexity: "O(1)",
    history: EXPIRE_HISTORY,
    arguments: [key("key", 0), arg("unix-time-milliseconds", "unix-time"), EXPIRE_CONDITION],
  }, expireGeneric(false, false, "pexpireat")),
  command("pexpiretime", 2, "readonly fast", "keyspace read fast", [keyAt("RO access", 1)], {
    group: "generic",
    since: "7.0.0",
    summary: "Returns the expiration time of a key as a Unix milliseconds timestamp.",
    complexity: "O(1)",
    arguments: ONE_KEY,
  }, ttlGeneric(true, true)),
  command("pttl", 2, "readonly fast", "keyspace read fast", [keyAt("RO access", 1)], {
    group: "generic",
    since: "2.6.0",
    summary: "Returns the expiration time in milliseconds of a key.",
    complexity: "O(1)",
    tips: ["nondeterministic_output"],
    history: [["2.8.0", "Added the -2 reply."]],
    arguments: ONE_KEY,
  }, ttlGeneric(true, false)),
  command("randomkey", 1, "readonly", "keyspace read slow", [], {
    group: "generic",
    since: "1.0.0",
    summary: "Returns a random key name from the database.",
    complexity: "O(1)",
    tips: ["request_policy:all_shards", "response_policy:special", "nondeterministic_output"],
  }, randomkeyCommand),
  command("rename", 3, "write", "keyspace write slow", [
    keyAt("RW access delete", 1),
    keyAt("OW update", 2),
  ], {
    group: "generic",
    since: "1.0.0",
    summary: "Renames a key and overwrites the destination.",
    complexity: "O(1)",
    arguments: [key("key", 0), key("newkey", 1)],
  }, renameGeneric(false)),
  command("renamenx", 3, "write fast", "keyspace write fast", [
    keyAt("RW access delete", 1),
    keyAt("OW insert", 2),
  ], {
    group: "generic",
    since: "1.0.0",
    summary: "Renames a key only when the target key name doesn't exist.",
    complexity: "O(1)",
    history: [[
      "3.2.0",
      "The command no longer returns an error when source and destination names are the same.",
    ]],
    arguments: [key("key", 0), key("newkey", 1)],
  }, renameGeneric(true)),
  command("scan", -2, "readonly", "keyspace read slow", [], {
    group: "generic",
    since: "2.8.0",
    summary: "Iterates over the key names in the database.",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
    tips: ["nondeterministic_output", "request_policy:special", "response_policy:special"],
    history: [["6.0.0", "Added the `TYPE` subcommand."]],
    arguments: [
      arg("cursor", "integer"),
      arg("pattern", "pattern", { token: "MATCH", optional: true }),
      arg("count", "integer", { token: "COUNT", optional: true }),
      arg("type", "string", { token: "TYPE", optional: true, since: "6.0.0" }),
    ],
  }, scanCommand),
  command("touch", -2, "readonly fast", "keyspace read fast", [keyAt("RO", 1, -1)], {
    group: "generic",
    since: "3.2.1",
    summary:
      "Returns the number of existing keys out of those specified after updating the time they were last accessed.",
    complexity: "O(N) where N is the number of keys that will be touched.",
    tips: MULTI_SHARD_SUM,
    arguments: [key("key", 0, { multiple: true })],
  }, touchCommand),
  command("ttl", 2, "readonly fast", "keyspace read fast", [keyAt("RO access", 1)], {
    group: "generic",
    since: "1.0.0",
    summary: "Returns the expiration time in seconds of a key.",
    complexity: "O(1)",
    tips: ["nondeterministic_output"],
    history: [["2.8.0", "Added the -2 reply."]],
    arguments: ONE_KEY,
  }, ttlGeneric(false, false)),
  command("type", 2, "readonly fast", "keyspace read fast", [keyAt("RO", 1)], {
    group: "generic",
    since: "1.0.0",
    summary: "Determines the type of value stored at a key.",
    complexity: "O(1)",
    arguments: ONE_KEY,
  }, typeCommand),
  command("unlink", -2, "write fast", "keyspace write fast", [keyAt("RM delete", 1, -1)], {
    group: "generic",
    since: "4.0.0",
    summary: "Asynchronously deletes one or more keys.",
    complexity:
      "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.",
    tips: MULTI_SHARD_SUM,
    arguments: [key("key", 0, { multiple: true })],
  }, delCommand),
];
