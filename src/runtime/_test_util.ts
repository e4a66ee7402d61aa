/**
 * Test helpers for the RESP server runtimes: a raw socket client that decodes replies with
 * evalkit's ReplyDecoder, and a launcher for `main.ts` under Deno, Bun or Node. Test-only.
 *
 * @module
 */

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { connect, type Socket } from "node:net";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import assert from "node:assert/strict";
import { Connection } from "../protocol/connection.ts";
import { ReplyDecoder } from "../resp/decode.ts";
import type { Reply } from "../resp/reply.ts";
import { createServer } from "../../mod.ts";
import { Server } from "../server.ts";
import type { ServeHandle, ServeOptions } from "./_common.ts";

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** Encodes a byte string. */
export function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Encodes argv as a RESP multibulk command (a byte string). */
export function command(...argv: string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

/** A raw TCP client: writes bytes, collects decoded replies, notices when the server closes. */
export class RawClient {
  readonly #socket: Socket;
  readonly #decoder = new ReplyDecoder();
  readonly #replies: Reply[] = [];
  #closed = false;
  #wake: (() => void) | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("data", (chunk: Uint8Array) => {
      this.#replies.push(...this.#decoder.feed(chunk));
      this.#wake?.();
    });
    socket.on("close", () => {
      this.#closed = true;
      this.#wake?.();
    });
    socket.on("error", () => {});
  }

  /** Connects to 127.0.0.1:`port`. */
  static connect(port: number, host = "127.0.0.1"): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new RawClient(socket));
      });
    });
  }

  /** Writes a byte string. */
  send(data: string): void {
    this.#socket.write(bytes(data));
  }

  /** Waits for `n` more replies (in order). */
  async read(n: number, timeoutMs = 5000): Promise<Reply[]> {
    await this.#until(() => this.#replies.length >= n || this.#closed, timeoutMs);
    if (this.#replies.length < n) {
      throw new Error(`expected ${n} replies, got ${this.#replies.length} before close`);
    }
    return this.#replies.splice(0, n);
  }

  /** Resolves once the server has closed the connection. */
  async closedByServer(timeoutMs = 5000): Promise<void> {
    await this.#until(() => this.#closed, timeoutMs);
  }

  /** Closes the client side. */
  close(): void {
    this.#socket.destroy();
  }

  async #until(done: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for the server");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }
}

/** A runtime main.ts can run under. */
export type RuntimeName = "deno" | "bun" | "node";

/** The command line that runs main.ts under `runtime`, or a reason it cannot here. */
export function mainCommand(runtime: RuntimeName): { cmd: string; args: string[] } | string {
  const main = "src/runtime/main.ts";
  switch (runtime) {
    case "deno": {
      const deno = `${ROOT}node_modules/.bin/deno`;
      if (!existsSync(deno)) return "node_modules/.bin/deno not installed";
      return { cmd: deno, args: ["run", "--allow-net", "--allow-read", "--allow-env", main] };
    }
    case "bun": {
      const bun = `${ROOT}node_modules/.bin/bun`;
      if (!existsSync(bun)) return "node_modules/.bin/bun not installed";
      return { cmd: bun, args: ["run", main] };
    }
    case "node":
      if (!existsSync(`${ROOT}node_modules/tsx`)) return "tsx not installed (npm install)";
      return { cmd: "node", args: ["--import", "tsx", main] };
  }
}

/** A running main.ts. */
export interface MainProcess {
  readonly port: number;
  /** The line main.ts printed. */
  readonly line: string;
  /** Resolves with the exit code once the process is gone. */
  readonly exited: Promise<number | null>;
  /** Sends a signal (default SIGTERM). */
  kill(signal?: NodeJS.Signals): void;
}

/** Starts main.ts under `runtime` with `--port 0` and waits for its "listening" line. */
export function startMain(
  runtime: RuntimeName,
  extraArgs: readonly string[] = [],
  timeoutMs = 30_000,
): Promise<MainProcess> {
  const command = mainCommand(runtime);
  if (typeof command === "string") return Promise.reject(new Error(command));
  const child: ChildProcess = spawn(command.cmd, [...command.args, "--port", "0", ...extraArgs], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code))
  );
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${runtime}: no listening line after ${timeoutMs} ms\n${out}${err}`));
    }, timeoutMs);
    child.stderr!.on("data", (d: Uint8Array) => err += new TextDecoder().decode(d));
    child.stdout!.on("data", (d: Uint8Array) => {
      out += new TextDecoder().decode(d);
      const m = /^evalkit \S+ listening on [^\n]*:(\d+) \((deno|bun|node)\)\n/.exec(out);
      if (m === null) return;
      clearTimeout(timer);
      resolve({
        port: Number(m[1]),
        line: m[0].trimEnd(),
        exited,
        kill: (signal = "SIGTERM") => {
          // process.kill, not child.kill: Deno's child_process reports a child it signalled as
          // killed by the signal even when the child handled it and exited with 0.
          try {
            if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, signal);
          } catch { /* already gone */ }
        },
      });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${runtime}: exited with ${code} before listening\n${out}${err}`));
    });
  });
}

/** Where redis-cli is, or undefined when it is not installed. */
export const REDIS_CLI: string | undefined = ["/usr/bin/redis-cli", "/usr/local/bin/redis-cli"]
  .find((p) => existsSync(p));

/** Runs redis-cli with `args` and resolves with its stdout. */
export function redisCli(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    if (REDIS_CLI === undefined) return reject(new Error("redis-cli not installed"));
    execFile(REDIS_CLI, [...args], { timeout: 10_000 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(String(stdout));
    });
  });
}

/** The `serve()` shape the three runtime modules export. */
export type ServeFunction = (
  server: Server,
  options?: ServeOptions,
) => Promise<ServeHandle>;

/**
 * Registers the tests every runtime's `serve()` must pass.
 *
 * @param name Runtime name for the test titles.
 * @param load Imports the runtime module (only called when not skipped).
 * @param skip False, or why these tests cannot run here.
 */
export function serveSuite(
  name: string,
  load: () => Promise<ServeFunction>,
  skip: string | false,
): void {
  test(`${name} serve() answers clients on a free port and records their addresses`, {
    skip,
  }, async () => {
    const serve = await load();
    const handle = await serve(new Server(), { port: 0 });
    try {
      assert.ok(handle.port > 0);
      assert.equal(handle.hostname, "127.0.0.1");
      const c = await RawClient.connect(handle.port);
      c.send(command("PING") + "CLIENT INFO\r\n");
      const [pong, info] = await c.read(2);
      assert.deepEqual(pong, { type: "status", value: "PONG" });
      assert.equal(info.type, "bulk");
      assert.match(
        (info as { value: string }).value,
        new RegExp(` addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:${handle.port} `),
      );
      c.close();
    } finally {
      await handle.close();
    }
  });

  test(`${name} serve() expires keys actively, without any access to them`, {
    skip,
  }, async () => {
    const serve = await load();
    const handle = await serve(new Server(), { port: 0 });
    try {
      const c = await RawClient.connect(handle.port);
      c.send(command("SET", "k", "v", "PX", "50") + command("SET", "keep", "v"));
      await c.read(2);
      // DBSIZE never expires keys itself: only the periodic cycle can bring it down.
      const deadline = Date.now() + 3000;
      let size: Reply | undefined;
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        c.send(command("DBSIZE"));
        size = (await c.read(1))[0];
        if (size.type === "integer" && size.value === 1) break;
      }
      assert.deepEqual(size, { type: "integer", value: 1 });
      c.close();
    } finally {
      await handle.close();
    }
  });

  test(`${name} serve() delivers large pipelined output in order to a slow reader`, {
    skip,
  }, async () => {
    const serve = await load();
    const handle = await serve(new Server(), { port: 0 });
    try {
      const value = "v".repeat(256 * 1024);
      const c = await RawClient.connect(handle.port);
      c.send(command("SET", "k", value));
      assert.equal((await c.read(1))[0].type, "status");
      // 100 x 256 KiB of replies requested at once: far more than the socket buffers hold.
      c.send((command("GET", "k") + command("INCR", "n")).repeat(100));
      await new Promise((r) => setTimeout(r, 200));
      const replies = await c.read(200, 30_000);
      for (let i = 0; i < 100; i++) {
        assert.deepEqual(replies[2 * i], { type: "bulk", value });
        assert.deepEqual(replies[2 * i + 1], { type: "integer", value: i + 1 });
      }
      c.close();
    } finally {
      await handle.close();
    }
  });

  test(`${name} serve() close() disconnects clients and resolves finished`, {
    skip,
  }, async () => {
    const serve = await load();
    const handle = await serve(new Server(), { port: 0 });
    const clients = await Promise.all([1, 2, 3].map(() => RawClient.connect(handle.port)));
    for (const c of clients) c.send(command("PING"));
    for (const c of clients) await c.read(1);
    await handle.close();
    await handle.finished;
    for (const c of clients) await c.closedByServer();
    await assert.rejects(RawClient.connect(handle.port));
  });

  test(`${name} serve() answers the ~8000-level reply of a self-referencing table (CONV-9)`, {
    skip,
  }, async () => {
    const serve = await load();
    const server = await createServer();
    const handle = await serve(server, { port: 0 });
    try {
      const script = "local a = {}; local b = {a}; a[1] = b; return a";
      const c = await RawClient.connect(handle.port);
      for (const resp of [2, 3]) {
        if (resp === 3) {
          c.send(command("HELLO", "3"));
          assert.equal((await c.read(1))[0].type, "map");
        }
        c.send(command("EVAL", script, "0") + command("PING"));
        const [reply, pong] = await c.read(2, 30_000);
        // redis-server 7.0.15 sends 7995 levels, then `-ERR reached lua stack limit` (the spec
        // allows an approximate depth).
        let r = reply;
        let depth = 0;
        while (r.type === "array") {
          assert.equal(r.value.length, 1, `level ${depth}`);
          r = r.value[0];
          depth++;
        }
        assert.ok(depth >= 1998, `depth ${depth}`);
        assert.deepEqual(r, { type: "error", value: "ERR reached lua stack limit" });
        assert.deepEqual(pong, { type: "status", value: "PONG" });
      }
      c.close();
    } finally {
      await handle.close();
      server.scripting.engine?.close();
    }
  });

  test(`${name} serve() answers exceptions with an internal error and serves on`, {
    skip,
  }, async () => {
    const serve = await load();
    const logged: string[] = [];
    const server = new Server({ log: (level, message) => level === 3 && logged.push(message) });
    // Faults no real command produces: a reply the encoder does not know, an exception that
    // escapes execute().
    const execute = server.execute.bind(server);
    server.execute = (session, argv) => {
      if (argv[0] === "BOGUS") return { type: "bogus" } as unknown as Reply;
      if (argv[0] === "THROW") throw new Error("injected failure");
      return execute(session, argv);
    };
    const handle = await serve(server, { port: 0 });
    try {
      const a = await RawClient.connect(handle.port);
      const b = await RawClient.connect(handle.port);
      a.send(command("BOGUS") + command("PING") + command("THROW") + command("SET", "k", "v"));
      assert.deepEqual(await a.read(4), [
        { type: "error", value: "ERR internal error: not a reply: type bogus" },
        { type: "status", value: "PONG" },
        { type: "error", value: "ERR internal error: injected failure" },
        { type: "status", value: "OK" },
      ]);
      b.send(command("GET", "k"));
      assert.deepEqual(await b.read(1), [{ type: "bulk", value: "v" }]);
      assert.equal(logged.length, 2);
      assert.match(logged[0], /^internal error while encoding a reply \(client 127\.0\.0\.1:/);
      assert.match(logged[1], /^internal error while running 'THROW' .*injected failure/s);
      a.close();
      b.close();
    } finally {
      await handle.close();
    }
  });

  test(`${name} serve() survives exceptions in blocking timeouts and late replies`, {
    skip,
  }, async () => {
    const serve = await load();
    const logged: string[] = [];
    const server = new Server({ log: (level, message) => level === 3 && logged.push(message) });
    const handle = await serve(server, { port: 0 });
    const timeOut = server.blocking.timeOut.bind(server.blocking);
    try {
      const other = await RawClient.connect(handle.port);
      // A late reply the encoder cannot write: the client gets the internal error instead and
      // its connection goes on.
      server.blocking.timeOut = (session) =>
        server.blocking.unblock(session, { type: "bogus" } as unknown as Reply);
      const a = await RawClient.connect(handle.port);
      a.send(command("BLPOP", "list", "0.05") + command("PING"));
      assert.deepEqual(await a.read(2), [
        { type: "error", value: "ERR internal error: not a reply: type bogus" },
        { type: "status", value: "PONG" },
      ]);
      // The timer itself throws: the blocked state is unknown, so the client gets the error,
      // then its connection is closed.
      server.blocking.timeOut = () => {
        throw new Error("injected timer failure");
      };
      const c = await RawClient.connect(handle.port);
      c.send(command("BLPOP", "list", "0.05"));
      assert.deepEqual(await c.read(1), [
        { type: "error", value: "ERR internal error: injected timer failure" },
      ]);
      await c.closedByServer();
      other.send(command("PING"));
      assert.deepEqual(await other.read(1), [{ type: "status", value: "PONG" }]);
      assert.equal(logged.length, 2);
      assert.match(logged[1], /timing out a blocked command.*injected timer failure/s);
      a.close();
      other.close();
    } finally {
      server.blocking.timeOut = timeOut;
      await handle.close();
    }
  });

  test(`${name} serve() answers an exception from Connection.receive, then drops that client`, {
    skip,
  }, async () => {
    const serve = await load();
    const logged: string[] = [];
    const server = new Server({ log: (level, message) => level === 3 && logged.push(message) });
    const handle = await serve(server, { port: 0 });
    // The runtime's last resort, for a bug in Connection itself.
    const receive = Object.getOwnPropertyDescriptor(Connection.prototype, "receive")!;
    Object.defineProperty(Connection.prototype, "receive", {
      ...receive,
      value(this: Connection, chunk: Uint8Array): Uint8Array {
        if (String.fromCharCode(...chunk).includes("CRASH")) throw new Error("injected bug");
        return receive.value.call(this, chunk);
      },
    });
    try {
      const other = await RawClient.connect(handle.port);
      const c = await RawClient.connect(handle.port);
      c.send("CRASH\r\n");
      assert.deepEqual(await c.read(1), [
        { type: "error", value: "ERR internal error: injected bug" },
      ]);
      await c.closedByServer();
      other.send(command("PING"));
      assert.deepEqual(await other.read(1), [{ type: "status", value: "PONG" }]);
      assert.equal(logged.length, 1);
      assert.match(logged[0], /^internal error while handling input from 127\.0\.0\.1:/);
      other.close();
    } finally {
      Object.defineProperty(Connection.prototype, "receive", receive);
      await handle.close();
    }
  });

  test(`${name} serve() stops on SHUTDOWN`, { skip }, async () => {
    const serve = await load();
    const server = new Server();
    const handle = await serve(server, { port: 0 });
    const other = await RawClient.connect(handle.port);
    const c = await RawClient.connect(handle.port);
    c.send(command("SHUTDOWN", "NOSAVE"));
    await c.closedByServer();
    await handle.finished;
    await other.closedByServer();
    assert.equal(server.shutdownRequested, true);
  });
}
