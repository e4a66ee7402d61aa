/**
 * Cluster topology: which node serves which slot, read from CLUSTER SHARDS (Redis 7+, Valkey) or
 * CLUSTER SLOTS (older servers), in either protocol.
 *
 * @module
 */

import { toUtf8 } from "../bytes.ts";
import type { Reply } from "../resp/reply.ts";
import { SLOT_COUNT } from "./slot.ts";
import { formatAddress } from "./transports/resp.ts";

/** A range of slots and the nodes serving it. */
export interface SlotRange {
  readonly start: number;
  readonly end: number;
  /** `host:port` of the primary. */
  readonly primary: string;
  /** `host:port` of each healthy replica. */
  readonly replicas: readonly string[];
}

/** Slot → node lookups over a list of ranges, with MOVED corrections on top. */
export class SlotMap {
  readonly ranges: readonly SlotRange[];
  readonly #owner: (SlotRange | undefined)[] = new Array(SLOT_COUNT);
  readonly #moved = new Map<number, string>();

  /** @param ranges Ranges from {@link parseClusterShards} or {@link parseClusterSlots}. */
  constructor(ranges: readonly SlotRange[]) {
    this.ranges = [...ranges].sort((a, b) => a.start - b.start);
    for (const r of this.ranges) {
      for (let s = r.start; s <= r.end && s < SLOT_COUNT; s++) this.#owner[s] = r;
    }
  }

  /** The primary serving `slot`, or undefined when no node does. */
  primary(slot: number): string | undefined {
    return this.#moved.get(slot) ?? this.#owner[slot]?.primary;
  }

  /** A replica of `slot` when there is one, else its primary. */
  replica(slot: number): string | undefined {
    if (this.#moved.has(slot)) return this.#moved.get(slot);
    const r = this.#owner[slot];
    if (r === undefined) return undefined;
    return r.replicas.length === 0
      ? r.primary
      : r.replicas[Math.floor(Math.random() * r.replicas.length)];
  }

  /** Records a MOVED answer until the next refresh. */
  move(slot: number, address: string): void {
    this.#moved.set(slot, address);
  }

  /** Every primary, in slot order, without duplicates. */
  primaries(): string[] {
    return unique([...this.ranges.map((r) => r.primary), ...this.#moved.values()]);
  }

  /** Every node (primaries, then replicas). */
  nodes(): string[] {
    return unique([...this.primaries(), ...this.ranges.flatMap((r) => r.replicas)]);
  }
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}

/**
 * Parses CLUSTER SHARDS (RESP3 maps or RESP2 flat arrays).
 *
 * @param reply The reply.
 * @param defaultHost Host to use when a node reports no usable endpoint (`?` or empty): the host
 *   the question was sent to.
 * @returns The slot ranges, or undefined when the reply is not a CLUSTER SHARDS reply.
 */
export function parseClusterShards(reply: Reply, defaultHost: string): SlotRange[] | undefined {
  if (reply.type !== "array") return undefined;
  const out: SlotRange[] = [];
  for (const shard of reply.value) {
    const fields = asFields(shard);
    const slots = fields?.get("slots");
    const nodes = fields?.get("nodes");
    if (slots?.type !== "array" || nodes?.type !== "array") return undefined;
    let primary: string | undefined;
    const replicas: string[] = [];
    for (const node of nodes.value) {
      const f = asFields(node);
      if (f === undefined) return undefined;
      const address = nodeAddress(f, defaultHost);
      if (address === undefined) continue;
      const role = text(f.get("role"));
      if (role === "master" || role === "primary") primary = address;
      else if (text(f.get("health")) === "online") replicas.push(address);
    }
    if (primary === undefined) continue;
    for (let i = 0; i + 1 < slots.value.length; i += 2) {
      const start = number(slots.value[i]);
      const end = number(slots.value[i + 1]);
      if (start === undefined || end === undefined) return undefined;
      out.push({ start, end, primary, replicas });
    }
  }
  return out;
}

/**
 * Parses CLUSTER SLOTS.
 *
 * @param reply The reply.
 * @param defaultHost Host to use for nodes reported as `?` or empty.
 * @returns The slot ranges, or undefined when the reply is not a CLUSTER SLOTS reply.
 */
export function parseClusterSlots(reply: Reply, defaultHost: string): SlotRange[] | undefined {
  if (reply.type !== "array") return undefined;
  const out: SlotRange[] = [];
  for (const range of reply.value) {
    if (range.type !== "array" || range.value.length < 3) return undefined;
    const start = number(range.value[0]);
    const end = number(range.value[1]);
    const nodes = range.value.slice(2).map((n) => slotsNode(n, defaultHost));
    if (start === undefined || end === undefined || nodes.some((n) => n === undefined)) {
      return undefined;
    }
    const [primary, ...replicas] = nodes as string[];
    out.push({ start, end, primary, replicas });
  }
  return out;
}

function slotsNode(node: Reply, defaultHost: string): string | undefined {
  if (node.type !== "array" || node.value.length < 2) return undefined;
  const port = number(node.value[1]);
  if (port === undefined) return undefined;
  return formatAddress(usableHost(text(node.value[0]), defaultHost), port);
}

function nodeAddress(f: Map<string, Reply>, defaultHost: string): string | undefined {
  const port = number(f.get("port")) ?? number(f.get("tls-port"));
  if (port === undefined) return undefined;
  const endpoint = text(f.get("endpoint"));
  const host = endpoint === undefined || endpoint === "" || endpoint === "?"
    ? text(f.get("ip"))
    : endpoint;
  return formatAddress(usableHost(host, defaultHost), port);
}

function usableHost(host: string | undefined, defaultHost: string): string {
  return host === undefined || host === "" || host === "?" ? defaultHost : host;
}

/** A RESP3 map or a RESP2 flat `[k, v, …]` array as a field map. */
function asFields(reply: Reply): Map<string, Reply> | undefined {
  const m = new Map<string, Reply>();
  if (reply.type === "map") {
    for (const [k, v] of reply.value) {
      const key = text(k);
      if (key !== undefined) m.set(key, v);
    }
    return m;
  }
  if (reply.type !== "array" || reply.value.length % 2 !== 0) return undefined;
  for (let i = 0; i < reply.value.length; i += 2) {
    const key = text(reply.value[i]);
    if (key === undefined) return undefined;
    m.set(key, reply.value[i + 1]);
  }
  return m;
}

function text(reply: Reply | undefined): string | undefined {
  if (reply === undefined) return undefined;
  if (reply.type === "bulk" || reply.type === "status" || reply.type === "verbatim") {
    return toUtf8(reply.value);
  }
  return undefined;
}

function number(reply: Reply | undefined): number | undefined {
  if (reply?.type === "integer") return Number(reply.value);
  const t = text(reply);
  return t !== undefined && /^[0-9]+$/.test(t) ? Number(t) : undefined;
}
