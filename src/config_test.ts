import { test } from "node:test";
import assert from "node:assert/strict";
import { Config, isLocalSession, memToULL } from "./config.ts";
import { resolveOptions } from "./options.ts";
import { DEFAULT_ENCODING_LIMITS } from "./types/encoding.ts";

const fresh = () => new Config(resolveOptions({}));

test("memToULL parses Valkey's memory units", () => {
  assert.equal(memToULL("0"), 0n);
  assert.equal(memToULL(""), 0n);
  assert.equal(memToULL("kb"), 0n, "no digits read as 0, as strtoull does");
  assert.equal(memToULL("100"), 100n);
  assert.equal(memToULL("100b"), 100n);
  assert.equal(memToULL("1k"), 1000n);
  assert.equal(memToULL("1KB"), 1024n);
  assert.equal(memToULL("2m"), 2000000n);
  assert.equal(memToULL("100mb"), 104857600n);
  assert.equal(memToULL("1g"), 1000000000n);
  assert.equal(memToULL("1Gb"), 1073741824n);
  assert.equal(memToULL("18446744073709551615"), 18446744073709551615n);
  // strtoull saturates; a unit multiplication wraps around 2^64.
  assert.equal(memToULL("99999999999999999999999"), 18446744073709551615n);
  assert.equal(memToULL("18446744073709551615k"), (18446744073709551615n * 1000n) % 2n ** 64n);
});

test("memToULL rejects signs, spaces, decimals and unknown units", () => {
  for (const bad of ["-1", "+1", " 1", "1 ", "1.5gb", "0x10", "1tb", "1kbb"]) {
    assert.equal(memToULL(bad), undefined, bad);
  }
});

test("Config.get matches names exactly (as typed) or by case-insensitive glob", () => {
  const c = fresh();
  assert.deepEqual(c.get(["MAXMEMORY"]), [["MAXMEMORY", "0"]]);
  assert.deepEqual(c.get(["maxmemory", "maxmemory"]), [["maxmemory", "0"]]);
  assert.deepEqual(c.get(["nosuch"]), []);
  assert.deepEqual(c.get(["LUA-*"]), [["lua-time-limit", "5000"]]);
  assert.deepEqual(c.get(["busy*", "lua*", "busy-reply-threshold"]), [
    ["busy-reply-threshold", "5000"],
    ["lua-time-limit", "5000"],
  ]);
  const all = c.get(["*"]).map(([k]) => k).sort();
  assert.deepEqual(all, [
    "busy-reply-threshold",
    "cluster-enabled",
    "databases",
    "enable-debug-command",
    "extended-redis-compatibility",
    "hash-max-listpack-entries",
    "hash-max-listpack-value",
    "hash-max-ziplist-entries",
    "hash-max-ziplist-value",
    "lazyfree-lazy-user-flush",
    "lfu-decay-time",
    "lfu-log-factor",
    "list-max-listpack-size",
    "list-max-ziplist-size",
    "lua-time-limit",
    "maxmemory",
    "maxmemory-eviction-tenacity",
    "maxmemory-policy",
    "maxmemory-samples",
    "proto-max-bulk-len",
    "replica-ignore-maxmemory",
    "replica-read-only",
    "replica-serve-stale-data",
    "replicaof",
    "requirepass",
    "set-max-intset-entries",
    "set-max-listpack-entries",
    "set-max-listpack-value",
    "slave-read-only",
    "slave-serve-stale-data",
    "slaveof",
    "zset-max-listpack-entries",
    "zset-max-listpack-value",
    "zset-max-ziplist-entries",
    "zset-max-ziplist-value",
  ]);
});

test("Config.set applies every pair or none", () => {
  const c = fresh();
  assert.equal(c.set(["maxmemory", "10mb", "maxmemory-policy", "allkeys-lru"]), undefined);
  assert.equal(c.maxmemory, 10485760);
  assert.equal(c.maxmemoryPolicy, "allkeys-lru");
  assert.equal(
    c.set(["maxmemory", "5", "maxmemory-policy", "nope"]),
    "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction",
  );
  assert.equal(c.maxmemory, 10485760, "rolled back");
  assert.equal(c.set(["maxmemory"]), "ERR syntax error");
});

test("Config.set reports the first problem in argument order", () => {
  const c = fresh();
  assert.equal(
    c.set(["nosuch", "1", "databases", "2"]),
    "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'",
  );
  assert.equal(
    c.set(["databases", "2", "nosuch", "1"]),
    "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config",
  );
  assert.equal(
    c.set(["maxmemory", "1", "MAXMEMORY", "2"]),
    "ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate parameter",
  );
  // A parameter and its alias are separate entries: both apply, the last one wins.
  assert.equal(c.set(["busy-reply-threshold", "10", "lua-time-limit", "20"]), undefined);
  assert.equal(c.busyReplyThresholdMs, 20);
});

test("Config numeric parameters check syntax and bounds like Valkey", () => {
  const c = fresh();
  const why = (name: string, v: string) => c.lookup(name)!.set(v);
  assert.equal(why("maxmemory", "abc"), "argument must be a memory value");
  assert.equal(why("maxmemory-samples", "x"), "argument couldn't be parsed into an integer");
  assert.equal(
    why("maxmemory-samples", "0"),
    "argument must be between 1 and 2147483647 inclusive",
  );
  assert.equal(why("maxmemory-samples", "05"), "argument couldn't be parsed into an integer");
  assert.equal(
    why("busy-reply-threshold", "-1"),
    "argument must be between 0 and 9223372036854775807 inclusive",
  );
  assert.equal(
    why("proto-max-bulk-len", "10"),
    "argument must be between 1048576 and 9223372036854775807 inclusive",
  );
  // Above LLONG_MAX a memory value becomes negative in the signed parameter.
  assert.equal(
    why("proto-max-bulk-len", "18446744073709551615"),
    "argument must be between 1048576 and 9223372036854775807 inclusive",
  );
  assert.equal(why("proto-max-bulk-len", "2mb"), undefined);
  assert.equal(c.protoMaxBulkLen, 2097152);
  assert.equal(why("lazyfree-lazy-user-flush", "maybe"), "argument must be 'yes' or 'no'");
  assert.equal(why("lazyfree-lazy-user-flush", "NO"), undefined);
  assert.equal(c.lookup("lazyfree-lazy-user-flush")!.get(), "no");
});

test("Config keeps maxmemory exact beyond 2^53 for CONFIG GET", () => {
  const c = fresh();
  assert.equal(c.set(["maxmemory", "18446744073709551615"]), undefined);
  assert.deepEqual(c.get(["maxmemory"]), [["maxmemory", "18446744073709551615"]]);
});

test("Config defaults follow Valkey 8 (lazyfree yes) and evalkit (DEBUG for local clients)", () => {
  const c = fresh();
  assert.deepEqual(c.get(["lazyfree-lazy-user-flush", "enable-debug-command", "databases"]), [
    ["lazyfree-lazy-user-flush", "yes"],
    ["enable-debug-command", "local"],
    ["databases", "16"],
  ]);
});

test("encoding limits have Valkey 8's names, aliases and defaults", () => {
  const c = fresh();
  // Valkey 8 config.c; Redis 7.0.15 answers the same for the names it has (hash entries is 512
  // in both; set-max-listpack-* are new in 7.2).
  assert.deepEqual(c.get(["*-max-*list*", "set-max-*"]).sort(), [
    ["hash-max-listpack-entries", "512"],
    ["hash-max-listpack-value", "64"],
    ["hash-max-ziplist-entries", "512"],
    ["hash-max-ziplist-value", "64"],
    ["list-max-listpack-size", "-2"],
    ["list-max-ziplist-size", "-2"],
    ["set-max-intset-entries", "512"],
    ["set-max-listpack-entries", "128"],
    ["set-max-listpack-value", "64"],
    ["zset-max-listpack-entries", "128"],
    ["zset-max-listpack-value", "64"],
    ["zset-max-ziplist-entries", "128"],
    ["zset-max-ziplist-value", "64"],
  ]);
  assert.deepEqual({ ...c.encodingLimits }, {
    listMaxListpackSize: -2,
    hashMaxListpackEntries: 512,
    hashMaxListpackValue: 64,
    setMaxIntsetEntries: 512,
    setMaxListpackEntries: 128,
    setMaxListpackValue: 64,
    zsetMaxListpackEntries: 128,
    zsetMaxListpackValue: 64,
  });
});

test("CONFIG SET of an encoding limit updates the live limits object, by name or alias", () => {
  const c = fresh();
  const live = c.encodingLimits;
  const pairs: [string, string, keyof typeof live, number][] = [
    ["list-max-listpack-size", "5", "listMaxListpackSize", 5],
    ["list-max-ziplist-size", "-2147483648", "listMaxListpackSize", -2147483648],
    ["hash-max-listpack-entries", "0", "hashMaxListpackEntries", 0],
    ["hash-max-ziplist-entries", "7", "hashMaxListpackEntries", 7],
    ["hash-max-listpack-value", "1kb", "hashMaxListpackValue", 1024],
    ["hash-max-ziplist-value", "1k", "hashMaxListpackValue", 1000],
    ["set-max-intset-entries", "3", "setMaxIntsetEntries", 3],
    ["set-max-listpack-entries", "4", "setMaxListpackEntries", 4],
    ["set-max-listpack-value", "5", "setMaxListpackValue", 5],
    ["zset-max-listpack-entries", "6", "zsetMaxListpackEntries", 6],
    ["zset-max-ziplist-entries", "2", "zsetMaxListpackEntries", 2],
    ["zset-max-listpack-value", "2MB", "zsetMaxListpackValue", 2097152],
    ["zset-max-ziplist-value", "10", "zsetMaxListpackValue", 10],
  ];
  for (const [name, value, field, n] of pairs) {
    assert.equal(c.set([name, value]), undefined, name);
    assert.equal(live[field], n, name);
    assert.equal(c.encodingLimits, live, "the same object, mutated in place");
  }
  assert.deepEqual(c.get(["zset-max-listpack-value", "ZSET-MAX-ZIPLIST-VALUE"]), [
    ["zset-max-listpack-value", "10"],
    ["ZSET-MAX-ZIPLIST-VALUE", "10"],
  ]);
  // Up to LONG_MAX, printed exactly.
  assert.equal(c.set(["zset-max-listpack-entries", "9223372036854775807"]), undefined);
  assert.deepEqual(c.get(["zset-max-ziplist-entries"]), [
    ["zset-max-ziplist-entries", "9223372036854775807"],
  ]);
});

test("CONFIG SET of an encoding limit refuses what Valkey refuses, with its texts", () => {
  // Texts checked against redis-server 7.0.15 (same config.c code as Valkey 8).
  const c = fresh();
  const fail = (name: string, why: string) =>
    `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`;
  const between = (lo: string, hi: string) => `argument must be between ${lo} and ${hi} inclusive`;
  const INT = "argument couldn't be parsed into an integer";
  const MEM = "argument must be a memory value";
  const LONG = between("0", "9223372036854775807");
  const cases: [string, string, string][] = [
    ["list-max-listpack-size", "2147483648", between("-2147483648", "2147483647")],
    ["list-max-ziplist-size", "-2147483649", between("-2147483648", "2147483647")],
    ["list-max-listpack-size", "1k", INT],
    ["hash-max-listpack-entries", "-1", LONG],
    ["hash-max-ziplist-entries", "abc", INT],
    ["hash-max-listpack-value", "-1", MEM],
    ["hash-max-ziplist-value", "abc", MEM],
    ["set-max-intset-entries", "1kb", INT],
    ["set-max-intset-entries", "-1", LONG],
    ["set-max-listpack-entries", "9223372036854775808", INT],
    ["set-max-listpack-value", "1k", INT],
    ["zset-max-listpack-entries", "abc", INT],
    ["zset-max-listpack-value", "9223372036854775808", LONG],
    ["zset-max-ziplist-value", "18446744073709551615", LONG],
  ];
  for (const [name, value, why] of cases) {
    assert.equal(c.set([name, value]), fail(name, why), `${name} ${value}`);
  }
  assert.deepEqual(c.encodingLimits, { ...DEFAULT_ENCODING_LIMITS }, "nothing changed");
  // All or nothing: a valid limit before an invalid one is rolled back.
  assert.equal(
    c.set(["set-max-intset-entries", "2", "zset-max-listpack-value", "x"]),
    fail("zset-max-listpack-value", MEM),
  );
  assert.equal(c.encodingLimits.setMaxIntsetEntries, 512);
});

test("isLocalSession accepts in-process, loopback and unix socket clients only", () => {
  assert.equal(isLocalSession({ addr: "" }), true);
  assert.equal(isLocalSession({ addr: "127.0.0.1:5000" }), true);
  assert.equal(isLocalSession({ addr: "[::1]:5000" }), true);
  assert.equal(isLocalSession({ addr: "/tmp/valkey.sock:0" }), true);
  assert.equal(isLocalSession({ addr: "127.0.0.2:5000" }), false);
  assert.equal(isLocalSession({ addr: "10.0.0.1:5000" }), false);
});
