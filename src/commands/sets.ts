/**
 * The set commands (Valkey's t_set.c): SADD SREM SMOVE SISMEMBER SMISMEMBER SCARD SMEMBERS SPOP
 * SRANDMEMBER, the intersection / union / difference family with its STORE and CARD variants,
 * and SSCAN.
 *
 * Values are {@link SetValue}s, which keep Valkey's intset / listpack / hashtable encodings and
 * their iteration orders; these handlers follow t_set.c's algorithms where the choice shows in a
 * reply (SINTER iterates the smallest set, SDIFF picks one of two algorithms by cost, results are
 * built from an intset the way Valkey builds them), so replies and OBJECT ENCODING match.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { eqIgnoreCase } from "../bytes.ts";
import {
  ERR_LIMIT_NEGATIVE,
  ERR_NOT_POSITIVE,
  ERR_NUMKEYS_GREATER,
  ERR_NUMKEYS_NOT_POSITIVE,
  ERR_SYNTAX,
  ReplyError,
} from "../errors.ts";
import {
  afterRemoval,
  checkType,
  lookupKeyWrite,
  newEntry,
  readValue,
  storeValue,
  valueChanged,
  writeValue,
} from "../keyspace/lookup.ts";
import { array, bulk, EMPTY_ARRAY, int, NULL, type Reply, set } from "../resp/reply.ts";
import { isStrictInt64 } from "../types/encoding.ts";
import { SetValue } from "../types/set.ts";
import { toPositiveCount, toPositiveLong, toScanCursor, toSymmetricLong } from "./args.ts";
import {
  emptyScanReply,
  hashScanStep,
  parseElementScanOptions,
  scanMatches,
  scanReply,
} from "./collection_scan.ts";
import { encodingLimits } from "./encoding_limits.ts";
import { arg, command, key, keyAt, keyNum } from "./meta.ts";
import type { CommandContext, CommandSpec } from "./spec.ts";

// ---- shared helpers ----

/** `shared.emptyset[resp]`. */
const EMPTY_SET: Reply = set([]);

/** A set reply of members (RESP3 `~`, RESP2 array). */
function memberSet(members: Iterable<Bytes>): Reply {
  const out: Reply[] = [];
  for (const m of members) out.push(bulk(m));
  return set(out);
}

// ---- SADD SREM SMOVE ----

function saddCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const k = argv[1];
  const existing = writeValue(ctx, k, "set");
  const n = argv.length - 2;
  let s: SetValue;
  if (existing === undefined) {
    s = SetValue.create(argv[2], n, { limits: encodingLimits(ctx) });
  } else {
    s = existing;
    s.maybeConvert(n);
  }
  let added = 0;
  for (let j = 2; j < argv.length; j++) if (s.add(argv[j])) added++;
  if (existing === undefined) {
    ctx.db.set(k, newEntry(ctx, "set", s));
  } else {
    // A conversion alone changes the memory, not the contents.
    ctx.db.recharge(k);
    if (added > 0) ctx.db.touch(k);
  }
  return int(added);
}

function sremCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const k = argv[1];
  const s = writeValue(ctx, k, "set");
  if (s === undefined) return int(0);
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) {
    if (s.delete(argv[j])) {
      deleted++;
      if (s.size === 0) break;
    }
  }
  if (deleted > 0) afterRemoval(ctx, k, s.size);
  return int(deleted);
}

function smoveCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const srcKey = argv[1], dstKey = argv[2], m = argv[3];
  const src = lookupKeyWrite(ctx, srcKey);
  const dst = lookupKeyWrite(ctx, dstKey);
  if (src === undefined) return int(0);
  checkType(src, "set");
  checkType(dst, "set");
  const s = src.value as SetValue;
  if (src === dst) return int(s.has(m) ? 1 : 0);
  if (!s.delete(m)) return int(0);
  afterRemoval(ctx, srcKey, s.size);
  if (dst === undefined) {
    const d = SetValue.create(m, 1, { limits: encodingLimits(ctx) });
    d.add(m);
    ctx.db.set(dstKey, newEntry(ctx, "set", d));
  } else if ((dst.value as SetValue).add(m)) {
    valueChanged(ctx, dstKey);
  }
  return int(1);
}

// ---- membership and size ----

function sismemberCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const s = readValue(ctx, argv[1], "set");
  return int(s !== undefined && s.has(argv[2]) ? 1 : 0);
}

function smismemberCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const s = readValue(ctx, argv[1], "set");
  const out: Reply[] = [];
  for (let j = 2; j < argv.length; j++) out.push(int(s !== undefined && s.has(argv[j]) ? 1 : 0));
  return array(out);
}

function scardCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return int(readValue(ctx, argv[1], "set")?.size ?? 0);
}

function smembersCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const s = readValue(ctx, argv[1], "set");
  return s === undefined ? EMPTY_SET : memberSet(s.values());
}

// ---- SPOP SRANDMEMBER ----

function spopCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  if (argv.length === 3) return spopWithCount(ctx, argv);
  if (argv.length > 3) throw new ReplyError(ERR_SYNTAX);
  const k = argv[1];
  const s = writeValue(ctx, k, "set");
  if (s === undefined) return NULL;
  const m = s.popRandom() as Bytes;
  afterRemoval(ctx, k, s.size);
  return bulk(m);
}

function spopWithCount(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const count = toPositiveLong(argv[2], ERR_NOT_POSITIVE);
  const k = argv[1];
  const s = writeValue(ctx, k, "set");
  if (s === undefined || count === 0) return EMPTY_SET;
  const popped = s.popRandomMany(count);
  afterRemoval(ctx, k, s.size);
  return memberSet(popped);
}

function srandmemberCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  if (argv.length === 3) return srandmemberWithCount(ctx, argv);
  if (argv.length > 3) throw new ReplyError(ERR_SYNTAX);
  const s = readValue(ctx, argv[1], "set");
  return s === undefined ? NULL : bulk(s.randomMember() as Bytes);
}

function srandmemberWithCount(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const l = toSymmetricLong(argv[2]);
  const s = readValue(ctx, argv[1], "set");
  if (s === undefined || l === 0) return EMPTY_ARRAY;
  const count = Math.abs(l);
  if (l < 0 || count === 1) {
    // CASE 1: sampling with replacement, in random order.
    const out = new Array<Reply>(count);
    for (let i = 0; i < count; i++) out[i] = bulk(s.randomMember() as Bytes);
    return array(out);
  }
  return array(s.sample(count).map(bulk));
}

// ---- SINTER SINTERCARD SINTERSTORE ----

/** Stable ascending sort by size: glibc's qsort (a merge sort) keeps ties in argument order. */
function bySize(sets: SetValue[]): SetValue[] {
  return sets.slice().sort((a, b) => a.size - b.size);
}

/**
 * sinterGenericCommand: SINTER (`dst` and `cardOnly` unset), SINTERSTORE (`dst`), SINTERCARD
 * (`cardOnly`, stopping at `limit` when not 0).
 */
function sinterGeneric(
  ctx: CommandContext,
  keys: readonly Bytes[],
  dst: Bytes | undefined,
  cardOnly: boolean,
  limit: number,
): Reply {
  const found: SetValue[] = [];
  let empty = false;
  for (const k of keys) {
    const s = readValue(ctx, k, "set");
    if (s === undefined) empty = true;
    else found.push(s);
  }
  if (empty) {
    if (dst !== undefined) {
      ctx.db.delete(dst);
      return int(0);
    }
    return cardOnly ? int(0) : EMPTY_SET;
  }
  const sets = bySize(found);
  const first = sets[0];
  let out: SetValue | undefined;
  if (dst !== undefined) {
    // The result starts as an intset when the smallest set is one, else as a listpack.
    out = new SetValue({
      limits: encodingLimits(ctx),
      encoding: first.encoding === "intset" ? "intset" : "listpack",
    });
  }
  const members: Bytes[] = [];
  let card = 0;
  let onlyIntegers = true;
  for (const m of first.values()) {
    let inAll = true;
    for (let j = 1; j < sets.length; j++) {
      if (sets[j] !== first && !sets[j].has(m)) {
        inAll = false;
        break;
      }
    }
    if (!inAll) continue;
    if (cardOnly) {
      card++;
      if (limit > 0 && card >= limit) break;
    } else if (out !== undefined) {
      if (onlyIntegers && !isStrictInt64(m)) onlyIntegers = false;
      out.add(m);
    } else {
      members.push(m);
    }
  }
  if (cardOnly) return int(card);
  if (out === undefined) return memberSet(members);
  if (out.size === 0) {
    ctx.db.delete(dst as Bytes);
    return int(0);
  }
  if (onlyIntegers) out.convertToIntsetIfPossible();
  storeValue(ctx, dst as Bytes, "set", out);
  return int(out.size);
}

function sinterCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return sinterGeneric(ctx, argv.slice(1), undefined, false, 0);
}

function sinterstoreCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return sinterGeneric(ctx, argv.slice(2), argv[1], false, 0);
}

function sintercardCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const numkeys = toPositiveCount(argv[1], ERR_NUMKEYS_NOT_POSITIVE);
  if (numkeys > argv.length - 2) throw new ReplyError(ERR_NUMKEYS_GREATER);
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    if (eqIgnoreCase(argv[j], "limit") && j + 1 < argv.length) {
      limit = toPositiveLong(argv[++j], ERR_LIMIT_NEGATIVE);
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  return sinterGeneric(ctx, argv.slice(2, 2 + numkeys), undefined, true, limit);
}

// ---- SUNION SDIFF and their STORE forms ----

/** sunionDiffGenericCommand. */
function sunionDiffGeneric(
  ctx: CommandContext,
  keys: readonly Bytes[],
  dst: Bytes | undefined,
  op: "union" | "diff",
): Reply {
  const sets: (SetValue | undefined)[] = [];
  let sameSet = false;
  for (const [j, k] of keys.entries()) {
    const s = readValue(ctx, k, "set");
    sets.push(s);
    if (j > 0 && s !== undefined && s === sets[0]) sameSet = true;
  }
  const first = sets[0];
  let algo = 1;
  if (op === "diff" && first !== undefined && !sameSet) {
    // Valkey's cost model: the choice shows in the result's encoding and order.
    let one = 0, two = 0;
    for (const s of sets) {
      if (s === undefined) continue;
      one += first.size;
      two += s.size;
    }
    algo = Math.floor(one / 2) <= two ? 1 : 2;
  }
  const out = new SetValue({ limits: encodingLimits(ctx), encoding: "intset" });
  if (op === "union") {
    for (const s of sets) {
      if (s === undefined) continue;
      for (const m of s.values()) out.add(m);
    }
  } else if (first !== undefined && !sameSet && algo === 1) {
    const others = sets.slice(1).filter((s): s is SetValue => s !== undefined);
    for (const m of first.values()) {
      if (!others.some((s) => s.has(m))) out.add(m);
    }
  } else if (first !== undefined && !sameSet) {
    for (const [j, s] of sets.entries()) {
      if (s === undefined) continue;
      for (const m of s.values()) {
        if (j === 0) out.add(m);
        else out.delete(m);
      }
      if (out.size === 0) break;
    }
  }
  if (dst === undefined) return memberSet(out.values());
  if (out.size === 0) {
    ctx.db.delete(dst);
    return int(0);
  }
  storeValue(ctx, dst, "set", out);
  return int(out.size);
}

function sunionCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return sunionDiffGeneric(ctx, argv.slice(1), undefined, "union");
}

function sunionstoreCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return sunionDiffGeneric(ctx, argv.slice(2), argv[1], "union");
}

function sdiffCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return sunionDiffGeneric(ctx, argv.slice(1), undefined, "diff");
}

function sdiffstoreCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return sunionDiffGeneric(ctx, argv.slice(2), argv[1], "diff");
}

// ---- SSCAN ----

function sscanCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const cursor = toScanCursor(argv[2]);
  const s = readValue(ctx, argv[1], "set");
  if (s === undefined) return emptyScanReply();
  const options = parseElementScanOptions(argv, "set");
  if (s.encoding !== "hashtable") {
    const all: Bytes[] = [];
    for (const m of s.values()) if (scanMatches(options, m)) all.push(m);
    return scanReply(0n, all);
  }
  const step = hashScanStep(s, () => s.values(), (m) => s.has(m), cursor, options.count);
  return scanReply(step.cursor, step.members.filter((m) => scanMatches(options, m)));
}

// ---- the table ----

const SET = { group: "set" } as const;

/** The set commands. */
export const SET_COMMANDS: readonly CommandSpec[] = [
  command("sadd", -3, "write denyoom fast", "write set fast", [keyAt("RW insert", 1)], {
    ...SET,
    since: "1.0.0",
    summary: "Adds one or more members to a set. Creates the key if it doesn't exist.",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    history: [["2.4.0", "Accepts multiple `member` arguments."]],
    arguments: [key("key", 0), arg("member", "string", { multiple: true })],
  }, saddCommand),
  command("scard", 2, "readonly fast", "read set fast", [keyAt("RO", 1)], {
    ...SET,
    since: "1.0.0",
    summary: "Returns the number of members in a set.",
    complexity: "O(1)",
    arguments: [key("key", 0)],
  }, scardCommand),
  command("sdiff", -2, "readonly", "read set slow", [keyAt("RO access", 1, -1)], {
    ...SET,
    since: "1.0.0",
    summary: "Returns the difference of multiple sets.",
    complexity: "O(N) where N is the total number of elements in all given sets.",
    tips: ["nondeterministic_output_order"],
    arguments: [key("key", 0, { multiple: true })],
  }, sdiffCommand),
  command("sdiffstore", -3, "write denyoom", "write set slow", [
    keyAt("OW update", 1),
    keyAt("RO access", 2, -1),
  ], {
    ...SET,
    since: "1.0.0",
    summary: "Stores the difference of multiple sets in a key.",
    complexity: "O(N) where N is the total number of elements in all given sets.",
    arguments: [key("destination", 0), key("key", 1, { multiple: true })],
  }, sdiffstoreCommand),
  command("sinter", -2, "readonly", "read set slow", [keyAt("RO access", 1, -1)], {
    ...SET,
    since: "1.0.0",
    summary: "Returns the intersect of multiple sets.",
    complexity:
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    tips: ["nondeterministic_output_order"],
    arguments: [key("key", 0, { multiple: true })],
  }, sinterCommand),
  command("sintercard", -3, "readonly", "read set slow", [keyNum("RO access", 1, 0, 1)], {
    ...SET,
    since: "7.0.0",
    summary: "Returns the number of members of the intersect of multiple sets.",
    complexity:
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    arguments: [
      arg("numkeys", "integer"),
      key("key", 0, { multiple: true }),
      arg("limit", "integer", { optional: true, token: "LIMIT" }),
    ],
  }, sintercardCommand),
  command("sinterstore", -3, "write denyoom", "write set slow", [
    keyAt("OW update", 1),
    keyAt("RO access", 2, -1),
  ], {
    ...SET,
    since: "1.0.0",
    summary: "Stores the intersect of multiple sets in a key.",
    complexity:
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    arguments: [key("destination", 0), key("key", 1, { multiple: true })],
  }, sinterstoreCommand),
  command("sismember", 3, "readonly fast", "read set fast", [keyAt("RO", 1)], {
    ...SET,
    since: "1.0.0",
    summary: "Determines whether a member belongs to a set.",
    complexity: "O(1)",
    arguments: [key("key", 0), arg("member", "string")],
  }, sismemberCommand),
  command("smembers", 2, "readonly", "read set slow", [keyAt("RO access", 1)], {
    ...SET,
    since: "1.0.0",
    summary: "Returns all members of a set.",
    complexity: "O(N) where N is the set cardinality.",
    tips: ["nondeterministic_output_order"],
    arguments: [key("key", 0)],
  }, smembersCommand),
  command("smismember", -3, "readonly fast", "read set fast", [keyAt("RO access", 1)], {
    ...SET,
    since: "6.2.0",
    summary: "Determines whether multiple members belong to a set.",
    complexity: "O(N) where N is the number of elements being checked for membership",
    arguments: [key("key", 0), arg("member", "string", { multiple: true })],
  }, smismemberCommand),
  command("smove", 4, "write fast", "write set fast", [
    keyAt("RW access delete", 1),
    keyAt("RW insert", 2),
  ], {
    ...SET,
    since: "1.0.0",
    summary: "Moves a member from one set to another.",
    complexity: "O(1)",
    arguments: [key("source", 0), key("destination", 1), arg("member", "string")],
  }, smoveCommand),
  command("spop", -2, "write fast", "write set fast", [keyAt("RW access delete", 1)], {
    ...SET,
    since: "1.0.0",
    summary:
      "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.",
    complexity:
      "Without the count argument O(1); otherwise, O(N) where N is the value of the passed count.",
    tips: ["nondeterministic_output"],
    history: [["3.2.0", "Added the `count` argument."]],
    arguments: [key("key", 0), arg("count", "integer", { optional: true, since: "3.2.0" })],
  }, spopCommand),
  command("srandmember", -2, "readonly", "read set slow", [keyAt("RO access", 1)], {
    ...SET,
    since: "1.0.0",
    summary: "Gets one or multiple random members from a set.",
    complexity:
      "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
    tips: ["nondeterministic_output"],
    history: [["2.6.0", "Added the optional `count` argument."]],
    arguments: [key("key", 0), arg("count", "integer", { optional: true, since: "2.6.0" })],
  }, srandmemberCommand),
  command("srem", -3, "write fast", "write set fast", [keyAt("RW delete", 1)], {
    ...SET,
    since: "1.0.0",
    summary:
      "Removes one or more members from a set. Deletes the set if the last member was removed.",
    complexity: "O(N) where N is the number of members to be removed.",
    history: [["2.4.0", "Accepts multiple `member` arguments."]],
    arguments: [key("key", 0), arg("member", "string", { multiple: true })],
  }, sremCommand),
  command("sscan", -3, "readonly", "read set slow", [keyAt("RO access", 1)], {
    ...SET,
    since: "2.8.0",
    summary: "Iterates over members of a set.",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
    tips: ["nondeterministic_output"],
    arguments: [
      key("key", 0),
      arg("cursor", "integer"),
      arg("pattern", "pattern", { optional: true, token: "MATCH" }),
      arg("count", "integer", { optional: true, token: "COUNT" }),
    ],
  }, sscanCommand),
  command("sunion", -2, "readonly", "read set slow", [keyAt("RO access", 1, -1)], {
    ...SET,
    since: "1.0.0",
    summary: "Returns the union of multiple sets.",
    complexity: "O(N) where N is the total number of elements in all given sets.",
    tips: ["nondeterministic_output_order"],
    arguments: [key("key", 0, { multiple: true })],
  }, sunionCommand),
  command("sunionstore", -3, "write denyoom", "write set slow", [
    keyAt("OW update", 1),
    keyAt("RO access", 2, -1),
  ], {
    ...SET,
    since: "1.0.0",
    summary: "Stores the union of multiple sets in a key.",
    complexity: "O(N) where N is the total number of elements in all given sets.",
    arguments: [key("destination", 0), key("key", 1, { multiple: true })],
  }, sunionstoreCommand),
];
