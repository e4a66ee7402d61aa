// Twin tests of the generic keyspace commands against redis-server 7.0.15. Where Valkey 8 (what
// evalkit reproduces) differs from Redis 7.0, the step says what Valkey replies and why.

import { error, type Reply } from "../resp/reply.ts";
import { approx, custom, pause, twin, unordered, valkey } from "../testing/twin.ts";
import { formatReply } from "../testing/compare.ts";
import { Server } from "../server.ts";

const registered = new Server();
function needs(...names: string[]): { skip?: string } {
  const missing = names.filter((n) => {
    const found = registered.lookup([n]);
    return "text" in found && found.text.startsWith("ERR unknown command");
  });
  return missing.length === 0 ? {} : { skip: `not implemented yet: ${missing.join(", ")}` };
}

/** A complete SCAN step (cursor 0 back): same cursor, same keys in any order. */
const scanAll = custom("scan cursor 0, keys unordered", (ours: Reply, theirs: Reply) => {
  const norm = (r: Reply) => {
    if (r.type !== "array" || r.value.length !== 2 || r.value[1].type !== "array") {
      return formatReply(r);
    }
    const keys = r.value[1].value.map((k) => formatReply(k)).sort();
    return `${formatReply(r.value[0])} ${keys.join(",")}`;
  };
  const a = norm(ours), b = norm(theirs);
  return a === b ? undefined : `evalkit ${a} vs redis ${b}`;
});

twin("DEL and UNLINK count existing keys once", [
  ["SET", "a", "1"],
  ["SET", "b", "2"],
  ["DEL", "a", "a", "nokey", "b"],
  ["DEL", "a"],
  ["SET", "c", "3"],
  ["UNLINK", "c", "c", "nokey"],
  ["GET", "c"],
  ["DEL"],
  ["UNLINK"],
]);

twin("EXISTS counts repeated keys; TYPE names every kind", [
  ["SET", "s", "v"],
  ["EXISTS", "s", "s", "nokey"],
  ["EXISTS", "nokey"],
  ["TYPE", "s"],
  ["TYPE", "nokey"],
  ["TYPE"],
]);

twin("TOUCH counts existing keys", [
  ["SET", "a", "1"],
  ["TOUCH", "a", "b", "a"],
  ["TOUCH", "nokey"],
]);

twin("EXPIRE family sets TTLs, TTL/PTTL/EXPIRETIME read them", [
  ["SET", "k", "v"],
  ["TTL", "k"],
  ["PTTL", "k"],
  ["EXPIRETIME", "k"],
  ["PEXPIRETIME", "k"],
  ["TTL", "nokey"],
  ["PTTL", "nokey"],
  ["EXPIRETIME", "nokey"],
  ["PEXPIRETIME", "nokey"],
  ["EXPIRE", "k", "100"],
  ["TTL", "k", approx(1)],
  ["PTTL", "k", approx(1500)],
  ["PEXPIRE", "k", "200000"],
  ["TTL", "k", approx(1)],
  ["EXPIREAT", "k", "4102444800"],
  ["EXPIRETIME", "k"],
  ["PEXPIRETIME", "k"],
  ["PEXPIREAT", "k", "4102444800123"],
  ["PEXPIRETIME", "k"],
  ["EXPIRETIME", "k"],
  ["PERSIST", "k"],
  ["PERSIST", "k"],
  ["TTL", "k"],
  ["EXPIRE", "nokey", "10"],
  ["PERSIST", "nokey"],
]);

twin("EXPIRE NX XX GT LT conditions", [
  ["SET", "k", "v"],
  ["EXPIRE", "k", "100", "XX"],
  ["EXPIRE", "k", "100", "GT"],
  ["EXPIRE", "k", "100", "LT"],
  ["TTL", "k", approx(1)],
  ["EXPIRE", "k", "50", "NX"],
  ["EXPIRE", "k", "200", "GT"],
  ["EXPIRE", "k", "100", "GT"],
  ["EXPIRE", "k", "300", "LT"],
  ["EXPIRE", "k", "10", "LT"],
  ["EXPIRE", "k", "20", "XX", "GT"],
  ["EXPIRE", "k", "30", "xx", "lt"],
  ["TTL", "k", approx(1)],
  ["PERSIST", "k"],
  ["EXPIRE", "k", "20", "NX", "NX"],
  ["TTL", "k", approx(1)],
  ["PEXPIREAT", "k", "4102444800000", "GT"],
  ["EXPIREAT", "k", "4102444800", "LT"],
]);

twin("EXPIRE option and value errors", [
  ["SET", "k", "v"],
  ["EXPIRE", "k", "10", "NX", "XX"],
  ["EXPIRE", "k", "10", "NX", "GT"],
  ["EXPIRE", "k", "10", "LT", "NX"],
  ["EXPIRE", "k", "10", "GT", "LT"],
  ["EXPIRE", "k", "10", "XX", "GT", "LT"],
  ["EXPIRE", "k", "10", "foo"],
  ["EXPIRE", "k", "10", "NX", "bar"],
  ["EXPIRE", "k", "abc"],
  ["EXPIRE", "k", "1.5"],
  ["EXPIRE", "k", " 1"],
  ["EXPIRE", "k", "9223372036854775"],
  ["EXPIRE", "k", "9223372036854776"],
  ["EXPIRE", "k", "-9223372036854776"],
  ["PEXPIRE", "k", "9223372036854775807"],
  ["EXPIREAT", "k", "9223372036854776"],
  ["EXPIREAT", "k", "-9223372036854776"],
  ["PEXPIREAT", "k", "9223372036854775808"],
  ["EXPIRE", "k"],
  ["TTL", "k"],
]);

twin("EXPIRE with a deadline in the past deletes the key", [
  ["SET", "a", "1"],
  ["EXPIRE", "a", "-1"],
  ["EXISTS", "a"],
  ["SET", "b", "1"],
  ["PEXPIREAT", "b", "1"],
  ["GET", "b"],
  ["SET", "c", "1"],
  ["EXPIREAT", "c", "0"],
  ["TTL", "c"],
  ["SET", "d", "1"],
  ["EXPIRE", "d", "0"],
  ["EXISTS", "d"],
]);

twin("huge deadlines are exact in PEXPIRETIME", [
  ["SET", "k", "v"],
  ["PEXPIREAT", "k", "9223372036854775807"],
  ["PEXPIRETIME", "k"],
  ["EXPIRETIME", "k"],
  ["PEXPIREAT", "k", "9007199254740993"],
  ["PEXPIRETIME", "k"],
]);

twin("keys expire after their TTL", [
  ["SET", "k", "v", "PX", "100"],
  ["PSETEX", "k2", "100", "v"],
  ["SET", "k3", "v"],
  ["PEXPIRE", "k3", "100"],
  ["EXISTS", "k", "k2", "k3"],
  pause(250),
  ["GET", "k"],
  ["EXISTS", "k", "k2", "k3"],
  ["TTL", "k3"],
  ["KEYS", "*"],
]);

twin("KEYS glob patterns", [
  ["MSET", "hello", "1", "hallo", "2", "hxllo", "3", "hllo", "4", "heeeello", "5", "a*b", "6"],
  ["MSET", "h[e]llo", "7", "a\\b", "8", "-", "9", "x\xe9", "10", "H", "11"],
  ["KEYS", "*", unordered()],
  ["KEYS", "h?llo", unordered()],
  ["KEYS", "h*llo", unordered()],
  ["KEYS", "h[ae]llo", unordered()],
  ["KEYS", "h[^e]llo", unordered()],
  ["KEYS", "h[a-b]llo", unordered()],
  ["KEYS", "h[b-a]llo", unordered()],
  ["KEYS", "a\\*b", unordered()],
  ["KEYS", "a*b", unordered()],
  ["KEYS", "a\\\\b", unordered()],
  ["KEYS", "h\\[e\\]llo", unordered()],
  ["KEYS", "h[\\]e]llo", unordered()],
  ["KEYS", "[", unordered()],
  ["KEYS", "h[", unordered()],
  ["KEYS", "h[e", unordered()],
  ["KEYS", "\\", unordered()],
  ["KEYS", "[-]", unordered()],
  ["KEYS", "x[\xe0-\xff]", unordered()],
  ["KEYS", "x[a-\xff]", unordered()],
  ["KEYS", "***o", unordered()],
  ["KEYS", "h*l*l*o*", unordered()],
  ["KEYS", "nomatch*", unordered()],
  ["KEYS", "", unordered()],
  ["KEYS", "[h]", unordered()],
  ["KEYS", "[H]", unordered()],
]);

twin("KEYS skips expired keys", [
  ["SET", "a", "1", "PX", "50"],
  ["SET", "b", "2"],
  pause(120),
  ["KEYS", "*"],
]);

twin("SCAN returns every key once over a full iteration", [
  ["MSET", "k1", "1", "k2", "2", "k3", "3", "k4", "4", "k5", "5"],
  ["SCAN", "0", scanAll],
  ["SCAN", "0", "MATCH", "k[1-3]", scanAll],
  ["SCAN", "0", "MATCH", "*", scanAll],
  ["SCAN", "0", "COUNT", "100", "MATCH", "k5", scanAll],
  ["SCAN", "0", "TYPE", "string", scanAll],
  ["SCAN", "0", "TYPE", "STRING", scanAll],
  ["SCAN", "0", "TYPE", "list", scanAll],
  ["SCAN", "0", "count", "10", "match", "*", "type", "string", scanAll],
]);

twin("SCAN argument errors", [
  ["SCAN", "x"],
  ["SCAN", "1.5"],
  ["SCAN", "18446744073709551616"],
  ["SCAN", "0", "COUNT", "0"],
  ["SCAN", "0", "COUNT", "-1"],
  ["SCAN", "0", "COUNT", "x"],
  ["SCAN", "0", "COUNT"],
  ["SCAN", "0", "MATCH"],
  ["SCAN", "0", "TYPE"],
  ["SCAN", "0", "FOO", "bar"],
  ["SCAN"],
]);

twin("SCAN cursor and TYPE checks of Valkey 8", [
  ["SCAN", "-1", valkey(error("ERR invalid cursor"))],
  ["SCAN", "", valkey(error("ERR invalid cursor"))],
  ["SCAN", "0", "TYPE", "nosuchtype", valkey(error("ERR unknown type name 'nosuchtype'"))],
  ["SCAN", "0", "NOVALUES", valkey(error("ERR NOVALUES option can only be used in HSCAN"))],
], {
  valkeyDiff:
    "Valkey 8 parses SCAN cursors with string2ull (no negative or empty cursor), refuses unknown TYPE names, and knows HSCAN's NOVALUES",
});

twin("RENAME and RENAMENX move value and TTL", [
  ["SET", "a", "1", "EX", "100"],
  ["RENAME", "a", "b"],
  ["EXISTS", "a"],
  ["GET", "b"],
  ["TTL", "b", approx(1)],
  ["SET", "c", "3"],
  ["RENAME", "b", "c"],
  ["GET", "c"],
  ["TTL", "c", approx(1)],
  ["SET", "d", "4", "EX", "100"],
  ["RENAME", "d", "c"],
  ["TTL", "c", approx(1)],
  ["SET", "e", "5"],
  ["RENAME", "e", "c"],
  ["TTL", "c"],
  ["RENAMENX", "c", "x"],
  ["RENAMENX", "x", "x"],
  ["SET", "y", "y"],
  ["RENAMENX", "x", "y"],
  ["GET", "x"],
  ["RENAME", "x", "x"],
  ["RENAME", "nokey", "x"],
  ["RENAMENX", "nokey", "x"],
  ["RENAME", "nokey", "nokey"],
]);

twin("COPY with DB and REPLACE", [
  ["SET", "a", "1", "EX", "100"],
  ["COPY", "a", "b"],
  ["GET", "b"],
  ["TTL", "b", approx(1)],
  ["COPY", "a", "b"],
  ["SET", "a", "2"],
  ["COPY", "a", "b", "REPLACE"],
  ["GET", "b"],
  ["TTL", "b"],
  ["COPY", "a", "a"],
  ["COPY", "a", "a", "DB", "0"],
  ["COPY", "a", "a", "DB", "1"],
  ["COPY", "a", "c", "DB", "16"],
  ["COPY", "a", "c", "DB", "-1"],
  ["COPY", "a", "c", "DB", "x"],
  ["COPY", "a", "c", "DB", "99999999999"],
  ["COPY", "a", "c", "DB"],
  ["COPY", "a", "c", "FOO"],
  ["COPY", "nokey", "c"],
  ["COPY", "a", "b", "replace", "db", "0"],
]);

twin("COPY and MOVE across databases", [
  ["SET", "a", "1"],
  ["COPY", "a", "a", "DB", "1"],
  ["MOVE", "a", "1"],
  ["DEL", "a"],
  ["SET", "m", "v", "EX", "100"],
  ["MOVE", "m", "2"],
  ["EXISTS", "m"],
  ["MOVE", "m", "2"],
  ["MOVE", "nokey", "2"],
  ["MOVE", "m", "0"],
  ["MOVE", "m", "16"],
  ["MOVE", "m", "-1"],
  ["MOVE", "m", "x"],
  ["MOVE", "m", "99999999999"],
], needs("select"));

twin("MOVE into a database that has the key, then read it there", [
  ["SET", "k", "here"],
  ["SELECT", "3"],
  ["SET", "k", "there"],
  ["TTL", "k"],
  ["SELECT", "0"],
  ["MOVE", "k", "3"],
  ["DEL", "k"],
  ["SET", "j", "moved", "EX", "100"],
  ["MOVE", "j", "3"],
  ["SELECT", "3"],
  ["GET", "j"],
  ["TTL", "j", approx(1)],
  ["GET", "k"],
], needs("select"));

twin("RANDOMKEY on empty and one-key databases", [
  ["RANDOMKEY"],
  ["SET", "only", "1"],
  ["RANDOMKEY"],
  ["DEL", "only"],
  ["RANDOMKEY"],
]);

twin("OBJECT ENCODING and REFCOUNT of strings", [
  ["SET", "i", "100"],
  ["OBJECT", "ENCODING", "i"],
  ["OBJECT", "REFCOUNT", "i"],
  ["SET", "i", "9999"],
  ["OBJECT", "REFCOUNT", "i"],
  ["SET", "i", "10000"],
  ["OBJECT", "REFCOUNT", "i"],
  ["OBJECT", "ENCODING", "i"],
  ["SET", "i", "-1"],
  ["OBJECT", "ENCODING", "i"],
  ["OBJECT", "REFCOUNT", "i"],
  ["SET", "i", "9223372036854775807"],
  ["OBJECT", "ENCODING", "i"],
  ["SET", "i", "9223372036854775808"],
  ["OBJECT", "ENCODING", "i"],
  ["SET", "i", "01"],
  ["OBJECT", "ENCODING", "i"],
  ["SET", "e", "x".repeat(44)],
  ["OBJECT", "ENCODING", "e"],
  ["SET", "r", "x".repeat(45)],
  ["OBJECT", "ENCODING", "r"],
  ["OBJECT", "REFCOUNT", "r"],
  ["APPEND", "e", "y"],
  ["OBJECT", "ENCODING", "e"],
  ["SET", "a", "1"],
  ["APPEND", "a", "2"],
  ["OBJECT", "ENCODING", "a"],
  ["APPEND", "new", "123"],
  ["OBJECT", "ENCODING", "new"],
  ["INCR", "new"],
  ["OBJECT", "ENCODING", "new"],
  ["SETRANGE", "sr", "0", "5"],
  ["OBJECT", "ENCODING", "sr"],
  ["SETBIT", "i", "0", "0"],
  ["OBJECT", "ENCODING", "i"],
  ["INCRBYFLOAT", "f", "1"],
  ["OBJECT", "ENCODING", "f"],
  ["OBJECT", "ENCODING", "nokey"],
  ["OBJECT", "REFCOUNT", "nokey"],
]);

twin("OBJECT ENCODING and REFCOUNT follow INCR on shared and unshared integers", [
  ["SET", "n", "5"],
  ["INCR", "n"],
  ["OBJECT", "REFCOUNT", "n"],
  ["SET", "m", "10000"],
  ["DECR", "m"],
  ["OBJECT", "REFCOUNT", "m"],
  ["INCR", "fresh"],
  ["OBJECT", "REFCOUNT", "fresh"],
  ["SET", "big", "20000"],
  ["INCRBY", "big", "-19000"],
  ["OBJECT", "REFCOUNT", "big"],
  ["COPY", "n", "n2"],
  ["OBJECT", "REFCOUNT", "n2"],
  ["OBJECT", "ENCODING", "n2"],
]);

twin("OBJECT IDLETIME, FREQ and HELP under the default policy", [
  ["SET", "k", "v"],
  ["OBJECT", "IDLETIME", "k"],
  ["OBJECT", "FREQ", "k"],
  ["OBJECT", "FREQ", "nokey"],
  ["OBJECT", "IDLETIME", "nokey"],
  ["OBJECT", "HELP"],
  ["OBJECT", "help"],
  ["OBJECT", "FOO", "k"],
  ["OBJECT", "ENCODING"],
  ["OBJECT", "ENCODING", "a", "b"],
  ["OBJECT", "HELP", "x"],
  ["OBJECT"],
]);

twin("OBJECT FREQ and IDLETIME under an LFU policy", [
  ["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"],
  ["SET", "k", "v"],
  ["OBJECT", "FREQ", "k"],
  ["OBJECT", "IDLETIME", "k"],
  ["OBJECT", "FREQ", "nokey"],
], needs("config"));

twin("a key with a TTL keeps it on overwrite only with KEEPTTL", [
  ["SET", "k", "v", "EX", "100"],
  ["SET", "k", "w"],
  ["TTL", "k"],
  ["SET", "k", "v", "EX", "100"],
  ["SET", "k", "w", "KEEPTTL"],
  ["TTL", "k", approx(1)],
  ["APPEND", "k", "x"],
  ["INCRBYFLOAT", "n", "1"],
  ["EXPIRE", "n", "100"],
  ["INCRBYFLOAT", "n", "1"],
  ["TTL", "n", approx(1)],
  ["SETRANGE", "k", "0", "z"],
  ["TTL", "k", approx(1)],
  ["GETSET", "k", "new"],
  ["TTL", "k"],
]);

twin("keyspace commands in RESP3", [
  ["SET", "a", "1"],
  ["SCAN", "0", scanAll],
  ["RANDOMKEY"],
  ["DEL", "a"],
  ["RANDOMKEY"],
  ["TYPE", "a"],
  ["OBJECT", "ENCODING", "a"],
  ["OBJECT", "HELP"],
], { resp: 3, ...needs("hello") });
