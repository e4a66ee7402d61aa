/**
 * EVALSHA over HTTP in the Upstash REST dialect: requests/s of the Hono handler called in-process
 * (`app.fetch`, no network), then served by `examples/edge/deno.ts` (Deno.serve) and
 * `examples/edge/bun.ts` (Bun.serve) in their own process on loopback, loaded over keep-alive
 * connections by `wrk` when it is installed (`apt-get install -y wrk`), else by concurrent
 * `fetch` calls from this process (which then shares the CPU with nothing but the server).
 * Figures are printed, never asserted.
 *
 * Run: `deno run -A bench/http_bench.ts` or `bun bench/http_bench.ts`.
 *
 * @module
 */

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { createServer } from "../mod.ts";
import { createHandler } from "../src/http/handler.ts";
import { BIN, fmt, ROOT } from "./_util.ts";

const TOKEN = "bench-token";
const SCRIPT = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
const SECONDS = 5;
const CONNECTIONS = 32;

function body(sha: string): string {
  return JSON.stringify(["EVALSHA", sha, "1", "counter", "1"]);
}

/** In-process: `app.fetch(request)` in a loop (routing, JSON, session, script; no socket). */
async function inProcess(): Promise<{ evalsha: number; ping: number }> {
  const server = await createServer();
  const app = createHandler(server, { token: TOKEN });
  const headers = { Authorization: `Bearer ${TOKEN}` };
  const load = await app.fetch(
    new Request("http://bench/", {
      method: "POST",
      headers,
      body: JSON.stringify(["SCRIPT", "LOAD", SCRIPT]),
    }),
  );
  const sha = (await load.json()).result as string;
  const rate = async (text: string) => {
    const one = async () => {
      const res = await app.fetch(
        new Request("http://bench/", { method: "POST", headers, body: text }),
      );
      if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    };
    for (let i = 0; i < 5_000; i++) await one();
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < 2_000) {
      for (let i = 0; i < 1_000; i++) await one();
      n += 1_000;
    }
    return (n / (performance.now() - start)) * 1_000;
  };
  const out = { evalsha: await rate(body(sha)), ping: await rate('["PING"]') };
  server.scripting.engine?.close();
  return out;
}

/** Starts an example server and resolves with its URL. */
function startExample(cmd: string, args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", EVALKIT_TOKEN: TOKEN },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Uint8Array) => {
      out += new TextDecoder().decode(chunk);
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m !== null) resolve({ child, url: m[1] });
    });
    child.once("exit", (code) => reject(new Error(`${cmd} exited (${code}): ${out}`)));
  });
}

function hasWrk(): boolean {
  return spawnSync("wrk", ["--version"], { stdio: "ignore" }).error === undefined;
}

/** `wrk` against `url` POSTing `text`; requests/s. */
function wrk(url: string, text: string): number {
  const dir = mkdtempSync(join(tmpdir(), "evalkit-wrk-"));
  try {
    const lua = join(dir, "post.lua");
    writeFileSync(
      lua,
      [
        'wrk.method = "POST"',
        `wrk.body = ${JSON.stringify(text)}`,
        `wrk.headers["Authorization"] = "Bearer ${TOKEN}"`,
        'wrk.headers["Content-Type"] = "application/json"',
        "",
      ].join("\n"),
    );
    const r = spawnSync("wrk", ["-t1", `-c${CONNECTIONS}`, `-d${SECONDS}s`, "-s", lua, url], {
      encoding: "utf8",
    });
    const out = r.stdout ?? "";
    if (/Non-2xx/.test(out)) throw new Error(`wrk saw errors:\n${out}`);
    const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
    if (m === null) throw new Error(`wrk output not understood:\n${out}${r.stderr ?? ""}`);
    return Number(m[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Concurrent keep-alive fetches from this process; requests/s. */
async function fetchLoad(url: string, text: string): Promise<number> {
  const init = {
    method: "POST",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
    body: text,
  };
  let n = 0;
  const end = performance.now() + SECONDS * 1_000;
  const start = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < end) {
      const res = await fetch(url, init);
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      await res.arrayBuffer();
      n++;
    }
  }));
  return (n / (performance.now() - start)) * 1_000;
}

/** Runs the bench and prints a Markdown table. */
export async function main(): Promise<void> {
  const useWrk = hasWrk();
  const tool = useWrk
    ? `wrk -t1 -c${CONNECTIONS} -d${SECONDS}s`
    : `${CONNECTIONS} concurrent fetch() loops for ${SECONDS} s (wrk not installed)`;
  console.log(`EVALSHA over HTTP (Upstash REST dialect), loopback, keep-alive; load: ${tool}`);
  console.log(`script: ${SCRIPT}\n`);
  const rows: [string, number, number][] = [];
  const local = await inProcess();
  rows.push(["in-process app.fetch (no socket), this runtime", local.evalsha, local.ping]);
  const servers: [string, string, string[]][] = [
    ["Deno.serve (examples/edge/deno.ts)", join(BIN, "deno"), [
      "run",
      "-A",
      "examples/edge/deno.ts",
    ]],
    ["Bun.serve (examples/edge/bun.ts)", join(BIN, "bun"), ["examples/edge/bun.ts"]],
  ];
  for (const [label, cmd, args] of servers) {
    const { child, url } = await startExample(cmd, args);
    try {
      const loaded = await fetch(url, {
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(["SCRIPT", "LOAD", SCRIPT]),
      });
      const sha = (await loaded.json()).result as string;
      const run = (text: string) => useWrk ? Promise.resolve(wrk(url, text)) : fetchLoad(url, text);
      // Warm-up (JIT, connection pools), not counted.
      await run(body(sha));
      rows.push([label, await run(body(sha)), await run('["PING"]')]);
    } finally {
      child.kill();
    }
  }
  console.log("| server | EVALSHA req/s | PING req/s |");
  console.log("|---|---:|---:|");
  for (const [label, evalsha, ping] of rows) {
    console.log(`| ${label} | ${fmt(evalsha)} | ${fmt(ping)} |`);
  }
}

if (import.meta.main) await main();
