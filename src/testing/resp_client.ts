/**
 * A minimal raw RESP client over TCP for tests: sends argv as RESP arrays of bulk strings and
 * hands back typed replies, in order, decoded by evalkit's own streaming decoder. Test-only
 * (node:net works in Deno, Bun and Node).
 *
 * @module
 */

import { connect, type Socket } from "node:net";
import { type Bytes, writeBytes } from "../bytes.ts";
import type { Reply } from "../resp/reply.ts";
import { createReplyDecoder } from "./wire.ts";

/** A connected client. Commands may be pipelined: replies resolve in order. */
export class RespClient {
  readonly #socket: Socket;
  readonly #pending: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  readonly #decode: (chunk: Uint8Array) => void;
  #closed = false;
  #failure: Error | undefined;
  /** Replies that arrived with no command waiting (RESP3 out-of-band pushes). */
  readonly unsolicited: Reply[] = [];

  private constructor(socket: Socket) {
    this.#socket = socket;
    this.#decode = createReplyDecoder((reply) => {
      const waiter = this.#pending.shift();
      if (waiter === undefined) this.unsolicited.push(reply);
      else waiter.resolve(reply);
    });
    socket.on("data", (chunk: Uint8Array) => {
      try {
        this.#decode(chunk);
      } catch (e) {
        this.#fail(new Error(`RESP decode error: ${(e as Error).message}`));
        socket.destroy();
      }
    });
    socket.on("error", (e) => this.#fail(e));
    socket.on("close", () => this.#fail(new Error("connection closed")));
  }

  /**
   * Connects to host:port.
   *
   * @param port TCP port.
   * @param host Host (default 127.0.0.1).
   * @returns A connected client.
   */
  static connect(port: number, host = "127.0.0.1"): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      socket.setNoDelay(true);
      const onError = (e: Error) => reject(e);
      socket.once("error", onError);
      socket.once("connect", () => {
        socket.off("error", onError);
        resolve(new RespClient(socket));
      });
    });
  }

  /**
   * Sends one command and resolves with its reply (an error reply resolves, it does not reject;
   * only a broken connection rejects).
   *
   * @param argv The command and its arguments as byte strings.
   * @returns The decoded reply.
   */
  send(argv: readonly Bytes[]): Promise<Reply> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#pending.push({ resolve, reject });
      this.#socket.write(encodeCommand(argv));
    });
  }

  /** Closes the connection and waits until the socket is gone. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return new Promise((resolve) => {
      if (this.#socket.destroyed) return resolve();
      this.#socket.once("close", () => resolve());
      this.#socket.end();
      // A peer that never closes its side must not hang the test.
      setTimeout(() => this.#socket.destroy(), 1_000).unref?.();
    });
  }

  #fail(e: Error): void {
    this.#failure ??= e;
    for (const waiter of this.#pending.splice(0)) waiter.reject(e);
  }
}

/** Encodes argv as a RESP array of bulk strings. */
export function encodeCommand(argv: readonly Bytes[]): Uint8Array {
  let size = 16;
  for (const a of argv) size += a.length + 16;
  const out = new Uint8Array(size);
  let o = writeBytes(`*${argv.length}\r\n`, out, 0);
  for (const a of argv) {
    o = writeBytes(`$${a.length}\r\n`, out, o);
    o = writeBytes(a, out, o);
    o = writeBytes("\r\n", out, o);
  }
  return out.subarray(0, o);
}
