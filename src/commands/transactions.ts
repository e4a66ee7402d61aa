/**
 * Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH (Valkey 8 multi.c). Queueing itself, and
 * the rejections that flag a transaction (unknown command, arity, NOAUTH, `no_multi` commands
 * such as a nested MULTI or WATCH), happen in Server.execute before a handler runs.
 *
 * WATCH follows Valkey 7+: a watched key that expires before EXEC fails the transaction, unless
 * it had already expired (but not been deleted) when it was watched.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import {
  ERR_DISCARD_WITHOUT_MULTI,
  ERR_EXEC_WITHOUT_MULTI,
  ERR_EXECABORT,
  ReplyError,
} from "../errors.ts";
import type { Db } from "../keyspace/keyspace.ts";
import { array, error, NULL_ARRAY, OK, type Reply } from "../resp/reply.ts";
import type { Server } from "../server.ts";
import type { Session } from "../session.ts";
import type { CommandSpec } from "./spec.ts";

/**
 * keyIsExpired: the key is still stored but its time has passed (nobody has reclaimed it yet).
 *
 * @param db The database.
 * @param key The key.
 * @param now Current time in ms.
 * @returns True for such a stale key.
 */
export function isStaleKey(db: Db, key: Bytes, now: number): boolean {
  return db.isExpired(key, now) && db.peek(key) !== undefined;
}

/** discardTransaction: leaves MULTI, clears the flags, forgets every watched key. */
export function discardTransaction(server: Server, s: Session): void {
  s.multi = null;
  s.multiError = false;
  server.unwatchAll(s);
}

/** isWatchedKeyExpired: a key that was live when watched has expired since. */
function watchedKeyExpired(server: Server, s: Session, now: number): boolean {
  for (const [id, [db, key]] of s.watched) {
    if (s.watchedExpired.has(id)) continue;
    if (isStaleKey(server.keyspace.dbs[db], key, now)) return true;
  }
  return false;
}

/** The transactions group. */
export const TRANSACTION_COMMANDS: readonly CommandSpec[] = [
  {
    name: "multi",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "no_multi", "allow_busy"],
    acl: ["fast", "transaction"],
    keySpecs: [],
    group: "transactions",
    since: "1.2.0",
    summary: "Starts a transaction.",
    complexity: "O(1)",
    run: (ctx) => {
      ctx.session.multi = [];
      return OK;
    },
  },
  {
    name: "exec",
    arity: 1,
    flags: ["noscript", "loading", "stale", "skip_slowlog"],
    acl: ["slow", "transaction"],
    keySpecs: [],
    group: "transactions",
    since: "1.2.0",
    summary: "Executes all commands in a transaction.",
    complexity: "Depends on commands in the transaction",
    run: (ctx) => {
      const { server, session: s, now } = ctx;
      if (s.multi === null) throw new ReplyError(ERR_EXEC_WITHOUT_MULTI);
      if (watchedKeyExpired(server, s, now)) s.dirtyCas = true;
      if (s.multiError || s.dirtyCas) {
        const reply = s.multiError ? error(ERR_EXECABORT) : NULL_ARRAY;
        discardTransaction(server, s);
        return reply;
      }
      const queued = s.multi;
      server.unwatchAll(s);
      const replies: Reply[] = [];
      for (const q of queued) {
        // Looked up again: the queue keeps argv only (they passed lookup when queued).
        const found = server.lookup(q.argv);
        replies.push(
          found instanceof ReplyError ? found.toReply() : server.call(s, found, q.argv, now, true),
        );
      }
      discardTransaction(server, s);
      return array(replies);
    },
  },
  {
    name: "discard",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    acl: ["fast", "transaction"],
    keySpecs: [],
    group: "transactions",
    since: "2.0.0",
    summary: "Discards a transaction.",
    complexity: "O(N), when N is the number of queued commands",
    run: (ctx) => {
      if (ctx.session.multi === null) throw new ReplyError(ERR_DISCARD_WITHOUT_MULTI);
      discardTransaction(ctx.server, ctx.session);
      return OK;
    },
  },
  {
    name: "watch",
    arity: -2,
    flags: ["noscript", "loading", "stale", "fast", "no_multi", "allow_busy"],
    acl: ["fast", "transaction"],
    keySpecs: [{
      flags: ["RO"],
      beginSearch: { type: "index", pos: 1 },
      findKeys: { type: "range", lastkey: -1, step: 1, limit: 0 },
    }],
    group: "transactions",
    since: "2.2.0",
    summary: "Monitors changes to keys to determine the execution of a transaction.",
    complexity: "O(1) for every key.",
    arguments: [{ name: "key", type: "key", keySpecIndex: 0, multiple: true }],
    run: (ctx, argv) => {
      const { server, session: s } = ctx;
      // Already dirty: EXEC will fail anyway, no point in watching more.
      if (s.dirtyCas) return OK;
      for (let i = 1; i < argv.length; i++) {
        server.watch(s, s.db, argv[i], isStaleKey(ctx.db, argv[i], ctx.now));
      }
      return OK;
    },
  },
  {
    name: "unwatch",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    acl: ["fast", "transaction"],
    keySpecs: [],
    group: "transactions",
    since: "2.2.0",
    summary: "Forgets about watched keys of a transaction.",
    complexity: "O(1)",
    run: (ctx) => {
      ctx.server.unwatchAll(ctx.session);
      return OK;
    },
  },
];
