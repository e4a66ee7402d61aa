/**
 * RESP server on Node (`node:net`); it also runs on Deno and Bun through their Node compatibility.
 *
 * @module
 */

import { createServer as createNetServer, type Socket } from "node:net";
import type { Server } from "../server.ts";
import { Connection } from "../protocol/connection.ts";
import {
  DEFAULT_HOSTNAME,
  DEFAULT_PORT,
  formatAddress,
  onShutdown,
  type ServeHandle,
  type ServeOptions,
} from "./_common.ts";

export type { ServeHandle, ServeOptions } from "./_common.ts";

/**
 * Serves RESP for `server` on a TCP port with `node:net`.
 *
 * When a write is buffered by Node (`write()` returns false) the socket stops reading until
 * `drain`, so a client that does not read its replies cannot grow server memory without bound.
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

  const net = createNetServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    const connection = new Connection(server, undefined, {
      // Late replies of blocking commands (BLPOP…).
      onOutput: (out) => {
        if (!socket.write(out)) socket.pause();
        if (connection.closed) socket.end();
      },
    });
    connection.session.addr = formatAddress(socket.remoteAddress ?? "", socket.remotePort ?? 0);
    connection.session.laddr = formatAddress(socket.localAddress ?? "", socket.localPort ?? 0);
    socket.on("data", (chunk: Uint8Array) => {
      const out = connection.receive(chunk);
      if (out.length > 0 && !socket.write(out)) socket.pause();
      if (connection.closed) socket.end();
    });
    socket.on("drain", () => {
      if (!connection.closed) socket.resume();
    });
    socket.on("error", () => {
      // "close" follows.
    });
    socket.on("close", () => {
      connection.close();
      sockets.delete(socket);
    });
  });

  await new Promise<void>((resolve, reject) => {
    net.once("error", reject);
    net.listen(options.port ?? DEFAULT_PORT, options.hostname ?? DEFAULT_HOSTNAME, () => {
      net.off("error", reject);
      resolve();
    });
  });

  const close = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
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
