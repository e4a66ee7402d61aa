/**
 * MEMORY (USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE, HELP), Valkey 8's object.c memoryCommand
 * with its replies, texts and field order, over evalkit's memory estimates.
 *
 * What is estimated (see gates.ts `usedMemory` and keyspace.ts for the model):
 * - `MEMORY USAGE key`: the key's charge in the keyspace estimate (per-key overhead, key bytes,
 *   value bytes or its data structure's estimate), without its TTL's. The estimate is kept for
 *   the whole value, so `SAMPLES` is parsed and checked but changes nothing.
 * - `MEMORY STATS`: `total.allocated` is used_memory, `startup.allocated` a fresh server's,
 *   `lua.caches` is used_memory_scripts_eval (spec INFO-5), `db.N` the per-key and per-TTL
 *   overheads of the databases that hold keys (Valkey also lists a database whose keys were all
 *   deleted), `dataset.bytes` the rest; evalkit has no replication backlog, client buffers, AOF,
 *   cluster links, table buckets or incremental rehashing (0), and the allocator figures are
 *   used_memory with ratios 1 (no fragmentation is modelled). The peak is sampled when INFO
 *   memory, MEMORY STATS or MEMORY DOCTOR run.
 * - `MEMORY DOCTOR` applies Valkey's rules to those figures: below 5 MiB the instance counts as
 *   empty; above, only the peak and "more than 1000 cached scripts" rules can fire.
 * - `MEMORY MALLOC-STATS` and `MEMORY PURGE` answer as a Valkey built with libc malloc does
 *   (INFO says `mem_allocator:libc`): no statistics, and nothing to purge (wasm memory never
 *   shrinks anyway).
 *
 * @module
 */

import { type Bytes, eqIgnoreCase } from "../bytes.ts";
import { ERR_SYNTAX, ReplyError } from "../errors.ts";
import { memoryOverhead } from "../info.ts";
import { EXPIRE_OVERHEAD } from "../keyspace/keyspace.ts";
import { bulk, double, int, map, NULL, OK, type Reply, verbatim } from "../resp/reply.ts";
import type { Server } from "../server.ts";
import { toInt64 } from "./args.ts";
import { helpReply } from "./command.ts";
import type { CommandContext, CommandSpec } from "./spec.ts";

const MEMORY_HELP = [
  "DOCTOR",
  "    Return memory problems reports.",
  "MALLOC-STATS",
  "    Return internal statistics report from the memory allocator.",
  "PURGE",
  "    Attempt to purge dirty pages for reclamation by the allocator.",
  "STATS",
  "    Return information about the memory usage of the server.",
  "USAGE <key> [SAMPLES <count>]",
  "    Return memory in bytes used by <key> and its value. Nested values are",
  "    sampled up to <count> times (default: 5, 0 means sample all).",
];

/** MEMORY USAGE key [SAMPLES count]. */
function usage(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  for (let j = 3; j < argv.length; j++) {
    if (eqIgnoreCase(argv[j], "samples") && j + 1 < argv.length) {
      if (toInt64(argv[j + 1]) < 0n) throw new ReplyError(ERR_SYNTAX);
      j++;
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  // dbFind: no expiry check, no LRU touch, no hit/miss.
  const key = argv[2];
  const entry = ctx.db.peek(key);
  if (entry === undefined) return NULL;
  const ttl = ctx.db.getExpire(key) === undefined ? 0 : EXPIRE_OVERHEAD;
  return int((entry.mem ?? 0) - ttl);
}

/** MEMORY STATS: Valkey 8's fields in its order (a map; a flat array in RESP2). */
function stats(ctx: CommandContext): Reply {
  const m = memoryOverhead(ctx.server);
  const n = (name: string, v: number): readonly [Reply, Reply] => [bulk(name), int(v)];
  const d = (name: string, v: number): readonly [Reply, Reply] => [bulk(name), double(v)];
  return map([
    n("peak.allocated", m.peak),
    n("total.allocated", m.total),
    n("startup.allocated", m.startup),
    n("replication.backlog", 0),
    n("clients.slaves", 0),
    n("clients.normal", 0),
    n("cluster.links", 0),
    n("aof.buffer", 0),
    n("lua.caches", m.luaCaches),
    n("functions.caches", m.functionsCaches),
    ...m.dbs.map((db) =>
      [
        bulk(`db.${db.index}`),
        map([n("overhead.hashtable.main", db.main), n("overhead.hashtable.expires", db.expires)]),
      ] as const
    ),
    n("overhead.db.hashtable.lut", 0),
    n("overhead.db.hashtable.rehashing", 0),
    n("overhead.total", m.overheadTotal),
    n("db.dict.rehashing.count", 0),
    n("keys.count", m.keys),
    n("keys.bytes-per-key", m.bytesPerKey),
    n("dataset.bytes", m.dataset),
    d("dataset.percentage", m.datasetPercent),
    d("peak.percentage", m.peakPercent),
    n("allocator.allocated", m.total),
    n("allocator.active", m.total),
    n("allocator.resident", m.total),
    n("allocator.muzzy", 0),
    d("allocator-fragmentation.ratio", 1),
    n("allocator-fragmentation.bytes", 0),
    d("allocator-rss.ratio", 1),
    n("allocator-rss.bytes", 0),
    d("rss-overhead.ratio", 1),
    n("rss-overhead.bytes", 0),
    d("fragmentation", 1),
    n("fragmentation.bytes", 0),
  ]);
}

const DOCTOR_EMPTY =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
const DOCTOR_FINE =
  "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
const DOCTOR_ISSUES = "Sam, I detected a few issues in this Valkey instance memory implants:\n\n";
const DOCTOR_BIG_PEAK =
  " * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Valkey instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Valkey instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n";
const DOCTOR_MANY_SCRIPTS =
  " * Many scripts: There seem to be many cached scripts in this instance (more than 1000). This may be because scripts are generated and `EVAL`ed, instead of being parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts' caches may end up consuming most of your memory.\n\n";
const DOCTOR_END = "I'm here to keep you safe, Sam. I want to help you.\n";

/**
 * getMemoryDoctorReport over evalkit's figures (no fragmentation, RSS, client or replica
 * buffers: those rules never fire).
 *
 * @param server The server.
 * @returns The report text.
 */
function memoryDoctorReport(server: Server): string {
  const m = memoryOverhead(server);
  if (m.total < 5 * 1024 * 1024) return DOCTOR_EMPTY;
  const bigPeak = Math.fround(Math.fround(m.peak) / Math.fround(m.total)) > 1.5;
  const manyScripts = server.scripting.cache.size > 1000;
  if (!bigPeak && !manyScripts) return DOCTOR_FINE;
  return DOCTOR_ISSUES + (bigPeak ? DOCTOR_BIG_PEAK : "") +
    (manyScripts ? DOCTOR_MANY_SCRIPTS : "") + DOCTOR_END;
}

const SERVER_TIPS = [
  "nondeterministic_output",
  "request_policy:all_shards",
  "response_policy:special",
];

/** The MEMORY container. */
export const MEMORY_COMMANDS: readonly CommandSpec[] = [
  {
    name: "memory",
    arity: -2,
    flags: [],
    acl: ["slow"],
    keySpecs: [],
    group: "server",
    since: "4.0.0",
    summary: "A container for memory diagnostics commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        name: "doctor",
        arity: 2,
        flags: [],
        acl: ["slow"],
        keySpecs: [],
        group: "server",
        since: "4.0.0",
        summary: "Outputs a memory problems report.",
        complexity: "O(1)",
        tips: SERVER_TIPS,
        run: (ctx) => verbatim("txt", memoryDoctorReport(ctx.server)),
      },
      {
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        acl: ["slow"],
        keySpecs: [],
        group: "server",
        since: "4.0.0",
        summary: "Returns helpful text about the different subcommands.",
        complexity: "O(1)",
        run: (_ctx, argv) => helpReply(argv[0], MEMORY_HELP),
      },
      {
        name: "malloc-stats",
        arity: 2,
        flags: [],
        acl: ["slow"],
        keySpecs: [],
        group: "server",
        since: "4.0.0",
        summary: "Returns the allocator statistics.",
        complexity: "Depends on how much memory is allocated, could be slow",
        tips: SERVER_TIPS,
        run: () => bulk("Stats not supported for the current allocator"),
      },
      {
        name: "purge",
        arity: 2,
        flags: [],
        acl: ["slow"],
        keySpecs: [],
        group: "server",
        since: "4.0.0",
        summary: "Asks the allocator to release memory.",
        complexity: "Depends on how much memory is allocated, could be slow",
        tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
        run: () => OK,
      },
      {
        name: "stats",
        arity: 2,
        flags: [],
        acl: ["slow"],
        keySpecs: [],
        group: "server",
        since: "4.0.0",
        summary: "Returns details about memory usage.",
        complexity: "O(1)",
        tips: SERVER_TIPS,
        run: stats,
      },
      {
        name: "usage",
        arity: -3,
        flags: ["readonly"],
        acl: ["read", "slow"],
        keySpecs: [{
          flags: ["RO"],
          beginSearch: { type: "index", pos: 2 },
          findKeys: { type: "range", lastkey: 0, step: 1, limit: 0 },
        }],
        group: "server",
        since: "4.0.0",
        summary: "Estimates the memory usage of a key.",
        complexity: "O(N) where N is the number of samples.",
        arguments: [
          { name: "key", type: "key", keySpecIndex: 0 },
          { name: "count", type: "integer", token: "SAMPLES", optional: true },
        ],
        run: usage,
      },
    ],
  },
];
