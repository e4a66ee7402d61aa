/**
 * The standalone client (GLIDE's `GlideClient`): scripts by hash with NOSCRIPT fallback, script
 * management, custom commands and batches, over any {@link Transport}. {@link createClient} picks
 * the transport from its target: an in-process Server, `redis://` / `valkey://` (RESP over TCP) or
 * `http(s)://` (the Upstash REST dialect).
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import type { Reply } from "../resp/reply.ts";
import { type Batch, batchEntries, batchValues, isTrue, runBatch } from "./batch.ts";
import {
  type ClientValue,
  type Decoder,
  type GlideString,
  replyError,
  toBytes,
  valueOrThrow,
} from "./decode.ts";
import { ConnectionError, type RequestError } from "./errors.ts";
import { evalshaArgv, invokeWithFallback, type Script } from "./script.ts";
import type { Connector } from "./transports/socket.ts";
import { type Fetch, HttpTransport } from "./transports/http.ts";
import {
  type InProcessServer,
  InProcessTransport,
  isInProcessServer,
} from "./transports/inprocess.ts";
import { RespTransport } from "./transports/resp.ts";
import type { Argv, Transport } from "./transports/transport.ts";

/** SCRIPT FLUSH mode (GLIDE's `FlushMode`). */
export const FlushMode = { SYNC: "SYNC", ASYNC: "ASYNC" } as const;
/** `"SYNC"` or `"ASYNC"`. */
export type FlushMode = typeof FlushMode[keyof typeof FlushMode];

/** Keys, arguments and decoder of {@link Client.invokeScript}. */
export interface ScriptOptions {
  /** KEYS (numkeys is their count); in a cluster the first key picks the node. */
  readonly keys?: readonly GlideString[];
  /** ARGV. */
  readonly args?: readonly GlideString[];
  /** Bulk strings as strings (default) or bytes. */
  readonly decoder?: Decoder;
}

/** Decoder option of the helpers. */
export interface DecoderOption {
  readonly decoder?: Decoder;
}

/** Options of {@link Client.exec}. */
export interface ExecOptions {
  /** True: the first error in the results is thrown; false: errors are returned in place. */
  readonly raiseOnError: boolean;
  readonly decoder?: Decoder;
}

/** Connection options shared by every kind of client. */
export interface BaseClientOptions {
  /** 3 (default) negotiates RESP3 with HELLO, falling back to RESP2; 2 stays RESP2. */
  readonly protocol?: 2 | 3;
  /** ACL user (default: the URL's, else `default`). */
  readonly username?: string;
  /** Password (default: the URL's). */
  readonly password?: string;
  /** Decoder used when a call does not give one (default `"string"`). */
  readonly defaultDecoder?: Decoder;
  /** Connect timeout in ms (default 5000). */
  readonly connectTimeoutMs?: number;
  /** Per-request timeout in ms; 0 (default) waits forever. */
  readonly requestTimeoutMs?: number;
  /** TCP connector for RESP targets (default: `node:net`, see src/runtime/tcp.ts). */
  readonly connector?: Connector;
}

/** Options of {@link createClient}. */
export interface ClientOptions extends BaseClientOptions {
  /** Database to SELECT (default: the URL path, e.g. `redis://host/2`, else 0). */
  readonly database?: number;
  /** Bearer token for `http(s)://` targets (default: the URL's password). */
  readonly token?: string;
  /** fetch for `http(s)://` targets (default: the global fetch). */
  readonly fetch?: Fetch;
}

/** What {@link createClient} connects to. */
export type ClientTarget = InProcessServer | string | URL;

/**
 * Connects a standalone client.
 *
 * @param target An evalkit Server (in-process), `redis://[user:password@]host[:port][/db]` or
 *   `valkey://…` (RESP over TCP), or `http(s)://host[/base]` (the Upstash REST dialect).
 * @param options Protocol, credentials, decoder, timeouts.
 * @returns A connected client; rejects on connection or authentication failure.
 * @example In-process, then the same code against a server
 * ```ts
 * import { createClient, Script } from "@evalkit/evalkit/client";
 * import { createServer } from "@evalkit/evalkit";
 * const client = await createClient(await createServer()); // or "redis://127.0.0.1:6379"
 * console.log(await client.invokeScript(new Script("return 'Hello, Valkey!'"))); // Hello, Valkey!
 * await client.close();
 * ```
 */
export async function createClient(
  target: ClientTarget,
  options: ClientOptions = {},
): Promise<Client> {
  if (isInProcessServer(target)) {
    return new Client(
      new InProcessTransport(target, {
        protocol: options.protocol,
        username: options.username,
        password: options.password,
        database: options.database,
      }),
      options.defaultDecoder,
    );
  }
  const url = new URL(target);
  switch (url.protocol) {
    case "redis:":
    case "valkey:": {
      const { host, port, username, password, database } = parseRespUrl(url);
      const transport = await RespTransport.connect({
        host,
        port,
        username: options.username ?? username,
        password: options.password ?? password,
        database: options.database ?? database,
        protocol: options.protocol,
        connectTimeoutMs: options.connectTimeoutMs,
        requestTimeoutMs: options.requestTimeoutMs,
        connector: options.connector,
      });
      return new Client(transport, options.defaultDecoder);
    }
    case "http:":
    case "https:": {
      const transport = new HttpTransport(url, {
        token: options.token,
        fetch: options.fetch,
        requestTimeoutMs: options.requestTimeoutMs,
      });
      // Fail now on a wrong URL or token, as the RESP handshake does.
      const [pong] = await transport.send([["PING"]]);
      if (pong.type === "error") throw replyError(pong);
      return new Client(transport, options.defaultDecoder);
    }
    case "rediss:":
    case "valkeys:":
      throw new TypeError("TLS targets are not supported yet: use redis:// or valkey://");
    default:
      throw new TypeError(
        `unsupported target ${url.protocol}// (use redis://, valkey://, http(s)://)`,
      );
  }
}

/** Host, port, credentials and database of a `redis://` URL. */
export function parseRespUrl(url: URL): {
  host: string;
  port: number;
  username?: string;
  password?: string;
  database?: number;
} {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1") || "127.0.0.1";
  const port = url.port === "" ? 6379 : Number(url.port);
  const path = url.pathname.replace(/^\/+|\/+$/g, "");
  if (path !== "" && !/^[0-9]+$/.test(path)) {
    throw new TypeError(`invalid database '${path}' in ${url.protocol}// URL`);
  }
  return {
    host,
    port,
    username: url.username === "" ? undefined : decodeURIComponent(url.username),
    password: url.password === "" ? undefined : decodeURIComponent(url.password),
    database: path === "" ? undefined : Number(path),
  };
}

/**
 * A client of one server (standalone mode).
 *
 * @example Purchase stock with a script (seed 003)
 * ```ts
 * import { createClient, Script } from "@evalkit/evalkit/client";
 * import { createServer } from "@evalkit/evalkit";
 * const client = await createClient(await createServer());
 * await client.set("product:shoe:stock", "10");
 * const purchase = new Script("return server.call('DECRBY', KEYS[1], ARGV[1])");
 * console.log(await client.invokeScript(purchase, { keys: ["product:shoe:stock"], args: ["3"] })); // 7
 * await client.close();
 * ```
 */
export class Client {
  readonly #transport: Transport;
  readonly #decoder: Decoder;

  /**
   * Wraps a connected transport (use {@link createClient}).
   *
   * @param transport The connection.
   * @param defaultDecoder Decoder when a call gives none.
   */
  constructor(transport: Transport, defaultDecoder: Decoder = "string") {
    this.#transport = transport;
    this.#decoder = defaultDecoder;
  }

  /** The protocol of the connection: 3 when RESP3 was negotiated, else 2. */
  get protocol(): 2 | 3 {
    return this.#transport.protocol;
  }

  /**
   * Runs a script by hash: EVALSHA, and after NOSCRIPT, SCRIPT LOAD then EVALSHA again (GL-5).
   *
   * @param script The script.
   * @param options Keys, arguments, decoder.
   * @returns The script's reply, decoded; an error reply is thrown as RequestError.
   */
  async invokeScript(script: Script, options: ScriptOptions = {}): Promise<ClientValue> {
    const argv = evalshaArgv(script, options.keys, options.args);
    const send = (a: readonly Bytes[]) => this.#send(a);
    const reply = await invokeWithFallback(argv, script, send, send);
    return valueOrThrow(reply, options.decoder ?? this.#decoder);
  }

  /**
   * SCRIPT EXISTS.
   *
   * @param sha1s Hashes to look up.
   * @returns One boolean per hash.
   */
  async scriptExists(sha1s: readonly string[]): Promise<boolean[]> {
    const reply = await this.#command(["SCRIPT", "EXISTS", ...sha1s]);
    return existsFlags(reply);
  }

  /**
   * SCRIPT FLUSH.
   *
   * @param mode SYNC or ASYNC (default: the server's lazyfree-lazy-user-flush).
   * @returns `"OK"`.
   */
  async scriptFlush(mode?: FlushMode): Promise<"OK"> {
    await this.#command(mode === undefined ? ["SCRIPT", "FLUSH"] : ["SCRIPT", "FLUSH", mode]);
    return "OK";
  }

  /**
   * SCRIPT KILL: stops the running read-only script (NOTBUSY is thrown when none runs).
   *
   * @returns `"OK"`.
   */
  async scriptKill(): Promise<"OK"> {
    await this.#command(["SCRIPT", "KILL"]);
    return "OK";
  }

  /**
   * SCRIPT SHOW (Valkey 8): the body of a cached script; NOSCRIPT is thrown when it is unknown.
   *
   * @param sha1 The hash.
   * @param options Decoder.
   * @returns The source.
   */
  async scriptShow(sha1: string, options: DecoderOption = {}): Promise<string | Uint8Array> {
    const reply = await this.#command(["SCRIPT", "SHOW", sha1]);
    return valueOrThrow(reply, options.decoder ?? this.#decoder) as string | Uint8Array;
  }

  /**
   * Sends any command.
   *
   * @param args The command and its arguments.
   * @param options Decoder.
   * @returns The decoded reply; an error reply is thrown as RequestError.
   */
  async customCommand(
    args: readonly GlideString[],
    options: DecoderOption = {},
  ): Promise<ClientValue> {
    if (args.length === 0) throw new TypeError("customCommand needs at least the command name");
    return valueOrThrow(await this.#send(args.map(toBytes)), options.decoder ?? this.#decoder);
  }

  /**
   * GET.
   *
   * @param key The key.
   * @param options Decoder.
   * @returns The value, or null.
   */
  async get(key: GlideString, options: DecoderOption = {}): Promise<string | Uint8Array | null> {
    return await this.customCommand(["GET", key], options) as string | Uint8Array | null;
  }

  /**
   * SET.
   *
   * @param key The key.
   * @param value The value.
   * @returns `"OK"`.
   */
  async set(key: GlideString, value: GlideString): Promise<"OK"> {
    await this.customCommand(["SET", key, value]);
    return "OK";
  }

  /**
   * DEL.
   *
   * @param keys The keys.
   * @returns How many keys were removed.
   */
  async del(keys: readonly GlideString[]): Promise<number> {
    return Number(await this.customCommand(["DEL", ...keys]));
  }

  /**
   * Sends a batch (GL-14): MULTI/EXEC when atomic, a pipeline otherwise. Scripts added with
   * `batch.invokeScript` are loaded first when the server lacks them.
   *
   * @param batch The batch.
   * @param options `raiseOnError` and decoder.
   * @returns One value per command (errors in place unless raised), or null when a WATCHed key
   *   changed. EXECABORT is thrown as ExecAbortError.
   */
  async exec(batch: Batch, options: ExecOptions): Promise<ClientValue[] | null> {
    const outcome = await runBatch(this.#transport, batchEntries(batch), batch.isAtomic);
    if (outcome.kind === "watchFailed") return null;
    if (outcome.kind === "aborted") throw abortError(outcome.error);
    return batchValues(outcome.replies, options.raiseOnError, options.decoder ?? this.#decoder);
  }

  /** Closes the connection. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  async #send(argv: Argv): Promise<Reply> {
    const [reply] = await this.#transport.send([argv]);
    return reply;
  }

  async #command(argv: Argv): Promise<Reply> {
    const reply = await this.#send(argv);
    if (reply.type === "error") throw replyError(reply);
    return reply;
  }
}

/**
 * SCRIPT EXISTS reply → booleans.
 *
 * @param reply The array of `:0` / `:1`.
 * @returns One boolean per hash.
 */
export function existsFlags(reply: Reply): boolean[] {
  if (reply.type !== "array") throw new TypeError(`unexpected SCRIPT EXISTS reply: ${reply.type}`);
  return reply.value.map(isTrue);
}

/**
 * The error to throw for an aborted atomic batch (EXEC's error reply, normally EXECABORT).
 *
 * @param reply EXEC's (or MULTI's) reply.
 * @returns The error.
 */
export function abortError(reply: Reply): RequestError | ConnectionError {
  return reply.type === "error"
    ? replyError(reply)
    : new ConnectionError(`unexpected EXEC reply: ${reply.type}`);
}
