/**
 * SORT and SORT_RO (Valkey's sort.c) over lists, sets and sorted sets: numeric or ALPHA order,
 * ASC/DESC, LIMIT, BY with key patterns (`weight_*`, hash fields `h_*->f`, or a constant to skip
 * sorting), GET (`#` for the element itself) and STORE into a list.
 *
 * Details that show in replies, kept from sort.c: numeric weights are read with C's `strtod`
 * over the C string (up to a NUL byte; trailing bytes, NaN and ERANGE are errors, a missing weight
 * key counts as 0); ties in numeric order fall back to the elements' bytes; ALPHA compares C
 * strings (`strcoll` in the C locale) unless STORE is given (binary compare); a set sorted with a
 * constant BY under STORE or from a script is sorted ALPHA instead (spec CALL-14); SORT converts a
 * listpack sorted set to a skiplist.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { eqIgnoreCase } from "../bytes.ts";
import { ERR_SORT_NOT_DOUBLE, ERR_SYNTAX, ERR_WRONGTYPE, ReplyError } from "../errors.ts";
import { lookupKeyRead, lookupKeyWrite, newEntry } from "../keyspace/lookup.ts";
import { array, bulk, int, NULL, type Reply } from "../resp/reply.ts";
import type { HashValue } from "../types/hash.ts";
import { ListValue } from "../types/list.ts";
import type { SetValue } from "../types/set.ts";
import type { ZSetValue } from "../types/zset.ts";
import { isSpace, parseFloatSyntax, string2d, toIndex } from "./args.ts";
import { encodingLimits } from "./encoding_limits.ts";
import { arg, block, command, key, keyAt, keyUnknown, oneof, OPTIONAL, token } from "./meta.ts";
import type { CommandContext, CommandSpec } from "./spec.ts";

/** What C's string functions see of a byte string: up to its first NUL. */
function cString(b: Bytes): Bytes {
  const i = b.indexOf("\0");
  return i < 0 ? b : b.slice(0, i);
}

/** `strcoll` in the C (or C.UTF-8) locale: strcmp over the C strings. */
function collate(a: Bytes, b: Bytes): number {
  const x = cString(a), y = cString(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** compareStringObjects: memcmp, then the shorter first. */
function binaryCompare(a: Bytes, b: Bytes): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const SMALLEST_NORMAL = 2 ** -1022;

/**
 * A weight as sort.c reads it: `strtod` over the C string, which must be consumed to its end, with
 * errno ERANGE (overflow, underflow to zero, or an inexact subnormal result, as glibc reports
 * them) and NaN refused. The empty string reads as 0.
 *
 * @param s The element or the BY key's value.
 * @returns The weight, or undefined for `One or more scores can't be converted into double`.
 */
export function sortWeight(s: Bytes): number | undefined {
  const c = cString(s);
  if (c.length === 0) return 0;
  let i = 0;
  while (i < c.length && isSpace(c.charCodeAt(i))) i++;
  const t = c.slice(i);
  const syntax = parseFloatSyntax(t);
  if (syntax === undefined || syntax.kind === "nan") return undefined;
  const v = string2d(t);
  if (v === undefined) return undefined;
  const abs = Math.abs(v);
  if (abs !== 0 && abs < SMALLEST_NORMAL && !exactSubnormal(syntax, abs)) return undefined;
  return v;
}

/** Whether the literal is exactly the subnormal `abs` (glibc sets ERANGE only when inexact). */
function exactSubnormal(syntax: ReturnType<typeof parseFloatSyntax>, abs: number): boolean {
  const m = BigInt(abs / 2 ** -1074); // abs = m × 2^-1074, m < 2^52: exact
  if (syntax?.kind === "dec") {
    const d = BigInt(syntax.digits);
    // d × 10^e = m × 2^-1074  ⇔  d × 10^e × 2^1074 = m
    if (syntax.exp10 >= 0) return d * 10n ** BigInt(syntax.exp10) * 2n ** 1074n === m;
    return d * 2n ** 1074n === m * 10n ** BigInt(-syntax.exp10);
  }
  if (syntax?.kind === "hex") {
    const shift = syntax.exp2 + 1074;
    if (shift >= 0) return syntax.mantissa << BigInt(shift) === m;
    return syntax.mantissa === m << BigInt(-shift);
  }
  return false;
}

/**
 * lookupKeyByPattern: `#` is the element itself; otherwise the first `*` of the pattern is
 * replaced by the element and the key read — as a string, or with `key->field` as a hash field.
 * Anything else (no `*`, a missing key, another type, a missing field) is undefined.
 */
function lookupByPattern(ctx: CommandContext, pattern: Bytes, subst: Bytes): Bytes | undefined {
  const cpat = cString(pattern);
  if (cpat === "#") return subst;
  const star = cpat.indexOf("*");
  if (star < 0) return undefined;
  const arrow = cpat.indexOf("->", star + 1);
  // The field runs to the end of the whole argument (its length comes from the sds).
  const field = arrow >= 0 && arrow + 2 < cpat.length ? pattern.slice(arrow + 2) : undefined;
  const postfixEnd = field === undefined ? pattern.length : arrow;
  const k = pattern.slice(0, star) + subst + pattern.slice(star + 1, postfixEnd);
  const e = lookupKeyRead(ctx, k);
  if (e === undefined) return undefined;
  if (field !== undefined) return e.type === "hash" ? (e.value as HashValue).get(field) : undefined;
  return e.type === "string" ? (e.value as Bytes) : undefined;
}

/** One element to sort, with what it is sorted by. */
interface SortItem {
  readonly obj: Bytes;
  score: number;
  cmp: Bytes | undefined;
}

function sortGeneric(ctx: CommandContext, argv: readonly Bytes[], readonly: boolean): Reply {
  let desc = false, alpha = false, dontsort = false;
  let limitStart = 0, limitCount = -1;
  let sortby: Bytes | undefined;
  let storekey: Bytes | undefined;
  const gets: Bytes[] = [];
  for (let j = 2; j < argv.length; j++) {
    const o = argv[j];
    const left = argv.length - j - 1;
    if (eqIgnoreCase(o, "asc")) {
      desc = false;
    } else if (eqIgnoreCase(o, "desc")) {
      desc = true;
    } else if (eqIgnoreCase(o, "alpha")) {
      alpha = true;
    } else if (eqIgnoreCase(o, "limit") && left >= 2) {
      limitStart = toIndex(argv[j + 1]);
      limitCount = toIndex(argv[j + 2]);
      j += 2;
    } else if (!readonly && eqIgnoreCase(o, "store") && left >= 1) {
      storekey = argv[++j];
    } else if (eqIgnoreCase(o, "by") && left >= 1) {
      sortby = argv[++j];
      // A constant pattern means "don't sort"; a later BY does not undo it (as in sort.c).
      if (!cString(sortby).includes("*")) dontsort = true;
    } else if (eqIgnoreCase(o, "get") && left >= 1) {
      gets.push(argv[++j]);
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }

  const e = lookupKeyRead(ctx, argv[1]);
  if (e !== undefined && e.type !== "list" && e.type !== "set" && e.type !== "zset") {
    throw new ReplyError(ERR_WRONGTYPE);
  }
  const type = e?.type ?? "list";
  const value = e?.value ?? new ListValue({ limits: encodingLimits(ctx) });
  // A set has no order of its own: sort it when the result must be deterministic.
  if (dontsort && type === "set" && (storekey !== undefined || ctx.inScript)) {
    dontsort = false;
    alpha = true;
    sortby = undefined;
  }
  if (type === "zset") {
    // sort.c converts a listpack sorted set to a skiplist, for good.
    (value as ZSetValue).maybeConvert(Number.MAX_SAFE_INTEGER);
    ctx.db.recharge(argv[1]);
  }

  const length = type === "list"
    ? (value as ListValue).length
    : (value as SetValue | ZSetValue).size;
  let start = Math.min(Math.max(limitStart, 0), length);
  const count = Math.min(Math.max(limitCount, -1), length);
  let end = count < 0 ? length - 1 : start + count - 1;
  if (start >= length) {
    start = length - 1;
    end = length - 2;
  }
  if (end >= length) end = length - 1;

  let objs: Bytes[];
  if (dontsort && type === "list") {
    // The range straight from the list, in list order (or reversed with DESC).
    const l = value as ListValue;
    objs = [];
    if (end >= start) {
      const n = end - start + 1;
      objs = desc ? l.range(length - start - n, length - start - 1).reverse() : l.range(start, end);
      end -= start;
      start = 0;
    }
  } else if (type === "list") {
    objs = (value as ListValue).range(0, -1);
  } else if (type === "set") {
    objs = [...(value as SetValue).values()];
  } else if (dontsort) {
    const z = value as ZSetValue;
    objs = [];
    if (end >= start) {
      objs = z.rangeByRank(start, end, desc).map((en) => en.member);
      end -= start;
      start = 0;
    }
  } else {
    objs = [];
    for (const en of (value as ZSetValue).entries()) objs.push(en.member);
  }

  let conversionError = false;
  let items: SortItem[] = objs.map((obj) => ({ obj, score: 0, cmp: undefined }));
  if (!dontsort) {
    for (const it of items) {
      let byval: Bytes | undefined;
      if (sortby !== undefined) {
        byval = lookupByPattern(ctx, sortby, it.obj);
        if (byval === undefined) continue;
      } else {
        byval = it.obj;
      }
      if (alpha) {
        if (sortby !== undefined) it.cmp = byval;
      } else {
        const w = sortWeight(byval);
        if (w === undefined) conversionError = true;
        else it.score = w;
      }
    }
    const store = storekey !== undefined;
    const by = sortby !== undefined;
    const sign = desc ? -1 : 1;
    items = items.slice().sort((a, b) => {
      let c: number;
      if (!alpha) {
        c = a.score > b.score ? 1 : a.score < b.score ? -1 : binaryCompare(a.obj, b.obj);
      } else if (by) {
        if (a.cmp === undefined || b.cmp === undefined) {
          c = a.cmp === b.cmp ? 0 : a.cmp === undefined ? -1 : 1;
        } else {
          c = store ? binaryCompare(a.cmp, b.cmp) : collate(a.cmp, b.cmp);
        }
      } else {
        c = store ? binaryCompare(a.obj, b.obj) : collate(a.obj, b.obj);
      }
      return sign * c;
    });
  }

  const span = Math.max(0, end - start + 1);
  const outputLen = gets.length > 0 ? gets.length * span : span;
  if (conversionError) throw new ReplyError(ERR_SORT_NOT_DOUBLE);
  if (storekey === undefined) {
    const out: Reply[] = [];
    for (let j = start; j <= end; j++) {
      const obj = items[j].obj;
      if (gets.length === 0) out.push(bulk(obj));
      for (const g of gets) {
        const v = lookupByPattern(ctx, g, obj);
        out.push(v === undefined ? NULL : bulk(v));
      }
    }
    return array(out);
  }
  // The result list starts as a quicklist and is converted at the end, as sort.c builds it.
  const list = new ListValue({ limits: encodingLimits(ctx), encoding: "quicklist" });
  for (let j = start; j <= end; j++) {
    const obj = items[j].obj;
    if (gets.length === 0) list.pushTail(obj);
    for (const g of gets) list.pushTail(lookupByPattern(ctx, g, obj) ?? "");
  }
  if (outputLen > 0) {
    list.convertAuto();
    lookupKeyWrite(ctx, storekey);
    ctx.db.set(storekey, newEntry(ctx, "list", list));
  } else {
    ctx.db.delete(storekey);
  }
  return int(outputLen);
}

function sortCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return sortGeneric(ctx, argv, false);
}

function sortRoCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return sortGeneric(ctx, argv, true);
}

const SORT_DOCS = {
  group: "generic",
  complexity:
    "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).",
} as const;

const BY_GET_KEYS = keyUnknown(
  "RO access",
  "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
);

const SORT_ARGS = [
  key("key", 0),
  arg("by-pattern", "pattern", {
    optional: true,
    token: "BY",
    keySpecIndex: 1,
    displayText: "pattern",
  }),
  block("limit", [arg("offset", "integer"), arg("count", "integer")], {
    optional: true,
    token: "LIMIT",
  }),
  arg("get-pattern", "pattern", {
    optional: true,
    multiple: true,
    multipleToken: true,
    token: "GET",
    keySpecIndex: 1,
    displayText: "pattern",
  }),
  oneof("order", [token("ASC"), token("DESC")], OPTIONAL),
  token("ALPHA", OPTIONAL, "sorting"),
];

/** SORT and SORT_RO. */
export const SORT_COMMANDS: readonly CommandSpec[] = [
  command("sort", -2, "write denyoom", "write set sortedset list slow dangerous", [
    keyAt("RO access", 1),
    BY_GET_KEYS,
    keyUnknown(
      "OW update",
      "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
    ),
  ], {
    ...SORT_DOCS,
    since: "1.0.0",
    summary: "Sorts the elements in a list, a set, or a sorted set, optionally storing the result.",
    arguments: [
      ...SORT_ARGS,
      key("destination", 2, { optional: true, token: "STORE" }),
    ],
  }, sortCommand),
  command("sort_ro", -2, "readonly", "read set sortedset list slow dangerous", [
    keyAt("RO access", 1),
    BY_GET_KEYS,
  ], {
    ...SORT_DOCS,
    since: "7.0.0",
    summary: "Returns the sorted elements of a list, a set, or a sorted set.",
    arguments: SORT_ARGS,
  }, sortRoCommand),
];
