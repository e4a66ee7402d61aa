/**
 * What the client hands back: replies mapped to plain JS values, and arguments mapped to bytes.
 *
 * | reply (RESP3 name)          | JS value, `decoder: "string"` (default) | `decoder: "bytes"` |
 * |-----------------------------|-----------------------------------------|--------------------|
 * | bulk string, verbatim       | `string` (bytes decoded as UTF-8)        | `Uint8Array`       |
 * | simple string (`+OK`)       | `string`                                 | `string`           |
 * | integer                     | `number`; `bigint` beyond ±2^53−1        | same               |
 * | double                      | `number`                                 | same               |
 * | big number                  | `bigint`                                 | same               |
 * | boolean                     | `boolean`                                | same               |
 * | null (`_`, `$-1`, `*-1`)    | `null`                                   | same               |
 * | array, set, push            | `Array`                                  | same               |
 * | map                         | plain object; keys as UTF-8 strings      | same               |
 * | error inside an aggregate   | {@link RequestError} in place            | same               |
 *
 * A top-level error reply is thrown as a {@link RequestError} instead. The shape of protocol-
 * dependent replies follows the connection's protocol: clients negotiate RESP3 (HELLO 3), where a
 * script's `{double=…}` is a double and `true` stays `1`; RESP2 connections (fallback, or the HTTP
 * dialect) see doubles as bulk strings and maps as flat arrays, exactly as a RESP2 client would.
 *
 * @module
 */

import { type Bytes, fromUint8, fromUtf8, toUint8, toUtf8 } from "../bytes.ts";
import type { ErrorReply, Reply } from "../resp/reply.ts";
import { type RequestError, requestError } from "./errors.ts";

/** How bulk strings are returned: UTF-8 decoded strings or raw bytes (GLIDE's `Decoder`). */
export const Decoder = {
  /** Bulk strings as JS strings, decoded as UTF-8 (invalid sequences become U+FFFD). */
  String: "string",
  /** Bulk strings as `Uint8Array`, byte for byte. */
  Bytes: "bytes",
} as const;
/** `"string"` or `"bytes"`. */
export type Decoder = typeof Decoder[keyof typeof Decoder];

/** A key or argument: a string (sent as its UTF-8 bytes) or raw bytes. */
export type GlideString = string | Uint8Array;

/** A decoded reply (see the module table). */
export type ClientValue =
  | null
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | RequestError
  | ClientValue[]
  | { [key: string]: ClientValue };

/**
 * The byte string sent for a key or argument.
 *
 * @param arg A string (UTF-8 encoded) or bytes.
 * @returns The byte string.
 */
export function toBytes(arg: GlideString): Bytes {
  if (typeof arg === "string") return fromUtf8(arg);
  if (arg instanceof Uint8Array) return fromUint8(arg);
  throw new TypeError(`expected a string or Uint8Array argument, got ${typeof arg}`);
}

/**
 * Maps a reply to a JS value; an error reply becomes a {@link RequestError} value (not thrown).
 *
 * @param reply The reply.
 * @param decoder How bulk strings are returned.
 * @returns The JS value.
 */
export function decodeReply(reply: Reply, decoder: Decoder = "string"): ClientValue {
  while (reply.type === "attribute") reply = reply.value;
  switch (reply.type) {
    case "bulk":
    case "verbatim":
      return decoder === "bytes" ? toUint8(reply.value) : toUtf8(reply.value);
    case "status":
      return toUtf8(reply.value);
    case "error":
      return requestError(toUtf8(reply.value));
    case "integer":
    case "double":
    case "boolean":
      return reply.value;
    case "bignum":
      return BigInt(reply.value);
    case "null":
      return null;
    case "array":
    case "set":
    case "push":
    case "map":
      return decodeAggregate(reply, decoder);
  }
}

/** An aggregate being decoded: its elements, the next one, what was decoded so far. */
interface Frame {
  readonly items: readonly Reply[] | undefined;
  /** For a map: its entries; `out` collects `[key, value]` pairs. */
  readonly pairs: readonly (readonly [Reply, Reply])[] | undefined;
  readonly out: unknown[];
  next: number;
  /** For a map: the key of the value being decoded. */
  key: string;
}

function frame(r: Reply): Frame | undefined {
  switch (r.type) {
    case "array":
    case "set":
    case "push":
      return { items: r.value, pairs: undefined, out: [], next: 0, key: "" };
    case "map":
      return { items: undefined, pairs: r.value, out: [], next: 0, key: "" };
    default:
      return undefined;
  }
}

/** Appends a decoded element to its aggregate. */
function put(f: Frame, value: ClientValue): void {
  f.out.push(f.pairs === undefined ? value : [f.key, value]);
}

/**
 * Decodes an aggregate depth first with an explicit stack rather than recursion: a script can
 * return replies nested thousands of levels deep (CONV-9), more than the JS stack holds in Deno.
 */
function decodeAggregate(root: Reply, decoder: Decoder): ClientValue {
  const stack: Frame[] = [frame(root)!];
  for (;;) {
    const f = stack[stack.length - 1];
    const n = f.items !== undefined ? f.items.length : f.pairs!.length;
    if (f.next === n) {
      stack.pop();
      // fromEntries defines own properties, so a `__proto__` key is data, not a prototype.
      const value = f.pairs === undefined
        ? f.out as ClientValue[]
        : Object.fromEntries(f.out as [string, ClientValue][]);
      const parent = stack[stack.length - 1];
      if (parent === undefined) return value;
      put(parent, value);
      continue;
    }
    let item: Reply;
    if (f.items !== undefined) {
      item = f.items[f.next++];
    } else {
      const [k, v] = f.pairs![f.next++];
      f.key = mapKey(k);
      item = v;
    }
    while (item.type === "attribute") item = item.value;
    const inner = frame(item);
    if (inner === undefined) put(f, decodeReply(item, decoder));
    else stack.push(inner);
  }
}

/**
 * Maps a reply to a JS value, throwing a top-level error reply as a {@link RequestError}.
 *
 * @param reply The reply.
 * @param decoder How bulk strings are returned.
 * @returns The JS value.
 */
export function valueOrThrow(reply: Reply, decoder: Decoder = "string"): ClientValue {
  if (reply.type === "error") throw requestError(toUtf8(reply.value));
  return decodeReply(reply, decoder);
}

/**
 * The typed error for an error reply.
 *
 * @param reply An error reply.
 * @returns A RequestError (ExecAbortError for EXECABORT) carrying the server's text and code.
 */
export function replyError(reply: ErrorReply): RequestError {
  return requestError(toUtf8(reply.value));
}

function mapKey(key: Reply): string {
  switch (key.type) {
    case "bulk":
    case "status":
    case "verbatim":
      return toUtf8(key.value);
    case "integer":
    case "double":
    case "boolean":
    case "bignum":
      return String(key.value);
    case "null":
      return "null";
    default:
      return JSON.stringify(decodeReply(key), (_k, v) => typeof v === "bigint" ? String(v) : v);
  }
}

/**
 * The error text of an error reply, or undefined.
 *
 * @param reply Any reply.
 * @returns The text, as the server sent it.
 */
export function errorText(reply: Reply): string | undefined {
  return reply.type === "error" ? toUtf8(reply.value) : undefined;
}

/**
 * The code (first word) of an error reply, or undefined for other replies.
 *
 * @param reply Any reply.
 * @returns `NOSCRIPT`, `MOVED`, `ERR`…
 */
export function errorCode(reply: Reply): string | undefined {
  if (reply.type !== "error") return undefined;
  const space = reply.value.indexOf(" ");
  return space < 0 ? reply.value : reply.value.slice(0, space);
}
