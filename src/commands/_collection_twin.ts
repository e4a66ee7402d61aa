/**
 * Comparators shared by the set / sorted-set / SORT twin tests, for replies that are legitimately
 * loose: random members, and scans whose cursors and order depend on hash tables.
 *
 * @module
 */

import type { Reply } from "../resp/reply.ts";
import { firstDifference, formatReply } from "../testing/compare.ts";
import { type Comparator, custom } from "../testing/twin.ts";

function elements(r: Reply): readonly Reply[] | undefined {
  return r.type === "array" || r.type === "set" ? r.value : undefined;
}

function text(r: Reply): string {
  return r.type === "bulk" ? r.value : formatReply(r);
}

/**
 * A random pick: same reply type and length on both sides, every element (or every `group`-sized
 * run of elements, e.g. member + score) one of `pool`, and all distinct when `distinct`.
 *
 * @param pool The acceptable elements (joined with a space when grouped).
 * @param options `distinct` (default true) and `group` (default 1).
 */
export function randomPick(
  pool: readonly string[],
  options: { distinct?: boolean; group?: number } = {},
): Comparator {
  const { distinct = true, group = 1 } = options;
  return custom(`randomPick(${pool.length})`, (ours, theirs) => {
    const a = elements(ours), b = elements(theirs);
    if (a === undefined || b === undefined || ours.type !== theirs.type) {
      return `not comparable: evalkit ${formatReply(ours)} / redis ${formatReply(theirs)}`;
    }
    if (a.length !== b.length) return `${a.length} elements (evalkit) vs ${b.length} (redis)`;
    const seen = new Set<string>();
    for (let i = 0; i < a.length; i += group) {
      const t = a.slice(i, i + group).map((x) => {
        const inner = elements(x);
        return inner === undefined ? text(x) : inner.map(text).join(" ");
      }).join(" ");
      if (!pool.includes(t)) return `evalkit's ${JSON.stringify(t)} is not one of ${pool}`;
      if (distinct && seen.has(t)) return `evalkit repeats ${JSON.stringify(t)}`;
      seen.add(t);
    }
    return undefined;
  });
}

/**
 * A complete SSCAN/ZSCAN/HSCAN in one call: both cursors `0`, the same elements in any order
 * (grouped by `group`: 2 for member + score pairs). Other replies (errors) must be equal.
 *
 * @param group Elements per item.
 */
export function fullScan(group = 1): Comparator {
  return custom(`fullScan(${group})`, (ours, theirs) => {
    const a = elements(ours), b = elements(theirs);
    if (a === undefined || b === undefined) return firstDifference(ours, theirs)?.message;
    if (a.length !== 2 || b.length !== 2) return "not a scan reply";
    if (text(a[0]) !== "0" || text(b[0]) !== "0") {
      return `cursors ${text(a[0])} (evalkit) / ${text(b[0])} (redis), expected 0`;
    }
    const items = (r: Reply) => {
      const v = elements(r) ?? [];
      const out: string[] = [];
      for (let i = 0; i < v.length; i += group) out.push(v.slice(i, i + group).map(text).join(" "));
      return out.sort();
    };
    const x = JSON.stringify(items(a[1])), y = JSON.stringify(items(b[1]));
    return x === y ? undefined : `evalkit ${x}\nredis   ${y}`;
  });
}
