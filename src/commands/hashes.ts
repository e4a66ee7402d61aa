/**
 * The hash commands (Valkey's t_hash.c): HSET/HMSET/HSETNX, HGET/HMGET, HDEL, HEXISTS, HLEN,
 * HSTRLEN, HKEYS/HVALS/HGETALL, HINCRBY/HINCRBYFLOAT, HRANDFIELD and HSCAN.
 *
 * Values are {@link HashValue}s (insertion order, Valkey's listpack order). Writes call
 * `prepareSet` where Valkey calls hashTypeTryConversion, re-charge the key's memory after an
 * in-place change and signal the key (WATCH); a hash left without fields is deleted.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import {
  ERR_HASH_NOT_FLOAT,
  ERR_HASH_NOT_INTEGER,
  ERR_INCR_NAN_OR_INF,
  ERR_NOT_FLOAT,
  ERR_OVERFLOW,
  ERR_VALUE_NAN_OR_INF,
  errWrongArity,
  ReplyError,
} from "../errors.ts";
import { afterRemoval, newEntry, readValue, valueChanged, writeValue } from "../keyspace/lookup.ts";
import {
  array,
  bulk,
  bulkArray,
  EMPTY_ARRAY,
  int,
  map,
  NULL,
  OK,
  type Reply,
} from "../resp/reply.ts";
import { HashValue } from "../types/hash.ts";
import {
  addLongDouble,
  formatLongDoubleHuman,
  isNanOrInf,
  type LongDouble,
  string2ld,
} from "../types/long_double.ts";
import {
  INT64_MAX,
  INT64_MIN,
  parseInteger,
  parseRandomCount,
  toInt64,
  toScanCursor,
} from "./args.ts";
import { emptyScanReply, parseElementScanOptions, scanMatches } from "./collection_scan.ts";
import { encodingLimits } from "./encoding_limits.ts";
import { arg, block, command, key, keyAt, OPTIONAL, token } from "./meta.ts";
import type { CommandContext, CommandSpec } from "./spec.ts";

// ---- helpers ----

/**
 * hashTypeLookupWriteOrCreate, with the store deferred: `apply` changes the hash (a new one when
 * the key is missing), which is then stored, or re-charged and signalled when it existed.
 */
function updateHash<T>(ctx: CommandContext, k: Bytes, apply: (h: HashValue) => T): T {
  const existing = writeValue(ctx, k, "hash");
  const h = existing ?? new HashValue({ limits: encodingLimits(ctx) });
  const result = apply(h);
  if (existing === undefined) {
    if (h.size > 0) ctx.db.set(k, newEntry(ctx, "hash", h));
  } else {
    valueChanged(ctx, k);
  }
  return result;
}

// ---- HSET HMSET HSETNX ----

/** hsetCommand / hmsetCommand: field/value pairs; HSET replies the new fields, HMSET OK. */
function hsetGeneric(name: "hset" | "hmset") {
  return (ctx: CommandContext, argv: readonly Bytes[]): Reply => {
    if (argv.length % 2 === 1) throw new ReplyError(errWrongArity(name));
    const created = updateHash(ctx, argv[1], (h) => {
      h.prepareSet(argv.slice(2));
      let n = 0;
      for (let i = 2; i < argv.length; i += 2) if (h.set(argv[i], argv[i + 1])) n++;
      return n;
    });
    return name === "hset" ? int(created) : OK;
  };
}

function hsetnxCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const k = argv[1], field = argv[2];
  const existing = writeValue(ctx, k, "hash");
  if (existing?.has(field)) return int(0);
  updateHash(ctx, k, (h) => {
    h.prepareSet([field, argv[3]]);
    h.set(field, argv[3]);
  });
  return int(1);
}

// ---- HGET HMGET HEXISTS HLEN HSTRLEN ----

function hgetCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const v = readValue(ctx, argv[1], "hash")?.get(argv[2]);
  return v === undefined ? NULL : bulk(v);
}

function hmgetCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const h = readValue(ctx, argv[1], "hash");
  const out: Reply[] = [];
  for (let i = 2; i < argv.length; i++) {
    const v = h?.get(argv[i]);
    out.push(v === undefined ? NULL : bulk(v));
  }
  return array(out);
}

function hexistsCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return int(readValue(ctx, argv[1], "hash")?.has(argv[2]) ? 1 : 0);
}

function hlenCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return int(readValue(ctx, argv[1], "hash")?.size ?? 0);
}

function hstrlenCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return int(readValue(ctx, argv[1], "hash")?.get(argv[2])?.length ?? 0);
}

// ---- HDEL ----

function hdelCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const k = argv[1];
  const h = writeValue(ctx, k, "hash");
  if (h === undefined) return int(0);
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) {
    if (!h.delete(argv[i])) continue;
    deleted++;
    if (h.size === 0) break;
  }
  if (deleted > 0) afterRemoval(ctx, k, h.size);
  return int(deleted);
}

// ---- HKEYS HVALS HGETALL ----

function hkeysCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const h = readValue(ctx, argv[1], "hash");
  return h === undefined ? EMPTY_ARRAY : bulkArray([...h.fields()]);
}

function hvalsCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const h = readValue(ctx, argv[1], "hash");
  return h === undefined ? EMPTY_ARRAY : bulkArray([...h.values()]);
}

function hgetallCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const h = readValue(ctx, argv[1], "hash");
  const pairs: [Reply, Reply][] = [];
  if (h !== undefined) { for (const [f, v] of h) pairs.push([bulk(f), bulk(v)]); }
  return map(pairs);
}

// ---- HINCRBY HINCRBYFLOAT ----

function hincrbyCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const incr = toInt64(argv[3]);
  const k = argv[1], field = argv[2];
  const h = writeValue(ctx, k, "hash");
  const current = h?.get(field);
  let value = 0n;
  if (current !== undefined) {
    const v = parseInteger(current);
    if (v === undefined) throw new ReplyError(ERR_HASH_NOT_INTEGER);
    value = BigInt(v);
  }
  const next = value + incr;
  if (next > INT64_MAX || next < INT64_MIN) throw new ReplyError(ERR_OVERFLOW);
  updateHash(ctx, k, (hash) => hash.set(field, next.toString()));
  return int(Number.isSafeInteger(Number(next)) ? Number(next) : next);
}

function hincrbyfloatCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const incr = string2ld(argv[3]);
  if (incr === undefined) throw new ReplyError(ERR_NOT_FLOAT);
  if (isNanOrInf(incr)) throw new ReplyError(ERR_VALUE_NAN_OR_INF);
  const k = argv[1], field = argv[2];
  const h = writeValue(ctx, k, "hash");
  const current = h?.get(field);
  let value: LongDouble = { kind: "finite", neg: false, m: 0n, e: 0 };
  if (current !== undefined) {
    const v = string2ld(current);
    if (v === undefined) throw new ReplyError(ERR_HASH_NOT_FLOAT);
    value = v;
  }
  value = addLongDouble(value, incr);
  if (isNanOrInf(value)) throw new ReplyError(ERR_INCR_NAN_OR_INF);
  const text = formatLongDoubleHuman(value);
  updateHash(ctx, k, (hash) => hash.set(field, text));
  return bulk(text);
}

// ---- HRANDFIELD ----

function hrandfieldCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  if (argv.length >= 3) {
    const { count, withValues } = parseRandomCount(argv, "withvalues");
    return hrandfieldWithCount(ctx, argv[1], count, withValues);
  }
  const h = readValue(ctx, argv[1], "hash");
  if (h === undefined) return NULL;
  return bulk((h.randomEntry() as [Bytes, Bytes])[0]);
}

/** hrandfieldWithCountCommand: distinct fields for count > 0, repeats allowed for count < 0. */
function hrandfieldWithCount(
  ctx: CommandContext,
  k: Bytes,
  l: number,
  withValues: boolean,
): Reply {
  const h = readValue(ctx, k, "hash");
  if (h === undefined || l === 0) return EMPTY_ARRAY;
  const count = Math.abs(l);
  let picked: [Bytes, Bytes][];
  if (l < 0 || count === 1) {
    picked = new Array(count);
    for (let i = 0; i < count; i++) picked[i] = h.randomEntry() as [Bytes, Bytes];
  } else {
    picked = h.sample(count);
  }
  if (!withValues) return bulkArray(picked.map(([f]) => f));
  if (ctx.resp === 2) return bulkArray(picked.flat());
  return array(picked.map(([f, v]) => bulkArray([f, v])));
}

// ---- HSCAN ----

function hscanCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const cursor = toScanCursor(argv[2]);
  const h = readValue(ctx, argv[1], "hash");
  if (h === undefined) return emptyScanReply();
  // scanGenericCommand: options are parsed once the key is known to be a hash.
  const options = parseElementScanOptions(argv, "hash");
  let next = 0;
  let entries: Iterable<[Bytes, Bytes]>;
  if (h.encoding === "listpack") {
    // A listpack is small: all of it in one call, cursor 0.
    entries = h.entries();
  } else {
    const start = cursor > BigInt(Number.MAX_SAFE_INTEGER) ? h.size : Number(cursor);
    const step = h.scan(start, options.count);
    next = step.cursor;
    entries = step.entries;
  }
  const out: Bytes[] = [];
  for (const [f, v] of entries) {
    if (!scanMatches(options, f)) continue;
    out.push(f);
    if (!options.onlyKeys) out.push(v);
  }
  return array([bulk(String(next)), bulkArray(out)]);
}

// ---- the table ----

const GROUP = { group: "hash" } as const;
const FIELD_VALUE = block("field_value", [arg("field", "string"), arg("value", "string")], {
  multiple: true,
});
const KEY_FIELD = [key("key", 0), arg("field", "string")];
const WHOLE_HASH = "O(N) where N is the size of the hash.";
const ORDER_TIP = ["nondeterministic_output_order"];

/** The hash group. */
export const HASH_COMMANDS: readonly CommandSpec[] = [
  command("hdel", -3, "write fast", "write hash fast", [keyAt("RW delete", 1)], {
    ...GROUP,
    since: "2.0.0",
    summary:
      "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.",
    complexity: "O(N) where N is the number of fields to be removed.",
    history: [["2.4.0", "Accepts multiple `field` arguments."]],
    arguments: [key("key", 0), arg("field", "string", { multiple: true })],
  }, hdelCommand),
  command("hexists", 3, "readonly fast", "read hash fast", [keyAt("RO", 1)], {
    ...GROUP,
    since: "2.0.0",
    summary: "Determines whether a field exists in a hash.",
    complexity: "O(1)",
    arguments: KEY_FIELD,
  }, hexistsCommand),
  command("hget", 3, "readonly fast", "read hash fast", [keyAt("RO access", 1)], {
    ...GROUP,
    since: "2.0.0",
    summary: "Returns the value of a field in a hash.",
    complexity: "O(1)",
    arguments: KEY_FIELD,
  }, hgetCommand),
  command("hgetall", 2, "readonly", "read hash slow", [keyAt("RO access", 1)], {
    ...GROUP,
    since: "2.0.0",
    summary: "Returns all fields and values in a hash.",
    complexity: WHOLE_HASH,
    tips: ORDER_TIP,
    arguments: [key("key", 0)],
  }, hgetallCommand),
  command("hincrby", 4, "write denyoom fast", "write hash fast", [keyAt("RW access update", 1)], {
    ...GROUP,
    since: "2.0.0",
    summary:
      "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.",
    complexity: "O(1)",
    arguments: [...KEY_FIELD, arg("increment", "integer")],
  }, hincrbyCommand),
  command("hincrbyfloat", 4, "write denyoom fast", "write hash fast", [
    keyAt("RW access update", 1),
  ], {
    ...GROUP,
    since: "2.6.0",
    summary:
      "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.",
    complexity: "O(1)",
    arguments: [...KEY_FIELD, arg("increment", "double")],
  }, hincrbyfloatCommand),
  command("hkeys", 2, "readonly", "read hash slow", [keyAt("RO access", 1)], {
    ...GROUP,
    since: "2.0.0",
    summary: "Returns all fields in a hash.",
    complexity: WHOLE_HASH,
    tips: ORDER_TIP,
    arguments: [key("key", 0)],
  }, hkeysCommand),
  command("hlen", 2, "readonly fast", "read hash fast", [keyAt("RO", 1)], {
    ...GROUP,
    since: "2.0.0",
    summary: "Returns the number of fields in a hash.",
    complexity: "O(1)",
    arguments: [key("key", 0)],
  }, hlenCommand),
  command("hmget", -3, "readonly fast", "read hash fast", [keyAt("RO access", 1)], {
    ...GROUP,
    since: "2.0.0",
    summary: "Returns the values of all fields in a hash.",
    complexity: "O(N) where N is the number of fields being requested.",
    arguments: [key("key", 0), arg("field", "string", { multiple: true })],
  }, hmgetCommand),
  command("hmset", -4, "write denyoom fast", "write hash fast", [keyAt("RW update", 1)], {
    ...GROUP,
    since: "2.0.0",
    summary: "Sets the values of multiple fields.",
    complexity: "O(N) where N is the number of fields being set.",
    docFlags: ["deprecated"],
    deprecatedSince: "4.0.0",
    replacedBy: "`HSET` with multiple field-value pairs",
    arguments: [key("key", 0), FIELD_VALUE],
  }, hsetGeneric("hmset")),
  command("hrandfield", -2, "readonly", "read hash slow", [keyAt("RO access", 1)], {
    ...GROUP,
    since: "6.2.0",
    summary: "Returns one or more random fields from a hash.",
    complexity: "O(N) where N is the number of fields returned",
    tips: ["nondeterministic_output"],
    arguments: [
      key("key", 0),
      block("options", [arg("count", "integer"), token("WITHVALUES", OPTIONAL)], OPTIONAL),
    ],
  }, hrandfieldCommand),
  command("hscan", -3, "readonly", "read hash slow", [keyAt("RO access", 1)], {
    ...GROUP,
    since: "2.8.0",
    summary: "Iterates over fields and values of a hash.",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
    tips: ["nondeterministic_output"],
    arguments: [
      key("key", 0),
      arg("cursor", "integer"),
      arg("pattern", "pattern", { token: "MATCH", optional: true }),
      arg("count", "integer", { token: "COUNT", optional: true }),
      token("NOVALUES", OPTIONAL),
    ],
  }, hscanCommand),
  command("hset", -4, "write denyoom fast", "write hash fast", [keyAt("RW update", 1)], {
    ...GROUP,
    since: "2.0.0",
    summary: "Creates or modifies the value of a field in a hash.",
    complexity:
      "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.",
    history: [["4.0.0", "Accepts multiple `field` and `value` arguments."]],
    arguments: [key("key", 0), FIELD_VALUE],
  }, hsetGeneric("hset")),
  command("hsetnx", 4, "write denyoom fast", "write hash fast", [keyAt("RW insert", 1)], {
    ...GROUP,
    since: "2.0.0",
    summary: "Sets the value of a field in a hash only when the field doesn't exist.",
    complexity: "O(1)",
    arguments: [...KEY_FIELD, arg("value", "string")],
  }, hsetnxCommand),
  command("hstrlen", 3, "readonly fast", "read hash fast", [keyAt("RO", 1)], {
    ...GROUP,
    since: "3.2.0",
    summary: "Returns the length of the value of a field.",
    complexity: "O(1)",
    arguments: KEY_FIELD,
  }, hstrlenCommand),
  command("hvals", 2, "readonly", "read hash slow", [keyAt("RO access", 1)], {
    ...GROUP,
    since: "2.0.0",
    summary: "Returns all values in a hash.",
    complexity: WHOLE_HASH,
    tips: ORDER_TIP,
    arguments: [key("key", 0)],
  }, hvalsCommand),
];
