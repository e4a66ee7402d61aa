// Twin tests of the connection commands against redis-server 7.0.15. Where Valkey 8 (what
// evalkit reproduces) differs from Redis 7.0, the step says what Valkey replies and why.

import type { Bytes } from "../bytes.ts";
import { error, type Reply, status } from "../resp/reply.ts";
import { formatReply } from "../testing/compare.ts";
import { custom, on, twin, valkey } from "../testing/twin.ts";
import { VALKEY_VERSION } from "../options.ts";

/** HELLO's fields as name → reply, from the RESP3 map or the RESP2 flat array. */
function fields(r: Reply): Map<string, Reply> | undefined {
  const pairs: [Reply, Reply][] = [];
  if (r.type === "map") pairs.push(...r.value.map(([k, v]) => [k, v] as [Reply, Reply]));
  else if (r.type === "array" && r.value.length % 2 === 0) {
    for (let i = 0; i < r.value.length; i += 2) pairs.push([r.value[i], r.value[i + 1]]);
  } else return undefined;
  const m = new Map<string, Reply>();
  for (const [k, v] of pairs) if (k.type === "bulk") m.set(k.value, v);
  return m;
}

/**
 * HELLO's reply: same shape and fields, except the client id (each server numbers its own
 * clients) and Valkey's identity: server `valkey`, version 8.0.1 (redis: `redis`, 7.0.15).
 */
const hello = custom("HELLO as Valkey 8 (server, version; any id)", (ours, theirs) => {
  const a = fields(ours), b = fields(theirs);
  if (a === undefined || b === undefined) {
    return `not a HELLO reply: ${formatReply(ours)} / ${formatReply(theirs)}`;
  }
  if (ours.type !== theirs.type) return `type ${ours.type} vs ${theirs.type}`;
  const keys = [...a.keys()].join(","), theirKeys = [...b.keys()].join(",");
  if (keys !== theirKeys) return `fields ${keys} vs ${theirKeys}`;
  const server = a.get("server"), version = a.get("version"), id = a.get("id");
  if (server?.type !== "bulk" || server.value !== "valkey") return "server is not valkey";
  if (version?.type !== "bulk" || version.value !== VALKEY_VERSION) return "wrong version";
  if (id?.type !== "integer") return "id is not an integer";
  for (const k of ["proto", "mode", "role", "modules"]) {
    if (formatReply(a.get(k)!) !== formatReply(b.get(k)!)) return `${k} differs`;
  }
  return undefined;
});

/** Both replies are integers (client ids differ between the servers). */
const anInteger = custom(
  "an integer",
  (ours, theirs) =>
    ours.type === "integer" && theirs.type === "integer" ? undefined : "not both integers",
);

twin("PING and ECHO", [
  ["PING"],
  ["PING", "hello"],
  ["PING", "a", "b"],
  ["ECHO", "x"],
  ["ECHO"],
  ["ECHO", "a", "b"],
  ["ping", ""],
]);

twin("PING and ECHO in RESP3", [["PING"], ["PING", "hi"], ["ECHO", "x"]], { resp: 3 });

twin("SELECT switches databases and checks the index", [
  ["SET", "k", "db0"],
  ["SELECT", "1"],
  ["GET", "k"],
  ["SET", "k", "db1"],
  ["SELECT", "x"],
  ["SELECT", "16"],
  ["SELECT", "-1"],
  ["SELECT", "99999999999"],
  ["SELECT", "01"],
  ["SELECT", "0"],
  ["GET", "k"],
  ["SELECT"],
]);

twin("AUTH without requirepass", [
  ["AUTH", "x"],
  ["AUTH", "default", "anything"],
  ["AUTH", "someone", "x"],
  ["AUTH", "a", "b", "c"],
  ["AUTH"],
]);

twin("requirepass: NOAUTH until AUTH, HELLO AUTH, WRONGPASS", [
  ["SET", "k", "v"],
  ["CONFIG", "SET", "requirepass", "secret"],
  on("b", ["GET", "k"]),
  on("b", ["PING"]),
  on("b", ["AUTH", "wrong"]),
  on("b", ["AUTH", "default", "wrong"]),
  on("b", [
    "HELLO",
    "2",
    valkey(error(
      "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO " +
        "<proto> AUTH <user> <pass> option can be used to authenticate the client and select " +
        "the RESP protocol version at the same time",
    )),
  ]),
  on("b", ["HELLO", "2", "AUTH", "default", "wrong"]),
  on("b", ["HELLO", "2", "AUTH", "default", "secret", hello]),
  on("b", ["GET", "k"]),
  on("c", ["AUTH", "secret"]),
  on("c", ["GET", "k"]),
  on("d", ["MULTI"]),
  on("d", ["RESET"]),
  on("d", ["GET", "k"]),
  ["GET", "k"],
  ["CONFIG", "SET", "requirepass", ""],
  on("e", ["GET", "k"]),
], { valkeyDiff: "Valkey's HELLO NOAUTH text names the protocol argument: `HELLO <proto> AUTH`" });

twin("HELLO switches protocol and validates its options", [
  ["HELLO", hello],
  ["HELLO", "4"],
  ["HELLO", "1"],
  ["HELLO", "x"],
  ["HELLO", "3", "FOO"],
  ["HELLO", "2", "SETNAME", "a b"],
  ["HELLO", "2", "AUTH", "default"],
  ["HELLO", "2", "AUTH", "foo", "bar"],
  ["HELLO", "3", "SETNAME", "myname", hello],
  ["CLIENT", "GETNAME"],
  ["HELLO", "2", "AUTH", "default", "x", "SETNAME", "", hello],
  ["CLIENT", "GETNAME"],
  ["HELLO", hello],
]);

twin("CLIENT SETNAME / GETNAME / ID", [
  ["CLIENT", "GETNAME"],
  ["CLIENT", "SETNAME", "a b"],
  ["CLIENT", "SETNAME", "caf\xc3\xa9"],
  ["CLIENT", "SETNAME", "x"],
  ["CLIENT", "GETNAME"],
  ["CLIENT", "SETNAME", ""],
  ["CLIENT", "GETNAME"],
  ["CLIENT", "SETNAME"],
  ["CLIENT", "ID", anInteger],
  ["CLIENT", "ID", "x"],
]);

twin("CLIENT LIST filters and their errors", [
  ["CLIENT", "LIST", "TYPE", "foo"],
  ["CLIENT", "LIST", "TYPE", "replica"],
  ["CLIENT", "LIST", "TYPE", "pubsub"],
  ["CLIENT", "LIST", "ID", "x"],
  ["CLIENT", "LIST", "ID", "999999"],
  ["CLIENT", "LIST", "ID"],
  ["CLIENT", "LIST", "foo"],
  ["CLIENT", "LIST", "TYPE", "normal", "ID", "1"],
]);

twin("CLIENT container errors", [
  ["CLIENT"],
  ["CLIENT", "FOO"],
  ["CLIENT", "foo", "bar"],
  ["CLIENT", "HELP", "x"],
]);

twin(
  "CLIENT SETINFO sets the library name and version",
  [
    ["CLIENT", "SETINFO", "lib-name", "mylib", valkey(status("OK"))],
    ["CLIENT", "SETINFO", "LIB-VER", "1.0", valkey(status("OK"))],
    [
      "CLIENT",
      "SETINFO",
      "lib-name",
      "a b",
      valkey(error("ERR lib-name cannot contain spaces, newlines or special characters.")),
    ],
    ["CLIENT", "SETINFO", "foo", "bar", valkey(error("ERR Unrecognized option 'foo'"))],
  ],
  { valkeyDiff: "CLIENT SETINFO is new in Redis 7.2 / Valkey" },
);

/** CLIENT INFO's field names, in order, and the values of the fields both servers agree on. */
function infoFields(r: Reply): [string, string][] | undefined {
  if (r.type !== "bulk" && r.type !== "verbatim") return undefined;
  return r.value.trimEnd().split(" ").map((f) => {
    const i = f.indexOf("=");
    return [f.slice(0, i), f.slice(i + 1)];
  });
}

const COMPARABLE = ["name", "db", "sub", "psub", "ssub", "multi", "cmd", "user", "resp", "flags"];

/**
 * CLIENT INFO: Valkey 8's field list is Redis 7.0's with `watch` after `multi` (7.4) and
 * `lib-name`, `lib-ver` (7.2), `tot-net-in`, `tot-net-out`, `tot-cmds` (8.0) at the end.
 */
const clientInfo = custom("CLIENT INFO fields as Valkey 8", (ours, theirs) => {
  const a = infoFields(ours), b = infoFields(theirs);
  if (a === undefined || b === undefined) return "not a CLIENT INFO line";
  const expected = b.map(([k]) => k);
  expected.splice(expected.indexOf("multi") + 1, 0, "watch");
  expected.push("lib-name", "lib-ver", "tot-net-in", "tot-net-out", "tot-cmds");
  const names = a.map(([k]) => k);
  if (names.join(" ") !== expected.join(" ")) {
    return `fields\n  ${names.join(" ")}\nexpected\n  ${expected.join(" ")}`;
  }
  const theirs_ = new Map(b);
  for (const [k, v] of a) {
    if (COMPARABLE.includes(k) && theirs_.get(k) !== v) {
      return `${k}=${v} vs ${k}=${theirs_.get(k)}`;
    }
  }
  return undefined;
});

twin("CLIENT INFO and CLIENT LIST describe the connection", [
  ["CLIENT", "SETNAME", "tester"],
  ["SELECT", "3"],
  ["CLIENT", "INFO", clientInfo],
  ["MULTI"],
  ["PING"],
  ["EXEC"],
  ["CLIENT", "INFO", clientInfo],
]);

twin("CLIENT INFO in RESP3 is a verbatim string", [["CLIENT", "INFO", clientInfo]], { resp: 3 });

/** The edits Valkey 8 made to Redis 7.0's CLIENT HELP text. */
function valkeyClientHelp(lines: readonly Bytes[]): Bytes[] {
  const out: Bytes[] = [];
  for (const l of lines) {
    if (l === "    Prints this help.") {
      out.push("    Print this help.");
      continue;
    }
    out.push(l.replace("(NORMAL|MASTER|REPLICA|PUBSUB)", "(NORMAL|PRIMARY|REPLICA|PUBSUB)"));
    if (l.startsWith("    Enable/disable tracking")) {
      out.push(
        "CAPA <option> [options...]",
        "    The client claims its some capability options. Options are:",
        "    * REDIRECT",
        "      The client can handle redirection during primary and replica failover in standalone mode.",
      );
    }
    if (l === "      Skip killing current connection (default: yes).") {
      out.push(
        "    * ID <client-id>",
        "      Kill connections by client id.",
        "    * MAXAGE <maxage>",
        "      Kill connections older than the specified age.",
      );
    }
    if (l === "    Assign the name <name> to the current connection.") {
      out.push(
        "SETINFO <option> <value>",
        "    Set client meta attr. Options are:",
        "    * LIB-NAME: the client lib name.",
        "    * LIB-VER: the client lib version.",
      );
    }
    if (l === "    Protect current client connection from eviction.") {
      out.push("NO-TOUCH (ON|OFF)", "    Will not touch LRU/LFU stats when this mode is on.");
    }
  }
  return out;
}

twin("CLIENT HELP", [[
  "CLIENT",
  "HELP",
  custom("Redis 7.0's help with Valkey 8's additions", (ours, theirs) => {
    if (ours.type !== "array" || theirs.type !== "array") return "not arrays";
    const a = ours.value.map((r) => (r as { value: string }).value);
    const b = valkeyClientHelp(theirs.value.map((r) => (r as { value: string }).value));
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i] !== b[i]) return `line ${i}: ${JSON.stringify(a[i])} vs ${JSON.stringify(b[i])}`;
    }
    return ours.value.every((r) => r.type === "status") ? undefined : "not status lines";
  }),
]]);

twin("RESET restores a fresh connection", [
  ["SELECT", "2"],
  ["CLIENT", "SETNAME", "n"],
  ["WATCH", "w"],
  ["MULTI"],
  ["SET", "a", "1"],
  ["RESET"],
  ["CLIENT", "GETNAME"],
  ["EXEC"],
  ["SET", "in0", "1"],
  ["SELECT", "0"],
  ["GET", "in0"],
  ["RESET", "x"],
]);

twin("RESET in RESP3 goes back to RESP2", [
  ["RESET"],
  ["HELLO", hello],
], { resp: 3 });

twin("QUIT replies OK", [["PING"], ["QUIT"]]);
