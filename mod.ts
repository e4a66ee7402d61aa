/**
 * evalkit: Valkey's Lua scripting (EVAL, EVALSHA, SCRIPT) and a Valkey-compatible keyspace,
 * in-process, for Deno, Bun and Node.
 *
 * @example Run commands in-process
 * ```ts
 * import { createServer } from "@evalkit/evalkit";
 * const server = await createServer();
 * const session = server.createSession();
 * server.execute(session, ["SET", "greeting", "hello"]);
 * console.log(server.execute(session, ["GET", "greeting"])); // { type: "bulk", value: "hello" }
 * ```
 *
 * @module
 */

import { Server } from "./src/server.ts";
import { createLuaEngine } from "./src/lua/engine.ts";
import type { ServerOptions } from "./src/options.ts";

export { Server } from "./src/server.ts";
export type { ServerOptions } from "./src/options.ts";
export type { Reply } from "./src/resp/reply.ts";
export { ReplyError } from "./src/errors.ts";
export { type Clock, type ManualClock, manualClock, systemClock } from "./src/clock.ts";
export { Session } from "./src/session.ts";

/**
 * Creates an in-process server.
 *
 * @param options Server options (clock, databases, requirepass, maxmemory, …).
 * @returns A ready Server.
 * @example Create a server with a manual clock
 * ```ts
 * import { createServer, manualClock } from "@evalkit/evalkit";
 * const server = await createServer({ clock: manualClock() });
 * ```
 */
export async function createServer(options: ServerOptions = {}): Promise<Server> {
  // Async because the Lua engine instantiates its wasm module.
  const scriptEngine = options.scriptEngine ??
    await createLuaEngine({
      maxMemoryBytes: options.luaMaxMemoryBytes,
      valkeyVersion: options.version,
    });
  return new Server({ ...options, scriptEngine });
}
