import { test } from "node:test";
import assert from "node:assert/strict";
import type { Bytes } from "../bytes.ts";
import { array, type ArrayReply, bulk, int, type Reply, set } from "../resp/reply.ts";
import { harness, recomputedMemory } from "../testing/harness.ts";

const members = (r: Reply): Bytes[] =>
  r.type === "set" || r.type === "array" ? r.value.map((x) => (x as { value: Bytes }).value) : [];

test("SMEMBERS lists a listpack set in insertion order, an intset ascending", () => {
  const h = harness();
  h.run("SADD", "s", "b", "a", "c");
  assert.deepEqual(h.run("OBJECT", "ENCODING", "s"), bulk("listpack"));
  assert.deepEqual(h.run("SMEMBERS", "s"), set([bulk("b"), bulk("a"), bulk("c")]));
  h.run("SADD", "i", "30", "-1", "20");
  assert.deepEqual(members(h.run("SMEMBERS", "i")), ["-1", "20", "30"]);
  // An intset turning into a listpack keeps its ascending order, then appends.
  h.run("SADD", "i", "x", "5");
  assert.deepEqual(h.run("OBJECT", "ENCODING", "i"), bulk("listpack"));
  assert.deepEqual(members(h.run("SMEMBERS", "i")), ["-1", "20", "30", "x", "5"]);
});

test("SDIFF's algorithm choice shows in the result order and encoding", () => {
  const h = harness();
  // Algorithm 1 (small first set): only the surviving members go into a fresh intset.
  h.run("SADD", "a", "5", "x", "3");
  h.run("SADD", "b", "x", "y", "z", "w", "v");
  assert.deepEqual(members(h.run("SDIFF", "a", "b")), ["3", "5"]);
  h.run("SDIFFSTORE", "d", "a", "b");
  assert.deepEqual(h.run("OBJECT", "ENCODING", "d"), bulk("intset"));
  // Same first set: with one small set Valkey still estimates algorithm 1 cheaper (7 ≤ 7 + 1)...
  h.run("SADD", "big", "5", "x", "3", "q", "r", "s", "t");
  h.run("SADD", "small", "x");
  h.run("SADD", "other", "zz");
  assert.deepEqual(members(h.run("SDIFF", "big", "small")), ["3", "5", "q", "r", "s", "t"]);
  // ...with two, algorithm 2 (10 > 7 + 1 + 1): all added, then removed; the listpack order stays.
  assert.deepEqual(members(h.run("SDIFF", "big", "small", "other")), [
    "5",
    "3",
    "q",
    "r",
    "s",
    "t",
  ]);
});

test("SINTERSTORE iterates the smallest set and converts an all-integer result to an intset", () => {
  const h = harness();
  h.run("SADD", "a", "y", "2", "1", "x");
  h.run("SADD", "b", "1", "2", "z");
  assert.deepEqual(members(h.run("SINTER", "a", "b")), ["1", "2"]);
  assert.deepEqual(h.run("SINTERSTORE", "d", "a", "b"), int(2));
  assert.deepEqual(h.run("OBJECT", "ENCODING", "d"), bulk("intset"));
  h.run("SADD", "c", "x", "y");
  h.run("SINTERSTORE", "d", "a", "c");
  assert.deepEqual(h.run("OBJECT", "ENCODING", "d"), bulk("listpack"));
  assert.deepEqual(members(h.run("SMEMBERS", "d")), ["x", "y"]);
});

test("SPOP with a count close to the size rebuilds the set (CASE 3)", () => {
  const h = harness();
  const all = Array.from({ length: 200 }, (_, i) => `m${i}`);
  h.run("SADD", "s", ...all);
  assert.deepEqual(h.run("OBJECT", "ENCODING", "s"), bulk("hashtable"));
  const popped = members(h.run("SPOP", "s", "190"));
  assert.equal(popped.length, 190);
  assert.equal(new Set(popped).size, 190);
  const left = members(h.run("SMEMBERS", "s"));
  assert.equal(left.length, 10);
  assert.deepEqual([...popped, ...left].sort(), [...all].sort());
  // Valkey moves the 10 members left into a new set: a listpack again.
  assert.deepEqual(h.run("OBJECT", "ENCODING", "s"), bulk("listpack"));
});

test("SRANDMEMBER with a negative count may repeat; with a positive count it never does", () => {
  const h = harness();
  h.run("SADD", "s", "a", "b", "c");
  const seen = new Set<Bytes>();
  for (let i = 0; i < 50; i++) {
    for (const m of members(h.run("SRANDMEMBER", "s", "-4"))) seen.add(m);
  }
  assert.deepEqual([...seen].sort(), ["a", "b", "c"]);
  for (let i = 0; i < 50; i++) {
    const two = members(h.run("SRANDMEMBER", "s", "2"));
    assert.equal(new Set(two).size, 2);
  }
});

test("SSCAN walks a hashtable set with cursors, whatever changes between the calls", () => {
  const h = harness();
  const all = Array.from({ length: 500 }, (_, i) => `k${i}`);
  h.run("SADD", "s", ...all);
  const seen = new Map<Bytes, number>();
  let cursor = "0";
  let calls = 0;
  do {
    const r = h.run("SSCAN", "s", cursor, "COUNT", "20") as ArrayReply;
    cursor = (r.value[0] as { value: Bytes }).value;
    const got = members(r.value[1]);
    assert.ok(got.length <= 40, `COUNT 20 gave ${got.length}`);
    for (const m of got) seen.set(m, (seen.get(m) ?? 0) + 1);
    // Members come and go during the iteration.
    h.run("SREM", "s", `k${calls * 7}`);
    h.run("SADD", "s", `new${calls}`);
    calls++;
  } while (cursor !== "0");
  assert.ok(calls > 10, `only ${calls} calls`);
  // Every member present during the whole iteration was returned exactly once.
  for (let i = 0; i < 500; i++) {
    const removedAt = i % 7 === 0 ? i / 7 : Infinity;
    if (removedAt < calls) continue;
    assert.equal(seen.get(`k${i}`), 1, `k${i}`);
  }
  for (const n of seen.values()) assert.equal(n, 1);
});

test("SSCAN MATCH filters after visiting, so COUNT bounds the work, not the reply", () => {
  const h = harness();
  h.run("SADD", "s", ...Array.from({ length: 300 }, (_, i) => `k${i}`));
  const r = h.run("SSCAN", "s", "0", "MATCH", "k1??", "COUNT", "1000") as ArrayReply;
  assert.deepEqual(r.value[0], bulk("0"));
  assert.equal(members(r.value[1]).length, 100);
});

test("set writes keep used_memory equal to a recount, through every encoding", () => {
  const h = harness();
  const check = (what: string) =>
    assert.equal(h.server.keyspace.usedMemory, recomputedMemory(h.server), what);
  h.run("SADD", "s", "1", "2", "3");
  check("intset");
  h.run("SADD", "s", "100000", "10000000000");
  check("wider intset");
  h.run("SADD", "s", "x");
  check("listpack");
  h.run("SADD", "s", ...Array.from({ length: 200 }, (_, i) => `m${i}`));
  check("hashtable");
  h.run("SREM", "s", "m1", "m2", "1");
  check("srem");
  h.run("SPOP", "s", "150");
  check("spop");
  h.run("SMOVE", "s", "t", "x");
  check("smove");
  h.run("EXPIRE", "t", "100");
  h.run("SINTERSTORE", "t", "s", "s");
  check("store over a key with a TTL");
  h.run("SUNIONSTORE", "u", "s", "t");
  h.run("SDIFFSTORE", "u", "s", "t");
  check("diffstore to empty");
  h.run("SPOP", "s", "1000");
  check("spop all");
  assert.deepEqual(h.run("EXISTS", "s"), int(0));
});

test("set commands signal WATCH only when they change something", () => {
  const h = harness();
  h.run("SADD", "s", "a");
  h.modified.length = 0;
  h.run("SADD", "s", "a");
  h.run("SREM", "s", "zz");
  h.run("SMOVE", "s", "t", "zz");
  h.run("SPOP", "s", "0");
  assert.deepEqual(h.modified, []);
  h.run("SADD", "s", "b");
  h.run("SMOVE", "s", "t", "a");
  assert.deepEqual(h.modified, ["0:s", "0:s", "0:t"]);
});

test("SMEMBERS and friends reply RESP3 sets, SRANDMEMBER arrays", () => {
  const h = harness();
  h.run("HELLO", "3");
  h.run("SADD", "s", "a");
  assert.deepEqual(h.run("SMEMBERS", "s"), set([bulk("a")]));
  assert.deepEqual(h.run("SUNION", "s"), set([bulk("a")]));
  assert.deepEqual(h.run("SRANDMEMBER", "s", "5"), array([bulk("a")]));
});
