/**
 * Server: owns the keyspace, the command table, configuration, clock and statistics, and runs
 * commands synchronously. `execute()` never awaits: that is what makes a script atomic.
 *
 * @module
 */

import { asciiLower, type Bytes } from "./bytes.ts";
import { type Clock, systemClock } from "./clock.ts";
import { Config } from "./config.ts";
import {
  ERR_NOAUTH,
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

/** Result of looking a command up: the spec to run and its full lowercase name. */
export interface Lookup {
  readonly spec: CommandSpec;
  /** `get`, or `script|load` for a subcommand. */
  readonly fullName: string;
  /** The container, for subcommands. */
  readonly parent?: CommandSpec;
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
  stats: Stats = newStats();
  /** Live sessions (CLIENT LIST). */
  readonly sessions: Set<Session> = new Set();
  /** Process start in ms (INFO uptime). */
  readonly startedAt: number;
  /** Set by SHUTDOWN: transports stop serving. */
  shutdownRequested = false;
  /** Called by SHUTDOWN (the RESP runtime closes its listener). */
  onShutdown: (() => void) | undefined;
  readonly #commands: Map<string, CommandSpec>;
  readonly #log: (level: number, message: string) => void;
  /** Sessions watching `${db}\n${key}`. */
  readonly #watchers: Map<string, Set<Session>> = new Map();
  #nextClientId = 1;

  constructor(options: ServerOptions = {}) {
    this.options = resolveOptions(options);
    this.clock = options.clock ?? systemClock();
    this.#log = options.log ?? (() => {});
    this.config = new Config(this.options);
    this.startedAt = this.clock.now();
    this.keyspace = new Keyspace(this.options.databases, {
      modified: (db, key) => this.#signalModified(db, key),
      expired: () => {
        this.stats.expiredKeys++;
      },
    });
    this.#commands = new Map(COMMAND_TABLE.map((c) => [c.name, c]));
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
    this.unwatchAll(session);
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
    const name = asciiLower(argv[0]);
    const spec = this.#commands.get(name);
    if (spec === undefined) return new ReplyError(errUnknownCommand(argv));
    if (spec.subcommands !== undefined) {
      if (argv.length < 2) return new ReplyError(errWrongArity(name));
      const subName = asciiLower(argv[1]);
      const sub = spec.subcommands.find((s) => s.name === subName);
      if (sub === undefined) return new ReplyError(errUnknownSubcommand(argv[1], argv[0]));
      const fullName = `${name}|${subName}`;
      if (!arityOk(sub.arity, argv.length)) return new ReplyError(errWrongArity(fullName));
      return { spec: sub, fullName, parent: spec };
    }
    if (!arityOk(spec.arity, argv.length)) return new ReplyError(errWrongArity(name));
    return { spec, fullName: name };
  }

  /**
   * Runs one command for a client and returns its reply. Never throws for bad input: every
   * failure is an error reply.
   */
  execute(session: Session, argv: readonly Bytes[]): Reply {
    const now = this.clock.now();
    session.lastInteraction = now;
    if (argv.length === 0) return error(errUnknownCommand([""]));
    const found = this.lookup(argv);
    if (found instanceof ReplyError) {
      if (session.multi !== null) session.multiError = true;
      return this.#rejected(found);
    }
    const { spec, fullName } = found;
    session.lastCommand = fullName;
    if (!session.authenticated && !spec.flags.includes("no_auth")) {
      if (session.multi !== null) session.multiError = true;
      return this.#rejected(new ReplyError(ERR_NOAUTH));
    }
    if (session.multi !== null && !MULTI_CONTROL.has(fullName)) {
      if (spec.flags.includes("no_multi")) {
        session.multiError = true;
        return this.#rejected(new ReplyError("ERR Command not allowed inside a transaction"));
      }
      session.multi.push({ argv: argv.slice() });
      return QUEUED;
    }
    return this.call(session, found, argv, now, false);
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
    const ctx: CommandContext = {
      server: this,
      session,
      db: this.keyspace.dbs[session.db],
      now,
      resp: session.resp,
      inScript: false,
      inMulti,
      ...ctxOverride,
    };
    this.stats.totalCommandsProcessed++;
    try {
      const reply = found.spec.run!(ctx, argv);
      if (reply.type === "error") this.stats.totalErrorReplies++;
      return reply;
    } catch (e) {
      if (e instanceof ReplyError) {
        this.stats.totalErrorReplies++;
        return e.toReply();
      }
      // A bug must not take the server down: report it as an error reply.
      this.log(3, `internal error in '${found.fullName}': ${(e as Error)?.stack ?? e}`);
      this.stats.totalErrorReplies++;
      return error(`ERR internal error: ${String((e as Error)?.message ?? e)}`);
    }
  }

  /** WATCH: remembers that `session` watches `key` in `db`. */
  watch(session: Session, db: number, key: Bytes): void {
    const id = `${db}\n${key}`;
    if (session.watched.has(id)) return;
    session.watched.set(id, [db, key]);
    let set = this.#watchers.get(id);
    if (set === undefined) this.#watchers.set(id, set = new Set());
    set.add(session);
  }

  /** UNWATCH / EXEC / DISCARD: forgets every key the session watches. */
  unwatchAll(session: Session): void {
    for (const id of session.watched.keys()) {
      const set = this.#watchers.get(id);
      if (set === undefined) continue;
      set.delete(session);
      if (set.size === 0) this.#watchers.delete(id);
    }
    session.watched.clear();
    session.dirtyCas = false;
  }

  /** Marks every session watching any key of `db` dirty (FLUSHDB, SWAPDB). */
  touchAllWatched(db: number): void {
    for (const [id, set] of this.#watchers) {
      if (id.startsWith(`${db}\n`)) { for (const s of set) s.dirtyCas = true; }
    }
  }

  #signalModified(db: number, key: Bytes): void {
    if (this.#watchers.size === 0) return;
    const set = this.#watchers.get(`${db}\n${key}`);
    if (set !== undefined) { for (const s of set) s.dirtyCas = true; }
  }

  #rejected(e: ReplyError): Reply {
    this.stats.rejectedCalls++;
    this.stats.totalErrorReplies++;
    return e.toReply();
  }
}

function arityOk(arity: number, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity;
}
