// Twin tests of the hash commands against redis-server 7.0.15. Small hashes are listpacks in both
// (same field order); hashtable-encoded ones iterate in a different order, so their whole-hash
// replies are compared unordered. Where Valkey 8 differs from Redis 7.0 the step says so.

import { array, bulk, error, type Reply } from "../resp/reply.ts";
import { custom, on, twin, unordered, valkey } from "../testing/twin.ts";

const WRONGTYPE = ["SET", "s", "str"];

/** `HSET big f0 v0 … f(n-1) v(n-1)` */
function bigHash(key: string, n: number, prefix = "f"): string[] {
  const argv = ["HSET", key];
  for (let i = 0; i < n; i++) argv.push(`${prefix}${i}`, `v${i}`);
  return argv;
}

twin("HSET HGET HMGET HSETNX HMSET", [
  ["HSET", "h", "f1", "v1", "f2", "v2"],
  ["HSET", "h", "f1", "x", "f3", "v3"],
  ["HGET", "h", "f1"],
  ["HGET", "h", "nofield"],
  ["HGET", "nokey", "f1"],
  ["HMGET", "h", "f1", "nofield", "f3"],
  ["HMGET", "nokey", "a", "b"],
  ["HSETNX", "h", "f1", "y"],
  ["HSETNX", "h", "f4", "v4"],
  ["HSETNX", "new", "f", "v"],
  ["HGETALL", "new"],
  ["HMSET", "h", "f5", "v5", "f1", "z"],
  ["HGETALL", "h"],
  ["HSET", "h", "f1"],
  ["HSET", "h", "f1", "v", "f2"],
  ["HMSET", "h", "f1"],
  ["HMSET", "h", "a", "b", "c"],
  ["HSET", "bin", "\x00\xff", "\r\n", "", ""],
  ["HGETALL", "bin"],
  ["HSET", "h", "f1", "a", "f1", "b"],
  ["HGET", "h", "f1"],
  WRONGTYPE,
  ["HSET", "s", "f", "v"],
  ["HGET", "s", "f"],
  ["HMGET", "s", "f"],
  ["HSETNX", "s", "f", "v"],
  ["HMSET", "s", "f", "v"],
]);

twin("HDEL HEXISTS HLEN HSTRLEN", [
  ["HSET", "h", "a", "1", "b", "22", "c", "333", "n", "-12345"],
  ["HLEN", "h"],
  ["HEXISTS", "h", "a"],
  ["HEXISTS", "h", "z"],
  ["HSTRLEN", "h", "c"],
  ["HSTRLEN", "h", "n"],
  ["HSTRLEN", "h", "z"],
  ["HDEL", "h", "a", "z", "a"],
  ["HDEL", "h", "b", "c"],
  ["HLEN", "h"],
  ["HDEL", "h", "n", "other"],
  ["EXISTS", "h"],
  ["HDEL", "nokey", "a"],
  ["HLEN", "nokey"],
  ["HEXISTS", "nokey", "a"],
  ["HSTRLEN", "nokey", "a"],
  WRONGTYPE,
  ["HDEL", "s", "a"],
  ["HLEN", "s"],
  ["HEXISTS", "s", "a"],
  ["HSTRLEN", "s", "a"],
]);

twin("HKEYS HVALS HGETALL", [
  ["HSET", "h", "b", "2", "a", "1", "c", "3"],
  ["HKEYS", "h"],
  ["HVALS", "h"],
  ["HGETALL", "h"],
  ["HDEL", "h", "b"],
  ["HSET", "h", "b", "again"],
  ["HGETALL", "h"],
  ["HKEYS", "nokey"],
  ["HVALS", "nokey"],
  ["HGETALL", "nokey"],
  WRONGTYPE,
  ["HKEYS", "s"],
  ["HVALS", "s"],
  ["HGETALL", "s"],
]);

twin("HGETALL is a map in RESP3", [
  ["HSET", "h", "b", "2", "a", "1"],
  ["HGETALL", "h"],
  ["HGETALL", "nokey"],
  ["HKEYS", "nokey"],
], { resp: 3 });

twin("whole-hash replies of hashtable-encoded hashes", [
  bigHash("big", 600),
  ["HLEN", "big"],
  ["HKEYS", "big", unordered()],
  ["HVALS", "big", unordered()],
  ["HGETALL", "big", pairsUnordered()],
  ["HSET", "long", "f", "v".repeat(100)],
  ["HGETALL", "long"],
]);

twin("HINCRBY", [
  ["HINCRBY", "h", "f", "5"],
  ["HINCRBY", "h", "f", "-7"],
  ["HGET", "h", "f"],
  ["HINCRBY", "new", "f", "0"],
  ["HGETALL", "new"],
  ["HSET", "h", "str", "abc", "sp", " 1", "big", "9223372036854775807", "flt", "1.5"],
  ["HINCRBY", "h", "str", "1"],
  ["HINCRBY", "h", "sp", "1"],
  ["HINCRBY", "h", "flt", "1"],
  ["HINCRBY", "h", "big", "1"],
  ["HINCRBY", "h", "big", "-1"],
  ["HINCRBY", "h", "big", "-9223372036854775807"],
  ["HINCRBY", "h", "big", "-9223372036854775808"],
  ["HINCRBY", "h", "big", "-2"],
  ["HINCRBY", "h", "big", "-1"],
  ["HINCRBY", "h", "f", "x"],
  ["HINCRBY", "h", "f", "1.5"],
  ["HINCRBY", "h", "f", "9223372036854775808"],
  ["HINCRBY", "nokey", "f", "x"],
  ["EXISTS", "nokey"],
  WRONGTYPE,
  ["HINCRBY", "s", "f", "1"],
  ["HINCRBY", "s", "f", "x"],
]);

twin("HINCRBYFLOAT", [
  ["HINCRBYFLOAT", "h", "f", "10.5"],
  ["HINCRBYFLOAT", "h", "f", "0.1"],
  ["HINCRBYFLOAT", "h", "f", "-5"],
  ["HINCRBYFLOAT", "h", "f", "1e3"],
  ["HINCRBYFLOAT", "h", "f", "-1010.6"],
  ["HINCRBYFLOAT", "h", "g", "3.0e-2"],
  ["HINCRBYFLOAT", "h", "g", "0x10"],
  ["HSET", "h", "i", "7", "str", "abc", "sp", " 1"],
  ["HINCRBYFLOAT", "h", "i", "0.25"],
  ["HINCRBYFLOAT", "h", "str", "1"],
  ["HINCRBYFLOAT", "h", "sp", "1"],
  ["HINCRBYFLOAT", "h", "f", "x"],
  ["HINCRBYFLOAT", "h", "f", "inf"],
  ["HINCRBYFLOAT", "h", "f", "-inf"],
  ["HINCRBYFLOAT", "h", "f", "nan"],
  ["HINCRBYFLOAT", "h", "f", "1e5000"],
  ["HINCRBYFLOAT", "h", "f", "1e4000"],
  ["HINCRBYFLOAT", "h", "f", "1e4000"],
  ["HSET", "h", "e", "1e308"],
  ["HINCRBYFLOAT", "h", "e", "1e308"],
  ["HGET", "h", "e"],
  ["HINCRBYFLOAT", "nokey", "f", "x"],
  ["HINCRBYFLOAT", "nokey", "f", "inf"],
  ["EXISTS", "nokey"],
  ["HGETALL", "h", pairsUnordered()],
  ["OBJECT", "ENCODING", "h"],
  WRONGTYPE,
  ["HINCRBYFLOAT", "s", "f", "1"],
  ["HINCRBYFLOAT", "s", "f", "inf"],
]);

twin("HRANDFIELD without and with a count", [
  ["HSET", "h", "a", "1"],
  ["HRANDFIELD", "h"],
  ["HRANDFIELD", "h", "1"],
  ["HRANDFIELD", "h", "-3"],
  ["HRANDFIELD", "h", "-2", "WITHVALUES"],
  ["HRANDFIELD", "h", "5", "withvalues"],
  ["HRANDFIELD", "h", "0"],
  ["HRANDFIELD", "h", "0", "WITHVALUES"],
  ["HRANDFIELD", "nokey"],
  ["HRANDFIELD", "nokey", "3"],
  ["HRANDFIELD", "nokey", "3", "WITHVALUES"],
  ["HSET", "h", "b", "2", "c", "3"],
  ["HRANDFIELD", "h", "3", unordered()],
  ["HRANDFIELD", "h", "10", unordered()],
  ["HRANDFIELD", "h", "-5", lengthIs(5)],
  ["HRANDFIELD", "h", "-5", "WITHVALUES", lengthIs(10)],
  ["HRANDFIELD", "h", "2", lengthIs(2)],
  ["HRANDFIELD", "h", "x"],
  ["HRANDFIELD", "h", "1", "FOO"],
  ["HRANDFIELD", "h", "1", "WITHVALUES", "x"],
  ["HRANDFIELD", "h", "-9223372036854775808"],
  ["HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"],
  ["HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"],
  ["HRANDFIELD", "nokey", "x"],
  ["HRANDFIELD", "nokey", "1", "FOO"],
  WRONGTYPE,
  ["HRANDFIELD", "s"],
  ["HRANDFIELD", "s", "1"],
  ["HRANDFIELD", "s", "x"],
]);

twin("HRANDFIELD WITHVALUES in RESP3 is an array of pairs", [
  ["HSET", "h", "a", "1"],
  ["HRANDFIELD", "h", "-2", "WITHVALUES"],
  ["HRANDFIELD", "h", "1", "WITHVALUES"],
  ["HRANDFIELD", "h", "3", "WITHVALUES"],
  ["HRANDFIELD", "h", "-2"],
], { resp: 3 });

twin("HSCAN of a listpack hash: everything at once", [
  ["HSET", "h", "a", "1", "b", "2", "ab", "3", "n", "4"],
  ["HSCAN", "h", "0"],
  ["HSCAN", "h", "0", "MATCH", "a*"],
  ["HSCAN", "h", "0", "COUNT", "1"],
  ["HSCAN", "h", "0", "NOVALUES", valkey(scanReply("0", ["a", "b", "ab", "n"]))],
  [
    "HSCAN",
    "h",
    "0",
    "MATCH",
    "a*",
    "NOVALUES",
    "COUNT",
    "2",
    valkey(scanReply("0", ["a", "ab"])),
  ],
  ["HSCAN", "h", "0", "MATCH", "*"],
  ["HSCAN", "nokey", "0"],
  ["HSCAN", "nokey", "0", "COUNT", "0"],
  ["HSCAN", "nokey", "x"],
  ["HSCAN", "h", "x"],
  ["HSCAN", "h", "-1", valkey(error("ERR invalid cursor"))],
  ["HSCAN", "h", "0", "COUNT", "0"],
  ["HSCAN", "h", "0", "COUNT", "x"],
  ["HSCAN", "h", "0", "COUNT"],
  ["HSCAN", "h", "0", "MATCH"],
  ["HSCAN", "h", "0", "TYPE", "string"],
  ["HSCAN", "h", "0", "FOO"],
  ["HSCAN", "h", "0", "NOSCORES", valkey(error("ERR NOSCORES option can only be used in ZSCAN"))],
  WRONGTYPE,
  ["HSCAN", "s", "0"],
  ["HSCAN", "s", "0", "FOO"],
  ["HSCAN", "s", "x"],
], {
  valkeyDiff: "HSCAN … NOVALUES (and ZSCAN's NOSCORES, refused here by name) are new in " +
    "Valkey 8 (redis #12765; Redis 7.0: syntax error); " +
    "Valkey 8 parses cursors with string2ull, which refuses negative ones",
});

twin("HSCAN of a hashtable hash returns every field over the iteration", [
  bigHash("big", 700),
  ["HSCAN", "big", "0", "COUNT", "100", fullScan()],
]);

twin("hash encodings: listpack until 512 fields or a 64-byte value", [
  bigHash("h", 512),
  ["OBJECT", "ENCODING", "h"],
  ["HSET", "h", "one-more", "v"],
  ["OBJECT", "ENCODING", "h"],
  ["HDEL", "h", "one-more", "f0", "f1"],
  ["OBJECT", "ENCODING", "h"],
  ["HSET", "v", "f", "x".repeat(64)],
  ["OBJECT", "ENCODING", "v"],
  ["HSET", "v", "g", "x".repeat(65)],
  ["OBJECT", "ENCODING", "v"],
  ["HSET", "k", "y".repeat(65), "1"],
  ["OBJECT", "ENCODING", "k"],
  ["HSET", "i", "f", "1"],
  ["HINCRBYFLOAT", "i", "f", "1e60"],
  ["OBJECT", "ENCODING", "i"],
  ["HSETNX", "n", "f", "z".repeat(100)],
  ["OBJECT", "ENCODING", "n"],
  ["HSET", "new", "a", "1"],
  ["OBJECT", "ENCODING", "new"],
]);

// ---- comparators ----

/** An HSCAN-shaped reply: [cursor, [items…]]. */
function scanReply(cursor: string, items: string[]): Reply {
  return array([bulk(cursor), array(items.map(bulk))]);
}

/** Same number of elements (random picks). */
function lengthIs(n: number) {
  return custom(`length ${n}`, (ours, theirs) => {
    const len = (r: Reply) => (r.type === "array" ? r.value.length : -1);
    if (len(ours) === n && len(theirs) === n) return undefined;
    return `lengths ${len(ours)} (evalkit) and ${len(theirs)}, want ${n}`;
  });
}

/** HGETALL of a hashtable: the same field/value pairs in any order. */
function pairsUnordered() {
  return custom("pairs unordered", (ours, theirs) => {
    const pairs = (r: Reply): string[] => {
      if (r.type !== "array") return [];
      const out: string[] = [];
      for (let i = 0; i + 1 < r.value.length; i += 2) {
        const f = r.value[i], v = r.value[i + 1];
        if (f.type === "bulk" && v.type === "bulk") out.push(`${f.value}=${v.value}`);
      }
      return out.sort();
    };
    const a = pairs(ours), b = pairs(theirs);
    if (a.length === b.length && a.every((x, i) => x === b[i])) return undefined;
    return `${a.length} pairs (evalkit) vs ${b.length}, or different pairs`;
  });
}

/**
 * A first HSCAN step of a hashtable: cursors differ (each server's own), so only the shape is
 * compared here; the full iteration is checked in hashes_test.ts.
 */
function fullScan() {
  return custom("scan step shape", (ours, theirs) => {
    const ok = (r: Reply) =>
      r.type === "array" && r.value.length === 2 && r.value[0].type === "bulk" &&
      r.value[0].value !== "0" && r.value[1].type === "array" && r.value[1].value.length >= 2;
    return ok(ours) && ok(theirs) ? undefined : "not a partial scan step";
  });
}

twin("hash writes: no-ops leave WATCHed keys clean, changes dirty them", [
  ["HSET", "h", "a", "1"],
  ["WATCH", "h"],
  on("other", ["HDEL", "h", "zz"]),
  on("other", ["HSETNX", "h", "a", "2"]),
  on("other", ["HINCRBY", "h", "a", "x"]),
  ["MULTI"],
  ["HLEN", "h"],
  ["EXEC"],
  ["WATCH", "h"],
  on("other", ["HSET", "h", "a", "1"]),
  ["MULTI"],
  ["HLEN", "h"],
  ["EXEC"],
  ["WATCH", "h"],
  on("other", ["HINCRBYFLOAT", "h", "a", "0"]),
  ["MULTI"],
  ["HLEN", "h"],
  ["EXEC"],
]);

twin("hashes through the generic key commands", [
  ["HSET", "h", "a", "1", "b", "2"],
  ["TYPE", "h"],
  ["COPY", "h", "c"],
  ["HSET", "c", "z", "9"],
  ["HGETALL", "h"],
  ["HGETALL", "c"],
  ["RENAME", "c", "r"],
  ["HGETALL", "r"],
  ["OBJECT", "ENCODING", "r"],
  ["EXPIRE", "h", "100"],
  ["HSET", "h", "c", "3"],
  ["TTL", "h"],
  ["HDEL", "h", "a", "b", "c"],
  ["TTL", "h"],
]);
