/**
 * CONFIG parameters: the ones evalkit gives a meaning to, with Valkey 8's names, aliases, value
 * syntax, bounds, defaults and error reasons (config.c), plus CONFIG GET / CONFIG SET semantics:
 * glob patterns over names and aliases, case-insensitive names, all-or-nothing multi-pair SET.
 *
 * Supported: `requirepass`, `databases` (immutable), `maxmemory`, `maxmemory-policy`,
 * `maxmemory-samples`, `maxmemory-eviction-tenacity` (accepted; evalkit always evicts down to the
 * limit before the command, as a tenacity of 100 would), `lfu-log-factor`, `lfu-decay-time`,
 * `busy-reply-threshold` (alias `lua-time-limit`), `lazyfree-lazy-user-flush`,
 * `proto-max-bulk-len`, `enable-debug-command` (immutable), `extended-redis-compatibility`,
 * `replicaof` (alias `slaveof`, immutable: from the `replicaOf` option), `replica-read-only`
 * (alias `slave-read-only`), `replica-serve-stale-data` (alias `slave-serve-stale-data`),
 * `replica-ignore-maxmemory`, `cluster-enabled` (immutable: the `clusterEnabled` option), and the
 * encoding limits `list-max-listpack-size`, `hash-max-listpack-entries`, `hash-max-listpack-value`,
 * `set-max-intset-entries`, `set-max-listpack-entries`, `set-max-listpack-value`,
 * `zset-max-listpack-entries`, `zset-max-listpack-value` (with their `*-ziplist-*` aliases).
 * Any other name is unknown, as it would be to a Valkey that lacks it.
 *
 * @module
 */

import { asciiLower, type Bytes, eqIgnoreCase } from "./bytes.ts";
import { parseInteger } from "./commands/args.ts";
import { ERR_SYNTAX, errConfigSet, errConfigUnknown } from "./errors.ts";
import type { ResolvedOptions } from "./options.ts";
import { DEFAULT_ENCODING_LIMITS, type EncodingLimits } from "./types/encoding.ts";
import { stringMatch } from "./types/string.ts";

/** One CONFIG parameter (an alias is registered as its own entry, as Valkey does). */
export interface ConfigParam {
  readonly name: string;
  /** The other name of the same setting (`lua-time-limit` for `busy-reply-threshold`). */
  readonly alias?: string;
  /** CONFIG SET refuses it (`can't set immutable config`). */
  readonly immutable?: boolean;
  /** Current value as CONFIG GET prints it. */
  get(): Bytes;
  /** Validates and stores; returns Valkey's reason text on failure (`argument must be …`). */
  set(value: Bytes): string | undefined;
}

/** maxmemory-policy values, in config.c's order (the order its error message lists them). */
export const MAXMEMORY_POLICIES = [
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "noeviction",
] as const;

/** enable-debug-command values (protected_action_enum). */
export type ProtectedAction = "no" | "yes" | "local";

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const LONG_MAX = 9223372036854775807n;
const ULLONG_MAX = 18446744073709551615n;

interface Entry {
  /** The name this entry answers to (the parameter's name or its alias). */
  readonly name: string;
  readonly param: ConfigParam;
}

/** The live configuration of one Server. */
export class Config {
  // Current values, read by the server and the commands on their hot paths.
  requirepass: string;
  databases: number;
  /** Bytes; 0 = no limit. Exact up to 2^53 (CONFIG GET prints the exact value set). */
  maxmemory: number;
  maxmemoryPolicy: string;
  maxmemorySamples = 5;
  /** Stored only: eviction always runs to completion (see the module doc). */
  maxmemoryEvictionTenacity = 10;
  /** LFU counter: how many hits it takes to saturate (lookup.ts lfuLogIncr). */
  lfuLogFactor = 10;
  /** LFU counter: minutes per decrement of an idle key's counter; 0 = never decays. */
  lfuDecayTime = 1;
  busyReplyThresholdMs: number;
  /** Valkey 8 default: yes (Redis 7.0: no). Only the timing of FLUSH* would differ. */
  lazyfreeLazyUserFlush = true;
  protoMaxBulkLen = 512 * 1024 * 1024;
  /**
   * Valkey's default is `no` (DEBUG refused); evalkit's is `local` so that in-process and
   * loopback clients can use DEBUG SLEEP / SET-ACTIVE-EXPIRE / PROTOCOL (immutable, as in Valkey).
   */
  enableDebugCommand: ProtectedAction = "local";
  /** `yes`: HELLO and INFO say `redis` / 7.2.4 instead of `valkey` / the Valkey version. */
  extendedRedisCompat = false;
  /** Not a CONFIG parameter: DEBUG SET-ACTIVE-EXPIRE (active expiry reads it). */
  activeExpireEnabled = true;
  /** `host port` of the primary; "" when this server is not a replica. */
  readonly replicaOf: string;
  replicaReadOnly = true;
  replicaServeStaleData: boolean;
  /** Replicas ignore maxmemory (no eviction, no OOM) by default, as Valkey's do. */
  replicaIgnoreMaxmemory = true;
  readonly clusterEnabled: boolean;
  /**
   * The data types' encoding limits. The values created by commands keep this object and read it
   * at each operation, so a CONFIG SET applies the next time a command touches a key, as in Valkey.
   */
  readonly encodingLimits: EncodingLimits = { ...DEFAULT_ENCODING_LIMITS };
  #maxmemoryExact: bigint;
  readonly #entries = new Map<string, Entry>();
  readonly #order: Entry[] = [];

  constructor(o: ResolvedOptions) {
    this.requirepass = o.requirepass;
    this.databases = o.databases;
    this.maxmemory = o.maxmemory;
    this.#maxmemoryExact = BigInt(Math.trunc(o.maxmemory));
    this.maxmemoryPolicy = o.maxmemoryPolicy;
    this.busyReplyThresholdMs = o.busyReplyThresholdMs;
    this.replicaOf = o.replicaOf;
    this.replicaServeStaleData = !o.stale;
    this.clusterEnabled = o.clusterEnabled;
    this.#registerDefaults();
  }

  /** Registers a parameter (and its alias as a second entry). */
  register(p: ConfigParam): void {
    for (const name of p.alias === undefined ? [p.name] : [p.name, p.alias]) {
      const e = { name, param: p };
      this.#entries.set(asciiLower(name), e);
      this.#order.push(e);
    }
  }

  /** Looks a parameter up by name or alias, ignoring ASCII case. */
  lookup(name: Bytes): ConfigParam | undefined {
    return this.#entries.get(asciiLower(name))?.param;
  }

  /** Every registered parameter once. */
  params(): ConfigParam[] {
    return [...new Set(this.#order.map((e) => e.param))];
  }

  /**
   * CONFIG GET: names without `*?[` are looked up exactly (and reported as typed), the others
   * are glob patterns (ASCII case-insensitive) over every name and alias.
   *
   * @param patterns The arguments.
   * @returns Name/value pairs, each name once.
   */
  get(patterns: readonly Bytes[]): [Bytes, Bytes][] {
    const out = new Map<Bytes, ConfigParam>();
    for (const pat of patterns) {
      if (!/[*?[]/.test(pat)) {
        if (out.has(pat)) continue;
        const e = this.#entries.get(asciiLower(pat));
        if (e !== undefined) out.set(pat, e.param);
        continue;
      }
      for (const e of this.#order) {
        if (out.has(e.name)) continue;
        if (stringMatch(pat, e.name, true)) out.set(e.name, e.param);
      }
    }
    return [...out].map(([name, p]) => [name, p.get()]);
  }

  /**
   * CONFIG SET with one or more pairs: all are applied or none (earlier ones are rolled back).
   *
   * @param args The arguments after `CONFIG SET`.
   * @returns undefined on success, else the error text.
   */
  set(args: readonly Bytes[]): Bytes | undefined {
    if (args.length % 2 !== 0) return ERR_SYNTAX;
    const chosen: Entry[] = [];
    // The first problem found, in argument order, is the one reported.
    let failure: Bytes | undefined;
    for (let i = 0; i < args.length && failure === undefined; i += 2) {
      const e = this.#entries.get(asciiLower(args[i]));
      if (e === undefined) failure = errConfigUnknown(args[i]);
      else if (e.param.immutable) failure = errConfigSet(args[i], "can't set immutable config");
      // The same entry twice fails; a parameter and its alias are two entries (as in Valkey).
      else if (chosen.includes(e)) failure = errConfigSet(args[i], "duplicate parameter");
      else chosen.push(e);
    }
    if (failure !== undefined) return failure;
    const old = chosen.map((e) => e.param.get());
    for (let i = 0; i < chosen.length; i++) {
      const why = chosen[i].param.set(args[2 * i + 1]);
      if (why !== undefined) {
        for (let j = 0; j <= i; j++) chosen[j].param.set(old[j]);
        return errConfigSet(chosen[i].name, why);
      }
    }
    return undefined;
  }

  #registerDefaults(): void {
    this.register({
      name: "requirepass",
      get: () => this.requirepass,
      set: (v) => {
        this.requirepass = v;
        return undefined;
      },
    });
    this.register(numeric("databases", {
      min: 1n,
      max: INT_MAX,
      immutable: true,
      get: () => BigInt(this.databases),
      set: (n) => (this.databases = Number(n)),
    }));
    this.register(numeric("maxmemory", {
      min: 0n,
      max: ULLONG_MAX,
      memory: true,
      unsigned: true,
      get: () => this.#maxmemoryExact,
      set: (n) => {
        this.#maxmemoryExact = n;
        this.maxmemory = Number(n);
      },
    }));
    this.register(enumeration(
      "maxmemory-policy",
      MAXMEMORY_POLICIES,
      () => this.maxmemoryPolicy,
      (v) => (this.maxmemoryPolicy = v),
    ));
    this.register(numeric("maxmemory-samples", {
      min: 1n,
      max: INT_MAX,
      get: () => BigInt(this.maxmemorySamples),
      set: (n) => (this.maxmemorySamples = Number(n)),
    }));
    this.register(numeric("maxmemory-eviction-tenacity", {
      min: 0n,
      max: 100n,
      get: () => BigInt(this.maxmemoryEvictionTenacity),
      set: (n) => (this.maxmemoryEvictionTenacity = Number(n)),
    }));
    this.register(numeric("lfu-log-factor", {
      min: 0n,
      max: INT_MAX,
      get: () => BigInt(this.lfuLogFactor),
      set: (n) => (this.lfuLogFactor = Number(n)),
    }));
    this.register(numeric("lfu-decay-time", {
      min: 0n,
      max: INT_MAX,
      get: () => BigInt(this.lfuDecayTime),
      set: (n) => (this.lfuDecayTime = Number(n)),
    }));
    this.register({
      name: "replicaof",
      alias: "slaveof",
      immutable: true,
      get: () => this.replicaOf,
      set: () => "can't set immutable config",
    });
    this.register({
      ...yesNo("replica-read-only", () => this.replicaReadOnly, (b) => (this.replicaReadOnly = b)),
      alias: "slave-read-only",
    });
    this.register({
      ...yesNo(
        "replica-serve-stale-data",
        () => this.replicaServeStaleData,
        (b) => (this.replicaServeStaleData = b),
      ),
      alias: "slave-serve-stale-data",
    });
    this.register(yesNo(
      "replica-ignore-maxmemory",
      () => this.replicaIgnoreMaxmemory,
      (b) => (this.replicaIgnoreMaxmemory = b),
    ));
    this.register({
      ...yesNo("cluster-enabled", () => this.clusterEnabled, () => {}),
      immutable: true,
    });
    this.register(numeric("busy-reply-threshold", {
      alias: "lua-time-limit",
      min: 0n,
      max: LONG_MAX,
      get: () => BigInt(this.busyReplyThresholdMs),
      set: (n) => (this.busyReplyThresholdMs = Number(n)),
    }));
    this.register(yesNo(
      "lazyfree-lazy-user-flush",
      () => this.lazyfreeLazyUserFlush,
      (b) => (this.lazyfreeLazyUserFlush = b),
    ));
    this.register(numeric("proto-max-bulk-len", {
      min: 1024n * 1024n,
      max: LONG_MAX,
      memory: true,
      get: () => BigInt(this.protoMaxBulkLen),
      set: (n) => (this.protoMaxBulkLen = Number(n)),
    }));
    this.register({
      ...enumeration(
        "enable-debug-command",
        ["no", "yes", "local"],
        () => this.enableDebugCommand,
        (v) => (this.enableDebugCommand = v as ProtectedAction),
      ),
      immutable: true,
    });
    this.register(yesNo(
      "extended-redis-compatibility",
      () => this.extendedRedisCompat,
      (b) => (this.extendedRedisCompat = b),
    ));
    this.#registerEncodingLimits();
  }

  /** config.c's encoding limits: `list-max-listpack-size` is an int, the others size_t. */
  #registerEncodingLimits(): void {
    const limits = this.encodingLimits;
    this.register(numeric("list-max-listpack-size", {
      alias: "list-max-ziplist-size",
      min: INT_MIN,
      max: INT_MAX,
      get: () => BigInt(limits.listMaxListpackSize),
      set: (n) => (limits.listMaxListpackSize = Number(n)),
    }));
    const sizes: [string, string | undefined, keyof EncodingLimits, boolean][] = [
      ["hash-max-listpack-entries", "hash-max-ziplist-entries", "hashMaxListpackEntries", false],
      ["hash-max-listpack-value", "hash-max-ziplist-value", "hashMaxListpackValue", true],
      ["set-max-intset-entries", undefined, "setMaxIntsetEntries", false],
      ["set-max-listpack-entries", undefined, "setMaxListpackEntries", false],
      ["set-max-listpack-value", undefined, "setMaxListpackValue", false],
      ["zset-max-listpack-entries", "zset-max-ziplist-entries", "zsetMaxListpackEntries", false],
      ["zset-max-listpack-value", "zset-max-ziplist-value", "zsetMaxListpackValue", true],
    ];
    for (const [name, alias, field, memory] of sizes) {
      // Values up to LONG_MAX are allowed: keep the exact one for CONFIG GET.
      let exact = BigInt(limits[field]);
      this.register(numeric(name, {
        alias,
        min: 0n,
        max: LONG_MAX,
        memory,
        unsigned: true,
        get: () => exact,
        set: (n) => {
          exact = n;
          limits[field] = Number(n);
        },
      }));
    }
  }
}

interface NumericOptions {
  readonly alias?: string;
  readonly min: bigint;
  readonly max: bigint;
  /** Accepts memory units (`100mb`, `1gb`, `1k`), as MEMORY_CONFIG parameters do. */
  readonly memory?: boolean;
  /** An unsigned C type: bounds compare the value as unsigned. */
  readonly unsigned?: boolean;
  readonly immutable?: boolean;
  get(): bigint;
  set(n: bigint): void;
}

/** A numeric parameter: numericParseString + numericBoundaryCheck. */
function numeric(name: string, o: NumericOptions): ConfigParam {
  return {
    name,
    alias: o.alias,
    immutable: o.immutable,
    get: () => String(o.get()),
    set(value) {
      let n: bigint | undefined;
      if (o.memory) n = memToULL(value);
      if (n === undefined && !o.memory) {
        const v = parseInteger(value);
        if (v !== undefined) n = BigInt(v);
      }
      if (n === undefined) {
        return o.memory
          ? "argument must be a memory value"
          : "argument couldn't be parsed into an integer";
      }
      // memtoull's unsigned result seen through the parameter's C type.
      if (!o.unsigned && n > LONG_MAX) n -= 1n << 64n;
      if (n < o.min || n > o.max) {
        return `argument must be between ${o.min} and ${o.max} inclusive`;
      }
      o.set(n);
      return undefined;
    },
  };
}

function enumeration(
  name: string,
  values: readonly string[],
  get: () => string,
  set: (v: string) => void,
): ConfigParam {
  return {
    name,
    get,
    set(value) {
      const v = values.find((x) => eqIgnoreCase(value, x));
      if (v === undefined) {
        return `argument(s) must be one of the following: ${values.join(", ")}`;
      }
      set(v);
      return undefined;
    },
  };
}

function yesNo(name: string, get: () => boolean, set: (b: boolean) => void): ConfigParam {
  return {
    name,
    get: () => (get() ? "yes" : "no"),
    set(value) {
      if (eqIgnoreCase(value, "yes")) set(true);
      else if (eqIgnoreCase(value, "no")) set(false);
      else return "argument must be 'yes' or 'no'";
      return undefined;
    },
  };
}

const UNITS: Record<string, bigint> = {
  "": 1n,
  "b": 1n,
  "k": 1000n,
  "kb": 1024n,
  "m": 1000n * 1000n,
  "mb": 1024n * 1024n,
  "g": 1000n * 1000n * 1000n,
  "gb": 1024n * 1024n * 1024n,
};

/**
 * Valkey's `memtoull`: digits then an optional unit (b, k, kb, m, mb, g, gb; any case). No sign,
 * no spaces; the empty string is 0; too many digits saturate and a unit overflow wraps, as the C
 * arithmetic does.
 *
 * @param s The value.
 * @returns Bytes as an unsigned 64-bit value, or undefined when it is not a memory value.
 * @example
 * ```ts
 * import { memToULL } from "./config.ts";
 * console.assert(memToULL("100mb") === 104857600n);
 * console.assert(memToULL("1k") === 1000n);
 * console.assert(memToULL("-1") === undefined);
 * ```
 */
export function memToULL(s: Bytes): bigint | undefined {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  const mul = UNITS[asciiLower(s.slice(i))];
  if (mul === undefined || i >= 128) return undefined;
  let v = i === 0 ? 0n : BigInt(s.slice(0, i));
  if (v > ULLONG_MAX) v = ULLONG_MAX; // strtoull saturates
  return (v * mul) & ULLONG_MAX;
}

/**
 * islocalClient: a client protected commands may trust under `local`: loopback (127.0.0.1 or
 * ::1), a unix socket, or an in-process session (no address).
 *
 * @param s The session (its `addr`, as CLIENT LIST shows it).
 * @returns True when local.
 */
export function isLocalSession(s: { readonly addr: string }): boolean {
  const a = s.addr;
  if (a === "" || a.startsWith("/")) return true;
  const ip = a.slice(0, a.lastIndexOf(":")).replace(/^\[(.*)\]$/, "$1");
  return ip === "127.0.0.1" || ip === "::1";
}
