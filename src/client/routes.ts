/**
 * Cluster routing, as GLIDE does it (glide-core's redis-rs cluster_routing.rs): explicit route
 * types (GL-11), the default route of each command (first key, numkeys-based key, all primaries,
 * all nodes, random node), and how multi-node replies are combined into one (response policies).
 *
 * @module
 */

import { asciiUpper, type Bytes } from "../bytes.ts";
import { errClientCannotCombine } from "../errors.ts";
import { error, int, type Reply } from "../resp/reply.ts";
import type { GlideString } from "./decode.ts";
import { keySlot } from "./slot.ts";

/** A route to one node (GL-11). */
export type SingleNodeRoute =
  | "randomNode"
  | { readonly type: "primarySlotKey" | "replicaSlotKey"; readonly key: GlideString }
  | { readonly type: "primarySlotId" | "replicaSlotId"; readonly id: number }
  /** `host` may be `"host:port"`, then `port` is omitted. */
  | { readonly type: "routeByAddress"; readonly host: string; readonly port?: number };

/**
 * Any route: one node, every primary, or every node (GL-11).
 *
 * @example Run a script on the node holding a key, then on every primary
 * ```ts ignore
 * import { createClusterClient, Script } from "@evalkit/evalkit/client";
 * const client = await createClusterClient("redis://127.0.0.1:7000");
 * const script = new Script("return redis.call('DBSIZE')");
 * await client.invokeScriptWithRoute(script, { route: { type: "primarySlotKey", key: "user:1000" } });
 * await client.invokeScriptWithRoute(script, { route: "allPrimaries" }); // { "host:port": n, … }
 * ```
 */
export type Routes = SingleNodeRoute | "allPrimaries" | "allNodes";

/** How the replies of several nodes become one (redis-rs ResponsePolicy). */
export type ResponsePolicy =
  /** The first success; the last error when all fail (SCRIPT KILL). */
  | "oneSucceeded"
  /** The first non-null success, else null, else the last error (RANDOMKEY). */
  | "firstSucceededNonEmptyOrAllEmpty"
  /** One success when all succeed; else the first error (SCRIPT FLUSH, SCRIPT LOAD). */
  | "allSucceeded"
  /** Element-wise AND of integer arrays (SCRIPT EXISTS). */
  | "aggregateLogicalAnd"
  /** Sum of integers (DBSIZE, DEL across slots). */
  | "aggregateSum"
  /** Minimum of integers (WAIT). */
  | "aggregateMin"
  /** Concatenation of arrays (KEYS). */
  | "combineArrays";

/** Where a command goes when no route is given. */
export type CommandRouting =
  | { readonly kind: "slot"; readonly slot: number }
  | { readonly kind: "random" }
  | { readonly kind: "allPrimaries" | "allNodes"; readonly policy?: ResponsePolicy }
  | {
    readonly kind: "multiSlot";
    readonly pattern: "keys" | "keyValuePairs";
    readonly policy?: ResponsePolicy;
  };

// Command groups of redis-rs base_routing (by full name: `SCRIPT EXISTS`, `GET`…).
const ALL_NODES = new Set([
  "ACL SETUSER",
  "ACL DELUSER",
  "ACL SAVE",
  "CLIENT SETNAME",
  "CLIENT SETINFO",
  "SLOWLOG GET",
  "SLOWLOG LEN",
  "SLOWLOG RESET",
  "CONFIG SET",
  "CONFIG RESETSTAT",
  "CONFIG REWRITE",
  "SCRIPT FLUSH",
  "SCRIPT LOAD",
  "LATENCY RESET",
  "LATENCY GRAPH",
  "LATENCY HISTOGRAM",
  "LATENCY HISTORY",
  "LATENCY DOCTOR",
  "LATENCY LATEST",
  "PUBSUB NUMPAT",
  "PUBSUB CHANNELS",
  "PUBSUB NUMSUB",
  "PUBSUB SHARDCHANNELS",
  "PUBSUB SHARDNUMSUB",
  "SCRIPT KILL",
  "FUNCTION KILL",
  "FUNCTION STATS",
]);
const ALL_PRIMARIES = new Set([
  "DBSIZE",
  "FLUSHALL",
  "FLUSHDB",
  "FUNCTION DELETE",
  "FUNCTION FLUSH",
  "FUNCTION LOAD",
  "FUNCTION RESTORE",
  "INFO",
  "KEYS",
  "MEMORY DOCTOR",
  "MEMORY MALLOC-STATS",
  "MEMORY PURGE",
  "MEMORY STATS",
  "PING",
  "SCRIPT EXISTS",
  "UNWATCH",
  "WAIT",
  "RANDOMKEY",
  "WAITAOF",
]);
const MULTI_SLOT_KEYS = new Set(["MGET", "DEL", "EXISTS", "UNLINK", "TOUCH", "WATCH"]);
/** numkeys at index 2, first key at 3. */
const NUMKEYS_AT_2 = new Set([
  "BLMPOP",
  "BZMPOP",
  "EVAL",
  "EVALSHA",
  "EVALSHA_RO",
  "EVAL_RO",
  "FCALL",
  "FCALL_RO",
]);
/** numkeys at index 1, first key at 2. */
const NUMKEYS_AT_1 = new Set([
  "LMPOP",
  "SINTERCARD",
  "ZDIFF",
  "ZINTER",
  "ZINTERCARD",
  "ZMPOP",
  "ZUNION",
]);
/** The key is the argument after the subcommand (index 2). */
const KEY_AT_2 = new Set([
  "BITOP",
  "MEMORY USAGE",
  "PFDEBUG",
  "XGROUP CREATE",
  "XGROUP CREATECONSUMER",
  "XGROUP DELCONSUMER",
  "XGROUP DESTROY",
  "XGROUP SETID",
  "XINFO CONSUMERS",
  "XINFO GROUPS",
  "XINFO STREAM",
  "OBJECT ENCODING",
  "OBJECT FREQ",
  "OBJECT IDLETIME",
  "OBJECT REFCOUNT",
]);
/** Keyless commands whose arguments must not be mistaken for keys. */
const RANDOM = new Set([
  "ACL DRYRUN",
  "ACL GENPASS",
  "ACL GETUSER",
  "ACL HELP",
  "ACL LIST",
  "ACL LOG",
  "ACL USERS",
  "ACL WHOAMI",
  "AUTH",
  "BGSAVE",
  "CLIENT GETNAME",
  "CLIENT GETREDIR",
  "CLIENT ID",
  "CLIENT INFO",
  "CLIENT KILL",
  "CLIENT PAUSE",
  "CLIENT REPLY",
  "CLIENT TRACKINGINFO",
  "CLIENT UNBLOCK",
  "CLIENT UNPAUSE",
  "CLUSTER COUNT-FAILURE-REPORTS",
  "CLUSTER INFO",
  "CLUSTER KEYSLOT",
  "CLUSTER MEET",
  "CLUSTER MYSHARDID",
  "CLUSTER NODES",
  "CLUSTER REPLICAS",
  "CLUSTER RESET",
  "CLUSTER SET-CONFIG-EPOCH",
  "CLUSTER SHARDS",
  "CLUSTER SLOTS",
  "COMMAND COUNT",
  "COMMAND GETKEYS",
  "COMMAND LIST",
  "COMMAND",
  "CONFIG GET",
  "DEBUG",
  "ECHO",
  "FUNCTION LIST",
  "LASTSAVE",
  "LOLWUT",
  "MODULE LIST",
  "MODULE LOAD",
  "MODULE LOADEX",
  "MODULE UNLOAD",
  "READONLY",
  "READWRITE",
  "SAVE",
  "SCRIPT SHOW",
  "TIME",
  // No routing in redis-rs ("undefined"): GLIDE refuses them without a route; a random node here.
  "SCAN",
  "SHUTDOWN",
  "SLAVEOF",
  "REPLICAOF",
]);
/** The slot is the argument after the subcommand. */
const SLOT_AT_2 = new Set([
  "CLUSTER ADDSLOTS",
  "CLUSTER COUNTKEYSINSLOT",
  "CLUSTER DELSLOTS",
  "CLUSTER DELSLOTSRANGE",
  "CLUSTER GETKEYSINSLOT",
  "CLUSTER SETSLOT",
]);
/** Containers whose subcommand is part of the name. */
const CONTAINERS = new Set([
  "XGROUP",
  "OBJECT",
  "SLOWLOG",
  "FUNCTION",
  "MODULE",
  "COMMAND",
  "PUBSUB",
  "CONFIG",
  "MEMORY",
  "XINFO",
  "CLIENT",
  "ACL",
  "SCRIPT",
  "CLUSTER",
  "LATENCY",
]);

const POLICIES: ReadonlyMap<string, ResponsePolicy> = new Map([
  ["SCRIPT EXISTS", "aggregateLogicalAnd"],
  ...["DBSIZE", "DEL", "EXISTS", "SLOWLOG LEN", "TOUCH", "UNLINK", "LATENCY RESET", "PUBSUB NUMPAT"]
    .map((n) => [n, "aggregateSum"] as const),
  ["WAIT", "aggregateMin"],
  ...[
    "ACL SETUSER",
    "ACL DELUSER",
    "ACL SAVE",
    "CLIENT SETNAME",
    "CLIENT SETINFO",
    "CONFIG SET",
    "CONFIG RESETSTAT",
    "CONFIG REWRITE",
    "FLUSHALL",
    "FLUSHDB",
    "FUNCTION DELETE",
    "FUNCTION FLUSH",
    "FUNCTION LOAD",
    "FUNCTION RESTORE",
    "MEMORY PURGE",
    "MSET",
    "PING",
    "SCRIPT FLUSH",
    "SCRIPT LOAD",
    "SLOWLOG RESET",
    "UNWATCH",
    "WATCH",
  ].map((n) => [n, "allSucceeded"] as const),
  ...["KEYS", "MGET", "SLOWLOG GET", "PUBSUB CHANNELS", "PUBSUB SHARDCHANNELS"]
    .map((n) => [n, "combineArrays"] as const),
  ["FUNCTION KILL", "oneSucceeded"],
  ["SCRIPT KILL", "oneSucceeded"],
  ["RANDOMKEY", "firstSucceededNonEmptyOrAllEmpty"],
]);

/**
 * The routing name of a command: upper-cased, with the subcommand for containers
 * (`SCRIPT EXISTS`, `CLUSTER SLOTS`, `GET`).
 *
 * @param argv The command.
 * @returns The name.
 */
export function commandName(argv: readonly Bytes[]): string {
  const name = asciiUpper(argv[0] ?? "");
  return CONTAINERS.has(name) && argv.length > 1 ? `${name} ${asciiUpper(argv[1])}` : name;
}

/**
 * How replies of several nodes to this command are combined, when GLIDE defines it.
 *
 * @param argv The command.
 * @returns The policy, or undefined (then each node's reply is returned by address).
 */
export function responsePolicy(argv: readonly Bytes[]): ResponsePolicy | undefined {
  return POLICIES.get(commandName(argv));
}

/**
 * The default route of a command (GL-8): by the slot of its first key, or to a random node,
 * all primaries, all nodes, or split by slot (multi-key commands such as MGET, DEL, MSET).
 *
 * @param argv The command.
 * @returns Where it goes.
 */
export function routeCommand(argv: readonly Bytes[]): CommandRouting {
  const name = commandName(argv);
  if (ALL_NODES.has(name)) return { kind: "allNodes", policy: POLICIES.get(name) };
  if (ALL_PRIMARIES.has(name)) return { kind: "allPrimaries", policy: POLICIES.get(name) };
  if (MULTI_SLOT_KEYS.has(name)) {
    return argv.length > 2
      ? { kind: "multiSlot", pattern: "keys", policy: POLICIES.get(name) }
      : keyAt(argv, 1);
  }
  if (name === "MSET") {
    return argv.length > 3
      ? { kind: "multiSlot", pattern: "keyValuePairs", policy: POLICIES.get(name) }
      : keyAt(argv, 1);
  }
  if (NUMKEYS_AT_2.has(name)) return afterKeyCount(argv, 2);
  if (NUMKEYS_AT_1.has(name)) return afterKeyCount(argv, 1);
  if (KEY_AT_2.has(name)) return keyAt(argv, 2);
  if (RANDOM.has(name)) return RANDOM_ROUTE;
  if (SLOT_AT_2.has(name)) {
    const slot = Number(argv[2]);
    return /^[0-9]+$/.test(argv[2] ?? "") && slot < 16384 ? { kind: "slot", slot } : RANDOM_ROUTE;
  }
  if (name === "XREAD" || name === "XREADGROUP") {
    const at = argv.findIndex((a) => asciiUpper(a) === "STREAMS");
    return at < 0 ? RANDOM_ROUTE : keyAt(argv, at + 1);
  }
  return keyAt(argv, 1);
}

const RANDOM_ROUTE: CommandRouting = { kind: "random" };

function keyAt(argv: readonly Bytes[], index: number): CommandRouting {
  return index < argv.length ? { kind: "slot", slot: keySlot(argv[index]) } : RANDOM_ROUTE;
}

function afterKeyCount(argv: readonly Bytes[], at: number): CommandRouting {
  const text = argv[at] ?? "";
  if (!/^[0-9]+$/.test(text)) return RANDOM_ROUTE; // the server reports the bad numkeys
  return Number(text) === 0 ? RANDOM_ROUTE : keyAt(argv, at + 1);
}

/** One node's reply to a multi-node request. */
export interface NodeReply {
  readonly address: string;
  readonly reply: Reply;
}

/**
 * Combines the replies of several nodes (the response policies of GLIDE). Without a policy, the
 * result is a map from each node's address to its reply; an error from any node is the result.
 *
 * @param replies Each node's reply (at least one).
 * @param policy The command's policy.
 * @returns One reply.
 */
export function combineReplies(replies: readonly NodeReply[], policy?: ResponsePolicy): Reply {
  const errors = replies.filter((r) => r.reply.type === "error");
  const ok = replies.filter((r) => r.reply.type !== "error");
  switch (policy) {
    case "oneSucceeded":
      return ok.length > 0 ? ok[0].reply : errors[errors.length - 1].reply;
    case "firstSucceededNonEmptyOrAllEmpty": {
      const nonEmpty = ok.find((r) => r.reply.type !== "null");
      if (nonEmpty !== undefined) return nonEmpty.reply;
      return errors.length === 0 ? { type: "null" } : errors[errors.length - 1].reply;
    }
    default:
      break;
  }
  if (errors.length > 0) return errors[0].reply;
  switch (policy) {
    case "allSucceeded":
      return ok[0].reply;
    case "aggregateSum":
    case "aggregateMin": {
      let acc: bigint | undefined;
      for (const { reply } of ok) {
        if (reply.type !== "integer") return error(errClientCannotCombine(policy));
        const v = BigInt(reply.value);
        acc = acc === undefined ? v : policy === "aggregateSum" ? acc + v : (v < acc ? v : acc);
      }
      return int(acc ?? 0n);
    }
    case "aggregateLogicalAnd": {
      let acc: boolean[] | undefined;
      for (const { reply } of ok) {
        if (reply.type !== "array") return error(errClientCannotCombine(policy));
        const bits = reply.value.map((r) => r.type === "integer" && Number(r.value) > 0);
        acc = acc === undefined ? bits : acc.map((b, i) => b && (bits[i] ?? false));
      }
      return { type: "array", value: (acc ?? []).map((b) => int(b ? 1 : 0)) };
    }
    case "combineArrays": {
      const all: Reply[] = [];
      for (const { reply } of ok) {
        if (reply.type !== "array" && reply.type !== "set") {
          return error(errClientCannotCombine(policy));
        }
        all.push(...reply.value);
      }
      return { type: "array", value: all };
    }
    default:
      return {
        type: "map",
        value: ok.map(({ address, reply }) => [{ type: "bulk", value: address }, reply] as const),
      };
  }
}
