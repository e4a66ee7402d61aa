/**
 * Key → cluster slot: CRC16-XMODEM of the key (or of its hash tag) modulo 16384, as Valkey's
 * cluster.c keyHashSlot computes it (scripting.md CLU-1, CLU-2).
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";

/** Number of hash slots in a Valkey cluster. */
export const SLOT_COUNT = 16384;

// CRC16-XMODEM (polynomial 0x1021, init 0, no reflection, no final XOR), one table lookup a byte.
const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
  TABLE[i] = crc & 0xffff;
}

/**
 * CRC16-XMODEM of bytes [start, end) of a byte string.
 *
 * @param data A byte string (code units 0..255).
 * @param start First byte (default 0).
 * @param end One past the last byte (default the length).
 * @returns The checksum, 0..65535.
 * @example The standard check value
 * ```ts
 * import { crc16 } from "./slot.ts";
 * console.assert(crc16("123456789") === 0x31c3);
 * ```
 */
export function crc16(data: Bytes, start = 0, end: number = data.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) & 0xff00) ^ TABLE[((crc >> 8) ^ data.charCodeAt(i)) & 0xff];
  }
  return crc;
}

/**
 * The hash slot of a key: only the hash tag is hashed when the key has one (the bytes between the
 * first `{` and the first `}` after it, when there is at least one byte between them).
 *
 * @param key The key as a byte string.
 * @returns The slot, 0..16383.
 * @example Keys sharing a hash tag share a slot
 * ```ts
 * import { keySlot } from "./slot.ts";
 * console.assert(keySlot("user:{1000}:name") === keySlot("user:{1000}:email")); // 11326
 * ```
 */
export function keySlot(key: Bytes): number {
  const open = key.indexOf("{");
  if (open >= 0) {
    const close = key.indexOf("}", open + 1);
    if (close > open + 1) return crc16(key, open + 1, close) & (SLOT_COUNT - 1);
  }
  return crc16(key) & (SLOT_COUNT - 1);
}
