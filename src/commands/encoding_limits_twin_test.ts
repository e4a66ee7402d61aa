// Twin tests of the encoding limits set with CONFIG SET (issue #3), against redis-server 7.0.15:
// the limits apply to the next command that touches a key, conversions to hashtable / skiplist
// are one-way, and the `*-ziplist-*` aliases name the same settings. Redis 7.0 has no listpack
// lists or sets and no `set-max-listpack-*` parameters: those steps carry Valkey's reply.

import { array, bulk, bulkArray, status } from "../resp/reply.ts";
import { twin, unordered, valkey } from "../testing/twin.ts";

twin("zset-max-listpack-entries / -value: ZADD converts to skiplist past the limits", [
  ["CONFIG", "SET", "zset-max-listpack-entries", "2"],
  ["CONFIG", "GET", "zset-max-listpack-entries"],
  ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
  ["OBJECT", "ENCODING", "z"],
  ["ZADD", "small", "1", "a", "2", "b"],
  ["OBJECT", "ENCODING", "small"],
  ["ZADD", "small", "3", "c"],
  ["OBJECT", "ENCODING", "small"],
  // Raising the limit again does not convert back (ZREM never does).
  ["CONFIG", "SET", "zset-max-listpack-entries", "128"],
  ["ZREM", "small", "c", "b"],
  ["OBJECT", "ENCODING", "small"],
  // A stored result is created for its size.
  ["ZUNIONSTORE", "dst", "1", "z"],
  ["OBJECT", "ENCODING", "dst"],
  ["CONFIG", "SET", "zset-max-listpack-value", "3"],
  ["ZADD", "long", "1", "abc"],
  ["OBJECT", "ENCODING", "long"],
  ["ZADD", "long", "2", "abcd"],
  ["OBJECT", "ENCODING", "long"],
  ["ZRANGE", "long", "0", "-1", "WITHSCORES"],
  ["CONFIG", "SET", "zset-max-listpack-value", "1kb"],
  ["CONFIG", "GET", "zset-max-listpack-value"],
]);

twin("zset-max-ziplist-entries is an alias of zset-max-listpack-entries", [
  ["CONFIG", "SET", "zset-max-ziplist-entries", "1"],
  ["CONFIG", "GET", "zset-max-listpack-entries"],
  ["ZADD", "z", "1", "a"],
  ["OBJECT", "ENCODING", "z"],
  ["ZADD", "z", "2", "b"],
  ["OBJECT", "ENCODING", "z"],
  ["CONFIG", "SET", "zset-max-ziplist-entries", "-1"],
  ["CONFIG", "SET", "zset-max-ziplist-entries", "x"],
  ["CONFIG", "GET", "zset-max-ziplist-entries"],
]);

twin("hash-max-listpack-entries / -value: HSET converts to hashtable, never back", [
  ["CONFIG", "GET", "hash-max-listpack-entries"],
  ["CONFIG", "SET", "hash-max-listpack-entries", "2"],
  ["HSET", "h", "a", "1", "b", "2"],
  ["OBJECT", "ENCODING", "h"],
  ["HSET", "h", "c", "3"],
  ["OBJECT", "ENCODING", "h"],
  ["CONFIG", "SET", "hash-max-listpack-entries", "512"],
  ["HDEL", "h", "c", "b"],
  ["OBJECT", "ENCODING", "h"],
  ["HSET", "h2", "a", "1", "b", "2", "c", "3"],
  ["OBJECT", "ENCODING", "h2"],
  ["CONFIG", "SET", "hash-max-ziplist-value", "4"],
  ["CONFIG", "GET", "hash-max-listpack-value"],
  ["HSET", "v", "f", "1234"],
  ["OBJECT", "ENCODING", "v"],
  ["HSET", "v", "f", "12345"],
  ["OBJECT", "ENCODING", "v"],
  ["HSET", "w", "fffff", "1"],
  ["OBJECT", "ENCODING", "w"],
  ["CONFIG", "SET", "hash-max-ziplist-value", "-1"],
  ["CONFIG", "SET", "hash-max-ziplist-value", "2k"],
  ["CONFIG", "GET", "hash-max-ziplist-value"],
]);

twin("hash-max-listpack-entries 0 makes every new hash a hashtable", [
  ["CONFIG", "SET", "hash-max-listpack-entries", "0"],
  ["HSET", "h", "a", "1"],
  ["OBJECT", "ENCODING", "h"],
  ["HINCRBY", "i", "n", "1"],
  ["OBJECT", "ENCODING", "i"],
]);

const SET_DIFF = "Valkey 8 (Redis 7.2+) has listpack sets and set-max-listpack-entries / -value; " +
  "Redis 7.0 makes small sets of strings hashtables";

twin("set-max-intset-entries: an intset that outgrows it becomes a hashtable", [
  ["CONFIG", "SET", "set-max-intset-entries", "2"],
  ["CONFIG", "GET", "set-max-intset-entries"],
  ["SADD", "s", "1", "2"],
  ["OBJECT", "ENCODING", "s"],
  // maybeConvertIntset: an integer past the limit converts to hashtable in Valkey 8 too.
  ["SADD", "s", "3"],
  ["OBJECT", "ENCODING", "s"],
  ["SMEMBERS", "s", unordered()],
  // Created for 3 members: more than the intset limit, within the listpack one (Valkey).
  ["SADD", "t", "1", "2", "3"],
  ["OBJECT", "ENCODING", "t", valkey(bulk("listpack"))],
  ["CONFIG", "SET", "set-max-intset-entries", "512"],
  ["SREM", "s", "3"],
  ["OBJECT", "ENCODING", "s"],
  ["SADD", "u", "1", "2", "3"],
  ["OBJECT", "ENCODING", "u"],
], { valkeyDiff: SET_DIFF });

twin("set-max-listpack-entries / -value: past them a set is a hashtable", [
  ["CONFIG", "SET", "set-max-intset-entries", "2"],
  ["CONFIG", "SET", "set-max-listpack-entries", "2", valkey(status("OK"))],
  [
    "CONFIG",
    "GET",
    "set-max-listpack-entries",
    valkey(bulkArray(["set-max-listpack-entries", "2"])),
  ],
  // Created for 3 members: past both limits.
  ["SADD", "big", "1", "2", "3"],
  ["OBJECT", "ENCODING", "big"],
  ["SADD", "s", "a", "b"],
  ["OBJECT", "ENCODING", "s", valkey(bulk("listpack"))],
  ["SADD", "s", "c"],
  ["OBJECT", "ENCODING", "s"],
  ["CONFIG", "SET", "set-max-listpack-value", "3", valkey(status("OK"))],
  ["CONFIG", "GET", "set-max-listpack-value", valkey(bulkArray(["set-max-listpack-value", "3"]))],
  ["SADD", "v", "abc"],
  ["OBJECT", "ENCODING", "v", valkey(bulk("listpack"))],
  ["SADD", "v", "abcd"],
  ["OBJECT", "ENCODING", "v"],
  ["SADD", "w", "abcd"],
  ["OBJECT", "ENCODING", "w"],
], { valkeyDiff: SET_DIFF });

const LIST_DIFF = "Redis 7.0 lists are always quicklists; Valkey 8 (as Redis 7.2) keeps a list a " +
  "listpack within list-max-listpack-size and converts back below half of it";

twin("list-max-listpack-size: a count limit converts to quicklist and back below half", [
  ["CONFIG", "SET", "list-max-listpack-size", "4"],
  ["CONFIG", "GET", "list-max-listpack-size"],
  ["RPUSH", "l", "a", "b", "c", "d"],
  ["OBJECT", "ENCODING", "l", valkey(bulk("listpack"))],
  ["RPUSH", "l", "e"],
  ["OBJECT", "ENCODING", "l"],
  // One node of 4 left: not below half of the limit yet.
  ["RPOP", "l"],
  ["OBJECT", "ENCODING", "l"],
  ["RPOP", "l", "2"],
  ["OBJECT", "ENCODING", "l", valkey(bulk("listpack"))],
  ["LRANGE", "l", "0", "-1"],
  ["RPUSH", "m", "1", "2", "3", "4", "5"],
  ["OBJECT", "ENCODING", "m"],
  ["CONFIG", "SET", "list-max-ziplist-size", "-2"],
  ["CONFIG", "GET", "list-max-listpack-size"],
  ["RPUSH", "n", "1", "2", "3", "4", "5"],
  ["OBJECT", "ENCODING", "n", valkey(bulk("listpack"))],
  ["CONFIG", "SET", "list-max-ziplist-size", "2147483648"],
], { valkeyDiff: LIST_DIFF });

twin("list-max-listpack-size: a byte limit (-1: 4 KB) converts a list with large elements", [
  ["CONFIG", "SET", "list-max-listpack-size", "-1"],
  ["RPUSH", "l", "x".repeat(3000)],
  ["OBJECT", "ENCODING", "l", valkey(bulk("listpack"))],
  ["RPUSH", "l", "y".repeat(3000)],
  ["OBJECT", "ENCODING", "l"],
  ["LLEN", "l"],
  ["CONFIG", "SET", "list-max-listpack-size", "-2"],
  ["RPUSH", "l2", "x".repeat(3000), "y".repeat(3000)],
  ["OBJECT", "ENCODING", "l2", valkey(bulk("listpack"))],
], { valkeyDiff: LIST_DIFF });

twin("CONFIG GET of the encoding limits by name and alias", [
  ["CONFIG", "GET", "hash-max-ziplist-entries"],
  ["CONFIG", "GET", "hash-max-listpack-value"],
  ["CONFIG", "GET", "zset-max-listpack-entries"],
  ["CONFIG", "GET", "zset-max-ziplist-value"],
  ["CONFIG", "GET", "list-max-ziplist-size"],
  ["CONFIG", "GET", "set-max-intset-entries"],
  ["CONFIG", "GET", "list-compress-depth", valkey(array([]))],
], {
  valkeyDiff: "list-compress-depth exists in both but has no effect in evalkit, which does not " +
    "register it",
});
