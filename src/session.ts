/**
 * Per-client state: selected db, protocol, name, authentication, MULTI queue and WATCH.
 *
 * @module
 */

import type { Bytes } from "./bytes.ts";

/** A command queued by MULTI. */
export interface QueuedCommand {
  readonly argv: readonly Bytes[];
}

/** One client's state, whatever the transport (RESP connection, HTTP request, direct call). */
export class Session {
  /** Unique, increasing client id (CLIENT ID). */
  readonly id: number;
  /** Selected database index. */
  db = 0;
  /** Protocol version (HELLO). */
  resp: 2 | 3 = 2;
  /** CLIENT SETNAME / HELLO SETNAME; "" when unset. */
  name: Bytes = "";
  /** False until AUTH succeeds when `requirepass` is set. */
  authenticated = false;
  /** Authenticated user name. */
  user = "default";
  /** Non-null while inside MULTI: the queued commands. */
  multi: QueuedCommand[] | null = null;
  /** A queueing error happened inside MULTI: EXEC answers EXECABORT. */
  multiError = false;
  /** A WATCHed key was modified (or expired/flushed): EXEC answers null. */
  dirtyCas = false;
  /** Watched keys as `${db}\n${key}` → [db, key]. */
  readonly watched: Map<string, readonly [number, Bytes]> = new Map();
  /** Watched ids whose key was already expired (not yet deleted) when watched. */
  readonly watchedExpired: Set<string> = new Set();
  /** Set by QUIT / SHUTDOWN: the transport closes after sending the reply. */
  closeAfterReply = false;
  /** Creation time in ms (CLIENT LIST age). */
  readonly createdAt: number;
  /** Time of the last command in ms (CLIENT LIST idle). */
  lastInteraction: number;
  /** Name of the last command run (CLIENT LIST cmd). */
  lastCommand = "NULL";
  /** Peer address for CLIENT LIST/INFO, e.g. `127.0.0.1:50000`; "" for in-process clients. */
  addr = "";
  /** Local address for CLIENT LIST/INFO. */
  laddr = "";
  /** Library name / version (CLIENT SETINFO). */
  libName: Bytes = "";
  libVer: Bytes = "";

  constructor(id: number, now: number) {
    this.id = id;
    this.createdAt = now;
    this.lastInteraction = now;
  }
}
