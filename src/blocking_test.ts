// Blocking commands end to end through the RESP connection: clients that wait, the writes that
// wake them (first blocked, first served), timeouts (fake timers and short real ones),
// disconnects; then the same multi-client scenarios replayed against redis-server, comparing the
// order in which every client gets its replies.

import { after, test } from "node:test";
import assert from "node:assert/strict";
import { Server } from "./server.ts";
import { createServer } from "../mod.ts";
import { manualClock } from "./clock.ts";
import { Connection, type ConnectionTimers } from "./protocol/connection.ts";
import { ReplyDecoder } from "./resp/decode.ts";
import { formatReply } from "./testing/compare.ts";
import { encodeCommand, RespClient } from "./testing/resp_client.ts";
import { type RedisServerHandle, startRedisServer } from "./testing/redis_server.ts";
import { skipReason } from "./testing/twin.ts";
import { parseBlockingTimeout } from "./blocking.ts";
import type { ReplyError } from "./errors.ts";
import { NULL_ARRAY, type Reply } from "./resp/reply.ts";

/** An in-process client: a Connection whose replies (on time or late) are decoded in order. */
class Client {
  readonly conn: Connection;
  readonly replies: string[] = [];
  readonly #decoder = new ReplyDecoder();

  constructor(server: Server, timers?: ConnectionTimers, log?: string[], name = "") {
    this.conn = new Connection(server, undefined, {
      onOutput: (b) => this.#take(b, log, name),
      timers,
    });
  }

  send(...argv: string[]): this {
    this.#take(this.conn.receive(encodeCommand(argv)));
    return this;
  }

  /** Raw bytes in (pipelines). */
  write(raw: string): this {
    this.#take(this.conn.receive(Uint8Array.from(raw, (c) => c.charCodeAt(0))));
    return this;
  }

  #take(bytes: Uint8Array, log?: string[], name = ""): void {
    for (const r of this.#decoder.feed(bytes)) {
      const text = formatReply(r).replace(/\n\s*/g, " ");
      this.replies.push(text);
      log?.push(`${name}: ${text}`);
    }
  }
}

/** Late replies are handed over in a microtask. */
const tick = () => new Promise<void>((r) => setTimeout(r, 0));

/** Fake timers: fire by hand. */
function fakeTimers(): ConnectionTimers & { fire(): void; pending: number } {
  const queue = new Map<number, () => void>();
  let id = 0;
  return {
    set(cb) {
      queue.set(++id, cb);
      return id;
    },
    clear(h) {
      queue.delete(h as number);
    },
    fire() {
      const cbs = [...queue.values()];
      queue.clear();
      for (const cb of cbs) cb();
    },
    get pending() {
      return queue.size;
    },
  };
}

const NIL_ARRAY = "*-1 (null array)";

test("BLPOP waits for a push from another client, then runs the commands behind it", async () => {
  const server = new Server();
  const a = new Client(server), b = new Client(server);
  a.write("*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n");
  assert.deepEqual(a.replies, []);
  assert.equal(server.blocking.isBlocked(a.conn.session), true);
  a.send("ECHO", "later");
  b.send("RPUSH", "q", "x", "y");
  b.send("LRANGE", "q", "0", "-1");
  assert.deepEqual(b.replies, [":2", '*1 [0] $"y"']);
  await tick();
  assert.deepEqual(a.replies, ['*2 [0] $"q" [1] $"x"', "+PONG", '$"later"']);
  assert.equal(server.blocking.isBlocked(a.conn.session), false);
});

test("blocked clients are served first come, first served", async () => {
  const server = new Server();
  const log: string[] = [];
  const c1 = new Client(server, undefined, log, "c1");
  const c2 = new Client(server, undefined, log, "c2");
  const c3 = new Client(server, undefined, log, "c3");
  c1.send("BRPOP", "q", "0");
  c2.send("BLPOP", "other", "q", "0");
  c3.send("BLPOP", "q", "0");
  const p = new Client(server);
  p.send("RPUSH", "q", "a", "b");
  await tick();
  assert.deepEqual(log, ['c1: *2 [0] $"q" [1] $"b"', 'c2: *2 [0] $"q" [1] $"a"']);
  p.send("LPUSH", "other", "o"); // c2 was served: nobody waits on `other` any more
  await tick();
  assert.equal(log.length, 2);
  p.send("RPUSH", "q", "c");
  await tick();
  assert.deepEqual(log.slice(2), ['c3: *2 [0] $"q" [1] $"c"']);
  assert.equal(server.blocking.blockedClients, 0);
});

test("a client blocked on several keys is served from the first one that gets elements", async () => {
  const server = new Server();
  const a = new Client(server), p = new Client(server);
  a.send("BLMPOP", "0", "3", "k1", "k2", "k3", "RIGHT", "COUNT", "2");
  p.send("RPUSH", "k2", "1", "2", "3");
  await tick();
  assert.deepEqual(a.replies, ['*2 [0] $"k2" [1] *2 [0] $"3" [1] $"2"']);
});

test("BLMOVE chains: the element moved wakes a client waiting on the destination", async () => {
  const server = new Server();
  const log: string[] = [];
  const m = new Client(server, undefined, log, "m");
  const w = new Client(server, undefined, log, "w");
  m.send("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0");
  w.send("BRPOPLPUSH", "dst", "final", "0");
  new Client(server).send("RPUSH", "src", "v");
  await tick();
  assert.deepEqual(log, ['m: $"v"', 'w: $"v"']);
  const check = new Client(server).send("LRANGE", "final", "0", "-1").send("EXISTS", "src", "dst");
  assert.deepEqual(check.replies, ['*1 [0] $"v"', ":0"]);
});

test("writes inside MULTI/EXEC wake blocked clients after EXEC, with the final state", async () => {
  const server = new Server();
  const a = new Client(server), b = new Client(server), p = new Client(server);
  a.send("BLPOP", "q", "0");
  b.send("BLPOP", "q", "0");
  p.send("MULTI").send("RPUSH", "q", "1", "2").send("LPOP", "q").send("EXEC");
  await tick();
  assert.deepEqual(a.replies, ['*2 [0] $"q" [1] $"2"']);
  assert.deepEqual(b.replies, []);
  // Pushed and emptied within one transaction: nobody is served.
  p.send("MULTI").send("RPUSH", "q", "x").send("DEL", "q").send("EXEC");
  await tick();
  assert.deepEqual(b.replies, []);
  assert.equal(server.blocking.isBlocked(b.conn.session), true);
});

test("a push from a script wakes blocked clients once the script is done", async () => {
  const server = await createServer();
  const a = new Client(server), p = new Client(server);
  a.send("BLPOP", "q", "0");
  p.send("EVAL", "redis.call('rpush', 'q', 'x', 'y'); return redis.call('lpop', 'q')", "0");
  assert.deepEqual(p.replies, ['$"x"']);
  await tick();
  assert.deepEqual(a.replies, ['*2 [0] $"q" [1] $"y"']);
});

test("a key of another type does not wake a list waiter", async () => {
  const server = new Server();
  const a = new Client(server), p = new Client(server);
  a.send("BLPOP", "k", "0");
  p.send("SET", "k", "str").send("HSET", "h", "f", "v").send("RENAME", "h", "k");
  await tick();
  assert.deepEqual(a.replies, []);
  p.send("DEL", "k").send("RPUSH", "tmp", "e").send("RENAME", "tmp", "k");
  await tick();
  assert.deepEqual(a.replies, ['*2 [0] $"k" [1] $"e"']);
});

test("BLMOVE woken into a destination of the wrong type replies WRONGTYPE", async () => {
  const server = new Server();
  const a = new Client(server), p = new Client(server);
  a.send("BLMOVE", "src", "dst", "LEFT", "LEFT", "0");
  p.send("SET", "dst", "str").send("RPUSH", "src", "v");
  await tick();
  assert.deepEqual(a.replies, [
    "-WRONGTYPE Operation against a key holding the wrong kind of value",
  ]);
  assert.deepEqual(new Client(server).send("LLEN", "src").replies, [":1"]);
});

test("blocking timeouts fire through the connection's timers", async () => {
  const clock = manualClock(1_000_000);
  const server = new Server({ clock });
  const timers = fakeTimers();
  const a = new Client(server, timers);
  a.send("BLPOP", "q", "1.5").send("PING");
  assert.equal(server.blocking.deadlineOf(a.conn.session), 1_001_500);
  assert.equal(timers.pending, 1);
  clock.advance(1_000);
  timers.fire(); // early: re-armed
  await tick();
  assert.deepEqual(a.replies, []);
  assert.equal(timers.pending, 1);
  clock.advance(600);
  timers.fire();
  await tick();
  assert.deepEqual(a.replies, [NIL_ARRAY, "+PONG"]);
  assert.equal(timers.pending, 0);
});

test("a served client's timer is cancelled; timeout 0 arms none", async () => {
  const server = new Server();
  const timers = fakeTimers();
  const a = new Client(server, timers), b = new Client(server, timers);
  a.send("BLPOP", "q", "10");
  b.send("BLPOP", "q", "0");
  assert.equal(timers.pending, 1);
  new Client(server).send("RPUSH", "q", "x");
  await tick();
  assert.equal(timers.pending, 0);
  assert.deepEqual(a.replies, ['*2 [0] $"q" [1] $"x"']);
});

test("a short real timeout replies a null array (RESP2) or a null (RESP3)", async () => {
  const server = new Server();
  const a = new Client(server), b = new Client(server);
  b.send("HELLO", "3");
  const t0 = Date.now();
  a.send("BLMOVE", "q", "d", "LEFT", "LEFT", "0.05");
  b.send("BLPOP", "q", "0.05");
  await new Promise((r) => setTimeout(r, 150));
  assert.deepEqual(a.replies, [NIL_ARRAY]);
  assert.equal(b.replies[1], "(null)");
  assert.ok(Date.now() - t0 >= 50);
  assert.equal(server.blocking.blockedClients, 0);
});

test("a blocked client that disconnects is forgotten; the next waiter is served", async () => {
  const server = new Server();
  const a = new Client(server), b = new Client(server);
  a.send("BLPOP", "q", "0");
  b.send("BLPOP", "q", "0");
  a.conn.close();
  assert.equal(server.blocking.blockedClients, 1);
  new Client(server).send("RPUSH", "q", "x");
  await tick();
  assert.deepEqual(a.replies, []);
  assert.deepEqual(b.replies, ['*2 [0] $"q" [1] $"x"']);
  assert.deepEqual(new Client(server).send("EXISTS", "q").replies, [":0"]);
});

test("commands pipelined behind a blocked one wait, QUIT included", async () => {
  const server = new Server();
  const a = new Client(server);
  a.write("BLPOP q 0\r\nSET k v\r\nQUIT\r\nGET k\r\n");
  assert.deepEqual(new Client(server).send("EXISTS", "k").replies, [":0"]);
  new Client(server).send("LPUSH", "q", "x");
  await tick();
  assert.deepEqual(a.replies, ['*2 [0] $"q" [1] $"x"', "+OK", "+OK"]);
  assert.equal(a.conn.closed, true);
});

test("INFO clients counts blocked clients and keys", () => {
  const server = new Server();
  new Client(server).send("BLPOP", "a", "b", "0");
  new Client(server).send("BLPOP", "b", "5");
  const info = new Client(server).send("INFO", "clients").replies[0];
  assert.match(info, /blocked_clients:2\\r\\n/);
  assert.match(info, /total_blocking_keys:2\\r\\n/);
  assert.match(info, /clients_in_timeout_table:1\\r\\n/);
});

test("direct execute() callers never block: they get the timeout reply at once", () => {
  const server = new Server();
  const s = server.createSession();
  assert.deepEqual(server.execute(s, ["BLPOP", "q", "0"]), NULL_ARRAY);
  assert.deepEqual(server.execute(s, ["BLMOVE", "q", "d", "LEFT", "LEFT", "0"]), NULL_ARRAY);
  assert.equal(server.blocking.blockedClients, 0);
});

test("handleTimeouts times out waiters for drivers without timers", () => {
  const clock = manualClock(5_000);
  const server = new Server({ clock });
  const a = new Client(server, fakeTimers());
  a.send("BLPOP", "q", "1");
  assert.equal(server.blocking.handleTimeouts(6_000), 0);
  assert.equal(server.blocking.handleTimeouts(6_001), 1);
});

test("parseBlockingTimeout: seconds as long doubles, rounded up to whole ms", () => {
  const ctx = { now: 1_000 };
  assert.equal(parseBlockingTimeout(ctx, "0"), 0);
  assert.equal(parseBlockingTimeout(ctx, "1"), 2_000);
  assert.equal(parseBlockingTimeout(ctx, "0.0001"), 1_001); // ceil: 0.1 ms is 1 ms
  assert.equal(parseBlockingTimeout(ctx, "0.1"), 1_100);
  assert.equal(parseBlockingTimeout(ctx, "1.0005"), 2_001);
  assert.equal(parseBlockingTimeout(ctx, "-0.0001"), 0); // ceil(-0.1) is 0: no timeout
  assert.equal(parseBlockingTimeout(ctx, "0x1p-2"), 1_250);
  const err = (arg: string) => {
    try {
      parseBlockingTimeout(ctx, arg);
      return "ok";
    } catch (e) {
      return (e as ReplyError).text;
    }
  };
  assert.equal(err("-1"), "ERR timeout is negative");
  assert.equal(err("-inf"), "ERR timeout is negative");
  assert.equal(err("inf"), "ERR timeout is out of range");
  assert.equal(err("9223372036854775.807"), "ERR timeout is out of range");
  assert.equal(err("9223372036854774.807"), "ok");
  assert.equal(err("nan"), "ERR timeout is not a float or out of range");
  assert.equal(err("1x"), "ERR timeout is not a float or out of range");
});

// ---- the same scenarios against redis-server ----

/** A scenario: commands by named clients, with pauses for timeouts. */
type Scenario = readonly ([string, ...string[]] | number)[];

const SCENARIOS: Record<string, Scenario> = {
  "served in arrival order": [
    ["c1", "BLPOP", "q", "0"],
    ["c2", "BRPOP", "q", "other", "0"],
    ["c3", "BLMPOP", "0", "1", "q", "LEFT", "COUNT", "5"],
    ["p", "RPUSH", "q", "a", "b", "c", "d"],
    ["p", "LRANGE", "q", "0", "-1"],
  ],
  "BLMOVE chain and WRONGTYPE": [
    ["m", "BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"],
    ["w", "BLPOP", "dst", "0"],
    ["x", "BRPOPLPUSH", "s2", "str", "0"],
    ["p", "SET", "str", "v"],
    ["p", "RPUSH", "src", "1", "2"],
    ["p", "RPUSH", "s2", "z"],
    ["p", "LRANGE", "src", "0", "-1"],
  ],
  "transactions and other types": [
    ["a", "BLPOP", "k", "0"],
    ["b", "BLPOP", "k", "0"],
    ["p", "MULTI"],
    ["p", "RPUSH", "k", "1"],
    ["p", "DEL", "k"],
    ["p", "EXEC"],
    ["p", "SET", "k", "s"],
    ["p", "DEL", "k"],
    ["p", "MULTI"],
    ["p", "RPUSH", "k", "1", "2", "3"],
    ["p", "RPOP", "k"],
    ["p", "EXEC"],
    ["p", "EXISTS", "k"],
  ],
  "timeouts and pipelined commands": [
    ["a", "BLPOP", "q", "0.1"],
    ["a", "PING"],
    ["b", "BLMOVE", "q", "d", "LEFT", "LEFT", "0.1"],
    ["c", "BLMPOP", "0.1", "1", "q", "RIGHT"],
    250,
    ["a", "ECHO", "after"],
  ],
};

let redis: Promise<RedisServerHandle> | undefined;
after(async () => {
  if (redis !== undefined) await (await redis).stop();
});

/** Runs a scenario; `send` returns once the command is written. Pauses 30 ms between steps. */
async function play(
  scenario: Scenario,
  send: (client: string, argv: string[], log: string[]) => Promise<void>,
): Promise<string[]> {
  const log: string[] = [];
  for (const step of scenario) {
    if (typeof step === "number") {
      await new Promise((r) => setTimeout(r, step));
      continue;
    }
    const [client, ...argv] = step;
    await send(client, argv, log);
    await new Promise((r) => setTimeout(r, 30));
  }
  return log;
}

function byClient(log: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const l of log) (out[l.slice(0, l.indexOf(":"))] ??= []).push(l);
  return out;
}

function line(client: string, r: Reply): string {
  return `${client}: ${formatReply(r).replace(/\n\s*/g, " ")}`;
}

for (const [name, scenario] of Object.entries(SCENARIOS)) {
  const skip = skipReason();
  test(`blocking scenario matches redis: ${name}`, { skip }, async () => {
    redis ??= startRedisServer();
    const handle = await redis;
    const admin = await RespClient.connect(handle.port);
    await admin.send(["FLUSHALL"]);
    await admin.close();
    const remote = new Map<string, RespClient>();
    const theirs = await play(scenario, async (client, argv, log) => {
      let c = remote.get(client);
      if (c === undefined) remote.set(client, c = await RespClient.connect(handle.port));
      c.send(argv).then((r) => log.push(line(client, r)), () => {});
    });
    for (const c of remote.values()) await c.close();

    const server = new Server();
    const local = new Map<string, { conn: Connection; take: (b: Uint8Array) => void }>();
    const ours = await play(scenario, (client, argv, log) => {
      let c = local.get(client);
      if (c === undefined) {
        const decoder = new ReplyDecoder();
        const take = (b: Uint8Array) => {
          for (const r of decoder.feed(b)) log.push(line(client, r));
        };
        c = { conn: new Connection(server, undefined, { onOutput: take }), take };
        local.set(client, c);
      }
      c.take(c.conn.receive(encodeCommand(argv)));
      return Promise.resolve();
    });
    for (const c of local.values()) c.conn.close();
    // Which client got what, in each client's order (the interleaving of replies to different
    // sockets is not observable).
    assert.deepEqual(byClient(ours), byClient(theirs));
  });
}

test("blocking over a real socket (node:net runtime): late replies reach the client", async () => {
  const { serve } = await import("./runtime/node.ts");
  const server = new Server();
  const handle = await serve(server, { port: 0 });
  try {
    const a = await RespClient.connect(handle.port);
    const b = await RespClient.connect(handle.port);
    const popped = a.send(["BLPOP", "q", "0"]);
    const after = a.send(["ECHO", "after"]);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(server.blocking.blockedClients, 1);
    assert.equal(formatReply(await b.send(["RPUSH", "q", "v"])), ":1");
    assert.equal(formatReply(await popped).replace(/\n\s*/g, " "), '*2 [0] $"q" [1] $"v"');
    assert.equal(formatReply(await after), '$"after"');
    const t = a.send(["BRPOP", "q", "0.05"]);
    assert.equal(formatReply(await t), NIL_ARRAY);
    await a.close();
    await b.close();
  } finally {
    await handle.close();
  }
});
