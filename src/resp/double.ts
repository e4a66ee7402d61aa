/**
 * Valkey's double-to-text conversion (`d2string` in util.c, spec CONV-13): used for RESP3 double
 * replies, their RESP2 bulk form, and numbers a script passes as command arguments.
 *
 * Integral values within ±2^62 print as integers; everything else goes through a port of
 * `fpconv_dtoa` (Grisu2, valkey deps/fpconv). Grisu2 is not always the shortest round-trip form,
 * so JavaScript's `Number#toString` digits are not a substitute: the port keeps the rare cases
 * byte-exact.
 *
 * @module
 */

const TWO_62 = 2 ** 62;
const TWO_32 = 4294967296;

// Grisu2 works on 64-bit unsigned integers. They are held as two 32-bit halves in plain numbers
// (hi, lo): bigint arithmetic measured 3-8x slower. Helpers return through this register pair.
const r = { h: 0, l: 0 };

/** (r.h, r.l) = (h, l) << s, for 0 <= s < 64, when the result fits in 64 bits. */
function shl(h: number, l: number, s: number): void {
  if (s === 0) {
    r.h = h;
    r.l = l;
  } else if (s >= 32) {
    r.h = l * 2 ** (s - 32);
    r.l = 0;
  } else {
    const m = 2 ** s;
    const lm = l * m;
    r.l = lm >>> 0; // x >>> 0 is x mod 2^32 for integers below 2^53, and much faster than %
    r.h = h * m + (lm - r.l) / TWO_32;
  }
}

/** (r.h, r.l) = a - b, for a >= b. */
function sub(ah: number, al: number, bh: number, bl: number): void {
  const l = al - bl;
  if (l < 0) {
    r.l = l + TWO_32;
    r.h = ah - bh - 1;
  } else {
    r.l = l;
    r.h = ah - bh;
  }
}

/** (r.h, r.l) = a + b, when the sum fits in 64 bits. */
function add(ah: number, al: number, bh: number, bl: number): void {
  const l = al + bl;
  if (l >= TWO_32) {
    r.l = l - TWO_32;
    r.h = ah + bh + 1;
  } else {
    r.l = l;
    r.h = ah + bh;
  }
}

/** (r.h, r.l) = a * 10, when the product fits in 64 bits. */
function mul10(h: number, l: number): void {
  const l10 = l * 10;
  r.l = l10 >>> 0;
  r.h = h * 10 + (l10 - r.l) / TWO_32;
}

/** Sign of a - b. */
function cmp(ah: number, al: number, bh: number, bl: number): number {
  return ah !== bh ? ah - bh : al - bl;
}

/** (r.h, r.l) = a * b for 32-bit a and b, through 16-bit halves so every step is exact. */
function mul32(a: number, b: number): void {
  const a1 = a >>> 16, a0 = a & 0xffff;
  const b1 = b >>> 16, b0 = b & 0xffff;
  const mid = a0 * b1 + a1 * b0;
  const midLo = mid & 0xffff;
  const lo = a0 * b0 + midLo * 65536;
  r.l = lo >>> 0;
  r.h = a1 * b1 + (mid - midLo) / 65536 + (lo - r.l) / TWO_32;
}

/** (r.h, r.l) = the high 64 bits of a * b, rounded as fpconv's multiply() rounds. */
function multiply(ah: number, al: number, bh: number, bl: number): void {
  mul32(ah, bl);
  const ahBlH = r.h, ahBlL = r.l;
  mul32(al, bh);
  const alBhH = r.h, alBhL = r.l;
  mul32(al, bl);
  const alBlH = r.h;
  mul32(ah, bh);
  const tmp = ahBlL + alBhL + alBlH + 2147483648;
  const lo = r.l + ahBlH + alBhH + Math.floor(tmp / TWO_32);
  const l = lo >>> 0;
  r.h = r.h + (lo - l) / TWO_32;
  r.l = l;
}

// The 87 cached normalized powers of ten 10^-348, 10^-340, … 10^340 Grisu uses, rounded to 64
// bits: computed once here instead of shipping the table.
const FIRST_POWER = -348;
const STEP_POWERS = 8;
const POW_HI: number[] = [];
const POW_LO: number[] = [];
const POW_EXP: number[] = [];
for (let i = 0; i < 87; i++) {
  const k = FIRST_POWER + i * STEP_POWERS;
  let frac: bigint, exp: number;
  if (k >= 0) {
    const v = 10n ** BigInt(k);
    const shift = v.toString(2).length - 64;
    if (shift <= 0) {
      frac = v << BigInt(-shift);
    } else {
      const b = BigInt(shift);
      frac = (v >> b) + ((v >> (b - 1n)) & 1n);
    }
    exp = shift;
  } else {
    // 10^k = 2^-s / 10^-k, with s picked so that the quotient has 64 significant bits.
    const d = 10n ** BigInt(-k);
    const s = d.toString(2).length + 63;
    const num = 1n << BigInt(s);
    frac = num / d + (2n * (num % d) >= d ? 1n : 0n);
    exp = -s;
  }
  if (frac >> 64n) { // rounding carried into a 65th bit
    frac >>= 1n;
    exp++;
  }
  POW_HI.push(Number(frac >> 32n));
  POW_LO.push(Number(frac & 0xffffffffn));
  POW_EXP.push(exp);
}

/** fpconv's find_cachedpow10: the index of the power that brings `exp` into [-60, -32]. */
function cachedPowerIndex(exp: number): number {
  const approx = Math.trunc(-(exp + 87) * 0.30102999566398114);
  let idx = Math.trunc((approx - FIRST_POWER) / STEP_POWERS);
  for (;;) {
    const current = exp + POW_EXP[idx] + 64;
    if (current < -60) idx++;
    else if (current > -32) idx--;
    else return idx;
  }
}

const view = new DataView(new ArrayBuffer(8));
const TENS = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1];

/** fpconv's round_digit: moves the last digit toward w while that stays inside the interval. */
function roundDigit(
  digits: number[],
  n: number,
  deltaH: number,
  deltaL: number,
  remH: number,
  remL: number,
  kappaH: number,
  kappaL: number,
  fracH: number,
  fracL: number,
): void {
  for (;;) {
    if (cmp(remH, remL, fracH, fracL) >= 0) return;
    sub(deltaH, deltaL, remH, remL);
    if (cmp(r.h, r.l, kappaH, kappaL) < 0) return;
    add(remH, remL, kappaH, kappaL);
    const sumH = r.h, sumL = r.l;
    if (cmp(sumH, sumL, fracH, fracL) >= 0) {
      sub(fracH, fracL, remH, remL);
      const leftH = r.h, leftL = r.l;
      sub(sumH, sumL, fracH, fracL);
      if (cmp(leftH, leftL, r.h, r.l) <= 0) return;
    }
    digits[n - 1]--;
    remH = sumH;
    remL = sumL;
  }
}

/** Decimal exponent K of the last grisu2() result: value = digits × 10^K. */
let lastK = 0;

/** Grisu2 (fpconv's grisu2 + generate_digits) for finite d > 0: fills `digits`, returns their count. */
function grisu2(d: number, digits: number[]): number {
  view.setFloat64(0, d);
  const bitsHi = view.getUint32(0);
  let fh = bitsHi & 0xfffff;
  let fl = view.getUint32(4);
  let exp = (bitsHi >>> 20) & 0x7ff;
  if (exp !== 0) {
    fh += 0x100000; // hidden bit 52
    exp -= 1075;
  } else {
    exp = -1074;
  }

  // Boundaries: upper = (f << 1) + 1 and lower = (f << 1 or 2) - 1, normalized to 64 bits with
  // a common exponent.
  shl(fh, fl, 1);
  let uh = r.h, ul = r.l + 1;
  let uexp = exp - 1;
  while (uh < 0x200000) { // bit 53 clear
    shl(uh, ul, 1);
    uh = r.h;
    ul = r.l;
    uexp--;
  }
  shl(uh, ul, 10);
  uh = r.h;
  ul = r.l;
  uexp -= 10;
  const lShift = fh === 0x100000 && fl === 0 ? 2 : 1;
  shl(fh, fl, lShift);
  sub(r.h, r.l, 0, 1);
  shl(r.h, r.l, exp - lShift - uexp);
  let lh = r.h, ll = r.l;

  // Normalize w.
  while (fh < 0x100000) {
    shl(fh, fl, 1);
    fh = r.h;
    fl = r.l;
    exp--;
  }
  shl(fh, fl, 11);
  fh = r.h;
  fl = r.l;

  const idx = cachedPowerIndex(uexp);
  const ch = POW_HI[idx], cl = POW_LO[idx];
  multiply(fh, fl, ch, cl);
  const wh = r.h, wl = r.l;
  multiply(uh, ul, ch, cl);
  sub(r.h, r.l, 0, 1);
  uh = r.h;
  ul = r.l;
  multiply(lh, ll, ch, cl);
  add(r.h, r.l, 0, 1);
  lh = r.h;
  ll = r.l;
  const K = -(FIRST_POWER + idx * STEP_POWERS);

  // Digit generation. `one` = 2^e with e in [32, 60]: its high half is 2^(e - 32).
  const e = -(uexp + POW_EXP[idx] + 64);
  const es = e - 32;
  const oneH = 2 ** es;
  sub(uh, ul, wh, wl);
  let wfH = r.h, wfL = r.l;
  sub(uh, ul, lh, ll);
  let deltaH = r.h, deltaL = r.l;
  let part1 = uh >>> es;
  let p2h = (uh & (oneH - 1)) >>> 0;
  let p2l = ul;
  let n = 0;
  let kappa = 10;
  for (let t = 0; t < 10; t++) {
    const div = TENS[t];
    const digit = Math.floor(part1 / div);
    if (digit !== 0 || n > 0) digits[n++] = digit;
    part1 -= digit * div;
    kappa--;
    // tmp = (part1 << e) + part2; part1 < 2^(64 - e) here, so the high half stays below 2^32.
    const tmpH = part1 * oneH + p2h;
    if (cmp(tmpH, p2l, deltaH, deltaL) <= 0) {
      lastK = K + kappa;
      roundDigit(digits, n, deltaH, deltaL, tmpH, p2l, div * oneH, 0, wfH, wfL);
      return n;
    }
  }
  for (;;) {
    mul10(p2h, p2l);
    p2h = r.h;
    p2l = r.l;
    mul10(deltaH, deltaL);
    deltaH = r.h;
    deltaL = r.l;
    mul10(wfH, wfL); // wfrac × unit, one more power of ten per digit
    wfH = r.h;
    wfL = r.l;
    kappa--;
    const digit = p2h >>> es;
    if (digit !== 0 || n > 0) digits[n++] = digit;
    p2h -= digit * oneH;
    if (cmp(p2h, p2l, deltaH, deltaL) < 0) {
      lastK = K + kappa;
      roundDigit(digits, n, deltaH, deltaL, p2h, p2l, oneH, 0, wfH, wfL);
      return n;
    }
  }
}

function digitString(digits: readonly number[], from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i++) s += String.fromCharCode(48 + digits[i]);
  return s;
}

/** fpconv's emit_digits: plain, fixed or exponent notation (spec CONV-13). */
function emitDigits(digits: readonly number[], ndigits: number, K: number, neg: boolean): string {
  let exp = Math.abs(K + ndigits - 1);
  if (K >= 0 && exp < ndigits + 7) return digitString(digits, 0, ndigits) + "0".repeat(K);
  if (K < 0 && (K > -7 || exp < 4)) {
    const offset = ndigits - Math.abs(K);
    if (offset <= 0) return "0." + "0".repeat(-offset) + digitString(digits, 0, ndigits);
    return digitString(digits, 0, offset) + "." + digitString(digits, offset, ndigits);
  }
  const nd = Math.min(ndigits, 18 - (neg ? 1 : 0));
  let s = String.fromCharCode(48 + digits[0]);
  if (nd > 1) s += "." + digitString(digits, 1, nd);
  s += K + nd - 1 < 0 ? "e-" : "e+";
  // Exponent without leading zeros, except a middle zero after a hundreds digit.
  let cent = 0;
  if (exp > 99) {
    cent = Math.trunc(exp / 100);
    s += String(cent);
    exp -= cent * 100;
  }
  if (exp > 9) {
    const dec = Math.trunc(exp / 10);
    s += String(dec);
    exp -= dec * 10;
  } else if (cent) {
    s += "0";
  }
  return s + String(exp % 10);
}

const scratch: number[] = [];

/**
 * Formats a double exactly as Valkey's `d2string` does (spec CONV-13).
 *
 * @param d The value.
 * @returns `nan`, `inf`, `-inf`, `0`, `-0`, integer digits for integral values within ±2^62, or
 *   fpconv_dtoa's Grisu2 text (`0.1`, `1.5e-7`, `1.2345678901234567e+4`, `1e+300`).
 * @example Format doubles like Valkey
 * ```ts
 * import { formatDouble } from "./double.ts";
 * formatDouble(3.0); // "3"
 * formatDouble(0.1); // "0.1"
 * formatDouble(12345.678901234567); // "1.2345678901234567e+4"
 * ```
 */
export function formatDouble(d: number): string {
  if (d !== d) return "nan";
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  if (d >= -TWO_62 && d <= TWO_62 && Number.isInteger(d)) {
    // Beyond 2^53 `String(d)` gives the shortest round-trip digits, bigint the exact integer.
    return d >= -Number.MAX_SAFE_INTEGER && d <= Number.MAX_SAFE_INTEGER
      ? String(d)
      : BigInt(d).toString();
  }
  const neg = d < 0;
  const ndigits = grisu2(neg ? -d : d, scratch);
  const text = emitDigits(scratch, ndigits, lastK, neg);
  return neg ? "-" + text : text;
}
