/**
 * Active expiry support: a min-heap of (deadline, key) per database, so a cycle reclaims every
 * key whose deadline has passed in O(k log n) for k expired keys, without scanning the others.
 *
 * Valkey samples random volatile keys (about 20 per loop, more while over 10% are expired) under
 * a time budget, so which expired keys are gone at a given moment is not deterministic there.
 * Here a cycle reclaims all expired keys (up to an optional budget) in deadline order: tests that
 * advance a manual clock and run a cycle see every expired key gone, which is the state Valkey
 * converges to.
 *
 * Entries are never updated in place: a new TTL pushes a new entry, and the database ignores
 * entries whose deadline no longer matches the key's (stale). The heap is rebuilt when stale
 * entries outnumber live ones.
 *
 * | operation | cost     |
 * |-----------|----------|
 * | push      | O(log n) |
 * | peek, at  | O(1)     |
 * | pop       | O(log n) |
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";

/** One (deadline, key) pair. */
export interface ExpireItem {
  readonly at: number;
  readonly key: Bytes;
}

/** A binary min-heap ordered by deadline. */
export class ExpireHeap {
  #items: ExpireItem[] = [];

  /** Number of entries, stale ones included. */
  get size(): number {
    return this.#items.length;
  }

  /** Adds an entry. */
  push(at: number, key: Bytes): void {
    const items = this.#items;
    items.push({ at, key });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent].at <= items[i].at) break;
      [items[parent], items[i]] = [items[i], items[parent]];
      i = parent;
    }
  }

  /** The entry at position `i` (0 ≤ i < size) in heap order, stale or not: random sampling. */
  at(i: number): ExpireItem {
    return this.#items[i];
  }

  /** The entry with the earliest deadline. */
  peek(): ExpireItem | undefined {
    return this.#items[0];
  }

  /** Removes and returns the entry with the earliest deadline. */
  pop(): ExpireItem | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < items.length && items[l].at < items[m].at) m = l;
        if (r < items.length && items[r].at < items[m].at) m = r;
        if (m === i) break;
        [items[m], items[i]] = [items[i], items[m]];
        i = m;
      }
    }
    return top;
  }

  /** Replaces the contents with exactly these live entries. */
  rebuild(live: Iterable<[Bytes, number]>): void {
    this.#items = [];
    for (const [key, at] of live) this.push(at, key);
  }
}
