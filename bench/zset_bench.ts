/**
 * Sorted-set scaling: ZADD (score update of an existing member), ZRANGEBYSCORE (10 members from a
 * random score) and ZRANK (a random member) at 1k, 100k and 1M members, in ops/s for
 *
 * - evalkit in-process (`Server.execute()`, no network),
 * - evalkit's RESP server (Deno) and a real redis-server, both driven by `redis-benchmark`
 *   with the same custom commands (`-P 16`, random members/scores via `__rand_int__`),
 *
 * all from the same run. A skiplist costs O(log n) per operation: going from 1k to 1M members
 * (1000× more) should cost a small constant factor, not 1000×; the last column of each table
 * shows that factor. Figures are printed, never asserted.
 *
 * Run: `deno run -A bench/zset_bench.ts` (or `bun bench/zset_bench.ts`); `--quick` stops at
 * 100k members.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import process from "node:process";
import type { Bytes } from "../src/bytes.ts";
import { Server } from "../src/server.ts";
import { freePort, startRedisServer } from "../src/testing/redis_server.ts";
import { RespClient } from "../src/testing/resp_client.ts";
import { mulberry32 } from "../src/types/_test_rng.ts";
import { fmt, MAIN, runRedisBenchmark, runtimeName, startEvalkit, stop } from "./_util.ts";

const SIZES = process.argv.includes("--quick") ? [1_000, 100_000] : [1_000, 100_000, 1_000_000];
const COMMANDS = ["ZADD", "ZRANGEBYSCORE", "ZRANK"] as const;
type Command = (typeof COMMANDS)[number];

/** redis-benchmark's `__rand_int__` text: 12 digits, zero-padded. */
function member(i: number): Bytes {
  return `m:${String(i).padStart(12, "0")}`;
}

/** ZADD batches that give member i the score i, for i < n. */
function* loadCommands(n: number): Generator<Bytes[]> {
  for (let from = 0; from < n; from += 1000) {
    const argv: Bytes[] = ["ZADD", "z"];
    for (let i = from; i < Math.min(n, from + 1000); i++) argv.push(String(i), member(i));
    yield argv;
  }
}

// ---- in-process ----

function commandFor(cmd: Command, n: number, random: () => number): Bytes[] {
  const r = () => Math.floor(random() * n);
  switch (cmd) {
    case "ZADD":
      return ["ZADD", "z", String(r()), member(r())];
    case "ZRANGEBYSCORE":
      return ["ZRANGEBYSCORE", "z", String(r()), "+inf", "LIMIT", "0", "10"];
    case "ZRANK":
      return ["ZRANK", "z", member(r())];
  }
}

/** Ops/s of `cmd` on a sorted set of `n` members, in-process, over about `ms` milliseconds. */
function inProcess(server: Server, cmd: Command, n: number, ms = 1_000): number {
  const session = server.createSession();
  const random = mulberry32(n);
  const argvs = Array.from({ length: 65_536 }, () => commandFor(cmd, n, random));
  for (let i = 0; i < 20_000; i++) server.execute(session, argvs[i & 65_535]);
  let done = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 5_000; i++) server.execute(session, argvs[(done + i) & 65_535]);
    done += 5_000;
    elapsed = performance.now() - start;
  }
  return (done / elapsed) * 1_000;
}

// ---- over RESP ----

function redisBenchmarkArgs(cmd: Command): string[] {
  switch (cmd) {
    case "ZADD":
      return ["ZADD", "z", "__rand_int__", "m:__rand_int__"];
    case "ZRANGEBYSCORE":
      return ["ZRANGEBYSCORE", "z", "__rand_int__", "+inf", "LIMIT", "0", "10"];
    case "ZRANK":
      return ["ZRANK", "z", "m:__rand_int__"];
  }
}

/** requests/s of redis-benchmark running `cmd` (random values below n) against `port`. */
function redisBenchmark(port: number, cmd: Command, n: number): number | undefined {
  const r = runRedisBenchmark("redis-benchmark", port, [
    "-r",
    String(n),
    ...redisBenchmarkArgs(cmd),
  ]);
  const m = /([0-9.]+) requests per second/.exec(`${r.stdout ?? ""}`);
  return m === null ? undefined : Number(m[1]);
}

/** Loads the sorted set through a client, pipelining the batches. */
async function loadOverResp(port: number, n: number): Promise<void> {
  const client = await RespClient.connect(port, "127.0.0.1");
  try {
    await client.send(["DEL", "z"]);
    const pending: Promise<unknown>[] = [];
    for (const argv of loadCommands(n)) {
      pending.push(client.send(argv));
      if (pending.length >= 32) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
  } finally {
    await client.close();
  }
}

/** figures[size][command] for one target. */
type Figures = Map<number, Map<Command, number | undefined>>;

async function overResp(port: number): Promise<Figures> {
  const out: Figures = new Map();
  for (const n of SIZES) {
    await loadOverResp(port, n);
    const row = new Map<Command, number | undefined>();
    for (const cmd of COMMANDS) row.set(cmd, redisBenchmark(port, cmd, n));
    out.set(n, row);
  }
  return out;
}

/** Runs the bench and prints one table per command. */
export async function main(): Promise<void> {
  console.log(`\n## sorted sets: ops/s by size (${runtimeName()})\n`);
  const inproc: Figures = new Map();
  for (const n of SIZES) {
    const server = new Server();
    const session = server.createSession();
    const t = performance.now();
    for (const argv of loadCommands(n)) server.execute(session, argv);
    const loadMs = performance.now() - t;
    const row = new Map<Command, number | undefined>();
    for (const cmd of COMMANDS) row.set(cmd, inProcess(server, cmd, n));
    inproc.set(n, row);
    console.log(`(in-process load of ${fmt(n)} members: ${fmt(loadMs)} ms)`);
  }

  const haveBenchmark = spawnSync("redis-benchmark", ["--version"]).status === 0;
  let redis: Figures | undefined;
  let evalkit: Figures | undefined;
  let redisVersion = "";
  if (haveBenchmark) {
    const server = await startRedisServer();
    redisVersion = server.version;
    try {
      redis = await overResp(server.port);
    } finally {
      await server.stop();
    }
    if (existsSync(MAIN)) {
      const port = await freePort();
      const child = await startEvalkit("deno", port);
      if (child !== undefined) {
        try {
          evalkit = await overResp(port);
        } finally {
          await stop(child);
        }
      }
    }
  } else {
    console.log("(redis-benchmark not installed: RESP columns skipped)");
  }

  for (const cmd of COMMANDS) {
    console.log(`\n### ${cmd}\n`);
    console.log(
      `| members | evalkit in-process | evalkit RESP (deno, redis-benchmark -P 16) | redis-server ${redisVersion} (same) |`,
    );
    console.log("|---:|---:|---:|---:|");
    for (const n of SIZES) {
      const cells = [inproc, evalkit, redis].map((f) => fmt(f?.get(n)?.get(cmd)));
      console.log(`| ${fmt(n)} | ${cells.join(" | ")} |`);
    }
    const first = SIZES[0], last = SIZES[SIZES.length - 1];
    const slow = [inproc, evalkit, redis].map((f) => {
      const a = f?.get(first)?.get(cmd), b = f?.get(last)?.get(cmd);
      return a === undefined || b === undefined ? "n/a" : `${(a / b).toFixed(2)}x`;
    });
    console.log(`| slowdown ${fmt(first)} → ${fmt(last)} | ${slow.join(" | ")} |`);
  }
}

if (import.meta.main) await main();
