/**
 * evalkit in the Upstash REST dialect on Bun (`Bun.serve`), for `@upstash/redis` and curl.
 *
 * Run: `bun examples/edge/bun.ts`
 * Env: `PORT` (default 8080; 0 picks a free one), `HOST` (default 127.0.0.1), `EVALKIT_TOKEN`
 * (the bearer token clients must send; unset: no auth, so keep it on loopback).
 *
 * Outside this repository import `createServer` from `@evalkit/evalkit` and `createHandler` from
 * `@evalkit/evalkit/http`.
 *
 * @module
 */

import process from "node:process";
import { createServer } from "../../mod.ts";
import { createHandler } from "../../src/http/handler.ts";

// The part of Bun's API used here (declared so that `deno check` needs no bun-types).
declare const Bun: {
  serve(options: {
    hostname: string;
    port: number;
    fetch: (request: Request) => Response | Promise<Response>;
  }): { readonly hostname: string; readonly port: number; stop(): void };
};

const port = Number(process.env.PORT ?? 8080);
const hostname = process.env.HOST ?? "127.0.0.1";
const token = process.env.EVALKIT_TOKEN || undefined;

const server = await createServer();
const app = createHandler(server, { token });
const http = Bun.serve({ hostname, port, fetch: app.fetch });
console.log(`evalkit (Upstash REST) listening on http://${http.hostname}:${http.port}`);
if (token === undefined) console.log("no EVALKIT_TOKEN: requests are not authenticated");
// SHUTDOWN (sent as a command) stops the listener; the process then exits.
server.onShutdown = () => http.stop();
