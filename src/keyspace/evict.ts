/**
 * Eviction under `maxmemory` (Valkey's evict.c performEvictions), over the databases of a
 * keyspace. The caller decides when (before each client command, spec MEM-2) and how much: this
 * module picks and deletes keys until the caller's `excess()` is no longer positive.
 *
 * Policies, as Valkey approximates them:
 * - `allkeys-lru` / `volatile-lru`: `maxmemory-samples` keys sampled per database feed a pool of
 *   the 16 best candidates kept across calls; the candidate idle the longest (LRU clock in whole
 *   seconds) is evicted. The pool is not refreshed: a candidate touched after it was sampled can
 *   still be evicted, as in Valkey.
 * - `allkeys-lfu` / `volatile-lfu`: the same pool, scored by 255 minus the decayed LFU counter.
 * - `volatile-ttl`: the same pool, scored by nearest deadline.
 * - `allkeys-random` / `volatile-random`: a random key, visiting the databases round-robin.
 * - `volatile-*` sample only keys that have a TTL; `noeviction` evicts nothing.
 *
 * Valkey stops after a time budget (`maxmemory-eviction-tenacity`) and lets commands through while
 * a background job keeps evicting; here eviction always runs until memory is under the limit or
 * nothing is left to evict, which is the state Valkey converges to.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import type { Db } from "./keyspace.ts";
import { lfuDecay } from "./lookup.ts";

/** Candidates kept between eviction cycles (EVPOOL_SIZE). */
export const EVPOOL_SIZE = 16;

/** What one eviction run needs to know. */
export interface EvictionParams {
  /** maxmemory-policy. */
  readonly policy: string;
  /** maxmemory-samples: keys sampled per database per pool refill. */
  readonly samples: number;
  /** lfu-decay-time (LFU scores). */
  readonly lfuDecayTime: number;
  /** Current time in ms (idle times, LFU decay). */
  readonly now: number;
  /** Uniform numbers in [0, 1). */
  readonly random: () => number;
  /** Bytes still to free (≤ 0: done). Read again after every eviction. */
  excess(): number;
  /** Called after each evicted key (stats, notifications). */
  onEvict(db: Db, key: Bytes): void;
}

interface Candidate {
  /** Higher is a better candidate (idle ms, inverse frequency, or nearness of expiry). */
  readonly score: number;
  readonly key: Bytes;
  readonly db: number;
}

/** Eviction state of one server: the candidate pool and the round-robin database cursor. */
export class Evictor {
  /** Ascending by score; the best candidate is the last non-empty slot. */
  readonly #pool: (Candidate | undefined)[] = new Array(EVPOOL_SIZE).fill(undefined);
  #nextDb = 0;

  /**
   * Evicts keys until `p.excess()` is no longer positive.
   *
   * @param dbs The databases.
   * @param p Policy, sampling, time, randomness and callbacks.
   * @returns True when memory is under the limit, false when it is still over and nothing more
   *   can be evicted (EVICT_FAIL: deny-oom commands are then refused).
   */
  evict(dbs: readonly Db[], p: EvictionParams): boolean {
    if (p.excess() <= 0) return true;
    if (p.policy === "noeviction") return false;
    const volatile = p.policy.startsWith("volatile-");
    const random = p.policy.endsWith("-random");
    while (p.excess() > 0) {
      const picked = random ? this.#pickRandom(dbs, volatile, p) : this.#pickFromPool(dbs, p);
      if (picked === undefined) return false;
      const [db, key] = picked;
      db.delete(key);
      p.onEvict(db, key);
    }
    return true;
  }

  /** Forgets the candidates (tests; Valkey keeps them for the process lifetime). */
  reset(): void {
    this.#pool.fill(undefined);
    this.#nextDb = 0;
  }

  #pickRandom(dbs: readonly Db[], volatile: boolean, p: EvictionParams): [Db, Bytes] | undefined {
    for (let i = 0; i < dbs.length; i++) {
      const db = dbs[(++this.#nextDb) % dbs.length];
      const key = volatile ? db.sampleVolatile(1, p.random)[0]?.[0] : db.sampleKeys(1, p.random)[0];
      if (key !== undefined) return [db, key];
    }
    return undefined;
  }

  #pickFromPool(dbs: readonly Db[], p: EvictionParams): [Db, Bytes] | undefined {
    const volatile = p.policy.startsWith("volatile-");
    const pool = this.#pool;
    for (;;) {
      let total = 0;
      for (const db of dbs) {
        const n = volatile ? db.expiresCount : db.size;
        if (n === 0) continue;
        total += n;
        this.#populate(db, volatile, p);
      }
      if (total === 0) return undefined;
      // Best first; entries whose key is gone (or lost its TTL) are ghosts: skip them.
      for (let k = EVPOOL_SIZE - 1; k >= 0; k--) {
        const c = pool[k];
        if (c === undefined) continue;
        pool[k] = undefined;
        const db = dbs[c.db];
        if (db === undefined) continue;
        const present = volatile ? db.getExpire(c.key) !== undefined : db.peek(c.key) !== undefined;
        if (present) return [db, c.key];
      }
    }
  }

  /** evictionPoolPopulate: samples one database and merges the samples into the pool. */
  #populate(db: Db, volatile: boolean, p: EvictionParams): void {
    const ttl = p.policy === "volatile-ttl";
    const lfu = p.policy.endsWith("-lfu");
    const samples: [Bytes, number][] = volatile
      ? db.sampleVolatile(p.samples, p.random)
      : db.sampleKeys(p.samples, p.random).map((k) => [k, 0]);
    for (const [key, at] of samples) {
      let score: number;
      if (ttl) {
        score = -at; // sooner deadline, better candidate
      } else {
        const e = db.peek(key);
        if (e === undefined) continue;
        // Valkey's LRU clock has a one-second resolution.
        score = lfu
          ? 255 - lfuDecay(e, p.now, p.lfuDecayTime)
          : Math.max(0, Math.floor(p.now / 1000) - Math.floor(e.lru / 1000)) * 1000;
      }
      this.#insert({ score, key, db: db.index });
    }
  }

  /** Inserts keeping ascending order; a full pool drops its worst entry, or refuses a worse one. */
  #insert(c: Candidate): void {
    const pool = this.#pool;
    let k = 0;
    while (k < EVPOOL_SIZE && pool[k] !== undefined && pool[k]!.score < c.score) k++;
    const full = pool[EVPOOL_SIZE - 1] !== undefined;
    if (k === 0 && full) return;
    if (k < EVPOOL_SIZE && pool[k] === undefined) {
      pool[k] = c;
    } else if (!full) {
      pool.splice(k, 0, c);
      pool.length = EVPOOL_SIZE;
    } else {
      pool.splice(0, 1);
      pool.splice(k - 1, 0, c);
    }
  }
}
