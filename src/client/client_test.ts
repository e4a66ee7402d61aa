import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "../../mod.ts";
import type { Server } from "../server.ts";
import { clientSuite } from "../testing/client_suite.ts";
import { Batch, ConnectionError, createClient, RequestError, Script } from "./mod.ts";
import { parseRespUrl } from "./client.ts";
import type { InProcessServer } from "./transports/inprocess.ts";
import { error, type Reply } from "../resp/reply.ts";

// Target (a): an in-process evalkit Server.
let server: Promise<Server> | undefined;
clientSuite({
  name: "in-process",
  connect: async () => await createClient(await (server ??= createServer())),
  stop: () => Promise.resolve(),
  protocol: 3,
  valkey8: true,
  nestedErrors: true,
});

test("createClient in-process with protocol 2 sees RESP2 shapes", async () => {
  const client = await createClient(await createServer(), { protocol: 2 });
  assert.equal(client.protocol, 2);
  assert.equal(await client.invokeScript(new Script("return {double=3.5}")), "3.5");
  assert.deepEqual(await client.invokeScript(new Script("return {map={a='b'}}")), ["a", "b"]);
  await client.close();
});

test("createClient in-process authenticates against requirepass", async () => {
  const srv = await createServer({ requirepass: "secret" });
  await assert.rejects(
    createClient(srv, { password: "wrong" }),
    (e) => e instanceof RequestError && e.code === "WRONGPASS",
  );
  const client = await createClient(srv, { password: "secret" });
  assert.equal(await client.customCommand(["PING"]), "PONG");
  await client.close();
});

test("createClient in-process selects the database", async () => {
  const srv = await createServer();
  const db1 = await createClient(srv, { database: 1 });
  const db0 = await createClient(srv);
  await db1.set("k", "in-db1");
  assert.equal(await db0.get("k"), null);
  assert.equal(await db1.get("k"), "in-db1");
  await db1.close();
  await db0.close();
});

test("exec returns null when a WATCHed key changed (GL-14, TX-5)", async () => {
  const srv = await createServer();
  const client = await createClient(srv);
  const other = await createClient(srv);
  await client.customCommand(["WATCH", "w"]);
  await other.set("w", "changed");
  assert.equal(await client.exec(new Batch(true).set("w", "mine"), { raiseOnError: true }), null);
  assert.equal(await client.get("w"), "changed");
  await client.close();
  await other.close();
});

test("a closed client rejects further calls", async () => {
  const client = await createClient(await createServer());
  await client.close();
  await assert.rejects(client.customCommand(["PING"]), (e) => (e as Error).name === "ClosingError");
});

test("createClient refuses unknown and TLS schemes with a TypeError", async () => {
  await assert.rejects(createClient("ftp://x"), TypeError);
  await assert.rejects(createClient("rediss://127.0.0.1:1"), TypeError);
});

test("createClient reports an unreachable server as a ConnectionError", async () => {
  await assert.rejects(
    createClient("redis://127.0.0.1:1", { connectTimeoutMs: 2000 }),
    ConnectionError,
  );
});

test("parseRespUrl reads host, port, credentials and database", () => {
  assert.deepEqual(parseRespUrl(new URL("redis://u%40x:p%3Aw@example.com:7000/3")), {
    host: "example.com",
    port: 7000,
    username: "u@x",
    password: "p:w",
    database: 3,
  });
  assert.deepEqual(parseRespUrl(new URL("valkey://[::1]")), {
    host: "::1",
    port: 6379,
    username: undefined,
    password: undefined,
    database: undefined,
  });
  assert.throws(() => parseRespUrl(new URL("redis://h/x")), TypeError);
});

/** A server whose replies can be overridden per command, logging every argv it receives. */
function intercepted(
  server: Server,
  hook: (argv: readonly string[]) => Reply | undefined,
): { target: InProcessServer; log: string[][] } {
  const log: string[][] = [];
  const target: InProcessServer = {
    createSession: () => server.createSession(),
    closeSession: (s) => server.closeSession(s),
    execute: (s, argv) => {
      log.push([...argv]);
      return hook(argv) ?? server.execute(s, argv);
    },
  };
  return { target, log };
}

test("invokeScript sends EVALSHA, then SCRIPT LOAD and EVALSHA after NOSCRIPT (GL-5)", async () => {
  const { target, log } = intercepted(await createServer(), () => undefined);
  const client = await createClient(target);
  log.length = 0;
  const script = new Script("return {KEYS[1], KEYS[2], ARGV[1]}");
  const sha = script.getHash();
  assert.deepEqual(await client.invokeScript(script, { keys: ["k1", "k2"], args: ["a1"] }), [
    "k1",
    "k2",
    "a1",
  ]);
  assert.deepEqual(log, [
    ["EVALSHA", sha, "2", "k1", "k2", "a1"],
    ["SCRIPT", "LOAD", "return {KEYS[1], KEYS[2], ARGV[1]}"],
    ["EVALSHA", sha, "2", "k1", "k2", "a1"],
  ]);
  log.length = 0;
  await client.invokeScript(script, { keys: ["k1", "k2"], args: ["a1"] });
  assert.deepEqual(log, [["EVALSHA", sha, "2", "k1", "k2", "a1"]], "cached: one EVALSHA");
  await client.close();
});

test("invokeScript recognizes NOSCRIPT by its code, not by a substring", async () => {
  let first = true;
  const { target, log } = intercepted(await createServer(), (argv) => {
    if (argv[0] !== "EVALSHA" || !first) return undefined;
    first = false;
    return error(reply);
  });
  let reply = "NOSCRIPT worded differently";
  const client = await createClient(target);
  log.length = 0;
  assert.equal(await client.invokeScript(new Script("return 'ok'")), "ok");
  assert.deepEqual(log.map((a) => a[0]), ["EVALSHA", "SCRIPT", "EVALSHA"]);
  first = true;
  reply = "ERR NOSCRIPT No matching script.";
  log.length = 0;
  await assert.rejects(
    client.invokeScript(new Script("return 'other'")),
    (e) => e instanceof RequestError && e.code === "ERR" && e.message === reply,
  );
  assert.deepEqual(log.map((a) => a[0]), ["EVALSHA"], "no SCRIPT LOAD for code ERR");
  await client.close();
});

test("invokeScript returns SCRIPT LOAD's error when loading fails (GL-5 2b)", async () => {
  const { target } = intercepted(
    await createServer(),
    (argv) => argv[0] === "SCRIPT" && argv[1] === "LOAD" ? error("ERR load refused") : undefined,
  );
  const client = await createClient(target);
  await assert.rejects(
    client.invokeScript(new Script("return 1")),
    (e) => e instanceof RequestError && e.message === "ERR load refused",
  );
  await client.close();
});
