/**
 * Busy scripts through the HTTP handler (spec §14): the request running the script waits for
 * its result, other requests get `400 {"error":"BUSY …"}`, SCRIPT KILL works over HTTP. In-process
 * (`app.request`) and over the runtime's real HTTP server.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "../../mod.ts";
import { sha1hex } from "../sha1.ts";
import { createHandler, type HandlerOptions } from "./handler.ts";
import { currentRuntime, serveForTest } from "./_test_serve.ts";

const BUSY =
  "BUSY Valkey is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
const FOREVER = "while true do end";
const killed = (body: string) =>
  `ERR Script killed by user with SCRIPT KILL. script: ${sha1hex(body)}, on @user_script:1.`;

type Post = (path: string, body: unknown) => Promise<{ status: number; body: unknown }>;

async function withApp(
  fn: (post: Post, server: Server) => Promise<void>,
  options: HandlerOptions = {},
  overHttp = false,
): Promise<void> {
  const server = await createServer({ busyReplyThresholdMs: 50 });
  const app = createHandler(server, options);
  const http = overHttp ? serveForTest(app.fetch) : undefined;
  const post: Post = async (path, body) => {
    const init = { method: "POST", body: JSON.stringify(body) };
    const res = http === undefined
      ? await app.request(path, init)
      : await fetch(`${http.url}${path}`, init);
    return { status: res.status, body: await res.json() };
  };
  try {
    await fn(post, server);
  } finally {
    server.scripting.abort("ERR test over");
    await http?.close();
    server.scripting.engine?.close();
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function killOverHttp(post: Post, server: Server): Promise<void> {
  const running = post("/", ["EVAL", FOREVER, 0]);
  // Until the request's body is read and the script passes the threshold.
  for (let i = 0; i < 100 && !server.scripting.busy; i++) await sleep(10);
  assert.equal(server.scripting.busy, true);
  assert.deepEqual(await post("/", ["GET", "x"]), { status: 400, body: { error: BUSY } });
  assert.deepEqual(await post("/pipeline", [["PING"], ["SCRIPT", "KILL"]]), {
    status: 200,
    body: [{ error: BUSY }, { result: "OK" }],
  });
  assert.deepEqual(await running, { status: 400, body: { error: killed(FOREVER) } });
  assert.deepEqual(await post("/", ["SET", "x", "1"]), { status: 200, body: { result: "OK" } });
}

test("HTTP: other requests get BUSY; SCRIPT KILL over HTTP ends the script's request", () =>
  withApp(killOverHttp));

test(`HTTP over ${currentRuntime() ?? "no"} server: BUSY and SCRIPT KILL`, {
  skip: currentRuntime() === undefined ? "needs Deno.serve or Bun.serve" : false,
}, () => withApp(killOverHttp, {}, true));

test("HTTP: /multi-exec while busy is an EXECABORT; a long script's request gets its result", () =>
  withApp(async (post, server) => {
    const long = "local s = 0 for i = 1, 2e7 do s = s + 1 end return s";
    const running = post("/pipeline", [["EVAL", long, 0], ["PING"]]);
    for (let i = 0; i < 100 && !server.scripting.busy; i++) await sleep(10);
    assert.deepEqual(await post("/multi-exec", [["SET", "a", "1"]]), {
      status: 400,
      body: { error: `EXECABORT Transaction discarded because of: ${BUSY}` },
    });
    assert.deepEqual(await running, {
      status: 200,
      body: [{ result: 20000000 }, { result: "PONG" }],
    });
    assert.deepEqual((await post("/", ["GET", "a"])).body, { result: null });
  }));

test("HTTP: an unkillable script; SHUTDOWN NOSAVE ends it and its request gets an error", () =>
  withApp(async (post, server) => {
    const body = "server.call('SET', 'k', 'v') " + FOREVER;
    const running = post("/", ["EVAL", body, 0]);
    for (let i = 0; i < 100 && !server.scripting.busy; i++) await sleep(10);
    const unkillable = await post("/", ["SCRIPT", "KILL"]);
    assert.equal(unkillable.status, 400);
    assert.match((unkillable.body as { error: string }).error, /^UNKILLABLE /);
    assert.deepEqual(await post("/", ["SHUTDOWN"]), { status: 400, body: { error: BUSY } });
    assert.deepEqual(await post("/", ["SHUTDOWN", "NOSAVE"]), {
      status: 200,
      body: { result: "OK" },
    });
    assert.deepEqual(await running, {
      status: 400,
      body: {
        error: `ERR Script killed by SHUTDOWN NOSAVE. script: ${sha1hex(body)}, on @user_script:1.`,
      },
    });
    assert.equal(server.shutdownRequested, true);
  }));

test("HTTP: scriptTimeLimitMs also ends a suspended script, and says it had written", () =>
  withApp(async (post) => {
    const body = "server.call('SET', 'k', 'v') " + FOREVER;
    const r = await post("/", ["EVAL", body, 0]);
    assert.equal(r.status, 400);
    assert.match(
      (r.body as { error: string }).error,
      /^ERR Script exceeded the time limit of 150 ms and was aborted \(it had already written to the dataset; its writes were kept\)\. script: /,
    );
    assert.deepEqual((await post("/", ["GET", "k"])).body, { result: "v" });
  }, { scriptTimeLimitMs: 150 }));
