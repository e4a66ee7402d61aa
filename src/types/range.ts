/**
 * Ranges and the number/byte comparisons the data-type commands share: score ranges
 * (`1.5`, `(1.5`, `-inf`, `+inf`), lex ranges (`[a`, `(a`, `-`, `+`), index ranges with negative
 * indexes (LRANGE, ZRANGE, LTRIM), and Valkey 8.0's two ways of reading a double: C `strtod`
 * (score range bounds, SORT) and `string2d` (ZADD scores, WEIGHTS, ZINCRBY: `getDoubleFromObject`).
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { ERR_MIN_MAX_NOT_FLOAT, ERR_MIN_MAX_NOT_STRING_RANGE, ReplyError } from "../errors.ts";

// ---------------------------------------------------------------------------------------------
// Doubles

/** What {@link strtod} read. */
export interface StrtodResult {
  /** The value; 0 when nothing was converted. */
  readonly value: number;
  /** Index just after the last character used; `start` when nothing was converted. */
  readonly end: number;
  /**
   * Set when C would set errno to ERANGE with a result string2d rejects: a finite literal that
   * overflows to ±Infinity, or a literal with a non-zero digit that underflows to zero.
   */
  readonly erange: boolean;
}

function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** Case-insensitive match of the lowercase ASCII `word` at `i`. */
function matchWord(s: Bytes, i: number, word: string): boolean {
  if (i + word.length > s.length) return false;
  for (let k = 0; k < word.length; k++) {
    if ((s.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** x · 2^e without overflowing the intermediate power of two. */
function scaleBy2(x: number, e: number): number {
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  }
  return x * 2 ** e;
}

/**
 * C `strtod` in the C locale: reads the longest prefix of `s` from `start` that is a number
 * (leading whitespace, sign, decimal or `0x` hexadecimal with exponent, `inf`, `infinity`,
 * `nan`, `nan(chars)`), the way glibc does. Decimal values are correctly rounded; hexadecimal
 * values with more than 53 significant bits that land in the subnormal range may round twice.
 *
 * @param s The bytes to read.
 * @param start Where to start.
 * @returns The value, where reading stopped, and the ERANGE condition.
 *
 * @example Prefixes
 * ```ts
 * import { strtod } from "./range.ts";
 * console.assert(strtod(" 1.5x").value === 1.5 && strtod(" 1.5x").end === 4);
 * console.assert(strtod("-Infinity").value === -Infinity);
 * console.assert(strtod("abc").end === 0);
 * ```
 */
export function strtod(s: Bytes, start = 0): StrtodResult {
  const n = s.length;
  let i = start;
  while (i < n && isCSpace(s.charCodeAt(i))) i++;
  let negative = false;
  const sign = s.charCodeAt(i);
  if (sign === 43 || sign === 45) {
    negative = sign === 45;
    i++;
  }
  if (matchWord(s, i, "inf")) {
    const end = matchWord(s, i, "infinity") ? i + 8 : i + 3;
    return { value: negative ? -Infinity : Infinity, end, erange: false };
  }
  if (matchWord(s, i, "nan")) {
    let end = i + 3;
    if (s.charCodeAt(end) === 40) { // '(' n-char-sequence ')'
      let k = end + 1;
      while (k < n) {
        const c = s.charCodeAt(k);
        if (isDigit(c) || (c | 0x20) >= 97 && (c | 0x20) <= 122 || c === 95) k++;
        else break;
      }
      if (s.charCodeAt(k) === 41) end = k + 1;
    }
    return { value: NaN, end, erange: false };
  }
  if (s.charCodeAt(i) === 48 && (s.charCodeAt(i + 1) | 0x20) === 120) {
    const hex = readHex(s, i + 2, negative);
    if (hex !== undefined) return hex;
    // "0x" without a hex digit: only the "0" is a number.
  }
  let j = i;
  let nonZero = false;
  let digits = 0;
  while (j < n && isDigit(s.charCodeAt(j))) {
    if (s.charCodeAt(j) !== 48) nonZero = true;
    j++;
    digits++;
  }
  if (s.charCodeAt(j) === 46) {
    j++;
    while (j < n && isDigit(s.charCodeAt(j))) {
      if (s.charCodeAt(j) !== 48) nonZero = true;
      j++;
      digits++;
    }
  }
  if (digits === 0) return { value: 0, end: start, erange: false };
  const mantissaEnd = j;
  if ((s.charCodeAt(j) | 0x20) === 101) { // exponent only counts with at least one digit
    let k = j + 1;
    const es = s.charCodeAt(k);
    if (es === 43 || es === 45) k++;
    if (isDigit(s.charCodeAt(k))) {
      while (k < n && isDigit(s.charCodeAt(k))) k++;
      j = k;
    }
  }
  let text = s.slice(i, j);
  if (mantissaEnd === j && text.charCodeAt(text.length - 1) === 46) text = text.slice(0, -1);
  const magnitude = Number(text.charCodeAt(0) === 46 ? "0" + text : text);
  const erange = magnitude === Infinity || (magnitude === 0 && nonZero);
  return { value: negative ? -magnitude : magnitude, end: j, erange };
}

function readHex(s: Bytes, from: number, negative: boolean): StrtodResult | undefined {
  const n = s.length;
  let j = from;
  let mant = 0n;
  let digits = 0;
  let fracDigits = 0;
  let nonZero = false;
  while (j < n && hexValue(s.charCodeAt(j)) >= 0) {
    const h = hexValue(s.charCodeAt(j));
    if (h !== 0) nonZero = true;
    mant = mant * 16n + BigInt(h);
    j++;
    digits++;
  }
  if (s.charCodeAt(j) === 46) {
    j++;
    while (j < n && hexValue(s.charCodeAt(j)) >= 0) {
      const h = hexValue(s.charCodeAt(j));
      if (h !== 0) nonZero = true;
      mant = mant * 16n + BigInt(h);
      j++;
      digits++;
      fracDigits++;
    }
  }
  if (digits === 0) return undefined;
  let exp = 0;
  if ((s.charCodeAt(j) | 0x20) === 112) { // 'p': binary exponent, needs a digit
    let k = j + 1;
    let expNeg = false;
    const es = s.charCodeAt(k);
    if (es === 43 || es === 45) {
      expNeg = es === 45;
      k++;
    }
    if (isDigit(s.charCodeAt(k))) {
      let e = 0;
      while (k < n && isDigit(s.charCodeAt(k))) {
        if (e < 1e6) e = e * 10 + s.charCodeAt(k) - 48;
        k++;
      }
      exp = expNeg ? -e : e;
      j = k;
    }
  }
  const magnitude = scaleBy2(Number(mant), exp - 4 * fracDigits);
  const erange = magnitude === Infinity || (magnitude === 0 && nonZero);
  return { value: negative ? -magnitude : magnitude, end: j, erange };
}

/**
 * Valkey 8.0's `string2d` (what `getDoubleFromObject` uses for ZADD scores, ZINCRBY, WEIGHTS…):
 * the whole argument must be a number, without leading space, not NaN, and not a finite literal
 * that overflows or a non-zero literal that underflows to zero. `inf`, `-inf` and subnormals are
 * accepted.
 *
 * @param s The argument.
 * @returns The value, or undefined when Valkey replies `ERR value is not a valid float`.
 *
 * @example
 * ```ts
 * import { parseDouble } from "./range.ts";
 * console.assert(parseDouble("1.5") === 1.5 && parseDouble("+inf") === Infinity);
 * console.assert(parseDouble(" 1") === undefined && parseDouble("1e400") === undefined);
 * ```
 */
export function parseDouble(s: Bytes): number | undefined {
  if (s.length === 0 || isCSpace(s.charCodeAt(0))) return undefined;
  const r = strtod(s);
  if (r.end !== s.length || r.erange || Number.isNaN(r.value)) return undefined;
  return r.value;
}

/** C reads arguments up to their first NUL: `eptr[0] != '\0'` accepts a NUL where reading stopped. */
function readWholeCString(s: Bytes, start: number): number | undefined {
  const r = strtod(s, start);
  if (r.end !== s.length && s.charCodeAt(r.end) !== 0) return undefined;
  return r.value;
}

// ---------------------------------------------------------------------------------------------
// Score ranges

/** A score interval, as `zrangespec`. */
export interface ScoreRange {
  readonly min: number;
  readonly max: number;
  readonly minExclusive: boolean;
  readonly maxExclusive: boolean;
}

/**
 * Parses the min and max of ZRANGEBYSCORE, ZCOUNT, ZREMRANGEBYSCORE… (`zslParseRange`): a `(`
 * prefix makes a bound exclusive; the rest goes through `strtod`, so `-inf`, `+inf`, hex,
 * leading spaces and the empty string (0) are accepted, as Valkey does. NaN is refused.
 *
 * @param min The min argument.
 * @param max The max argument.
 * @returns The range.
 * @throws {ReplyError} `ERR min or max is not a float`.
 *
 * @example
 * ```ts
 * import { parseScoreRange } from "./range.ts";
 * const r = parseScoreRange("(1.5", "+inf");
 * console.assert(r.min === 1.5 && r.minExclusive && r.max === Infinity && !r.maxExclusive);
 * ```
 */
export function parseScoreRange(min: Bytes, max: Bytes): ScoreRange {
  const minEx = min.charCodeAt(0) === 40; // '('
  const maxEx = max.charCodeAt(0) === 40;
  const lo = readWholeCString(min, minEx ? 1 : 0);
  const hi = readWholeCString(max, maxEx ? 1 : 0);
  if (lo === undefined || hi === undefined || Number.isNaN(lo) || Number.isNaN(hi)) {
    throw new ReplyError(ERR_MIN_MAX_NOT_FLOAT);
  }
  return { min: lo, max: hi, minExclusive: minEx, maxExclusive: maxEx };
}

/** True when `v` is above the range's min (`zslValueGteMin`). */
export function scoreGteMin(v: number, r: ScoreRange): boolean {
  return r.minExclusive ? v > r.min : v >= r.min;
}

/** True when `v` is below the range's max (`zslValueLteMax`). */
export function scoreLteMax(v: number, r: ScoreRange): boolean {
  return r.maxExclusive ? v < r.max : v <= r.max;
}

/** True for ranges that can hold no score (min > max, or equal bounds with one exclusive). */
export function isEmptyScoreRange(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minExclusive || r.maxExclusive));
}

// ---------------------------------------------------------------------------------------------
// Lex ranges

/** The `-` bound: before every string. */
export const LEX_MIN: unique symbol = Symbol("lex -");
/** The `+` bound: after every string. */
export const LEX_MAX: unique symbol = Symbol("lex +");
/** A lex range bound: a byte string, or one of the two infinities. */
export type LexBound = Bytes | typeof LEX_MIN | typeof LEX_MAX;

/** A lex interval, as `zlexrangespec`. `-` and `+` are exclusive, as Valkey parses them. */
export interface LexRange {
  readonly min: LexBound;
  readonly max: LexBound;
  readonly minExclusive: boolean;
  readonly maxExclusive: boolean;
}

function parseLexItem(s: Bytes): { bound: LexBound; exclusive: boolean } | undefined {
  switch (s.charCodeAt(0)) {
    case 43: // '+': alone, or followed by a NUL (C stops there)
      return s.length === 1 || s.charCodeAt(1) === 0
        ? { bound: LEX_MAX, exclusive: true }
        : undefined;
    case 45: // '-'
      return s.length === 1 || s.charCodeAt(1) === 0
        ? { bound: LEX_MIN, exclusive: true }
        : undefined;
    case 40: // '('
      return { bound: s.slice(1), exclusive: true };
    case 91: // '['
      return { bound: s.slice(1), exclusive: false };
    default:
      return undefined;
  }
}

/**
 * Parses the min and max of ZRANGEBYLEX, ZLEXCOUNT, ZREMRANGEBYLEX (`zsetParseLexRange`).
 *
 * @param min The min argument.
 * @param max The max argument.
 * @returns The range.
 * @throws {ReplyError} `ERR min or max not valid string range item`.
 *
 * @example
 * ```ts
 * import { LEX_MAX, parseLexRange } from "./range.ts";
 * const r = parseLexRange("[a", "+");
 * console.assert(r.min === "a" && !r.minExclusive && r.max === LEX_MAX);
 * ```
 */
export function parseLexRange(min: Bytes, max: Bytes): LexRange {
  const lo = parseLexItem(min);
  const hi = parseLexItem(max);
  if (lo === undefined || hi === undefined) throw new ReplyError(ERR_MIN_MAX_NOT_STRING_RANGE);
  return { min: lo.bound, max: hi.bound, minExclusive: lo.exclusive, maxExclusive: hi.exclusive };
}

/** memcmp order of two byte strings (a shorter prefix first): -1, 0 or 1. */
export function compareBytes(a: Bytes, b: Bytes): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Order of two lex bounds (`sdscmplex`): `-` before everything, `+` after. */
export function compareLex(a: LexBound, b: LexBound): number {
  if (a === b) return 0;
  if (a === LEX_MIN || b === LEX_MAX) return -1;
  if (a === LEX_MAX || b === LEX_MIN) return 1;
  return compareBytes(a, b);
}

/** True when `v` is above the range's min (`zslLexValueGteMin`). */
export function lexGteMin(v: Bytes, r: LexRange): boolean {
  const c = compareLex(v, r.min);
  return r.minExclusive ? c > 0 : c >= 0;
}

/** True when `v` is below the range's max (`zslLexValueLteMax`). */
export function lexLteMax(v: Bytes, r: LexRange): boolean {
  const c = compareLex(v, r.max);
  return r.maxExclusive ? c < 0 : c <= 0;
}

/** True for ranges that can hold no string (`- -`, `+ -`, `(a (a`…). */
export function isEmptyLexRange(r: LexRange): boolean {
  const c = compareLex(r.min, r.max);
  return c > 0 || (c === 0 && (r.minExclusive || r.maxExclusive));
}

// ---------------------------------------------------------------------------------------------
// Index ranges

/** An inclusive index range inside a sequence, both ends within `[0, length)`. */
export interface IndexRange {
  readonly start: number;
  readonly stop: number;
}

/**
 * Valkey's start/stop normalisation (LRANGE, LTRIM, ZRANGE by rank, GETRANGE-like): negative
 * indexes count from the end, start is clamped at 0, stop at length-1.
 *
 * @param start First index (may be negative).
 * @param stop Last index, inclusive (may be negative).
 * @param length Length of the sequence.
 * @returns The clamped range, or undefined when it is empty.
 *
 * @example
 * ```ts
 * import { clampIndexRange } from "./range.ts";
 * console.assert(clampIndexRange(-2, 100, 5)?.start === 3);
 * console.assert(clampIndexRange(3, 1, 5) === undefined);
 * ```
 */
export function clampIndexRange(
  start: number,
  stop: number,
  length: number,
): IndexRange | undefined {
  if (start < 0) start = length + start;
  if (stop < 0) stop = length + stop;
  if (start < 0) start = 0;
  if (start > stop || start >= length) return undefined;
  if (stop >= length) stop = length - 1;
  return { start, stop };
}
