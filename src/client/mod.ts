/**
 * The client Script API, GLIDE-style: `Script` objects run by hash with automatic loading,
 * cluster routing by key slot, explicit routes, and batches that may hold scripts. The same code
 * runs against an in-process evalkit Server, a Valkey / Redis server or cluster over RESP, or an
 * HTTP endpoint speaking the Upstash REST dialect (evalkit's edge handler).
 *
 * @example Run a script in-process
 * ```ts
 * import { createClient, Script } from "@evalkit/evalkit/client";
 * import { createServer } from "@evalkit/evalkit";
 * const client = await createClient(await createServer());
 * const script = new Script("return { KEYS[1], ARGV[1] }");
 * console.log(await client.invokeScript(script, { keys: ["k"], args: ["v"] })); // ["k", "v"]
 * await client.close();
 * ```
 *
 * @module
 */

export { Script } from "./script.ts";
export {
  type BaseClientOptions,
  Client,
  type ClientOptions,
  type ClientTarget,
  createClient,
  type DecoderOption,
  type ExecOptions,
  FlushMode,
  type ScriptOptions,
} from "./client.ts";
export {
  ClusterClient,
  type ClusterClientOptions,
  type ClusterExecOptions,
  type ClusterValue,
  createClusterClient,
  type RedirectEvent,
  type RouteOption,
  type ScriptRouteOptions,
} from "./cluster.ts";
export { Batch, ClusterBatch } from "./batch.ts";
export type { ResponsePolicy, Routes, SingleNodeRoute } from "./routes.ts";
export type { SlotRange } from "./topology.ts";
export { type ClientValue, Decoder, type GlideString } from "./decode.ts";
export {
  ClosingError,
  ConnectionError,
  ExecAbortError,
  RequestError,
  TimeoutError,
} from "./errors.ts";
export { keySlot } from "./slot.ts";
export type { ByteSocket, ConnectOptions, Connector, SocketHandlers } from "./transports/socket.ts";
export type { Fetch } from "./transports/http.ts";
