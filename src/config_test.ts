import { test } from "node:test";
import assert from "node:assert/strict";
import { Config, isLocalSession, memToULL } from "./config.ts";
import { resolveOptions } from "./options.ts";

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
    "lazyfree-lazy-user-flush",
    "lfu-decay-time",
    "lfu-log-factor",
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
    "slave-read-only",
    "slave-serve-stale-data",
    "slaveof",
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

test("isLocalSession accepts in-process, loopback and unix socket clients only", () => {
  assert.equal(isLocalSession({ addr: "" }), true);
  assert.equal(isLocalSession({ addr: "127.0.0.1:5000" }), true);
  assert.equal(isLocalSession({ addr: "[::1]:5000" }), true);
  assert.equal(isLocalSession({ addr: "/tmp/valkey.sock:0" }), true);
  assert.equal(isLocalSession({ addr: "127.0.0.2:5000" }), false);
  assert.equal(isLocalSession({ addr: "10.0.0.1:5000" }), false);
});
