import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "../../mod.ts";
import { createClient } from "../../src/client/mod.ts";
import { run, TRANSFER } from "./batch_with_scripts.ts";

const EXPECTED = [
  "transfer 30: bob now 50",
  "transfer 500: INSUFFICIENT_FUNDS",
  "balances: alice 70, bob 50",
  'pipeline: [9,7,4,"4"]',
];

test("batch_with_scripts example: in-process evalkit", async () => {
  const client = await createClient(await createServer());
  assert.deepEqual(await run(client), EXPECTED);
  await client.close();
});

test("batch_with_scripts example: the transaction is one MULTI/EXEC after the loads", async () => {
  const server = await createServer();
  const seen: string[] = [];
  const client = await createClient({
    createSession: () => server.createSession(),
    closeSession: (s) => server.closeSession(s),
    execute: (s, argv) => {
      seen.push(argv.slice(0, 2).join(" "));
      return server.execute(s, argv);
    },
  });
  await run(client);
  const multi = seen.indexOf("MULTI");
  const evalsha = `EVALSHA ${TRANSFER.getHash()}`;
  assert.deepEqual(seen.slice(multi - 2, multi + 6), [
    "SCRIPT EXISTS",
    "SCRIPT LOAD",
    "MULTI",
    evalsha,
    evalsha,
    "GET {bank}:alice",
    "GET {bank}:bob",
    "EXEC",
  ]);
  await client.close();
});
