import { test } from "node:test";
import assert from "node:assert/strict";
import { SkipList } from "./skiplist.ts";
import { parseLexRange, parseScoreRange } from "./range.ts";
import { mulberry32, randInt } from "./_test_rng.ts";

function contents(l: SkipList): [string, number][] {
  const out: [string, number][] = [];
  for (let h = l.first(); h !== 0; h = l.next(h)) out.push([l.member(h), l.score(h)]);
  return out;
}

test("SkipList keeps order, ranks and back links over random inserts, moves and removals", () => {
  const rnd = mulberry32(42);
  const l = new SkipList(mulberry32(43));
  const handles = new Map<string, number>();
  let model: [string, number][] = [];
  const sort = () => model.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (let step = 0; step < 20_000; step++) {
    const m = "m" + randInt(rnd, 2000);
    const score = randInt(rnd, 50);
    const h = handles.get(m);
    const op = randInt(rnd, 3);
    if (h === undefined) {
      handles.set(m, l.insert(m, score));
      model.push([m, score]);
    } else if (op === 0) {
      l.remove(h);
      handles.delete(m);
      model = model.filter(([x]) => x !== m);
    } else {
      l.updateScore(h, score);
      assert.equal(l.member(h), m); // the handle survives a move
      model.find(([x]) => x === m)![1] = score;
    }
    sort();
    if (step % 500 === 0 || step > 19_900) {
      assert.deepEqual(contents(l), model);
      const back: [string, number][] = [];
      for (let x = l.last(); x !== 0; x = l.prev(x)) back.push([l.member(x), l.score(x)]);
      assert.deepEqual(back, [...model].reverse());
      model.forEach(([x], i) => {
        assert.equal(l.rank(handles.get(x)!), i + 1);
        assert.equal(l.member(l.byRank(i + 1)), x);
      });
    }
  }
  assert.equal(l.length, model.length);
  assert.equal(l.byRank(0), 0);
  assert.equal(l.byRank(l.length + 1), 0);
});

test("SkipList searches stop at the range bounds", () => {
  const l = new SkipList(mulberry32(1));
  for (const [m, s] of [["a", 1], ["b", 2], ["c", 2], ["d", 3]] as const) l.insert(m, s);
  assert.equal(l.member(l.firstScoreFrom(parseScoreRange("(1", "+inf"))), "b");
  assert.equal(l.member(l.lastScoreUpTo(parseScoreRange("-inf", "(3"))), "c");
  assert.equal(l.firstScoreFrom(parseScoreRange("(3", "+inf")), 0);
  assert.equal(l.lastScoreUpTo(parseScoreRange("-inf", "(1")), 0);
  assert.equal(l.member(l.firstLexFrom(parseLexRange("(b", "+"))), "c");
  assert.equal(l.member(l.lastLexUpTo(parseLexRange("-", "[c"))), "c");
});

test("SkipList gives its buffer back when emptied and works again", () => {
  const l = new SkipList(mulberry32(2));
  const hs = Array.from({ length: 5000 }, (_, i) => l.insert("k" + i, i));
  for (const h of hs) l.remove(h);
  assert.equal(l.length, 0);
  assert.equal(l.first(), 0);
  assert.equal(l.last(), 0);
  const h = l.insert("again", 1);
  assert.equal(l.rank(h), 1);
  assert.deepEqual(contents(l), [["again", 1]]);
});
