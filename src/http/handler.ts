/**
 * A Hono app that serves an evalkit Server in the Upstash REST dialect, so that the unmodified
 * `@upstash/redis` client (pipelines, transactions, auto-pipelining, `createScript()`) talks to
 * real Valkey Lua in-process — at the edge or in tests.
 *
 * | request | answer |
 * |---|---|
 * | `POST <base>` with `["SET","k","v"]` | `200 {"result":"OK"}` / `400 {"error":"ERR …"}` |
 * | `POST <base>/pipeline` with `[[…],[…]]` | `200 [{"result":…},{"error":"…"}]`, in order |
 * | `POST <base>/multi-exec` with `[[…],[…]]` | the same, run as MULTI/EXEC; EXECABORT → `400 {"error"}` |
 * | `GET <base>/set/k/v?_token=…` | path form: percent-decoded segments, then a POST body (the raw bytes of one last argument), then query parameters as `name value` |
 * | `GET <base>/health` | `200 {"status":"ok","version":…,"valkey_version":…}`, no token needed |
 * | `GET <base>/info` | path form of INFO: `{"result":"# Server…"}` |
 *
 * Headers: `Authorization: Bearer <token>` (or `?_token=`), `Upstash-Encoding: base64` (every
 * string base64, except a top-level `OK`), `Upstash-Response-Format: resp2` (raw RESP2 bytes),
 * `upstash-sync-token` accepted and ignored (one in-process server is always read-your-writes).
 *
 * Each request is its own client session (db 0, RESP2): SELECT lasts until the end of its request
 * (a pipeline or transaction), and MULTI / EXEC / DISCARD / WATCH are refused (use `/multi-exec`).
 * Blocking commands (BLPOP…) answer at once, as if their timeout had elapsed.
 *
 * Busy scripts (spec §14): a script that runs past `busy-reply-threshold` yields to the event
 * loop; its request gets the reply when it ends, while other requests (and RESP clients) get
 * `400 {"error":"BUSY Valkey is busy running a script. …"}`, except the allow_busy commands:
 * `["SCRIPT","KILL"]` stops it (its request then gets `ERR Script killed by user with SCRIPT
 * KILL. …`), `["SHUTDOWN","NOSAVE"]` too. Scripts inside `/multi-exec` run to their end (EXEC is
 * not suspended half-way).
 *
 * @module
 */

import { Hono } from "hono";
import { cors as honoCors } from "hono/cors";
import { routePath } from "hono/route";
import type { Context } from "hono";
import { asciiLower, type Bytes, fromUint8 } from "../bytes.ts";
import {
  ERR_HTTP_BASE64_RESP2,
  ERR_HTTP_BATCH_METHOD,
  ERR_HTTP_EMPTY_COMMAND,
  ERR_HTTP_INVALID_JSON,
  ERR_HTTP_METHOD,
  ERR_HTTP_NOT_A_COMMAND,
  ERR_HTTP_NOT_A_COMMAND_LIST,
  ERR_HTTP_NOT_FOUND,
  ERR_HTTP_RESPONSE_FORMAT,
  errHttpBodyTooLarge,
  errHttpInternal,
  errHttpTransaction,
  HTTP_UNAUTHORIZED,
} from "../errors.ts";
import { ReplyWriter } from "../resp/encode.ts";
import { error, type Reply } from "../resp/reply.ts";
import type { ExecuteOptions, Server } from "../server.ts";
import type { Session } from "../session.ts";
import {
  errorObject,
  parseJson,
  parseQuery,
  percentDecode,
  resultObject,
  toArgv,
  toArgvList,
} from "./json.ts";

/** evalkit's version, reported by `/health`. */
export const EVALKIT_VERSION = "0.1.0";

/** Default of {@link HandlerOptions.maxBodyBytes}: 10 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The request headers `@upstash/redis` sends, allowed by the CORS preflight. */
export const CORS_ALLOW_HEADERS: readonly string[] = [
  "Authorization",
  "Content-Type",
  "Upstash-Encoding",
  "Upstash-Response-Format",
  "Upstash-Sync-Token",
  "Upstash-Telemetry-Runtime",
  "Upstash-Telemetry-Platform",
  "Upstash-Telemetry-Sdk",
  "Upstash-Telemetry-Retry",
];

/** CORS settings (browsers calling the endpoint directly). */
export interface HandlerCorsOptions {
  /** Allowed origin(s): `*` (default), one origin, or a list. */
  readonly origin?: string | readonly string[];
  /** Seconds a browser may cache a preflight answer (default 600). */
  readonly maxAge?: number;
}

/** Options of {@link createHandler}. */
export interface HandlerOptions {
  /**
   * Bearer token every request must carry (`Authorization: Bearer <token>` or `?_token=`),
   * compared in constant time; `401 {"error":"Unauthorized"}` otherwise. `/health` and CORS
   * preflights need none. Without a token the endpoint is open: bind it to loopback only.
   * A request with the right token is authenticated for the server's `requirepass` too.
   */
  readonly token?: string;
  /** Path the dialect is served under, e.g. `/redis` (default `/`). */
  readonly basePath?: string;
  /** Largest request body in bytes (default 10 MiB): `413 {"error":…}` beyond it. */
  readonly maxBodyBytes?: number;
  /**
   * CORS for browsers: false (default: no CORS headers, OPTIONS is 405), true (any origin), or
   * settings. The preflight allows GET, HEAD, POST, PUT and {@link CORS_ALLOW_HEADERS}.
   */
  readonly cors?: boolean | HandlerCorsOptions;
  /**
   * Hard time limit, in milliseconds, for the scripts of one request (edge CPU budgets): every
   * script of the request (EVAL, EVALSHA, in a pipeline or transaction too) shares the budget,
   * counted from when its body has been read. A script past it is aborted with `ERR Script
   * exceeded the time limit of <n> ms and was aborted (…).` (`<n>`: what was left of the budget
   * when it started; the text says whether it had written; writes it made stay). Default: none.
   */
  readonly scriptTimeLimitMs?: number;
}

/** Commands that only make sense across requests of one connection. */
const TRANSACTION_COMMANDS = new Set(["multi", "exec", "discard", "watch"]);

type Batch = "pipeline" | "multi-exec";

/** How one request wants its answer. */
interface Format {
  readonly base64: boolean;
  readonly resp2: boolean;
}

/**
 * Creates a Hono app that serves `server` in the Upstash REST dialect.
 *
 * @param server The server to expose (shared by every request).
 * @param options Token, base path, body limit, CORS, script time limit.
 * @returns A Hono app: `app.fetch(request)` for any runtime, `app.request(path)` in tests.
 * @example Serve on Deno with a token
 * ```ts ignore
 * import { createServer } from "@evalkit/evalkit";
 * import { createHandler } from "@evalkit/evalkit/http";
 * const app = createHandler(await createServer(), { token: "secret" });
 * Deno.serve({ hostname: "127.0.0.1", port: 8080 }, app.fetch);
 * ```
 * @example Answer a command without a network
 * ```ts
 * import { createServer } from "../../mod.ts";
 * import { createHandler } from "./handler.ts";
 * const app = createHandler(await createServer());
 * const res = await app.request("/", { method: "POST", body: '["SET","k","v"]' });
 * console.assert((await res.json()).result === "OK");
 * ```
 */
export function createHandler(server: Server, options: HandlerOptions = {}): Hono {
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!(maxBody >= 0)) throw new RangeError("maxBodyBytes must be a non-negative number");
  const limit = options.scriptTimeLimitMs;
  if (limit !== undefined && !(limit >= 0)) {
    throw new RangeError("scriptTimeLimitMs must be a non-negative number");
  }
  const token = options.token;
  const base = normalizeBase(options.basePath ?? "/");
  const corsOn = options.cors !== undefined && options.cors !== false;

  const app = base === "/" ? new Hono() : new Hono().basePath(base);
  // Clients parse every answer as JSON: keep failures JSON too.
  app.notFound((c) => json(c, errorObject(ERR_HTTP_NOT_FOUND), 404));
  app.onError((e, c) => {
    server.log(3, `HTTP handler: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    return json(c, errorObject(errHttpInternal(e)), 500);
  });

  app.use("*", async (c, next) => {
    const m = c.req.method;
    if (m === "GET" || m === "HEAD" || m === "POST" || m === "PUT" || (m === "OPTIONS" && corsOn)) {
      return await next();
    }
    return json(c, errorObject(ERR_HTTP_METHOD), 405);
  });
  if (corsOn) {
    const o = options.cors === true ? {} : options.cors as HandlerCorsOptions;
    const origin = o.origin ?? "*";
    app.use(
      "*",
      honoCors({
        origin: typeof origin === "string" ? origin : [...origin],
        allowMethods: ["GET", "HEAD", "POST", "PUT"],
        allowHeaders: [...CORS_ALLOW_HEADERS],
        maxAge: o.maxAge ?? 600,
      }),
    );
  }

  app.get("/health", (c) =>
    c.json({
      status: "ok",
      version: EVALKIT_VERSION,
      valkey_version: server.options.version,
    }));

  if (token !== undefined) {
    app.use("*", async (c, next) => {
      if (authorized(c, token)) return await next();
      c.header("WWW-Authenticate", "Bearer");
      return json(c, errorObject(HTTP_UNAUTHORIZED), 401);
    });
  }

  /** Opens the request's session; the caller closes it. */
  const open = (): Session => {
    const session = server.createSession();
    // The bearer token is this transport's AUTH.
    if (token !== undefined) session.authenticated = true;
    return session;
  };
  /** When the script budget of a request whose body has just been read runs out. */
  const deadline = (): number => limit === undefined ? Infinity : performance.now() + limit;

  const batch = (kind: Batch) => async (c: Context) => {
    const format = responseFormat(c, kind);
    if (typeof format === "string") return json(c, errorObject(format), 400);
    const body = await readBody(c.req.raw, maxBody);
    if (body === undefined) return json(c, errorObject(errHttpBodyTooLarge(maxBody)), 413);
    const parsed = parseJson(utf8.decode(body));
    if (parsed === undefined) return json(c, errorObject(ERR_HTTP_INVALID_JSON), 400);
    const commands = toArgvList(parsed.value);
    if (commands === undefined) return json(c, errorObject(ERR_HTTP_NOT_A_COMMAND_LIST), 400);
    const session = open();
    const until = deadline();
    try {
      if (kind === "pipeline") {
        const replies: Reply[] = [];
        for (const argv of commands) replies.push(await execute(server, session, argv, until));
        if (format.resp2) return resp2(c, replies, 200);
        return json(c, `[${replies.map((r) => resultObject(r, format.base64)).join(",")}]`, 200);
      }
      // A refused command discards the whole transaction, like a command MULTI cannot queue.
      for (const argv of commands) {
        const name = asciiLower(argv[0]);
        if (TRANSACTION_COMMANDS.has(name)) {
          return json(c, errorObject(errHttpTransaction(name)), 400);
        }
      }
      const reply = transaction(server, session, commands, until);
      if (reply.type === "error") return json(c, errorObject(reply.value), 400);
      // EXEC answers an array here (no WATCH can make it null).
      const items = reply.type === "array" ? reply.value : [reply];
      return json(c, `[${items.map((r) => resultObject(r, format.base64)).join(",")}]`, 200);
    } finally {
      server.closeSession(session);
    }
  };

  const batchMethod = (c: Context) => json(c, errorObject(ERR_HTTP_BATCH_METHOD), 405);
  app.on(["POST", "PUT"], "/pipeline", batch("pipeline"));
  app.on(["POST", "PUT"], "/multi-exec", batch("multi-exec"));
  app.get("/pipeline", batchMethod);
  app.get("/multi-exec", batchMethod);

  app.on(["POST", "PUT"], "/", async (c) => {
    const format = responseFormat(c, undefined);
    if (typeof format === "string") return json(c, errorObject(format), 400);
    const body = await readBody(c.req.raw, maxBody);
    if (body === undefined) return json(c, errorObject(errHttpBodyTooLarge(maxBody)), 413);
    const parsed = parseJson(utf8.decode(body));
    if (parsed === undefined) return json(c, errorObject(ERR_HTTP_INVALID_JSON), 400);
    const argv = toArgv(parsed.value);
    if (argv === undefined) return json(c, errorObject(ERR_HTTP_NOT_A_COMMAND), 400);
    return single(c, argv, format);
  });

  app.on(["GET", "POST", "PUT"], "/*", async (c) => {
    const format = responseFormat(c, undefined);
    if (typeof format === "string") return json(c, errorObject(format), 400);
    const { segments, query } = rawPathAndQuery(c);
    const argv = segments.map((s) => percentDecode(s, false));
    if (c.req.method !== "GET") {
      const body = await readBody(c.req.raw, maxBody);
      if (body === undefined) return json(c, errorObject(errHttpBodyTooLarge(maxBody)), 413);
      // Upstash: the body is one last argument, as raw bytes (binary values go here).
      if (body.length > 0) argv.push(fromUint8(body));
    }
    for (const [name, value] of parseQuery(query)) {
      if (name === "_token") continue;
      argv.push(name);
      if (value !== "") argv.push(value);
    }
    if (argv.length === 0) return json(c, errorObject(ERR_HTTP_EMPTY_COMMAND), 400);
    return single(c, argv, format);
  });

  /** Runs one command in its own session and answers it. */
  const single = async (c: Context, argv: Bytes[], format: Format): Promise<Response> => {
    const session = open();
    let reply: Reply;
    try {
      reply = await execute(server, session, argv, deadline());
    } finally {
      server.closeSession(session);
    }
    if (format.resp2) return resp2(c, [reply], reply.type === "error" ? 400 : 200);
    if (reply.type === "error") return json(c, errorObject(reply.value), 400);
    return json(c, resultObject(reply, format.base64), 200);
  };

  return app;
}

const utf8 = new TextDecoder("utf-8");

/** What is left of a request's script budget, as execute() options. */
function budget(deadline: number): ExecuteOptions | undefined {
  if (deadline === Infinity) return undefined;
  return { scriptTimeLimitMs: Math.max(0, deadline - performance.now()) };
}

/**
 * Runs one plain command (outside MULTI). The one place a request reaches the server: a script
 * past busy-reply-threshold is suspended (Server.executeAsync) and this awaits its reply, while
 * other requests get BUSY or run SCRIPT KILL.
 */
function execute(
  server: Server,
  session: Session,
  argv: Bytes[],
  deadline: number,
): Promise<Reply> {
  const name = asciiLower(argv[0]);
  if (TRANSACTION_COMMANDS.has(name)) return Promise.resolve(error(errHttpTransaction(name)));
  return server.executeAsync(session, argv, budget(deadline));
}

/** MULTI, the commands, EXEC — synchronously, so nothing can interleave. */
function transaction(
  server: Server,
  session: Session,
  commands: Bytes[][],
  deadline: number,
): Reply {
  const multi = server.execute(session, ["MULTI"]);
  if (multi.type === "error") return multi;
  // Queueing errors (unknown command, arity…) make EXEC answer EXECABORT, as in Valkey.
  for (const argv of commands) server.execute(session, argv);
  return server.execute(session, ["EXEC"], budget(deadline));
}

/** Reads the `Upstash-Encoding` and `Upstash-Response-Format` headers; a string is an error. */
function responseFormat(c: Context, batch: Batch | undefined): Format | string {
  const base64 = (c.req.header("upstash-encoding") ?? "").toLowerCase() === "base64";
  const f = (c.req.header("upstash-response-format") ?? "json").toLowerCase();
  if (f === "json") return { base64, resp2: false };
  if (f !== "resp2" || batch === "multi-exec") return ERR_HTTP_RESPONSE_FORMAT;
  if (base64) return ERR_HTTP_BASE64_RESP2;
  return { base64: false, resp2: true };
}

function json(
  c: Context,
  body: string,
  status: 200 | 400 | 401 | 404 | 405 | 413 | 500,
): Response {
  return c.body(body, status, { "Content-Type": "application/json" });
}

/** Replies back to back as RESP2 bytes (`Upstash-Response-Format: resp2`). */
function resp2(c: Context, replies: readonly Reply[], status: 200 | 400): Response {
  const w = new ReplyWriter();
  for (const r of replies) w.write(r, 2);
  return c.body(w.take() as Uint8Array<ArrayBuffer>, status, {
    "Content-Type": "application/octet-stream",
  });
}

/** `Authorization: Bearer <token>` or `?_token=<token>`, compared in constant time. */
function authorized(c: Context, token: string): boolean {
  const header = c.req.header("authorization");
  if (header !== undefined) {
    const m = /^\s*bearer\s+(.*?)\s*$/i.exec(header);
    if (m !== null && timingSafeEqual(m[1], token)) return true;
  }
  const q = c.req.query("_token");
  return q !== undefined && timingSafeEqual(q, token);
}

/**
 * String equality whose time depends only on the expected string's length, not on where the
 * first difference is (a token guessed byte by byte).
 */
export function timingSafeEqual(given: string, expected: string): boolean {
  let diff = given.length === expected.length ? 0 : 1;
  for (let i = 0; i < expected.length; i++) {
    diff |= (i < given.length ? given.charCodeAt(i) : 0) ^ expected.charCodeAt(i);
  }
  return diff === 0;
}

/**
 * Reads a request body up to `max` bytes.
 *
 * @returns The bytes, or undefined when the body is larger than `max`.
 */
async function readBody(req: Request, max: number): Promise<Uint8Array | undefined> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > max) return undefined;
  if (req.body === null) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let o = 0;
  for (const chunk of chunks) {
    out.set(chunk, o);
    o += chunk.length;
  }
  return out;
}

/** `/redis/` → `/redis`; `` → `/`. */
function normalizeBase(base: string): string {
  let b = base.startsWith("/") ? base : `/${base}`;
  while (b.length > 1 && b.endsWith("/")) b = b.slice(0, -1);
  return b;
}

/**
 * The still percent-encoded path segments after the app's mount point, and the raw query. The
 * mount point is the matched route minus its `/*` (it includes `basePath` and the prefix of a
 * parent app that mounted this one with `route()`).
 */
function rawPathAndQuery(c: Context): { segments: string[]; query: string } {
  const url = c.req.url;
  const start = url.indexOf("/", url.indexOf(":") + 3);
  let end = url.length;
  const hash = url.indexOf("#", start);
  if (hash >= 0) end = hash;
  const q = url.indexOf("?", start);
  let query = "";
  if (q >= 0 && q < end) {
    query = url.slice(q + 1, end);
    end = q;
  }
  const path = start < 0 ? "/" : url.slice(start, end);
  const all = path.split("/").slice(1);
  const mount = routePath(c).split("/").filter((s) => s !== "" && s !== "*").length;
  const segments = all.slice(mount);
  // A trailing slash adds no argument (`/info/` is INFO).
  if (segments.length > 0 && segments[segments.length - 1] === "") segments.pop();
  return { segments, query };
}
