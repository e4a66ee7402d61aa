/**
 * RESP server on Deno (`Deno.listen`).
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
  READ_SIZE,
  receiveInput,
  type ServeHandle,
  type ServeOptions,
  startCron,
} from "./_common.ts";

export type { ServeHandle, ServeOptions } from "./_common.ts";

/**
 * Serves RESP for `server` on a TCP port with Deno's socket API.
 *
 * Each client is read, run and answered in turn: a client's next read starts only once its
 * replies are written, which is the backpressure. An unexpected exception is logged (level 3) and
 * answered with `ERR internal error: …` before that client is disconnected; others are served on.
 *
 * @param server The server to expose.
 * @param options Port (0 = any free port) and bind address.
 * @returns The listening handle.
 * @example Serve on a free loopback port
 * ```ts ignore
 * import { Server } from "../server.ts";
 * import { serve } from "./deno.ts";
 * const handle = await serve(new Server(), { port: 0 });
 * console.log(handle.port);
 * await handle.close();
 * ```
 */
export function serve(server: Server, options: ServeOptions = {}): Promise<ServeHandle> {
  const hostname = options.hostname ?? DEFAULT_HOSTNAME;
  const listener = Deno.listen({ hostname, port: options.port ?? DEFAULT_PORT, transport: "tcp" });
  const conns = new Set<Deno.TcpConn>();
  const clients = new Set<Promise<void>>();
  let stopping: Promise<void> | undefined;
  let resolveFinished!: () => void;
  const finished = new Promise<void>((r) => resolveFinished = r);

  const accepting = (async () => {
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch {
        return; // listener closed
      }
      if (stopping) {
        conn.close();
        return;
      }
      conns.add(conn);
      // serveClient catches what it can; a rejection left unhandled would end the process.
      const task = serveClient(server, conn).catch((e) =>
        logInternal(server, e, "serving a client")
      ).finally(() => {
        conns.delete(conn);
        clients.delete(task);
      });
      clients.add(task);
    }
  })();

  const stopCron = startCron(server);
  const close = (): Promise<void> => {
    stopping ??= (async () => {
      stopCron();
      try {
        listener.close();
      } catch { /* already closed */ }
      for (const conn of conns) closeQuietly(conn);
      await accepting;
      await Promise.allSettled([...clients]);
      resolveFinished();
    })();
    return stopping;
  };
  onShutdown(server, () => void close());

  const addr = listener.addr as Deno.NetAddr;
  return Promise.resolve({ hostname: addr.hostname, port: addr.port, close, finished });
}

async function serveClient(server: Server, conn: Deno.TcpConn): Promise<void> {
  // Writes are chained: late replies of blocking commands (BLPOP…) may arrive while a write is
  // in progress.
  let writing: Promise<void> = Promise.resolve();
  const send = (out: Uint8Array): Promise<void> =>
    writing = writing.then(async () => {
      for (let off = 0; off < out.length;) off += await conn.write(out.subarray(off));
    });
  let connection: Connection | undefined;
  try {
    const c = connection = new Connection(server, undefined, {
      onOutput: (out) => {
        send(out).then(() => {
          if (c.closed) closeQuietly(conn);
        }, () => closeQuietly(conn));
      },
    });
    const remote = conn.remoteAddr as Deno.NetAddr;
    const local = conn.localAddr as Deno.NetAddr;
    c.session.addr = formatAddress(remote.hostname, remote.port);
    c.session.laddr = formatAddress(local.hostname, local.port);
    // One read buffer per client: Connection.receive() only reads it during the call.
    const buf = new Uint8Array(READ_SIZE);
    conn.setNoDelay(true);
    while (!c.closed) {
      const n = await conn.read(buf);
      if (n === null) break;
      const out = receiveInput(server, c, buf.subarray(0, n));
      if (out.length > 0) await send(out);
    }
  } catch (e) {
    // Reset by the peer, or closed by close(): either way the client is gone. Before the
    // Connection exists it is a bug.
    if (connection === undefined) logInternal(server, e, "accepting a client");
  } finally {
    closeConnection(server, connection);
    closeQuietly(conn);
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch { /* already closed */ }
}
