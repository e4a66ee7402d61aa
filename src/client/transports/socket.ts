/**
 * The one runtime-specific thing the RESP transport needs: a TCP byte stream. It is an interface so
 * the core stays Web-standard; the default implementation (src/runtime/tcp.ts, `node:net`, which
 * Deno, Bun and Node all provide) is loaded lazily, and edge runtimes can inject their own (e.g.
 * Cloudflare's `connect()`).
 *
 * @module
 */

/** Where to connect. */
export interface ConnectOptions {
  readonly host: string;
  readonly port: number;
  /** Give up connecting after this many ms. */
  readonly timeoutMs: number;
}

/** Callbacks of an open socket. */
export interface SocketHandlers {
  /** Bytes arrived (the chunk may be reused after the call). */
  data(chunk: Uint8Array): void;
  /** The socket closed, by either side; `error` when it failed. Called once. */
  closed(error?: Error): void;
}

/** An open TCP connection. */
export interface ByteSocket {
  /** Queues bytes for sending, in order. */
  write(bytes: Uint8Array): void;
  /** Closes the connection at once (pending output may be dropped). */
  close(): void;
}

/** Opens a TCP connection; rejects when it cannot. */
export type Connector = (options: ConnectOptions, handlers: SocketHandlers) => Promise<ByteSocket>;

/**
 * The default connector: `node:net`, loaded on first use so that importing the client costs
 * nothing on runtimes without it.
 *
 * @returns The connector.
 */
export async function defaultConnector(): Promise<Connector> {
  const { connectTcp } = await import("../../runtime/tcp.ts");
  return connectTcp;
}
