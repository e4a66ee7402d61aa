/**
 * RESP transport: one multiplexed TCP connection to one server. Requests are written as they come
 * (pipelining) and replies are matched first in, first out; a broken connection is reopened on the
 * next request, with the same handshake.
 *
 * Handshake: `HELLO 3 [AUTH user pass]` by default. When HELLO is refused with anything but an
 * authentication error (servers before Redis 6 answer `ERR unknown command`), the connection stays
 * RESP2 and authenticates with `AUTH`. Then `SELECT db` when a database was given.
 *
 * @module
 */

import { type Bytes, writeBytes } from "../../bytes.ts";
import { ReplyDecoder } from "../../resp/decode.ts";
import type { Reply } from "../../resp/reply.ts";
import { errorCode, errorText } from "../decode.ts";
import { ClosingError, ConnectionError, requestError, TimeoutError } from "../errors.ts";
import { type ByteSocket, type Connector, defaultConnector } from "./socket.ts";
import type { Argv, TransactionReplies, Transport } from "./transport.ts";

/** Options of a RESP connection. */
export interface RespOptions {
  readonly host: string;
  readonly port: number;
  /** ACL user; default `default`. */
  readonly username?: Bytes;
  /** Password: AUTH (inside HELLO when RESP3 is negotiated). */
  readonly password?: Bytes;
  /** Database index to SELECT after connecting. */
  readonly database?: number;
  /** 3 (default) negotiates RESP3 with HELLO and falls back to 2; 2 never sends HELLO. */
  readonly protocol?: 2 | 3;
  /** Connect timeout in ms (default 5000). */
  readonly connectTimeoutMs?: number;
  /**
   * Per-request timeout in ms; 0 (default) waits forever. A timeout drops the connection (later
   * replies could no longer be matched to requests); the next request reconnects.
   */
  readonly requestTimeoutMs?: number;
  /** TCP connector; default `node:net` (src/runtime/tcp.ts). */
  readonly connector?: Connector;
}

/** Auth errors end the handshake; any other refusal of HELLO means "no RESP3 here". */
const AUTH_CODES = new Set(["NOAUTH", "WRONGPASS", "NOPERM"]);

/** A Transport over RESP on TCP. */
export class RespTransport implements Transport {
  readonly address: string;
  readonly #options: RespOptions;
  #protocol: 2 | 3 = 2;
  #link: Link | undefined;
  #opening: Promise<Link> | undefined;
  #closed = false;

  private constructor(options: RespOptions) {
    this.#options = options;
    this.address = formatAddress(options.host, options.port);
  }

  /**
   * Connects and performs the handshake; rejects with the server's error when authentication
   * fails, or a ConnectionError when the server cannot be reached.
   *
   * @param options Address, credentials, protocol, timeouts.
   * @returns The connected transport.
   */
  static async connect(options: RespOptions): Promise<RespTransport> {
    const transport = new RespTransport(options);
    await transport.#ready();
    return transport;
  }

  /** 3 when HELLO 3 succeeded, else 2. */
  get protocol(): 2 | 3 {
    return this.#protocol;
  }

  async send(commands: readonly Argv[]): Promise<Reply[]> {
    if (commands.length === 0) return [];
    const link = await this.#ready();
    return link.request(commands);
  }

  async transaction(
    commands: readonly Argv[],
    prelude: readonly Argv[] = [],
  ): Promise<TransactionReplies> {
    const link = await this.#ready();
    const replies = await link.request([...prelude, ["MULTI"], ...commands, ["EXEC"]]);
    const multi = replies[prelude.length];
    return {
      prelude: replies.slice(0, prelude.length),
      queued: replies.slice(prelude.length + 1, -1),
      exec: multi.type === "error" ? multi : replies[replies.length - 1],
    };
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#link?.fail(new ClosingError());
    this.#link = undefined;
    return Promise.resolve();
  }

  #ready(): Promise<Link> {
    if (this.#closed) return Promise.reject(new ClosingError());
    if (this.#link !== undefined && !this.#link.dead) return Promise.resolve(this.#link);
    this.#opening ??= this.#open().finally(() => this.#opening = undefined);
    return this.#opening;
  }

  async #open(): Promise<Link> {
    const o = this.#options;
    const connector = o.connector ?? await defaultConnector();
    const link = new Link(this.address, o.requestTimeoutMs ?? 0);
    try {
      link.attach(
        await connector(
          { host: o.host, port: o.port, timeoutMs: o.connectTimeoutMs ?? 5000 },
          { data: (chunk) => link.receive(chunk), closed: (e) => link.closedByPeer(e) },
        ),
      );
    } catch (e) {
      throw new ConnectionError(`cannot connect to ${this.address}: ${(e as Error).message}`, {
        cause: e,
      });
    }
    try {
      this.#protocol = await handshake(link, o);
    } catch (e) {
      link.fail(e as Error);
      throw e;
    }
    if (this.#closed) {
      link.fail(new ClosingError());
      throw new ClosingError();
    }
    this.#link = link;
    return link;
  }
}

async function handshake(link: Link, o: RespOptions): Promise<2 | 3> {
  let protocol: 2 | 3 = 2;
  let authenticated = o.password === undefined;
  if ((o.protocol ?? 3) === 3) {
    const auth = o.password === undefined ? [] : ["AUTH", o.username ?? "default", o.password];
    const [hello] = await link.request([["HELLO", "3", ...auth]]);
    const code = errorCode(hello);
    if (code === undefined) {
      protocol = 3;
      authenticated = true;
      link.resp3 = true;
    } else if (AUTH_CODES.has(code)) {
      throw requestError(errorText(hello)!);
    }
  }
  const setup: Argv[] = [];
  if (!authenticated) {
    // Servers without ACLs (before Redis 6) take the password alone.
    setup.push(
      o.username === undefined || o.username === "default"
        ? ["AUTH", o.password!]
        : ["AUTH", o.username, o.password!],
    );
  }
  if ((o.database ?? 0) !== 0) setup.push(["SELECT", String(o.database)]);
  if (setup.length > 0) {
    for (const reply of await link.request(setup)) {
      if (reply.type === "error") throw requestError(errorText(reply)!);
    }
  }
  return protocol;
}

/** Requests waiting for their replies, in the order they were written. */
interface Pending {
  readonly count: number;
  readonly replies: Reply[];
  readonly resolve: (replies: Reply[]) => void;
  readonly reject: (e: Error) => void;
  timer?: ReturnType<typeof setTimeout>;
}

/** One socket: writes requests, matches replies FIFO. */
class Link {
  dead = false;
  /** RESP3 negotiated: out-of-band push replies are skipped. */
  resp3 = false;
  readonly #address: string;
  readonly #timeoutMs: number;
  readonly #decoder = new ReplyDecoder();
  readonly #pending: Pending[] = [];
  #socket: ByteSocket | undefined;
  /** Why the link died (the error later requests get). */
  #failure: Error | undefined;

  constructor(address: string, timeoutMs: number) {
    this.#address = address;
    this.#timeoutMs = timeoutMs;
  }

  attach(socket: ByteSocket): void {
    this.#socket = socket;
    if (this.dead) socket.close();
  }

  request(commands: readonly Argv[]): Promise<Reply[]> {
    if (this.dead || this.#socket === undefined) {
      return Promise.reject(
        this.#failure ?? new ConnectionError(`connection to ${this.#address} is closed`),
      );
    }
    const socket = this.#socket;
    return new Promise((resolve, reject) => {
      const pending: Pending = { count: commands.length, replies: [], resolve, reject };
      if (this.#timeoutMs > 0) {
        pending.timer = setTimeout(() => {
          this.fail(
            new ConnectionError(`connection to ${this.#address} dropped after a request timeout`),
            new TimeoutError(`no reply from ${this.#address} within ${this.#timeoutMs} ms`),
          );
        }, this.#timeoutMs);
      }
      this.#pending.push(pending);
      socket.write(encodeCommands(commands));
    });
  }

  receive(chunk: Uint8Array): void {
    let replies: Reply[];
    try {
      replies = this.#decoder.feed(chunk);
    } catch (e) {
      this.fail(new ConnectionError(`unreadable reply from ${this.#address}: ${e}`, { cause: e }));
      return;
    }
    for (const reply of replies) {
      if (reply.type === "push" && this.resp3) continue; // out-of-band (invalidation, pubsub)
      const head = this.#pending[0];
      if (head === undefined) {
        this.fail(new ConnectionError(`unexpected reply from ${this.#address}`));
        return;
      }
      head.replies.push(reply);
      if (head.replies.length === head.count) {
        this.#pending.shift();
        if (head.timer !== undefined) clearTimeout(head.timer);
        head.resolve(head.replies);
      }
    }
  }

  closedByPeer(error?: Error): void {
    const why = error === undefined ? "closed by the server" : error.message;
    this.fail(new ConnectionError(`connection to ${this.#address} lost: ${why}`, { cause: error }));
  }

  /** Marks the link dead, closes the socket and rejects every waiting request. */
  fail(error: Error, headError: Error = error): void {
    if (this.dead) return;
    this.dead = true;
    this.#failure = error;
    this.#socket?.close();
    const pending = this.#pending.splice(0);
    pending.forEach((p, i) => {
      if (p.timer !== undefined) clearTimeout(p.timer);
      p.reject(i === 0 ? headError : error);
    });
  }
}

/**
 * Encodes commands as RESP arrays of bulk strings, back to back.
 *
 * @param commands Each command's argv as byte strings.
 * @returns The bytes to write.
 */
export function encodeCommands(commands: readonly Argv[]): Uint8Array {
  let size = 0;
  for (const argv of commands) {
    size += 16;
    for (const a of argv) size += a.length + 16;
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (const argv of commands) {
    o = writeBytes(`*${argv.length}\r\n`, out, o);
    for (const a of argv) {
      o = writeBytes(`$${a.length}\r\n`, out, o);
      o = writeBytes(a, out, o);
      out[o++] = 13;
      out[o++] = 10;
    }
  }
  return out.subarray(0, o);
}

/**
 * `host:port`, with brackets around an IPv6 host (Valkey's address format).
 *
 * @param host Host name or IP.
 * @param port Port.
 * @returns The address.
 */
export function formatAddress(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
