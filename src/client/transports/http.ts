/**
 * HTTP transport: the Upstash REST dialect that evalkit's edge handler (src/http/handler.ts) and
 * Upstash serve. `POST <base>` with a JSON command, `POST <base>/pipeline` with a list of them,
 * `POST <base>/multi-exec` for an atomic batch; `Authorization: Bearer <token>`;
 * `Upstash-Encoding: base64` so that reply bytes arrive exactly.
 *
 * Replies are RESP2-shaped (the dialect has no RESP3): this transport reports protocol 2. Simple
 * strings are not distinguishable from bulk strings except a top-level `OK` (which the dialect
 * leaves unencoded), and an error nested in an array arrives as a string.
 *
 * Arguments: JSON strings carry text, so an argument that is not valid UTF-8 cannot travel in a
 * JSON body. A single command with such arguments is sent in the dialect's path form instead
 * (percent-encoded segments, the last argument as the raw request body); a pipeline or atomic
 * batch with such arguments is refused with a TypeError.
 *
 * @module
 */

import { type Bytes, fromUtf8, isAscii, toUint8, toUtf8 } from "../../bytes.ts";
import { jsonToReply, parseAnswerJson } from "../../http/json_reply.ts";
import type { Reply } from "../../resp/reply.ts";
import { ClosingError, ConnectionError, TimeoutError } from "../errors.ts";
import type { Argv, TransactionReplies, Transport } from "./transport.ts";

/** A fetch function (the global one, or e.g. a Hono app's `fetch` in tests). */
export type Fetch = (request: Request) => Promise<Response>;

/** Options of the HTTP transport. */
export interface HttpOptions {
  /** The bearer token (Upstash's REST token, evalkit's `createHandler({ token })`). */
  readonly token?: string;
  /** Default: `globalThis.fetch`. */
  readonly fetch?: Fetch;
  /** Per-request timeout in ms; 0 (default) waits forever. */
  readonly requestTimeoutMs?: number;
}

type Json = null | number | bigint | string | Json[] | { [key: string]: Json };

/** A Transport over the Upstash REST dialect. */
export class HttpTransport implements Transport {
  readonly address: string;
  readonly protocol = 2;
  readonly #base: string;
  readonly #headers: Record<string, string>;
  readonly #fetch: Fetch;
  readonly #timeoutMs: number;
  #closed = false;

  /**
   * @param url Base URL (`https://host[:port][/path]`); a password in the URL is taken as the
   *   token when `options.token` is not given.
   * @param options Token, fetch, timeout.
   */
  constructor(url: string | URL, options: HttpOptions = {}) {
    const u = new URL(url);
    const token = options.token ?? (u.password === "" ? undefined : decodeURIComponent(u.password));
    u.username = "";
    u.password = "";
    u.search = "";
    u.hash = "";
    this.#base = u.href.replace(/\/+$/, "");
    this.address = this.#base;
    this.#headers = {
      "Content-Type": "application/json",
      "Upstash-Encoding": "base64",
      ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
    };
    this.#fetch = options.fetch ?? ((request) => fetch(request));
    this.#timeoutMs = options.requestTimeoutMs ?? 0;
  }

  async send(commands: readonly Argv[]): Promise<Reply[]> {
    if (commands.length === 0) return [];
    if (commands.length === 1) return [await this.#single(commands[0])];
    const body = await this.#post("/pipeline", jsonCommands(commands));
    if (!Array.isArray(body) || body.length !== commands.length) {
      throw new ConnectionError(`unexpected /pipeline answer from ${this.address}`);
    }
    return body.map(resultToReply);
  }

  async transaction(
    commands: readonly Argv[],
    prelude: readonly Argv[] = [],
  ): Promise<TransactionReplies> {
    // Each request is its own session on the server: the prelude cannot share MULTI's request.
    const before = await this.send(prelude);
    if (commands.length === 0) return { prelude: before, queued: [], exec: EMPTY_EXEC };
    const body = await this.#post("/multi-exec", jsonCommands(commands));
    let exec: Reply;
    if (Array.isArray(body)) exec = { type: "array", value: body.map(resultToReply) };
    else exec = resultToReply(body);
    return { prelude: before, queued: [], exec };
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  async #single(argv: Argv): Promise<Reply> {
    if (argv.every(isUtf8)) return resultToReply(await this.#post("", jsonCommand(argv)));
    // Path form: segments are percent-decoded to bytes, and the body is one last raw argument.
    const last = argv[argv.length - 1];
    const head = argv.slice(0, -1);
    // URLs drop empty segments' meaning and resolve `.` / `..` (even percent-encoded).
    if (last === "" || head.some((a) => a === "" || a === "." || a === "..")) {
      throw new TypeError(
        "the HTTP dialect cannot send a command mixing non-UTF-8 arguments with empty, `.` or `..` ones",
      );
    }
    const path = head.map(percentEncode).join("/");
    return resultToReply(await this.#post(`/${path}`, toUint8(last)));
  }

  async #post(path: string, body: string | Uint8Array): Promise<Json> {
    if (this.#closed) throw new ClosingError();
    const controller = new AbortController();
    const timer = this.#timeoutMs > 0
      ? setTimeout(() => controller.abort(), this.#timeoutMs)
      : undefined;
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(
        new Request(this.#base + path, {
          method: "POST",
          headers: this.#headers,
          body: body as BodyInit,
          signal: controller.signal,
        }),
      );
      text = await response.text();
    } catch (e) {
      if (controller.signal.aborted) {
        throw new TimeoutError(`no answer from ${this.address} within ${this.#timeoutMs} ms`);
      }
      throw new ConnectionError(`HTTP request to ${this.address} failed: ${e}`, { cause: e });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
    let json: Json;
    try {
      json = parseAnswerJson(text) as Json;
    } catch {
      throw new ConnectionError(`HTTP ${response.status} from ${this.address}: ${text}`);
    }
    // 400 carries a command's error as {"error"}; other failures are the transport's.
    if (!response.ok && response.status !== 400) {
      const why = typeof json === "object" && json !== null && "error" in json
        ? String((json as { error: Json }).error)
        : text;
      throw new ConnectionError(`HTTP ${response.status} from ${this.address}: ${why}`);
    }
    return json;
  }
}

const EMPTY_EXEC: Reply = { type: "array", value: [] };

/** `{"result": …}` / `{"error": "…"}` → Reply. */
function resultToReply(item: Json): Reply {
  if (typeof item === "object" && item !== null && !Array.isArray(item)) {
    if (typeof item.error === "string") return { type: "error", value: fromUtf8(item.error) };
    if ("result" in item) {
      try {
        return jsonToReply(item.result);
      } catch (e) {
        if (e instanceof SyntaxError) throw new ConnectionError(e.message);
        throw e;
      }
    }
  }
  throw new ConnectionError(`unexpected answer shape: ${JSON.stringify(item)}`);
}

function jsonCommand(argv: Argv): string {
  return JSON.stringify(argv.map(toUtf8));
}

function jsonCommands(commands: readonly Argv[]): string {
  for (const argv of commands) {
    if (!argv.every(isUtf8)) {
      throw new TypeError(
        "the HTTP dialect cannot carry non-UTF-8 arguments in a pipeline or transaction",
      );
    }
  }
  return `[${commands.map(jsonCommand).join(",")}]`;
}

/** True when the bytes are valid UTF-8 (so a JSON string carries them exactly). */
function isUtf8(b: Bytes): boolean {
  return isAscii(b) || fromUtf8(toUtf8(b)) === b;
}

function percentEncode(b: Bytes): string {
  let out = "";
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    // Unreserved characters stay; everything else (including `/`, `%`, `?`) is escaped.
    if (
      (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 ||
      c === 46 || c === 95 || c === 126
    ) {
      out += b[i];
    } else {
      out += "%" + (c < 16 ? "0" : "") + c.toString(16).toUpperCase();
    }
  }
  return out;
}
