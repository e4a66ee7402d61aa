/**
 * Random sampling without replacement, shared by the set, hash and sorted-set types for
 * SRANDMEMBER, SPOP, HRANDFIELD and ZRANDMEMBER with a positive count.
 *
 * @module
 */

/**
 * Picks `k` distinct indexes out of `n`, uniformly, in ascending order (selection sampling, the
 * order `lpNextRandom` yields).
 */
export function orderedSample(n: number, k: number, random: () => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n && out.length < k; i++) {
    if (random() * (n - i) < k - out.length) out.push(i);
  }
  return out;
}

/** Picks `k` distinct indexes out of `n` (k ≤ n) in random order, in O(k) expected time. */
export function randomSample(n: number, k: number, random: () => number): number[] {
  if (k * 2 > n) {
    const all = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(random() * (n - i));
      const t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return all.slice(0, k);
  }
  const seen = new Set<number>();
  const out: number[] = [];
  while (out.length < k) {
    const i = Math.floor(random() * n);
    if (!seen.has(i)) {
      seen.add(i);
      out.push(i);
    }
  }
  return out;
}
