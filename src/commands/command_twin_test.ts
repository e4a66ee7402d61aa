// Twin tests of COMMAND against redis-server 7.0.15, including COMMAND INFO of every registered
// command. Where Valkey 8 (what evalkit reproduces) differs from Redis 7.0, the difference is
// listed below with its reason; evalkit must show Valkey's value and redis the old one.

import { array, bulk, error, int, map, type Reply, set, status } from "../resp/reply.ts";
import { formatReply } from "../testing/compare.ts";
import { custom, twin, unordered, valkey } from "../testing/twin.ts";
import { Server } from "../server.ts";

const registered = new Server();

/** Names of the subcommands evalkit registers, by container. */
const SUBCOMMANDS = new Map<string, Set<string>>();
for (const c of registered.commands()) {
  if (c.subcommands !== undefined) {
    SUBCOMMANDS.set(c.name, new Set(c.subcommands.map((s) => `${c.name}|${s.name}`)));
  }
}

// ---- a canonical, patchable form of COMMAND INFO entries ----

type Canon = string | number | null | Canon[] | { set: Canon[] } | { map: [Canon, Canon][] };

function canon(r: Reply): Canon {
  switch (r.type) {
    case "status":
      return `+${r.value}`;
    case "bulk":
      return `$${r.value}`;
    case "integer":
      return Number(r.value);
    case "null":
      return null;
    case "array":
      return r.value.map(canon);
    case "set":
      return { set: r.value.map(canon) };
    case "map":
      return { map: r.value.map(([k, v]) => [canon(k), canon(v)] as [Canon, Canon]) };
    default:
      return `?${formatReply(r)}`;
  }
}

type Entry = Canon[];

const setOf = (c: Canon): Canon[] => (c as { set: Canon[] }).set;

/** Sorts subcommands by name and keeps only the ones evalkit registers. */
function normalize(entry: Entry, keepSubs: Set<string> | undefined): Entry {
  const subs = entry[9];
  if (Array.isArray(subs)) {
    entry[9] = (subs as Entry[])
      .filter((s) => keepSubs?.has((s[0] as string).slice(1)) ?? false)
      .map((s) => normalize(s, undefined))
      .sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
  }
  return entry;
}

/** A known Valkey 8 vs Redis 7.0 difference: turns redis's entry into Valkey's. */
interface Known {
  readonly reason: string;
  patch(entry: Entry): void;
}

const addFlagBefore = (flag: string, before: string) => (e: Entry) => {
  const flags = setOf(e[2]);
  flags.splice(flags.indexOf(`+${before}`), 0, `+${flag}`);
};
const subEntry = (e: Entry, name: string): Entry =>
  (e[9] as Entry[]).find((s) => s[0] === `$${name}`)!;

const KNOWN: Record<string, Known> = {
  multi: {
    reason: "Valkey 8 flags MULTI no_multi: a nested MULTI aborts the transaction (valkey #723)",
    patch: addFlagBefore("no_multi", "allow_busy"),
  },
  watch: {
    reason: "Valkey 8 flags WATCH no_multi: WATCH inside MULTI aborts it (valkey #723)",
    patch: addFlagBefore("no_multi", "allow_busy"),
  },
  command: {
    reason: "GETKEYS/GETKEYSANDFLAGS take arity -3 since Redis 7.2 (redis #11201, not in 7.0.x)",
    patch: (e) => {
      subEntry(e, "command|getkeys")[1] = -3;
      subEntry(e, "command|getkeysandflags")[1] = -3;
    },
  },
  client: {
    reason: "CLIENT SETINFO is new in 7.2; SETNAME/SETINFO got all_nodes routing tips (redis " +
      "#12545), both in Valkey 8",
    patch: (e) => {
      subEntry(e, "client|setname")[7] = {
        set: ["$request_policy:all_nodes", "$response_policy:all_succeeded"],
      };
      (e[9] as Entry[]).push([
        "$client|setinfo",
        4,
        { set: ["+noscript", "+loading", "+stale"] },
        0,
        0,
        0,
        { set: ["+@slow", "+@connection"] },
        { set: ["$request_policy:all_nodes", "$response_policy:all_succeeded"] },
        { set: [] },
        { set: [] },
      ]);
      (e[9] as Entry[]).sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
    },
  },
  config: {
    reason: "config-resetstat.json routes to all nodes (tips added after 7.0)",
    patch: (e) => {
      subEntry(e, "config|resetstat")[7] = {
        set: ["$request_policy:all_nodes", "$response_policy:all_succeeded"],
      };
    },
  },
  script: {
    reason: "SCRIPT SHOW is new in Valkey 8.0 (script-show.json: noscript, @scripting)",
    patch: (e) => {
      (e[9] as Entry[]).push([
        "$script|show",
        3,
        { set: ["+noscript"] },
        0,
        0,
        0,
        { set: ["+@slow", "+@scripting"] },
        { set: [] },
        { set: [] },
        { set: [] },
      ]);
      (e[9] as Entry[]).sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
    },
  },
  msetnx: {
    reason: "Valkey's msetnx.json has no routing tips",
    patch: (e) => {
      e[7] = { set: [] };
    },
  },
  randomkey: {
    reason: "Valkey's randomkey.json adds response_policy:special",
    patch: (e) => {
      e[7] = {
        set: ["$request_policy:all_shards", "$response_policy:special", "$nondeterministic_output"],
      };
    },
  },
  scan: {
    reason: "Valkey's scan.json adds response_policy:special",
    patch: (e) => {
      setOf(e[7]).push("$response_policy:special");
    },
  },
  // ---- sets / zsets ----
  sinterstore: {
    reason: "Valkey's sinterstore.json flags the destination OW like SUNIONSTORE (Redis 7.0: RW)",
    patch: (e) => {
      const spec = setOf(e[8])[0] as { map: [Canon, Canon][] };
      setOf(spec.map.find(([k]) => k === "$flags")![1])[0] = "+OW";
    },
  },
  zrank: {
    reason: "ZRANK takes an optional WITHSCORE since Redis 7.2 (arity -3)",
    patch: (e) => {
      e[1] = -3;
    },
  },
  zrevrank: {
    reason: "ZREVRANK takes an optional WITHSCORE since Redis 7.2 (arity -3)",
    patch: (e) => {
      e[1] = -3;
    },
  },
  blpop: {
    reason: "BLPOP lost NOSCRIPT in Redis 7.2 / Valkey (it never blocks in scripts, CALL-13)",
    patch: (e) => {
      const flags = setOf(e[2]);
      flags.splice(flags.indexOf("+noscript"), 1);
    },
  },
  brpop: {
    reason: "BRPOP lost NOSCRIPT in Redis 7.2 / Valkey (it never blocks in scripts, CALL-13)",
    patch: (e) => {
      const flags = setOf(e[2]);
      flags.splice(flags.indexOf("+noscript"), 1);
    },
  },
  blmove: {
    reason: "BLMOVE lost NOSCRIPT in Redis 7.2 / Valkey (it never blocks in scripts, CALL-13)",
    patch: (e) => {
      const flags = setOf(e[2]);
      flags.splice(flags.indexOf("+noscript"), 1);
    },
  },
  brpoplpush: {
    reason: "BRPOPLPUSH lost NOSCRIPT in Redis 7.2 / Valkey (it never blocks in scripts, CALL-13)",
    patch: (e) => {
      const flags = setOf(e[2]);
      flags.splice(flags.indexOf("+noscript"), 1);
    },
  },
  bzpopmin: {
    reason: "BZPOPMIN lost NOSCRIPT in Redis 7.2 / Valkey (it never blocks in scripts, CALL-13)",
    patch: (e) => {
      const flags = setOf(e[2]);
      flags.splice(flags.indexOf("+noscript"), 1);
    },
  },
  bzpopmax: {
    reason: "BZPOPMAX lost NOSCRIPT in Redis 7.2 / Valkey (it never blocks in scripts, CALL-13)",
    patch: (e) => {
      const flags = setOf(e[2]);
      flags.splice(flags.indexOf("+noscript"), 1);
    },
  },
  wait: {
    reason: "WAIT is flagged blocking (@blocking) instead of noscript since Redis 7.2 / Valkey " +
      "(wait.json; scripts get the current count at once, CALL-13)",
    patch: (e) => {
      setOf(e[2]).splice(0, 1, "+blocking");
      const acl = setOf(e[6]);
      acl.splice(acl.indexOf("+@slow") + 1, 0, "+@blocking");
    },
  },
};

/** COMMAND INFO <name>: evalkit must equal redis's entry with the listed Valkey changes. */
function infoMatches(name: string) {
  return custom(`COMMAND INFO ${name} as Valkey 8`, (ours, theirs) => {
    const o = canon(ours) as Entry[];
    const t = canon(theirs) as Entry[];
    if (o.length !== 1 || t.length !== 1 || o[0] === null || t[0] === null) {
      return `not one entry: evalkit ${formatReply(ours)} / redis ${formatReply(theirs)}`;
    }
    const mine = normalize(o[0], SUBCOMMANDS.get(name));
    const expected = normalize(t[0], SUBCOMMANDS.get(name));
    const before = JSON.stringify(expected);
    const known = KNOWN[name];
    known?.patch(expected);
    if (known !== undefined && JSON.stringify(expected) === before) {
      return `stale known difference (${known.reason}): redis already agrees`;
    }
    const a = JSON.stringify(mine), b = JSON.stringify(expected);
    return a === b ? undefined : `evalkit\n  ${a}\nexpected\n  ${b}`;
  });
}

twin(
  "COMMAND INFO of every registered command matches redis, with Valkey 8's listed changes",
  [...registered.commands()].map((c) => ["COMMAND", "INFO", c.name, infoMatches(c.name)]),
  { resp: 3 },
);

twin("COMMAND INFO in RESP2 has the same shapes flattened", [
  ["COMMAND", "INFO", "get", "echo", "nosuchcommand"],
  ["COMMAND", "INFO", "GET"],
  ["COMMAND", "INFO", "config|get", "client|id"],
  ["COMMAND", "INFO", "get|foo", "config|nosuch"],
]);

twin("COMMAND unknown subcommand and arity errors", [
  ["COMMAND", "FOO"],
  ["COMMAND", "COUNT", "x"],
  ["COMMAND", "HELP", "x"],
  ["COMMAND", "DOCS", "nosuchcommand"],
]);

twin("COMMAND GETKEYS and GETKEYSANDFLAGS find keys from key specs", [
  ["COMMAND", "GETKEYS", "get", "a"],
  ["COMMAND", "GETKEYS", "watch", "a", "b", "c"],
  ["COMMAND", "GETKEYS", "mset", "a", "1", "b", "2"],
  ["COMMAND", "GETKEYSANDFLAGS", "mset", "a", "1", "b", "2"],
  ["COMMAND", "GETKEYSANDFLAGS", "del", "x", "y"],
  ["COMMAND", "GETKEYS", "ping", "x"],
  ["COMMAND", "GETKEYS", "nosuchcommand", "a"],
  ["COMMAND", "GETKEYS", "get", "a", "b"],
  ["COMMAND", "GETKEYS", "config", "get"],
  ["COMMAND", "GETKEYS", "object", "encoding", "k"],
]);

twin(
  "COMMAND GETKEYS with too few arguments: Valkey checks the named command's arity",
  [
    [
      "COMMAND",
      "GETKEYS",
      "get",
      valkey(error("ERR Invalid number of arguments specified for command")),
    ],
    [
      "COMMAND",
      "GETKEYSANDFLAGS",
      "ping",
      valkey(error("ERR The command has no key arguments")),
    ],
  ],
  { valkeyDiff: "GETKEYS/GETKEYSANDFLAGS have arity -3 since Redis 7.2 (7.0 says -4)" },
);

twin("COMMAND LIST with filters", [
  ["COMMAND", "LIST", "FILTERBY", "ACLCAT", "transaction", unordered()],
  ["COMMAND", "LIST", "FILTERBY", "PATTERN", "*watch*", unordered()],
  ["COMMAND", "LIST", "FILTERBY", "PATTERN", "CoMmAnD|g*", unordered()],
  ["COMMAND", "LIST", "FILTERBY", "MODULE", "nosuchmodule"],
  ["COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuchcategory"],
  ["COMMAND", "LIST", "FILTERBY", "PATTERN"],
  ["COMMAND", "LIST", "FILTERBY", "FOO", "x"],
  ["COMMAND", "LIST", "x"],
]);

/** COMMAND HELP: Redis 7.0 says "Redis command(s)" and "Prints"; Valkey 8 does not. */
const commandHelp = custom("COMMAND HELP without 'Redis'", (ours, theirs) => {
  if (theirs.type !== "array") return `redis: ${formatReply(theirs)}`;
  const expected = array(theirs.value.map((l) =>
    status(
      (l as { value: string }).value.replace(/Redis server/, "server").replace(/Redis /g, "")
        .replace("Prints this help.", "Print this help."),
    )
  ));
  return formatReply(ours) === formatReply(expected)
    ? undefined
    : `evalkit ${formatReply(ours)}\nexpected ${formatReply(expected)}`;
});

twin("COMMAND HELP lists the subcommands", [["COMMAND", "HELP", commandHelp]]);

/**
 * COMMAND DOCS watch: Valkey 8's summary (Redis 7.2 rewrote them) and display_text on each
 * argument (7.2+).
 */
twin(
  "COMMAND DOCS shows Valkey's docs",
  [[
    "COMMAND",
    "DOCS",
    "watch",
    valkey(map([[
      bulk("watch"),
      map([
        [
          bulk("summary"),
          bulk("Monitors changes to keys to determine the execution of a transaction."),
        ],
        [bulk("since"), bulk("2.2.0")],
        [bulk("group"), bulk("transactions")],
        [bulk("complexity"), bulk("O(1) for every key.")],
        [
          bulk("arguments"),
          array([map([
            [bulk("name"), bulk("key")],
            [bulk("type"), bulk("key")],
            [bulk("display_text"), bulk("key")],
            [bulk("key_spec_index"), int(0)],
            [bulk("flags"), set([status("multiple")])],
          ])]),
        ],
      ]),
    ]])),
  ]],
  { resp: 3, valkeyDiff: "Redis 7.2 rewrote the summaries and added display_text" },
);

twin("COMMAND INFO of an unknown command is a null element", [
  ["COMMAND", "INFO", "nosuch", "get"],
], { resp: 3 });

twin("unknown commands, unknown subcommands and wrong arity (CMD-1..3)", [
  ["NOSUCH"],
  ["nosuch", "a", "b"],
  ["NOSUCH", "x".repeat(200)],
  ["NOSUCH", "a".repeat(100), "b".repeat(100), "c"],
  ["n".repeat(200), "a"],
  ["NOSUCH", "line\r\nbreak"],
  ["CONFIG", "nosuch"],
  ["config", "NoSuch", "x"],
  ["CLIENT", "s".repeat(200)],
  ["CONFIG", "GET"],
  ["CLIENT", "SETNAME"],
  ["GET"],
  ["CLIENT"],
  ["COMMAND", "COUNT", "extra"],
]);
