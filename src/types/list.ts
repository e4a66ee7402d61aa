/**
 * The list type: a ring-buffer deque of byte strings, plus a model of the shape Valkey 8.0 would
 * give the same list (one listpack, or a quicklist of listpack nodes) so that OBJECT ENCODING
 * and memory figures follow Valkey without storing the bytes that way.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { clampIndexRange } from "./range.ts";
import {
  DEFAULT_ENCODING_LIMITS,
  type EncodingLimits,
  LP_OVERHEAD,
  lpEntrySize,
} from "./encoding.ts";

/** OBJECT ENCODING of a list. */
export type ListEncoding = "listpack" | "quicklist";

/** Options of {@link ListValue}. */
export interface ListOptions {
  /** Limits read at each conversion check (default: Valkey's defaults). */
  readonly limits?: Readonly<EncodingLimits>;
  /**
   * Start as a quicklist (`createQuicklistObject`, as SORT … STORE does) instead of a listpack
   * (`createListListpackObject`, as every push command does).
   */
  readonly encoding?: ListEncoding;
}

/** `sizeof(quicklist)` and `sizeof(quicklistNode)` on 64-bit builds. */
const QUICKLIST_STRUCT = 40;
const QUICKLIST_NODE_STRUCT = 32;
/** quicklist.c constants. */
const SIZE_SAFETY_LIMIT = 8192;
const SIZE_ESTIMATE_OVERHEAD = 8;
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
const FILL_MAX = 32767;

/** One quicklist node as Valkey would hold it: element count and listpack bytes (or raw bytes). */
interface QlNode {
  count: number;
  sz: number;
  /** A PLAIN node: one element too large for a listpack, stored raw. */
  plain: boolean;
}

/** A growable ring buffer: O(1) at both ends and by index, O(min(i, n−i)) in the middle. */
class Deque<T> {
  #buf: (T | undefined)[];
  #mask: number;
  #head = 0;
  #len = 0;

  constructor(capacity = 8) {
    let cap = 8;
    while (cap < capacity) cap *= 2;
    this.#buf = new Array(cap);
    this.#mask = cap - 1;
  }

  get length(): number {
    return this.#len;
  }

  at(i: number): T {
    return this.#buf[(this.#head + i) & this.#mask] as T;
  }

  setAt(i: number, v: T): void {
    this.#buf[(this.#head + i) & this.#mask] = v;
  }

  pushBack(v: T): void {
    if (this.#len === this.#buf.length) this.#grow();
    this.#buf[(this.#head + this.#len) & this.#mask] = v;
    this.#len++;
  }

  pushFront(v: T): void {
    if (this.#len === this.#buf.length) this.#grow();
    this.#head = (this.#head - 1) & this.#mask;
    this.#buf[this.#head] = v;
    this.#len++;
  }

  popBack(): T {
    const i = (this.#head + this.#len - 1) & this.#mask;
    const v = this.#buf[i] as T;
    this.#buf[i] = undefined;
    this.#len--;
    this.#maybeShrink();
    return v;
  }

  popFront(): T {
    const v = this.#buf[this.#head] as T;
    this.#buf[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#len--;
    this.#maybeShrink();
    return v;
  }

  /** Inserts before index `i` (0 ≤ i ≤ length), shifting the shorter side. */
  insert(i: number, v: T): void {
    if (i >= this.#len) return this.pushBack(v);
    if (i === 0) return this.pushFront(v);
    if (this.#len === this.#buf.length) this.#grow();
    const b = this.#buf;
    const m = this.#mask;
    const h = this.#head;
    if (i < this.#len - i) {
      this.#head = (h - 1) & m;
      for (let k = 0; k < i; k++) b[(h - 1 + k) & m] = b[(h + k) & m];
    } else {
      for (let k = this.#len; k > i; k--) b[(h + k) & m] = b[(h + k - 1) & m];
    }
    b[(this.#head + i) & m] = v;
    this.#len++;
  }

  /** Removes `count` items from index `i`, shifting the shorter side. */
  removeRange(i: number, count: number): void {
    if (count <= 0) return;
    const b = this.#buf;
    const m = this.#mask;
    const h = this.#head;
    const after = this.#len - i - count;
    if (i < after) {
      for (let k = i - 1; k >= 0; k--) b[(h + k + count) & m] = b[(h + k) & m];
      for (let k = 0; k < count; k++) b[(h + k) & m] = undefined;
      this.#head = (h + count) & m;
    } else {
      for (let k = i; k < i + after; k++) b[(h + k) & m] = b[(h + k + count) & m];
      for (let k = i + after; k < this.#len; k++) b[(h + k) & m] = undefined;
    }
    this.#len -= count;
    this.#maybeShrink();
  }

  /** Keeps the items for which `keep(item, index)` is true, in order; O(n). */
  compact(keep: (v: T, i: number) => boolean): void {
    let w = 0;
    for (let r = 0; r < this.#len; r++) {
      const v = this.at(r);
      if (keep(v, r)) {
        if (w !== r) this.setAt(w, v);
        w++;
      }
    }
    for (let k = w; k < this.#len; k++) this.setAt(k, undefined as T);
    this.#len = w;
    this.#maybeShrink();
  }

  #grow(): void {
    const old = this.#buf;
    const n = this.#len;
    const next: (T | undefined)[] = new Array(old.length * 2);
    for (let k = 0; k < n; k++) next[k] = old[(this.#head + k) & this.#mask];
    this.#buf = next;
    this.#mask = next.length - 1;
    this.#head = 0;
  }

  #maybeShrink(): void {
    // Give memory back after a big list drains, with hysteresis so push/pop at the boundary
    // does not reallocate each time.
    const cap = this.#buf.length;
    if (cap <= 64 || this.#len > cap / 8) return;
    const next: (T | undefined)[] = new Array(cap / 4);
    for (let k = 0; k < this.#len; k++) next[k] = this.#buf[(this.#head + k) & this.#mask];
    this.#buf = next;
    this.#mask = next.length - 1;
    this.#head = 0;
  }
}

function negFillLimit(fill: number): number {
  return OPTIMIZATION_LEVEL[Math.min(-fill - 1, OPTIMIZATION_LEVEL.length - 1)];
}

/** `quicklistNodeExceedsLimit` */
function exceedsLimit(fill: number, newSz: number, newCount: number): boolean {
  if (fill < 0) return newSz > negFillLimit(fill);
  if (newSz > SIZE_SAFETY_LIMIT) return true;
  return newCount > (fill === 0 ? 1 : fill);
}

/** `isLargeElement`: stored in a PLAIN node of its own. */
function isLarge(rawLen: number, fill: number): boolean {
  return fill >= 0 ? rawLen > SIZE_SAFETY_LIMIT : rawLen > negFillLimit(fill);
}

/** `_quicklistNodeAllowInsert` */
function allowInsert(node: QlNode | undefined, fill: number, rawLen: number): boolean {
  if (node === undefined || node.plain || isLarge(rawLen, fill)) return false;
  return !exceedsLimit(fill, node.sz + rawLen + SIZE_ESTIMATE_OVERHEAD, node.count + 1);
}

/** `_quicklistNodeAllowMerge` */
function allowMerge(a: QlNode | undefined, b: QlNode | undefined, fill: number): boolean {
  if (a === undefined || b === undefined || a.plain || b.plain) return false;
  return !exceedsLimit(fill, a.sz + b.sz - LP_OVERHEAD, a.count + b.count);
}

/**
 * The value of a list key: a deque of byte strings with Valkey's list semantics (negative
 * indexes, LRANGE clamping, LREM/LPOS directions), and the shape Valkey 8.0 would give it.
 *
 * | operation                                  | time                  |
 * | ------------------------------------------ | --------------------- |
 * | pushHead / pushTail / popHead / popTail     | O(1) amortized        |
 * | at / set (LINDEX / LSET)                    | O(1) (+ O(nodes) as a quicklist, for LSET) |
 * | range (LRANGE)                              | O(s + m): s skipped, m returned → O(m)    |
 * | insertAt / removeAt / insert (LINSERT)      | O(min(i, n − i)) + O(nodes); LINSERT O(n) |
 * | remove (LREM), positions (LPOS)             | O(n)                  |
 * | trim (LTRIM), popHeadMany / popTailMany     | O(removed) + O(nodes) |
 * | memoryUsage, length, encoding               | O(1)                  |
 *
 * Encoding. Valkey converts listpack ↔ quicklist only at fixed points of each command, so the
 * structure never converts by itself; commands call the same hooks Valkey calls:
 *
 * | hook                 | Valkey                                   | called by (Valkey 8.0)                                    |
 * | -------------------- | ---------------------------------------- | --------------------------------------------------------- |
 * | {@link growFor}      | `listTypeTryConversionAppend`            | before LPUSH/RPUSH/…X pushes (all values), LINSERT, LSET, and the push half of LMOVE (popped value) |
 * | {@link shrinkIfSmall}| `listTypeTryConversion(SHRINKING)`       | after LPOP/RPOP (also with count), LMPOP, LMOVE's source, LREM, LTRIM, LSET — only if the list is not empty |
 * | {@link convertAuto}  | `listTypeTryConversion(AUTO)`            | after building a list created as a quicklist (SORT … STORE) |
 *
 * As a quicklist the structure tracks each node's element count and listpack size the way
 * quicklist.c does (node split/merge on LINSERT/LSET, PLAIN nodes for elements larger than a
 * node), so the shrinking rule "one packed node at most half the size limit" gives Valkey's
 * answer.
 *
 * Memory ({@link memoryUsage}, the value only; the keyspace adds the key): as a listpack its size
 * in bytes (7 + Σ entry sizes, an entry being encoding + data + backlen: 2 bytes for a small
 * integer, length + 2 for a string under 64 bytes…); as a quicklist 40 + Σ(32 + node bytes).
 * jemalloc's rounding to size classes is ignored.
 *
 * @example
 * ```ts
 * import { ListValue } from "./list.ts";
 * const l = new ListValue();
 * l.growFor(["a", "b", "c"]);
 * for (const v of ["a", "b", "c"]) l.pushTail(v);
 * console.assert(l.range(0, -1).join() === "a,b,c" && l.encoding === "listpack");
 * ```
 */
export class ListValue {
  #items = new Deque<Bytes>();
  #limits: Readonly<EncodingLimits>;
  /** Σ lpEntrySize over the elements, meaningful while a listpack. */
  #entryBytes = 0;
  /** Quicklist nodes, head first; undefined while a listpack. */
  #nodes: Deque<QlNode> | undefined;
  /** The quicklist's own fill, fixed when it was created (quicklistNew). */
  #fill = -2;
  /** Σ (32 + sz) over the nodes. */
  #nodeBytes = 0;

  constructor(options: ListOptions = {}) {
    this.#limits = options.limits ?? DEFAULT_ENCODING_LIMITS;
    if (options.encoding === "quicklist") this.#toQuicklist();
  }

  /** Number of elements (LLEN). */
  get length(): number {
    return this.#items.length;
  }

  /** OBJECT ENCODING. */
  get encoding(): ListEncoding {
    return this.#nodes === undefined ? "listpack" : "quicklist";
  }

  /** Estimated bytes Valkey would use for this value (see the class doc). O(1). */
  get memoryUsage(): number {
    return this.#nodes === undefined
      ? LP_OVERHEAD + this.#entryBytes
      : QUICKLIST_STRUCT + this.#nodeBytes;
  }

  /**
   * The quicklist nodes Valkey would have, head first (empty as a listpack): element count,
   * listpack bytes (raw bytes for a PLAIN node). DEBUG OBJECT's `ql_nodes` is their number and
   * `ql_uncompressed_size` the sum of `sz`.
   */
  quicklistShape(): { count: number; sz: number; plain: boolean }[] {
    const out: { count: number; sz: number; plain: boolean }[] = [];
    const nodes = this.#nodes;
    if (nodes !== undefined) {
      for (let j = 0; j < nodes.length; j++) {
        out.push({ ...nodes.at(j) });
      }
    }
    return out;
  }

  /**
   * Element at `index` (LINDEX): negative indexes count from the tail.
   *
   * @returns The element, or undefined when out of range.
   */
  at(index: number): Bytes | undefined {
    const n = this.#items.length;
    if (index < 0) index += n;
    if (index < 0 || index >= n) return undefined;
    return this.#items.at(index);
  }

  /** Pushes at the head (LPUSH of one element, after {@link growFor}). */
  pushHead(value: Bytes): void {
    this.#items.pushFront(value);
    if (this.#nodes === undefined) this.#entryBytes += lpEntrySize(value);
    else this.#qlPush(value, true);
  }

  /** Pushes at the tail (RPUSH of one element, after {@link growFor}). */
  pushTail(value: Bytes): void {
    this.#items.pushBack(value);
    if (this.#nodes === undefined) this.#entryBytes += lpEntrySize(value);
    else this.#qlPush(value, false);
  }

  /**
   * LPUSH/RPUSH's body: {@link growFor} with all the values, then each pushed in order.
   *
   * @param values The elements, in argument order.
   * @param head Push at the head (LPUSH) instead of the tail.
   */
  push(values: readonly Bytes[], head: boolean): void {
    this.growFor(values);
    for (const v of values) {
      if (head) this.pushHead(v);
      else this.pushTail(v);
    }
  }

  /** Pops the head element (LPOP); undefined when empty. */
  popHead(): Bytes | undefined {
    if (this.#items.length === 0) return undefined;
    const v = this.#items.popFront();
    if (this.#nodes === undefined) this.#entryBytes -= lpEntrySize(v);
    else this.#qlRemoveOne(0, v);
    return v;
  }

  /** Pops the tail element (RPOP); undefined when empty. */
  popTail(): Bytes | undefined {
    if (this.#items.length === 0) return undefined;
    const v = this.#items.popBack();
    if (this.#nodes === undefined) this.#entryBytes -= lpEntrySize(v);
    else this.#qlRemoveOne(this.#nodes.length - 1, v);
    return v;
  }

  /**
   * Pops up to `count` elements from the head (LPOP key count), head first.
   *
   * @returns The popped elements (fewer when the list is shorter).
   */
  popHeadMany(count: number): Bytes[] {
    const k = Math.min(Math.max(count, 0), this.#items.length);
    const out = new Array<Bytes>(k);
    for (let i = 0; i < k; i++) out[i] = this.#items.at(i);
    this.#deleteRange(0, k);
    return out;
  }

  /**
   * Pops up to `count` elements from the tail (RPOP key count), tail first.
   *
   * @returns The popped elements (fewer when the list is shorter).
   */
  popTailMany(count: number): Bytes[] {
    const n = this.#items.length;
    const k = Math.min(Math.max(count, 0), n);
    const out = new Array<Bytes>(k);
    for (let i = 0; i < k; i++) out[i] = this.#items.at(n - 1 - i);
    this.#deleteRange(n - k, k);
    return out;
  }

  /**
   * Replaces the element at `index` (LSET; negative indexes count from the tail). Call
   * {@link growFor} with the value before and {@link shrinkIfSmall} after, as LSET does.
   *
   * @returns False when the index is out of range (`ERR index out of range`).
   */
  set(index: number, value: Bytes): boolean {
    const n = this.#items.length;
    if (index < 0) index += n;
    if (index < 0 || index >= n) return false;
    const old = this.#items.at(index);
    this.#items.setAt(index, value);
    if (this.#nodes === undefined) this.#entryBytes += lpEntrySize(value) - lpEntrySize(old);
    else this.#qlReplace(index, old, value);
    return true;
  }

  /**
   * Inserts `value` before or after the first element equal to `pivot`, searching from the head
   * (LINSERT; call {@link growFor} with the value first, as Valkey does even when the pivot is
   * missing).
   *
   * @returns The new length, or -1 when the pivot is not in the list.
   */
  insert(pivot: Bytes, value: Bytes, after: boolean): number {
    const n = this.#items.length;
    for (let i = 0; i < n; i++) {
      if (this.#items.at(i) === pivot) {
        this.insertAt(after ? i + 1 : i, value, after);
        return this.#items.length;
      }
    }
    return -1;
  }

  /**
   * Inserts `value` so that it ends up at `index` (0 ≤ index ≤ length). `after` says which
   * neighbour was the reference element (quicklist.c inserts differently after `index − 1` than
   * before `index`); by default the element before.
   */
  insertAt(index: number, value: Bytes, after = index > 0): void {
    const n = this.#items.length;
    if (index < 0 || index > n) throw new RangeError(`index ${index} out of 0..${n}`);
    if (this.#nodes === undefined || n === 0) {
      if (index === 0) this.pushHead(value);
      else if (index === n) this.pushTail(value);
      else {
        this.#items.insert(index, value);
        this.#entryBytes += lpEntrySize(value);
      }
      return;
    }
    this.#qlInsert(after ? index - 1 : index, value, after);
    this.#items.insert(index, value);
  }

  /** Removes the element at `index` (0 ≤ index < length); returns it. */
  removeAt(index: number): Bytes {
    const n = this.#items.length;
    if (index < 0 || index >= n) throw new RangeError(`index ${index} out of 0..${n - 1}`);
    const v = this.#items.at(index);
    this.#deleteRange(index, 1);
    return v;
  }

  /**
   * Removes elements equal to `value` (LREM): the first `count` from the head when count > 0,
   * the last `-count` from the tail when count < 0, all when count is 0.
   *
   * @returns How many were removed.
   */
  remove(value: Bytes, count: number): number {
    const n = this.#items.length;
    const limit = count === 0 ? Infinity : Math.abs(count);
    const drop = new Uint8Array(n);
    let removed = 0;
    if (count >= 0) {
      for (let i = 0; i < n && removed < limit; i++) {
        if (this.#items.at(i) === value) {
          drop[i] = 1;
          removed++;
        }
      }
    } else {
      for (let i = n - 1; i >= 0 && removed < limit; i--) {
        if (this.#items.at(i) === value) {
          drop[i] = 1;
          removed++;
        }
      }
    }
    if (removed === 0) return 0;
    if (this.#nodes === undefined) {
      this.#entryBytes -= removed * lpEntrySize(value);
    } else {
      // quicklistDelIndex per element: counts and sizes shrink, empty nodes go, nothing merges.
      const nodes = this.#nodes;
      const entry = lpEntrySize(value);
      let base = 0;
      for (let j = 0; j < nodes.length;) {
        const node = nodes.at(j);
        let gone = 0;
        for (let k = 0; k < node.count; k++) gone += drop[base + k];
        base += node.count;
        if (gone === 0) {
          j++;
          continue;
        }
        if (gone === node.count) this.#qlDropNode(j);
        else {
          this.#qlResize(node, node.sz - gone * entry);
          node.count -= gone;
          j++;
        }
      }
    }
    this.#items.compact((_, i) => drop[i] === 0);
    return removed;
  }

  /** Keeps only the elements from `start` to `stop` inclusive (LTRIM; negative indexes ok). */
  trim(start: number, stop: number): void {
    const n = this.#items.length;
    const r = clampIndexRange(start, stop, n);
    if (r === undefined) {
      this.#deleteRange(0, n);
      return;
    }
    // Valkey deletes the left part first, then the right part.
    this.#deleteRange(0, r.start);
    this.#deleteRange(r.stop - r.start + 1, n - r.stop - 1);
  }

  /**
   * Elements from `start` to `stop` inclusive (LRANGE: negative indexes count from the tail,
   * out-of-range ends are clamped).
   */
  range(start: number, stop: number): Bytes[] {
    const r = clampIndexRange(start, stop, this.#items.length);
    if (r === undefined) return [];
    const out = new Array<Bytes>(r.stop - r.start + 1);
    for (let i = r.start; i <= r.stop; i++) out[i - r.start] = this.#items.at(i);
    return out;
  }

  /**
   * LPOS: indexes (from the head, as LINDEX counts) of elements equal to `value`.
   *
   * @param value The element to find.
   * @param rank 1 = from the first match, 2 = from the second…; negative ranks search from the
   *   tail (-1 = the last match). Not 0.
   * @param count How many matches to return; 0 = all.
   * @param maxlen Compare at most this many elements; 0 = no limit.
   * @returns The matching indexes, in search order.
   */
  positions(value: Bytes, rank = 1, count = 1, maxlen = 0): number[] {
    const n = this.#items.length;
    const out: number[] = [];
    const fromTail = rank < 0;
    const skip = Math.abs(rank) - 1;
    let matches = 0;
    for (let step = 0; step < n && (maxlen === 0 || step < maxlen); step++) {
      const i = fromTail ? n - 1 - step : step;
      if (this.#items.at(i) !== value) continue;
      if (++matches <= skip) continue;
      out.push(i);
      if (count !== 0 && out.length >= count) break;
    }
    return out;
  }

  /** Elements head to tail. */
  *values(): IterableIterator<Bytes> {
    const n = this.#items.length;
    for (let i = 0; i < n; i++) yield this.#items.at(i);
  }

  /** Elements tail to head. */
  *valuesReversed(): IterableIterator<Bytes> {
    for (let i = this.#items.length - 1; i >= 0; i--) yield this.#items.at(i);
  }

  /** Elements head to tail. */
  [Symbol.iterator](): IterableIterator<Bytes> {
    return this.values();
  }

  /** A copy with the same elements and the same encoding/shape (COPY, `listTypeDup`). */
  clone(): ListValue {
    const c = new ListValue({ limits: this.#limits });
    for (let i = 0; i < this.#items.length; i++) c.#items.pushBack(this.#items.at(i));
    c.#entryBytes = this.#entryBytes;
    c.#fill = this.#fill;
    c.#nodeBytes = this.#nodeBytes;
    if (this.#nodes !== undefined) {
      const nodes = new Deque<QlNode>();
      for (let j = 0; j < this.#nodes.length; j++) nodes.pushBack({ ...this.#nodes.at(j) });
      c.#nodes = nodes;
    }
    return c;
  }

  // -------------------------------------------------------------------------------------------
  // Encoding hooks

  /**
   * `listTypeTryConversionAppend`: before adding `values`, a listpack becomes a quicklist when its
   * bytes plus the values' lengths (raw lengths, as Valkey sums them) exceed the node limit
   * (`list-max-listpack-size`).
   */
  growFor(values: readonly Bytes[]): void {
    if (this.#nodes !== undefined) return;
    let add = 0;
    for (const v of values) add += v.length;
    const fill = this.#limits.listMaxListpackSize;
    if (
      exceedsLimit(fill, LP_OVERHEAD + this.#entryBytes + add, this.#items.length + values.length)
    ) {
      this.#toQuicklist();
    }
  }

  /**
   * `listTypeTryConversion(LIST_CONV_SHRINKING)`: a quicklist of a single packed node becomes a
   * listpack again once that node is within half the limits.
   */
  shrinkIfSmall(): void {
    this.#tryToListpack(true);
  }

  /** `listTypeTryConversion(LIST_CONV_AUTO)`: like shrinking, with the full limits. */
  convertAuto(): void {
    if (this.#nodes === undefined) this.growFor([]);
    else this.#tryToListpack(false);
  }

  #toQuicklist(): void {
    const fill = Math.max(-5, Math.min(FILL_MAX, this.#limits.listMaxListpackSize));
    this.#fill = fill;
    this.#nodes = new Deque<QlNode>();
    this.#nodeBytes = 0;
    // quicklistAppendListpack: the whole listpack becomes the first node, whatever its size.
    if (this.#items.length > 0) {
      this.#qlAddNode(this.#nodes.length, {
        count: this.#items.length,
        sz: LP_OVERHEAD + this.#entryBytes,
        plain: false,
      });
    }
  }

  #tryToListpack(shrinking: boolean): void {
    const nodes = this.#nodes;
    if (nodes === undefined || nodes.length !== 1) return;
    const head = nodes.at(0);
    if (head.plain) return;
    const fill = this.#limits.listMaxListpackSize;
    let szLimit = Infinity;
    let countLimit = 4294967295; // UINT_MAX
    if (fill >= 0) countLimit = fill === 0 ? 1 : fill;
    else szLimit = negFillLimit(fill);
    if (shrinking) {
      szLimit /= 2;
      countLimit = Math.floor(countLimit / 2);
    }
    if (head.sz > szLimit || this.#items.length > countLimit) return;
    this.#entryBytes = head.sz - LP_OVERHEAD;
    this.#nodes = undefined;
    this.#nodeBytes = 0;
  }

  // -------------------------------------------------------------------------------------------
  // Quicklist shape (quicklist.c)

  #qlAddNode(at: number, node: QlNode): void {
    const nodes = this.#nodes as Deque<QlNode>;
    if (at === 0) nodes.pushFront(node);
    else nodes.insert(at, node);
    this.#nodeBytes += QUICKLIST_NODE_STRUCT + node.sz;
  }

  #qlDropNode(j: number): void {
    const nodes = this.#nodes as Deque<QlNode>;
    const node = nodes.at(j);
    this.#nodeBytes -= QUICKLIST_NODE_STRUCT + node.sz;
    if (j === 0) nodes.popFront();
    else if (j === nodes.length - 1) nodes.popBack();
    else nodes.removeRange(j, 1);
  }

  #qlResize(node: QlNode, sz: number): void {
    this.#nodeBytes += sz - node.sz;
    node.sz = sz;
  }

  #newNode(value: Bytes): QlNode {
    return isLarge(value.length, this.#fill)
      ? { count: 1, sz: value.length, plain: true }
      : { count: 1, sz: LP_OVERHEAD + lpEntrySize(value), plain: false };
  }

  /** quicklistPushHead / quicklistPushTail (the element is already in #items). */
  #qlPush(value: Bytes, head: boolean): void {
    const nodes = this.#nodes as Deque<QlNode>;
    const edge = nodes.length === 0 ? undefined : nodes.at(head ? 0 : nodes.length - 1);
    if (!isLarge(value.length, this.#fill) && allowInsert(edge, this.#fill, value.length)) {
      const node = edge as QlNode;
      this.#qlResize(node, node.sz + lpEntrySize(value));
      node.count++;
    } else {
      this.#qlAddNode(head ? 0 : nodes.length, this.#newNode(value));
    }
  }

  /** quicklistDelIndex on an end element `value` of node `j`. */
  #qlRemoveOne(j: number, value: Bytes): void {
    const node = (this.#nodes as Deque<QlNode>).at(j);
    if (node.plain || node.count === 1) {
      this.#qlDropNode(j);
      return;
    }
    node.count--;
    this.#qlResize(node, node.sz - lpEntrySize(value));
  }

  /** Node index and offset of element `i`. */
  #qlLocate(i: number): [number, number] {
    const nodes = this.#nodes as Deque<QlNode>;
    const n = nodes.length;
    if (i >= this.#items.length / 2) {
      let base = this.#items.length;
      for (let j = n - 1; j >= 0; j--) {
        base -= nodes.at(j).count;
        if (i >= base) return [j, i - base];
      }
    }
    let base = 0;
    for (let j = 0; j < n; j++) {
      const c = nodes.at(j).count;
      if (i < base + c) return [j, i - base];
      base += c;
    }
    throw new RangeError(`quicklist index ${i} out of range`);
  }

  /** Σ lpEntrySize of #items[from, to). */
  #entrySizes(from: number, to: number): number {
    let s = 0;
    for (let i = from; i < to; i++) s += lpEntrySize(this.#items.at(i));
    return s;
  }

  /** Removes #items[start, start+count) and updates the shape (quicklistDelRange / lpDeleteRange). */
  #deleteRange(start: number, count: number): void {
    if (count <= 0) return;
    if (this.#nodes === undefined) {
      this.#entryBytes -= this.#entrySizes(start, start + count);
    } else {
      let [j, offset] = this.#qlLocate(start);
      let left = count;
      let globalIdx = start;
      while (left > 0) {
        const node = (this.#nodes as Deque<QlNode>).at(j);
        const del = Math.min(left, node.count - offset);
        if (node.plain || del === node.count) {
          this.#qlDropNode(j);
        } else {
          this.#qlResize(node, node.sz - this.#entrySizes(globalIdx, globalIdx + del));
          node.count -= del;
          j++;
        }
        left -= del;
        globalIdx += del;
        offset = 0;
      }
    }
    const n = this.#items.length;
    if (start === 0 && count === n) {
      this.#items = new Deque<Bytes>();
    } else if (start === 0) {
      for (let k = 0; k < count; k++) this.#items.popFront();
    } else if (start + count === n) {
      for (let k = 0; k < count; k++) this.#items.popBack();
    } else {
      this.#items.removeRange(start, count);
    }
  }

  /**
   * _quicklistSplitNode: node `j` keeps [0, offset] (after) or [offset, end] (!after); the new
   * node, returned, gets the rest. `first` is the global index of the node's first element.
   */
  #qlSplit(j: number, first: number, offset: number, after: boolean): QlNode {
    const node = (this.#nodes as Deque<QlNode>).at(j);
    const keepFrom = after ? 0 : offset;
    const keepTo = after ? offset + 1 : node.count;
    const kept = keepTo - keepFrom;
    const keptSz = LP_OVERHEAD + this.#entrySizes(first + keepFrom, first + keepTo);
    const restSz = LP_OVERHEAD + (node.sz - LP_OVERHEAD) - (keptSz - LP_OVERHEAD);
    const rest: QlNode = { count: node.count - kept, sz: restSz, plain: false };
    this.#qlResize(node, keptSz);
    node.count = kept;
    return rest;
  }

  /** _quicklistListpackMerge of nodes j and j+1 (both packed). */
  #qlMerge(j: number): void {
    const nodes = this.#nodes as Deque<QlNode>;
    const a = nodes.at(j);
    const b = nodes.at(j + 1);
    this.#qlResize(a, a.sz + b.sz - LP_OVERHEAD);
    a.count += b.count;
    this.#qlDropNode(j + 1);
  }

  /** _quicklistMergeNodes around node `c`; returns the index of the node holding the center. */
  #qlMergeAround(c: number): number {
    const nodes = this.#nodes as Deque<QlNode>;
    const fill = this.#fill;
    const at = (k: number) => (k >= 0 && k < nodes.length ? nodes.at(k) : undefined);
    if (allowMerge(at(c - 1), at(c - 2), fill)) {
      this.#qlMerge(c - 2);
      c--;
    }
    if (allowMerge(at(c + 1), at(c + 2), fill)) this.#qlMerge(c + 1);
    if (allowMerge(at(c), at(c - 1), fill)) {
      this.#qlMerge(c - 1);
      c--;
    }
    if (allowMerge(at(c), at(c + 1), fill)) this.#qlMerge(c);
    return c;
  }

  /**
   * _quicklistInsert: `value` goes after (after=true) or before element `ref` (global index);
   * #items is updated by the caller.
   */
  #qlInsert(ref: number, value: Bytes, after: boolean): void {
    const nodes = this.#nodes as Deque<QlNode>;
    const fill = this.#fill;
    const [j, offset] = this.#qlLocate(ref);
    const first = ref - offset;
    const node = nodes.at(j);
    const len = value.length;
    const full = !allowInsert(node, fill, len);
    let atTail = false;
    let atHead = false;
    let availNext = false;
    let availPrev = false;
    if (after && offset === node.count - 1) {
      atTail = true;
      availNext = allowInsert(j + 1 < nodes.length ? nodes.at(j + 1) : undefined, fill, len);
    }
    if (!after && offset === 0) {
      atHead = true;
      availPrev = allowInsert(j > 0 ? nodes.at(j - 1) : undefined, fill, len);
    }
    if (isLarge(len, fill)) {
      const plain: QlNode = { count: 1, sz: len, plain: true };
      if (node.plain || (atTail && after) || (atHead && !after)) {
        this.#qlAddNode(after ? j + 1 : j, plain);
      } else {
        const rest = this.#qlSplit(j, first, offset, after);
        if (after) {
          this.#qlAddNode(j + 1, plain);
          this.#qlAddNode(j + 2, rest);
        } else {
          this.#qlAddNode(j, plain);
          this.#qlAddNode(j, rest);
        }
      }
      return;
    }
    const entry = lpEntrySize(value);
    if (!full) {
      this.#qlResize(node, node.sz + entry);
      node.count++;
    } else if (atTail && availNext && after) {
      const next = nodes.at(j + 1);
      this.#qlResize(next, next.sz + entry);
      next.count++;
    } else if (atHead && availPrev && !after) {
      const prev = nodes.at(j - 1);
      this.#qlResize(prev, prev.sz + entry);
      prev.count++;
    } else if ((atTail && after) || (atHead && !after)) {
      this.#qlAddNode(after ? j + 1 : j, {
        count: 1,
        sz: LP_OVERHEAD + entry,
        plain: false,
      });
    } else {
      const rest = this.#qlSplit(j, first, offset, after);
      rest.sz += entry; // not linked yet: #qlAddNode accounts for it
      rest.count++;
      if (after) {
        this.#qlAddNode(j + 1, rest);
        this.#qlMergeAround(j);
      } else {
        this.#qlAddNode(j, rest);
        this.#qlMergeAround(j + 1);
      }
    }
  }

  /** quicklistReplaceEntry (Valkey 8.0) for element `i`; #items already holds the new value. */
  #qlReplace(i: number, old: Bytes, value: Bytes): void {
    const nodes = this.#nodes as Deque<QlNode>;
    const fill = this.#fill;
    const [j, offset] = this.#qlLocate(i);
    const node = nodes.at(j);
    const large = isLarge(value.length, fill);
    if (!node.plain && !large) {
      this.#qlResize(node, node.sz - lpEntrySize(old) + lpEntrySize(value));
      return;
    }
    if (node.plain) {
      if (large) {
        this.#qlResize(node, value.length);
        return;
      }
      // Insert after the plain node, then drop it.
      const next = j + 1 < nodes.length ? nodes.at(j + 1) : undefined;
      if (allowInsert(next, fill, value.length)) {
        const nx = next as QlNode;
        this.#qlResize(nx, nx.sz + lpEntrySize(value));
        nx.count++;
      } else {
        this.#qlAddNode(j + 1, { count: 1, sz: LP_OVERHEAD + lpEntrySize(value), plain: false });
      }
      this.#qlDropNode(j);
      return;
    }
    // A packed node and a large value: split after the entry, put the value in a plain node after
    // it, then delete the old entry (now the node's last) and merge around the new node.
    const first = i - offset;
    let rest: QlNode | undefined;
    if (offset !== node.count - 1) {
      // Sizes of the part after the entry; the entry itself is still `old` in the shape.
      const after = this.#entrySizes(first + offset + 1, first + node.count);
      rest = { count: node.count - offset - 1, sz: LP_OVERHEAD + after, plain: false };
      this.#qlResize(node, node.sz - after);
      node.count = offset + 1;
    }
    this.#qlAddNode(j + 1, { count: 1, sz: value.length, plain: true });
    if (rest !== undefined) this.#qlAddNode(j + 2, rest);
    if (node.count === 1) {
      this.#qlDropNode(j);
    } else {
      node.count--;
      this.#qlResize(node, node.sz - lpEntrySize(old));
      this.#qlMergeAround(j + 1);
    }
  }
}
