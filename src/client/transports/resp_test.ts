import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "../../../mod.ts";
import type { ServeHandle } from "../../runtime/_common.ts";
import type { Server } from "../../server.ts";
import { clientSuite } from "../../testing/client_suite.ts";
import {
  findRedisServer,
  type RedisServerHandle,
  startRedisServer,
} from "../../testing/redis_server.ts";
import { ConnectionError, createClient, RequestError, Script, TimeoutError } from "../mod.ts";
import { encodeCommands } from "./resp.ts";

/** evalkit's RESP server for this runtime (Deno.listen or Bun.listen), in this process. */
async function serveEvalkit(server: Server): Promise<ServeHandle> {
  const { serve } = "Deno" in globalThis
    ? await import("../../runtime/deno.ts")
    : await import("../../runtime/bun.ts");
  return await serve(server, { port: 0, hostname: "127.0.0.1" });
}

// Target (b): evalkit's RESP server.
let evalkit: Promise<ServeHandle> | undefined;
clientSuite({
  name: "evalkit RESP",
  connect: async () => {
    evalkit ??= createServer().then(serveEvalkit);
    const { port } = await evalkit;
    return await createClient(`redis://127.0.0.1:${port}`);
  },
  stop: async () => await (await evalkit)?.close(),
  protocol: 3,
  valkey8: true,
  nestedErrors: true,
});

// Target (c): a real redis-server (Debian's 7.0.15).
const NO_REDIS = findRedisServer() === undefined
  ? "redis-server not found (apt-get install redis-server)"
  : undefined;
let redis: Promise<RedisServerHandle> | undefined;
clientSuite({
  name: "redis-server",
  skip: NO_REDIS,
  connect: async () => {
    redis ??= startRedisServer();
    const { port } = await redis;
    return await createClient(`redis://127.0.0.1:${port}`);
  },
  stop: async () => await (await redis)?.stop(),
  protocol: 3,
  valkey8: false,
  nestedErrors: true,
});

// Handshake and connection behavior, against real servers started per test.
const started: RedisServerHandle[] = [];
after(async () => {
  await Promise.all(started.map((s) => s.stop()));
});
async function redisWith(...args: string[]): Promise<RedisServerHandle> {
  const handle = await startRedisServer({ args });
  started.push(handle);
  return handle;
}
const withRedis = NO_REDIS === undefined ? {} : { skip: NO_REDIS };

test("RESP client negotiates RESP3 and authenticates inside HELLO", withRedis, async () => {
  const { port } = await redisWith("--requirepass", "s3cret");
  const client = await createClient(`redis://:s3cret@127.0.0.1:${port}`);
  assert.equal(client.protocol, 3);
  assert.equal(await client.invokeScript(new Script("return 'in'")), "in");
  await client.close();
  await assert.rejects(
    createClient(`redis://127.0.0.1:${port}`, { password: "nope" }),
    (e) => e instanceof RequestError && e.code === "WRONGPASS",
  );
  await assert.rejects(
    createClient(`redis://127.0.0.1:${port}`),
    (e) => e instanceof RequestError && e.code === "NOAUTH",
  );
});

test("RESP client falls back to RESP2 and AUTH when HELLO is unknown", withRedis, async () => {
  const { port } = await redisWith("--requirepass", "pw", "--rename-command", "HELLO", "");
  const client = await createClient(`redis://127.0.0.1:${port}`, { password: "pw" });
  assert.equal(client.protocol, 2);
  // RESP2 shapes: a script's double is a bulk string, a map a flat array.
  assert.equal(await client.invokeScript(new Script("return {double=3.5}")), "3.5");
  assert.deepEqual(await client.invokeScript(new Script("return {map={a='b'}}")), ["a", "b"]);
  await client.close();
  await assert.rejects(
    createClient(`redis://127.0.0.1:${port}`, { password: "bad" }),
    (e) => e instanceof RequestError && e.code === "WRONGPASS",
  );
});

test(
  "RESP client with protocol 2 never sends HELLO, and selects the URL's database",
  withRedis,
  async () => {
    const { port } = await redisWith();
    const client = await createClient(`redis://127.0.0.1:${port}/2`, { protocol: 2 });
    assert.equal(client.protocol, 2);
    const info = String(await client.customCommand(["CLIENT", "INFO"]));
    assert.match(info, /\bdb=2\b/);
    assert.match(info, /\bresp=2\b/);
    await client.close();
  },
);

test("RESP client reconnects after the server drops the connection", withRedis, async () => {
  const { port } = await redisWith();
  const client = await createClient(`redis://127.0.0.1:${port}`);
  const admin = await createClient(`redis://127.0.0.1:${port}`);
  const id = await client.customCommand(["CLIENT", "ID"]);
  assert.equal(await admin.customCommand(["CLIENT", "KILL", "ID", String(id)]), 1);
  await new Promise((r) => setTimeout(r, 100));
  const again = await client.customCommand(["CLIENT", "ID"]);
  assert.notEqual(again, id);
  await client.close();
  await admin.close();
});

test("RESP client times out a request, then works on a new connection", withRedis, async () => {
  const { port } = await redisWith();
  const client = await createClient(`redis://127.0.0.1:${port}`, { requestTimeoutMs: 150 });
  await assert.rejects(client.customCommand(["BLPOP", "nothing", "2"]), TimeoutError);
  assert.equal(await client.customCommand(["PING"]), "PONG");
  await client.close();
});

test("RESP client rejects pending requests when closed", async () => {
  const srv = await createServer();
  const handle = await serveEvalkit(srv);
  const client = await createClient(`redis://127.0.0.1:${handle.port}`);
  const pending = client.customCommand(["BLPOP", "nothing", "5"]);
  await client.close();
  await assert.rejects(pending, (e) => (e as Error).name === "ClosingError");
  await handle.close();
});

test("RESP client surfaces a server that goes away as a ConnectionError", async () => {
  const srv = await createServer();
  const handle = await serveEvalkit(srv);
  const client = await createClient(`redis://127.0.0.1:${handle.port}`);
  await handle.close();
  await assert.rejects(client.customCommand(["PING"]), ConnectionError);
  await client.close();
});

test("encodeCommands writes RESP arrays of bulk strings, bytes as is", () => {
  const out = encodeCommands([["SET", "k", "\xff\x00"], ["PING"]]);
  assert.equal(
    String.fromCharCode(...out),
    "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n\xff\x00\r\n*1\r\n$4\r\nPING\r\n",
  );
});

/** Depth of one-element arrays down to a non-array, and that non-array (iteratively). */
function unnest(v: unknown): { depth: number; core: unknown } {
  let depth = 0;
  while (Array.isArray(v)) {
    assert.equal(v.length, 1, `level ${depth}`);
    v = v[0];
    depth++;
  }
  return { depth, core: v };
}

// CONV-9: redis-server 7.0.15 answers a self-referencing table with 7995 nested one-element
// arrays, the innermost element being `-ERR reached lua stack limit`.
test("RESP client reads the ~8000-level reply of a self-referencing table", withRedis, async () => {
  const { port } = await redisWith();
  const script = new Script("local a = {}; local b = {a}; a[1] = b; return a");
  for (const protocol of [2, 3] as const) {
    const client = await createClient(`redis://127.0.0.1:${port}`, { protocol });
    const { depth, core } = unnest(await client.invokeScript(script));
    assert.equal(depth, 7995);
    assert.ok(core instanceof RequestError);
    assert.equal(core.message, "ERR reached lua stack limit");
    assert.equal(await client.invokeScript(new Script("return 'still usable'")), "still usable");
    await client.close();
  }
});
