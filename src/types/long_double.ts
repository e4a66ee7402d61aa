/**
 * The x87 80-bit `long double` Valkey uses for INCRBYFLOAT and HINCRBYFLOAT on x86-64: 64-bit
 * significand, exponent range of ±16382, subnormals down to 2^-16445, round-to-nearest-even.
 * Values are exact (significand × 2^exponent as BigInt), so parsing (`strtold`), addition and
 * printing (`%.17Lf`) give the very bytes glibc gives, e.g. `10.5 + 0.1` prints `10.6` and
 * `1e300 + 0` prints the 301 exact digits of the long double nearest to 1e300.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { isSpace, parseFloatSyntax } from "../commands/args.ts";

/** A finite long double: (-1)^neg × m × 2^e, m < 2^64 (m = 0 for zero). */
export interface LongDoubleFinite {
  readonly kind: "finite";
  readonly neg: boolean;
  readonly m: bigint;
  readonly e: number;
}

/** A long double: finite, ±infinity or NaN. */
export type LongDouble =
  | LongDoubleFinite
  | { readonly kind: "inf"; readonly neg: boolean }
  | { readonly kind: "nan" };

const MANT_BITS = 64;
/** Unbiased exponent of the largest finite value's leading bit. */
const MAX_EXP = 16383;
/** Weight of the smallest subnormal's bit: 2^-16445. */
const MIN_LSB = -16445;
/** MAX_LONG_DOUBLE_CHARS: longer arguments are refused by string2ld. */
const MAX_CHARS = 5 * 1024;

const ZERO: LongDoubleFinite = { kind: "finite", neg: false, m: 0n, e: 0 };

/** Result of rounding an exact value: the long double and whether it over/underflowed. */
interface Rounded {
  readonly value: LongDouble;
  /** The exact value was non-zero but rounded to zero, or overflowed to infinity. */
  readonly range: boolean;
}

/**
 * Rounds num × 2^exp2 / den (num ≥ 0, den > 0) to a long double, once (no double rounding, also
 * for subnormals).
 */
function roundExact(neg: boolean, num: bigint, den: bigint, exp2: number): Rounded {
  if (num === 0n) return { value: { ...ZERO, neg }, range: false };
  // Scale so the quotient has at least MANT_BITS + 2 bits; the remainder becomes a sticky bit.
  const shift = Math.max(0, MANT_BITS + 2 - (bitLength(num) - bitLength(den)) + 1);
  const scaled = num << BigInt(shift);
  let q = scaled / den;
  const sticky = scaled - q * den !== 0n;
  let e = exp2 - shift; // value ≈ q × 2^e
  const top = bitLength(q) + e - 1; // exponent of the leading bit
  if (top > MAX_EXP) return { value: { kind: "inf", neg }, range: true };
  const lsb = Math.max(top - (MANT_BITS - 1), MIN_LSB);
  const drop = lsb - e;
  if (drop > 0) {
    const d = BigInt(drop);
    const kept = q >> d;
    const rest = q - (kept << d);
    const half = 1n << (d - 1n);
    const up = rest > half || (rest === half && (sticky || (kept & 1n) === 1n));
    q = up ? kept + 1n : kept;
    e = lsb;
    if (q >> BigInt(MANT_BITS) !== 0n) {
      q >>= 1n;
      e++;
      if (bitLength(q) + e - 1 > MAX_EXP) return { value: { kind: "inf", neg }, range: true };
    }
  }
  if (q === 0n) return { value: { ...ZERO, neg }, range: true };
  return { value: { kind: "finite", neg, m: q, e }, range: false };
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/**
 * C's `strtold` over the whole text (same grammar as strtod: see parseFloatSyntax).
 *
 * @param s The text.
 * @returns The value and whether ERANGE would be set, or undefined when the text is not a number.
 */
export function strtold(s: Bytes): Rounded | undefined {
  const f = parseFloatSyntax(s);
  if (f === undefined) return undefined;
  if (f.kind === "nan") return { value: { kind: "nan" }, range: false };
  if (f.kind === "inf") return { value: { kind: "inf", neg: f.neg }, range: false };
  if (f.kind === "hex") return roundExact(f.neg, f.mantissa, 1n, f.exp2);
  const digits = f.digits.replace(/^0+/, "");
  if (digits === "") return { value: { ...ZERO, neg: f.neg }, range: false };
  // Far outside the range: decide without building huge powers of ten.
  const magnitude = digits.length + f.exp10; // value in [10^(magnitude-1), 10^magnitude)
  if (magnitude > 4934) return { value: { kind: "inf", neg: f.neg }, range: true };
  if (magnitude < -4952) return { value: { ...ZERO, neg: f.neg }, range: true };
  const mant = BigInt(digits);
  if (f.exp10 >= 0) {
    const p5 = 5n ** BigInt(f.exp10);
    return roundExact(f.neg, mant * p5, 1n, f.exp10);
  }
  return roundExact(f.neg, mant, 5n ** BigInt(-f.exp10), f.exp10);
}

/**
 * Valkey's `string2ld`: strtold over the whole argument; refuses leading spaces, NaN, texts of
 * 5120 bytes or more, and results that overflow to ±inf or underflow to zero. `inf` is accepted.
 *
 * @param s The argument.
 * @returns The value, or undefined (`ERR value is not a valid float`).
 * @example
 * ```ts
 * import { addLongDouble, formatLongDoubleHuman, string2ld } from "./long_double.ts";
 * const v = addLongDouble(string2ld("10.5")!, string2ld("0.1")!);
 * console.assert(formatLongDoubleHuman(v) === "10.6");
 * ```
 */
export function string2ld(s: Bytes): LongDouble | undefined {
  if (s.length === 0 || s.length >= MAX_CHARS) return undefined;
  if (isSpace(s.charCodeAt(0))) return undefined;
  const r = strtold(s);
  if (r === undefined || r.value.kind === "nan" || r.range) return undefined;
  return r.value;
}

/**
 * a + b rounded to a long double (IEEE semantics: inf + -inf is NaN, x + -x is +0).
 *
 * @param a Left operand.
 * @param b Right operand.
 * @returns The rounded sum.
 */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === "nan" || b.kind === "nan") return { kind: "nan" };
  if (a.kind === "inf" || b.kind === "inf") {
    if (a.kind === "inf" && b.kind === "inf" && a.neg !== b.neg) return { kind: "nan" };
    return a.kind === "inf" ? a : b;
  }
  if (a.m === 0n) return b.m === 0n ? { ...ZERO, neg: a.neg && b.neg } : b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const va = (a.neg ? -a.m : a.m) << BigInt(a.e - e);
  const vb = (b.neg ? -b.m : b.m) << BigInt(b.e - e);
  const sum = va + vb;
  if (sum === 0n) return ZERO;
  return roundExact(sum < 0n, sum < 0n ? -sum : sum, 1n, e).value;
}

/**
 * True for ±inf and NaN.
 *
 * @param v The value.
 * @returns Whether it is not finite.
 */
export function isNanOrInf(v: LongDouble): boolean {
  return v.kind !== "finite";
}

/**
 * Valkey's `ld2string(…, LD_STR_HUMAN)`: `%.17Lf` (exact digits, ties to even), then trailing
 * zeros and a trailing `.` removed, and `-0` printed as `0`.
 *
 * @param v The value (INCRBYFLOAT never formats inf or NaN; they print as `inf`/`-inf`/`nan`).
 * @returns The text.
 */
export function formatLongDoubleHuman(v: LongDouble): string {
  if (v.kind === "nan") return "nan";
  if (v.kind === "inf") return v.neg ? "-inf" : "inf";
  const FRAC = 17;
  const scale = 10n ** BigInt(FRAC);
  let q: bigint;
  if (v.e >= 0) {
    q = (v.m << BigInt(v.e)) * scale;
  } else {
    const d = BigInt(-v.e);
    const scaled = v.m * scale;
    q = scaled >> d;
    const rest = scaled - (q << d);
    const half = 1n << (d - 1n);
    if (rest > half || (rest === half && (q & 1n) === 1n)) q++;
  }
  const int = (q / scale).toString();
  const frac = (q % scale).toString().padStart(FRAC, "0").replace(/0+$/, "");
  let out = frac === "" ? int : `${int}.${frac}`;
  if (v.neg) out = "-" + out;
  return out === "-0" ? "0" : out;
}
