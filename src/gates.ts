/**
 * The checks Valkey's processCommand makes between command lookup and execution that depend on
 * the server's state (spec §1.2 steps 3–5), and the state they read:
 *
 * 3. cluster: every key of the command (of the whole transaction, for EXEC) in one slot, else
 *    `CROSSSLOT` (a single node owns every slot, so there is never MOVED/ASK);
 * 4. maxmemory: evict per `maxmemory-policy`; still over the limit → deny-oom commands get `OOM`;
 *    the result is kept for the scripts the command runs (pre_command_oom_state, MEM-2);
 * 5. read-only replica → `READONLY` for writes; stale replica → `MASTERDOWN` for commands
 *    without the `stale` flag.
 *
 * Commands are judged by their effective flags (CommandSpec.effectiveFlags: EVAL-family
 * commands take write / denyoom / stale from the script's shebang), EXEC by the union of its
 * queued commands' flags. The same state feeds the checks inside scripts (run_context.ts).
 *
 * ## used_memory
 *
 * `usedMemory(server)` = {@link BASE_USED_MEMORY} (what a fresh server uses before any key)
 * + the keyspace estimate (keyspace.ts: 56 bytes + key bytes per key, plus the value's bytes or
 * its data structure's estimate, plus 32 bytes per TTL) + the script cache (sha, body and 64
 * bytes of bookkeeping per script, `used_memory_scripts_eval`, MEM-7). The Lua VM heap is not
 * part of it (MEM-7): it is reported apart (`used_memory_lua`) and capped apart
 * (`luaMaxMemoryBytes`). Clients' buffers are not counted.
 *
 * @module
 */

import type { Bytes } from "./bytes.ts";
import { keySlot } from "./client/slot.ts";
import { keysFromSpecs } from "./commands/command.ts";
import type { CommandFlag, CommandSpec } from "./commands/spec.ts";
import { discardTransaction } from "./commands/transactions.ts";
import {
  ERR_CROSSSLOT,
  ERR_MASTERDOWN,
  ERR_OOM,
  ERR_READONLY_REPLICA,
  ERR_SCRIPT_CROSS_SLOT,
  errScriptCrossSlotCommand,
  ReplyError,
} from "./errors.ts";
import { Evictor } from "./keyspace/evict.ts";
import type { Lookup, Server } from "./server.ts";
import type { Session } from "./session.ts";

/**
 * used_memory of a server with no keys and no cached scripts: redis-server 7.0.15's
 * `used_memory_startup` measured on Debian x86-64 (Valkey 8 is within a few percent). It makes
 * `CONFIG SET maxmemory 1` put evalkit in the OOM state as it does a real server.
 */
export const BASE_USED_MEMORY = 876_264;

/**
 * used_memory as evalkit estimates it (see the module doc).
 *
 * @param server The server.
 * @returns Bytes.
 */
export function usedMemory(server: Server): number {
  return BASE_USED_MEMORY + server.keyspace.usedMemory + server.scripting.cache.memory;
}

/** A refusal: the error text, and whether it is a cluster redirection (no EXECABORT wrapping). */
export interface Denial {
  readonly text: Bytes;
  /** The transaction was already flagged or discarded, as clusterRedirectClient's callers do. */
  readonly redirect: boolean;
}

// Effective flags as bits, for EXEC's union.
const F_WRITE = 1;
const F_DENYOOM = 2;
const F_STALE = 4;

/** The flags a command line is judged by (getCommandFlags). */
export function effectiveFlags(
  server: Server,
  spec: CommandSpec,
  argv: readonly Bytes[],
): readonly CommandFlag[] {
  return spec.effectiveFlags === undefined ? spec.flags : spec.effectiveFlags(server, argv);
}

/** One server's gates and the state behind them. */
export class Gates {
  readonly #server: Server;
  readonly #evictor = new Evictor();
  /** server.pre_command_oom_state: the last client command found the server over maxmemory. */
  #oom = false;
  /** When used memory last went over maxmemory without eviction curing it (ms), else undefined. */
  #exceededSince: number | undefined;
  #exceededTotal = 0;
  /**
   * The slot of the client command in progress (its keys, or a whole transaction's for EXEC), -1
   * when it has none: a script run starts from it, and a run that fixes its slot with its first
   * keyed command (CLU-7) leaves it here for the next script of the same EXEC, as Valkey keeps
   * it on the client (`client->slot`).
   */
  commandSlot = -1;
  /** With `replicaOf`: the link to the primary is down (the `stale` option). */
  replicaLinkDown: boolean;

  constructor(server: Server, replicaLinkDown: boolean) {
    this.#server = server;
    this.replicaLinkDown = replicaLinkDown;
  }

  /** True when some gate can refuse anything (the fast path skips them all otherwise). */
  get active(): boolean {
    const c = this.#server.config;
    return c.maxmemory > 0 || c.replicaOf !== "" || c.clusterEnabled;
  }

  /** The OOM state the command in progress started in, as its scripts see it (MEM-2, MEM-4). */
  get oomAtStart(): boolean {
    return this.#oom && this.#server.config.maxmemory > 0;
  }

  /** A replica that refuses writes (READONLY). */
  get readOnlyReplica(): boolean {
    const c = this.#server.config;
    return c.replicaOf !== "" && c.replicaReadOnly;
  }

  /** A replica whose link is down and that must not serve stale data (MASTERDOWN). */
  get staleReplica(): boolean {
    const c = this.#server.config;
    return c.replicaOf !== "" && this.replicaLinkDown && !c.replicaServeStaleData;
  }

  /** INFO total_eviction_exceeded_time / current_eviction_exceeded_time, in ms. */
  evictionExceededMs(now: number): { total: number; current: number } {
    const current = this.#exceededSince === undefined ? 0 : now - this.#exceededSince;
    return { total: this.#exceededTotal + current, current };
  }

  /**
   * Steps 3–5 of spec §1.2 for a client command (after lookup, NOAUTH and no_multi; before BUSY
   * and MULTI queueing). For a cluster refusal the transaction is already flagged (or, for
   * EXEC, discarded).
   *
   * @returns undefined when the command may proceed.
   */
  check(session: Session, found: Lookup, argv: readonly Bytes[], now: number): Denial | undefined {
    const server = this.#server;
    const config = server.config;
    const exec = found.fullName === "exec";
    let bits = flagBits(effectiveFlags(server, found.spec, argv));
    if (exec && session.multi !== null) bits = this.#queuedBits(session, bits);

    if (config.clusterEnabled) {
      const slot = exec ? this.#transactionSlot(session) : commandSlot(found.spec, argv);
      if (slot === CROSS) {
        if (exec) discardTransaction(server, session);
        else if (session.multi !== null) session.multiError = true;
        return { text: ERR_CROSSSLOT, redirect: true };
      }
      this.commandSlot = slot;
    }

    // Not while a script is suspended past the busy threshold (only allow_busy commands of other
    // clients run then): no eviction under it, and its run keeps the OOM state it started with
    // (`server.maxmemory && !isInsideYieldingLongCommand()`).
    if (config.maxmemory > 0 && !server.scripting.busy) {
      const oom = !this.#evict(now);
      this.#oom = oom;
      if (oom && (bits & F_DENYOOM) !== 0) return { text: ERR_OOM, redirect: false };
    }
    if (config.replicaOf !== "") {
      if (config.replicaReadOnly && (bits & F_WRITE) !== 0) {
        return { text: ERR_READONLY_REPLICA, redirect: false };
      }
      if (this.staleReplica && (bits & F_STALE) === 0) {
        return { text: ERR_MASTERDOWN, redirect: false };
      }
    }
    return undefined;
  }

  /**
   * scriptVerifyClusterState for a command called by a script (spec §9.3 step 9): its keys in one
   * slot (CLU-6) and, unless the run allows cross-slot access, the run's slot (CLU-7). A run
   * without a slot yet takes the command's.
   *
   * @param found The command.
   * @param argv Its arguments.
   * @param runSlot The run's slot, -1 when none yet.
   * @param crossSlot The run may use several slots (no shebang, or `allow-cross-slot-keys`).
   * @returns The error text, or the run's slot after this command.
   */
  verifyScriptCluster(
    found: Lookup,
    argv: readonly Bytes[],
    runSlot: number,
    crossSlot: boolean,
  ): Bytes | number {
    const slot = commandSlot(found.spec, argv);
    if (slot === CROSS) return errScriptCrossSlotCommand(found.fullName);
    if (slot === -1 || crossSlot) return runSlot;
    if (runSlot === -1) return slot;
    return runSlot === slot ? slot : ERR_SCRIPT_CROSS_SLOT;
  }

  /** performEvictions. True when under the limit (or when the limit does not apply). */
  #evict(now: number): boolean {
    const server = this.#server;
    const config = server.config;
    // Replicas mirror their primary: they neither evict nor refuse (replica-ignore-maxmemory).
    if (config.replicaOf !== "" && config.replicaIgnoreMaxmemory) return true;
    if (usedMemory(server) <= config.maxmemory) {
      this.#exceededEnd(now);
      return true;
    }
    const ok = this.#evictor.evict(server.keyspace.dbs, {
      policy: config.maxmemoryPolicy,
      samples: config.maxmemorySamples,
      lfuDecayTime: config.lfuDecayTime,
      now,
      random: server.random,
      excess: () => usedMemory(server) - config.maxmemory,
      onEvict: () => {
        server.stats.evictedKeys++;
      },
    });
    if (!ok) this.#exceededSince ??= now;
    else this.#exceededEnd(now);
    return ok;
  }

  #exceededEnd(now: number): void {
    if (this.#exceededSince === undefined) return;
    this.#exceededTotal += now - this.#exceededSince;
    this.#exceededSince = undefined;
  }

  /** EXEC: its own flags plus the queued commands' (mstate.cmd_flags / cmd_inv_flags). */
  #queuedBits(session: Session, bits: number): number {
    const server = this.#server;
    let stale = bits & F_STALE;
    for (const q of session.multi!) {
      const found = server.lookup(q.argv);
      if (found instanceof ReplyError) continue;
      const b = flagBits(effectiveFlags(server, found.spec, q.argv));
      bits |= b & (F_WRITE | F_DENYOOM);
      if ((b & F_STALE) === 0) stale = 0;
    }
    return (bits & ~F_STALE) | stale;
  }

  /** getNodeByQuery over a transaction: every queued command's keys in one slot. */
  #transactionSlot(session: Session): number {
    if (session.multi === null) return -1;
    let slot = -1;
    for (const q of session.multi) {
      const found = this.#server.lookup(q.argv);
      if (found instanceof ReplyError) continue;
      const s = commandSlot(found.spec, q.argv);
      if (s === CROSS) return CROSS;
      if (s === -1) continue;
      if (slot === -1) slot = s;
      else if (slot !== s) return CROSS;
    }
    return slot;
  }
}

/** commandSlot's answer for keys in different slots. */
const CROSS = -2;

/** The slot of a command's keys, -1 when it names none, CROSS when they differ. */
function commandSlot(spec: CommandSpec, argv: readonly Bytes[]): number {
  if (spec.keySpecs.length === 0) return -1;
  let slot = -1;
  for (const k of keysFromSpecs(spec, argv).keys) {
    const s = keySlot(argv[k.pos]);
    if (slot === -1) slot = s;
    else if (slot !== s) return CROSS;
  }
  return slot;
}

const bitsOf = new WeakMap<readonly CommandFlag[], number>();

function flagBits(flags: readonly CommandFlag[]): number {
  let bits = bitsOf.get(flags);
  if (bits === undefined) {
    bits = (flags.includes("write") ? F_WRITE : 0) | (flags.includes("denyoom") ? F_DENYOOM : 0) |
      (flags.includes("stale") ? F_STALE : 0);
    bitsOf.set(flags, bits);
  }
  return bits;
}
