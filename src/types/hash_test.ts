import { test } from "node:test";
import assert from "node:assert/strict";
import { HashValue } from "./hash.ts";
import { DEFAULT_ENCODING_LIMITS, lpEntrySize, sdsSize } from "./encoding.ts";
import { mulberry32, randInt } from "./_test_rng.ts";

test("HashValue matches a Map model over random operations, order included", () => {
  for (let seed = 1; seed <= 3; seed++) {
    const rnd = mulberry32(seed);
    const limits = { ...DEFAULT_ENCODING_LIMITS, hashMaxListpackEntries: 40 };
    const h = new HashValue({ limits, random: mulberry32(seed + 100) });
    const m = new Map<string, string>();
    for (let step = 0; step < 4000; step++) {
      const ctx = `seed ${seed} step ${step}`;
      const f = "f" + randInt(rnd, 60);
      const v = "v".repeat(randInt(rnd, rnd() < 0.05 ? 80 : 10));
      const op = randInt(rnd, 6);
      if (op <= 2) {
        h.prepareSet([f, v]);
        const isNew = !m.has(f);
        m.set(f, v);
        assert.equal(h.set(f, v), isNew, ctx);
      } else if (op === 3) {
        assert.equal(h.delete(f), m.delete(f), ctx);
      } else if (op === 4) {
        assert.equal(h.get(f), m.get(f), ctx);
        assert.equal(h.has(f), m.has(f), ctx);
        const r = h.randomEntry();
        if (m.size === 0) assert.equal(r, undefined, ctx);
        else assert.equal(m.get(r![0]), r![1], ctx);
      } else {
        const k = randInt(rnd, m.size + 3);
        const s = h.sample(k);
        assert.equal(s.length, Math.min(k, m.size), ctx);
        assert.equal(new Set(s.map(([x]) => x)).size, s.length, ctx);
        for (const [x, y] of s) assert.equal(m.get(x), y, ctx);
      }
      assert.equal(h.size, m.size, ctx);
      if (step % 50 === 0) assert.deepEqual([...h], [...m], ctx);
      if (h.encoding === "listpack") {
        let lp = 7;
        for (const [x, y] of m) lp += lpEntrySize(x) + lpEntrySize(y);
        assert.equal(h.memoryUsage, lp, ctx);
      } else {
        let ht = 56;
        for (const [x, y] of m) ht += sdsSize(x.length) + sdsSize(y.length) + 32;
        assert.equal(h.memoryUsage, ht, ctx);
      }
    }
    assert.equal(h.encoding, "hashtable");
  }
});

// Checked against redis-server 7.0.15 (same rules and defaults for hashes).
test("encoding: 512 entries and 64-byte values by default, never back to listpack", () => {
  const h = new HashValue();
  for (let i = 0; i < 512; i++) h.set("f" + i, "v");
  assert.equal(h.encoding, "listpack");
  h.set("f1", "w"); // an update does not count
  assert.equal(h.encoding, "listpack");
  h.prepareSet(["f512", "v"]);
  h.set("f512", "v");
  assert.equal(h.encoding, "hashtable");
  for (let i = 0; i < 513; i++) h.delete("f" + i);
  h.set("a", "b");
  assert.equal(h.encoding, "hashtable");

  const g = new HashValue();
  g.prepareSet(["f", "x".repeat(64)]);
  g.set("f", "x".repeat(64));
  assert.equal(g.encoding, "listpack");
  g.prepareSet(["f", "x".repeat(65)]);
  assert.equal(g.encoding, "hashtable");

  // HINCRBYFLOAT can produce a long value without going through prepareSet.
  const k = new HashValue();
  k.set("f", "1");
  k.set("f", "10000000000000000000222479489586148259025995410601157579323600873193472");
  assert.equal(k.encoding, "hashtable");
  const longField = new HashValue();
  longField.set("y".repeat(65), "1");
  assert.equal(longField.encoding, "hashtable");
});

test("prepareSet counts field/value pairs before looking at lengths (hashTypeTryConversion)", () => {
  const limits = { ...DEFAULT_ENCODING_LIMITS, hashMaxListpackEntries: 2 };
  const h = new HashValue({ limits });
  h.prepareSet(["a", "1", "a", "2"]);
  assert.equal(h.encoding, "listpack");
  h.prepareSet(["a", "1", "a", "2", "a", "3"]); // 3 pairs > 2, duplicates or not
  assert.equal(h.encoding, "hashtable");
});

test("iteration keeps listpack order: updates in place, re-added fields last", () => {
  const h = new HashValue();
  h.set("b", "1");
  h.set("a", "2");
  h.set("c", "3");
  h.set("a", "9");
  h.delete("b");
  h.set("b", "5");
  assert.deepEqual([...h], [["a", "9"], ["c", "3"], ["b", "5"]]); // HGETALL on redis-server
  assert.deepEqual([...h.fields()], ["a", "c", "b"]);
  assert.deepEqual([...h.values()], ["9", "3", "5"]);
});

test("sample: listpack samples come in hash order, count >= size returns everything", () => {
  const h = new HashValue({ random: mulberry32(3) });
  for (const f of ["a", "b", "c", "d", "e", "f"]) h.set(f, f.toUpperCase());
  const s = h.sample(3).map(([f]) => f);
  assert.deepEqual(s, [...s].sort());
  assert.deepEqual(h.sample(10), [...h]);
  assert.deepEqual(h.sample(0), []);
  const empty = new HashValue();
  assert.equal(empty.randomEntry(), undefined);
  assert.deepEqual(empty.sample(2), []);
});

test("clone copies fields, order and encoding independently", () => {
  const h = new HashValue({ encoding: "hashtable" });
  h.set("x", "1");
  h.set("y", "2");
  const c = h.clone();
  c.set("z", "3");
  h.delete("x");
  assert.equal(c.encoding, "hashtable");
  assert.deepEqual([...c], [["x", "1"], ["y", "2"], ["z", "3"]]);
  assert.deepEqual([...h], [["y", "2"]]);
  assert.equal(c.randomEntry() !== undefined, true);
});
