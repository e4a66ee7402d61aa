/**
 * The engine-neutral run context (Valkey's script.c): the gates every command called from a
 * script passes (spec §9.3), the run's frozen time, its database and its read-only / dirty state.
 * The Lua bridge only converts values; the rules live here.
 *
 * One RunContext per Server, reused by every run (runs never nest: EVAL is `noscript`), so the
 * hot path of server.call allocates nothing of its own.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import {
  ERR_OOM,
  ERR_READONLY_REPLICA,
  ERR_SCRIPT_NOSCRIPT_COMMAND,
  ERR_SCRIPT_STALE_REPLICA,
  ERR_SCRIPT_UNKNOWN_COMMAND,
  ERR_SCRIPT_WRITE_IN_RO,
  ERR_SCRIPT_WRONG_ARITY,
  errScriptTimeLimit,
  ReplyError,
} from "../errors.ts";
import { error, type Reply } from "../resp/reply.ts";
import type { Lookup, Server } from "../server.ts";
import { Session } from "../session.ts";
import type { CommandContext, CommandSpec } from "../commands/spec.ts";
import type { ScriptHost } from "./engine.ts";
import {
  FLAG_ALLOW_CROSS_SLOT_KEYS,
  FLAG_ALLOW_OOM,
  FLAG_EVAL_COMPAT_MODE,
  FLAG_NO_WRITES,
} from "./flags.ts";

/** What a run needs to know about how it was invoked. */
export interface RunOptions {
  /** EVAL_RO / EVALSHA_RO, or the `no-writes` flag (CALL-9). */
  readonly readOnly: boolean;
  /** FLAG_* bits of the script (FLAG_EVAL_COMPAT_MODE for a script without shebang). */
  readonly flags: number;
  /** The run is part of EXEC (CALL-15). */
  readonly inMulti: boolean;
  /** The server was over maxmemory when the run started (MEM-2). */
  readonly oomAtStart: boolean;
}

// The command flags the gates read, as bits (computed once per spec).
const CMD_NOSCRIPT = 1;
const CMD_WRITE = 2;
const CMD_MAY_REPLICATE = 4;
const CMD_DENYOOM = 8;
const CMD_STALE = 16;

/** A resolved top-level command (no subcommands) with its gate bits. */
interface Resolved {
  readonly found: Lookup;
  readonly arity: number;
  readonly bits: number;
}

/**
 * Once a suspendable run is past busy-reply-threshold, how long it runs between two yields to
 * the event loop, in ms: longer slices keep more of the script's speed (each yield costs a
 * macrotask turn, ≥ 1–4 ms in some runtimes), shorter ones answer other clients sooner.
 */
export const BUSY_SLICE_MS = 10;

/** Valkey's LL_WARNING. */
const LL_WARNING = 3;

/** Distinct spellings of command names kept resolved (scripts can make up any bytes). */
const MAX_RESOLVED = 1024;

// What server.call adds to the command context of a command called from a script.
const IN_SCRIPT_2: Partial<CommandContext> = Object.freeze({ inScript: true, resp: 2 });
const IN_SCRIPT_3: Partial<CommandContext> = Object.freeze({ inScript: true, resp: 3 });

function gateBits(spec: CommandSpec): number {
  const f = spec.flags;
  return (f.includes("noscript") ? CMD_NOSCRIPT : 0) |
    (f.includes("write") ? CMD_WRITE : 0) |
    (f.includes("may_replicate") ? CMD_MAY_REPLICATE : 0) |
    (f.includes("denyoom") ? CMD_DENYOOM : 0) |
    (f.includes("stale") ? CMD_STALE : 0);
}

function arityOk(arity: number, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity;
}

/** The run of a script: implements the host side of server.call / server.pcall. */
export class RunContext implements ScriptHost {
  readonly server: Server;
  /** The script's own client: its db follows SELECT inside the run only (CALL-11). */
  readonly client: Session = new Session(0, 0);
  /** The client that sent EVAL (null between runs). */
  caller: Session | null = null;
  /** "Now" for every command of the run (CALL-12). */
  now = 0;
  options: RunOptions = {
    readOnly: false,
    flags: 0,
    inMulti: false,
    oomAtStart: false,
  };
  /** The run executed a write command: it can no longer be killed (BUSY-5). */
  dirty = false;
  /** Propagation targets chosen by server.set_repl (REPL_ALL by default). */
  replFlags = 3;
  // ---- time policy (BUSY-1/2, hard time limits), set per run by setTimePolicy() ----
  /** The script's sha (BUSY-2 log line). */
  sha = "";
  /** Past busy-reply-threshold (BUSY-2): SCRIPT KILL applies, others get BUSY while suspended. */
  timedOut = false;
  /** The caller can wait for its reply: once timed out, the run yields every BUSY_SLICE_MS. */
  suspendable = false;
  /** Elapsed ms at which the hard time limit aborts the run (Infinity: none). */
  #abortAfterMs = Infinity;
  /** The limit as configured, for the error text. */
  #limitMs = 0;
  /** Elapsed ms at the start of the current slice (-1: set at the next tick). */
  #sliceStart = -1;
  /** The server clock is the system clock: a command's `now` is then the run's real start. */
  readonly #realClock: boolean;
  /** When the run started, on the clock tick() reads (see #elapsed). */
  #startedAt = 0;
  /** Command names as the scripts spell them → resolved top-level commands. */
  readonly #resolved = new Map<Bytes, Resolved>();
  /** Gate bits of subcommands and containers, by spec. */
  readonly #bits = new WeakMap<CommandSpec, number>();
  // Server state for the run's gates (fixed during a run: CONFIG SET is noscript and not allowed
  // while busy): stale replica (§9.3 step 4), read-only replica (CALL-10), cluster (§9.3 step 9).
  #staleReplica = false;
  #readOnlyReplica = false;
  #cluster = false;
  /** No shebang, or `allow-cross-slot-keys`: commands may use different slots (CLU-7). */
  #crossSlot = false;
  /** The caller's slot (Valkey's client->slot): the declared keys', or set by the run (CLU-7). */
  #slot = -1;

  /**
   * @param server The server.
   * @param realClock The server's clock is the system clock (ServerOptions.clock unset).
   */
  constructor(server: Server, realClock = false) {
    this.server = server;
    this.#realClock = realClock;
    this.client.authenticated = true;
  }

  /**
   * Prepares a run (scriptPrepareForRun): the script client starts in the caller's db, time is
   * frozen at `now`, nothing written yet.
   */
  begin(caller: Session, now: number, options: RunOptions): void {
    this.caller = caller;
    this.now = now;
    this.options = options;
    this.dirty = false;
    this.replFlags = 3;
    this.client.db = caller.db;
    const gates = this.server.gates;
    this.#staleReplica = gates.staleReplica;
    this.#readOnlyReplica = gates.readOnlyReplica;
    this.#cluster = this.server.config.clusterEnabled;
    this.#crossSlot = (options.flags & (FLAG_EVAL_COMPAT_MODE | FLAG_ALLOW_CROSS_SLOT_KEYS)) !== 0;
    this.#slot = gates.commandSlot;
  }

  /**
   * The run's time policy: `sha` for the log, whether it may be suspended, and a hard time limit
   * (`abortAfterMs` from the start of the run, `limitMs` as configured; Infinity for none).
   */
  setTimePolicy(sha: string, suspendable: boolean, abortAfterMs: number, limitMs: number): void {
    this.sha = sha;
    this.suspendable = suspendable;
    this.timedOut = false;
    this.#abortAfterMs = abortAfterMs;
    this.#limitMs = limitMs;
    this.#sliceStart = -1;
    // A command's `now` is free and, on the system clock, the run's start; not inside EXEC,
    // whose `now` is the transaction's.
    this.#startedAt = !this.#realClock
      ? performance.now()
      : this.options.inMulti
      ? this.server.clock.now()
      : this.now;
  }

  /** Milliseconds since the run started (time suspended included, as Valkey counts it). */
  #elapsed(): number {
    return (this.#realClock ? this.server.clock.now() : performance.now()) - this.#startedAt;
  }

  /**
   * The engine's periodic check (every 100,000 VM instructions): aborts the run past its hard
   * time limit, enters the timed-out state past busy-reply-threshold (BUSY-2: logged once) and
   * then asks a suspendable run to yield at once and after every slice.
   */
  tick(): boolean {
    const elapsedMs = this.#elapsed();
    if (elapsedMs >= this.#abortAfterMs) {
      this.server.scripting.engine?.kill(errScriptTimeLimit(this.#limitMs, this.dirty));
      return false;
    }
    const threshold = this.server.config.busyReplyThresholdMs;
    if (threshold <= 0) return false; // BUSY-1: no timeout handling at all
    if (!this.timedOut) {
      if (elapsedMs < threshold) return false;
      this.timedOut = true;
      this.server.log(
        LL_WARNING,
        `Slow script detected: still in execution after ${
          Math.trunc(elapsedMs)
        } milliseconds. You can try killing the script using the SCRIPT KILL command. Script name is: ${this.sha}.`,
      );
      return this.suspendable;
    }
    if (!this.suspendable) return false;
    if (this.#sliceStart < 0) {
      this.#sliceStart = elapsedMs;
      return false;
    }
    return elapsedMs - this.#sliceStart >= BUSY_SLICE_MS;
  }

  /** A suspended run resumes: its next slice starts. */
  resumed(): void {
    this.#sliceStart = -1;
  }

  /** Ends the run (scriptResetRun). */
  end(): void {
    this.caller = null;
    // The slot stays the caller's: the next script of the same EXEC starts from it.
    if (this.#cluster) this.server.gates.commandSlot = this.#slot;
  }

  /**
   * Runs a command for the script (spec §9.3 order; the Lua side already checked the argument
   * types, CALL-1/2). Never throws: refusals and command errors come back as error replies.
   */
  call(argv: readonly Bytes[], resp: 2 | 3): Reply {
    const server = this.server;
    let found: Lookup;
    let bits: number;
    const resolved = this.#resolved.get(argv[0]);
    if (resolved !== undefined) {
      if (!arityOk(resolved.arity, argv.length)) return this.#refused(ERR_SCRIPT_WRONG_ARITY);
      found = resolved.found;
      bits = resolved.bits;
    } else {
      const r = server.lookup(argv);
      if (r instanceof ReplyError) {
        // Lookup distinguishes unknown commands from wrong arity by the text it built.
        return this.#refused(
          r.text.startsWith("ERR wrong number of arguments")
            ? ERR_SCRIPT_WRONG_ARITY
            : ERR_SCRIPT_UNKNOWN_COMMAND,
        );
      }
      found = r;
      bits = this.#gateBits(r.spec);
      if (r.parent === undefined && r.spec.subcommands === undefined) {
        this.#remember(argv[0], r, bits);
      }
    }
    if ((bits & CMD_NOSCRIPT) !== 0) return this.#refused(ERR_SCRIPT_NOSCRIPT_COMMAND);
    if (this.#staleReplica && (bits & CMD_STALE) === 0) {
      server.stats.rejectedCalls++;
      return this.#refused(ERR_SCRIPT_STALE_REPLICA);
    }
    const options = this.options;
    if (options.readOnly && (bits & (CMD_WRITE | CMD_MAY_REPLICATE)) !== 0) {
      return this.#refused(ERR_SCRIPT_WRITE_IN_RO);
    }
    // CALL-10: skipped once the run has written, so a script is never stopped half-way.
    if (this.#readOnlyReplica && (bits & CMD_WRITE) !== 0 && !this.dirty) {
      server.stats.rejectedCalls++;
      return this.#refused(ERR_READONLY_REPLICA);
    }
    if (
      (bits & CMD_DENYOOM) !== 0 && options.oomAtStart && !this.dirty &&
      (options.flags & FLAG_ALLOW_OOM) === 0
    ) {
      server.stats.rejectedCalls++;
      return this.#refused(ERR_OOM);
    }
    if ((bits & CMD_WRITE) !== 0) this.dirty = true;
    // After the dirty mark: a write refused here still makes the run unkillable (§9.3 step 8).
    if (this.#cluster) {
      const slot = server.gates.verifyScriptCluster(found, argv, this.#slot, this.#crossSlot);
      if (typeof slot === "string") {
        server.stats.rejectedCalls++;
        return this.#refused(slot);
      }
      this.#slot = slot;
    }
    const client = this.client;
    client.resp = resp;
    const reply = server.call(
      client,
      found,
      argv,
      this.now,
      options.inMulti,
      resp === 2 ? IN_SCRIPT_2 : IN_SCRIPT_3,
    );
    // The SELECT handler changes only the per-call context inside a script; the run's db lives
    // on the script client, so SELECT's effect is carried here for the rest of the run.
    if (found.fullName === "select" && reply.type === "status") client.db = Number(argv[1]);
    return reply;
  }

  /**
   * A refusal of a command called by the script (scriptCall's error path): counted in the error
   * statistics now (afterErrorReply), so the EVAL that raises it is not counted again (ERR-9).
   */
  #refused(text: Bytes): Reply {
    this.server.countErrorReply(text);
    return error(text);
  }

  /** server.log: forwarded to the server's log sink. */
  log(level: number, message: Bytes): void {
    this.server.log(level, message);
  }

  /** server.set_repl (REPL-3): recorded for the propagation log of a later wave. */
  setRepl(flags: number): void {
    this.replFlags = flags;
  }

  /** server.acl_check_cmd (API-8): without an ACL system every known command is allowed. */
  aclCheck(argv: readonly Bytes[]): boolean | "unknown" {
    const found = this.server.lookup(argv);
    if (found instanceof ReplyError && !found.text.startsWith("ERR wrong number")) {
      return "unknown";
    }
    return true;
  }

  /** True when the run may be killed by SCRIPT KILL (BUSY-5, BUSY-7). */
  get killable(): boolean {
    return !this.dirty || (this.options.flags & FLAG_NO_WRITES) !== 0;
  }

  #gateBits(spec: CommandSpec): number {
    let bits = this.#bits.get(spec);
    if (bits === undefined) this.#bits.set(spec, bits = gateBits(spec));
    return bits;
  }

  #remember(name: Bytes, found: Lookup, bits: number): void {
    if (this.#resolved.size >= MAX_RESOLVED) this.#resolved.clear();
    this.#resolved.set(name, { found, arity: found.spec.arity, bits });
  }
}
