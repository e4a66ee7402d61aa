import { test } from "node:test";
import assert from "node:assert/strict";
import type { Bytes } from "../bytes.ts";
import {
  array,
  type ArrayReply,
  bulk,
  double,
  int,
  NULL_ARRAY,
  type Reply,
} from "../resp/reply.ts";
import { formatG17 } from "./zsets.ts";
import { harness, recomputedMemory, T0 } from "../testing/harness.ts";

const texts = (r: Reply): Bytes[] =>
  r.type === "array" ? r.value.map((x) => (x as { value: Bytes }).value) : [];

test("formatG17 prints C's %.17g (values checked against printf)", () => {
  const cases: [number, string][] = [
    [1.1, "1.1000000000000001"],
    [0.1, "0.10000000000000001"],
    [1e21, "1e+21"],
    [1.2345678901234568e20, "1.2345678901234568e+20"],
    [1e-5, "1.0000000000000001e-05"],
    [2251799813685247.25, "2251799813685247.2"],
    [2251799813685247.75, "2251799813685247.8"],
    [5e-324, "4.9406564584124654e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [123, "123"],
    [-2.5, "-2.5"],
    [1e17, "1e+17"],
    [1e16, "10000000000000000"],
    [12345678901234567, "12345678901234568"],
    [0.0001, "0.0001"],
    [1.234e-5, "1.234e-05"],
    [1e23, "9.9999999999999992e+22"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
    [-0, "-0"],
  ];
  for (const [d, s] of cases) assert.equal(formatG17(d), s, String(d));
});

test("ZSCAN prints listpack scores like d2string and skiplist scores with %.17g", () => {
  const h = harness();
  h.run("ZADD", "lp", "1.1", "a");
  assert.deepEqual(h.run("ZSCAN", "lp", "0"), array([bulk("0"), array([bulk("a"), bulk("1.1")])]));
  h.run(
    "ZADD",
    "sl",
    "1.1",
    "a",
    ...Array.from({ length: 200 }, (_, i) => [`${i}`, `m${i}`]).flat(),
  );
  const r = h.run("ZSCAN", "sl", "0", "MATCH", "a", "COUNT", "1000");
  assert.deepEqual(r, array([bulk("0"), array([bulk("a"), bulk("1.1000000000000001")])]));
});

test("ZSCAN walks a skiplist with cursors; NOSCORES leaves the scores out", () => {
  const h = harness();
  h.run("ZADD", "z", ...Array.from({ length: 300 }, (_, i) => [`${i}`, `m${i}`]).flat());
  const seen = new Set<Bytes>();
  let cursor = "0";
  do {
    const r = h.run("ZSCAN", "z", cursor, "COUNT", "25") as ArrayReply;
    cursor = (r.value[0] as { value: Bytes }).value;
    const items = texts(r.value[1]);
    for (let i = 0; i < items.length; i += 2) {
      assert.ok(!seen.has(items[i]), `${items[i]} twice`);
      seen.add(items[i]);
      assert.equal(items[i + 1], items[i].slice(1));
    }
  } while (cursor !== "0");
  assert.equal(seen.size, 300);
  const r = h.run("ZSCAN", "z", "0", "COUNT", "1000", "NOSCORES") as ArrayReply;
  assert.equal(texts(r.value[1]).length, 300);
});

test("ZRANDMEMBER with a count at least the size lists the set from the highest score", () => {
  const h = harness();
  h.run("ZADD", "z", "1", "a", "2", "b", "3", "c");
  assert.deepEqual(texts(h.run("ZRANDMEMBER", "z", "3")), ["c", "b", "a"]);
  h.run("ZADD", "big", ...Array.from({ length: 200 }, (_, i) => [`${i}`, `m${i}`]).flat());
  const all = texts(h.run("ZRANDMEMBER", "big", "500"));
  assert.equal(all[0], "m199");
  assert.equal(all[199], "m0");
  const some = texts(h.run("ZRANDMEMBER", "big", "50"));
  assert.equal(new Set(some).size, 50);
});

test("ZINTER aggregates the smallest set's score first, the others in size order", () => {
  const h = harness();
  // 0.1 + 0.2 + 0.3 and 0.3 + 0.2 + 0.1 differ in binary: the order is the sizes' order.
  h.run("ZADD", "big", "0.3", "m", "1", "x", "2", "y");
  h.run("ZADD", "mid", "0.2", "m", "1", "x");
  h.run("ZADD", "small", "0.1", "m");
  const expected = (0.1 + 0.2) + 0.3;
  assert.deepEqual(
    h.run("ZINTER", "3", "big", "mid", "small", "WITHSCORES"),
    array([bulk("m"), double(expected)]),
  );
  assert.deepEqual(
    h.run("ZUNION", "3", "big", "mid", "small", "WITHSCORES"),
    array([bulk("m"), double(expected), bulk("x"), double(2), bulk("y"), double(2)]),
  );
});

test("ZUNION weights: 0 × inf is 0; ZINTER MIN ignores a NaN product", () => {
  const h = harness();
  h.run("ZADD", "a", "inf", "m");
  h.run("ZADD", "b", "-inf", "m");
  assert.deepEqual(
    h.run("ZUNION", "1", "a", "WEIGHTS", "0", "WITHSCORES"),
    array([bulk("m"), double(0)]),
  );
  assert.deepEqual(
    h.run("ZINTER", "2", "a", "b", "WEIGHTS", "1", "0", "AGGREGATE", "MIN", "WITHSCORES"),
    array([bulk("m"), double(Infinity)]),
  );
});

test("BZPOPMIN blocks a client that can wait and serves it when a member arrives", () => {
  const h = harness();
  const waiter = h.server.createSession();
  const replies: Reply[] = [];
  h.server.blocking.attach(waiter, (r) => replies.push(r));
  h.server.execute(waiter, ["BZPOPMIN", "z1", "z2", "0"]);
  assert.ok(h.server.blocking.isBlocked(waiter));
  h.run("SADD", "z2", "x"); // another type: no wake-up
  assert.deepEqual(replies, []);
  h.run("ZADD", "z1", "5", "a", "1", "b");
  assert.deepEqual(replies, [array([bulk("z1"), bulk("b"), double(1)])]);
  assert.ok(!h.server.blocking.isBlocked(waiter));
  assert.deepEqual(h.run("ZRANGE", "z1", "0", "-1"), array([bulk("a")]));
});

test("BZMPOP and BZPOPMAX time out with a null array", () => {
  const h = harness();
  const waiter = h.server.createSession();
  const replies: Reply[] = [];
  h.server.blocking.attach(waiter, (r) => replies.push(r));
  h.server.execute(waiter, ["BZMPOP", "0.5", "1", "z", "MAX", "COUNT", "2"]);
  assert.equal(h.server.blocking.deadlineOf(waiter), T0 + 500);
  h.clock.advance(1000);
  h.server.blocking.handleTimeouts(h.clock.now());
  assert.deepEqual(replies, [NULL_ARRAY]);
  h.server.execute(waiter, ["BZMPOP", "0", "1", "z", "MAX", "COUNT", "2"]);
  h.run("ZADD", "z", "1", "a", "2", "b", "3", "c");
  assert.deepEqual(
    replies[1],
    array([
      bulk("z"),
      array([array([bulk("c"), double(3)]), array([bulk("b"), double(2)])]),
    ]),
  );
});

test("blocking pops without a waiting transport reply the timeout reply at once", () => {
  const h = harness();
  assert.deepEqual(h.run("BZPOPMIN", "z", "0"), NULL_ARRAY);
  assert.deepEqual(h.run("BZMPOP", "0", "1", "z", "MIN"), NULL_ARRAY);
  h.run("MULTI");
  h.run("BZPOPMAX", "z", "0");
  assert.deepEqual(h.run("EXEC"), array([NULL_ARRAY]));
});

test("sorted-set writes keep used_memory equal to a recount, through both encodings", () => {
  const h = harness();
  const check = (what: string) =>
    assert.equal(h.server.keyspace.usedMemory, recomputedMemory(h.server), what);
  h.run("ZADD", "z", "1", "a", "2.5", "b", "-0", "c");
  check("listpack");
  h.run("ZINCRBY", "z", "0.1", "a");
  check("zincrby");
  h.run("ZADD", "z", ...Array.from({ length: 200 }, (_, i) => [`${i}`, `m${i}`]).flat());
  check("skiplist");
  h.run("ZREM", "z", "m1", "a");
  h.run("ZPOPMIN", "z", "3");
  h.run("ZREMRANGEBYRANK", "z", "0", "10");
  h.run("ZREMRANGEBYSCORE", "z", "50", "60");
  h.run("ZREMRANGEBYLEX", "z", "[m7", "[m8");
  check("removals");
  h.run("ZUNIONSTORE", "u", "1", "z");
  h.run("ZRANGESTORE", "r", "z", "0", "5");
  h.run("EXPIRE", "r", "100");
  h.run("ZINTERSTORE", "r", "2", "z", "u");
  check("stores");
  h.run("ZADD", "small", "1", "x");
  h.run("SORT", "small", "ALPHA");
  assert.deepEqual(h.run("OBJECT", "ENCODING", "small"), bulk("skiplist"));
  check("sort converts");
  h.run("ZPOPMAX", "z", "1000");
  check("emptied");
  assert.deepEqual(h.run("EXISTS", "z"), int(0));
});

test("ZADD keeps -0 in a skiplist and stores 0 in a listpack", () => {
  const h = harness();
  h.run("ZADD", "lp", "-0", "a");
  assert.deepEqual(h.run("ZSCORE", "lp", "a"), double(0));
  h.run(
    "ZADD",
    "sl",
    "-0",
    "a",
    ...Array.from({ length: 200 }, (_, i) => [`${i}`, `m${i}`]).flat(),
  );
  const s = h.run("ZSCORE", "sl", "a") as { value: number };
  assert.ok(Object.is(s.value, -0));
});
