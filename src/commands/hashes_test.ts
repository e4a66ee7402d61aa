// Unit tests of the hash commands: HSCAN's guarantee on hashtables, HRANDFIELD's counts,
// incremental memory accounting and metadata, plus core replies in-process.

import { test } from "node:test";
import assert from "node:assert/strict";
import type { Bytes } from "../bytes.ts";
import { array, bulk, error, int, map, NULL, OK, type Reply } from "../resp/reply.ts";
import { mulberry32, randInt } from "../types/_test_rng.ts";
import { HASH_COMMANDS } from "./hashes.ts";
import { harness, recomputedMemory } from "../testing/harness.ts";

function items(r: Reply): readonly Reply[] {
  if (r.type !== "array") throw new assert.AssertionError({ message: `not an array: ${r.type}` });
  return r.value;
}

function strings(r: Reply): string[] {
  return items(r).map((x) => (x.type === "bulk" ? x.value : `?${x.type}`));
}

test("HSET counts new fields, HMSET replies OK, both reject an odd field/value list", () => {
  const { run } = harness();
  assert.deepEqual(run("HSET", "h", "a", "1", "b", "2", "a", "3"), int(2));
  assert.deepEqual(run("HMSET", "h", "c", "4"), OK);
  assert.deepEqual(
    run("HGETALL", "h"),
    map([[bulk("a"), bulk("3")], [bulk("b"), bulk("2")], [
      bulk("c"),
      bulk("4"),
    ]]),
  );
  assert.deepEqual(
    run("HSET", "h", "a"),
    error("ERR wrong number of arguments for 'hset' command"),
  );
  assert.deepEqual(
    run("HMSET", "h", "a", "1", "b"),
    error("ERR wrong number of arguments for 'hmset' command"),
  );
});

test("HINCRBY and HINCRBYFLOAT create the key, keep exact int64 and long-double text", () => {
  const { run } = harness();
  assert.deepEqual(run("HINCRBY", "h", "n", "9007199254740993"), int(9007199254740993n));
  assert.deepEqual(
    run("HINCRBY", "h", "n", "9223372036854775807"),
    error("ERR increment or decrement would overflow"),
  );
  assert.deepEqual(run("HINCRBYFLOAT", "h", "f", "10.5"), bulk("10.5"));
  assert.deepEqual(run("HINCRBYFLOAT", "h", "f", "0.1"), bulk("10.6"));
  assert.deepEqual(run("HINCRBYFLOAT", "h", "n", "1"), bulk("9007199254740994"));
  assert.deepEqual(run("HINCRBYFLOAT", "h", "f", "inf"), error("ERR value is NaN or Infinity"));
  assert.deepEqual(run("HSET", "h", "s", "abc"), int(1));
  assert.deepEqual(run("HINCRBY", "h", "s", "1"), error("ERR hash value is not an integer"));
  assert.deepEqual(run("HINCRBYFLOAT", "h", "s", "1"), error("ERR hash value is not a float"));
});

test("HRANDFIELD: distinct fields for a positive count, repeats for a negative one", () => {
  const { run } = harness();
  const argv = ["HSET", "h"];
  for (let i = 0; i < 50; i++) argv.push(`f${i}`, `v${i}`);
  run(...argv);
  const pos = strings(run("HRANDFIELD", "h", "20"));
  assert.equal(pos.length, 20);
  assert.equal(new Set(pos).size, 20);
  const neg = strings(run("HRANDFIELD", "h", "-200"));
  assert.equal(neg.length, 200);
  assert.ok(new Set(neg).size < 200);
  const wv = strings(run("HRANDFIELD", "h", "-3", "WITHVALUES"));
  assert.equal(wv.length, 6);
  for (let i = 0; i < 6; i += 2) assert.equal(wv[i + 1], `v${wv[i].slice(1)}`);
  assert.equal(strings(run("HRANDFIELD", "h", "99")).length, 50);
  assert.deepEqual(run("HRANDFIELD", "nokey"), NULL);
});

test("HSCAN of a hashtable: every field present throughout is returned despite writes", () => {
  const { run } = harness();
  const argv = ["HSET", "h"];
  for (let i = 0; i < 1000; i++) argv.push(`f${i}`, `v${i}`);
  run(...argv);
  assert.deepEqual(run("OBJECT", "ENCODING", "h"), bulk("hashtable"));
  const seen = new Set<string>();
  let cursor = "0";
  let steps = 0;
  do {
    const [c, page] = items(run("HSCAN", "h", cursor, "COUNT", "37"));
    cursor = c.type === "bulk" ? c.value : "?";
    const fields = strings(page);
    for (let i = 0; i < fields.length; i += 2) seen.add(fields[i]);
    // Meanwhile: delete some never-kept fields (f900…) and add new ones.
    run("HDEL", "h", `f${900 + steps}`);
    run("HSET", "h", `new${steps}`, "x");
    steps++;
  } while (cursor !== "0" && steps < 1000);
  assert.equal(cursor, "0");
  for (let i = 0; i < 900; i++) assert.ok(seen.has(`f${i}`), `f${i} missing`);
});

test("HSCAN NOVALUES and MATCH on a listpack hash", () => {
  const { run } = harness();
  run("HSET", "h", "alpha", "1", "beta", "2", "apple", "3");
  assert.deepEqual(
    run("HSCAN", "h", "0", "MATCH", "a*", "NOVALUES"),
    array([bulk("0"), array([bulk("alpha"), bulk("apple")])]),
  );
});

test("used_memory follows every hash change incrementally and returns to 0", () => {
  const { server, run } = harness();
  const random = mulberry32(11);
  const pick = <T>(xs: readonly T[]) => xs[randInt(random, xs.length)];
  const keys = ["a", "b"];
  const field = () => pick(["f1", "f2", "f3", "17", "long".repeat(20)]);
  const value = () => pick(["1", "x", "2.5", "v".repeat(80), "-3"]);
  for (let i = 0; i < 3000; i++) {
    const k = pick(keys);
    const cmds: Bytes[][] = [
      ["HSET", k, field(), value(), field(), value()],
      ["HSETNX", k, field(), value()],
      ["HDEL", k, field(), field()],
      ["HINCRBY", k, field(), "3"],
      ["HINCRBYFLOAT", k, field(), "0.5"],
      ["EXPIRE", k, "100"],
      ["DEL", k],
    ];
    run(...pick(cmds));
    assert.equal(server.keyspace.usedMemory, recomputedMemory(server), `after step ${i}`);
  }
  run("DEL", ...keys);
  assert.equal(server.keyspace.usedMemory, 0);
});

test("every hash command has complete metadata", () => {
  for (const c of HASH_COMMANDS) {
    assert.equal(c.group, "hash", c.name);
    assert.ok(c.summary.length > 0 && c.since !== "" && c.run !== undefined, c.name);
    assert.ok(c.keySpecs.length > 0 && c.acl.includes("hash"), c.name);
  }
  assert.equal(HASH_COMMANDS.length, 16);
});
