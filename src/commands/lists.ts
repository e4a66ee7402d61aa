/**
 * The list commands (Valkey's t_list.c): pushes, pops (with COUNT, LMPOP), LRANGE/LINDEX/LSET/
 * LREM/LTRIM/LINSERT/LPOS, LMOVE/RPOPLPUSH and the blocking BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and
 * BLMPOP.
 *
 * Values are {@link ListValue}s. Each command calls the encoding hooks where Valkey converts
 * (growFor before pushing, shrinkIfSmall after removing), re-charges the key's memory after an
 * in-place change, signals the key (WATCH, blocked clients) only when it changed, and deletes a
 * list that becomes empty.
 *
 * Blocking commands with nothing to pop register the client through {@link blockForKeys}; the
 * server re-runs them when a write makes one of their keys a list (see src/blocking.ts).
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { eqIgnoreCase } from "../bytes.ts";
import {
  ERR_COUNT_NOT_POSITIVE,
  ERR_INDEX_OUT_OF_RANGE,
  ERR_LPOS_COUNT_NEGATIVE,
  ERR_LPOS_MAXLEN_NEGATIVE,
  ERR_LPOS_RANK_ZERO,
  ERR_NO_SUCH_KEY,
  ERR_NOT_POSITIVE,
  ERR_NUMKEYS_NOT_POSITIVE,
  ERR_SYNTAX,
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
  NULL,
  NULL_ARRAY,
  OK,
  type Reply,
} from "../resp/reply.ts";
import { blockForKeys, parseBlockingTimeout } from "../blocking.ts";
import { ListValue } from "../types/list.ts";
import { toIndex, toInt64, toPositiveCount, toPositiveLong, toSymmetricLong } from "./args.ts";
import { encodingLimits } from "./encoding_limits.ts";
import { arg, command, key, keyAt, keyNum, oneof, token } from "./meta.ts";
import type { CommandContext, CommandSpec } from "./spec.ts";

// ---- helpers ----

/** A new, empty list as createListListpackObject makes it. */
function newList(ctx: CommandContext): ListValue {
  return new ListValue({ limits: encodingLimits(ctx) });
}

/**
 * listElementsRemoved: {@link afterRemoval}, with the shrinking conversion tried first on a list
 * that is kept.
 */
function elementsRemoved(ctx: CommandContext, k: Bytes, l: ListValue): void {
  if (l.length > 0) l.shrinkIfSmall();
  afterRemoval(ctx, k, l.length);
}

/** Pushes `values` to the list at `k` (creating it), growFor first; returns the list. */
function pushTo(
  ctx: CommandContext,
  k: Bytes,
  l: ListValue | undefined,
  values: readonly Bytes[],
  head: boolean,
): ListValue {
  if (l === undefined) {
    const created = newList(ctx);
    created.push(values, head);
    ctx.db.set(k, newEntry(ctx, "list", created));
    return created;
  }
  l.push(values, head);
  valueChanged(ctx, k);
  return l;
}

/** getListPositionFromObjectOrReply: LEFT → head, RIGHT → tail. */
function toHead(s: Bytes): boolean {
  if (eqIgnoreCase(s, "right")) return false;
  if (eqIgnoreCase(s, "left")) return true;
  throw new ReplyError(ERR_SYNTAX);
}

/** Pops up to `count` elements from one end, in pop order. */
function popMany(l: ListValue, head: boolean, count: number): Bytes[] {
  return head ? l.popHeadMany(count) : l.popTailMany(count);
}

/** Pops one element from one end (the list is not empty). */
function popOne(l: ListValue, head: boolean): Bytes {
  return (head ? l.popHead() : l.popTail()) as Bytes;
}

// ---- LPUSH RPUSH LPUSHX RPUSHX ----

/** pushGenericCommand; `xx`: only when the list exists (LPUSHX/RPUSHX). */
function pushGeneric(head: boolean, xx: boolean) {
  return (ctx: CommandContext, argv: readonly Bytes[]): Reply => {
    const k = argv[1];
    const l = writeValue(ctx, k, "list");
    if (l === undefined && xx) return int(0);
    return int(pushTo(ctx, k, l, argv.slice(2), head).length);
  };
}

// ---- LPOP RPOP ----

/** popGenericCommand: one element as a bulk, or up to COUNT as an array. */
function popGeneric(head: boolean) {
  return (ctx: CommandContext, argv: readonly Bytes[]): Reply => {
    if (argv.length > 3) throw new ReplyError(errWrongArity(head ? "lpop" : "rpop"));
    const hasCount = argv.length === 3;
    const count = hasCount ? toPositiveLong(argv[2], ERR_NOT_POSITIVE) : 0;
    const k = argv[1];
    const l = writeValue(ctx, k, "list");
    if (l === undefined) return hasCount ? NULL_ARRAY : NULL;
    if (hasCount && count === 0) return EMPTY_ARRAY;
    if (!hasCount) {
      const v = popOne(l, head);
      elementsRemoved(ctx, k, l);
      return bulk(v);
    }
    const out = popMany(l, head, count);
    elementsRemoved(ctx, k, l);
    return bulkArray(out);
  };
}

// ---- LLEN LRANGE LINDEX LSET ----

function llenCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return int(readValue(ctx, argv[1], "list")?.length ?? 0);
}

function lrangeCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const start = toIndex(argv[2]);
  const stop = toIndex(argv[3]);
  const l = readValue(ctx, argv[1], "list");
  if (l === undefined) return EMPTY_ARRAY;
  return bulkArray(l.range(start, stop));
}

function lindexCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const l = readValue(ctx, argv[1], "list");
  if (l === undefined) return NULL;
  const v = l.at(toIndex(argv[2]));
  return v === undefined ? NULL : bulk(v);
}

function lsetCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const k = argv[1], value = argv[3];
  const l = writeValue(ctx, k, "list");
  if (l === undefined) throw new ReplyError(ERR_NO_SUCH_KEY);
  // listTypeReplaceAtIndex takes an `int`: the long index is truncated to its low 32 bits.
  const index = Number(BigInt.asIntN(32, toInt64(argv[2])));
  l.growFor([value]);
  if (!l.set(index, value)) {
    ctx.db.recharge(k); // growFor may have converted it
    throw new ReplyError(ERR_INDEX_OUT_OF_RANGE);
  }
  l.shrinkIfSmall();
  valueChanged(ctx, k);
  return OK;
}

// ---- LREM LTRIM LINSERT LPOS ----

function lremCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const count = toSymmetricLong(argv[2]);
  const k = argv[1];
  const l = writeValue(ctx, k, "list");
  if (l === undefined) return int(0);
  const removed = l.remove(argv[3], count);
  if (removed > 0) elementsRemoved(ctx, k, l);
  return int(removed);
}

function ltrimCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const start = toIndex(argv[2]);
  const stop = toIndex(argv[3]);
  const k = argv[1];
  const l = writeValue(ctx, k, "list");
  if (l === undefined) return OK;
  l.trim(start, stop);
  // Signalled even when nothing was trimmed, as Valkey 8 does.
  elementsRemoved(ctx, k, l);
  return OK;
}

function linsertCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  let after: boolean;
  if (eqIgnoreCase(argv[2], "after")) after = true;
  else if (eqIgnoreCase(argv[2], "before")) after = false;
  else throw new ReplyError(ERR_SYNTAX);
  const k = argv[1];
  const l = writeValue(ctx, k, "list");
  if (l === undefined) return int(0);
  // Converted as if the element will be inserted, even when the pivot is missing.
  l.growFor([argv[4]]);
  const n = l.insert(argv[3], argv[4], after);
  if (n < 0) {
    ctx.db.recharge(k);
    return int(-1);
  }
  valueChanged(ctx, k);
  return int(n);
}

function lposCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  let rank = 1, count = -1, maxlen = 0; // count -1: COUNT not given
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j];
    const more = j < argv.length - 1;
    if (eqIgnoreCase(opt, "rank") && more) {
      rank = toSymmetricLong(argv[++j]);
      if (rank === 0) throw new ReplyError(ERR_LPOS_RANK_ZERO);
    } else if (eqIgnoreCase(opt, "count") && more) {
      count = toPositiveLong(argv[++j], ERR_LPOS_COUNT_NEGATIVE);
    } else if (eqIgnoreCase(opt, "maxlen") && more) {
      maxlen = toPositiveLong(argv[++j], ERR_LPOS_MAXLEN_NEGATIVE);
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  const l = readValue(ctx, argv[1], "list");
  if (l === undefined) return count !== -1 ? EMPTY_ARRAY : NULL;
  const found = l.positions(argv[2], rank, count === -1 ? 1 : count, maxlen);
  if (count !== -1) return array(found.map((i) => int(i)));
  return found.length === 0 ? NULL : int(found[0]);
}

// ---- LMOVE RPOPLPUSH BLMOVE BRPOPLPUSH ----

/** lmoveGenericCommand: pop from the source, push to the destination, reply the element. */
function lmoveGeneric(
  ctx: CommandContext,
  argv: readonly Bytes[],
  fromHead: boolean,
  toHeadEnd: boolean,
): Reply {
  const src = argv[1], dst = argv[2];
  const sl = writeValue(ctx, src, "list");
  if (sl === undefined || sl.length === 0) return NULL;
  const dl = writeValue(ctx, dst, "list");
  const value = popOne(sl, fromHead);
  pushTo(ctx, dst, dl, [value], toHeadEnd);
  elementsRemoved(ctx, src, sl);
  return bulk(value);
}

function lmoveCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const from = toHead(argv[3]);
  const to = toHead(argv[4]);
  return lmoveGeneric(ctx, argv, from, to);
}

function rpoplpushCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return lmoveGeneric(ctx, argv, false, true);
}

/** blmoveGenericCommand: LMOVE when the source exists, else block (null bulk when denied). */
function blmoveGeneric(
  ctx: CommandContext,
  argv: readonly Bytes[],
  fromHead: boolean,
  toHeadEnd: boolean,
  deadline: number,
): Reply {
  if (writeValue(ctx, argv[1], "list") === undefined) {
    return blockForKeys(ctx, argv, [argv[1]], "list", deadline, NULL);
  }
  return lmoveGeneric(ctx, argv, fromHead, toHeadEnd);
}

function blmoveCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const from = toHead(argv[3]);
  const to = toHead(argv[4]);
  const deadline = parseBlockingTimeout(ctx, argv[5]);
  return blmoveGeneric(ctx, argv, from, to, deadline);
}

function brpoplpushCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const deadline = parseBlockingTimeout(ctx, argv[3]);
  return blmoveGeneric(ctx, argv, false, true, deadline);
}

// ---- LMPOP BLPOP BRPOP BLMPOP ----

/** [key, [elements…]]: pops up to `count` from the list at `k` (listPopRangeAndReplyWithKey). */
function popRangeWithKey(
  ctx: CommandContext,
  k: Bytes,
  l: ListValue,
  head: boolean,
  count: number,
): Reply {
  const out = popMany(l, head, count);
  elementsRemoved(ctx, k, l);
  return array([bulk(k), bulkArray(out)]);
}

/** mpopGenericCommand: the first non-empty list of `keys`, or a null array. */
function mpopGeneric(
  ctx: CommandContext,
  keys: readonly Bytes[],
  head: boolean,
  count: number,
): Reply {
  for (const k of keys) {
    const l = writeValue(ctx, k, "list");
    if (l === undefined || l.length === 0) continue;
    return popRangeWithKey(ctx, k, l, head, count);
  }
  return NULL_ARRAY;
}

/**
 * blockingPopGenericCommand: pops from the first non-empty list (one element as [key, element],
 * or with `count` ≥ 1 as [key, [elements…]]), else blocks.
 */
function blockingPopGeneric(
  ctx: CommandContext,
  argv: readonly Bytes[],
  keys: readonly Bytes[],
  head: boolean,
  timeoutIndex: number,
  count: number,
): Reply {
  const deadline = parseBlockingTimeout(ctx, argv[timeoutIndex]);
  for (const k of keys) {
    const l = writeValue(ctx, k, "list");
    if (l === undefined || l.length === 0) continue;
    if (count !== -1) return popRangeWithKey(ctx, k, l, head, count);
    const v = popOne(l, head);
    elementsRemoved(ctx, k, l);
    return array([bulk(k), bulk(v)]);
  }
  return blockForKeys(ctx, argv, keys, "list", deadline, NULL_ARRAY);
}

/** lmpopGenericCommand: numkeys at `numkeysIndex`, then the keys, LEFT|RIGHT, [COUNT n]. */
function lmpopGeneric(ctx: CommandContext, argv: readonly Bytes[], numkeysIndex: number): Reply {
  const numkeys = toPositiveCount(argv[numkeysIndex], ERR_NUMKEYS_NOT_POSITIVE);
  const whereIndex = numkeysIndex + numkeys + 1;
  if (whereIndex >= argv.length) throw new ReplyError(ERR_SYNTAX);
  const head = toHead(argv[whereIndex]);
  let count = -1;
  for (let j = whereIndex + 1; j < argv.length; j++) {
    if (count === -1 && eqIgnoreCase(argv[j], "count") && j < argv.length - 1) {
      count = toPositiveCount(argv[++j], ERR_COUNT_NOT_POSITIVE);
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  if (count === -1) count = 1;
  const keys = argv.slice(numkeysIndex + 1, numkeysIndex + 1 + numkeys);
  if (numkeysIndex === 2) return blockingPopGeneric(ctx, argv, keys, head, 1, count);
  return mpopGeneric(ctx, keys, head, count);
}

function lmpopCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return lmpopGeneric(ctx, argv, 1);
}

function blmpopCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return lmpopGeneric(ctx, argv, 2);
}

function bpopGeneric(head: boolean) {
  return (ctx: CommandContext, argv: readonly Bytes[]): Reply =>
    blockingPopGeneric(ctx, argv, argv.slice(1, -1), head, argv.length - 1, -1);
}

// ---- the table ----

const GROUP = { group: "list" } as const;

const PUSH_COMPLEXITY =
  "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.";
const TIMEOUT_HISTORY: readonly (readonly [string, string])[] = [
  ["6.0.0", "`timeout` is interpreted as a double instead of an integer."],
];
const LEFT_RIGHT = [token("LEFT"), token("RIGHT")];
const MOVE_ARGS = [
  key("source", 0),
  key("destination", 1),
  oneof("wherefrom", LEFT_RIGHT),
  oneof("whereto", LEFT_RIGHT),
];
const MPOP_ARGS = [
  arg("numkeys", "integer"),
  key("key", 0, { multiple: true }),
  oneof("where", LEFT_RIGHT),
  arg("count", "integer", { token: "COUNT", optional: true }),
];
const MPOP_COMPLEXITY =
  "O(N+M) where N is the number of provided keys and M is the number of elements returned.";
const POP_COMPLEXITY = "O(N) where N is the number of elements returned";

const MOVE_KEYS = [keyAt("RW access delete", 1), keyAt("RW insert", 2)];

/** The list group. */
export const LIST_COMMANDS: readonly CommandSpec[] = [
  command("blmove", 6, "write denyoom blocking", "write list slow blocking", MOVE_KEYS, {
    ...GROUP,
    since: "6.2.0",
    summary:
      "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.",
    complexity: "O(1)",
    arguments: [...MOVE_ARGS, arg("timeout", "double")],
  }, blmoveCommand),
  command("blmpop", -5, "write blocking movablekeys", "write list slow blocking", [
    keyNum("RW access delete", 2, 0, 1),
  ], {
    ...GROUP,
    since: "7.0.0",
    summary:
      "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
    complexity: MPOP_COMPLEXITY,
    arguments: [arg("timeout", "double"), ...MPOP_ARGS],
  }, blmpopCommand),
  command("blpop", -3, "write blocking", "write list slow blocking", [
    keyAt("RW access delete", 1, -2),
  ], {
    ...GROUP,
    since: "2.0.0",
    summary:
      "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
    complexity: "O(N) where N is the number of provided keys.",
    history: TIMEOUT_HISTORY,
    arguments: [key("key", 0, { multiple: true }), arg("timeout", "double")],
  }, bpopGeneric(true)),
  command("brpop", -3, "write blocking", "write list slow blocking", [
    keyAt("RW access delete", 1, -2),
  ], {
    ...GROUP,
    since: "2.0.0",
    summary:
      "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
    complexity: "O(N) where N is the number of provided keys.",
    history: TIMEOUT_HISTORY,
    arguments: [key("key", 0, { multiple: true }), arg("timeout", "double")],
  }, bpopGeneric(false)),
  command(
    "brpoplpush",
    4,
    "write denyoom blocking",
    "write list slow blocking",
    MOVE_KEYS,
    {
      ...GROUP,
      since: "2.2.0",
      summary:
        "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.",
      complexity: "O(1)",
      docFlags: ["deprecated"],
      deprecatedSince: "6.2.0",
      replacedBy: "`BLMOVE` with the `RIGHT` and `LEFT` arguments",
      history: TIMEOUT_HISTORY,
      arguments: [key("source", 0), key("destination", 1), arg("timeout", "double")],
    },
    brpoplpushCommand,
  ),
  command("lindex", 3, "readonly", "read list slow", [keyAt("RO access", 1)], {
    ...GROUP,
    since: "1.0.0",
    summary: "Returns an element from a list by its index.",
    complexity:
      "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
    arguments: [key("key", 0), arg("index", "integer")],
  }, lindexCommand),
  command("linsert", 5, "write denyoom", "write list slow", [keyAt("RW insert", 1)], {
    ...GROUP,
    since: "2.2.0",
    summary: "Inserts an element before or after another element in a list.",
    complexity:
      "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
    arguments: [
      key("key", 0),
      oneof("where", [token("BEFORE"), token("AFTER")]),
      arg("pivot", "string"),
      arg("element", "string"),
    ],
  }, linsertCommand),
  command("llen", 2, "readonly fast", "read list fast", [keyAt("RO", 1)], {
    ...GROUP,
    since: "1.0.0",
    summary: "Returns the length of a list.",
    complexity: "O(1)",
    arguments: [key("key", 0)],
  }, llenCommand),
  command("lmove", 5, "write denyoom", "write list slow", MOVE_KEYS, {
    ...GROUP,
    since: "6.2.0",
    summary:
      "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.",
    complexity: "O(1)",
    arguments: MOVE_ARGS,
  }, lmoveCommand),
  command("lmpop", -4, "write movablekeys", "write list slow", [
    keyNum("RW access delete", 1, 0, 1),
  ], {
    ...GROUP,
    since: "7.0.0",
    summary:
      "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.",
    complexity: MPOP_COMPLEXITY,
    arguments: MPOP_ARGS,
  }, lmpopCommand),
  command("lpop", -2, "write fast", "write list fast", [keyAt("RW access delete", 1)], {
    ...GROUP,
    since: "1.0.0",
    summary:
      "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.",
    complexity: POP_COMPLEXITY,
    history: [["6.2.0", "Added the `count` argument."]],
    arguments: [key("key", 0), arg("count", "integer", { optional: true, since: "6.2.0" })],
  }, popGeneric(true)),
  command("lpos", -3, "readonly", "read list slow", [keyAt("RO access", 1)], {
    ...GROUP,
    since: "6.0.6",
    summary: "Returns the index of matching elements in a list.",
    complexity:
      "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
    arguments: [
      key("key", 0),
      arg("element", "string"),
      arg("rank", "integer", { token: "RANK", optional: true }),
      arg("num-matches", "integer", { token: "COUNT", optional: true }),
      arg("len", "integer", { token: "MAXLEN", optional: true }),
    ],
  }, lposCommand),
  command("lpush", -3, "write denyoom fast", "write list fast", [keyAt("RW insert", 1)], {
    ...GROUP,
    since: "1.0.0",
    summary: "Prepends one or more elements to a list. Creates the key if it doesn't exist.",
    complexity: PUSH_COMPLEXITY,
    history: [["2.4.0", "Accepts multiple `element` arguments."]],
    arguments: [key("key", 0), arg("element", "string", { multiple: true })],
  }, pushGeneric(true, false)),
  command("lpushx", -3, "write denyoom fast", "write list fast", [keyAt("RW insert", 1)], {
    ...GROUP,
    since: "2.2.0",
    summary: "Prepends one or more elements to a list only when the list exists.",
    complexity: PUSH_COMPLEXITY,
    history: [["4.0.0", "Accepts multiple `element` arguments."]],
    arguments: [key("key", 0), arg("element", "string", { multiple: true })],
  }, pushGeneric(true, true)),
  command("lrange", 4, "readonly", "read list slow", [keyAt("RO access", 1)], {
    ...GROUP,
    since: "1.0.0",
    summary: "Returns a range of elements from a list.",
    complexity:
      "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
    arguments: [key("key", 0), arg("start", "integer"), arg("stop", "integer")],
  }, lrangeCommand),
  command("lrem", 4, "write", "write list slow", [keyAt("RW delete", 1)], {
    ...GROUP,
    since: "1.0.0",
    summary: "Removes elements from a list. Deletes the list if the last element was removed.",
    complexity: "O(N+M) where N is the length of the list and M is the number of elements removed.",
    arguments: [key("key", 0), arg("count", "integer"), arg("element", "string")],
  }, lremCommand),
  command("lset", 4, "write denyoom", "write list slow", [keyAt("RW update", 1)], {
    ...GROUP,
    since: "1.0.0",
    summary: "Sets the value of an element in a list by its index.",
    complexity:
      "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
    arguments: [key("key", 0), arg("index", "integer"), arg("element", "string")],
  }, lsetCommand),
  command("ltrim", 4, "write", "write list slow", [keyAt("RW delete", 1)], {
    ...GROUP,
    since: "1.0.0",
    summary:
      "Removes elements from both ends a list. Deletes the list if all elements were trimmed.",
    complexity: "O(N) where N is the number of elements to be removed by the operation.",
    arguments: [key("key", 0), arg("start", "integer"), arg("stop", "integer")],
  }, ltrimCommand),
  command("rpop", -2, "write fast", "write list fast", [keyAt("RW access delete", 1)], {
    ...GROUP,
    since: "1.0.0",
    summary:
      "Returns and removes the last elements of a list. Deletes the list if the last element was popped.",
    complexity: POP_COMPLEXITY,
    history: [["6.2.0", "Added the `count` argument."]],
    arguments: [key("key", 0), arg("count", "integer", { optional: true, since: "6.2.0" })],
  }, popGeneric(false)),
  command("rpoplpush", 3, "write denyoom", "write list slow", MOVE_KEYS, {
    ...GROUP,
    since: "1.2.0",
    summary:
      "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.",
    complexity: "O(1)",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`LMOVE` with the `RIGHT` and `LEFT` arguments",
    arguments: [key("source", 0), key("destination", 1)],
  }, rpoplpushCommand),
  command("rpush", -3, "write denyoom fast", "write list fast", [keyAt("RW insert", 1)], {
    ...GROUP,
    since: "1.0.0",
    summary: "Appends one or more elements to a list. Creates the key if it doesn't exist.",
    complexity: PUSH_COMPLEXITY,
    history: [["2.4.0", "Accepts multiple `element` arguments."]],
    arguments: [key("key", 0), arg("element", "string", { multiple: true })],
  }, pushGeneric(false, false)),
  command("rpushx", -3, "write denyoom fast", "write list fast", [keyAt("RW insert", 1)], {
    ...GROUP,
    since: "2.2.0",
    summary: "Appends an element to a list only when the list exists.",
    complexity: PUSH_COMPLEXITY,
    history: [["4.0.0", "Accepts multiple `element` arguments."]],
    arguments: [key("key", 0), arg("element", "string", { multiple: true })],
  }, pushGeneric(false, true)),
];
