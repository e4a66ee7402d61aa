import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Fixture } from "./fixture.ts";
import { fixtures } from "./fixtures/mod.ts";
import {
  coverageMarkdown,
  formatReport,
  formatTagTable,
  summaryLine,
  toJson,
  toJUnit,
} from "./report.ts";
import type { ConformanceReport, FixtureResult } from "./runner.ts";

const fx = (name: string, tags: string[]): Fixture => ({
  name,
  source: name.split(" ")[0],
  tags,
  steps: [{ cmd: ["PING"], expect: "+PONG" }],
});

const results: FixtureResult[] = [
  { fixture: fx("DOC-001 ok", ["doc"]), outcome: "passed", durationMs: 1 },
  {
    fixture: fx("CALL-1 bad <&>", ["call", "doc"]),
    outcome: "failed",
    durationMs: 2,
    failure: {
      step: 2,
      conn: "b",
      command: ["EVAL", "return 1", "0"],
      expected: ":2",
      actual: ":1\x01",
      path: "$",
      message: ":1, expected :2",
    },
  },
  {
    fixture: fx("CALL-2 skipped", ["call"]),
    outcome: "skipped",
    reason: "target lacks RESP3",
    durationMs: 0,
  },
];

const report: ConformanceReport = {
  target: {
    description: "fake (valkey 8.0.1)",
    flavor: "valkey",
    version: "8.0.1",
    capabilities: new Set(["resp3"]),
    fidelity: "resp",
    notes: {},
  },
  dialect: "valkey",
  results,
  passed: 1,
  failed: 1,
  skipped: 1,
  durationMs: 1234,
};

test("formatReport shows failures, the per-tag table, skip reasons, and the summary last", () => {
  const text = formatReport(report);
  assert.match(text, /^target: fake \(valkey 8\.0\.1\); dialect valkey; 3 fixtures in 1\.2 s/);
  assert.ok(
    text.includes(
      [
        "FAIL CALL-1 bad <&>  (step 2, connection b)",
        '  command:  EVAL "return 1" 0',
        "  at $: :1, expected :2",
        "  expected:",
        "    :2",
        "  actual:",
        "    :1\x01",
      ].join("\n"),
    ),
    text,
  );
  assert.ok(text.includes("skipped:\n  1 × target lacks RESP3\n      CALL-2 skipped"), text);
  assert.equal(text.split("\n").at(-1), "1 passed, 1 failed, 1 skipped");
  assert.equal(summaryLine(report), "1 passed, 1 failed, 1 skipped");
});

test("formatTagTable counts every tag of a fixture, then the total", () => {
  assert.equal(
    formatTagTable(results),
    [
      "tag    passed  failed  skipped",
      "-----  ------  ------  -------",
      "call        0       1        1",
      "doc         1       1        0",
      "(all)       1       1        1",
    ].join("\n"),
  );
});

test("toJson and toJUnit carry every result", () => {
  const json = JSON.parse(toJson(report));
  assert.equal(json.failed, 1);
  assert.deepEqual(json.target.capabilities, ["resp3"]);
  assert.deepEqual(json.results.map((r: { outcome: string }) => r.outcome), [
    "passed",
    "failed",
    "skipped",
  ]);
  const xml = toJUnit(report);
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
  assert.match(xml, /<testsuite name="doc" tests="1" failures="0" skipped="0">/);
  assert.match(xml, /<testcase classname="CALL-1" name="CALL-1 bad &#60;&#38;&#62;"/);
  assert.match(xml, /<failure message=":1, expected :2">/);
  assert.match(xml, /<skipped message="target lacks RESP3"\/>/);
  assert.ok(!xml.includes("\x01"), "control characters are escaped");
});

test("coverageMarkdown lists fixtures, IDs and sources per tag, aligned like deno fmt", () => {
  const md = coverageMarkdown([fx("CALL-1 a", ["call"]), fx("CALL-2 b", ["call"]), {
    ...fx("CALL-4 c", ["call", "x"]),
    covers: ["CALL-3"],
  }]);
  assert.equal(
    md,
    [
      "| tag    | fixtures | IDs covered | fixture sources   |",
      "| ------ | -------: | ----------: | ----------------- |",
      "| `call` |        3 |           4 | CALL-1..2, CALL-4 |",
      "| `x`    |        1 |           2 | CALL-4            |",
      "| (all)  |        3 |           4 |                   |",
    ].join("\n"),
  );
});

const README = fileURLToPath(new URL("../README.md", import.meta.url));

test("the README's coverage table is the generated one", {
  skip: existsSync(README) ? false : "no README.md",
}, () => {
  const text = readFileSync(README, "utf8");
  const m = /<!-- testkit-coverage:start -->\n\n([\s\S]*?)\n\n<!-- testkit-coverage:end -->/.exec(
    text,
  );
  assert.ok(m, "README.md has the testkit-coverage markers");
  assert.equal(m[1], coverageMarkdown(fixtures), "run `deno task conformance --coverage`");
});
