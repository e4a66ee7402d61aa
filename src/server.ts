/**
 * Server: owns the keyspace, the command table, configuration, clock and statistics, and runs
 * commands synchronously. `execute()` never awaits: that is what makes a script atomic.
 *
 * @module
 */

import { asciiLower, type Bytes } from "./bytes.ts";
import { type Clock, systemClock } from "./clock.ts";
import { Config, isLocalSession } from "./config.ts";
import {
  ERR_BUSY,
  ERR_DEBUG_NOT_ALLOWED,
  ERR_NO_MULTI,
  ERR_NOAUTH,
  errExecAbort,
  errInternal,
  errUnknownCommand,
  errUnknownSubcommand,
  errWrongArity,
  ReplyError,
} from "./errors.ts";
import { Keyspace } from "./keyspace/keyspace.ts";
import { type ResolvedOptions, resolveOptions, type ServerOptions } from "./options.ts";
import { error, QUEUED, type Reply } from "./resp/reply.ts";
import { Session } from "./session.ts";
import type { CommandContext, CommandSpec } from "./commands/spec.ts";
import { COMMAND_TABLE } from "./commands/table.ts";
import { Scripting } from "./scripting/eval.ts";
import { provideInfoFields } from "./info.ts";
import { BLOCKED, Blocking } from "./blocking.ts";
import { Gates } from "./gates.ts";

/** Result of looking a command up: the spec to run and its full lowercase name. */
export interface Lookup {
  readonly spec: CommandSpec;
  /** `get`, or `script|load` for a subcommand. */
  readonly fullName: string;
  /** The container, for subcommands. */
  readonly parent?: CommandSpec;
}

/** Options of {@link Server.execute} and {@link Server.executeAsync}. */
export interface ExecuteOptions {
  /**
   * Hard time limit, in ms, for the scripts this call runs, counted from the call's start (see
   * ServerOptions.scriptTimeLimitMs for the server-wide one; the smaller applies).
   */
  readonly scriptTimeLimitMs?: number;
}

/** Counters shown by INFO stats (reset by CONFIG RESETSTAT unless noted). */
export interface Stats {
  totalCommandsProcessed: number;
  totalConnectionsReceived: number;
  expiredKeys: number;
  evictedKeys: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  evictedScripts: number;
  rejectedCalls: number;
  totalErrorReplies: number;
}

function newStats(): Stats {
  return {
    totalCommandsProcessed: 0,
    totalConnectionsReceived: 0,
    expiredKeys: 0,
    evictedKeys: 0,
    keyspaceHits: 0,
    keyspaceMisses: 0,
    evictedScripts: 0,
    rejectedCalls: 0,
    totalErrorReplies: 0,
  };
}

/** Commands that run, rather than being queued, while a session is inside MULTI. */
const MULTI_CONTROL = new Set(["exec", "discard", "multi", "watch", "quit", "reset"]);

/** A Valkey-compatible server in-process. */
export class Server {
  readonly options: ResolvedOptions;
  readonly clock: Clock;
  readonly config: Config;
  readonly keyspace: Keyspace;
  /** Script cache, engine and the run in progress. */
  readonly scripting: Scripting;
  /** Clients blocked on keys (BLPOP, BZPOPMIN…) and the keys they wait on. */
  readonly blocking: Blocking = new Blocking(this);
  /** Cluster, maxmemory and replica checks before commands run (spec §1.2 steps 3–5). */
  readonly gates: Gates;
  /** Uniform numbers in [0, 1) for eviction sampling and LFU counters (ServerOptions.random). */
  readonly random: () => number;
  stats: Stats = newStats();
  /** Live sessions (CLIENT LIST). */
  readonly sessions: Set<Session> = new Set();
  /** Process start in ms (INFO uptime). */
  readonly startedAt: number;
  /** Set by SHUTDOWN: transports stop serving. */
  shutdownRequested = false;
  /** Called by SHUTDOWN (the RESP runtime closes its listener). */
  onShutdown: (() => void) | undefined;
  /** Error replies by code (`ERR`, `WRONGTYPE`…) for INFO errorstats; reset by RESETSTAT. */
  readonly errorStats: Map<string, number> = new Map();
  /**
   * Set by a script command whose error reply was already counted when the command the script
   * called failed (ERR-9, Valkey's ERR_REPLY_FLAG_NO_STATS_UPDATE); call() consumes it.
   */
  errorAlreadyCounted = false;
  readonly #commands: Map<string, CommandSpec>;
  /** Command names as clients spell them → top-level lookups (see lookup()). */
  readonly #byName: Map<Bytes, Lookup> = new Map();
  readonly #log: (level: number, message: string) => void;
  /** Sessions watching `${db}\n${key}`. */
  readonly #watchers: Map<string, Set<Session>> = new Map();
  #nextClientId = 1;

  constructor(options: ServerOptions = {}) {
    this.options = resolveOptions(options);
    this.clock = options.clock ?? systemClock();
    this.#log = options.log ?? (() => {});
    this.config = new Config(this.options);
    this.gates = new Gates(this, this.options.stale);
    this.random = options.random ?? Math.random;
    this.startedAt = this.clock.now();
    this.keyspace = new Keyspace(this.options.databases, {
      modified: (db, key) => {
        this.#signalModified(db, key);
        this.blocking.signal(db, key);
      },
      expired: () => {
        this.stats.expiredKeys++;
      },
    });
    this.#commands = new Map(COMMAND_TABLE.map((c) => [c.name, c]));
    const scripting = this.scripting = new Scripting(
      options.scriptEngine,
      options.scriptTimeLimitMs,
      options.clock === undefined,
    );
    provideInfoFields(this, {
      used_memory_vm_eval: () => scripting.engine?.memoryUsed() ?? 0,
      used_memory_scripts_eval: () => scripting.cache.memory,
      number_of_cached_scripts: () => scripting.cache.size,
      blocked_clients: () => this.blocking.blockedClients,
      total_blocking_keys: () => this.blocking.blockingKeys,
      clients_in_timeout_table: () => this.blocking.clientsWithTimeout,
    });
  }

  /** Opens a client session (one per connection / request). */
  createSession(): Session {
    const s = new Session(this.#nextClientId++, this.clock.now());
    s.authenticated = this.config.requirepass === "";
    this.sessions.add(s);
    this.stats.totalConnectionsReceived++;
    return s;
  }

  /** Forgets a session (connection closed). */
  closeSession(session: Session): void {
    this.scripting.detach(session);
    this.unwatchAll(session);
    this.blocking.detach(session);
    this.sessions.delete(session);
  }

  /** Every registered top-level command. */
  commands(): IterableIterator<CommandSpec> {
    return this.#commands.values();
  }

  /** Writes to the server log (server.log, events). */
  log(level: number, message: string): void {
    this.#log(level, message);
  }

  /**
   * Finds the command for argv: checks existence and arity (CMD-1..3). Returns the lookup or the
   * error text.
   */
  lookup(argv: readonly Bytes[]): Lookup | ReplyError {
    // The name as spelled → its top-level lookup, so the hot path neither lower-cases nor
    // allocates (bounded: names are client bytes).
    let top = this.#byName.get(argv[0]);
    if (top === undefined) {
      const lower = asciiLower(argv[0]);
      const found = this.#commands.get(lower);
      if (found === undefined) return new ReplyError(errUnknownCommand(argv));
      top = { spec: found, fullName: lower };
      if (this.#byName.size >= 1024) this.#byName.clear();
      this.#byName.set(argv[0], top);
    }
    const spec = top.spec;
    const name = top.fullName;
    if (spec.subcommands !== undefined) {
      if (argv.length < 2) {
        // A container alone is the container itself (COMMAND runs; CONFIG fails its arity).
        if (spec.run === undefined || !arityOk(spec.arity, argv.length)) {
          return new ReplyError(errWrongArity(name));
        }
        return { spec, fullName: name };
      }
      const subName = asciiLower(argv[1]);
      const sub = spec.subcommands.find((s) => s.name === subName);
      if (sub === undefined) return new ReplyError(errUnknownSubcommand(argv[1], argv[0]));
      const fullName = `${name}|${subName}`;
      if (!arityOk(sub.arity, argv.length)) return new ReplyError(errWrongArity(fullName));
      return { spec: sub, fullName, parent: spec };
    }
    if (!arityOk(spec.arity, argv.length)) return new ReplyError(errWrongArity(name));
    return top;
  }

  /**
   * Runs one command for a client and returns its reply. Never throws for bad input: every
   * failure is an error reply.
   *
   * For a session without a transport that can wait (see {@link executeAsync}), a script always
   * runs to its end here: nothing else can run meanwhile, so other callers never see BUSY from
   * it, and only a hard time limit (`options.scriptTimeLimitMs`, ServerOptions) can stop it.
   *
   * @param session The client.
   * @param argv The command and its arguments.
   * @param options `scriptTimeLimitMs`: each script this call runs is aborted once that many ms
   *   have passed since the call started (EXEC's scripts share the budget), with
   *   `ERR Script exceeded the time limit of <n> ms and was aborted (…)`, the text saying whether
   *   the script had written (its writes stay).
   * @returns The reply.
   */
  execute(session: Session, argv: readonly Bytes[], options?: ExecuteOptions): Reply {
    if (options?.scriptTimeLimitMs !== undefined) {
      const ms = options.scriptTimeLimitMs;
      if (!(ms >= 0)) throw new RangeError("scriptTimeLimitMs must be a non-negative number");
      return this.scripting.withTimeLimit(ms, () => this.execute(session, argv));
    }
    const now = this.clock.now();
    session.lastInteraction = now;
    if (argv.length === 0) return error(errUnknownCommand([""]));
    const found = this.lookup(argv);
    if (found instanceof ReplyError) {
      // EXEC rejected (wrong arity) aborts the transaction (execCommandAbort).
      if (asciiLower(argv[0]) === "exec") return this.#rejectExec(session, found);
      if (session.multi !== null) session.multiError = true;
      return this.#rejected(found);
    }
    const { spec, fullName } = found;
    session.lastCommand = fullName;
    let rejection: Bytes | undefined;
    if (spec.flags.includes("protected") && !this.#protectedAllowed(session)) {
      rejection = ERR_DEBUG_NOT_ALLOWED;
    } else if (
      !session.authenticated && this.config.requirepass !== "" && !spec.flags.includes("no_auth")
    ) {
      rejection = ERR_NOAUTH;
    } else if (session.multi !== null && spec.flags.includes("no_multi")) {
      rejection = ERR_NO_MULTI;
    } else if (this.gates.active) {
      // Cluster slots, maxmemory (evicting first), read-only / stale replica (§1.2 steps 3–5).
      const denied = this.gates.check(session, found, argv, now);
      // A cluster redirection has flagged or discarded the transaction itself: no EXECABORT.
      if (denied?.redirect) return this.#rejected(new ReplyError(denied.text));
      rejection = denied?.text;
    }
    // A script suspended past busy-reply-threshold: only allow_busy commands (§1.2 step 6, BUSY-3).
    if (rejection === undefined && this.scripting.busy && !spec.flags.includes("allow_busy")) {
      rejection = ERR_BUSY;
    }
    if (rejection !== undefined) {
      if (fullName === "exec") return this.#rejectExec(session, new ReplyError(rejection));
      if (session.multi !== null) session.multiError = true;
      return this.#rejected(new ReplyError(rejection));
    }
    if (session.multi !== null && !MULTI_CONTROL.has(fullName)) {
      session.multi.push({ argv: argv.slice() });
      return QUEUED;
    }
    const reply = this.call(session, found, argv, now, false);
    // handleClientsBlockedOnKeys: serve clients waiting on keys this command (or the EXEC or
    // script it ran) wrote.
    // (A suspended script's writes wait for its end: scripting/eval.ts serves them then.)
    if (this.blocking.hasReadyKeys && !this.scripting.busy) this.blocking.handleReadyKeys();
    return reply;
  }

  /**
   * Periodic work, as Valkey's serverCron: active expiry of keys whose TTL passed (skipped while
   * DEBUG SET-ACTIVE-EXPIRE 0 is in effect, and while a script is running or suspended). The RESP
   * runtimes call it every 100 ms; in-process embedders (and tests with manualClock()) call it
   * themselves, otherwise keys expire lazily, when accessed.
   *
   * @returns How many keys were reclaimed.
   */
  cron(): number {
    if (!this.config.activeExpireEnabled) return 0;
    if (this.scripting.running !== null || this.scripting.busy) return 0;
    return this.keyspace.activeExpireCycle(Math.floor(this.clock.now()));
  }

  /**
   * Runs one command like {@link execute}, for callers that can wait (the HTTP handler, async
   * embedders): a script that runs past busy-reply-threshold is suspended and resumed from the
   * event loop, so that meanwhile other clients are answered (BUSY, or the allow_busy commands:
   * SCRIPT KILL, SHUTDOWN NOSAVE…), and the promise resolves with its reply when it ends.
   * Anything else resolves at once. The session must not belong to a RESP connection (those
   * suspend through their own waker).
   *
   * @param session The client.
   * @param argv The command and its arguments.
   * @param options As for {@link execute}.
   * @returns The reply.
   */
  executeAsync(
    session: Session,
    argv: readonly Bytes[],
    options?: ExecuteOptions,
  ): Promise<Reply> {
    const scripting = this.scripting;
    if (scripting.canSuspend(session) || this.blocking.canBlock(session)) {
      throw new TypeError("evalkit: executeAsync() on a session that has a transport attached");
    }
    let resolve!: (reply: Reply) => void;
    const late = new Promise<Reply>((r) => resolve = r);
    scripting.attach(session, resolve);
    let reply: Reply;
    try {
      reply = this.execute(session, argv, options);
    } catch (e) {
      scripting.detach(session);
      throw e;
    }
    if (reply !== BLOCKED) {
      scripting.detach(session);
      return Promise.resolve(reply);
    }
    return late.finally(() => scripting.detach(session));
  }

  /**
   * Runs an already looked-up command (used by execute, EXEC and scripts). Catches ReplyError.
   */
  call(
    session: Session,
    found: Lookup,
    argv: readonly Bytes[],
    now: number,
    inMulti: boolean,
    ctxOverride?: Partial<CommandContext>,
  ): Reply {
    // Field by field rather than a spread: one object shape for every handler, and no generic
    // property copy on the script path (measured: ~6% of an EVALSHA in Bun).
    const o = ctxOverride;
    const ctx: CommandContext = o === undefined
      ? {
        server: this,
        session,
        db: this.keyspace.dbs[session.db],
        now,
        resp: session.resp,
        inScript: false,
        inMulti,
      }
      : {
        server: o.server ?? this,
        session: o.session ?? session,
        db: o.db ?? this.keyspace.dbs[session.db],
        now: o.now ?? now,
        resp: o.resp ?? session.resp,
        inScript: o.inScript ?? false,
        inMulti: o.inMulti ?? inMulti,
      };
    try {
      const reply = found.spec.run!(ctx, argv);
      if (reply.type === "error") {
        if (this.errorAlreadyCounted) this.errorAlreadyCounted = false;
        else this.#countError(reply.value);
      }
      return reply;
    } catch (e) {
      if (e instanceof ReplyError) {
        this.#countError(e.text);
        return e.toReply();
      }
      // A bug must not take the server down: report it as an error reply.
      this.log(3, `internal error in '${found.fullName}': ${(e as Error)?.stack ?? e}`);
      this.#countError("ERR");
      return error(errInternal(e));
    } finally {
      // Counted after the command, as Valkey's call() does (CONFIG RESETSTAT counts itself).
      this.stats.totalCommandsProcessed++;
    }
  }

  /**
   * WATCH: remembers that `session` watches `key` in `db`; `expired` says the key was already
   * stale (expired, not yet deleted) when watched: its deletion then changes nothing.
   */
  watch(session: Session, db: number, key: Bytes, expired = false): void {
    const id = `${db}\n${key}`;
    if (session.watched.has(id)) return;
    session.watched.set(id, [db, key]);
    if (expired) session.watchedExpired.add(id);
    let set = this.#watchers.get(id);
    if (set === undefined) this.#watchers.set(id, set = new Set());
    set.add(session);
  }

  /** UNWATCH / EXEC / DISCARD: forgets every key the session watches. */
  unwatchAll(session: Session): void {
    this.#unwatchKeys(session);
    session.dirtyCas = false;
  }

  #unwatchKeys(session: Session): void {
    for (const id of session.watched.keys()) {
      const set = this.#watchers.get(id);
      if (set === undefined) continue;
      set.delete(session);
      if (set.size === 0) this.#watchers.delete(id);
    }
    session.watched.clear();
    session.watchedExpired.clear();
  }

  /**
   * touchAllWatchedKeysInDb, for SWAPDB (called for both databases before swapping): sessions
   * watching a key of `db` that exists there or in `replacedWith` become dirty, except that a key
   * stale when watched and absent from `replacedWith` only loses its stale mark, and a missing
   * key replaced by a stale one gains it.
   */
  touchAllWatched(db: number, replacedWith?: number): void {
    const now = this.clock.now();
    const emptied = this.keyspace.dbs[db];
    const other = replacedWith === undefined ? undefined : this.keyspace.dbs[replacedWith];
    for (const [id, set] of this.#watchers) {
      if (!id.startsWith(`${db}\n`)) continue;
      const key = id.slice(id.indexOf("\n") + 1);
      const inEmptied = emptied.peek(key) !== undefined;
      const inOther = other !== undefined && other.peek(key) !== undefined;
      if (!inEmptied && !inOther) continue;
      for (const s of set) {
        if (s.watchedExpired.has(id)) {
          if (!inOther) {
            s.watchedExpired.delete(id);
            continue;
          }
          if (other!.isExpired(key, now)) continue;
        } else if (!inEmptied && other!.isExpired(key, now)) {
          s.watchedExpired.add(id);
          continue;
        }
        s.dirtyCas = true;
      }
    }
  }

  /** touchWatchedKey: a write (or deletion, or expiry) of `key` in `db`. */
  #signalModified(db: number, key: Bytes): void {
    if (this.#watchers.size === 0) return;
    const id = `${db}\n${key}`;
    const set = this.#watchers.get(id);
    if (set === undefined) return;
    for (const s of [...set]) {
      if (s.watchedExpired.has(id)) {
        const d = this.keyspace.dbs[db];
        // The stale key was deleted (or is still there, stale): logically nothing changed.
        if (d.peek(key) === undefined) {
          s.watchedExpired.delete(id);
          continue;
        }
        if (d.isExpired(key, this.clock.now())) continue;
        s.watchedExpired.delete(id);
      }
      s.dirtyCas = true;
      // EXEC will fail anyway: stop watching (WATCH count 0 in CLIENT LIST, as in Valkey).
      this.#unwatchKeys(s);
    }
  }

  #protectedAllowed(session: Session): boolean {
    const v = this.config.enableDebugCommand;
    return v === "yes" || (v === "local" && isLocalSession(session));
  }

  /** EXEC itself rejected: the transaction is discarded with EXECABORT. */
  #rejectExec(session: Session, e: ReplyError): Reply {
    session.multi = null;
    session.multiError = false;
    this.unwatchAll(session);
    return this.#rejected(new ReplyError(errExecAbort(e.text)));
  }

  /** Counts an error reply delivered after its command returned (a suspended script's). */
  countErrorReply(text: Bytes): void {
    this.#countError(text);
  }

  /** afterErrorReply: counts the error under its code (the text up to the first space). */
  #countError(text: Bytes): void {
    this.stats.totalErrorReplies++;
    const sp = text.indexOf(" ");
    const code = sp < 0 ? text : text.slice(0, sp);
    // Valkey tracks at most 128 distinct codes, then stops tracking new ones.
    if (this.errorStats.size >= 128 && !this.errorStats.has(code)) return;
    this.errorStats.set(code, (this.errorStats.get(code) ?? 0) + 1);
  }

  #rejected(e: ReplyError): Reply {
    this.stats.rejectedCalls++;
    this.#countError(e.text);
    return e.toReply();
  }
}

function arityOk(arity: number, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity;
}
