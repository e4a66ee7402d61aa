/**
 * Command metadata as Valkey's command JSON has it, plus the handler. Script gates, OOM, cluster
 * routing and COMMAND INFO/DOCS all read this; none re-derives it.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import type { Reply } from "../resp/reply.ts";
import type { Db } from "../keyspace/keyspace.ts";
import type { Server } from "../server.ts";
import type { Session } from "../session.ts";

/** Command flags (lowercase, as COMMAND INFO prints them). */
export type CommandFlag =
  | "write"
  | "readonly"
  | "denyoom"
  | "module"
  | "admin"
  | "pubsub"
  | "noscript"
  | "blocking"
  | "loading"
  | "stale"
  | "skip_monitor"
  | "skip_slowlog"
  | "asking"
  | "fast"
  | "no_auth"
  | "may_replicate"
  | "sentinel"
  | "only_sentinel"
  | "no_mandatory_keys"
  | "protected"
  | "no_async_loading"
  | "no_multi"
  | "movablekeys"
  | "allow_busy";

/** Key-spec flags, as COMMAND INFO prints them. */
export type KeySpecFlag =
  | "RW"
  | "RO"
  | "OW"
  | "RM"
  | "access"
  | "update"
  | "insert"
  | "delete"
  | "not_key"
  | "incomplete"
  | "variable_flags";

/** Where the search for keys begins. */
export type BeginSearch =
  | { readonly type: "index"; readonly pos: number }
  | { readonly type: "keyword"; readonly keyword: string; readonly startfrom: number }
  | { readonly type: "unknown" };

/** How keys are found from there. */
export type FindKeys =
  | {
    readonly type: "range";
    readonly lastkey: number;
    readonly step: number;
    readonly limit: number;
  }
  | {
    readonly type: "keynum";
    readonly keynumidx: number;
    readonly firstkey: number;
    readonly step: number;
  }
  | { readonly type: "unknown" };

/** One key specification (Valkey 7+ key specs). */
export interface KeySpec {
  readonly flags: readonly KeySpecFlag[];
  readonly beginSearch: BeginSearch;
  readonly findKeys: FindKeys;
  readonly notes?: string;
}

/** One documented argument (COMMAND DOCS). */
export interface ArgSpec {
  readonly name: string;
  readonly type:
    | "string"
    | "integer"
    | "double"
    | "key"
    | "pattern"
    | "unix-time"
    | "pure-token"
    | "oneof"
    | "block";
  readonly token?: string;
  readonly keySpecIndex?: number;
  readonly displayText?: string;
  readonly since?: string;
  readonly optional?: boolean;
  readonly multiple?: boolean;
  readonly multipleToken?: boolean;
  readonly deprecatedSince?: string;
  readonly arguments?: readonly ArgSpec[];
}

/** Per-call context given to a handler. */
export interface CommandContext {
  readonly server: Server;
  readonly session: Session;
  /** The selected database (a script's SELECT changes it for the rest of the run only). */
  db: Db;
  /** "Now" in ms, fixed for the command (and for a whole script run, CALL-12). */
  readonly now: number;
  /** Protocol that shapes the reply (the client's, or the script's setresp inside a script). */
  readonly resp: 2 | 3;
  /** True when called from a script through server.call/pcall. */
  readonly inScript: boolean;
  /** True when run by EXEC (blocking commands never block, CALL-15). */
  readonly inMulti: boolean;
}

/** A command handler: synchronous; returns a Reply or throws ReplyError. */
export type Handler = (ctx: CommandContext, argv: readonly Bytes[]) => Reply;

/** A command (or a subcommand of a container) with its complete metadata. */
export interface CommandSpec {
  /** Lowercase name; a subcommand's is its own word (`load`); its full name is `script|load`. */
  readonly name: string;
  /** Valkey arity: positive = exact argc, negative = at least -arity (argv includes the name). */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** ACL categories without `@` (e.g. `scripting`, `slow`). */
  readonly acl: readonly string[];
  readonly keySpecs: readonly KeySpec[];
  readonly group: string;
  readonly since: string;
  readonly summary: string;
  readonly complexity?: string;
  readonly tips?: readonly string[];
  readonly docFlags?: readonly ("deprecated" | "syscmd")[];
  readonly deprecatedSince?: string;
  readonly replacedBy?: string;
  readonly history?: readonly (readonly [string, string])[];
  readonly arguments?: readonly ArgSpec[];
  /** For containers (SCRIPT, CONFIG, CLIENT, …). */
  readonly subcommands?: readonly CommandSpec[];
  /** Absent only on containers, which dispatch to subcommands. */
  readonly run?: Handler;
  /**
   * The flags the server's gates judge this command line by (OOM, READONLY, MASTERDOWN; spec
   * §1.2), when they depend on the arguments (getCommandFlags): EVAL-family commands take
   * write / denyoom / stale from the script's shebang. Absent: `flags`. Must not throw.
   */
  readonly effectiveFlags?: (server: Server, argv: readonly Bytes[]) => readonly CommandFlag[];
}
