/**
 * Reports of a conformance run: readable text (failures with typed replies and the path of the
 * first difference, a per-tag table, skip reasons, the summary line), JSON and JUnit XML, and the
 * per-tag coverage table of the fixtures themselves (the README's).
 *
 * @module
 */

import { formatArgv } from "./compare.ts";
import { coveredIds, type Fixture } from "./fixture.ts";
import type { ConformanceReport, FixtureResult } from "./runner.ts";

function indent(text: string, by: string): string {
  return text.split("\n").map((l) => by + l).join("\n");
}

/**
 * One failed fixture, with the step, the command, both typed replies and where they differ.
 *
 * @param r A result with a failure.
 * @returns Several lines.
 */
export function formatFailure(r: FixtureResult): string {
  const f = r.failure;
  const head = `FAIL ${r.fixture.name}`;
  if (f === undefined) return head;
  const lines = [
    `${head}  (${f.step === 0 ? "setup" : `step ${f.step}`}${
      f.conn ? `, connection ${f.conn}` : ""
    })`,
  ];
  if (f.command !== undefined) lines.push(`  command:  ${formatArgv(f.command)}`);
  lines.push(`  ${f.path === undefined ? "" : `at ${f.path}: `}${f.message}`);
  if (f.expected !== undefined) lines.push("  expected:", indent(f.expected, "    "));
  if (f.actual !== undefined) lines.push("  actual:", indent(f.actual, "    "));
  return lines.join("\n");
}

interface TagRow {
  tag: string;
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Results per tag (a fixture counts under each of its tags), then the total.
 *
 * @param results The results.
 * @returns Rows sorted by tag, the total last.
 */
export function tagRows(results: readonly FixtureResult[]): TagRow[] {
  const rows = new Map<string, TagRow>();
  const total: TagRow = { tag: "(all)", passed: 0, failed: 0, skipped: 0 };
  for (const r of results) {
    for (const tag of r.fixture.tags) {
      let row = rows.get(tag);
      if (row === undefined) rows.set(tag, row = { tag, passed: 0, failed: 0, skipped: 0 });
      row[r.outcome]++;
    }
    total[r.outcome]++;
  }
  return [...[...rows.values()].sort((a, b) => a.tag.localeCompare(b.tag)), total];
}

function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)]
    .join("\n");
}

/**
 * The per-tag summary table.
 *
 * @param results The results.
 * @returns An aligned text table.
 */
export function formatTagTable(results: readonly FixtureResult[]): string {
  return table(
    ["tag", "passed", "failed", "skipped"],
    tagRows(results).map((r) => [r.tag, r.passed, r.failed, r.skipped]),
  );
}

/**
 * `N passed, M failed, K skipped`.
 *
 * @param report The report.
 * @returns The summary line.
 */
export function summaryLine(report: Pick<ConformanceReport, "passed" | "failed" | "skipped">) {
  return `${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`;
}

/**
 * The whole text report: target, failures, per-tag table, skip reasons, gaps that now pass, and
 * the summary line last.
 *
 * @param report The report.
 * @returns The text.
 */
export function formatReport(report: ConformanceReport): string {
  const out: string[] = [];
  out.push(
    `target: ${report.target.description}; dialect ${report.dialect}; ${report.results.length} fixtures in ${
      (report.durationMs / 1000).toFixed(1)
    } s`,
  );
  const failed = report.results.filter((r) => r.outcome === "failed");
  if (failed.length > 0) out.push("", ...failed.map(formatFailure));
  out.push("", formatTagTable(report.results));
  const reasons = new Map<string, string[]>();
  for (const r of report.results) {
    if (r.outcome !== "skipped") continue;
    const list = reasons.get(r.reason ?? "") ?? [];
    list.push(r.fixture.name);
    reasons.set(r.reason ?? "", list);
  }
  if (reasons.size > 0) {
    out.push("", "skipped:");
    for (const [reason, names] of reasons) {
      out.push(`  ${names.length} × ${reason}`);
      for (const n of names) out.push(`      ${n}`);
    }
  }
  const healed = report.results.filter((r) => r.outcome === "passed" && r.knownGap !== undefined);
  if (healed.length > 0) {
    out.push("", "known gaps that pass now (remove them from the list):");
    for (const r of healed) out.push(`  ${r.fixture.name}`);
  }
  out.push("", summaryLine(report));
  return out.join("\n");
}

/**
 * The report as plain JSON data (integers beyond 2^53 as strings).
 *
 * @param report The report.
 * @returns JSON text.
 */
export function toJson(report: ConformanceReport): string {
  return JSON.stringify(
    {
      target: { ...report.target, capabilities: [...report.target.capabilities].sort() },
      dialect: report.dialect,
      passed: report.passed,
      failed: report.failed,
      skipped: report.skipped,
      durationMs: report.durationMs,
      tags: tagRows(report.results),
      results: report.results.map((r) => ({
        name: r.fixture.name,
        source: r.fixture.source,
        tags: r.fixture.tags,
        outcome: r.outcome,
        reason: r.reason,
        knownGap: r.knownGap,
        failure: r.failure,
        durationMs: r.durationMs,
      })),
    },
    (_k, v) => (typeof v === "bigint" ? v.toString() : v),
    2,
  );
}

function xml(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === "&" || ch === "<" || ch === ">" || ch === '"' || ch === "'") out += `&#${c};`;
    // XML 1.0 cannot carry most control characters, even escaped.
    else if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) {
      out += `\\x${c.toString(16).padStart(2, "0")}`;
    } else out += ch;
  }
  return out;
}

/**
 * The report as JUnit XML: one testsuite per fixture group (first tag), one testcase per fixture.
 *
 * @param report The report.
 * @returns XML text.
 */
export function toJUnit(report: ConformanceReport): string {
  const suites = new Map<string, FixtureResult[]>();
  for (const r of report.results) {
    const g = r.fixture.tags[0] ?? "fixtures";
    suites.set(g, [...(suites.get(g) ?? []), r]);
  }
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${
      xml(`conformance ${report.target.description}`)
    }" tests="${report.results.length}" failures="${report.failed}" skipped="${report.skipped}" time="${
      (report.durationMs / 1000).toFixed(3)
    }">`,
  ];
  for (const [name, rs] of suites) {
    const failed = rs.filter((r) => r.outcome === "failed").length;
    const skipped = rs.filter((r) => r.outcome === "skipped").length;
    out.push(
      `  <testsuite name="${
        xml(name)
      }" tests="${rs.length}" failures="${failed}" skipped="${skipped}">`,
    );
    for (const r of rs) {
      const open = `    <testcase classname="${xml(r.fixture.source)}" name="${
        xml(r.fixture.name)
      }" time="${(r.durationMs / 1000).toFixed(3)}"`;
      if (r.outcome === "passed") out.push(`${open}/>`);
      else if (r.outcome === "skipped") {
        out.push(
          `${open}>`,
          `      <skipped message="${xml(r.reason ?? "")}"/>`,
          `    </testcase>`,
        );
      } else {
        out.push(
          `${open}>`,
          `      <failure message="${xml(r.failure?.message ?? "failed")}">${
            xml(formatFailure(r))
          }</failure>`,
          `    </testcase>`,
        );
      }
    }
    out.push(`  </testsuite>`);
  }
  out.push(`</testsuites>`);
  return out.join("\n") + "\n";
}

/**
 * What the fixtures cover, per tag: how many fixtures, how many requirement IDs they are evidence
 * for, and their source IDs — as a Markdown table aligned the way `deno fmt` aligns it.
 *
 * @param fixtures The fixtures.
 * @returns A Markdown table.
 */
export function coverageMarkdown(fixtures: readonly Fixture[]): string {
  const byTag = new Map<string, Fixture[]>();
  for (const f of fixtures) {
    for (const t of f.tags) byTag.set(t, [...(byTag.get(t) ?? []), f]);
  }
  const rows = [...byTag.keys()].sort().map((tag) => {
    const fs = byTag.get(tag)!;
    return [
      `\`${tag}\``,
      String(fs.length),
      String(new Set(fs.flatMap(coveredIds)).size),
      compress([...new Set(fs.map((f) => f.source))].sort(compareIds)),
    ];
  });
  rows.push([
    "(all)",
    String(fixtures.length),
    String(new Set(fixtures.flatMap(coveredIds)).size),
    "",
  ]);
  return markdownTable(["tag", "fixtures", "IDs covered", "fixture sources"], [
    false,
    true,
    true,
    false,
  ], rows);
}

function markdownTable(head: string[], right: boolean[], rows: string[][]): string {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(3, ...all.map((r) => r[i].length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ")} |`;
  const rule = `| ${
    widths.map((w, i) => (right[i] ? "-".repeat(w - 1) + ":" : "-".repeat(w))).join(" | ")
  } |`;
  return [line(head), rule, ...rows.map(line)].join("\n");
}

function compareIds(a: string, b: string): number {
  const [pa, na] = a.split("-");
  const [pb, nb] = b.split("-");
  return pa === pb ? Number(na) - Number(nb) : pa.localeCompare(pb);
}

/** `CALL-1, CALL-2, CALL-3` → `CALL-1..3`. */
function compress(ids: readonly string[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < ids.length) {
    const [p, n] = ids[i].split("-");
    let j = i;
    while (
      j + 1 < ids.length && ids[j + 1].split("-")[0] === p &&
      Number(ids[j + 1].split("-")[1]) === Number(ids[j].split("-")[1]) + 1
    ) j++;
    parts.push(j === i ? ids[i] : `${p}-${n}..${ids[j].split("-")[1]}`);
    i = j + 1;
  }
  return parts.join(", ");
}
