/**
 * RESP2 / RESP3 reply encoder. RESP3-only types are downgraded for RESP2 clients exactly as Valkey
 * does: map → flat array of 2n, set and push → array, double → bulk string of its text, boolean →
 * `:1` / `:0`, big number and verbatim string → bulk string, attribute → only the reply.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { formatDouble } from "./double.ts";
import type { Reply } from "./reply.ts";

const CR = 13;
const LF = 10;
const SPACE = 32;
const INITIAL_SIZE = 16 * 1024;
// Above this, take() hands the buffer over instead of copying it out.
const HANDOFF_SIZE = 64 * 1024;
// Below this, a charCodeAt loop beats TextEncoder.encodeInto (measured in Deno and Bun).
const ENCODE_INTO_MIN = 64;
const EMPTY = new Uint8Array(0);
const utf8 = new TextEncoder();
/**
 * Nesting levels written by plain recursion (the fast path); deeper levels go through an explicit
 * stack, since a script can return replies nested thousands of levels deep (CONV-9: about 8000
 * for a self-referencing table), more than the JS stack holds under Deno.
 */
const MAX_RECURSION = 32;
const NO_ITEMS: readonly Reply[] = Object.freeze([]);

/** An aggregate being written by the explicit stack: its elements, the next one to write. */
interface Frame {
  readonly items: readonly Reply[];
  /** Map and attribute entries instead of items: element i is `pairs[i >> 1][i & 1]`. */
  readonly pairs: readonly (readonly [Reply, Reply])[] | undefined;
  next: number;
  readonly end: number;
}

/**
 * A growable output buffer that RESP-encodes replies back to back, for pipelines: one buffer, no
 * per-reply allocation for the common replies (`+OK`, `:n`, `$n` bulk strings).
 *
 * @example Encode two pipelined replies
 * ```ts
 * import { ReplyWriter } from "./encode.ts";
 * import { OK, int } from "./reply.ts";
 * const w = new ReplyWriter();
 * w.write(OK, 2);
 * w.write(int(42), 2);
 * new TextDecoder().decode(w.take()); // "+OK\r\n:42\r\n"
 * ```
 */
export class ReplyWriter {
  #buf: Uint8Array;
  #pos = 0;

  /** @param initialSize Initial capacity in bytes. */
  constructor(initialSize: number = INITIAL_SIZE) {
    this.#buf = new Uint8Array(initialSize);
  }

  /** Bytes written and not yet taken. */
  get length(): number {
    return this.#pos;
  }

  /**
   * Appends one reply, entirely or not at all: when it throws (a value that is not a reply),
   * nothing of it stays in the buffer and the writer remains usable.
   *
   * @param reply The reply.
   * @param resp The client's protocol version.
   * @throws {TypeError} For a value that is not a {@link Reply}.
   */
  write(reply: Reply, resp: 2 | 3): void {
    const start = this.#pos;
    try {
      this.#write(reply, resp, 0);
    } catch (e) {
      this.#pos = start;
      throw e;
    }
  }

  /** Writes `reply`, found `depth` aggregates deep. */
  #write(reply: Reply, resp: 2 | 3, depth: number): void {
    switch (reply.type) {
      case "status":
        return this.#line(43, reply.value); // +
      case "error":
        return this.#line(45, reply.value); // -
      case "integer":
        return this.#integer(58, reply.value); // :
      case "bulk":
        return this.#bulk(reply.value);
      case "null":
        if (resp === 3) return this.#raw3(95, CR, LF); // _
        return this.#raw5(reply.array ? 42 : 36, 45, 49, CR, LF); // *-1 / $-1
      case "array": // the depth is checked by aggregates only: scalars pay nothing for it
        if (depth >= MAX_RECURSION) return this.#nested(reply, resp);
        return this.#aggregate(42, reply.value, resp, depth);
      case "set":
        if (depth >= MAX_RECURSION) return this.#nested(reply, resp);
        return this.#aggregate(resp === 3 ? 126 : 42, reply.value, resp, depth); // ~
      case "push":
        if (depth >= MAX_RECURSION) return this.#nested(reply, resp);
        return this.#aggregate(resp === 3 ? 62 : 42, reply.value, resp, depth); // >
      case "map":
        if (depth >= MAX_RECURSION) return this.#nested(reply, resp);
        return this.#map(resp === 3 ? 37 : 0, reply.value, resp, depth); // %
      case "double": {
        const text = formatDouble(reply.value);
        if (resp === 2) return this.#bulk(text);
        return this.#line(44, text); // ,
      }
      case "boolean":
        if (resp === 3) return this.#raw4(35, reply.value ? 116 : 102, CR, LF); // #t / #f
        return this.#raw4(58, reply.value ? 49 : 48, CR, LF);
      case "bignum":
        if (resp === 2) return this.#bulk(sanitize(reply.value));
        return this.#line(40, reply.value); // (
      case "verbatim":
        if (resp === 2) return this.#bulk(reply.value);
        return this.#verbatim(reply.format, reply.value);
      case "attribute":
        if (depth >= MAX_RECURSION) return this.#nested(reply, resp);
        if (resp === 3) this.#map(124, reply.attributes, resp, depth); // |
        return this.#write(reply.value, resp, depth + 1);
      default:
        throw new TypeError(`not a reply: type ${String((reply as { type?: unknown })?.type)}`);
    }
  }

  /**
   * Returns everything written since the last take() and empties the writer. The returned bytes
   * are the caller's: the writer never touches them again.
   *
   * @returns The encoded bytes.
   */
  take(): Uint8Array {
    const n = this.#pos;
    if (n === 0) return EMPTY;
    this.#pos = 0;
    if (n < HANDOFF_SIZE) return this.#buf.slice(0, n);
    const out = this.#buf.subarray(0, n);
    this.#buf = new Uint8Array(INITIAL_SIZE);
    return out;
  }

  #ensure(n: number): void {
    const need = this.#pos + n;
    if (need <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(need, this.#buf.length * 2));
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
  }

  #raw3(a: number, b: number, c: number): void {
    this.#ensure(3);
    const buf = this.#buf, p = this.#pos;
    buf[p] = a;
    buf[p + 1] = b;
    buf[p + 2] = c;
    this.#pos = p + 3;
  }

  #raw4(a: number, b: number, c: number, d: number): void {
    this.#ensure(4);
    const buf = this.#buf, p = this.#pos;
    buf[p] = a;
    buf[p + 1] = b;
    buf[p + 2] = c;
    buf[p + 3] = d;
    this.#pos = p + 4;
  }

  #raw5(a: number, b: number, c: number, d: number, e: number): void {
    this.#ensure(5);
    const buf = this.#buf, p = this.#pos;
    buf[p] = a;
    buf[p + 1] = b;
    buf[p + 2] = c;
    buf[p + 3] = d;
    buf[p + 4] = e;
    this.#pos = p + 5;
  }

  /** `<prefix><text>\r\n` with CR and LF inside the text turned into spaces. */
  #line(prefix: number, text: Bytes): void {
    const n = text.length;
    this.#ensure(n + 3);
    const buf = this.#buf;
    let p = this.#pos;
    buf[p++] = prefix;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      buf[p++] = c === CR || c === LF ? SPACE : c;
    }
    buf[p++] = CR;
    buf[p++] = LF;
    this.#pos = p;
  }

  /** `<prefix><n>\r\n` (prefix 0: no prefix byte). */
  #integer(prefix: number, n: number | bigint): void {
    this.#ensure(25);
    const buf = this.#buf;
    let p = this.#pos;
    if (prefix !== 0) buf[p++] = prefix;
    if (typeof n === "number" && (n | 0) === n) {
      // Digits right to left after counting them: no string for the common small integers.
      let v = n;
      if (v < 0) {
        buf[p++] = 45; // -
        v = -v; // -2^31 stays exact as a double
      }
      let digits = 1;
      for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
      for (let i = p + digits - 1; i >= p; i--) {
        buf[i] = 48 + (v % 10);
        v = (v / 10) | 0;
      }
      p += digits;
    } else {
      const s = typeof n === "bigint" || Number.isSafeInteger(n)
        ? String(n)
        : BigInt(Math.trunc(Number.isFinite(n) ? n : 0)).toString();
      for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    }
    buf[p++] = CR;
    buf[p++] = LF;
    this.#pos = p;
  }

  #bulk(value: Bytes): void {
    const n = value.length;
    this.#integer(36, n); // $
    this.#ensure(n + 2);
    this.#bytes(value);
    const buf = this.#buf;
    buf[this.#pos++] = CR;
    buf[this.#pos++] = LF;
  }

  /** Copies a byte string (room already ensured). */
  #bytes(value: Bytes): void {
    const n = value.length;
    const buf = this.#buf;
    let p = this.#pos;
    if (n >= ENCODE_INTO_MIN) {
      // ASCII is its own UTF-8: if encodeInto consumed every unit, no byte was above 0x7f and
      // the copy is done; otherwise fall back and overwrite.
      const r = utf8.encodeInto(value, buf.subarray(p, p + n));
      if (r.read === n && r.written === n) {
        this.#pos = p + n;
        return;
      }
    }
    for (let i = 0; i < n; i++) buf[p++] = value.charCodeAt(i);
    this.#pos = p;
  }

  #aggregate(prefix: number, items: readonly Reply[], resp: 2 | 3, depth: number): void {
    this.#integer(prefix, items.length);
    for (let i = 0; i < items.length; i++) this.#write(items[i], resp, depth + 1);
  }

  /** RESP3 `%` / `|` maps; prefix 0 means RESP2 (flat array of 2n). */
  #map(
    prefix: number,
    entries: readonly (readonly [Reply, Reply])[],
    resp: 2 | 3,
    depth: number,
  ): void {
    if (prefix === 0) this.#integer(42, entries.length * 2);
    else this.#integer(prefix, entries.length);
    for (let i = 0; i < entries.length; i++) {
      this.#write(entries[i][0], resp, depth + 1);
      this.#write(entries[i][1], resp, depth + 1);
    }
  }

  /** Writes an aggregate and everything in it depth first, with an explicit stack. */
  #nested(root: Reply, resp: 2 | 3): void {
    const stack: Frame[] = [];
    this.#open(root, resp, stack);
    while (stack.length > 0) {
      const f = stack[stack.length - 1];
      if (f.next === f.end) {
        stack.pop();
        continue;
      }
      const i = f.next++;
      const item = f.pairs === undefined ? f.items[i] : f.pairs[i >> 1][i & 1];
      if (isAggregate(item)) this.#open(item, resp, stack);
      else this.#write(item, resp, 0);
    }
  }

  /** Writes an aggregate's header and pushes its elements (an attribute's: then the reply). */
  #open(reply: Reply, resp: 2 | 3, stack: Frame[]): void {
    switch (reply.type) {
      case "array":
        this.#integer(42, reply.value.length); // *
        stack.push({ items: reply.value, pairs: undefined, next: 0, end: reply.value.length });
        return;
      case "set":
        this.#integer(resp === 3 ? 126 : 42, reply.value.length); // ~
        stack.push({ items: reply.value, pairs: undefined, next: 0, end: reply.value.length });
        return;
      case "push":
        this.#integer(resp === 3 ? 62 : 42, reply.value.length); // >
        stack.push({ items: reply.value, pairs: undefined, next: 0, end: reply.value.length });
        return;
      case "map": {
        const n = reply.value.length;
        this.#integer(resp === 3 ? 37 : 42, resp === 3 ? n : n * 2); // % (RESP2: flat array)
        stack.push({ items: NO_ITEMS, pairs: reply.value, next: 0, end: n * 2 });
        return;
      }
      case "attribute": {
        stack.push({ items: [reply.value], pairs: undefined, next: 0, end: 1 });
        if (resp === 2) return; // RESP2 sends only the reply
        const n = reply.attributes.length;
        this.#integer(124, n); // |
        stack.push({ items: NO_ITEMS, pairs: reply.attributes, next: 0, end: n * 2 });
        return;
      }
    }
  }

  /** `=<len+4>\r\nfmt:text\r\n`, the format cut or space-padded to three bytes. */
  #verbatim(format: string, text: Bytes): void {
    this.#integer(61, text.length + 4); // =
    this.#ensure(text.length + 6);
    const buf = this.#buf;
    for (let i = 0; i < 3; i++) buf[this.#pos++] = i < format.length ? format.charCodeAt(i) : SPACE;
    buf[this.#pos++] = 58; // :
    this.#bytes(text);
    buf[this.#pos++] = CR;
    buf[this.#pos++] = LF;
  }
}

function isAggregate(reply: Reply): boolean {
  const t = reply.type;
  return t === "array" || t === "map" || t === "set" || t === "push" || t === "attribute";
}

function sanitize(text: Bytes): Bytes {
  return text.includes("\r") || text.includes("\n") ? text.replace(/[\r\n]/g, " ") : text;
}

const shared = new ReplyWriter();

/**
 * Encodes one reply for a client speaking `resp`.
 *
 * @param reply The reply.
 * @param resp The client's protocol version.
 * @returns The RESP bytes.
 * @example Downgrade a map for a RESP2 client
 * ```ts
 * import { encodeReply } from "./encode.ts";
 * import { bulk, int, map } from "./reply.ts";
 * const bytes = encodeReply(map([[bulk("a"), int(1)]]), 2);
 * new TextDecoder().decode(bytes); // "*2\r\n$1\r\na\r\n:1\r\n"
 * ```
 */
export function encodeReply(reply: Reply, resp: 2 | 3): Uint8Array {
  shared.write(reply, resp);
  return shared.take();
}
