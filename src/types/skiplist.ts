/**
 * Valkey's sorted-set skiplist (t_zset.c `zsl*`): max level 32, p = 1/4, a backward pointer on
 * level 0 and spans for ranks; ordered by score, then member bytes. Nodes are fixed-layout
 * records in one ArrayBuffer rather than JS objects, so that a search touches about one cache line
 * per node and a million members are not three million heap objects.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import {
  lexGteMin,
  lexLteMax,
  type LexRange,
  scoreGteMin,
  scoreLteMax,
  type ScoreRange,
} from "./range.ts";

/** Highest node level (ZSKIPLIST_MAXLEVEL). */
export const MAX_LEVEL = 32;
const P = 0.25;

// Record layout, in 8-byte units from the record offset r:
//   f64[r]           score
//   i32[2r + 2]      backward (record offset, 0 = none)
//   i32[2r + 3]      id (index in #members)
//   i32[2r + 4]      height
//   i32[2r + 6 + 2i] forward on level i (0 = none)
//   i32[2r + 7 + 2i] span on level i: ranks to the forward node, or to the end when there is none
// The header is the record at offset 0, so 0 doubles as "none".
const BACKWARD = 2;
const ID = 3;
const HEIGHT = 4;
const LEVELS = 6;
const HEADER_UNITS = 3;

/**
 * A skiplist of (member, score) records addressed by handles (record offsets; 0 = none).
 *
 * | operation                         | time              |
 * | --------------------------------- | ----------------- |
 * | insert / remove / updateScore     | O(log n) expected |
 * | rank (of a handle) / byRank       | O(log n) expected |
 * | first/last score and lex searches | O(log n) expected |
 * | next / prev / first / last        | O(1)              |
 *
 * Handles stay valid until their record is removed (updateScore keeps the handle).
 */
export class SkipList {
  #random: () => number;
  #buf: ArrayBuffer;
  #f64: Float64Array;
  #i32: Int32Array;
  /** Next free unit. */
  #top: number;
  /** Free records by height. */
  #free: number[][] = [];
  #members: Bytes[] = [];
  #freeIds: number[] = [];
  #tail = 0;
  #level = 1;
  #length = 0;
  /** Scratch vectors for #link / #path (never used re-entrantly). */
  #update = new Int32Array(MAX_LEVEL);
  #rank = new Float64Array(MAX_LEVEL);

  constructor(random: () => number) {
    this.#random = random;
    this.#buf = new ArrayBuffer(8 * 64);
    this.#f64 = new Float64Array(this.#buf);
    this.#i32 = new Int32Array(this.#buf);
    this.#top = HEADER_UNITS + MAX_LEVEL;
    this.#i32[HEIGHT] = MAX_LEVEL;
  }

  /** Number of records. */
  get length(): number {
    return this.#length;
  }

  /** The lowest record, or 0. */
  first(): number {
    return this.#i32[LEVELS];
  }

  /** The highest record, or 0. */
  last(): number {
    return this.#tail;
  }

  /** The record after `h`, or 0. */
  next(h: number): number {
    return this.#i32[2 * h + LEVELS];
  }

  /** The record before `h`, or 0. */
  prev(h: number): number {
    return this.#i32[2 * h + BACKWARD];
  }

  /** Score of record `h`. */
  score(h: number): number {
    return this.#f64[h];
  }

  /** Member of record `h`. */
  member(h: number): Bytes {
    return this.#members[this.#i32[2 * h + ID]];
  }

  /** Number of levels of record `h`. */
  height(h: number): number {
    return this.#i32[2 * h + HEIGHT];
  }

  /** Inserts (member, score), which must not be in the list; returns its handle. */
  insert(member: Bytes, score: number): number {
    let height = 1;
    while (height < MAX_LEVEL && this.#random() < P) height++;
    const h = this.#alloc(height);
    const id = this.#freeIds.length > 0 ? this.#freeIds.pop() as number : this.#members.length;
    this.#members[id] = member;
    this.#f64[h] = score;
    this.#i32[2 * h + ID] = id;
    this.#link(h);
    return h;
  }

  /** Removes record `h`. */
  remove(h: number): void {
    this.#unlink(h, this.#path(h));
    const i32 = this.#i32;
    const id = i32[2 * h + ID];
    this.#members[id] = "";
    this.#freeIds.push(id);
    const height = i32[2 * h + HEIGHT];
    (this.#free[height] ??= []).push(h);
    if (this.#length === 0) this.#reset();
  }

  /**
   * Sets the score of record `h` (zslUpdateScore): in place when the order is kept, else the
   * record moves; the handle stays the same.
   */
  updateScore(h: number, score: number): void {
    const f64 = this.#f64;
    const i32 = this.#i32;
    const back = i32[2 * h + BACKWARD];
    const fwd = i32[2 * h + LEVELS];
    if ((back === 0 || f64[back] < score) && (fwd === 0 || f64[fwd] > score)) {
      f64[h] = score;
      return;
    }
    this.#unlink(h, this.#path(h));
    f64[h] = score;
    this.#link(h);
  }

  /**
   * 1-based rank of record `h`: the length minus the records after it, found by following each
   * record's highest level forward (a span without forward reaches the end). No comparisons.
   */
  rank(h: number): number {
    const i32 = this.#i32;
    let after = 0;
    let x = h;
    while (x !== 0) {
      const top = 2 * x + LEVELS + 2 * (i32[2 * x + HEIGHT] - 1);
      after += i32[top + 1];
      x = i32[top];
    }
    return this.#length - after;
  }

  /** Record at 1-based `rank`, or 0. */
  byRank(rank: number): number {
    if (rank < 1 || rank > this.#length) return 0;
    const i32 = this.#i32;
    let traversed = 0;
    let x = 0;
    for (let i = this.#level - 1; i >= 0; i--) {
      let f = i32[2 * x + LEVELS + 2 * i];
      while (f !== 0 && traversed + i32[2 * x + LEVELS + 2 * i + 1] <= rank) {
        traversed += i32[2 * x + LEVELS + 2 * i + 1];
        x = f;
        f = i32[2 * x + LEVELS + 2 * i];
      }
      if (traversed === rank) return x;
    }
    return 0;
  }

  /** The first record whose score reaches the range's min, or 0 (no max check). */
  firstScoreFrom(range: ScoreRange): number {
    const f64 = this.#f64;
    const i32 = this.#i32;
    let x = 0;
    for (let i = this.#level - 1; i >= 0; i--) {
      let f = i32[2 * x + LEVELS + 2 * i];
      while (f !== 0 && !scoreGteMin(f64[f], range)) {
        x = f;
        f = i32[2 * x + LEVELS + 2 * i];
      }
    }
    return i32[2 * x + LEVELS];
  }

  /** The last record whose score is within the range's max, or 0 (no min check). */
  lastScoreUpTo(range: ScoreRange): number {
    const f64 = this.#f64;
    const i32 = this.#i32;
    let x = 0;
    for (let i = this.#level - 1; i >= 0; i--) {
      let f = i32[2 * x + LEVELS + 2 * i];
      while (f !== 0 && scoreLteMax(f64[f], range)) {
        x = f;
        f = i32[2 * x + LEVELS + 2 * i];
      }
    }
    return x;
  }

  /** The first record, walking down the levels, whose member reaches the lex min, or 0. */
  firstLexFrom(range: LexRange): number {
    const i32 = this.#i32;
    const members = this.#members;
    let x = 0;
    for (let i = this.#level - 1; i >= 0; i--) {
      let f = i32[2 * x + LEVELS + 2 * i];
      while (f !== 0 && !lexGteMin(members[i32[2 * f + ID]], range)) {
        x = f;
        f = i32[2 * x + LEVELS + 2 * i];
      }
    }
    return i32[2 * x + LEVELS];
  }

  /** The last record, walking down the levels, whose member is within the lex max, or 0. */
  lastLexUpTo(range: LexRange): number {
    const i32 = this.#i32;
    const members = this.#members;
    let x = 0;
    for (let i = this.#level - 1; i >= 0; i--) {
      let f = i32[2 * x + LEVELS + 2 * i];
      while (f !== 0 && lexLteMax(members[i32[2 * f + ID]], range)) {
        x = f;
        f = i32[2 * x + LEVELS + 2 * i];
      }
    }
    return x;
  }

  // -------------------------------------------------------------------------------------------

  #alloc(height: number): number {
    const reuse = this.#free[height];
    let h: number;
    if (reuse !== undefined && reuse.length > 0) {
      h = reuse.pop() as number;
    } else {
      const units = HEADER_UNITS + height;
      if (this.#top + units > this.#f64.length) this.#grow(this.#top + units);
      h = this.#top;
      this.#top += units;
    }
    const i32 = this.#i32;
    i32[2 * h + BACKWARD] = 0;
    i32[2 * h + HEIGHT] = height;
    i32.fill(0, 2 * h + LEVELS, 2 * h + LEVELS + 2 * height);
    return h;
  }

  #grow(units: number): void {
    let cap = this.#f64.length * 2;
    while (cap < units) cap *= 2;
    const next = new ArrayBuffer(8 * cap);
    new Float64Array(next).set(this.#f64);
    this.#buf = next;
    this.#f64 = new Float64Array(next);
    this.#i32 = new Int32Array(next);
  }

  /** Back to a small buffer once empty, so a drained big set gives its memory back. */
  #reset(): void {
    this.#buf = new ArrayBuffer(8 * 64);
    this.#f64 = new Float64Array(this.#buf);
    this.#i32 = new Int32Array(this.#buf);
    this.#top = HEADER_UNITS + MAX_LEVEL;
    this.#i32[HEIGHT] = MAX_LEVEL;
    this.#free = [];
    this.#members = [];
    this.#freeIds = [];
    this.#tail = 0;
    this.#level = 1;
  }

  /** True when record `a` sorts before (score, member). */
  #before(a: number, score: number, member: Bytes): boolean {
    const s = this.#f64[a];
    return s < score || (s === score && this.#members[this.#i32[2 * a + ID]] < member);
  }

  /** zslInsertNode for the (unlinked) record `h`. */
  #link(h: number): void {
    const i32 = this.#i32;
    const score = this.#f64[h];
    const member = this.#members[i32[2 * h + ID]];
    const update = this.#update;
    const rank = this.#rank;
    let x = 0;
    for (let i = this.#level - 1; i >= 0; i--) {
      rank[i] = i === this.#level - 1 ? 0 : rank[i + 1];
      let f = i32[2 * x + LEVELS + 2 * i];
      while (f !== 0 && this.#before(f, score, member)) {
        rank[i] += i32[2 * x + LEVELS + 2 * i + 1];
        x = f;
        f = i32[2 * x + LEVELS + 2 * i];
      }
      update[i] = x;
    }
    const height = i32[2 * h + HEIGHT];
    if (height > this.#level) {
      for (let i = this.#level; i < height; i++) {
        rank[i] = 0;
        update[i] = 0;
        i32[LEVELS + 2 * i + 1] = this.#length;
      }
      this.#level = height;
    }
    for (let i = 0; i < height; i++) {
      const u = 2 * update[i] + LEVELS + 2 * i;
      const n = 2 * h + LEVELS + 2 * i;
      i32[n] = i32[u];
      i32[u] = h;
      i32[n + 1] = i32[u + 1] - (rank[0] - rank[i]);
      i32[u + 1] = rank[0] - rank[i] + 1;
    }
    for (let i = height; i < this.#level; i++) i32[2 * update[i] + LEVELS + 2 * i + 1]++;
    i32[2 * h + BACKWARD] = update[0];
    const fwd = i32[2 * h + LEVELS];
    if (fwd !== 0) i32[2 * fwd + BACKWARD] = h;
    else this.#tail = h;
    this.#length++;
  }

  /** The update vector of record `h`: the last record before it on each level. */
  #path(h: number): Int32Array {
    const i32 = this.#i32;
    const score = this.#f64[h];
    const member = this.#members[i32[2 * h + ID]];
    const update = this.#update;
    let x = 0;
    for (let i = this.#level - 1; i >= 0; i--) {
      let f = i32[2 * x + LEVELS + 2 * i];
      while (f !== 0 && this.#before(f, score, member)) {
        x = f;
        f = i32[2 * x + LEVELS + 2 * i];
      }
      update[i] = x;
    }
    return update;
  }

  /** zslDeleteNode */
  #unlink(h: number, update: Int32Array): void {
    const i32 = this.#i32;
    for (let i = 0; i < this.#level; i++) {
      const u = 2 * update[i] + LEVELS + 2 * i;
      if (i32[u] === h) {
        const n = 2 * h + LEVELS + 2 * i;
        i32[u + 1] += i32[n + 1] - 1;
        i32[u] = i32[n];
      } else {
        i32[u + 1]--;
      }
    }
    const fwd = i32[2 * h + LEVELS];
    const back = i32[2 * h + BACKWARD];
    if (fwd !== 0) i32[2 * fwd + BACKWARD] = back;
    else this.#tail = back;
    while (this.#level > 1 && i32[LEVELS + 2 * (this.#level - 1)] === 0) this.#level--;
    this.#length--;
    i32.fill(0, 2 * h + LEVELS, 2 * h + LEVELS + 2 * i32[2 * h + HEIGHT]);
  }
}
