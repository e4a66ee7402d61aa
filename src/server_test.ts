import { test } from "node:test";
import assert from "node:assert/strict";
import { manualClock } from "./clock.ts";
import { int, OK } from "./resp/reply.ts";
import { Server } from "./server.ts";

test("cron() expires keys whose TTL passed without anyone reading them", () => {
  const clock = manualClock();
  const server = new Server({ clock });
  const s = server.createSession();
  assert.deepEqual(server.execute(s, ["SET", "k", "v", "PX", "100"]), OK);
  assert.deepEqual(server.execute(s, ["SET", "keep", "v"]), OK);
  clock.advance(50);
  assert.equal(server.cron(), 0);
  clock.advance(100);
  // DBSIZE does not reclaim expired keys: only the cycle does.
  assert.deepEqual(server.execute(s, ["DBSIZE"]), int(2));
  assert.equal(server.cron(), 1);
  assert.deepEqual(server.execute(s, ["DBSIZE"]), int(1));
  assert.equal(server.stats.expiredKeys, 1);
});

test("cron() does nothing while DEBUG SET-ACTIVE-EXPIRE 0 is in effect", () => {
  const clock = manualClock();
  const server = new Server({ clock });
  const s = server.createSession();
  server.execute(s, ["SET", "k", "v", "PX", "10"]);
  assert.deepEqual(server.execute(s, ["DEBUG", "SET-ACTIVE-EXPIRE", "0"]), OK);
  clock.advance(1000);
  assert.equal(server.cron(), 0);
  assert.deepEqual(server.execute(s, ["DBSIZE"]), int(1));
  assert.deepEqual(server.execute(s, ["DEBUG", "SET-ACTIVE-EXPIRE", "1"]), OK);
  assert.equal(server.cron(), 1);
  assert.deepEqual(server.execute(s, ["DBSIZE"]), int(0));
});
