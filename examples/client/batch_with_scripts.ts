/**
 * Scripts inside batches (beyond GLIDE, which only allows EVAL as a custom command there): an
 * atomic batch runs a transfer script and reads the balances in one MULTI/EXEC; a pipeline runs
 * many purchases in one round trip. Scripts the server lacks are loaded before the batch is sent,
 * so the batch stays one MULTI/EXEC. The accounts share the hash tag `{bank}`, so in a cluster
 * the whole transaction goes to one node.
 *
 * ```sh
 * deno run -A examples/client/batch_with_scripts.ts                        # in-process evalkit
 * deno run -A examples/client/batch_with_scripts.ts redis://127.0.0.1:6379
 * ```
 *
 * @module
 */

import process from "node:process";
import { createServer } from "../../mod.ts";
import {
  Batch,
  type ClientTarget,
  type ClientValue,
  createClient,
  RequestError,
  Script,
} from "../../src/client/mod.ts";

/** What the example needs of a client: the standalone and the cluster client both fit. */
export interface BatchClient {
  exec(batch: Batch, options: { raiseOnError: boolean }): Promise<ClientValue[] | null>;
  set(key: string, value: string): Promise<"OK">;
  scriptFlush(): Promise<"OK">;
}

/** Moves ARGV[1] from KEYS[1] to KEYS[2], refusing overdrafts. */
export const TRANSFER = new Script(`
local from = tonumber(redis.call('GET', KEYS[1]) or '0')
local amount = tonumber(ARGV[1])
if from < amount then return redis.error_reply('INSUFFICIENT_FUNDS balance ' .. from) end
redis.call('DECRBY', KEYS[1], amount)
return redis.call('INCRBY', KEYS[2], amount)
`);

/** Seed 003's purchase, in the `redis` spelling that Redis 7 servers also accept. */
export const PURCHASE = new Script("return redis.call('DECRBY', KEYS[1], ARGV[1])");

/**
 * Runs the two batches.
 *
 * @param client A connected client (standalone or cluster).
 * @returns What happened, line by line.
 */
export async function run(client: BatchClient): Promise<string[]> {
  const log: string[] = [];
  await client.scriptFlush(); // so that the batches have to load their scripts
  await client.set("{bank}:alice", "100");
  await client.set("{bank}:bob", "20");

  const transfer = new Batch(true)
    .invokeScript(TRANSFER, { keys: ["{bank}:alice", "{bank}:bob"], args: ["30"] })
    .invokeScript(TRANSFER, { keys: ["{bank}:bob", "{bank}:alice"], args: ["500"] })
    .get("{bank}:alice")
    .get("{bank}:bob");
  const [credited, refused, alice, bob] = (await client.exec(transfer, { raiseOnError: false }))!;
  log.push(`transfer 30: bob now ${credited}`);
  // raiseOnError: false leaves the script's error in place, with its own code.
  log.push(`transfer 500: ${refused instanceof RequestError ? refused.code : refused}`);
  log.push(`balances: alice ${alice}, bob ${bob}`);

  await client.set("{shop}:stock", "10");
  const orders = new Batch(false);
  for (const n of [1, 2, 3]) {
    orders.invokeScript(PURCHASE, { keys: ["{shop}:stock"], args: [String(n)] });
  }
  orders.customCommand(["EVAL", "return redis.call('GET', KEYS[1])", "1", "{shop}:stock"]);
  log.push(`pipeline: ${JSON.stringify(await client.exec(orders, { raiseOnError: true }))}`);
  return log;
}

if (import.meta.main) {
  const target: ClientTarget = process.argv[2] ?? await createServer();
  const client = await createClient(target);
  try {
    for (const line of await run(client)) console.log(line);
  } finally {
    await client.close();
  }
}
