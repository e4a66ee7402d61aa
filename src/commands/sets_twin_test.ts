// Twin tests of the set commands against redis-server 7.0.15. Redis 7.0 has no listpack-encoded
// sets (Valkey 8 / Redis 7.2 added them): small sets of strings are hashtables there, so their
// OBJECT ENCODING is a listed Valkey difference and their member order is compared unordered.
// Intsets (ascending) are compared exactly.

import { bulk, error } from "../resp/reply.ts";
import { custom, twin, unordered, valkey } from "../testing/twin.ts";
import { fullScan, randomPick } from "./_collection_twin.ts";

const LISTPACK_DIFF =
  "Valkey 8 (Redis 7.2+) encodes small sets of strings as listpacks; Redis 7.0 uses hashtables";

const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

twin("SADD SREM SCARD SISMEMBER SMISMEMBER on integers", [
  ["SADD", "s", "3", "1", "2", "1"],
  ["SADD", "s", "2", "4"],
  ["SCARD", "s"],
  ["SMEMBERS", "s"],
  ["SISMEMBER", "s", "2"],
  ["SISMEMBER", "s", "9"],
  ["SISMEMBER", "nokey", "1"],
  ["SMISMEMBER", "s", "1", "9", "4", "1"],
  ["SMISMEMBER", "nokey", "a", "b"],
  ["SREM", "s", "1", "9", "1"],
  ["SREM", "nokey", "1"],
  ["SMEMBERS", "s"],
  ["SREM", "s", "2", "3", "4"],
  ["EXISTS", "s"],
  ["SCARD", "s"],
  ["SMEMBERS", "s"],
]);

twin("set commands on a key of another type, and arity errors", [
  ["SET", "str", "x"],
  ["SADD", "str", "a"],
  ["SREM", "str", "a"],
  ["SCARD", "str"],
  ["SISMEMBER", "str", "a"],
  ["SMISMEMBER", "str", "a"],
  ["SMEMBERS", "str"],
  ["SPOP", "str"],
  ["SPOP", "str", "2"],
  ["SRANDMEMBER", "str"],
  ["SRANDMEMBER", "str", "2"],
  ["SINTER", "str"],
  ["SUNION", "str"],
  ["SDIFF", "str"],
  ["SINTERCARD", "1", "str"],
  ["SMOVE", "str", "d", "a"],
  ["SSCAN", "str", "0"],
  ["SADD", "s"],
  ["SREM", "s"],
  ["SISMEMBER", "s"],
  ["SMISMEMBER", "s"],
  ["SMEMBERS"],
  ["SMEMBERS", "a", "b"],
  ["SCARD"],
  ["SMOVE", "a", "b"],
  ["SINTERSTORE", "d"],
  ["SINTERCARD", "1"],
  ["SSCAN", "s"],
]);

twin("set encodings: intset while integers fit, listpack for small string sets", [
  ["SADD", "s", "1", "2", "-3"],
  ["OBJECT", "ENCODING", "s"],
  ["SADD", "s", "x"],
  ["OBJECT", "ENCODING", "s", valkey(bulk("listpack"))],
  ["SMEMBERS", "s", unordered()],
  ["SADD", "t", "a", "b"],
  ["OBJECT", "ENCODING", "t", valkey(bulk("listpack"))],
  ["SADD", "u", "9223372036854775807", "-9223372036854775808"],
  ["OBJECT", "ENCODING", "u"],
  ["SMEMBERS", "u"],
  ["SADD", "u", "9223372036854775808"],
  ["OBJECT", "ENCODING", "u", valkey(bulk("listpack"))],
  ["SADD", "v", "01", "+1", "1.0", " 1"],
  ["OBJECT", "ENCODING", "v", valkey(bulk("listpack"))],
], { valkeyDiff: LISTPACK_DIFF });

twin("set encodings: hashtable past the limits", [
  ["SADD", "big", ...many("", 513)],
  ["OBJECT", "ENCODING", "big"],
  ["SCARD", "big"],
  ["SADD", "ints", ...many("", 512)],
  ["OBJECT", "ENCODING", "ints"],
  ["SADD", "ints", "512"],
  ["OBJECT", "ENCODING", "ints"],
  ["SADD", "strs", ...many("m", 129)],
  ["OBJECT", "ENCODING", "strs"],
  ["SADD", "long", "x".repeat(65)],
  ["OBJECT", "ENCODING", "long"],
  ["SADD", "dups", "a", "a", "a"],
  ["SCARD", "dups"],
]);

twin("SMEMBERS and set replies in RESP3", [
  ["SADD", "s", "5", "3"],
  ["SMEMBERS", "s"],
  ["SMEMBERS", "nokey"],
  ["SINTER", "s", "nokey"],
  ["SUNION", "s", "nokey"],
  ["SDIFF", "s"],
  ["SPOP", "s", "0"],
  ["SPOP", "nokey", "3"],
  ["SPOP", "s", "5"],
  ["SMISMEMBER", "s", "5"],
], { resp: 3 });

twin("SPOP without count, with count and its errors", [
  ["SADD", "one", "only"],
  ["SPOP", "one"],
  ["EXISTS", "one"],
  ["SPOP", "one"],
  ["SADD", "s", "1", "2", "3"],
  ["SPOP", "s", "-1"],
  ["SPOP", "s", "x"],
  ["SPOP", "s", "1", "2"],
  ["SPOP", "s", "0"],
  ["SCARD", "s"],
  ["SPOP", "s", "2", randomPick(["1", "2", "3"])],
  ["SCARD", "s"],
  ["SADD", "s", "4", "5", "6"],
  ["SPOP", "s", "100", randomPick(["1", "2", "3", "4", "5", "6"])],
  ["EXISTS", "s"],
  ["SADD", "t", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"],
  ["SPOP", "t", "9", randomPick(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"])],
  ["SCARD", "t"],
  [
    "SPOP",
    "t",
    custom(
      "one of a…j",
      (ours, theirs) =>
        ours.type === "bulk" && theirs.type === "bulk" && /^[a-j]$/.test(ours.value)
          ? undefined
          : "not a member",
    ),
  ],
]);

twin("SPOP with a count on an intset replies the whole set in ascending order", [
  ["SADD", "s", "30", "10", "20"],
  ["SPOP", "s", "3"],
  ["SADD", "s", "30", "10", "20"],
  ["SPOP", "s", "10"],
  ["EXISTS", "s"],
]);

twin("SRANDMEMBER with and without count", [
  ["SRANDMEMBER", "nokey"],
  ["SRANDMEMBER", "nokey", "3"],
  ["SRANDMEMBER", "nokey", "-3"],
  ["SADD", "s", "7"],
  ["SRANDMEMBER", "s"],
  ["SRANDMEMBER", "s", "-3"],
  ["SADD", "s", "1", "5"],
  ["SRANDMEMBER", "s", "0"],
  ["SRANDMEMBER", "s", "3"],
  ["SRANDMEMBER", "s", "50"],
  ["SRANDMEMBER", "s", "2", randomPick(["1", "5", "7"])],
  ["SRANDMEMBER", "s", "-5", randomPick(["1", "5", "7"], { distinct: false })],
  ["SRANDMEMBER", "s", "1", randomPick(["1", "5", "7"])],
  ["SRANDMEMBER", "s", "x"],
  ["SRANDMEMBER", "s", "1", "2"],
  ["SRANDMEMBER", "s", "-9223372036854775808"],
  ["SRANDMEMBER", "s", "9223372036854775808"],
  ["SCARD", "s"],
  ["SADD", "t", "a", "b", "c"],
  ["SRANDMEMBER", "t", "10", unordered()],
  ["SRANDMEMBER", "t", "2", randomPick(["a", "b", "c"])],
]);

twin("SRANDMEMBER on a hashtable set", [
  ["SADD", "h", ...many("m", 200)],
  ["SRANDMEMBER", "h", "10", randomPick(many("m", 200))],
  ["SRANDMEMBER", "h", "150", randomPick(many("m", 200))],
  ["SRANDMEMBER", "h", "-20", randomPick(many("m", 200), { distinct: false })],
  ["SRANDMEMBER", "h", "300", unordered()],
  ["SPOP", "h", "10", randomPick(many("m", 200))],
  ["SPOP", "h", "180", randomPick(many("m", 200))],
  ["SCARD", "h"],
]);

twin("SINTER SUNION SDIFF on intsets keep ascending order", [
  ["SADD", "a", "5", "1", "3", "9"],
  ["SADD", "b", "3", "9", "7"],
  ["SADD", "c", "9", "3", "1", "100"],
  ["SINTER", "a", "b"],
  ["SINTER", "a", "b", "c"],
  ["SINTER", "a", "a"],
  ["SINTER", "a", "nokey"],
  ["SUNION", "a", "b", "nokey", "c"],
  ["SDIFF", "a", "b"],
  ["SDIFF", "a", "b", "c"],
  ["SDIFF", "a", "a"],
  ["SDIFF", "nokey", "a"],
  ["SDIFF", "a", "nokey"],
  ["SDIFF", "c", "a"],
  ["SINTERCARD", "2", "a", "b"],
  ["SINTERCARD", "3", "a", "b", "c", "LIMIT", "1"],
  ["SINTERCARD", "2", "a", "c", "limit", "0"],
  ["SINTERCARD", "2", "a", "nokey"],
]);

twin("SINTER SUNION SDIFF on strings and mixed sets", [
  ["SADD", "a", "x", "y", "z", "1"],
  ["SADD", "b", "y", "1", "w"],
  ["SADD", "n", "1", "2"],
  ["SINTER", "a", "b", unordered()],
  ["SINTER", "n", "a", unordered()],
  ["SUNION", "a", "b", "n", unordered()],
  ["SDIFF", "a", "b", unordered()],
  ["SDIFF", "b", "n", unordered()],
  ["SDIFF", "n", "a", unordered()],
]);

twin("SINTERCARD argument errors", [
  ["SADD", "a", "1"],
  ["SINTERCARD", "0", "a"],
  ["SINTERCARD", "-1", "a"],
  ["SINTERCARD", "x", "a"],
  ["SINTERCARD", "2", "a"],
  ["SINTERCARD", "1", "a", "LIMIT"],
  ["SINTERCARD", "1", "a", "LIMIT", "-1"],
  ["SINTERCARD", "1", "a", "LIMIT", "x"],
  ["SINTERCARD", "1", "a", "FOO", "1"],
  ["SINTERCARD", "1", "a", "LIMIT", "1", "LIMIT", "2"],
  ["SINTERCARD", "9223372036854775808", "a"],
]);

twin("SINTERSTORE SUNIONSTORE SDIFFSTORE store, replace, or delete the destination", [
  ["SADD", "a", "1", "2", "3"],
  ["SADD", "b", "2", "3", "4"],
  ["SINTERSTORE", "d", "a", "b"],
  ["SMEMBERS", "d"],
  ["OBJECT", "ENCODING", "d"],
  ["SUNIONSTORE", "d", "a", "b"],
  ["SMEMBERS", "d"],
  ["SDIFFSTORE", "d", "a", "b"],
  ["SMEMBERS", "d"],
  ["SET", "str", "v"],
  ["EXPIRE", "str", "100"],
  ["SUNIONSTORE", "str", "a"],
  ["TYPE", "str"],
  ["TTL", "str"],
  ["SINTERSTORE", "str", "a", "nokey"],
  ["EXISTS", "str"],
  ["SDIFFSTORE", "d", "a", "a"],
  ["EXISTS", "d"],
  ["SUNIONSTORE", "d", "nokey"],
  ["EXISTS", "d"],
  ["SINTERSTORE", "a", "a", "b"],
  ["SMEMBERS", "a"],
  ["SET", "str", "v"],
  ["SINTERSTORE", "d", "a", "str"],
  ["SUNIONSTORE", "d", "str"],
  ["SDIFFSTORE", "d", "str"],
  ["SDIFFSTORE", "d", "nokey", "str"],
  ["SINTERSTORE", "d", "nokey", "str"],
]);

twin("STORE results: intset when every member is an integer", [
  ["SADD", "a", "x", "1", "2", "3"],
  ["SADD", "b", "y", "3", "2", "1"],
  ["SINTERSTORE", "d", "a", "b"],
  ["OBJECT", "ENCODING", "d"],
  ["SMEMBERS", "d"],
  ["SDIFFSTORE", "e", "a", "b"],
  ["OBJECT", "ENCODING", "e", valkey(bulk("listpack"))],
  ["SADD", "c", "5", "6", "z"],
  ["SUNIONSTORE", "f", "c", "b"],
  ["OBJECT", "ENCODING", "f", valkey(bulk("listpack"))],
  ["SREM", "c", "z"],
  ["SUNIONSTORE", "g", "c"],
  ["OBJECT", "ENCODING", "g"],
  ["SMEMBERS", "g"],
], { valkeyDiff: LISTPACK_DIFF });

twin("SMOVE between sets", [
  ["SADD", "src", "1", "2", "3"],
  ["SMOVE", "src", "dst", "2"],
  ["SMEMBERS", "src"],
  ["SMEMBERS", "dst"],
  ["SMOVE", "src", "dst", "9"],
  ["SMOVE", "nokey", "dst", "1"],
  ["SADD", "dst", "1"],
  ["SMOVE", "src", "dst", "1"],
  ["SMEMBERS", "dst"],
  ["SMOVE", "src", "src", "3"],
  ["SMOVE", "src", "src", "9"],
  ["SMOVE", "src", "dst", "3"],
  ["EXISTS", "src"],
  ["SMEMBERS", "dst"],
  ["SET", "str", "v"],
  ["SMOVE", "dst", "str", "1"],
  ["SMOVE", "str", "dst", "1"],
  ["SMOVE", "nokey", "str", "1"],
  ["SMEMBERS", "dst"],
  ["SMOVE", "dst", "new", "abc"],
  ["SMOVE", "dst", "new", "1"],
  ["TYPE", "new"],
]);

twin("SSCAN on compact sets returns everything at once", [
  ["SADD", "s", "10", "2", "33"],
  ["SSCAN", "s", "0"],
  ["SSCAN", "s", "0", "MATCH", "3*"],
  ["SSCAN", "s", "0", "COUNT", "1"],
  ["SSCAN", "s", "0", "match", "*", "count", "100"],
  ["SSCAN", "s", "0", "COUNT", "0"],
  ["SSCAN", "s", "0", "COUNT", "x"],
  ["SSCAN", "s", "0", "COUNT"],
  ["SSCAN", "s", "0", "TYPE", "set"],
  ["SSCAN", "s", "x"],
  ["SSCAN", "nokey", "0"],
  ["SSCAN", "nokey", "0", "COUNT", "0"],
  ["SSCAN", "nokey", "x"],
  ["SADD", "t", "apple", "banana", "avocado"],
  ["SSCAN", "t", "0", fullScan()],
  ["SSCAN", "t", "0", "MATCH", "a*", fullScan()],
]);

twin("SSCAN options and cursors Valkey 8 reads differently", [
  ["SADD", "s", "1"],
  ["SSCAN", "s", "0", "NOVALUES", valkey(error("ERR NOVALUES option can only be used in HSCAN"))],
  ["SSCAN", "s", "0", "NOSCORES", valkey(error("ERR NOSCORES option can only be used in ZSCAN"))],
  ["SSCAN", "s", "-1", valkey(error("ERR invalid cursor"))],
], {
  valkeyDiff:
    "Valkey 8 knows NOVALUES (HSCAN) and NOSCORES (ZSCAN) and refuses negative cursors (string2ull)",
});

twin("SSCAN on a hashtable set with a large COUNT", [
  ["SADD", "h", ...many("k", 300)],
  ["SSCAN", "h", "0", "COUNT", "10000", fullScan()],
  ["SSCAN", "h", "0", "COUNT", "10000", "MATCH", "k1*", fullScan()],
]);

twin("SMISMEMBER and SISMEMBER reply integers in RESP3", [
  ["SADD", "s", "a"],
  ["SMISMEMBER", "s", "a", "b"],
  ["SISMEMBER", "s", "a"],
  ["SCARD", "s"],
], { resp: 3 });

twin("sets inside MULTI and from scripts", [
  ["MULTI"],
  ["SADD", "s", "1", "2"],
  ["SPOP", "s", "5"],
  ["SCARD", "s"],
  ["EXEC"],
  [
    "EVAL",
    "redis.call('sadd', KEYS[1], 'b', 'a'); return redis.call('sinter', KEYS[1])",
    "1",
    "s",
    unordered(),
  ],
  ["EVAL", "return redis.call('smismember', KEYS[1], 'a', 'z')", "1", "s"],
  ["EVAL", "return redis.call('spop', KEYS[1], 0)", "1", "s"],
]);
