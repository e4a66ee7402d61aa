// Eviction policies under maxmemory (spec MEM-2): statistical tests with a seeded random source
// (ServerOptions.random) and a manual clock to age keys. Each policy must evict the keys it
// should — Valkey's sampling approximations are good, not exact, so the thresholds leave room —
// and volatile-* / noeviction must never evict what they must not.

import { test } from "node:test";
import assert from "node:assert/strict";
import type { Bytes } from "../bytes.ts";
import { manualClock } from "../clock.ts";
import { usedMemory } from "../gates.ts";
import { error, NULL_ARRAY, OK } from "../resp/reply.ts";
import { Server } from "../server.ts";
import { mulberry32 } from "../types/_test_rng.ts";
import { Keyspace } from "./keyspace.ts";

const T0 = 1_704_067_200_000;
const N = 1000;
const VALUE = "v".repeat(100);
/** keyspace.ts: 56 + key bytes + value bytes (keys are `k0000`…). */
const KEY_BYTES = 56 + 5 + 100;
const OOM = error("OOM command not allowed when used memory > 'maxmemory'.");

const name = (i: number) => `k${String(i).padStart(4, "0")}`;
const ALL = Array.from({ length: N }, (_, i) => name(i));

function setup(policy: string, seed = 7) {
  const clock = manualClock(T0);
  const server = new Server({ clock, random: mulberry32(seed), maxmemoryPolicy: policy });
  const session = server.createSession();
  const run = (...argv: Bytes[]) => server.execute(session, argv);
  /** Sets maxmemory `bytes` below current usage and lets the next command evict. */
  const squeeze = (bytes: number) => {
    assert.deepEqual(run("CONFIG", "SET", "maxmemory", String(usedMemory(server) - bytes)), OK);
    run("PING");
  };
  const gone = (keys: readonly Bytes[], db = 0) =>
    keys.filter((k) => server.keyspace.dbs[db].peek(k) === undefined);
  return { clock, server, run, squeeze, gone };
}

/** Fraction of `evicted` whose index is below `n`. */
function fractionBelow(evicted: readonly Bytes[], n: number): number {
  return evicted.filter((k) => Number(k.slice(1)) < n).length / evicted.length;
}

test("allkeys-lru evicts the keys idle the longest", () => {
  const { clock, run, squeeze, gone, server } = setup("allkeys-lru");
  for (let i = 0; i < N; i++) {
    clock.set(T0 + i * 1000);
    run("SET", name(i), VALUE);
  }
  clock.advance(1000);
  squeeze(500 * KEY_BYTES);
  const evicted = gone(ALL);
  assert.equal(evicted.length, 500);
  assert.equal(server.stats.evictedKeys, 500);
  const frac = fractionBelow(evicted, 500);
  assert.ok(frac >= 0.9, `only ${frac} of the evicted keys were the older half`);
  // The oldest tenth is practically gone, the newest tenth practically untouched.
  assert.ok(gone(ALL.slice(0, 100)).length >= 90);
  assert.ok(gone(ALL.slice(900)).length <= 5);
});

test("allkeys-lru: an access makes a key recent again", () => {
  const { clock, run, squeeze, gone } = setup("allkeys-lru", 11);
  for (let i = 0; i < N; i++) {
    clock.set(T0 + i * 1000);
    run("SET", name(i), VALUE);
  }
  // The 100 oldest keys are read last: they become the most recent.
  clock.advance(5000);
  for (let i = 0; i < 100; i++) run("GET", name(i));
  clock.advance(1000);
  squeeze(500 * KEY_BYTES);
  assert.ok(gone(ALL.slice(0, 100)).length <= 5);
  assert.ok(fractionBelow(gone(ALL.slice(100)), 600) >= 0.9);
});

test("allkeys-lfu evicts the least frequently used keys", () => {
  const { run, squeeze, gone } = setup("allkeys-lfu");
  for (let i = 0; i < N; i++) run("SET", name(i), VALUE);
  // Even keys are hot: read 50 times each (the log counter climbs); odd keys are never read.
  for (let r = 0; r < 50; r++) for (let i = 0; i < N; i += 2) run("GET", name(i));
  squeeze(500 * KEY_BYTES);
  const evicted = gone(ALL);
  assert.equal(evicted.length, 500);
  const cold = evicted.filter((k) => Number(k.slice(1)) % 2 === 1).length / evicted.length;
  assert.ok(cold >= 0.9, `only ${cold} of the evicted keys were cold`);
});

test("allkeys-lfu: counters decay with lfu-decay-time, not when it is 0", () => {
  for (const decay of ["1", "0"]) {
    const { clock, run, squeeze, gone } = setup("allkeys-lfu", 3);
    run("CONFIG", "SET", "lfu-decay-time", decay);
    // Keys 0..499: hot an hour ago. Keys 500..999: read twice just now.
    for (let i = 0; i < 500; i++) run("SET", name(i), VALUE);
    for (let r = 0; r < 100; r++) for (let i = 0; i < 500; i++) run("GET", name(i));
    clock.advance(60 * 60_000);
    for (let i = 500; i < N; i++) run("SET", name(i), VALUE);
    for (let r = 0; r < 2; r++) for (let i = 500; i < N; i++) run("GET", name(i));
    squeeze(500 * KEY_BYTES);
    const oldHot = fractionBelow(gone(ALL), 500);
    if (decay === "1") assert.ok(oldHot >= 0.9, `decayed keys evicted: ${oldHot}`);
    else assert.ok(oldHot <= 0.1, `undecayed hot keys evicted: ${oldHot}`);
  }
});

test("allkeys-random evicts about uniformly, visiting the databases in turn", () => {
  const { clock, run, squeeze, gone } = setup("allkeys-random");
  for (let i = 0; i < N; i++) {
    clock.set(T0 + i * 1000);
    run("SET", name(i), VALUE);
  }
  run("SELECT", "1");
  for (let i = 0; i < N; i++) run("SET", name(i), VALUE);
  run("SELECT", "0");
  squeeze(1000 * KEY_BYTES);
  const db0 = gone(ALL, 0), db1 = gone(ALL, 1);
  assert.equal(db0.length + db1.length, 1000);
  assert.ok(Math.abs(db0.length - db1.length) <= 2, `${db0.length} vs ${db1.length}`);
  const frac = fractionBelow(db0, 500);
  assert.ok(frac > 0.4 && frac < 0.6, `older half share ${frac}`);
});

test("volatile-lru evicts only keys with a TTL, oldest first; then OOM", () => {
  const { clock, run, squeeze, gone, server } = setup("volatile-lru");
  for (let i = 0; i < N; i++) {
    clock.set(T0 + i * 1000);
    if (i % 2 === 0) run("SET", name(i), VALUE, "EX", "100000");
    else run("SET", name(i), VALUE);
  }
  clock.advance(1000);
  squeeze(200 * (KEY_BYTES + 32));
  const evicted = gone(ALL);
  assert.equal(evicted.length, 200);
  assert.ok(evicted.every((k) => Number(k.slice(1)) % 2 === 0), "a key without TTL was evicted");
  assert.ok(fractionBelow(evicted, 500) >= 0.9);
  // Nothing volatile left to evict: every TTL key goes, then deny-oom commands fail.
  assert.deepEqual(run("CONFIG", "SET", "maxmemory", "1"), OK);
  assert.deepEqual(run("SET", "x", "y"), OOM);
  assert.equal(gone(ALL).length, 500);
  assert.equal(server.keyspace.dbs[0].expiresCount, 0);
  assert.equal(server.stats.evictedKeys, 500);
});

test("volatile-ttl evicts the nearest deadlines first", () => {
  const { run, squeeze, gone } = setup("volatile-ttl");
  // Deadlines in a shuffled order of creation, so creation order says nothing.
  const random = mulberry32(99);
  const ttl = ALL.map((_, i) => i);
  for (let i = ttl.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ttl[i], ttl[j]] = [ttl[j], ttl[i]];
  }
  for (let i = 0; i < N; i++) run("SET", name(i), VALUE, "EX", String(1000 + ttl[i]));
  run("SET", "persistent", VALUE);
  squeeze(500 * (KEY_BYTES + 32));
  const evicted = gone(ALL);
  assert.equal(evicted.length, 500);
  const near = evicted.filter((k) => ttl[Number(k.slice(1))] < 500).length / evicted.length;
  assert.ok(near >= 0.9, `only ${near} of the evicted keys had the nearer half of deadlines`);
  assert.equal(gone(["persistent"]).length, 0);
});

test("volatile-random evicts only keys with a TTL", () => {
  const { run, squeeze, gone } = setup("volatile-random");
  for (let i = 0; i < N; i++) {
    if (i % 4 === 0) run("SET", name(i), VALUE, "PX", "9999999");
    else run("SET", name(i), VALUE);
  }
  squeeze(150 * (KEY_BYTES + 32));
  const evicted = gone(ALL);
  assert.equal(evicted.length, 150);
  assert.ok(evicted.every((k) => Number(k.slice(1)) % 4 === 0));
  const frac = fractionBelow(evicted, 500);
  assert.ok(frac > 0.35 && frac < 0.65, `${frac}`);
});

test("volatile-lfu evicts only keys with a TTL, the cold ones first", () => {
  const { run, squeeze, gone } = setup("volatile-lfu");
  for (let i = 0; i < N; i++) {
    if (i % 2 === 0) run("SET", name(i), VALUE, "EX", "100000");
    else run("SET", name(i), VALUE);
  }
  // Among TTL keys, multiples of 4 are hot.
  for (let r = 0; r < 50; r++) for (let i = 0; i < N; i += 4) run("GET", name(i));
  squeeze(250 * (KEY_BYTES + 32));
  const evicted = gone(ALL);
  assert.equal(evicted.length, 250);
  assert.ok(evicted.every((k) => Number(k.slice(1)) % 2 === 0));
  const cold = evicted.filter((k) => Number(k.slice(1)) % 4 === 2).length / evicted.length;
  assert.ok(cold >= 0.9, `${cold}`);
});

test("noeviction evicts nothing: deny-oom commands fail, the rest runs", () => {
  const { run, squeeze, gone, server } = setup("noeviction");
  for (let i = 0; i < 100; i++) run("SET", name(i), VALUE, "EX", "100");
  squeeze(50 * KEY_BYTES);
  assert.equal(gone(ALL.slice(0, 100)).length, 0);
  assert.deepEqual(run("SET", "x", "y"), OOM);
  assert.deepEqual(run("GET", name(1)), { type: "bulk", value: VALUE });
  assert.equal(server.stats.evictedKeys, 0);
});

test("an evicted key fails the EXEC of a client watching it", () => {
  const { run, server } = setup("allkeys-random");
  run("SET", "watched", VALUE);
  const other = server.createSession();
  assert.deepEqual(server.execute(other, ["WATCH", "watched"]), OK);
  server.execute(other, ["MULTI"]);
  server.execute(other, ["GET", "watched"]);
  run("CONFIG", "SET", "maxmemory", "1");
  run("PING");
  assert.deepEqual(server.execute(other, ["EXEC"]), NULL_ARRAY);
});

test("pool candidates whose key is gone are skipped (ghosts)", () => {
  const { clock, run, squeeze, gone } = setup("allkeys-lru");
  for (let i = 0; i < N; i++) {
    clock.set(T0 + i * 1000);
    run("SET", name(i), VALUE);
  }
  squeeze(10 * KEY_BYTES);
  run("FLUSHALL");
  for (let i = 0; i < 100; i++) run("SET", name(i), VALUE);
  squeeze(30 * KEY_BYTES);
  assert.equal(gone(ALL.slice(0, 100)).length, 30);
});

test("Db.sampleKeys / sampleVolatile: distinct keys, all of them when few, bounded draws", () => {
  const ks = new Keyspace(1, { modified: () => {}, expired: () => {} });
  const db = ks.dbs[0];
  const entry = () => ({ type: "string" as const, value: "x", lru: 0, lfu: 5 });
  for (let i = 0; i < 3; i++) db.set(`a${i}`, entry());
  assert.deepEqual(db.sampleKeys(5, Math.random).sort(), ["a0", "a1", "a2"]);
  for (let i = 0; i < 100; i++) db.set(`b${i}`, entry());
  const five = db.sampleKeys(5, mulberry32(1));
  assert.equal(new Set(five).size, 5);
  // A degenerate source cannot hang: fewer keys come back.
  assert.equal(db.sampleKeys(5, () => 0).length, 1);
  db.setExpire("b1", 1000);
  db.setExpire("b2", 2000);
  assert.deepEqual(db.sampleVolatile(5, Math.random).sort(), [["b1", 1000], ["b2", 2000]]);
  for (let i = 0; i < 2000; i++) {
    db.set(`c${i}`, entry());
    db.setExpire(`c${i}`, 5000 + i);
  }
  const v = db.sampleVolatile(5, mulberry32(2));
  assert.equal(new Set(v.map(([k]) => k)).size, 5);
  for (const [k, at] of v) assert.equal(db.getExpire(k), at);
});
