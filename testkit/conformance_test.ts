// The whole kit against in-process evalkit, evalkit's RESP server, its HTTP handler and a real
// redis-server. evalkit runs use its known gaps (each with its issue); the redis run uses none: a
// fixture that fails there for a reason that is not a documented Valkey/Redis difference is wrong.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "../mod.ts";
import { serve } from "../src/runtime/node.ts";
import {
  findRedisServer,
  type RedisServerHandle,
  startRedisServer,
} from "../src/testing/redis_server.ts";
import gaps from "./evalkit_known_gaps.json" with { type: "json" };
import { formatReport } from "./report.ts";
import { type ConformanceReport, type KnownGap, runConformance } from "./runner.ts";
import { httpTarget, inProcessTarget, respTarget, targetFromString } from "./targets.ts";

const knownGaps = gaps as KnownGap[];

function assertClean(report: ConformanceReport): void {
  assert.equal(report.failed, 0, formatReport(report));
  assert.ok(report.passed > 150, formatReport(report));
}

test("conformance: in-process evalkit (known gaps allowed)", async () => {
  assertClean(await runConformance({ target: inProcessTarget(), knownGaps }));
});

test("conformance: in-process evalkit in cluster mode runs the cluster fixtures", async () => {
  const report = await runConformance({
    target: targetFromString("in-process:cluster"),
    knownGaps,
    tags: ["cluster"],
  });
  assert.equal(report.failed, 0, formatReport(report));
  assert.ok(report.passed >= 2, formatReport(report));
  // Only known gaps are skipped: the target is in cluster mode.
  for (const r of report.results.filter((r) => r.outcome === "skipped")) {
    assert.notEqual(r.knownGap, undefined, r.fixture.name);
  }
});

test("conformance: evalkit's RESP server (known gaps allowed)", async () => {
  const handle = await serve(await createServer(), { port: 0 });
  try {
    const report = await runConformance({
      target: respTarget(`resp://127.0.0.1:${handle.port}`),
      knownGaps,
    });
    assertClean(report);
    assert.equal(report.target.flavor, "valkey");
  } finally {
    await handle.close();
  }
});

// The Upstash REST handler (issue #7) may not be there yet.
const handler = await import("../src/http/handler.ts").catch(() => undefined);

test("conformance: evalkit's HTTP handler (Upstash REST dialect)", {
  skip: handler === undefined ? "src/http/handler.ts is not available" : false,
}, async () => {
  const app = handler!.createHandler(await createServer());
  const report = await runConformance({
    target: httpTarget("http://evalkit.test", { fetch: (req) => app.fetch(req) }),
    knownGaps,
  });
  assert.equal(report.failed, 0, formatReport(report));
  assert.ok(report.passed > 100, formatReport(report));
});

const noRedis = findRedisServer() === undefined ? "redis-server is not installed" : false;
let redis: RedisServerHandle | undefined;
before(async () => {
  if (noRedis === false) redis = await startRedisServer();
});
after(async () => {
  await redis?.stop();
});

test("conformance: real redis-server (validates the fixtures)", { skip: noRedis }, async () => {
  const report = await runConformance({ target: respTarget(`resp://127.0.0.1:${redis!.port}`) });
  assertClean(report);
  assert.equal(report.dialect, "redis");
  // Every skip is a documented difference or a setup this server cannot have.
  for (const r of report.results.filter((r) => r.outcome === "skipped")) {
    assert.match(
      r.reason ?? "",
      /^(Valkey-only|target lacks (cluster mode|a freshly started server)|not observable)/,
      r.fixture.name,
    );
  }
});
