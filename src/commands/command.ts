/**
 * COMMAND and its subcommands, and the metadata views they print: COMMAND INFO's 10-element
 * entries (flags, legacy first/last/step, ACL categories, tips, key specs, subcommands) and
 * COMMAND DOCS' maps, computed from CommandSpec the way Valkey 8 computes them from its command
 * table (server.c: addReplyCommandInfo, addReplyCommandDocs, populateCommandLegacyRangeSpec,
 * setImplicitACLCategories; db.c: getKeysUsingKeySpecs).
 *
 * Order: Valkey iterates hash tables, so COMMAND, COMMAND INFO (no names), COMMAND LIST, COMMAND
 * DOCS (no names) and the subcommand lists come in an order of their own; evalkit uses
 * registration order.
 *
 * @module
 */

import { asciiLower, asciiUpper, type Bytes, eqIgnoreCase } from "../bytes.ts";
import {
  ERR_GETKEYS_ARITY,
  ERR_GETKEYS_INVALID_ARGS,
  ERR_GETKEYS_INVALID_COMMAND,
  ERR_GETKEYS_NO_KEYS,
  ERR_SYNTAX,
  ReplyError,
} from "../errors.ts";
import {
  array,
  bulk,
  EMPTY_ARRAY,
  int,
  map,
  NULL,
  type Reply,
  set,
  status,
} from "../resp/reply.ts";
import type { Server } from "../server.ts";
import { stringMatch } from "../types/string.ts";
import type {
  ArgSpec,
  CommandContext,
  CommandFlag,
  CommandSpec,
  KeySpec,
  KeySpecFlag,
} from "./spec.ts";

/** Flags COMMAND INFO shows, in Valkey's order (may_replicate, sentinel, protected… stay hidden). */
const VISIBLE_FLAGS: readonly CommandFlag[] = [
  "write",
  "readonly",
  "denyoom",
  "module",
  "admin",
  "pubsub",
  "noscript",
  "blocking",
  "loading",
  "stale",
  "skip_monitor",
  "skip_slowlog",
  "asking",
  "fast",
  "no_auth",
  "no_mandatory_keys",
  "no_async_loading",
  "no_multi",
  "movablekeys",
  "allow_busy",
];

/** ACL categories in Valkey's table order (COMMAND INFO prints them in this order). */
export const ACL_CATEGORIES: readonly string[] = [
  "keyspace",
  "read",
  "write",
  "set",
  "sortedset",
  "list",
  "hash",
  "string",
  "bitmap",
  "hyperloglog",
  "geo",
  "stream",
  "pubsub",
  "admin",
  "fast",
  "slow",
  "blocking",
  "dangerous",
  "connection",
  "transaction",
  "scripting",
];

const KEY_SPEC_FLAGS: readonly KeySpecFlag[] = [
  "RO",
  "RW",
  "OW",
  "RM",
  "access",
  "update",
  "insert",
  "delete",
  "not_key",
  "incomplete",
  "variable_flags",
];

/** A key found in a command line: its argv index and the flags of the spec that found it. */
export interface KeyReference {
  readonly pos: number;
  readonly flags: readonly KeySpecFlag[];
}

/**
 * A command's ACL categories as Valkey derives them: the declared ones plus the implicit ones
 * (write, read unless @scripting, admin + dangerous, pubsub, fast, blocking; not fast → slow).
 *
 * @param spec The command.
 * @returns Category names without `@`, in Valkey's table order.
 */
export function aclCategories(spec: CommandSpec): string[] {
  const cats = new Set(spec.acl.map((c) => asciiLower(c.startsWith("@") ? c.slice(1) : c)));
  const f = new Set(spec.flags);
  if (f.has("write")) cats.add("write");
  if (f.has("readonly") && !cats.has("scripting")) cats.add("read");
  if (f.has("admin")) cats.add("admin").add("dangerous");
  if (f.has("pubsub")) cats.add("pubsub");
  if (f.has("fast")) cats.add("fast");
  if (f.has("blocking")) cats.add("blocking");
  if (!cats.has("fast")) cats.add("slow");
  return ACL_CATEGORIES.filter((c) => cats.has(c));
}

/** The legacy (first, last, step) triple and whether the keys are "movable". */
export interface LegacyRange {
  readonly first: number;
  readonly last: number;
  readonly step: number;
  readonly movable: boolean;
}

/**
 * populateCommandLegacyRangeSpec + populateCommandMovableKeys: the range COMMAND INFO prints in
 * positions 4–6, and whether `movablekeys` is set.
 *
 * @param spec The command.
 * @returns The triple (last as COMMAND INFO prints it: absolute when ≥ 0) and the flag.
 */
export function legacyRange(spec: CommandSpec): LegacyRange {
  const specs = spec.keySpecs;
  let movable = spec.flags.includes("movablekeys");
  for (const k of specs) {
    if (k.beginSearch.type !== "index" || k.findKeys.type !== "range") movable = true;
  }
  if (specs.length === 0) return { first: 0, last: 0, step: 0, movable };
  const only = specs[0];
  if (specs.length === 1 && only.beginSearch.type === "index" && only.findKeys.type === "range") {
    const first = only.beginSearch.pos;
    const lk = only.findKeys.lastkey;
    return {
      first,
      last: lk >= 0 ? lk + first : lk,
      step: only.findKeys.step,
      movable: movable || only.flags.includes("incomplete"),
    };
  }
  let firstkey = Infinity, lastkey = 0, prevLast = 0;
  // C compares lastkey as unsigned: any negative (count from the end) beats every positive.
  const unsignedMax = (a: number, b: number) =>
    a < 0 ? (b < 0 ? Math.max(a, b) : a) : b < 0 ? b : Math.max(a, b);
  for (const k of specs) {
    if (k.beginSearch.type !== "index" || k.findKeys.type !== "range") {
      movable = true;
      continue;
    }
    const pos = k.beginSearch.pos;
    if (k.findKeys.step !== 1 || (prevLast !== 0 && prevLast !== pos - 1)) {
      movable = true;
      continue;
    }
    if (k.flags.includes("incomplete")) movable = true;
    firstkey = Math.min(firstkey, pos);
    const abs = k.findKeys.lastkey >= 0 ? k.findKeys.lastkey + pos : k.findKeys.lastkey;
    lastkey = unsignedMax(lastkey, abs);
    prevLast = lastkey;
  }
  if (firstkey === Infinity) return { first: 0, last: 0, step: 0, movable: true };
  return { first: firstkey, last: lastkey, step: 1, movable };
}

/**
 * COMMAND INFO's entry for one command (or subcommand).
 *
 * @param spec The command.
 * @param fullName `get`, or `client|list` for a subcommand.
 * @returns `[name, arity, flags, first, last, step, categories, tips, key specs, subcommands]`.
 */
export function commandInfoReply(spec: CommandSpec, fullName: string): Reply {
  const range = legacyRange(spec);
  const flags = VISIBLE_FLAGS.filter((f) =>
    f === "movablekeys" ? range.movable : spec.flags.includes(f)
  );
  return array([
    bulk(fullName),
    int(spec.arity),
    set(flags.map(status)),
    int(range.first),
    int(range.last),
    int(range.step),
    set(aclCategories(spec).map((c) => status(`@${c}`))),
    set((spec.tips ?? []).map((t) => bulk(asciiLower(t)))),
    set(spec.keySpecs.map(keySpecReply)),
    spec.subcommands === undefined
      ? set([])
      : array(spec.subcommands.map((s) => commandInfoReply(s, `${fullName}|${s.name}`))),
  ]);
}

function keySpecReply(k: KeySpec): Reply {
  const out: (readonly [Reply, Reply])[] = [];
  if (k.notes !== undefined) out.push([bulk("notes"), bulk(k.notes)]);
  out.push([bulk("flags"), set(KEY_SPEC_FLAGS.filter((f) => k.flags.includes(f)).map(status))]);
  const bs = k.beginSearch;
  out.push([
    bulk("begin_search"),
    map([
      [bulk("type"), bulk(bs.type)],
      [
        bulk("spec"),
        bs.type === "index"
          ? map([[bulk("index"), int(bs.pos)]])
          : bs.type === "keyword"
          ? map([[bulk("keyword"), bulk(bs.keyword)], [bulk("startfrom"), int(bs.startfrom)]])
          : map([]),
      ],
    ]),
  ]);
  const fk = k.findKeys;
  out.push([
    bulk("find_keys"),
    map([
      [bulk("type"), bulk(fk.type)],
      [
        bulk("spec"),
        fk.type === "range"
          ? map([
            [bulk("lastkey"), int(fk.lastkey)],
            [bulk("keystep"), int(fk.step)],
            [bulk("limit"), int(fk.limit)],
          ])
          : fk.type === "keynum"
          ? map([
            [bulk("keynumidx"), int(fk.keynumidx)],
            [bulk("firstkey"), int(fk.firstkey)],
            [bulk("keystep"), int(fk.step)],
          ])
          : map([]),
      ],
    ]),
  ]);
  return map(out);
}

/**
 * COMMAND DOCS' map for one command: summary, since, group, complexity, doc_flags,
 * deprecated_since, replaced_by, history, arguments, subcommands (each only when present).
 *
 * @param spec The command.
 * @param fullName Its full name (subcommands are keyed `container|sub`).
 * @returns The map.
 */
export function commandDocsReply(spec: CommandSpec, fullName: string): Reply {
  const out: (readonly [Reply, Reply])[] = [
    [bulk("summary"), bulk(spec.summary)],
    [bulk("since"), bulk(spec.since)],
    [bulk("group"), bulk(spec.group)],
  ];
  if (spec.complexity !== undefined) out.push([bulk("complexity"), bulk(spec.complexity)]);
  if (spec.docFlags !== undefined && spec.docFlags.length > 0) {
    const order = ["deprecated", "syscmd"] as const;
    out.push([
      bulk("doc_flags"),
      set(order.filter((f) => spec.docFlags!.includes(f)).map(status)),
    ]);
  }
  if (spec.deprecatedSince !== undefined) {
    out.push([bulk("deprecated_since"), bulk(spec.deprecatedSince)]);
  }
  if (spec.replacedBy !== undefined) out.push([bulk("replaced_by"), bulk(spec.replacedBy)]);
  if (spec.history !== undefined && spec.history.length > 0) {
    out.push([
      bulk("history"),
      set(spec.history.map(([v, text]) => array([bulk(v), bulk(text)]))),
    ]);
  }
  if (spec.arguments !== undefined && spec.arguments.length > 0) {
    out.push([bulk("arguments"), argsReply(spec.arguments)]);
  }
  if (spec.subcommands !== undefined) {
    out.push([
      bulk("subcommands"),
      map(spec.subcommands.map((s) => {
        const name = `${fullName}|${s.name}`;
        return [bulk(name), commandDocsReply(s, name)] as const;
      })),
    ]);
  }
  return map(out);
}

function argsReply(args: readonly ArgSpec[]): Reply {
  return array(args.map((a) => {
    const out: (readonly [Reply, Reply])[] = [
      [bulk("name"), bulk(a.name)],
      [bulk("type"), bulk(a.type)],
    ];
    const nested = a.type === "oneof" || a.type === "block";
    if (!nested) out.push([bulk("display_text"), bulk(a.displayText ?? a.name)]);
    if (a.keySpecIndex !== undefined) out.push([bulk("key_spec_index"), int(a.keySpecIndex)]);
    if (a.token !== undefined) out.push([bulk("token"), bulk(a.token)]);
    if (a.since !== undefined) out.push([bulk("since"), bulk(a.since)]);
    if (a.deprecatedSince !== undefined) {
      out.push([bulk("deprecated_since"), bulk(a.deprecatedSince)]);
    }
    const flags: Reply[] = [];
    if (a.optional) flags.push(status("optional"));
    if (a.multiple) flags.push(status("multiple"));
    if (a.multipleToken) flags.push(status("multiple_token"));
    if (flags.length > 0) out.push([bulk("flags"), set(flags)]);
    if (nested) out.push([bulk("arguments"), argsReply(a.arguments ?? [])]);
    return map(out);
  }));
}

/**
 * lookupCommand: the command (or subcommand) an argv names, without checking arity. A container
 * alone is itself; a container with an unknown subcommand is undefined.
 *
 * @param server The server.
 * @param argv The command line (at least the name).
 * @returns The spec and its full name, or undefined.
 */
export function lookupCommandByArgv(
  server: Server,
  argv: readonly Bytes[],
  strict = false,
): { spec: CommandSpec; fullName: string } | undefined {
  const name = asciiLower(argv[0]);
  const base = findTopLevel(server, name);
  if (base === undefined) return undefined;
  if (argv.length === 1 || base.subcommands === undefined) {
    return strict && argv.length !== 1 ? undefined : { spec: base, fullName: name };
  }
  const subName = asciiLower(argv[1]);
  const sub = base.subcommands.find((s) => s.name === subName);
  return sub === undefined ? undefined : { spec: sub, fullName: `${name}|${subName}` };
}

/**
 * lookupCommandBySds: `get` or `container|sub`.
 *
 * @param server The server.
 * @param name The name, any case.
 * @returns The spec and its full name, or undefined.
 */
export function lookupCommandByName(
  server: Server,
  name: Bytes,
): { spec: CommandSpec; fullName: string } | undefined {
  const parts = name.split("|");
  if (parts.length > 2) return undefined;
  return lookupCommandByArgv(server, parts, true);
}

function findTopLevel(server: Server, lowerName: string): CommandSpec | undefined {
  for (const c of server.commands()) if (c.name === lowerName) return c;
  return undefined;
}

/**
 * getKeysUsingKeySpecs: the keys a command line names, from the command's key specs.
 * A spec that cannot be applied (unknown begin/find, out-of-range positions, bad numkeys) makes
 * Valkey fall back to the command's getkeys function; evalkit's specs have none, so the keys
 * the other specs found are returned (`partial`).
 *
 * @param spec The command.
 * @param argv The whole command line.
 * @returns The keys and whether every spec applied.
 */
export function keysFromSpecs(
  spec: CommandSpec,
  argv: readonly Bytes[],
): { keys: KeyReference[]; complete: boolean } {
  const keys: KeyReference[] = [];
  const argc = argv.length;
  let complete = true;
  for (const k of spec.keySpecs) {
    if (k.flags.includes("not_key")) continue;
    let first = 0;
    const bs = k.beginSearch;
    if (bs.type === "index") {
      first = bs.pos;
    } else if (bs.type === "keyword") {
      const start = bs.startfrom > 0 ? bs.startfrom : argc + bs.startfrom;
      const end = bs.startfrom > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (eqIgnoreCase(argv[i], asciiLower(bs.keyword))) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue; // keyword absent: no keys from this spec
    } else {
      complete = false;
      continue;
    }
    let last: number, step: number;
    const fk = k.findKeys;
    if (fk.type === "range") {
      step = fk.step;
      if (fk.lastkey >= 0) last = first + fk.lastkey;
      else if (fk.limit === 0) last = argc + fk.lastkey;
      else last = first + (Math.trunc((argc - first) / fk.limit) + fk.lastkey);
    } else if (fk.type === "keynum") {
      step = fk.step;
      const at = first + fk.keynumidx;
      const n = at < argc ? parseNumKeys(argv[at]) : undefined;
      if (n === undefined) {
        complete = false;
        continue;
      }
      first += fk.firstkey;
      last = first + n - 1;
    } else {
      complete = false;
      continue;
    }
    if (last >= argc || last < first || first >= argc) {
      complete = false;
      continue;
    }
    for (let i = first; i <= last; i += step) keys.push({ pos: i, flags: k.flags });
    if (k.flags.includes("incomplete")) complete = false;
  }
  return { keys, complete };
}

function parseNumKeys(s: Bytes): number | undefined {
  if (!/^(0|-?[1-9][0-9]{0,18})$/.test(s)) return undefined;
  const n = Number(s);
  return n < 0 || !Number.isSafeInteger(n) ? undefined : n;
}

// ---- the commands ----

const HELP_LINES = [
  "(no subcommand)",
  "    Return details about all commands.",
  "COUNT",
  "    Return the total number of commands in this server.",
  "LIST",
  "    Return a list of all commands in this server.",
  "INFO [<command-name> ...]",
  "    Return details about multiple commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "DOCS [<command-name> ...]",
  "    Return documentation details about multiple commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "GETKEYS <full-command>",
  "    Return the keys from a full command.",
  "GETKEYSANDFLAGS <full-command>",
  "    Return the keys and the access flags from a full command.",
];

/**
 * addReplyHelp: `<CMD> <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, the lines,
 * then `HELP` / `    Print this help.`, all status replies.
 *
 * @param container The container as typed (upper-cased in the header).
 * @param lines The command's own lines.
 * @returns The array reply.
 */
export function helpReply(container: Bytes, lines: readonly string[]): Reply {
  return array([
    status(`${asciiUpper(container)} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`),
    ...lines.map(status),
    status("HELP"),
    status("    Print this help."),
  ]);
}

function allInfo(server: Server): Reply {
  return array([...server.commands()].map((c) => commandInfoReply(c, c.name)));
}

function commandList(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  let filter: ((spec: CommandSpec, fullName: string) => boolean) | undefined;
  for (let i = 2; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    if (eqIgnoreCase(argv[i], "filterby") && more === 2) {
      const type = argv[i + 1], arg = argv[i + 2];
      if (eqIgnoreCase(type, "module")) {
        filter = () => false; // evalkit has no modules
      } else if (eqIgnoreCase(type, "aclcat")) {
        const cat = asciiLower(arg);
        filter = ACL_CATEGORIES.includes(cat)
          ? (spec) => aclCategories(spec).includes(cat)
          : () => false;
      } else if (eqIgnoreCase(type, "pattern")) {
        filter = (_spec, name) => stringMatch(arg, name, true);
      } else {
        throw new ReplyError(ERR_SYNTAX);
      }
      i += 2;
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  const names: Reply[] = [];
  const visit = (spec: CommandSpec, fullName: string) => {
    if (filter === undefined || filter(spec, fullName)) names.push(bulk(fullName));
    for (const s of spec.subcommands ?? []) visit(s, `${fullName}|${s.name}`);
  };
  for (const c of ctx.server.commands()) visit(c, c.name);
  return array(names);
}

function getKeys(ctx: CommandContext, argv: readonly Bytes[], withFlags: boolean): Reply {
  const line = argv.slice(2);
  const found = lookupCommandByArgv(ctx.server, line);
  if (found === undefined) throw new ReplyError(ERR_GETKEYS_INVALID_COMMAND);
  const { spec } = found;
  if (!spec.keySpecs.some((k) => !k.flags.includes("not_key"))) {
    throw new ReplyError(ERR_GETKEYS_NO_KEYS);
  }
  if ((spec.arity > 0 && spec.arity !== line.length) || line.length < -spec.arity) {
    throw new ReplyError(ERR_GETKEYS_ARITY);
  }
  const { keys } = keysFromSpecs(spec, line);
  if (keys.length === 0) {
    if (spec.flags.includes("no_mandatory_keys")) return EMPTY_ARRAY;
    throw new ReplyError(ERR_GETKEYS_INVALID_ARGS);
  }
  return array(keys.map((k) => {
    if (!withFlags) return bulk(line[k.pos]);
    // variable_flags says "a getkeys function knows better"; evalkit reports the spec's flags.
    const flags = KEY_SPEC_FLAGS.filter((f) => f !== "variable_flags" && k.flags.includes(f));
    return array([bulk(line[k.pos]), set(flags.map(status))]);
  }));
}

const sub = (
  name: string,
  arity: number,
  since: string,
  summary: string,
  complexity: string,
  run: CommandSpec["run"],
  extra: Partial<CommandSpec> = {},
): CommandSpec => ({
  name,
  arity,
  flags: ["loading", "stale", "sentinel"],
  acl: ["connection"],
  keySpecs: [],
  group: "server",
  since,
  summary,
  complexity,
  run,
  ...extra,
});

const COMMAND_NAME_ARGS: readonly ArgSpec[] = [
  { name: "command-name", type: "string", optional: true, multiple: true },
];
const FULL_COMMAND_ARGS: readonly ArgSpec[] = [
  { name: "command", type: "string" },
  { name: "arg", type: "string", optional: true, multiple: true },
];

/** The command group. */
export const COMMAND_INTROSPECTION_COMMANDS: readonly CommandSpec[] = [
  {
    name: "command",
    arity: -1,
    flags: ["loading", "stale", "sentinel"],
    acl: ["connection"],
    keySpecs: [],
    group: "server",
    since: "2.8.13",
    summary: "Returns detailed information about all commands.",
    complexity: "O(N) where N is the total number of commands",
    tips: ["nondeterministic_output_order"],
    run: (ctx) => allInfo(ctx.server),
    subcommands: [
      sub(
        "count",
        2,
        "2.8.13",
        "Returns a count of commands.",
        "O(1)",
        (ctx) => int([...ctx.server.commands()].length),
      ),
      sub(
        "docs",
        -2,
        "7.0.0",
        "Returns documentary information about one, multiple or all commands.",
        "O(N) where N is the number of commands to look up",
        (ctx, argv) => {
          const entries: (readonly [Reply, Reply])[] = [];
          if (argv.length === 2) {
            for (const c of ctx.server.commands()) {
              entries.push([bulk(c.name), commandDocsReply(c, c.name)]);
            }
          } else {
            for (const name of argv.slice(2)) {
              const f = lookupCommandByName(ctx.server, name);
              if (f !== undefined) {
                entries.push([bulk(f.fullName), commandDocsReply(f.spec, f.fullName)]);
              }
            }
          }
          return map(entries);
        },
        { tips: ["nondeterministic_output_order"], arguments: COMMAND_NAME_ARGS },
      ),
      sub(
        "getkeys",
        -3,
        "2.8.13",
        "Extracts the key names from an arbitrary command.",
        "O(N) where N is the number of arguments to the command",
        (ctx, argv) => getKeys(ctx, argv, false),
        { arguments: FULL_COMMAND_ARGS },
      ),
      sub(
        "getkeysandflags",
        -3,
        "7.0.0",
        "Extracts the key names and access flags for an arbitrary command.",
        "O(N) where N is the number of arguments to the command",
        (ctx, argv) => getKeys(ctx, argv, true),
        { arguments: FULL_COMMAND_ARGS },
      ),
      sub(
        "help",
        2,
        "5.0.0",
        "Returns helpful text about the different subcommands.",
        "O(1)",
        (_ctx, argv) => helpReply(argv[0], HELP_LINES),
      ),
      sub(
        "info",
        -2,
        "2.8.13",
        "Returns information about one, multiple or all commands.",
        "O(N) where N is the number of commands to look up",
        (ctx, argv) => {
          if (argv.length === 2) return allInfo(ctx.server);
          return array(
            argv.slice(2).map((name) => {
              const f = lookupCommandByName(ctx.server, name);
              return f === undefined ? NULL : commandInfoReply(f.spec, f.fullName);
            }),
          );
        },
        {
          tips: ["nondeterministic_output_order"],
          history: [[
            "7.0.0",
            "Allowed to be called with no argument to get info on all commands.",
          ]],
          arguments: COMMAND_NAME_ARGS,
        },
      ),
      sub(
        "list",
        -2,
        "7.0.0",
        "Returns a list of command names.",
        "O(N) where N is the total number of commands",
        commandList,
        {
          tips: ["nondeterministic_output_order"],
          arguments: [{
            name: "filterby",
            type: "oneof",
            token: "FILTERBY",
            optional: true,
            arguments: [
              { name: "module-name", type: "string", token: "MODULE" },
              { name: "category", type: "string", token: "ACLCAT" },
              { name: "pattern", type: "pattern", token: "PATTERN" },
            ],
          }],
        },
      ),
    ],
  },
];
