/**
 * evalkit in the Upstash REST dialect on Deno (`Deno.serve`), for `@upstash/redis` and curl.
 *
 * Run: `deno run --allow-net --allow-env --allow-read examples/edge/deno.ts`
 * Env: `PORT` (default 8080; 0 picks a free one), `HOST` (default 127.0.0.1), `EVALKIT_TOKEN`
 * (the bearer token clients must send; unset: no auth, so keep it on loopback).
 *
 * Outside this repository import `createServer` from `@evalkit/evalkit` and `createHandler` from
 * `@evalkit/evalkit/http`.
 *
 * @module
 */

import { createServer } from "../../mod.ts";
import { createHandler } from "../../src/http/handler.ts";

const port = Number(Deno.env.get("PORT") ?? 8080);
const hostname = Deno.env.get("HOST") ?? "127.0.0.1";
const token = Deno.env.get("EVALKIT_TOKEN") || undefined;

const server = await createServer();
const app = createHandler(server, { token });
const http = Deno.serve({
  hostname,
  port,
  onListen: (addr) => {
    console.log(`evalkit (Upstash REST) listening on http://${addr.hostname}:${addr.port}`);
    if (token === undefined) console.log("no EVALKIT_TOKEN: requests are not authenticated");
  },
}, app.fetch);
// SHUTDOWN (sent as a command) stops the listener; the process then exits.
server.onShutdown = () => void http.shutdown();
