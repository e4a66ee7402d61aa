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
import { ReplyDecoder } from "../resp/decode.ts";
import type { Reply } from "../resp/reply.ts";
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
