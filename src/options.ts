/**
 * Server options and their defaults. Every option is also a CONFIG parameter where Valkey has one.
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import type { ScriptEngine } from "./scripting/engine.ts";

/** Options for createServer(). */
export interface ServerOptions {
  /** Time source (default: the system clock). Use manualClock() in tests. */
  clock?: Clock;
  /** Number of databases (SELECT 0..n-1). Default 16. */
  databases?: number;
  /** Password required by AUTH / HELLO AUTH (CONFIG requirepass). Default: none. */
  requirepass?: string;
  /** maxmemory in bytes; 0 = no limit. */
  maxmemory?: number;
  /** maxmemory-policy. Default `noeviction`. */
  maxmemoryPolicy?: string;
  /** busy-reply-threshold (alias lua-time-limit) in ms. Default 5000. */
  busyReplyThresholdMs?: number;
  /** The version evalkit reports as valkey_version / server.VALKEY_VERSION. */
  version?: string;
  /** Log sink for server.log and server events. Default: none. */
  log?: (level: number, message: string) => void;
  /**
   * The script engine. createServer() creates the wasmoon Lua engine; a Server built with
   * `new Server()` without one replies an error to EVAL.
   */
  scriptEngine?: ScriptEngine;
  /** Cap on the Lua VM heap in bytes (default 256 MiB). */
  luaMaxMemoryBytes?: number;
}

/** ServerOptions with every default applied. */
export interface ResolvedOptions {
  readonly databases: number;
  readonly requirepass: string;
  readonly maxmemory: number;
  readonly maxmemoryPolicy: string;
  readonly busyReplyThresholdMs: number;
  readonly version: string;
}

/** The Valkey version evalkit claims (spec §0). */
export const VALKEY_VERSION = "8.0.1";

/** Applies defaults. */
export function resolveOptions(o: ServerOptions): ResolvedOptions {
  return {
    databases: o.databases ?? 16,
    requirepass: o.requirepass ?? "",
    maxmemory: o.maxmemory ?? 0,
    maxmemoryPolicy: o.maxmemoryPolicy ?? "noeviction",
    busyReplyThresholdMs: o.busyReplyThresholdMs ?? 5000,
    version: o.version ?? VALKEY_VERSION,
  };
}
