import { test } from "node:test";
import assert from "node:assert/strict";
import {
  command,
  mainCommand,
  RawClient,
  REDIS_CLI,
  redisCli,
  type RuntimeName,
  startMain,
} from "./_test_util.ts";

// Each test starts main.ts in a child process under one runtime, whichever runtime runs the test.
const RUNTIMES: readonly RuntimeName[] = ["deno", "bun", "node"];

function skipReason(runtime: RuntimeName, needsCli = false): string | false {
  const cmd = mainCommand(runtime);
  if (typeof cmd === "string") return cmd;
  if (needsCli && REDIS_CLI === undefined) return "redis-cli not installed (Debian redis-tools)";
  return false;
}

for (const runtime of RUNTIMES) {
  test(`main.ts under ${runtime} serves RESP to raw sockets and stops on SIGTERM`, {
    skip: skipReason(runtime),
  }, async () => {
    const proc = await startMain(runtime);
    try {
      assert.match(
        proc.line,
        new RegExp(
          `^evalkit 0\\.1\\.0 listening on 127\\.0\\.0\\.1:${proc.port} \\(${runtime}\\)$`,
        ),
      );
      const c = await RawClient.connect(proc.port);
      c.send(command("PING") + command("SET", "k", "v") + command("GET", "k") + "ECHO inline\r\n");
      assert.deepEqual(await c.read(4), [
        { type: "status", value: "PONG" },
        { type: "status", value: "OK" },
        { type: "bulk", value: "v" },
        { type: "bulk", value: "inline" },
      ]);

      // Many clients at once, each pipelining: every INCR is applied once.
      const clients = await Promise.all(
        Array.from({ length: 20 }, () => RawClient.connect(proc.port)),
      );
      for (const client of clients) client.send(command("INCR", "n").repeat(100));
      for (const client of clients) assert.equal((await client.read(100)).length, 100);
      c.send(command("GET", "n"));
      assert.deepEqual(await c.read(1), [{ type: "bulk", value: "2000" }]);
      for (const client of clients) client.close();

      // A reply far bigger than a socket buffer arrives whole.
      const big = "x".repeat(4 * 1024 * 1024);
      c.send(command("SET", "big", big) + command("GET", "big"));
      assert.deepEqual(await c.read(2, 20_000), [
        { type: "status", value: "OK" },
        { type: "bulk", value: big },
      ]);

      // A protocol error is replied, then the server closes the connection.
      c.send("*1\r\n$2147483648\r\n");
      assert.deepEqual(await c.read(1), [
        { type: "error", value: "ERR Protocol error: invalid bulk length" },
      ]);
      await c.closedByServer();

      const q = await RawClient.connect(proc.port);
      q.send("QUIT\r\nPING\r\n");
      assert.deepEqual(await q.read(1), [{ type: "status", value: "OK" }]);
      await q.closedByServer();

      proc.kill("SIGTERM");
      assert.equal(await proc.exited, 0);
    } finally {
      proc.kill("SIGKILL");
    }
  });

  test(`main.ts under ${runtime} answers redis-cli and exits on SHUTDOWN`, {
    skip: skipReason(runtime, true),
  }, async () => {
    const proc = await startMain(runtime);
    try {
      const port = String(proc.port);
      assert.equal(await redisCli(["-p", port, "PING"]), "PONG\n");
      assert.equal(await redisCli(["-p", port, "SET", "greeting", "hello"]), "OK\n");
      assert.equal(await redisCli(["-p", port, "GET", "greeting"]), "hello\n");
      await redisCli(["-p", port, "SHUTDOWN"]);
      assert.equal(await proc.exited, 0);
    } finally {
      proc.kill("SIGKILL");
    }
  });
}
