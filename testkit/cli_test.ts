import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const isDeno = (globalThis as { Deno?: unknown }).Deno !== undefined;

/** Runs the CLI under the current runtime. */
function cli(...args: string[]): Promise<{ status: number | null; out: string; err: string }> {
  const argv = isDeno ? ["run", "-A", "testkit/cli.ts", ...args] : ["testkit/cli.ts", ...args];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    child.stdout!.on("data", (c: Uint8Array) => (out += new TextDecoder().decode(c)));
    child.stderr!.on("data", (c: Uint8Array) => (err += new TextDecoder().decode(c)));
    child.on("close", (status) => resolve({ status, out, err }));
  });
}

const lastLine = (s: string) => s.trimEnd().split("\n").at(-1);

test("cli: a passing selection exits 0 with the summary last and progress on stderr", async () => {
  const r = await cli("--target", "in-process", "--only", "DOC-001,DOC-035");
  assert.equal(r.status, 0, r.out + r.err);
  assert.equal(lastLine(r.out), "2 passed, 0 failed, 0 skipped");
  assert.match(r.out, /^target: in-process \(valkey /);
  assert.match(r.out, /\(all\)\s+2\s+0\s+0/);
  assert.match(r.err, /\[1\/2\] DOC-001 first EVAL/);
});

test("cli: a failing fixture exits 1 and shows both typed replies", async () => {
  // In the redis dialect evalkit's (Valkey) NOSCRIPT text is a failure.
  const r = await cli("--target", "in-process", "--only", "DOC-007", "--dialect", "redis");
  assert.equal(r.status, 1, r.out + r.err);
  assert.match(r.out, /FAIL DOC-007 NOSCRIPT for an unknown sha {2}\(step 1, connection a\)/);
  assert.match(
    r.out,
    /expected:\n {4}-NOSCRIPT No matching script\. Please use EVAL\.\n {2}actual:\n {4}-NOSCRIPT No matching script\.\n/,
  );
  assert.equal(lastLine(r.out), "0 passed, 1 failed, 0 skipped");
});

test("cli: --report junit --out writes the file; known gaps turn failures into skips", async () => {
  const dir = mkdtempSync(join(tmpdir(), "evalkit-kit-"));
  try {
    const out = join(dir, "kit.xml");
    const r = await cli(
      "--target",
      "in-process",
      "--tags",
      "memory",
      "--known-gaps",
      "testkit/evalkit_known_gaps.json",
      "--report",
      "junit",
      "--out",
      out,
    );
    assert.equal(r.status, 0, r.out + r.err);
    assert.match(r.out, /known gap \(#5\)/);
    const xml = readFileSync(out, "utf8");
    assert.match(xml, /<testsuites name="conformance in-process/);
    assert.match(xml, /<testcase classname="MEM-1"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("cli: --report json without --out owns stdout; --list and --coverage", async () => {
  const r = await cli("--target", "in-process", "--only", "DOC-001", "--report", "json");
  assert.equal(r.status, 0, r.err);
  const json = JSON.parse(r.out);
  assert.equal(json.passed, 1);
  assert.equal(lastLine(r.err), "1 passed, 0 failed, 0 skipped");
  const list = await cli("--list", "--tags", "libraries");
  assert.match(list.out, /^LIB-1 cjson\.encode {2}\[libraries\]$/m);
  const cov = await cli("--coverage");
  assert.match(cov.out, /^\| `doc` +\| +\d+ \|/m);
});

test("cli: usage errors exit 2", async () => {
  assert.equal((await cli()).status, 2);
  assert.equal((await cli("--target", "ftp://x")).status, 2);
  assert.equal((await cli("--target", "in-process", "--report", "xml")).status, 2);
  assert.equal((await cli("--bogus", "1")).status, 2);
  const help = await cli("--help");
  assert.equal(help.status, 0);
  assert.match(help.out, /^usage: cli\.ts --target/);
});
