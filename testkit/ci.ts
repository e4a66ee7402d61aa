/**
 * CI for the conformance kit: runs the command line (`testkit/cli.ts`) against in-process evalkit,
 * evalkit's RESP server (`src/runtime/main.ts`, started on a free port) and a real `redis-server`
 * (started on a free port, without persistence), shows each run's report, and ends with one line,
 * `N passed, M failed, K skipped` (the three runs summed). Exits non-zero when a fixture failed,
 * a run crashed, or redis-server is missing and `CI` is set.
 *
 * The evalkit runs use `testkit/evalkit_known_gaps.json`; the redis run uses none: on Redis 7.0
 * the kit skips Valkey-only fixtures and expects each fixture's documented Redis reply, so any
 * failure there is a wrong fixture.
 *
 * Usage: `deno run -A testkit/ci.ts` or `bun testkit/ci.ts`. Test/CI tool: uses node:* APIs.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { findRedisServer, startRedisServer } from "../src/testing/redis_server.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const GAPS = "testkit/evalkit_known_gaps.json";
const isDeno = (globalThis as { Deno?: unknown }).Deno !== undefined;

/** How to run a TypeScript file with the current runtime. */
function runArgs(file: string, args: readonly string[]): string[] {
  return isDeno ? ["run", "-A", file, ...args] : [file, ...args];
}

interface Run {
  readonly label: string;
  readonly summary: string | undefined;
  readonly status: number | null;
}

function runCli(label: string, args: readonly string[]): Promise<Run> {
  console.log(`\n=== conformance: ${label}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, runArgs("testkit/cli.ts", args), {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout!.on("data", (chunk: Uint8Array) => {
      const text = new TextDecoder().decode(chunk);
      out += text;
      process.stdout.write(text);
    });
    child.on("close", (status) => {
      const lines = out.trimEnd().split("\n");
      const last = lines[lines.length - 1] ?? "";
      const ok = /^\d+ passed, \d+ failed, \d+ skipped$/.test(last);
      resolve({ label, summary: ok ? last : undefined, status });
    });
  });
}

/** Starts evalkit's RESP server; resolves with its port and a stop function. */
function startEvalkit(): Promise<{ port: number; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, runArgs("src/runtime/main.ts", ["--port", "0"]), {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    let log = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`evalkit did not start: ${log}`));
    }, 30_000);
    child.stdout!.on("data", (chunk: Uint8Array) => {
      log += new TextDecoder().decode(chunk);
      const m = / listening on (?:\[[^\]]+\]|[^:\s]+):(\d+)/.exec(log);
      if (m !== null) {
        clearTimeout(timer);
        resolve({
          port: Number(m[1]),
          stop: async () => {
            child.kill("SIGTERM");
            await exited;
          },
        });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`evalkit exited (${code}) before listening: ${log}`));
    });
  });
}

async function main(): Promise<number> {
  const runs: Run[] = [];
  let problems = 0;
  runs.push(await runCli("in-process evalkit", ["--target", "in-process", "--known-gaps", GAPS]));

  const evalkit = await startEvalkit();
  try {
    const target = `resp://127.0.0.1:${evalkit.port}`;
    runs.push(
      await runCli(`evalkit's RESP server (${target})`, ["--target", target, "--known-gaps", GAPS]),
    );
  } finally {
    await evalkit.stop();
  }

  if (findRedisServer() === undefined) {
    console.log("\n=== conformance: redis-server is not installed: the real-server run is skipped");
    if (process.env.CI) problems++;
  } else {
    const redis = await startRedisServer();
    try {
      const target = `resp://127.0.0.1:${redis.port}`;
      runs.push(
        await runCli(`${redis.flavor}-server ${redis.version} (${target})`, ["--target", target]),
      );
    } finally {
      await redis.stop();
    }
  }

  let passed = 0, failed = problems, skipped = 0;
  console.log("\n=== conformance summary");
  for (const r of runs) {
    console.log(`${r.label}: ${r.summary ?? `no summary (exit ${r.status})`}`);
    const m = /^(\d+) passed, (\d+) failed, (\d+) skipped$/.exec(r.summary ?? "");
    if (m === null) {
      failed++;
      continue;
    }
    passed += Number(m[1]);
    failed += Number(m[2]);
    skipped += Number(m[3]);
    if (r.status !== 0 && Number(m[2]) === 0) failed++;
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
