// Twin tests of MEMORY against redis-server 7.0.15: what Redis 7.0 and Valkey 8 share (the shape
// of MEMORY STATS, USAGE's nil and errors, DOCTOR on an empty instance, PURGE). Byte counts are
// evalkit's estimates, so only their types are compared. Valkey 8 adds four MEMORY STATS fields
// (VALKEY_ONLY_STATS) and its `db.N` maps lost Redis 7.0's `overhead.hashtable.slot-to-keys`
// (the kvstore rewrite keeps one table per slot); Debian's redis uses jemalloc, so MALLOC-STATS
// is not compared.

import { array, type Reply, status } from "../resp/reply.ts";
import { formatReply } from "../testing/compare.ts";
import { custom, sameType, twin, valkey } from "../testing/twin.ts";

/** MEMORY STATS fields Valkey 8 has and Redis 7.0 has not (kvstore and allocator stats). */
const VALKEY_ONLY_STATS = new Set([
  "overhead.db.hashtable.lut",
  "overhead.db.hashtable.rehashing",
  "db.dict.rehashing.count",
  "allocator.muzzy",
]);

/** [name, value] pairs of a MEMORY STATS reply, RESP2 (flat) or RESP3 (map). */
function pairs(r: Reply): [string, Reply][] | undefined {
  if (r.type === "map") return r.value.map(([k, v]) => [(k as { value: string }).value, v]);
  if (r.type !== "array") return undefined;
  const out: [string, Reply][] = [];
  for (let i = 0; i + 1 < r.value.length; i += 2) {
    out.push([(r.value[i] as { value: string }).value, r.value[i + 1]]);
  }
  return out;
}

/** Redis 7.0's `db.N` entry Valkey 8 no longer has. */
const REDIS_ONLY_DB_STAT = "overhead.hashtable.slot-to-keys";

/** A value's shape: its type, and for `db.N` the names and types inside. */
function shape(v: Reply): string {
  const inner = v.type === "map" || v.type === "array" ? pairs(v) : undefined;
  return inner === undefined
    ? v.type
    : `${v.type}{${
      inner.filter(([k]) => k !== REDIS_ONLY_DB_STAT).map(([k, x]) => `${k}:${x.type}`).join(",")
    }}`;
}

/** Same fields in the same order with the same value types, Valkey's additions aside. */
const statsShape = custom("MEMORY STATS shape (Valkey 8's extra fields aside)", (ours, theirs) => {
  const o = pairs(ours), t = pairs(theirs);
  if (o === undefined || t === undefined) {
    return `not a map: ${formatReply(ours)} / ${formatReply(theirs)}`;
  }
  const extra = o.filter(([k]) => VALKEY_ONLY_STATS.has(k)).map(([k]) => k);
  if (extra.length !== VALKEY_ONLY_STATS.size) return `Valkey 8's fields missing: ${extra}`;
  const a = o.filter(([k]) => !VALKEY_ONLY_STATS.has(k)).map(([k, v]) => `${k}=${shape(v)}`);
  const b = t.map(([k, v]) => `${k}=${shape(v)}`);
  return JSON.stringify(a) === JSON.stringify(b)
    ? undefined
    : `evalkit\n  ${a.join(" ")}\nredis\n  ${b.join(" ")}`;
});

const ourHelp = array([
  "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "DOCTOR",
  "    Return memory problems reports.",
  "MALLOC-STATS",
  "    Return internal statistics report from the memory allocator.",
  "PURGE",
  "    Attempt to purge dirty pages for reclamation by the allocator.",
  "STATS",
  "    Return information about the memory usage of the server.",
  "USAGE <key> [SAMPLES <count>]",
  "    Return memory in bytes used by <key> and its value. Nested values are",
  "    sampled up to <count> times (default: 5, 0 means sample all).",
  "HELP",
  "    Print this help.",
].map(status));

twin("MEMORY USAGE: nil for a missing key, an integer for a key, errors", [
  ["MEMORY", "USAGE", "nokey"],
  ["SET", "k", "hello"],
  ["MEMORY", "USAGE", "k", sameType()],
  ["MEMORY", "USAGE", "k", "SAMPLES", "0", sameType()],
  ["MEMORY", "USAGE", "k", "samples", "3", "SAMPLES", "9", sameType()],
  ["MEMORY", "USAGE", "nokey", "SAMPLES", "-1"],
  ["MEMORY", "USAGE", "k", "SAMPLES", "x"],
  ["MEMORY", "USAGE", "k", "SAMPLES"],
  ["MEMORY", "USAGE", "k", "FOO", "1"],
  ["MEMORY", "USAGE"],
  ["MEMORY"],
  ["MEMORY", "NOSUCH"],
  ["MEMORY", "STATS", "extra"],
  ["memory", "doctor", "extra"],
]);

twin("MEMORY USAGE in RESP3: a null for a missing key", [["MEMORY", "USAGE", "nokey"]], {
  resp: 3,
});

twin("MEMORY STATS: the same fields and value types (RESP2), with and without keys", [
  ["MEMORY", "STATS", statsShape],
  ["SET", "a", "1"],
  ["SET", "b", "2", "EX", "100"],
  ["SELECT", "2"],
  ["SET", "c", "3"],
  ["MEMORY", "STATS", statsShape],
]);

twin("MEMORY STATS in RESP3 is a map, db.N a nested map", [
  ["SET", "a", "1"],
  ["MEMORY", "STATS", statsShape],
], { resp: 3 });

twin("MEMORY DOCTOR on an empty instance, and PURGE", [
  ["MEMORY", "DOCTOR"],
  ["MEMORY", "PURGE"],
]);

twin("MEMORY DOCTOR in RESP3 is a verbatim string", [["MEMORY", "DOCTOR"]], { resp: 3 });

twin("MEMORY HELP", [["MEMORY", "HELP", valkey(ourHelp)]], {
  valkeyDiff: "Valkey's addReplyHelp says 'Print this help.' (Redis 7.0: 'Prints')",
});
