/**
 * The engine-neutral scripting interface (what Valkey is moving its Lua engine behind): the run
 * context and EVAL front end talk to a ScriptEngine; the engine calls back into a ScriptHost for
 * everything that touches the server. Nothing here imports wasm or Lua.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import type { NullReply, Reply } from "../resp/reply.ts";

/** A compiled script, owned by the engine that compiled it. Opaque to callers. */
export interface CompiledScript {
  /** The script's sha (40 lowercase hex digits), used in error suffixes (ERR-2). */
  readonly sha: string;
}

/**
 * What a running script needs from the server. One host per run (scripting/run_context.ts).
 * Methods must not throw (the engine converts a throw into a Lua error, but that is a bug).
 */
export interface ScriptHost {
  /**
   * Runs a command for `server.call` / `server.pcall` (argument types already checked, CALL-1/2).
   * Refusals and command errors come back as error replies; `resp` is the protocol the script
   * chose with `server.setresp` (replies are converted the RESP2 or RESP3 way, §10.1).
   */
  call(argv: readonly Bytes[], resp: 2 | 3): Reply;
  /**
   * `server.log(level, …)` with a valid level 0..3 (API-4): the host filters by `loglevel` and
   * writes. Default: dropped.
   */
  log?(level: number, message: Bytes): void;
  /** `server.set_repl(flags)` with valid flags 0..3 (API-6). Default: ignored. */
  setRepl?(flags: number): void;
  /**
   * `server.acl_check_cmd(…)` (API-8): may the calling user run this command with these
   * arguments? `"unknown"` when the command does not exist. Default: true.
   */
  aclCheck?(argv: readonly Bytes[]): boolean | "unknown";
  /**
   * Called from the VM about every 100,000 instructions (BUSY-2 cadence): the place for time
   * policy (busy threshold, hard time limits; the host keeps the time, the engine reads no
   * clock). It may call `ScriptEngine.kill()`; the kill takes effect when tick returns.
   * Returning true asks a suspendable run to yield: the engine suspends it there if the VM can
   * yield at that point (not inside a C boundary such as a `table.sort` comparator), otherwise
   * tick is asked again at the next check.
   */
  tick?(): boolean | void;
}

/**
 * What {@link ScriptEngine.run} and {@link ScriptEngine.resume} return when a suspendable run
 * yielded (compare by identity): the run is still in progress; call `resume()` later.
 */
export const SUSPENDED: NullReply = Object.freeze({ type: "null" });

/** Per-run options. */
export interface ScriptRunOptions {
  /**
   * The run may be suspended: when `host.tick` returns true at a point where the VM can yield,
   * run() returns {@link SUSPENDED} and the engine keeps the run (`running` stays true) until
   * resume() finishes it. Nothing else may use the engine meanwhile (compile, run, flush throw).
   */
  readonly suspendable?: boolean;
}

/** A scripting engine (one VM). Synchronous: a run never awaits. */
export interface ScriptEngine {
  /**
   * Compiles a body (the shebang line already reduced to its `\n`, WRAP-2; a body that still
   * starts with `#!` has its first line stripped the same way).
   *
   * @throws ReplyError `ERR Error compiling script (new function): user_script:1: …` (ERR-1).
   */
  compile(sha: string, body: Bytes): CompiledScript;
  /**
   * Runs a compiled script with fresh KEYS / ARGV (ENV-10) and converts its result (§10.2) or its
   * error (§7.2, with the `script: <sha>, on @user_script:<line>.` suffix) to a reply.
   * Never throws for anything the script does.
   *
   * @returns The reply, or {@link SUSPENDED} (only with `options.suspendable`).
   * @throws TypeError when the script was compiled before the last flush() or by another engine,
   *   or when called from inside a run.
   */
  run(
    script: CompiledScript,
    keys: readonly Bytes[],
    args: readonly Bytes[],
    host: ScriptHost,
    options?: ScriptRunOptions,
  ): Reply;
  /**
   * Continues a suspended run where it yielded.
   *
   * @returns The reply, or {@link SUSPENDED} again.
   * @throws TypeError when no run is suspended.
   */
  resume(): Reply;
  /** True while a run is suspended (between a SUSPENDED result and the resume() that ends it). */
  readonly suspended: boolean;
  /** Forgets a compiled script (EVAL LRU eviction). Idempotent. */
  release(script: CompiledScript): void;
  /**
   * Aborts the running script at its next check (sticky: `pcall` cannot swallow it, BUSY-6); a
   * suspended run is aborted as soon as it is resumed. `reason` is the error text (default
   * `ERR Script killed by user with SCRIPT KILL.`). No-op when nothing runs.
   */
  kill(reason?: Bytes): void;
  /** SCRIPT FLUSH: a fresh VM (library settings reset); the PRNG state survives (DET-2). */
  flush(): void;
  /** Bytes of the VM heap in use (INFO used_memory_lua / used_memory_vm_eval). */
  memoryUsed(): number;
  /** True while a script runs (suspended runs included). */
  readonly running: boolean;
  /**
   * After a run that returned an error reply: true when that error came from a command the script
   * called (`ignore_error_stats_update`), so error statistics were already counted (ERR-9).
   */
  readonly lastErrorFromCommand: boolean;
  /** Frees the VM. The engine is unusable afterwards. */
  close(): void;
}
