import { test } from "node:test";
import assert from "node:assert/strict";
import { orderedSample, randomSample } from "./sample.ts";
import { mulberry32 } from "./_test_rng.ts";

test("orderedSample returns k distinct ascending indexes, each about equally likely", () => {
  const rnd = mulberry32(1);
  const hits = new Array(10).fill(0);
  for (let round = 0; round < 20_000; round++) {
    const s = orderedSample(10, 3, rnd);
    assert.equal(s.length, 3);
    for (let i = 1; i < s.length; i++) assert.equal(s[i] > s[i - 1], true);
    for (const i of s) hits[i]++;
  }
  for (const h of hits) assert.equal(Math.abs(h - 6000) < 300, true, `hits ${hits}`);
  assert.deepEqual(orderedSample(4, 4, rnd), [0, 1, 2, 3]);
  assert.deepEqual(orderedSample(4, 0, rnd), []);
});

test("randomSample returns k distinct indexes in both the sparse and the dense regime", () => {
  const rnd = mulberry32(2);
  for (const [n, k] of [[100, 3], [100, 90], [5, 5], [1, 1], [10, 0]]) {
    const s = randomSample(n, k, rnd);
    assert.equal(s.length, k);
    assert.equal(new Set(s).size, k);
    for (const i of s) assert.equal(i >= 0 && i < n, true);
  }
  const hits = new Array(8).fill(0);
  for (let round = 0; round < 16_000; round++) for (const i of randomSample(8, 2, rnd)) hits[i]++;
  for (const h of hits) assert.equal(Math.abs(h - 4000) < 250, true, `hits ${hits}`);
});
