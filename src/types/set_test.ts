import { test } from "node:test";
import assert from "node:assert/strict";
import { SetValue } from "./set.ts";
import { DEFAULT_ENCODING_LIMITS, isStrictInt64, lpEntrySize } from "./encoding.ts";
import { mulberry32, randInt } from "./_test_rng.ts";

const byValue = (
  a: string,
  b: string,
) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

function randomMember(rnd: () => number): string {
  const k = randInt(rnd, 10);
  if (k < 5) return String(randInt(rnd, 200) - 100);
  if (k < 6) {
    return ["9223372036854775807", "-9223372036854775808", "65536", "-40000"][randInt(rnd, 4)];
  }
  if (k < 9) return "m" + randInt(rnd, 50);
  return "x".repeat(60 + randInt(rnd, 10)); // around set-max-listpack-value
}

test("SetValue matches a model over random operations, including encoding order", () => {
  for (let seed = 1; seed <= 4; seed++) {
    const rnd = mulberry32(seed);
    const limits = {
      ...DEFAULT_ENCODING_LIMITS,
      setMaxIntsetEntries: 60,
      setMaxListpackEntries: 30,
    };
    let s = new SetValue({ limits, random: mulberry32(seed * 7), encoding: "intset" });
    // Expected Valkey order for listpack/hashtable (insertion order after conversions).
    let order: string[] = [];
    for (let step = 0; step < 3000; step++) {
      const ctx = `seed ${seed} step ${step}`;
      const before = s.encoding;
      const op = randInt(rnd, 10);
      if (op <= 4) {
        const v = randomMember(rnd);
        const isNew = !order.includes(v);
        assert.equal(s.add(v), isNew, ctx);
        if (isNew) {
          if (before === "intset" && s.encoding === "listpack") order = [...order].sort(byValue);
          order.push(v);
        }
      } else if (op <= 6) {
        const v = rnd() < 0.8 && order.length > 0 ? order[randInt(rnd, order.length)] : "nope";
        assert.equal(s.delete(v), order.includes(v), ctx);
        order = order.filter((x) => x !== v);
      } else if (op === 7) {
        const k = randInt(rnd, order.length + 3);
        const sample = s.sample(k);
        assert.equal(sample.length, Math.min(k, order.length), ctx);
        assert.equal(new Set(sample).size, sample.length, ctx);
        for (const x of sample) assert.equal(order.includes(x), true, ctx);
        const r = s.randomMember();
        assert.equal(r === undefined ? order.length === 0 : order.includes(r), true, ctx);
      } else if (op === 8 && order.length > 0) {
        const count = 1 + randInt(rnd, order.length + 1);
        const popped = s.popRandomMany(count);
        assert.equal(popped.length, Math.min(count, order.length), ctx);
        assert.equal(new Set(popped).size, popped.length, ctx);
        for (const x of popped) assert.equal(order.includes(x), true, ctx);
        const left = new Set(order.filter((x) => !popped.includes(x)));
        assert.deepEqual(new Set(s.values()), left, ctx);
        order = s.encoding === "intset" ? [...left] : [...s.values()];
        if (s.size === 0) {
          s = new SetValue({ limits, random: mulberry32(step), encoding: "intset" });
        }
      } else if (op === 9) {
        const c = s.clone();
        assert.equal(c.encoding, s.encoding, ctx);
        assert.deepEqual([...c], [...s], ctx);
      }
      assert.equal(s.size, order.length, ctx);
      const values = [...s.values()];
      if (s.encoding === "intset") {
        assert.equal(values.every(isStrictInt64), true, ctx);
        assert.deepEqual(values, [...order].sort(byValue), ctx);
        assert.equal(s.size <= 60, true, ctx);
      } else {
        assert.deepEqual(values, order, ctx);
        if (s.encoding === "listpack") {
          assert.equal(s.memoryUsage, 7 + values.reduce((a, v) => a + lpEntrySize(v), 0), ctx);
          assert.equal(s.size <= 30 && values.every((v) => v.length <= 64), true, ctx);
        }
      }
      if (before === "hashtable" && s.size > 0) {
        assert.equal(s.encoding === "hashtable" || op === 8, true, `sticky ${ctx}`);
      }
    }
  }
});

test("setTypeCreate picks intset, listpack or hashtable from the first member and the hint", () => {
  assert.equal(SetValue.create("3", 2).encoding, "intset");
  assert.equal(SetValue.create("3", 512).encoding, "intset");
  assert.equal(SetValue.create("3", 513).encoding, "hashtable");
  assert.equal(SetValue.create("a", 128).encoding, "listpack");
  assert.equal(SetValue.create("a", 129).encoding, "hashtable");
  assert.equal(SetValue.create("03", 1).encoding, "listpack"); // not a canonical integer
  assert.equal(SetValue.create("-0", 1).encoding, "listpack");
});

test("intset: ascending order, converts on a string or past 512 members", () => {
  const s = SetValue.create("10", 3);
  for (const v of ["10", "-5", "3"]) s.add(v);
  assert.deepEqual([...s], ["-5", "3", "10"]);
  assert.equal(s.memoryUsage, 8 + 3 * 2);
  s.add("100000"); // needs 32-bit slots
  assert.equal(s.memoryUsage, 8 + 4 * 4);
  s.delete("100000"); // intsets never narrow
  assert.equal(s.memoryUsage, 8 + 3 * 4);
  s.add("b");
  assert.equal(s.encoding, "listpack");
  assert.deepEqual([...s], ["-5", "3", "10", "b"]);

  const big = SetValue.create("0", 1);
  for (let i = 0; i < 512; i++) big.add(String(i));
  assert.equal(big.encoding, "intset");
  big.add("512");
  assert.equal(big.encoding, "hashtable");

  const full = SetValue.create("0", 1);
  for (let i = 0; i < 128; i++) full.add(String(i));
  full.add("x"); // 128 integers are too many for a listpack
  assert.equal(full.encoding, "hashtable");

  const tight = new SetValue({
    limits: { ...DEFAULT_ENCODING_LIMITS, setMaxListpackValue: 5 },
    encoding: "intset",
  });
  tight.add("123456");
  tight.add("x"); // the widest integer (6 digits) would not fit a 5-byte listpack value
  assert.equal(tight.encoding, "hashtable");
});

test("listpack: converts past 128 members or on a member over 64 bytes", () => {
  const s = SetValue.create("a", 1);
  for (let i = 0; i < 128; i++) s.add("m" + i);
  assert.equal(s.encoding, "listpack");
  s.add("m0");
  assert.equal(s.encoding, "listpack");
  s.add("one-more");
  assert.equal(s.encoding, "hashtable");
  const v = SetValue.create("a", 1);
  v.add("a");
  v.add("y".repeat(64));
  assert.equal(v.encoding, "listpack");
  v.add("y".repeat(65));
  assert.equal(v.encoding, "hashtable");
  v.delete("y".repeat(65));
  assert.equal(v.encoding, "hashtable");
});

test("maybeConvert uses the argument count, duplicates included (setTypeMaybeConvert)", () => {
  const s = SetValue.create("a", 1);
  s.maybeConvert(128);
  assert.equal(s.encoding, "listpack");
  s.maybeConvert(129);
  assert.equal(s.encoding, "hashtable");
  const i = SetValue.create("1", 1);
  i.maybeConvert(512);
  assert.equal(i.encoding, "intset");
  i.maybeConvert(513);
  assert.equal(i.encoding, "hashtable");
});

test("convertToIntsetIfPossible only for small all-integer sets (SINTERSTORE)", () => {
  const s = new SetValue({ encoding: "listpack" });
  for (const v of ["5", "-1", "3"]) s.add(v);
  assert.equal(s.convertToIntsetIfPossible(), true);
  assert.equal(s.encoding, "intset");
  assert.deepEqual([...s], ["-1", "3", "5"]);
  const t = new SetValue({ encoding: "hashtable" });
  t.add("1");
  t.add("a");
  assert.equal(t.convertToIntsetIfPossible(), false);
  assert.equal(t.encoding, "hashtable");
});

test("SPOP with a count close to the size rebuilds the set (and its encoding)", () => {
  const rnd = mulberry32(9);
  const ht = new SetValue({ random: rnd, encoding: "hashtable" });
  for (let i = 0; i < 200; i++) ht.add("m" + i);
  const popped = ht.popRandomMany(190); // 10 remain: 10 * 5 <= 190
  assert.equal(popped.length, 190);
  assert.equal(ht.size, 10);
  assert.equal(ht.encoding, "listpack");

  const few = new SetValue({ random: rnd, encoding: "hashtable" });
  for (let i = 0; i < 200; i++) few.add("m" + i);
  few.popRandomMany(10); // 190 remain: no rebuild
  assert.equal(few.encoding, "hashtable");

  const ints = SetValue.create("1", 1, { random: rnd });
  for (let i = 0; i < 10; i++) ints.add(String(i));
  ints.popRandomMany(9);
  assert.equal(ints.encoding, "intset");
  assert.equal(ints.size, 1);

  const lp = new SetValue({ random: rnd });
  for (const v of ["e", "d", "c", "b", "a"]) lp.add(v);
  const got = lp.popRandomMany(2); // listpack samples come in set order
  const order = ["e", "d", "c", "b", "a"];
  assert.deepEqual(got, [...got].sort((x, y) => order.indexOf(x) - order.indexOf(y)));
});

test("SPOP with count >= size returns every member in SUNION order and empties the set", () => {
  const s = new SetValue();
  s.add("3");
  s.add("1");
  s.add("b");
  // SUNION builds an intset first: integers come out sorted before the first string.
  assert.deepEqual(s.popRandomMany(5), ["1", "3", "b"]);
  assert.equal(s.size, 0);
  assert.deepEqual(s.popRandomMany(1), []);
  assert.equal(s.popRandom(), undefined);
});
