// Twin tests of script flags, maxmemory / OOM, read-only and stale replicas, and single-node
// cluster checks against redis-server 7.0.15, with the `redis.` API. OOM sequences use the shared
// twin server (`CONFIG SET maxmemory 1` puts any real server in the OOM state; evalkit's
// used_memory starts at BASE_USED_MEMORY for the same effect). Replica and cluster sequences run
// against a redis-server started in that role, twinned with evalkit built with the matching
// options (`replicaOf` / `stale` / `clusterEnabled`).
//
// Valkey 8 vs Redis 7.0 differences, each marked with valkey(expected) where it shows:
// - Inside MULTI over maxmemory, Redis 7.0 refuses every command but EXEC/DISCARD/QUIT/RESET;
//   Valkey 8 refuses only deny-oom commands (processCommand lost `reject_cmd_on_oom`).
// - A command of a script naming keys of two slots: Redis 7.0 says "Script attempted to access a
//   non local key in a cluster node"; Valkey 8 has its own text (spec CLU-6).

import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "../mod.ts";
import type { Bytes } from "./bytes.ts";
import type { ServerOptions } from "./options.ts";
import { error, QUEUED, type Reply } from "./resp/reply.ts";
import type { Session } from "./session.ts";
import {
  type ClientStep,
  type CommandStep,
  custom,
  exact,
  on,
  skipReason,
  twin,
  valkey,
} from "./testing/twin.ts";
import { firstDifference, formatReply, isComparator } from "./testing/compare.ts";
import { freePort, type RedisServerHandle, startRedisServer } from "./testing/redis_server.ts";
import { RespClient } from "./testing/resp_client.ts";
import { asSentOnWire } from "./testing/wire.ts";

const sha = (body: string) => createHash("sha1").update(body, "latin1").digest("hex");

/** An INFO field equal on both sides. */
const infoField = (field: string) =>
  custom(`infoField(${field})`, (ours, theirs) => {
    const get = (r: Reply) =>
      r.type === "bulk" || r.type === "verbatim"
        ? new RegExp(`^${field}:(.*)\r$`, "m").exec(r.value)?.[1]
        : undefined;
    const a = get(ours), b = get(theirs);
    return a !== undefined && a === b ? undefined : `${field}: evalkit ${a}, redis ${b}`;
  });

// ---- maxmemory and OOM on the shared twin server ----

twin("MEM-3..6 OOM rules under maxmemory 1 with noeviction", [
  ["SET", "k", "v"],
  ["CONFIG", "SET", "maxmemory", "1"],
  ["SET", "k", "w"],
  ["INCR", "n"],
  ["LPUSH", "l", "a"],
  ["GET", "k"],
  ["EXISTS", "k"],
  ["DEL", "nothing"],
  ["EVAL", "#!lua flags=\nreturn 1", "0"],
  ["EVAL", "#!lua\nreturn 1", "0"],
  ["EVAL_RO", "#!lua\nreturn 1", "0"],
  ["EVAL", "return 1", "0"],
  ["EVAL_RO", "return 1", "0"],
  ["EVAL", "#!lua flags=no-writes\nreturn redis.call('get','k')", "0"],
  ["EVAL", "#!lua flags=no-writes\nreturn redis.call('set','x','y')", "0"],
  ["EVAL", "return redis.call('set','x','y')", "0"],
  ["EVAL", "return redis.pcall('set','x','y')", "0"],
  ["EVAL", "return redis.call('get','x')", "0"],
  ["EVAL", "redis.call('del','zz'); return redis.call('set','x','y')", "0"],
  ["EVAL", "redis.call('lrem','l',0,'a'); return redis.call('rpush','l','a')", "0"],
  ["EVAL", "#!lua flags=allow-oom\nreturn redis.call('set','x','z')", "0"],
  ["SCRIPT", "LOAD", "#!lua\nreturn 2"],
  ["EVALSHA", sha("#!lua\nreturn 2"), "0"],
  ["SCRIPT", "LOAD", "return 3"],
  ["EVALSHA", sha("return 3"), "0"],
  ["DEL", "k", "x", "l"],
  ["SET", "k", "w"],
  ["CONFIG", "SET", "maxmemory", "0"],
  ["SET", "k", "w"],
  ["GET", "x"],
]);

twin("MULTI over maxmemory: only deny-oom commands are refused at queue time", [
  ["CONFIG", "SET", "maxmemory", "1"],
  ["MULTI"],
  ["GET", "x", valkey(QUEUED)],
  ["SET", "a", "b"],
  ["EXEC"],
  ["MULTI"],
  ["DISCARD"],
  ["CONFIG", "SET", "maxmemory", "0"],
], {
  valkeyDiff: "Redis 7.0 refuses every queued command over maxmemory; Valkey 8 only deny-oom ones",
});

twin("EXEC is refused when the limit is crossed after a deny-oom command was queued", [
  ["MULTI"],
  ["SET", "a", "b"],
  on("admin", ["CONFIG", "SET", "maxmemory", "1"]),
  ["EXEC"],
  ["EXEC"],
  on("admin", ["CONFIG", "SET", "maxmemory", "0"]),
  ["GET", "a"],
]);

twin("FLAG-15 OOM backstop: EVALSHA of a shebang script loaded in the same transaction", [
  ["MULTI"],
  ["SCRIPT", "LOAD", "#!lua\nreturn 1"],
  ["EVALSHA", sha("#!lua\nreturn 1"), "0"],
  ["EVAL", "#!lua flags=allow-oom\nreturn 2", "0"],
  on("admin", ["CONFIG", "SET", "maxmemory", "1"]),
  ["EXEC"],
  on("admin", ["CONFIG", "SET", "maxmemory", "0"]),
]);

twin("volatile-* policies evict only keys with a TTL, then deny-oom commands fail", [
  ["CONFIG", "SET", "maxmemory-policy", "volatile-lru"],
  ["MSET", "p1", "a", "p2", "b", "p3", "c"],
  ["SET", "t1", "x", "EX", "1000"],
  ["SET", "t2", "x", "PX", "1000000"],
  ["CONFIG", "SET", "maxmemory", "1"],
  ["SET", "p4", "d"],
  ["MGET", "p1", "p2", "p3", "t1", "t2"],
  ["DBSIZE"],
  ["INFO", "stats", infoField("evicted_keys")],
  ["CONFIG", "SET", "maxmemory-policy", "volatile-ttl"],
  ["SET", "t3", "x", "EX", "1000"],
  ["DBSIZE"],
  ["CONFIG", "SET", "maxmemory", "0"],
]);

twin("allkeys-* policies evict everything under maxmemory 1; noeviction nothing", [
  ["CONFIG", "SET", "maxmemory-policy", "noeviction"],
  ["MSET", "a", "1", "b", "2", "c", "3"],
  ["SET", "t", "x", "EX", "1000"],
  ["CONFIG", "SET", "maxmemory", "1"],
  ["DBSIZE"],
  ["INFO", "stats", infoField("evicted_keys")],
  ["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"],
  ["DBSIZE"],
  ["INFO", "stats", infoField("evicted_keys")],
  ["SET", "a", "1"],
  ["CONFIG", "SET", "maxmemory", "0"],
  ["MSET", "a", "1", "b", "2"],
  ["SELECT", "1"],
  ["SET", "c", "3"],
  ["CONFIG", "SET", "maxmemory-policy", "allkeys-random", "maxmemory", "1"],
  ["DBSIZE"],
  ["SELECT", "0"],
  ["DBSIZE"],
  ["INFO", "stats", infoField("evicted_keys")],
  ["CONFIG", "SET", "maxmemory", "0"],
]);

twin("CONFIG GET of the eviction and replica parameters", [
  ["CONFIG", "GET", "lfu-log-factor"],
  ["CONFIG", "GET", "lfu-decay-time"],
  ["CONFIG", "GET", "maxmemory-eviction-tenacity"],
  ["CONFIG", "SET", "maxmemory-eviction-tenacity", "101"],
  ["CONFIG", "SET", "lfu-log-factor", "-1"],
  ["CONFIG", "SET", "lfu-log-factor", "20", "lfu-decay-time", "5"],
  ["CONFIG", "GET", "lfu-log-factor"],
  ["CONFIG", "GET", "lfu-decay-time"],
  ["CONFIG", "GET", "replica-read-only"],
  ["CONFIG", "GET", "slave-read-only"],
  ["CONFIG", "GET", "replica-serve-stale-data"],
  ["CONFIG", "GET", "replica-ignore-maxmemory"],
  ["CONFIG", "GET", "replicaof"],
  ["CONFIG", "GET", "cluster-enabled"],
  ["CONFIG", "SET", "cluster-enabled", "yes"],
  ["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"],
  ["OBJECT", "FREQ", "nokey"],
  ["SET", "k", "v"],
  ["OBJECT", "FREQ", "k"],
  ["CONFIG", "SET", "maxmemory-policy", "noeviction"],
]);

// ---- replica and cluster deployments ----

type Step = CommandStep | ClientStep;

interface Deployment {
  readonly real: RedisServerHandle;
  readonly options: ServerOptions;
  /** Commands run on the real server before each sequence (not compared). */
  readonly reset: readonly (readonly Bytes[])[];
}

/**
 * Runs `steps` on a real server deployed for the test and on an evalkit server built with the
 * deployment's options, comparing every reply (RESP2).
 */
async function compareOn(
  deployment: Deployment,
  steps: readonly Step[],
  valkeyDiff?: string,
): Promise<void> {
  const admin = await RespClient.connect(deployment.real.port);
  for (const argv of deployment.reset) {
    const r = await admin.send(argv);
    if (r.type === "error") throw new Error(`${argv.join(" ")}: ${r.value}`);
  }
  await admin.close();
  const server = await createServer(deployment.options);
  const clients = new Map<string, { redis: RespClient; session: Session }>();
  const failures: string[] = [];
  let diffs = 0;
  try {
    for (const [i, step] of steps.entries()) {
      const isClient = !Array.isArray(step);
      const who = isClient ? (step as ClientStep).client : "main";
      const parts = isClient ? (step as ClientStep).step : step as CommandStep;
      const last = parts[parts.length - 1];
      const comparator = isComparator(last) ? last : exact();
      const argv = (isComparator(last) ? parts.slice(0, -1) : parts) as Bytes[];
      let c = clients.get(who);
      if (c === undefined) {
        c = {
          redis: await RespClient.connect(deployment.real.port),
          session: server.createSession(),
        };
        clients.set(who, c);
      }
      const theirs = await c.redis.send(argv);
      const ours = asSentOnWire(server.execute(c.session, argv), 2);
      let why = comparator.compare(ours, theirs)?.message;
      if (comparator.valkeyExpected !== undefined) {
        diffs++;
        if (why === undefined && firstDifference(theirs, comparator.valkeyExpected) === undefined) {
          why = "redis gives the Valkey reply too: this difference is stale";
        }
      }
      if (why !== undefined) {
        failures.push(
          `step ${i + 1} ${JSON.stringify(argv)}: ${why}\n  evalkit: ${
            formatReply(ours)
          }\n  redis: ${formatReply(theirs)}`,
        );
      }
    }
  } finally {
    for (const c of clients.values()) await c.redis.close();
    server.scripting.engine?.close();
  }
  assert.equal(diffs > 0, valkeyDiff !== undefined, "valkey() steps need a valkeyDiff reason");
  assert.deepEqual(failures, []);
}

const missing = skipReason();

/** A fresh replica of a primary that does not exist (its link stays down). */
async function replica(staleData: boolean): Promise<Deployment & { stop(): Promise<void> }> {
  const deadPort = await freePort();
  const real = await startRedisServer({
    args: [
      "--replicaof",
      "127.0.0.1",
      String(deadPort),
      "--replica-serve-stale-data",
      staleData ? "yes" : "no",
    ],
  });
  return {
    real,
    // With the link down and stale data served, evalkit's "link up" replica behaves the same.
    options: { replicaOf: `127.0.0.1 ${deadPort}`, stale: !staleData },
    reset: [],
    stop: () => real.stop(),
  };
}

function replicaTwin(
  name: string,
  staleData: boolean,
  steps: readonly Step[],
  valkeyDiff?: string,
): void {
  test(name, { skip: missing }, async () => {
    const d = await replica(staleData);
    try {
      await compareOn(d, steps, valkeyDiff);
    } finally {
      await d.stop();
    }
  });
}

replicaTwin("FLAG-8 read-only replica: READONLY for writes and for scripts that may write", true, [
  ["SET", "a", "b"],
  ["GET", "a"],
  ["EVAL", "#!lua\nreturn 1", "0"],
  ["EVAL", "#!lua flags=allow-oom,allow-stale\nreturn 1", "0"],
  ["EVAL", "#!lua flags=no-writes\nreturn 1", "0"],
  ["EVAL_RO", "#!lua\nreturn 1", "0"],
  ["EVAL", "return 1", "0"],
  ["EVAL", "return redis.call('set','a','b')", "0"],
  ["EVAL", "return redis.pcall('set','a','b')", "0"],
  ["EVAL", "return {redis.pcall('get','a'), redis.pcall('del','a')}", "0"],
  ["EVAL_RO", "return redis.pcall('set','a','b')", "0"],
  ["CONFIG", "GET", "replica-read-only"],
  ["MULTI"],
  ["SCRIPT", "LOAD", "#!lua\nreturn 1"],
  ["EVALSHA", sha("#!lua\nreturn 1"), "0"],
  ["EXEC"],
  ["MULTI"],
  ["SET", "x", "y"],
  ["EXEC"],
]);

replicaTwin("replica-ignore-maxmemory: a replica neither evicts nor refuses", true, [
  ["CONFIG", "SET", "maxmemory", "1"],
  ["SET", "q", "1"],
  ["EVAL", "#!lua flags=no-writes\nreturn 1", "0"],
  ["EVAL", "#!lua\nreturn 1", "0"],
  ["CONFIG", "SET", "replica-ignore-maxmemory", "no"],
  ["EVAL", "#!lua flags=no-writes\nreturn 1", "0"],
  ["EVAL", "#!lua\nreturn 1", "0"],
  ["SET", "q", "1"],
  ["GET", "q"],
  ["CONFIG", "SET", "maxmemory", "0"],
]);

replicaTwin(
  "FLAG-7/FLAG-11 stale replica: MASTERDOWN unless the command or script allows it",
  false,
  [
    ["GET", "a"],
    ["ECHO", "hi"],
    ["PING"],
    ["EVAL", "return 1", "0"],
    ["EVAL_RO", "return 1", "0"],
    ["EVAL", "#!lua flags=no-writes\nreturn 1", "0"],
    ["EVAL", "#!lua flags=allow-stale\nreturn 1", "0"],
    ["EVAL_RO", "#!lua flags=allow-stale\nreturn 1", "0"],
    ["EVAL", "#!lua flags=no-writes,allow-stale\nreturn redis.pcall('get','a')", "0"],
    ["EVAL", "#!lua flags=no-writes,allow-stale\nreturn redis.call('get','a')", "0"],
    ["EVAL", "#!lua flags=no-writes,allow-stale\nreturn redis.call('echo','a')", "0"],
    ["EVAL", "#!lua flags=no-writes,allow-stale\nreturn redis.pcall('set','a','b')", "0"],
    ["MULTI"],
    ["SCRIPT", "LOAD", "#!lua flags=no-writes\nreturn 1"],
    ["EVALSHA", sha("#!lua flags=no-writes\nreturn 1"), "0"],
    ["EXEC"],
    ["MULTI"],
    ["GET", "a"],
    ["EXEC"],
    ["CONFIG", "GET", "replica-serve-stale-data"],
    ["CONFIG", "SET", "replica-serve-stale-data", "yes"],
    ["GET", "a"],
    ["EVAL", "return redis.call('get','a')", "0"],
    ["EVAL", "#!lua flags=no-writes\nreturn 1", "0"],
  ],
);

// One single-node cluster owning every slot, shared by the cluster sequences.
let clusterNode: Promise<{ real: RedisServerHandle; dir: string }> | undefined;

function cluster(): Promise<{ real: RedisServerHandle; dir: string }> {
  clusterNode ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "evalkit-gates-cluster-"));
    const real = await startRedisServer({
      args: ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--dir", dir],
    });
    const c = await RespClient.connect(real.port);
    try {
      const r = await c.send(["CLUSTER", "ADDSLOTSRANGE", "0", "16383"]);
      if (r.type === "error") throw new Error(r.value);
      for (let i = 0; i < 200; i++) {
        const info = await c.send(["CLUSTER", "INFO"]);
        if (
          (info.type === "bulk" || info.type === "verbatim") &&
          info.value.includes("cluster_state:ok")
        ) {
          return { real, dir };
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("the single-node cluster did not reach cluster_state:ok");
    } finally {
      await c.close();
    }
  })();
  return clusterNode;
}

after(async () => {
  if (clusterNode === undefined) return;
  const { real, dir } = await clusterNode;
  await real.stop();
  rmSync(dir, { recursive: true, force: true });
});

function clusterTwin(name: string, steps: readonly Step[], valkeyDiff?: string): void {
  test(name, { skip: missing }, async () => {
    const { real } = await cluster();
    await compareOn(
      { real, options: { clusterEnabled: true }, reset: [["FLUSHALL"], ["SCRIPT", "FLUSH"]] },
      steps,
      valkeyDiff,
    );
  });
}

clusterTwin("CLU-4 CROSSSLOT for client commands, declared keys and transactions", [
  ["MSET", "a", "1", "b", "2"],
  ["MSET", "{a}1", "1", "{a}2", "2"],
  ["EVAL", "return 1", "2", "a", "b"],
  ["EVAL", "return 1", "2", "{u}a", "{u}b"],
  ["EVAL", "#!lua flags=no-cluster\nreturn 1", "2", "a", "b"],
  ["EVAL", "return 1", "0"],
  ["MULTI"],
  ["MSET", "a", "1", "b", "1"],
  ["EXEC"],
  ["MULTI"],
  ["SET", "a", "1"],
  ["SET", "b", "1"],
  ["EXEC"],
  ["EXEC"],
  ["EXISTS", "a", "b"],
  ["SELECT", "1"],
  ["SELECT", "0"],
  ["EVAL", "return redis.pcall('select','1')", "0"],
  ["CONFIG", "GET", "cluster-enabled"],
]);

clusterTwin("CLU-7 and FLAG-12/13: script slot rules on a single-node cluster", [
  ["EVAL", "redis.call('set','foo','1'); return redis.call('set','bar','1')", "0"],
  ["EVAL", "#!lua\nredis.call('set','foo','1'); return redis.call('set','bar','1')", "0"],
  ["EVAL", "#!lua\nreturn redis.call('set','foo','1')", "1", "bar"],
  ["EVAL", "#!lua\nreturn redis.call('set',KEYS[1],'1')", "1", "bar"],
  ["EVAL", "return redis.call('set','a','1')", "1", "b"],
  [
    "EVAL",
    "#!lua flags=allow-cross-slot-keys\nredis.call('set','foo','1'); return redis.call('set','bar','1')",
    "0",
  ],
  ["EVAL", "#!lua\nredis.call('get','{a}x'); return redis.pcall('get','a')", "0"],
  ["EVAL", "#!lua\nredis.call('get','{b}x'); return redis.pcall('get','a')", "0"],
  ["EVAL", "#!lua flags=no-cluster\nreturn 1", "0"],
  ["EVAL", "#!lua flags=no-cluster,no-writes\nreturn 1", "0"],
  // The slot a run fixes is the client's: fresh for each command, shared by one EXEC's scripts.
  ["EVAL", "#!lua\nreturn redis.call('set','foo','1')", "0"],
  ["EVAL", "#!lua\nreturn redis.call('set','bar','1')", "0"],
  ["MULTI"],
  ["EVAL", "#!lua\nreturn redis.call('set','foo','1')", "0"],
  ["EVAL", "#!lua\nreturn redis.pcall('set','bar','1')", "0"],
  ["EVAL", "return redis.call('set','bar','1')", "0"],
  ["EXEC"],
  ["MULTI"],
  ["SET", "{bar}x", "1"],
  ["EVAL", "#!lua\nreturn redis.pcall('set','foo','1')", "0"],
  ["EXEC"],
]);

clusterTwin("CLU-6 a script command naming keys of two slots", [
  [
    "EVAL",
    "return redis.pcall('mset','a','1','b','2')",
    "0",
    valkey(
      error(
        "ERR Command 'mset' in script attempted to access keys that don't hash to the same slot",
      ),
    ),
  ],
  ["EVAL", "return redis.pcall('mset','a','1','{a}b','2')", "0"],
  [
    "EVAL",
    "#!lua\nreturn redis.pcall('del','a','b')",
    "0",
    valkey(
      error(
        "ERR Command 'del' in script attempted to access keys that don't hash to the same slot",
      ),
    ),
  ],
], "Redis 7.0 reports every cluster refusal in a script as a non-local key; Valkey 8 says which");
