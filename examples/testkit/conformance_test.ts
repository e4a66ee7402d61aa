// Using the conformance kit from a test: the library API replays the documented examples against
// a server and fails with a readable report. Runs under `deno test`, `bun test` and Node's test
// runner alike. An application would import "@evalkit/evalkit/testkit"; this example imports the
// file so that it runs from a clone.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  fixtures,
  formatReport,
  inProcessTarget,
  type KnownGap,
  runConformance,
} from "../../testkit/mod.ts";

// What the implementation under test does not do yet, each with the issue that tracks it.
const knownGaps: KnownGap[] = [
  { issue: 5, reason: "no OOM gates yet", tags: ["maxmemory"] },
  { issue: "out of scope", reason: "no FUNCTION", tags: ["functions"] },
  {
    issue: "no issue yet",
    reason: "no PUBLISH / PFCOUNT",
    fixtures: ["DOC-042 read-only scripts cannot PUBLISH, SPUBLISH or PFCOUNT"],
  },
];

test("evalkit reproduces every documented scripting example", async () => {
  const report = await runConformance({
    // Any target works here: "resp://127.0.0.1:6379", httpTarget(url, { token }), …
    target: inProcessTarget(),
    tags: ["doc"],
    knownGaps,
  });
  assert.equal(report.failed, 0, formatReport(report));
  assert.equal(
    report.results.length,
    fixtures.filter((f) => f.tags.includes("doc")).length,
  );
});
