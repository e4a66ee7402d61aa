// Unit tests of the list commands: what the twin tests cannot see (Valkey 8's encodings against
// Redis 7.0's, incremental memory accounting, metadata), plus the core replies in-process.

import { test } from "node:test";
import assert from "node:assert/strict";
import type { Bytes } from "../bytes.ts";
import { array, bulk, EMPTY_ARRAY, error, int, NULL, NULL_ARRAY, OK } from "../resp/reply.ts";
import { mulberry32, randInt } from "../types/_test_rng.ts";
import { LIST_COMMANDS } from "./lists.ts";
import { harness, recomputedMemory } from "../testing/harness.ts";

test("LPUSH and RPUSH push in argument order and reply the new length", () => {
  const { run } = harness();
  assert.deepEqual(run("LPUSH", "l", "a", "b"), int(2));
  assert.deepEqual(run("RPUSH", "l", "c"), int(3));
  assert.deepEqual(run("LRANGE", "l", "0", "-1"), array([bulk("b"), bulk("a"), bulk("c")]));
  assert.deepEqual(run("LPUSHX", "missing", "x"), int(0));
  assert.deepEqual(run("EXISTS", "missing"), int(0));
});

test("LPOP with a count replies an array; a missing key a null array, not a null bulk", () => {
  const { run } = harness();
  assert.deepEqual(run("LPOP", "l", "2"), NULL_ARRAY);
  assert.deepEqual(run("LPOP", "l"), NULL);
  run("RPUSH", "l", "a", "b", "c");
  assert.deepEqual(run("RPOP", "l", "2"), array([bulk("c"), bulk("b")]));
  assert.deepEqual(run("LPOP", "l", "0"), EMPTY_ARRAY);
  assert.deepEqual(run("LPOP", "l", "-1"), error("ERR value is out of range, must be positive"));
  assert.deepEqual(run("LPOP", "l", "x"), error("ERR value is out of range, must be positive"));
  assert.deepEqual(
    run("LPOP", "l", "1", "2"),
    error("ERR wrong number of arguments for 'lpop' command"),
  );
  assert.deepEqual(run("LPOP", "l"), bulk("a"));
  assert.deepEqual(run("EXISTS", "l"), int(0));
});

test("LSET truncates its index to int32 as Valkey's listTypeReplaceAtIndex does", () => {
  const { run } = harness();
  run("RPUSH", "l", "a", "b", "c");
  assert.deepEqual(run("LSET", "l", String(2 ** 32 + 1), "x"), OK);
  assert.deepEqual(run("LSET", "l", String(2 ** 32 - 1), "z"), OK); // -1
  assert.deepEqual(run("LRANGE", "l", "0", "-1"), array([bulk("a"), bulk("x"), bulk("z")]));
  assert.deepEqual(run("LSET", "l", String(2 ** 31), "q"), error("ERR index out of range"));
});

test("LPOS, LINSERT, LREM and LTRIM on one list", () => {
  const { run } = harness();
  run("RPUSH", "l", "a", "b", "a", "c", "a");
  assert.deepEqual(run("LPOS", "l", "a", "RANK", "-2", "COUNT", "0"), array([int(2), int(0)]));
  assert.deepEqual(run("LPOS", "l", "a", "MAXLEN", "1", "RANK", "2"), NULL);
  assert.deepEqual(run("LINSERT", "l", "AFTER", "c", "d"), int(6));
  assert.deepEqual(run("LREM", "l", "-2", "a"), int(2));
  assert.deepEqual(
    run("LRANGE", "l", "0", "-1"),
    array([bulk("a"), bulk("b"), bulk("c"), bulk("d")]),
  );
  assert.deepEqual(run("LTRIM", "l", "1", "-2"), OK);
  assert.deepEqual(run("LRANGE", "l", "0", "-1"), array([bulk("b"), bulk("c")]));
});

test("LMOVE onto the same list rotates it", () => {
  const { run } = harness();
  run("RPUSH", "l", "1", "2", "3");
  assert.deepEqual(run("LMOVE", "l", "l", "LEFT", "RIGHT"), bulk("1"));
  assert.deepEqual(run("LRANGE", "l", "0", "-1"), array([bulk("2"), bulk("3"), bulk("1")]));
});

test("OBJECT ENCODING follows Valkey 8: listpack up to 8 KB, quicklist beyond, back at 4 KB", () => {
  const { run } = harness();
  run("RPUSH", "l", "a");
  assert.deepEqual(run("OBJECT", "ENCODING", "l"), bulk("listpack"));
  // 7-byte header + "a" (3 bytes) + 8190 raw bytes > 8192: converted before the push.
  run("RPUSH", "l", "x".repeat(8190));
  assert.deepEqual(run("OBJECT", "ENCODING", "l"), bulk("quicklist"));
  run("RPOP", "l");
  assert.deepEqual(run("OBJECT", "ENCODING", "l"), bulk("listpack"));
  // 100 elements of 50 bytes (52 bytes each in a listpack) stay under 8 KB.
  const fifty = Array.from({ length: 100 }, (_, i) => String(i).padStart(50, "0"));
  run("RPUSH", "m", ...fifty);
  assert.deepEqual(run("OBJECT", "ENCODING", "m"), bulk("listpack"));
  run("RPUSH", "m", ...fifty.slice(0, 60));
  assert.deepEqual(run("OBJECT", "ENCODING", "m"), bulk("quicklist"));
  // Shrinking converts back only once one node holds at most half the limit (4 KB).
  run("LTRIM", "m", "0", "99");
  assert.deepEqual(run("OBJECT", "ENCODING", "m"), bulk("quicklist"));
  run("LTRIM", "m", "0", "59");
  assert.deepEqual(run("OBJECT", "ENCODING", "m"), bulk("listpack"));
});

test("used_memory follows every list change incrementally and returns to 0", () => {
  const { server, run } = harness();
  const random = mulberry32(7);
  const pick = <T>(xs: readonly T[]) => xs[randInt(random, xs.length)];
  const keys = ["a", "b", "c"];
  const el = () => pick(["1", "x", "hello", "", "y".repeat(70), "z".repeat(9000), "-42"]);
  for (let i = 0; i < 3000; i++) {
    const k = pick(keys);
    const cmds: Bytes[][] = [
      ["LPUSH", k, el(), el()],
      ["RPUSH", k, el()],
      ["LPOP", k, String(randInt(random, 3))],
      ["RPOP", k],
      ["LSET", k, String(randInt(random, 6) - 3), el()],
      ["LREM", k, String(randInt(random, 5) - 2), el()],
      ["LTRIM", k, String(randInt(random, 5) - 2), String(randInt(random, 8) - 2)],
      ["LINSERT", k, pick(["BEFORE", "AFTER"]), el(), el()],
      ["LMOVE", k, pick(keys), pick(["LEFT", "RIGHT"]), pick(["LEFT", "RIGHT"])],
      ["LMPOP", "2", k, pick(keys), "LEFT", "COUNT", "2"],
      ["EXPIRE", k, "100"],
      ["PERSIST", k],
    ];
    run(...pick(cmds));
    assert.equal(server.keyspace.usedMemory, recomputedMemory(server), `after step ${i}`);
  }
  run("DEL", ...keys);
  assert.equal(server.keyspace.usedMemory, 0);
});

test("used_memory counts a list as Valkey sizes it: listpack bytes, or quicklist nodes", () => {
  const { server, run } = harness();
  run("RPUSH", "l", "hello", "7");
  // key overhead 56 + 1 key byte; listpack 7 + "hello" (1 + 5 + 1) + 7 (1 + 1).
  assert.equal(server.keyspace.usedMemory, 57 + 7 + 7 + 2);
  run("RPUSH", "l", "x".repeat(9000));
  // quicklist 40 + node(32 + 16) + plain node(32 + 9000)
  assert.equal(server.keyspace.usedMemory, 57 + 40 + 32 + 16 + 32 + 9000);
});

test("every list command has complete metadata", () => {
  for (const c of LIST_COMMANDS) {
    assert.equal(c.group, "list", c.name);
    assert.ok(c.summary.length > 0 && c.since !== "" && c.run !== undefined, c.name);
    assert.ok(c.keySpecs.length > 0, c.name);
    assert.ok(c.acl.includes("list"), c.name);
  }
  assert.equal(LIST_COMMANDS.length, 22);
});
