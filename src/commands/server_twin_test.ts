// Twin tests of CONFIG, INFO, DBSIZE, FLUSHDB, FLUSHALL, TIME, SWAPDB and SHUTDOWN (errors only:
// the real server must keep running) against redis-server 7.0.15. Where Valkey 8 (what evalkit
// reproduces) differs from Redis 7.0, the step says what Valkey replies and why.
// DEBUG is refused by a default redis-server (enable-debug-command no): see server_test.ts.

import { array, bulk, type Reply, status } from "../resp/reply.ts";
import { formatReply } from "../testing/compare.ts";
import { custom, on, twin, unordered, valkey } from "../testing/twin.ts";

twin("CONFIG GET exact names, aliases and case", [
  [
    "CONFIG",
    "GET",
    "maxmemory",
    "maxmemory-policy",
    "maxmemory-samples",
    "busy-reply-threshold",
    "lua-time-limit",
    "databases",
    "requirepass",
    "proto-max-bulk-len",
    unordered(),
  ],
  ["CONFIG", "GET", "MAXMEMORY"],
  ["CONFIG", "GET", "maxmemory", "maxmemory"],
  ["CONFIG", "GET", "nosuchparameter"],
  ["CONFIG", "GET", "lua-time-*"],
  ["CONFIG", "GET", "busy-reply-thr?shold"],
  ["CONFIG", "GET"],
]);

twin("CONFIG GET in RESP3 is a map", [["CONFIG", "GET", "maxmemory", "databases", unordered()]], {
  resp: 3,
});

twin("CONFIG SET memory values, enums, bounds and errors", [
  ["CONFIG", "SET", "maxmemory", "100mb"],
  ["CONFIG", "GET", "maxmemory"],
  ["CONFIG", "SET", "maxmemory", "1GB"],
  ["CONFIG", "GET", "maxmemory"],
  ["CONFIG", "SET", "maxmemory", "1k"],
  ["CONFIG", "GET", "maxmemory"],
  ["CONFIG", "SET", "maxmemory", "1kb"],
  ["CONFIG", "GET", "maxmemory"],
  ["CONFIG", "SET", "maxmemory", "abc"],
  ["CONFIG", "SET", "maxmemory", "-1"],
  ["CONFIG", "SET", "maxmemory", "1.5gb"],
  ["CONFIG", "SET", "maxmemory", " 1"],
  ["CONFIG", "SET", "maxmemory", "18446744073709551615"],
  ["CONFIG", "GET", "maxmemory"],
  ["CONFIG", "SET", "maxmemory", "0"],
  ["CONFIG", "SET", "maxmemory-policy", "foo"],
  ["CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU"],
  ["CONFIG", "GET", "maxmemory-policy"],
  ["CONFIG", "SET", "maxmemory-samples", "0"],
  ["CONFIG", "SET", "maxmemory-samples", "x"],
  ["CONFIG", "SET", "maxmemory-samples", "7"],
  ["CONFIG", "GET", "maxmemory-samples"],
  ["CONFIG", "SET", "lua-time-limit", "100"],
  ["CONFIG", "GET", "busy-reply-threshold"],
  ["CONFIG", "SET", "busy-reply-threshold", "-1"],
  ["CONFIG", "SET", "proto-max-bulk-len", "10"],
  ["CONFIG", "SET", "proto-max-bulk-len", "2mb"],
  ["CONFIG", "GET", "proto-max-bulk-len"],
  ["CONFIG", "SET", "lazyfree-lazy-user-flush", "maybe"],
  ["CONFIG", "SET", "foo", "1"],
]);

// Alone in its sequence: the harness restores changed parameters with one CONFIG SET, which an
// immutable parameter would make fail.
twin("CONFIG SET refuses immutable parameters; the first problem is reported", [
  ["CONFIG", "SET", "databases", "3"],
  ["CONFIG", "SET", "nosuch", "1", "databases", "2"],
  ["CONFIG", "SET", "databases", "2", "nosuch", "1"],
  ["CONFIG", "GET", "databases"],
]);

twin("CONFIG SET with several pairs is all or nothing", [
  ["CONFIG", "SET", "maxmemory", "5", "maxmemory-policy", "foo"],
  ["CONFIG", "GET", "maxmemory"],
  ["CONFIG", "SET", "maxmemory", "5", "MAXMEMORY", "6"],
  ["CONFIG", "SET", "maxmemory", "1", "foo"],
  ["CONFIG", "SET", "nosuch", "1", "maxmemory", "x"],
  ["CONFIG", "SET", "maxmemory", "x", "nosuch", "1"],
  ["CONFIG", "SET", "busy-reply-threshold", "5000", "lua-time-limit", "100"],
  ["CONFIG", "GET", "busy-reply-threshold"],
  ["CONFIG", "SET", "maxmemory", "7", "maxmemory-samples", "6"],
  ["CONFIG", "GET", "maxmemory", "maxmemory-samples", unordered()],
  ["CONFIG", "SET", "maxmemory"],
  ["CONFIG", "SET", "maxmemory", "0", "MAXMEMORY-samples", "5"],
]);

twin(
  "lazyfree-lazy-user-flush defaults to yes",
  [[
    "CONFIG",
    "GET",
    "lazyfree-lazy-user-flush",
    valkey(array([bulk("lazyfree-lazy-user-flush"), bulk("yes")])),
  ]],
  { valkeyDiff: "Valkey 8 turned the lazyfree defaults to yes" },
);

/** CONFIG HELP: Redis 7.0 ends with "Prints this help.", Valkey 8 with "Print this help.". */
twin("CONFIG HELP and container errors", [
  [
    "CONFIG",
    "HELP",
    custom("Redis 7.0's text with Valkey's footer", (ours, theirs) => {
      if (theirs.type !== "array") return "redis did not reply an array";
      const expected = array(
        theirs.value.map((r) =>
          status((r as { value: string }).value.replace("Prints this help.", "Print this help."))
        ),
      );
      return formatReply(ours) === formatReply(expected) ? undefined : formatReply(ours);
    }),
  ],
  ["CONFIG"],
  ["CONFIG", "FOO"],
  ["CONFIG", "RESETSTAT", "x"],
  ["CONFIG", "RESETSTAT"],
]);

twin("DBSIZE, FLUSHDB and FLUSHALL", [
  ["SET", "a", "1"],
  ["SET", "b", "2"],
  ["DBSIZE"],
  ["SELECT", "1"],
  ["SET", "c", "3"],
  ["DBSIZE"],
  ["FLUSHDB", "x"],
  ["FLUSHDB", "SYNC", "ASYNC"],
  ["FLUSHDB", "async"],
  ["DBSIZE"],
  ["SELECT", "0"],
  ["DBSIZE"],
  ["SET", "d", "4"],
  ["FLUSHALL", "SYNC"],
  ["DBSIZE"],
  ["SET", "e", "5"],
  ["FLUSHALL"],
  ["DBSIZE"],
  ["FLUSHALL", "foo"],
  ["DBSIZE", "x"],
]);

twin("SWAPDB exchanges databases and checks indexes", [
  ["SET", "k", "in0"],
  ["SWAPDB", "0", "1"],
  ["GET", "k"],
  ["SELECT", "1"],
  ["GET", "k"],
  on("other", ["GET", "k"]),
  ["SWAPDB", "1", "1"],
  ["SWAPDB", "x", "1"],
  ["SWAPDB", "1", "x"],
  ["SWAPDB", "x", "y"],
  ["SWAPDB", "0", "16"],
  ["SWAPDB", "-1", "0"],
  ["SWAPDB", "0"],
]);

/** TIME: two bulk strings, seconds and microseconds, within 2 s of redis's clock. */
const time = custom("TIME within 2 s", (ours, theirs) => {
  const secs = (r: Reply) =>
    r.type === "array" && r.value.length === 2 && r.value.every((x) => x.type === "bulk")
      ? Number((r.value[0] as { value: string }).value) +
        Number((r.value[1] as { value: string }).value) / 1e6
      : NaN;
  const a = secs(ours), b = secs(theirs);
  if (ours.type === "array" && !/^\d{1,6}$/.test((ours.value[1] as { value: string }).value)) {
    return "microseconds out of range";
  }
  return Math.abs(a - b) < 2 ? undefined : `${a} vs ${b}`;
});

twin("TIME", [["TIME", time], ["TIME", "x"]]);

twin("SHUTDOWN argument errors (nothing is shut down)", [
  ["SHUTDOWN", "FOO"],
  ["SHUTDOWN", "ABORT"],
  ["SHUTDOWN", "ABORT", "NOW"],
  ["SHUTDOWN", "SAVE", "NOSAVE"],
  ["SHUTDOWN", "NOSAVE", "FORCE", "ABORT"],
]);

// ---- INFO ----

/** INFO text → [header, field names, fields] per section. */
function sections(r: Reply): [string, string[], Map<string, string>][] | undefined {
  if (r.type !== "bulk" && r.type !== "verbatim") return undefined;
  const out: [string, string[], Map<string, string>][] = [];
  for (const line of r.value.split("\r\n")) {
    if (line.startsWith("# ")) out.push([line.slice(2), [], new Map()]);
    else if (line !== "" && out.length > 0) {
      const i = line.indexOf(":");
      out[out.length - 1][1].push(line.slice(0, i));
      out[out.length - 1][2].set(line.slice(0, i), line.slice(i + 1));
    }
  }
  return out;
}

/** Fields Valkey 8 adds to Redis 7.0's INFO: [section, after field, added fields]. */
const VALKEY_FIELDS: readonly [string, string, readonly string[]][] = [
  ["Server", "redis_version", ["server_name", "valkey_version"]],
  ["Clients", "tracking_clients", ["pubsub_clients", "watching_clients"]],
  [
    "Clients",
    "clients_in_timeout_table",
    ["total_watched_keys", "total_blocking_keys", "total_blocking_keys_on_nokey"],
  ],
  ["Memory", "allocator_resident", ["allocator_muzzy"]],
  ["Memory", "mem_allocator", ["mem_overhead_db_hashtable_rehashing"]],
  ["Stats", "evicted_clients", ["evicted_scripts"]],
  [
    "Stats",
    "io_threaded_writes_processed",
    ["client_query_buffer_limit_disconnections", "client_output_buffer_limit_disconnections"],
  ],
  [
    "Stats",
    "reply_buffer_expands",
    [
      "eventloop_cycles",
      "eventloop_duration_sum",
      "eventloop_duration_cmd_sum",
      "instantaneous_eventloop_cycles_per_sec",
      "instantaneous_eventloop_duration_usec",
      "acl_access_denied_auth",
      "acl_access_denied_cmd",
      "acl_access_denied_key",
      "acl_access_denied_channel",
    ],
  ],
];

/** Values evalkit must agree on with any idle standalone server. */
const SAME_VALUES = new Set([
  "arch_bits",
  "maxmemory",
  "maxmemory_policy",
  "role",
  "connected_slaves",
  "cluster_enabled",
  "aof_enabled",
  "loading",
  "rdb_bgsave_in_progress",
  "master_repl_offset",
]);

/**
 * INFO: the same sections in the same order, each with Redis 7.0's fields plus Valkey 8's
 * additions (listed above) in Valkey's order, `redis_mode` renamed `server_mode`; the values of
 * fields every idle server agrees on; and whole sections that are deterministic (Keyspace,
 * Errorstats) exactly. Command statistics and latency percentiles are not kept by evalkit.
 */
const infoLike = custom("INFO as Valkey 8", (ours, theirs) => {
  const a = sections(ours), b = sections(theirs);
  if (a === undefined || b === undefined) return "not an INFO text";
  const heads = a.map((s) => s[0]).join(","), theirHeads = b.map((s) => s[0]).join(",");
  if (heads !== theirHeads) return `sections ${heads} vs ${theirHeads}`;
  for (let i = 0; i < a.length; i++) {
    const [head, names, values] = a[i];
    const [, theirNames, theirValues] = b[i];
    if (head === "Commandstats" || head === "Latencystats") continue;
    const expected = theirNames.map((n) => (n === "redis_mode" ? "server_mode" : n));
    for (const [sec, after, added] of VALKEY_FIELDS) {
      if (sec !== head) continue;
      const at = expected.indexOf(after);
      if (at >= 0) expected.splice(at + 1, 0, ...added);
    }
    if (names.join(",") !== expected.join(",")) {
      return `${head} fields\n  ${names.join(",")}\nexpected\n  ${expected.join(",")}`;
    }
    for (const [k, v] of values) {
      const exact = head === "Keyspace" || head === "Errorstats" || SAME_VALUES.has(k);
      if (exact && theirValues.get(k) !== v) return `${k}:${v} vs ${k}:${theirValues.get(k)}`;
    }
  }
  return undefined;
});

twin("INFO sections, field names and the deterministic values", [
  ["SET", "a", "1"],
  ["SET", "b", "2"],
  ["SELECT", "2"],
  ["SET", "c", "3"],
  ["GET"],
  ["NOSUCHCOMMAND"],
  ["HELLO", "9"],
  ["INFO", infoLike],
  ["INFO", "default", infoLike],
  ["INFO", "all", infoLike],
  ["INFO", "everything", infoLike],
  ["INFO", "keyspace"],
  ["INFO", "errorstats"],
  ["INFO", "KEYSPACE", "cluster"],
  ["INFO", "nosuchsection"],
  ["INFO", "server", "clients", infoLike],
  ["INFO", "memory", "persistence", "stats", "replication", "cpu", "modules", infoLike],
]);

twin("INFO in RESP3 is a verbatim string", [["INFO", "cluster"]], { resp: 3 });

twin("CONFIG RESETSTAT clears the error statistics", [
  ["GET"],
  ["INFO", "errorstats"],
  ["CONFIG", "RESETSTAT"],
  ["INFO", "errorstats"],
]);
