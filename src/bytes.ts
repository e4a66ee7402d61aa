/**
 * The one byte representation of the core: a "byte string", a JS string whose code units are all
 * 0..255 (one unit per byte). Byte strings work as Map keys and `<` on two of them is memcmp order,
 * which ZRANGEBYLEX and SORT ALPHA need. Every boundary (RESP, Lua, HTTP, user API) converts here
 * and nowhere else.
 *
 * @module
 */

/** A binary-safe string: each code unit is one byte (0..255). */
export type Bytes = string;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8");

/** Converts raw bytes to a byte string. */
export function fromUint8(u8: Uint8Array, start = 0, end = u8.length): Bytes {
  const n = end - start;
  if (n <= 0) return "";
  if (n < 1024) {
    let s = "";
    for (let i = start; i < end; i++) s += String.fromCharCode(u8[i]);
    return s;
  }
  // Chunked apply keeps large values fast without a per-byte string concat.
  let s = "";
  for (let i = start; i < end; i += 8192) {
    s += String.fromCharCode.apply(
      null,
      u8.subarray(i, Math.min(end, i + 8192)) as unknown as number[],
    );
  }
  return s;
}

/** Converts a byte string to raw bytes. */
export function toUint8(b: Bytes): Uint8Array {
  const n = b.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = b.charCodeAt(i);
  return out;
}

/** Writes a byte string into `out` at `offset`; returns the offset after it. */
export function writeBytes(b: Bytes, out: Uint8Array, offset: number): number {
  const n = b.length;
  for (let i = 0; i < n; i++) out[offset + i] = b.charCodeAt(i);
  return offset + n;
}

/** Encodes a JS (UTF-16) string as UTF-8 and returns it as a byte string. */
export function fromUtf8(s: string): Bytes {
  // ASCII is already its own byte string: skip the encoder on the common path.
  if (isAscii(s)) return s;
  return fromUint8(utf8Encoder.encode(s));
}

/** Decodes a byte string as UTF-8 (invalid sequences become U+FFFD). */
export function toUtf8(b: Bytes): string {
  if (isAscii(b)) return b;
  return utf8Decoder.decode(toUint8(b));
}

/** True when every code unit is below 0x80. */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** ASCII-only lower-casing (A–Z), as Valkey's strcasecmp and sha lookups do. */
export function asciiLower(b: Bytes): Bytes {
  let i = 0;
  for (; i < b.length; i++) {
    const c = b.charCodeAt(i);
    if (c >= 65 && c <= 90) break;
  }
  if (i === b.length) return b;
  let out = b.slice(0, i);
  for (; i < b.length; i++) {
    const c = b.charCodeAt(i);
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : b[i];
  }
  return out;
}

/** ASCII-only upper-casing (a–z). */
export function asciiUpper(b: Bytes): Bytes {
  let out = "";
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    out += c >= 97 && c <= 122 ? String.fromCharCode(c - 32) : b[i];
  }
  return out;
}

/** Case-insensitive (ASCII) equality, the way Valkey compares option words. */
export function eqIgnoreCase(a: Bytes, lowerB: string): boolean {
  if (a.length !== lowerB.length) return false;
  for (let i = 0; i < a.length; i++) {
    let c = a.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lowerB.charCodeAt(i)) return false;
  }
  return true;
}
