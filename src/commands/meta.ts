/**
 * Compact builders for command metadata, so a group file reads like Valkey's command table:
 *
 * ```ts
 * import { command, key, keyAt } from "./meta.ts";
 * import { NULL } from "../resp/reply.ts";
 * const get = command("get", 2, "readonly fast", "read string fast", [keyAt("RO access", 1)], {
 *   group: "string",
 *   since: "1.0.0",
 *   summary: "Returns the string value of a key.",
 *   complexity: "O(1)",
 *   arguments: [key("key", 0)],
 * }, () => NULL);
 * console.assert(get.flags.join() === "readonly,fast");
 * ```
 *
 * Flag and category lists are space-separated words, exactly as COMMAND INFO prints them
 * (categories without `@`, in COMMAND INFO's order).
 *
 * @module
 */

import type { ArgSpec, CommandFlag, CommandSpec, Handler, KeySpec, KeySpecFlag } from "./spec.ts";

/** The documentation part of a CommandSpec. */
export type CommandDocs = Pick<
  CommandSpec,
  | "group"
  | "since"
  | "summary"
  | "complexity"
  | "tips"
  | "docFlags"
  | "deprecatedSince"
  | "replacedBy"
  | "history"
  | "arguments"
>;

function words<T extends string>(s: string): T[] {
  return s === "" ? [] : s.split(" ") as T[];
}

/**
 * A command (or subcommand) spec.
 *
 * @param name Lowercase name.
 * @param arity Valkey arity.
 * @param flags Space-separated command flags.
 * @param acl Space-separated ACL categories (without `@`).
 * @param keySpecs Key specs.
 * @param docs Group, since, summary, arguments…
 * @param run The handler (omit for containers).
 * @param subcommands For containers.
 * @returns The spec.
 */
export function command(
  name: string,
  arity: number,
  flags: string,
  acl: string,
  keySpecs: readonly KeySpec[],
  docs: CommandDocs,
  run?: Handler,
  subcommands?: readonly CommandSpec[],
): CommandSpec {
  return {
    name,
    arity,
    flags: words<CommandFlag>(flags),
    acl: words<string>(acl),
    keySpecs,
    ...docs,
    ...(run !== undefined ? { run } : {}),
    ...(subcommands !== undefined ? { subcommands } : {}),
  };
}

/**
 * A key spec found at a fixed index with a range: `keyAt("RW access update", 1)` for one key at
 * argv[1]; `keyAt("RO", 1, -1)` for all remaining arguments; `keyAt("OW update", 1, -1, 2)` for
 * every other one.
 *
 * @param flags Space-separated key-spec flags.
 * @param pos Index of the first key.
 * @param lastkey Last key relative to pos (negative: from the end).
 * @param step Distance between keys.
 * @param notes Optional notes, as COMMAND INFO prints them.
 * @returns The key spec.
 */
export function keyAt(
  flags: string,
  pos: number,
  lastkey = 0,
  step = 1,
  notes?: string,
): KeySpec {
  return {
    flags: words<KeySpecFlag>(flags),
    beginSearch: { type: "index", pos },
    findKeys: { type: "range", lastkey, step, limit: 0 },
    ...(notes !== undefined ? { notes } : {}),
  };
}

/** Argument options: optional / multiple / since… */
export type ArgOptions = Omit<ArgSpec, "name" | "type" | "arguments">;

/** `optional: true`, the most common option. */
export const OPTIONAL: ArgOptions = { optional: true };

/**
 * A key argument.
 *
 * @param name Its name.
 * @param keySpecIndex The key spec it belongs to.
 * @param opts Options.
 * @returns The argument.
 */
export function key(name: string, keySpecIndex: number, opts: ArgOptions = {}): ArgSpec {
  return { name, type: "key", keySpecIndex, ...opts };
}

/**
 * A plain argument of the given type.
 *
 * @param name Its name.
 * @param type Its type.
 * @param opts Options (token, optional, since…).
 * @returns The argument.
 */
export function arg(
  name: string,
  type: "string" | "integer" | "double" | "pattern" | "unix-time",
  opts: ArgOptions = {},
): ArgSpec {
  return { name, type, ...opts };
}

/**
 * A pure token (`NX`); its name is the token in lowercase unless given.
 *
 * @param token The token.
 * @param opts Options.
 * @param name Its name when it differs from the token.
 * @returns The argument.
 */
export function token(token: string, opts: ArgOptions = {}, name?: string): ArgSpec {
  return { name: name ?? token.toLowerCase(), type: "pure-token", token, ...opts };
}

/**
 * One of several alternatives.
 *
 * @param name Its name.
 * @param args The alternatives.
 * @param opts Options.
 * @returns The argument.
 */
export function oneof(name: string, args: readonly ArgSpec[], opts: ArgOptions = {}): ArgSpec {
  return { name, type: "oneof", ...opts, arguments: args };
}

/**
 * A group of arguments that go together.
 *
 * @param name Its name.
 * @param args The members.
 * @param opts Options.
 * @returns The argument.
 */
export function block(name: string, args: readonly ArgSpec[], opts: ArgOptions = {}): ArgSpec {
  return { name, type: "block", ...opts, arguments: args };
}

/**
 * A key spec whose keys follow a count argument (`keynum`): ZUNION's `numkeys key [key …]`.
 *
 * @param flags Space-separated key-spec flags.
 * @param pos Index where the search begins.
 * @param keynumidx Index of the count, relative to pos.
 * @param firstkey Index of the first key, relative to pos.
 * @param step Distance between keys.
 * @returns The key spec.
 */
export function keyNum(
  flags: string,
  pos: number,
  keynumidx: number,
  firstkey: number,
  step = 1,
): KeySpec {
  return {
    flags: words<KeySpecFlag>(flags),
    beginSearch: { type: "index", pos },
    findKeys: { type: "keynum", keynumidx, firstkey, step },
  };
}

/**
 * A key spec Valkey cannot locate from the arguments alone (SORT's BY/GET patterns and STORE).
 *
 * @param flags Space-separated key-spec flags.
 * @param notes Why, as COMMAND INFO prints it.
 * @returns The key spec.
 */
export function keyUnknown(flags: string, notes: string): KeySpec {
  return {
    flags: words<KeySpecFlag>(flags),
    beginSearch: { type: "unknown" },
    findKeys: { type: "unknown" },
    notes,
  };
}
