import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "../mod.ts";
import type { Reply } from "../src/resp/reply.ts";
import { serve } from "../src/runtime/node.ts";
import {
  call,
  encodeCommand,
  httpTarget,
  inProcessTarget,
  parseRespUrl,
  respTarget,
  targetFromString,
} from "./targets.ts";

test("encodeCommand writes a RESP multibulk of byte strings", () => {
  const bytes = encodeCommand(["SET", "k\x00", "\xff"]);
  assert.deepEqual(
    [...bytes],
    [..."*3\r\n$3\r\nSET\r\n$2\r\nk\x00\r\n$1\r\n\xff\r\n"].map((c) => c.charCodeAt(0)),
  );
});

test("parseRespUrl reads host and port", () => {
  assert.deepEqual(parseRespUrl("resp://127.0.0.1:6380"), { host: "127.0.0.1", port: 6380 });
  assert.deepEqual(parseRespUrl("resp://localhost"), { host: "localhost", port: 6379 });
  assert.deepEqual(parseRespUrl("resp://[::1]:7000/"), { host: "::1", port: 7000 });
  assert.throws(() => parseRespUrl("redis://x:1"), TypeError);
  assert.throws(() => parseRespUrl("resp://x:0"), RangeError);
  assert.throws(() => targetFromString("tcp://x"), TypeError);
});

test("in-process target: replies as a socket carries them, capabilities, fresh servers", async () => {
  const t = inProcessTarget();
  const info = await t.open();
  assert.equal(info.flavor, "valkey");
  for (const c of ["resp3", "session", "connections", "fresh", "config", "standalone"] as const) {
    assert.ok(info.capabilities.has(c), c);
  }
  assert.ok(!info.capabilities.has("busy"));
  const c2 = await t.connect(2);
  assert.deepEqual(await call(c2, ["EVAL", "return {map={a=1}}", "0"]), {
    type: "array",
    value: [{ type: "bulk", value: "a" }, { type: "integer", value: 1 }],
  });
  assert.deepEqual(await call(c2, ["EVAL", "return", "0"]), { type: "null" });
  const c3 = await t.connect(3);
  assert.deepEqual(await call(c3, ["EVAL", "return {map={a=1}}", "0"]), {
    type: "map",
    value: [[{ type: "bulk", value: "a" }, { type: "integer", value: 1 }]],
  });
  await call(c2, ["SET", "k", "v"]);
  await t.fresh!();
  const c4 = await t.connect(2);
  assert.deepEqual(await call(c4, ["EXISTS", "k"]), { type: "integer", value: 0 });
  await t.close();
});

test("http target: POST JSON, base64 replies, errors, OK status", async () => {
  const seen: { body: unknown; headers: Headers }[] = [];
  const replies: Record<string, unknown> = {
    "INFO server": { result: btoa("# Server\r\nredis_version:7.2.4\r\nvalkey_version:8.0.1\r\n") },
    "CONFIG GET maxmemory": { result: [btoa("maxmemory"), btoa("0")] },
    "INFO cluster": { result: btoa("cluster_enabled:0\r\n") },
    "SET k v": { result: "OK" },
    "GET k": { result: btoa("\xff\x00") },
    "LRANGE l 0 -1": { result: [btoa("a"), null, 12345678901234567890] },
    "NOPE": { error: "ERR unknown command 'NOPE'" },
  };
  const t = httpTarget("http://example.test/base/", {
    token: "secret",
    fetch: async (req) => {
      const body = await req.json();
      seen.push({ body, headers: req.headers });
      assert.equal(req.url, "http://example.test/base/");
      const key = (body as string[]).join(" ");
      return new Response(JSON.stringify(replies[key]));
    },
  });
  const info = await t.open();
  assert.equal(info.fidelity, "json");
  assert.equal(info.flavor, "valkey");
  assert.ok(!info.capabilities.has("resp3"));
  const c = await t.connect(2);
  assert.deepEqual(await call(c, ["SET", "k", "v"]), { type: "status", value: "OK" });
  assert.deepEqual(await call(c, ["GET", "k"]), { type: "bulk", value: "\xff\x00" });
  const lr = (await call(c, ["LRANGE", "l", "0", "-1"])) as Extract<Reply, { type: "array" }>;
  assert.deepEqual(lr.value.slice(0, 2), [{ type: "bulk", value: "a" }, { type: "null" }]);
  assert.equal(lr.value[2].type, "integer");
  assert.deepEqual(await call(c, ["NOPE"]), { type: "error", value: "ERR unknown command 'NOPE'" });
  assert.equal(seen[0].headers.get("authorization"), "Bearer secret");
  assert.equal(seen[0].headers.get("upstash-encoding"), "base64");
  assert.equal(t.unsendable!(["EVAL", "return 1", "0"]), undefined);
  assert.match(t.unsendable!(["GET", "\xff"]) ?? "", /not valid UTF-8/);
});

test("resp target: probes evalkit's RESP server and talks raw RESP2 / RESP3", async () => {
  const server = await createServer();
  const handle = await serve(server, { port: 0 });
  try {
    const t = respTarget(`resp://127.0.0.1:${handle.port}`);
    const info = await t.open();
    assert.equal(info.flavor, "valkey");
    assert.ok(info.capabilities.has("resp3"));
    assert.ok(info.capabilities.has("connections"));
    // Busy scripts yield to the event loop (spec §14, issue #5): the probe sees BUSY.
    assert.ok(info.capabilities.has("busy"));
    const c = await t.connect(3);
    c.send(["SET", "k", "v"]);
    c.send(["EVAL", "return {double=1.5}", "0"]);
    assert.deepEqual(await c.read(), { type: "status", value: "OK" });
    assert.deepEqual(await c.read(), { type: "double", value: 1.5 });
    c.close();
    await assert.rejects(c.read(), /connection closed/);
    await t.close();
  } finally {
    await handle.close();
  }
});

test("resp target: an unreachable server rejects open()", async () => {
  // Port 1 on loopback: nothing listens there.
  await assert.rejects(respTarget("resp://127.0.0.1:1").open());
});

test("testkit/mod.ts statically imports no node:*, npm: or engine module", () => {
  const seen = new Set<string>();
  const bad: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!file.endsWith(".ts")) return;
    const text = readFileSync(file, "utf8");
    // Static imports and re-exports only: dynamic import() is how the kit defers them.
    const re = /(?:^|\n)\s*(?:import|export)\s[^;]*?\bfrom\s+["']([^"']+)["']/g;
    for (const m of text.matchAll(re)) {
      const spec = m[1];
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec));
      else bad.push(`${file}: ${spec}`);
    }
    if (/\/src\/lua\//.test(file)) bad.push(file);
  };
  visit(fileURLToPath(new URL("./mod.ts", import.meta.url)));
  assert.deepEqual(bad, []);
  assert.ok(seen.size > 10);
});
