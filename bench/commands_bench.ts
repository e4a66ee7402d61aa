/**
 * Command throughput: in-process `Server.execute()` ops/s, then `redis-benchmark` against
 * evalkit's RESP server (under Deno and under Bun) and a real redis-server, side by side with
 * ratios. Figures are printed, never asserted.
 *
 * Run: `deno task bench` / `bun run bench` (all benches), or `deno run -A bench/commands_bench.ts`.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { createServer } from "../mod.ts";
import { freePort, startRedisServer } from "../src/testing/redis_server.ts";
import type { Bytes } from "../src/bytes.ts";
import { fmt, MAIN, runRedisBenchmark, runtimeName, startEvalkit, stop } from "./_util.ts";

// ---- in-process ----

/** Runs `op` for about `ms` milliseconds (after a warm-up) and returns calls per second. */
function opsPerSecond(op: (i: number) => void, ms = 1_000): number {
  for (let i = 0; i < 20_000; i++) op(i);
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 10_000; i++) op(n + i);
    n += 10_000;
    elapsed = performance.now() - start;
  }
  return (n / elapsed) * 1_000;
}

/** In-process `execute()` ops/s for PING, SET, GET, INCR (commands not implemented are listed). */
export async function benchInProcess(): Promise<void> {
  const server = await createServer();
  const session = server.createSession();
  const exists = (argv: Bytes[]) => {
    const r = server.execute(session, argv);
    return !(r.type === "error" && r.value.startsWith("ERR unknown command"));
  };
  console.log(`\n## in-process Server.execute() (${runtimeName()})\n`);
  console.log("| command | ops/s |");
  console.log("|---|---:|");
  const cases: [string, Bytes[], (i: number) => Bytes[]][] = [
    ["PING", ["PING"], () => ["PING"]],
    ["SET k v", ["SET", "k", "v"], (i) => ["SET", `key:${i & 1023}`, "value"]],
    ["GET k", ["GET", "k"], (i) => ["GET", `key:${i & 1023}`]],
    ["INCR k", ["INCR", "counter"], () => ["INCR", "counter"]],
  ];
  const missing: string[] = [];
  for (const [label, probe, argv] of cases) {
    if (!exists(probe)) {
      missing.push(label.split(" ")[0]);
      continue;
    }
    const ops = opsPerSecond((i) => server.execute(session, argv(i)));
    console.log(`| ${label} | ${fmt(ops)} |`);
  }
  if (missing.length > 0) console.log(`\n(not implemented yet: ${missing.join(", ")})`);
}

// ---- redis-benchmark ----

const TESTS = ["SET", "GET", "INCR", "MSET (10 keys)"];

function findRedisBenchmark(): string | undefined {
  const dirs = (process.env.PATH ?? "").split(":").concat(["/usr/bin"]);
  for (const d of dirs) {
    if (d !== "" && existsSync(join(d, "redis-benchmark"))) return join(d, "redis-benchmark");
  }
  return undefined;
}

/** Runs redis-benchmark and returns requests/s per test name. */
function redisBenchmark(binary: string, port: number): Map<string, number> {
  const r = runRedisBenchmark(binary, port, ["-t", "set,get,incr,mset"]);
  const out = new Map<string, number>();
  for (const line of `${r.stdout ?? ""}`.split(/[\r\n]+/)) {
    const m = /^(.+?): ([0-9.]+) requests per second/.exec(line.trim());
    if (m !== null) out.set(m[1], Number(m[2]));
  }
  if (out.size === 0) console.log(`redis-benchmark printed no figures: ${r.stderr ?? r.error}`);
  return out;
}

/** redis-benchmark against evalkit (Deno, Bun) and redis-server, with ratios to redis. */
export async function benchRedisBenchmark(): Promise<void> {
  const binary = findRedisBenchmark();
  console.log("\n## redis-benchmark -q -n 100000 -P 16 -t set,get,incr,mset (requests/s)\n");
  if (binary === undefined) {
    console.log("(skipped: redis-benchmark not installed; apt-get install redis-tools)");
    return;
  }
  const columns: [string, Map<string, number> | undefined][] = [];
  try {
    const redis = await startRedisServer();
    try {
      columns.push([`redis-server ${redis.version}`, redisBenchmark(binary, redis.port)]);
    } finally {
      await redis.stop();
    }
  } catch (e) {
    console.log(`(redis-server: ${(e as Error).message})`);
  }
  for (const runtime of ["deno", "bun"] as const) {
    const label = `evalkit on ${runtime}`;
    if (!existsSync(MAIN)) {
      columns.push([label, undefined]);
      continue;
    }
    const port = await freePort();
    const child = await startEvalkit(runtime, port);
    if (child === undefined) {
      console.log(`(${label}: the RESP server did not listen on port ${port})`);
      columns.push([label, undefined]);
      continue;
    }
    try {
      columns.push([label, redisBenchmark(binary, port)]);
    } finally {
      await stop(child);
    }
  }
  const base = columns.find(([l]) => l.startsWith("redis-server"))?.[1];
  const header = columns.map(([l]) => l);
  console.log(`| test | ${header.join(" | ")} |`);
  console.log(`|---|${header.map(() => "---:").join("|")}|`);
  for (const t of TESTS) {
    const cells = columns.map(([l, m]) => {
      const v = m?.get(t);
      if (v === undefined) return m === undefined ? "n/a" : "–";
      const ratio = base?.get(t) !== undefined && !l.startsWith("redis-server")
        ? ` (${(v / base.get(t)!).toFixed(2)}x)`
        : "";
      return `${fmt(v)}${ratio}`;
    });
    console.log(`| ${t} | ${cells.join(" | ")} |`);
  }
  if (!existsSync(MAIN)) console.log("\n(n/a: src/runtime/main.ts does not exist yet)");
}

/** Runs this file's benches. */
export async function main(): Promise<void> {
  await benchInProcess();
  await benchRedisBenchmark();
}

if (import.meta.main) await main();
