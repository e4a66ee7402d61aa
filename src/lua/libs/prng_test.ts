/**
 * math.random / math.randomseed (DET-2..7) against Valkey/Redis and the spec.
 *
 * Each case is a one-line script body; the expected outcome was taken from a real redis-server
 * 7.0.15 (which bundles the same library code as Valkey 8) with the serialisation of
 * `_test_vm.ts`, unless marked as coming from the spec.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestVm, runCase } from "./_test_vm.ts";
import { PRNG_INITIAL_STATE } from "./prng.ts";

const CASES: readonly (readonly [string, string])[] = [
  ["return math.random(1,2,3)", "boolean:false | s:user_script:1: wrong number of arguments"],
  [
    "return math.random('x')",
    "boolean:false | s:user_script:1: bad argument #1 to 'random' (number expected, got string)",
  ],
  [
    "return math.random(0)",
    "boolean:false | s:user_script:1: bad argument #1 to 'random' (interval is empty)",
  ],
  [
    "return math.random(3, 1)",
    "boolean:false | s:user_script:1: bad argument #2 to 'random' (interval is empty)",
  ],
  [
    "return math.randomseed()",
    "boolean:false | s:user_script:1: bad argument #1 to 'randomseed' (number expected, got no value)",
  ],
  [
    "return math.randomseed('a')",
    "boolean:false | s:user_script:1: bad argument #1 to 'randomseed' (number expected, got string)",
  ],
  ["return select('#', math.randomseed(5))", "boolean:true | n:0"],
  ["math.randomseed('7') return math.random()", "boolean:true | n:0.26644419658298"],
  ["math.randomseed(2^32+7) return math.random()", "boolean:true | n:0.26644419658298"],
  ["math.randomseed(7.9) return math.random()", "boolean:true | n:0.26644419658298"],
  ["math.randomseed(-7.9) return math.random()", "boolean:true | n:0.07521187517569"],
  ["math.randomseed(0/0) return math.random()", "boolean:true | n:0.17082803611217"],
  ["math.randomseed(1/0) return math.random()", "boolean:true | n:0.17082803611217"],
  ["math.randomseed(2^63) return math.random()", "boolean:true | n:0.17082803611217"],
  [
    "return math.random(2^31)",
    "boolean:false | s:user_script:1: bad argument #1 to 'random' (interval is empty)",
  ],
  [
    "return math.random(nil, 3)",
    "boolean:false | s:user_script:1: bad argument #1 to 'random' (number expected, got nil)",
  ],
  [
    "return math.random(1, nil)",
    "boolean:false | s:user_script:1: bad argument #2 to 'random' (number expected, got nil)",
  ],
  [
    "math.randomseed(1) return math.random(-3,-1), math.random(-2^31, 2^31-1), math.random(5.9), math.random('4'), math.random(2^31 - 1)",
    "boolean:true | n:-3 | n:-2147483648 | n:5 | n:2 | n:1214379248",
  ],
  [
    "math.randomseed(3) local a = math.random() pcall(math.random, 0) local b = math.random() math.randomseed(3) math.random() math.random() return a, b, math.random()",
    "boolean:true | n:0.78323496216127 | n:0.31170834336044 | n:0.31170834336044",
  ],
  [
    "local ok = pcall(math.random, 1, 2, 3) math.randomseed(9) local x = math.random() math.randomseed(9) pcall(math.random, 'x') return x, math.random()",
    "boolean:true | n:0.008048813793831 | n:0.091216158629961",
  ],
  [
    "math.randomseed(100) local t = {} for i = 1, 20 do t[i] = math.random(1, 6) end return table.concat(t, ',')",
    "boolean:true | s:2,2,6,3,3,3,2,4,4,6,6,2,5,4,1,3,5,4,5,5",
  ],
];

for (const [body, expected] of CASES) {
  test(`prng: ${body.slice(0, 90)}`, async () => {
    assert.equal(await runCase(body), expected);
  });
}

// DET-7 (spec, verified on Valkey's generator).
test("prng: fresh state gives the DET-7 first three values", async () => {
  assert.equal(
    await runCase(
      "return tostring(math.random()), tostring(math.random()), tostring(math.random())",
    ),
    "boolean:true | s:0.39646477363839 | s:0.84048536971234 | s:0.35333609737146",
  );
});

test("prng: randomseed(0) gives the DET-7 ten values, full precision too", async () => {
  const vm = await createTestVm();
  const r = vm.run(
    "math.randomseed(0) local a, b = {}, {} for i = 1, 10 do local x = math.random() " +
      "a[i] = tostring(x) b[i] = string.format('%.16g', x) end " +
      "return table.concat(a, ' '), table.concat(b, ' ')",
  );
  assert.deepEqual(r, {
    ok: true,
    values: [
      "0.17082803611217 0.74990198051087 0.09637165539729 0.87046522734243 0.57730350670279 " +
      "0.7857992587545 0.6921941534114 0.36876626981831 0.87390407681181 0.74509509873814",
      "0.1708280361121651 0.7499019805108672 0.0963716553972902 0.8704652273424274 " +
      "0.5773035067027916 0.7857992587544952 0.6921941534114043 0.3687662698183052 " +
      "0.8739040768118128 0.7450950987381372",
    ],
  });
});

test("prng: DET-7 seeds 10, -1 and 42, and random(1,100) after seed 42", async () => {
  assert.equal(
    await runCase(
      "math.randomseed(10) local a = math.random() math.randomseed(-1) local b = math.random() " +
        "math.randomseed(42) return a, b, math.random(), math.random(), math.random()",
    ),
    "boolean:true | n:0.87885112309775 | n:0.30002572727391 | n:0.74452500033403 | " +
      "n:0.34270147855519 | n:0.11108528222474",
  );
  assert.equal(
    await runCase(
      "math.randomseed(42) return math.random(1,100), math.random(1,100), math.random(1,100), " +
        "math.random(1,100), math.random(1,100)",
    ),
    "boolean:true | n:75 | n:35 | n:12 | n:43 | n:9",
  );
});

test("prng: the state persists across runs and is read and restored by the engine", async () => {
  const vm = await createTestVm();
  assert.deepEqual(vm.callPrivate("prng", "get_state"), [{ number: String(PRNG_INITIAL_STATE) }]);
  const first = vm.run("return math.random()");
  const second = vm.run("return math.random()");
  assert.deepEqual(first, { ok: true, values: [{ number: "0.39646477363839" }] });
  assert.deepEqual(second, { ok: true, values: [{ number: "0.84048536971234" }] });
  const [state] = vm.callPrivate("prng", "get_state");
  // A new Lua state (SCRIPT FLUSH) continues the sequence once the state is restored.
  const fresh = await createTestVm();
  fresh.callPrivate("prng", "set_state", [Number((state as { number: string }).number)]);
  assert.deepEqual(fresh.run("return math.random()"), {
    ok: true,
    values: [{ number: "0.35333609737146" }],
  });
  assert.throws(() => fresh.callPrivate("prng", "set_state", [2 ** 48]), /invalid PRNG state/);
});
