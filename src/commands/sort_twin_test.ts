// Twin tests of SORT and SORT_RO against redis-server 7.0.15: numeric and ALPHA order, ASC/DESC,
// LIMIT, BY (key patterns, hash fields, constants), GET (`#`, keys, hash fields), STORE, on lists,
// sets and sorted sets, and every error.

import { bulk } from "../resp/reply.ts";
import { twin, unordered, valkey } from "../testing/twin.ts";

twin("SORT numeric and ALPHA, ASC and DESC", [
  ["RPUSH", "l", "3", "1", "2", "10", "-5", "2.5"],
  ["SORT", "l"],
  ["SORT", "l", "DESC"],
  ["SORT", "l", "ALPHA"],
  ["SORT", "l", "ALPHA", "DESC"],
  ["SORT", "l", "asc", "desc", "asc"],
  ["SORT", "nokey"],
  ["SORT", "nokey", "ALPHA", "DESC", "LIMIT", "0", "5"],
  ["RPUSH", "w", "1", "a", "2"],
  ["SORT", "w"],
  ["SORT", "w", "ALPHA"],
  ["SORT", "w", "DESC", "LIMIT", "0", "1"],
  ["RPUSH", "sp", " 5", "0x10", "1e1", "", "inf", "-inf", "+3"],
  ["SORT", "sp"],
  ["RPUSH", "bad", "5 ", "1"],
  ["SORT", "bad"],
  ["RPUSH", "nan", "nan", "1"],
  ["SORT", "nan"],
  ["RPUSH", "ties", "1.0", "1", "01", "1e0"],
  ["SORT", "ties"],
  ["SORT", "ties", "DESC"],
]);

twin("SORT LIMIT", [
  ["RPUSH", "l", "5", "3", "1", "4", "2"],
  ["SORT", "l", "LIMIT", "1", "2"],
  ["SORT", "l", "LIMIT", "0", "0"],
  ["SORT", "l", "LIMIT", "-5", "2"],
  ["SORT", "l", "LIMIT", "3", "-1"],
  ["SORT", "l", "LIMIT", "3", "100"],
  ["SORT", "l", "LIMIT", "5", "1"],
  ["SORT", "l", "LIMIT", "100", "1"],
  ["SORT", "l", "DESC", "LIMIT", "1", "3"],
  ["SORT", "l", "LIMIT", "1"],
  ["SORT", "l", "LIMIT", "x", "1"],
  ["SORT", "l", "LIMIT", "1", "x"],
  ["SORT", "l", "LIMIT", "1", "2", "LIMIT", "0", "1"],
]);

twin("SORT of sets and sorted sets", [
  ["SADD", "s", "30", "10", "20", "-1"],
  ["SORT", "s"],
  ["SORT", "s", "DESC", "LIMIT", "1", "2"],
  ["SADD", "t", "b", "c", "a"],
  ["SORT", "t", "ALPHA"],
  ["SORT", "t"],
  ["ZADD", "z", "1", "c", "2", "b", "3", "a"],
  ["SORT", "z", "ALPHA"],
  ["SORT", "z", "ALPHA", "DESC"],
  ["ZADD", "zn", "1", "30", "2", "10", "3", "20"],
  ["SORT", "zn"],
  ["OBJECT", "ENCODING", "zn"],
  ["SORT", "z", "BY", "nosort"],
  ["SORT", "z", "BY", "nosort", "DESC"],
  ["SORT", "z", "BY", "nosort", "LIMIT", "1", "1"],
  ["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "5"],
  ["SORT", "s", "BY", "nosort"],
  ["SORT", "t", "BY", "nosort", unordered()],
]);

twin("SORT BY and GET patterns", [
  ["RPUSH", "l", "1", "2", "3"],
  ["SET", "w_1", "30"],
  ["SET", "w_2", "10"],
  ["SET", "w_3", "20"],
  ["SET", "o_1", "one"],
  ["SET", "o_3", "three"],
  ["HSET", "h_1", "f", "x", "n", "3"],
  ["HSET", "h_2", "f", "y", "n", "1"],
  ["SORT", "l", "BY", "w_*"],
  ["SORT", "l", "BY", "w_*", "DESC"],
  ["SORT", "l", "BY", "w_*", "GET", "o_*"],
  ["SORT", "l", "BY", "w_*", "GET", "#", "GET", "o_*", "GET", "h_*->f"],
  ["SORT", "l", "BY", "h_*->n"],
  ["SORT", "l", "BY", "h_*->n", "GET", "h_*->n"],
  ["SORT", "l", "BY", "missing_*"],
  ["SORT", "l", "BY", "missing_*", "DESC"],
  ["SORT", "l", "BY", "nosort"],
  ["SORT", "l", "BY", "nosort", "DESC"],
  ["SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "1"],
  ["SORT", "l", "BY", "nosort", "LIMIT", "1", "5"],
  ["SORT", "l", "BY", "nosort", "BY", "w_*"],
  ["SORT", "l", "GET", "#"],
  ["SORT", "l", "GET", "nostar"],
  ["SORT", "l", "GET", "h_*->"],
  ["SORT", "l", "GET", "h_*->nofield"],
  ["SORT", "l", "GET", "o_*->f"],
  ["SORT", "l", "GET", "h_*"],
  ["SORT", "l", "BY", "o_*"],
  ["SORT", "l", "BY", "o_*", "ALPHA"],
  ["SORT", "l", "BY", "o_*", "ALPHA", "DESC"],
  ["SORT", "l", "BY", "h_*->f", "ALPHA", "GET", "#"],
  ["SORT", "l", "BY", "w_*", "GET"],
  ["SORT", "l", "BY"],
]);

twin("SORT STORE", [
  ["RPUSH", "l", "3", "1", "2"],
  ["SORT", "l", "STORE", "d"],
  ["LRANGE", "d", "0", "-1"],
  ["OBJECT", "ENCODING", "d", valkey(bulk("listpack"))],
  ["SORT", "l", "DESC", "GET", "#", "GET", "nokey_*", "STORE", "d"],
  ["LRANGE", "d", "0", "-1"],
  ["SORT", "nokey", "STORE", "d"],
  ["EXISTS", "d"],
  ["SET", "str", "v"],
  ["EXPIRE", "str", "100"],
  ["SORT", "l", "STORE", "str"],
  ["TYPE", "str"],
  ["TTL", "str"],
  ["SORT", "l", "LIMIT", "0", "0", "STORE", "str"],
  ["EXISTS", "str"],
  ["SADD", "s", "b", "a", "c"],
  ["SORT", "s", "BY", "nosort", "STORE", "d"],
  ["LRANGE", "d", "0", "-1"],
  ["RPUSH", "big", ...Array.from({ length: 200 }, (_, i) => String(i))],
  ["SORT", "big", "STORE", "d"],
  ["OBJECT", "ENCODING", "d", valkey(bulk("listpack"))],
  ["RPUSH", "huge", ...Array.from({ length: 200 }, (_, i) => "x".repeat(50) + i)],
  ["SORT", "huge", "ALPHA", "STORE", "d"],
  ["OBJECT", "ENCODING", "d"],
  ["SORT", "l", "STORE"],
  ["SORT", "l", "STORE", "l"],
  ["LRANGE", "l", "0", "-1"],
], {
  valkeyDiff: "Valkey 8 (Redis 7.2+) stores small lists as listpacks; Redis 7.0 always uses " +
    "quicklists",
});

twin("SORT errors and SORT_RO", [
  ["SET", "str", "v"],
  ["SORT", "str"],
  ["SORT_RO", "str"],
  ["HSET", "h", "a", "1"],
  ["SORT", "h"],
  ["RPUSH", "l", "2", "1"],
  ["SORT", "l", "FOO"],
  ["SORT_RO", "l"],
  ["SORT_RO", "l", "DESC", "LIMIT", "0", "1", "GET", "#"],
  ["SORT_RO", "l", "STORE", "d"],
  ["SORT"],
  ["SORT_RO"],
  ["SORT", "str", "FOO"],
]);

twin("SORT in RESP3 and from scripts", [
  ["RPUSH", "l", "2", "1"],
  ["SORT", "l", "GET", "#", "GET", "nokey"],
], { resp: 3 });

twin("SORT of a set with a constant BY from a script is sorted ALPHA (CALL-14)", [
  ["SADD", "s", "c", "a", "b", "10", "9"],
  ["EVAL", "return redis.call('sort', KEYS[1], 'by', 'nosort')", "1", "s"],
  ["EVAL", "return redis.call('sort_ro', KEYS[1], 'by', 'x', 'desc')", "1", "s"],
  ["SADD", "n", "3", "20", "100"],
  ["EVAL", "return redis.call('sort', KEYS[1], 'by', 'x')", "1", "n"],
  ["RPUSH", "l", "b", "a"],
  ["EVAL", "return redis.call('sort', KEYS[1], 'by', 'x')", "1", "l"],
]);

twin("SORT converts a listpack sorted set to a skiplist", [
  ["ZADD", "z", "1", "a"],
  ["OBJECT", "ENCODING", "z"],
  ["SORT", "z", "ALPHA"],
  ["OBJECT", "ENCODING", "z"],
  ["SORT_RO", "z", "BY", "nosort"],
  ["ZADD", "z2", "1", "a"],
  ["SORT_RO", "z2", "BY", "nosort"],
  ["OBJECT", "ENCODING", "z2"],
]);

twin("SORT ALPHA compares C strings; with STORE, bytes", [
  ["RPUSH", "l", "b\x00z", "b", "a\xff", "a", "b\x00a"],
  ["SORT", "l", "ALPHA", "STORE", "d"],
  ["LRANGE", "d", "0", "-1"],
  ["RPUSH", "m", "\xff", "\x01", "Z", "a"],
  ["SORT", "m", "ALPHA"],
]);

// Last in this file: sort.c tests errno after strtod without clearing it first, so once a weight
// overflows or underflows (ERANGE), Redis 7.0 keeps failing numeric SORTs until something else
// resets errno. An exact subnormal (no ERANGE) is therefore checked first.
twin("SORT refuses weights that overflow or underflow (strtod ERANGE)", [
  ["RPUSH", "sub2", "0x1p-1074", "1"],
  ["SORT", "sub2"],
  ["RPUSH", "big", "1e400", "1"],
  ["SORT", "big"],
  ["RPUSH", "tiny", "1e-400"],
  ["SORT", "tiny"],
  ["RPUSH", "sub", "1e-310", "1"],
  ["SORT", "sub"],
]);
