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
  /**
   * Hard time limit of every script run, in ms (evalkit only: edge runtimes have CPU budgets).
   * A script still running past it is aborted at its next check (about every 100,000 VM
   * instructions) and its caller gets `ERR Script exceeded the time limit of <n> ms and was
   * aborted (…).`, which says whether it had written (its writes stay). Default: none. Per call:
   * `Server.execute(session, argv, { scriptTimeLimitMs })`.
   */
  scriptTimeLimitMs?: number;
  /** The version evalkit reports as valkey_version / server.VALKEY_VERSION. */
  version?: string;
  /** Log sink for server.log and server events. Default: none. */
  log?: (level: number, message: string) => void;
  /**
   * The script engine. createServer() creates the wasmoon Lua engine; a Server built with
   * `new Server()` without one replies an error to EVAL.
   */
  scriptEngine?: ScriptEngine;
  /**
   * Cap on the Lua VM's heap in bytes (default 256 MiB), used by createServer() for the engine it
   * creates. A script that needs more fails with `ERR Error running script <sha>, not enough
   * memory` and the VM stays usable. evalkit's own limit: Valkey has none (spec MEM-7), so it is
   * not a CONFIG parameter; the wasm heap never shrinks, so it cannot usefully be lowered later.
   */
  luaMaxMemoryBytes?: number;
  /**
   * How createServer() loads the Lua engine's wasm, for runtimes that forbid compiling wasm at
   * run time (Cloudflare Workers, Vercel Edge): `wasm` is glue.wasm (bytes, or a module compiled
   * from the bytes patchNumberFormat patched), `trampolines` the compiled trampoline modules by
   * signature (`ii`, `vii`, `iiii`: trampolineBytes); both in src/lua/wasm_loader.ts. Default:
   * the embedded glue.wasm, compiled at start-up.
   */
  lua?: {
    readonly wasm?: Uint8Array | WebAssembly.Module;
    readonly trampolines?: Readonly<Record<string, WebAssembly.Module>>;
  };
  /**
   * Act as a replica of this primary (`"host port"`, CONFIG GET replicaof). evalkit never
   * connects to it: writes get READONLY (unless CONFIG SET replica-read-only no), INFO says
   * `role:slave`, and maxmemory is ignored while replica-ignore-maxmemory is yes.
   */
  replicaOf?: string;
  /**
   * With `replicaOf`: the link to the primary is down and replica-serve-stale-data is `no`, so
   * commands without the `stale` flag get MASTERDOWN (spec FLAG-7, FLAG-8, FLAG-11).
   * CONFIG SET replica-serve-stale-data yes lifts it.
   */
  stale?: boolean;
  /**
   * Cluster mode on a single node that owns every slot (CONFIG GET cluster-enabled): CROSSSLOT
   * for client commands, the script slot rules and `no-cluster` (spec §16.2, FLAG-12, FLAG-13).
   */
  clusterEnabled?: boolean;
  /**
   * Uniform random numbers in [0, 1) for eviction sampling and the LFU counter's logarithmic
   * increments (default Math.random). Tests pass a seeded generator.
   */
  random?: () => number;
}

/** ServerOptions with every default applied. */
export interface ResolvedOptions {
  readonly databases: number;
  readonly requirepass: string;
  readonly maxmemory: number;
  readonly maxmemoryPolicy: string;
  readonly busyReplyThresholdMs: number;
  readonly version: string;
  /** "" when not a replica. */
  readonly replicaOf: string;
  readonly stale: boolean;
  readonly clusterEnabled: boolean;
}

/** The Valkey version evalkit claims (spec §0). */
export const VALKEY_VERSION = "8.0.1";

/** Applies defaults. */
export function resolveOptions(o: ServerOptions): ResolvedOptions {
  if (o.replicaOf !== undefined && !/^\S+ \d+$/.test(o.replicaOf)) {
    throw new RangeError(`replicaOf must be "host port", got ${JSON.stringify(o.replicaOf)}`);
  }
  if (o.stale && o.replicaOf === undefined) throw new RangeError("stale needs replicaOf");
  return {
    databases: o.databases ?? 16,
    requirepass: o.requirepass ?? "",
    maxmemory: o.maxmemory ?? 0,
    maxmemoryPolicy: o.maxmemoryPolicy ?? "noeviction",
    busyReplyThresholdMs: o.busyReplyThresholdMs ?? 5000,
    version: o.version ?? VALKEY_VERSION,
    replicaOf: o.replicaOf ?? "",
    stale: o.stale ?? false,
    clusterEnabled: o.clusterEnabled ?? false,
  };
}
