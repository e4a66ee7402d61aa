/**
 * The engine-neutral run context (Valkey's script.c): the gates every command called from a
 * script passes (spec §9.3), the run's frozen time, its database and its read-only / dirty state.
 * The Lua bridge only converts values; the rules live here.
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
import type { Server } from "../server.ts";
import type { Session } from "../session.ts";
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

/** One script run: implements the host side of server.call / server.pcall. */
export class RunContext {
  readonly server: Server;
  /** The client that sent EVAL. */
  readonly caller: Session;
  /** The script's own client: its db follows SELECT inside the run only (CALL-11). */
  readonly client: Session;
  /** "Now" for every command of the run (CALL-12). */
  readonly now: number;
  readonly options: RunOptions;
  /** The run executed a write command: it can no longer be killed (BUSY-5). */
  dirty = false;
  /** Propagation targets chosen by server.set_repl (REPL_ALL by default). */
  replFlags = 3;

  constructor(
    server: Server,
    caller: Session,
    client: Session,
    now: number,
    options: RunOptions,
  ) {
    this.server = server;
    this.caller = caller;
    this.client = client;
    this.now = now;
    this.options = options;
    client.db = caller.db;
    client.authenticated = true;
  }

  /**
   * Runs a command for the script (spec §9.3 order; the Lua side already checked the argument
   * types, CALL-1/2). Never throws: refusals and command errors come back as error replies.
   */
  call(argv: readonly Bytes[], resp: 2 | 3): Reply {
    const server = this.server;
    const found = server.lookup(argv);
    if (found instanceof ReplyError) {
      // Lookup distinguishes unknown commands from wrong arity by the text it built.
      return error(
        found.text.startsWith("ERR wrong number of arguments")
          ? ERR_SCRIPT_WRONG_ARITY
          : ERR_SCRIPT_UNKNOWN_COMMAND,
      );
    }
    const flags = found.spec.flags;
    if (flags.includes("noscript")) return error(ERR_SCRIPT_NOSCRIPT_COMMAND);
    const isWrite = flags.includes("write");
    if (this.options.readOnly && (isWrite || flags.includes("may_replicate"))) {
      return error(ERR_SCRIPT_WRITE_IN_RO);
    }
    if (
      flags.includes("denyoom") && this.options.oomAtStart && !this.dirty &&
      (this.options.flags & FLAG_ALLOW_OOM) === 0
    ) {
      server.stats.rejectedCalls++;
      return error(ERR_OOM);
    }
    if (isWrite) this.dirty = true;
    this.client.resp = resp;
    return server.call(this.client, found, argv, this.now, this.options.inMulti, {
      inScript: true,
      resp,
    });
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
}
