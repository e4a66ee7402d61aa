/**
 * The keyspace: 16 (configurable) databases of key → Entry, with expiry (lazy on access and
 * active, see expire.ts), WATCH signalling, SCAN cursors and incremental memory accounting.
 * Commands reach it only through `Db` (and the lookup helpers in lookup.ts).
 *
 * ## Memory estimate (`Keyspace.usedMemory`)
 *
 * Maintained incrementally, never recomputed. Per key:
 * - `KEY_OVERHEAD` (56 bytes: dict entry, object header, key allocation header) + key bytes;
 * - string values: their bytes, or 0 for the `int` encoding (the integer lives in the pointer);
 * - other types: their value's `memoryUsage` when stored; after an in-place change the command
 *   calls `Db.recharge(key)` (or charges a delta with `Db.adjustKeyMemory(key, delta)`);
 * - `EXPIRE_OVERHEAD` (32 bytes) while the key has a TTL.
 * The Db remembers what each entry was charged, so deleting, overwriting or expiring a key
 * releases exactly that.
 *
 * ## SCAN cursors
 *
 * Each key gets a sequence number when it is inserted (an overwrite keeps it; a deleted and
 * re-added key gets a new one). Keys sit in an array ordered by that number; deletions leave
 * holes, compacted once they are half the array. A cursor is the sequence number to resume from,
 * so it survives any concurrent writes: every key present during the whole iteration is returned
 * exactly once, keys added meanwhile are returned at most once (at the end), and a cursor never
 * needs to be invalidated. Cursor 0 starts an iteration and is returned when it ends.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { ExpireHeap } from "./expire.ts";

/** Value types, as TYPE prints them. */
export type ValueType = "string" | "list" | "hash" | "set" | "zset";

/** One key's value and its eviction metadata. */
export interface Entry {
  readonly type: ValueType;
  /** string: Bytes; other types: their data structure from src/types. */
  value: unknown;
  /** Last access time in ms (LRU, OBJECT IDLETIME); in LFU mode, the last decrement time. */
  lru: number;
  /** LFU logarithmic counter (OBJECT FREQ). */
  lfu: number;
  /**
   * OBJECT ENCODING, when the type keeps it here (strings: int/embstr/raw; see types/string.ts).
   * Types that derive their encoding from their data structure leave it unset.
   */
  encoding?: string;
  /** A shared integer object (OBJECT REFCOUNT 2147483647). */
  shared?: boolean;
  /** Maintained by Db: insertion sequence number (SCAN order). */
  seq?: number;
  /** Maintained by Db: bytes currently charged to used_memory for this entry. */
  mem?: number;
}

/** Callbacks the keyspace makes into the server. */
export interface KeyspaceHooks {
  /** A key was modified, deleted or expired (WATCH, client-side caching). */
  modified(db: number, key: Bytes): void;
  /** A key expired lazily or actively (stats: expired_keys). */
  expired(db: number, key: Bytes): void;
}

/** Estimated size of an entry in bytes when it is stored. */
export type SizeOf = (key: Bytes, entry: Entry) => number;

/** Per-key overhead charged on top of key and value bytes (dict entry + robj + sds headers). */
export const KEY_OVERHEAD = 56;
/** Charged while a key has a TTL (expires dict entry). */
export const EXPIRE_OVERHEAD = 32;

/**
 * Default estimator: key overhead and bytes, plus the value: string bytes (0 for int-encoded
 * strings), or the `memoryUsage` the other types' data structures report.
 */
export const defaultSizeOf: SizeOf = (key, entry) => {
  const base = KEY_OVERHEAD + key.length;
  if (entry.type === "string") {
    return base + (entry.encoding === "int" ? 0 : (entry.value as Bytes).length);
  }
  const usage = (entry.value as { memoryUsage?: unknown } | null)?.memoryUsage;
  return base + (typeof usage === "number" ? usage : 0);
};

/** What `Db.scan` found in one call. */
export interface ScanStep {
  /** Cursor for the next call; 0 when the iteration is complete. */
  readonly cursor: bigint;
  /** Keys visited, in order (expired ones included: the caller filters). */
  readonly keys: readonly Bytes[];
}

/** One database. */
export class Db {
  readonly index: number;
  #data: Map<Bytes, Entry> = new Map();
  #expires: Map<Bytes, number> = new Map();
  /** Deadlines beyond 2^53 ms, kept exactly for PEXPIRETIME & co. */
  #bigExpires: Map<Bytes, bigint> = new Map();
  #heap = new ExpireHeap();
  /** Keys in insertion-sequence order; undefined marks a deleted slot. */
  #order: (Bytes | undefined)[] = [];
  /** Sequence number of each slot of #order (ascending). */
  #orderSeq: number[] = [];
  #holes = 0;
  #nextSeq = 1;
  #keyspace: Keyspace;

  constructor(index: number, keyspace: Keyspace) {
    this.index = index;
    this.#keyspace = keyspace;
  }

  /** Number of keys, including logically expired keys not yet reclaimed (as DBSIZE does). */
  get size(): number {
    return this.#data.size;
  }

  /** Number of keys with a TTL. */
  get expiresCount(): number {
    return this.#expires.size;
  }

  /**
   * Looks a key up, deleting it first if it has expired at `now` (Valkey: expired when
   * now > deadline). Does not touch LRU/LFU nor count hits: see lookup.ts for that.
   */
  get(key: Bytes, now: number): Entry | undefined {
    const e = this.#data.get(key);
    if (e === undefined) return undefined;
    if (this.#expires.size !== 0) {
      const at = this.#expires.get(key);
      if (at !== undefined && expiredAt(at, now)) {
        this.#expire(key);
        return undefined;
      }
    }
    return e;
  }

  /** Like get() but never deletes nor touches anything (for introspection). */
  peek(key: Bytes): Entry | undefined {
    return this.#data.get(key);
  }

  /** True when the key exists at `now` (expired keys are reclaimed). */
  has(key: Bytes, now: number): boolean {
    return this.get(key, now) !== undefined;
  }

  /** True when the key has a TTL that has passed at `now` (nothing is deleted). */
  isExpired(key: Bytes, now: number): boolean {
    const at = this.#expires.get(key);
    return at !== undefined && expiredAt(at, now);
  }

  /**
   * Stores an entry. Without `keepTtl` any TTL is removed (as SET does). Signals modification.
   */
  set(key: Bytes, entry: Entry, keepTtl = false): void {
    const old = this.#data.get(key);
    const ks = this.#keyspace;
    if (old !== undefined) {
      ks.usedMemory -= old.mem ?? 0;
      entry.seq = old.seq;
    } else {
      entry.seq = this.#nextSeq++;
      this.#order.push(key);
      this.#orderSeq.push(entry.seq);
    }
    // The old entry's charge (TTL overhead included) is gone; a kept TTL is charged anew.
    const hadTtl = old !== undefined && this.#expires.size !== 0 && this.#expires.has(key);
    if (hadTtl && !keepTtl) {
      this.#expires.delete(key);
      if (this.#bigExpires.size !== 0) this.#bigExpires.delete(key);
    }
    entry.mem = ks.sizeOf(key, entry) + (hadTtl && keepTtl ? EXPIRE_OVERHEAD : 0);
    ks.usedMemory += entry.mem;
    this.#data.set(key, entry);
    ks.hooks.modified(this.index, key);
  }

  /** Deletes a key; returns true when it existed. Signals modification. */
  delete(key: Bytes): boolean {
    const old = this.#data.get(key);
    if (old === undefined) return false;
    this.#keyspace.usedMemory -= old.mem ?? 0;
    this.#data.delete(key);
    this.#dropExpire(key);
    this.#unlinkOrder(old.seq);
    this.#keyspace.hooks.modified(this.index, key);
    return true;
  }

  /**
   * Charges `delta` bytes to used_memory without tying them to a key (never released by a
   * delete). Prefer adjustKeyMemory.
   */
  adjustMemory(delta: number): void {
    this.#keyspace.usedMemory += delta;
  }

  /**
   * Charges `delta` bytes (negative to release) to `key`'s entry: used by types whose value
   * grows or shrinks in place. Released automatically when the key goes away.
   */
  adjustKeyMemory(key: Bytes, delta: number): void {
    const e = this.#data.get(key);
    if (e === undefined) return;
    e.mem = (e.mem ?? 0) + delta;
    this.#keyspace.usedMemory += delta;
  }

  /**
   * Re-estimates `key`'s charge after its value changed in place (LPUSH on an existing list…):
   * sizeOf again, plus the TTL overhead. O(1) when the value's memoryUsage is.
   */
  recharge(key: Bytes): void {
    const e = this.#data.get(key);
    if (e === undefined) return;
    const ttl = this.#expires.size !== 0 && this.#expires.has(key) ? EXPIRE_OVERHEAD : 0;
    const mem = this.#keyspace.sizeOf(key, e) + ttl;
    this.#keyspace.usedMemory += mem - (e.mem ?? 0);
    e.mem = mem;
  }

  /** Signals that a key changed in place (WATCH). */
  touch(key: Bytes): void {
    this.#keyspace.hooks.modified(this.index, key);
  }

  /** Absolute expiry time in ms, or undefined when the key has no TTL. */
  getExpire(key: Bytes): number | undefined {
    return this.#expires.get(key);
  }

  /** Like getExpire, exact also beyond 2^53 ms (a bigint then). */
  getExpireExact(key: Bytes): number | bigint | undefined {
    return this.#bigExpires.get(key) ?? this.#expires.get(key);
  }

  /** Sets an absolute expiry in ms on an existing key (a bigint keeps huge deadlines exact). */
  setExpire(key: Bytes, at: number | bigint): void {
    const atNum = Number(at);
    if (typeof at === "bigint" && !Number.isSafeInteger(atNum)) this.#bigExpires.set(key, at);
    else if (this.#bigExpires.size !== 0) this.#bigExpires.delete(key);
    if (!this.#expires.has(key)) this.adjustKeyMemory(key, EXPIRE_OVERHEAD);
    this.#expires.set(key, atNum);
    this.#heap.push(atNum, key);
    if (this.#heap.size > 2 * this.#expires.size + 1024) this.#heap.rebuild(this.#expires);
  }

  /** Removes a TTL; true when there was one. */
  persist(key: Bytes): boolean {
    return this.#dropExpire(key);
  }

  /** All keys (including logically expired ones: callers filter with `now`). */
  keys(): IterableIterator<Bytes> {
    return this.#data.keys();
  }

  /** All entries. */
  entries(): IterableIterator<[Bytes, Entry]> {
    return this.#data.entries();
  }

  /** Keys that have a TTL with their deadline. */
  expiring(): IterableIterator<[Bytes, number]> {
    return this.#expires.entries();
  }

  /** Deletes every key (signals each one for WATCH). Returns how many there were. */
  clear(): number {
    const n = this.#data.size;
    const ks = this.#keyspace;
    for (const [k, e] of this.#data) {
      ks.usedMemory -= e.mem ?? 0;
      ks.hooks.modified(this.index, k);
    }
    this.#data = new Map();
    this.#expires = new Map();
    this.#bigExpires = new Map();
    this.#heap = new ExpireHeap();
    this.#order = [];
    this.#orderSeq = [];
    this.#holes = 0;
    return n;
  }

  /** Exchanges contents with another db (SWAPDB). */
  swapWith(other: Db): void {
    const d = this.#data, x = this.#expires, b = this.#bigExpires, h = this.#heap;
    const o = this.#order, os = this.#orderSeq, holes = this.#holes, next = this.#nextSeq;
    this.#data = other.#data;
    this.#expires = other.#expires;
    this.#bigExpires = other.#bigExpires;
    this.#heap = other.#heap;
    this.#order = other.#order;
    this.#orderSeq = other.#orderSeq;
    this.#holes = other.#holes;
    this.#nextSeq = other.#nextSeq;
    other.#data = d;
    other.#expires = x;
    other.#bigExpires = b;
    other.#heap = h;
    other.#order = o;
    other.#orderSeq = os;
    other.#holes = holes;
    other.#nextSeq = next;
  }

  /** Reclaims `key` if it is expired at `now`; true when it was deleted. */
  expireIfNeeded(key: Bytes, now: number): boolean {
    const at = this.#expires.get(key);
    if (at !== undefined && expiredAt(at, now)) {
      this.#expire(key);
      return true;
    }
    return false;
  }

  /**
   * Deletes `key` as expired (expired_keys, WATCH) whatever its deadline: SET/GETEX/EXPIRE with
   * a deadline already in the past.
   */
  expireNow(key: Bytes): boolean {
    if (!this.#data.has(key)) return false;
    this.#expire(key);
    return true;
  }

  /**
   * One step of a SCAN iteration: visits up to `count` keys from `cursor` in insertion order.
   *
   * @param cursor 0 to start, else a cursor returned by a previous step.
   * @param count Keys to visit (COUNT).
   * @returns The keys and the next cursor (0 when done).
   */
  scan(cursor: bigint, count: number): ScanStep {
    const seqs = this.#orderSeq, order = this.#order;
    if (cursor > BigInt(Number.MAX_SAFE_INTEGER)) return { cursor: 0n, keys: [] };
    let i = lowerBound(seqs, Number(cursor));
    const keys: Bytes[] = [];
    for (; i < order.length && keys.length < count; i++) {
      const k = order[i];
      if (k !== undefined) keys.push(k);
    }
    while (i < order.length && order[i] === undefined) i++;
    return { cursor: i < order.length ? BigInt(seqs[i]) : 0n, keys };
  }

  /**
   * A random key that has not expired at `now` (expired keys met on the way are reclaimed), or
   * undefined when the database is (or becomes) empty.
   */
  randomKey(now: number): Bytes | undefined {
    const order = this.#order;
    while (this.#data.size > 0) {
      const k = order[Math.floor(Math.random() * order.length)];
      if (k === undefined) continue; // a hole: holes are at most half the slots
      if (this.expireIfNeeded(k, now)) continue;
      return k;
    }
    return undefined;
  }

  /**
   * Up to `count` distinct keys picked at random, for eviction sampling (Valkey's
   * dictGetSomeKeys): all of them when the database has no more than `count`. Expired keys are
   * included (eviction does not look at TTLs).
   *
   * @param count How many keys.
   * @param random Uniform numbers in [0, 1).
   * @returns The keys.
   */
  sampleKeys(count: number, random: () => number): Bytes[] {
    if (this.#data.size <= count) return [...this.#data.keys()];
    const order = this.#order;
    const picked = new Set<Bytes>();
    // Holes are at most half the slots once there are 32 of them: a few draws per key. Bounded
    // (a degenerate random source must not hang), so fewer keys may come back, as in Valkey.
    for (let tries = 0; picked.size < count && tries < count * 32; tries++) {
      const k = order[Math.floor(random() * order.length)];
      if (k !== undefined) picked.add(k);
    }
    return [...picked];
  }

  /**
   * Up to `count` distinct keys that have a TTL, picked at random, with their deadlines (the
   * volatile-* eviction policies sample Valkey's expires dict): all of them when there are no
   * more than `count`.
   *
   * @param count How many keys.
   * @param random Uniform numbers in [0, 1).
   * @returns [key, deadline in ms] pairs.
   */
  sampleVolatile(count: number, random: () => number): [Bytes, number][] {
    const expires = this.#expires;
    if (expires.size <= count) return [...expires];
    const picked = new Map<Bytes, number>();
    if (expires.size <= 1024) {
      // The heap may hold many stale entries while it is small: draw from the live ones.
      const live = [...expires];
      for (let tries = 0; picked.size < count && tries < count * 32; tries++) {
        const [k, at] = live[Math.floor(random() * live.length)];
        picked.set(k, at);
      }
      return [...picked];
    }
    // Past 1024 live keys the heap is rebuilt before stale entries outnumber live ones 2 to 1.
    const heap = this.#heap;
    for (let tries = 0; picked.size < count && tries < count * 32; tries++) {
      const { key, at } = heap.at(Math.floor(random() * heap.size));
      if (expires.get(key) === at) picked.set(key, at);
    }
    return [...picked];
  }

  /**
   * Active expiry for this database: deletes keys whose deadline has passed at `now`, earliest
   * first, at most `budget` of them.
   *
   * @returns How many keys were reclaimed.
   */
  activeExpire(now: number, budget = Infinity): number {
    const heap = this.#heap;
    let n = 0;
    for (
      let top = heap.peek();
      top !== undefined && expiredAt(top.at, now) && n < budget;
      top = heap.peek()
    ) {
      heap.pop();
      if (this.#expires.get(top.key) !== top.at) continue; // stale: TTL changed or key gone
      this.#expire(top.key);
      n++;
    }
    return n;
  }

  /** Deletes an expired key and reports it. */
  #expire(key: Bytes): void {
    this.delete(key);
    this.#keyspace.hooks.expired(this.index, key);
  }

  #dropExpire(key: Bytes): boolean {
    if (!this.#expires.delete(key)) return false;
    if (this.#bigExpires.size !== 0) this.#bigExpires.delete(key);
    this.adjustKeyMemory(key, -EXPIRE_OVERHEAD);
    return true;
  }

  #unlinkOrder(seq: number | undefined): void {
    if (seq === undefined) return;
    const i = lowerBound(this.#orderSeq, seq);
    if (i >= this.#order.length || this.#orderSeq[i] !== seq) return;
    this.#order[i] = undefined;
    this.#holes++;
    if (this.#holes >= 32 && this.#holes * 2 > this.#order.length) this.#compact();
  }

  #compact(): void {
    const order: Bytes[] = [], seqs: number[] = [];
    for (let i = 0; i < this.#order.length; i++) {
      const k = this.#order[i];
      if (k === undefined) continue;
      order.push(k);
      seqs.push(this.#orderSeq[i]);
    }
    this.#order = order;
    this.#orderSeq = seqs;
    this.#holes = 0;
  }
}

/**
 * Valkey's keyIsExpired: now > deadline, with "now" in whole milliseconds (mstime), while the
 * clock may give fractions.
 */
function expiredAt(at: number, now: number): boolean {
  return now >= at + 1;
}

/** First index whose value is ≥ x in an ascending array. */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** All databases plus shared accounting. */
export class Keyspace {
  readonly dbs: Db[];
  /** Estimated bytes used by keys and values (maintained incrementally; see the module doc). */
  usedMemory = 0;
  readonly hooks: KeyspaceHooks;
  readonly sizeOf: SizeOf;

  constructor(databases: number, hooks: KeyspaceHooks, sizeOf: SizeOf = defaultSizeOf) {
    this.hooks = hooks;
    this.sizeOf = sizeOf;
    this.dbs = Array.from({ length: databases }, (_, i) => new Db(i, this));
  }

  /**
   * Active expiry over every database (Valkey's serverCron calls its equivalent 10 times a
   * second). Must not run while a script or a MULTI/EXEC is executing: callers run it between
   * commands, and skip it when DEBUG SET-ACTIVE-EXPIRE 0 turned it off
   * (`config.activeExpireEnabled`).
   *
   * @param now Current time in ms.
   * @param budget Most keys to reclaim in this cycle (default: all expired keys).
   * @returns How many keys were reclaimed.
   */
  activeExpireCycle(now: number, budget = Infinity): number {
    let n = 0;
    for (const db of this.dbs) {
      if (n >= budget) break;
      n += db.activeExpire(now, budget - n);
    }
    return n;
  }
}
