/**
 * Busy scripts over real sockets (spec §14, issue #5 "Done when"): two clients against evalkit's
 * RESP server (in-process `serve()` of the runtime running the tests, and main.ts as a child
 * process for SHUTDOWN NOSAVE), and the same scenarios against a real redis-server 7.0 (twin).
 *
 * Expected texts are the spec's (Valkey 8). Redis 7.0 differs in two texts, listed here:
 * - BUSY: `BUSY Redis is busy running a script. …` instead of `BUSY Valkey is busy …`;
 * - the killed script's error: `ERR Script killed by user with SCRIPT KILL... script: …`
 *   (three dots) instead of BUSY-6's `ERR Script killed by user with SCRIPT KILL. script: …`.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "../../mod.ts";
import { bulk, error, int, NULL, OK, status } from "../resp/reply.ts";
import { sha1hex } from "../sha1.ts";
import {
  findRedisServer,
  type RedisServerHandle,
  startRedisServer,
} from "../testing/redis_server.ts";
import { RespClient } from "../testing/resp_client.ts";
import type { ServeHandle } from "./_common.ts";
import { mainCommand, type RuntimeName, startMain } from "./_test_util.ts";

type Flavor = "evalkit" | "redis";

/** The texts that differ between Valkey 8 (the spec) and Redis 7.0. */
function texts(flavor: Flavor) {
  const who = flavor === "redis" ? "Redis" : "Valkey";
  const dots = flavor === "redis" ? "..." : ".";
  const busy =
    `BUSY ${who} is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.`;
  return {
    busy: error(busy),
    execAbortBusy: error(`EXECABORT Transaction discarded because of: ${busy}`),
    /** Iterations of a loop that takes 0.3–1 s. */
    longIterations: flavor === "redis" ? 1e8 : 2e7,
    killed: (body: string, line = 1) =>
      error(
        `ERR Script killed by user with SCRIPT KILL${dots} script: ${
          sha1hex(body)
        }, on @user_script:${line}.`,
      ),
  };
}

const UNKILLABLE = error(
  "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.",
);
const NOTBUSY = error("NOTBUSY No scripts in execution right now.");
const FOREVER = "while true do end";
const WRITE_THEN_FOREVER = "redis.call('SET', 'k', 'v') while true do end";
const SWALLOW = "while true do pcall(function() while true do end end) end";
/**
 * Runs past the threshold, then ends by itself: `n` iterations (Redis's native Lua runs them
 * about 10x faster, and Redis 7.0 has no os.clock to loop on time).
 */
const long = (n: number) =>
  `local s = 0 for i = 1, ${n} do s = s + 1 end redis.call('SET', 'long', 'done') return s`;
/** Long enough for the EVAL to reach the server before the other client's command. */
const LEAD_MS = 40;
const THRESHOLD = "100";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A target server: where to connect. */
interface Target {
  readonly flavor: Flavor;
  readonly port: number;
}

/** Connects `n` clients; the first sets the busy threshold; closes them all afterwards. */
async function withClients(
  target: Target,
  n: number,
  fn: (...clients: RespClient[]) => Promise<void>,
): Promise<void> {
  const clients = await Promise.all(
    Array.from({ length: n }, () => RespClient.connect(target.port)),
  );
  try {
    assert.deepEqual(
      await clients[0].send(["CONFIG", "SET", "busy-reply-threshold", THRESHOLD]),
      OK,
    );
    assert.deepEqual(await clients[0].send(["FLUSHALL"]), OK);
    await fn(...clients);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

// ---- the scenarios, run against evalkit and redis-server ----

async function killScenario(target: Target): Promise<void> {
  const t = texts(target.flavor);
  await withClients(target, 2, async (a, b) => {
    assert.deepEqual(await b.send(["SCRIPT", "KILL"]), NOTBUSY);
    const evalReply = a.send(["EVAL", FOREVER, "0"]);
    const ping = a.send(["PING"]);
    await sleep(LEAD_MS);
    assert.deepEqual(await b.send(["GET", "x"]), t.busy);
    assert.deepEqual(await b.send(["SCRIPT", "KILL"]), OK);
    assert.deepEqual(await evalReply, t.killed(FOREVER));
    assert.deepEqual(await ping, status("PONG"));
    // The server then serves normally.
    assert.deepEqual(await b.send(["SET", "x", "1"]), OK);
    assert.deepEqual(await a.send(["GET", "x"]), bulk("1"));
    assert.deepEqual(await b.send(["SCRIPT", "KILL"]), NOTBUSY);
  });
}

async function transactionScenario(target: Target): Promise<void> {
  const t = texts(target.flavor);
  await withClients(target, 3, async (a, b, c) => {
    assert.deepEqual(await c.send(["MULTI"]), OK);
    assert.deepEqual(await c.send(["SET", "x", "1"]), status("QUEUED"));
    const evalReply = a.send(["EVAL", FOREVER, "0"]);
    await sleep(LEAD_MS);
    assert.deepEqual(await b.send(["MULTI"]), OK);
    assert.deepEqual(await b.send(["SET", "x", "2"]), t.busy);
    assert.deepEqual(await b.send(["EXEC"]), t.execAbortBusy);
    assert.deepEqual(await c.send(["GET", "x"]), t.busy);
    assert.deepEqual(await b.send(["SCRIPT", "KILL"]), OK);
    assert.deepEqual(await evalReply, t.killed(FOREVER));
    assert.deepEqual(
      await c.send(["EXEC"]),
      error("EXECABORT Transaction discarded because of previous errors."),
    );
    assert.deepEqual(await b.send(["GET", "x"]), NULL);
  });
}

async function allowBusyScenario(target: Target): Promise<void> {
  const t = texts(target.flavor);
  await withClients(target, 3, async (a, b, c) => {
    const evalReply = a.send(["EVAL", FOREVER, "0"]);
    await sleep(LEAD_MS);
    for (const argv of [["PING"], ["SELECT", "1"], ["CLIENT", "ID"], ["INFO"], ["DBSIZE"]]) {
      assert.deepEqual(await b.send(argv), t.busy, argv.join(" "));
    }
    assert.equal((await b.send(["HELLO", "2"])).type, "array");
    assert.deepEqual(await b.send(["WATCH", "x"]), OK);
    assert.deepEqual(await b.send(["UNWATCH"]), OK);
    assert.deepEqual(await b.send(["MULTI"]), OK);
    assert.deepEqual(await b.send(["DISCARD"]), OK);
    assert.deepEqual(await b.send(["RESET"]), status("RESET"));
    assert.deepEqual(await b.send(["QUIT"]), OK);
    assert.deepEqual(await c.send(["SCRIPT", "KILL"]), OK);
    assert.deepEqual(await evalReply, t.killed(FOREVER));
  });
}

async function swallowScenario(target: Target): Promise<void> {
  const t = texts(target.flavor);
  await withClients(target, 2, async (a, b) => {
    const evalReply = a.send(["EVAL", SWALLOW, "0"]);
    await sleep(LEAD_MS);
    assert.deepEqual(await b.send(["SCRIPT", "KILL"]), OK);
    assert.deepEqual(await evalReply, t.killed(SWALLOW));
    assert.deepEqual(await a.send(["EVAL", "return 1", "0"]), int(1));
  });
}

async function longScenario(target: Target): Promise<void> {
  const t = texts(target.flavor);
  await withClients(target, 2, async (a, b) => {
    const evalReply = a.send(["EVAL", long(t.longIterations), "0"]);
    const get = a.send(["GET", "long"]);
    await sleep(LEAD_MS);
    assert.deepEqual(await b.send(["GET", "long"]), t.busy);
    assert.deepEqual(await evalReply, int(t.longIterations));
    assert.deepEqual(await get, bulk("done"));
    assert.deepEqual(await b.send(["GET", "long"]), bulk("done"));
  });
}

/** UNKILLABLE, SHUTDOWN refused, SHUTDOWN NOSAVE ends the server: `ended` resolves. */
async function shutdownScenario(target: Target, ended: Promise<unknown>): Promise<void> {
  const t = texts(target.flavor);
  await withClients(target, 2, async (a, b) => {
    // No reply ever: the server goes away (handled now: it may close before B's socket does).
    const evalFails = assert.rejects(
      a.send(["EVAL", WRITE_THEN_FOREVER, "0"]),
      /connection closed|ECONNRESET/,
    );
    await sleep(LEAD_MS);
    assert.deepEqual(await b.send(["SCRIPT", "KILL"]), UNKILLABLE);
    assert.deepEqual(await b.send(["SHUTDOWN"]), t.busy);
    await assert.rejects(b.send(["SHUTDOWN", "NOSAVE"]), /connection closed|ECONNRESET/);
    await evalFails;
    await ended;
  });
}

const SCENARIOS: readonly [string, (t: Target) => Promise<void>][] = [
  ["BUSY-3/5/6: GET gets BUSY, SCRIPT KILL stops the script, the server serves on", killScenario],
  [
    "TX-7: BUSY inside MULTI flags the transaction, EXEC while busy is EXECABORT",
    transactionScenario,
  ],
  ["BUSY-3: allow_busy commands run, others get BUSY", allowBusyScenario],
  ["BUSY-6: a pcall loop swallowing the kill is killed", swallowScenario],
  ["a long script that ends answers its caller; others got BUSY meanwhile", longScenario],
];

// ---- evalkit's RESP server, in-process, on this runtime's serve() ----

const runtime: RuntimeName = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";

async function serveEvalkit(): Promise<{ handle: ServeHandle; target: Target }> {
  const server = await createServer();
  const mod = runtime === "deno"
    ? await import("./deno.ts")
    : runtime === "bun"
    ? await import("./bun.ts")
    : await import("./node.ts");
  const handle = await mod.serve(server, { port: 0 });
  const finished = handle.finished.then(() => server.scripting.engine?.close());
  return {
    handle: { ...handle, finished, close: () => handle.close().then(() => finished) },
    target: { flavor: "evalkit", port: handle.port },
  };
}

for (const [name, scenario] of SCENARIOS) {
  test(`${runtime} RESP server: ${name}`, async () => {
    const { handle, target } = await serveEvalkit();
    try {
      await scenario(target);
    } finally {
      await handle.close();
    }
  });
}

test(`${runtime} RESP server: UNKILLABLE after a write, then SHUTDOWN NOSAVE stops it`, async () => {
  const { handle, target } = await serveEvalkit();
  try {
    await shutdownScenario(target, handle.finished);
  } finally {
    await handle.close();
  }
});

// main.ts as a child process: under this runtime, and under Node once (from the Deno run).
const children: readonly RuntimeName[] = runtime === "deno" ? ["deno", "node"] : [runtime];
for (const child of children) {
  const cmd = mainCommand(child);
  test(`main.ts under ${child}: SHUTDOWN NOSAVE during an unkillable script ends the process`, {
    skip: typeof cmd === "string" ? cmd : false,
  }, async () => {
    const proc = await startMain(child);
    const timer = setTimeout(() => proc.kill("SIGKILL"), 30_000);
    try {
      await killScenario({ flavor: "evalkit", port: proc.port });
      await shutdownScenario({ flavor: "evalkit", port: proc.port }, proc.exited);
      assert.equal(await proc.exited, 0);
    } finally {
      clearTimeout(timer);
      proc.kill("SIGKILL");
    }
  });
}

// ---- the twin: the same scenarios against redis-server ----

const redisSkip = findRedisServer() === undefined ? "redis-server not installed" : false;
let shared: RedisServerHandle | undefined;
after(async () => {
  await shared?.stop();
});

for (const [name, scenario] of SCENARIOS) {
  test(`twin redis-server: ${name}`, { skip: redisSkip }, async () => {
    shared ??= await startRedisServer();
    await scenario({ flavor: "redis", port: shared.port });
  });
}

test("twin redis-server: UNKILLABLE after a write, then SHUTDOWN NOSAVE ends it", {
  skip: redisSkip,
}, async () => {
  const own = await startRedisServer();
  try {
    const gone = waitUntilRefused(own.port);
    await shutdownScenario({ flavor: "redis", port: own.port }, gone);
  } finally {
    await own.stop();
  }
});

/** Resolves once connecting to `port` fails (the server has exited), polling. */
async function waitUntilRefused(port: number): Promise<void> {
  // Only meaningful once SHUTDOWN NOSAVE was sent: the scenario awaits it last.
  await sleep(LEAD_MS);
  for (let i = 0; i < 200; i++) {
    try {
      const c = await RespClient.connect(port);
      await c.close();
    } catch {
      return;
    }
    await sleep(25);
  }
  throw new Error(`redis-server on ${port} still accepts connections`);
}
