/**
 * The INFO text: Valkey 8's sections and field names in Valkey's order (server.c
 * genValkeyInfoString). Values evalkit knows are real (clients, keyspace, memory accounting,
 * stats counters, config); the others are what a fresh, idle, persistence-less standalone
 * Valkey shows (zeros, `ok`, `-1`).
 *
 * Other subsystems feed their numbers in with {@link provideInfoFields}, by source name:
 * scripting provides `used_memory_vm_eval`, `used_memory_scripts_eval`, `number_of_cached_scripts`
 * (and, for functions, `number_of_functions`, `number_of_libraries`, `used_memory_vm_functions`,
 * `used_memory_functions`); the derived fields (`used_memory_lua`, the `*_human` ones,
 * `used_memory_vm_total`, `used_memory_scripts`) follow. Any other field name overrides that
 * field's value directly (`used_memory`, `tcp_port`, `process_id`, …).
 *
 * @module
 */

import { asciiLower, type Bytes } from "./bytes.ts";
import type { Server } from "./server.ts";
import { BASE_USED_MEMORY, usedMemory } from "./gates.ts";
import { EXPIRE_OVERHEAD, KEY_OVERHEAD } from "./keyspace/keyspace.ts";

/** The Redis version Valkey claims for compatibility (INFO redis_version, server.REDIS_VERSION). */
export const REDIS_COMPAT_VERSION = "7.2.4";

/** A field value as INFO prints it (numbers in decimal). */
export type InfoValue = string | number | bigint;

/** A `name:value` line. */
export type InfoField = readonly [name: string, value: InfoValue];

/** Computes a field's current value. */
export type InfoProvider = () => InfoValue;

/** Sections in output order (section name as INFO takes it, header as printed). */
export const INFO_SECTIONS: readonly (readonly [name: string, header: string])[] = [
  ["server", "Server"],
  ["clients", "Clients"],
  ["memory", "Memory"],
  ["persistence", "Persistence"],
  ["stats", "Stats"],
  ["replication", "Replication"],
  ["cpu", "CPU"],
  ["modules", "Modules"],
  ["commandstats", "Commandstats"],
  ["errorstats", "Errorstats"],
  ["latencystats", "Latencystats"],
  ["cluster", "Cluster"],
  ["keyspace", "Keyspace"],
];

/** What INFO without arguments (or `default`) shows. */
const DEFAULT_SECTIONS = [
  "server",
  "clients",
  "memory",
  "persistence",
  "stats",
  "replication",
  "cpu",
  "module_list",
  "errorstats",
  "cluster",
  "keyspace",
];

interface ServerInfoState {
  readonly providers: Map<string, InfoProvider>;
  readonly runId: string;
  readonly replId: string;
  peakMemory: number;
}

const states = new WeakMap<Server, ServerInfoState>();

function state(server: Server): ServerInfoState {
  let s = states.get(server);
  if (s === undefined) {
    s = { providers: new Map(), runId: randomHex(40), replId: randomHex(40), peakMemory: 0 };
    states.set(server, s);
  }
  return s;
}

/**
 * Lets a subsystem report INFO values (see the module doc for the source names).
 *
 * @param server The server whose INFO shows them.
 * @param fields Field (or source) name → provider.
 * @example Scripting reports its cache size
 * ```ts
 * import { Server } from "./server.ts";
 * import { infoText, provideInfoFields } from "./info.ts";
 * const server = new Server();
 * provideInfoFields(server, { number_of_cached_scripts: () => 3 });
 * console.assert(infoText(server, ["memory"], Date.now()).includes("number_of_cached_scripts:3"));
 * ```
 */
export function provideInfoFields(server: Server, fields: Record<string, InfoProvider>): void {
  const p = state(server).providers;
  for (const [name, f] of Object.entries(fields)) p.set(name, f);
}

/**
 * Forgets peak memory (CONFIG RESETSTAT resets `used_memory_peak` to the current usage).
 *
 * @param server The server.
 */
export function resetInfoPeak(server: Server): void {
  state(server).peakMemory = 0;
}

/** One database's part of {@link MemoryOverhead}. */
export interface DbOverhead {
  readonly index: number;
  /** The keys' table: {@link KEY_OVERHEAD} per key (dict entry, object header). */
  readonly main: number;
  /** The TTL table: {@link EXPIRE_OVERHEAD} per key with a TTL. */
  readonly expires: number;
}

/**
 * getMemoryOverheadData, from evalkit's estimates (gates.ts `usedMemory`, keyspace.ts): what INFO
 * memory and MEMORY STATS / DOCTOR report. Percentages are C floats, as Valkey computes them.
 */
export interface MemoryOverhead {
  /** used_memory. */
  readonly total: number;
  /** used_memory_startup ({@link BASE_USED_MEMORY}). */
  readonly startup: number;
  /** used_memory_peak, updated with `total` now. */
  readonly peak: number;
  /** used_memory_scripts_eval (`lua.caches`). */
  readonly luaCaches: number;
  /** used_memory_functions (`functions.caches`). */
  readonly functionsCaches: number;
  /** Databases that hold keys. */
  readonly dbs: readonly DbOverhead[];
  /** Startup + caches + the databases' tables (at most `total`). */
  readonly overheadTotal: number;
  readonly keys: number;
  /** `total - overheadTotal`. */
  readonly dataset: number;
  readonly datasetPercent: number;
  readonly peakPercent: number;
  readonly bytesPerKey: number;
}

/**
 * The memory breakdown INFO memory and MEMORY STATS share (updates the peak, as Valkey's
 * memory-reporting paths do).
 *
 * @param server The server.
 * @returns The breakdown.
 */
export function memoryOverhead(server: Server): MemoryOverhead {
  const st = state(server);
  const num = (k: string, dflt: number): number => {
    const p = st.providers.get(k);
    return p === undefined ? dflt : Number(p());
  };
  const total = num("used_memory", usedMemory(server));
  if (total > st.peakMemory) st.peakMemory = total;
  const peak = st.peakMemory;
  const luaCaches = num("used_memory_scripts_eval", 0);
  const functionsCaches = num("used_memory_functions", 0);
  let overhead = BASE_USED_MEMORY + luaCaches + functionsCaches;
  let keys = 0;
  const dbs: DbOverhead[] = [];
  for (const db of server.keyspace.dbs) {
    if (db.size === 0) continue;
    const d = {
      index: db.index,
      main: db.size * KEY_OVERHEAD,
      expires: db.expiresCount * EXPIRE_OVERHEAD,
    };
    dbs.push(d);
    keys += db.size;
    overhead += d.main + d.expires;
  }
  const overheadTotal = Math.min(total, overhead);
  const dataset = total - overheadTotal;
  const net = total > BASE_USED_MEMORY ? total - BASE_USED_MEMORY : 1;
  const f = Math.fround;
  return {
    total,
    startup: BASE_USED_MEMORY,
    peak,
    luaCaches,
    functionsCaches,
    dbs,
    overheadTotal,
    keys,
    dataset,
    datasetPercent: f(f(f(dataset) * 100) / f(net)),
    peakPercent: peak === 0 ? 0 : f(f(f(total) * 100) / f(peak)),
    bytesPerKey: keys === 0 ? 0 : Math.floor(dataset / keys),
  };
}

/**
 * INFO's text for the given arguments (section names, `default`, `all`, `everything`; any case).
 * Unknown sections are ignored; nothing matched gives "".
 *
 * @param server The server.
 * @param args INFO's arguments.
 * @param now Current time in ms.
 * @returns The text, CRLF line endings, sections separated by an empty line.
 */
export function infoText(server: Server, args: readonly Bytes[], now: number): string {
  let all = false;
  const wanted = new Set<string>();
  if (args.length === 0) { for (const s of DEFAULT_SECTIONS) wanted.add(s); }
  for (const a of args) {
    const s = asciiLower(a);
    if (s === "default") { for (const d of DEFAULT_SECTIONS) wanted.add(d); }
    else if (s === "all" || s === "everything") all = true;
    else wanted.add(s);
  }
  const parts: string[] = [];
  for (const [name, header] of INFO_SECTIONS) {
    // commandstats and latencystats are in `all` but not in `default`.
    const chosen = all || wanted.has(name) || (name === "modules" && wanted.has("module_list"));
    if (!chosen) continue;
    let text = `# ${header}\r\n`;
    for (const [k, v] of infoSection(server, name, now)) text += `${k}:${v}\r\n`;
    parts.push(text);
  }
  return parts.join("\r\n");
}

/**
 * One section's fields, in Valkey's order.
 *
 * @param server The server.
 * @param name Section name (`server`, `clients`, `memory`, …).
 * @param now Current time in ms.
 * @returns The fields (empty for an unknown section).
 */
export function infoSection(server: Server, name: string, now: number): InfoField[] {
  const st = state(server);
  const fields: InfoField[] = [];
  const add = (k: string, v: InfoValue) => {
    const p = st.providers.get(k);
    fields.push([k, p === undefined ? v : p()]);
  };
  const num = (k: string, dflt: number): number => {
    const p = st.providers.get(k);
    return p === undefined ? dflt : Number(p());
  };
  switch (name) {
    case "server":
      serverSection(server, st, now, add);
      break;
    case "clients":
      clientsSection(server, add);
      break;
    case "memory":
      memorySection(server, add, num);
      break;
    case "persistence":
      persistenceSection(server, add);
      break;
    case "stats":
      statsSection(server, now, add);
      break;
    case "replication":
      replicaFields(server, add);
      add("connected_slaves", 0);
      add("master_failover_state", "no-failover");
      add("master_replid", st.replId);
      add("master_replid2", "0".repeat(40));
      add("master_repl_offset", 0);
      add("second_repl_offset", -1);
      add("repl_backlog_active", 0);
      add("repl_backlog_size", 1048576);
      add("repl_backlog_first_byte_offset", 0);
      add("repl_backlog_histlen", 0);
      break;
    case "cpu":
      for (
        const k of [
          "used_cpu_sys",
          "used_cpu_user",
          "used_cpu_sys_children",
          "used_cpu_user_children",
          "used_cpu_sys_main_thread",
          "used_cpu_user_main_thread",
        ]
      ) add(k, "0.000000");
      break;
    case "errorstats":
      // Valkey keeps them in a radix tree: byte order.
      for (const [code, count] of [...server.errorStats].sort(([a], [b]) => (a < b ? -1 : 1))) {
        fields.push([`errorstat_${safeInfoString(code)}`, `count=${count}`]);
      }
      break;
    case "cluster":
      add("cluster_enabled", server.config.clusterEnabled ? 1 : 0);
      break;
    case "keyspace":
      for (const db of server.keyspace.dbs) {
        if (db.size === 0 && db.expiresCount === 0) continue;
        fields.push([
          `db${db.index}`,
          `keys=${db.size},expires=${db.expiresCount},avg_ttl=${averageTtl(db.expiring(), now)}`,
        ]);
      }
      break;
      // modules, commandstats and latencystats: evalkit has no modules, and keeps no per-command
      // timings; the sections exist, empty.
  }
  return fields;
}

type Add = (k: string, v: InfoValue) => void;

function serverSection(server: Server, st: ServerInfoState, now: number, add: Add): void {
  const compat = server.config.extendedRedisCompat;
  const uptime = Math.floor((now - server.startedAt) / 1000);
  add("redis_version", REDIS_COMPAT_VERSION);
  add("server_name", "valkey");
  add("valkey_version", server.options.version);
  add("redis_git_sha1", "00000000");
  add("redis_git_dirty", 0);
  add("redis_build_id", "0");
  add(
    compat ? "redis_mode" : "server_mode",
    server.config.clusterEnabled ? "cluster" : "standalone",
  );
  add("os", runtimeName());
  add("arch_bits", 64);
  add("monotonic_clock", "POSIX clock_gettime");
  add("multiplexing_api", "evalkit");
  add("atomicvar_api", "c11-builtin");
  add("gcc_version", "0.0.0");
  add("process_id", 0);
  add("process_supervised", "no");
  add("run_id", st.runId);
  add("tcp_port", 0);
  add("server_time_usec", Math.floor(now * 1000));
  add("uptime_in_seconds", uptime);
  add("uptime_in_days", Math.floor(uptime / 86400));
  add("hz", 10);
  add("configured_hz", 10);
  add("lru_clock", Math.floor(now / 1000) & 0xffffff);
  add("executable", "");
  add("config_file", "");
  add("io_threads_active", 0);
}

function clientsSection(server: Server, add: Add): void {
  let watching = 0;
  const watchedKeys = new Set<string>();
  for (const s of server.sessions) {
    if (s.watched.size === 0) continue;
    watching++;
    for (const id of s.watched.keys()) watchedKeys.add(id);
  }
  add("connected_clients", server.sessions.size);
  add("cluster_connections", 0);
  add("maxclients", 10000);
  add("client_recent_max_input_buffer", 0);
  add("client_recent_max_output_buffer", 0);
  add("blocked_clients", 0);
  add("tracking_clients", 0);
  add("pubsub_clients", 0);
  add("watching_clients", watching);
  add("clients_in_timeout_table", 0);
  add("total_watched_keys", watchedKeys.size);
  add("total_blocking_keys", 0);
  add("total_blocking_keys_on_nokey", 0);
}

function memorySection(
  server: Server,
  add: Add,
  num: (k: string, dflt: number) => number,
): void {
  const m = memoryOverhead(server);
  const used = m.total;
  const peak = m.peak;
  const vmEval = num("used_memory_vm_eval", 0);
  const vmFunctions = num("used_memory_vm_functions", 0);
  const scriptsEval = m.luaCaches;
  const functionsCaches = m.functionsCaches;
  const maxmemory = server.config.maxmemory;
  const fields: InfoField[] = [
    ["used_memory", used],
    ["used_memory_human", bytesToHuman(used)],
    ["used_memory_rss", used],
    ["used_memory_rss_human", bytesToHuman(used)],
    ["used_memory_peak", peak],
    ["used_memory_peak_human", bytesToHuman(peak)],
    ["used_memory_peak_perc", `${m.peakPercent.toFixed(2)}%`],
    ["used_memory_overhead", m.overheadTotal],
    ["used_memory_startup", m.startup],
    ["used_memory_dataset", m.dataset],
    ["used_memory_dataset_perc", `${m.datasetPercent.toFixed(2)}%`],
    ["allocator_allocated", used],
    ["allocator_active", used],
    ["allocator_resident", used],
    ["allocator_muzzy", 0],
    ["total_system_memory", 0],
    ["total_system_memory_human", "0B"],
    ["used_memory_lua", vmEval],
    ["used_memory_vm_eval", vmEval],
    ["used_memory_lua_human", bytesToHuman(vmEval)],
    ["used_memory_scripts_eval", scriptsEval],
    ["number_of_cached_scripts", num("number_of_cached_scripts", 0)],
    ["number_of_functions", num("number_of_functions", 0)],
    ["number_of_libraries", num("number_of_libraries", 0)],
    ["used_memory_vm_functions", vmFunctions],
    ["used_memory_vm_total", vmEval + vmFunctions],
    ["used_memory_vm_total_human", bytesToHuman(vmEval + vmFunctions)],
    ["used_memory_functions", functionsCaches],
    ["used_memory_scripts", scriptsEval + functionsCaches],
    ["used_memory_scripts_human", bytesToHuman(scriptsEval + functionsCaches)],
    ["maxmemory", maxmemory],
    ["maxmemory_human", bytesToHuman(maxmemory)],
    ["maxmemory_policy", server.config.maxmemoryPolicy],
    ["allocator_frag_ratio", "1.00"],
    ["allocator_frag_bytes", 0],
    ["allocator_rss_ratio", "1.00"],
    ["allocator_rss_bytes", 0],
    ["rss_overhead_ratio", "1.00"],
    ["rss_overhead_bytes", 0],
    ["mem_fragmentation_ratio", "1.00"],
    ["mem_fragmentation_bytes", 0],
    ["mem_not_counted_for_evict", 0],
    ["mem_replication_backlog", 0],
    ["mem_total_replication_buffers", 0],
    ["mem_clients_slaves", 0],
    ["mem_clients_normal", 0],
    ["mem_cluster_links", 0],
    ["mem_aof_buffer", 0],
    ["mem_allocator", "libc"],
    ["mem_overhead_db_hashtable_rehashing", 0],
    ["active_defrag_running", 0],
    ["lazyfree_pending_objects", 0],
    ["lazyfreed_objects", 0],
  ];
  for (const [k, v] of fields) add(k, v);
}

function persistenceSection(server: Server, add: Add): void {
  const started = Math.floor(server.startedAt / 1000);
  const fields: InfoField[] = [
    ["loading", 0],
    ["async_loading", 0],
    ["current_cow_peak", 0],
    ["current_cow_size", 0],
    ["current_cow_size_age", 0],
    ["current_fork_perc", "0.00"],
    ["current_save_keys_processed", 0],
    ["current_save_keys_total", 0],
    ["rdb_changes_since_last_save", 0],
    ["rdb_bgsave_in_progress", 0],
    ["rdb_last_save_time", started],
    ["rdb_last_bgsave_status", "ok"],
    ["rdb_last_bgsave_time_sec", -1],
    ["rdb_current_bgsave_time_sec", -1],
    ["rdb_saves", 0],
    ["rdb_last_cow_size", 0],
    ["rdb_last_load_keys_expired", 0],
    ["rdb_last_load_keys_loaded", 0],
    ["aof_enabled", 0],
    ["aof_rewrite_in_progress", 0],
    ["aof_rewrite_scheduled", 0],
    ["aof_last_rewrite_time_sec", -1],
    ["aof_current_rewrite_time_sec", -1],
    ["aof_last_bgrewrite_status", "ok"],
    ["aof_rewrites", 0],
    ["aof_rewrites_consecutive_failures", 0],
    ["aof_last_write_status", "ok"],
    ["aof_last_cow_size", 0],
    ["module_fork_in_progress", 0],
    ["module_fork_last_cow_size", 0],
  ];
  for (const [k, v] of fields) add(k, v);
}

function statsSection(server: Server, now: number, add: Add): void {
  const s = server.stats;
  const exceeded = server.gates.evictionExceededMs(now);
  const fields: InfoField[] = [
    ["total_connections_received", s.totalConnectionsReceived],
    ["total_commands_processed", s.totalCommandsProcessed],
    ["instantaneous_ops_per_sec", 0],
    ["total_net_input_bytes", 0],
    ["total_net_output_bytes", 0],
    ["total_net_repl_input_bytes", 0],
    ["total_net_repl_output_bytes", 0],
    ["instantaneous_input_kbps", "0.00"],
    ["instantaneous_output_kbps", "0.00"],
    ["instantaneous_input_repl_kbps", "0.00"],
    ["instantaneous_output_repl_kbps", "0.00"],
    ["rejected_connections", 0],
    ["sync_full", 0],
    ["sync_partial_ok", 0],
    ["sync_partial_err", 0],
    ["expired_keys", s.expiredKeys],
    ["expired_stale_perc", "0.00"],
    ["expired_time_cap_reached_count", 0],
    ["expire_cycle_cpu_milliseconds", 0],
    ["evicted_keys", s.evictedKeys],
    ["evicted_clients", 0],
    ["evicted_scripts", s.evictedScripts],
    ["total_eviction_exceeded_time", Math.floor(exceeded.total)],
    ["current_eviction_exceeded_time", Math.floor(exceeded.current)],
    ["keyspace_hits", s.keyspaceHits],
    ["keyspace_misses", s.keyspaceMisses],
    ["pubsub_channels", 0],
    ["pubsub_patterns", 0],
    ["pubsubshard_channels", 0],
    ["latest_fork_usec", 0],
    ["total_forks", 0],
    ["migrate_cached_sockets", 0],
    ["slave_expires_tracked_keys", 0],
    ["active_defrag_hits", 0],
    ["active_defrag_misses", 0],
    ["active_defrag_key_hits", 0],
    ["active_defrag_key_misses", 0],
    ["total_active_defrag_time", 0],
    ["current_active_defrag_time", 0],
    ["tracking_total_keys", 0],
    ["tracking_total_items", 0],
    ["tracking_total_prefixes", 0],
    ["unexpected_error_replies", 0],
    ["total_error_replies", s.totalErrorReplies],
    ["dump_payload_sanitizations", 0],
    ["total_reads_processed", 0],
    ["total_writes_processed", 0],
    ["io_threaded_reads_processed", 0],
    ["io_threaded_writes_processed", 0],
    ["client_query_buffer_limit_disconnections", 0],
    ["client_output_buffer_limit_disconnections", 0],
    ["reply_buffer_shrinks", 0],
    ["reply_buffer_expands", 0],
    ["eventloop_cycles", 0],
    ["eventloop_duration_sum", 0],
    ["eventloop_duration_cmd_sum", 0],
    ["instantaneous_eventloop_cycles_per_sec", 0],
    ["instantaneous_eventloop_duration_usec", 0],
    ["acl_access_denied_auth", 0],
    ["acl_access_denied_cmd", 0],
    ["acl_access_denied_key", 0],
    ["acl_access_denied_channel", 0],
  ];
  for (const [k, v] of fields) add(k, v);
}

/** `role` and, on a replica, the primary's link (as a replica that never synced shows it). */
function replicaFields(server: Server, add: Add): void {
  const primary = server.config.replicaOf;
  if (primary === "") {
    add("role", "master");
    return;
  }
  const [host, port] = primary.split(" ");
  const down = server.gates.replicaLinkDown;
  add("role", "slave");
  add("master_host", host);
  add("master_port", port);
  add("master_link_status", down ? "down" : "up");
  add("master_last_io_seconds_ago", down ? -1 : 0);
  add("master_sync_in_progress", 0);
  add("slave_read_repl_offset", 0);
  add("slave_repl_offset", 0);
  if (down) add("master_link_down_since_seconds", -1);
  add("slave_priority", 100);
  add("slave_read_only", server.config.replicaReadOnly ? 1 : 0);
  add("replica_announced", 1);
}

/**
 * Valkey's bytesToHuman: `999B`, `1.00K`, `1.50M`, `2.00G`, `1.00T`, `1.00P`.
 *
 * @param n Bytes.
 * @returns The short form.
 * @example
 * ```ts
 * import { bytesToHuman } from "./info.ts";
 * console.assert(bytesToHuman(1536) === "1.50K");
 * ```
 */
export function bytesToHuman(n: number): string {
  const units = ["K", "M", "G", "T", "P"];
  if (n < 1024) return `${n}B`;
  let d = n / 1024;
  for (const u of units) {
    if (d < 1024 || u === "P") return `${d.toFixed(2)}${u}`;
    d /= 1024;
  }
  return `${n}B`;
}

/** Mean remaining TTL in ms of the keys that have one (Valkey estimates it by sampling). */
function averageTtl(expiring: Iterable<[Bytes, number]>, now: number): number {
  let sum = 0, n = 0;
  for (const [, at] of expiring) {
    if (at <= now) continue;
    sum += at - now;
    n++;
  }
  return n === 0 ? 0 : Math.floor(sum / n);
}

/** getSafeInfoString: `#`, `:`, CR and LF become `_`. */
function safeInfoString(s: string): string {
  return s.replace(/[#:\r\n]/g, "_");
}

function runtimeName(): string {
  const ua = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent;
  return typeof ua === "string" && ua !== "" ? ua : "unknown";
}

function randomHex(n: number): string {
  const bytes = new Uint8Array(n / 2);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
