/**
 * What the clients need from a connection, whatever carries it (in-process session, RESP socket,
 * HTTP requests): ordered commands in, one reply each out.
 *
 * @module
 */

import type { Bytes } from "../../bytes.ts";
import type { Reply } from "../../resp/reply.ts";

/** A command and its arguments as byte strings. */
export type Argv = readonly Bytes[];

/** What an atomic batch produced. */
export interface TransactionReplies {
  /** Replies to the prelude commands (e.g. ASKING, SCRIPT LOAD) sent before MULTI. */
  readonly prelude: readonly Reply[];
  /**
   * The replies to each queued command (`+QUEUED`, or an error that makes EXEC abort); empty when
   * the transport does not expose them (HTTP).
   */
  readonly queued: readonly Reply[];
  /** EXEC's reply: an array, null (a WATCHed key changed) or an error (EXECABORT). */
  readonly exec: Reply;
}

/** One logical connection to one server (or one cluster node). */
export interface Transport {
  /** `host:port` of the server, `in-process`, or the HTTP base URL. */
  readonly address: string;
  /** Protocol of the replies: 3 after a successful HELLO 3, else 2. */
  readonly protocol: 2 | 3;
  /**
   * Sends commands in order and resolves with one reply each (error replies included); nothing
   * else runs on this connection between them, so `[["ASKING"], cmd]` keeps ASKING with `cmd`.
   * Rejects only when the connection fails.
   */
  send(commands: readonly Argv[]): Promise<Reply[]>;
  /**
   * Runs `commands` atomically (MULTI … EXEC), after `prelude` commands sent just before MULTI.
   */
  transaction(commands: readonly Argv[], prelude?: readonly Argv[]): Promise<TransactionReplies>;
  /** Closes the connection; later calls fail with ClosingError. */
  close(): Promise<void>;
}
