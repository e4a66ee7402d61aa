/**
 * The default TCP connector of the `resp://` target, on `node:net`. Deno 2, Bun and Node all
 * implement `node:net` client sockets (connect, data events, destroy), so one implementation
 * serves the three runtimes; per-runtime adapters (`Deno.connect`, `Bun.connect`) would add code
 * without adding behaviour. Loaded lazily by targets.ts, so importing the kit on a runtime without
 * `node:net` (edge functions) costs nothing; such runtimes pass their own connector.
 *
 * @module
 */

import { connect } from "node:net";
import type { TcpConnector } from "./targets.ts";

/**
 * Connects with `node:net`.
 *
 * @param host Host name or address.
 * @param port TCP port.
 * @param handlers Receive bytes and the close notification.
 * @returns The open socket.
 */
export const connectNodeNet: TcpConnector = (host, port, handlers) =>
  new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let open = false;
    socket.once("connect", () => {
      open = true;
      socket.setNoDelay(true);
      resolve({
        write: (bytes) => void socket.write(bytes),
        close: () => void socket.destroy(),
      });
    });
    socket.on("data", (chunk: Uint8Array) => handlers.data(chunk));
    let failure: Error | undefined;
    socket.on("error", (e: Error) => {
      failure ??= e;
    });
    socket.on("close", () => {
      if (open) handlers.closed(failure);
      else reject(failure ?? new Error(`cannot connect to ${host}:${port}`));
    });
  });
