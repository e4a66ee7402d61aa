/**
 * Server commands: CONFIG (GET, SET, RESETSTAT, HELP), INFO, DBSIZE, FLUSHDB, FLUSHALL, TIME,
 * SWAPDB, SHUTDOWN and DEBUG (HELP, PROTOCOL, SLEEP, SET-ACTIVE-EXPIRE), with Valkey 8's metadata
 * and replies (config.c, server.c, db.c, debug.c).
 *
 * In-process differences, by necessity: SHUTDOWN marks the server (`shutdownRequested`, then
 * `onShutdown()`) and replies +OK for the caller to drop (Valkey exits without replying);
 * DEBUG SLEEP blocks the thread (Atomics.wait, else a busy loop), as Valkey's main thread does.
 *
 * @module
 */

import { type Bytes, eqIgnoreCase } from "../bytes.ts";
import {
  ERR_BUSY,
  ERR_DB_INDEX,
  ERR_DEBUG_PROTOCOL,
  ERR_NO_SHUTDOWN,
  ERR_RESP2_UNSUPPORTED,
  ERR_SCRIPT_SHUTDOWN,
  ERR_SWAPDB_FIRST,
  ERR_SWAPDB_SECOND,
  ERR_SYNTAX,
  errUnknownSubcommandOrArity,
  ReplyError,
} from "../errors.ts";
import { infoText, resetInfoPeak } from "../info.ts";
import {
  array,
  bool,
  bulk,
  double,
  int,
  map,
  NULL,
  OK,
  type Reply,
  set,
  verbatim,
} from "../resp/reply.ts";
import type { Server } from "../server.ts";
import { toInt32 } from "./args.ts";
import { helpReply } from "./command.ts";
import type { CommandContext, CommandSpec } from "./spec.ts";

// ---- CONFIG ----

const CONFIG_HELP = [
  "GET <pattern>",
  "    Return parameters matching the glob-like <pattern> and their values.",
  "SET <directive> <value>",
  "    Set the configuration <directive> to <value>.",
  "RESETSTAT",
  "    Reset statistics reported by the INFO command.",
  "REWRITE",
  "    Rewrite the configuration file.",
];

/**
 * CONFIG RESETSTAT: zeroes every INFO counter (stats, error stats, memory peak).
 *
 * @param server The server.
 */
export function resetStats(server: Server): void {
  const stats = server.stats as unknown as Record<string, unknown>;
  for (const k of Object.keys(stats)) if (typeof stats[k] === "number") stats[k] = 0;
  server.errorStats.clear();
  resetInfoPeak(server);
}

const ADMIN_FLAGS = ["admin", "noscript", "loading", "stale"] as const;
const ALL_NODES_TIPS = ["request_policy:all_nodes", "response_policy:all_succeeded"];
const ALL_SHARDS_TIPS = ["request_policy:all_shards", "response_policy:all_succeeded"];

// ---- FLUSH* ----

function parseFlushMode(argv: readonly Bytes[]): void {
  if (argv.length === 2) {
    if (!eqIgnoreCase(argv[1], "sync") && !eqIgnoreCase(argv[1], "async")) {
      throw new ReplyError(ERR_SYNTAX);
    }
  } else if (argv.length !== 1) {
    throw new ReplyError(ERR_SYNTAX);
  }
  // SYNC and ASYNC both free everything now: evalkit has no background thread to hand work to.
}

const FLUSH_ARGS = [{
  name: "flush-type",
  type: "oneof",
  optional: true,
  arguments: [
    { name: "async", type: "pure-token", token: "ASYNC", since: "4.0.0" },
    { name: "sync", type: "pure-token", token: "SYNC", since: "6.2.0" },
  ],
}] as const satisfies CommandSpec["arguments"];

const FLUSH_HISTORY: readonly (readonly [string, string])[] = [
  ["4.0.0", "Added the `ASYNC` flushing mode modifier."],
  ["6.2.0", "Added the `SYNC` flushing mode modifier."],
];

// ---- SHUTDOWN ----

function shutdown(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  let nosave = false, save = false, now = false, force = false, abort = false;
  for (const a of argv.slice(1)) {
    if (eqIgnoreCase(a, "nosave")) nosave = true;
    else if (eqIgnoreCase(a, "save")) save = true;
    else if (eqIgnoreCase(a, "now")) now = true;
    else if (eqIgnoreCase(a, "force")) force = true;
    else if (eqIgnoreCase(a, "abort")) abort = true;
    else throw new ReplyError(ERR_SYNTAX);
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) {
    throw new ReplyError(ERR_SYNTAX);
  }
  // A shutdown is never pending in evalkit: it happens at once.
  if (abort) throw new ReplyError(ERR_NO_SHUTDOWN);
  const { server } = ctx;
  // BUSY-4: a busy script lets only SHUTDOWN NOSAVE through; the script stops, writes kept.
  if (server.scripting.busy && !nosave) throw new ReplyError(ERR_BUSY);
  server.shutdownRequested = true;
  ctx.session.closeAfterReply = true;
  server.scripting.abort(ERR_SCRIPT_SHUTDOWN);
  server.onShutdown?.();
  return OK;
}

// ---- DEBUG ----

const DEBUG_HELP = [
  "PROTOCOL <type>",
  "    Reply with a test value of the specified type. <type> can be: string,",
  "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
  "    true, false.",
  "SET-ACTIVE-EXPIRE <0|1>",
  "    Setting it to 0 disables expiring keys in background when they are not",
  "    accessed (otherwise the behavior). Setting it to 1 reenables back the",
  "    default.",
  "SLEEP <seconds>",
  "    Stop the server for <seconds>. Decimals allowed.",
];

/** C's atoi: optional spaces and sign, then digits; anything else stops it (no digits: 0). */
function atoi(s: Bytes): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Math.trunc(Number(m[1])) | 0;
}

/** C's strtod on the longest valid prefix (0 when there is none). */
function strtod(s: Bytes): number {
  const m = /^[ \t\n\v\f\r]*([+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan))/i
    .exec(s);
  if (m === null) return 0;
  const t = m[1].toLowerCase();
  if (t.endsWith("inf") || t.endsWith("infinity")) return t.startsWith("-") ? -Infinity : Infinity;
  if (t.endsWith("nan")) return NaN;
  return Number(m[1]);
}

/** Blocks the thread for `ms` milliseconds. */
function blockFor(ms: number): void {
  if (!(ms > 0)) return;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    return;
  } catch {
    // No Atomics.wait here (a browser main thread, no SharedArrayBuffer): spin.
  }
  const end = performance.now() + ms;
  while (performance.now() < end) { /* spin */ }
}

function debugProtocol(ctx: CommandContext, type: Bytes): Reply {
  const t = type.toLowerCase();
  switch (t) {
    case "string":
      return bulk("Hello World");
    case "integer":
      return int(12345);
    case "double":
      return double(3.141);
    case "bignum":
      return { type: "bignum", value: "1234567999999999999999999999999999999" };
    case "null":
      return NULL;
    case "array":
      return array([int(0), int(1), int(2)]);
    case "set":
      return set([int(0), int(1), int(2)]);
    case "map":
      return map([[int(0), bool(false)], [int(1), bool(true)], [int(2), bool(false)]]);
    case "attrib": {
      const real = bulk("Some real reply following the attribute");
      if (ctx.resp < 3) return real;
      return {
        type: "attribute",
        attributes: [[bulk("key-popularity"), array([bulk("key:123"), int(90)])]],
        value: real,
      };
    }
    case "push":
      if (ctx.resp < 3) throw new ReplyError(ERR_RESP2_UNSUPPORTED);
      // Valkey sends the push `server-cpu-usage 42` first; a Reply holds one reply, so only the
      // real reply that follows it is returned.
      return bulk("Some real reply following the push reply");
    case "true":
      return bool(true);
    case "false":
      return bool(false);
    case "verbatim":
      return verbatim("txt", "This is a verbatim\nstring");
    default:
      throw new ReplyError(ERR_DEBUG_PROTOCOL);
  }
}

function debug(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const sub = argv[1];
  if (argv.length === 2 && eqIgnoreCase(sub, "help")) return helpReply(argv[0], DEBUG_HELP);
  if (argv.length === 3 && eqIgnoreCase(sub, "protocol")) return debugProtocol(ctx, argv[2]);
  if (argv.length === 3 && eqIgnoreCase(sub, "sleep")) {
    // Valkey truncates seconds × 10^6 to whole microseconds; negative means no sleep.
    blockFor(Math.trunc(strtod(argv[2]) * 1e6) / 1000);
    return OK;
  }
  if (argv.length === 3 && eqIgnoreCase(sub, "set-active-expire")) {
    ctx.server.config.activeExpireEnabled = atoi(argv[2]) !== 0;
    return OK;
  }
  throw new ReplyError(errUnknownSubcommandOrArity(sub, argv[0]));
}

// ---- the table ----

/** The server group. */
export const SERVER_COMMANDS: readonly CommandSpec[] = [
  {
    name: "config",
    arity: -2,
    flags: [],
    acl: ["slow"],
    keySpecs: [],
    group: "server",
    since: "2.0.0",
    summary: "A container for server configuration commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        name: "get",
        arity: -3,
        flags: [...ADMIN_FLAGS],
        acl: ["admin", "dangerous", "slow"],
        keySpecs: [],
        group: "server",
        since: "2.0.0",
        summary: "Returns the effective values of configuration parameters.",
        complexity: "O(N) when N is the number of configuration parameters provided",
        history: [["7.0.0", "Added the ability to pass multiple pattern parameters in one call"]],
        arguments: [{ name: "parameter", type: "string", multiple: true }],
        run: (ctx, argv) =>
          map(ctx.server.config.get(argv.slice(2)).map(([k, v]) => [bulk(k), bulk(v)] as const)),
      },
      {
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        acl: ["slow"],
        keySpecs: [],
        group: "server",
        since: "5.0.0",
        summary: "Returns helpful text about the different subcommands.",
        complexity: "O(1)",
        run: (_ctx, argv) => helpReply(argv[0], CONFIG_HELP),
      },
      {
        name: "resetstat",
        arity: 2,
        flags: [...ADMIN_FLAGS],
        acl: ["admin", "dangerous", "slow"],
        keySpecs: [],
        group: "server",
        since: "2.0.0",
        summary: "Resets the server's statistics.",
        complexity: "O(1)",
        tips: ALL_NODES_TIPS,
        run: (ctx) => {
          resetStats(ctx.server);
          return OK;
        },
      },
      {
        name: "set",
        arity: -4,
        flags: [...ADMIN_FLAGS],
        acl: ["admin", "dangerous", "slow"],
        keySpecs: [],
        group: "server",
        since: "2.0.0",
        summary: "Sets configuration parameters in-flight.",
        complexity: "O(N) when N is the number of configuration parameters provided",
        tips: ALL_NODES_TIPS,
        history: [["7.0.0", "Added the ability to set multiple parameters in one call."]],
        arguments: [{
          name: "data",
          type: "block",
          multiple: true,
          arguments: [{ name: "parameter", type: "string" }, { name: "value", type: "string" }],
        }],
        run: (ctx, argv) => {
          const err = ctx.server.config.set(argv.slice(2));
          if (err !== undefined) throw new ReplyError(err);
          return OK;
        },
      },
    ],
  },
  {
    name: "info",
    arity: -1,
    flags: ["loading", "stale", "sentinel"],
    acl: ["dangerous", "slow"],
    keySpecs: [],
    group: "server",
    since: "1.0.0",
    summary: "Returns information and statistics about the server.",
    complexity: "O(1)",
    tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
    history: [["7.0.0", "Added support for taking multiple section arguments."]],
    arguments: [{ name: "section", type: "string", optional: true, multiple: true }],
    run: (ctx, argv) => verbatim("txt", infoText(ctx.server, argv.slice(1), ctx.now)),
  },
  {
    name: "dbsize",
    arity: 1,
    flags: ["readonly", "fast"],
    acl: ["keyspace", "read", "fast"],
    keySpecs: [],
    group: "server",
    since: "1.0.0",
    summary: "Returns the number of keys in the database.",
    complexity: "O(1)",
    tips: ["request_policy:all_shards", "response_policy:agg_sum"],
    run: (ctx) => int(ctx.db.size),
  },
  {
    name: "flushdb",
    arity: -1,
    flags: ["write"],
    acl: ["keyspace", "write", "slow", "dangerous"],
    keySpecs: [],
    group: "server",
    since: "1.0.0",
    summary: "Removes all keys from the current database.",
    complexity: "O(N) where N is the number of keys in the selected database",
    tips: ALL_SHARDS_TIPS,
    history: FLUSH_HISTORY,
    arguments: FLUSH_ARGS,
    run: (ctx, argv) => {
      parseFlushMode(argv);
      // clear() signals every key, which is what touchAllWatchedKeysInDb amounts to.
      ctx.db.clear();
      return OK;
    },
  },
  {
    name: "flushall",
    arity: -1,
    flags: ["write"],
    acl: ["keyspace", "write", "slow", "dangerous"],
    keySpecs: [],
    group: "server",
    since: "1.0.0",
    summary: "Removes all keys from all databases.",
    complexity: "O(N) where N is the total number of keys in all databases",
    tips: ALL_SHARDS_TIPS,
    history: FLUSH_HISTORY,
    arguments: FLUSH_ARGS,
    run: (ctx, argv) => {
      parseFlushMode(argv);
      for (const db of ctx.server.keyspace.dbs) db.clear();
      return OK;
    },
  },
  {
    name: "time",
    arity: 1,
    flags: ["loading", "stale", "fast"],
    acl: ["fast"],
    keySpecs: [],
    group: "server",
    since: "2.6.0",
    summary: "Returns the server time.",
    complexity: "O(1)",
    tips: ["nondeterministic_output"],
    run: (ctx) => {
      const us = Math.floor(ctx.now * 1000);
      const sec = Math.floor(us / 1e6);
      return array([bulk(String(sec)), bulk(String(us - sec * 1e6))]);
    },
  },
  {
    name: "swapdb",
    arity: 3,
    flags: ["write", "fast"],
    acl: ["keyspace", "write", "fast", "dangerous"],
    keySpecs: [],
    group: "server",
    since: "4.0.0",
    summary: "Swaps two databases.",
    complexity:
      "O(N) where N is the count of clients watching or blocking on keys from both databases.",
    arguments: [{ name: "index1", type: "integer" }, { name: "index2", type: "integer" }],
    run: (ctx, argv) => {
      const a = toInt32(argv[1], ERR_SWAPDB_FIRST);
      const b = toInt32(argv[2], ERR_SWAPDB_SECOND);
      const { server } = ctx;
      const dbs = server.keyspace.dbs;
      if (a < 0 || a >= dbs.length || b < 0 || b >= dbs.length) {
        throw new ReplyError(ERR_DB_INDEX);
      }
      if (a === b) return OK;
      server.touchAllWatched(a, b);
      server.touchAllWatched(b, a);
      dbs[a].swapWith(dbs[b]);
      return OK;
    },
  },
  {
    name: "shutdown",
    arity: -1,
    flags: [...ADMIN_FLAGS, "no_multi", "sentinel", "allow_busy"],
    acl: ["admin", "dangerous", "slow"],
    keySpecs: [],
    group: "server",
    since: "1.0.0",
    summary: "Synchronously saves the database(s) to disk and shuts down the server.",
    complexity:
      "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
    history: [["7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."]],
    arguments: [
      {
        name: "save-selector",
        type: "oneof",
        optional: true,
        arguments: [
          { name: "nosave", type: "pure-token", token: "NOSAVE" },
          { name: "save", type: "pure-token", token: "SAVE" },
        ],
      },
      { name: "now", type: "pure-token", token: "NOW", optional: true, since: "7.0.0" },
      { name: "force", type: "pure-token", token: "FORCE", optional: true, since: "7.0.0" },
      { name: "abort", type: "pure-token", token: "ABORT", optional: true, since: "7.0.0" },
    ],
    run: shutdown,
  },
  {
    name: "debug",
    arity: -2,
    flags: ["admin", "noscript", "loading", "stale", "protected"],
    acl: ["admin", "dangerous", "slow"],
    keySpecs: [],
    group: "server",
    since: "1.0.0",
    summary: "A container for debugging commands.",
    complexity: "Depends on subcommand.",
    docFlags: ["syscmd"],
    run: debug,
  },
];
