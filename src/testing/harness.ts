/**
 * What the command groups' unit tests share: an in-process Server on a manual clock with one
 * session, and used_memory recomputed from scratch to check the incremental accounting against.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { type ManualClock, manualClock } from "../clock.ts";
import { type Db, EXPIRE_OVERHEAD } from "../keyspace/keyspace.ts";
import type { Reply } from "../resp/reply.ts";
import { Server } from "../server.ts";
import type { Session } from "../session.ts";

/** The harness clock's start (ms since the epoch). */
export const T0 = 1_700_000_000_000;

/** A server, its clock and one session. */
export interface Harness {
  readonly clock: ManualClock;
  readonly server: Server;
  readonly session: Session;
  /** WATCH signals (the keyspace's `modified` hook) in order, as `db:key`. */
  readonly modified: string[];
  /** Executes a command in the session. */
  readonly run: (...argv: Bytes[]) => Reply;
  readonly db0: Db;
}

/**
 * A fresh server on a manual clock at {@link T0}.
 *
 * @returns The harness.
 */
export function harness(): Harness {
  const clock = manualClock(T0);
  const server = new Server({ clock });
  const session = server.createSession();
  const modified: string[] = [];
  const hooks = server.keyspace.hooks;
  const original = hooks.modified.bind(hooks);
  hooks.modified = (db, key) => {
    modified.push(`${db}:${key}`);
    original(db, key);
  };
  const run = (...argv: Bytes[]): Reply => server.execute(session, argv);
  return { clock, server, session, modified, run, db0: server.keyspace.dbs[0] };
}

/**
 * used_memory recomputed from scratch: what the incremental accounting must equal.
 *
 * @param server The server.
 * @returns The sum of every key's size, with the expire overhead of keys that have a TTL.
 */
export function recomputedMemory(server: Server): number {
  let total = 0;
  for (const db of server.keyspace.dbs) {
    for (const [k, e] of db.entries()) {
      total += server.keyspace.sizeOf(k, e) + (db.getExpire(k) !== undefined ? EXPIRE_OVERHEAD : 0);
    }
  }
  return total;
}
