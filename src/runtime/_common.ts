/**
 * What the three RESP server runtimes (deno.ts, bun.ts, node.ts) share: their options, the handle
 * they return, Valkey's address format, and the last-resort handling of unexpected exceptions
 * (a client's input that makes a bug throw, a Connection that throws on close).
 *
 * @module
 */

import { errInternal } from "../errors.ts";
import type { Connection } from "../protocol/connection.ts";
import { encodeReply } from "../resp/encode.ts";
import { error } from "../resp/reply.ts";
import type { Server } from "../server.ts";

/** Options for `serve()`. */
export interface ServeOptions {
  /** TCP port; 0 picks a free one (read it back from the handle). Default 6379. */
  readonly port?: number;
  /** Address to bind. Default `127.0.0.1`. */
  readonly hostname?: string;
}

/** A listening RESP server. */
export interface ServeHandle {
  /** The bound address. */
  readonly hostname: string;
  /** The bound port (the one picked when 0 was asked). */
  readonly port: number;
  /** Stops listening and closes every client connection; resolves when all are gone. */
  close(): Promise<void>;
  /** Resolves once the server has stopped (close() or a SHUTDOWN command). */
  readonly finished: Promise<void>;
}

/** Default port, as Valkey's. */
export const DEFAULT_PORT = 6379;
/** Default bind address: loopback only. */
export const DEFAULT_HOSTNAME = "127.0.0.1";
/** Bytes read from a socket at a time. */
export const READ_SIZE = 64 * 1024;

/**
 * `ip:port`, with brackets around IPv6 addresses, as Valkey prints addr/laddr.
 *
 * @param ip The IP address.
 * @param port The port.
 * @returns The address string.
 */
export function formatAddress(ip: string, port: number): string {
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * Chains a stop action to `server.onShutdown` so that SHUTDOWN stops this listener too.
 *
 * @param target Anything with an `onShutdown` hook (the Server).
 * @param stop What to run on SHUTDOWN.
 */
export function onShutdown(target: { onShutdown: (() => void) | undefined }, stop: () => void) {
  const previous = target.onShutdown;
  target.onShutdown = () => {
    previous?.();
    stop();
  };
}

/** How often the runtimes run {@link Server.cron} (Valkey's default `hz 10`). */
export const CRON_INTERVAL_MS = 100;

/**
 * Runs `server.cron()` every {@link CRON_INTERVAL_MS} between commands (active expiry) until the
 * returned function is called. An exception is logged, never thrown.
 *
 * @param server The server.
 * @returns A function that stops the timer.
 */
export function startCron(server: Server): () => void {
  const timer = setInterval(() => {
    try {
      server.cron();
    } catch (e) {
      logInternal(server, e, "running the periodic tasks");
    }
  }, CRON_INTERVAL_MS);
  return () => clearInterval(timer);
}

/**
 * Logs (level 3) an exception that escaped a client's handling: a bug, since Connection catches
 * what it can. A failing log sink is ignored: nothing may end the process.
 *
 * @param server The server whose log receives it.
 * @param e The exception.
 * @param doing What was being done, for the log line.
 */
export function logInternal(server: Pick<Server, "log">, e: unknown, doing: string): void {
  try {
    server.log(
      3,
      `internal error while ${doing}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`,
    );
  } catch { /* ignored, see above */ }
}

/**
 * {@link logInternal}, then the reply owed to the client before its connection is closed (its
 * state is unknown): `-ERR internal error: …`.
 *
 * @param server The server whose log receives it.
 * @param e The exception.
 * @param doing What was being done, for the log line.
 * @returns The error reply's bytes (the same in RESP2 and RESP3).
 */
export function internalErrorReply(
  server: Pick<Server, "log">,
  e: unknown,
  doing: string,
): Uint8Array {
  logInternal(server, e, doing);
  return encodeReply(error(errInternal(e)), 2);
}

/**
 * Feeds a client's input to its Connection. An exception that escapes (a bug) is answered with
 * {@link internalErrorReply} and the connection is closed, its state being unknown: the caller
 * sends what this returns, then drops the client as it does after QUIT.
 *
 * @param server The server whose log receives a bug.
 * @param connection The client's connection.
 * @param data The bytes read.
 * @returns The bytes to send.
 */
export function receiveInput(
  server: Pick<Server, "log">,
  connection: Connection,
  data: Uint8Array,
): Uint8Array {
  try {
    return connection.receive(data);
  } catch (e) {
    const out = internalErrorReply(server, e, `handling input from ${connection.session.addr}`);
    connection.close();
    return out;
  }
}

/**
 * Closes a gone client's Connection (undefined when it never got one); an exception is logged.
 *
 * @param server The server whose log receives it.
 * @param connection The client's connection.
 */
export function closeConnection(
  server: Pick<Server, "log">,
  connection: Connection | undefined,
): void {
  try {
    connection?.close();
  } catch (e) {
    logInternal(server, e, "closing a client");
  }
}
