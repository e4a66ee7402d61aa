// MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP. Texts, field names and their order
// are Valkey 8's (src/object.c memoryCommand, getMemoryOverheadData, getMemoryDoctorReport);
// values are evalkit's estimates, so they are checked against the model (keyspace.ts, gates.ts)
// and against INFO memory, which reports the same figures.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "../../mod.ts";
import { BASE_USED_MEMORY, usedMemory } from "../gates.ts";
import { EXPIRE_OVERHEAD, KEY_OVERHEAD } from "../keyspace/keyspace.ts";
import { encodeReply } from "../resp/encode.ts";
import { array, bulk, error, int, NULL, OK, type Reply, status } from "../resp/reply.ts";
import { Server } from "../server.ts";

function setup(resp: 2 | 3 = 2, server = new Server()) {
  const s = server.createSession();
  s.resp = resp;
  return { server, run: (...argv: string[]): Reply => server.execute(s, argv) };
}

/** MEMORY STATS as [name, value] pairs (values: numbers, or pairs for `db.N`). */
function statsPairs(r: Reply): [string, unknown][] {
  assert.equal(r.type, "map");
  if (r.type !== "map") return [];
  const value = (v: Reply): unknown =>
    v.type === "integer" || v.type === "double"
      ? Number(v.value)
      : v.type === "map"
      ? v.value.map(([k, x]) => [(k as { value: string }).value, value(x)])
      : v;
  return r.value.map(([k, v]) => [(k as { value: string }).value, value(v)]);
}

function infoField(run: (...a: string[]) => Reply, field: string): number {
  const r = run("INFO", "memory");
  const text = r.type === "verbatim" || r.type === "bulk" ? r.value : "";
  const m = new RegExp(`^${field}:(\\d+)\r$`, "m").exec(text);
  assert.ok(m !== null, field);
  return Number(m[1]);
}

/** Valkey 8's MEMORY STATS field order (object.c), `db.N` entries after `functions.caches`. */
const STATS_FIELDS = [
  "peak.allocated",
  "total.allocated",
  "startup.allocated",
  "replication.backlog",
  "clients.slaves",
  "clients.normal",
  "cluster.links",
  "aof.buffer",
  "lua.caches",
  "functions.caches",
  "overhead.db.hashtable.lut",
  "overhead.db.hashtable.rehashing",
  "overhead.total",
  "db.dict.rehashing.count",
  "keys.count",
  "keys.bytes-per-key",
  "dataset.bytes",
  "dataset.percentage",
  "peak.percentage",
  "allocator.allocated",
  "allocator.active",
  "allocator.resident",
  "allocator.muzzy",
  "allocator-fragmentation.ratio",
  "allocator-fragmentation.bytes",
  "allocator-rss.ratio",
  "allocator-rss.bytes",
  "rss-overhead.ratio",
  "rss-overhead.bytes",
  "fragmentation",
  "fragmentation.bytes",
];

const EMPTY_DOCTOR =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";

test("MEMORY USAGE: the key's estimate without its TTL; nil for a missing key", () => {
  const { run } = setup();
  assert.deepEqual(run("MEMORY", "USAGE", "nokey"), NULL);
  assert.deepEqual(run("SET", "key", "hello"), OK);
  const usage = KEY_OVERHEAD + "key".length + "hello".length;
  assert.deepEqual(run("MEMORY", "USAGE", "key"), int(usage));
  assert.deepEqual(run("EXPIRE", "key", "100"), int(1));
  assert.deepEqual(run("MEMORY", "USAGE", "key"), int(usage));
  assert.deepEqual(run("MEMORY", "usage", "key", "SAMPLES", "0"), int(usage));
  assert.deepEqual(run("MEMORY", "USAGE", "key", "samples", "5", "SAMPLES", "1"), int(usage));
  assert.deepEqual(run("RPUSH", "list", "a", "b", "c"), int(3));
  assert.ok(Number((run("MEMORY", "USAGE", "list") as { value: number }).value) > KEY_OVERHEAD);
});

test("MEMORY USAGE: SAMPLES errors as object.c, before the key is looked up", () => {
  const { run } = setup();
  const syntax = error("ERR syntax error");
  assert.deepEqual(run("MEMORY", "USAGE", "nokey", "SAMPLES", "-1"), syntax);
  assert.deepEqual(run("MEMORY", "USAGE", "nokey", "SAMPLES"), syntax);
  assert.deepEqual(run("MEMORY", "USAGE", "nokey", "FOO", "1"), syntax);
  assert.deepEqual(
    run("MEMORY", "USAGE", "nokey", "SAMPLES", "x"),
    error("ERR value is not an integer or out of range"),
  );
  assert.deepEqual(
    run("MEMORY", "USAGE"),
    error("ERR wrong number of arguments for 'memory|usage' command"),
  );
  assert.deepEqual(
    run("MEMORY", "NOSUCH"),
    error("ERR unknown subcommand 'NOSUCH'. Try MEMORY HELP."),
  );
});

test("MEMORY STATS: Valkey 8's fields in order, per-db entries, figures as INFO memory's", () => {
  const { run, server } = setup(3);
  assert.deepEqual(run("SET", "a", "1234567890"), OK);
  assert.deepEqual(run("SET", "b", "x", "EX", "100"), OK);
  assert.deepEqual(run("SELECT", "3"), OK);
  assert.deepEqual(run("SET", "c", "y"), OK);
  const pairs = statsPairs(run("MEMORY", "STATS"));
  const names = pairs.map(([k]) => k);
  const at = STATS_FIELDS.indexOf("functions.caches") + 1;
  assert.deepEqual(names, [
    ...STATS_FIELDS.slice(0, at),
    "db.0",
    "db.3",
    ...STATS_FIELDS.slice(at),
  ]);
  const stats = new Map(pairs);
  const used = usedMemory(server);
  assert.equal(stats.get("total.allocated"), used);
  assert.equal(stats.get("startup.allocated"), BASE_USED_MEMORY);
  assert.deepEqual(stats.get("db.0"), [
    ["overhead.hashtable.main", 2 * KEY_OVERHEAD],
    ["overhead.hashtable.expires", EXPIRE_OVERHEAD],
  ]);
  assert.deepEqual(stats.get("db.3"), [
    ["overhead.hashtable.main", KEY_OVERHEAD],
    ["overhead.hashtable.expires", 0],
  ]);
  assert.equal(stats.get("keys.count"), 3);
  const overhead = BASE_USED_MEMORY + 3 * KEY_OVERHEAD + EXPIRE_OVERHEAD;
  assert.equal(stats.get("overhead.total"), overhead);
  assert.equal(stats.get("dataset.bytes"), used - overhead);
  assert.equal(stats.get("keys.bytes-per-key"), Math.floor((used - overhead) / 3));
  assert.equal(infoField(run, "used_memory_overhead"), overhead);
  assert.equal(infoField(run, "used_memory_dataset"), used - overhead);
  assert.equal(stats.get("peak.allocated"), infoField(run, "used_memory_peak"));
  // (float)dataset * 100 / (used - startup), as getMemoryOverheadData computes it.
  const f = Math.fround;
  assert.equal(
    stats.get("dataset.percentage"),
    f(f(f(used - overhead) * 100) / f(used - BASE_USED_MEMORY)),
  );
  assert.equal(stats.get("fragmentation"), 1);
});

test("MEMORY STATS in RESP2 is a flat array; an empty server lists no db", () => {
  const { run } = setup(2);
  const r = run("MEMORY", "STATS");
  assert.deepEqual(statsPairs(r).map(([k]) => k), STATS_FIELDS);
  const wire = new TextDecoder().decode(encodeReply(r, 2));
  assert.ok(wire.startsWith(`*${2 * STATS_FIELDS.length}\r\n$14\r\npeak.allocated\r\n:`), wire);
  // Ratios are doubles: bulk strings in RESP2.
  assert.ok(
    wire.endsWith("$13\r\nfragmentation\r\n$1\r\n1\r\n$19\r\nfragmentation.bytes\r\n:0\r\n"),
  );
});

test("INFO-5 MEMORY STATS lua.caches equals used_memory_scripts_eval, from a script too", async () => {
  const server = await createServer();
  try {
    const { run } = setup(2, server);
    assert.deepEqual(
      run("SCRIPT", "LOAD", "return 1"),
      bulk("e0e1f9fabfc9d4800c877a703b823ac0578ff8db"),
    );
    const stats = new Map(statsPairs(run("MEMORY", "STATS")));
    const scripts = infoField(run, "used_memory_scripts_eval");
    assert.ok(scripts > 0);
    assert.equal(stats.get("lua.caches"), scripts);
    const body = "local s = server.call('MEMORY', 'STATS') local v " +
      "for i = 1, #s, 2 do if s[i] == 'lua.caches' then v = s[i + 1] end end " +
      "local e = tonumber(string.match(server.call('INFO', 'memory'), " +
      "'used_memory_scripts_eval:(%d+)')) return {type(v), v == e and 1 or 0}";
    assert.deepEqual(run("EVAL", body, "0"), array([bulk("number"), int(1)]));
  } finally {
    server.scripting.engine?.close();
  }
});

test("MEMORY DOCTOR: Valkey's texts for an empty instance, a sound one, and many scripts", async () => {
  const server = await createServer();
  try {
    const { run } = setup(3, server);
    assert.deepEqual(run("MEMORY", "DOCTOR"), {
      type: "verbatim",
      format: "txt",
      value: EMPTY_DOCTOR,
    });
    // Under 5 MiB it is "empty" whatever else holds (getMemoryDoctorReport checks that first).
    for (let i = 0; i < 1001; i++) run("SCRIPT", "LOAD", `return ${i}`);
    assert.deepEqual((run("MEMORY", "DOCTOR") as { value: string }).value, EMPTY_DOCTOR);
    run("SCRIPT", "FLUSH");
    run("SET", "big", "x".repeat(6 * 1024 * 1024));
    assert.deepEqual(
      (run("MEMORY", "DOCTOR") as { value: string }).value,
      "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n",
    );
    for (let i = 0; i < 1001; i++) run("SCRIPT", "LOAD", `return ${i}`);
    assert.deepEqual(
      (run("MEMORY", "DOCTOR") as { value: string }).value,
      "Sam, I detected a few issues in this Valkey instance memory implants:\n\n" +
        " * Many scripts: There seem to be many cached scripts in this instance (more than 1000). This may be because scripts are generated and `EVAL`ed, instead of being parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts' caches may end up consuming most of your memory.\n\n" +
        "I'm here to keep you safe, Sam. I want to help you.\n",
    );
    // A peak over 150% of the current use (sampled by MEMORY STATS here).
    run("SCRIPT", "FLUSH");
    run("SET", "big2", "x".repeat(12 * 1024 * 1024));
    run("MEMORY", "STATS");
    run("DEL", "big2");
    const report = (run("MEMORY", "DOCTOR") as { value: string }).value;
    assert.match(
      report,
      /^Sam, I detected a few issues[^]* \* Peak memory: In the past this instance used more than 150% the memory/,
    );
    assert.doesNotMatch(report, /Many scripts/);
  } finally {
    server.scripting.engine?.close();
  }
});

test("MEMORY MALLOC-STATS, PURGE and HELP answer as a libc-malloc Valkey", () => {
  const { run } = setup();
  assert.deepEqual(
    run("MEMORY", "MALLOC-STATS"),
    bulk("Stats not supported for the current allocator"),
  );
  assert.deepEqual(run("MEMORY", "PURGE"), OK);
  assert.deepEqual(
    run("memory", "help"),
    array([
      "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return memory problems reports.",
      "MALLOC-STATS",
      "    Return internal statistics report from the memory allocator.",
      "PURGE",
      "    Attempt to purge dirty pages for reclamation by the allocator.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
      "HELP",
      "    Print this help.",
    ].map(status)),
  );
});
