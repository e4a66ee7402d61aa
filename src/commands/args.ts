/**
 * Argument parsing shared by every command group: strict integers (Valkey's `string2ll`),
 * doubles (`strtod` with Valkey's `string2d` rules), SCAN cursors (`string2ull`), ranges and
 * option words. Each `to*` function throws the ReplyError Valkey would reply; the matching
 * `string2*` function returns undefined instead, for callers that choose their own error.
 *
 * Integers are int64. `parseInteger` returns a JS number when the value is a safe integer and a
 * bigint otherwise, so hot paths stay on numbers; `toInt64` always returns a bigint (exact
 * arithmetic: INCRBY); `toIndex` returns a number that is exact up to 2^53 and only rounded
 * beyond (indexes, counts and offsets are clamped against lengths far below that).
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { eqIgnoreCase } from "../bytes.ts";
import {
  ERR_INVALID_CURSOR,
  ERR_NOT_FLOAT,
  ERR_NOT_INTEGER,
  ERR_NOT_POSITIVE,
  ERR_SYNTAX,
  ERR_VALUE_OUT_OF_RANGE,
  errValueOutOfRange,
  ReplyError,
} from "../errors.ts";

/** LLONG_MIN / LLONG_MAX. */
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
/** LONG_STR_SIZE: strings this long or longer are never integers. */
const LONG_STR_SIZE = 21;

/**
 * Valkey's `string2ll`: an optional `-`, then digits without leading zeros (`0` alone is fine),
 * nothing else (no `+`, no spaces, no `-0`), at most 20 bytes, within int64.
 *
 * @param s The argument.
 * @returns The value (a number when it is a safe integer, else a bigint), or undefined.
 * @example
 * ```ts
 * import { parseInteger } from "./args.ts";
 * console.assert(parseInteger("-42") === -42);
 * console.assert(parseInteger("007") === undefined);
 * console.assert(parseInteger("9223372036854775807") === 9223372036854775807n);
 * ```
 */
export function parseInteger(s: Bytes): number | bigint | undefined {
  const n = s.length;
  if (n === 0 || n >= LONG_STR_SIZE) return undefined;
  let i = 0;
  const neg = s.charCodeAt(0) === 45; // '-'
  if (neg) {
    i = 1;
    if (n === 1) return undefined;
  }
  let c = s.charCodeAt(i);
  if (c === 48) return n === 1 ? 0 : undefined; // "0" only; "-0" and "01" are not integers
  if (c < 49 || c > 57) return undefined;
  // Up to 15 digits fits a double exactly; longer values go through BigInt.
  if (n - i <= 15) {
    let v = 0;
    for (; i < n; i++) {
      c = s.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
      v = v * 10 + (c - 48);
    }
    return neg ? -v : v;
  }
  for (let j = i; j < n; j++) {
    c = s.charCodeAt(j);
    if (c < 48 || c > 57) return undefined;
  }
  const big = BigInt(neg ? s : s.slice(i));
  if (big < INT64_MIN || big > INT64_MAX) return undefined;
  const num = Number(big);
  return Number.isSafeInteger(num) ? num : big;
}

/**
 * `string2ll` as a bigint.
 *
 * @param s The argument.
 * @returns The value, or undefined when it is not a strict int64.
 */
export function string2ll(s: Bytes): bigint | undefined {
  const v = parseInteger(s);
  return v === undefined ? undefined : BigInt(v);
}

/**
 * getLongLongFromObjectOrReply: a strict int64 or the error.
 *
 * @param s The argument.
 * @param err The error text (default `ERR value is not an integer or out of range`).
 * @returns The exact value.
 */
export function toInt64(s: Bytes, err: Bytes = ERR_NOT_INTEGER): bigint {
  const v = parseInteger(s);
  if (v === undefined) throw new ReplyError(err);
  return BigInt(v);
}

/**
 * getLongLongFromObjectOrReply for indexes, counts and offsets: the value as a number (exact up
 * to 2^53, rounded beyond, which keeps its order against any real length).
 *
 * @param s The argument.
 * @param err The error text.
 * @returns The value.
 */
export function toIndex(s: Bytes, err: Bytes = ERR_NOT_INTEGER): number {
  const v = parseInteger(s);
  if (v === undefined) throw new ReplyError(err);
  return Number(v);
}

/**
 * getRangeLongFromObjectOrReply: an integer within [min, max].
 *
 * @param s The argument.
 * @param min Lowest accepted value.
 * @param max Highest accepted value.
 * @param err Replaces both texts when given (Valkey's `msg`).
 * @returns The value.
 */
export function toRangeLong(s: Bytes, min: number, max: number, err?: Bytes): number {
  const v = parseInteger(s);
  if (v === undefined) throw new ReplyError(err ?? ERR_NOT_INTEGER);
  const n = Number(v);
  if (typeof v === "bigint" || n < min || n > max) {
    throw new ReplyError(err ?? errValueOutOfRange(min, max));
  }
  return n;
}

/**
 * getIntFromObjectOrReply: an int32 (SELECT, MOVE, COPY … DB).
 *
 * @param s The argument.
 * @param err Replaces both texts when given.
 * @returns The value.
 */
export function toInt32(s: Bytes, err?: Bytes): number {
  return toRangeLong(s, -2147483648, 2147483647, err);
}

/**
 * getPositiveLongFromObjectOrReply: an integer ≥ 0.
 *
 * @param s The argument.
 * @param err Replaces both texts when given.
 * @returns The value.
 */
export function toPositiveLong(s: Bytes, err?: Bytes): number {
  const v = parseInteger(s);
  if (v === undefined) throw new ReplyError(err ?? ERR_NOT_INTEGER);
  if (v < 0) throw new ReplyError(err ?? ERR_NOT_POSITIVE);
  return Number(v);
}

/**
 * getRangeLongFromObjectOrReply(1, LONG_MAX, msg): a positive count (numkeys, COUNT), or `msg`
 * for anything else, non-integers included.
 *
 * @param s The argument.
 * @param msg The error text.
 * @returns The value (exact up to 2^53, beyond any argument count).
 */
export function toPositiveCount(s: Bytes, msg: Bytes): number {
  const v = parseInteger(s);
  if (v === undefined || v < 1) throw new ReplyError(msg);
  return Number(v);
}

/**
 * getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX): any long but LONG_MIN, whose negation would
 * overflow (LREM's count, LPOS's RANK, SRANDMEMBER's count).
 *
 * @param s The argument.
 * @returns The value (exact up to 2^53; counts that large are never served in full anyway).
 */
export function toSymmetricLong(s: Bytes): number {
  return Number(symmetricLong(s));
}

function symmetricLong(s: Bytes): number | bigint {
  const v = parseInteger(s);
  if (v === undefined) throw new ReplyError(ERR_NOT_INTEGER);
  if (v === INT64_MIN) throw new ReplyError(errValueOutOfRange(-INT64_MAX, INT64_MAX));
  return v;
}

/** LONG_MAX / 2: with WITHVALUES / WITHSCORES a larger count would overflow the reply's length. */
const HALF_INT64_MAX = INT64_MAX / 2n;

/** What HRANDFIELD / ZRANDMEMBER's `count [WITHVALUES | WITHSCORES]` asked for. */
export interface RandomCount {
  /** The count: distinct members when positive, repeats allowed when negative. */
  readonly count: number;
  /** WITHVALUES / WITHSCORES was given. */
  readonly withValues: boolean;
}

/**
 * hrandfieldCommand / zrandmemberCommand's arguments from argv[2]: the count as
 * {@link toSymmetricLong}, then at most the one option `word`, which narrows the count to
 * ±LONG_MAX/2. Errors come in Valkey's order: count, syntax, range.
 *
 * @param argv The command, with at least three arguments.
 * @param word `withvalues` or `withscores`.
 * @returns The count and whether the option was given.
 */
export function parseRandomCount(argv: readonly Bytes[], word: string): RandomCount {
  const v = symmetricLong(argv[2]);
  if (argv.length > 4 || (argv.length === 4 && !eqIgnoreCase(argv[3], word))) {
    throw new ReplyError(ERR_SYNTAX);
  }
  const withValues = argv.length === 4;
  if (withValues && (BigInt(v) < -HALF_INT64_MAX || BigInt(v) > HALF_INT64_MAX)) {
    throw new ReplyError(ERR_VALUE_OUT_OF_RANGE);
  }
  return { count: Number(v), withValues };
}

/**
 * Valkey's `string2ull` (SCAN cursors): a non-negative `string2ll`, or else what C's `strtoull`
 * accepts in full (leading spaces, `+`, even `-` which wraps), up to 2^64-1; the text is read up
 * to its first NUL byte, as `strlen` does.
 *
 * @param s The argument.
 * @returns The value, or undefined.
 */
export function string2ull(s: Bytes): bigint | undefined {
  const nul = s.indexOf("\0");
  const t = nul < 0 ? s : s.slice(0, nul);
  const ll = parseInteger(t);
  if (ll !== undefined) return ll < 0 ? undefined : BigInt(ll);
  let i = 0;
  while (i < t.length && isSpace(t.charCodeAt(i))) i++;
  let neg = false;
  if (t[i] === "+" || t[i] === "-") neg = t[i++] === "-";
  const start = i;
  while (i < t.length && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) i++;
  if (i === start || i !== t.length) return undefined;
  const v = BigInt(t.slice(start, i));
  if (v > UINT64_MAX) return undefined; // ERANGE
  return neg ? (UINT64_MAX + 1n - v) & UINT64_MAX : v;
}

/**
 * parseScanCursorOrReply.
 *
 * @param s The cursor argument.
 * @returns The cursor.
 */
export function toScanCursor(s: Bytes): bigint {
  const v = string2ull(s);
  if (v === undefined) throw new ReplyError(ERR_INVALID_CURSOR);
  return v;
}

/** C's isspace in the "C" locale. */
export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

// ---- floating point ----

/** The shape of a `strtod`/`strtold` number, before rounding. */
export type FloatSyntax =
  | { readonly kind: "inf"; readonly neg: boolean }
  | { readonly kind: "nan" }
  | {
    readonly kind: "dec";
    readonly neg: boolean;
    /** All significant digits, leading zeros kept (may be "0…"). */
    readonly digits: string;
    /** value = digits × 10^exp10 */
    readonly exp10: number;
  }
  | {
    readonly kind: "hex";
    readonly neg: boolean;
    readonly mantissa: bigint;
    /** value = mantissa × 2^exp2 */
    readonly exp2: number;
  };

/**
 * Parses the whole of `s` with the grammar of C's `strtod` (glibc): sign, then `inf`/`infinity`,
 * `nan`/`nan(chars)`, a hex float (`0x1.8p3`) or a decimal float (`1.5e-3`, `.5`, `5.`), case
 * insensitive. Leading whitespace is refused (Valkey checks `isspace(s[0])`), and so is anything
 * `strtod` would leave unconsumed.
 *
 * @param s The text.
 * @returns Its syntax, or undefined.
 */
export function parseFloatSyntax(s: Bytes): FloatSyntax | undefined {
  const n = s.length;
  if (n === 0) return undefined;
  let i = 0;
  let neg = false;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    i = 1;
  }
  const rest = s.slice(i).toLowerCase();
  if (rest.startsWith("inf")) {
    return rest === "inf" || rest === "infinity" ? { kind: "inf", neg } : undefined;
  }
  if (rest.startsWith("nan")) {
    return rest === "nan" || /^nan\([0-9a-z_]*\)$/.test(rest) ? { kind: "nan" } : undefined;
  }
  if (rest.startsWith("0x")) {
    const m = /^0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?[0-9]+))?$/.exec(rest);
    if (m === null) return undefined;
    const int = m[1], frac = m[2] ?? "";
    if (int.length + frac.length === 0) return undefined; // "0x" alone: strtod stops after "0"
    let exp = m[3] === undefined ? 0 : clampExp(m[3]);
    exp -= 4 * frac.length;
    return { kind: "hex", neg, mantissa: BigInt("0x" + (int + frac || "0")), exp2: exp };
  }
  const m = /^([0-9]*)(?:\.([0-9]*))?(?:e([+-]?[0-9]+))?$/.exec(rest);
  if (m === null) return undefined;
  const int = m[1], frac = m[2] ?? "";
  if (int.length + frac.length === 0) return undefined;
  const exp = m[3] === undefined ? 0 : clampExp(m[3]);
  return { kind: "dec", neg, digits: int + frac, exp10: exp - frac.length };
}

// Exponents beyond ±1e9 only say "overflow" or "underflow"; keep them as safe numbers.
function clampExp(t: string): number {
  const v = Number(t);
  return v > 1e9 ? 1e9 : v < -1e9 ? -1e9 : v;
}

/**
 * Valkey's `string2d`: `strtod` over the whole argument, refusing leading spaces, NaN, and
 * results that overflow to ±inf or underflow to zero (ERANGE); the words `inf`/`infinity` give
 * ±Infinity.
 *
 * @param s The argument.
 * @returns The double, or undefined.
 * @example
 * ```ts
 * import { string2d } from "./args.ts";
 * console.assert(string2d("0x10") === 16);
 * console.assert(string2d(" 1") === undefined);
 * console.assert(string2d("1e400") === undefined);
 * ```
 */
export function string2d(s: Bytes): number | undefined {
  const f = parseFloatSyntax(s);
  if (f === undefined || f.kind === "nan") return undefined;
  if (f.kind === "inf") return f.neg ? -Infinity : Infinity;
  let v: number;
  let zeroInput: boolean;
  if (f.kind === "dec") {
    zeroInput = /^0*$/.test(f.digits);
    // JS number parsing is correctly rounded, like glibc's strtod.
    v = zeroInput ? 0 : Number(`${f.digits}e${f.exp10}`);
  } else {
    zeroInput = f.mantissa === 0n;
    v = zeroInput ? 0 : binaryToDouble(f.mantissa, f.exp2);
  }
  if (!Number.isFinite(v)) return undefined; // overflow: ERANGE with HUGE_VAL
  if (v === 0 && !zeroInput) return undefined; // underflow to zero: ERANGE
  return f.neg ? -v : v;
}

/**
 * getDoubleFromObjectOrReply.
 *
 * @param s The argument.
 * @param err The error text (default `ERR value is not a valid float`).
 * @returns The value.
 */
export function toDouble(s: Bytes, err: Bytes = ERR_NOT_FLOAT): number {
  const v = string2d(s);
  if (v === undefined) throw new ReplyError(err);
  return v;
}

/** mantissa × 2^exp2 correctly rounded (ties to even) to a double; Infinity on overflow. */
function binaryToDouble(mantissa: bigint, exp2: number): number {
  const bits = mantissa.toString(2).length;
  const top = bits + exp2; // value in [2^(top-1), 2^top)
  if (top > 1025) return Infinity;
  if (top < -1075) return 0;
  // Keep 53 significant bits, or fewer for subnormals (lsb weight at least 2^-1074).
  const lsb = Math.max(top - 53, -1074);
  const drop = lsb - exp2;
  let m = mantissa;
  if (drop > 0) {
    const d = BigInt(drop);
    const q = m >> d;
    const r = m - (q << d);
    const half = 1n << (d - 1n);
    m = r > half || (r === half && (q & 1n) === 1n) ? q + 1n : q;
  } else if (drop < 0) {
    m <<= BigInt(-drop);
  }
  // m ≤ 2^53 here, so Number(m) is exact; scaling by powers of two is exact in range.
  return Number(m) * 2 ** lsb;
}
