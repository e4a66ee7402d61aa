/**
 * Conformance targets: where the fixtures are replayed.
 *
 * - {@link inProcessTarget}: an evalkit `Server` in this process. Each reply is RESP-encoded for the
 *   session's protocol and decoded again, so the kit sees exactly what a socket would carry.
 * - {@link respTarget} (`resp://host:port`): any RESP server over TCP, with the kit's own codec
 *   (raw RESP2/RESP3, nothing reshaped by a client library).
 * - {@link httpTarget} (`http(s)://…`): a server speaking the Upstash REST dialect (one POST per
 *   command, JSON replies, `Upstash-Encoding: base64`), compared with the types JSON can carry.
 *
 * A target probes what it supports when opened ({@link TargetInfo.capabilities}); fixtures that
 * need something else are skipped with the reason.
 *
 * @module
 */

import { fromUtf8, toUtf8 } from "../src/bytes.ts";
import { jsonToReply, parseAnswerJson } from "../src/http/json_reply.ts";
import { ReplyDecoder } from "../src/resp/decode.ts";
import { encodeReply } from "../src/resp/encode.ts";
import type { Reply } from "../src/resp/reply.ts";
import type { Server } from "../src/server.ts";
import type { ServerOptions } from "../src/options.ts";
import type { Fidelity } from "./compare.ts";
import type { Argv, Capability } from "./fixture.ts";

/** What kind of server a target turned out to be. */
export type Flavor = "valkey" | "redis" | "unknown";

/** What {@link Target.open} found out. */
export interface TargetInfo {
  /** e.g. `resp://127.0.0.1:6379 (redis 7.0.15)`. */
  readonly description: string;
  /** From `INFO server`: `valkey` when it reports a Valkey version, else `redis`. */
  readonly flavor: Flavor;
  readonly version: string;
  readonly capabilities: ReadonlySet<Capability>;
  readonly fidelity: Fidelity;
  /** Why a capability is missing, when a probe found out (shown in reports). */
  readonly notes: Readonly<Partial<Record<Capability, string>>>;
}

/** One client connection of a fixture. */
export interface Connection {
  /** Sends a command (pipelined: the previous reply need not have arrived). */
  send(argv: Argv): void;
  /**
   * The next reply in arrival order, whatever caused it (a command's reply, a MONITOR line).
   * Rejects when the connection fails.
   */
  read(): Promise<Reply>;
  /** Drops the connection (pending reads are rejected). */
  close(): void;
}

/** Sends a command and reads the next reply (nothing else may be unread on the connection). */
export function call(c: Connection, argv: Argv): Promise<Reply> {
  c.send(argv);
  return c.read();
}

/** A server the fixtures run against. */
export interface Target {
  /** `in-process`, `resp://…` or `http://…`. */
  readonly name: string;
  /** Connects and probes. Call once, before anything else. */
  open(): Promise<TargetInfo>;
  /** A new client connection; HELLO 3 is sent first when `resp` is 3. */
  connect(resp: 2 | 3): Promise<Connection>;
  /** Runs a command on the kit's own connection (isolation, CONFIG save/restore). */
  admin(argv: Argv): Promise<Reply>;
  /** Replaces the server by a brand-new one (only with the `fresh` capability). */
  fresh?(): Promise<void>;
  /** Why this command cannot be sent to this target at all, or undefined. */
  unsendable?(argv: Argv): string | undefined;
  /** Closes every connection. */
  close(): Promise<void>;
}

/** Callbacks of an open TCP socket. */
export interface TcpHandlers {
  /** Bytes arrived (the chunk may be reused after the call). */
  data(chunk: Uint8Array): void;
  /** The socket closed; called once. */
  closed(error?: Error): void;
}

/** An open TCP socket. */
export interface TcpSocket {
  write(bytes: Uint8Array): void;
  close(): void;
}

/**
 * Opens a TCP connection. The default is `node:net` (Deno, Bun and Node all provide it), loaded
 * on first use; pass your own on runtimes without it (e.g. Cloudflare's `connect()`).
 */
export type TcpConnector = (
  host: string,
  port: number,
  handlers: TcpHandlers,
) => Promise<TcpSocket>;

// ---------------------------------------------------------------------------------------------
// Shared helpers.

const CRLF = "\r\n";

/** RESP multibulk encoding of a command (byte strings in, bytes out). */
export function encodeCommand(argv: Argv): Uint8Array {
  let head = `*${argv.length}${CRLF}`;
  let size = head.length;
  for (const a of argv) size += `$${a.length}${CRLF}`.length + a.length + 2;
  const out = new Uint8Array(size);
  let o = 0;
  const put = (s: string) => {
    for (let i = 0; i < s.length; i++) out[o++] = s.charCodeAt(i);
  };
  put(head);
  for (const a of argv) {
    head = `$${a.length}${CRLF}`;
    put(head);
    put(a);
    put(CRLF);
  }
  return out;
}

function text(r: Reply): string | undefined {
  return r.type === "bulk" || r.type === "verbatim" || r.type === "status" ? r.value : undefined;
}

function infoField(info: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:(.*)$`, "m").exec(info);
  return m?.[1]?.trim();
}

interface CommonProbe {
  flavor: Flavor;
  version: string;
  caps: Set<Capability>;
  notes: Partial<Record<Capability, string>>;
}

/** Flavor and version from INFO server; config and cluster mode. */
async function probeCommon(admin: (argv: Argv) => Promise<Reply>): Promise<CommonProbe> {
  const caps = new Set<Capability>();
  const notes: Partial<Record<Capability, string>> = {};
  const info = text(await admin(["INFO", "server"])) ?? "";
  const valkey = infoField(info, "valkey_version");
  const redis = infoField(info, "redis_version");
  const flavor: Flavor = valkey !== undefined || infoField(info, "server_name") === "valkey"
    ? "valkey"
    : redis !== undefined
    ? "redis"
    : "unknown";
  const version = valkey ?? redis ?? "unknown";
  const cfg = await admin(["CONFIG", "GET", "maxmemory"]);
  if (cfg.type === "array" || cfg.type === "map") caps.add("config");
  else notes.config = `CONFIG GET maxmemory: ${cfg.type === "error" ? cfg.value : cfg.type}`;
  const cluster = text(await admin(["INFO", "cluster"])) ?? "";
  caps.add(infoField(cluster, "cluster_enabled") === "1" ? "cluster" : "standalone");
  return { flavor, version, caps, notes };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------------------------------------
// In-process.

/** Options of {@link inProcessTarget}. */
export interface InProcessOptions {
  /** Options for each server created (default: none). */
  readonly serverOptions?: ServerOptions;
  /** Creates the server (default: evalkit's `createServer`, imported on first use). */
  readonly createServer?: (options: ServerOptions) => Promise<Server>;
}

class InProcessConnection implements Connection {
  readonly #server: Server;
  readonly #session;
  readonly #decoder = new ReplyDecoder();
  readonly #replies: (Reply | Error)[] = [];
  #closed = false;

  constructor(server: Server) {
    this.#server = server;
    this.#session = server.createSession();
  }

  send(argv: Argv): void {
    if (this.#closed) return;
    try {
      const reply = this.#server.execute(this.#session, argv);
      // Through the wire format and back: RESP2 downgrades and null kinds as a socket has them.
      this.#replies.push(...this.#decoder.feed(encodeReply(reply, this.#session.resp)));
    } catch (e) {
      // A server bug: reported on this command's step, as a dropped connection would be.
      this.#replies.push(new Error(`the server threw ${(e as Error)?.stack ?? e}`));
    }
  }

  read(): Promise<Reply> {
    if (this.#closed) return Promise.reject(new Error("connection closed"));
    const r = this.#replies.shift();
    if (r === undefined) return Promise.reject(new Error("no reply pending"));
    return r instanceof Error ? Promise.reject(r) : Promise.resolve(r);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#server.closeSession(this.#session);
  }
}

/**
 * Runs the fixtures against an evalkit Server in this process.
 *
 * @param options Server options or factory.
 * @returns The target.
 * @example Run the kit in-process
 * ```ts ignore
 * import { inProcessTarget, runConformance } from "@evalkit/evalkit/testkit";
 * const report = await runConformance({ target: inProcessTarget() });
 * ```
 */
export function inProcessTarget(options: InProcessOptions = {}): Target {
  let server: Server | undefined;
  let admin: InProcessConnection | undefined;
  const make = async () => {
    const create = options.createServer ?? (await import("../mod.ts")).createServer;
    server = await create(options.serverOptions ?? {});
    admin = new InProcessConnection(server);
  };
  const need = () => {
    if (server === undefined || admin === undefined) throw new Error("target not open");
    return { server, admin };
  };
  return {
    name: "in-process",
    async open() {
      await make();
      const probe = await probeCommon((argv) => call(need().admin, argv));
      for (const c of ["resp3", "session", "connections", "fresh"] as const) probe.caps.add(c);
      return {
        description: `in-process (${probe.flavor} ${probe.version})`,
        flavor: probe.flavor,
        version: probe.version,
        capabilities: probe.caps,
        fidelity: "resp",
        notes: {
          ...probe.notes,
          busy: "Server.execute() is synchronous: nothing else runs while a script runs",
          monitor: "no MONITOR feed for in-process sessions",
        },
      };
    },
    async connect(resp) {
      const c = new InProcessConnection(need().server);
      if (resp === 3) await hello3(c);
      return c;
    },
    admin: (argv) => call(need().admin, argv),
    fresh: make,
    close() {
      admin?.close();
      server = undefined;
      admin = undefined;
      return Promise.resolve();
    },
  };
}

async function hello3(c: Connection): Promise<void> {
  const r = await call(c, ["HELLO", "3"]);
  if (r.type === "error") {
    c.close();
    throw new Error(`HELLO 3 refused: ${r.value}`);
  }
}

// ---------------------------------------------------------------------------------------------
// RESP over TCP.

class RespConnection implements Connection {
  readonly #decoder = new ReplyDecoder();
  readonly #replies: Reply[] = [];
  readonly #readers: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  #socket: TcpSocket | undefined;
  #failure: Error | undefined;

  static async open(connect: TcpConnector, host: string, port: number): Promise<RespConnection> {
    const c = new RespConnection();
    c.#socket = await connect(host, port, {
      data: (chunk) => c.#data(chunk),
      closed: (e) => c.#fail(e ?? new Error("connection closed by the server")),
    });
    return c;
  }

  send(argv: Argv): void {
    if (this.#failure === undefined) this.#socket!.write(encodeCommand(argv));
  }

  read(): Promise<Reply> {
    const r = this.#replies.shift();
    if (r !== undefined) return Promise.resolve(r);
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => this.#readers.push({ resolve, reject }));
  }

  close(): void {
    this.#fail(new Error("connection closed"));
    this.#socket?.close();
  }

  get closed(): boolean {
    return this.#failure !== undefined;
  }

  #data(chunk: Uint8Array): void {
    let replies: Reply[];
    try {
      replies = this.#decoder.feed(chunk);
    } catch (e) {
      this.#fail(new Error(`malformed RESP from the server: ${(e as Error).message}`));
      this.#socket?.close();
      return;
    }
    for (const r of replies) {
      const reader = this.#readers.shift();
      if (reader === undefined) this.#replies.push(r);
      else reader.resolve(r);
    }
  }

  #fail(e: Error): void {
    this.#failure ??= e;
    for (const w of this.#readers.splice(0)) w.reject(this.#failure);
  }
}

/** Options of {@link respTarget}. */
export interface RespTargetOptions {
  /** TCP connector (default: `node:net`, imported on first use). */
  readonly connect?: TcpConnector;
  /**
   * Probe whether other clients are answered with BUSY while a script runs (costs well under a
   * second on a server that does; on one that does not, the time of a ~3e7-iteration Lua loop).
   * Default true.
   */
  readonly probeBusy?: boolean;
}

/**
 * Parses `resp://host:port` (port default 6379; `[::1]` for IPv6).
 *
 * @param url The URL.
 * @returns Host and port.
 */
export function parseRespUrl(url: string): { host: string; port: number } {
  const m = /^resp:\/\/(\[[^\]]+\]|[^:/]+)(?::([0-9]+))?\/?$/.exec(url);
  if (m === null) throw new TypeError(`not a resp://host:port URL: ${url}`);
  const host = m[1].startsWith("[") ? m[1].slice(1, -1) : m[1];
  const port = m[2] === undefined ? 6379 : Number(m[2]);
  if (port < 1 || port > 65535) throw new RangeError(`bad port in ${url}`);
  return { host, port };
}

/**
 * Runs the fixtures against any RESP server.
 *
 * @param url `resp://host:port`.
 * @param options Connector, probes.
 * @returns The target.
 * @example Against a local server
 * ```ts ignore
 * import { respTarget, runConformance } from "@evalkit/evalkit/testkit";
 * const report = await runConformance({ target: respTarget("resp://127.0.0.1:6379") });
 * ```
 */
export function respTarget(url: string, options: RespTargetOptions = {}): Target {
  const { host, port } = parseRespUrl(url);
  let connector = options.connect;
  let admin: RespConnection | undefined;
  const open = async (): Promise<RespConnection> => {
    connector ??= (await import("./_tcp.ts")).connectNodeNet;
    return await RespConnection.open(connector, host, port);
  };
  const adminSend = async (argv: Argv): Promise<Reply> => {
    if (admin === undefined || admin.closed) admin = await open();
    return await call(admin, argv);
  };
  const target: Target = {
    name: url,
    async open() {
      const probe = await probeCommon(adminSend);
      probe.caps.add("session");
      probe.caps.add("connections");
      try {
        (await target.connect(3)).close();
        probe.caps.add("resp3");
      } catch (e) {
        probe.notes.resp3 = (e as Error).message;
      }
      const mon = await open();
      const r = await call(mon, ["MONITOR"]);
      mon.close();
      if (r.type === "status") probe.caps.add("monitor");
      else probe.notes.monitor = `MONITOR: ${r.type === "error" ? r.value : r.type}`;
      if (options.probeBusy !== false && probe.caps.has("config")) {
        const why = await probeBusy(adminSend, open);
        if (why === undefined) probe.caps.add("busy");
        else probe.notes.busy = why;
      }
      return {
        description: `${url} (${probe.flavor} ${probe.version})`,
        flavor: probe.flavor,
        version: probe.version,
        capabilities: probe.caps,
        fidelity: "resp",
        notes: probe.notes,
      };
    },
    async connect(resp) {
      const c = await open();
      if (resp === 3) await hello3(c);
      return c;
    },
    admin: adminSend,
    close() {
      admin?.close();
      admin = undefined;
      return Promise.resolve();
    },
  };
  return target;
}

const PROBE_LOOP = "local i = 0 while i < 30000000 do i = i + 1 end return i";

/**
 * Does the server answer another client (with BUSY) while a script runs past the threshold?
 * Returns undefined when it does, else why not. Restores busy-reply-threshold.
 */
async function probeBusy(
  admin: (argv: Argv) => Promise<Reply>,
  open: () => Promise<RespConnection>,
): Promise<string | undefined> {
  const saved = await admin(["CONFIG", "GET", "busy-reply-threshold"]);
  const value = saved.type === "array"
    ? text(saved.value[1])
    : saved.type === "map"
    ? text(saved.value[0]?.[1])
    : undefined;
  if (value === undefined) return "CONFIG GET busy-reply-threshold gave nothing";
  const set = await admin(["CONFIG", "SET", "busy-reply-threshold", "20"]);
  if (set.type === "error") return `CONFIG SET busy-reply-threshold: ${set.value}`;
  const a = await open();
  const b = await open();
  try {
    let done = false;
    const looped = call(a, ["EVAL", PROBE_LOOP, "0"]).finally(() => (done = true));
    looped.catch(() => {});
    const deadline = Date.now() + 60_000;
    while (!done && Date.now() < deadline) {
      await sleep(10);
      if (done) break;
      const r = await call(b, ["PING"]);
      if (r.type === "error" && r.value.startsWith("BUSY")) {
        await call(b, ["SCRIPT", "KILL"]);
        await looped.catch(() => {});
        return undefined;
      }
    }
    await looped.catch(() => {});
    return "another client was not answered while a script ran (no BUSY)";
  } finally {
    a.close();
    b.close();
    await admin(["CONFIG", "SET", "busy-reply-threshold", value]);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP (Upstash REST dialect).

/** Options of {@link httpTarget}. */
export interface HttpTargetOptions {
  /** Bearer token (`Authorization: Bearer <token>`). */
  readonly token?: string;
  /** The fetch to use (default: global fetch); e.g. `(req) => app.fetch(req)` for a Hono app. */
  readonly fetch?: (request: Request) => Response | Promise<Response>;
}

/** Each command is one request; replies are read in order. */
class HttpConnection implements Connection {
  readonly #call: (argv: Argv) => Promise<Reply>;
  readonly #replies: Promise<Reply>[] = [];
  constructor(call: (argv: Argv) => Promise<Reply>) {
    this.#call = call;
  }
  send(argv: Argv): void {
    const p = this.#call(argv);
    p.catch(() => {}); // observed by read()
    this.#replies.push(p);
  }
  read(): Promise<Reply> {
    return this.#replies.shift() ?? Promise.reject(new Error("no reply pending"));
  }
  close(): void {}
}

/**
 * Runs the fixtures against a server speaking the Upstash REST dialect: each command is one
 * `POST <url>` with a JSON array body; replies are compared as JSON can type them (a status and a
 * bulk string are both strings, both nulls are null).
 *
 * @param url Base URL, e.g. `http://127.0.0.1:8080`.
 * @param options Token, fetch.
 * @returns The target.
 * @example Against a Hono app in-process
 * ```ts ignore
 * import { httpTarget, runConformance } from "@evalkit/evalkit/testkit";
 * const report = await runConformance({
 *   target: httpTarget("http://evalkit.test", { fetch: (req) => app.fetch(req) }),
 * });
 * ```
 */
export function httpTarget(url: string, options: HttpTargetOptions = {}): Target {
  const doFetch = options.fetch ?? ((req: Request) => fetch(req));
  const base = url.replace(/\/+$/, "");
  const call = async (argv: Argv): Promise<Reply> => {
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "Upstash-Encoding": "base64",
    };
    if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
    const res = await doFetch(
      new Request(base + "/", {
        method: "POST",
        headers,
        body: JSON.stringify(argv.map(toUtf8)),
      }),
    );
    const body = await res.text();
    let json: { result?: unknown; error?: unknown };
    try {
      json = parseAnswerJson(body) as typeof json;
    } catch {
      throw new Error(`HTTP ${res.status}: not JSON: ${body.slice(0, 200)}`);
    }
    if (typeof json === "object" && json !== null && typeof json.error === "string") {
      return { type: "error", value: fromUtf8(json.error) };
    }
    if (typeof json !== "object" || json === null || !("result" in json)) {
      throw new Error(`HTTP ${res.status}: no result: ${body.slice(0, 200)}`);
    }
    return jsonToReply(json.result);
  };
  return {
    name: url,
    async open() {
      const probe = await probeCommon(call);
      return {
        description: `${url} (Upstash REST dialect; ${probe.flavor} ${probe.version})`,
        flavor: probe.flavor,
        version: probe.version,
        capabilities: probe.caps,
        fidelity: "json",
        notes: {
          ...probe.notes,
          resp3: "the Upstash REST dialect has no RESP3",
          session: "each HTTP request is its own session",
          connections: "each HTTP request is its own session",
          busy: "not probed over HTTP",
          monitor: "no MONITOR over HTTP",
        },
      };
    },
    connect: () => Promise.resolve(new HttpConnection(call)),
    admin: call,
    unsendable(argv) {
      // Requests are JSON text: arguments travel UTF-8 encoded, so only valid UTF-8 survives.
      for (const a of argv) {
        if (fromUtf8(toUtf8(a)) !== a) {
          return "an argument is not valid UTF-8 (the Upstash JSON request body cannot carry it)";
        }
      }
      return undefined;
    },
    close: () => Promise.resolve(),
  };
}

/**
 * A target from its command-line spelling: `in-process`, `in-process:cluster` (evalkit with
 * `clusterEnabled`: the cluster fixtures run, the standalone ones are skipped),
 * `resp://host:port` or `http(s)://…`.
 *
 * @param spec The spelling.
 * @param options Token for HTTP.
 * @returns The target.
 */
export function targetFromString(spec: string, options: { token?: string } = {}): Target {
  if (spec === "in-process") return inProcessTarget();
  if (spec === "in-process:cluster") {
    return inProcessTarget({ serverOptions: { clusterEnabled: true } });
  }
  if (spec.startsWith("resp://")) return respTarget(spec);
  if (spec.startsWith("http://") || spec.startsWith("https://")) {
    return httpTarget(spec, { token: options.token });
  }
  throw new TypeError(
    `unknown target ${spec}: use in-process, in-process:cluster, resp://host:port or http(s)://…`,
  );
}
