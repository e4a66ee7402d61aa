/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (Valkey's eval.c): numkeys parsing, the sha cache,
 * shebang flags, the EVAL LRU, and running a script through the engine with a RunContext.
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
  ERR_RO_WITH_WRITE_FLAG,
  ERR_SCRIPT_DEBUG_OPTION,
  ERR_SCRIPT_DEBUG_UNSUPPORTED,
  ERR_SCRIPT_FLUSH_OPTION,
  ReplyError,
} from "../errors.ts";
import { array, bulk, int, OK, type Reply, status } from "../resp/reply.ts";
import type { CommandContext } from "../commands/spec.ts";
import { parseInteger } from "../commands/args.ts";
import { sha1hex } from "../sha1.ts";
import { FLAG_NO_WRITES, parseShebang } from "./flags.ts";
import { RunContext } from "./run_context.ts";
import { type CachedScript, ScriptCache } from "./script_cache.ts";
import type { CompiledScript, ScriptEngine } from "./engine.ts";

/** The scripting state of one Server: cache, engine and the run in progress. */
export class Scripting {
  readonly cache: ScriptCache<CompiledScript> = new ScriptCache();
  engine: ScriptEngine | undefined;
  /** The run in progress, if any (SCRIPT KILL, BUSY). */
  running: RunContext | null = null;
  /** Reused by every run (runs never nest); created with the first one. */
  #run: RunContext | undefined;

  constructor(engine?: ScriptEngine) {
    this.engine = engine;
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
    if (readOnly && script.hasShebang && !noWrites) throw new ReplyError(ERR_RO_WITH_WRITE_FLAG);
    const engine = this.#engine();
    const keys = n === 0 ? NO_KEYS : argv.slice(3, 3 + n);
    const args = argv.length === 3 + n ? NO_KEYS : argv.slice(3 + n);
    const run = this.#run ??= new RunContext(ctx.server);
    run.begin(ctx.session, ctx.now, {
      readOnly: readOnly || noWrites,
      flags: script.flags,
      inMulti: ctx.inMulti,
      oomAtStart: false,
    });
    this.running = run;
    try {
      // A transport's hard time limit (the HTTP handler's per-request budget).
      const deadline = ctx.session.scriptDeadline;
      if (deadline === undefined) return engine.run(script.handle, keys, args, run);
      const deadlineMs = Math.max(0, deadline - performance.now());
      return engine.run(script.handle, keys, args, run, { deadlineMs });
    } finally {
      this.running = null;
      run.end();
      this.cache.touch(script);
    }
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

/** SCRIPT KILL (SCR-5): no script can be running when a command is processed synchronously. */
export function scriptKill(_ctx: CommandContext, _argv: readonly Bytes[]): Reply {
  throw new ReplyError(ERR_NOTBUSY);
}

/** SCRIPT DEBUG (SCR-6). */
export function scriptDebug(_ctx: CommandContext, argv: readonly Bytes[]): Reply {
  if (eqIgnoreCase(argv[2], "no")) return OK;
  if (eqIgnoreCase(argv[2], "yes") || eqIgnoreCase(argv[2], "sync")) {
    throw new ReplyError(ERR_SCRIPT_DEBUG_UNSUPPORTED);
  }
  throw new ReplyError(ERR_SCRIPT_DEBUG_OPTION);
}
