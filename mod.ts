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
 * @example Run a script by hash through the client API (GLIDE-style)
 * ```ts
 * import { createClient, createServer, Script } from "@evalkit/evalkit";
 * // The same code runs against "redis://host:6379" or an http(s):// edge endpoint.
 * const client = await createClient(await createServer());
 * const hello = new Script("return 'Hello, Valkey!'"); // SHA-1 computed synchronously
 * console.log(await client.invokeScript(hello)); // "Hello, Valkey!" (EVALSHA, NOSCRIPT → SCRIPT LOAD)
 * await client.close();
 * ```
 *
 * @module
 */

import { Server } from "./src/server.ts";
import { createLuaEngine } from "./src/lua/engine.ts";
import type { ServerOptions } from "./src/options.ts";

export { type ExecuteOptions, Server } from "./src/server.ts";
export type { ServerOptions } from "./src/options.ts";
export type { Reply } from "./src/resp/reply.ts";
export { ReplyError } from "./src/errors.ts";
export { type Clock, type ManualClock, manualClock, systemClock } from "./src/clock.ts";
export { Session } from "./src/session.ts";
// The client Script API; the rest of it (errors, decoders, options) is at "@evalkit/evalkit/client".
export {
  Batch,
  Client,
  ClusterClient,
  createClient,
  createClusterClient,
  type Routes,
  Script,
  type SingleNodeRoute,
} from "./src/client/mod.ts";

/**
 * Creates an in-process server.
 *
 * @param options Server options (clock, databases, requirepass, maxmemory, …; `lua` for runtimes
 *   that cannot compile wasm).
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
      wasm: options.lua?.wasm,
      trampolines: options.lua?.trampolines,
    });
  return new Server({ ...options, scriptEngine });
}
