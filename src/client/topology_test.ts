import { test } from "node:test";
import assert from "node:assert/strict";
import type { Reply } from "../resp/reply.ts";
import { parseClusterShards, parseClusterSlots, SlotMap } from "./topology.ts";

const b = (value: string): Reply => ({ type: "bulk", value });
const i = (value: number): Reply => ({ type: "integer", value });
const arr = (...value: Reply[]): Reply => ({ type: "array", value });

test("parseClusterSlots reads primaries and replicas; '?' and empty hosts use the asked host", () => {
  const reply = arr(
    arr(i(0), i(5460), arr(b("10.0.0.1"), i(7000), b("id1")), arr(b("?"), i(7003), b("id4"))),
    arr(i(5461), i(16383), arr(b(""), i(7001), b("id2"), arr())),
  );
  assert.deepEqual(parseClusterSlots(reply, "seed.local"), [
    { start: 0, end: 5460, primary: "10.0.0.1:7000", replicas: ["seed.local:7003"] },
    { start: 5461, end: 16383, primary: "seed.local:7001", replicas: [] },
  ]);
  assert.equal(parseClusterSlots(b("nope"), "h"), undefined);
});

test("parseClusterShards reads RESP2 flat arrays; failed replicas are skipped", () => {
  const node = (ip: string, port: number, role: string, health = "online") =>
    arr(
      b("id"),
      b("x"),
      b("port"),
      i(port),
      b("ip"),
      b(ip),
      b("endpoint"),
      b(ip),
      b("role"),
      b(role),
      b("health"),
      b(health),
    );
  const reply = arr(
    arr(
      b("slots"),
      arr(i(0), i(99), i(200), i(299)),
      b("nodes"),
      arr(node("127.0.0.1", 7000, "master"), node("127.0.0.1", 7003, "replica", "failed")),
    ),
  );
  assert.deepEqual(parseClusterShards(reply, "h"), [
    { start: 0, end: 99, primary: "127.0.0.1:7000", replicas: [] },
    { start: 200, end: 299, primary: "127.0.0.1:7000", replicas: [] },
  ]);
});

test("SlotMap answers by slot and takes MOVED corrections", () => {
  const map = new SlotMap([
    { start: 100, end: 16383, primary: "b:2", replicas: ["c:3"] },
    { start: 0, end: 99, primary: "a:1", replicas: [] },
  ]);
  assert.equal(map.primary(5), "a:1");
  assert.equal(map.replica(5), "a:1");
  assert.equal(map.replica(500), "c:3");
  assert.deepEqual(map.primaries(), ["a:1", "b:2"]);
  assert.deepEqual(map.nodes(), ["a:1", "b:2", "c:3"]);
  map.move(5, "d:4");
  assert.equal(map.primary(5), "d:4");
  assert.deepEqual(map.primaries(), ["a:1", "b:2", "d:4"]);
});
