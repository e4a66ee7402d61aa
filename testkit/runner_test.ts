import { test } from "node:test";
import assert from "node:assert/strict";
import { sha1hex } from "../src/sha1.ts";
import type { Reply } from "../src/resp/reply.ts";
import type { Argv, Capability, Fixture } from "./fixture.ts";
import { runConformance, select, toRedisDialect } from "./runner.ts";
import type { Connection, Flavor, Target, TargetInfo } from "./targets.ts";

const OK: Reply = { type: "status", value: "OK" };
const bulk = (value: string): Reply => ({ type: "bulk", value });

/** A scripted target: replies come from `respond`; every command is logged. */
class FakeTarget implements Target {
  readonly name = "fake";
  readonly log: string[] = [];
  readonly config = new Map<string, string>([["maxmemory", "0"]]);
  readonly #caps: Set<Capability>;
  readonly #flavor: Flavor;
  readonly #respond: (conn: string, argv: Argv) => Reply | Promise<Reply>;
  #connections = 0;

  constructor(
    respond: (conn: string, argv: Argv) => Reply | Promise<Reply>,
    options: { caps?: Capability[]; flavor?: Flavor } = {},
  ) {
    this.#respond = respond;
    this.#caps = new Set(options.caps ?? ["config", "session", "connections", "resp3"]);
    this.#flavor = options.flavor ?? "valkey";
  }

  open(): Promise<TargetInfo> {
    return Promise.resolve({
      description: "fake",
      flavor: this.#flavor,
      version: "1.0.0",
      capabilities: this.#caps,
      fidelity: "resp",
      notes: { busy: "fake has no busy scripts" },
    });
  }

  #reply(conn: string, argv: Argv): Reply | Promise<Reply> {
    this.log.push(`${conn}: ${argv.join(" ")}`);
    const [name, sub, p, v] = argv.map((a) => a.toLowerCase());
    if (name === "config" && sub === "get") {
      const value = this.config.get(p);
      return value === undefined
        ? { type: "array", value: [] }
        : { type: "array", value: [bulk(p), bulk(value)] };
    }
    if (name === "config" && sub === "set") {
      if (p === "refused") return { type: "error", value: "ERR nope" };
      this.config.set(p, v);
      return OK;
    }
    // The kit's own isolation commands always work here.
    if (conn === "admin" && (name === "flushall" || name === "script")) return OK;
    return this.#respond(conn, argv);
  }

  connect(resp: 2 | 3): Promise<Connection> {
    const name = `c${++this.#connections}`;
    const replies: Promise<Reply>[] = [];
    if (resp === 3) this.log.push(`${name}: HELLO 3`);
    return Promise.resolve({
      send: (argv) => void replies.push(Promise.resolve(this.#reply(name, argv))),
      read: () => replies.shift() ?? new Promise<Reply>(() => {}),
      close: () => {},
    });
  }

  admin(argv: Argv): Promise<Reply> {
    return Promise.resolve(this.#reply("admin", argv));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const echo = (_c: string, argv: Argv): Reply =>
  argv[0] === "PING" ? { type: "status", value: "PONG" } : argv[0] === "GET" ? bulk("v") : OK;

const fx = (over: Partial<Fixture>): Fixture => ({
  name: "X-1 x",
  source: "X-1",
  tags: ["t"],
  steps: [{ cmd: ["PING"], expect: "+PONG" }],
  ...over,
});

test("each fixture runs isolated: flush, config saved, applied, restored, teardown", async () => {
  const t = new FakeTarget(echo);
  const report = await runConformance({
    target: t,
    fixtures: [
      fx({
        config: { maxmemory: "1" },
        setup: [["SET", "k", "v"]],
        steps: [{ cmd: ["CONFIG", "SET", "busy-reply-threshold", "5"], expect: "+OK" }],
        teardown: [["DEL", "k"]],
      }),
    ],
  });
  assert.equal(report.passed, 1);
  assert.deepEqual(t.log, [
    "admin: FLUSHALL",
    "admin: SCRIPT FLUSH",
    "admin: CONFIG GET maxmemory",
    "admin: CONFIG GET busy-reply-threshold",
    "admin: CONFIG SET maxmemory 1",
    "c1: SET k v",
    "c1: CONFIG SET busy-reply-threshold 5",
    "admin: DEL k",
    "admin: CONFIG SET maxmemory 0",
  ]);
  assert.equal(t.config.get("maxmemory"), "0");
});

test("a failure names the step, the command, both typed replies and the path", async () => {
  const t = new FakeTarget(() => ({ type: "array", value: [bulk("a"), OK] }));
  const report = await runConformance({
    target: t,
    fixtures: [fx({ steps: [{ cmd: ["LRANGE", "l", "0", "-1"], expect: ["$a", "$OK"] }] })],
  });
  assert.equal(report.failed, 1);
  const f = report.results[0].failure!;
  assert.equal(f.step, 1);
  assert.equal(f.conn, "a");
  assert.deepEqual(f.command, ["LRANGE", "l", "0", "-1"]);
  assert.equal(f.path, "$[1]");
  assert.equal(f.message, "status, expected bulk");
  assert.equal(f.expected, '*2\n  [0] $"a"\n  [1] $"OK"');
  assert.equal(f.actual, '*2\n  [0] $"a"\n  [1] +OK');
});

test("fixtures needing what the target lacks are skipped with the reason", async () => {
  const t = new FakeTarget(echo, { caps: ["config"] });
  const report = await runConformance({
    target: t,
    fixtures: [
      fx({ name: "X-1 busy", tags: ["busy"] }),
      fx({ name: "X-1 resp3", resp: 3 }),
      fx({ name: "X-1 multi", steps: [{ cmd: ["MULTI"], expect: "+OK" }] }),
      fx({ name: "X-1 hidden", unobservable: "cannot be seen" }),
      fx({ name: "X-1 refused", config: { refused: "1" } }),
    ],
  });
  assert.equal(report.skipped, 5);
  assert.deepEqual(report.results.map((r) => r.reason), [
    "target lacks other clients answered while a script runs (fake has no busy scripts)",
    "target lacks RESP3",
    "target lacks per-connection state (MULTI/EXEC, SELECT, HELLO)",
    "not observable by a client: cannot be seen",
    "cannot set up: the target has no config parameter refused",
  ]);
  assert.deepEqual(t.log.filter((l) => !l.startsWith("admin")), []);
});

test("on a Redis-flavoured target: Valkey-only fixtures skip, Redis replies are expected", async () => {
  const t = new FakeTarget(
    () => ({ type: "error", value: "NOSCRIPT No matching script. Please use EVAL." }),
    {
      flavor: "redis",
    },
  );
  const report = await runConformance({
    target: t,
    fixtures: [
      fx({ name: "X-1 only", tags: ["valkey-only"], valkeyOnly: "new in Valkey" }),
      fx({
        name: "X-1 diff",
        redisDiff: "Redis adds a sentence",
        steps: [{
          cmd: ["EVALSHA", "f".repeat(40), "0"],
          expect: "-NOSCRIPT No matching script.",
          redis: "-NOSCRIPT No matching script. Please use EVAL.",
        }],
      }),
    ],
  });
  assert.equal(report.dialect, "redis");
  assert.equal(report.results[0].reason, "Valkey-only (target is redis 1.0.0): new in Valkey");
  assert.equal(report.results[1].outcome, "passed");
});

test("toRedisDialect spells scripts with redis. and rewrites their shas", () => {
  const body = "return server.call('get', KEYS[1])";
  const redisBody = "return redis.call('get', KEYS[1])";
  const f = toRedisDialect(fx({
    steps: [
      { cmd: ["SCRIPT", "LOAD", body], expect: `$${sha1hex(body)}` },
      { cmd: ["EVALSHA", sha1hex(body).toUpperCase(), "1", "k"], expect: "_" },
      { cmd: ["EVAL", body, "0"], expect: `-ERR x script: ${sha1hex(body)}, on @user_script:1.` },
    ],
  }));
  assert.deepEqual(f.steps, [
    { cmd: ["SCRIPT", "LOAD", redisBody], expect: `$${sha1hex(redisBody)}` },
    { cmd: ["EVALSHA", sha1hex(redisBody).toUpperCase(), "1", "k"], expect: "_" },
    {
      cmd: ["EVAL", redisBody, "0"],
      expect: `-ERR x script: ${sha1hex(redisBody)}, on @user_script:1.`,
    },
  ]);
  const untouched = fx({ steps: [{ cmd: ["EVAL", "return 1", "0"], expect: ":1" }] });
  assert.equal(toRedisDialect(untouched), untouched);
});

test("known gaps: a failure is skipped with its issue, a pass stays a pass, run:false is not run", async () => {
  const t = new FakeTarget((
    _c,
    argv,
  ) => (argv[0] === "GOOD" ? OK : { type: "error", value: "ERR no" }));
  const gap = { issue: 5, reason: "not yet", tags: ["gap"] };
  const report = await runConformance({
    target: t,
    fixtures: [
      fx({ name: "X-1 failing", tags: ["gap"], steps: [{ cmd: ["BAD"], expect: "+OK" }] }),
      fx({ name: "X-1 healed", tags: ["gap"], steps: [{ cmd: ["GOOD"], expect: "+OK" }] }),
      fx({ name: "X-1 hanging", tags: ["never"], steps: [{ cmd: ["BAD"], expect: "+OK" }] }),
    ],
    knownGaps: [gap, { issue: "#7", reason: "would hang", tags: ["never"], run: false }],
  });
  assert.deepEqual(report.results.map((r) => [r.outcome, r.reason]), [
    ["skipped", "known gap (#5): not yet"],
    ["passed", undefined],
    ["skipped", "known gap (#7): would hang"],
  ]);
  assert.equal(report.results[0].failure?.message, "error, expected status");
  assert.equal(report.results[1].knownGap, gap);
  assert.ok(!t.log.includes("c3: BAD"));
});

test("retryUntilMs polls until the reply matches", async () => {
  let n = 0;
  const t = new FakeTarget(() => (++n < 3 ? { type: "error", value: "BUSY" } : OK));
  const report = await runConformance({
    target: t,
    fixtures: [fx({ steps: [{ cmd: ["GET", "x"], expect: "+OK", retryUntilMs: 2000 }] })],
  });
  assert.equal(report.passed, 1);
  assert.equal(n, 3);
});

test("sends are pipelined, receives read in order, cmd keeps earlier replies for them", async () => {
  let n = 0;
  const t = new FakeTarget(() => ({ type: "integer", value: ++n }));
  const report = await runConformance({
    target: t,
    fixtures: [fx({
      steps: [
        { send: ["INCR", "n"] },
        { send: ["INCR", "n"] },
        { cmd: ["INCR", "n"], expect: ":3" },
        { receive: ":1" },
        { receive: ":2" },
        { cmd: ["INCR", "n"], expect: ":4", conn: "b" },
      ],
    })],
  });
  assert.equal(report.failed, 0, JSON.stringify(report.results[0].failure));
});

test("a missing reply fails the step after the timeout", async () => {
  const t = new FakeTarget(() => new Promise<Reply>(() => {}));
  const report = await runConformance({ target: t, fixtures: [fx({})], timeoutMs: 50 });
  assert.equal(report.failed, 1);
  assert.equal(report.results[0].failure?.message, "no reply within 50 ms to PING");
});

test("select keeps fixtures by tag, excluded tag and name, ID or glob", () => {
  const all = [
    fx({ name: "DOC-001 a", source: "DOC-001", tags: ["doc"] }),
    fx({ name: "CALL-1 b", source: "CALL-1", tags: ["call", "slow"] }),
    fx({ name: "CALL-12 c", source: "CALL-12", tags: ["call"] }),
  ];
  const names = (o: Parameters<typeof select>[1]) => select(all, o).map((f) => f.source);
  assert.deepEqual(names({ tags: ["call"] }), ["CALL-1", "CALL-12"]);
  assert.deepEqual(names({ excludeTags: ["slow"] }), ["DOC-001", "CALL-12"]);
  assert.deepEqual(names({ only: ["CALL-1"] }), ["CALL-1"]);
  assert.deepEqual(names({ only: ["CALL-*"] }), ["CALL-1", "CALL-12"]);
  assert.deepEqual(names({ only: ["DOC-001 a"] }), ["DOC-001"]);
});
