/**
 * What the benches share: paths, number formatting, the runtime's name, starting evalkit's RESP
 * server (`src/runtime/main.ts`) as a child process, and running redis-benchmark against a port.
 *
 * @module
 */

import { type ChildProcess, spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { connect } from "node:net";
import { join, resolve } from "node:path";
import process from "node:process";

/** The repository root. */
export const ROOT = resolve(import.meta.dirname ?? ".", "..");
/** node_modules/.bin, where deno and bun are installed. */
export const BIN = join(ROOT, "node_modules", ".bin");
/** The RESP server's entry point. */
export const MAIN = join(ROOT, "src", "runtime", "main.ts");

/** The runtime running this file. */
export function runtimeName(): string {
  const v = process.versions as Record<string, string | undefined>;
  if (v.deno !== undefined) return `deno ${v.deno}`;
  if (v.bun !== undefined) return `bun ${v.bun}`;
  return `node ${process.versions.node}`;
}

/** A figure rounded, with thousands separators; `n/a` when there is none. */
export function fmt(n: number | undefined): string {
  return n === undefined ? "n/a" : Math.round(n).toLocaleString("en-US");
}

/** Resolves true once something accepts connections on 127.0.0.1:`port`, false after the timeout. */
function waitForPort(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((done) => {
    const attempt = () => {
      const s = connect({ port, host: "127.0.0.1" });
      s.once("connect", () => {
        s.destroy();
        done(true);
      });
      s.once("error", () => {
        s.destroy();
        if (Date.now() > deadline) done(false);
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/**
 * Starts `src/runtime/main.ts --port P` under `runtime` (deno or bun from node_modules).
 *
 * @param runtime The runtime.
 * @param port The port to serve on.
 * @returns The child once it listens; undefined (the child killed) when it did not within 20 s.
 */
export async function startEvalkit(
  runtime: "deno" | "bun",
  port: number,
): Promise<ChildProcess | undefined> {
  const args = runtime === "deno"
    ? ["run", "--allow-net", "--allow-read", "--allow-env", MAIN, "--port", String(port)]
    : ["run", MAIN, "--port", String(port)];
  // Through sh: Deno's node:child_process runs any binary under node_modules as a JS script.
  const child = spawn("/bin/sh", ["-c", 'exec "$0" "$@"', join(BIN, runtime), ...args], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (await waitForPort(port, 20_000)) return child;
  child.kill("SIGKILL");
  return undefined;
}

/**
 * Stops a child: SIGTERM, then SIGKILL after 3 s.
 *
 * @param child The child process.
 */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const t = setTimeout(() => child.kill("SIGKILL"), 3_000);
  await exited;
  clearTimeout(t);
}

/**
 * Runs `redis-benchmark -h 127.0.0.1 -p PORT -q -n 100000 -P 16 …args` (at most 5 minutes).
 *
 * @param binary The redis-benchmark binary.
 * @param port The server's port.
 * @param args The test selection (`-t …`) or a custom command.
 * @returns What it printed (one `name: N requests per second` line per test with `-q`).
 */
export function runRedisBenchmark(
  binary: string,
  port: number,
  args: readonly string[],
): SpawnSyncReturns<string> {
  return spawnSync(
    binary,
    ["-h", "127.0.0.1", "-p", String(port), "-q", "-n", "100000", "-P", "16", ...args],
    { encoding: "utf8", timeout: 300_000 },
  );
}
