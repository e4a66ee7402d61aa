/**
 * evalkit's conformance test-kit: Valkey's documented scripting behaviour (EVAL, EVALSHA, SCRIPT,
 * the Lua environment, flags, memory, busy scripts) as data fixtures, replayed reply by reply
 * against any Valkey-compatible server — evalkit in-process, any RESP server, or an HTTP endpoint
 * speaking the Upstash REST dialect.
 *
 * Importing this module loads neither evalkit's engine nor any socket code: the in-process target
 * imports evalkit when opened and the `resp://` target imports `node:net` when it connects, so the
 * module is usable on edge runtimes with the in-process and HTTP targets.
 *
 * @example Check a server from a test (Deno, Bun or Node)
 * ```ts ignore
 * import { test } from "node:test";
 * import assert from "node:assert/strict";
 * import { formatReport, runConformance } from "@evalkit/evalkit/testkit";
 *
 * test("my server conforms", async () => {
 *   const report = await runConformance({ target: "resp://127.0.0.1:6379", tags: ["doc"] });
 *   assert.equal(report.failed, 0, formatReport(report));
 * });
 * ```
 *
 * @module
 */

export { FIXTURE_GROUPS, fixtures } from "./fixtures/mod.ts";
export {
  type Argv,
  type Capability,
  type CommandStep,
  connectionNames,
  coveredIds,
  expandSteps,
  type Fixture,
  type PlainStep,
  type ReceiveStep,
  type RepeatStep,
  requirements,
  type SendStep,
  type SleepStep,
  type Step,
  TAG_REQUIREMENTS,
  validateFixtures,
} from "./fixture.ts";
export {
  type Expected,
  type ExpectedObject,
  type Fidelity,
  formatArgv,
  formatPattern,
  formatReply,
  matchReply,
  type Mismatch,
  parseExpected,
  type Pattern,
} from "./compare.ts";
export {
  call,
  type Connection,
  type Flavor,
  httpTarget,
  type HttpTargetOptions,
  type InProcessOptions,
  inProcessTarget,
  respTarget,
  type RespTargetOptions,
  type Target,
  targetFromString,
  type TargetInfo,
  type TcpConnector,
  type TcpHandlers,
  type TcpSocket,
} from "./targets.ts";
export {
  type ConformanceReport,
  type Dialect,
  type Failure,
  type FixtureResult,
  type KnownGap,
  type ProgressEvent,
  runConformance,
  type RunOptions,
  select,
  toRedisDialect,
} from "./runner.ts";
export {
  coverageMarkdown,
  formatFailure,
  formatReport,
  formatTagTable,
  summaryLine,
  toJson,
  toJUnit,
} from "./report.ts";
export type { Reply } from "../src/resp/reply.ts";
