/**
 * The conformance kit's command line, for Deno, Bun and Node:
 *
 * ```sh
 * deno task conformance --target resp://127.0.0.1:6379
 * deno task conformance --target in-process --tags doc --report junit --out conformance.xml
 * bun testkit/cli.ts --target http://127.0.0.1:8080 --token secret
 * ```
 *
 * Options: `--target <in-process[:cluster]|resp://host:port|http(s)://…>` (required), `--tags a,b` (only
 * fixtures with one of these tags), `--exclude-tags a,b`, `--only <names, IDs or globs>`,
 * `--report json|junit` with `--out <file>` (stdout without it), `--known-gaps <file.json>`,
 * `--dialect valkey|redis` (default: from the target's INFO), `--timeout <ms>` per reply,
 * `--token <bearer>` for HTTP, `--list` (print the selected fixtures), `--coverage` (print the
 * per-tag coverage table in Markdown). A progress line is written to stderr while running; the
 * last line of output is `N passed, M failed, K skipped`. Exit status: 0 when nothing failed, 1
 * when a fixture failed, 2 for usage errors or an unreachable target.
 *
 * @module
 */

import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import type { Fixture } from "./fixture.ts";
import { fixtures as allFixtures } from "./fixtures/mod.ts";
import { coverageMarkdown, formatReport, summaryLine, toJson, toJUnit } from "./report.ts";
import { type Dialect, type KnownGap, runConformance, select } from "./runner.ts";
import { targetFromString } from "./targets.ts";

const USAGE =
  `usage: cli.ts --target <in-process[:cluster]|resp://host:port|http(s)://host[:port][/path]>
  [--tags a,b] [--exclude-tags a,b] [--only name|ID|glob,...]
  [--report json|junit] [--out file] [--known-gaps file.json] [--dialect valkey|redis]
  [--timeout ms] [--token bearer] [--list] [--coverage]`;

interface Args {
  target?: string;
  tags?: string[];
  excludeTags?: string[];
  only?: string[];
  report?: "json" | "junit";
  out?: string;
  knownGaps?: string;
  dialect?: Dialect;
  timeoutMs?: number;
  token?: string;
  list: boolean;
  coverage: boolean;
}

function parseArgs(argv: readonly string[]): Args | string {
  const a: Args = { list: false, coverage: false };
  const list = (v: string) => v.split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--help" || flag === "-h") return USAGE;
    if (flag === "--list") {
      a.list = true;
      continue;
    }
    if (flag === "--coverage") {
      a.coverage = true;
      continue;
    }
    const eq = flag.indexOf("=");
    const name = eq > 0 ? flag.slice(0, eq) : flag;
    const value = eq > 0 ? flag.slice(eq + 1) : argv[++i];
    if (value === undefined) return `missing value for ${name}\n${USAGE}`;
    switch (name) {
      case "--target":
        a.target = value;
        break;
      case "--tags":
        a.tags = list(value);
        break;
      case "--exclude-tags":
        a.excludeTags = list(value);
        break;
      case "--only":
        a.only = list(value);
        break;
      case "--report":
        if (value !== "json" && value !== "junit") return `--report is json or junit\n${USAGE}`;
        a.report = value;
        break;
      case "--out":
        a.out = value;
        break;
      case "--known-gaps":
        a.knownGaps = value;
        break;
      case "--dialect":
        if (value !== "valkey" && value !== "redis") return `--dialect is valkey or redis`;
        a.dialect = value;
        break;
      case "--timeout":
        a.timeoutMs = Number(value);
        if (!Number.isInteger(a.timeoutMs) || a.timeoutMs <= 0) return `bad --timeout ${value}`;
        break;
      case "--token":
        a.token = value;
        break;
      default:
        return `unknown option ${name}\n${USAGE}`;
    }
  }
  return a;
}

function readGaps(path: string): KnownGap[] {
  const data = JSON.parse(readFileSync(path, "utf8"));
  const gaps = Array.isArray(data) ? data : data?.gaps;
  if (!Array.isArray(gaps)) throw new Error(`${path}: expected an array of known gaps`);
  return gaps as KnownGap[];
}

/** A progress line: rewritten in place on a terminal, every tenth of the run otherwise. */
function progress(total: number): (i: number, name: string) => void {
  const tty = process.stderr.isTTY === true;
  let lastShown = -1;
  return (i, name) => {
    if (tty) {
      const line = `[${i}/${total}] ${name}`;
      const width = process.stderr.columns ?? 100;
      process.stderr.write(`\r\x1b[K${line.length >= width ? line.slice(0, width - 1) : line}`);
      if (i === total) process.stderr.write("\r\x1b[K");
    } else {
      const step = Math.floor((i * 10) / total);
      if (step !== lastShown && (i === 1 || step > lastShown)) {
        lastShown = step;
        process.stderr.write(`[${i}/${total}] ${name}\n`);
      }
    }
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    const help = args === USAGE;
    (help ? process.stdout : process.stderr).write(args + "\n");
    return help ? 0 : 2;
  }
  const selected: Fixture[] = select(allFixtures, args);
  if (args.coverage) {
    process.stdout.write(coverageMarkdown(selected) + "\n");
    return 0;
  }
  if (args.list) {
    for (const f of selected) process.stdout.write(`${f.name}  [${f.tags.join(", ")}]\n`);
    process.stdout.write(`${selected.length} fixtures\n`);
    return 0;
  }
  if (args.target === undefined) {
    process.stderr.write(`--target is required\n${USAGE}\n`);
    return 2;
  }
  let target;
  let knownGaps: KnownGap[] = [];
  try {
    target = targetFromString(args.target, { token: args.token });
    if (args.knownGaps !== undefined) knownGaps = readGaps(args.knownGaps);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const show = progress(selected.length);
  let report;
  try {
    report = await runConformance({
      target,
      fixtures: selected,
      knownGaps,
      dialect: args.dialect,
      timeoutMs: args.timeoutMs,
      onProgress: (e) => {
        if (e.result === undefined) show(e.index, e.fixture.name);
      },
    });
  } catch (e) {
    process.stderr.write(`\ncannot run against ${args.target}: ${(e as Error).message}\n`);
    return 2;
  }
  const text = formatReport(report);
  if (args.report !== undefined) {
    const body = args.report === "json" ? toJson(report) + "\n" : toJUnit(report);
    if (args.out !== undefined) {
      writeFileSync(args.out, body);
      process.stdout.write(text + "\n");
    } else {
      // The report owns stdout; the readable text goes to stderr, the summary line last.
      process.stderr.write(text.slice(0, text.lastIndexOf("\n")) + "\n");
      process.stdout.write(body);
      process.stderr.write(summaryLine(report) + "\n");
    }
  } else {
    process.stdout.write(text + "\n");
  }
  return report.failed === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
