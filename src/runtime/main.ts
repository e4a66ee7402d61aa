/**
 * `evalkit` RESP server entry point, for Deno, Bun and Node:
 *
 * ```sh
 * deno task start --port 6380          # deno run --allow-net --allow-read --allow-env …
 * bun run src/runtime/main.ts --port 6380
 * node --import tsx src/runtime/main.ts --port 6380
 * ```
 *
 * Options: `--port <n>` (default 6379, 0 = any free port), `--bind <addr>` (default 127.0.0.1),
 * `--requirepass <password>`. Prints one line, `evalkit <version> listening on <addr>:<port>
 * (<runtime>)`, and runs until SIGINT, SIGTERM or a SHUTDOWN command. Log lines of level 3
 * (warnings: internal errors, scripts' `LOG_WARNING`) go to stderr.
 *
 * @module
 */

import process from "node:process";
import { createServer } from "../../mod.ts";
import type { ServerOptions } from "../options.ts";
import {
  DEFAULT_HOSTNAME,
  DEFAULT_PORT,
  formatAddress,
  type ServeHandle,
  type ServeOptions,
} from "./_common.ts";
import type { Server } from "../server.ts";
import denoJson from "../../deno.json" with { type: "json" };

type Runtime = "deno" | "bun" | "node";

interface Args {
  readonly serve: ServeOptions;
  readonly server: ServerOptions;
}

const USAGE = "usage: main.ts [--port <n>] [--bind <addr>] [--requirepass <password>]";

function detectRuntime(): Runtime {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Deno !== undefined) return "deno";
  if (g.Bun !== undefined) return "bun";
  return "node";
}

function parseArgs(argv: readonly string[]): Args | string {
  let port = DEFAULT_PORT;
  let hostname = DEFAULT_HOSTNAME;
  let requirepass: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === "--help" || flag === "-h") return USAGE;
    if (value === undefined) return `missing value for ${flag}\n${USAGE}`;
    i++;
    if (flag === "--port") {
      port = Number(value);
      if (!/^[0-9]+$/.test(value) || port > 65535) return `invalid port '${value}'`;
    } else if (flag === "--bind") {
      hostname = value;
    } else if (flag === "--requirepass") {
      requirepass = value;
    } else {
      return `unknown option '${flag}'\n${USAGE}`;
    }
  }
  return { serve: { port, hostname }, server: requirepass === undefined ? {} : { requirepass } };
}

async function serveOn(
  runtime: Runtime,
  server: Server,
  options: ServeOptions,
): Promise<ServeHandle> {
  switch (runtime) {
    case "deno":
      return (await import("./deno.ts")).serve(server, options);
    case "bun":
      return (await import("./bun.ts")).serve(server, options);
    case "node":
      return (await import("./node.ts")).serve(server, options);
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === "string") {
    console.error(args);
    return args === USAGE ? 0 : 2;
  }
  const runtime = detectRuntime();
  const log = (level: number, message: string) => {
    if (level >= 3) console.error(`evalkit: ${message}`);
  };
  const server = await createServer({ ...args.server, log });
  let handle: ServeHandle;
  try {
    handle = await serveOn(runtime, server, args.serve);
  } catch (e) {
    console.error(`evalkit: cannot listen on ${args.serve.hostname}:${args.serve.port}: ${e}`);
    return 1;
  }
  let stopping = false;
  const stop = () => {
    // A second signal, or clients that do not go away, must not keep the process alive.
    if (stopping) process.exit(0);
    stopping = true;
    setTimeout(() => {
      console.error("evalkit: connections still open after 3 s; exiting");
      process.exit(0);
    }, 3000);
    handle.close().catch((e) => {
      console.error(`evalkit: ${e}`);
      process.exit(1);
    });
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  console.log(
    `evalkit ${denoJson.version} listening on ${
      formatAddress(handle.hostname, handle.port)
    } (${runtime})`,
  );
  await handle.finished;
  return 0;
}

process.exit(await main());
