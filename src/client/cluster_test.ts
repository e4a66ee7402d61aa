import { test } from "node:test";
import assert from "node:assert/strict";
import type { Reply } from "../resp/reply.ts";
import { clientSuite } from "../testing/client_suite.ts";
import { type RedisClusterHandle, startRedisCluster } from "../testing/redis_cluster.ts";
import { findRedisServer } from "../testing/redis_server.ts";
import { RespClient } from "../testing/resp_client.ts";
import {
  Batch,
  ClusterBatch,
  type ClusterClient,
  createClusterClient,
  type RedirectEvent,
  RequestError,
  Script,
} from "./mod.ts";
import { CROSSSLOT_BATCH } from "./errors.ts";
import { run as runBatchExample } from "../../examples/client/batch_with_scripts.ts";
import { keySlot } from "./slot.ts";
import { parseClusterShards, parseClusterSlots, type SlotRange } from "./topology.ts";

// Target (d): a real 3-primary redis-server cluster on loopback, started once for this file.
const SKIP = findRedisServer() === undefined
  ? "redis-server not found (apt-get install redis-server redis-tools)"
  : undefined;
let cluster: Promise<RedisClusterHandle> | undefined;
const startCluster = () => cluster ??= startRedisCluster(3, 30_000);
let stopped = false;
async function stopCluster(): Promise<void> {
  if (cluster === undefined || stopped) return;
  stopped = true;
  await (await cluster.catch(() => undefined))?.stop();
}

/** Redirects seen by the clients of this file, in order. */
const redirects: RedirectEvent[] = [];
async function connect(): Promise<ClusterClient> {
  const { addresses } = await startCluster();
  return await createClusterClient(addresses.map((a) => `redis://${a}`), {
    onRedirect: (e) => redirects.push(e),
  });
}

clientSuite({
  name: "redis cluster",
  skip: SKIP,
  connect,
  stop: stopCluster,
  protocol: 3,
  valkey8: false,
  nestedErrors: true,
});

const opts = SKIP === undefined ? { timeout: 30_000 } : { skip: SKIP };

/** Runs `fn` with a fresh cluster client, closed afterwards. */
function clusterTest(name: string, fn: (c: ClusterClient) => Promise<void>): void {
  test(`redis cluster: ${name}`, opts, async () => {
    const client = await connect();
    try {
      await fn(client);
    } finally {
      await client.close();
    }
  });
}

function layout(ranges: readonly SlotRange[], ids: ReadonlyMap<string, string>): string {
  return ranges.map((r) =>
    `  slots ${String(r.start).padStart(5)}-${String(r.end).padEnd(5)} -> ${r.primary}` +
    ` (${ids.get(r.primary)?.slice(0, 8) ?? "?"})`
  ).join("\n");
}

async function nodeIds(addresses: readonly string[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const a of addresses) {
    const [host, port] = a.split(":");
    const raw = await RespClient.connect(Number(port), host);
    const id = await raw.send(["CLUSTER", "MYID"]);
    await raw.close();
    ids.set(a, id.type === "bulk" ? id.value : "?");
  }
  return ids;
}

/** A script that answers the port of the node it runs on (proves where it was routed). */
const PORT = new Script("return string.match(redis.call('INFO', 'server'), 'tcp_port:(%d+)')");
const portOf = (address: string) => address.slice(address.lastIndexOf(":") + 1);

clusterTest(
  "layout: 3 primaries cover the 16384 slots; keys map to their slot's node",
  async (c) => {
    const { addresses } = await startCluster();
    const ranges = c.slotRanges();
    const ids = await nodeIds(addresses);
    console.log(`cluster layout (discovered with CLUSTER SHARDS):\n${layout(ranges, ids)}`);
    assert.equal(new Set(ranges.map((r) => r.primary)).size, 3);
    assert.equal(ranges.reduce((n, r) => n + r.end - r.start + 1, 0), 16384);
    for (const key of ["user:1000", "user:{1000}:name", "product:shoe:stock", "script-key"]) {
      const owner = c.primaryFor(key)!;
      const slot = await c.customCommand(["CLUSTER", "KEYSLOT", key]);
      assert.equal(slot, keySlot(key));
      console.log(`  ${key} -> slot ${slot} -> ${owner}`);
      const r = ranges.find((x) => x.start <= keySlot(key) && keySlot(key) <= x.end)!;
      assert.equal(owner, r.primary);
      // The script routed by this key runs on that node.
      assert.equal(await c.invokeScript(PORT, { keys: [key] }), portOf(owner));
    }
  },
);

test(
  "redis cluster: CLUSTER SHARDS and CLUSTER SLOTS give the same slot map, RESP2 and RESP3",
  opts,
  async () => {
    const { addresses } = await startCluster();
    const [host, port] = addresses[0].split(":");
    for (const resp of [2, 3]) {
      const raw = await RespClient.connect(Number(port), host);
      if (resp === 3) await raw.send(["HELLO", "3"]);
      const shards: Reply = await raw.send(["CLUSTER", "SHARDS"]);
      const slots: Reply = await raw.send(["CLUSTER", "SLOTS"]);
      await raw.close();
      const a = parseClusterShards(shards, host);
      const b = parseClusterSlots(slots, host);
      assert.ok(a !== undefined && b !== undefined, `RESP${resp}`);
      const sorted = (x: SlotRange[]) => [...x].sort((p, q) => p.start - q.start);
      assert.deepEqual(sorted(a), sorted(b), `RESP${resp}`);
      assert.equal(a.length, 3);
    }
  },
);

clusterTest("hash-tagged multi-key script runs on the tag's node (seed 003)", async (c) => {
  assert.equal(keySlot("user:{1000}:name"), 11326);
  const profile = new Script(
    "redis.call('SET', KEYS[1], ARGV[1]); redis.call('SET', KEYS[2], ARGV[2]); " +
      "return redis.call('MGET', KEYS[1], KEYS[2])",
  );
  const before = redirects.length;
  assert.deepEqual(
    await c.invokeScript(profile, {
      keys: ["user:{1000}:name", "user:{1000}:email"],
      args: ["Ada", "ada@example.com"],
    }),
    ["Ada", "ada@example.com"],
  );
  assert.equal(redirects.length, before, "routed straight to the slot's primary");
});

clusterTest(
  "keys in different slots get the server's CROSSSLOT error unchanged (CLU-4)",
  async (c) => {
    assert.notEqual(keySlot("user:1000"), keySlot("user:2000"));
    await assert.rejects(
      c.invokeScript(new Script("return 1"), { keys: ["user:1000", "user:2000"] }),
      (e) =>
        e instanceof RequestError && e.code === "CROSSSLOT" &&
        e.message === "CROSSSLOT Keys in request don't hash to the same slot",
    );
  },
);

clusterTest("invokeScriptWithRoute: every route kind (GL-10, GL-11)", async (c) => {
  const { addresses } = await startCluster();
  const all = await c.invokeScriptWithRoute(PORT, { route: "allPrimaries" });
  assert.deepEqual(all, Object.fromEntries(addresses.map((a) => [a, portOf(a)])));
  assert.deepEqual(await c.invokeScriptWithRoute(PORT, { route: "allNodes" }), all);
  const owner = c.primaryFor("user:1000")!;
  assert.equal(
    await c.invokeScriptWithRoute(PORT, { route: { type: "primarySlotKey", key: "user:1000" } }),
    portOf(owner),
  );
  assert.equal(
    await c.invokeScriptWithRoute(PORT, { route: { type: "primarySlotId", id: 1649 } }),
    portOf(owner),
  );
  // No replicas here: replica routes fall back to the primary.
  assert.equal(
    await c.invokeScriptWithRoute(PORT, { route: { type: "replicaSlotKey", key: "user:1000" } }),
    portOf(owner),
  );
  const [host, port] = addresses[2].split(":");
  assert.equal(
    await c.invokeScriptWithRoute(PORT, { route: { type: "routeByAddress", host: addresses[2] } }),
    port,
  );
  assert.equal(
    await c.invokeScriptWithRoute(PORT, {
      route: { type: "routeByAddress", host, port: Number(port) },
    }),
    port,
  );
  const random = await c.invokeScriptWithRoute(PORT, { args: [] });
  assert.ok(addresses.map(portOf).includes(String(random)));
  const echo = new Script("return ARGV[1]");
  assert.equal(await c.invokeScriptWithRoute(echo, { args: ["x"], route: "randomNode" }), "x");
});

clusterTest(
  "SCRIPT EXISTS is the AND of every primary; NOSCRIPT loads on all nodes (GL-9)",
  async (c) => {
    const { addresses } = await startCluster();
    await c.scriptFlush();
    const script = new Script("return 'loaded where?'");
    const hash = script.getHash();
    const byAddress = (a: string) => ({ route: { type: "routeByAddress" as const, host: a } });
    // Loaded on one node only: not "existing" for the cluster.
    assert.equal(
      await c.customCommand(["SCRIPT", "LOAD", "return 'loaded where?'"], byAddress(addresses[0])),
      hash,
    );
    assert.deepEqual(await c.scriptExists([hash]), [false]);
    assert.deepEqual(
      await c.customCommand(["SCRIPT", "EXISTS", hash], byAddress(addresses[0])),
      [1],
    );
    // Run on another node: NOSCRIPT there, so SCRIPT LOAD goes to every node.
    const other = ["a", "b", "c", "d", "e", "f"].find((k) => c.primaryFor(k) !== addresses[0])!;
    assert.equal(await c.invokeScript(script, { keys: [other] }), "loaded where?");
    assert.deepEqual(await c.scriptExists([hash]), [true]);
    for (const a of addresses) {
      assert.deepEqual(await c.scriptExists([hash], byAddress(a)), [true], a);
    }
    await c.scriptFlush("SYNC", { route: "allPrimaries" });
    assert.deepEqual(await c.customCommand(["SCRIPT", "EXISTS", hash], { route: "allNodes" }), [0]);
  },
);

clusterTest("scriptKill goes to every node and raises NOTBUSY when none is busy", async (c) => {
  await assert.rejects(c.scriptKill(), (e) => e instanceof RequestError && e.code === "NOTBUSY");
});

clusterTest("customCommand: keyless commands use GLIDE's multi-node policies", async (c) => {
  const { addresses } = await startCluster();
  assert.equal(await c.customCommand(["PING"]), "PONG");
  await c.customCommand(["FLUSHALL"]);
  await c.set("a", "1"); // three keys on three nodes
  await c.set("b", "2");
  await c.set("c", "3");
  assert.deepEqual(new Set([c.primaryFor("a"), c.primaryFor("b"), c.primaryFor("c")]).size, 3);
  assert.equal(await c.customCommand(["DBSIZE"]), 3);
  assert.deepEqual(((await c.customCommand(["KEYS", "*"])) as string[]).sort(), ["a", "b", "c"]);
  assert.deepEqual(await c.customCommand(["MGET", "c", "a", "nope", "b"]), ["3", "1", null, "2"]);
  const info = await c.customCommand(["INFO", "server"], { route: "allPrimaries" });
  assert.deepEqual(Object.keys(info as object).sort(), [...addresses].sort());
  assert.equal(await c.del(["a", "b", "c", "nope"]), 3);
});

clusterTest("atomic batch over two slots fails client-side with CROSSSLOT (GL-15)", async (c) => {
  await c.del(["user:1000", "user:2000"]);
  const batch = new ClusterBatch(true).set("user:1000", "x").set("user:2000", "y");
  await assert.rejects(
    c.exec(batch, { raiseOnError: false }),
    (e) => e instanceof RequestError && e.code === "CROSSSLOT" && e.message === CROSSSLOT_BATCH,
  );
  assert.equal(await c.get("user:1000"), null, "nothing was sent");
});

clusterTest("pipeline batch spans nodes and keeps the order of results", async (c) => {
  const inc = new Script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  await c.scriptFlush();
  await c.del(["p:a", "p:b", "p:c"]);
  const batch = new ClusterBatch(false)
    .invokeScript(inc, { keys: ["p:a"], args: ["1"] })
    .invokeScript(inc, { keys: ["p:b"], args: ["2"] })
    .customCommand(["DBSIZE"])
    .invokeScript(inc, { keys: ["p:c"], args: ["3"] })
    .get("p:a")
    .get("p:b")
    .get("p:c");
  const values = await c.exec(batch, { raiseOnError: true });
  assert.ok(values !== null);
  assert.deepEqual([values[0], values[1], values[3], ...values.slice(4)], [1, 2, 3, "1", "2", "3"]);
  assert.equal(typeof values[2], "number");
});

clusterTest("ASK during a slot migration and MOVED after it are followed (CLU-5)", async (c) => {
  const { addresses } = await startCluster();
  const ids = await nodeIds(addresses);
  const key = "{moving}a";
  const slot = keySlot(key);
  const src = c.primaryFor(key)!;
  const dst = addresses.find((a) => a !== src)!;
  const admin = new Map<string, RespClient>();
  for (const a of addresses) {
    const [h, p] = a.split(":");
    admin.set(a, await RespClient.connect(Number(p), h));
  }
  const run = async (a: string, ...argv: string[]) => {
    const r = await admin.get(a)!.send(argv);
    assert.notEqual(r.type, "error", `${a}: ${argv.join(" ")} → ${JSON.stringify(r)}`);
  };
  try {
    console.log(`cluster layout before the migration:\n${layout(c.slotRanges(), ids)}`);
    console.log(`migrating slot ${slot} (key ${key}) from ${src} to ${dst}`);
    await c.del([key]);
    const seen = redirects.length;
    await run(dst, "CLUSTER", "SETSLOT", String(slot), "IMPORTING", ids.get(src)!);
    await run(src, "CLUSTER", "SETSLOT", String(slot), "MIGRATING", ids.get(dst)!);
    // The key is not on the source any more: it answers ASK, the client sends ASKING + SET.
    assert.equal(await c.set(key, "v1"), "OK");
    assert.deepEqual(redirects.slice(seen).map((e) => [e.kind, e.from, e.to]), [["ASK", src, dst]]);
    assert.equal(c.primaryFor(key), src, "ASK does not change the slot map");
    for (const a of [dst, src, ...addresses.filter((x) => x !== src && x !== dst)]) {
      await run(a, "CLUSTER", "SETSLOT", String(slot), "NODE", ids.get(dst)!);
    }
    // The client still sends to the source, which now answers MOVED.
    const read = new Script("return redis.call('GET', KEYS[1])");
    assert.equal(await c.invokeScript(read, { keys: [key] }), "v1");
    const trace = redirects.slice(seen + 1);
    assert.deepEqual(trace[0], { kind: "MOVED", slot, from: src, to: dst, command: "EVALSHA" });
    console.log(
      "redirects followed:\n" +
        redirects.slice(seen).map((e) =>
          `  ${e.command}: ${e.kind} ${e.slot} ${e.to} (answered by ${e.from})`
        ).join("\n"),
    );
    assert.equal(c.primaryFor(key), dst, "MOVED updates the slot map");
    await c.refreshTopology();
    console.log(`cluster layout after the migration:\n${layout(c.slotRanges(), ids)}`);
    assert.ok(c.slotRanges().some((r) => r.start === slot && r.end === slot && r.primary === dst));
    const after = redirects.length;
    assert.equal(await c.invokeScript(read, { keys: [key] }), "v1");
    assert.equal(redirects.length, after, "no redirect once the map is refreshed");
    // An atomic batch on that slot goes straight to the new owner.
    assert.deepEqual(
      await c.exec(new Batch(true).set(key, "v2").invokeScript(read, { keys: [key] }), {
        raiseOnError: true,
      }),
      ["OK", "v2"],
    );
  } finally {
    await Promise.all([...admin.values()].map((a) => a.close()));
  }
});

clusterTest("examples/client/batch_with_scripts.ts runs unchanged on the cluster", async (c) => {
  assert.deepEqual(await runBatchExample(c), [
    "transfer 30: bob now 50",
    "transfer 500: INSUFFICIENT_FUNDS",
    "balances: alice 70, bob 50",
    'pipeline: [9,7,4,"4"]',
  ]);
});

test("redis cluster: stop the cluster", opts, async () => {
  await stopCluster();
});
