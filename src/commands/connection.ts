/**
 * Connection commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET and CLIENT (ID, SETNAME,
 * GETNAME, INFO, LIST, SETINFO, HELP), with Valkey 8's metadata (src/commands/*.json) and replies
 * (networking.c, acl.c, db.c).
 *
 * Authentication: the only user is `default`; its password is `requirepass` ("" = nopass).
 *
 * @module
 */

import { asciiLower, type Bytes, eqIgnoreCase } from "../bytes.ts";
import {
  ERR_AUTH_NOT_CONFIGURED,
  ERR_CLIENT_NAME,
  ERR_DB_INDEX,
  ERR_HELLO_NOAUTH,
  ERR_HELLO_PROTOVER,
  ERR_INVALID_CLIENT_ID,
  ERR_NOPROTO,
  ERR_SELECT_CLUSTER,
  ERR_SYNTAX,
  ERR_WRONGPASS,
  errClientType,
  errHelloOption,
  errSetinfoOption,
  errSetinfoValue,
  errWrongArity,
  ReplyError,
} from "../errors.ts";
import { REDIS_COMPAT_VERSION } from "../info.ts";
import {
  bulk,
  EMPTY_ARRAY,
  int,
  map,
  NULL,
  OK,
  type Reply,
  status,
  verbatim,
} from "../resp/reply.ts";
import type { Server } from "../server.ts";
import type { Session } from "../session.ts";
import { parseInteger, toInt32, toInt64 } from "./args.ts";
import { helpReply } from "./command.ts";
import type { CommandContext, CommandSpec } from "./spec.ts";

/**
 * validateClientAttr: every byte printable ASCII without space (`!`..`~`), so that CLIENT LIST
 * stays splittable on spaces.
 *
 * @param v The value.
 * @returns True when acceptable.
 */
export function isValidClientAttr(v: Bytes): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/**
 * The state a new connection starts with (authentication as clientSetDefaultAuth decides it).
 * Used by RESET.
 *
 * @param server The server.
 * @param s The session.
 */
export function resetSession(server: Server, s: Session): void {
  s.multi = null;
  s.multiError = false;
  server.unwatchAll(s);
  s.db = 0;
  s.resp = 2;
  s.name = "";
  s.user = "default";
  s.authenticated = server.config.requirepass === "";
}

/** ACLAuthenticateUser for the single `default` user. */
function authenticate(server: Server, s: Session, user: Bytes, pass: Bytes): boolean {
  if (user !== "default") return false;
  const required = server.config.requirepass;
  if (required !== "" && pass !== required) return false;
  s.user = "default";
  s.authenticated = true;
  return true;
}

function hello(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const { server, session } = ctx;
  let ver = 0;
  let next = 1;
  if (argv.length >= 2) {
    const v = parseInteger(argv[next++]);
    if (v === undefined) throw new ReplyError(ERR_HELLO_PROTOVER);
    if (v < 2 || v > 3) throw new ReplyError(ERR_NOPROTO);
    ver = Number(v);
  }
  let auth: readonly [Bytes, Bytes] | undefined;
  let name: Bytes | undefined;
  for (let j = next; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (eqIgnoreCase(argv[j], "auth") && more >= 2) {
      auth = [argv[j + 1], argv[j + 2]];
      j += 2;
    } else if (eqIgnoreCase(argv[j], "setname") && more >= 1) {
      name = argv[j + 1];
      if (!isValidClientAttr(name)) throw new ReplyError(ERR_CLIENT_NAME);
      j++;
    } else {
      throw new ReplyError(errHelloOption(argv[j]));
    }
  }
  if (auth !== undefined && !authenticate(server, session, auth[0], auth[1])) {
    throw new ReplyError(ERR_WRONGPASS);
  }
  if (!session.authenticated && server.config.requirepass !== "") {
    throw new ReplyError(ERR_HELLO_NOAUTH);
  }
  if (name !== undefined) session.name = name;
  if (ver !== 0) session.resp = ver as 2 | 3;
  const compat = server.config.extendedRedisCompat;
  return map([
    [bulk("server"), bulk(compat ? "redis" : "valkey")],
    [bulk("version"), bulk(compat ? REDIS_COMPAT_VERSION : server.options.version)],
    [bulk("proto"), int(session.resp)],
    [bulk("id"), int(session.id)],
    [bulk("mode"), bulk("standalone")],
    [bulk("role"), bulk("master")],
    [bulk("modules"), EMPTY_ARRAY],
  ]);
}

function auth(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  if (argv.length > 3) throw new ReplyError(ERR_SYNTAX);
  let user: Bytes = "default", pass: Bytes;
  if (argv.length === 2) {
    if (ctx.server.config.requirepass === "") throw new ReplyError(ERR_AUTH_NOT_CONFIGURED);
    pass = argv[1];
  } else {
    user = argv[1];
    pass = argv[2];
  }
  if (!authenticate(ctx.server, ctx.session, user, pass)) throw new ReplyError(ERR_WRONGPASS);
  return OK;
}

function select(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const id = toInt32(argv[1]);
  if (id !== 0 && ctx.server.config.clusterEnabled) throw new ReplyError(ERR_SELECT_CLUSTER);
  const dbs = ctx.server.keyspace.dbs;
  if (id < 0 || id >= dbs.length) throw new ReplyError(ERR_DB_INDEX);
  // Inside a script SELECT lasts for the rest of the run only (the caller's db is untouched).
  ctx.db = dbs[id];
  if (!ctx.inScript) ctx.session.db = id;
  return OK;
}

// ---- CLIENT ----

/**
 * catClientInfoString: one CLIENT LIST / CLIENT INFO line (without the newline), Valkey 8's
 * fields in Valkey 8's order. Socket-level numbers evalkit does not have (fd, query and reply
 * buffers, network bytes) are shown as a socket-less client shows them.
 *
 * @param s The session described.
 * @param now Current time in ms.
 * @param current The argv being executed when `s` is the caller (its argv-mem), else undefined.
 * @returns The line.
 */
export function clientInfoLine(s: Session, now: number, current?: readonly Bytes[]): string {
  let flags = "";
  if (s.multi !== null) flags += "x";
  if (s.dirtyCas) flags += "d";
  if (s.closeAfterReply) flags += "c";
  if (flags === "") flags = "N";
  let argvMem = 0;
  for (const a of current ?? []) argvMem += a.length;
  let multiMem = 0;
  for (const q of s.multi ?? []) {
    for (const a of q.argv) multiMem += a.length;
    multiMem += 8 * q.argv.length;
  }
  const rbs = 16384;
  const sec = (ms: number) => Math.floor(ms / 1000);
  return [
    `id=${s.id}`,
    `addr=${s.addr}`,
    `laddr=${s.laddr}`,
    `fd=-1`,
    `name=${s.name}`,
    `age=${sec(now) - sec(s.createdAt)}`,
    `idle=${sec(now) - sec(s.lastInteraction)}`,
    `flags=${flags}`,
    `db=${s.db}`,
    `sub=0`,
    `psub=0`,
    `ssub=0`,
    `multi=${s.multi === null ? -1 : s.multi.length}`,
    `watch=${s.watched.size}`,
    `qbuf=0`,
    `qbuf-free=0`,
    `argv-mem=${argvMem}`,
    `multi-mem=${multiMem}`,
    `rbs=${rbs}`,
    `rbp=0`,
    `obl=0`,
    `oll=0`,
    `omem=0`,
    `tot-mem=${rbs + argvMem + multiMem}`,
    `events=r`,
    `cmd=${s.lastCommand}`,
    `user=${s.user}`,
    `redir=-1`,
    `resp=${s.resp}`,
    `lib-name=${s.libName}`,
    `lib-ver=${s.libVer}`,
    `tot-net-in=0`,
    `tot-net-out=0`,
    `tot-cmds=0`,
  ].join(" ");
}

const CLIENT_TYPES = ["normal", "slave", "replica", "pubsub", "master", "primary"];

function clientList(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const { server, session, now } = ctx;
  const line = (s: Session) => clientInfoLine(s, now, s === session ? argv : undefined) + "\n";
  let out = "";
  if (argv.length === 4 && eqIgnoreCase(argv[2], "type")) {
    const type = asciiLower(argv[3]);
    if (!CLIENT_TYPES.includes(type)) throw new ReplyError(errClientType(argv[3]));
    // Every evalkit session is a normal client (no replicas, primaries or pubsub).
    if (type === "normal") { for (const s of server.sessions) out += line(s); }
  } else if (argv.length > 3 && eqIgnoreCase(argv[2], "id")) {
    for (const a of argv.slice(3)) {
      const id = toInt64(a, ERR_INVALID_CLIENT_ID);
      for (const s of server.sessions) if (BigInt(s.id) === id) out += line(s);
    }
  } else if (argv.length !== 2) {
    throw new ReplyError(ERR_SYNTAX);
  } else {
    for (const s of server.sessions) out += line(s);
  }
  return verbatim("txt", out);
}

function clientSetinfo(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  const attr = argv[2], value = argv[3];
  const isName = eqIgnoreCase(attr, "lib-name");
  if (!isName && !eqIgnoreCase(attr, "lib-ver")) throw new ReplyError(errSetinfoOption(attr));
  if (!isValidClientAttr(value)) throw new ReplyError(errSetinfoValue(attr));
  if (isName) ctx.session.libName = value;
  else ctx.session.libVer = value;
  return OK;
}

const CLIENT_HELP = [
  "CACHING (YES|NO)",
  "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
  "CAPA <option> [options...]",
  "    The client claims its some capability options. Options are:",
  "    * REDIRECT",
  "      The client can handle redirection during primary and replica failover in standalone mode.",
  "GETREDIR",
  "    Return the client ID we are redirecting to when tracking is enabled.",
  "GETNAME",
  "    Return the name of the current connection.",
  "ID",
  "    Return the ID of the current connection.",
  "INFO",
  "    Return information about the current client connection.",
  "KILL <ip:port>",
  "    Kill connection made from <ip:port>.",
  "KILL <option> <value> [<option> <value> [...]]",
  "    Kill connections. Options are:",
  "    * ADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made from the specified address",
  "    * LADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made to specified local address",
  "    * TYPE (NORMAL|PRIMARY|REPLICA|PUBSUB)",
  "      Kill connections by type.",
  "    * USER <username>",
  "      Kill connections authenticated by <username>.",
  "    * SKIPME (YES|NO)",
  "      Skip killing current connection (default: yes).",
  "    * ID <client-id>",
  "      Kill connections by client id.",
  "    * MAXAGE <maxage>",
  "      Kill connections older than the specified age.",
  "LIST [options ...]",
  "    Return information about client connections. Options:",
  "    * TYPE (NORMAL|PRIMARY|REPLICA|PUBSUB)",
  "      Return clients of specified type.",
  "UNPAUSE",
  "    Stop the current client pause, resuming traffic.",
  "PAUSE <timeout> [WRITE|ALL]",
  "    Suspend all, or just write, clients for <timeout> milliseconds.",
  "REPLY (ON|OFF|SKIP)",
  "    Control the replies sent to the current connection.",
  "SETNAME <name>",
  "    Assign the name <name> to the current connection.",
  "SETINFO <option> <value>",
  "    Set client meta attr. Options are:",
  "    * LIB-NAME: the client lib name.",
  "    * LIB-VER: the client lib version.",
  "UNBLOCK <clientid> [TIMEOUT|ERROR]",
  "    Unblock the specified blocked client.",
  "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
  "         [OPTIN] [OPTOUT] [NOLOOP]",
  "    Control server assisted client side caching.",
  "TRACKINGINFO",
  "    Report tracking status for the current connection.",
  "NO-EVICT (ON|OFF)",
  "    Protect current client connection from eviction.",
  "NO-TOUCH (ON|OFF)",
  "    Will not touch LRU/LFU stats when this mode is on.",
];

/** Fields shared by the CLIENT subcommands. */
const clientSub = (
  name: string,
  arity: number,
  since: string,
  summary: string,
  run: CommandSpec["run"],
  extra: Partial<CommandSpec> = {},
): CommandSpec => ({
  name,
  arity,
  flags: ["noscript", "loading", "stale", "sentinel"],
  acl: ["connection"],
  keySpecs: [],
  group: "connection",
  since,
  summary,
  complexity: "O(1)",
  run,
  ...extra,
});

const ALL_NODES_TIPS = ["request_policy:all_nodes", "response_policy:all_succeeded"];

/** The connection group. */
export const CONNECTION_COMMANDS: readonly CommandSpec[] = [
  {
    name: "ping",
    arity: -1,
    flags: ["fast", "sentinel"],
    acl: ["connection"],
    keySpecs: [],
    group: "connection",
    since: "1.0.0",
    summary: "Returns the server's liveliness response.",
    complexity: "O(1)",
    tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
    arguments: [{ name: "message", type: "string", optional: true }],
    run: (_ctx, argv) => {
      if (argv.length > 2) throw new ReplyError(errWrongArity("ping"));
      return argv.length === 1 ? status("PONG") : bulk(argv[1]);
    },
  },
  {
    name: "echo",
    arity: 2,
    flags: ["loading", "stale", "fast"],
    acl: ["connection"],
    keySpecs: [],
    group: "connection",
    since: "1.0.0",
    summary: "Returns the given string.",
    complexity: "O(1)",
    arguments: [{ name: "message", type: "string" }],
    run: (_ctx, argv) => bulk(argv[1]),
  },
  {
    name: "hello",
    arity: -1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "sentinel", "allow_busy"],
    acl: ["connection"],
    keySpecs: [],
    group: "connection",
    since: "6.0.0",
    summary: "Handshakes with the server.",
    complexity: "O(1)",
    history: [[
      "6.2.0",
      "`protover` made optional; when called without arguments the command reports the current connection's context.",
    ]],
    arguments: [{
      name: "arguments",
      type: "block",
      optional: true,
      arguments: [
        { name: "protover", type: "integer" },
        {
          name: "auth",
          type: "block",
          token: "AUTH",
          optional: true,
          arguments: [{ name: "username", type: "string" }, { name: "password", type: "string" }],
        },
        { name: "clientname", type: "string", token: "SETNAME", optional: true },
      ],
    }],
    run: hello,
  },
  {
    name: "auth",
    arity: -2,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "sentinel", "allow_busy"],
    acl: ["connection"],
    keySpecs: [],
    group: "connection",
    since: "1.0.0",
    summary: "Authenticates the connection.",
    complexity: "O(N) where N is the number of passwords defined for the user.",
    history: [["6.0.0", "Added ACL style (username and password)."]],
    arguments: [
      { name: "username", type: "string", optional: true, since: "6.0.0" },
      { name: "password", type: "string" },
    ],
    run: auth,
  },
  {
    name: "select",
    arity: 2,
    flags: ["loading", "stale", "fast"],
    acl: ["connection"],
    keySpecs: [],
    group: "connection",
    since: "1.0.0",
    summary: "Changes the selected database.",
    complexity: "O(1)",
    arguments: [{ name: "index", type: "integer" }],
    run: select,
  },
  {
    name: "quit",
    arity: -1,
    flags: ["allow_busy", "noscript", "loading", "stale", "fast", "no_auth"],
    acl: ["connection"],
    keySpecs: [],
    group: "connection",
    since: "1.0.0",
    summary: "Closes the connection.",
    complexity: "O(1)",
    docFlags: ["deprecated"],
    deprecatedSince: "7.2.0",
    replacedBy: "just closing the connection",
    run: (ctx) => {
      ctx.session.closeAfterReply = true;
      return OK;
    },
  },
  {
    name: "reset",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    acl: ["connection"],
    keySpecs: [],
    group: "connection",
    since: "6.2.0",
    summary: "Resets the connection.",
    complexity: "O(1)",
    run: (ctx) => {
      resetSession(ctx.server, ctx.session);
      return status("RESET");
    },
  },
  {
    name: "client",
    arity: -2,
    flags: ["sentinel"],
    acl: ["slow"],
    keySpecs: [],
    group: "connection",
    since: "2.4.0",
    summary: "A container for client connection commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      clientSub(
        "getname",
        2,
        "2.6.9",
        "Returns the name of the connection.",
        (ctx) => (ctx.session.name === "" ? NULL : bulk(ctx.session.name)),
      ),
      clientSub(
        "help",
        2,
        "5.0.0",
        "Returns helpful text about the different subcommands.",
        (_ctx, argv) => helpReply(argv[0], CLIENT_HELP),
        { flags: ["loading", "stale", "sentinel"] },
      ),
      clientSub(
        "id",
        2,
        "5.0.0",
        "Returns the unique client ID of the connection.",
        (ctx) => int(ctx.session.id),
      ),
      clientSub(
        "info",
        2,
        "6.2.0",
        "Returns information about the connection.",
        (ctx, argv) => verbatim("txt", clientInfoLine(ctx.session, ctx.now, argv) + "\n"),
        { tips: ["nondeterministic_output"] },
      ),
      clientSub("list", -2, "2.4.0", "Lists open connections.", clientList, {
        flags: ["admin", "noscript", "loading", "stale", "sentinel"],
        complexity: "O(N) where N is the number of client connections",
        tips: ["nondeterministic_output"],
        history: [
          ["2.8.12", "Added unique client `id` field."],
          ["5.0.0", "Added optional `TYPE` filter."],
          ["6.0.0", "Added `user` field."],
          [
            "6.2.0",
            "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.",
          ],
          ["7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."],
          ["7.0.3", "Added `ssub` field."],
          [
            "8.0.0",
            "Replaced `master` `TYPE` with `primary`. `master` still supported for backward compatibility.",
          ],
        ],
        arguments: [
          {
            name: "client-type",
            type: "oneof",
            token: "TYPE",
            optional: true,
            since: "5.0.0",
            arguments: [
              { name: "normal", type: "pure-token", token: "normal" },
              { name: "master", type: "pure-token", token: "master" },
              { name: "replica", type: "pure-token", token: "replica" },
              { name: "pubsub", type: "pure-token", token: "pubsub" },
            ],
          },
          {
            name: "client-id",
            type: "integer",
            token: "ID",
            optional: true,
            multiple: true,
            since: "6.2.0",
          },
        ],
      }),
      clientSub(
        "setinfo",
        4,
        "7.2.0",
        "Sets information specific to the client or connection.",
        clientSetinfo,
        {
          tips: ALL_NODES_TIPS,
          arguments: [{
            name: "attr",
            type: "oneof",
            arguments: [
              { name: "libname", type: "string", token: "lib-name" },
              { name: "libver", type: "string", token: "lib-ver" },
            ],
          }],
        },
      ),
      clientSub(
        "setname",
        3,
        "2.6.9",
        "Sets the connection name.",
        (ctx, argv) => {
          if (!isValidClientAttr(argv[2])) throw new ReplyError(ERR_CLIENT_NAME);
          ctx.session.name = argv[2];
          return OK;
        },
        { tips: ALL_NODES_TIPS, arguments: [{ name: "connection-name", type: "string" }] },
      ),
    ],
  },
];
