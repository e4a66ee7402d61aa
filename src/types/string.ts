/**
 * String values: the object encoding Valkey would pick (OBJECT ENCODING int/embstr/raw, shared
 * integers for OBJECT REFCOUNT), glob matching (`stringmatchlen`, used by KEYS, SCAN and the
 * other *SCAN commands), and the byte-level work of the bitmap commands and LCS.
 *
 * A string value is a byte string (see bytes.ts) whatever its encoding; the encoding is only
 * metadata on the keyspace entry.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { parseInteger } from "../commands/args.ts";

/** OBJECT ENCODING of a string value. */
export type StringEncoding = "int" | "embstr" | "raw";

/** OBJ_SHARED_INTEGERS: 0..9999 are shared objects (OBJECT REFCOUNT 2147483647). */
export const OBJ_SHARED_INTEGERS = 10000;
/** OBJ_SHARED_REFCOUNT as OBJECT REFCOUNT prints it. */
export const OBJ_SHARED_REFCOUNT = 2147483647;
/** OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
export const EMBSTR_SIZE_LIMIT = 44;

/**
 * The encoding `tryObjectEncoding` gives a value stored from a command argument (SET, MSET,
 * GETSET, SETNX, APPEND on a missing key…): `int` for a strict integer of at most 20 bytes,
 * `embstr` up to 44 bytes, else `raw`.
 *
 * @param value The value.
 * @param sharedIntegers False when maxmemory is set with an LRU/LFU policy (no shared objects).
 * @returns The encoding and whether the value is a shared integer object.
 * @example
 * ```ts
 * import { argumentEncoding } from "./string.ts";
 * console.assert(argumentEncoding("100", true).shared);
 * console.assert(argumentEncoding("hello", true).encoding === "embstr");
 * ```
 */
export function argumentEncoding(
  value: Bytes,
  sharedIntegers: boolean,
): { encoding: StringEncoding; shared: boolean } {
  if (value.length <= 20) {
    const v = parseInteger(value);
    if (v !== undefined) {
      return { encoding: "int", shared: sharedIntegers && v >= 0 && v < OBJ_SHARED_INTEGERS };
    }
  }
  return { encoding: value.length <= EMBSTR_SIZE_LIMIT ? "embstr" : "raw", shared: false };
}

/**
 * The encoding of a string built by `createStringObject` (INCRBYFLOAT results, GETRANGE-like
 * copies): never `int`.
 *
 * @param value The value.
 * @returns `embstr` up to 44 bytes, else `raw`.
 */
export function createdEncoding(value: Bytes): StringEncoding {
  return value.length <= EMBSTR_SIZE_LIMIT ? "embstr" : "raw";
}

// ---- glob matching ----

/** Patterns nested deeper than this never match (Valkey's guard against abusive patterns). */
const MAX_NESTING = 1000;

/**
 * Valkey's `stringmatchlen`: `*`, `?`, `[abc]`, `[^a-z]`, `\x` escapes, byte-wise (ranges compare
 * bytes as C's signed char, as Valkey does), optionally ASCII case-insensitive.
 *
 * @param pattern The glob.
 * @param str The candidate.
 * @param nocase Compare letters ignoring case.
 * @returns True when `str` matches.
 * @example
 * ```ts
 * import { stringMatch } from "./string.ts";
 * console.assert(stringMatch("h[a-e]llo*", "hello world"));
 * console.assert(!stringMatch("h\\*", "hello"));
 * ```
 */
export function stringMatch(pattern: Bytes, str: Bytes, nocase = false): boolean {
  const skipLonger = { value: false };
  return matchAt(pattern, 0, str, 0, nocase, skipLonger, 0);
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function signedChar(c: number): number {
  return c > 127 ? c - 256 : c;
}

function matchAt(
  pat: Bytes,
  p: number,
  str: Bytes,
  s: number,
  nocase: boolean,
  skipLonger: { value: boolean },
  nesting: number,
): boolean {
  if (nesting > MAX_NESTING) return false;
  const plen = pat.length, slen = str.length;
  // Past the end a C string reads its NUL terminator.
  const pc = (i: number) => (i < plen ? pat.charCodeAt(i) : 0);
  while (p < plen && s < slen) {
    const c = pat.charCodeAt(p);
    if (c === 42) { // '*'
      while (p + 1 < plen && pat.charCodeAt(p + 1) === 42) p++;
      if (p + 1 === plen) return true;
      while (s < slen) {
        if (matchAt(pat, p + 1, str, s, nocase, skipLonger, nesting + 1)) return true;
        if (skipLonger.value) return false;
        s++;
      }
      // Nothing after this '*' matches anywhere in the rest: longer matches for earlier stars
      // cannot help either.
      skipLonger.value = true;
      return false;
    } else if (c === 63) { // '?'
      s++;
    } else if (c === 91) { // '['
      p++;
      const not = pc(p) === 94; // '^'
      if (not) p++;
      let match = false;
      const sc = str.charCodeAt(s);
      for (;;) {
        if (pc(p) === 92 && plen - p >= 2) { // '\' escapes the next byte
          p++;
          if (pc(p) === sc) match = true;
        } else if (pc(p) === 93) { // ']'
          break;
        } else if (p >= plen) {
          p--; // unterminated class: the loop below steps onto the end again
          break;
        } else if (plen - p >= 3 && pc(p + 1) === 45) { // 'a-z'
          let start = signedChar(pc(p)), end = signedChar(pc(p + 2));
          let ch = signedChar(sc);
          if (start > end) [start, end] = [end, start];
          if (nocase) {
            start = lower(start);
            end = lower(end);
            ch = lower(ch);
          }
          p += 2;
          if (ch >= start && ch <= end) match = true;
        } else if (nocase ? lower(pc(p)) === lower(sc) : pc(p) === sc) {
          match = true;
        }
        p++;
      }
      if (not) match = !match;
      if (!match) return false;
      s++;
    } else {
      let lit = c;
      if (c === 92 && plen - p >= 2) lit = pat.charCodeAt(++p); // '\x' is a literal x
      const sc = str.charCodeAt(s);
      if (nocase ? lower(lit) !== lower(sc) : lit !== sc) return false;
      s++;
    }
    p++;
    if (s === slen) {
      while (p < plen && pat.charCodeAt(p) === 42) p++;
      break;
    }
  }
  return p >= plen && s === slen;
}

// ---- bitmaps ----

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];

/**
 * Counts set bits in bytes [start, end] of `s`.
 *
 * @param s The string.
 * @param start First byte (inclusive).
 * @param end Last byte (inclusive).
 * @returns The number of 1 bits.
 */
export function popcount(s: Bytes, start: number, end: number): number {
  let n = 0;
  for (let i = start; i <= end; i++) n += POPCOUNT[s.charCodeAt(i)];
  return n;
}

/**
 * The first bit equal to `bit` in bit positions [first, last] of `s` (bit 0 is the most
 * significant bit of byte 0), or -1.
 *
 * @param s The string.
 * @param bit 0 or 1.
 * @param first First bit position (inclusive).
 * @param last Last bit position (inclusive).
 * @returns The position, or -1.
 */
export function findBit(s: Bytes, bit: 0 | 1, first: number, last: number): number {
  const firstByte = Math.floor(first / 8), lastByte = Math.floor(last / 8);
  for (let i = firstByte; i <= lastByte; i++) {
    // Look for a 1 in the byte, or in its complement when searching for a 0.
    const byte = bit === 1 ? s.charCodeAt(i) : ~s.charCodeAt(i) & 0xff;
    if (byte === 0) continue;
    const lo = i === firstByte ? first % 8 : 0;
    const hi = i === lastByte ? last % 8 : 7;
    for (let k = lo; k <= hi; k++) if ((byte >> (7 - k)) & 1) return i * 8 + k;
  }
  return -1;
}

/**
 * SETBIT's byte update.
 *
 * @param s The string, already long enough.
 * @param offset Bit offset.
 * @param on The new bit.
 * @returns The new string.
 */
export function withBit(s: Bytes, offset: number, on: 0 | 1): Bytes {
  const i = Math.floor(offset / 8);
  const mask = 1 << (7 - (offset % 8));
  const b = s.charCodeAt(i);
  const nb = on ? b | mask : b & ~mask;
  return nb === b ? s : s.slice(0, i) + String.fromCharCode(nb) + s.slice(i + 1);
}

/** BITOP operations. */
export type BitOp = "and" | "or" | "xor" | "not";

/**
 * BITOP over byte strings; missing keys are empty strings and shorter strings are zero-padded.
 *
 * @param op The operation.
 * @param srcs The source values (NOT has exactly one).
 * @returns The result, as long as the longest source.
 */
export function bitop(op: BitOp, srcs: readonly Bytes[]): Bytes {
  let maxlen = 0;
  for (const s of srcs) if (s.length > maxlen) maxlen = s.length;
  const out = new Array<string>(maxlen);
  for (let i = 0; i < maxlen; i++) {
    let v = i < srcs[0].length ? srcs[0].charCodeAt(i) : 0;
    if (op === "not") {
      v = ~v & 0xff;
    } else {
      for (let j = 1; j < srcs.length; j++) {
        const w = i < srcs[j].length ? srcs[j].charCodeAt(i) : 0;
        v = op === "and" ? v & w : op === "or" ? v | w : v ^ w;
      }
    }
    out[i] = String.fromCharCode(v);
  }
  return out.join("");
}

// ---- LCS ----

/** One LCS match: ranges in a and b (inclusive) and its length. */
export interface LcsMatch {
  readonly a: readonly [number, number];
  readonly b: readonly [number, number];
  readonly len: number;
}

/** LCS result. */
export interface LcsResult {
  readonly len: number;
  /** The common subsequence (when asked for). */
  readonly text: Bytes;
  /** Matches from the end of the strings backwards, as Valkey emits them. */
  readonly matches: readonly LcsMatch[];
}

/**
 * The longest common subsequence of a and b with Valkey's dynamic programming table and its
 * backtracking order (ties go left in b), so the same string and match ranges come out.
 *
 * @param a First string.
 * @param b Second string.
 * @param wantText Build the subsequence and the match list.
 * @param minMatchLen Ranges shorter than this are not listed (0 lists all).
 * @returns Length, text and matches.
 */
export function lcs(a: Bytes, b: Bytes, wantText: boolean, minMatchLen: number): LcsResult {
  const alen = a.length, blen = b.length;
  const w = blen + 1;
  const t = new Uint32Array((alen + 1) * w);
  for (let i = 1; i <= alen; i++) {
    const ai = a.charCodeAt(i - 1);
    const row = i * w, prev = (i - 1) * w;
    for (let j = 1; j <= blen; j++) {
      if (ai === b.charCodeAt(j - 1)) {
        t[row + j] = t[prev + j - 1] + 1;
      } else {
        const l1 = t[prev + j], l2 = t[row + j - 1];
        t[row + j] = l1 > l2 ? l1 : l2;
      }
    }
  }
  const len = t[alen * w + blen];
  if (!wantText) return { len, text: "", matches: [] };
  const chars = new Array<string>(len);
  const matches: LcsMatch[] = [];
  let idx = len;
  let aStart = alen, aEnd = 0, bStart = 0, bEnd = 0; // aStart === alen: no open range
  let i = alen, j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars[idx - 1] = a[i - 1];
      if (aStart === alen) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const l1 = t[(i - 1) * w + j], l2 = t[i * w + j - 1];
      if (l1 > l2) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const mlen = aEnd - aStart + 1;
      if (minMatchLen === 0 || mlen >= minMatchLen) {
        matches.push({ a: [aStart, aEnd], b: [bStart, bEnd], len: mlen });
      }
      aStart = alen;
    }
  }
  return { len, text: chars.join(""), matches };
}
