/**
 * Twin tests: the same command sequence runs against a real `redis-server` and an in-process
 * evalkit Server, and the typed replies are compared step by step. Sequences are data:
 *
 * ```ts
 * import { twin, unordered, approx } from "../testing/twin.ts";
 * twin("SET with EX then TTL", [["SET", "k", "v", "EX", "10"], ["GET", "k"], ["TTL", "k", approx(1)]]);
 * twin("SMEMBERS in any order", [["SADD", "s", "a", "b"], ["SMEMBERS", "s", unordered()]]);
 * twin("HELLO 3 map replies", [["HSET", "h", "f", "v"], ["HGETALL", "h"]], { resp: 3 });
 * ```
 *
 * One redis-server per test file (started on first use, shared by the file's tests, stopped when
 * they are done); each sequence gets fresh connections, a freshly flushed redis (FLUSHALL, SCRIPT
 * FLUSH, FUNCTION FLUSH, CONFIG RESETSTAT; parameters changed by CONFIG SET are restored) and a
 * fresh evalkit Server. Without redis-server the tests are skipped, with the reason.
 *
 * @module
 */

import { after, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { createServer } from "../../mod.ts";
import type { Bytes } from "../bytes.ts";
import type { Reply } from "../resp/reply.ts";
import { Server } from "../server.ts";
import { ReplyError } from "../errors.ts";
import type { Session } from "../session.ts";
import {
  type Comparator,
  exact,
  firstDifference,
  formatReply,
  isComparator,
  type Mismatch,
  quote,
} from "./compare.ts";
import { findRedisServer, type RedisServerHandle, startRedisServer } from "./redis_server.ts";
import { RespClient } from "./resp_client.ts";
import { asSentOnWire } from "./wire.ts";

export {
  any,
  anyError,
  approx,
  type Comparator,
  custom,
  exact,
  regexp,
  sameType,
  unordered,
  valkey,
} from "./compare.ts";

/** A command: argv as byte strings, optionally ending with a comparator (default: exact). */
export type CommandStep = readonly (Bytes | Comparator)[];

/** A command sent by another client of the same server (see {@link on}). */
export interface ClientStep {
  readonly kind: "client";
  readonly client: string;
  readonly step: CommandStep;
}

/** Waits on both sides (expiry tests). */
export interface PauseStep {
  readonly kind: "pause";
  readonly ms: number;
}

/** One element of a sequence. */
export type Step = CommandStep | ClientStep | PauseStep;

/** Per-sequence options. */
export interface TwinOptions {
  /** Protocol: 3 sends `HELLO 3` on every connection first (not compared). Default 2. */
  readonly resp?: 2 | 3;
  /**
   * Why Valkey 8 (evalkit's reference) differs from Redis 7.0 (the twin) in this sequence. Steps
   * that differ carry `valkey(expectedReply)`; required when any step does.
   */
  readonly valkeyDiff?: string;
  /** Registers the test as skipped, with this reason. */
  readonly skip?: string;
  /** Per-step timeout for the real server's reply (default 10 000 ms). */
  readonly stepTimeoutMs?: number;
}

/** The client that runs plain steps. */
export const MAIN_CLIENT = "main";

/**
 * A step run by another client (a second connection / Session on the same servers), e.g. to
 * modify a key another client WATCHes.
 *
 * @param client Any name; each name is one connection.
 * @param step The command.
 * @returns The step.
 */
export function on(client: string, step: CommandStep): ClientStep {
  return { kind: "client", client, step };
}

/**
 * A pause of `ms` milliseconds on both sides (both use real time).
 *
 * @param ms Milliseconds.
 * @returns The step.
 */
export function pause(ms: number): PauseStep {
  return { kind: "pause", ms };
}

/** One compared step of a finished sequence. */
export interface StepResult {
  /** 1-based position in the sequence. */
  readonly index: number;
  readonly client: string;
  readonly argv: readonly Bytes[];
  readonly comparator: Comparator;
  /** evalkit's reply as a client decodes it. */
  readonly ours: Reply;
  /** The real server's reply. */
  readonly theirs: Reply;
  /** Why the step fails, if it does. */
  readonly mismatch?: Mismatch;
}

/** What {@link runTwin} found. */
export interface TwinReport {
  readonly steps: readonly StepResult[];
  /** The real server: `redis 7.0.15`, or `valkey 8.0.1` when EVALKIT_REDIS_SERVER names one. */
  readonly redisVersion: string;
  readonly failures: readonly StepResult[];
}

interface Prepared {
  readonly client: string;
  readonly argv: readonly Bytes[];
  readonly comparator: Comparator;
}

type PreparedStep = Prepared | PauseStep;

/**
 * Registers a node:test test that runs `steps` against redis-server and evalkit and fails on the
 * first differing step (showing both typed replies and where they differ).
 *
 * @param name Test name: the subject, then the behaviour.
 * @param steps The sequence.
 * @param options Protocol, known Valkey difference, skip.
 */
export function twin(name: string, steps: readonly Step[], options: TwinOptions = {}): void {
  let prepared: PreparedStep[];
  try {
    prepared = prepare(steps, options);
  } catch (e) {
    const message = (e as Error).message;
    test(name, () => assert.fail(`invalid twin sequence: ${message}`));
    return;
  }
  const missing = skipReason();
  const skip = options.skip ?? missing;
  if (skip !== undefined) {
    // Runners print "ignored"/"skip" without the reason: say it once.
    if (skip === missing && !skipNoticeShown) {
      skipNoticeShown = true;
      console.warn(`twin tests skipped: ${missing}`);
    }
    test(name, { skip }, () => {});
    return;
  }
  registerStopHook();
  const declaredAt = callerLocation();
  test(name, async () => {
    const report = await runPrepared(prepared, options);
    if (report.failures.length > 0) {
      assert.fail(`${describeFailure(name, report, options)}\ndeclared at ${declaredAt}`);
    }
  });
}

// The test's own location is inside this file: name the caller's line in failures instead.
function callerLocation(): string {
  const frames = (new Error().stack ?? "").split("\n").slice(1);
  const here = import.meta.url;
  const frame = frames.find((f) => f.includes("_test.") && !f.includes(here)) ??
    frames.find((f) => !f.includes(here) && /(file:|\/)/.test(f));
  return frame?.trim().replace(/^at\s+/, "") ?? "unknown";
}

/**
 * Runs a sequence without registering a test (for tools and the test-kit).
 *
 * @param steps The sequence.
 * @param options Protocol and timeouts.
 * @returns Every step's replies and the failures.
 */
export async function runTwin(
  steps: readonly Step[],
  options: TwinOptions = {},
): Promise<TwinReport> {
  return await runPrepared(prepare(steps, options), options);
}

/**
 * Options that skip a sequence, with the reason, while some of its commands are not registered
 * in evalkit yet; the sequence runs as soon as they are.
 *
 * @param names Command names (any case).
 * @returns `{}` or `{ skip: "not implemented yet: …" }`, to spread into the options.
 * @example
 * ```ts
 * twin("GETDEL removes the key", [["SET", "k", "v"], ["GETDEL", "k"]], needs("getdel"));
 * ```
 */
export function needs(...names: string[]): { skip?: string } {
  registry ??= new Server();
  const table = registry;
  const missing = names.filter((n) => {
    const found = table.lookup([n]);
    return found instanceof ReplyError && found.text.startsWith("ERR unknown command");
  });
  return missing.length === 0 ? {} : { skip: `not implemented yet: ${missing.join(", ")}` };
}

let registry: Server | undefined;

/** Why twin tests cannot run here, or undefined when they can. */
export function skipReason(): string | undefined {
  if (process.env.EVALKIT_SKIP_TWIN === "1") return "EVALKIT_SKIP_TWIN=1";
  if (findRedisServer() === undefined) {
    return "redis-server not found: twin tests need it (apt-get install redis-server)";
  }
  return undefined;
}

function prepare(steps: readonly Step[], options: TwinOptions): PreparedStep[] {
  const out: PreparedStep[] = [];
  let valkeySteps = 0;
  for (const [i, step] of steps.entries()) {
    if (isPause(step)) {
      out.push(step);
      continue;
    }
    const client = isClientStep(step) ? step.client : MAIN_CLIENT;
    const parts = isClientStep(step) ? step.step : step;
    const last = parts[parts.length - 1];
    const comparator = isComparator(last) ? last : exact();
    const argv = (isComparator(last) ? parts.slice(0, -1) : parts) as Bytes[];
    if (argv.length === 0) throw new Error(`step ${i + 1} has no command`);
    for (const a of argv) {
      if (typeof a !== "string") throw new Error(`step ${i + 1}: a comparator must come last`);
      if (!isByteString(a)) {
        throw new Error(
          `step ${i + 1}: argument ${quote(a)} is not a byte string (use fromUtf8() from bytes.ts)`,
        );
      }
    }
    if (comparator.valkeyExpected !== undefined) valkeySteps++;
    out.push({ client, argv, comparator });
  }
  if (valkeySteps > 0 && !options.valkeyDiff) {
    throw new Error("valkey(expected) steps need a valkeyDiff reason in the options");
  }
  if (options.valkeyDiff && valkeySteps === 0) {
    throw new Error("valkeyDiff is set but no step says what Valkey replies (valkey(expected))");
  }
  return out;
}

function isByteString(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

function isPause(s: Step): s is PauseStep {
  return !Array.isArray(s) && (s as PauseStep).kind === "pause";
}

function isClientStep(s: Step): s is ClientStep {
  return !Array.isArray(s) && (s as ClientStep).kind === "client";
}

// ---- the shared real server ----

interface Twin {
  readonly handle: RedisServerHandle;
  readonly admin: RespClient;
}

let shared: Promise<Twin> | undefined;
let running = 0;
let skipNoticeShown = false;
let stopWhenIdle = false;

async function startTwin(): Promise<Twin> {
  const handle = await startRedisServer();
  try {
    return { handle, admin: await RespClient.connect(handle.port, handle.host) };
  } catch (e) {
    await handle.stop();
    throw e;
  }
}

function acquire(): Promise<Twin> {
  shared ??= startTwin().catch((e) => {
    shared = undefined;
    throw e;
  });
  return shared;
}

/**
 * Stops the shared redis-server unless a sequence is running (twin() files do this on their own;
 * callers of {@link runTwin} outside node:test call it when done).
 */
export async function stopTwinServer(): Promise<void> {
  await stopIfIdle();
}

async function stopIfIdle(): Promise<void> {
  if (shared === undefined) return;
  if (running > 0) {
    // A hook may run before the last sequence has finished: stop when it does.
    stopWhenIdle = true;
    return;
  }
  stopWhenIdle = false;
  const t = shared;
  shared = undefined;
  try {
    const { handle, admin } = await t;
    await admin.close();
    await handle.stop();
  } catch {
    // It never started: nothing to stop.
  }
}

// node:test ties a top-level hook to the file being loaded, and this module is evaluated once per
// process: so every twin() call adds one (stopping is idempotent; the next file starts a server).
function registerStopHook(): void {
  after(stopIfIdle);
}

// ---- running a sequence ----

async function runPrepared(steps: PreparedStep[], options: TwinOptions): Promise<TwinReport> {
  running++;
  const clients = new Map<string, { redis: RespClient; session: Session }>();
  try {
    const twinServer = await acquire();
    const restore = await resetRedis(twinServer.admin, steps);
    const server = await createServer();
    const timeout = options.stepTimeoutMs ?? 10_000;
    const results: StepResult[] = [];
    try {
      for (const [i, step] of steps.entries()) {
        if ("ms" in step) {
          await new Promise((r) => setTimeout(r, step.ms));
          continue;
        }
        let c = clients.get(step.client);
        if (c === undefined) {
          c = await openClient(twinServer.handle, server, options, timeout);
          clients.set(step.client, c);
        }
        const theirs = await withTimeout(c.redis.send(step.argv), timeout, step.argv);
        const raw = server.execute(c.session, step.argv);
        const ours = asSentOnWire(raw, c.session.resp);
        results.push({
          index: i + 1,
          client: step.client,
          argv: step.argv,
          comparator: step.comparator,
          ours,
          theirs,
          mismatch: judge(step.comparator, ours, theirs, twinServer.handle.flavor),
        });
      }
    } finally {
      for (const c of clients.values()) {
        await c.redis.close();
        server.closeSession(c.session);
      }
      await restore();
    }
    return {
      steps: results,
      redisVersion: `${twinServer.handle.flavor} ${twinServer.handle.version}`,
      failures: results.filter((r) => r.mismatch !== undefined),
    };
  } finally {
    running--;
    if (running === 0 && stopWhenIdle) await stopIfIdle();
  }
}

async function openClient(
  handle: RedisServerHandle,
  server: Server,
  options: TwinOptions,
  timeout: number,
): Promise<{ redis: RespClient; session: Session }> {
  const redis = await RespClient.connect(handle.port, handle.host);
  const session = server.createSession();
  if (options.resp === 3) {
    const theirs = await withTimeout(redis.send(["HELLO", "3"]), timeout, ["HELLO", "3"]);
    const ours = server.execute(session, ["HELLO", "3"]);
    if (theirs.type === "error") throw new Error(`redis HELLO 3 failed: ${theirs.value}`);
    if (ours.type === "error") throw new Error(`evalkit HELLO 3 failed: ${ours.value}`);
  }
  return { redis, session };
}

function judge(
  c: Comparator,
  ours: Reply,
  theirs: Reply,
  flavor: "redis" | "valkey",
): Mismatch | undefined {
  if (c.valkeyExpected !== undefined && flavor === "valkey") {
    // Twinned with a real Valkey: the expected value itself is checked against it.
    const wrong = firstDifference(c.valkeyExpected, theirs, { theirs: "valkey" });
    if (wrong !== undefined) {
      return { path: wrong.path, message: `valkey() expected value is wrong: ${wrong.message}` };
    }
  }
  const m = c.compare(ours, theirs);
  if (m !== undefined || c.valkeyExpected === undefined || flavor === "valkey") return m;
  if (firstDifference(theirs, c.valkeyExpected) === undefined) {
    return {
      path: "$",
      message: "redis gives the Valkey reply too: this valkeyDiff is stale, compare exactly",
    };
  }
  return undefined;
}

/**
 * Flushes the real server for a new sequence; returns a function that restores the parameters
 * the sequence changes with CONFIG SET.
 */
async function resetRedis(admin: RespClient, steps: PreparedStep[]): Promise<() => Promise<void>> {
  for (
    const argv of [["FLUSHALL"], ["SCRIPT", "FLUSH"], ["FUNCTION", "FLUSH"], [
      "CONFIG",
      "RESETSTAT",
    ]]
  ) {
    const r = await admin.send(argv);
    if (r.type === "error") throw new Error(`redis ${argv.join(" ")} failed: ${r.value}`);
  }
  const params = new Set<string>();
  for (const s of steps) {
    if ("ms" in s || s.argv.length < 4) continue;
    if (s.argv[0].toLowerCase() !== "config" || s.argv[1].toLowerCase() !== "set") continue;
    for (let i = 2; i < s.argv.length; i += 2) params.add(s.argv[i].toLowerCase());
  }
  const saved: Bytes[] = [];
  for (const p of params) {
    const r = await admin.send(["CONFIG", "GET", p]);
    const v = r.type === "array" ? r.value : r.type === "map" ? r.value.flat() : [];
    for (let i = 0; i + 1 < v.length; i += 2) {
      const k = v[i];
      const val = v[i + 1];
      if (k.type === "bulk" && val.type === "bulk") saved.push(k.value, val.value);
    }
  }
  return async () => {
    // One pair at a time: an immutable parameter (which cannot have changed) must not make the
    // all-or-nothing SET skip the others.
    for (let i = 0; i + 1 < saved.length; i += 2) {
      const r = await admin.send(["CONFIG", "SET", saved[i], saved[i + 1]]);
      if (r.type === "error" && !r.value.includes("can't set immutable config")) {
        throw new Error(`redis CONFIG SET ${saved[i]} (restoring) failed: ${r.value}`);
      }
    }
  };
}

function withTimeout(p: Promise<Reply>, ms: number, argv: readonly Bytes[]): Promise<Reply> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`redis did not reply to ${formatArgv(argv)} within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

// ---- failure messages ----

function formatArgv(argv: readonly Bytes[]): string {
  return argv.map((a) => /^[\x21-\x7e]+$/.test(a) && !a.includes('"') ? a : quote(a)).join(" ");
}

function oneLine(r: Reply): string {
  const s = formatReply(r).split("\n");
  return s.length === 1 ? s[0] : `${s[0]} …`;
}

/**
 * The failure text: the first differing step in full (both typed replies, the path), then the
 * whole sequence with evalkit's replies and a mark on each differing step.
 */
export function describeFailure(name: string, report: TwinReport, options: TwinOptions): string {
  const first = report.failures[0];
  const m = first.mismatch!;
  const who = first.client === MAIN_CLIENT ? "" : ` (client ${first.client})`;
  const theirsLabel = first.comparator.valkeyExpected !== undefined
    ? `${report.redisVersion} (valkeyDiff: ${options.valkeyDiff})`
    : report.redisVersion;
  const lines = [
    `twin "${name}" (RESP${
      options.resp ?? 2
    }): ${report.failures.length} of ${report.steps.length} steps differ`,
    `step ${first.index}${who}: ${formatArgv(first.argv)}    [${first.comparator.label}]`,
    `  first difference at ${m.path}: ${m.message}`,
    `  evalkit:`,
    formatReply(first.ours, "    "),
  ];
  if (first.comparator.valkeyExpected !== undefined) {
    lines.push(`  expected (Valkey):`, formatReply(first.comparator.valkeyExpected, "    "));
  }
  lines.push(`  ${theirsLabel}:`, formatReply(first.theirs, "    "), `sequence:`);
  for (const s of report.steps) {
    const mark = s.mismatch === undefined ? " " : "✗";
    const c = s.client === MAIN_CLIENT ? "" : `[${s.client}] `;
    lines.push(`  ${mark} ${s.index}. ${c}${formatArgv(s.argv)}  →  ${oneLine(s.ours)}`);
    if (s.mismatch !== undefined) lines.push(`         redis: ${oneLine(s.theirs)}`);
  }
  return lines.join("\n");
}
