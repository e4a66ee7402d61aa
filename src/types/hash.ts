/**
 * The hash type: an insertion-ordered Map (Valkey's listpack order) plus a dense array of fields
 * for O(1) random fields (HRANDFIELD), with Valkey 8.0's listpack / hashtable rules.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import {
  DEFAULT_ENCODING_LIMITS,
  DICT_ENTRY_SIZE,
  type EncodingLimits,
  LP_OVERHEAD,
  lpEntrySize,
  sdsSize,
} from "./encoding.ts";
import { orderedSample, randomSample } from "./sample.ts";

/** OBJECT ENCODING of a hash. */
export type HashEncoding = "listpack" | "hashtable";

/** Options of {@link HashValue}. */
export interface HashOptions {
  /** Limits read at each conversion check (default: Valkey's defaults). */
  readonly limits?: Readonly<EncodingLimits>;
  /** Random source in [0, 1) for random fields (default Math.random). */
  readonly random?: () => number;
  /** Initial encoding (default listpack, `createHashObject`). */
  readonly encoding?: HashEncoding;
}

/** `dict` struct of a hashtable-encoded hash. */
const DICT_STRUCT = 56;

interface Slot {
  value: Bytes;
  /** Index of the field in #fields. */
  index: number;
}

/**
 * The value of a hash key.
 *
 * | operation                                        | time                            |
 * | ------------------------------------------------ | ------------------------------- |
 * | get / set / delete / has (HGET, HSET, HDEL…)      | O(1)                            |
 * | randomEntry (HRANDFIELD)                          | O(1)                            |
 * | sample(k) (HRANDFIELD with a positive count)      | O(k) (O(n) as a listpack)       |
 * | entries / fields / values (HGETALL, HKEYS, HVALS) | O(n)                            |
 * | size, encoding, memoryUsage                       | O(1)                            |
 *
 * Order: insertion order, which is Valkey's listpack order (an update keeps the field's place,
 * a deleted and re-added field goes last). Valkey's hashtable order is not reproducible, so
 * replies of hashtable-encoded hashes need unordered comparison.
 *
 * Encoding: a listpack becomes a hashtable (for good) in {@link prepareSet}
 * (`hashTypeTryConversion`: more field/value pairs than `hash-max-listpack-entries`, or an
 * argument longer than `hash-max-listpack-value`) and in {@link set} (`hashTypeSet`: a long field
 * or value, as HINCRBY* can produce; more fields than the limit after an insert).
 *
 * Memory ({@link memoryUsage}, value only): listpack 7 + Σ(field entry + value entry);
 * hashtable 56 + Σ(field sds + value sds + 32).
 *
 * @example
 * ```ts
 * import { HashValue } from "./hash.ts";
 * const h = new HashValue();
 * h.prepareSet(["f1", "v1", "f2", "v2"]);
 * h.set("f1", "v1");
 * h.set("f2", "v2");
 * console.assert(h.get("f2") === "v2" && h.encoding === "listpack");
 * ```
 */
export class HashValue {
  #limits: Readonly<EncodingLimits>;
  #random: () => number;
  #encoding: HashEncoding;
  #map = new Map<Bytes, Slot>();
  #fields: Bytes[] = [];
  /** Σ (field entry + value entry) while a listpack. */
  #lpBytes = 0;
  /** Σ (field sds + value sds + dict entry). */
  #htBytes = 0;

  constructor(options: HashOptions = {}) {
    this.#limits = options.limits ?? DEFAULT_ENCODING_LIMITS;
    this.#random = options.random ?? Math.random;
    this.#encoding = options.encoding ?? "listpack";
  }

  /** Number of fields (HLEN). */
  get size(): number {
    return this.#fields.length;
  }

  /** OBJECT ENCODING. */
  get encoding(): HashEncoding {
    return this.#encoding;
  }

  /** Estimated bytes Valkey would use for this value (see the class doc). O(1). */
  get memoryUsage(): number {
    return this.#encoding === "listpack"
      ? LP_OVERHEAD + this.#lpBytes
      : DICT_STRUCT + this.#htBytes;
  }

  /**
   * `hashTypeTryConversion` before HSET/HMSET/HSETNX: `args` are the field/value arguments.
   */
  prepareSet(args: readonly Bytes[]): void {
    if (this.#encoding !== "listpack") return;
    if (Math.floor(args.length / 2) > this.#limits.hashMaxListpackEntries) {
      this.#encoding = "hashtable";
      return;
    }
    for (const a of args) {
      if (a.length > this.#limits.hashMaxListpackValue) {
        this.#encoding = "hashtable";
        return;
      }
    }
  }

  /** Value of `field` (HGET), or undefined. */
  get(field: Bytes): Bytes | undefined {
    return this.#map.get(field)?.value;
  }

  /** True when `field` exists (HEXISTS). */
  has(field: Bytes): boolean {
    return this.#map.has(field);
  }

  /**
   * `hashTypeSet`: sets `field` to `value`, converting to a hashtable when Valkey would.
   *
   * @returns True when the field is new (HSET counts it), false on update.
   */
  set(field: Bytes, value: Bytes): boolean {
    const limits = this.#limits;
    if (
      this.#encoding === "listpack" &&
      (field.length > limits.hashMaxListpackValue || value.length > limits.hashMaxListpackValue)
    ) {
      this.#encoding = "hashtable";
    }
    const slot = this.#map.get(field);
    if (slot !== undefined) {
      this.#account(field, slot.value, -1);
      slot.value = value;
      this.#account(field, value, 1);
      return false;
    }
    this.#map.set(field, { value, index: this.#fields.length });
    this.#fields.push(field);
    this.#account(field, value, 1);
    if (this.#encoding === "listpack" && this.#fields.length > limits.hashMaxListpackEntries) {
      this.#encoding = "hashtable";
    }
    return true;
  }

  /** Removes `field` (HDEL); true when it existed. */
  delete(field: Bytes): boolean {
    const slot = this.#map.get(field);
    if (slot === undefined) return false;
    const last = this.#fields.pop() as Bytes;
    if (slot.index < this.#fields.length) {
      this.#fields[slot.index] = last;
      (this.#map.get(last) as Slot).index = slot.index;
    }
    this.#map.delete(field);
    this.#account(field, slot.value, -1);
    return true;
  }

  /** A random field and its value (HRANDFIELD without count), or undefined when empty. */
  randomEntry(): [Bytes, Bytes] | undefined {
    const n = this.#fields.length;
    if (n === 0) return undefined;
    const f = this.#fields[Math.floor(this.#random() * n)];
    return [f, (this.#map.get(f) as Slot).value];
  }

  /**
   * `count` distinct random fields with their values (HRANDFIELD with a positive count): in hash
   * order as a listpack, random order otherwise; with count ≥ size, all of them in hash order.
   */
  sample(count: number): [Bytes, Bytes][] {
    const n = this.#fields.length;
    if (count >= n) return [...this.entries()];
    if (count <= 0) return [];
    let picked: Bytes[];
    if (this.#encoding === "listpack") {
      const order = [...this.#map.keys()];
      picked = orderedSample(n, count, this.#random).map((i) => order[i]);
    } else {
      picked = randomSample(n, count, this.#random).map((i) => this.#fields[i]);
    }
    return picked.map((f) => [f, (this.#map.get(f) as Slot).value]);
  }

  /**
   * One step of a cursor scan (HSCAN of a hashtable-encoded hash): visits up to `count` fields
   * below position `cursor` (0 starts at the top), downwards. A deletion moves the last field
   * into the freed slot, i.e. from the visited part or within the unvisited one, so every field
   * present for the whole scan is visited at least once; fields added meanwhile may be missed.
   *
   * @param cursor 0 to start, else the cursor of the previous step.
   * @param count Fields to visit (≥ 1).
   * @returns The visited [field, value] pairs and the next cursor (0 when done).
   */
  scan(cursor: number, count: number): { cursor: number; entries: [Bytes, Bytes][] } {
    const n = this.#fields.length;
    let p = cursor === 0 ? n : Math.min(cursor, n);
    const entries: [Bytes, Bytes][] = [];
    for (; p > 0 && entries.length < count; p--) {
      const f = this.#fields[p - 1];
      entries.push([f, (this.#map.get(f) as Slot).value]);
    }
    return { cursor: p, entries };
  }

  /** Fields in hash order (HKEYS). */
  *fields(): IterableIterator<Bytes> {
    yield* this.#map.keys();
  }

  /** Values in hash order (HVALS). */
  *values(): IterableIterator<Bytes> {
    for (const slot of this.#map.values()) yield slot.value;
  }

  /** [field, value] pairs in hash order (HGETALL). */
  *entries(): IterableIterator<[Bytes, Bytes]> {
    for (const [f, slot] of this.#map) yield [f, slot.value];
  }

  /** [field, value] pairs in hash order. */
  [Symbol.iterator](): IterableIterator<[Bytes, Bytes]> {
    return this.entries();
  }

  /** A copy with the same fields, order and encoding (COPY, `hashTypeDup`). */
  clone(): HashValue {
    const c = new HashValue({
      limits: this.#limits,
      random: this.#random,
      encoding: this.#encoding,
    });
    for (const [f, slot] of this.#map) {
      c.#map.set(f, { value: slot.value, index: c.#fields.length });
      c.#fields.push(f);
    }
    c.#lpBytes = this.#lpBytes;
    c.#htBytes = this.#htBytes;
    return c;
  }

  #account(field: Bytes, value: Bytes, sign: 1 | -1): void {
    this.#htBytes += sign * (sdsSize(field.length) + sdsSize(value.length) + DICT_ENTRY_SIZE);
    if (this.#encoding === "listpack") {
      this.#lpBytes += sign * (lpEntrySize(field) + lpEntrySize(value));
    }
  }
}
