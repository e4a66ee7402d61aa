/**
 * The runner: replays fixtures against a target, each isolated, and collects typed results.
 *
 * For each selected fixture: skip it (with the reason) when the target lacks a capability it needs,
 * when it is Valkey-only and the target is Redis-flavoured, or when it cannot be sent; else flush
 * the keyspace and the script cache, save and apply its `config`, run `setup`, the steps and
 * `teardown`, stop a script a failed fixture left running, close its connections and restore the
 * config. A known gap (see {@link KnownGap}) is still run: a failure is then reported as skipped
 * with the gap's issue, a pass as a pass (with a note that the gap can go).
 *
 * @module
 */

import { sha1hex } from "../src/sha1.ts";
import type { Reply } from "../src/resp/reply.ts";
import {
  type Expected,
  formatArgv,
  formatPattern,
  formatReply,
  matchReply,
  parseExpected,
  type Pattern,
} from "./compare.ts";
import {
  type Argv,
  type Capability,
  type CommandStep,
  connectionNames,
  expandSteps,
  type Fixture,
  type PlainStep,
  requirements,
} from "./fixture.ts";
import { fixtures as allFixtures } from "./fixtures/mod.ts";
import {
  call,
  type Connection,
  type Target,
  targetFromString,
  type TargetInfo,
} from "./targets.ts";

/**
 * A fixture a given implementation is known to fail, with the issue that tracks it. Matches by
 * fixture name, source ID or tag; `targets` restricts it to target kinds.
 */
export interface KnownGap {
  readonly issue: number | string;
  readonly reason: string;
  readonly fixtures?: readonly string[];
  readonly sources?: readonly string[];
  readonly tags?: readonly string[];
  /** `in-process`, `resp`, `http` (default: all). */
  readonly targets?: readonly string[];
  /** False: do not even run it (it would hang or crash the target). Default true. */
  readonly run?: boolean;
}

/** How scripts are written for the target: Valkey's `server.*`, or Redis' `redis.*` only. */
export type Dialect = "valkey" | "redis";

/** Options of {@link runConformance}. */
export interface RunOptions {
  /** A target, or its spelling: `in-process`, `resp://host:port`, `http(s)://…`. */
  readonly target: Target | string;
  /** Fixtures to consider (default: every fixture of the kit). */
  readonly fixtures?: readonly Fixture[];
  /** Run only fixtures carrying at least one of these tags. */
  readonly tags?: readonly string[];
  /** Skip fixtures carrying any of these tags. */
  readonly excludeTags?: readonly string[];
  /** Run only these: names, source IDs, or globs (`DOC-0*`) over names and sources. */
  readonly only?: readonly string[];
  /** Known gaps of the implementation under test. */
  readonly knownGaps?: readonly KnownGap[];
  /**
   * `redis`: skip Valkey-only fixtures and spell scripts with `redis.` instead of `server.`
   * (shas in commands and expected replies follow). Default: from the target's INFO.
   */
  readonly dialect?: Dialect;
  /** How long to wait for any one reply (default 10 s). */
  readonly timeoutMs?: number;
  /** Called before and after each fixture. */
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** Progress of a run. */
export interface ProgressEvent {
  /** 1-based position among the fixtures considered. */
  readonly index: number;
  readonly total: number;
  readonly fixture: Fixture;
  /** Undefined when the fixture is starting. */
  readonly result?: FixtureResult;
}

/** Why a fixture failed. */
export interface Failure {
  /** 1-based step number; 0 for setup and isolation. */
  readonly step: number;
  readonly conn?: string;
  readonly command?: Argv;
  /** Rendered expected reply (typed). */
  readonly expected?: string;
  /** Rendered actual reply (typed). */
  readonly actual?: string;
  /** Path of the first difference (`$[1][0]`). */
  readonly path?: string;
  readonly message: string;
}

/** The result of one fixture. */
export interface FixtureResult {
  readonly fixture: Fixture;
  readonly outcome: "passed" | "failed" | "skipped";
  /** Why it was skipped. */
  readonly reason?: string;
  readonly failure?: Failure;
  /** The known gap that matched (outcome skipped when it failed, passed when it passed). */
  readonly knownGap?: KnownGap;
  readonly durationMs: number;
}

/** What {@link runConformance} returns. */
export interface ConformanceReport {
  readonly target: TargetInfo;
  readonly dialect: Dialect;
  readonly results: readonly FixtureResult[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly durationMs: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Replays fixtures against a target.
 *
 * @param options Target, selection, known gaps, timeouts.
 * @returns The report (never throws for a failing fixture; throws when the target cannot be opened).
 * @example Run every fixture in-process and check nothing failed
 * ```ts ignore
 * import { runConformance } from "@evalkit/evalkit/testkit";
 * const report = await runConformance({ target: "in-process" });
 * console.log(`${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`);
 * ```
 */
export async function runConformance(options: RunOptions): Promise<ConformanceReport> {
  const started = Date.now();
  const target = typeof options.target === "string"
    ? targetFromString(options.target)
    : options.target;
  const info = await target.open();
  const dialect: Dialect = options.dialect ?? (info.flavor === "valkey" ? "valkey" : "redis");
  const selected = select(options.fixtures ?? allFixtures, options);
  const results: FixtureResult[] = [];
  const run = new Run(target, info, dialect, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  try {
    for (const [i, f] of selected.entries()) {
      options.onProgress?.({ index: i + 1, total: selected.length, fixture: f });
      const result = await run.fixture(f, findGap(f, target, options.knownGaps ?? []));
      results.push(result);
      options.onProgress?.({ index: i + 1, total: selected.length, fixture: f, result });
    }
  } finally {
    await target.close();
  }
  const count = (o: FixtureResult["outcome"]) => results.filter((r) => r.outcome === o).length;
  return {
    target: info,
    dialect,
    results,
    passed: count("passed"),
    failed: count("failed"),
    skipped: count("skipped"),
    durationMs: Date.now() - started,
  };
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

/**
 * The fixtures a selection keeps, in order.
 *
 * @param fixtures Candidates.
 * @param options Tags, excluded tags, names.
 * @returns The kept fixtures. Excluded ones are not reported at all.
 */
export function select(
  fixtures: readonly Fixture[],
  options: Pick<RunOptions, "tags" | "excludeTags" | "only">,
): Fixture[] {
  const only = options.only?.map(globToRegExp);
  return fixtures.filter((f) => {
    if (options.tags?.length && !f.tags.some((t) => options.tags!.includes(t))) return false;
    if (options.excludeTags?.some((t) => f.tags.includes(t))) return false;
    if (only?.length && !only.some((re) => re.test(f.name) || re.test(f.source))) return false;
    return true;
  });
}

function targetKind(t: Target): string {
  return t.name === "in-process" ? "in-process" : t.name.startsWith("resp://") ? "resp" : "http";
}

function findGap(f: Fixture, t: Target, gaps: readonly KnownGap[]): KnownGap | undefined {
  const kind = targetKind(t);
  return gaps.find((g) =>
    (g.targets === undefined || g.targets.includes(kind)) &&
    (g.fixtures?.includes(f.name) || g.sources?.includes(f.source) ||
      g.tags?.some((x) => f.tags.includes(x)))
  );
}

// ---------------------------------------------------------------------------------------------
// Redis dialect: `server.` → `redis.`, shas follow.

const SCRIPT_ARG: Readonly<Record<string, number>> = { eval: 1, eval_ro: 1 };

function scriptIndex(argv: Argv): number {
  const name = (argv[0] ?? "").toLowerCase();
  const sub = (argv[1] ?? "").toLowerCase();
  if ((name === "script" || name === "function") && sub === "load") return argv.length - 1;
  return SCRIPT_ARG[name] ?? -1;
}

/**
 * The fixture as a Redis server needs it: scripts call `redis.*` (Redis has no `server` alias),
 * and every sha of a rewritten script, in commands and expected replies, becomes the new sha.
 *
 * @param f The fixture.
 * @returns The rewritten fixture (the same object when nothing changes).
 */
export function toRedisDialect(f: Fixture): Fixture {
  const shas = new Map<string, string>();
  const visit = (argv: Argv) => {
    const i = scriptIndex(argv);
    if (i < 0 || argv[i] === undefined) return;
    const body = argv[i];
    const rewritten = body.replace(/\bserver([.:])/g, "redis$1");
    if (rewritten !== body) shas.set(sha1hex(body), sha1hex(rewritten));
  };
  for (const argv of f.setup ?? []) visit(argv);
  for (const s of expandSteps(f)) {
    if ("cmd" in s) visit(s.cmd);
    else if ("send" in s) visit(s.send);
  }
  if (shas.size === 0) return f;
  const fix = (s: string) => {
    let out = s;
    for (const [from, to] of shas) {
      out = out.replaceAll(from, to).replaceAll(from.toUpperCase(), to.toUpperCase());
    }
    return out;
  };
  const fixArgv = (argv: Argv): Argv => {
    const i = scriptIndex(argv);
    return argv.map((a, j) => (j === i ? a.replace(/\bserver([.:])/g, "redis$1") : fix(a)));
  };
  const fixExpected = (e: Expected): Expected => {
    if (typeof e === "string") return fix(e);
    if (Array.isArray(e)) return e.map(fixExpected);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e)) {
      out[k] = k === "regex" && typeof v === "string"
        ? fix(v)
        : k === "info" || k === "type" || k === "min" || k === "max" || k === "any" ||
            k === "ordered"
        ? v
        : k === "map"
        ? (v as [Expected, Expected][]).map(([a, b]) => [fixExpected(a), fixExpected(b)])
        : (v as Expected[]).map(fixExpected);
    }
    return out as Expected;
  };
  const steps: PlainStep[] = expandSteps(f).map((s) => {
    const redis = "redis" in s && s.redis !== undefined ? { redis: fixExpected(s.redis) } : {};
    if ("cmd" in s) return { ...s, cmd: fixArgv(s.cmd), expect: fixExpected(s.expect), ...redis };
    if ("send" in s) return { ...s, send: fixArgv(s.send) };
    if ("receive" in s) return { ...s, receive: fixExpected(s.receive), ...redis };
    return s;
  });
  return {
    ...f,
    setup: f.setup?.map(fixArgv),
    steps,
    teardown: f.teardown?.map(fixArgv),
  };
}

// ---------------------------------------------------------------------------------------------
// Running one fixture.

class FixtureFailed extends Error {
  readonly failure: Failure;
  constructor(failure: Failure) {
    super(failure.message);
    this.failure = failure;
  }
}

class CannotSetUp extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply within ${ms} ms to ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function configValue(r: Reply): string | undefined {
  if (r.type === "array" && r.value.length >= 2 && r.value[1].type === "bulk") {
    return r.value[1].value;
  }
  if (r.type === "map" && r.value.length >= 1 && r.value[0][1].type === "bulk") {
    return r.value[0][1].value;
  }
  return undefined;
}

/** Parameters a fixture changes: its config and any CONFIG SET in its commands. */
function touchedParams(f: Fixture): string[] {
  const out = new Set(Object.keys(f.config ?? {}).map((k) => k.toLowerCase()));
  const argvs = [
    ...(f.setup ?? []),
    ...expandSteps(f).flatMap((s) => ("cmd" in s ? [s.cmd] : "send" in s ? [s.send] : [])),
  ];
  for (const a of argvs) {
    if (a[0]?.toLowerCase() === "config" && a[1]?.toLowerCase() === "set") {
      for (let i = 2; i + 1 < a.length; i += 2) out.add(a[i].toLowerCase());
    }
  }
  return [...out];
}

const NEEDS_TEXT: Readonly<Record<Capability, string>> = {
  resp3: "RESP3",
  session: "per-connection state (MULTI/EXEC, SELECT, HELLO)",
  connections: "several concurrent connections",
  busy: "other clients answered while a script runs",
  config: "CONFIG GET/SET",
  fresh: "a freshly started server",
  monitor: "MONITOR",
  cluster: "cluster mode",
  standalone: "standalone mode",
};

class Run {
  readonly #target: Target;
  readonly #info: TargetInfo;
  readonly #dialect: Dialect;
  readonly #timeout: number;
  #unresponsive = 0;

  constructor(target: Target, info: TargetInfo, dialect: Dialect, timeoutMs: number) {
    this.#target = target;
    this.#info = info;
    this.#dialect = dialect;
    this.#timeout = timeoutMs;
  }

  async fixture(original: Fixture, gap: KnownGap | undefined): Promise<FixtureResult> {
    const t0 = Date.now();
    const done = (r: Omit<FixtureResult, "fixture" | "durationMs">): FixtureResult => ({
      fixture: original,
      durationMs: Date.now() - t0,
      ...r,
    });
    const skip = this.#skipReason(original);
    if (skip !== undefined || gap?.run === false) {
      const why = gap === undefined
        ? skip!
        : `known gap (${issue(gap)}): ${gap.reason}${skip === undefined ? "" : `; ${skip}`}`;
      return done({ outcome: "skipped", reason: why, knownGap: gap });
    }
    if (this.#unresponsive >= 3) {
      return done({
        outcome: "failed",
        failure: { step: 0, message: "not run: the target stopped answering" },
      });
    }
    const plain = { ...original, steps: expandSteps(original) };
    const f = this.#dialect === "redis" ? toRedisDialect(plain) : plain;
    let failure: Failure | undefined;
    let cannot: string | undefined;
    try {
      await this.#execute(f);
    } catch (e) {
      if (e instanceof FixtureFailed) failure = e.failure;
      else if (e instanceof CannotSetUp) cannot = e.message;
      else failure = { step: 0, message: (e as Error)?.message ?? String(e) };
    }
    if (cannot !== undefined) {
      const why = `cannot set up: ${cannot}`;
      return done({
        outcome: "skipped",
        reason: gap === undefined ? why : `known gap (${issue(gap)}): ${gap.reason}; ${why}`,
        knownGap: gap,
      });
    }
    if (failure === undefined) return done({ outcome: "passed", knownGap: gap });
    if (gap !== undefined) {
      return done({
        outcome: "skipped",
        reason: `known gap (${issue(gap)}): ${gap.reason}`,
        knownGap: gap,
        failure,
      });
    }
    return done({ outcome: "failed", failure });
  }

  #skipReason(f: Fixture): string | undefined {
    if (f.unobservable !== undefined) return `not observable by a client: ${f.unobservable}`;
    if (this.#dialect === "redis" && f.valkeyOnly !== undefined) {
      return `Valkey-only (target is ${this.#info.flavor} ${this.#info.version}): ${f.valkeyOnly}`;
    }
    const missing = requirements(f).filter((c) => !this.#info.capabilities.has(c));
    if (missing.length > 0) {
      const c = missing[0];
      const why = this.#info.notes[c];
      return `target lacks ${NEEDS_TEXT[c]}${why === undefined ? "" : ` (${why})`}`;
    }
    if (this.#target.unsendable !== undefined) {
      const argvs = [
        ...(f.setup ?? []),
        ...expandSteps(f).flatMap((s) => ("cmd" in s ? [s.cmd] : "send" in s ? [s.send] : [])),
      ];
      for (const a of argvs) {
        const why = this.#target.unsendable(a);
        if (why !== undefined) return `cannot send ${formatArgv(a)}: ${why}`;
      }
    }
    return undefined;
  }

  async #admin(argv: Argv): Promise<Reply> {
    return await withTimeout(this.#target.admin(argv), this.#timeout, formatArgv(argv));
  }

  async #execute(f: Fixture): Promise<void> {
    // Parse every expected reply first: a malformed fixture fails before touching the target.
    const redis = this.#dialect === "redis";
    const steps = expandSteps(f);
    const patterns = steps.map((s) =>
      "cmd" in s
        ? parseExpected(redis && s.redis !== undefined ? s.redis : s.expect)
        : "receive" in s
        ? parseExpected(redis && s.redis !== undefined ? s.redis : s.receive)
        : undefined
    );
    const needsFresh = requirements(f).includes("fresh");
    if (needsFresh) await this.#target.fresh!();
    try {
      for (const argv of [["FLUSHALL"], ["SCRIPT", "FLUSH"]]) {
        const r = await this.#admin(argv);
        if (r.type === "error") throw new Error(`isolation: ${formatArgv(argv)}: ${r.value}`);
      }
      this.#unresponsive = 0;
    } catch (e) {
      this.#unresponsive++;
      throw e;
    }
    const saved = new Map<string, string>();
    for (const p of touchedParams(f)) {
      const v = configValue(await this.#admin(["CONFIG", "GET", p]));
      if (v !== undefined) saved.set(p, v);
      else if (f.config !== undefined && p in f.config) {
        throw new CannotSetUp(`the target has no config parameter ${p}`);
      }
    }
    const conns = new Map<string, Conn>();
    try {
      for (const [p, v] of Object.entries(f.config ?? {})) {
        const r = await this.#admin(["CONFIG", "SET", p, v]);
        if (r.type === "error") throw new CannotSetUp(`CONFIG SET ${p} ${v}: ${r.value}`);
      }
      for (const name of connectionNames(f)) {
        conns.set(name, { c: await this.#target.connect(f.resp ?? 2), owed: 0, buffered: [] });
      }
      const a = conns.get("a")!.c;
      for (const argv of f.setup ?? []) {
        const r = await withTimeout(call(a, argv), this.#timeout, formatArgv(argv));
        if (r.type === "error") throw new CannotSetUp(`${formatArgv(argv)}: ${r.value}`);
      }
      for (const [i, s] of steps.entries()) {
        await this.#step(i + 1, s, patterns[i], conns);
      }
    } finally {
      await this.#cleanUp(f, conns, saved);
    }
  }

  async #step(n: number, s: PlainStep, pattern: Pattern | undefined, conns: Map<string, Conn>) {
    if ("sleepMs" in s) {
      await sleep(s.sleepMs);
      return;
    }
    const name = s.conn ?? "a";
    const conn = conns.get(name)!;
    if ("send" in s) {
      conn.c.send(s.send);
      conn.owed++;
      return;
    }
    if ("receive" in s) {
      let reply = conn.buffered.shift();
      if (reply === undefined) {
        const what = conn.owed > 0 ? `an earlier command on ${name}` : `a reply on ${name}`;
        reply = await this.#await(conn.c.read(), s.timeoutMs ?? this.#timeout, what, n, name);
        if (conn.owed > 0) conn.owed--;
      }
      this.#check(n, name, undefined, pattern!, reply);
      return;
    }
    const step = s as CommandStep;
    const until = step.retryUntilMs === undefined ? 0 : Date.now() + step.retryUntilMs;
    for (;;) {
      conn.c.send(step.cmd);
      // Replies of earlier sends come first: keep them for their receive steps.
      for (; conn.owed > 0; conn.owed--) {
        const what = `an earlier command on ${name}`;
        conn.buffered.push(await this.#await(conn.c.read(), this.#timeout, what, n, name));
      }
      const reply = await this.#await(conn.c.read(), this.#timeout, formatArgv(step.cmd), n, name);
      if (Date.now() >= until || matchReply(pattern!, reply, this.#info.fidelity) === undefined) {
        this.#check(n, name, step.cmd, pattern!, reply);
        return;
      }
      await sleep(10);
    }
  }

  async #await(p: Promise<Reply>, ms: number, what: string, n: number, conn: string) {
    try {
      return await withTimeout(p, ms, what);
    } catch (e) {
      throw new FixtureFailed({ step: n, conn, message: (e as Error).message });
    }
  }

  #check(n: number, conn: string, cmd: Argv | undefined, pattern: Pattern, reply: Reply): void {
    const m = matchReply(pattern, reply, this.#info.fidelity);
    if (m === undefined) return;
    throw new FixtureFailed({
      step: n,
      conn,
      command: cmd,
      expected: formatPattern(pattern),
      actual: formatReply(reply),
      path: m.path,
      message: m.message,
    });
  }

  async #cleanUp(f: Fixture, conns: Map<string, Conn>, saved: Map<string, string>): Promise<void> {
    const owing = [...conns.values()].filter((c) => c.owed > 0);
    if (owing.length > 0) {
      // A fixture that failed half-way may have left a script running: stop it if possible.
      const until = Date.now() + this.#timeout;
      while (Date.now() < until) {
        const r = await this.#target.admin(["SCRIPT", "KILL"]).catch(() => undefined);
        if (r === undefined || r.type !== "error" || !r.value.startsWith("BUSY")) break;
        await sleep(20);
      }
      const drain = Promise.all(owing.map(async (c) => {
        for (; c.owed > 0; c.owed--) await c.c.read();
      }));
      await withTimeout(drain, this.#timeout, "pending replies").catch(() => {});
    }
    for (const c of conns.values()) c.c.close();
    for (const argv of f.teardown ?? []) await this.#admin(argv).catch(() => {});
    for (const [p, v] of saved) await this.#admin(["CONFIG", "SET", p, v]).catch(() => {});
  }
}

/** A fixture's connection: replies sent for but not read yet, replies read but not received. */
interface Conn {
  readonly c: Connection;
  owed: number;
  readonly buffered: Reply[];
}

function issue(g: KnownGap): string {
  return typeof g.issue === "number" ? `#${g.issue}` : g.issue;
}
