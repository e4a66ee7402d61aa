/**
 * The JSON side of the Upstash REST dialect: request bodies and URL parts to argv (byte strings),
 * and replies to JSON text shaped as RESP2 would send them.
 *
 * Requests: JSON strings are UTF-8 encoded; JSON numbers become their literal text as written
 * (`1.10` stays `1.10`, integers beyond 2^53 keep every digit) where the runtime exposes the source
 * text to `JSON.parse` revivers (Deno, Bun), else the shortest round-trip text (`String(n)`, Node
 * 20); `true` / `false` become `true` / `false`. Anything else in a command is refused.
 *
 * Replies: null (both RESP2 nulls) → `null`; integers → JSON numbers with every digit (even beyond
 * 2^53, where a JS client's `JSON.parse` rounds); bulk, status, double (Valkey's text), big
 * number and verbatim → strings; arrays, sets, pushes nested; maps flattened to `[k, v, …]`;
 * booleans → `1` / `0`; attributes dropped. Errors inside an array become strings. Strings are
 * UTF-8 decoded (invalid sequences → U+FFFD) or, with `Upstash-Encoding: base64`, the base64 of
 * their bytes — every string at any depth except a top-level `OK` status.
 *
 * @module
 */

import { type Bytes, fromUtf8, toUtf8 } from "../bytes.ts";
import { formatDouble } from "../resp/double.ts";
import type { Reply } from "../resp/reply.ts";

/** A command as argv, or the reason it is not one. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | {
  readonly ok: false;
  readonly reason: "json" | "shape";
};

// Does JSON.parse hand revivers the source text of primitives (TC39 "JSON.parse source text
// access")? Deno and Bun: yes; Node 20: no.
const SOURCE_TEXT = (() => {
  try {
    return JSON.parse("[1.10]", (_k, v, ctx?: { source?: string }) => {
      return typeof v === "number" ? ctx?.source : v;
    })[0] === "1.10";
  } catch {
    return false;
  }
})();

/** Reviver that replaces every number with its literal text. */
function numberSource(_key: string, value: unknown, ctx?: { source?: string }): unknown {
  return typeof value === "number" && ctx?.source !== undefined ? ctx.source : value;
}

/**
 * Parses a JSON body. Numbers keep their literal text (as strings) when the runtime allows it.
 *
 * @param text The body as text.
 * @returns The JSON value, or undefined when the text is not JSON.
 */
export function parseJson(text: string): { value: unknown } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  // The fast parse first: a second, source-preserving parse only when a number is in there.
  if (SOURCE_TEXT && hasNumber(value, 0)) value = JSON.parse(text, numberSource);
  return { value };
}

function hasNumber(v: unknown, depth: number): boolean {
  if (typeof v === "number") return true;
  if (!Array.isArray(v) || depth > 1) return false;
  for (const x of v) if (hasNumber(x, depth + 1)) return true;
  return false;
}

/**
 * One command from a JSON value: a non-empty array of strings, numbers and booleans.
 *
 * @param value A value from {@link parseJson}.
 * @returns argv, or undefined when the value is not a command.
 */
export function toArgv(value: unknown): Bytes[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const argv: Bytes[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    switch (typeof v) {
      case "string":
        argv[i] = fromUtf8(v);
        break;
      case "number":
        argv[i] = String(v);
        break;
      case "boolean":
        argv[i] = v ? "true" : "false";
        break;
      default:
        return undefined;
    }
  }
  return argv;
}

/**
 * A list of commands (`/pipeline`, `/multi-exec`): a non-empty array of commands.
 *
 * @param value A value from {@link parseJson}.
 * @returns The argvs, or undefined when any element is not a command.
 */
export function toArgvList(value: unknown): Bytes[][] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const out: Bytes[][] = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const argv = toArgv(value[i]);
    if (argv === undefined) return undefined;
    out[i] = argv;
  }
  return out;
}

/**
 * Percent-decodes a URL part to bytes (`%FF` is the byte 0xFF, invalid escapes stay as typed).
 * Characters outside ASCII (a URL that was not percent-encoded) are UTF-8 encoded.
 *
 * @param s The raw (still encoded) path segment or query component.
 * @param plusIsSpace True for query components (`+` means a space there).
 * @returns The byte string.
 */
export function percentDecode(s: string, plusIsSpace: boolean): Bytes {
  if (!s.includes("%") && !(plusIsSpace && s.includes("+"))) return fromUtf8(s);
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 && i + 2 < s.length && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === 43 && plusIsSpace) {
      out += " ";
    } else if (c < 0x80) {
      out += s[i];
    } else {
      // A raw non-ASCII character: its UTF-8 bytes (a surrogate pair is one character).
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      out += fromUtf8(ch);
      i += ch.length - 1;
    }
  }
  return out;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/**
 * Query parameters as raw bytes, in order (`a=1&b` → `[["a", "1"], ["b", ""]]`).
 *
 * @param search The raw query string, with or without its leading `?`.
 * @returns Name / value pairs.
 */
export function parseQuery(search: string): [Bytes, Bytes][] {
  const q = search.startsWith("?") ? search.slice(1) : search;
  if (q === "") return [];
  const out: [Bytes, Bytes][] = [];
  for (const part of q.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? "" : part.slice(eq + 1);
    out.push([percentDecode(name, true), percentDecode(value, true)]);
  }
  return out;
}

/** CR and LF inside a status, error or big number become spaces, as on the RESP wire. */
function lineText(b: Bytes): Bytes {
  return b.includes("\r") || b.includes("\n") ? b.replace(/[\r\n]/g, " ") : b;
}

/** A JSON string literal for bytes: base64 of the bytes, or their UTF-8 decoding. */
function str(b: Bytes, base64: boolean): string {
  // btoa takes a "binary string", which is exactly a byte string.
  return base64 ? `"${btoa(b)}"` : JSON.stringify(toUtf8(b));
}

/**
 * Encodes a reply as the JSON value of a `result` field.
 *
 * @param reply The reply (any RESP2 or RESP3 type; RESP3 types are downgraded as RESP2 does).
 * @param base64 True for `Upstash-Encoding: base64`.
 * @param top True at the top level (only there is an `OK` status left as is in base64 mode).
 * @returns JSON text.
 */
export function replyToJson(reply: Reply, base64: boolean, top = true): string {
  while (reply.type === "attribute") reply = reply.value;
  switch (reply.type) {
    case "status":
      if (top && base64 && reply.value === "OK") return '"OK"';
      return str(lineText(reply.value), base64);
    case "error":
      return str(lineText(reply.value), base64);
    case "integer": {
      const n = reply.value;
      if (typeof n === "bigint" || Number.isSafeInteger(n)) return String(n);
      return BigInt(Math.trunc(Number.isFinite(n) ? n : 0)).toString();
    }
    case "bulk":
    case "verbatim":
      return str(reply.value, base64);
    case "null":
      return "null";
    case "array":
    case "set":
    case "push":
    case "map":
      return list(reply, base64);
    case "double":
      return str(formatDouble(reply.value), base64);
    case "boolean":
      return reply.value ? "1" : "0";
    case "bignum":
      return str(lineText(reply.value), base64);
  }
}

/** An array being written: its elements (a map's entries flattened: `pairs[i >> 1][i & 1]`). */
interface Frame {
  readonly items: readonly Reply[] | undefined;
  readonly pairs: readonly (readonly [Reply, Reply])[] | undefined;
  next: number;
  readonly end: number;
}

function frame(r: Reply): Frame | undefined {
  switch (r.type) {
    case "array":
    case "set":
    case "push":
      return { items: r.value, pairs: undefined, next: 0, end: r.value.length };
    case "map":
      return { items: undefined, pairs: r.value, next: 0, end: r.value.length * 2 };
    default:
      return undefined;
  }
}

/**
 * An aggregate as a JSON array, depth first with an explicit stack rather than recursion: a
 * script can return replies nested thousands of levels deep (CONV-9), more than the JS stack
 * holds under Deno.
 */
function list(root: Reply, base64: boolean): string {
  const stack: Frame[] = [frame(root)!];
  let s = "[";
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    if (f.next === f.end) {
      stack.pop();
      s += "]";
      continue;
    }
    const i = f.next++;
    if (i > 0) s += ",";
    let item = f.items !== undefined ? f.items[i] : f.pairs![i >> 1][i & 1];
    while (item.type === "attribute") item = item.value;
    const inner = frame(item);
    if (inner === undefined) {
      s += replyToJson(item, base64, false);
    } else {
      stack.push(inner);
      s += "[";
    }
  }
  return s;
}

/**
 * The body of one command's answer: `{"result":…}` or `{"error":"…"}` (errors never base64).
 *
 * @param reply The reply.
 * @param base64 True for `Upstash-Encoding: base64`.
 * @returns JSON text.
 */
export function resultObject(reply: Reply, base64: boolean): string {
  if (reply.type === "error") return errorObject(reply.value);
  return `{"result":${replyToJson(reply, base64)}}`;
}

/**
 * `{"error":"…"}` for an error text (bytes, UTF-8 decoded; CR/LF become spaces).
 *
 * @param text The error text.
 * @returns JSON text.
 */
export function errorObject(text: Bytes): string {
  return `{"error":${JSON.stringify(toUtf8(lineText(text)))}}`;
}
