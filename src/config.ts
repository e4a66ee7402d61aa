/**
 * CONFIG parameters: one registry entry per parameter evalkit supports, with Valkey's name,
 * aliases, current value as CONFIG GET prints it, and a setter that validates like Valkey.
 *
 * @module
 */

import type { Bytes } from "./bytes.ts";
import type { ResolvedOptions } from "./options.ts";

/** One CONFIG parameter. */
export interface ConfigParam {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** Current value as CONFIG GET prints it. */
  get(): Bytes;
  /** Validates and applies; returns an error text (without `ERR `) or undefined. */
  set(value: Bytes): string | undefined;
}

/** The live configuration of one Server. */
export class Config {
  /** Current values, by canonical name. Read by the server on its hot paths. */
  requirepass: string;
  databases: number;
  maxmemory: number;
  maxmemoryPolicy: string;
  busyReplyThresholdMs: number;
  readonly #params = new Map<string, ConfigParam>();

  constructor(o: ResolvedOptions) {
    this.requirepass = o.requirepass;
    this.databases = o.databases;
    this.maxmemory = o.maxmemory;
    this.maxmemoryPolicy = o.maxmemoryPolicy;
    this.busyReplyThresholdMs = o.busyReplyThresholdMs;
  }

  /** Registers a parameter (and its aliases). */
  register(p: ConfigParam): void {
    this.#params.set(p.name, p);
    for (const a of p.aliases ?? []) this.#params.set(a, p);
  }

  /** Looks a parameter up by name or alias (lowercase). */
  lookup(name: string): ConfigParam | undefined {
    return this.#params.get(name);
  }

  /** Every registered parameter once (canonical names). */
  params(): ConfigParam[] {
    return [...new Set(this.#params.values())];
  }
}
