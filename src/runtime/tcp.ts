/**
 * TCP client sockets for the client's RESP transport (src/client/transports/socket.ts), on
 * `node:net`. One implementation serves the three runtimes: Deno 2 and Bun both implement
 * `node:net` client sockets fully (connect, data, backpressure-free writes, destroy), so per-runtime
 * adapters (Deno.connect, Bun.connect) would add code without adding behavior.
 *
 * @module
 */

import { connect } from "node:net";
import type { ByteSocket, ConnectOptions, SocketHandlers } from "../client/transports/socket.ts";

/**
 * Connects to `host:port` with `node:net`.
 *
 * @param options Host, port and connect timeout.
 * @param handlers Receive data and the close notification.
 * @returns The open socket.
 * @example Connect to a local server
 * ```ts ignore
 * import { connectTcp } from "./tcp.ts";
 * const socket = await connectTcp({ host: "127.0.0.1", port: 6379, timeoutMs: 1000 }, {
 *   data: (chunk) => console.log(chunk),
 *   closed: () => {},
 * });
 * socket.close();
 * ```
 */
export function connectTcp(options: ConnectOptions, handlers: SocketHandlers): Promise<ByteSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: options.host, port: options.port });
    let open = false;
    let failure: Error | undefined;
    const timer = setTimeout(() => {
      failure = new Error(`connect to ${options.host}:${options.port} timed out`);
      socket.destroy();
    }, options.timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      open = true;
      socket.setNoDelay(true);
      resolve({
        write: (bytes) => void socket.write(bytes),
        close: () => void socket.destroy(),
      });
    });
    socket.on("data", (chunk: Uint8Array) => {
      try {
        handlers.data(chunk);
      } catch (e) {
        // Thrown from a socket callback it would end the process: fail this connection with it.
        failure ??= e instanceof Error ? e : new Error(String(e));
        socket.destroy();
      }
    });
    socket.on("error", (e: Error) => {
      failure ??= e;
    });
    socket.on("close", () => {
      clearTimeout(timer);
      if (open) handlers.closed(failure);
      else reject(failure ?? new Error(`connection to ${options.host}:${options.port} closed`));
    });
  });
}
