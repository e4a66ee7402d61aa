/**
 * The fixture format: what a conformance fixture is (data, as in `fixtures/*.json`), what a target
 * must be able to do to run it, and a validator that reports every malformed fixture at once.
 *
 * A fixture runs isolated: the runner flushes the keyspace and the script cache before it, applies
 * its `config` with CONFIG SET (restoring every touched parameter afterwards), runs `setup`, then
 * the `steps` in order on named connections (`a` unless a step says otherwise), then `teardown`.
 *
 * @module
 */

import { type Expected, parseExpected } from "./compare.ts";

/** A command: the arguments as byte strings (each code unit one byte). */
export type Argv = readonly string[];

/** Send a command and compare its reply. */
export interface CommandStep {
  readonly cmd: Argv;
  readonly expect: Expected;
  /** Connection name (default `a`). Connections open on first use, in the fixture's protocol. */
  readonly conn?: string;
  /**
   * Re-send the command every few ms until the reply matches, for at most this long (e.g. polling
   * for BUSY once a script passed the busy threshold). The last reply is reported on failure.
   */
  readonly retryUntilMs?: number;
  /** The reply Redis gives instead (a documented difference, see {@link Fixture.redisDiff}). */
  readonly redis?: Expected;
  readonly note?: string;
}

/** Send a command and do not wait: its reply is read by a later `receive` on the same connection. */
export interface SendStep {
  readonly send: Argv;
  readonly conn?: string;
  readonly note?: string;
}

/**
 * Read the next reply of a connection: the reply of its oldest unread `send`, or a reply nobody
 * asked for (a MONITOR line).
 */
export interface ReceiveStep {
  readonly receive: Expected;
  readonly conn?: string;
  /** Wait at most this long (default: the run's reply timeout). */
  readonly timeoutMs?: number;
  /** The reply Redis gives instead (a documented difference, see {@link Fixture.redisDiff}). */
  readonly redis?: Expected;
  readonly note?: string;
}

/**
 * The same command `repeat` times: `{i}` in the arguments and in the expected reply stands for
 * the counter, which runs from `from` (default 1). Expanded into command steps before running.
 */
export interface RepeatStep {
  readonly repeat: number;
  readonly from?: number;
  readonly cmd: Argv;
  readonly expect: Expected;
  readonly conn?: string;
  readonly note?: string;
}

/** Wait. */
export interface SleepStep {
  readonly sleepMs: number;
  readonly note?: string;
}

/** One step of a fixture. */
export type Step = CommandStep | SendStep | ReceiveStep | SleepStep | RepeatStep;

/** A step once repeats are expanded. */
export type PlainStep = CommandStep | SendStep | ReceiveStep | SleepStep;

function substitute(e: Expected, i: string): Expected {
  if (typeof e === "string") return e.replaceAll("{i}", i);
  if (Array.isArray(e)) return e.map((x) => substitute(x, i));
  return e;
}

/**
 * The steps of a fixture with every `repeat` expanded into command steps.
 *
 * @param f The fixture.
 * @returns Plain steps, in order.
 */
export function expandSteps(f: Fixture): PlainStep[] {
  const out: PlainStep[] = [];
  for (const s of f.steps) {
    if (!("repeat" in s)) {
      out.push(s);
      continue;
    }
    const from = s.from ?? 1;
    for (let n = from; n < from + s.repeat; n++) {
      const i = String(n);
      const step: CommandStep = {
        cmd: s.cmd.map((a) => a.replaceAll("{i}", i)),
        expect: substitute(s.expect, i),
      };
      out.push(s.conn === undefined ? step : { ...step, conn: s.conn });
    }
  }
  return out;
}

/** A conformance fixture. */
export interface Fixture {
  /** Unique, starts with the source: `DOC-005 server.call SET`. */
  readonly name: string;
  /** Where the expected behaviour is written: a DOC-xxx example or a spec requirement ID. */
  readonly source: string;
  /** Other requirement IDs this fixture exercises. */
  readonly covers?: readonly string[];
  /** Free-form labels; some mean a requirement (see {@link requirements}). */
  readonly tags: readonly string[];
  /** Protocol of every connection (HELLO 3 is sent first when 3). Default 2. */
  readonly resp?: 2 | 3;
  /** CONFIG SET before the fixture; every parameter is restored afterwards. */
  readonly config?: Readonly<Record<string, string>>;
  /** Commands run on connection `a` before the steps; an error reply means "cannot set up". */
  readonly setup?: readonly Argv[];
  readonly steps: readonly Step[];
  /** Commands run after the fixture whatever happened (errors ignored), before config restore. */
  readonly teardown?: readonly Argv[];
  /**
   * Why Redis (OSS, e.g. 7.0) replies differently: the fixture is skipped on Redis-flavoured
   * targets with this reason.
   */
  readonly valkeyOnly?: string;
  /**
   * Why some steps expect another reply from Redis (their `redis` field): on Redis-flavoured
   * targets those replies are expected instead.
   */
  readonly redisDiff?: string;
  /** Why the behaviour cannot be observed by a client: the fixture is always skipped. */
  readonly unobservable?: string;
  readonly notes?: string;
}

/** What a target may be able to do; fixtures need some of these. */
export type Capability =
  /** HELLO 3 and RESP3 replies. */
  | "resp3"
  /** Per-connection state across requests (MULTI/EXEC, SELECT, HELLO, CLIENT). */
  | "session"
  /** Several connections at once, and commands sent before the previous reply was read. */
  | "connections"
  /** Other connections are answered (with BUSY) while a script runs. */
  | "busy"
  /** CONFIG GET / CONFIG SET (to apply and restore `config`). */
  | "config"
  /** A brand-new server for one fixture (process-wide state such as the PRNG at its start value). */
  | "fresh"
  /** MONITOR. */
  | "monitor"
  /** Cluster mode is enabled. */
  | "cluster"
  /** Cluster mode is disabled. */
  | "standalone";

/** Tags that name a requirement, and the capability each needs. */
export const TAG_REQUIREMENTS: Readonly<Record<string, Capability>> = {
  resp3: "resp3",
  busy: "busy",
  "fresh-server": "fresh",
  monitor: "monitor",
  cluster: "cluster",
  standalone: "standalone",
};

const SESSION_COMMANDS = new Set([
  "multi",
  "exec",
  "discard",
  "watch",
  "unwatch",
  "select",
  "hello",
  "client",
  "reset",
  "monitor",
]);

/**
 * The capabilities a fixture needs: from its tags, its protocol, its connections and commands.
 *
 * @param f The fixture.
 * @returns The needed capabilities, sorted.
 */
export function requirements(f: Fixture): Capability[] {
  const need = new Set<Capability>();
  for (const t of f.tags) {
    const c = TAG_REQUIREMENTS[t];
    if (c !== undefined) need.add(c);
  }
  if (f.resp === 3) need.add("resp3");
  if (f.config !== undefined && Object.keys(f.config).length > 0) need.add("config");
  const commands = [...(f.setup ?? [])];
  for (const s of expandSteps(f)) {
    if ("send" in s || "receive" in s) need.add("connections");
    if ("cmd" in s || "send" in s) {
      if ((s as CommandStep | SendStep).conn !== undefined) need.add("connections");
      commands.push("cmd" in s ? s.cmd : s.send);
    }
  }
  for (const argv of commands) {
    const name = (argv[0] ?? "").toLowerCase();
    if (SESSION_COMMANDS.has(name)) need.add("session");
    if (name === "config") need.add("config");
  }
  return [...need].sort();
}

/**
 * Every connection name a fixture uses, `a` first.
 *
 * @param f The fixture.
 * @returns Connection names in order of first use.
 */
export function connectionNames(f: Fixture): string[] {
  const names = ["a"];
  for (const s of expandSteps(f)) {
    const c = "sleepMs" in s ? undefined : s.conn;
    if (c !== undefined && !names.includes(c)) names.push(c);
  }
  return names;
}

/** The requirement IDs a fixture is evidence for: its source and what it covers. */
export function coveredIds(f: Fixture): string[] {
  return [f.source, ...(f.covers ?? [])];
}

/**
 * Checks fixtures: shape, unique names, byte strings, expected-reply notation, sends matched by
 * receives, Redis alternatives explained.
 *
 * @param fixtures The fixtures.
 * @returns One message per problem (empty when all are valid).
 */
export function validateFixtures(fixtures: readonly Fixture[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const f of fixtures) {
    const where = `fixture ${JSON.stringify(f.name)}`;
    const bad = (msg: string) => problems.push(`${where}: ${msg}`);
    if (typeof f.name !== "string" || f.name === "") bad("needs a name");
    if (names.has(f.name)) bad("duplicate name");
    names.add(f.name);
    if (typeof f.source !== "string" || !/^[A-Z]+-[0-9]+$/.test(f.source)) {
      bad(`source must be an ID like DOC-001 or CALL-3, got ${JSON.stringify(f.source)}`);
    } else if (!f.name.startsWith(f.source + " ")) {
      bad("the name must start with the source and a space");
    }
    for (const c of f.covers ?? []) if (!/^[A-Z]+-[0-9]+$/.test(c)) bad(`bad covers ID ${c}`);
    if (!Array.isArray(f.tags)) bad("tags must be an array");
    if (f.resp !== undefined && f.resp !== 2 && f.resp !== 3) bad("resp must be 2 or 3");
    if (!Array.isArray(f.steps) || f.steps.length === 0) bad("needs steps");
    if ((f.valkeyOnly !== undefined) !== f.tags.includes("valkey-only")) {
      bad("the valkey-only tag and a valkeyOnly reason go together");
    }
    const argvs: Argv[] = [...(f.setup ?? []), ...(f.teardown ?? [])];
    const sent = new Map<string, number>();
    for (const [i, s] of (f.steps ?? []).entries()) {
      const at = `step ${i + 1}`;
      if ("repeat" in s) {
        if (!Number.isInteger(s.repeat) || s.repeat < 1) bad(`${at}: repeat must be a count`);
        if (!Array.isArray(s.cmd) || s.expect === undefined) bad(`${at}: repeat needs cmd+expect`);
        else argvs.push(s.cmd);
        continue;
      }
      try {
        if ("cmd" in s) {
          argvs.push(s.cmd);
          if (s.expect === undefined) bad(`${at}: cmd needs expect`);
          else parseExpected(s.expect);
        } else if ("send" in s) {
          argvs.push(s.send);
          const c = s.conn ?? "a";
          sent.set(c, (sent.get(c) ?? 0) + 1);
        } else if ("receive" in s) {
          parseExpected(s.receive);
          const c = s.conn ?? "a";
          sent.set(c, (sent.get(c) ?? 0) - 1);
        } else if (!("sleepMs" in s) || typeof s.sleepMs !== "number") {
          bad(`${at}: a step has cmd+expect, send, receive or sleepMs`);
        }
        const alt = (s as CommandStep | ReceiveStep).redis;
        if (alt !== undefined) {
          parseExpected(alt);
          if (f.redisDiff === undefined) bad(`${at}: a redis reply needs the fixture's redisDiff`);
        }
      } catch (e) {
        bad(`${at}: ${(e as Error).message}`);
      }
    }
    for (const [c, n] of sent) if (n > 0) bad(`${n} send(s) on ${c} never received`);
    for (const argv of argvs) {
      if (!Array.isArray(argv) || argv.length === 0) {
        bad(`empty or non-array command ${JSON.stringify(argv)}`);
        continue;
      }
      for (const a of argv) {
        if (typeof a !== "string" || [...a].some((ch) => ch.charCodeAt(0) > 0xff)) {
          bad(`argument ${JSON.stringify(a)} is not a byte string`);
        }
      }
    }
  }
  return problems;
}
