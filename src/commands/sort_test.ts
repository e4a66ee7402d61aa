import { test } from "node:test";
import assert from "node:assert/strict";
import { array, bulk, error } from "../resp/reply.ts";
import { sortWeight } from "./sort.ts";
import { harness } from "../testing/harness.ts";

test("sortWeight reads what glibc's strtod accepts in full, refusing ERANGE and NaN", () => {
  assert.equal(sortWeight(""), 0);
  assert.equal(sortWeight("  -2.5"), -2.5);
  assert.equal(sortWeight("0x10"), 16);
  assert.equal(sortWeight("inf"), Infinity);
  assert.equal(sortWeight("7\x00junk"), 7); // C stops at the NUL
  assert.equal(sortWeight("0x1p-1074"), 5e-324); // an exact subnormal: no ERANGE
  for (const bad of [" ", "1 ", "nan", "1e400", "1e-400", "1e-310", "4.9e-324", "0x", "abc"]) {
    assert.equal(sortWeight(bad), undefined, JSON.stringify(bad));
  }
});

test("SORT of a set with a constant BY is sorted ALPHA inside scripts (CALL-14)", () => {
  const h = harness();
  h.run("SADD", "s", "c", "10", "a", "9");
  const found = h.server.lookup(["SORT", "s", "BY", "nosort"]);
  assert.ok(!(found instanceof Error));
  const argv = ["SORT", "s", "BY", "nosort"];
  const inScript = h.server.call(h.session, found, argv, 0, false, { inScript: true });
  assert.deepEqual(inScript, array(["10", "9", "a", "c"].map(bulk)));
  // Outside scripts the set keeps its own order (listpack: insertion).
  assert.deepEqual(h.run(...argv), array(["c", "10", "a", "9"].map(bulk)));
});

test("SORT BY a pattern whose field part is empty reads the key itself", () => {
  const h = harness();
  h.run("RPUSH", "l", "1", "2");
  h.run("SET", "w_1->", "2");
  h.run("SET", "w_2->", "1");
  assert.deepEqual(h.run("SORT", "l", "BY", "w_*->"), array([bulk("2"), bulk("1")]));
  assert.deepEqual(
    h.run("SORT", "l", "BY", "w_*->", "GET", "w_*->"),
    array([bulk("1"), bulk("2")]),
  );
});

test("SORT_RO refuses STORE as an unknown option", () => {
  const h = harness();
  assert.deepEqual(h.run("SORT_RO", "l", "STORE", "d"), error("ERR syntax error"));
});
