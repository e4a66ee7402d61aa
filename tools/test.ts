/**
 * The test runner behind `deno task test` and `bun run test`: installs what the suite needs, runs
 * every `*_test.ts` under Deno and then under Bun, streams their output, and ends with one line,
 * `N passed, M failed` (both runtimes summed; `, K skipped` after it when tests were skipped).
 * Exits non-zero when a test failed or a runtime crashed or printed no summary.
 *
 * Usage: `deno task test [--only=deno|bun] [files or folders…]` (default: the whole repository).
 * Works on a fresh clone with only Node/npm: `npx --yes deno@2 task test`.
 *
 * Uses node:* APIs only, so the same file runs under Deno and Bun.
 *
 * @module
 */

import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import process from "node:process";

const ROOT = resolve(import.meta.dirname ?? ".", "..");
const BIN = join(ROOT, "node_modules", ".bin");
const SKIP_DIRS = new Set(["node_modules", ".git", ".tmp", "coverage"]);
const LOCK_STAMP = join(ROOT, "node_modules", ".evalkit-lock-sha256");

/** Counts parsed from one runtime's summary. */
export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Parses `deno test`'s closing line: `ok | 5 passed | 0 failed | 2 ignored (12ms)` (the `FAILED`
 * form too).
 *
 * @param output The whole output, colours stripped.
 * @returns The counts, or undefined when there is no summary.
 */
export function parseDenoSummary(output: string): Summary | undefined {
  const re =
    /^(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed(?: \(\d+ steps?\))?(?: \| (\d+) ignored)?/gm;
  let last: RegExpExecArray | undefined;
  for (let m = re.exec(output); m !== null; m = re.exec(output)) last = m;
  if (last === undefined) return undefined;
  return { passed: Number(last[1]), failed: Number(last[2]), skipped: Number(last[3] ?? 0) };
}

/**
 * Parses `bun test`'s closing block (` 5 pass`, ` 1 fail`, ` 2 skip`, ` 1 todo`, then
 * `Ran 9 tests across 3 files.`).
 *
 * @param output The whole output, colours stripped.
 * @returns The counts, or undefined when there is no summary.
 */
export function parseBunSummary(output: string): Summary | undefined {
  const ran = output.lastIndexOf("\nRan ");
  if (ran < 0 || !/^Ran \d+ tests? across \d+ files?/m.test(output.slice(ran + 1))) {
    return undefined;
  }
  // The counts are the lines just before "Ran …".
  const block = output.slice(Math.max(0, output.lastIndexOf("\n\n", ran - 1)), ran);
  const count = (word: string) => {
    const m = new RegExp(`^\\s*(\\d+) ${word}\\b`, "m").exec(block);
    return m === null ? 0 : Number(m[1]);
  };
  return { passed: count("pass"), failed: count("fail"), skipped: count("skip") + count("todo") };
}

/** Removes ANSI colour sequences. */
export function stripAnsi(s: string): string {
  // deno-lint-ignore no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
}

/** Every `*_test.ts` under `dir`, outside node_modules, .git and .tmp, sorted. */
export function findTestFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(join(d, entry.name));
      } else if (entry.isFile() && entry.name.endsWith("_test.ts")) {
        out.push(join(d, entry.name));
      }
    }
  };
  walk(dir);
  return out.sort();
}

function log(line: string): void {
  process.stdout.write(`[test] ${line}\n`);
}

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** `npm install` when node_modules is missing or package-lock.json changed since the last one. */
function ensureNodeModules(): boolean {
  const lock = join(ROOT, "package-lock.json");
  const lockHash = existsSync(lock) ? sha256(lock) : "none";
  const stamp = existsSync(LOCK_STAMP) ? readFileSync(LOCK_STAMP, "utf8").trim() : "";
  const haveBins = existsSync(join(BIN, "deno")) && existsSync(join(BIN, "bun"));
  if (haveBins && stamp === lockHash) return true;
  if (haveBins && stamp === "") {
    // Installed by hand before this runner existed: trust it and remember the lock.
    writeFileSync(LOCK_STAMP, lockHash + "\n");
    return true;
  }
  log(haveBins ? "package-lock.json changed: npm install" : "node_modules missing: npm install");
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (r.status !== 0) {
    log(`npm install failed (${r.error?.message ?? `exit ${r.status}`})`);
    return false;
  }
  // npm may have rewritten the lock: remember the one that is there now.
  writeFileSync(LOCK_STAMP, (existsSync(lock) ? sha256(lock) : "none") + "\n");
  return true;
}

function haveRedisServer(): boolean {
  if (process.env.EVALKIT_REDIS_SERVER) return existsSync(process.env.EVALKIT_REDIS_SERVER);
  const dirs = (process.env.PATH ?? "").split(":").concat(["/usr/bin", "/usr/sbin"]);
  return dirs.some((d) => d !== "" && existsSync(join(d, "redis-server")));
}

/** Installs Debian's redis-server when missing and we can (root + apt-get). */
function ensureRedisServer(): void {
  if (haveRedisServer()) return;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (root && existsSync("/usr/bin/apt-get")) {
    log("redis-server missing: apt-get install -y redis-server");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const install = () =>
      spawnSync("apt-get", ["install", "-y", "-q", "redis-server"], { stdio: "inherit", env });
    if (install().status !== 0) {
      spawnSync("apt-get", ["update", "-q"], { stdio: "inherit", env });
      install();
    }
    // The package starts a system service on port 6379; the tests start their own servers.
  }
  if (!haveRedisServer()) {
    log("redis-server not found and not installable here: twin tests will be SKIPPED");
  }
}

/** Kills the redis-servers a runtime left behind (pids recorded by src/testing/redis_server.ts). */
function killLeftovers(pidDir: string): void {
  if (!existsSync(pidDir)) return;
  for (const name of readdirSync(pidDir)) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 1) continue;
    let cmd = "";
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      // Gone already, or no /proc: only kill what we can identify.
    }
    if (cmd.includes("redis-server")) {
      try {
        process.kill(pid, "SIGKILL");
        log(`killed leftover redis-server ${pid}`);
      } catch {
        // Exited meanwhile.
      }
    }
    rmSync(join(pidDir, name), { force: true });
  }
}

interface RunResult {
  readonly summary: Summary | undefined;
  readonly code: number | null;
}

function runStreaming(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((done) => {
    let output = "";
    // Through sh: Deno's node:child_process runs any binary under node_modules as a JS script.
    const child = spawn("/bin/sh", ["-c", 'exec "$0" "$@"', cmd, ...args], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const collect = (sink: NodeJS.WriteStream) => (chunk: Uint8Array) => {
      sink.write(chunk);
      output += new TextDecoder().decode(chunk);
    };
    child.stdout.on("data", collect(process.stdout));
    child.stderr.on("data", collect(process.stderr));
    child.on("error", (e) => {
      output += `\n${e.message}\n`;
      log(`could not run ${cmd}: ${e.message}`);
    });
    child.on("close", (code) => {
      const plain = stripAnsi(output);
      const isDeno = cmd.endsWith("deno");
      done({ summary: isDeno ? parseDenoSummary(plain) : parseBunSummary(plain), code });
    });
  });
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const only = argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
  const targets = argv.filter((a) => !a.startsWith("--"));
  if (!ensureNodeModules()) {
    console.log("0 passed, 1 failed");
    return 1;
  }
  ensureRedisServer();

  const files = (targets.length === 0 ? [ROOT] : targets.map((t) => resolve(t))).flatMap((t) =>
    statSync(t).isDirectory() ? findTestFiles(t) : [t]
  ).map((f) => "./" + relative(ROOT, f));
  if (files.length === 0) {
    log("no *_test.ts files found");
    console.log("0 passed, 0 failed");
    return 1;
  }
  log(`${files.length} test files`);

  const pidDir = mkdtempSync(join(tmpdir(), "evalkit-twin-"));
  const env = { ...process.env, EVALKIT_TWIN_PID_DIR: pidDir };
  const runs: [string, string, string[]][] = [
    // The whole suite also type-checks and runs mod.ts's @example blocks (Deno only).
    ["deno", join(BIN, "deno"), [
      "test",
      "-A",
      ...(targets.length === 0 ? ["--doc", "./mod.ts"] : []),
      ...files,
    ]],
    ["bun", join(BIN, "bun"), ["test", "--timeout", "60000", ...files]],
  ];
  const total: Summary = { passed: 0, failed: 0, skipped: 0 };
  const problems: string[] = [];
  for (const [name, cmd, args] of runs) {
    if (only !== undefined && only !== name) continue;
    log(`${name} ${args.filter((a) => !a.endsWith("_test.ts")).join(" ")} <${files.length} files>`);
    const { summary, code } = await runStreaming(cmd, args, env);
    killLeftovers(pidDir);
    if (summary === undefined) {
      problems.push(`${name}: no test summary (crashed or did not start; exit ${code})`);
      total.failed++;
      continue;
    }
    log(`${name}: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
    total.passed += summary.passed;
    total.failed += summary.failed;
    total.skipped += summary.skipped;
    if (summary.failed === 0 && code !== 0) {
      problems.push(`${name}: exit code ${code} although no test failed`);
      total.failed++;
    }
  }
  rmSync(pidDir, { recursive: true, force: true });
  for (const p of problems) log(p);
  const skipped = total.skipped > 0 ? `, ${total.skipped} skipped` : "";
  console.log(`${total.passed} passed, ${total.failed} failed${skipped}`);
  return total.failed > 0 ? 1 : 0;
}

if (import.meta.main) process.exitCode = await main();
