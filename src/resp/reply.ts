/**
 * The Reply union: what every command returns, whatever the caller (RESP encoder, Lua bridge, JSON
 * encoder). It keeps RESP3 types; the RESP2 encoder downgrades them the way Valkey does.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";

/** `+text` */
export interface StatusReply {
  readonly type: "status";
  readonly value: Bytes;
}
/** `-CODE message`: the text without the leading `-`. */
export interface ErrorReply {
  readonly type: "error";
  readonly value: Bytes;
}
/** `:n`: a bigint when the value is outside the safe-integer range. */
export interface IntegerReply {
  readonly type: "integer";
  readonly value: number | bigint;
}
/** `$n\r\n…` */
export interface BulkReply {
  readonly type: "bulk";
  readonly value: Bytes;
}
/**
 * Null. RESP3 has one null (`_`); RESP2 has two, so `array` says which one Valkey would send
 * (`*-1` when true, `$-1` otherwise).
 */
export interface NullReply {
  readonly type: "null";
  readonly array?: boolean;
}
/** `*n` */
export interface ArrayReply {
  readonly type: "array";
  readonly value: readonly Reply[];
}
/** `%n` (RESP2: a flat array of 2n elements). */
export interface MapReply {
  readonly type: "map";
  readonly value: readonly (readonly [Reply, Reply])[];
}
/** `~n` (RESP2: array). */
export interface SetReply {
  readonly type: "set";
  readonly value: readonly Reply[];
}
/** `,d` (RESP2: bulk string of the same text). */
export interface DoubleReply {
  readonly type: "double";
  readonly value: number;
}
/** `#t` / `#f` (RESP2: `:1` / `:0`). */
export interface BooleanReply {
  readonly type: "boolean";
  readonly value: boolean;
}
/** `(digits` (RESP2: bulk string). */
export interface BigNumberReply {
  readonly type: "bignum";
  readonly value: string;
}
/** `=len\r\nfmt:text` (RESP2: bulk string of the text only). */
export interface VerbatimReply {
  readonly type: "verbatim";
  readonly format: string;
  readonly value: Bytes;
}
/** `>n` (RESP2: array). */
export interface PushReply {
  readonly type: "push";
  readonly value: readonly Reply[];
}
/** `|n` attributes followed by the real reply (RESP2 sends only the real reply). */
export interface AttributeReply {
  readonly type: "attribute";
  readonly attributes: readonly (readonly [Reply, Reply])[];
  readonly value: Reply;
}

/** Every reply a command can produce. */
export type Reply =
  | StatusReply
  | ErrorReply
  | IntegerReply
  | BulkReply
  | NullReply
  | ArrayReply
  | MapReply
  | SetReply
  | DoubleReply
  | BooleanReply
  | BigNumberReply
  | VerbatimReply
  | PushReply
  | AttributeReply;

// Constructors. Frequent constant replies are shared frozen objects (no allocation on hot paths).

/** `+OK` */
export const OK: StatusReply = Object.freeze({ type: "status", value: "OK" });
/** `+QUEUED` */
export const QUEUED: StatusReply = Object.freeze({ type: "status", value: "QUEUED" });
/** `$-1` / `_` */
export const NULL: NullReply = Object.freeze({ type: "null" });
/** `*-1` / `_` */
export const NULL_ARRAY: NullReply = Object.freeze({ type: "null", array: true });
/** `*0` */
export const EMPTY_ARRAY: ArrayReply = Object.freeze({ type: "array", value: Object.freeze([]) });

const SMALL_INTS: IntegerReply[] = [];
for (let i = -1; i <= 1024; i++) SMALL_INTS.push(Object.freeze({ type: "integer", value: i }));

/** Integer reply; values outside the safe range must be passed as bigint. */
export function int(n: number | bigint): IntegerReply {
  if (typeof n === "number") {
    if (n >= -1 && n <= 1024 && Number.isInteger(n)) return SMALL_INTS[n + 1];
    return { type: "integer", value: n };
  }
  if (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return int(Number(n));
  }
  return { type: "integer", value: n };
}
/** Bulk string reply. */
export function bulk(b: Bytes): BulkReply {
  return { type: "bulk", value: b };
}
/** Bulk string reply or null when undefined. */
export function bulkOrNull(b: Bytes | undefined | null): BulkReply | NullReply {
  return b === undefined || b === null ? NULL : { type: "bulk", value: b };
}
/** Status (simple string) reply. */
export function status(s: Bytes): StatusReply {
  return s === "OK" ? OK : { type: "status", value: s };
}
/** Error reply: `text` is the full text with its code (`ERR …`, `WRONGTYPE …`). */
export function error(text: Bytes): ErrorReply {
  return { type: "error", value: text };
}
/** Array reply. */
export function array(items: readonly Reply[]): ArrayReply {
  return { type: "array", value: items };
}
/** Array of bulk strings. */
export function bulkArray(items: readonly Bytes[]): ArrayReply {
  return { type: "array", value: items.map(bulk) };
}
/** Map reply. */
export function map(entries: readonly (readonly [Reply, Reply])[]): MapReply {
  return { type: "map", value: entries };
}
/** Set reply. */
export function set(items: readonly Reply[]): SetReply {
  return { type: "set", value: items };
}
/** Double reply. */
export function double(d: number): DoubleReply {
  return { type: "double", value: d };
}
/** Boolean reply. */
export function bool(b: boolean): BooleanReply {
  return { type: "boolean", value: b };
}
/** Verbatim string reply (`format` is three characters, e.g. `txt`). */
export function verbatim(format: string, text: Bytes): VerbatimReply {
  return { type: "verbatim", format, value: text };
}
