/**
 * The keyspace: 16 (configurable) databases of key → Entry, with expiry, WATCH signalling and
 * incremental memory accounting. Commands reach it only through `Db`.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";

/** Value types, as TYPE prints them. */
export type ValueType = "string" | "list" | "hash" | "set" | "zset";

/** One key's value and its eviction metadata. */
export interface Entry {
  readonly type: ValueType;
  /** string: Bytes; other types: their data structure from src/types. */
  value: unknown;
  /** Last access time in ms (LRU, OBJECT IDLETIME). */
  lru: number;
  /** LFU logarithmic counter (OBJECT FREQ). */
  lfu: number;
}

/** Callbacks the keyspace makes into the server. */
export interface KeyspaceHooks {
  /** A key was modified, deleted or expired (WATCH, client-side caching). */
  modified(db: number, key: Bytes): void;
  /** A key expired lazily or actively (stats: expired_keys). */
  expired(db: number, key: Bytes): void;
}

/** Estimated size of an entry in bytes, for used_memory. Types add their own estimates. */
export type SizeOf = (key: Bytes, entry: Entry) => number;

/** Per-key overhead charged on top of key and value bytes (dict entry + robj + sds headers). */
export const KEY_OVERHEAD = 56;

/** Default estimator: strings are their bytes; other types report through `Db.adjustMemory`. */
export const defaultSizeOf: SizeOf = (key, entry) =>
  KEY_OVERHEAD + key.length + (entry.type === "string" ? (entry.value as Bytes).length : 0);

/** One database. */
export class Db {
  readonly index: number;
  #data: Map<Bytes, Entry> = new Map();
  #expires: Map<Bytes, number> = new Map();
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

  /** Looks a key up, deleting it first if it has expired at `now`. Touches LRU. */
  get(key: Bytes, now: number): Entry | undefined {
    const e = this.#data.get(key);
    if (e === undefined) return undefined;
    if (this.#expires.size !== 0) {
      const at = this.#expires.get(key);
      if (at !== undefined && at <= now) {
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

  /**
   * Stores an entry. Without `keepTtl` any TTL is removed (as SET does). Signals modification.
   */
  set(key: Bytes, entry: Entry, keepTtl = false): void {
    const old = this.#data.get(key);
    const ks = this.#keyspace;
    if (old !== undefined) ks.usedMemory -= ks.sizeOf(key, old);
    this.#data.set(key, entry);
    ks.usedMemory += ks.sizeOf(key, entry);
    if (!keepTtl && this.#expires.size !== 0) this.#expires.delete(key);
    ks.hooks.modified(this.index, key);
  }

  /** Deletes a key; returns true when it existed. Signals modification. */
  delete(key: Bytes): boolean {
    const old = this.#data.get(key);
    if (old === undefined) return false;
    const ks = this.#keyspace;
    ks.usedMemory -= ks.sizeOf(key, old);
    this.#data.delete(key);
    this.#expires.delete(key);
    ks.hooks.modified(this.index, key);
    return true;
  }

  /** For in-place mutations of a value (LPUSH on an existing list…): memory delta in bytes. */
  adjustMemory(delta: number): void {
    this.#keyspace.usedMemory += delta;
  }

  /** Signals that a key changed in place (WATCH). */
  touch(key: Bytes): void {
    this.#keyspace.hooks.modified(this.index, key);
  }

  /** Absolute expiry time in ms, or undefined when the key has no TTL. */
  getExpire(key: Bytes): number | undefined {
    return this.#expires.get(key);
  }

  /** Sets an absolute expiry in ms on an existing key. */
  setExpire(key: Bytes, at: number): void {
    this.#expires.set(key, at);
  }

  /** Removes a TTL; true when there was one. */
  persist(key: Bytes): boolean {
    return this.#expires.delete(key);
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
      ks.usedMemory -= ks.sizeOf(k, e);
      ks.hooks.modified(this.index, k);
    }
    this.#data = new Map();
    this.#expires = new Map();
    return n;
  }

  /** Exchanges contents with another db (SWAPDB). */
  swapWith(other: Db): void {
    const d = this.#data, x = this.#expires;
    this.#data = other.#data;
    this.#expires = other.#expires;
    other.#data = d;
    other.#expires = x;
  }

  /** Deletes an expired key and reports it. */
  #expire(key: Bytes): void {
    this.delete(key);
    this.#keyspace.hooks.expired(this.index, key);
  }

  /** Reclaims `key` if it is expired at `now`; true when it was deleted. */
  expireIfNeeded(key: Bytes, now: number): boolean {
    const at = this.#expires.get(key);
    if (at !== undefined && at <= now) {
      this.#expire(key);
      return true;
    }
    return false;
  }
}

/** All databases plus shared accounting. */
export class Keyspace {
  readonly dbs: Db[];
  /** Estimated bytes used by keys and values (maintained incrementally). */
  usedMemory = 0;
  readonly hooks: KeyspaceHooks;
  readonly sizeOf: SizeOf;

  constructor(databases: number, hooks: KeyspaceHooks, sizeOf: SizeOf = defaultSizeOf) {
    this.hooks = hooks;
    this.sizeOf = sizeOf;
    this.dbs = Array.from({ length: databases }, (_, i) => new Db(i, this));
  }
}
