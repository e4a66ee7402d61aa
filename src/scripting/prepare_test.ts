// Effective command flags of EVAL-family commands (spec §1.2, FLAG-7, FLAG-8, FLAG-16) and the
// flags conversion. The run-preparation refusals (FLAG-12, FLAG-14, FLAG-15) are exercised end to
// end in gates_test.ts and gates_twin_test.ts.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer } from "../../mod.ts";
import type { Bytes } from "../bytes.ts";
import { bulk } from "../resp/reply.ts";
import type { Server } from "../server.ts";
import { FLAG_ALLOW_OOM, FLAG_NO_WRITES } from "./flags.ts";
import { scriptFlagsToCommandFlags } from "./prepare.ts";

const sha = (body: string) => createHash("sha1").update(body, "latin1").digest("hex");

async function serve() {
  const server = await createServer();
  const session = server.createSession();
  return { server, run: (...argv: Bytes[]) => server.execute(session, argv) };
}

function flagsOf(server: Server, argv: Bytes[]): readonly string[] {
  const found = server.lookup(argv);
  assert.ok("spec" in found);
  const spec = found.spec;
  return spec.effectiveFlags === undefined ? spec.flags : spec.effectiveFlags(server, argv);
}

test("§1.2 effective flags: EVAL of a script without shebang keeps the static flags", async () => {
  const { server } = await serve();
  const flags = flagsOf(server, ["EVAL", "return 1", "0"]);
  assert.ok(flags.includes("may_replicate") && flags.includes("stale"));
  assert.ok(!flags.includes("write") && !flags.includes("denyoom"));
});

test("FLAG-8 effective flags of a shebang script: write + denyoom, no stale, no may_replicate", async () => {
  const { server } = await serve();
  for (const body of ["#!lua\nreturn 1", "#!lua flags=\nreturn 1"]) {
    const flags = flagsOf(server, ["EVAL", body, "0"]);
    assert.ok(flags.includes("write") && flags.includes("denyoom"), body);
    assert.ok(!flags.includes("stale") && !flags.includes("may_replicate"), body);
    assert.ok(flags.includes("noscript") && flags.includes("movablekeys"), body);
  }
  // EVAL_RO of a script that may write is judged as a write (its run is refused later, FLAG-14).
  const ro = flagsOf(server, ["EVAL_RO", "#!lua\nreturn 1", "0"]);
  assert.ok(ro.includes("readonly") && ro.includes("write") && ro.includes("denyoom"));
});

test("FLAG-9/10/11 effective flags: no-writes, allow-oom, allow-stale", async () => {
  const { server } = await serve();
  const nw = flagsOf(server, ["EVAL", "#!lua flags=no-writes\nreturn 1", "0"]);
  assert.ok(!nw.includes("write") && !nw.includes("denyoom") && !nw.includes("stale"));
  const oom = flagsOf(server, ["EVAL", "#!lua flags=allow-oom\nreturn 1", "0"]);
  assert.ok(oom.includes("write") && !oom.includes("denyoom"));
  const stale = flagsOf(server, ["EVAL", "#!lua flags=allow-stale,no-writes\nreturn 1", "0"]);
  assert.ok(stale.includes("stale") && !stale.includes("write"));
});

test("§1.2 effective flags: invalid shebang and unknown or malformed sha keep the static flags", async () => {
  const { server } = await serve();
  for (
    const argv of [
      ["EVAL", "#!lua flags=bogus\nreturn 1", "0"],
      ["EVAL", "#!lua", "0"],
      ["EVALSHA", "f".repeat(40), "0"],
      ["EVALSHA", "abc", "0"],
    ]
  ) {
    const flags = flagsOf(server, argv);
    assert.ok(!flags.includes("write") && !flags.includes("denyoom"), argv[1]);
  }
});

test("FLAG-16 EVALSHA is judged by the flags parsed when the body was cached (any case)", async () => {
  const { server, run } = await serve();
  const body = "#!lua flags=no-writes\nreturn 1";
  assert.deepEqual(run("SCRIPT", "LOAD", body), bulk(sha(body)));
  const flags = flagsOf(server, ["EVALSHA", sha(body).toUpperCase(), "0"]);
  assert.ok(flags.includes("stale") === false && !flags.includes("write"));
  const plain = "return 2";
  run("SCRIPT", "LOAD", plain);
  assert.ok(flagsOf(server, ["EVALSHA", sha(plain), "0"]).includes("may_replicate"));
  const writer = "#!lua\nreturn 3";
  run("SCRIPT", "LOAD", writer);
  assert.ok(flagsOf(server, ["EVALSHA_RO", sha(writer), "0"]).includes("denyoom"));
});

test("FLAG-8 scriptFlagsToCommandFlags: one frozen array per combination", () => {
  const flags = ["noscript", "stale", "may_replicate", "movablekeys"] as const;
  const a = scriptFlagsToCommandFlags(flags, 0);
  assert.deepEqual([...a], ["noscript", "movablekeys", "denyoom", "write"]);
  assert.equal(scriptFlagsToCommandFlags(flags, 0), a);
  assert.ok(Object.isFrozen(a));
  assert.deepEqual([...scriptFlagsToCommandFlags(flags, FLAG_ALLOW_OOM)], [
    "noscript",
    "movablekeys",
    "write",
  ]);
  assert.deepEqual([...scriptFlagsToCommandFlags(flags, FLAG_NO_WRITES | FLAG_ALLOW_OOM)], [
    "noscript",
    "movablekeys",
  ]);
});
