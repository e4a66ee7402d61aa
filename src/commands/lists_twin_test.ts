// Twin tests of the list commands against redis-server 7.0.15. Where Valkey 8 (what evalkit
// reproduces) differs from Redis 7.0, the step says what Valkey replies and why. Blocking
// commands run here through `execute()` (no waker): with nothing to pop they reply at once what
// redis replies after a short timeout; real blocking is tested in src/blocking_test.ts.

import { array, bulk, error, int, NULL, status } from "../resp/reply.ts";
import { on, twin, valkey } from "../testing/twin.ts";

const WRONGTYPE = ["SET", "s", "str"];

twin("LPUSH RPUSH LPUSHX RPUSHX and LRANGE", [
  ["LPUSH", "l", "a", "b", "c"],
  ["RPUSH", "l", "d", "e"],
  ["LRANGE", "l", "0", "-1"],
  ["LPUSHX", "l", "x", "y"],
  ["RPUSHX", "l", "z"],
  ["LRANGE", "l", "0", "-1"],
  ["LPUSHX", "nokey", "x"],
  ["RPUSHX", "nokey", "x", "y"],
  ["EXISTS", "nokey"],
  ["LPUSH", "bin", "\x00\xff\r\n", ""],
  ["LRANGE", "bin", "0", "-1"],
  ["LPUSH", "l"],
  ["RPUSHX", "l"],
  WRONGTYPE,
  ["LPUSH", "s", "a"],
  ["RPUSH", "s", "a"],
  ["LPUSHX", "s", "a"],
  ["RPUSHX", "s", "a"],
  ["TYPE", "l"],
]);

twin("LRANGE index clamping and errors", [
  ["RPUSH", "l", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  ["LRANGE", "l", "0", "0"],
  ["LRANGE", "l", "-3", "-1"],
  ["LRANGE", "l", "-100", "2"],
  ["LRANGE", "l", "5", "100"],
  ["LRANGE", "l", "8", "2"],
  ["LRANGE", "l", "10", "20"],
  ["LRANGE", "l", "-1", "-3"],
  ["LRANGE", "l", "0", "-11"],
  ["LRANGE", "l", "-9223372036854775808", "9223372036854775807"],
  ["LRANGE", "l", "a", "1"],
  ["LRANGE", "l", "0", "1.5"],
  ["LRANGE", "l", "0", "9223372036854775808"],
  ["LRANGE", "nokey", "0", "-1"],
  ["LRANGE", "nokey", "x", "-1"],
  WRONGTYPE,
  ["LRANGE", "s", "0", "-1"],
  ["LRANGE", "s", "x", "-1"],
]);

twin("LPOP RPOP with and without count", [
  ["RPUSH", "l", "a", "b", "c", "d", "e"],
  ["LPOP", "l"],
  ["RPOP", "l"],
  ["LPOP", "l", "2"],
  ["RPOP", "l", "0"],
  ["RPOP", "l", "5"],
  ["EXISTS", "l"],
  ["LPOP", "l"],
  ["LPOP", "l", "3"],
  ["RPOP", "l", "0"],
  ["RPUSH", "l", "a"],
  ["LPOP", "l", "-1"],
  ["LPOP", "l", "x"],
  ["RPOP", "l", "1.0"],
  ["LPOP", "l", "1", "2"],
  ["RPOP", "l", "1", "2"],
  ["LPOP", "nokey", "-1"],
  ["LPOP", "l", "9223372036854775807"],
  WRONGTYPE,
  ["LPOP", "s"],
  ["RPOP", "s", "0"],
]);

twin("LPOP RPOP in RESP3", [
  ["LPOP", "nokey"],
  ["LPOP", "nokey", "1"],
  ["RPUSH", "l", "a"],
  ["RPOP", "l", "0"],
  ["RPOP", "l", "1"],
], { resp: 3 });

twin("LLEN LINDEX", [
  ["RPUSH", "l", "a", "b", "c"],
  ["LLEN", "l"],
  ["LLEN", "nokey"],
  ["LINDEX", "l", "0"],
  ["LINDEX", "l", "-1"],
  ["LINDEX", "l", "2"],
  ["LINDEX", "l", "3"],
  ["LINDEX", "l", "-4"],
  ["LINDEX", "l", "x"],
  ["LINDEX", "nokey", "x"],
  ["LINDEX", "nokey", "0"],
  ["LINDEX", "l", "9223372036854775807"],
  ["LINDEX", "l", "-9223372036854775808"],
  WRONGTYPE,
  ["LLEN", "s"],
  ["LINDEX", "s", "x"],
]);

twin("LSET", [
  ["RPUSH", "l", "a", "b", "c"],
  ["LSET", "l", "0", "x"],
  ["LSET", "l", "-1", "z"],
  ["LRANGE", "l", "0", "-1"],
  ["LSET", "l", "3", "q"],
  ["LSET", "l", "-4", "q"],
  ["LSET", "l", "x", "q"],
  ["LSET", "nokey", "0", "q"],
  ["LSET", "nokey", "x", "q"],
  ["LSET", "l", "1", "y".repeat(10000)],
  ["LINDEX", "l", "1"],
  ["LSET", "l", "1", "short"],
  ["LRANGE", "l", "0", "-1"],
  WRONGTYPE,
  ["LSET", "s", "0", "v"],
  ["LSET", "s", "x", "v"],
]);

twin("LSET with an index beyond int32 is truncated in Valkey", [
  ["RPUSH", "l", "a", "b", "c"],
  ["LSET", "l", "4294967296", "z", valkey(status("OK"))],
  ["LSET", "l", "4294967298", "y", valkey(status("OK"))],
  ["LRANGE", "l", "0", "-1", valkey(array([bulk("z"), bulk("b"), bulk("y")]))],
  ["LSET", "l", "-4294967295", "w", valkey(status("OK"))],
  ["LINDEX", "l", "1", valkey(bulk("w"))],
], {
  valkeyDiff: "Valkey 7.2+ lists go through listTypeReplaceAtIndex(robj *o, int index, …): the " +
    "long index is truncated to int (Redis 7.0 passed the long to quicklistReplaceAtIndex)",
});

twin("LREM", [
  ["RPUSH", "l", "a", "b", "a", "c", "a", "b", "a"],
  ["LREM", "l", "2", "a"],
  ["LRANGE", "l", "0", "-1"],
  ["LREM", "l", "-1", "b"],
  ["LRANGE", "l", "0", "-1"],
  ["LREM", "l", "0", "a"],
  ["LRANGE", "l", "0", "-1"],
  ["LREM", "l", "0", "zz"],
  ["LREM", "l", "0", "b"],
  ["LREM", "l", "0", "c"],
  ["EXISTS", "l"],
  ["LREM", "nokey", "0", "a"],
  ["LREM", "nokey", "x", "a"],
  ["LREM", "l", "1.5", "a"],
  ["RPUSH", "l", "a", "a"],
  ["LREM", "l", "-9223372036854775807", "a"],
  WRONGTYPE,
  ["LREM", "s", "0", "a"],
]);

twin("LREM count LONG_MIN is out of range in Valkey", [
  ["RPUSH", "l", "a"],
  [
    "LREM",
    "l",
    "-9223372036854775808",
    "a",
    valkey(
      error(
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
      ),
    ),
  ],
  ["LLEN", "l", valkey(int(1))],
], {
  valkeyDiff: "redis #12465 (in Valkey 8, not in Redis 7.0) limits LREM's count to ±LONG_MAX",
});

twin("LTRIM", [
  ["RPUSH", "l", "0", "1", "2", "3", "4", "5", "6"],
  ["LTRIM", "l", "1", "-2"],
  ["LRANGE", "l", "0", "-1"],
  ["LTRIM", "l", "-100", "100"],
  ["LRANGE", "l", "0", "-1"],
  ["LTRIM", "l", "2", "2"],
  ["LRANGE", "l", "0", "-1"],
  ["LTRIM", "l", "5", "1"],
  ["EXISTS", "l"],
  ["LTRIM", "nokey", "0", "1"],
  ["LTRIM", "nokey", "x", "1"],
  ["RPUSH", "l", "a"],
  ["LTRIM", "l", "0", "x"],
  ["LTRIM", "l", "1", "0"],
  ["EXISTS", "l"],
  WRONGTYPE,
  ["LTRIM", "s", "0", "1"],
]);

twin("LINSERT", [
  ["RPUSH", "l", "a", "b", "c"],
  ["LINSERT", "l", "BEFORE", "b", "x"],
  ["LINSERT", "l", "after", "c", "y"],
  ["LINSERT", "l", "After", "a", "z"],
  ["LRANGE", "l", "0", "-1"],
  ["LINSERT", "l", "BEFORE", "nope", "q"],
  ["LINSERT", "l", "MIDDLE", "a", "q"],
  ["LINSERT", "nokey", "BEFORE", "a", "q"],
  ["LINSERT", "nokey", "MIDDLE", "a", "q"],
  ["EXISTS", "nokey"],
  ["RPUSH", "d", "a", "a"],
  ["LINSERT", "d", "AFTER", "a", "b"],
  ["LRANGE", "d", "0", "-1"],
  WRONGTYPE,
  ["LINSERT", "s", "BEFORE", "a", "b"],
  ["LINSERT", "s", "MIDDLE", "a", "b"],
]);

twin("LPOS with RANK COUNT MAXLEN", [
  ["RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"],
  ["LPOS", "l", "c"],
  ["LPOS", "l", "c", "RANK", "2"],
  ["LPOS", "l", "c", "RANK", "-1"],
  ["LPOS", "l", "c", "RANK", "-3"],
  ["LPOS", "l", "c", "RANK", "4"],
  ["LPOS", "l", "c", "COUNT", "0"],
  ["LPOS", "l", "c", "COUNT", "2"],
  ["LPOS", "l", "c", "COUNT", "2", "RANK", "-1"],
  ["LPOS", "l", "c", "COUNT", "0", "RANK", "2"],
  ["LPOS", "l", "c", "MAXLEN", "3"],
  ["LPOS", "l", "c", "MAXLEN", "2"],
  ["LPOS", "l", "c", "COUNT", "0", "MAXLEN", "7"],
  ["LPOS", "l", "c", "RANK", "-1", "MAXLEN", "1"],
  ["LPOS", "l", "z"],
  ["LPOS", "l", "z", "COUNT", "0"],
  ["LPOS", "l", "c", "rank", "1", "count", "1", "maxlen", "0"],
  ["LPOS", "l", "c", "RANK", "0"],
  ["LPOS", "l", "c", "RANK", "x"],
  ["LPOS", "l", "c", "RANK", "9223372036854775807"],
  ["LPOS", "l", "c", "COUNT", "-1"],
  ["LPOS", "l", "c", "COUNT", "x"],
  ["LPOS", "l", "c", "MAXLEN", "-1"],
  ["LPOS", "l", "c", "MAXLEN", "x"],
  ["LPOS", "l", "c", "RANK"],
  ["LPOS", "l", "c", "FOO", "1"],
  ["LPOS", "nokey", "c"],
  ["LPOS", "nokey", "c", "COUNT", "1"],
  ["LPOS", "nokey", "c", "RANK", "0"],
  WRONGTYPE,
  ["LPOS", "s", "c"],
  ["LPOS", "s", "c", "RANK", "0"],
]);

twin("LPOS RANK LONG_MIN is out of range in Valkey", [
  ["RPUSH", "l", "a", "a"],
  [
    "LPOS",
    "l",
    "a",
    "RANK",
    "-9223372036854775808",
    valkey(
      error(
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
      ),
    ),
  ],
], { valkeyDiff: "redis #12167 (Redis 7.2, in Valkey 8) limits RANK to ±LONG_MAX" });

twin("LMOVE and RPOPLPUSH", [
  ["RPUSH", "a", "1", "2", "3"],
  ["LMOVE", "a", "b", "LEFT", "RIGHT"],
  ["LMOVE", "a", "b", "right", "left"],
  ["LRANGE", "a", "0", "-1"],
  ["LRANGE", "b", "0", "-1"],
  ["RPOPLPUSH", "a", "b"],
  ["EXISTS", "a"],
  ["LRANGE", "b", "0", "-1"],
  ["LMOVE", "b", "b", "LEFT", "RIGHT"],
  ["LRANGE", "b", "0", "-1"],
  ["RPOPLPUSH", "b", "b"],
  ["LRANGE", "b", "0", "-1"],
  ["LMOVE", "nokey", "b", "LEFT", "LEFT"],
  ["RPOPLPUSH", "nokey", "b"],
  ["LMOVE", "b", "c", "UP", "LEFT"],
  ["LMOVE", "b", "c", "LEFT", "DOWN"],
  ["LMOVE", "nokey", "c", "UP", "LEFT"],
  WRONGTYPE,
  ["LMOVE", "s", "b", "LEFT", "LEFT"],
  ["LMOVE", "b", "s", "LEFT", "LEFT"],
  ["RPOPLPUSH", "b", "s"],
  ["LRANGE", "b", "0", "-1"],
  ["LMOVE", "nokey", "s", "LEFT", "LEFT"],
  ["RPUSH", "one", "x"],
  ["LMOVE", "one", "one", "LEFT", "LEFT"],
  ["LRANGE", "one", "0", "-1"],
]);

twin("LMPOP", [
  ["RPUSH", "a", "1", "2", "3"],
  ["RPUSH", "b", "x", "y"],
  ["LMPOP", "2", "nokey", "a", "LEFT"],
  ["LMPOP", "2", "a", "b", "RIGHT", "COUNT", "10"],
  ["LMPOP", "1", "b", "left", "count", "1"],
  ["LMPOP", "3", "a", "nokey", "b", "RIGHT"],
  ["LMPOP", "1", "b", "RIGHT"],
  ["LMPOP", "0", "a", "LEFT"],
  ["LMPOP", "-1", "a", "LEFT"],
  ["LMPOP", "x", "a", "LEFT"],
  ["LMPOP", "2", "a", "LEFT"],
  ["LMPOP", "1", "a", "MIDDLE"],
  ["LMPOP", "1", "a", "LEFT", "COUNT"],
  ["LMPOP", "1", "a", "LEFT", "COUNT", "0"],
  ["LMPOP", "1", "a", "LEFT", "COUNT", "-1"],
  ["LMPOP", "1", "a", "LEFT", "COUNT", "x"],
  ["LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "1"],
  ["LMPOP", "1", "a", "LEFT", "FOO"],
  ["LMPOP", "9223372036854775807", "a", "LEFT"],
  WRONGTYPE,
  ["RPUSH", "c", "1"],
  ["LMPOP", "2", "s", "c", "LEFT"],
  ["LMPOP", "2", "c", "s", "LEFT"],
  ["LMPOP", "2", "nokey", "s", "LEFT"],
]);

twin("LMPOP in RESP3", [
  ["RPUSH", "a", "1", "2"],
  ["LMPOP", "1", "a", "LEFT", "COUNT", "5"],
  ["LMPOP", "1", "a", "LEFT"],
], { resp: 3 });

twin("BLPOP BRPOP pop at once when a list has elements", [
  ["RPUSH", "b", "1", "2", "3"],
  ["BLPOP", "nokey", "b", "0"],
  ["BRPOP", "nokey", "b", "1"],
  ["BLPOP", "b", "0.5"],
  ["EXISTS", "b"],
  ["RPUSH", "c", "x"],
  ["BRPOP", "c", "nokey", "0"],
  WRONGTYPE,
  ["RPUSH", "d", "x"],
  ["BLPOP", "s", "d", "0"],
  ["BLPOP", "d", "s", "0"],
  ["BLPOP", "nokey", "s", "0"],
]);

twin("blocking pops time out with a null array", [
  ["BLPOP", "nokey", "0.01"],
  ["BRPOP", "nokey", "other", "0.01"],
  ["BLMPOP", "0.01", "1", "nokey", "LEFT"],
  ["BLMOVE", "nokey", "dst", "LEFT", "RIGHT", "0.01"],
  ["BRPOPLPUSH", "nokey", "dst", "0.01"],
]);

twin("blocking pops time out with a null in RESP3", [
  ["BLPOP", "nokey", "0.01"],
  ["BLMOVE", "nokey", "dst", "LEFT", "RIGHT", "0.01"],
], { resp: 3 });

twin("blocking timeouts: parsing and errors", [
  ["BLPOP", "nokey", "x"],
  ["BLPOP", "nokey", "-1"],
  ["BLPOP", "nokey", "-inf"],
  ["BLPOP", "nokey", "nan"],
  ["BLPOP", "nokey", " 1"],
  ["BLPOP", "nokey", "0x0.01"],
  ["BRPOP", "nokey", "abc"],
  ["BLMOVE", "nokey", "d", "LEFT", "LEFT", "x"],
  ["BLMOVE", "nokey", "d", "UP", "LEFT", "x"],
  ["BRPOPLPUSH", "nokey", "d", "-1"],
  ["BLMPOP", "x", "1", "nokey", "LEFT"],
  ["BLMPOP", "x", "0", "nokey", "LEFT"],
  ["BLMPOP", "x", "1", "nokey", "MIDDLE"],
  ["BLMPOP", "-1", "1", "nokey", "LEFT", "COUNT", "0"],
  ["BLMPOP", "-1", "1", "nokey", "LEFT"],
  ["BLPOP", "nokey"],
]);

twin("blocking timeouts beyond LLONG_MAX ms are out of range in Valkey", [
  ["BLPOP", "nokey", "inf", valkey(error("ERR timeout is out of range"))],
  ["BLPOP", "nokey", "1e400", valkey(error("ERR timeout is out of range"))],
  ["BLPOP", "nokey", "9223372036854775807", valkey(error("ERR timeout is out of range"))],
  ["BLMPOP", "1e30", "1", "nokey", "LEFT", valkey(error("ERR timeout is out of range"))],
], {
  valkeyDiff: "Valkey 8 (as Redis 7.2) checks `timeout × 1000 > LLONG_MAX` and rounds up with " +
    "ceill; Redis 7.0 truncated the overflowing value to LLONG_MIN (`timeout is negative`)",
});

twin("BLMOVE BRPOPLPUSH BLMPOP with elements", [
  ["RPUSH", "a", "1", "2", "3"],
  ["BLMOVE", "a", "b", "RIGHT", "LEFT", "0"],
  ["BRPOPLPUSH", "a", "b", "0"],
  ["LRANGE", "b", "0", "-1"],
  ["BLMPOP", "0", "2", "a", "b", "LEFT", "COUNT", "5"],
  ["BLMPOP", "0", "1", "b", "RIGHT"],
  ["EXISTS", "a", "b"],
  WRONGTYPE,
  ["RPUSH", "c", "1"],
  ["BLMOVE", "s", "c", "LEFT", "LEFT", "0"],
  ["BLMOVE", "c", "s", "LEFT", "LEFT", "0"],
  ["BRPOPLPUSH", "c", "s", "0"],
  ["BLMPOP", "0", "2", "s", "c", "LEFT"],
]);

twin("blocking commands inside MULTI never block", [
  ["MULTI"],
  ["BLPOP", "nokey", "0"],
  ["BRPOP", "nokey", "0"],
  ["BLMPOP", "0", "1", "nokey", "LEFT"],
  ["BLMOVE", "nokey", "d", "LEFT", "LEFT", "0"],
  ["BRPOPLPUSH", "nokey", "d", "0"],
  ["RPUSH", "nokey", "x"],
  ["BLPOP", "nokey", "0"],
  ["EXEC"],
]);

twin("blocking commands inside MULTI never block (RESP3)", [
  ["MULTI"],
  ["BLPOP", "nokey", "0"],
  ["BLMOVE", "nokey", "d", "LEFT", "LEFT", "0"],
  ["EXEC"],
], { resp: 3 });

twin("blocking commands from scripts", [
  ["EVAL", "return redis.call('blmpop', 0, 1, 'nokey', 'left')", "0"],
  // Redis 7.0 flags BLPOP, BLMOVE and BRPOPLPUSH noscript; Valkey 8 runs them without blocking.
  ["EVAL", "return redis.pcall('blpop', 'nokey', 0)", "0", valkey(NULL)],
  ["EVAL", "return redis.pcall('blmove', 'nokey', 'd', 'left', 'left', 0)", "0", valkey(NULL)],
  ["EVAL", "return redis.pcall('brpoplpush', 'nokey', 'd', 0)", "0", valkey(NULL)],
  ["EVAL", "redis.call('rpush', 'q', 'a'); return redis.call('blmpop', 0, 1, 'q', 'left')", "0"],
], {
  valkeyDiff:
    "Redis 7.0 refuses BLPOP/BLMOVE/BRPOPLPUSH in scripts (noscript); Valkey 8 dropped the flag " +
    "and returns the timeout reply at once (spec CALL-13)",
});

twin("list encodings: listpack, quicklist, and back when shrinking", [
  ["RPUSH", "l", "a", "b"],
  ["OBJECT", "ENCODING", "l", valkey(bulk("listpack"))],
  // 7 + 3 + 3 bytes + 8000 raw bytes stays within the 8 KB node limit (list-max-listpack-size -2).
  ["RPUSH", "l", "x".repeat(8000)],
  ["OBJECT", "ENCODING", "l", valkey(bulk("listpack"))],
  ["RPUSH", "l", "y".repeat(9000)],
  ["OBJECT", "ENCODING", "l"],
  // One packed node of ~8 KB left: above half the limit, still a quicklist.
  ["RPOP", "l"],
  ["OBJECT", "ENCODING", "l"],
  ["RPOP", "l"],
  ["OBJECT", "ENCODING", "l", valkey(bulk("listpack"))],
  ["LPUSH", "big", ...Array.from({ length: 200 }, (_, i) => `element-${i}-${"p".repeat(40)}`)],
  ["OBJECT", "ENCODING", "big"],
  ["LTRIM", "big", "0", "1"],
  ["OBJECT", "ENCODING", "big", valkey(bulk("listpack"))],
  // Converted before looking for the pivot, even though nothing is inserted.
  ["RPUSH", "ins", "a", "b"],
  ["LINSERT", "ins", "BEFORE", "missing", "z".repeat(9000)],
  ["OBJECT", "ENCODING", "ins"],
  ["RPUSH", "set", "a", "b"],
  ["LSET", "set", "5", "z".repeat(9000)],
  ["OBJECT", "ENCODING", "set"],
  ["RPUSH", "mv", "z".repeat(5000)],
  ["RPUSH", "dst", "z".repeat(5000)],
  ["OBJECT", "ENCODING", "dst", valkey(bulk("listpack"))],
  ["LMOVE", "mv", "dst", "LEFT", "LEFT"],
  ["OBJECT", "ENCODING", "dst"],
], {
  valkeyDiff: "Redis 7.0 lists are always quicklists; Valkey 8 (as Redis 7.2) keeps small lists " +
    "in a single listpack (list-max-listpack-size -2: 8 KB)",
});

twin("list writes that change nothing leave WATCHed keys clean", [
  ["RPUSH", "l", "a", "b", "c"],
  ["WATCH", "l"],
  on("other", ["LREM", "l", "0", "zz"]),
  on("other", ["LINSERT", "l", "BEFORE", "zz", "x"]),
  on("other", ["LPUSHX", "nokey", "x"]),
  on("other", ["LPOP", "l", "0"]),
  on("other", ["LSET", "l", "9", "x"]),
  on("other", ["LMPOP", "1", "nokey", "LEFT"]),
  ["MULTI"],
  ["LLEN", "l"],
  ["EXEC"],
]);

twin("list writes dirty WATCHed keys", [
  ["RPUSH", "l", "a", "b", "c"],
  ["WATCH", "l"],
  on("other", ["LTRIM", "l", "0", "-1"]),
  ["MULTI"],
  ["LLEN", "l"],
  ["EXEC"],
  ["WATCH", "l"],
  on("other", ["LSET", "l", "0", "a"]),
  ["MULTI"],
  ["LLEN", "l"],
  ["EXEC"],
  ["WATCH", "l", "d"],
  on("other", ["LMOVE", "l", "d", "LEFT", "LEFT"]),
  ["MULTI"],
  ["LLEN", "l"],
  ["EXEC"],
  ["WATCH", "d"],
  on("other", ["BLPOP", "d", "0"]),
  ["MULTI"],
  ["LLEN", "d"],
  ["EXEC"],
]);

twin("lists through the generic key commands", [
  ["RPUSH", "l", "a", "b", "c"],
  ["TYPE", "l"],
  ["COPY", "l", "c"],
  ["RPUSH", "c", "d"],
  ["LRANGE", "l", "0", "-1"],
  ["LRANGE", "c", "0", "-1"],
  ["RENAME", "c", "r"],
  ["LRANGE", "r", "0", "-1"],
  ["MOVE", "r", "1"],
  ["EXISTS", "r"],
  ["SELECT", "1"],
  ["LPOP", "r", "9"],
  ["SELECT", "0"],
  ["EXPIRE", "l", "100"],
  ["RPUSH", "l", "z"],
  ["TTL", "l"],
  ["DEL", "l"],
  ["EXISTS", "l"],
]);
