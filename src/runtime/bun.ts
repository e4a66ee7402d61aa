/**
 * RESP server on Bun (`Bun.listen`).
 *
 * @module
 */

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

// The subset of Bun's socket API used here, declared locally so that this file type-checks
// without bun-types (Deno checks every file of the repository).
interface BunSocket {
  data: Client;
  readonly remoteAddress: string;
  readonly remotePort?: number;
  readonly localAddress?: string;
  readonly localPort?: number;
  write(data: Uint8Array): number;
  end(): void;
  pause?(): void;
  resume?(): void;
  setNoDelay?(noDelay?: boolean): boolean;
}
interface BunListener {
  readonly hostname: string;
  readonly port: number;
  stop(closeActiveConnections?: boolean): void;
}
interface BunApi {
  listen(options: {
    hostname: string;
    port: number;
    socket: {
      open(socket: BunSocket): void;
      data(socket: BunSocket, data: Uint8Array): void;
      drain(socket: BunSocket): void;
      close(socket: BunSocket): void;
      error(socket: BunSocket, error: Error): void;
    };
  }): BunListener;
}

/** Per-socket state. */
interface Client {
  connection: Connection;
  /** Output the kernel did not take yet, in order. */
  pending: Uint8Array[];
}

/**
 * Serves RESP for `server` on a TCP port with Bun's socket API.
 *
 * Output the socket cannot take at once is queued and flushed on `drain`; reading pauses
 * meanwhile, so a client that does not read its replies cannot grow server memory without bound.
 * An unexpected exception is logged (level 3) and answered with `ERR internal error: …` before
 * that client is disconnected; others are served on.
 *
 * @param server The server to expose.
 * @param options Port (0 = any free port) and bind address.
 * @returns The listening handle.
 * @example Serve on a free loopback port
 * ```ts ignore
 * import { Server } from "../server.ts";
 * import { serve } from "./bun.ts";
 * const handle = await serve(new Server(), { port: 0 });
 * console.log(handle.port);
 * await handle.close();
 * ```
 */
export function serve(server: Server, options: ServeOptions = {}): Promise<ServeHandle> {
  const bun = (globalThis as unknown as { Bun: BunApi }).Bun;
  const sockets = new Set<BunSocket>();
  let stopping: Promise<void> | undefined;
  let resolveFinished!: () => void;
  const finished = new Promise<void>((r) => resolveFinished = r);
  let whenAllClosed: (() => void) | undefined;

  /** Runs a socket callback; an exception (a bug) is logged and costs only that client. */
  const guarded = (socket: BunSocket, doing: string, body: () => void): void => {
    try {
      body();
    } catch (e) {
      logInternal(server, e, doing);
      closeConnection(server, socket.data?.connection);
      try {
        socket.end();
      } catch { /* already gone */ }
    }
  };

  const listener = bun.listen({
    hostname: options.hostname ?? DEFAULT_HOSTNAME,
    port: options.port ?? DEFAULT_PORT,
    socket: {
      open(socket) {
        sockets.add(socket);
        guarded(socket, "accepting a client", () => {
          const connection = new Connection(server, undefined, {
            // Late replies of blocking commands (BLPOP…).
            onOutput: (out) =>
              guarded(socket, "sending a late reply", () => {
                const client = socket.data;
                send(socket, client, out);
                if (connection.closed && client.pending.length === 0) socket.end();
              }),
          });
          connection.session.addr = formatAddress(socket.remoteAddress, socket.remotePort ?? 0);
          if (socket.localAddress !== undefined) {
            connection.session.laddr = formatAddress(socket.localAddress, socket.localPort ?? 0);
          }
          socket.data = { connection, pending: [] };
          socket.setNoDelay?.(true);
        });
      },
      data(socket, data) {
        guarded(socket, "handling a client's input", () => {
          const client = socket.data;
          const out = receiveInput(server, client.connection, data);
          if (out.length > 0) send(socket, client, out);
          if (client.connection.closed && client.pending.length === 0) socket.end();
        });
      },
      drain(socket) {
        guarded(socket, "flushing a client's output", () => {
          const client = socket.data;
          while (client.pending.length > 0) {
            const head = client.pending[0];
            const n = socket.write(head);
            if (n < head.length) {
              client.pending[0] = head.subarray(Math.max(n, 0));
              return;
            }
            client.pending.shift();
          }
          if (client.connection.closed) socket.end();
          else socket.resume?.();
        });
      },
      close(socket) {
        sockets.delete(socket);
        closeConnection(server, socket.data?.connection);
        if (sockets.size === 0) whenAllClosed?.();
      },
      error() {
        // close() follows.
      },
    },
  });

  const stopCron = startCron(server);
  const close = (): Promise<void> => {
    stopping ??= (async () => {
      stopCron();
      const allClosed = sockets.size === 0
        ? Promise.resolve()
        : new Promise<void>((r) => whenAllClosed = r);
      listener.stop(true);
      await allClosed;
      resolveFinished();
    })();
    return stopping;
  };
  onShutdown(server, () => void close());

  return Promise.resolve({ hostname: listener.hostname, port: listener.port, close, finished });
}

function send(socket: BunSocket, client: Client, out: Uint8Array): void {
  if (client.pending.length > 0) {
    client.pending.push(out);
    return;
  }
  const n = socket.write(out);
  if (n < out.length) {
    client.pending.push(out.subarray(Math.max(n, 0)));
    socket.pause?.();
  }
}
