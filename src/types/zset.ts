/**
 * The sorted-set type: Valkey's skiplist (max level 32, p = 1/4, spans for ranks) plus a
 * member → node map, with Valkey's ordering (score, then member bytes) and the listpack/skiplist
 * encoding rules of Valkey 8.0.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import {
  clampIndexRange,
  isEmptyLexRange,
  isEmptyScoreRange,
  lexGteMin,
  lexLteMax,
  type LexRange,
  scoreGteMin,
  scoreLteMax,
  type ScoreRange,
} from "./range.ts";
import { MAX_LEVEL, SkipList } from "./skiplist.ts";
import {
  DEFAULT_ENCODING_LIMITS,
  DICT_ENTRY_SIZE,
  type EncodingLimits,
  LP_OVERHEAD,
  lpEntrySize,
  sdsSize,
} from "./encoding.ts";

/** OBJECT ENCODING of a sorted set. */
export type ZSetEncoding = "listpack" | "skiplist";

/** A member and its score. */
export interface ZEntry {
  readonly member: Bytes;
  readonly score: number;
}

/** ZADD's flags (`zsetAdd`'s in_flags). */
export interface ZAddOptions {
  /** Only add new members. */
  readonly nx?: boolean;
  /** Only update existing members. */
  readonly xx?: boolean;
  /** Update only when the new score is greater. */
  readonly gt?: boolean;
  /** Update only when the new score is less. */
  readonly lt?: boolean;
  /** Add the score to the current one (0 when absent): ZINCRBY, ZADD INCR. */
  readonly incr?: boolean;
}

/**
 * What {@link ZSetValue.add} did: `added`, `updated` (score changed), `unchanged` (same score:
 * counted as processed, not as changed), `nop` (refused by NX/XX/GT/LT: ZADD INCR replies null),
 * `nan` (the increment produced NaN: `ERR resulting score is not a number (NaN)`).
 */
export type ZAddOutcome = "added" | "updated" | "unchanged" | "nop" | "nan";

/** Result of {@link ZSetValue.add}. */
export interface ZAddResult {
  readonly outcome: ZAddOutcome;
  /** The member's new score (what ZINCRBY replies); NaN for `nop` and `nan`. */
  readonly score: number;
}

/** Options of {@link ZSetValue.rangeByScore} and {@link ZSetValue.rangeByLex}. */
export interface ZRangeOptions {
  /** Highest first (ZREVRANGEBYSCORE, ZRANGE … REV). */
  readonly reverse?: boolean;
  /** LIMIT offset: entries in range to skip; negative gives nothing, as in Valkey. */
  readonly offset?: number;
  /** LIMIT count: at most this many; negative (default) = no limit. */
  readonly count?: number;
}

/** Options of {@link ZSetValue}. */
export interface ZSetOptions {
  /** Limits read at each conversion check (default: Valkey's defaults). */
  readonly limits?: Readonly<EncodingLimits>;
  /** Random source in [0, 1) for node levels; inject a seeded one for reproducible shapes. */
  readonly random?: () => number;
  /** Initial encoding (default listpack, as `createZsetListpackObject`). */
  readonly encoding?: ZSetEncoding;
}

/** How ZUNIONSTORE/ZINTERSTORE combine the scores of one member (AGGREGATE). */
export type Aggregate = "sum" | "min" | "max";

/**
 * A score multiplied by its WEIGHT, as ZUNION/ZINTER do: NaN (0 × ±inf) becomes 0.
 *
 * @example
 * ```ts
 * import { weightedScore } from "./zset.ts";
 * console.assert(weightedScore(Infinity, 0) === 0 && weightedScore(2, 1.5) === 3);
 * ```
 */
export function weightedScore(score: number, weight: number): number {
  const s = score * weight;
  return Number.isNaN(s) ? 0 : s;
}

/**
 * `zunionInterAggregate`: combines an accumulated score with another one. SUM of +inf and -inf
 * is 0, as Valkey keeps it.
 *
 * @example
 * ```ts
 * import { aggregateScore } from "./zset.ts";
 * console.assert(aggregateScore(Infinity, -Infinity, "sum") === 0);
 * console.assert(aggregateScore(1, 2, "max") === 2);
 * ```
 */
export function aggregateScore(acc: number, value: number, how: Aggregate): number {
  if (how === "sum") {
    const s = acc + value;
    return Number.isNaN(s) ? 0 : s;
  }
  if (how === "min") return value < acc ? value : acc;
  return value > acc ? value : acc;
}

/** zset struct + zskiplist + header node (32 levels) + dict, on 64-bit builds. */
const SKIPLIST_BASE = 16 + 32 + 24 + MAX_LEVEL * 16 + 56;

/** Memory of one skiplist element: node with its levels, member sds, dict entry. */
function skiplistNodeBytes(height: number, memberLength: number): number {
  return 24 + 16 * height + sdsSize(memberLength) + DICT_ENTRY_SIZE;
}

/** Bytes of a score stored in a listpack: an integer entry when `double2ll` holds, else text. */
function lpScoreSize(score: number): number {
  if (Number.isInteger(score) && Math.abs(score) <= 2 ** 62) {
    return lpEntrySize(String(score === 0 ? 0 : score));
  }
  // d2string's text; JavaScript's shortest form has the same length give or take a character.
  const len = Number.isFinite(score) ? String(score).length : score > 0 ? 3 : 4;
  return lpEntrySize("x".repeat(len));
}

/**
 * The value of a sorted-set key. A skiplist ordered by (score, member bytes) — -0 and 0 are equal
 * scores, NaN is never stored — with a member → node map for O(1) ZSCORE.
 *
 * | operation                                              | time                         |
 * | ------------------------------------------------------ | ---------------------------- |
 * | add / delete / score update (ZADD, ZREM, ZINCRBY)      | O(log n) expected            |
 * | score / has (ZSCORE, ZMSCORE)                          | O(1)                         |
 * | rank (ZRANK, ZREVRANK), at (by rank)                   | O(log n)                     |
 * | rangeByRank / rangeByScore / rangeByLex (+ LIMIT)      | O(log n + m), m returned     |
 * | countByScore / countByLex (ZCOUNT, ZLEXCOUNT)          | O(log n)                     |
 * | removeRangeBy{Rank,Score,Lex} (ZREMRANGEBY*)           | O(log n + m), m removed      |
 * | popMin / popMax (ZPOPMIN, ZPOPMAX)                     | O(m log n)                   |
 * | size, encoding, memoryUsage                            | O(1)                         |
 *
 * As a listpack, Valkey scans linearly, which only differs from the skiplist for lex queries on
 * members with different scores (a case Valkey documents as unspecified): the lex operations
 * then scan like `zzl*LexRange` (O(n), n bounded by `zset-max-listpack-entries`) so the replies
 * match Valkey's. A listpack also stores -0 as 0.
 *
 * Encoding: created by {@link ZSetValue.create} (`zsetTypeCreate`), converted to a skiplist by
 * {@link maybeConvert} (`zsetTypeMaybeConvert`) and by {@link add} when a new member would
 * exceed `zset-max-listpack-entries` or is longer than `zset-max-listpack-value`. Only the
 * STORE commands go back, via {@link convertToListpackIfNeeded}.
 *
 * Memory ({@link memoryUsage}, value only): as a listpack 7 + Σ(member entry + score entry); as a
 * skiplist 640 + Σ(24 + 16 × node levels + member sds + 32 for the dict entry). jemalloc
 * rounding is ignored.
 *
 * The skiplist itself lives in {@link SkipList} (one ArrayBuffer of fixed-layout records).
 * Entries returned by queries are snapshots.
 *
 * @example
 * ```ts
 * import { ZSetValue } from "./zset.ts";
 * import { parseScoreRange } from "./range.ts";
 * const z = new ZSetValue();
 * z.add("b", 2);
 * z.add("a", 1);
 * console.assert(z.rank("b") === 1);
 * console.assert(z.rangeByScore(parseScoreRange("(1", "+inf")).map((e) => e.member).join() === "b");
 * ```
 */
export class ZSetValue {
  #limits: Readonly<EncodingLimits>;
  #random: () => number;
  /** member → skiplist handle. */
  #dict = new Map<Bytes, number>();
  #list: SkipList;
  #listpack: boolean;
  /** Σ lp entry sizes (member + score), kept while a listpack. */
  #lpBytes = 0;
  /** Σ skiplistNodeBytes. */
  #slBytes = 0;

  constructor(options: ZSetOptions = {}) {
    this.#limits = options.limits ?? DEFAULT_ENCODING_LIMITS;
    this.#random = options.random ?? Math.random;
    this.#listpack = (options.encoding ?? "listpack") === "listpack";
    this.#list = new SkipList(this.#random);
  }

  /**
   * `zsetTypeCreate`: a listpack when `sizeHint` elements of up to `valueLenHint` bytes fit the
   * limits, else a skiplist.
   */
  static create(sizeHint: number, valueLenHint: number, options: ZSetOptions = {}): ZSetValue {
    const limits = options.limits ?? DEFAULT_ENCODING_LIMITS;
    const fits = sizeHint <= limits.zsetMaxListpackEntries &&
      valueLenHint <= limits.zsetMaxListpackValue;
    return new ZSetValue({ ...options, encoding: fits ? "listpack" : "skiplist" });
  }

  /** Number of members (ZCARD). */
  get size(): number {
    return this.#dict.size;
  }

  /** OBJECT ENCODING. */
  get encoding(): ZSetEncoding {
    return this.#listpack ? "listpack" : "skiplist";
  }

  /** Estimated bytes Valkey would use for this value (see the class doc). O(1). */
  get memoryUsage(): number {
    return this.#listpack ? LP_OVERHEAD + this.#lpBytes : SKIPLIST_BASE + this.#slBytes;
  }

  /** `zsetTypeMaybeConvert`: a listpack becomes a skiplist when the hints exceed the limits. */
  maybeConvert(sizeHint: number, valueLenHint = 0): void {
    if (
      this.#listpack &&
      (sizeHint > this.#limits.zsetMaxListpackEntries ||
        valueLenHint > this.#limits.zsetMaxListpackValue)
    ) {
      this.#listpack = false;
    }
  }

  /**
   * `zsetConvertToListpackIfNeeded` (ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, ZRANGESTORE results):
   * a skiplist small enough for the limits becomes a listpack.
   */
  convertToListpackIfNeeded(): void {
    if (this.#listpack || this.#dict.size > this.#limits.zsetMaxListpackEntries) return;
    const list = this.#list;
    for (let h = list.first(); h !== 0; h = list.next(h)) {
      if (list.member(h).length > this.#limits.zsetMaxListpackValue) return;
    }
    let lp = 0;
    for (let h = list.first(); h !== 0; h = list.next(h)) {
      // zzlInsertAt stores -0 as the integer 0; the order does not change.
      if (list.score(h) === 0) list.updateScore(h, 0);
      lp += lpEntrySize(list.member(h)) + lpScoreSize(list.score(h));
    }
    this.#lpBytes = lp;
    this.#listpack = true;
  }

  /** Score of `member` (ZSCORE), or undefined. */
  score(member: Bytes): number | undefined {
    const h = this.#dict.get(member);
    return h === undefined ? undefined : this.#list.score(h);
  }

  /** True when `member` is in the set. */
  has(member: Bytes): boolean {
    return this.#dict.has(member);
  }

  /**
   * `zsetAdd`: adds or updates `member` following ZADD's flags, converting a listpack to a
   * skiplist when a new member would not fit it.
   *
   * @param member The member.
   * @param score The score, or the increment with `incr`. NaN gives outcome `nan`.
   * @param options NX, XX, GT, LT, INCR.
   * @returns What happened and the new score.
   */
  add(member: Bytes, score: number, options: ZAddOptions = {}): ZAddResult {
    if (Number.isNaN(score)) return { outcome: "nan", score: NaN };
    const h = this.#dict.get(member);
    if (h !== undefined) {
      if (options.nx) return { outcome: "nop", score: NaN };
      const cur = this.#list.score(h);
      if (options.incr) {
        score += cur;
        if (Number.isNaN(score)) return { outcome: "nan", score: NaN };
      }
      if ((options.lt && score >= cur) || (options.gt && score <= cur)) {
        return { outcome: "nop", score: NaN };
      }
      if (score === cur) return { outcome: "unchanged", score };
      let stored = score;
      if (this.#listpack) {
        if (stored === 0) stored = 0; // -0 is stored as the integer 0
        this.#lpBytes += lpScoreSize(stored) - lpScoreSize(cur);
      }
      this.#list.updateScore(h, stored);
      return { outcome: "updated", score };
    }
    if (options.xx) return { outcome: "nop", score: NaN };
    if (
      this.#listpack &&
      (this.#dict.size + 1 > this.#limits.zsetMaxListpackEntries ||
        member.length > this.#limits.zsetMaxListpackValue)
    ) {
      this.#listpack = false;
    }
    this.#insert(member, score);
    return { outcome: "added", score };
  }

  /** Removes `member` (ZREM); true when it was there. */
  delete(member: Bytes): boolean {
    const h = this.#dict.get(member);
    if (h === undefined) return false;
    this.#remove(h);
    return true;
  }

  /** 0-based rank of `member` (ZRANK; ZREVRANK with `reverse`), or undefined. */
  rank(member: Bytes, reverse = false): number | undefined {
    const h = this.#dict.get(member);
    if (h === undefined) return undefined;
    const r = this.#list.rank(h) - 1;
    return reverse ? this.#dict.size - 1 - r : r;
  }

  /** Entry at 0-based rank `index` (from the highest with `reverse`), or undefined. */
  at(index: number, reverse = false): ZEntry | undefined {
    const n = this.#dict.size;
    if (index < 0 || index >= n) return undefined;
    return this.#entry(this.#list.byRank(reverse ? n - index : index + 1));
  }

  /**
   * Entries by rank (ZRANGE, ZREVRANGE): `start`/`stop` inclusive, negative indexes count from
   * the end, clamped like LRANGE. With `reverse`, rank 0 is the highest score.
   */
  rangeByRank(start: number, stop: number, reverse = false): ZEntry[] {
    const n = this.#dict.size;
    const r = clampIndexRange(start, stop, n);
    if (r === undefined) return [];
    const list = this.#list;
    const len = r.stop - r.start + 1;
    const out = new Array<ZEntry>(len);
    let h = list.byRank(reverse ? n - r.start : r.start + 1);
    for (let i = 0; i < len && h !== 0; i++) {
      out[i] = this.#entry(h);
      h = reverse ? list.prev(h) : list.next(h);
    }
    return out;
  }

  /**
   * Entries whose score is in `range` (ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGE BYSCORE), lowest
   * first, or highest first with `reverse`, after skipping `offset` and up to `count`.
   */
  rangeByScore(range: ScoreRange, options: ZRangeOptions = {}): ZEntry[] {
    const { reverse = false, offset = 0, count = -1 } = options;
    const out: ZEntry[] = [];
    if (offset < 0 || count === 0) return out;
    const list = this.#list;
    if (!reverse) {
      let h = this.#firstInScoreRange(range);
      if (h !== 0 && offset > 0) h = list.byRank(list.rank(h) + offset);
      for (
        ;
        h !== 0 && out.length !== count && scoreLteMax(list.score(h), range);
        h = list.next(h)
      ) {
        out.push(this.#entry(h));
      }
    } else {
      let h = this.#lastInScoreRange(range);
      if (h !== 0 && offset > 0) h = list.byRank(list.rank(h) - offset);
      for (
        ;
        h !== 0 && out.length !== count && scoreGteMin(list.score(h), range);
        h = list.prev(h)
      ) {
        out.push(this.#entry(h));
      }
    }
    return out;
  }

  /** Number of members with a score in `range` (ZCOUNT). */
  countByScore(range: ScoreRange): number {
    const first = this.#firstInScoreRange(range);
    if (first === 0) return 0;
    const last = this.#lastInScoreRange(range);
    return this.#list.rank(last) - this.#list.rank(first) + 1;
  }

  /**
   * Entries whose member is in the lex `range` (ZRANGEBYLEX, ZREVRANGEBYLEX, ZRANGE BYLEX),
   * meant for members that all have the same score.
   */
  rangeByLex(range: LexRange, options: ZRangeOptions = {}): ZEntry[] {
    const { reverse = false, offset = 0, count = -1 } = options;
    const out: ZEntry[] = [];
    if (offset < 0 || count === 0) return out;
    const list = this.#list;
    let h = reverse ? this.#lastInLexRange(range) : this.#firstInLexRange(range);
    if (h === 0) return out;
    if (offset > 0) {
      if (this.#listpack) {
        for (let k = 0; k < offset && h !== 0; k++) h = reverse ? list.prev(h) : list.next(h);
      } else {
        h = list.byRank(list.rank(h) + (reverse ? -offset : offset));
      }
    }
    for (; h !== 0 && out.length !== count; h = reverse ? list.prev(h) : list.next(h)) {
      const m = list.member(h);
      if (reverse ? !lexGteMin(m, range) : !lexLteMax(m, range)) break;
      out.push({ member: m, score: list.score(h) });
    }
    return out;
  }

  /** Number of members in the lex `range` (ZLEXCOUNT). */
  countByLex(range: LexRange): number {
    const list = this.#list;
    const first = this.#firstInLexRange(range);
    if (first === 0) return 0;
    if (this.#listpack) {
      let n = 0;
      for (let h = first; h !== 0 && lexLteMax(list.member(h), range); h = list.next(h)) n++;
      return n;
    }
    const last = this.#lastInLexRange(range);
    let count = this.#dict.size - (list.rank(first) - 1);
    if (last !== 0) count -= this.#dict.size - list.rank(last);
    return count;
  }

  /** Removes the entries ranked `start`..`stop` (ZREMRANGEBYRANK, LRANGE-style indexes). */
  removeRangeByRank(start: number, stop: number): number {
    const r = clampIndexRange(start, stop, this.#dict.size);
    if (r === undefined) return 0;
    const list = this.#list;
    let h = list.byRank(r.start + 1);
    let removed = 0;
    while (h !== 0 && removed < r.stop - r.start + 1) {
      const next = list.next(h);
      this.#remove(h);
      removed++;
      h = next;
    }
    return removed;
  }

  /** Removes the entries with a score in `range` (ZREMRANGEBYSCORE); returns how many. */
  removeRangeByScore(range: ScoreRange): number {
    const list = this.#list;
    let h = this.#firstInScoreRange(range);
    let removed = 0;
    while (h !== 0 && scoreLteMax(list.score(h), range)) {
      const next = list.next(h);
      this.#remove(h);
      removed++;
      h = next;
    }
    return removed;
  }

  /** Removes the entries with a member in the lex `range` (ZREMRANGEBYLEX); returns how many. */
  removeRangeByLex(range: LexRange): number {
    const list = this.#list;
    // zslDeleteRangeByLex starts where the min is crossed, without zslIsInLexRange's early exit.
    let h = this.#listpack ? this.#firstInLexRange(range) : list.firstLexFrom(range);
    let removed = 0;
    while (h !== 0 && lexLteMax(list.member(h), range)) {
      const next = list.next(h);
      this.#remove(h);
      removed++;
      h = next;
    }
    return removed;
  }

  /** Removes and returns up to `count` lowest entries, lowest first (ZPOPMIN). */
  popMin(count = 1): ZEntry[] {
    const out: ZEntry[] = [];
    while (out.length < count && this.#list.length > 0) {
      const h = this.#list.first();
      out.push(this.#entry(h));
      this.#remove(h);
    }
    return out;
  }

  /** Removes and returns up to `count` highest entries, highest first (ZPOPMAX). */
  popMax(count = 1): ZEntry[] {
    const out: ZEntry[] = [];
    while (out.length < count && this.#list.length > 0) {
      const h = this.#list.last();
      out.push(this.#entry(h));
      this.#remove(h);
    }
    return out;
  }

  /** Entries, lowest first. */
  *entries(): IterableIterator<ZEntry> {
    const list = this.#list;
    for (let h = list.first(); h !== 0; h = list.next(h)) yield this.#entry(h);
  }

  /** Entries, highest first. */
  *entriesReversed(): IterableIterator<ZEntry> {
    const list = this.#list;
    for (let h = list.last(); h !== 0; h = list.prev(h)) yield this.#entry(h);
  }

  /** Entries, lowest first. */
  [Symbol.iterator](): IterableIterator<ZEntry> {
    return this.entries();
  }

  /** A copy with the same entries and encoding (COPY, `zsetDup`). */
  clone(): ZSetValue {
    const c = new ZSetValue({
      limits: this.#limits,
      random: this.#random,
      encoding: this.encoding,
    });
    const list = this.#list;
    for (let h = list.first(); h !== 0; h = list.next(h)) c.#insert(list.member(h), list.score(h));
    return c;
  }

  // -------------------------------------------------------------------------------------------

  #entry(h: number): ZEntry {
    return { member: this.#list.member(h), score: this.#list.score(h) };
  }

  #insert(member: Bytes, score: number): void {
    if (this.#listpack && score === 0) score = 0; // -0 is stored as the integer 0
    const h = this.#list.insert(member, score);
    this.#dict.set(member, h);
    this.#slBytes += skiplistNodeBytes(this.#list.height(h), member.length);
    if (this.#listpack) this.#lpBytes += lpEntrySize(member) + lpScoreSize(score);
  }

  #remove(h: number): void {
    const list = this.#list;
    const member = list.member(h);
    this.#slBytes -= skiplistNodeBytes(list.height(h), member.length);
    if (this.#listpack) this.#lpBytes -= lpEntrySize(member) + lpScoreSize(list.score(h));
    this.#dict.delete(member);
    list.remove(h);
  }

  /** zslIsInRange */
  #inScoreRange(range: ScoreRange): boolean {
    const list = this.#list;
    if (isEmptyScoreRange(range) || list.length === 0) return false;
    return scoreGteMin(list.score(list.last()), range) &&
      scoreLteMax(list.score(list.first()), range);
  }

  #firstInScoreRange(range: ScoreRange): number {
    if (!this.#inScoreRange(range)) return 0;
    const h = this.#list.firstScoreFrom(range);
    return h !== 0 && scoreLteMax(this.#list.score(h), range) ? h : 0;
  }

  #lastInScoreRange(range: ScoreRange): number {
    if (!this.#inScoreRange(range)) return 0;
    const h = this.#list.lastScoreUpTo(range);
    return h !== 0 && scoreGteMin(this.#list.score(h), range) ? h : 0;
  }

  /** zslIsInLexRange / zzlIsInLexRange */
  #inLexRange(range: LexRange): boolean {
    const list = this.#list;
    if (isEmptyLexRange(range) || list.length === 0) return false;
    return lexGteMin(list.member(list.last()), range) &&
      lexLteMax(list.member(list.first()), range);
  }

  #firstInLexRange(range: LexRange): number {
    if (!this.#inLexRange(range)) return 0;
    const list = this.#list;
    let h: number;
    if (this.#listpack) {
      // zzlFirstInLexRange: the first member from the head that reaches the min.
      h = list.first();
      while (h !== 0 && !lexGteMin(list.member(h), range)) h = list.next(h);
    } else {
      h = list.firstLexFrom(range);
    }
    return h !== 0 && lexLteMax(list.member(h), range) ? h : 0;
  }

  #lastInLexRange(range: LexRange): number {
    if (!this.#inLexRange(range)) return 0;
    const list = this.#list;
    let h: number;
    if (this.#listpack) {
      // zzlLastInLexRange: the first member from the tail that is within the max.
      h = list.last();
      while (h !== 0 && !lexLteMax(list.member(h), range)) h = list.prev(h);
    } else {
      h = list.lastLexUpTo(range);
    }
    return h !== 0 && lexGteMin(list.member(h), range) ? h : 0;
  }
}
