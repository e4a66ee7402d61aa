import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sha1hex } from "../src/sha1.ts";
import type { Expected, ExpectedObject } from "./compare.ts";
import {
  connectionNames,
  coveredIds,
  expandSteps,
  type Fixture,
  requirements,
  validateFixtures,
} from "./fixture.ts";
import { FIXTURE_GROUPS, fixtures } from "./fixtures/mod.ts";

const SPEC = fileURLToPath(new URL("../../shared/spec/", import.meta.url));
const haveSpec = existsSync(SPEC + "scripting.md");
const noSpec = haveSpec ? false : "../shared/spec is not beside the repository";

test("every fixture is well-formed", () => {
  assert.deepEqual(validateFixtures(fixtures), []);
  assert.ok(fixtures.length > 200);
  for (const [group, list] of Object.entries(FIXTURE_GROUPS)) {
    assert.ok(list.length > 0, `group ${group} is empty`);
  }
});

test("validateFixtures reports malformed fixtures", () => {
  const bad = [
    { name: "X-1 a", source: "X-1", tags: [], steps: [{ cmd: ["PING"], expect: "PONG" }] },
    { name: "X-1 a", source: "X-1", tags: [], steps: [{ send: ["PING"] }] },
    { name: "oops", source: "lower", tags: ["valkey-only"], steps: [] },
    {
      name: "X-2 b",
      source: "X-2",
      tags: [],
      steps: [{ cmd: ["GET", "\u0100"], expect: "_", redis: "$x" }],
    },
  ] as unknown as Fixture[];
  const problems = validateFixtures(bad).join("\n");
  assert.match(problems, /bad expected reply "PONG"/);
  assert.match(problems, /duplicate name/);
  assert.match(problems, /1 send\(s\) on a never received/);
  assert.match(problems, /source must be an ID/);
  assert.match(problems, /needs steps/);
  assert.match(problems, /valkey-only tag and a valkeyOnly reason go together/);
  assert.match(problems, /not a byte string/);
  assert.match(problems, /a redis reply needs the fixture's redisDiff/);
});

test("every DOC-xxx example of doc-examples.md is a fixture", { skip: noSpec }, () => {
  const text = readFileSync(SPEC + "doc-examples.md", "utf8");
  const ids = new Set(text.match(/\bDOC-\d{3}\b/g) ?? []);
  assert.equal(ids.size, 47);
  const sources = new Set(fixtures.map((f) => f.source));
  assert.deepEqual([...ids].filter((id) => !sources.has(id)), []);
});

test("every requirement ID of spec §1–14 and §17–18 has a fixture", { skip: noSpec }, () => {
  const text = readFileSync(SPEC + "scripting.md", "utf8");
  const ids = new Set(
    (text.match(/\*\*[A-Z]+-\d+/g) ?? []).map((s) => s.slice(2)).filter((id) =>
      !/^(REPL|CLU)-/.test(id)
    ),
  );
  assert.ok(ids.size > 140);
  const sources = new Set(fixtures.map((f) => f.source));
  assert.deepEqual([...ids].filter((id) => !sources.has(id)), [], "IDs without a fixture");
  const covered = new Set(fixtures.flatMap(coveredIds));
  for (const f of fixtures) {
    for (const id of coveredIds(f)) {
      if (!id.startsWith("DOC-")) assert.ok(ids.has(id), `${f.name}: unknown ID ${id}`);
    }
  }
  assert.ok(covered.size >= ids.size);
});

/** Every text of an expected reply, at any depth (Redis alternatives included). */
function texts(e: Expected | undefined, out: string[] = []): string[] {
  if (e === undefined) return out;
  if (typeof e === "string") out.push(e);
  else if (Array.isArray(e)) { for (const x of e) texts(x, out); }
  else {
    const o = e as ExpectedObject;
    if (typeof o.regex === "string") out.push(o.regex);
    for (const k of ["unordered", "set", "push", "oneOf"] as const) texts(o[k], out);
    for (const [k, v] of o.map ?? []) texts([k, v], out);
  }
  return out;
}

test("the shas in fixtures are the SHA1 of their scripts", () => {
  for (const f of fixtures) {
    const known = new Set<string>();
    const steps = expandSteps(f);
    for (const s of steps) {
      const argv = "cmd" in s ? s.cmd : "send" in s ? s.send : undefined;
      if (argv === undefined) continue;
      const name = argv[0].toLowerCase();
      const sub = (argv[1] ?? "").toLowerCase();
      if (argv.length < 3) continue;
      if (name === "eval" || name === "eval_ro") known.add(sha1hex(argv[1]));
      if (name === "script" && sub === "load") {
        known.add(sha1hex(argv[2]));
        if ("cmd" in s && typeof s.expect === "string" && s.expect.startsWith("$")) {
          assert.equal(s.expect, `$${sha1hex(argv[2])}`, `${f.name}: SCRIPT LOAD reply`);
        }
      }
      if (name === "evalsha" || name === "evalsha_ro") known.add(argv[1].toLowerCase());
    }
    for (const s of steps) {
      const expected = "cmd" in s
        ? [s.expect, s.redis]
        : "receive" in s
        ? [s.receive, s.redis]
        : [];
      for (const t of texts(expected as Expected)) {
        for (const m of t.matchAll(/script: ([0-9a-f]{40})/g)) {
          assert.ok(known.has(m[1]), `${f.name}: sha ${m[1]} is not one of its scripts`);
        }
      }
    }
  }
});

test("requirements follow tags, protocol, connections and commands", () => {
  const f = (over: Partial<Fixture>): Fixture => ({
    name: "X-1 x",
    source: "X-1",
    tags: [],
    steps: [{ cmd: ["PING"], expect: "+PONG" }],
    ...over,
  });
  assert.deepEqual(requirements(f({})), []);
  assert.deepEqual(requirements(f({ resp: 3, tags: ["busy"] })), ["busy", "resp3"]);
  assert.deepEqual(requirements(f({ config: { maxmemory: "1" } })), ["config"]);
  assert.deepEqual(
    requirements(
      f({
        steps: [{ cmd: ["MULTI"], expect: "+OK" }, { cmd: ["PING"], expect: "+PONG", conn: "b" }],
      }),
    ),
    ["connections", "session"],
  );
  assert.deepEqual(
    requirements(f({ steps: [{ cmd: ["CONFIG", "SET", "x", "1"], expect: "+OK" }] })),
    ["config"],
  );
  assert.deepEqual(
    connectionNames(f({ steps: [{ send: ["PING"], conn: "c" }, { receive: "+PONG", conn: "c" }] })),
    ["a", "c"],
  );
});

test("repeat steps expand with the counter substituted", () => {
  const steps = expandSteps({
    name: "X-1 x",
    source: "X-1",
    tags: [],
    steps: [{ repeat: 3, from: 5, cmd: ["EVAL", "return {i}", "0"], expect: [":{i}"] }],
  });
  assert.deepEqual(steps, [
    { cmd: ["EVAL", "return 5", "0"], expect: [":5"] },
    { cmd: ["EVAL", "return 6", "0"], expect: [":6"] },
    { cmd: ["EVAL", "return 7", "0"], expect: [":7"] },
  ]);
});
