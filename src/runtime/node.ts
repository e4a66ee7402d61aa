/**
 * RESP server on Node (`node:net`); it also runs on Deno and Bun through their Node compatibility.
 *
 * @module
 */

import { createServer as createNetServer, type Socket } from "node:net";
import type { Server } from "../server.ts";
import { Connection } from "../protocol/connection.ts";
import {
  closeConnection,
  DEFAULT_HOSTNAME,
  DEFAULT_PORT,
  formatAddress,
  logInternal,
  onShutdown,
  receiveInput,
  type ServeHandle,
  type ServeOptions,
  startCron,
} from "./_common.ts";

export type { ServeHandle, ServeOptions } from "./_common.ts";

/**
 * Serves RESP for `server` on a TCP port with `node:net`.
 *
 * When a write is buffered by Node (`write()` returns false) the socket stops reading until
 * `drain`, so a client that does not read its replies cannot grow server memory without bound.
 * An unexpected exception is logged (level 3) and answered with `ERR internal error: …` before
 * that client is disconnected; others are served on (an exception escaping a socket callback
 * would end the process, under Deno's node:net too).
 *
 * @param server The server to expose.
 * @param options Port (0 = any free port) and bind address.
 * @returns The listening handle.
 * @example Serve on a free loopback port
 * ```ts ignore
 * import { Server } from "../server.ts";
 * import { serve } from "./node.ts";
 * const handle = await serve(new Server(), { port: 0 });
 * console.log(handle.port);
 * await handle.close();
 * ```
 */
export async function serve(server: Server, options: ServeOptions = {}): Promise<ServeHandle> {
  const sockets = new Set<Socket>();
  let stopping: Promise<void> | undefined;
  let resolveFinished!: () => void;
  const finished = new Promise<void>((r) => resolveFinished = r);

  /** Runs a socket callback; an exception (a bug) is logged and costs only that client. */
  const guarded = (socket: Socket, doing: string, body: () => void): void => {
    try {
      body();
    } catch (e) {
      logInternal(server, e, doing);
      socket.destroy();
    }
  };

  const net = createNetServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {
      // "close" follows.
    });
    let connection: Connection | undefined;
    socket.on("close", () => {
      sockets.delete(socket);
      closeConnection(server, connection);
    });
    guarded(socket, "accepting a client", () => {
      socket.setNoDelay(true);
      const c = connection = new Connection(server, undefined, {
        // Late replies of blocking commands (BLPOP…).
        onOutput: (out) =>
          guarded(socket, "sending a late reply", () => {
            if (!socket.write(out)) socket.pause();
            if (c.closed) socket.end();
          }),
      });
      c.session.addr = formatAddress(socket.remoteAddress ?? "", socket.remotePort ?? 0);
      c.session.laddr = formatAddress(socket.localAddress ?? "", socket.localPort ?? 0);
      socket.on("data", (chunk: Uint8Array) =>
        guarded(socket, "handling a client's input", () => {
          const out = receiveInput(server, c, chunk);
          if (out.length > 0 && !socket.write(out)) socket.pause();
          if (c.closed) socket.end();
        }));
      socket.on("drain", () => {
        if (!c.closed) socket.resume();
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    net.once("error", reject);
    net.listen(options.port ?? DEFAULT_PORT, options.hostname ?? DEFAULT_HOSTNAME, () => {
      net.off("error", reject);
      // An "error" event without a listener is thrown (e.g. EMFILE on accept): log it instead.
      net.on("error", (e) => logInternal(server, e, "accepting connections"));
      resolve();
    });
  });

  const stopCron = startCron(server);
  const close = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      stopCron();
      net.close(() => {
        resolveFinished();
        resolve();
      });
      for (const socket of sockets) socket.destroy();
    });
    return stopping;
  };
  onShutdown(server, () => void close());

  const address = net.address();
  if (address === null || typeof address === "string") throw new TypeError("not a TCP listener");
  return { hostname: address.address, port: address.port, close, finished };
}
