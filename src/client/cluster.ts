/**
 * The cluster client (GLIDE's `GlideClusterClient`): one RESP connection per node, slot map from
 * CLUSTER SHARDS (CLUSTER SLOTS on servers without it), commands routed by the slot of their first
 * key (GL-8, GL-12) or by an explicit route (GL-10, GL-11), MOVED and ASK followed, the topology
 * refreshed after a MOVED, and multi-node replies combined with GLIDE's response policies.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import type { Reply } from "../resp/reply.ts";
import { type Batch, batchEntries, type BatchEntry, batchValues, runBatch } from "./batch.ts";
import {
  abortError,
  type BaseClientOptions,
  type DecoderOption,
  existsFlags,
  type FlushMode,
  parseRespUrl,
  type ScriptOptions,
} from "./client.ts";
import {
  type ClientValue,
  type Decoder,
  errorCode,
  type GlideString,
  replyError,
  toBytes,
  valueOrThrow,
} from "./decode.ts";
import { ConnectionError, CROSSSLOT_BATCH, RequestError } from "./errors.ts";
import {
  combineReplies,
  type CommandRouting,
  type NodeReply,
  type ResponsePolicy,
  responsePolicy,
  routeCommand,
  type Routes,
  type SingleNodeRoute,
} from "./routes.ts";
import { evalshaArgv, invokeWithFallback, type Script } from "./script.ts";
import { keySlot, SLOT_COUNT } from "./slot.ts";
import { parseClusterShards, parseClusterSlots, SlotMap, type SlotRange } from "./topology.ts";
import { formatAddress, RespTransport } from "./transports/resp.ts";
import type { Argv } from "./transports/transport.ts";

/** A redirect the client followed (for logs and tests). */
export interface RedirectEvent {
  readonly kind: "MOVED" | "ASK";
  readonly slot: number;
  /** Node that answered the redirect. */
  readonly from: string;
  /** Node the command was re-sent to. */
  readonly to: string;
  /** The command's name (`EVALSHA`, `SET`…). */
  readonly command: string;
}

/** Options of {@link createClusterClient}. */
export interface ClusterClientOptions extends BaseClientOptions {
  /** Called for every MOVED / ASK followed. */
  readonly onRedirect?: (event: RedirectEvent) => void;
}

/** Route option of the cluster helpers. */
export interface RouteOption {
  readonly route?: Routes;
}

/** Options of {@link ClusterClient.invokeScriptWithRoute}. */
export interface ScriptRouteOptions {
  /** ARGV (no keys: EVALSHA is sent with numkeys 0). */
  readonly args?: readonly GlideString[];
  /** Where to run it (default: a random node). */
  readonly route?: Routes;
  readonly decoder?: Decoder;
}

/** Options of {@link ClusterClient.exec}. */
export interface ClusterExecOptions {
  readonly raiseOnError: boolean;
  /** Send the whole batch to this node instead of routing it by its keys. */
  readonly route?: SingleNodeRoute;
  readonly decoder?: Decoder;
}

/** A single-node result, or one value per node (`{ "host:port": value }`) for multi-node routes. */
export type ClusterValue = ClientValue;

/** Redirects followed for one command before its last answer is returned as is. */
const MAX_REDIRECTS = 5;

/**
 * Connects a cluster client. The seeds need not be every node: the topology is read from the first
 * seed that answers.
 *
 * @param seeds One or more `redis://host:port` / `valkey://host:port` URLs, or `host:port`.
 * @param options Protocol, credentials, decoder, timeouts, redirect hook.
 * @returns A connected client.
 * @example Scripts routed by key slot
 * ```ts ignore
 * import { createClusterClient, Script } from "@evalkit/evalkit/client";
 * const client = await createClusterClient(["redis://127.0.0.1:7000"]);
 * const script = new Script("return redis.call('SET', KEYS[1], ARGV[1])");
 * await client.invokeScript(script, { keys: ["user:{1000}:name"], args: ["Ada"] });
 * await client.close();
 * ```
 */
export async function createClusterClient(
  seeds: string | URL | readonly (string | URL)[],
  options: ClusterClientOptions = {},
): Promise<ClusterClient> {
  const list = (typeof seeds === "string" || seeds instanceof URL ? [seeds] : seeds).map(seedUrl);
  if (list.length === 0) throw new TypeError("createClusterClient needs at least one seed");
  const first = parseRespUrl(list[0]);
  const client = new ClusterClient(
    list.map((u) => {
      const { host, port } = parseRespUrl(u);
      return formatAddress(host, port);
    }),
    {
      ...options,
      username: options.username ?? first.username,
      password: options.password ?? first.password,
    },
  );
  try {
    await client.refreshTopology();
  } catch (e) {
    await client.close();
    throw e;
  }
  return client;
}

function seedUrl(seed: string | URL): URL {
  if (seed instanceof URL) return seed;
  return new URL(/^[a-z]+:\/\//i.test(seed) ? seed : `redis://${seed}`);
}

/** A client of a Valkey / Redis cluster. */
export class ClusterClient {
  readonly #seeds: readonly string[];
  readonly #options: ClusterClientOptions;
  readonly #decoder: Decoder;
  readonly #nodes = new Map<string, Promise<RespTransport>>();
  #map = new SlotMap([]);
  #refreshing: Promise<void> | undefined;
  #closed = false;

  /**
   * Use {@link createClusterClient}.
   *
   * @param seeds `host:port` of the seed nodes.
   * @param options Connection options.
   */
  constructor(seeds: readonly string[], options: ClusterClientOptions) {
    this.#seeds = seeds;
    this.#options = options;
    this.#decoder = options.defaultDecoder ?? "string";
  }

  /**
   * The slot layout the client routes by (a snapshot).
   *
   * @returns Slot ranges with their primary and replicas, in slot order.
   */
  slotRanges(): SlotRange[] {
    return [...this.#map.ranges];
  }

  /**
   * The address of the primary the client would send a key's commands to.
   *
   * @param key A key.
   * @returns `host:port`, or undefined when no node serves the key's slot.
   */
  primaryFor(key: GlideString): string | undefined {
    return this.#map.primary(keySlot(toBytes(key)));
  }

  /**
   * Re-reads the slot map (CLUSTER SHARDS, or CLUSTER SLOTS) from a known node or a seed. Done
   * automatically at creation and after MOVED.
   */
  refreshTopology(): Promise<void> {
    this.#refreshing ??= this.#readTopology().finally(() => this.#refreshing = undefined);
    return this.#refreshing;
  }

  /**
   * Runs a script by hash on the primary of its first key's slot (a random primary without
   * keys); after NOSCRIPT the script is loaded on every node, then re-run (GL-5, GL-8, GL-9).
   * Keys in different slots get the server's CROSSSLOT error, unchanged.
   *
   * @param script The script.
   * @param options Keys, arguments, decoder.
   * @returns The decoded reply; error replies are thrown as RequestError.
   */
  async invokeScript(script: Script, options: ScriptOptions = {}): Promise<ClientValue> {
    const argv = evalshaArgv(script, options.keys, options.args);
    const reply = await invokeWithFallback(
      argv,
      script,
      (a) => this.#route(a, routeCommand(a)),
      (a) => this.#route(a, { kind: "allNodes", policy: "allSucceeded" }),
    );
    return valueOrThrow(reply, options.decoder ?? this.#decoder);
  }

  /**
   * Runs a script by hash, without keys, on a route (GL-10): one node → its value; all primaries
   * or all nodes → `{ "host:port": value }`.
   *
   * @param script The script.
   * @param options Arguments, route (default: a random node), decoder.
   * @returns The value or the per-node record.
   */
  async invokeScriptWithRoute(
    script: Script,
    options: ScriptRouteOptions = {},
  ): Promise<ClusterValue> {
    const argv = evalshaArgv(script, [], options.args);
    const route = options.route ?? "randomNode";
    const reply = await invokeWithFallback(
      argv,
      script,
      (a) => this.#routeExplicit(a, route),
      (a) => this.#route(a, { kind: "allNodes", policy: "allSucceeded" }),
    );
    return valueOrThrow(reply, options.decoder ?? this.#decoder);
  }

  /**
   * SCRIPT EXISTS, on every primary by default; a hash counts as cached only when every node asked
   * has it (logical AND).
   *
   * @param sha1s Hashes.
   * @param options Route.
   * @returns One boolean per hash.
   */
  async scriptExists(sha1s: readonly string[], options: RouteOption = {}): Promise<boolean[]> {
    const reply = await this.#command(["SCRIPT", "EXISTS", ...sha1s], options.route);
    return existsFlags(reply);
  }

  /**
   * SCRIPT FLUSH, on every node by default (all must succeed).
   *
   * @param mode SYNC or ASYNC.
   * @param options Route.
   * @returns `"OK"`.
   */
  async scriptFlush(mode?: FlushMode, options: RouteOption = {}): Promise<"OK"> {
    const argv = mode === undefined ? ["SCRIPT", "FLUSH"] : ["SCRIPT", "FLUSH", mode];
    await this.#command(argv, options.route);
    return "OK";
  }

  /**
   * SCRIPT KILL, on every node by default (one success suffices; NOTBUSY is thrown otherwise).
   *
   * @param options Route.
   * @returns `"OK"`.
   */
  async scriptKill(options: RouteOption = {}): Promise<"OK"> {
    await this.#command(["SCRIPT", "KILL"], options.route);
    return "OK";
  }

  /**
   * SCRIPT SHOW (Valkey 8), on a random node by default.
   *
   * @param sha1 The hash.
   * @param options Route, decoder.
   * @returns The source.
   */
  async scriptShow(
    sha1: string,
    options: RouteOption & DecoderOption = {},
  ): Promise<string | Uint8Array> {
    const reply = await this.#command(["SCRIPT", "SHOW", sha1], options.route);
    return valueOrThrow(reply, options.decoder ?? this.#decoder) as string | Uint8Array;
  }

  /**
   * Sends any command: routed by its first key (or GLIDE's routing for keyless and multi-node
   * commands) unless a route is given. Multi-node routes without a response policy return
   * `{ "host:port": value }`.
   *
   * @param args The command.
   * @param options Route, decoder.
   * @returns The decoded reply; error replies are thrown as RequestError.
   */
  async customCommand(
    args: readonly GlideString[],
    options: RouteOption & DecoderOption = {},
  ): Promise<ClusterValue> {
    if (args.length === 0) throw new TypeError("customCommand needs at least the command name");
    const argv = args.map(toBytes);
    const reply = options.route === undefined
      ? await this.#route(argv, routeCommand(argv))
      : await this.#routeExplicit(argv, options.route);
    return valueOrThrow(reply, options.decoder ?? this.#decoder);
  }

  /**
   * GET.
   *
   * @param key The key.
   * @param options Decoder.
   * @returns The value, or null.
   */
  async get(key: GlideString, options: DecoderOption = {}): Promise<string | Uint8Array | null> {
    return await this.customCommand(["GET", key], options) as string | Uint8Array | null;
  }

  /**
   * SET.
   *
   * @param key The key.
   * @param value The value.
   * @returns `"OK"`.
   */
  async set(key: GlideString, value: GlideString): Promise<"OK"> {
    await this.customCommand(["SET", key, value]);
    return "OK";
  }

  /**
   * DEL, split by slot when the keys are in several slots.
   *
   * @param keys The keys.
   * @returns How many keys were removed.
   */
  async del(keys: readonly GlideString[]): Promise<number> {
    return Number(await this.customCommand(["DEL", ...keys]));
  }

  /**
   * Sends a batch. Atomic: every command with a key must hash to one slot (else a CROSSSLOT
   * RequestError is thrown before anything is sent, as GLIDE does); the batch goes to that slot's
   * primary, following MOVED / ASK. Pipeline: each command goes to its own node, results in order.
   *
   * @param batch The batch.
   * @param options raiseOnError, route, decoder.
   * @returns One value per command, or null when a WATCHed key changed.
   */
  async exec(batch: Batch, options: ClusterExecOptions): Promise<ClientValue[] | null> {
    const entries = batchEntries(batch);
    const decoder = options.decoder ?? this.#decoder;
    if (entries.length === 0) return [];
    if (batch.isAtomic) {
      const replies = await this.#execAtomic(entries, options.route);
      return replies === null ? null : batchValues(replies, options.raiseOnError, decoder);
    }
    const replies = await this.#execPipeline(entries, options.route);
    return batchValues(replies, options.raiseOnError, decoder);
  }

  /** Closes every node connection. */
  async close(): Promise<void> {
    this.#closed = true;
    const nodes = [...this.#nodes.values()];
    this.#nodes.clear();
    await Promise.allSettled(nodes.map(async (n) => (await n).close()));
  }

  // ---- routing ----

  /** Sends with the explicit route, else the default one; an error reply is thrown. */
  async #command(argv: Argv, route: Routes | undefined): Promise<Reply> {
    const reply = route === undefined
      ? await this.#route(argv, routeCommand(argv))
      : await this.#routeExplicit(argv, route);
    if (reply.type === "error") throw replyError(reply);
    return reply;
  }

  /** Sends with the command's default routing. */
  #route(argv: Argv, routing: CommandRouting): Promise<Reply> {
    switch (routing.kind) {
      case "slot":
        return this.#request(() => this.#map.primary(routing.slot), argv, routing.slot);
      case "random":
        return this.#request(() => this.#randomPrimary(), argv);
      case "allPrimaries":
        return this.#fanOut(this.#map.primaries(), argv, routing.policy);
      case "allNodes":
        return this.#fanOut(this.#map.nodes(), argv, routing.policy);
      case "multiSlot":
        return this.#multiSlot(argv, routing.pattern, routing.policy);
    }
  }

  /** Sends to an explicit route (GL-11). */
  #routeExplicit(argv: Argv, route: Routes): Promise<Reply> {
    if (route === "allPrimaries") {
      return this.#fanOut(this.#map.primaries(), argv, responsePolicy(argv));
    }
    if (route === "allNodes") return this.#fanOut(this.#map.nodes(), argv, responsePolicy(argv));
    return this.#requestSingle(argv, route);
  }

  #requestSingle(argv: Argv, route: SingleNodeRoute): Promise<Reply> {
    if (route === "randomNode") return this.#request(() => this.#randomPrimary(), argv);
    switch (route.type) {
      case "primarySlotKey":
      case "replicaSlotKey": {
        const slot = keySlot(toBytes(route.key));
        return route.type === "primarySlotKey"
          ? this.#request(() => this.#map.primary(slot), argv, slot)
          : this.#request(() => this.#map.replica(slot), argv, slot);
      }
      case "primarySlotId":
      case "replicaSlotId": {
        const slot = route.id;
        if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) {
          throw new RangeError(`slot id ${slot} is not in 0..16383`);
        }
        return route.type === "primarySlotId"
          ? this.#request(() => this.#map.primary(slot), argv, slot)
          : this.#request(() => this.#map.replica(slot), argv, slot);
      }
      case "routeByAddress": {
        const address = route.port === undefined
          ? route.host
          : formatAddress(route.host, route.port);
        if (!/:[0-9]+$/.test(address)) {
          throw new TypeError(`routeByAddress needs a port: '${route.host}'`);
        }
        return this.#request(() => address, argv);
      }
    }
  }

  /**
   * Sends one command to one node, following MOVED (the slot map is corrected and refreshed) and
   * ASK (ASKING then the command, on the same connection), and retrying TRYAGAIN.
   */
  async #request(
    target: () => string | undefined,
    argv: Argv,
    slot?: number,
  ): Promise<Reply> {
    let address = target();
    if (address === undefined) {
      await this.refreshTopology();
      address = target();
      if (address === undefined) {
        throw new ConnectionError(`no node serves slot ${slot ?? "?"} (is the cluster up?)`);
      }
    }
    let asking = false;
    for (let attempt = 0;; attempt++) {
      let replies: Reply[];
      try {
        const node = await this.#connection(address);
        replies = await node.send(asking ? [["ASKING"], argv] : [argv]);
      } catch (e) {
        // The node may be gone (failover, removal): let the next request use a fresh map.
        if (e instanceof ConnectionError) this.refreshTopology().catch(() => {});
        throw e;
      }
      const reply = replies[replies.length - 1];
      const code = errorCode(reply);
      if (attempt >= MAX_REDIRECTS) return reply;
      if (code === "MOVED" || code === "ASK") {
        const redirect = parseRedirect(reply, address);
        if (redirect === undefined) return reply;
        this.#redirected(code, redirect, address, argv);
        address = redirect.address;
        asking = code === "ASK";
        continue;
      }
      if (code === "TRYAGAIN") {
        await delay(20 * (attempt + 1));
        asking = false;
        continue;
      }
      return reply;
    }
  }

  #redirected(
    kind: "MOVED" | "ASK",
    redirect: { slot: number; address: string },
    from: string,
    argv: Argv,
  ): void {
    if (kind === "MOVED") {
      this.#map.move(redirect.slot, redirect.address);
      // The slot moved, so others may have too: re-read the whole map in the background.
      this.refreshTopology().catch(() => {});
    }
    this.#options.onRedirect?.({
      kind,
      slot: redirect.slot,
      from,
      to: redirect.address,
      command: argv[0].toUpperCase(),
    });
  }

  /** Sends to several nodes at once and combines their replies. */
  async #fanOut(
    addresses: readonly string[],
    argv: Argv,
    policy: ResponsePolicy | undefined,
  ): Promise<Reply> {
    if (addresses.length === 0) {
      await this.refreshTopology();
      addresses = this.#map.nodes();
      if (addresses.length === 0) throw new ConnectionError("no cluster node is known");
    }
    const replies: NodeReply[] = await Promise.all(addresses.map(async (address) => {
      const [reply] = await (await this.#connection(address)).send([argv]);
      return { address, reply };
    }));
    return combineReplies(replies, policy);
  }

  /** Multi-key commands across slots (MGET, DEL, EXISTS, MSET…): one sub-command per slot. */
  async #multiSlot(
    argv: Argv,
    pattern: "keys" | "keyValuePairs",
    policy: ResponsePolicy | undefined,
  ): Promise<Reply> {
    const step = pattern === "keys" ? 1 : 2;
    const groups = new Map<number, number[]>(); // slot → indexes of its keys in argv
    for (let i = 1; i < argv.length; i += step) {
      const slot = keySlot(argv[i]);
      const list = groups.get(slot);
      if (list === undefined) groups.set(slot, [i]);
      else list.push(i);
    }
    if (groups.size === 1) {
      const [slot] = groups.keys();
      return this.#request(() => this.#map.primary(slot), argv, slot);
    }
    const parts = [...groups].map(([slot, indexes]) => {
      const sub: Bytes[] = [argv[0]];
      for (const i of indexes) sub.push(...argv.slice(i, i + step));
      return { slot, indexes, sub };
    });
    const replies = await Promise.all(
      parts.map((p) => this.#request(() => this.#map.primary(p.slot), p.sub, p.slot)),
    );
    if (policy === "combineArrays") {
      // MGET: values back in the order of the keys.
      const error = replies.find((r) => r.type === "error");
      if (error !== undefined) return error;
      const out: Reply[] = new Array((argv.length - 1) / step);
      parts.forEach((p, n) => {
        const r = replies[n];
        if (r.type !== "array") return;
        p.indexes.forEach((argIndex, k) => out[(argIndex - 1) / step] = r.value[k]);
      });
      return { type: "array", value: out };
    }
    return combineReplies(
      parts.map((p, n) => ({ address: String(p.slot), reply: replies[n] })),
      policy,
    );
  }

  // ---- batches ----

  async #execAtomic(
    entries: readonly BatchEntry[],
    route: SingleNodeRoute | undefined,
  ): Promise<readonly Reply[] | null> {
    let slot: number | undefined;
    for (const e of entries) {
      for (const s of entrySlots(e.argv)) {
        if (slot === undefined) slot = s;
        else if (s !== slot) throw new RequestError(CROSSSLOT_BATCH);
      }
    }
    const pick = () =>
      route !== undefined
        ? this.#singleAddress(route)
        : slot === undefined
        ? this.#randomPrimary()
        : this.#map.primary(slot);
    let address = pick();
    if (address === undefined) {
      await this.refreshTopology();
      address = pick();
      if (address === undefined) throw new ConnectionError(`no node serves slot ${slot}`);
    }
    let asking = false;
    for (let attempt = 0;; attempt++) {
      const outcome = await runBatch(await this.#connection(address), entries, true, asking);
      if (outcome.kind === "watchFailed") return null;
      if (outcome.kind === "replies") return outcome.replies;
      // Queued commands answered MOVED / ASK: the whole transaction goes to the right node.
      const redirect = outcome.queued.find((r) => {
        const c = errorCode(r);
        return c === "MOVED" || c === "ASK";
      });
      const parsed: { slot: number; address: string } | undefined = redirect === undefined
        ? undefined
        : parseRedirect(redirect, address);
      if (parsed === undefined || attempt >= MAX_REDIRECTS) throw abortError(outcome.error);
      const kind = errorCode(redirect!) as "MOVED" | "ASK";
      this.#redirected(kind, parsed, address, ["MULTI"]);
      address = parsed.address;
      asking = kind === "ASK";
    }
  }

  async #execPipeline(
    entries: readonly BatchEntry[],
    route: SingleNodeRoute | undefined,
  ): Promise<Reply[]> {
    const results: Reply[] = new Array(entries.length);
    const groups = new Map<string, number[]>();
    const fanOuts: Promise<void>[] = [];
    const fixedAddress = route === undefined ? undefined : this.#singleAddress(route);
    const random = this.#randomPrimary();
    entries.forEach((e, i) => {
      const routing = routeCommand(e.argv);
      let address = fixedAddress;
      if (address === undefined) {
        if (routing.kind === "slot") address = this.#map.primary(routing.slot);
        else if (routing.kind === "random") address = random;
      }
      if (address === undefined) {
        // Multi-node or multi-slot commands run on their own, beside the pipelines.
        fanOuts.push(this.#route(e.argv, routing).then((r) => void (results[i] = r)));
        return;
      }
      const list = groups.get(address);
      if (list === undefined) groups.set(address, [i]);
      else list.push(i);
    });
    await Promise.all([
      ...fanOuts,
      ...[...groups].map(async ([address, indexes]) => {
        const node = await this.#connection(address);
        const outcome = await runBatch(node, indexes.map((i) => entries[i]), false);
        if (outcome.kind !== "replies") throw new ConnectionError("unexpected pipeline outcome");
        await Promise.all(indexes.map(async (entryIndex, k) => {
          let reply = outcome.replies[k];
          const code = errorCode(reply);
          if (code === "MOVED" || code === "ASK") {
            // Re-sent alone, following the redirect (order within the pipeline is then lost).
            const argv = entries[entryIndex].argv;
            const routing = routeCommand(argv);
            reply = routing.kind === "slot"
              ? await this.#request(() => address, argv, routing.slot)
              : reply;
          }
          results[entryIndex] = reply;
        }));
      }),
    ]);
    return results;
  }

  #singleAddress(route: SingleNodeRoute): string | undefined {
    if (route === "randomNode") return this.#randomPrimary();
    switch (route.type) {
      case "primarySlotKey":
        return this.#map.primary(keySlot(toBytes(route.key)));
      case "replicaSlotKey":
        return this.#map.replica(keySlot(toBytes(route.key)));
      case "primarySlotId":
        return this.#map.primary(route.id);
      case "replicaSlotId":
        return this.#map.replica(route.id);
      case "routeByAddress":
        return route.port === undefined ? route.host : formatAddress(route.host, route.port);
    }
  }

  // ---- connections and topology ----

  #randomPrimary(): string | undefined {
    const primaries = this.#map.primaries();
    return primaries[Math.floor(Math.random() * primaries.length)];
  }

  /** The connection to a node, opened on first use (with the client's handshake). */
  #connection(address: string): Promise<RespTransport> {
    if (this.#closed) return Promise.reject(new ConnectionError("the client is closed"));
    let node = this.#nodes.get(address);
    if (node === undefined) {
      const { host, port } = splitAddress(address);
      const o = this.#options;
      node = RespTransport.connect({
        host,
        port,
        username: o.username,
        password: o.password,
        protocol: o.protocol,
        connectTimeoutMs: o.connectTimeoutMs,
        requestTimeoutMs: o.requestTimeoutMs,
        connector: o.connector,
      });
      // A failed connection is forgotten so that the next use tries again.
      const opening = node;
      opening.catch(() => {
        if (this.#nodes.get(address) === opening) this.#nodes.delete(address);
      });
      this.#nodes.set(address, node);
    }
    return node;
  }

  async #readTopology(): Promise<void> {
    const candidates = [...new Set([...this.#map.primaries(), ...this.#seeds])];
    let lastError: unknown;
    for (const address of candidates) {
      try {
        const node = await this.#connection(address);
        const host = splitAddress(address).host;
        const [shards] = await node.send([["CLUSTER", "SHARDS"]]);
        let ranges = parseClusterShards(shards, host);
        if (ranges === undefined) {
          const [slots] = await node.send([["CLUSTER", "SLOTS"]]);
          if (slots.type === "error") throw replyError(slots);
          ranges = parseClusterSlots(slots, host);
        }
        if (ranges === undefined || ranges.length === 0) {
          throw new ConnectionError(`${address} reported no slots (is the cluster set up?)`);
        }
        this.#map = new SlotMap(ranges);
        return;
      } catch (e) {
        lastError = e;
      }
    }
    throw lastError instanceof Error
      ? lastError
      : new ConnectionError("no seed answered CLUSTER SHARDS / CLUSTER SLOTS");
  }
}

/** The slots an entry's keys hash to (none for keyless and multi-node commands). */
function entrySlots(argv: Argv): number[] {
  const routing = routeCommand(argv);
  if (routing.kind === "slot") return [routing.slot];
  if (routing.kind === "multiSlot") {
    const step = routing.pattern === "keys" ? 1 : 2;
    const slots: number[] = [];
    for (let i = 1; i < argv.length; i += step) slots.push(keySlot(argv[i]));
    return slots;
  }
  return [];
}

/** `MOVED 3999 127.0.0.1:6381` / `ASK …` → slot and address (`:6381` means the same host). */
function parseRedirect(
  reply: Reply,
  from: string,
): { slot: number; address: string } | undefined {
  if (reply.type !== "error") return undefined;
  const parts = reply.value.split(" ");
  if (parts.length < 3 || !/^[0-9]+$/.test(parts[1])) return undefined;
  const target = parts[2];
  const colon = target.lastIndexOf(":");
  if (colon < 0) return undefined;
  const host = target.slice(0, colon);
  const port = Number(target.slice(colon + 1));
  const address = host === "" ? formatAddress(splitAddress(from).host, port) : target;
  return { slot: Number(parts[1]), address };
}

function splitAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(":");
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  return { host, port: Number(address.slice(colon + 1)) };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
