/**
 * Busy scripts (spec §14, TX-7) in-process: RESP Connections (no sockets) and the direct API.
 * Real-socket and twin tests: src/runtime/busy_test.ts; HTTP: src/http/busy_test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "../../mod.ts";
import type { Bytes } from "../bytes.ts";
import { Connection } from "../protocol/connection.ts";
import { array, bulk, error, int, NULL_ARRAY, OK, type Reply, status } from "../resp/reply.ts";
import type { Server } from "../server.ts";
import type { ServerOptions } from "../options.ts";
import { encodeCommand } from "../testing/resp_client.ts";
import { createReplyDecoder } from "../testing/wire.ts";
import { sha, suffix } from "./_test_server.ts";

const BUSY = error(
  "BUSY Valkey is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
);
const UNKILLABLE = error(
  "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.",
);
const NOTBUSY = error("NOTBUSY No scripts in execution right now.");
const EXECABORT_BUSY = error(
  "EXECABORT Transaction discarded because of: BUSY Valkey is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
);
const killed = (body: string, line = 1) =>
  error(`ERR Script killed by user with SCRIPT KILL.${suffix(body, line)}`);

const FOREVER = "while true do end";
const WRITE_THEN_FOREVER = "server.call('SET', 'k', 'v') while true do end";
/** Runs past the 50 ms threshold, then ends by itself (about 0.1–1 s). */
const LONG = "local s = 0 for i = 1, 2e7 do s = s + 1 end server.call('SET', 'long', s) return s";

/** A RESP client of an in-process Connection: replies decoded, in order. */
class Client {
  readonly conn: Connection;
  readonly #waiting: ((r: Reply) => void)[] = [];
  /** Replies that arrived with nobody waiting. */
  readonly extra: Reply[] = [];

  constructor(server: Server) {
    const decode = createReplyDecoder((reply) => {
      const w = this.#waiting.shift();
      if (w === undefined) this.extra.push(reply);
      else w(reply);
    });
    this.conn = new Connection(server, undefined, { onOutput: decode });
    this.#decode = decode;
  }
  readonly #decode: (chunk: Uint8Array) => void;

  /** Sends commands as one chunk (pipelined); resolves with their replies. */
  pipeline(...commands: Bytes[][]): Promise<Reply>[] {
    const promises = commands.map(() => new Promise<Reply>((r) => this.#waiting.push(r)));
    const chunks = commands.map(encodeCommand);
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      all.set(c, o);
      o += c.length;
    }
    this.#decode(this.conn.receive(all));
    return promises;
  }

  send(...argv: Bytes[]): Promise<Reply> {
    return this.pipeline(argv)[0];
  }

  close(): void {
    this.conn.close();
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Settles to "pending" if `p` has not resolved within `ms`. */
function within<T>(p: Promise<T>, ms: number): Promise<T | "pending"> {
  return Promise.race([p, sleep(ms).then(() => "pending" as const)]);
}

interface Busy {
  readonly server: Server;
  readonly logs: [number, string][];
  client(): Client;
}

async function withBusy(
  fn: (t: Busy) => void | Promise<void>,
  options: ServerOptions = {},
): Promise<void> {
  const logs: [number, string][] = [];
  const server = await createServer({
    busyReplyThresholdMs: 50,
    log: (level, message) => logs.push([level, message]),
    ...options,
  });
  const clients: Client[] = [];
  try {
    await fn({
      server,
      logs,
      client() {
        const c = new Client(server);
        clients.push(c);
        return c;
      },
    });
  } finally {
    // Whatever a failed test left running: stop it so that the engine can close.
    server.scripting.abort("ERR test over");
    for (const c of clients) c.close();
    server.scripting.engine?.close();
  }
}

test("BUSY-3/5/6: others get BUSY past the threshold; SCRIPT KILL stops the script", () =>
  withBusy(async ({ server, client, logs }) => {
    const a = client();
    const b = client();
    assert.deepEqual(await b.send("SCRIPT", "KILL"), NOTBUSY); // BUSY-5.1
    const t0 = performance.now();
    const [evalReply, ping] = a.pipeline(["EVAL", FOREVER, "0"], ["PING"]);
    // A's receive() returned: the script passed the threshold and yielded.
    assert.ok(performance.now() - t0 >= 45);
    assert.equal(server.scripting.busy, true);
    assert.deepEqual(await b.send("GET", "x"), BUSY);
    await sleep(30);
    assert.deepEqual(await b.send("GET", "x"), BUSY);
    assert.equal(await within(evalReply, 10), "pending");
    // BUSY-2: logged once, at the first check past the threshold.
    const slow = logs.filter(([, m]) => m.startsWith("Slow script detected"));
    assert.equal(slow.length, 1);
    assert.equal(slow[0][0], 3);
    assert.match(
      slow[0][1],
      new RegExp(
        `^Slow script detected: still in execution after \\d+ milliseconds\\. You can try killing the script using the SCRIPT KILL command\\. Script name is: ${
          sha(FOREVER)
        }\\.$`,
      ),
    );
    assert.deepEqual(await b.send("SCRIPT", "KILL"), OK);
    assert.deepEqual(await evalReply, killed(FOREVER));
    // The caller's pipelined command ran after the script.
    assert.deepEqual(await ping, status("PONG"));
    assert.equal(server.scripting.busy, false);
    assert.deepEqual(await b.send("SET", "x", "1"), OK);
    assert.deepEqual(await a.send("GET", "x"), bulk("1"));
    assert.deepEqual(await b.send("SCRIPT", "KILL"), NOTBUSY);
    assert.equal(logs.filter(([, m]) => m.startsWith("Slow script detected")).length, 1);
  }));

test("BUSY-5/BUSY-4: after a write SCRIPT KILL is UNKILLABLE; SHUTDOWN NOSAVE stops it", () =>
  withBusy(async ({ server, client }) => {
    const a = client();
    const b = client();
    const evalReply = a.send("EVAL", WRITE_THEN_FOREVER, "0");
    assert.deepEqual(await b.send("SCRIPT", "KILL"), UNKILLABLE);
    assert.deepEqual(await b.send("SHUTDOWN"), BUSY);
    assert.deepEqual(await b.send("SHUTDOWN", "SAVE"), BUSY);
    assert.deepEqual(await b.send("SHUTDOWN", "ABORT"), error("ERR No shutdown in progress."));
    assert.equal(server.scripting.busy, true);
    // A successful SHUTDOWN answers nothing and closes; so does the EVAL caller's connection.
    assert.equal(await within(b.send("SHUTDOWN", "NOSAVE"), 50), "pending");
    assert.equal(b.conn.closed, true);
    assert.equal(server.shutdownRequested, true);
    assert.equal(server.scripting.busy, false);
    assert.equal(server.scripting.engine?.running, false);
    assert.equal(await within(evalReply, 50), "pending");
    assert.equal(a.conn.closed, true);
    // No rollback: the write stays.
    assert.equal(server.keyspace.dbs[0].get("k", server.clock.now())?.value, "v");
  }));

test("§9.3 step 8: a write that fails still makes the script unkillable", () =>
  withBusy(async ({ client }) => {
    const a = client();
    const b = client();
    assert.deepEqual(await b.send("SET", "s", "abc"), OK);
    const evalReply = a.send("EVAL", "server.pcall('INCR', 's') while true do end", "0");
    assert.deepEqual(await b.send("SCRIPT", "KILL"), UNKILLABLE);
    void b.send("SHUTDOWN", "NOSAVE");
    assert.equal(await within(evalReply, 20), "pending");
    assert.equal(a.conn.closed, true);
  }));

test("BUSY-7: an EVAL_RO or no-writes run can always be killed", () =>
  withBusy(async ({ client }) => {
    const a = client();
    const b = client();
    for (
      const [cmd, body] of [
        ["EVAL_RO", "pcall(server.call, 'SET', 'k', 'v') while true do end"],
        ["EVAL", "#!lua flags=no-writes\npcall(server.call, 'SET', 'k', 'v') while true do end"],
      ]
    ) {
      const evalReply = a.send(cmd, body, "0");
      assert.deepEqual(await b.send("SCRIPT", "KILL"), OK, body);
      const line = body.startsWith("#!") ? 2 : 1;
      assert.deepEqual(await evalReply, killed(body, line), body);
    }
    assert.deepEqual(await b.send("EXISTS", "k"), int(0));
  }));

test("BUSY-3: the allow_busy commands run while busy, every other command gets BUSY", () =>
  withBusy(async ({ client }) => {
    const a = client();
    const b = client();
    const evalReply = a.send("EVAL", FOREVER, "0");
    for (
      const argv of [
        ["PING"],
        ["SELECT", "1"],
        ["CLIENT", "ID"],
        ["INFO"],
        ["CONFIG", "GET", "maxmemory"],
        ["SCRIPT", "LOAD", "return 1"],
        ["SCRIPT", "FLUSH"],
        ["EVAL", "return 1", "0"],
        ["DBSIZE"],
        ["ECHO", "x"],
      ]
    ) {
      assert.deepEqual(await b.send(...argv), BUSY, argv.join(" "));
    }
    // Lookup and arity errors come first (§1.2 step 1).
    assert.deepEqual(
      await b.send("NOSUCH"),
      error("ERR unknown command 'NOSUCH', with args beginning with: "),
    );
    assert.deepEqual(
      await b.send("GET"),
      error("ERR wrong number of arguments for 'get' command"),
    );
    assert.deepEqual(
      await b.send("AUTH", "pw"),
      error(
        "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
      ),
    );
    const hello = await b.send("HELLO", "2");
    assert.equal(hello.type, "array");
    assert.deepEqual(await b.send("WATCH", "x"), OK);
    assert.deepEqual(await b.send("UNWATCH"), OK);
    assert.deepEqual(await b.send("MULTI"), OK);
    assert.deepEqual(await b.send("DISCARD"), OK);
    assert.deepEqual(await b.send("RESET"), status("RESET"));
    assert.deepEqual(await b.send("QUIT"), OK);
    assert.equal(b.conn.closed, true);
    const c = client();
    assert.deepEqual(await c.send("SCRIPT", "KILL"), OK);
    assert.deepEqual(await evalReply, killed(FOREVER));
  }));

test("TX-7/BUSY-3: BUSY inside MULTI flags the transaction; EXEC while busy is EXECABORT", () =>
  withBusy(async ({ client }) => {
    const a = client();
    const b = client();
    const c = client();
    assert.deepEqual(await c.send("MULTI"), OK);
    assert.deepEqual(await c.send("SET", "x", "before"), status("QUEUED"));
    const evalReply = a.send("EVAL", FOREVER, "0");
    assert.deepEqual(await b.send("MULTI"), OK);
    assert.deepEqual(await b.send("SET", "x", "1"), BUSY);
    assert.deepEqual(await b.send("EXEC"), EXECABORT_BUSY);
    // Valkey's rejectCommand: any EXEC refused while busy is an EXECABORT, MULTI or not.
    assert.deepEqual(await b.send("EXEC"), EXECABORT_BUSY);
    // Queued before the script, refused during it: flagged, EXEC after it is EXECABORT.
    assert.deepEqual(await c.send("GET", "x"), BUSY);
    assert.deepEqual(await b.send("SCRIPT", "KILL"), OK);
    assert.deepEqual(await evalReply, killed(FOREVER));
    assert.deepEqual(
      await c.send("EXEC"),
      error("EXECABORT Transaction discarded because of previous errors."),
    );
    assert.deepEqual(await b.send("GET", "x"), { type: "null" });
  }));

test("BUSY-6: a pcall loop that swallows the kill is killed at its next line", () =>
  withBusy(async ({ client }) => {
    const a = client();
    const b = client();
    const body =
      "local n = 0\nwhile true do\n  pcall(function() while true do n = n + 1 end end)\nend";
    const evalReply = a.send("EVAL", body, "0");
    assert.deepEqual(await b.send("SCRIPT", "KILL"), OK);
    const reply = await evalReply;
    assert.equal(reply.type, "error");
    assert.match(
      (reply as { value: string }).value,
      new RegExp(
        `^ERR Script killed by user with SCRIPT KILL\\. script: ${
          sha(body)
        }, on @user_script:[23]\\.$`,
      ),
    );
  }));

test("a script that runs long but ends gets its result; others got BUSY meanwhile", () =>
  withBusy(async ({ client, server }) => {
    const a = client();
    const b = client();
    const [evalReply, get] = a.pipeline(["EVAL", LONG, "0"], ["GET", "long"]);
    assert.deepEqual(await b.send("GET", "long"), BUSY);
    assert.deepEqual(await evalReply, int(2e7));
    assert.deepEqual(await get, bulk("20000000"));
    assert.deepEqual(await b.send("GET", "long"), bulk("20000000"));
    assert.equal(server.scripting.busy, false);
    // The engine ran on: INFO works, scripts run.
    assert.deepEqual(await b.send("EVAL", "return 1", "0"), int(1));
  }));

test("BUSY-1: busy-reply-threshold 0 turns timeout handling off", () =>
  withBusy(async ({ client, logs }) => {
    const a = client();
    assert.deepEqual(await a.send("CONFIG", "SET", "busy-reply-threshold", "0"), OK);
    const [reply] = a.pipeline(["EVAL", LONG, "0"]);
    // Answered within receive(): nothing was suspended.
    assert.deepEqual(await within(reply, 0), int(2e7));
    assert.equal(logs.filter(([, m]) => m.startsWith("Slow script")).length, 0);
    assert.deepEqual(await a.send("CONFIG", "SET", "lua-time-limit", "50"), OK);
    const b = client();
    const again = a.send("EVAL", LONG, "0");
    assert.deepEqual(await b.send("PING"), BUSY);
    assert.deepEqual(await again, int(2e7));
  }, { busyReplyThresholdMs: 1000 }));

test("blocked clients are neither served nor timed out while a script is busy", () =>
  withBusy(async ({ client }) => {
    const a = client();
    const c = client();
    const d = client();
    const served = c.send("BLPOP", "list", "0");
    const timedOut = d.send("BLPOP", "other", "0.02");
    const body = "server.call('LPUSH', 'list', 'x') " + LONG;
    const evalReply = a.send("EVAL", body, "0");
    await sleep(60);
    assert.equal(await within(served, 0), "pending");
    assert.equal(await within(timedOut, 0), "pending");
    assert.deepEqual(await evalReply, int(2e7));
    assert.deepEqual(await served, array([bulk("list"), bulk("x")]));
    assert.deepEqual(await timedOut, NULL_ARRAY);
  }));

test("EVAL inside EXEC runs to its end (EXEC is never suspended half-way)", () =>
  withBusy(async ({ client, logs }) => {
    const a = client();
    assert.deepEqual(await a.send("MULTI"), OK);
    assert.deepEqual(await a.send("EVAL", LONG, "0"), status("QUEUED"));
    const [exec] = a.pipeline(["EXEC"]);
    assert.deepEqual(await within(exec, 0), array([int(2e7)]));
    // Still timed out (logged), but nobody could run meanwhile.
    assert.equal(logs.filter(([, m]) => m.startsWith("Slow script")).length, 1);
  }));

test("the caller may go away: the script runs on and the server is busy until it ends", () =>
  withBusy(async ({ client }) => {
    const a = client();
    const b = client();
    void a.send("EVAL", FOREVER, "0");
    a.close();
    assert.deepEqual(await b.send("GET", "x"), BUSY);
    assert.deepEqual(await b.send("SCRIPT", "KILL"), OK);
    await sleep(20);
    assert.deepEqual(await b.send("GET", "x"), { type: "null" });
  }));

test("direct API: scripts run to their end; a hard time limit aborts them", () =>
  withBusy(({ server }) => {
    const s = server.createSession();
    const t0 = performance.now();
    const reply = server.execute(s, ["EVAL", FOREVER, "0"], { scriptTimeLimitMs: 60 });
    assert.ok(performance.now() - t0 >= 55);
    assert.deepEqual(
      reply,
      error(
        `ERR Script exceeded the time limit of 60 ms and was aborted (no writes were made).${
          suffix(FOREVER)
        }`,
      ),
    );
    assert.deepEqual(
      server.execute(s, ["EVAL", WRITE_THEN_FOREVER, "0"], { scriptTimeLimitMs: 30 }),
      error(
        `ERR Script exceeded the time limit of 30 ms and was aborted (it had already written to the dataset; its writes were kept).${
          suffix(WRITE_THEN_FOREVER)
        }`,
      ),
    );
    assert.deepEqual(server.execute(s, ["GET", "k"]), bulk("v"));
    // pcall cannot swallow it.
    const swallow = "while true do pcall(function() while true do end end) end";
    const r = server.execute(s, ["EVAL", swallow, "0"], { scriptTimeLimitMs: 20 });
    assert.match((r as { value: string }).value, /^ERR Script exceeded the time limit of 20 ms/);
    // The engine stays usable; the limit was for that call only.
    assert.deepEqual(server.execute(s, ["EVAL", "return 1", "0"]), int(1));
    assert.deepEqual(server.execute(s, ["EVAL", LONG, "0"]), int(2e7));
    // EXEC's scripts share the call's budget.
    server.execute(s, ["MULTI"]);
    server.execute(s, ["EVAL", LONG, "0"]);
    server.execute(s, ["EVAL", FOREVER, "0"]);
    const exec = server.execute(s, ["EXEC"], { scriptTimeLimitMs: 2000 });
    assert.equal(exec.type, "array");
    const [first, second] = (exec as { value: readonly Reply[] }).value;
    assert.deepEqual(first, int(2e7));
    assert.match(
      (second as { value: string }).value,
      /^ERR Script exceeded the time limit of 2000/,
    );
    assert.throws(() => server.execute(s, ["PING"], { scriptTimeLimitMs: -1 }), RangeError);
  }));

test("ServerOptions.scriptTimeLimitMs applies to every run, suspended ones included", () =>
  withBusy(async ({ server, client }) => {
    const s = server.createSession();
    const r = server.execute(s, ["EVAL", FOREVER, "0"]);
    assert.match((r as { value: string }).value, /^ERR Script exceeded the time limit of 150 ms/);
    // A per-call limit below it wins.
    const r2 = server.execute(s, ["EVAL", FOREVER, "0"], { scriptTimeLimitMs: 10 });
    assert.match((r2 as { value: string }).value, /^ERR Script exceeded the time limit of 10 ms/);
    const a = client();
    const b = client();
    const evalReply = a.send("EVAL", FOREVER, "0");
    assert.deepEqual(await b.send("GET", "x"), BUSY);
    const reply = await evalReply;
    assert.match((reply as { value: string }).value, /^ERR Script exceeded the time limit of 150/);
    assert.deepEqual(await b.send("GET", "x"), { type: "null" });
    await assert.rejects(createServer({ scriptTimeLimitMs: Number.NaN }), RangeError);
  }, { scriptTimeLimitMs: 150 }));

test("executeAsync: a busy script's reply arrives when it ends; direct callers get BUSY", () =>
  withBusy(async ({ server }) => {
    const s1 = server.createSession();
    const s2 = server.createSession();
    const pending = server.executeAsync(s1, ["EVAL", FOREVER, "0"]);
    assert.equal(server.scripting.busy, true);
    assert.deepEqual(server.execute(s2, ["GET", "x"]), BUSY);
    assert.deepEqual(await server.executeAsync(s2, ["GET", "x"]), BUSY);
    assert.equal(await within(pending, 20), "pending");
    assert.deepEqual(server.execute(s2, ["SCRIPT", "KILL"]), OK);
    assert.deepEqual(await pending, killed(FOREVER));
    assert.deepEqual(await server.executeAsync(s1, ["EVAL", "return 7", "0"]), int(7));
    // A RESP connection's session suspends through its own waker.
    const conn = new Connection(server);
    assert.throws(() => server.executeAsync(conn.session, ["PING"]), TypeError);
    conn.close();
  }));

test("error statistics count a busy script's error reply once, when it ends", () =>
  withBusy(async ({ server, client }) => {
    const a = client();
    const b = client();
    const before = server.errorStats.get("ERR") ?? 0;
    const evalReply = a.send("EVAL", FOREVER, "0");
    assert.deepEqual(await b.send("SCRIPT", "KILL"), OK);
    await evalReply;
    assert.equal(server.errorStats.get("ERR"), before + 1);
    assert.equal(server.errorStats.get("BUSY") ?? 0, 0);
  }));
