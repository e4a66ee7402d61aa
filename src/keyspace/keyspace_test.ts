import { test } from "node:test";
import assert from "node:assert/strict";
import type { Bytes } from "../bytes.ts";
import { ExpireHeap } from "./expire.ts";
import { type Entry, EXPIRE_OVERHEAD, KEY_OVERHEAD, Keyspace } from "./keyspace.ts";

function keyspace(dbs = 2) {
  const modified: string[] = [];
  const expired: string[] = [];
  const ks = new Keyspace(dbs, {
    modified: (db, k) => modified.push(`${db}:${k}`),
    expired: (db, k) => expired.push(`${db}:${k}`),
  });
  return { ks, db: ks.dbs[0], modified, expired };
}

function str(value: Bytes): Entry {
  return { type: "string", value, lru: 0, lfu: 5, encoding: "embstr" };
}

function scanAll(db: ReturnType<typeof keyspace>["db"], count: number): Bytes[] {
  const out: Bytes[] = [];
  let cursor = 0n;
  do {
    const step = db.scan(cursor, count);
    out.push(...step.keys);
    cursor = step.cursor;
  } while (cursor !== 0n);
  return out;
}

test("ExpireHeap pops deadlines in order", () => {
  const h = new ExpireHeap();
  const ats = [50, 10, 40, 10, 30, 20, 60];
  ats.forEach((at, i) => h.push(at, `k${i}`));
  const out: number[] = [];
  for (let x = h.pop(); x !== undefined; x = h.pop()) out.push(x.at);
  assert.deepEqual(out, [...ats].sort((a, b) => a - b));
  assert.equal(h.size, 0);
});

test("scan visits keys in insertion order and survives compaction", () => {
  const { db } = keyspace();
  for (let i = 0; i < 200; i++) db.set(`k${i}`, str("v"));
  const first = db.scan(0n, 50);
  for (let i = 0; i < 150; i++) db.delete(`k${i}`); // triggers compaction
  db.set("k199", str("overwrite keeps its place"));
  db.set("late", str("v"));
  const rest: Bytes[] = [];
  let cursor = first.cursor;
  while (cursor !== 0n) {
    const step = db.scan(cursor, 7);
    rest.push(...step.keys);
    cursor = step.cursor;
  }
  assert.deepEqual(first.keys, Array.from({ length: 50 }, (_, i) => `k${i}`));
  assert.deepEqual(rest, [...Array.from({ length: 50 }, (_, i) => `k${150 + i}`), "late"]);
  assert.deepEqual(scanAll(db, 1000).length, 51);
});

test("a deleted and re-added key goes to the end of the scan order", () => {
  const { db } = keyspace();
  for (const k of ["a", "b", "c"]) db.set(k, str("v"));
  db.delete("a");
  db.set("a", str("v"));
  assert.deepEqual(scanAll(db, 1), ["b", "c", "a"]);
});

test("other types are charged their memoryUsage, re-estimated by recharge", () => {
  const { ks, db } = keyspace();
  const value = { memoryUsage: 40 };
  db.set("h", { type: "hash", value, lru: 0, lfu: 5 });
  assert.equal(ks.usedMemory, KEY_OVERHEAD + 1 + 40);
  db.setExpire("h", 10);
  value.memoryUsage = 90;
  db.recharge("h");
  assert.equal(ks.usedMemory, KEY_OVERHEAD + 1 + 90 + EXPIRE_OVERHEAD);
  db.delete("h");
  assert.equal(ks.usedMemory, 0);
});

test("memory charged to a key is released with it", () => {
  const { ks, db } = keyspace();
  db.set("k", { type: "list", value: [], lru: 0, lfu: 5 });
  db.adjustKeyMemory("k", 100);
  db.setExpire("k", 1000);
  assert.equal(ks.usedMemory, KEY_OVERHEAD + 1 + 100 + EXPIRE_OVERHEAD);
  db.set("k", str("xyz"), true);
  assert.equal(ks.usedMemory, KEY_OVERHEAD + 1 + 3 + EXPIRE_OVERHEAD);
  db.persist("k");
  assert.equal(ks.usedMemory, KEY_OVERHEAD + 1 + 3);
  db.setExpire("k", 5);
  assert.equal(db.expireIfNeeded("k", 6), true);
  assert.equal(ks.usedMemory, 0);
  db.set("a", str("1"));
  db.set("b", str("2"));
  db.clear();
  assert.equal(ks.usedMemory, 0);
});

test("lazy and active expiry use now > deadline and report expirations", () => {
  const { ks, db, expired, modified } = keyspace();
  db.set("a", str("v"));
  db.setExpire("a", 100);
  db.set("b", str("v"));
  db.setExpire("b", 100);
  db.setExpire("b", 300); // the first heap entry for b is stale now
  assert.notEqual(db.get("a", 100), undefined);
  assert.equal(ks.activeExpireCycle(100), 0);
  assert.equal(ks.activeExpireCycle(101), 1);
  assert.equal(ks.activeExpireCycle(250), 0);
  assert.equal(db.get("b", 301), undefined);
  assert.deepEqual(expired, ["0:a", "0:b"]);
  assert.ok(modified.includes("0:a") && modified.includes("0:b"));
});

test("swapWith exchanges keys, TTLs and scan order", () => {
  const { ks } = keyspace();
  const [d0, d1] = ks.dbs;
  d0.set("a", str("v"));
  d0.setExpire("a", 10);
  d1.set("b", str("v"));
  d0.swapWith(d1);
  assert.deepEqual(scanAll(d0, 10), ["b"]);
  assert.deepEqual(scanAll(d1, 10), ["a"]);
  assert.equal(d1.getExpire("a"), 10);
  assert.equal(ks.activeExpireCycle(11), 1);
  assert.equal(d1.size, 0);
});

test("randomKey finds the only live key among holes", () => {
  const { db } = keyspace();
  for (let i = 0; i < 100; i++) db.set(`k${i}`, str("v"));
  for (let i = 0; i < 99; i++) db.delete(`k${i}`);
  assert.equal(db.randomKey(0), "k99");
  db.delete("k99");
  assert.equal(db.randomKey(0), undefined);
});
