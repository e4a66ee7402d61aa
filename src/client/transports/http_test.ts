import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "../../../mod.ts";
import { createHandler } from "../../http/handler.ts";
import { currentRuntime, serveForTest } from "../../http/_test_serve.ts";
import { clientSuite } from "../../testing/client_suite.ts";
import { Batch, ConnectionError, createClient, Script, TimeoutError } from "../mod.ts";

const TOKEN = "t0ken";

// Target (e): evalkit's HTTP handler (Upstash REST dialect), called through its fetch function.
let app: Promise<{ fetch: (r: Request) => Response | Promise<Response> }> | undefined;
clientSuite({
  name: "evalkit HTTP",
  connect: async () => {
    app ??= createServer().then((server) => createHandler(server, { token: TOKEN }));
    const handler = await app;
    return await createClient("http://evalkit.test", {
      token: TOKEN,
      fetch: async (request) => await handler.fetch(request),
    });
  },
  stop: () => Promise.resolve(),
  protocol: 2,
  valkey8: true,
  nestedErrors: false,
});

const runtime = currentRuntime();
const network = runtime === undefined ? { skip: "needs Deno.serve or Bun.serve" } : {};

test(
  "HTTP client over a real HTTP server: scripts, batches, token in the URL",
  network,
  async () => {
    const server = await createServer();
    const handler = createHandler(server, { token: TOKEN, basePath: "/redis" });
    const http = serveForTest((request) => handler.fetch(request));
    try {
      const url = new URL(`${http.url}/redis`);
      url.password = TOKEN;
      const client = await createClient(url);
      const purchase = new Script("return server.call('DECRBY', KEYS[1], ARGV[1])");
      await client.set("product:shoe:stock", "10");
      assert.equal(
        await client.invokeScript(purchase, { keys: ["product:shoe:stock"], args: ["3"] }),
        7,
      );
      const batch = new Batch(true).invokeScript(purchase, {
        keys: ["product:shoe:stock"],
        args: ["3"],
      }).get("product:shoe:stock");
      assert.deepEqual(await client.exec(batch, { raiseOnError: true }), [4, "4"]);
      await client.close();
      // EVALSHA, NOSCRIPT, SCRIPT LOAD, EVALSHA; then SCRIPT EXISTS before /multi-exec.
      assert.ok(http.requests.includes("POST /redis/multi-exec"), http.requests.join(", "));
    } finally {
      await http.close();
    }
  },
);

test("HTTP client with a wrong or missing token fails to connect", async () => {
  const handler = createHandler(await createServer(), { token: TOKEN });
  const fetch = async (request: Request) => await handler.fetch(request);
  await assert.rejects(
    createClient("http://evalkit.test", { token: "wrong", fetch }),
    (e) => e instanceof ConnectionError && e.message.includes("401"),
  );
  await assert.rejects(createClient("http://evalkit.test", { fetch }), ConnectionError);
});

test("HTTP client sends non-UTF-8 arguments in the path form, refuses them in batches", async () => {
  const handler = createHandler(await createServer());
  const client = await createClient("http://evalkit.test", {
    fetch: async (request) => await handler.fetch(request),
  });
  const bytes = new Uint8Array([0xff, 0x00, 0x2f, 0x25, 0x80]);
  assert.equal(await client.set(new Uint8Array([0xfe, 0x2e]), bytes), "OK");
  assert.deepEqual(await client.get(new Uint8Array([0xfe, 0x2e]), { decoder: "bytes" }), bytes);
  const batch = new Batch(false).set("k", bytes).get("k");
  await assert.rejects(client.exec(batch, { raiseOnError: true }), TypeError);
  await client.close();
});

test("HTTP client request timeout raises TimeoutError", async () => {
  const handler = createHandler(await createServer());
  let stall = false;
  const client = await createClient("http://evalkit.test", {
    requestTimeoutMs: 50,
    fetch: (request) =>
      stall
        ? new Promise((_, reject) =>
          request.signal.addEventListener("abort", () => reject(request.signal.reason))
        )
        : Promise.resolve(handler.fetch(request)),
  });
  stall = true;
  await assert.rejects(client.customCommand(["PING"]), TimeoutError);
  stall = false;
  assert.equal(await client.customCommand(["PING"]), "PONG");
  await client.close();
});

// CONV-9: a self-referencing table's reply is ~8000 nested one-element arrays (redis-server
// 7.0.15: 7995), the innermost element being `ERR reached lua stack limit`.
test("HTTP client reads the ~8000-level reply of a self-referencing table", async () => {
  const server = await createServer();
  const handler = createHandler(server, { token: TOKEN });
  const client = await createClient("http://evalkit.test", {
    token: TOKEN,
    fetch: async (request) => await handler.fetch(request),
  });
  let v = await client.invokeScript(
    new Script("local a = {}; local b = {a}; a[1] = b; return a"),
  );
  let depth = 0;
  while (Array.isArray(v)) {
    assert.equal(v.length, 1, `level ${depth}`);
    v = v[0];
    depth++;
  }
  assert.ok(depth >= 1998, `depth ${depth}`);
  // Errors inside arrays reach an HTTP client as strings (Upstash dialect).
  assert.equal(v, "ERR reached lua stack limit");
  assert.equal(await client.invokeScript(new Script("return 'still usable'")), "still usable");
  await client.close();
  server.scripting.engine?.close();
});
