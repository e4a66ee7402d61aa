/**
 * Starts and stops a real `redis-server` (Debian's 7.0.15) on 127.0.0.1 for twin tests. Test-only:
 * uses node:child_process, node:fs and node:net, which Deno and Bun both provide.
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";
import process from "node:process";

/** A running redis-server started by {@link startRedisServer}. */
export interface RedisServerHandle {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** `7.0.15`, read from the server's startup log. */
  readonly version: string;
  /** `redis` or `valkey` (EVALKIT_REDIS_SERVER may point at a valkey-server binary). */
  readonly flavor: "redis" | "valkey";
  /** Stops the server (SIGTERM, then SIGKILL after 3 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Options for {@link startRedisServer}. */
export interface StartOptions {
  /** Path of the binary; default: {@link findRedisServer}. */
  readonly binary?: string;
  /** Extra `--name value` arguments. */
  readonly args?: readonly string[];
  /** How long to wait for "Ready to accept connections" (default 10 s). */
  readonly readyTimeoutMs?: number;
}

/**
 * Where the redis-server binary is: `$EVALKIT_REDIS_SERVER`, else the first `redis-server` on
 * PATH or in /usr/bin, /usr/sbin, /usr/local/bin.
 *
 * @returns The path, or undefined when there is none.
 */
export function findRedisServer(): string | undefined {
  const explicit = process.env.EVALKIT_REDIS_SERVER;
  if (explicit) return isFile(explicit) ? explicit : undefined;
  const dirs = (process.env.PATH ?? "").split(delimiter).filter((d) => d !== "");
  dirs.push("/usr/bin", "/usr/sbin", "/usr/local/bin");
  for (const dir of dirs) {
    const p = join(dir, "redis-server");
    if (isFile(p)) return p;
  }
  return undefined;
}

function isFile(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => port > 0 ? resolve(port) : reject(new Error("no free port")));
    });
  });
}

// Servers still running, killed synchronously if the process exits without stopping them (a test
// file whose last test was skipped never runs its `after` hook in Deno).
const live = new Map<number, ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const [pid, child] of live) {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      forgetPid(pid);
    }
    live.clear();
  };
  // Node and Bun emit "exit"; `deno test` does not, but dispatches "unload".
  process.on("exit", killAll);
  globalThis.addEventListener?.("unload", killAll);
}

// tools/test.ts sets EVALKIT_TWIN_PID_DIR and kills whatever pid is still listed there when a
// runtime ends: the last safety net against a leaked server.
function recordPid(pid: number): void {
  const dir = process.env.EVALKIT_TWIN_PID_DIR;
  if (!dir) return;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, String(pid)), "redis-server\n");
  } catch {
    // Best effort only.
  }
}

function forgetPid(pid: number): void {
  const dir = process.env.EVALKIT_TWIN_PID_DIR;
  if (!dir) return;
  try {
    rmSync(join(dir, String(pid)), { force: true });
  } catch {
    // Best effort only.
  }
}

/**
 * Starts redis-server on 127.0.0.1 on a free port, without persistence, in the foreground (it is
 * our child; stop it with `handle.stop()`). Retries on another port if the chosen one was taken
 * in the meantime.
 *
 * @param options Binary, extra arguments, ready timeout.
 * @returns A handle once the server accepts connections.
 */
export async function startRedisServer(options: StartOptions = {}): Promise<RedisServerHandle> {
  const binary = options.binary ?? findRedisServer();
  if (binary === undefined) throw new Error("redis-server not found (install redis-server)");
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    try {
      return await startOnPort(binary, port, options);
    } catch (e) {
      lastError = e;
      if (!String((e as Error).message).includes("Address already in use")) break;
    }
  }
  throw lastError;
}

function startOnPort(
  binary: string,
  port: number,
  options: StartOptions,
): Promise<RedisServerHandle> {
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--daemonize",
    "no",
    "--logfile",
    "",
    "--dir",
    tmpDir(),
    ...(options.args ?? []),
  ];
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  const pid = child.pid;
  return new Promise((resolve, reject) => {
    let log = "";
    let settled = false;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    const timer = setTimeout(() => {
      fail(new Error(`redis-server did not start within ${options.readyTimeoutMs ?? 10_000} ms`));
      child.kill("SIGKILL");
    }, options.readyTimeoutMs ?? 10_000);
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (pid !== undefined) {
        live.delete(pid);
        forgetPid(pid);
      }
      reject(e);
    };
    const onData = (chunk: Uint8Array) => {
      // Keep only the start of the log (enough for the version and any startup error).
      if (log.length < 16_384) log += new TextDecoder().decode(chunk);
      if (!settled && log.includes("Ready to accept connections")) {
        settled = true;
        clearTimeout(timer);
        const m = /(Redis|Valkey) version=([0-9.]+)/.exec(log);
        const version = m?.[2] ?? "unknown";
        const flavor = m?.[1] === "Valkey" ? "valkey" : "redis";
        resolve({
          host: "127.0.0.1",
          port,
          pid: pid!,
          version,
          flavor,
          stop: () => stopChild(child, exited),
        });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("error", (e) => fail(e));
    child.once("exit", (code, signal) => {
      if (pid !== undefined) {
        live.delete(pid);
        forgetPid(pid);
      }
      fail(new Error(`redis-server exited (${signal ?? code}) before it was ready:\n${log}`));
    });
    if (pid !== undefined) {
      live.set(pid, child);
      recordPid(pid);
      installExitHook();
    }
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
  await exited;
  clearTimeout(timer);
  // Drop our ends of the pipes so no handle outlives the server.
  child.stdout?.destroy();
  child.stderr?.destroy();
}

function tmpDir(): string {
  return process.env.TMPDIR || "/tmp";
}
