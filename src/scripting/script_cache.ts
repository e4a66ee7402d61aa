/**
 * The script cache (spec §2): sha → body, flags and the engine's compiled handle. Scripts added by
 * EVAL are kept in an LRU list of at most 500 and evicted as Valkey 8 does (CACHE-6..11); scripts
 * added by SCRIPT LOAD are pinned.
 *
 * | operation | cost |
 * |---|---|
 * | get / touch / add / evict one | O(1) |
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";

/** Maximum number of EVAL-added scripts kept (CACHE-6). */
export const EVAL_LRU_MAX = 500;

/** Estimated bookkeeping bytes per entry beyond sha and body (dict entry, object headers). */
const ENTRY_OVERHEAD = 64;

/** One cached script. */
export interface CachedScript<H> {
  readonly sha: string;
  /** The exact body given to EVAL / SCRIPT LOAD, shebang included (SCRIPT SHOW). */
  readonly body: Bytes;
  readonly hasShebang: boolean;
  /** FLAG_* bits parsed from the shebang. */
  readonly flags: number;
  /** The engine's compiled function. */
  readonly handle: H;
  /** Added or promoted by SCRIPT LOAD: never evicted (CACHE-9). */
  pinned: boolean;
}

/** sha → script, with the EVAL LRU. `H` is the engine's compiled-function handle. */
export class ScriptCache<H> {
  readonly #scripts = new Map<string, CachedScript<H>>();
  /** EVAL-added scripts in LRU order (Map iteration order: oldest first). */
  readonly #lru = new Map<string, CachedScript<H>>();
  /** The most-recently-used end of #lru: touching it again is a no-op (EVAL in a loop). */
  #mru: CachedScript<H> | undefined;
  #bytes = 0;

  /** Number of cached scripts (INFO number_of_cached_scripts). */
  get size(): number {
    return this.#scripts.size;
  }

  /** Estimated bookkeeping bytes (INFO used_memory_scripts_eval). */
  get memory(): number {
    return this.#bytes;
  }

  /** Looks a script up by lowercase sha. */
  get(sha: string): CachedScript<H> | undefined {
    return this.#scripts.get(sha);
  }

  /** Moves an EVAL-tracked script to the most-recently-used end (EVAL-9, CACHE-8). */
  touch(script: CachedScript<H>): void {
    if (script.pinned || script === this.#mru) return;
    this.#lru.delete(script.sha);
    this.#lru.set(script.sha, script);
    this.#mru = script;
  }

  /**
   * Adds a newly compiled script. EVAL additions evict least-recently-used EVAL scripts down to
   * 499 first (CACHE-7) and report how many were evicted.
   */
  add(script: CachedScript<H>, onEvict: (evicted: CachedScript<H>) => void): void {
    if (!script.pinned) {
      while (this.#lru.size >= EVAL_LRU_MAX) {
        const oldest = this.#lru.values().next().value as CachedScript<H>;
        this.#remove(oldest);
        onEvict(oldest);
      }
      this.#lru.set(script.sha, script);
      this.#mru = script;
    }
    this.#scripts.set(script.sha, script);
    this.#bytes += script.sha.length + script.body.length + ENTRY_OVERHEAD;
  }

  /** SCRIPT LOAD of an EVAL-tracked script: pins it (CACHE-9). */
  pin(script: CachedScript<H>): void {
    if (script.pinned) return;
    script.pinned = true;
    this.#lru.delete(script.sha);
    if (this.#mru === script) this.#mru = undefined;
  }

  /** SCRIPT FLUSH: forgets everything. */
  clear(): void {
    this.#scripts.clear();
    this.#lru.clear();
    this.#mru = undefined;
    this.#bytes = 0;
  }

  #remove(script: CachedScript<H>): void {
    this.#scripts.delete(script.sha);
    this.#lru.delete(script.sha);
    if (this.#mru === script) this.#mru = undefined;
    this.#bytes -= script.sha.length + script.body.length + ENTRY_OVERHEAD;
  }
}
