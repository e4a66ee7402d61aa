// WAIT on a server without replicas (spec CALL-13; Valkey's replication.c waitCommand): 0 at
// once when no replica is asked for or the client may not block, else 0 when the timeout
// passes; errors in Valkey's order and texts. Blocking goes through a RESP Connection with
// fake timers, as src/blocking_test.ts does.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Server } from "../server.ts";
import { Connection, type ConnectionTimers } from "../protocol/connection.ts";
import { ReplyDecoder } from "../resp/decode.ts";
import { array, error, int, OK, QUEUED, type Reply } from "../resp/reply.ts";
import { formatReply } from "../testing/compare.ts";
import { encodeCommand } from "../testing/resp_client.ts";
import { manualClock } from "../clock.ts";
import { createServer } from "../../mod.ts";

const REPLICA = error(
  "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.",
);

/** Fake timers: `fire()` runs every pending callback; `delays` records what was asked. */
function fakeTimers(): ConnectionTimers & { fire(): void; delays: number[] } {
  const queue = new Map<number, () => void>();
  const delays: number[] = [];
  let id = 0;
  return {
    delays,
    set(cb, ms) {
      delays.push(ms);
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
  };
}

class Client {
  readonly conn: Connection;
  readonly replies: string[] = [];
  readonly #decoder = new ReplyDecoder();

  constructor(server: Server, timers?: ConnectionTimers) {
    this.conn = new Connection(server, undefined, { onOutput: (b) => this.#take(b), timers });
  }

  send(...argv: string[]): this {
    this.#take(this.conn.receive(encodeCommand(argv)));
    return this;
  }

  #take(bytes: Uint8Array): void {
    for (const r of this.#decoder.feed(bytes)) this.replies.push(formatReply(r));
  }
}

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

test("WAIT 0 replies 0 at once; WAIT n>0 replies 0 once its timeout passes", async () => {
  const clock = manualClock(1_700_000_000_000);
  const server = new Server({ clock });
  const timers = fakeTimers();
  const a = new Client(server, timers);
  a.send("WAIT", "0", "0").send("WAIT", "0", "5000");
  assert.deepEqual(a.replies, [":0", ":0"]);
  a.send("WAIT", "1", "250").send("PING");
  assert.deepEqual(a.replies, [":0", ":0"]);
  assert.equal(server.blocking.isBlocked(a.conn.session), true);
  assert.equal(server.blocking.deadlineOf(a.conn.session), 1_700_000_000_250);
  assert.deepEqual(timers.delays, [250]);
  // Writes (another client's or its own keys) do not end the wait: only the deadline does.
  new Client(server).send("SET", "k", "v");
  await tick();
  assert.equal(a.replies.length, 2);
  clock.advance(251);
  timers.fire();
  await tick();
  assert.deepEqual(a.replies, [":0", ":0", ":0", "+PONG"]);
  assert.equal(server.blocking.blockedClients, 0);
});

test("WAIT with timeout 0 blocks until the client goes away", async () => {
  const server = new Server();
  const timers = fakeTimers();
  const a = new Client(server, timers);
  a.send("WAIT", "2", "0");
  assert.equal(server.blocking.isBlocked(a.conn.session), true);
  assert.equal(server.blocking.deadlineOf(a.conn.session), 0);
  assert.deepEqual(timers.delays, []); // no timer: forever
  assert.equal(server.blocking.handleTimeouts(Date.now() + 1e9), 0);
  server.closeSession(a.conn.session);
  assert.equal(server.blocking.blockedClients, 0);
  await tick();
  assert.deepEqual(a.replies, []);
});

test("WAIT never blocks inside MULTI or for a caller that cannot wait", () => {
  const server = new Server();
  const s = server.createSession();
  const run = (...argv: string[]): Reply => server.execute(s, argv);
  assert.deepEqual(run("WAIT", "1", "0"), int(0)); // direct execute(): nothing to wait with
  assert.deepEqual(run("MULTI"), OK);
  assert.deepEqual(run("WAIT", "5", "0"), QUEUED);
  assert.deepEqual(run("EXEC"), array([int(0)]));
  const a = new Client(server);
  a.send("MULTI").send("WAIT", "1", "0").send("EXEC");
  assert.deepEqual(a.replies, ["+OK", "+QUEUED", "*1\n  [0] :0"]);
  assert.equal(server.blocking.blockedClients, 0);
});

test("WAIT called by a script replies the current count at once (CALL-13)", async () => {
  const server = await createServer();
  try {
    const a = new Client(server);
    a.send("EVAL", "return {server.call('wait', '1', '0'), server.call('wait', '0', '10')}", "0");
    assert.deepEqual(a.replies, ["*2\n  [0] :0\n  [1] :0"]);
    assert.equal(server.blocking.blockedClients, 0);
  } finally {
    server.scripting.engine?.close();
  }
});

test("WAIT errors in Valkey's order: replica first, then numreplicas, then timeout", () => {
  const server = new Server();
  const s = server.createSession();
  const run = (...argv: string[]): Reply => server.execute(s, argv);
  const notInt = error("ERR value is not an integer or out of range");
  const timeoutNotInt = error("ERR timeout is not an integer or out of range");
  assert.deepEqual(run("WAIT", "x", "-1"), notInt);
  assert.deepEqual(run("WAIT", "1.5", "0"), notInt);
  assert.deepEqual(run("WAIT", "9223372036854775808", "0"), notInt);
  assert.deepEqual(run("WAIT", "0", "x"), timeoutNotInt);
  assert.deepEqual(run("WAIT", "0", "1.5"), timeoutNotInt);
  assert.deepEqual(run("WAIT", "0", "9223372036854775808"), timeoutNotInt);
  assert.deepEqual(run("WAIT", "0", "-1"), error("ERR timeout is negative"));
  // now + timeout would overflow a long long (Valkey 8; Redis 7.0 has no check).
  assert.deepEqual(
    run("WAIT", "0", "9223372036854775807"),
    error("ERR timeout is out of range"),
  );
  assert.deepEqual(run("WAIT", "-3", "100"), int(0)); // 0 acks >= -3
  assert.deepEqual(run("WAIT", "1"), error("ERR wrong number of arguments for 'wait' command"));
  const replica = new Server({ replicaOf: "10.0.0.1 6379" });
  const r = replica.createSession();
  assert.deepEqual(replica.execute(r, ["WAIT", "x", "x"]), REPLICA);
  assert.deepEqual(replica.execute(r, ["WAIT", "0", "0"]), REPLICA);
});
