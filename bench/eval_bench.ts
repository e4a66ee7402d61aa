/**
 * Scripting throughput in-process, through `Server.execute()` (the whole path a client command
 * takes: lookup, EVAL front end, script cache, run context, Lua engine, server.call), all in the
 * same run:
 *
 * - (a) EVALSHA of `return server.call('INCR', KEYS[1])`
 * - (b) EVAL of the same body (the cache-hit path: the body's SHA1 is computed every time)
 * - (c) a script making 10 server.call's
 * - (d) cjson.decode + cjson.encode of a 1 KB object
 * - (e) a sliding-window rate limiter (ZREMRANGEBYSCORE, ZCARD, ZADD, EXPIRE), once the zset
 *   commands are registered
 *
 * plus two reference rows that bound (a): INCR alone through execute(), and the Lua engine alone
 * running (a)'s script with a stub host. Each figure is a timed loop of at least one second after
 * a warm-up. Figures are printed, never asserted.
 *
 * Run: `deno run -A bench/eval_bench.ts`, `bun run bench/eval_bench.ts`,
 * `node --import tsx bench/eval_bench.ts` (or all benches: `deno task bench` / `bun run bench`).
 *
 * @module
 */

import process from "node:process";
import { fileURLToPath } from "node:url";
import { createServer } from "../mod.ts";
import type { Bytes } from "../src/bytes.ts";
import { ReplyError } from "../src/errors.ts";
import { int, type Reply } from "../src/resp/reply.ts";
import { fmt, runtimeName } from "./_util.ts";

/** Wall-clock and process-CPU throughput of one case. */
interface Rate {
  /** Calls per second of wall-clock time. */
  readonly wall: number;
  /** Calls per second of this process's CPU time (user + system): steadier on a busy machine. */
  readonly cpu: number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1_000;
}

/** Calls `op` for at least `ms` milliseconds after a warm-up; returns calls per second. */
function opsPerSecond(op: (i: number) => void, ms = 1_000): Rate {
  const warm = performance.now();
  for (let i = 0; performance.now() - warm < 200; i++) op(i);
  let n = 0;
  const start = performance.now();
  const cpuStart = cpuMs();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 2_000; i++) op(n + i);
    n += 2_000;
    elapsed = performance.now() - start;
  }
  return { wall: (n / elapsed) * 1_000, cpu: (n / (cpuMs() - cpuStart)) * 1_000 };
}

const INCR = "return server.call('INCR', KEYS[1])";
const TEN_CALLS = "local k = KEYS[1] for i = 1, 10 do server.call('INCR', k) end return 10";
const JSON_ROUND_TRIP = "return cjson.encode(cjson.decode(ARGV[1]))";
// The classic sliding-window limiter: ARGV = now (ms), window (ms), limit, request id.
const RATE_LIMITER = `
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
server.call('ZREMRANGEBYSCORE', key, 0, now - window)
local allowed = 0
if server.call('ZCARD', key) < limit then
  server.call('ZADD', key, now, ARGV[4])
  allowed = 1
end
server.call('EXPIRE', key, math.ceil(window / 1000))
return allowed`;

/** A JSON object of about 1 KB: nested objects, arrays, numbers, strings, booleans, null. */
function jsonDocument(): string {
  const items = [];
  for (let i = 0; i < 8; i++) {
    items.push({ id: i, name: `item-${i}`, price: 9.5 + i, tags: ["a", "b"], ok: i % 2 === 0 });
  }
  const doc = { user: { id: 1234, name: "Ada Lovelace", email: "ada@example.com" }, items };
  let s = JSON.stringify(doc);
  while (s.length < 1_000) s = JSON.stringify({ ...doc, pad: "x".repeat(1_000 - s.length) });
  return s;
}

/** Runs the scripting benches and prints a Markdown table. */
export async function main(): Promise<void> {
  const server = await createServer();
  const session = server.createSession();
  const run = (argv: Bytes[]): Reply => server.execute(session, argv);
  const mustOk = (argv: Bytes[]): Reply => {
    const r = run(argv);
    if (r.type === "error") throw new Error(`${argv.join(" ")}: ${r.value}`);
    return r;
  };
  const registered = (...names: string[]) =>
    names.every((n) => {
      const found = server.lookup([n]);
      return !(found instanceof ReplyError && found.text.startsWith("ERR unknown command"));
    });

  console.log(`\n## scripting, in-process Server.execute() (${runtimeName()})\n`);
  console.log("| case | ops/s | ops per CPU-second | notes |");
  console.log("|---|---:|---:|---|");
  const row = (label: string, r: Rate, notes = "") =>
    console.log(`| ${label} | ${fmt(r.wall)} | ${fmt(r.cpu)} | ${notes} |`);

  const incrSha = (mustOk(["SCRIPT", "LOAD", INCR]) as { value: Bytes }).value;
  const evalsha: Bytes[] = ["EVALSHA", incrSha, "1", "counter:a"];
  row("(a) EVALSHA `return server.call('INCR', KEYS[1])`", opsPerSecond(() => run(evalsha)));

  const evalBody: Bytes[] = ["EVAL", INCR, "1", "counter:b"];
  row("(b) EVAL of the same body (cache hit)", opsPerSecond(() => run(evalBody)), "SHA1 per call");

  const tenSha = (mustOk(["SCRIPT", "LOAD", TEN_CALLS]) as { value: Bytes }).value;
  const ten: Bytes[] = ["EVALSHA", tenSha, "1", "counter:c"];
  const tenOps = opsPerSecond(() => run(ten));
  row("(c) EVALSHA, 10 × server.call('INCR')", tenOps, `${fmt(tenOps.wall * 10)} calls/s`);

  const doc = jsonDocument();
  const jsonSha = (mustOk(["SCRIPT", "LOAD", JSON_ROUND_TRIP]) as { value: Bytes }).value;
  const json: Bytes[] = ["EVALSHA", jsonSha, "0", doc];
  const echoed = mustOk(json);
  if (echoed.type !== "bulk" || echoed.value.length !== doc.length) {
    throw new Error(`cjson round trip changed the document: ${JSON.stringify(echoed)}`);
  }
  row(
    "(d) cjson.decode + cjson.encode, 1 KB object",
    opsPerSecond(() => run(json)),
    `${doc.length} bytes`,
  );

  if (registered("zadd", "zremrangebyscore", "zcard", "expire")) {
    const limiterSha = (mustOk(["SCRIPT", "LOAD", RATE_LIMITER]) as { value: Bytes }).value;
    // 100 requests per 1 s window; "now" advances 1 ms per request, so the window slides.
    const ops = opsPerSecond((i) =>
      run(["EVALSHA", limiterSha, "1", "ratelimit:user1", String(i), "1000", "100", `r${i}`])
    );
    row("(e) sliding-window rate limiter", ops, "ZREMRANGEBYSCORE, ZCARD, ZADD, EXPIRE");
  } else {
    console.log("| (e) sliding-window rate limiter | skipped: needs zsets | | |");
  }

  // Reference rows: what (a) costs at least.
  const incr: Bytes[] = ["INCR", "counter:d"];
  row("(ref) INCR alone through execute()", opsPerSecond(() => run(incr)));
  const engine = server.scripting.engine;
  const script = server.scripting.cache.get(incrSha);
  if (engine !== undefined && script !== undefined) {
    let n = 0;
    const stub = { call: () => int(++n) };
    const keys = ["counter:e"];
    row(
      "(ref) Lua engine alone, (a)'s script, stub host",
      opsPerSecond(() => engine.run(script.handle, keys, [], stub)),
      "count hook installed",
    );
  }
  engine?.close();
}

function isEntryPoint(): boolean {
  const meta = import.meta as ImportMeta & { main?: boolean };
  if (meta.main !== undefined) return meta.main;
  // Node (tsx) has no import.meta.main.
  return process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
}

if (isEntryPoint()) await main();
