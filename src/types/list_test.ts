import { test } from "node:test";
import assert from "node:assert/strict";
import { ListValue } from "./list.ts";
import { clampIndexRange } from "./range.ts";
import { DEFAULT_ENCODING_LIMITS, type EncodingLimits, lpEntrySize } from "./encoding.ts";
import { mulberry32, randInt } from "./_test_rng.ts";

function rpush(l: ListValue, ...values: string[]): void {
  l.push(values, false);
}

/** Bookkeeping invariants: node counts and sizes agree with the elements they hold. */
function checkShape(l: ListValue, ctx: string): void {
  const items = [...l];
  const shape = l.quicklistShape();
  if (l.encoding === "listpack") {
    assert.equal(shape.length, 0, ctx);
    assert.equal(l.memoryUsage, 7 + items.reduce((s, v) => s + lpEntrySize(v), 0), ctx);
    return;
  }
  let i = 0;
  let mem = 40;
  for (const node of shape) {
    assert.equal(node.count >= 1, true, ctx);
    const slice = items.slice(i, i + node.count);
    if (node.plain) {
      assert.equal(node.count, 1, ctx);
      assert.equal(node.sz, slice[0].length, ctx);
    } else {
      assert.equal(node.sz, 7 + slice.reduce((s, v) => s + lpEntrySize(v), 0), ctx);
    }
    i += node.count;
    mem += 32 + node.sz;
  }
  assert.equal(i, items.length, ctx);
  assert.equal(l.memoryUsage, mem, ctx);
}

function randomValue(rnd: () => number): string {
  const k = randInt(rnd, 100);
  if (k < 40) return String.fromCharCode(97 + randInt(rnd, 4));
  if (k < 70) return String(randInt(rnd, 3000) - 100);
  if (k < 97) return "v".repeat(randInt(rnd, 600));
  return "L".repeat(8193 + randInt(rnd, 100)); // a PLAIN node with the default fill
}

function runRandomized(seed: number, steps: number, limits: EncodingLimits): void {
  const rnd = mulberry32(seed);
  const l = new ListValue({ limits });
  let m: string[] = [];
  let sawQuicklist = false;
  for (let step = 0; step < steps; step++) {
    const op = randInt(rnd, 14);
    const ctx = `seed ${seed} step ${step} op ${op}`;
    const n = m.length;
    if (op <= 2) { // LPUSH / RPUSH
      const values = Array.from({ length: 1 + randInt(rnd, 4) }, () => randomValue(rnd));
      const head = op === 0;
      l.push(values, head);
      for (const v of values) head ? m.unshift(v) : m.push(v);
    } else if (op === 3) { // LPOP / RPOP
      const head = rnd() < 0.5;
      assert.equal(head ? l.popHead() : l.popTail(), head ? m.shift() : m.pop(), ctx);
      if (l.length > 0) l.shrinkIfSmall();
    } else if (op === 4) { // LPOP / RPOP count
      const count = randInt(rnd, 5);
      const head = rnd() < 0.5;
      const expected = head ? m.slice(0, count) : m.slice(Math.max(0, n - count)).reverse();
      assert.deepEqual(head ? l.popHeadMany(count) : l.popTailMany(count), expected, ctx);
      m = head ? m.slice(expected.length) : m.slice(0, n - expected.length);
      if (l.length > 0) l.shrinkIfSmall();
    } else if (op === 5) { // LSET
      const i = randInt(rnd, n + 4) - 2 - (rnd() < 0.5 ? n : 0);
      const v = randomValue(rnd);
      l.growFor([v]);
      const j = i < 0 ? n + i : i;
      const ok = j >= 0 && j < n;
      assert.equal(l.set(i, v), ok, ctx);
      if (ok) {
        m[j] = v;
        l.shrinkIfSmall();
      }
    } else if (op === 6) { // LINSERT
      const pivot = n > 0 && rnd() < 0.8 ? m[randInt(rnd, n)] : "missing";
      const v = randomValue(rnd);
      const after = rnd() < 0.5;
      l.growFor([v]);
      const at = m.indexOf(pivot);
      assert.equal(l.insert(pivot, v, after), at < 0 ? -1 : n + 1, ctx);
      if (at >= 0) m.splice(after ? at + 1 : at, 0, v);
    } else if (op === 7) { // LREM
      const v = n > 0 && rnd() < 0.8 ? m[randInt(rnd, n)] : "a";
      const count = randInt(rnd, 7) - 3;
      let removed = 0;
      const limit = count === 0 ? Infinity : Math.abs(count);
      const keep = new Array(n).fill(true);
      const order = count >= 0 ? [...m.keys()] : [...m.keys()].reverse();
      for (const k of order) {
        if (removed < limit && m[k] === v) {
          keep[k] = false;
          removed++;
        }
      }
      assert.equal(l.remove(v, count), removed, ctx);
      m = m.filter((_, k) => keep[k]);
      if (removed > 0 && l.length > 0) l.shrinkIfSmall();
    } else if (op === 8) { // LTRIM
      const start = randInt(rnd, 2 * n + 4) - n - 2;
      const stop = randInt(rnd, 2 * n + 4) - n - 2;
      l.trim(start, stop);
      const r = clampIndexRange(start, stop, n);
      m = r === undefined ? [] : m.slice(r.start, r.stop + 1);
      if (l.length > 0) l.shrinkIfSmall();
    } else if (op === 9) { // LRANGE
      const start = randInt(rnd, 2 * n + 4) - n - 2;
      const stop = randInt(rnd, 2 * n + 4) - n - 2;
      const r = clampIndexRange(start, stop, n);
      assert.deepEqual(
        l.range(start, stop),
        r === undefined ? [] : m.slice(r.start, r.stop + 1),
        ctx,
      );
    } else if (op === 10) { // LINDEX
      const i = randInt(rnd, 2 * n + 4) - n - 2;
      assert.equal(l.at(i), i < 0 ? m[n + i] : m[i], ctx);
    } else if (op === 11) { // LPOS
      const v = n > 0 && rnd() < 0.8 ? m[randInt(rnd, n)] : "b";
      const rank = (rnd() < 0.5 ? 1 : -1) * (1 + randInt(rnd, 3));
      const count = randInt(rnd, 3);
      const maxlen = rnd() < 0.5 ? 0 : randInt(rnd, n + 2);
      const expected: number[] = [];
      let matches = 0;
      for (let step2 = 0; step2 < n && (maxlen === 0 || step2 < maxlen); step2++) {
        const k = rank > 0 ? step2 : n - 1 - step2;
        if (m[k] !== v) continue;
        if (++matches < Math.abs(rank)) continue;
        expected.push(k);
        if (count !== 0 && expected.length >= count) break;
      }
      assert.deepEqual(l.positions(v, rank, count, maxlen), expected, ctx);
    } else if (op === 12) { // insertAt / removeAt
      if (n > 0 && rnd() < 0.5) {
        const i = randInt(rnd, n);
        assert.equal(l.removeAt(i), m[i], ctx);
        m.splice(i, 1);
      } else {
        const i = randInt(rnd, n + 1);
        const v = randomValue(rnd);
        l.insertAt(i, v);
        m.splice(i, 0, v);
      }
    } else { // clone
      const c = l.clone();
      assert.deepEqual([...c], m, ctx);
      assert.deepEqual(c.quicklistShape(), l.quicklistShape(), ctx);
      assert.equal(c.encoding, l.encoding, ctx);
    }
    if (l.encoding === "quicklist") sawQuicklist = true;
    assert.equal(l.length, m.length, ctx);
    if (step % 7 === 0) {
      assert.deepEqual([...l], m, ctx);
      assert.deepEqual([...l.valuesReversed()], [...m].reverse(), ctx);
    }
    checkShape(l, ctx);
  }
  assert.equal(sawQuicklist, true);
}

test("ListValue matches an array model over random commands (default limits)", () => {
  for (let seed = 1; seed <= 3; seed++) runRandomized(seed, 2500, DEFAULT_ENCODING_LIMITS);
});

test("ListValue matches an array model with count-based and 4 KB node limits", () => {
  runRandomized(21, 2000, { ...DEFAULT_ENCODING_LIMITS, listMaxListpackSize: 5 });
  runRandomized(22, 2000, { ...DEFAULT_ENCODING_LIMITS, listMaxListpackSize: -1 });
  runRandomized(23, 1000, { ...DEFAULT_ENCODING_LIMITS, listMaxListpackSize: 0 });
});

// Expected replies below were read from redis-server 7.0.15.
test("LPOS semantics: rank, count, maxlen, from both ends", () => {
  const l = new ListValue();
  rpush(l, "a", "b", "c", "d", "1", "2", "3", "4", "3", "3", "3");
  assert.deepEqual(l.positions("3"), [6]);
  assert.deepEqual(l.positions("3", 2, 0), [8, 9, 10]);
  assert.deepEqual(l.positions("3", 1, 2), [6, 8]);
  assert.deepEqual(l.positions("3", -1), [10]);
  assert.deepEqual(l.positions("3", -2, 2), [9, 8]);
  assert.deepEqual(l.positions("3", 1, 1, 6), []);
  assert.deepEqual(l.positions("3", 1, 1, 7), [6]);
  assert.deepEqual(l.positions("3", -1, 0, 2), [10, 9]);
  assert.deepEqual(l.positions("3", 5), []);
  assert.deepEqual(l.positions("zz", 1, 0), []);
});

test("LREM, LTRIM, LRANGE, LINSERT, LINDEX follow Valkey's index rules", () => {
  const l = new ListValue();
  rpush(l, "a", "b", "c", "d", "1", "2", "3", "4", "3", "3", "3");
  assert.equal(l.remove("3", 2), 2);
  assert.deepEqual([...l], ["a", "b", "c", "d", "1", "2", "4", "3", "3"]);
  assert.equal(l.remove("3", -1), 1);
  assert.deepEqual([...l], ["a", "b", "c", "d", "1", "2", "4", "3"]);
  l.trim(1, -2);
  assert.deepEqual([...l], ["b", "c", "d", "1", "2", "4"]);
  assert.deepEqual(l.range(-3, 100), ["1", "2", "4"]);
  assert.deepEqual(l.range(5, 2), []);
  assert.equal(l.insert("c", "x", false), 7);
  assert.equal(l.insert("4", "y", true), 8);
  assert.equal(l.insert("nope", "z", true), -1);
  assert.deepEqual([...l], ["b", "x", "c", "d", "1", "2", "4", "y"]);
  assert.equal(l.at(-1), "y");
  assert.equal(l.at(100), undefined);
  assert.equal(l.at(-9), undefined);
  l.trim(100, 200);
  assert.equal(l.length, 0);
});

test("empty list operations return nothing and change nothing", () => {
  const l = new ListValue();
  assert.equal(l.popHead(), undefined);
  assert.equal(l.popTail(), undefined);
  assert.deepEqual(l.popHeadMany(3), []);
  assert.deepEqual(l.popTailMany(3), []);
  assert.deepEqual(l.range(0, -1), []);
  assert.equal(l.set(0, "x"), false);
  assert.equal(l.remove("x", 0), 0);
  assert.deepEqual(l.positions("x"), []);
  assert.equal(l.memoryUsage, 7);
  l.trim(0, -1);
  assert.equal(l.length, 0);
});

test("a big list drains and refills through the ring buffer", () => {
  const l = new ListValue();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 50_000; i++) l.pushTail(String(i));
    for (let i = 0; i < 25_000; i++) assert.equal(l.popHead(), String(i));
    for (let i = 0; i < 25_000; i++) l.pushHead(String(-i));
    assert.equal(l.at(0), String(-24_999));
    while (l.length > 0) l.popTail();
  }
  assert.equal(l.length, 0);
});

// Node boundaries derived from quicklist.c / t_list.c (list-max-listpack-size -2 = 8192 bytes):
// a 10-byte string is a 12-byte entry (1 header + 10 + 1 backlen); a listpack has 7 bytes of
// header and end mark; a push needs node.sz + len + 8 <= 8192.
test("quicklist shape: conversion at 8 KB, node filling, shrinking back at 4 KB", () => {
  const v = "0123456789x".slice(0, 10).replace("0", "v");
  const l = new ListValue();
  for (let i = 0; i < 682; i++) rpush(l, v); // 7 + 12*681 + 10 <= 8192 keeps it a listpack
  assert.equal(l.encoding, "listpack");
  assert.equal(l.memoryUsage, 7 + 12 * 682);
  rpush(l, v); // 8191 + 10 > 8192: the listpack becomes the first node
  assert.equal(l.encoding, "quicklist");
  assert.deepEqual(l.quicklistShape().map((n) => n.count), [682, 1]);
  for (let i = 0; i < 700; i++) rpush(l, v);
  // A node takes entries while 7 + 12k + 18 <= 8192: 681 entries.
  assert.deepEqual(l.quicklistShape().map((n) => n.count), [682, 681, 20]);
  while (l.length > 682) {
    l.popTail();
    l.shrinkIfSmall();
  }
  assert.deepEqual(l.quicklistShape().map((n) => n.count), [682]);
  assert.equal(l.encoding, "quicklist"); // 8191 bytes > 4096
  while (l.length > 341) {
    l.popTail();
    l.shrinkIfSmall();
  }
  assert.equal(l.encoding, "quicklist"); // 7 + 12*341 = 4099 > 4096
  l.popTail();
  l.shrinkIfSmall();
  assert.equal(l.encoding, "listpack"); // 4087 <= 4096
  assert.equal(l.memoryUsage, 7 + 12 * 340);
});

test("quicklist shape: two nodes never shrink back, even when small", () => {
  const l = new ListValue();
  l.push(["x".repeat(8000)], false); // 7 + 8000 <= 8192 before the push
  assert.equal(l.encoding, "listpack");
  l.push(["y".repeat(300)], false); // 8010 + 300 > 8192
  assert.equal(l.encoding, "quicklist");
  assert.deepEqual(l.quicklistShape().map((n) => n.count), [1, 1]);
  l.popHead();
  l.shrinkIfSmall();
  assert.equal(l.encoding, "listpack"); // one node of 310 bytes
  assert.deepEqual([...l], ["y".repeat(300)]);
});

test("quicklist shape: elements over the node limit live in PLAIN nodes", () => {
  const big = "B".repeat(9000);
  const l = new ListValue();
  rpush(l, "a", "b", "c");
  l.push([big], false);
  assert.equal(l.encoding, "quicklist");
  assert.deepEqual(l.quicklistShape(), [
    { count: 3, sz: 7 + 3 * 3, plain: false },
    { count: 1, sz: 9000, plain: true },
  ]);
  // LSET a small value over the plain node: inserted after it, then the plain node goes.
  l.growFor(["s"]);
  assert.equal(l.set(3, "s"), true);
  assert.deepEqual(l.quicklistShape(), [
    { count: 3, sz: 16, plain: false },
    { count: 1, sz: 10, plain: false },
  ]);
  // LSET a big value in the middle of a packed node: split, PLAIN node, merge around.
  l.growFor([big]);
  assert.equal(l.set(1, big), true);
  assert.deepEqual(l.quicklistShape(), [
    { count: 1, sz: 10, plain: false },
    { count: 1, sz: 9000, plain: true },
    { count: 2, sz: 13, plain: false },
  ]);
  assert.deepEqual([...l], ["a", big, "c", "s"]);
  // A single PLAIN node never converts back.
  const p = new ListValue();
  p.push([big], false);
  p.shrinkIfSmall();
  assert.equal(p.encoding, "quicklist");
  p.growFor(["z"]);
  p.set(0, "z");
  p.shrinkIfSmall();
  assert.equal(p.encoding, "listpack");
});

test("quicklist shape with a count limit: LINSERT splits a full node", () => {
  const limits = { ...DEFAULT_ENCODING_LIMITS, listMaxListpackSize: 3 };
  const l = new ListValue({ limits });
  l.push(["a", "b", "c"], false);
  assert.equal(l.encoding, "listpack");
  l.push(["d"], false);
  assert.deepEqual(l.quicklistShape().map((n) => n.count), [3, 1]);
  l.push(["e", "f", "g"], false);
  assert.deepEqual(l.quicklistShape().map((n) => n.count), [3, 3, 1]);
  l.growFor(["x"]);
  assert.equal(l.insert("a", "x", true), 8);
  // Node [a b c] is full and "a" is not its last: split into [a] and [x b c]; no merge fits.
  assert.deepEqual(l.quicklistShape().map((n) => n.count), [1, 3, 3, 1]);
  assert.deepEqual([...l], ["a", "x", "b", "c", "d", "e", "f", "g"]);
  // After the last element of a full node, with a full next node: a new node in between.
  l.growFor(["y"]);
  l.insert("c", "y", true);
  assert.deepEqual(l.quicklistShape().map((n) => n.count), [1, 3, 1, 3, 1]);
  // Before the first element of a full node whose previous node has room: appended to it.
  l.growFor(["w"]);
  l.insert("x", "w", false);
  assert.deepEqual(l.quicklistShape().map((n) => n.count), [2, 3, 1, 3, 1]);
  assert.deepEqual([...l], ["a", "w", "x", "b", "c", "y", "d", "e", "f", "g"]);
  // Shrinking: one node, at most 3/2 = 1 element.
  l.trim(0, 0);
  l.shrinkIfSmall();
  assert.equal(l.encoding, "listpack");
});

test("a list created as a quicklist converts on convertAuto (SORT … STORE)", () => {
  const l = new ListValue({ encoding: "quicklist" });
  assert.equal(l.encoding, "quicklist");
  for (const v of ["1", "2", "3"]) l.pushTail(v);
  l.convertAuto();
  assert.equal(l.encoding, "listpack");
  const big = new ListValue({ encoding: "quicklist" });
  for (let i = 0; i < 2000; i++) big.pushTail("value-" + i);
  big.convertAuto();
  assert.equal(big.encoding, "quicklist");
});

test("growFor sums raw lengths the way listTypeTryConversionAppend does", () => {
  // 1000 copies of "1": the listpack would be 7 + 2000 bytes, but the check adds raw lengths.
  const l = new ListValue({ limits: { ...DEFAULT_ENCODING_LIMITS, listMaxListpackSize: -1 } });
  l.push(Array.from({ length: 2000 }, () => "1"), false); // 7 + 0 + 2000 <= 4096
  assert.equal(l.encoding, "listpack");
  assert.equal(l.memoryUsage, 7 + 2 * 2000);
  l.push(Array.from({ length: 90 }, () => "1"), false); // 4007 + 90 > 4096
  assert.equal(l.encoding, "quicklist");
});
