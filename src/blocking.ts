/**
 * Clients blocked on keys (Valkey's blocked.c for BLOCKED_LIST and BLOCKED_ZSET): BLPOP, BRPOP,
 * BLMOVE, BRPOPLPUSH, BLMPOP and the sorted-set BZPOPMIN, BZPOPMAX, BZMPOP.
 *
 * The core stays synchronous and runtime-free. A blocking command whose keys have nothing to pop
 * calls {@link blockForKeys}: when its client may block, the client is registered here and the
 * handler returns the {@link BLOCKED} marker instead of a reply; the client's transport (the RESP
 * Connection of src/protocol/connection.ts) then holds the client's later commands. Two things
 * end the wait, as in Valkey:
 *
 * - a write makes a watched key hold the awaited type (LPUSH, LMOVE, RENAME…, also inside EXEC or
 *   a script): the keyspace reports every modified key ({@link Blocking.signal}), and after each
 *   top-level command the server calls {@link Blocking.handleReadyKeys}, which re-runs each
 *   waiting client's command, first blocked first served (handleClientsBlockedOnKeys), and hands
 *   the reply to the client's waker;
 * - the deadline passes: the transport's timer calls {@link Blocking.timeOut} (or an in-process
 *   driver calls {@link Blocking.handleTimeouts}); the reply is a null array (`*-1` / `_`), or
 *   the command's own timeout reply.
 *
 * A client may also wait for its deadline alone, on no key ({@link blockForTimeout}: WAIT, which
 * has no replica to wait for).
 *
 * Clients that never block get an immediate reply instead: inside MULTI/EXEC or a script the
 * command's own "deny blocking" reply, and for sessions without a waker (direct
 * `server.execute()` callers, HTTP) the timeout reply at once, as if the timeout had elapsed.
 *
 * @module
 */

import type { Bytes } from "./bytes.ts";
import {
  ERR_TIMEOUT_NEGATIVE,
  ERR_TIMEOUT_NOT_FLOAT,
  ERR_TIMEOUT_NOT_INTEGER,
  ERR_TIMEOUT_OUT_OF_RANGE,
  ReplyError,
} from "./errors.ts";
import type { ValueType } from "./keyspace/keyspace.ts";
import { NULL_ARRAY, type NullReply, type Reply } from "./resp/reply.ts";
import type { CommandContext } from "./commands/spec.ts";
import { parseInteger } from "./commands/args.ts";
import type { Server } from "./server.ts";
import type { Session } from "./session.ts";
import { string2ld } from "./types/long_double.ts";

/** Receives the reply of a client's blocked command once it completes. */
export type Waker = (reply: Reply) => void;

/**
 * What a handler returns when its client is now blocked: not a reply to send. Only transports
 * that attached a waker ever see it (check {@link Blocking.isBlocked} after `execute()`).
 */
export const BLOCKED: NullReply = Object.freeze({ type: "null", array: true });

/** One blocked client. */
interface BlockedClient {
  readonly session: Session;
  readonly argv: readonly Bytes[];
  readonly db: number;
  /** `${db}\n${key}` of each key, in argument order, without duplicates. */
  readonly ids: readonly string[];
  /** The value type that unblocks it (Valkey's btype); null when it waits on no key. */
  readonly type: ValueType | null;
  /** Absolute deadline in ms; 0 = no timeout. */
  readonly deadline: number;
  /** What it gets when the deadline passes. */
  readonly timeoutReply: Reply;
}

const LLONG_MAX = 2n ** 63n - 1n;

/**
 * getTimeoutFromObjectOrReply(…, UNIT_SECONDS): a timeout in seconds as a long double (`1.5`,
 * `0`, `1e3`), turned into an absolute deadline in whole milliseconds (rounded up), or 0 for "no
 * timeout".
 *
 * @param ctx The command context ("now" is its fixed time).
 * @param arg The timeout argument.
 * @returns The deadline in ms since the epoch, or 0.
 * @example
 * ```ts ignore
 * const deadline = parseBlockingTimeout(ctx, argv[argv.length - 1]);
 * ```
 */
export function parseBlockingTimeout(ctx: Pick<CommandContext, "now">, arg: Bytes): number {
  const v = string2ld(arg); // never NaN
  if (v === undefined || v.kind === "nan") throw new ReplyError(ERR_TIMEOUT_NOT_FLOAT);
  // (long long)ceill(-inf) is LLONG_MIN on x86-64: negative.
  if (v.kind === "inf") {
    throw new ReplyError(v.neg ? ERR_TIMEOUT_NEGATIVE : ERR_TIMEOUT_OUT_OF_RANGE);
  }
  const ms = ceilTimes1000(v.neg, v.m, v.e);
  if (ms > LLONG_MAX) throw new ReplyError(ERR_TIMEOUT_OUT_OF_RANGE);
  if (ms < 0n) throw new ReplyError(ERR_TIMEOUT_NEGATIVE);
  if (ms === 0n) return 0;
  const now = BigInt(Math.floor(ctx.now));
  if (ms > LLONG_MAX - now) throw new ReplyError(ERR_TIMEOUT_OUT_OF_RANGE);
  return Number(ms + now);
}

/**
 * getTimeoutFromObjectOrReply(…, UNIT_MILLISECONDS) (WAIT): a timeout in whole milliseconds,
 * turned into an absolute deadline, or 0 for "no timeout".
 *
 * @param ctx The command context ("now" is its fixed time).
 * @param arg The timeout argument.
 * @returns The deadline in ms since the epoch, or 0.
 */
export function parseBlockingTimeoutMs(ctx: Pick<CommandContext, "now">, arg: Bytes): number {
  const v = parseInteger(arg);
  if (v === undefined) throw new ReplyError(ERR_TIMEOUT_NOT_INTEGER);
  const ms = BigInt(v);
  if (ms < 0n) throw new ReplyError(ERR_TIMEOUT_NEGATIVE);
  if (ms === 0n) return 0;
  const now = BigInt(Math.floor(ctx.now));
  if (ms > LLONG_MAX - now) throw new ReplyError(ERR_TIMEOUT_OUT_OF_RANGE);
  return Number(ms + now);
}

/**
 * ceill(x × 1000) for the long double x = ±m × 2^e, the product rounded to a 64-bit significand
 * first, as the x87 multiplication does.
 */
function ceilTimes1000(neg: boolean, m: bigint, e: number): bigint {
  if (m === 0n) return 0n;
  let p = m * 1000n;
  const bits = p.toString(2).length;
  if (bits > 64) {
    const s = BigInt(bits - 64);
    const q = p >> s;
    const r = p - (q << s);
    const half = 1n << (s - 1n);
    p = r > half || (r === half && (q & 1n) === 1n) ? q + 1n : q;
    e += bits - 64;
  }
  if (e >= 0) {
    // Far beyond LLONG_MAX already: avoid building a gigantic BigInt.
    if (e > 70) return neg ? -(LLONG_MAX + 2n) : LLONG_MAX + 1n;
    const v = p << BigInt(e);
    return neg ? -v : v;
  }
  if (-e > 200) return neg ? 0n : 1n; // a tiny positive value still rounds up to 1 ms
  const d = 1n << BigInt(-e);
  const q = p / d;
  const exact = q * d === p;
  // ceil: towards +inf; for negatives the truncated quotient already is the ceiling.
  return neg ? -q : exact ? q : q + 1n;
}

/**
 * blockForKeys, or the reply of a client that may not block.
 *
 * @param ctx The command context.
 * @param argv The command (re-run as is when a key becomes ready).
 * @param keys The keys to wait on, in argument order.
 * @param type The value type that unblocks the client (`list`, `zset`).
 * @param deadline Absolute deadline in ms, 0 for none (from {@link parseBlockingTimeout}).
 * @param denied The reply inside MULTI/EXEC or a script (Valkey's CLIENT_DENY_BLOCKING path:
 *   a null array for BLPOP/BLMPOP/BZPOPMIN…, a null bulk for BLMOVE/BRPOPLPUSH).
 * @returns {@link BLOCKED}, `denied`, or the timeout reply (a null array) for sessions that
 *   cannot wait (no waker attached: direct `execute()` callers).
 */
export function blockForKeys(
  ctx: CommandContext,
  argv: readonly Bytes[],
  keys: readonly Bytes[],
  type: ValueType,
  deadline: number,
  denied: Reply,
): Reply {
  if (ctx.inMulti || ctx.inScript) return denied;
  const blocking = ctx.server.blocking;
  if (!blocking.canBlock(ctx.session)) return NULL_ARRAY;
  return blocking.block(ctx.session, argv, ctx.db.index, keys, type, deadline);
}

/**
 * Blocks a client until its deadline only (no key, no event ends it sooner; WAIT with no replica
 * to acknowledge), or returns `timeoutReply` at once for a client that may not block: inside
 * MULTI/EXEC or a script, or a session without a waker.
 *
 * @param ctx The command context.
 * @param argv The command.
 * @param deadline Absolute deadline in ms, 0 for none (forever).
 * @param timeoutReply The reply when the deadline passes.
 * @returns {@link BLOCKED} or `timeoutReply`.
 */
export function blockForTimeout(
  ctx: CommandContext,
  argv: readonly Bytes[],
  deadline: number,
  timeoutReply: Reply,
): Reply {
  if (ctx.inMulti || ctx.inScript) return timeoutReply;
  const blocking = ctx.server.blocking;
  if (!blocking.canBlock(ctx.session)) return timeoutReply;
  return blocking.block(ctx.session, argv, ctx.db.index, [], null, deadline, timeoutReply);
}

/**
 * The registry of blocked clients of one Server, with the keys they wait on in arrival order.
 *
 * | operation                                | time                                       |
 * | ---------------------------------------- | ------------------------------------------ |
 * | block / unblock                          | O(keys of the client + waiters of each key) |
 * | signal (every key modification)          | O(1)                                       |
 * | handleReadyKeys                          | O(waiters of the ready keys) + the re-runs  |
 */
export class Blocking {
  readonly #server: Server;
  readonly #wakers = new Map<Session, Waker>();
  readonly #blocked = new Map<Session, BlockedClient>();
  /** Waiting clients per key id, first blocked first. */
  readonly #byKey = new Map<string, BlockedClient[]>();
  /** Keys modified since the last handleReadyKeys, in signalling order. */
  #ready = new Map<string, [number, Bytes]>();
  /** The client whose command is being re-run: a new block keeps its original deadline. */
  #reprocessing: BlockedClient | undefined;
  #handling = false;

  constructor(server: Server) {
    this.#server = server;
  }

  /** Number of blocked clients (INFO `blocked_clients`). */
  get blockedClients(): number {
    return this.#blocked.size;
  }

  /** Number of distinct keys clients wait on (INFO `total_blocking_keys`). */
  get blockingKeys(): number {
    return this.#byKey.size;
  }

  /** Blocked clients with a timeout (INFO `clients_in_timeout_table`). */
  get clientsWithTimeout(): number {
    let n = 0;
    for (const b of this.#blocked.values()) if (b.deadline !== 0) n++;
    return n;
  }

  /** True when some modified key may unblock a client (call {@link handleReadyKeys}). */
  get hasReadyKeys(): boolean {
    return this.#ready.size !== 0;
  }

  /**
   * Lets `session` block: its transport will deliver late replies through `waker`. Without a
   * waker a blocking command with nothing to pop replies at once as if it had timed out.
   *
   * @param session The client.
   * @param waker Called once per completed blocked command, with its reply.
   */
  attach(session: Session, waker: Waker): void {
    this.#wakers.set(session, waker);
  }

  /** Forgets `session`'s waker and any pending block, without a reply (client gone). */
  detach(session: Session): void {
    this.#wakers.delete(session);
    this.#remove(session);
  }

  /** True when `session` has a waker (a transport that can wait). */
  canBlock(session: Session): boolean {
    return this.#wakers.has(session);
  }

  /** True while `session` waits for a key or its timeout. */
  isBlocked(session: Session): boolean {
    return this.#blocked.has(session);
  }

  /** The absolute deadline of `session`'s block (0: none), or undefined when not blocked. */
  deadlineOf(session: Session): number | undefined {
    return this.#blocked.get(session)?.deadline;
  }

  /**
   * Registers a blocked client (use {@link blockForKeys} or {@link blockForTimeout} from
   * handlers). `timeoutReply` is what it gets when the deadline passes (default: a null array).
   *
   * @returns {@link BLOCKED}.
   */
  block(
    session: Session,
    argv: readonly Bytes[],
    db: number,
    keys: readonly Bytes[],
    type: ValueType | null,
    deadline: number,
    timeoutReply: Reply = NULL_ARRAY,
  ): Reply {
    this.#remove(session);
    const re = this.#reprocessing;
    const ids = [...new Set(keys.map((k) => keyId(db, k)))];
    const b: BlockedClient = {
      session,
      argv: argv.slice(),
      db,
      ids,
      type,
      // Re-blocking while re-run keeps the original timeout (CLIENT_REPROCESSING_COMMAND).
      deadline: re !== undefined && re.session === session ? re.deadline : deadline,
      timeoutReply,
    };
    this.#blocked.set(session, b);
    for (const id of ids) {
      const list = this.#byKey.get(id);
      if (list === undefined) this.#byKey.set(id, [b]);
      else list.push(b);
    }
    return BLOCKED;
  }

  /**
   * signalKeyAsReady: `key` of `db` was written. Cheap when nobody waits on it.
   *
   * @param db Database index.
   * @param key The key.
   */
  signal(db: number, key: Bytes): void {
    if (this.#byKey.size === 0) return;
    const id = keyId(db, key);
    if (this.#byKey.has(id) && !this.#ready.has(id)) this.#ready.set(id, [db, key]);
  }

  /**
   * handleClientsBlockedOnKeys: for each signalled key, in order, serves its waiting clients
   * first come first served while the key holds the awaited type, by re-running their commands.
   * Keys signalled meanwhile (BLMOVE pushes) are handled in the same call.
   */
  handleReadyKeys(): void {
    if (this.#handling) return;
    this.#handling = true;
    try {
      while (this.#ready.size !== 0) {
        const ready = this.#ready;
        this.#ready = new Map();
        for (const [id, [db, key]] of ready) this.#serveKey(id, db, key);
      }
    } finally {
      this.#handling = false;
    }
  }

  /**
   * The deadline of `session`'s block has passed (its transport's timer): it gets the timeout
   * reply (a null array, or the command's own).
   *
   * @param session The client.
   * @returns False when it was not blocked (already served).
   */
  timeOut(session: Session): boolean {
    const b = this.#blocked.get(session);
    return b !== undefined && this.unblock(session, b.timeoutReply);
  }

  /**
   * handleBlockedClientsTimeout: times out every client whose deadline is before `now` (for
   * transports without timers and tests with a manual clock).
   *
   * @param now Current time in ms.
   * @returns How many clients timed out.
   */
  handleTimeouts(now: number): number {
    let n = 0;
    for (const b of [...this.#blocked.values()]) {
      if (b.deadline !== 0 && b.deadline < now && this.timeOut(b.session)) n++;
    }
    return n;
  }

  /**
   * Ends `session`'s block; with a reply, hands it to the waker (CLIENT UNBLOCK, timeouts).
   *
   * @param session The client.
   * @param reply What to send, or nothing.
   * @returns False when it was not blocked.
   */
  unblock(session: Session, reply?: Reply): boolean {
    if (!this.#remove(session)) return false;
    if (reply !== undefined) this.#wakers.get(session)?.(reply);
    return true;
  }

  #serveKey(id: string, db: number, key: Bytes): void {
    const waiting = this.#byKey.get(id);
    if (waiting === undefined) return;
    const server = this.#server;
    // Only the clients waiting now: one that blocks again goes to the end and waits for the
    // next signal (no endless loop).
    for (const b of waiting.slice()) {
      if (this.#blocked.get(b.session) !== b) continue;
      const e = server.keyspace.dbs[db].get(key, server.clock.now());
      if (e === undefined) return;
      if (e.type !== b.type) continue;
      this.#remove(b.session);
      const reply = this.#rerun(b);
      if (!this.#blocked.has(b.session)) this.#wakers.get(b.session)?.(reply);
    }
  }

  /** Re-runs a woken client's command as Valkey's processCommandAndResetClient does. */
  #rerun(b: BlockedClient): Reply {
    const server = this.#server;
    const found = server.lookup(b.argv);
    if (found instanceof ReplyError) return found.toReply();
    const previous = this.#reprocessing;
    this.#reprocessing = b;
    try {
      return server.call(b.session, found, b.argv, server.clock.now(), false, {
        db: server.keyspace.dbs[b.db],
      });
    } finally {
      this.#reprocessing = previous;
    }
  }

  #remove(session: Session): boolean {
    const b = this.#blocked.get(session);
    if (b === undefined) return false;
    this.#blocked.delete(session);
    for (const id of b.ids) {
      const list = this.#byKey.get(id);
      if (list === undefined) continue;
      const i = list.indexOf(b);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) {
        this.#byKey.delete(id);
        this.#ready.delete(id);
      }
    }
    return true;
  }
}

function keyId(db: number, key: Bytes): string {
  return `${db}\n${key}`;
}
