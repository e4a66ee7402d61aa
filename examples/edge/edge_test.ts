// The edge examples, run as a user would: each entry point in its runtime (a child process on a
// free loopback port), the Workers-style module in-process, and its workerd build when a workerd
// binary is at hand.

import { test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import worker, { createWorker } from "./workers.ts";
import { createServer } from "../../mod.ts";
import { GLUE_WASM_BASE64 } from "../../src/lua/glue_wasm.ts";
import {
  decodeBase64,
  patchNumberFormat,
  TRAMPOLINE_SIGNATURES,
  trampolineBytes,
} from "../../src/lua/wasm_loader.ts";
import { buildWorker } from "./workers_build.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "node_modules", ".bin");
const TOKEN = "example-token";

/** Starts `cmd args` and resolves with the URL it prints. */
function start(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  cwd = ROOT,
): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${cmd} printed no URL in 30 s:\n${out}`));
    }, 30_000);
    const onData = (chunk: Uint8Array) => {
      out += new TextDecoder().decode(chunk);
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve({ child, url: m[1], exited });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Uint8Array) => (out += new TextDecoder().decode(chunk)));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} exited (${code}) before printing its URL:\n${out}`));
    });
  });
}

/** Checks /health, auth and one script, then stops the process with SHUTDOWN. */
async function exercise(url: string, stop: boolean): Promise<void> {
  const health = await fetch(`${url}/health`);
  assert.equal(health.status, 200);
  assert.equal((await health.json()).status, "ok");
  const denied = await fetch(url, { method: "POST", body: '["PING"]' });
  assert.equal(denied.status, 401);
  await denied.body?.cancel();
  const run = (cmd: unknown[]) =>
    fetch(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(cmd),
    }).then((r) => r.json());
  assert.deepEqual(
    await run([
      "EVAL",
      "return {redis.call('INCRBY', KEYS[1], ARGV[1]), tostring(10/2)}",
      1,
      "n",
      7,
    ]),
    { result: [7, "5"] },
  );
  if (stop) assert.deepEqual(await run(["SHUTDOWN", "NOSAVE"]), { result: "OK" });
}

/** A port that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function runExample(cmd: string, args: string[]): Promise<void> {
  const { child, url, exited } = await start(cmd, args, { PORT: "0", EVALKIT_TOKEN: TOKEN });
  try {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    await exercise(url, true);
    // SHUTDOWN stopped the listener: the process ends by itself.
    const code = await Promise.race([
      exited,
      new Promise((r) => setTimeout(() => r("timeout"), 10_000)),
    ]);
    assert.equal(code, 0);
  } finally {
    child.kill();
  }
}

test("examples/edge/deno.ts serves on Deno.serve", () =>
  runExample(join(BIN, "deno"), [
    "run",
    "--allow-net",
    "--allow-env",
    "--allow-read",
    "examples/edge/deno.ts",
  ]));

test("examples/edge/bun.ts serves on Bun.serve", () =>
  runExample(join(BIN, "bun"), ["examples/edge/bun.ts"]));

// tsx transpiles every source file on a cold start: several seconds.
test(
  "examples/edge/node.ts serves on Node with @hono/node-server (tsx)",
  { timeout: 60_000 },
  () => runExample(join(BIN, "tsx"), ["examples/edge/node.ts"]),
);

test("examples/edge/workers.ts is a Workers-style module with per-isolate state", async () => {
  const env = { EVALKIT_TOKEN: TOKEN };
  const health = await worker.fetch(new Request("http://edge/health"), env);
  assert.equal(health.status, 200);
  const call = (w: typeof worker, cmd: unknown[]) =>
    w.fetch(
      new Request("http://edge/", {
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(cmd),
      }),
      env,
    ).then((r) => r.json());
  assert.deepEqual(await call(worker, ["INCR", "hits"]), { result: 1 });
  assert.deepEqual(await call(worker, ["INCR", "hits"]), { result: 2 });
  // Another isolate (another module instance) starts empty.
  assert.deepEqual(await call(createWorker(), ["INCR", "hits"]), { result: 1 });
  assert.deepEqual(
    await call(worker, ["EVAL", "while true do end", 0]).then((r) => r.error.slice(0, 34)),
    "ERR Script exceeded the time limit",
  );
});

test("createWorker hands precompiled wasm to createServer({ lua }), as workerd needs", async () => {
  // What a Workers bundle imports: the patched glue.wasm and the three trampolines, compiled.
  const glue = decodeBase64(GLUE_WASM_BASE64);
  patchNumberFormat(glue);
  const trampolines = Object.fromEntries(
    TRAMPOLINE_SIGNATURES.map((s) => [s, new WebAssembly.Module(trampolineBytes(s))]),
  );
  const w = createWorker({ glue: await WebAssembly.compile(glue), trampolines });
  const res = await w.fetch(
    new Request("http://edge/", {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(["EVAL", "return pcall(error, 'x') and 1 or tostring(10/2)", 0]),
    }),
    { EVALKIT_TOKEN: TOKEN },
  );
  assert.deepEqual(await res.json(), { result: "5" });
  // The option reaches the engine: bytes that are not wasm fail the start-up.
  await assert.rejects(createServer({ lua: { wasm: new Uint8Array([0, 97, 115, 109]) } }));
});

// workerd is not a dependency of the project (about 40 MB): the test runs when one is at hand,
// from EVALKIT_WORKERD or node_modules/.bin/workerd.
const WORKERD = process.env.EVALKIT_WORKERD ??
  (existsSync(join(BIN, "workerd")) ? join(BIN, "workerd") : undefined);

test("the workers.ts build runs on workerd, which forbids compiling wasm at run time", {
  skip: WORKERD === undefined
    ? "no workerd binary (set EVALKIT_WORKERD or npm install workerd)"
    : false,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "evalkit-workerd-"));
  const port = await freePort();
  try {
    buildWorker(dir, port, join(BIN, "deno"));
    const child = spawn(WORKERD!, ["serve", "config.capnp"], {
      cwd: dir,
      env: { ...process.env, EVALKIT_TOKEN: TOKEN },
      stdio: "ignore",
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      for (let i = 0;; i++) {
        const up = await fetch(`${url}/health`).then(() => true, () => false);
        if (up) break;
        if (i === 100) throw new Error("workerd did not start");
        await new Promise((r) => setTimeout(r, 100));
      }
      await exercise(url, false);
    } finally {
      // workerd does not stop on SIGTERM while it serves.
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
