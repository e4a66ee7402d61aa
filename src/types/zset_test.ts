import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregateScore, weightedScore, type ZEntry, ZSetValue } from "./zset.ts";
import { type LexRange, parseLexRange, parseScoreRange, type ScoreRange } from "./range.ts";
import { clampIndexRange, lexGteMin, lexLteMax, scoreGteMin, scoreLteMax } from "./range.ts";
import { DEFAULT_ENCODING_LIMITS } from "./encoding.ts";
import { mulberry32, randInt } from "./_test_rng.ts";

const pairs = (es: readonly ZEntry[]) => es.map((e) => [e.member, e.score]);
const members = (es: readonly ZEntry[]) => es.map((e) => e.member);

/** Naive model: an array kept sorted by (score, member bytes). */
class Model {
  items: { member: string; score: number }[] = [];
  sort() {
    this.items.sort((a, b) =>
      a.score < b.score
        ? -1
        : a.score > b.score
        ? 1
        : a.member < b.member
        ? -1
        : a.member > b.member
        ? 1
        : 0
    );
  }
  find(m: string) {
    return this.items.findIndex((e) => e.member === m);
  }
  set(m: string, s: number) {
    const i = this.find(m);
    if (i >= 0) this.items[i].score = s;
    else this.items.push({ member: m, score: s });
    this.sort();
  }
  del(m: string) {
    const i = this.find(m);
    if (i >= 0) this.items.splice(i, 1);
    return i >= 0;
  }
  inScore(r: ScoreRange) {
    return this.items.filter((e) => scoreGteMin(e.score, r) && scoreLteMax(e.score, r));
  }
}

const SCORES = [-Infinity, -2, -1, -0, 0, 0.5, 1, 1, 2, 3.25, Infinity];
const MEMBERS = ["", "a", "ab", "abc", "b", "ba", "\x00", "\x00a", "\xff", "z\xfe", "m", "n"];
const BOUNDS = ["-inf", "+inf", "-2", "-1", "0", "-0", "0.5", "1", "2", "3.25", "5"];

function randomScoreRange(rnd: () => number): ScoreRange {
  const b = () => (rnd() < 0.3 ? "(" : "") + BOUNDS[randInt(rnd, BOUNDS.length)];
  return parseScoreRange(b(), b());
}

function randomLexRange(rnd: () => number): LexRange {
  const b = () => {
    const k = randInt(rnd, 10);
    if (k === 0) return "-";
    if (k === 1) return "+";
    return (rnd() < 0.5 ? "(" : "[") + MEMBERS[randInt(rnd, MEMBERS.length)];
  };
  return parseLexRange(b(), b());
}

function runRandomized(seed: number, steps: number, encodingLimit: number) {
  const rnd = mulberry32(seed);
  const limits = { ...DEFAULT_ENCODING_LIMITS, zsetMaxListpackEntries: encodingLimit };
  const z = new ZSetValue({ limits, random: mulberry32(seed ^ 0x9e3779b9) });
  const m = new Model();
  for (let step = 0; step < steps; step++) {
    const op = randInt(rnd, 12);
    const member = MEMBERS[randInt(rnd, MEMBERS.length)] +
      (rnd() < 0.5 ? String(randInt(rnd, 40)) : "");
    const score = SCORES[randInt(rnd, SCORES.length)];
    const ctx = `seed ${seed} step ${step} op ${op}`;
    if (op <= 3) {
      const flags = {
        nx: rnd() < 0.15,
        xx: rnd() < 0.15,
        gt: rnd() < 0.15,
        lt: rnd() < 0.15,
        incr: rnd() < 0.3,
      };
      const i = m.find(member);
      const cur = i >= 0 ? m.items[i].score : undefined;
      const r = z.add(member, score, flags);
      let expected: string;
      // A new member takes the increment itself (zsetAdd), so -0 stays -0.
      let next = flags.incr && cur !== undefined ? cur + score : score;
      if (cur !== undefined) {
        if (flags.nx) expected = "nop";
        else if (Number.isNaN(next)) expected = "nan";
        else if ((flags.lt && next >= cur) || (flags.gt && next <= cur)) expected = "nop";
        else expected = next === cur ? "unchanged" : "updated";
      } else if (flags.xx) {
        expected = "nop";
      } else {
        expected = Number.isNaN(next) ? "nan" : "added";
      }
      assert.equal(r.outcome, expected, ctx);
      if (expected === "added" || expected === "updated") {
        if (z.encoding === "listpack" && next === 0) next = 0;
        m.set(member, next);
      }
    } else if (op === 4) {
      assert.equal(z.delete(member), m.del(member), ctx);
    } else if (op === 5) {
      const i = m.find(member);
      assert.equal(z.rank(member), i >= 0 ? i : undefined, ctx);
      assert.equal(z.rank(member, true), i >= 0 ? m.items.length - 1 - i : undefined, ctx);
      assert.equal(z.score(member), i >= 0 ? m.items[i].score : undefined, ctx);
    } else if (op === 6) {
      const n = m.items.length + 3;
      const start = randInt(rnd, 2 * n) - n;
      const stop = randInt(rnd, 2 * n) - n;
      const rev = rnd() < 0.5;
      const r = clampIndexRange(start, stop, m.items.length);
      const src = rev ? [...m.items].reverse() : m.items;
      const expected = r === undefined ? [] : src.slice(r.start, r.stop + 1);
      assert.deepEqual(pairs(z.rangeByRank(start, stop, rev)), pairs(expected), ctx);
    } else if (op === 7) {
      const range = randomScoreRange(rnd);
      const reverse = rnd() < 0.5;
      const offset = rnd() < 0.5 ? 0 : randInt(rnd, 6) - 1;
      const count = rnd() < 0.5 ? -1 : randInt(rnd, 5);
      let expected = m.inScore(range);
      if (reverse) expected.reverse();
      if (offset < 0) expected = [];
      else expected = expected.slice(offset, count < 0 ? undefined : offset + count);
      assert.deepEqual(
        pairs(z.rangeByScore(range, { reverse, offset, count })),
        pairs(expected),
        ctx,
      );
      assert.equal(z.countByScore(range), m.inScore(range).length, ctx);
    } else if (op === 8) {
      const range = randomScoreRange(rnd);
      const expected = m.inScore(range);
      assert.equal(z.removeRangeByScore(range), expected.length, ctx);
      for (const e of expected) m.del(e.member);
    } else if (op === 9) {
      const n = m.items.length + 2;
      const start = randInt(rnd, 2 * n) - n;
      const stop = randInt(rnd, 2 * n) - n;
      const r = clampIndexRange(start, stop, m.items.length);
      const gone = r === undefined ? [] : m.items.slice(r.start, r.stop + 1);
      assert.equal(z.removeRangeByRank(start, stop), gone.length, ctx);
      for (const e of gone) m.del(e.member);
    } else if (op === 10) {
      const count = randInt(rnd, 4);
      const max = rnd() < 0.5;
      const expected = max ? [...m.items].reverse().slice(0, count) : m.items.slice(0, count);
      assert.deepEqual(pairs(max ? z.popMax(count) : z.popMin(count)), pairs(expected), ctx);
      for (const e of expected) m.del(e.member);
    } else {
      const i = randInt(rnd, m.items.length + 2) - 1;
      const e = z.at(i);
      assert.deepEqual(
        e && [e.member, e.score],
        i >= 0 && i < m.items.length ? [m.items[i].member, m.items[i].score] : undefined,
        ctx,
      );
    }
    assert.equal(z.size, m.items.length, ctx);
    if (step % 97 === 0) {
      assert.deepEqual(pairs([...z]), pairs(m.items), ctx);
      assert.deepEqual(pairs([...z.entriesReversed()]), pairs([...m.items].reverse()), ctx);
    }
  }
  assert.deepEqual(pairs([...z]), pairs(m.items));
  return z;
}

test("ZSetValue matches a sorted-array model over random operations (skiplist)", () => {
  for (let seed = 1; seed <= 4; seed++) {
    const z = runRandomized(seed, 3000, 0);
    assert.equal(z.encoding, "skiplist");
  }
});

test("ZSetValue matches a sorted-array model over random operations (listpack)", () => {
  for (let seed = 11; seed <= 13; seed++) {
    const z = runRandomized(seed, 2000, 1_000_000);
    assert.equal(z.encoding, "listpack");
  }
});

test("lex ranges on equal scores match a filtered model", () => {
  const rnd = mulberry32(77);
  for (const limit of [0, 1000]) {
    const limits = { ...DEFAULT_ENCODING_LIMITS, zsetMaxListpackEntries: limit };
    const z = new ZSetValue({ limits, random: mulberry32(5) });
    let model: string[] = [];
    for (let step = 0; step < 3000; step++) {
      const member = MEMBERS[randInt(rnd, MEMBERS.length)] +
        (rnd() < 0.5 ? String(randInt(rnd, 9)) : "");
      const op = randInt(rnd, 6);
      const range = randomLexRange(rnd);
      const inRange = model.filter((x) => lexGteMin(x, range) && lexLteMax(x, range));
      const ctx = `limit ${limit} step ${step}`;
      if (op <= 1) {
        if (z.add(member, 0).outcome === "added") model = [...model, member].sort();
      } else if (op === 2) {
        const reverse = rnd() < 0.5;
        const offset = rnd() < 0.6 ? 0 : randInt(rnd, 5) - 1;
        const count = rnd() < 0.5 ? -1 : randInt(rnd, 4);
        let expected = reverse ? [...inRange].reverse() : inRange;
        expected = offset < 0 ? [] : expected.slice(offset, count < 0 ? undefined : offset + count);
        assert.deepEqual(members(z.rangeByLex(range, { reverse, offset, count })), expected, ctx);
      } else if (op === 3) {
        assert.equal(z.countByLex(range), inRange.length, ctx);
      } else if (op === 4) {
        assert.equal(z.removeRangeByLex(range), inRange.length, ctx);
        model = model.filter((x) => !inRange.includes(x));
      } else if (z.delete(member)) {
        model = model.filter((x) => x !== member);
      }
      assert.deepEqual(members([...z]), model, ctx);
    }
  }
});

test("lex queries on a listpack with mixed scores scan like Valkey's zzl*LexRange", () => {
  // Expected replies read from redis-server 7.0.15 (listpack encoding, same algorithm).
  const z = new ZSetValue();
  z.add("b", 1);
  z.add("a", 2);
  z.add("d", 3);
  z.add("c", 4);
  assert.equal(z.encoding, "listpack");
  const lex = (min: string, max: string, reverse = false, offset = 0, count = -1) =>
    members(z.rangeByLex(parseLexRange(min, max), { reverse, offset, count }));
  assert.deepEqual(lex("[b", "+"), ["b", "a", "d", "c"]);
  assert.deepEqual(lex("[a", "[c"), ["b", "a"]);
  assert.deepEqual(lex("-", "[b"), ["b", "a"]);
  assert.deepEqual(lex("-", "[c", true), ["c", "d", "a", "b"]);
  assert.deepEqual(lex("[b", "+", true), ["c", "d"]);
  assert.deepEqual(lex("[a", "+", false, 1, 2), ["a", "d"]);
  assert.equal(z.countByLex(parseLexRange("[b", "+")), 4);
  assert.equal(z.countByLex(parseLexRange("-", "[c")), 2);
  assert.equal(z.removeRangeByLex(parseLexRange("[b", "[c")), 2);
  assert.deepEqual(members([...z]), ["d", "c"]);
});

test("a listpack stores -0 as 0; a skiplist keeps -0 (as redis-server does)", () => {
  const lp = new ZSetValue();
  const r = lp.add("a", -0, { incr: true });
  assert.equal(Object.is(r.score, -0), true); // ZINCRBY replies -0 …
  assert.equal(Object.is(lp.score("a"), 0), true); // … but ZSCORE says 0
  lp.add("b", -0);
  assert.equal(Object.is(lp.score("b"), 0), true);

  const sl = new ZSetValue({ encoding: "skiplist" });
  sl.add("a", -0);
  assert.equal(Object.is(sl.score("a"), -0), true);
  const inc = sl.add("a", 0, { incr: true });
  assert.deepEqual(inc.outcome, "unchanged"); // -0 + 0 == -0: no update
  assert.equal(Object.is(inc.score, 0), true); // ZINCRBY replies 0
  assert.equal(Object.is(sl.score("a"), -0), true); // ZSCORE still -0
  assert.equal(sl.add("a", 0).outcome, "unchanged");
  sl.convertToListpackIfNeeded();
  assert.equal(sl.encoding, "listpack");
  assert.equal(Object.is(sl.score("a"), 0), true);
});

test("-0 and 0 are equal scores: ties are ordered by member", () => {
  const z = new ZSetValue({ encoding: "skiplist" });
  z.add("b", 0);
  z.add("a", -0);
  z.add("c", -0);
  assert.deepEqual(members([...z]), ["a", "b", "c"]);
  assert.equal(z.countByScore(parseScoreRange("0", "0")), 3);
  assert.equal(z.countByScore(parseScoreRange("(-0", "+inf")), 0);
});

test("add follows zsetAdd's flags, including NaN from incrementing infinities", () => {
  const z = new ZSetValue();
  assert.deepEqual(z.add("m", 1), { outcome: "added", score: 1 });
  assert.deepEqual(z.add("m", 1), { outcome: "unchanged", score: 1 });
  assert.deepEqual(z.add("m", 5, { nx: true }).outcome, "nop");
  assert.deepEqual(z.add("n", 5, { xx: true }).outcome, "nop");
  assert.equal(z.has("n"), false);
  assert.deepEqual(z.add("m", 0, { gt: true }).outcome, "nop");
  assert.deepEqual(z.add("m", 2, { gt: true }), { outcome: "updated", score: 2 });
  assert.deepEqual(z.add("m", 3, { lt: true }).outcome, "nop");
  assert.deepEqual(z.add("m", 2, { lt: true }).outcome, "nop"); // equal is not less
  assert.deepEqual(z.add("m", 1.5, { incr: true }), { outcome: "updated", score: 3.5 });
  assert.deepEqual(z.add("m", -1, { incr: true, gt: true }).outcome, "nop");
  assert.deepEqual(z.add("new", 4, { incr: true, gt: true }), { outcome: "added", score: 4 });
  assert.deepEqual(z.add("x", NaN).outcome, "nan");
  z.add("inf", Infinity);
  assert.deepEqual(z.add("inf", -Infinity, { incr: true }).outcome, "nan");
  assert.equal(z.score("inf"), Infinity);
});

test("encoding: zsetTypeCreate, maybeConvert and add follow the listpack limits", () => {
  assert.equal(ZSetValue.create(128, 64).encoding, "listpack");
  assert.equal(ZSetValue.create(129, 1).encoding, "skiplist");
  assert.equal(ZSetValue.create(1, 65).encoding, "skiplist");
  const zero = { ...DEFAULT_ENCODING_LIMITS, zsetMaxListpackEntries: 0 };
  assert.equal(ZSetValue.create(1, 1, { limits: zero }).encoding, "skiplist");

  const z = new ZSetValue();
  for (let i = 0; i < 128; i++) z.add(`m${i}`, i);
  assert.equal(z.encoding, "listpack");
  z.add("m0", 1000); // an update never converts
  assert.equal(z.encoding, "listpack");
  z.add("x".repeat(65), 1, { xx: true }); // refused by XX: no conversion
  assert.equal(z.encoding, "listpack");
  z.add("m128", 1);
  assert.equal(z.encoding, "skiplist");
  z.popMin(120); // shrinking never converts back
  assert.equal(z.encoding, "skiplist");
  z.convertToListpackIfNeeded(); // only the STORE commands do
  assert.equal(z.encoding, "listpack");

  const long = new ZSetValue();
  long.add("y".repeat(64), 1);
  assert.equal(long.encoding, "listpack");
  long.add("y".repeat(65), 1);
  assert.equal(long.encoding, "skiplist");
  long.delete("y".repeat(65));
  long.convertToListpackIfNeeded();
  assert.equal(long.encoding, "listpack");

  const hinted = new ZSetValue();
  hinted.maybeConvert(128, 64);
  assert.equal(hinted.encoding, "listpack");
  hinted.maybeConvert(129);
  assert.equal(hinted.encoding, "skiplist");
  const big = new ZSetValue({ encoding: "skiplist" });
  for (let i = 0; i < 129; i++) big.add(`m${i}`, i);
  big.convertToListpackIfNeeded();
  assert.equal(big.encoding, "skiplist");
});

test("empty and single-member sets answer every query", () => {
  const z = new ZSetValue();
  const all = parseScoreRange("-inf", "+inf");
  const lexAll = parseLexRange("-", "+");
  assert.deepEqual(z.rangeByRank(0, -1), []);
  assert.deepEqual(z.rangeByScore(all), []);
  assert.deepEqual(z.rangeByScore(all, { reverse: true }), []);
  assert.deepEqual(z.rangeByLex(lexAll), []);
  assert.equal(z.countByScore(all), 0);
  assert.equal(z.countByLex(lexAll), 0);
  assert.equal(z.removeRangeByRank(0, -1), 0);
  assert.equal(z.removeRangeByScore(all), 0);
  assert.equal(z.removeRangeByLex(lexAll), 0);
  assert.deepEqual(z.popMin(3), []);
  assert.deepEqual(z.popMax(), []);
  assert.equal(z.at(0), undefined);
  assert.equal(z.rank("x"), undefined);
  assert.equal(z.delete("x"), false);

  z.add("only", -Infinity);
  assert.deepEqual(pairs(z.rangeByScore(parseScoreRange("-inf", "-inf"))), [["only", -Infinity]]);
  assert.deepEqual(z.rangeByScore(parseScoreRange("(-inf", "+inf")), []);
  assert.deepEqual(pairs(z.rangeByRank(-1, -1, true)), [["only", -Infinity]]);
  assert.deepEqual(members(z.rangeByLex(parseLexRange("[only", "[only"))), ["only"]);
  assert.deepEqual(members(z.rangeByLex(parseLexRange("(only", "+"))), []);
  assert.equal(z.rank("only", true), 0);
  assert.deepEqual(pairs(z.popMax(5)), [["only", -Infinity]]);
  assert.equal(z.size, 0);
});

test("clone keeps entries and encoding, and is independent", () => {
  const z = new ZSetValue({ encoding: "skiplist" });
  z.add("a", 1);
  z.add("b", 2);
  const c = z.clone();
  assert.equal(c.encoding, "skiplist");
  c.add("c", 3);
  z.delete("a");
  assert.deepEqual(members([...c]), ["a", "b", "c"]);
  assert.deepEqual(members([...z]), ["b"]);
  assert.equal(c.memoryUsage > z.memoryUsage, true);
});

test("memoryUsage follows the listpack entry sizes and grows with the skiplist", () => {
  const z = new ZSetValue();
  assert.equal(z.memoryUsage, 7);
  z.add("a", 1); // "a": 1+1 +1 backlen = 3; score 1: int 1 byte + 1 backlen = 2
  assert.equal(z.memoryUsage, 7 + 3 + 2);
  z.add("a", 1.5); // "1.5" as text: 1+3+1 = 5
  assert.equal(z.memoryUsage, 7 + 3 + 5);
  z.delete("a");
  assert.equal(z.memoryUsage, 7);
  const s = new ZSetValue({ encoding: "skiplist", random: () => 0.9 });
  const base = s.memoryUsage;
  s.add("member", 1); // 1 level: 24 + 16 + sds(1+6+1) + 32
  assert.equal(s.memoryUsage - base, 24 + 16 + 8 + 32);
  s.delete("member");
  assert.equal(s.memoryUsage, base);
});

test("weightedScore and aggregateScore keep Valkey's NaN conventions", () => {
  assert.equal(weightedScore(Infinity, 0), 0);
  assert.equal(weightedScore(-Infinity, 0), 0);
  assert.equal(weightedScore(2, -1), -2);
  assert.equal(weightedScore(Infinity, 2), Infinity);
  assert.equal(aggregateScore(Infinity, -Infinity, "sum"), 0);
  assert.equal(aggregateScore(1, 2, "sum"), 3);
  assert.equal(aggregateScore(1, 2, "min"), 1);
  assert.equal(aggregateScore(1, 2, "max"), 2);
  assert.equal(aggregateScore(-Infinity, 5, "max"), 5);
});

test("an injected random source makes node levels, and so shapes, reproducible", () => {
  const levels: number[] = [];
  const spy = () => {
    const r = mulberry32(levels.length + 1)();
    levels.push(r);
    return r;
  };
  const z = new ZSetValue({ random: spy });
  for (let i = 0; i < 100; i++) z.add(`m${i}`, i);
  // One draw per level attempt: at least one per insert, about 4/3 per insert on average.
  assert.equal(levels.length >= 100 && levels.length < 200, true);
});
