/**
 * evalkit in the Upstash REST dialect on Node (`@hono/node-server`), for `@upstash/redis` and curl.
 *
 * Run: `npx tsx examples/edge/node.ts` (Node 20+).
 * Env: `PORT` (default 8080; 0 picks a free one), `HOST` (default 127.0.0.1), `EVALKIT_TOKEN`
 * (the bearer token clients must send; unset: no auth, so keep it on loopback).
 *
 * Outside this repository import `createServer` from `@evalkit/evalkit` and `createHandler` from
 * `@evalkit/evalkit/http`.
 *
 * @module
 */

import process from "node:process";
import { serve } from "@hono/node-server";
import { createServer } from "../../mod.ts";
import { createHandler } from "../../src/http/handler.ts";

const port = Number(process.env.PORT ?? 8080);
const hostname = process.env.HOST ?? "127.0.0.1";
const token = process.env.EVALKIT_TOKEN || undefined;

const server = await createServer();
const app = createHandler(server, { token });
const http = serve({ fetch: app.fetch, hostname, port }, (info) => {
  console.log(`evalkit (Upstash REST) listening on http://${hostname}:${info.port}`);
  if (token === undefined) console.log("no EVALKIT_TOKEN: requests are not authenticated");
});
// SHUTDOWN (sent as a command) stops the listener; the process then exits.
server.onShutdown = () => void http.close();
