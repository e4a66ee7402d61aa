/**
 * The sorted-set commands (Valkey's t_zset.c): ZADD/ZINCRBY, ZREM, scores and counts, the ZRANGE
 * family (by rank, score and lex, reversed, with LIMIT, WITHSCORES, and ZRANGESTORE), ranks, the
 * pops (ZPOPMIN/ZPOPMAX, ZMPOP and the blocking BZPOPMIN/BZPOPMAX/BZMPOP), range removals,
 * ZUNION/ZINTER/ZDIFF with their STORE and CARD forms, ZRANDMEMBER and ZSCAN.
 *
 * Values are {@link ZSetValue}s (skiplist + member map, Valkey's listpack/skiplist encodings).
 * Scores are replied as double replies: RESP3 `,d`, RESP2 bulk strings, both formatted like
 * Valkey 8's `d2string`. Argument checks happen in t_zset.c's order (options, then ranges, then
 * the key), which decides which error a wrong command gets.
 *
 * @module
 */

import { blockForKeys, parseBlockingTimeout } from "../blocking.ts";
import type { Bytes } from "../bytes.ts";
import { eqIgnoreCase } from "../bytes.ts";
import {
  ERR_COUNT_NOT_POSITIVE,
  ERR_LIMIT_NEGATIVE,
  ERR_NOT_POSITIVE,
  ERR_NUMKEYS_NOT_POSITIVE,
  ERR_SCORE_NAN,
  ERR_SYNTAX,
  ERR_WEIGHT_NOT_FLOAT,
  ERR_WRONGTYPE,
  ERR_ZADD_GT_LT_NX,
  ERR_ZADD_INCR_PAIRS,
  ERR_ZADD_XX_NX,
  ERR_ZRANGE_BYLEX_WITHSCORES,
  ERR_ZRANGE_LIMIT,
  errAtLeastOneInputKey,
  errWrongArity,
  ReplyError,
} from "../errors.ts";
import {
  afterRemoval,
  lookupKeyRead,
  newEntry,
  readValue,
  storeValue,
  writeValue,
} from "../keyspace/lookup.ts";
import { formatDouble } from "../resp/double.ts";
import {
  array,
  bulk,
  double,
  EMPTY_ARRAY,
  int,
  NULL,
  NULL_ARRAY,
  type Reply,
} from "../resp/reply.ts";
import { type LexRange, parseLexRange, parseScoreRange, type ScoreRange } from "../types/range.ts";
import { orderedSample, randomSample } from "../types/sample.ts";
import type { SetValue } from "../types/set.ts";
import {
  type Aggregate,
  aggregateScore,
  weightedScore,
  type ZEntry,
  ZSetValue,
} from "../types/zset.ts";
import {
  parseRandomCount,
  toDouble,
  toIndex,
  toPositiveCount,
  toPositiveLong,
  toScanCursor,
} from "./args.ts";
import {
  emptyScanReply,
  hashScanStep,
  parseElementScanOptions,
  scanMatches,
  scanReply,
} from "./collection_scan.ts";
import { encodingLimits } from "./encoding_limits.ts";
import { arg, block, command, key, keyAt, keyNum, oneof, OPTIONAL, token } from "./meta.ts";
import type { CommandContext, CommandSpec } from "./spec.ts";

// ---- shared helpers ----

/**
 * Entries with their scores the way Valkey replies them: RESP2 a flat array (member, score, …),
 * RESP3 an array of [member, score] pairs.
 */
function withScores(ctx: CommandContext, entries: readonly ZEntry[]): Reply {
  if (ctx.resp === 2) {
    const flat = new Array<Reply>(entries.length * 2);
    for (let i = 0; i < entries.length; i++) {
      flat[2 * i] = bulk(entries[i].member);
      flat[2 * i + 1] = double(entries[i].score);
    }
    return array(flat);
  }
  return array(entries.map((e) => array([bulk(e.member), double(e.score)])));
}

function membersOnly(entries: readonly ZEntry[]): Reply {
  return array(entries.map((e) => bulk(e.member)));
}

// ---- ZADD ZINCRBY ZREM ----

/** zaddGenericCommand: ZADD, and ZINCRBY (`incr` from the start). */
function zaddGeneric(ctx: CommandContext, argv: readonly Bytes[], incrCommand: boolean): Reply {
  let nx = false, xx = false, gt = false, lt = false, ch = false, incr = incrCommand;
  let i = 2;
  for (; i < argv.length; i++) {
    const o = argv[i];
    if (eqIgnoreCase(o, "nx")) nx = true;
    else if (eqIgnoreCase(o, "xx")) xx = true;
    else if (eqIgnoreCase(o, "ch")) ch = true;
    else if (eqIgnoreCase(o, "incr")) incr = true;
    else if (eqIgnoreCase(o, "gt")) gt = true;
    else if (eqIgnoreCase(o, "lt")) lt = true;
    else break;
  }
  const rest = argv.length - i;
  if (rest % 2 !== 0 || rest === 0) throw new ReplyError(ERR_SYNTAX);
  const elements = rest / 2;
  if (nx && xx) throw new ReplyError(ERR_ZADD_XX_NX);
  if ((gt && nx) || (lt && nx) || (gt && lt)) throw new ReplyError(ERR_ZADD_GT_LT_NX);
  if (incr && elements > 1) throw new ReplyError(ERR_ZADD_INCR_PAIRS);
  // Every score is checked before anything changes: ZADD applies fully or not at all.
  const scores = new Array<number>(elements);
  let maxLen = 0;
  for (let j = 0; j < elements; j++) {
    scores[j] = toDouble(argv[i + 2 * j]);
    maxLen = Math.max(maxLen, argv[i + 2 * j + 1].length);
  }
  const k = argv[1];
  const existing = writeValue(ctx, k, "zset");
  let z: ZSetValue;
  if (existing === undefined) {
    if (xx) return incr ? NULL : int(0);
    z = ZSetValue.create(elements, maxLen, { limits: encodingLimits(ctx) });
  } else {
    z = existing;
    z.maybeConvert(elements, maxLen);
  }
  const options = { nx, xx, gt, lt, incr };
  let added = 0, updated = 0, processed = 0, score = 0, nan = false;
  for (let j = 0; j < elements; j++) {
    const r = z.add(argv[i + 2 * j + 1], scores[j], options);
    if (r.outcome === "nan") {
      nan = true;
      break;
    }
    if (r.outcome === "added") added++;
    else if (r.outcome === "updated") updated++;
    if (r.outcome !== "nop") processed++;
    score = r.score;
  }
  if (existing === undefined) {
    ctx.db.set(k, newEntry(ctx, "zset", z));
  } else {
    ctx.db.recharge(k);
    if (added > 0 || updated > 0) ctx.db.touch(k);
  }
  if (nan) throw new ReplyError(ERR_SCORE_NAN);
  if (incr) return processed > 0 ? double(score) : NULL;
  return int(ch ? added + updated : added);
}

function zaddCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zaddGeneric(ctx, argv, false);
}

function zincrbyCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zaddGeneric(ctx, argv, true);
}

function zremCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const k = argv[1];
  const z = writeValue(ctx, k, "zset");
  if (z === undefined) return int(0);
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) {
    if (z.delete(argv[j])) deleted++;
    if (z.size === 0) break;
  }
  if (deleted > 0) afterRemoval(ctx, k, z.size);
  return int(deleted);
}

// ---- scores, counts, ranks ----

function zscoreCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const s = readValue(ctx, argv[1], "zset")?.score(argv[2]);
  return s === undefined ? NULL : double(s);
}

function zmscoreCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const z = readValue(ctx, argv[1], "zset");
  const out: Reply[] = [];
  for (let j = 2; j < argv.length; j++) {
    const s = z?.score(argv[j]);
    out.push(s === undefined ? NULL : double(s));
  }
  return array(out);
}

function zcardCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return int(readValue(ctx, argv[1], "zset")?.size ?? 0);
}

function zcountCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const range = parseScoreRange(argv[2], argv[3]);
  return int(readValue(ctx, argv[1], "zset")?.countByScore(range) ?? 0);
}

function zlexcountCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const range = parseLexRange(argv[2], argv[3]);
  return int(readValue(ctx, argv[1], "zset")?.countByLex(range) ?? 0);
}

function zrankGeneric(ctx: CommandContext, argv: readonly Bytes[], reverse: boolean): Reply {
  if (argv.length > 4) throw new ReplyError(errWrongArity(reverse ? "zrevrank" : "zrank"));
  let withScore = false;
  if (argv.length > 3) {
    if (!eqIgnoreCase(argv[3], "withscore")) throw new ReplyError(ERR_SYNTAX);
    withScore = true;
  }
  const missing = withScore ? NULL_ARRAY : NULL;
  const z = readValue(ctx, argv[1], "zset");
  if (z === undefined) return missing;
  const r = z.rank(argv[2], reverse);
  if (r === undefined) return missing;
  return withScore ? array([int(r), double(z.score(argv[2]) as number)]) : int(r);
}

function zrankCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zrankGeneric(ctx, argv, false);
}

function zrevrankCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zrankGeneric(ctx, argv, true);
}

// ---- the ZRANGE family ----

type RangeType = "auto" | "rank" | "score" | "lex";
type Direction = "auto" | "forward" | "reverse";

/**
 * zrangeGenericCommand: ZRANGE and ZRANGESTORE (`dst` set), and the older Z[REV]RANGE[BYSCORE|
 * BYLEX] forms that fix the range type and direction. `start` is the index of the source key.
 */
function zrangeGeneric(
  ctx: CommandContext,
  argv: readonly Bytes[],
  start: number,
  dst: Bytes | undefined,
  rangeType: RangeType,
  direction: Direction,
): Reply {
  const store = dst !== undefined;
  let withscores = false;
  let offset = 0, limit = -1;
  for (let j = start + 3; j < argv.length; j++) {
    const o = argv[j];
    const left = argv.length - j - 1;
    if (!store && eqIgnoreCase(o, "withscores")) {
      withscores = true;
    } else if (eqIgnoreCase(o, "limit") && left >= 2) {
      offset = toIndex(argv[j + 1]);
      limit = toIndex(argv[j + 2]);
      j += 2;
    } else if (direction === "auto" && eqIgnoreCase(o, "rev")) {
      direction = "reverse";
    } else if (rangeType === "auto" && eqIgnoreCase(o, "bylex")) {
      rangeType = "lex";
    } else if (rangeType === "auto" && eqIgnoreCase(o, "byscore")) {
      rangeType = "score";
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  if (direction === "auto") direction = "forward";
  if (rangeType === "auto") rangeType = "rank";
  // Valkey tests the value, so LIMIT 0 -1 passes with a rank range.
  if (limit !== -1 && rangeType === "rank") throw new ReplyError(ERR_ZRANGE_LIMIT);
  if (withscores && rangeType === "lex") throw new ReplyError(ERR_ZRANGE_BYLEX_WITHSCORES);
  const reverse = direction === "reverse";
  let minArg = argv[start + 1], maxArg = argv[start + 2];
  if (reverse && rangeType !== "rank") [minArg, maxArg] = [maxArg, minArg];
  let rankStart = 0, rankStop = 0;
  let scoreRange: ScoreRange | undefined;
  let lexRange: LexRange | undefined;
  if (rangeType === "rank") {
    rankStart = toIndex(minArg);
    rankStop = toIndex(maxArg);
  } else if (rangeType === "score") {
    scoreRange = parseScoreRange(minArg, maxArg);
  } else {
    lexRange = parseLexRange(minArg, maxArg);
  }
  const z = readValue(ctx, argv[start], "zset");
  let entries: ZEntry[] = [];
  if (z !== undefined) {
    const opts = { reverse, offset, count: limit };
    if (rangeType === "rank") entries = z.rangeByRank(rankStart, rankStop, reverse);
    else if (scoreRange !== undefined) entries = z.rangeByScore(scoreRange, opts);
    else entries = z.rangeByLex(lexRange as LexRange, opts);
  }
  if (dst !== undefined) {
    if (entries.length === 0) {
      ctx.db.delete(dst);
      return int(0);
    }
    // zrangeResultBeginStore: sized by the rank range's length, else from 0.
    const hint = rangeType === "rank" ? entries.length : 0;
    const out = ZSetValue.create(hint, 0, { limits: encodingLimits(ctx) });
    for (const en of entries) out.add(en.member, en.score);
    storeValue(ctx, dst, "zset", out);
    return int(out.size);
  }
  if (z === undefined) return EMPTY_ARRAY;
  return withscores ? withScores(ctx, entries) : membersOnly(entries);
}

function zrangeCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zrangeGeneric(ctx, argv, 1, undefined, "auto", "auto");
}

function zrangestoreCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zrangeGeneric(ctx, argv, 2, argv[1], "auto", "auto");
}

function zrevrangeCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zrangeGeneric(ctx, argv, 1, undefined, "rank", "reverse");
}

function zrangebyscoreCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zrangeGeneric(ctx, argv, 1, undefined, "score", "forward");
}

function zrevrangebyscoreCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zrangeGeneric(ctx, argv, 1, undefined, "score", "reverse");
}

function zrangebylexCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zrangeGeneric(ctx, argv, 1, undefined, "lex", "forward");
}

function zrevrangebylexCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zrangeGeneric(ctx, argv, 1, undefined, "lex", "reverse");
}

// ---- ZREMRANGEBY* ----

function zremrangeGeneric(
  ctx: CommandContext,
  argv: readonly Bytes[],
  type: "rank" | "score" | "lex",
): Reply {
  // The range is parsed before the key is looked up.
  let remove: (z: ZSetValue) => number;
  if (type === "rank") {
    const startIdx = toIndex(argv[2]), stopIdx = toIndex(argv[3]);
    remove = (z) => z.removeRangeByRank(startIdx, stopIdx);
  } else if (type === "score") {
    const range = parseScoreRange(argv[2], argv[3]);
    remove = (z) => z.removeRangeByScore(range);
  } else {
    const range = parseLexRange(argv[2], argv[3]);
    remove = (z) => z.removeRangeByLex(range);
  }
  const k = argv[1];
  const z = writeValue(ctx, k, "zset");
  if (z === undefined) return int(0);
  const deleted = remove(z);
  if (deleted > 0) afterRemoval(ctx, k, z.size);
  return int(deleted);
}

function zremrangebyrankCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zremrangeGeneric(ctx, argv, "rank");
}

function zremrangebyscoreCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zremrangeGeneric(ctx, argv, "score");
}

function zremrangebylexCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zremrangeGeneric(ctx, argv, "lex");
}

// ---- pops ----

type Where = "min" | "max";

/** How genericZpopCommand shapes its reply. */
interface PopShape {
  /** Emit the key name (BZPOP*, ZMPOP, BZMPOP). */
  readonly emitKey: boolean;
  /** [member, score] pairs instead of a flat list. */
  readonly nested: boolean;
  /** Null array rather than an empty array when no key exists (ZMPOP, BZMPOP). */
  readonly nilWhenEmpty: boolean;
}

/**
 * genericZpopCommand: pops from the first of `keys` that exists (keys after it are not even
 * type-checked). `count` -1 is the plain single pop.
 */
function genericZpop(
  ctx: CommandContext,
  keys: readonly Bytes[],
  where: Where,
  count: number,
  shape: PopShape,
): Reply {
  let k: Bytes | undefined;
  let z: ZSetValue | undefined;
  for (const candidate of keys) {
    z = writeValue(ctx, candidate, "zset");
    if (z === undefined) continue;
    k = candidate;
    break;
  }
  if (z === undefined || k === undefined) return shape.nilWhenEmpty ? NULL_ARRAY : EMPTY_ARRAY;
  if (count === 0) return EMPTY_ARRAY;
  const n = count === -1 ? 1 : count;
  const popped = where === "min" ? z.popMin(n) : z.popMax(n);
  afterRemoval(ctx, k, z.size);
  if (shape.nested) {
    const pairs = array(popped.map((p) => array([bulk(p.member), double(p.score)])));
    return shape.emitKey ? array([bulk(k), pairs]) : pairs;
  }
  const flat: Reply[] = shape.emitKey ? [bulk(k)] : [];
  for (const p of popped) flat.push(bulk(p.member), double(p.score));
  return array(flat);
}

function zpopMinMax(ctx: CommandContext, argv: readonly Bytes[], where: Where): Reply {
  if (argv.length > 3) throw new ReplyError(ERR_SYNTAX);
  const count = argv.length === 3 ? toPositiveLong(argv[2], ERR_NOT_POSITIVE) : -1;
  // RESP3 nests the pairs only when a count was given.
  const nested = ctx.resp > 2 && count !== -1;
  return genericZpop(ctx, [argv[1]], where, count, {
    emitKey: false,
    nested,
    nilWhenEmpty: false,
  });
}

function zpopminCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zpopMinMax(ctx, argv, "min");
}

function zpopmaxCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zpopMinMax(ctx, argv, "max");
}

/**
 * blockingGenericZpopCommand: pops like the non-blocking form from the first non-empty sorted
 * set; when there is none, blocks the client on the keys (blocking.ts), or replies the timeout
 * reply (a null array) where clients may not block: inside MULTI and scripts.
 */
function blockingZpop(
  ctx: CommandContext,
  argv: readonly Bytes[],
  keys: readonly Bytes[],
  where: Where,
  timeoutArg: Bytes,
  count: number,
  shape: PopShape,
): Reply {
  const deadline = parseBlockingTimeout(ctx, timeoutArg);
  for (const k of keys) {
    const z = writeValue(ctx, k, "zset");
    if (z === undefined || z.size === 0) continue;
    return genericZpop(ctx, [k], where, count, shape);
  }
  return blockForKeys(ctx, argv, keys, "zset", deadline, NULL_ARRAY);
}

const BZPOP_SHAPE: PopShape = { emitKey: true, nested: false, nilWhenEmpty: false };
const ZMPOP_SHAPE: PopShape = { emitKey: true, nested: true, nilWhenEmpty: true };

function bzpopminCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const keys = argv.slice(1, -1);
  return blockingZpop(ctx, argv, keys, "min", argv[argv.length - 1], -1, BZPOP_SHAPE);
}

function bzpopmaxCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const keys = argv.slice(1, -1);
  return blockingZpop(ctx, argv, keys, "max", argv[argv.length - 1], -1, BZPOP_SHAPE);
}

/** zmpopGenericCommand: ZMPOP (`numkeysIdx` 1) and BZMPOP (2, after the timeout). */
function zmpopGeneric(ctx: CommandContext, argv: readonly Bytes[], numkeysIdx: number): Reply {
  const numkeys = toPositiveCount(argv[numkeysIdx], ERR_NUMKEYS_NOT_POSITIVE);
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) throw new ReplyError(ERR_SYNTAX);
  let where: Where;
  if (eqIgnoreCase(argv[whereIdx], "min")) where = "min";
  else if (eqIgnoreCase(argv[whereIdx], "max")) where = "max";
  else throw new ReplyError(ERR_SYNTAX);
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && eqIgnoreCase(argv[j], "count") && j + 1 < argv.length) {
      count = toPositiveCount(argv[++j], ERR_COUNT_NOT_POSITIVE);
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  if (count === -1) count = 1;
  const keys = argv.slice(numkeysIdx + 1, whereIdx);
  if (numkeysIdx === 2) return blockingZpop(ctx, argv, keys, where, argv[1], count, ZMPOP_SHAPE);
  return genericZpop(ctx, keys, where, count, ZMPOP_SHAPE);
}

function zmpopCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zmpopGeneric(ctx, argv, 1);
}

function bzmpopCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zmpopGeneric(ctx, argv, 2);
}

// ---- ZUNION ZINTER ZDIFF (and STORE, CARD) ----

/** One input of ZUNION/ZINTER/ZDIFF: a sorted set, a set (every score 1), or a missing key. */
interface OpSource {
  readonly size: number;
  weight: number;
  /** Entries in Valkey's iteration order (sorted sets from the highest, `zuiInitIterator`). */
  entries(): Iterable<readonly [Bytes, number]>;
  score(m: Bytes): number | undefined;
}

function zsetSource(z: ZSetValue): OpSource {
  return {
    size: z.size,
    weight: 1,
    *entries() {
      for (const e of z.entriesReversed()) yield [e.member, e.score] as const;
    },
    score: (m) => z.score(m),
  };
}

function setSource(s: SetValue): OpSource {
  return {
    size: s.size,
    weight: 1,
    *entries() {
      for (const m of s.values()) yield [m, 1] as const;
    },
    score: (m) => (s.has(m) ? 1 : undefined),
  };
}

function missingSource(): OpSource {
  return { size: 0, weight: 1, entries: () => [], score: () => undefined };
}

type SetOp = "union" | "inter" | "diff";

/**
 * zunionInterDiffGenericCommand: `numkeys` at argv[numkeysIdx], then the keys (sorted sets or
 * sets), then WEIGHTS / AGGREGATE (not for ZDIFF), WITHSCORES (not with a destination) or LIMIT
 * (ZINTERCARD only). With `dst`, stores the result; with `cardOnly`, counts it.
 */
function zsetOpGeneric(
  ctx: CommandContext,
  argv: readonly Bytes[],
  name: string,
  dst: Bytes | undefined,
  numkeysIdx: number,
  op: SetOp,
  cardOnly: boolean,
): Reply {
  const setnum = toIndex(argv[numkeysIdx]);
  if (setnum < 1) throw new ReplyError(errAtLeastOneInputKey(name));
  if (setnum > argv.length - (numkeysIdx + 1)) throw new ReplyError(ERR_SYNTAX);
  let srcs: OpSource[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const e = lookupKeyRead(ctx, argv[j]);
    if (e === undefined) srcs.push(missingSource());
    else if (e.type === "zset") srcs.push(zsetSource(e.value as ZSetValue));
    else if (e.type === "set") srcs.push(setSource(e.value as SetValue));
    else throw new ReplyError(ERR_WRONGTYPE);
  }
  let aggregate: Aggregate = "sum";
  let withscores = false;
  let limit = 0;
  while (j < argv.length) {
    const o = argv[j];
    const remaining = argv.length - j;
    if (op !== "diff" && !cardOnly && remaining >= setnum + 1 && eqIgnoreCase(o, "weights")) {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        srcs[i].weight = toDouble(argv[j], ERR_WEIGHT_NOT_FLOAT);
      }
    } else if (op !== "diff" && !cardOnly && remaining >= 2 && eqIgnoreCase(o, "aggregate")) {
      const a = argv[j + 1];
      if (eqIgnoreCase(a, "sum")) aggregate = "sum";
      else if (eqIgnoreCase(a, "min")) aggregate = "min";
      else if (eqIgnoreCase(a, "max")) aggregate = "max";
      else throw new ReplyError(ERR_SYNTAX);
      j += 2;
    } else if (dst === undefined && !cardOnly && eqIgnoreCase(o, "withscores")) {
      withscores = true;
      j++;
    } else if (cardOnly && remaining >= 2 && eqIgnoreCase(o, "limit")) {
      limit = toPositiveLong(argv[j + 1], ERR_LIMIT_NEGATIVE);
      j += 2;
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  // Smallest first (a stable sort, like glibc's merge-sort qsort): this fixes the order scores
  // are aggregated in, which can change a floating-point sum.
  if (op !== "diff") srcs = srcs.slice().sort((a, b) => a.size - b.size);
  const result = new Map<Bytes, number>();
  let card = 0;
  if (op === "inter") {
    const first = srcs[0];
    if (first.size > 0) {
      for (const [m, s0] of first.entries()) {
        let score = weightedScore(s0, first.weight);
        let inAll = true;
        for (let i = 1; i < srcs.length; i++) {
          const v = srcs[i].score(m);
          if (v === undefined) {
            inAll = false;
            break;
          }
          score = aggregateScore(score, v * srcs[i].weight, aggregate);
        }
        if (!inAll) continue;
        if (cardOnly) {
          card++;
          if (limit > 0 && card >= limit) break;
        } else {
          result.set(m, score);
        }
      }
    }
  } else if (op === "union") {
    for (const src of srcs) {
      for (const [m, s] of src.entries()) {
        const score = weightedScore(s, src.weight);
        const prev = result.get(m);
        result.set(m, prev === undefined ? score : aggregateScore(prev, score, aggregate));
      }
    }
  } else {
    const first = srcs[0];
    for (const [m, s] of first.entries()) {
      let found = false;
      for (let i = 1; i < srcs.length && !found; i++) found = srcs[i].score(m) !== undefined;
      if (!found) result.set(m, s);
    }
  }
  if (cardOnly) return int(card);
  const out = new ZSetValue({ limits: encodingLimits(ctx), encoding: "skiplist" });
  for (const [m, s] of result) out.add(m, s);
  if (dst !== undefined) {
    if (out.size === 0) {
      ctx.db.delete(dst);
      return int(0);
    }
    out.convertToListpackIfNeeded();
    storeValue(ctx, dst, "zset", out);
    return int(out.size);
  }
  const entries = [...out.entries()];
  return withscores ? withScores(ctx, entries) : membersOnly(entries);
}

function zunionstoreCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zsetOpGeneric(ctx, argv, "zunionstore", argv[1], 2, "union", false);
}

function zinterstoreCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zsetOpGeneric(ctx, argv, "zinterstore", argv[1], 2, "inter", false);
}

function zdiffstoreCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zsetOpGeneric(ctx, argv, "zdiffstore", argv[1], 2, "diff", false);
}

function zunionCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zsetOpGeneric(ctx, argv, "zunion", undefined, 1, "union", false);
}

function zinterCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zsetOpGeneric(ctx, argv, "zinter", undefined, 1, "inter", false);
}

function zdiffCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zsetOpGeneric(ctx, argv, "zdiff", undefined, 1, "diff", false);
}

function zintercardCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return zsetOpGeneric(ctx, argv, "zintercard", undefined, 1, "inter", true);
}

// ---- ZRANDMEMBER ----

function zrandmemberCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  if (argv.length >= 3) {
    const { count, withValues } = parseRandomCount(argv, "withscores");
    return zrandmemberWithCount(ctx, argv[1], count, withValues);
  }
  const z = readValue(ctx, argv[1], "zset");
  if (z === undefined) return NULL;
  return bulk((z.at(Math.floor(Math.random() * z.size)) as ZEntry).member);
}

function zrandmemberWithCount(ctx: CommandContext, k: Bytes, l: number, scores: boolean): Reply {
  const z = readValue(ctx, k, "zset");
  if (z === undefined || l === 0) return EMPTY_ARRAY;
  const n = z.size;
  const count = Math.abs(l);
  let picked: ZEntry[];
  if (l < 0 || count === 1) {
    // CASE 1: with replacement, in random order.
    picked = new Array<ZEntry>(count);
    for (let i = 0; i < count; i++) picked[i] = z.at(Math.floor(Math.random() * n)) as ZEntry;
  } else if (count >= n) {
    // CASE 2: the whole set, in zuiNext's order (from the highest).
    picked = [...z.entriesReversed()];
  } else if (z.encoding === "listpack") {
    // CASE 2.5: distinct members in listpack order.
    picked = orderedSample(n, count, Math.random).map((i) => z.at(i) as ZEntry);
  } else {
    picked = randomSample(n, count, Math.random).map((i) => z.at(i) as ZEntry);
  }
  return scores ? withScores(ctx, picked) : membersOnly(picked);
}

// ---- ZSCAN ----

const F64 = new DataView(new ArrayBuffer(8));

/**
 * C's `%.17g` of a double (`ld2string(…, LD_STR_AUTO)`): what ZSCAN replies for the scores of a
 * skiplist-encoded set — 17 significant digits, ties to even, trailing zeros dropped.
 *
 * @param d The score.
 * @returns Its text.
 */
export function formatG17(d: number): string {
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (Number.isNaN(d)) return "nan";
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  F64.setFloat64(0, Math.abs(d));
  const bits = F64.getBigUint64(0);
  const biased = Number(bits >> 52n);
  let mant = bits & ((1n << 52n) - 1n);
  let exp2 = -1074;
  if (biased !== 0) {
    mant |= 1n << 52n;
    exp2 = biased - 1075;
  }
  // The exact value is digits × 10^-scale.
  let digits: string, scale: number;
  if (exp2 >= 0) {
    digits = (mant << BigInt(exp2)).toString();
    scale = 0;
  } else {
    digits = (mant * 5n ** BigInt(-exp2)).toString();
    scale = -exp2;
  }
  let exp10 = digits.length - 1 - scale;
  if (digits.length > 17) {
    const head = BigInt(digits.slice(0, 17));
    const rest = digits.slice(17);
    const half = "5".padEnd(rest.length, "0");
    const up = rest > half || (rest === half && (head & 1n) === 1n);
    let rounded = (up ? head + 1n : head).toString();
    if (rounded.length > 17) {
      rounded = rounded.slice(0, 17);
      exp10++;
    }
    digits = rounded;
  }
  digits = digits.replace(/0+$/, "");
  let text: string;
  if (exp10 < -4 || exp10 >= 17) {
    const frac = digits.slice(1);
    const e = Math.abs(exp10).toString().padStart(2, "0");
    text = `${digits[0]}${frac === "" ? "" : "." + frac}e${exp10 < 0 ? "-" : "+"}${e}`;
  } else if (exp10 >= 0) {
    const int = digits.slice(0, exp10 + 1).padEnd(exp10 + 1, "0");
    const frac = digits.slice(exp10 + 1);
    text = frac === "" ? int : `${int}.${frac}`;
  } else {
    text = `0.${"0".repeat(-exp10 - 1)}${digits}`;
  }
  return d < 0 ? "-" + text : text;
}

function zscanCommand(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const cursor = toScanCursor(argv[2]);
  const z = readValue(ctx, argv[1], "zset");
  if (z === undefined) return emptyScanReply();
  const options = parseElementScanOptions(argv, "zset");
  const out: Bytes[] = [];
  if (z.encoding === "listpack") {
    // A listpack holds each score as d2string's text (or an integer).
    for (const e of z.entries()) {
      if (!scanMatches(options, e.member)) continue;
      out.push(e.member);
      if (!options.onlyKeys) out.push(formatDouble(e.score));
    }
    return scanReply(0n, out);
  }
  const step = hashScanStep(z, () => iterMembers(z), (m) => z.has(m), cursor, options.count);
  for (const m of step.members) {
    if (!scanMatches(options, m)) continue;
    out.push(m);
    if (!options.onlyKeys) out.push(formatG17(z.score(m) as number));
  }
  return scanReply(step.cursor, out);
}

function* iterMembers(z: ZSetValue): IterableIterator<Bytes> {
  for (const e of z.entries()) yield e.member;
}

// ---- the table ----

const ZSET = { group: "sorted-set" } as const;

/** The sorted-set commands. */
export const ZSET_COMMANDS: readonly CommandSpec[] = [
  command("bzmpop", -5, "write blocking", "write sortedset slow blocking", [
    keyNum("RW access delete", 2, 0, 1, 1),
  ], {
    ...ZSET,
    since: "7.0.0",
    summary:
      "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.",
    complexity:
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
    arguments: [
      arg("timeout", "double"),
      arg("numkeys", "integer"),
      key("key", 0, { multiple: true }),
      oneof("where", [token("MIN"), token("MAX")]),
      arg("count", "integer", { optional: true, token: "COUNT" }),
    ],
  }, bzmpopCommand),
  command("bzpopmax", -3, "write blocking fast", "write sortedset fast blocking", [
    keyAt("RW access delete", 1, -2),
  ], {
    ...ZSET,
    since: "5.0.0",
    summary:
      "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    arguments: [key("key", 0, { multiple: true }), arg("timeout", "double")],
  }, bzpopmaxCommand),
  command("bzpopmin", -3, "write blocking fast", "write sortedset fast blocking", [
    keyAt("RW access delete", 1, -2),
  ], {
    ...ZSET,
    since: "5.0.0",
    summary:
      "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    arguments: [key("key", 0, { multiple: true }), arg("timeout", "double")],
  }, bzpopminCommand),
  command("zadd", -4, "write denyoom fast", "write sortedset fast", [keyAt("RW update", 1)], {
    ...ZSET,
    since: "1.2.0",
    summary:
      "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.",
    complexity:
      "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
    history: [["2.4.0", "Accepts multiple elements."], [
      "3.0.2",
      "Added the `XX`, `NX`, `CH` and `INCR` options.",
    ], ["6.2.0", "Added the `GT` and `LT` options."]],
    arguments: [
      key("key", 0),
      oneof("condition", [token("NX"), token("XX")], { optional: true, since: "3.0.2" }),
      oneof("comparison", [token("GT"), token("LT")], { optional: true, since: "6.2.0" }),
      token("CH", { optional: true, since: "3.0.2" }, "change"),
      token("INCR", { optional: true, since: "3.0.2" }, "increment"),
      block("score_member", [arg("score", "double"), arg("member", "string")], { multiple: true }),
    ],
  }, zaddCommand),
  command("zcard", 2, "readonly fast", "read sortedset fast", [keyAt("RO", 1)], {
    ...ZSET,
    since: "1.2.0",
    summary: "Returns the number of members in a sorted set.",
    complexity: "O(1)",
    arguments: [key("key", 0)],
  }, zcardCommand),
  command("zcount", 4, "readonly fast", "read sortedset fast", [keyAt("RO access", 1)], {
    ...ZSET,
    since: "2.0.0",
    summary: "Returns the count of members in a sorted set that have scores within a range.",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    arguments: [key("key", 0), arg("min", "double"), arg("max", "double")],
  }, zcountCommand),
  command("zdiff", -3, "readonly", "read sortedset slow", [keyNum("RO access", 1, 0, 1, 1)], {
    ...ZSET,
    since: "6.2.0",
    summary: "Returns the difference between multiple sorted sets.",
    complexity:
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
    arguments: [
      arg("numkeys", "integer"),
      key("key", 0, { multiple: true }),
      token("WITHSCORES", OPTIONAL),
    ],
  }, zdiffCommand),
  command("zdiffstore", -4, "write denyoom", "write sortedset slow", [
    keyAt("OW update", 1),
    keyNum("RO access", 2, 0, 1, 1),
  ], {
    ...ZSET,
    since: "6.2.0",
    summary: "Stores the difference of multiple sorted sets in a key.",
    complexity:
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
    arguments: [
      key("destination", 0),
      arg("numkeys", "integer"),
      key("key", 1, { multiple: true }),
    ],
  }, zdiffstoreCommand),
  command("zincrby", 4, "write denyoom fast", "write sortedset fast", [
    keyAt("RW access update", 1),
  ], {
    ...ZSET,
    since: "1.2.0",
    summary: "Increments the score of a member in a sorted set.",
    complexity: "O(log(N)) where N is the number of elements in the sorted set.",
    arguments: [key("key", 0), arg("increment", "integer"), arg("member", "string")],
  }, zincrbyCommand),
  command("zinter", -3, "readonly", "read sortedset slow", [keyNum("RO access", 1, 0, 1, 1)], {
    ...ZSET,
    since: "6.2.0",
    summary: "Returns the intersect of multiple sorted sets.",
    complexity:
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
    arguments: [
      arg("numkeys", "integer"),
      key("key", 0, { multiple: true }),
      arg("weight", "integer", { optional: true, multiple: true, token: "WEIGHTS" }),
      oneof("aggregate", [token("SUM"), token("MIN"), token("MAX")], {
        optional: true,
        token: "AGGREGATE",
      }),
      token("WITHSCORES", OPTIONAL),
    ],
  }, zinterCommand),
  command("zintercard", -3, "readonly", "read sortedset slow", [keyNum("RO access", 1, 0, 1, 1)], {
    ...ZSET,
    since: "7.0.0",
    summary: "Returns the number of members of the intersect of multiple sorted sets.",
    complexity:
      "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
    arguments: [
      arg("numkeys", "integer"),
      key("key", 0, { multiple: true }),
      arg("limit", "integer", { optional: true, token: "LIMIT" }),
    ],
  }, zintercardCommand),
  command("zinterstore", -4, "write denyoom", "write sortedset slow", [
    keyAt("OW update", 1),
    keyNum("RO access", 2, 0, 1, 1),
  ], {
    ...ZSET,
    since: "2.0.0",
    summary: "Stores the intersect of multiple sorted sets in a key.",
    complexity:
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
    arguments: [
      key("destination", 0),
      arg("numkeys", "integer"),
      key("key", 1, { multiple: true }),
      arg("weight", "integer", { optional: true, multiple: true, token: "WEIGHTS" }),
      oneof("aggregate", [token("SUM"), token("MIN"), token("MAX")], {
        optional: true,
        token: "AGGREGATE",
      }),
    ],
  }, zinterstoreCommand),
  command("zlexcount", 4, "readonly fast", "read sortedset fast", [keyAt("RO access", 1)], {
    ...ZSET,
    since: "2.8.9",
    summary: "Returns the number of members in a sorted set within a lexicographical range.",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    arguments: [key("key", 0), arg("min", "string"), arg("max", "string")],
  }, zlexcountCommand),
  command("zmpop", -4, "write", "write sortedset slow", [keyNum("RW access delete", 1, 0, 1, 1)], {
    ...ZSET,
    since: "7.0.0",
    summary:
      "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.",
    complexity:
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
    arguments: [
      arg("numkeys", "integer"),
      key("key", 0, { multiple: true }),
      oneof("where", [token("MIN"), token("MAX")]),
      arg("count", "integer", { optional: true, token: "COUNT" }),
    ],
  }, zmpopCommand),
  command("zmscore", -3, "readonly fast", "read sortedset fast", [keyAt("RO access", 1)], {
    ...ZSET,
    since: "6.2.0",
    summary: "Returns the score of one or more members in a sorted set.",
    complexity: "O(N) where N is the number of members being requested.",
    arguments: [key("key", 0), arg("member", "string", { multiple: true })],
  }, zmscoreCommand),
  command("zpopmax", -2, "write fast", "write sortedset fast", [keyAt("RW access delete", 1)], {
    ...ZSET,
    since: "5.0.0",
    summary:
      "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.",
    complexity:
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
    arguments: [key("key", 0), arg("count", "integer", OPTIONAL)],
  }, zpopmaxCommand),
  command("zpopmin", -2, "write fast", "write sortedset fast", [keyAt("RW access delete", 1)], {
    ...ZSET,
    since: "5.0.0",
    summary:
      "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.",
    complexity:
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
    arguments: [key("key", 0), arg("count", "integer", OPTIONAL)],
  }, zpopminCommand),
  command("zrandmember", -2, "readonly", "read sortedset slow", [keyAt("RO access", 1)], {
    ...ZSET,
    since: "6.2.0",
    summary: "Returns one or more random members from a sorted set.",
    complexity: "O(N) where N is the number of elements returned",
    tips: ["nondeterministic_output"],
    arguments: [
      key("key", 0),
      block("options", [arg("count", "integer"), token("WITHSCORES", OPTIONAL)], OPTIONAL),
    ],
  }, zrandmemberCommand),
  command("zrange", -4, "readonly", "read sortedset slow", [keyAt("RO access", 1)], {
    ...ZSET,
    since: "1.2.0",
    summary: "Returns members in a sorted set within a range of indexes.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
    history: [["6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options."]],
    arguments: [
      key("key", 0),
      arg("start", "string"),
      arg("stop", "string"),
      oneof("sortby", [token("BYSCORE"), token("BYLEX")], { optional: true, since: "6.2.0" }),
      token("REV", { optional: true, since: "6.2.0" }),
      block("offset_count", [arg("offset", "integer"), arg("count", "integer")], {
        optional: true,
        since: "6.2.0",
        token: "LIMIT",
      }),
      token("WITHSCORES", OPTIONAL),
    ],
  }, zrangeCommand),
  command("zrangebylex", -4, "readonly", "read sortedset slow", [keyAt("RO access", 1)], {
    ...ZSET,
    since: "2.8.9",
    summary: "Returns members in a sorted set within a lexicographical range.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `BYLEX` argument",
    arguments: [
      key("key", 0),
      arg("min", "string"),
      arg("max", "string"),
      block("offset_count", [arg("offset", "integer"), arg("count", "integer")], {
        optional: true,
        token: "LIMIT",
      }),
    ],
  }, zrangebylexCommand),
  command("zrangebyscore", -4, "readonly", "read sortedset slow", [keyAt("RO access", 1)], {
    ...ZSET,
    since: "1.0.5",
    summary: "Returns members in a sorted set within a range of scores.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `BYSCORE` argument",
    history: [["2.0.0", "Added the `WITHSCORES` modifier."]],
    arguments: [
      key("key", 0),
      arg("min", "double"),
      arg("max", "double"),
      token("WITHSCORES", { optional: true, since: "2.0.0" }),
      block("offset_count", [arg("offset", "integer"), arg("count", "integer")], {
        optional: true,
        token: "LIMIT",
      }),
    ],
  }, zrangebyscoreCommand),
  command("zrangestore", -5, "write denyoom", "write sortedset slow", [
    keyAt("OW update", 1),
    keyAt("RO access", 2),
  ], {
    ...ZSET,
    since: "6.2.0",
    summary: "Stores a range of members from sorted set in a key.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
    arguments: [
      key("dst", 0),
      key("src", 1),
      arg("min", "string"),
      arg("max", "string"),
      oneof("sortby", [token("BYSCORE"), token("BYLEX")], OPTIONAL),
      token("REV", OPTIONAL),
      block("offset_count", [arg("offset", "integer"), arg("count", "integer")], {
        optional: true,
        token: "LIMIT",
      }),
    ],
  }, zrangestoreCommand),
  command("zrank", -3, "readonly fast", "read sortedset fast", [keyAt("RO access", 1)], {
    ...ZSET,
    since: "2.0.0",
    summary: "Returns the index of a member in a sorted set ordered by ascending scores.",
    complexity: "O(log(N))",
    history: [["7.2.0", "Added the optional `WITHSCORE` argument."]],
    arguments: [key("key", 0), arg("member", "string"), token("WITHSCORE", OPTIONAL)],
  }, zrankCommand),
  command("zrem", -3, "write fast", "write sortedset fast", [keyAt("RW delete", 1)], {
    ...ZSET,
    since: "1.2.0",
    summary:
      "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.",
    complexity:
      "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.",
    history: [["2.4.0", "Accepts multiple elements."]],
    arguments: [key("key", 0), arg("member", "string", { multiple: true })],
  }, zremCommand),
  command("zremrangebylex", 4, "write", "write sortedset slow", [keyAt("RW delete", 1)], {
    ...ZSET,
    since: "2.8.9",
    summary:
      "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
    arguments: [key("key", 0), arg("min", "string"), arg("max", "string")],
  }, zremrangebylexCommand),
  command("zremrangebyrank", 4, "write", "write sortedset slow", [keyAt("RW delete", 1)], {
    ...ZSET,
    since: "2.0.0",
    summary:
      "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
    arguments: [key("key", 0), arg("start", "integer"), arg("stop", "integer")],
  }, zremrangebyrankCommand),
  command("zremrangebyscore", 4, "write", "write sortedset slow", [keyAt("RW delete", 1)], {
    ...ZSET,
    since: "1.2.0",
    summary:
      "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
    arguments: [key("key", 0), arg("min", "double"), arg("max", "double")],
  }, zremrangebyscoreCommand),
  command("zrevrange", -4, "readonly", "read sortedset slow", [keyAt("RO access", 1)], {
    ...ZSET,
    since: "1.2.0",
    summary: "Returns members in a sorted set within a range of indexes in reverse order.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `REV` argument",
    arguments: [
      key("key", 0),
      arg("start", "integer"),
      arg("stop", "integer"),
      token("WITHSCORES", OPTIONAL),
    ],
  }, zrevrangeCommand),
  command("zrevrangebylex", -4, "readonly", "read sortedset slow", [keyAt("RO access", 1)], {
    ...ZSET,
    since: "2.8.9",
    summary: "Returns members in a sorted set within a lexicographical range in reverse order.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `REV` and `BYLEX` arguments",
    arguments: [
      key("key", 0),
      arg("max", "string"),
      arg("min", "string"),
      block("offset_count", [arg("offset", "integer"), arg("count", "integer")], {
        optional: true,
        token: "LIMIT",
      }),
    ],
  }, zrevrangebylexCommand),
  command("zrevrangebyscore", -4, "readonly", "read sortedset slow", [keyAt("RO access", 1)], {
    ...ZSET,
    since: "2.2.0",
    summary: "Returns members in a sorted set within a range of scores in reverse order.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `REV` and `BYSCORE` arguments",
    history: [["2.1.6", "`min` and `max` can be exclusive."]],
    arguments: [
      key("key", 0),
      arg("max", "double"),
      arg("min", "double"),
      token("WITHSCORES", OPTIONAL),
      block("offset_count", [arg("offset", "integer"), arg("count", "integer")], {
        optional: true,
        token: "LIMIT",
      }),
    ],
  }, zrevrangebyscoreCommand),
  command("zrevrank", -3, "readonly fast", "read sortedset fast", [keyAt("RO access", 1)], {
    ...ZSET,
    since: "2.0.0",
    summary: "Returns the index of a member in a sorted set ordered by descending scores.",
    complexity: "O(log(N))",
    history: [["7.2.0", "Added the optional `WITHSCORE` argument."]],
    arguments: [key("key", 0), arg("member", "string"), token("WITHSCORE", OPTIONAL)],
  }, zrevrankCommand),
  command("zscan", -3, "readonly", "read sortedset slow", [keyAt("RO access", 1)], {
    ...ZSET,
    since: "2.8.0",
    summary: "Iterates over members and scores of a sorted set.",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
    tips: ["nondeterministic_output"],
    history: [["7.4", "Added noscores option."]],
    arguments: [
      key("key", 0),
      arg("cursor", "integer"),
      arg("pattern", "pattern", { optional: true, token: "MATCH" }),
      arg("count", "integer", { optional: true, token: "COUNT" }),
      token("NOSCORES", OPTIONAL),
    ],
  }, zscanCommand),
  command("zscore", 3, "readonly fast", "read sortedset fast", [keyAt("RO access", 1)], {
    ...ZSET,
    since: "1.2.0",
    summary: "Returns the score of a member in a sorted set.",
    complexity: "O(1)",
    arguments: [key("key", 0), arg("member", "string")],
  }, zscoreCommand),
  command("zunion", -3, "readonly", "read sortedset slow", [keyNum("RO access", 1, 0, 1, 1)], {
    ...ZSET,
    since: "6.2.0",
    summary: "Returns the union of multiple sorted sets.",
    complexity:
      "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
    arguments: [
      arg("numkeys", "integer"),
      key("key", 0, { multiple: true }),
      arg("weight", "integer", { optional: true, multiple: true, token: "WEIGHTS" }),
      oneof("aggregate", [token("SUM"), token("MIN"), token("MAX")], {
        optional: true,
        token: "AGGREGATE",
      }),
      token("WITHSCORES", OPTIONAL),
    ],
  }, zunionCommand),
  command("zunionstore", -4, "write denyoom", "write sortedset slow", [
    keyAt("OW update", 1),
    keyNum("RO access", 2, 0, 1, 1),
  ], {
    ...ZSET,
    since: "2.0.0",
    summary: "Stores the union of multiple sorted sets in a key.",
    complexity:
      "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
    arguments: [
      key("destination", 0),
      arg("numkeys", "integer"),
      key("key", 1, { multiple: true }),
      arg("weight", "integer", { optional: true, multiple: true, token: "WEIGHTS" }),
      oneof("aggregate", [token("SUM"), token("MIN"), token("MAX")], {
        optional: true,
        token: "AGGREGATE",
      }),
    ],
  }, zunionstoreCommand),
];
