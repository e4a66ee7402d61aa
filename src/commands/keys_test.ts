import { test } from "node:test";
import assert from "node:assert/strict";
import { EXPIRE_OVERHEAD, KEY_OVERHEAD } from "../keyspace/keyspace.ts";
import { array, bulk, error, int, NULL, OK, type Reply, status } from "../resp/reply.ts";
import { harness, T0 } from "../testing/harness.ts";

function keysOf(r: Reply): string[] {
  assert.equal(r.type, "array");
  return (r.type === "array" ? r.value : []).map((x) => (x.type === "bulk" ? x.value : "?"));
}

test("a key is still there at its deadline and gone one millisecond later", () => {
  const h = harness();
  h.run("SET", "k", "v");
  assert.deepEqual(h.run("PEXPIRE", "k", "100"), int(1));
  h.clock.advance(100);
  assert.deepEqual(h.run("PTTL", "k"), int(0));
  assert.deepEqual(h.run("GET", "k"), bulk("v"));
  h.clock.advance(1);
  assert.deepEqual(h.run("GET", "k"), NULL);
  assert.equal(h.server.stats.expiredKeys, 1);
  assert.equal(h.db0.size, 0);
});

test("TTL and EXPIRETIME round to the nearest second", () => {
  const h = harness();
  h.run("SET", "k", "v");
  h.run("PEXPIRE", "k", "1499");
  assert.deepEqual(h.run("TTL", "k"), int(1));
  h.run("PEXPIRE", "k", "1500");
  assert.deepEqual(h.run("TTL", "k"), int(2));
  h.run("PEXPIREAT", "k", String(T0 + 1_000_499));
  assert.deepEqual(h.run("EXPIRETIME", "k"), int(T0 / 1000 + 1000));
  h.run("PEXPIREAT", "k", String(T0 + 1_000_500));
  assert.deepEqual(h.run("EXPIRETIME", "k"), int(T0 / 1000 + 1001));
  assert.deepEqual(h.run("PEXPIRETIME", "k"), int(T0 + 1_000_500));
});

test("fractional clock readings count as whole milliseconds", () => {
  const h = harness();
  h.run("SET", "k", "v");
  h.run("PEXPIRE", "k", "10");
  h.clock.advance(10.9);
  assert.deepEqual(h.run("PTTL", "k"), int(0));
  assert.deepEqual(h.run("EXISTS", "k"), int(1));
  h.clock.advance(0.1);
  assert.deepEqual(h.run("EXISTS", "k"), int(0));
});

test("a deadline in the past deletes the key and counts it as expired", () => {
  const h = harness();
  h.run("SET", "a", "1");
  assert.deepEqual(h.run("EXPIRE", "a", "-5"), int(1));
  assert.deepEqual(h.run("EXPIREAT", "nokey", "1"), int(0));
  assert.equal(h.db0.size, 0);
  assert.equal(h.server.stats.expiredKeys, 1);
  assert.ok(h.modified.includes("0:a"));
});

test("DEL of a logically expired key replies 0 and counts it as expired", () => {
  const h = harness();
  h.run("SET", "a", "1", "PX", "5");
  h.clock.advance(10);
  assert.deepEqual(h.run("DEL", "a"), int(0));
  assert.equal(h.server.stats.expiredKeys, 1);
});

test("EXPIRE conditions compare absolute deadlines; no TTL is infinite", () => {
  const h = harness();
  h.run("SET", "k", "v");
  assert.deepEqual(h.run("EXPIRE", "k", "10", "GT"), int(0));
  assert.deepEqual(h.run("EXPIRE", "k", "10", "LT"), int(1));
  assert.deepEqual(h.run("PEXPIRE", "k", "10000", "GT"), int(0));
  assert.deepEqual(h.run("PEXPIRE", "k", "10001", "GT"), int(1));
  assert.deepEqual(h.run("EXPIRE", "k", "5", "XX", "LT"), int(1));
  assert.deepEqual(h.run("PTTL", "k"), int(5000));
  assert.deepEqual(h.run("EXPIRE", "k", "5", "NX"), int(0));
  assert.deepEqual(
    h.run("EXPIRE", "k", "5", "NX", "LT"),
    error("ERR NX and XX, GT or LT options at the same time are not compatible"),
  );
  assert.deepEqual(
    h.run("EXPIRE", "k", "5", "GT", "LT"),
    error("ERR GT and LT options at the same time are not compatible"),
  );
  assert.deepEqual(h.run("EXPIRE", "k", "5", "later"), error("ERR Unsupported option later"));
  assert.deepEqual(
    h.run("EXPIRE", "k", "9223372036854776"),
    error("ERR invalid expire time in 'expire' command"),
  );
  assert.deepEqual(
    h.run("pexpireat", "k", "x"),
    error("ERR value is not an integer or out of range"),
  );
});

test("deadlines beyond 2^53 ms stay exact", () => {
  const h = harness();
  h.run("SET", "k", "v");
  h.run("PEXPIREAT", "k", "9223372036854775807");
  assert.deepEqual(h.run("PEXPIRETIME", "k"), int(9223372036854775807n));
  assert.deepEqual(h.run("EXPIRETIME", "k"), int(9223372036854776n));
  h.run("RENAME", "k", "j");
  assert.deepEqual(h.run("PEXPIRETIME", "j"), int(9223372036854775807n));
});

test("active expiry reclaims every expired key, earliest first, within a budget", () => {
  const h = harness();
  for (let i = 0; i < 100; i++) h.run("SET", `k${i}`, "v", "PX", String(10 + i));
  h.run("SET", "forever", "v");
  h.run("SET", "persisted", "v", "PX", "5");
  h.run("PERSIST", "persisted");
  h.run("SET", "moved", "v", "PX", "5");
  h.run("PEXPIRE", "moved", "1000000");
  h.clock.advance(59); // k0..k48 (deadlines T0+10..T0+58) are past
  assert.equal(h.server.keyspace.activeExpireCycle(h.clock.now(), 10), 10);
  assert.equal(h.db0.size, 103 - 10);
  assert.equal(h.db0.peek("k9"), undefined);
  assert.notEqual(h.db0.peek("k10"), undefined);
  assert.equal(h.server.keyspace.activeExpireCycle(h.clock.now()), 39);
  assert.equal(h.server.stats.expiredKeys, 49);
  h.clock.advance(1000);
  assert.equal(h.server.keyspace.activeExpireCycle(h.clock.now()), 51);
  assert.deepEqual(keysOf(h.run("KEYS", "*")).sort(), ["forever", "moved", "persisted"]);
});

test("active expiry covers every database and survives TTL churn", () => {
  const h = harness();
  for (let i = 0; i < 2000; i++) {
    h.run("SET", "k", "v", "PX", String(1 + (i % 7)));
  }
  h.session.db = 3;
  h.run("SET", "other", "v", "PX", "3");
  h.clock.advance(10);
  assert.equal(h.server.keyspace.activeExpireCycle(h.clock.now()), 2);
  assert.equal(h.server.keyspace.dbs[3].size, 0);
  assert.equal(h.db0.size, 0);
});

test("keyspace_hits and keyspace_misses count read lookups only", () => {
  const h = harness();
  const stats = h.server.stats;
  h.run("SET", "k", "v");
  h.run("INCR", "n");
  h.run("APPEND", "k", "x");
  assert.deepEqual([stats.keyspaceHits, stats.keyspaceMisses], [0, 0]);
  h.run("GET", "k");
  h.run("GET", "nokey");
  assert.deepEqual([stats.keyspaceHits, stats.keyspaceMisses], [1, 1]);
  h.run("MGET", "k", "nokey", "n");
  h.run("EXISTS", "k", "nokey");
  h.run("TYPE", "k");
  h.run("TTL", "nokey");
  h.run("OBJECT", "ENCODING", "k");
  h.run("STRLEN", "k");
  h.run("SET", "k", "y", "GET");
  assert.deepEqual([stats.keyspaceHits, stats.keyspaceMisses], [8, 4]);
  h.run("KEYS", "*");
  h.run("SCAN", "0");
  h.run("DEL", "nokey");
  h.run("EXPIRE", "k", "100");
  h.run("RENAME", "k", "k2");
  assert.deepEqual([stats.keyspaceHits, stats.keyspaceMisses], [8, 4]);
});

test("writes signal the keys they change (WATCH); no-ops do not", () => {
  const h = harness();
  h.run("SET", "a", "1");
  h.run("EXPIRE", "a", "100");
  h.run("PERSIST", "a");
  h.run("PERSIST", "a");
  h.run("EXPIRE", "nokey", "10");
  h.run("RENAME", "a", "b");
  h.run("COPY", "b", "c");
  h.run("APPEND", "c", "x");
  h.run("GETEX", "c", "EX", "100");
  h.run("GETEX", "c", "PERSIST");
  h.run("GETEX", "c", "PERSIST");
  h.run("GETEX", "c");
  h.run("DEL", "b", "nokey");
  assert.deepEqual(h.modified, [
    "0:a",
    "0:a",
    "0:a",
    "0:a",
    "0:b",
    "0:c",
    "0:c",
    "0:c",
    "0:c",
    "0:b",
  ]);
});

test("SCAN returns every key present for the whole iteration exactly once despite writes", () => {
  const h = harness();
  for (let i = 0; i < 1000; i++) h.run("SET", `k${i}`, "v");
  const seen = new Map<string, number>();
  let cursor = "0";
  let round = 0;
  do {
    const r = h.run("SCAN", cursor, "COUNT", "7");
    assert.equal(r.type, "array");
    if (r.type !== "array") break;
    cursor = (r.value[0] as { value: string }).value;
    for (const k of keysOf(r.value[1])) seen.set(k, (seen.get(k) ?? 0) + 1);
    // Concurrent writes: delete some keys not yet seen, add new ones, overwrite others.
    h.run("DEL", `k${999 - round}`);
    h.run("SET", `new${round}`, "v");
    h.run("SET", `k${round * 3}`, "overwritten");
    h.run("RENAME", `k${500 + round}`, `renamed${round}`);
    round++;
  } while (cursor !== "0");
  for (let i = 0; i < 1000; i++) {
    const deleted = i > 999 - round || (i >= 500 && i < 500 + round);
    if (!deleted) assert.equal(seen.get(`k${i}`), 1, `k${i}`);
  }
  for (const n of seen.values()) assert.equal(n, 1);
});

test("SCAN filters by MATCH and TYPE and reclaims expired keys it meets", () => {
  const h = harness();
  h.run("MSET", "a1", "1", "a2", "2", "b1", "3");
  h.run("SET", "a3", "x", "PX", "5");
  h.clock.advance(10);
  const r = h.run("SCAN", "0", "MATCH", "a*", "COUNT", "100", "TYPE", "string");
  assert.deepEqual(r, array([bulk("0"), array([bulk("a1"), bulk("a2")])]));
  assert.equal(h.server.stats.expiredKeys, 1);
  assert.deepEqual(h.run("SCAN", "0", "TYPE", "hash"), array([bulk("0"), array([])]));
  assert.deepEqual(h.run("SCAN", "0", "TYPE", "zoo"), error("ERR unknown type name 'zoo'"));
  assert.deepEqual(h.run("SCAN", "-1"), error("ERR invalid cursor"));
  assert.deepEqual(h.run("SCAN", "0", "COUNT", "0"), error("ERR syntax error"));
  // A cursor past the end ends the iteration.
  assert.deepEqual(h.run("SCAN", "18446744073709551615"), array([bulk("0"), array([])]));
});

test("SCAN with a small COUNT pages through and ends with cursor 0", () => {
  const h = harness();
  for (let i = 0; i < 25; i++) h.run("SET", `k${i}`, "v");
  const r1 = h.run("SCAN", "0");
  assert.equal(r1.type, "array");
  if (r1.type !== "array") return;
  assert.equal(keysOf(r1.value[1]).length, 10);
  assert.notDeepEqual(r1.value[0], bulk("0"));
});

test("KEYS skips expired keys without deleting them", () => {
  const h = harness();
  h.run("SET", "a", "1", "PX", "5");
  h.run("SET", "b", "1");
  h.clock.advance(6);
  assert.deepEqual(h.run("KEYS", "*"), array([bulk("b")]));
  assert.equal(h.db0.size, 2);
  assert.equal(h.server.stats.expiredKeys, 0);
});

test("RANDOMKEY reclaims expired keys and replies null when all are gone", () => {
  const h = harness();
  for (let i = 0; i < 20; i++) h.run("SET", `k${i}`, "v", "PX", "5");
  h.run("SET", "live", "v");
  h.clock.advance(6);
  assert.deepEqual(h.run("RANDOMKEY"), bulk("live"));
  h.run("DEL", "live");
  assert.deepEqual(h.run("RANDOMKEY"), NULL);
  assert.equal(h.db0.size, 0);
});

test("RANDOMKEY returns every key eventually", () => {
  const h = harness();
  for (let i = 0; i < 5; i++) h.run("SET", `k${i}`, "v");
  h.run("DEL", "k0");
  const seen = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const r = h.run("RANDOMKEY");
    if (r.type === "bulk") seen.add(r.value);
  }
  assert.deepEqual([...seen].sort(), ["k1", "k2", "k3", "k4"]);
});

test("used_memory follows every write exactly", () => {
  const h = harness();
  const ks = h.server.keyspace;
  h.run("SET", "key", "hello");
  assert.equal(ks.usedMemory, KEY_OVERHEAD + 3 + 5);
  h.run("EXPIRE", "key", "100");
  assert.equal(ks.usedMemory, KEY_OVERHEAD + 3 + 5 + EXPIRE_OVERHEAD);
  h.run("SET", "key", "hello!", "KEEPTTL");
  assert.equal(ks.usedMemory, KEY_OVERHEAD + 3 + 6 + EXPIRE_OVERHEAD);
  h.run("SET", "n", "12345");
  assert.equal(ks.usedMemory, KEY_OVERHEAD + 3 + 6 + EXPIRE_OVERHEAD + KEY_OVERHEAD + 1);
  h.run("APPEND", "n", "6");
  h.run("RENAME", "key", "longer-key");
  h.run("COPY", "longer-key", "copy");
  h.session.db = 1;
  h.run("SET", "x", "y");
  h.run("MOVE", "x", "0");
  h.session.db = 0;
  h.run("SETRANGE", "copy", "10", "abc");
  h.run("SETBIT", "bits", "15", "1");
  h.run("INCRBYFLOAT", "f", "1.5");
  h.run("GETEX", "f", "EX", "50");
  h.run("PERSIST", "copy");
  // Recompute from scratch: key overhead + key + value (0 for int-encoded) + TTLs.
  let expected = 0;
  for (const db of ks.dbs) {
    for (const [k, e] of db.entries()) {
      expected += KEY_OVERHEAD + k.length +
        (e.encoding === "int" ? 0 : (e.value as string).length) +
        (db.getExpire(k) !== undefined ? EXPIRE_OVERHEAD : 0);
    }
  }
  assert.equal(ks.usedMemory, expected);
  h.run("DEL", "longer-key", "copy", "n", "x", "bits", "f");
  assert.equal(ks.usedMemory, 0);
});

test("OBJECT IDLETIME counts whole seconds since the last access", () => {
  const h = harness();
  h.run("SET", "k", "v");
  h.clock.advance(5_500);
  assert.deepEqual(h.run("OBJECT", "IDLETIME", "k"), int(5));
  h.run("TYPE", "k");
  h.run("EXISTS", "k");
  h.run("TTL", "k");
  assert.deepEqual(h.run("OBJECT", "IDLETIME", "k"), int(5));
  h.run("TOUCH", "k");
  assert.deepEqual(h.run("OBJECT", "IDLETIME", "k"), int(0));
  h.clock.advance(2_000);
  h.run("GET", "k");
  assert.deepEqual(h.run("OBJECT", "IDLETIME", "k"), int(0));
  assert.deepEqual(h.run("OBJECT", "IDLETIME", "nokey"), NULL);
});

test("OBJECT FREQ under an LFU policy starts at 5, grows with accesses and decays", () => {
  const h = harness();
  h.server.config.maxmemoryPolicy = "allkeys-lfu";
  h.run("SET", "k", "v");
  assert.deepEqual(h.run("OBJECT", "FREQ", "k"), int(5));
  for (let i = 0; i < 200; i++) h.run("GET", "k");
  const r = h.run("OBJECT", "FREQ", "k");
  assert.ok(r.type === "integer" && Number(r.value) > 5 && Number(r.value) <= 255);
  h.clock.advance(3 * 60_000);
  const later = h.run("OBJECT", "FREQ", "k");
  assert.deepEqual(later, int(Number(r.type === "integer" ? r.value : 0) - 3));
  assert.deepEqual(
    h.run("OBJECT", "IDLETIME", "k"),
    error(
      "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
    ),
  );
  h.server.config.maxmemoryPolicy = "noeviction";
  assert.equal(h.run("OBJECT", "FREQ", "k").type, "error");
});

test("OBJECT REFCOUNT: shared integers unless maxmemory uses an LRU/LFU policy", () => {
  const h = harness();
  h.run("SET", "n", "42");
  assert.deepEqual(h.run("OBJECT", "REFCOUNT", "n"), int(2147483647));
  h.server.config.maxmemory = 1 << 30;
  h.server.config.maxmemoryPolicy = "allkeys-lru";
  h.run("SET", "m", "42");
  assert.deepEqual(h.run("OBJECT", "REFCOUNT", "m"), int(1));
  assert.deepEqual(h.run("OBJECT", "ENCODING", "m"), bulk("int"));
});

test("COPY and MOVE reach other databases and keep TTLs", () => {
  const h = harness();
  h.run("SET", "k", "v", "EX", "100");
  assert.deepEqual(h.run("COPY", "k", "k", "DB", "2"), int(1));
  assert.deepEqual(h.run("MOVE", "k", "3"), int(1));
  assert.deepEqual(h.run("EXISTS", "k"), int(0));
  assert.deepEqual(h.run("MOVE", "k", "16"), error("ERR DB index is out of range"));
  assert.deepEqual(h.run("COPY", "k", "x", "DB", "16"), error("ERR DB index is out of range"));
  h.session.db = 2;
  assert.deepEqual(h.run("TTL", "k"), int(100));
  h.session.db = 3;
  assert.deepEqual(h.run("GET", "k"), bulk("v"));
  assert.deepEqual(h.run("MOVE", "k", "2"), int(0));
  assert.deepEqual(
    h.run("MOVE", "k", "3"),
    error("ERR source and destination objects are the same"),
  );
});

test("COPY duplicates values of other types through clone()", () => {
  const h = harness();
  const db = h.db0;
  const value = {
    items: ["a"],
    clone() {
      return { items: [...this.items], clone: this.clone };
    },
  };
  db.set("l", { type: "list", value, lru: T0, lfu: 5 });
  db.adjustKeyMemory("l", 100);
  const before = h.server.keyspace.usedMemory;
  assert.deepEqual(h.run("COPY", "l", "l2"), int(1));
  const copy = db.peek("l2")!.value as typeof value;
  assert.notEqual(copy, value);
  assert.deepEqual(copy.items, ["a"]);
  assert.equal(h.server.keyspace.usedMemory, before + KEY_OVERHEAD + 2 + 100);
  assert.deepEqual(h.run("TYPE", "l2"), status("list"));
});

test("commands in a script see the script's frozen time", () => {
  const h = harness();
  h.run("SET", "k", "v", "PX", "10");
  const frozen = h.clock.now();
  h.clock.advance(50);
  const lookup = h.server.lookup(["GET", "k"]);
  assert.ok(!("text" in lookup));
  if ("text" in lookup) return;
  const r = h.server.call(h.session, lookup, ["GET", "k"], frozen, false, { inScript: true });
  assert.deepEqual(r, bulk("v"));
  assert.deepEqual(h.run("GET", "k"), NULL);
});

test("RENAME of a missing key and same-key renames", () => {
  const h = harness();
  assert.deepEqual(h.run("RENAME", "a", "b"), error("ERR no such key"));
  assert.deepEqual(h.run("RENAMENX", "a", "b"), error("ERR no such key"));
  h.run("SET", "a", "1");
  assert.deepEqual(h.run("RENAME", "a", "a"), OK);
  assert.deepEqual(h.run("RENAMENX", "a", "a"), int(0));
});
