import { test } from "node:test";
import assert from "node:assert/strict";
import { createClusterClient } from "../../src/client/mod.ts";
import { startRedisCluster } from "../../src/testing/redis_cluster.ts";
import { findRedisServer } from "../../src/testing/redis_server.ts";
import { run, userKeys } from "./cluster_profiles.ts";

const skip = findRedisServer() === undefined ? "redis-server not found" : undefined;

test("cluster_profiles example: hash-tagged scripts on a real 3-node cluster", {
  skip,
  timeout: 45_000,
}, async () => {
  const cluster = await startRedisCluster();
  try {
    const client = await createClusterClient(cluster.addresses.map((a) => `redis://${a}`));
    try {
      const log = await run(client);
      // Slots: CRC16("user:1000") = 1649 and CRC16("user:2000") (scripting.md CLU-1, CLU-2).
      assert.match(
        log[0],
        /^user 1000: slot 1649 on 127\.0\.0\.1:\d+: \["Ada","ada@example.com","0"\]$/,
      );
      assert.match(
        log[1],
        /^user 2000: slot \d+ on 127\.0\.0\.1:\d+: \["Grace","grace@example.com","0"\]$/,
      );
      assert.equal(log[2], "1000 follows 2000: count 1");
      assert.equal(log[3], "mixed users: CROSSSLOT Keys in request don't hash to the same slot");
      assert.notEqual(client.primaryFor(userKeys("1000").name), undefined);
      console.log(log.join("\n"));
    } finally {
      await client.close();
    }
  } finally {
    await cluster.stop();
  }
});
