// The typed collection helpers every collection group shares (readValue, writeValue,
// valueChanged, afterRemoval, storeValue): keyspace stats, WRONGTYPE, WATCH signals and STORE
// destinations as Valkey's lookupKeyRead / lookupKeyWrite / setKey / dbDelete behave.

import { test } from "node:test";
import assert from "node:assert/strict";
import type { Bytes } from "../bytes.ts";
import { manualClock } from "../clock.ts";
import { ERR_WRONGTYPE, ReplyError } from "../errors.ts";
import { int, NULL_ARRAY, OK } from "../resp/reply.ts";
import { Server } from "../server.ts";
import { SetValue } from "../types/set.ts";
import { afterRemoval, readValue, storeValue, valueChanged, writeValue } from "./lookup.ts";

function setup() {
  const clock = manualClock();
  const server = new Server({ clock });
  const session = server.createSession();
  const run = (...argv: Bytes[]) => server.execute(session, argv);
  const ctx = () => ({ server, db: server.keyspace.dbs[0], now: clock.now() });
  return { clock, server, run, ctx };
}

test("readValue returns the value and counts a keyspace hit, a miss when the key is missing", () => {
  const { server, run, ctx } = setup();
  run("SADD", "s", "a", "b");
  const before = { ...server.stats };
  assert.equal(readValue(ctx(), "s", "set")?.size, 2);
  assert.equal(readValue(ctx(), "missing", "set"), undefined);
  assert.equal(server.stats.keyspaceHits, before.keyspaceHits + 1);
  assert.equal(server.stats.keyspaceMisses, before.keyspaceMisses + 1);
});

test("writeValue returns the value without counting hits or misses", () => {
  const { server, run, ctx } = setup();
  run("RPUSH", "l", "a");
  const before = { ...server.stats };
  assert.equal(writeValue(ctx(), "l", "list")?.length, 1);
  assert.equal(writeValue(ctx(), "missing", "list"), undefined);
  assert.equal(server.stats.keyspaceHits, before.keyspaceHits);
  assert.equal(server.stats.keyspaceMisses, before.keyspaceMisses);
});

test("readValue and writeValue throw WRONGTYPE for a key of another type", () => {
  const { run, ctx } = setup();
  run("SET", "str", "x");
  const wrongType = new ReplyError(ERR_WRONGTYPE);
  assert.throws(() => readValue(ctx(), "str", "hash"), wrongType);
  assert.throws(() => writeValue(ctx(), "str", "zset"), wrongType);
});

test("valueChanged re-charges the key's memory and aborts a WATCHing EXEC", () => {
  const { server, run, ctx } = setup();
  run("SADD", "s", "a");
  run("WATCH", "s");
  const s = writeValue(ctx(), "s", "set");
  assert.ok(s);
  const charged = server.keyspace.dbs[0].peek("s")?.mem;
  for (let i = 0; i < 100; i++) s.add(`member-${i}`);
  valueChanged(ctx(), "s");
  assert.notEqual(server.keyspace.dbs[0].peek("s")?.mem, charged);
  assert.deepEqual(run("MULTI"), OK);
  assert.deepEqual(run("EXEC"), NULL_ARRAY);
});

test("afterRemoval deletes an emptied key and keeps one that still has elements", () => {
  const { run, ctx } = setup();
  run("SADD", "s", "a", "b");
  const s = writeValue(ctx(), "s", "set");
  assert.ok(s);
  s.delete("a");
  afterRemoval(ctx(), "s", s.size);
  assert.deepEqual(run("SCARD", "s"), int(1));
  s.delete("b");
  afterRemoval(ctx(), "s", s.size);
  assert.deepEqual(run("EXISTS", "s"), int(0));
});

test("storeValue reclaims an expired destination and stores the value without a TTL", () => {
  const { clock, server, run, ctx } = setup();
  run("SET", "dst", "old", "PX", "100");
  clock.advance(200);
  const expired = server.stats.expiredKeys;
  const out = SetValue.create("x", 1);
  out.add("x");
  storeValue(ctx(), "dst", "set", out);
  assert.equal(server.stats.expiredKeys, expired + 1);
  assert.deepEqual(run("SCARD", "dst"), int(1));
  assert.deepEqual(run("PTTL", "dst"), int(-1));
});
