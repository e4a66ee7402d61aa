import { test } from "node:test";
import assert from "node:assert/strict";
import { manualClock } from "./clock.ts";
import { bytesToHuman, infoSection, infoText, provideInfoFields } from "./info.ts";
import { Server } from "./server.ts";

const headers = (text: string) => text.split("\r\n").filter((l) => l.startsWith("# "));

test("INFO without arguments shows the default sections in Valkey's order", () => {
  const s = new Server();
  assert.deepEqual(headers(infoText(s, [], Date.now())), [
    "# Server",
    "# Clients",
    "# Memory",
    "# Persistence",
    "# Stats",
    "# Replication",
    "# CPU",
    "# Modules",
    "# Errorstats",
    "# Cluster",
    "# Keyspace",
  ]);
  assert.deepEqual(headers(infoText(s, ["default"], Date.now())), headers(infoText(s, [], 0)));
});

test("INFO all and everything add command and latency statistics", () => {
  const s = new Server();
  for (const arg of ["all", "everything", "ALL"]) {
    assert.deepEqual(headers(infoText(s, [arg], Date.now())), [
      "# Server",
      "# Clients",
      "# Memory",
      "# Persistence",
      "# Stats",
      "# Replication",
      "# CPU",
      "# Modules",
      "# Commandstats",
      "# Errorstats",
      "# Latencystats",
      "# Cluster",
      "# Keyspace",
    ]);
  }
});

test("INFO picks sections case-insensitively, in Valkey's order, once each", () => {
  const s = new Server();
  const now = Date.now();
  assert.equal(infoText(s, ["nosuch"], now), "");
  assert.equal(
    infoText(s, ["KEYSPACE", "cluster", "keyspace"], now),
    "# Cluster\r\ncluster_enabled:0\r\n\r\n# Keyspace\r\n",
  );
  assert.deepEqual(headers(infoText(s, ["module_list"], now)), ["# Modules"]);
});

test("INFO keyspace lists non-empty databases with keys, expires and average TTL", () => {
  const clock = manualClock(1_000_000);
  const s = new Server({ clock });
  const c = s.createSession();
  s.execute(c, ["SET", "a", "1"]);
  s.execute(c, ["SET", "b", "2", "PX", "1000"]);
  s.execute(c, ["SET", "c", "3", "PX", "3000"]);
  s.execute(c, ["SELECT", "5"]);
  s.execute(c, ["SET", "x", "1"]);
  assert.equal(
    infoText(s, ["keyspace"], clock.now()),
    "# Keyspace\r\ndb0:keys=3,expires=2,avg_ttl=2000\r\ndb5:keys=1,expires=0,avg_ttl=0\r\n",
  );
});

test("INFO errorstats counts error replies by code, sorted", () => {
  const s = new Server();
  const c = s.createSession();
  s.execute(c, ["NOSUCH"]);
  s.execute(c, ["HELLO", "9"]);
  s.execute(c, ["GET"]);
  assert.equal(
    infoText(s, ["errorstats"], Date.now()),
    "# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_NOPROTO:count=1\r\n",
  );
  const stats = Object.fromEntries(infoSection(s, "stats", Date.now()));
  assert.equal(stats.total_error_replies, 3);
});

test("INFO clients counts sessions and watched keys", () => {
  const s = new Server();
  const a = s.createSession(), b = s.createSession();
  s.execute(a, ["WATCH", "k1", "k2"]);
  s.execute(b, ["WATCH", "k2"]);
  const f = Object.fromEntries(infoSection(s, "clients", Date.now()));
  assert.equal(f.connected_clients, 2);
  assert.equal(f.watching_clients, 2);
  assert.equal(f.total_watched_keys, 2);
});

test("INFO server names Valkey and the Redis compatibility version", () => {
  const clock = manualClock(1_700_000_000_000);
  const s = new Server({ clock });
  clock.advance(90_061_000);
  const f = Object.fromEntries(infoSection(s, "server", clock.now()));
  assert.equal(f.redis_version, "7.2.4");
  assert.equal(f.server_name, "valkey");
  assert.equal(f.valkey_version, "8.0.1");
  assert.equal(f.server_mode, "standalone");
  assert.equal(f.uptime_in_seconds, 90061);
  assert.equal(f.uptime_in_days, 1);
  assert.equal(f.server_time_usec, 1_700_090_061_000_000);
  assert.match(String(f.run_id), /^[0-9a-f]{40}$/);
  s.config.extendedRedisCompat = true;
  const g = Object.fromEntries(infoSection(s, "server", clock.now()));
  assert.equal(g.redis_mode, "standalone");
  assert.equal(g.server_mode, undefined);
});

test("INFO memory derives human and total fields from the providers' sources", () => {
  const s = new Server();
  provideInfoFields(s, {
    used_memory_vm_eval: () => 32768,
    used_memory_scripts_eval: () => 1536,
    number_of_cached_scripts: () => 3,
  });
  const f = Object.fromEntries(infoSection(s, "memory", Date.now()));
  assert.equal(f.used_memory_lua, 32768);
  assert.equal(f.used_memory_vm_eval, 32768);
  assert.equal(f.used_memory_lua_human, "32.00K");
  assert.equal(f.used_memory_vm_total, 32768);
  assert.equal(f.used_memory_scripts, 1536);
  assert.equal(f.used_memory_scripts_human, "1.50K");
  assert.equal(f.number_of_cached_scripts, 3);
  assert.equal(f.maxmemory_policy, "noeviction");
});

test("bytesToHuman formats like Valkey", () => {
  assert.equal(bytesToHuman(0), "0B");
  assert.equal(bytesToHuman(1023), "1023B");
  assert.equal(bytesToHuman(1024), "1.00K");
  assert.equal(bytesToHuman(1024 * 1024 * 1.5), "1.50M");
  assert.equal(bytesToHuman(1024 ** 3 * 2), "2.00G");
  assert.equal(bytesToHuman(1024 ** 4), "1.00T");
  assert.equal(bytesToHuman(1024 ** 5 * 3), "3.00P");
});
