/**
 * The reading side of the Upstash REST dialect, for its clients (evalkit's HTTP transport and the
 * test-kit's HTTP target): an answer's JSON text and `result` value back to a {@link Reply}, in
 * base64 mode (`Upstash-Encoding: base64`): the inverse of json.ts's `replyToJson` as far as JSON
 * can tell types apart.
 *
 * `null` → null; numbers → integers (beyond 2^53 exact, as bigints, where the runtime exposes
 * number source text to `JSON.parse` revivers); strings → bulk strings (base64 decoded) except a
 * top-level `OK`, the one string the dialect leaves as is, which is the status; arrays nested.
 *
 * @module
 */

import type { Reply } from "../resp/reply.ts";

/**
 * JSON.parse keeping integers beyond 2^53 exact (as bigints) where the runtime exposes number
 * source text (Deno, Bun; not Node 20, which rounds them).
 *
 * @param text An answer body.
 * @returns The JSON value.
 * @throws {SyntaxError} When the text is not JSON.
 */
export function parseAnswerJson(text: string): unknown {
  // A reviver makes JSON.parse recurse once per nesting level, too deep for CONV-9's reply: use
  // it only when the text may hold an integer beyond 2^53 (16 digits or more in a row).
  if (!/[0-9]{16}/.test(text)) return JSON.parse(text);
  return JSON.parse(text, (_key, value, context?: { source?: string }) => {
    if (typeof value === "number" && !Number.isSafeInteger(value)) {
      const source = context?.source;
      if (source !== undefined && /^-?[0-9]+$/.test(source)) return BigInt(source);
    }
    return value;
  });
}

/**
 * The JSON value of a `result` field (base64 mode) as a reply.
 *
 * @param value A value from {@link parseAnswerJson}.
 * @returns The reply.
 * @throws {SyntaxError} When the value (or an element) is not null, a number, a string or an
 * array; the message names it.
 */
export function jsonToReply(value: unknown): Reply {
  return scalarToReply(value, true);
}

function scalarToReply(value: unknown, top: boolean): Reply {
  if (value === null) return { type: "null" };
  if (typeof value === "number" || typeof value === "bigint") return { type: "integer", value };
  if (typeof value === "string") {
    if (top && value === "OK") return { type: "status", value: "OK" };
    return { type: "bulk", value: atob(value) };
  }
  if (Array.isArray(value)) return arrayToReply(value);
  throw new SyntaxError(`unexpected value in an answer: ${JSON.stringify(value)}`);
}

// With an explicit stack, not recursion: replies can be nested thousands of levels deep (CONV-9).
function arrayToReply(root: readonly unknown[]): Reply {
  const stack: { items: readonly unknown[]; out: Reply[] }[] = [{ items: root, out: [] }];
  for (;;) {
    const f = stack[stack.length - 1];
    if (f.out.length === f.items.length) {
      stack.pop();
      const r: Reply = { type: "array", value: f.out };
      if (stack.length === 0) return r;
      stack[stack.length - 1].out.push(r);
    } else {
      const v = f.items[f.out.length];
      if (Array.isArray(v)) stack.push({ items: v, out: [] });
      else f.out.push(scalarToReply(v, false));
    }
  }
}
