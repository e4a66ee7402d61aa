/**
 * What Valkey's compact encodings would look like for a value, so that OBJECT ENCODING and memory
 * figures follow Valkey 8.0 without storing the bytes that way: the size limits (CONFIG
 * `*-max-listpack-*`, `set-max-intset-entries`), the strict integer test Valkey applies before it
 * stores an element as an integer (`string2ll` / `lpStringToInt64`), and listpack entry sizes
 * (`listpack.c`: encoding + data + backlen).
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";

/**
 * The size limits that decide compact encodings. Field names are Valkey's CONFIG names in camelCase.
 * Structures read them at each operation (as Valkey reads `server.*`), so a live config object
 * that CONFIG SET mutates can be passed as is.
 */
export interface EncodingLimits {
  /** `list-max-listpack-size`: < 0 is a byte limit per node (-1 4 KB … -5 64 KB), > 0 a count. */
  listMaxListpackSize: number;
  /** `hash-max-listpack-entries` */
  hashMaxListpackEntries: number;
  /** `hash-max-listpack-value` (bytes) */
  hashMaxListpackValue: number;
  /** `set-max-intset-entries` */
  setMaxIntsetEntries: number;
  /** `set-max-listpack-entries` */
  setMaxListpackEntries: number;
  /** `set-max-listpack-value` (bytes) */
  setMaxListpackValue: number;
  /** `zset-max-listpack-entries` */
  zsetMaxListpackEntries: number;
  /** `zset-max-listpack-value` (bytes) */
  zsetMaxListpackValue: number;
}

/** Valkey 8.0's defaults (config.c; note hash entries is 512, not 128 like sets and zsets). */
export const DEFAULT_ENCODING_LIMITS: Readonly<EncodingLimits> = Object.freeze({
  listMaxListpackSize: -2,
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  setMaxListpackEntries: 128,
  setMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
});

/** Listpack header (total bytes + element count) plus the end-of-listpack byte. */
export const LP_OVERHEAD = 7;

const INT64_MAX_DIGITS = "9223372036854775807";
const INT64_MIN_DIGITS = "9223372036854775808";

/**
 * True when `s` is the canonical decimal form of a signed 64-bit integer: what Valkey's
 * `string2ll` and `lpStringToInt64` accept (no sign `+`, no leading zeros, no `-0`, no spaces,
 * at most 20 characters, within int64). Such elements are stored as integers in listpacks and
 * intsets.
 *
 * @example Canonical integers only
 * ```ts
 * import { isStrictInt64 } from "./encoding.ts";
 * console.assert(isStrictInt64("-42") && !isStrictInt64("042") && !isStrictInt64("-0"));
 * ```
 */
export function isStrictInt64(s: Bytes): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  let i = 0;
  if (s.charCodeAt(0) === 45) { // '-'
    if (n === 1) return false;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1; // "0" alone; "-0" and "01" are not canonical
  if (first < 49 || first > 57) return false;
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return false;
  }
  const digits = n - i;
  if (digits < 19) return true;
  if (digits > 19) return false;
  const body = i === 0 ? s : s.slice(1);
  return body <= (i === 0 ? INT64_MAX_DIGITS : INT64_MIN_DIGITS);
}

/** Bytes of a listpack integer payload (encoding byte included) for a canonical integer string. */
function lpIntEncodedSize(s: Bytes): number {
  // Every class boundary is below 2^31, so 15 digits or more always needs the 64-bit form and
  // shorter strings convert to a Number exactly.
  if (s.length >= 15) return 9;
  const v = Number(s);
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

/** Bytes of a listpack entry's backlen field for an entry payload of `l` bytes. */
function lpBacklenSize(l: number): number {
  // Valkey's boundaries, including the off-by-one at 16383 (lpEncodeBacklen).
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/**
 * Bytes one element takes inside a listpack: integer or string encoding, payload and backlen.
 *
 * @example
 * ```ts
 * import { lpEntrySize } from "./encoding.ts";
 * console.assert(lpEntrySize("7") === 2);      // 7-bit uint + backlen
 * console.assert(lpEntrySize("hello") === 7);  // 6-bit string header + 5 + backlen
 * ```
 */
export function lpEntrySize(s: Bytes): number {
  const n = s.length;
  let enc: number;
  if (n <= 20 && isStrictInt64(s)) enc = lpIntEncodedSize(s);
  else if (n < 64) enc = 1 + n;
  else if (n < 4096) enc = 2 + n;
  else enc = 5 + n;
  return enc + lpBacklenSize(enc);
}

/** Width in bytes of an intset slot able to hold the canonical integer `s` (2, 4 or 8). */
export function intsetWidth(s: Bytes): number {
  if (s.length >= 16) return 8;
  const v = Number(s);
  if (v >= -32768 && v <= 32767) return 2;
  if (v >= -2147483648 && v <= 2147483647) return 4;
  return 8;
}

/**
 * Allocation of an sds string of `len` bytes: header (by sds type) + bytes + the NUL terminator.
 * Used in memory estimates of hashtable and skiplist encodings.
 */
export function sdsSize(len: number): number {
  const hdr = len < 32 ? 1 : len < 256 ? 3 : len < 65536 ? 5 : len < 4294967296 ? 9 : 17;
  return hdr + len + 1;
}

/** Memory estimate of one dict entry plus its share of the bucket array (pointer size 8). */
export const DICT_ENTRY_SIZE = 24 + 8;
