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
  ERR_SCRIPT_NOSCRIPT_COMMAND,
  ERR_SCRIPT_UNKNOWN_COMMAND,
  ERR_SCRIPT_WRITE_IN_RO,
  ERR_SCRIPT_WRONG_ARITY,
  ReplyError,
} from "../errors.ts";
import { error, type Reply } from "../resp/reply.ts";
import type { Lookup, Server } from "../server.ts";
import { Session } from "../session.ts";
import type { CommandContext, CommandSpec } from "../commands/spec.ts";
import type { ScriptHost } from "./engine.ts";
import { FLAG_ALLOW_OOM, FLAG_NO_WRITES } from "./flags.ts";

/** What a run needs to know about how it was invoked. */
export interface RunOptions {
  /** EVAL_RO / EVALSHA_RO, or the `no-writes` flag (CALL-9). */
  readonly readOnly: boolean;
  /** FLAG_* bits of the script. */
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

/** A resolved top-level command (no subcommands) with its gate bits. */
interface Resolved {
  readonly found: Lookup;
  readonly arity: number;
  readonly bits: number;
}

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
    (f.includes("denyoom") ? CMD_DENYOOM : 0);
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
  /** Command names as the scripts spell them → resolved top-level commands. */
  readonly #resolved = new Map<Bytes, Resolved>();
  /** Gate bits of subcommands and containers, by spec. */
  readonly #bits = new WeakMap<CommandSpec, number>();

  constructor(server: Server) {
    this.server = server;
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
  }

  /** Ends the run (scriptResetRun). */
  end(): void {
    this.caller = null;
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
      if (!arityOk(resolved.arity, argv.length)) return error(ERR_SCRIPT_WRONG_ARITY);
      found = resolved.found;
      bits = resolved.bits;
    } else {
      const r = server.lookup(argv);
      if (r instanceof ReplyError) {
        // Lookup distinguishes unknown commands from wrong arity by the text it built.
        return error(
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
    if ((bits & CMD_NOSCRIPT) !== 0) return error(ERR_SCRIPT_NOSCRIPT_COMMAND);
    const options = this.options;
    if (options.readOnly && (bits & (CMD_WRITE | CMD_MAY_REPLICATE)) !== 0) {
      return error(ERR_SCRIPT_WRITE_IN_RO);
    }
    if (
      (bits & CMD_DENYOOM) !== 0 && options.oomAtStart && !this.dirty &&
      (options.flags & FLAG_ALLOW_OOM) === 0
    ) {
      server.stats.rejectedCalls++;
      return error(ERR_OOM);
    }
    if ((bits & CMD_WRITE) !== 0) this.dirty = true;
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
