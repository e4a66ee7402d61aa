/**
 * The set type: a Map for membership in Valkey's listpack order, plus a dense array for O(1)
 * random members (SRANDMEMBER, SPOP), with Valkey 8.0's intset / listpack / hashtable rules,
 * including the order in which SMEMBERS lists an intset (ascending) or a listpack (insertion).
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import {
  DEFAULT_ENCODING_LIMITS,
  DICT_ENTRY_SIZE,
  type EncodingLimits,
  intsetWidth,
  isStrictInt64,
  LP_OVERHEAD,
  lpEntrySize,
  sdsSize,
} from "./encoding.ts";
import { orderedSample, randomSample } from "./sample.ts";

/** OBJECT ENCODING of a set. */
export type SetEncoding = "intset" | "listpack" | "hashtable";

/** Options of {@link SetValue}. */
export interface SetOptions {
  /** Limits read at each conversion check (default: Valkey's defaults). */
  readonly limits?: Readonly<EncodingLimits>;
  /** Random source in [0, 1) for random members (default Math.random). */
  readonly random?: () => number;
  /** Initial encoding (default listpack, `createSetListpackObject`). */
  readonly encoding?: SetEncoding;
}

/** `dict` struct of a hashtable-encoded set or hash. */
const DICT_STRUCT = 56;
/** `intset` header (encoding + length). */
const INTSET_HEADER = 8;
/** SPOP_MOVE_STRATEGY_MUL (t_set.c). */
const SPOP_MOVE_STRATEGY_MUL = 5;

/** Order of two canonical integer strings by value. */
function compareIntStrings(a: Bytes, b: Bytes): number {
  const na = a.charCodeAt(0) === 45;
  const nb = b.charCodeAt(0) === 45;
  if (na !== nb) return na ? -1 : 1;
  let c = a.length - b.length;
  if (c === 0) c = a < b ? -1 : a > b ? 1 : 0;
  return na ? -c : c;
}

/** Characters of the decimal form (`sdigits10`, sign included). */
function digits10(s: Bytes): number {
  return s.length;
}

/**
 * The value of a set key.
 *
 * | operation                                   | time                                      |
 * | ------------------------------------------- | ----------------------------------------- |
 * | add / delete / has (SADD, SREM, SISMEMBER)   | O(1) (O(n) as an intset or listpack, like Valkey, bounded by the limits) |
 * | randomMember, popRandom (SRANDMEMBER, SPOP)  | O(1) (O(n) as a listpack)                 |
 * | sample(k), popRandomMany(k)                  | O(k) (O(n) as a listpack)                 |
 * | values (SMEMBERS order)                      | O(n) (O(n log n) once after an intset changes) |
 * | size, encoding, memoryUsage                  | O(1)                                      |
 *
 * Order: as an intset, members iterate in ascending numeric order; as a listpack, in insertion
 * order (a conversion from intset keeps the ascending order first); as a hashtable, in insertion
 * order too — Valkey's hash order is not reproducible, so replies of hashtable-encoded sets need
 * unordered comparison.
 *
 * Encoding: {@link SetValue.create} (`setTypeCreate`), {@link maybeConvert}
 * (`setTypeMaybeConvert`), {@link add} (`setTypeAddAux`: intset → listpack or hashtable on a
 * non-integer; intset → hashtable past `set-max-intset-entries`; listpack → hashtable past
 * `set-max-listpack-entries` or a member longer than `set-max-listpack-value`),
 * {@link convertToIntsetIfPossible} (`maybeConvertToIntset`, SINTERSTORE), and SPOP with a count
 * close to the size, which rebuilds the set ({@link popRandomMany}).
 *
 * Memory ({@link memoryUsage}, value only): intset 8 + n × width (2, 4 or 8 bytes, never
 * narrowing); listpack 7 + Σ entry sizes; hashtable 56 + Σ(member sds + 32).
 *
 * @example
 * ```ts
 * import { SetValue } from "./set.ts";
 * const s = SetValue.create("3", 2);
 * s.add("3");
 * s.add("1");
 * console.assert(s.encoding === "intset" && [...s.values()].join() === "1,3");
 * s.add("x");
 * console.assert(s.encoding === "listpack" && [...s.values()].join() === "1,3,x");
 * ```
 */
export class SetValue {
  #limits: Readonly<EncodingLimits>;
  #random: () => number;
  #encoding: SetEncoding;
  /** member → index in #items; iteration order is the listpack order. */
  #index = new Map<Bytes, number>();
  /** Members in no particular order, for O(1) random access. */
  #items: Bytes[] = [];
  /** Ascending members while an intset; rebuilt lazily. */
  #sorted: Bytes[] | undefined;
  #intWidth = 2;
  /** Σ lpEntrySize while a listpack. */
  #lpBytes = 0;
  /** Σ (sds + dict entry) over members. */
  #htBytes = 0;

  constructor(options: SetOptions = {}) {
    this.#limits = options.limits ?? DEFAULT_ENCODING_LIMITS;
    this.#random = options.random ?? Math.random;
    this.#encoding = options.encoding ?? "listpack";
  }

  /**
   * `setTypeCreate`: an intset when the first member is an integer and `sizeHint` fits
   * `set-max-intset-entries`, else a listpack when it fits `set-max-listpack-entries`, else a
   * hashtable. SADD passes its number of member arguments; SMOVE passes 1.
   */
  static create(first: Bytes, sizeHint: number, options: SetOptions = {}): SetValue {
    const limits = options.limits ?? DEFAULT_ENCODING_LIMITS;
    let encoding: SetEncoding = "hashtable";
    if (isStrictInt64(first) && sizeHint <= limits.setMaxIntsetEntries) encoding = "intset";
    else if (sizeHint <= limits.setMaxListpackEntries) encoding = "listpack";
    return new SetValue({ ...options, encoding });
  }

  /** Number of members (SCARD). */
  get size(): number {
    return this.#items.length;
  }

  /** OBJECT ENCODING. */
  get encoding(): SetEncoding {
    return this.#encoding;
  }

  /** Estimated bytes Valkey would use for this value (see the class doc). O(1). */
  get memoryUsage(): number {
    switch (this.#encoding) {
      case "intset":
        return INTSET_HEADER + this.#items.length * this.#intWidth;
      case "listpack":
        return LP_OVERHEAD + this.#lpBytes;
      default:
        return DICT_STRUCT + this.#htBytes;
    }
  }

  /** `setTypeMaybeConvert`: SADD on an existing set with `sizeHint` member arguments. */
  maybeConvert(sizeHint: number): void {
    if (
      (this.#encoding === "listpack" && sizeHint > this.#limits.setMaxListpackEntries) ||
      (this.#encoding === "intset" && sizeHint > this.#intsetMax())
    ) {
      this.#encoding = "hashtable";
    }
  }

  /** True when `member` is in the set (SISMEMBER). */
  has(member: Bytes): boolean {
    return this.#index.has(member);
  }

  /**
   * `setTypeAddAux`: adds `member`, converting the encoding as Valkey does.
   *
   * @returns True when it was not a member.
   */
  add(member: Bytes): boolean {
    if (this.#index.has(member)) return false;
    const limits = this.#limits;
    if (this.#encoding === "intset") {
      if (isStrictInt64(member)) {
        this.#append(member);
        this.#sorted = undefined;
        if (this.#items.length > this.#intsetMax()) this.#encoding = "hashtable";
        return true;
      }
      // A string joins: listpack when everything fits, else hashtable (t_set.c).
      const n = this.#items.length;
      let maxLen = 0;
      if (n > 0) {
        const sorted = this.#ascending();
        maxLen = Math.max(digits10(sorted[0]), digits10(sorted[n - 1]));
      }
      if (
        n < limits.setMaxListpackEntries && member.length <= limits.setMaxListpackValue &&
        maxLen <= limits.setMaxListpackValue
      ) {
        this.#toListpack();
      } else {
        this.#encoding = "hashtable";
        this.#sorted = undefined;
      }
      this.#append(member);
      return true;
    }
    if (this.#encoding === "listpack") {
      if (
        this.#items.length >= limits.setMaxListpackEntries ||
        member.length > limits.setMaxListpackValue
      ) {
        this.#encoding = "hashtable";
      }
    }
    this.#append(member);
    return true;
  }

  /** Removes `member` (SREM); true when it was a member. */
  delete(member: Bytes): boolean {
    const i = this.#index.get(member);
    if (i === undefined) return false;
    const last = this.#items.pop() as Bytes;
    if (i < this.#items.length) {
      this.#items[i] = last;
      this.#index.set(last, i);
    }
    this.#index.delete(member);
    this.#htBytes -= sdsSize(member.length) + DICT_ENTRY_SIZE;
    if (this.#encoding === "listpack") this.#lpBytes -= lpEntrySize(member);
    this.#sorted = undefined;
    return true;
  }

  /** A random member (SRANDMEMBER without count), or undefined when empty. */
  randomMember(): Bytes | undefined {
    const n = this.#items.length;
    if (n === 0) return undefined;
    return this.#items[Math.floor(this.#random() * n)];
  }

  /** Removes and returns a random member (SPOP without count). */
  popRandom(): Bytes | undefined {
    const m = this.randomMember();
    if (m !== undefined) this.delete(m);
    return m;
  }

  /**
   * `count` distinct random members (SRANDMEMBER with a positive count < size): in set order as a
   * listpack (Valkey's CASE 2.5), in random order otherwise. With count ≥ size, every member in
   * set order.
   */
  sample(count: number): Bytes[] {
    const n = this.#items.length;
    if (count >= n) return [...this.values()];
    if (count <= 0) return [];
    if (this.#encoding === "listpack") {
      const order = [...this.#index.keys()];
      return orderedSample(n, count, this.#random).map((i) => order[i]);
    }
    return randomSample(n, count, this.#random).map((i) => this.#items[i]);
  }

  /**
   * SPOP with a count (`spopWithCountCommand`): removes and returns `count` random members. With
   * count ≥ size every member goes, in the order SUNION of the set would list them. When few
   * members remain (remaining × 5 ≤ count) Valkey rebuilds the set from the remaining members,
   * which can change its encoding (a hashtable can come back as a listpack); so does this.
   */
  popRandomMany(count: number): Bytes[] {
    const n = this.#items.length;
    if (count <= 0 || n === 0) return [];
    if (count >= n) {
      const union = new SetValue({ limits: this.#limits, encoding: "intset" });
      for (const m of this.values()) union.add(m);
      const all = [...union.values()];
      this.#reset(this.#encoding);
      return all;
    }
    const remaining = n - count;
    if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
      const popped = this.#encoding === "listpack"
        ? this.sample(count)
        : randomSample(n, count, this.#random).map((i) => this.#items[i]);
      for (const m of popped) this.delete(m);
      return popped;
    }
    // CASE 3: move the members that stay to a new set, return what is left of the old one.
    let keep: Bytes[];
    let next: SetValue;
    if (this.#encoding === "listpack") {
      const order = [...this.#index.keys()];
      keep = orderedSample(n, remaining, this.#random).map((i) => order[i]);
      next = new SetValue({ limits: this.#limits, random: this.#random, encoding: "listpack" });
    } else {
      keep = randomSample(n, remaining, this.#random).map((i) => this.#items[i]);
      next = new SetValue({
        limits: this.#limits,
        random: this.#random,
        encoding: this.#encoding === "intset" ? "intset" : "listpack",
      });
    }
    for (const m of keep) {
      next.add(m);
      this.delete(m);
    }
    const popped = [...this.values()];
    this.#adopt(next);
    return popped;
  }

  /**
   * `maybeConvertToIntset` (SINTERSTORE when every member is an integer): becomes an intset when
   * all members are canonical integers and there are not too many.
   *
   * @returns True when the set is an intset afterwards.
   */
  convertToIntsetIfPossible(): boolean {
    if (this.#encoding === "intset") return true;
    if (this.#items.length > this.#intsetMax()) return false;
    for (const m of this.#items) if (!isStrictInt64(m)) return false;
    this.#encoding = "intset";
    this.#sorted = undefined;
    this.#intWidth = 2;
    for (const m of this.#items) this.#intWidth = Math.max(this.#intWidth, intsetWidth(m));
    return true;
  }

  /** Members in Valkey's iteration order for this encoding (SMEMBERS, SSCAN…). */
  values(): IterableIterator<Bytes> {
    if (this.#encoding === "intset") return this.#ascending()[Symbol.iterator]();
    return this.#index.keys();
  }

  /** Members in Valkey's iteration order. */
  [Symbol.iterator](): IterableIterator<Bytes> {
    return this.values();
  }

  /** A copy with the same members, order and encoding (COPY, `setTypeDup`). */
  clone(): SetValue {
    const c = new SetValue({
      limits: this.#limits,
      random: this.#random,
      encoding: this.#encoding,
    });
    for (const m of this.#index.keys()) c.#append(m);
    c.#intWidth = this.#intWidth;
    return c;
  }

  // -------------------------------------------------------------------------------------------

  #intsetMax(): number {
    return Math.min(this.#limits.setMaxIntsetEntries, 2 ** 30);
  }

  #append(member: Bytes): void {
    this.#index.set(member, this.#items.length);
    this.#items.push(member);
    this.#htBytes += sdsSize(member.length) + DICT_ENTRY_SIZE;
    if (this.#encoding === "listpack") this.#lpBytes += lpEntrySize(member);
    else if (this.#encoding === "intset") {
      this.#intWidth = Math.max(this.#intWidth, intsetWidth(member));
    }
  }

  #ascending(): Bytes[] {
    if (this.#sorted === undefined) this.#sorted = [...this.#items].sort(compareIntStrings);
    return this.#sorted;
  }

  /** intset → listpack: the listpack lists the integers in ascending order. */
  #toListpack(): void {
    const sorted = this.#ascending();
    this.#index = new Map();
    this.#items = [];
    this.#lpBytes = 0;
    this.#htBytes = 0;
    this.#encoding = "listpack";
    this.#sorted = undefined;
    for (const m of sorted) this.#append(m);
  }

  #reset(encoding: SetEncoding): void {
    this.#index = new Map();
    this.#items = [];
    this.#sorted = undefined;
    this.#lpBytes = 0;
    this.#htBytes = 0;
    this.#intWidth = 2;
    this.#encoding = encoding;
  }

  #adopt(other: SetValue): void {
    this.#index = other.#index;
    this.#items = other.#items;
    this.#sorted = other.#sorted;
    this.#lpBytes = other.#lpBytes;
    this.#htBytes = other.#htBytes;
    this.#intWidth = other.#intWidth;
    this.#encoding = other.#encoding;
  }
}
