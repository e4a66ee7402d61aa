/**
 * Seed 003's purchase example: a script that takes stock, run by hash through the client Script
 * API. The same code runs in-process (tests), against a Valkey server or cluster, or over HTTP.
 *
 * ```sh
 * deno run -A examples/client/purchase_stock.ts                        # in-process evalkit
 * deno run -A examples/client/purchase_stock.ts redis://127.0.0.1:6379  # a Valkey 8 server
 * ```
 *
 * @module
 */

import process from "node:process";
import { createServer } from "../../mod.ts";
import {
  type Client,
  type ClientTarget,
  createClient,
  RequestError,
  Script,
} from "../../src/client/mod.ts";

/** Seed 003's script, verbatim: takes ARGV[1] items from the stock at KEYS[1]. */
export const PURCHASE = new Script("return server.call('DECRBY', KEYS[1], ARGV[1])");

/** The same purchase, refusing to go below zero with an error code of its own. */
export const CHECKED_PURCHASE = new Script(`
local stock = tonumber(server.call('GET', KEYS[1]) or '0')
local wanted = tonumber(ARGV[1])
if stock < wanted then
  return server.error_reply('OUT_OF_STOCK only ' .. stock .. ' left')
end
return server.call('DECRBY', KEYS[1], wanted)
`);

/**
 * Buys `quantity` items of a product.
 *
 * @param client A connected client.
 * @param productKey The stock key, e.g. `product:shoe:stock`.
 * @param quantity How many.
 * @returns The stock left; an `OUT_OF_STOCK` RequestError when there is not enough.
 */
export async function purchase(
  client: Client,
  productKey: string,
  quantity: number,
): Promise<number> {
  const left = await client.invokeScript(CHECKED_PURCHASE, {
    keys: [productKey],
    args: [String(quantity)],
  });
  return Number(left);
}

/**
 * The walk-through: stock 10 shoes, buy 3 with the seed's script, 3 more with the checked one,
 * then try to buy 5.
 *
 * @param target Where to run (default: a fresh in-process server).
 * @returns What happened, line by line.
 */
export async function main(target?: ClientTarget): Promise<string[]> {
  const client = await createClient(target ?? await createServer());
  const log: string[] = [];
  try {
    const key = "product:shoe:stock";
    await client.set(key, "10");
    log.push(`script ${PURCHASE.getHash()}`);
    log.push(`bought 3, left ${await client.invokeScript(PURCHASE, { keys: [key], args: ["3"] })}`);
    log.push(`bought 3, left ${await purchase(client, key, 3)}`);
    try {
      await purchase(client, key, 5);
    } catch (e) {
      if (!(e instanceof RequestError)) throw e;
      log.push(`refused: ${e.code} (${e.message})`);
    }
  } finally {
    await client.close();
  }
  return log;
}

if (import.meta.main) {
  for (const line of await main(process.argv[2])) console.log(line);
}
