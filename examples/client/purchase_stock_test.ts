import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "../../mod.ts";
import { createClient, RequestError } from "../../src/client/mod.ts";
import { createHash } from "node:crypto";
import { CHECKED_PURCHASE, main, purchase } from "./purchase_stock.ts";

const SEED_BODY = "return server.call('DECRBY', KEYS[1], ARGV[1])";

test("purchase_stock example: the seed's script and the checked one", async () => {
  assert.deepEqual(await main(), [
    `script ${createHash("sha1").update(SEED_BODY).digest("hex")}`,
    "bought 3, left 7",
    "bought 3, left 4",
    "refused: OUT_OF_STOCK (OUT_OF_STOCK only 4 left)",
  ]);
});

test("purchase_stock example: the checked purchase keeps the stock when refused", async () => {
  const client = await createClient(await createServer());
  await client.set("p", "2");
  await assert.rejects(
    purchase(client, "p", 3),
    (e) => e instanceof RequestError && e.code === "OUT_OF_STOCK",
  );
  assert.equal(await client.get("p"), "2");
  assert.equal(await purchase(client, "p", 2), 0);
  assert.deepEqual(await client.scriptExists([CHECKED_PURCHASE.getHash()]), [true]);
  await client.close();
});
