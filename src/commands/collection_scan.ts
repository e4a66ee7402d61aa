/**
 * SSCAN / ZSCAN (and HSCAN) over one value, as Valkey's `scanGenericCommand` does it for a key:
 * option parsing with Valkey's errors, and a cursor over the members of hashtable-encoded values.
 *
 * Compact encodings (intset, listpack) return everything in one call with cursor 0, as Valkey
 * does. Hashtable encodings are walked in the order of a 32-bit hash of each member: the cursor is
 * the hash to resume from, so an iteration survives any change to the value between calls —
 * every member present during the whole iteration is returned (at least) once, members added or
 * removed meanwhile may or may not be, exactly the SCAN guarantee. The hash order is computed once
 * per iteration (a snapshot sorted by hash, rebuilt at cursor 0), so each call costs O(log n + COUNT).
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { eqIgnoreCase } from "../bytes.ts";
import {
  ERR_NOSCORES_ZSCAN_ONLY,
  ERR_NOVALUES_HSCAN_ONLY,
  ERR_SYNTAX,
  ReplyError,
} from "../errors.ts";
import { array, bulk, type Reply } from "../resp/reply.ts";
import { stringMatch } from "../types/string.ts";
import { toIndex } from "./args.ts";

/** What SSCAN/ZSCAN/HSCAN options asked for. */
export interface ElementScanOptions {
  /** COUNT (default 10). */
  readonly count: number;
  /** MATCH pattern; undefined when absent or `*`. */
  readonly pattern: Bytes | undefined;
  /** NOSCORES (ZSCAN) or NOVALUES (HSCAN): members only. */
  readonly onlyKeys: boolean;
}

/**
 * Parses the options after `KEY CURSOR` (Valkey parses them only once the key is found).
 *
 * @param argv The command.
 * @param type The value's type: NOVALUES is for hashes, NOSCORES for sorted sets.
 * @returns The options.
 */
export function parseElementScanOptions(
  argv: readonly Bytes[],
  type: "set" | "zset" | "hash",
): ElementScanOptions {
  let count = 10;
  let pattern: Bytes | undefined;
  let onlyKeys = false;
  for (let i = 3; i < argv.length;) {
    const o = argv[i], more = argv.length - i;
    if (eqIgnoreCase(o, "count") && more >= 2) {
      count = toIndex(argv[i + 1]);
      if (count < 1) throw new ReplyError(ERR_SYNTAX);
      i += 2;
    } else if (eqIgnoreCase(o, "match") && more >= 2) {
      pattern = argv[i + 1] === "*" ? undefined : argv[i + 1];
      i += 2;
    } else if (eqIgnoreCase(o, "novalues")) {
      if (type !== "hash") throw new ReplyError(ERR_NOVALUES_HSCAN_ONLY);
      onlyKeys = true;
      i++;
    } else if (eqIgnoreCase(o, "noscores")) {
      if (type !== "zset") throw new ReplyError(ERR_NOSCORES_ZSCAN_ONLY);
      onlyKeys = true;
      i++;
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  return { count, pattern, onlyKeys };
}

/** True when `member` passes MATCH. */
export function scanMatches(options: ElementScanOptions, member: Bytes): boolean {
  return options.pattern === undefined || stringMatch(options.pattern, member);
}

/** The scan reply: `[cursor, [elements…]]`. */
export function scanReply(cursor: bigint, elements: readonly Bytes[]): Reply {
  return array([bulk(cursor.toString()), array(elements.map(bulk))]);
}

/** `shared.emptyscan`: what SSCAN/ZSCAN/HSCAN reply for a missing key. */
export function emptyScanReply(): Reply {
  return scanReply(0n, []);
}

/** One iteration's members in hash order: positions (hash + 1) ascending, then the members. */
interface Snapshot {
  readonly positions: Float64Array;
  readonly members: Bytes[];
}

const snapshots = new WeakMap<object, Snapshot>();

/** FNV-1a over the bytes, plus one (so that 0 stays the "start" cursor). */
function position(m: Bytes): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < m.length; i++) {
    h ^= m.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) + 1;
}

function takeSnapshot(members: Iterable<Bytes>): Snapshot {
  const all = [...members].map((m) => ({ p: position(m), m }));
  all.sort((a, b) => a.p - b.p || (a.m < b.m ? -1 : a.m > b.m ? 1 : 0));
  return {
    positions: Float64Array.from(all, (x) => x.p),
    members: all.map((x) => x.m),
  };
}

/** What one hashtable scan step visited. */
export interface HashScanStep {
  readonly cursor: bigint;
  /** Members visited that are still present (MATCH not applied). */
  readonly members: Bytes[];
}

/**
 * One step over a hashtable-encoded value: visits about `count` members from `cursor`, finishing
 * any group of members sharing a hash so the next cursor never splits one.
 *
 * @param owner The value (identifies the iteration snapshot).
 * @param all Its members (read when a snapshot is taken).
 * @param has Whether a member is still present.
 * @param cursor 0 to start, else a cursor from the previous step.
 * @param count COUNT.
 * @returns The members and the next cursor (0 when done).
 */
export function hashScanStep(
  owner: object,
  all: () => Iterable<Bytes>,
  has: (m: Bytes) => boolean,
  cursor: bigint,
  count: number,
): HashScanStep {
  if (cursor > 0x100000000n) return { cursor: 0n, members: [] };
  let snap = snapshots.get(owner);
  if (cursor === 0n || snap === undefined) {
    snap = takeSnapshot(all());
    snapshots.set(owner, snap);
  }
  const { positions, members } = snap;
  const from = Number(cursor);
  let lo = 0, hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (positions[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  const out: Bytes[] = [];
  let i = lo, visited = 0;
  while (i < positions.length && (visited < count || positions[i] === positions[i - 1])) {
    if (has(members[i])) out.push(members[i]);
    visited++;
    i++;
  }
  if (i >= positions.length) {
    snapshots.delete(owner);
    return { cursor: 0n, members: out };
  }
  return { cursor: BigInt(positions[i]), members: out };
}
