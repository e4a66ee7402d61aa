/**
 * Scripting commands: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT (metadata from Valkey's command
 * JSON, spec §1.1; behaviour in scripting/eval.ts).
 *
 * @module
 */

import type { ArgSpec, CommandSpec, KeySpec } from "./spec.ts";
import {
  scriptDebug,
  scriptExists,
  scriptFlush,
  scriptHelp,
  scriptKill,
  scriptLoad,
  scriptShow,
} from "../scripting/eval.ts";
import { evalCommandFlags } from "../scripting/prepare.ts";

// Only eval.json and eval_ro.json carry notes (evalsha*.json have none).
const evalKeySpec = (ro: boolean, bySha: boolean): KeySpec => ({
  ...(bySha ? {} : {
    notes: ro
      ? "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"
      : "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE",
  }),
  flags: ro ? ["RO", "access"] : ["RW", "access", "update"],
  beginSearch: { type: "index", pos: 2 },
  findKeys: { type: "keynum", keynumidx: 0, firstkey: 1, step: 1 },
});

const evalArgs = (first: string): readonly ArgSpec[] => [
  { name: first, type: "string" },
  { name: "numkeys", type: "integer" },
  { name: "key", type: "key", keySpecIndex: 0, optional: true, multiple: true },
  { name: "arg", type: "string", optional: true, multiple: true },
];

function evalSpec(
  name: string,
  bySha: boolean,
  readOnly: boolean,
  since: string,
  summary: string,
): CommandSpec {
  const flags: CommandSpec["flags"] = readOnly
    ? ["readonly", "noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys"]
    : ["noscript", "stale", "skip_monitor", "may_replicate", "no_mandatory_keys", "movablekeys"];
  return {
    name,
    arity: -3,
    flags,
    acl: ["slow", "scripting"],
    keySpecs: [evalKeySpec(readOnly, bySha)],
    group: "scripting",
    since,
    summary,
    complexity: "Depends on the script that is executed.",
    arguments: evalArgs(bySha ? "sha1" : "script"),
    run: (ctx, argv) => ctx.server.scripting.eval(ctx, argv, bySha, readOnly),
    effectiveFlags: (server, argv) => evalCommandFlags(server, argv, bySha, flags),
  };
}

const sub = (
  name: string,
  arity: number,
  flags: CommandSpec["flags"],
  summary: string,
  since: string,
  run: NonNullable<CommandSpec["run"]>,
  extra: Partial<CommandSpec> = {},
): CommandSpec => ({
  name,
  arity,
  flags,
  acl: ["slow", "scripting"],
  keySpecs: [],
  group: "scripting",
  since,
  summary,
  run,
  ...extra,
});

/** The scripting group. */
export const SCRIPTING_COMMANDS: readonly CommandSpec[] = [
  evalSpec("eval", false, false, "2.6.0", "Executes a server-side Lua script."),
  evalSpec("evalsha", true, false, "2.6.0", "Executes a server-side Lua script by SHA1 digest."),
  evalSpec("eval_ro", false, true, "7.0.0", "Executes a read-only server-side Lua script."),
  evalSpec(
    "evalsha_ro",
    true,
    true,
    "7.0.0",
    "Executes a read-only server-side Lua script by SHA1 digest.",
  ),
  {
    name: "script",
    arity: -2,
    flags: [],
    acl: ["slow"],
    keySpecs: [],
    group: "scripting",
    since: "2.6.0",
    summary: "A container for Lua scripts management commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      sub(
        "debug",
        3,
        ["noscript"],
        "Sets the debug mode of server-side Lua scripts.",
        "3.2.0",
        scriptDebug,
        {
          complexity: "O(1)",
          arguments: [{
            name: "mode",
            type: "oneof",
            arguments: [
              { name: "yes", type: "pure-token", token: "YES" },
              { name: "sync", type: "pure-token", token: "SYNC" },
              { name: "no", type: "pure-token", token: "NO" },
            ],
          }],
        },
      ),
      sub(
        "exists",
        -3,
        ["noscript"],
        "Determines whether server-side Lua scripts exist in the script cache.",
        "2.6.0",
        scriptExists,
        {
          complexity:
            "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).",
          tips: ["request_policy:all_shards", "response_policy:agg_logical_and"],
          arguments: [{ name: "sha1", type: "string", multiple: true }],
        },
      ),
      sub(
        "flush",
        -2,
        ["noscript"],
        "Removes all server-side Lua scripts from the script cache.",
        "2.6.0",
        scriptFlush,
        {
          complexity: "O(N) with N being the number of scripts in cache",
          tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
          history: [["6.2.0", "Added the `ASYNC` and `SYNC` flushing mode modifiers."]],
          arguments: [{
            name: "flush-type",
            type: "oneof",
            since: "6.2.0",
            optional: true,
            arguments: [
              { name: "async", type: "pure-token", token: "ASYNC" },
              { name: "sync", type: "pure-token", token: "SYNC" },
            ],
          }],
        },
      ),
      sub(
        "help",
        2,
        ["loading", "stale"],
        "Returns helpful text about the different subcommands.",
        "5.0.0",
        (_ctx, argv) => scriptHelp(argv[0]),
        { complexity: "O(1)" },
      ),
      sub(
        "kill",
        2,
        ["noscript", "allow_busy"],
        "Terminates a server-side Lua script during execution.",
        "2.6.0",
        scriptKill,
        {
          complexity: "O(1)",
          tips: ["request_policy:all_shards", "response_policy:one_succeeded"],
        },
      ),
      sub(
        "load",
        3,
        ["noscript", "stale"],
        "Loads a server-side Lua script to the script cache.",
        "2.6.0",
        scriptLoad,
        {
          complexity: "O(N) with N being the length in bytes of the script body.",
          tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
          arguments: [{ name: "script", type: "string" }],
        },
      ),
      sub(
        "show",
        3,
        ["noscript"],
        "Show server-side Lua script in the script cache.",
        "8.0.0",
        scriptShow,
        {
          complexity: "O(1).",
          arguments: [{ name: "sha1", type: "string" }],
        },
      ),
    ],
  },
];
