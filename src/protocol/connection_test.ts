import { test } from "node:test";
import assert from "node:assert/strict";
import { Server } from "../server.ts";
import { Connection } from "./connection.ts";

function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function text(u: Uint8Array): string {
  let s = "";
  for (const b of u) s += String.fromCharCode(b);
  return s;
}

/** Sends `input` in one chunk to a fresh connection; returns the output and the connection. */
function run(input: string, server = new Server()): { out: string; conn: Connection } {
  const conn = new Connection(server);
  return { out: text(conn.receive(bytes(input))), conn };
}

/** Sends `input` byte by byte; returns the concatenated output. */
function runByteByByte(input: string, server = new Server()): { out: string; conn: Connection } {
  const conn = new Connection(server);
  let out = "";
  for (const c of input) out += text(conn.receive(bytes(c)));
  return { out, conn };
}

/** Both ways must give `expected` and the same closed state. */
function check(input: string, expected: string, closed: boolean): void {
  for (const { out, conn } of [run(input), runByteByByte(input)]) {
    assert.equal(out, expected);
    assert.equal(conn.closed, closed);
  }
}

const PING = "*1\r\n$4\r\nPING\r\n";

test("Connection answers pipelined commands in order, in one output", () => {
  check(
    PING + "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n" + PING,
    "+PONG\r\n+OK\r\n$5\r\nhello\r\n+PONG\r\n",
    false,
  );
});

test("Connection inline commands", () => {
  check(
    'PING\r\nECHO "a b"\r\n\r\nSET k v\nGET k\r\n',
    "+PONG\r\n$3\r\na b\r\n+OK\r\n$1\r\nv\r\n",
    false,
  );
});

test("Connection unknown command error", () => {
  check("foo a b\r\n", "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n", false);
});

test("Connection QUIT replies +OK, closes, and ignores what follows", () => {
  check(PING + "QUIT\r\n" + PING, "+PONG\r\n+OK\r\n", true);
  const { conn } = run("QUIT\r\n");
  assert.equal(conn.receive(bytes(PING)).length, 0);
});

test("Connection protocol error: earlier commands run, the error is replied, then closed", () => {
  check(
    PING + "*1\r\n$x\r\n" + PING,
    "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n",
    true,
  );
  check("*1\r\n$2147483648\r\n", "-ERR Protocol error: invalid bulk length\r\n", true);
  check('ECHO "a\r\n', "-ERR Protocol error: unbalanced quotes in request\r\n", true);
  check("*1\r\n+x\r\n", "-ERR Protocol error: expected '$', got '+'\r\n", true);
});

test("Connection protocol errors count as error replies", () => {
  const server = new Server();
  const before = server.stats.totalErrorReplies;
  run("*z\r\n", server);
  assert.equal(server.stats.totalErrorReplies, before + 1);
});

test("Connection waits for the rest of a split command", () => {
  const conn = new Connection(new Server());
  assert.equal(text(conn.receive(bytes("*2\r\n$4\r\nECHO\r\n$5\r\nhel"))), "");
  assert.equal(text(conn.receive(bytes("lo\r\nPI"))), "$5\r\nhello\r\n");
  assert.equal(text(conn.receive(bytes("NG\r\n"))), "+PONG\r\n");
  assert.equal(conn.closed, false);
});

test("Connection switches protocol after HELLO 3, for the rest of the pipeline", () => {
  const { out } = run("*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\nGET missing\r\n");
  assert.ok(out.startsWith("%7\r\n$6\r\nserver\r\n"), out);
  assert.ok(out.endsWith("_\r\n"), out);
  assert.ok(run("GET missing\r\n").out === "$-1\r\n");
});

test("Connection applies the unauthenticated limits until AUTH succeeds", () => {
  const server = new Server({ requirepass: "secret" });
  const eleven = "*11\r\n" + "$1\r\na\r\n".repeat(11);
  assert.equal(
    run(PING + eleven, server).out,
    "-NOAUTH Authentication required.\r\n" +
      "-ERR Protocol error: unauthenticated multibulk length\r\n",
  );
  const { out, conn } = run("AUTH secret\r\n" + eleven, server);
  assert.equal(
    out,
    "+OK\r\n-ERR unknown command 'a', with args beginning with: 'a' 'a' 'a' 'a' 'a' 'a' 'a' 'a' 'a' 'a' \r\n",
  );
  assert.equal(conn.closed, false);
});

test("Connection SHUTDOWN closes without a reply and notifies the runtime", () => {
  const server = new Server();
  let notified = 0;
  server.onShutdown = () => notified++;
  const { out, conn } = run(PING + "SHUTDOWN NOSAVE\r\n" + PING, server);
  assert.equal(out, "+PONG\r\n");
  assert.equal(conn.closed, true);
  assert.equal(notified, 1);
});

test("Connection close() forgets the session on the server", () => {
  const server = new Server();
  const conn = new Connection(server);
  assert.ok(server.sessions.has(conn.session));
  conn.close();
  conn.close();
  assert.equal(server.sessions.has(conn.session), false);
  assert.equal(conn.closed, true);
});

/** A server whose execute() fails on BOGUS (a reply the encoder does not know) and THROW. */
function faultyServer(logged: string[]): Server {
  const server = new Server({ log: (level, message) => level === 3 && logged.push(message) });
  const execute = server.execute.bind(server);
  server.execute = (session, argv) => {
    if (argv[0] === "BOGUS") return { type: "bogus" } as unknown as ReturnType<typeof execute>;
    if (argv[0] === "THROW") throw new RangeError("injected failure");
    return execute(session, argv);
  };
  return server;
}

test("Connection answers exceptions with ERR internal error, logs them and serves on", () => {
  const input = "BOGUS\r\nPING\r\n*2\r\n$5\r\nTHROW\r\n$1\r\nx\r\nECHO hi\r\n";
  const expected = "-ERR internal error: not a reply: type bogus\r\n+PONG\r\n" +
    "-ERR internal error: injected failure\r\n$2\r\nhi\r\n";
  for (const send of [run, runByteByByte]) {
    const logged: string[] = [];
    const { out, conn } = send(input, faultyServer(logged));
    assert.equal(out, expected);
    assert.equal(conn.closed, false);
    assert.equal(logged.length, 2);
    assert.match(logged[0], /^internal error while encoding a reply \(client in-process\): /);
    assert.match(logged[1], /^internal error while running 'THROW' .*RangeError: injected/s);
  }
});
