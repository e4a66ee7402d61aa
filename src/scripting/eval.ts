/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (Valkey's eval.c): numkeys parsing, the sha cache,
 * shebang flags, the EVAL LRU, and running a script through the engine with a RunContext.
 *
 * Busy scripts (spec §14): a run whose caller can wait (a session with a waker: RESP
 * connections, `Server.executeAsync`) is suspendable. Past `busy-reply-threshold` the engine
 * suspends it every few ms (run_context.ts decides when); EVAL then returns the BLOCKED marker,
 * so the caller's transport holds its later commands, exactly as for BLPOP (blocking.ts), and a
 * macrotask resumes the script after the event loop has run. Meanwhile the server is busy:
 * `Server.execute` refuses every command but the allow_busy ones with BUSY (so nothing
 * interleaves with the script), no blocked client is served, SCRIPT KILL and SHUTDOWN NOSAVE
 * work. When the script ends, its reply goes to the caller's waker. Runs whose caller cannot wait
 * (direct `execute()`, inside EXEC) run to the end synchronously: nobody else can run meanwhile.
 *
 * @module
 */

import { asciiLower, asciiUpper, type Bytes, eqIgnoreCase } from "../bytes.ts";
import {
  ERR_NO_SCRIPT_ENGINE,
  ERR_NOSCRIPT,
  ERR_NOT_INTEGER,
  ERR_NOTBUSY,
  ERR_NUMKEYS_GREATER,
  ERR_NUMKEYS_NEGATIVE,
  ERR_SCRIPT_DEBUG_OPTION,
  ERR_SCRIPT_DEBUG_UNSUPPORTED,
  ERR_SCRIPT_FLUSH_OPTION,
  ERR_UNKILLABLE,
  errInternal,
  ReplyError,
} from "../errors.ts";
import { array, bulk, error, int, OK, type Reply, status } from "../resp/reply.ts";
import { BLOCKED, type Waker } from "../blocking.ts";
import type { Session } from "../session.ts";
import type { CommandContext } from "../commands/spec.ts";
import { parseInteger } from "../commands/args.ts";
import { sha1hex } from "../sha1.ts";
import { FLAG_EVAL_COMPAT_MODE, FLAG_NO_WRITES, parseShebang } from "./flags.ts";
import { verifyScriptPrepare } from "./prepare.ts";
import { RunContext } from "./run_context.ts";
import { type CachedScript, ScriptCache } from "./script_cache.ts";
import {
  type CompiledScript,
  type ScriptEngine,
  type ScriptRunOptions,
  SUSPENDED,
} from "./engine.ts";

const SUSPENDABLE: ScriptRunOptions = Object.freeze({ suspendable: true });

/** A suspended run (the server is busy). */
interface Suspended {
  readonly session: Session;
  readonly run: RunContext;
  readonly script: CachedScript<CompiledScript>;
}

/** The scripting state of one Server: cache, engine and the run in progress. */
export class Scripting {
  readonly cache: ScriptCache<CompiledScript> = new ScriptCache();
  engine: ScriptEngine | undefined;
  /** The run in progress, if any (SCRIPT KILL, BUSY). */
  running: RunContext | null = null;
  /** Reused by every run (runs never nest); created with the first one. */
  #run: RunContext | undefined;
  /** Sessions whose scripts may be suspended, with the channel for their late reply. */
  readonly #wakers = new Map<Session, Waker>();
  #suspended: Suspended | undefined;
  /** Hard time limit of every run (ServerOptions.scriptTimeLimitMs). */
  readonly #serverLimitMs: number | undefined;
  /** Absolute (performance.now()) deadline of the runs of the current execute() call. */
  #callDeadline = Infinity;
  #callLimitMs = 0;

  /** The server's clock is the system clock (see RunContext). */
  readonly #realClock: boolean;

  /**
   * @param engine The script engine (none: EVAL replies an error).
   * @param scriptTimeLimitMs Hard time limit of every run (ServerOptions.scriptTimeLimitMs).
   * @param realClock The server's clock is the system clock (ServerOptions.clock unset).
   */
  constructor(engine?: ScriptEngine, scriptTimeLimitMs?: number, realClock = false) {
    if (scriptTimeLimitMs !== undefined && !(scriptTimeLimitMs >= 0)) {
      throw new RangeError("scriptTimeLimitMs must be a non-negative number");
    }
    this.engine = engine;
    this.#serverLimitMs = scriptTimeLimitMs;
    this.#realClock = realClock;
  }

  /**
   * True while a script is suspended past busy-reply-threshold: other commands get BUSY except
   * the allow_busy ones (BUSY-3), and blocked clients wait.
   */
  get busy(): boolean {
    return this.#suspended !== undefined;
  }

  /**
   * Lets the scripts of `session` be suspended (spec §14): a busy run's EVAL returns the BLOCKED
   * marker and its reply later goes to `waker`. RESP connections attach themselves.
   *
   * @param session The client.
   * @param waker Receives the reply of the client's suspended script when it ends.
   */
  attach(session: Session, waker: Waker): void {
    this.#wakers.set(session, waker);
  }

  /** True when `session` has a waker (its scripts may be suspended). */
  canSuspend(session: Session): boolean {
    return this.#wakers.has(session);
  }

  /** Forgets `session`'s waker: a script of it still running ends with nobody to answer. */
  detach(session: Session): void {
    this.#wakers.delete(session);
  }

  /** True while `session`'s script is suspended (its transport holds its later commands). */
  isWaiting(session: Session): boolean {
    return this.#suspended?.session === session;
  }

  /**
   * Runs `fn` (one execute() call) with a hard time limit on the scripts it runs: each is
   * aborted once `ms` have passed since the call started (EXEC's scripts share the budget).
   *
   * @param ms The limit in milliseconds.
   * @param fn The call.
   * @returns What `fn` returns.
   */
  withTimeLimit<T>(ms: number, fn: () => T): T {
    const deadline = this.#callDeadline;
    const limit = this.#callLimitMs;
    const mine = performance.now() + Math.max(0, ms);
    if (mine < deadline) {
      this.#callDeadline = mine;
      this.#callLimitMs = ms;
    }
    try {
      return fn();
    } finally {
      this.#callDeadline = deadline;
      this.#callLimitMs = limit;
    }
  }

  /**
   * SHUTDOWN NOSAVE while busy (BUSY-4): the suspended script is aborted now (writes it made
   * stay) and its caller receives `reason`.
   *
   * @param reason The error text the EVAL caller receives.
   */
  abort(reason: Bytes): void {
    const engine = this.engine;
    if (this.#suspended === undefined || engine === undefined) return;
    engine.kill(reason);
    // Killed, it never yields again: one resume normally ends it.
    while (this.#suspended !== undefined) this.#step();
  }

  /** Finds or compiles and caches a body (EVAL-4, SCR-1). */
  load(ctx: CommandContext, body: Bytes, pin: boolean): CachedScript<CompiledScript> {
    const engine = this.#engine();
    const sha = sha1hex(body);
    const cached = this.cache.get(sha);
    if (cached !== undefined) {
      if (pin) this.cache.pin(cached);
      return cached;
    }
    const parsed = parseShebang(body);
    const handle = engine.compile(sha, parsed.code);
    const script: CachedScript<CompiledScript> = {
      sha,
      body,
      hasShebang: parsed.hasShebang,
      flags: parsed.flags,
      handle,
      pinned: pin,
    };
    this.cache.add(script, (evicted) => {
      engine.release(evicted.handle);
      ctx.server.stats.evictedScripts++;
    });
    return script;
  }

  /** SCRIPT FLUSH: empties the cache and recreates the Lua environment (SCR-3). */
  flush(): void {
    this.cache.clear();
    this.engine?.flush();
  }

  /** Runs EVAL-family commands: argv = [cmd, script|sha, numkeys, keys…, args…]. */
  eval(ctx: CommandContext, argv: readonly Bytes[], bySha: boolean, readOnly: boolean): Reply {
    if (bySha && argv[1].length !== 40) throw new ReplyError(ERR_NOSCRIPT);
    const numkeys = parseInteger(argv[2]);
    if (numkeys === undefined) throw new ReplyError(ERR_NOT_INTEGER);
    // A bigint numkeys is beyond 2^53: greater than any argument count, or negative.
    if (numkeys > argv.length - 3) throw new ReplyError(ERR_NUMKEYS_GREATER);
    if (numkeys < 0) throw new ReplyError(ERR_NUMKEYS_NEGATIVE);
    const n = Number(numkeys);
    let script: CachedScript<CompiledScript> | undefined;
    if (bySha) {
      // Clients send lowercase shas: look up as given first, lower-case only on a miss.
      script = this.cache.get(argv[1]) ?? this.cache.get(asciiLower(argv[1]));
      if (script === undefined) throw new ReplyError(ERR_NOSCRIPT);
    } else {
      script = this.load(ctx, argv[1], false);
    }
    const noWrites = script.hasShebang && (script.flags & FLAG_NO_WRITES) !== 0;
    verifyScriptPrepare(ctx.server, script.hasShebang, script.flags, readOnly);
    const engine = this.#engine();
    const keys = n === 0 ? NO_KEYS : argv.slice(3, 3 + n);
    const args = argv.length === 3 + n ? NO_KEYS : argv.slice(3 + n);
    const run = this.#run ??= new RunContext(ctx.server, this.#realClock);
    run.begin(ctx.session, ctx.now, {
      readOnly: readOnly || noWrites,
      flags: script.hasShebang ? script.flags : FLAG_EVAL_COMPAT_MODE,
      inMulti: ctx.inMulti,
      oomAtStart: ctx.server.gates.oomAtStart,
    });
    // Hard time limits: the server's, and this execute() call's (the smaller applies).
    let abortAfter = this.#serverLimitMs ?? Infinity;
    let limitMs = abortAfter;
    if (this.#callDeadline !== Infinity) {
      const left = this.#callDeadline - performance.now();
      if (left < abortAfter) {
        abortAfter = Math.max(0, left);
        limitMs = this.#callLimitMs;
      }
    }
    const session = ctx.session;
    // EXEC's scripts run to the end: EXEC itself cannot be suspended half-way.
    const suspendable = !ctx.inMulti && this.#wakers.size !== 0 && this.#wakers.has(session);
    run.setTimePolicy(script.sha, suspendable, abortAfter, limitMs);
    this.running = run;
    let reply: Reply | undefined;
    try {
      reply = engine.run(script.handle, keys, args, run, suspendable ? SUSPENDABLE : undefined);
    } finally {
      if (reply !== SUSPENDED) this.#finish(run, script);
    }
    if (reply !== SUSPENDED) {
      // ERR-9: raised by a command the script called, it was counted then.
      if (reply.type === "error" && engine.lastErrorFromCommand) {
        ctx.server.errorAlreadyCounted = true;
      }
      return reply;
    }
    this.#suspended = { session, run, script };
    this.#schedule();
    return BLOCKED;
  }

  /** The run is over (scriptResetRun). */
  #finish(run: RunContext, script: CachedScript<CompiledScript>): void {
    this.running = null;
    run.end();
    this.cache.touch(script);
  }

  /** Resumes the suspended run from a macrotask: the event loop serves other clients first. */
  #schedule(): void {
    const pending = this.#suspended;
    setTimeout(() => {
      if (this.#suspended === pending) this.#step();
    }, 0);
  }

  /** Runs the suspended script for one more slice; when it ends, answers its caller. */
  #step(): void {
    const pending = this.#suspended!;
    const { session, run, script } = pending;
    const server = run.server;
    run.resumed();
    let reply: Reply;
    try {
      reply = this.engine!.resume();
    } catch (e) {
      // A bug: the engine has ended the run; answer rather than leave the caller hanging.
      server.log(3, `internal error resuming a script: ${(e as Error)?.stack ?? e}`);
      reply = error(errInternal(e));
    }
    if (reply === SUSPENDED) {
      this.#schedule();
      return;
    }
    this.#suspended = undefined;
    this.#finish(run, script);
    if (reply.type === "error" && !this.engine!.lastErrorFromCommand) {
      server.countErrorReply(reply.value);
    }
    this.#wakers.get(session)?.(reply);
    // Clients blocked on keys the script wrote waited for it (handleClientsBlockedOnKeys).
    if (server.blocking.hasReadyKeys) server.blocking.handleReadyKeys();
  }

  #engine(): ScriptEngine {
    if (this.engine === undefined) throw new ReplyError(ERR_NO_SCRIPT_ENGINE);
    return this.engine;
  }
}

const NO_KEYS: readonly Bytes[] = Object.freeze([]);

const SCRIPT_HELP_LINES = [
  "DEBUG (YES|SYNC|NO)",
  "    Set the debug mode for subsequent scripts executed.",
  "EXISTS <sha1> [<sha1> ...]",
  "    Return information about the existence of the scripts in the script cache.",
  "FLUSH [ASYNC|SYNC]",
  "    Flush the Lua scripts cache. Very dangerous on replicas.",
  "    When called without the optional mode argument, the behavior is determined",
  "     by the lazyfree-lazy-user-flush configuration directive. Valid modes are:",
  "    * ASYNC: Asynchronously flush the scripts cache.",
  "    * SYNC: Synchronously flush the scripts cache.",
  "KILL",
  "    Kill the currently executing Lua script.",
  "LOAD <script>",
  "    Load a script into the scripts cache without executing it.",
  "SHOW <sha1>",
  "    Show a script from the scripts cache.",
  "HELP",
  "    Print this help.",
];

/** SCRIPT HELP (SCR-7): the first line names the container as typed, upper-cased. */
export function scriptHelp(container: Bytes): Reply {
  return array([
    status(`${asciiUpper(container)} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`),
    ...SCRIPT_HELP_LINES.map(status),
  ]);
}

/** SCRIPT EXISTS (SCR-2). */
export function scriptExists(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const cache = ctx.server.scripting.cache;
  return array(argv.slice(2).map((sha) => int(cache.get(asciiLower(sha)) === undefined ? 0 : 1)));
}

/** SCRIPT FLUSH [ASYNC|SYNC] (SCR-3). */
export function scriptFlush(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  if (
    argv.length > 3 || (argv.length === 3 && !eqIgnoreCase(argv[2], "sync") &&
      !eqIgnoreCase(argv[2], "async"))
  ) {
    throw new ReplyError(ERR_SCRIPT_FLUSH_OPTION);
  }
  ctx.server.scripting.flush();
  return OK;
}

/** SCRIPT LOAD (SCR-1). */
export function scriptLoad(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  return bulk(ctx.server.scripting.load(ctx, argv[2], true).sha);
}

/** SCRIPT SHOW (SCR-4). */
export function scriptShow(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const script = argv[2].length === 40
    ? ctx.server.scripting.cache.get(asciiLower(argv[2]))
    : undefined;
  if (script === undefined) throw new ReplyError(ERR_NOSCRIPT);
  return bulk(script.body);
}

/**
 * SCRIPT KILL (SCR-5, BUSY-5): only a timed-out run can be seen here (a suspended one), and only
 * one that has not written can be killed; its EVAL caller then gets the killed-script error.
 */
export function scriptKill(ctx: CommandContext, _argv: readonly Bytes[]): Reply {
  const scripting = ctx.server.scripting;
  const run = scripting.running;
  if (run === null || !run.timedOut) throw new ReplyError(ERR_NOTBUSY);
  if (!run.killable) throw new ReplyError(ERR_UNKILLABLE);
  scripting.engine?.kill();
  return OK;
}

/** SCRIPT DEBUG (SCR-6). */
export function scriptDebug(_ctx: CommandContext, argv: readonly Bytes[]): Reply {
  if (eqIgnoreCase(argv[2], "no")) return OK;
  if (eqIgnoreCase(argv[2], "yes") || eqIgnoreCase(argv[2], "sync")) {
    throw new ReplyError(ERR_SCRIPT_DEBUG_UNSUPPORTED);
  }
  throw new ReplyError(ERR_SCRIPT_DEBUG_OPTION);
}
