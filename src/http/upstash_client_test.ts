// End-to-end: the handler served by the runtime's own HTTP server (Deno.serve under `deno test`,
// Bun.serve under `bun test`) on a loopback port, driven by the unmodified @upstash/redis client.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Redis } from "@upstash/redis";
import { createServer, type Server } from "../../mod.ts";
import { createHandler } from "./handler.ts";
import { serveForTest, type TestHttpServer } from "./_test_serve.ts";

const TOKEN = "e2e-token";

interface Env {
  readonly server: Server;
  readonly http: TestHttpServer;
  /** A client; `options` are @upstash/redis config fields. */
  client(options?: Record<string, unknown>): Redis;
}

async function withEndpoint(fn: (env: Env) => Promise<void>): Promise<void> {
  const server = await createServer();
  const http = serveForTest(createHandler(server, { token: TOKEN }).fetch);
  const client = (options: Record<string, unknown> = {}) =>
    new Redis({
      url: http.url,
      token: TOKEN,
      retry: false,
      enableTelemetry: false,
      // On by default in @upstash/redis: off unless a test asks, so plain requests are covered.
      enableAutoPipelining: false,
      ...options,
    });
  try {
    await fn({ server, http, client });
  } finally {
    await http.close();
    server.scripting.engine?.close();
  }
}

function sha1(s: string): string {
  return createHash("sha1").update(s).digest("hex");
}

for (const responseEncoding of ["base64", false] as const) {
  const enc = responseEncoding === false ? "plain JSON" : "base64";

  test(`@upstash/redis (${enc}): get, set, incr, del, mget, hashes and lists`, () =>
    withEndpoint(async ({ client }) => {
      const redis = client({ responseEncoding });
      assert.equal(await redis.set("greeting", "hello"), "OK");
      assert.equal(await redis.get("greeting"), "hello");
      assert.equal(await redis.get("missing"), null);
      assert.equal(await redis.incr("counter"), 1);
      assert.equal(await redis.incrby("counter", 41), 42);
      assert.equal(await redis.set("ttl", "x", { ex: 100 }), "OK");
      assert.equal(await redis.ttl("ttl"), 100);
      assert.deepEqual(await redis.mget("greeting", "missing", "counter"), ["hello", null, 42]);
      // The client serialises objects as JSON and parses them back.
      await redis.set("obj", { a: 1, b: ["x"] });
      assert.deepEqual(await redis.get("obj"), { a: 1, b: ["x"] });
      assert.equal(await redis.hset("h", { f1: "v1", f2: "v2" }), 2);
      assert.equal(await redis.hget("h", "f1"), "v1");
      assert.equal(await redis.rpush("l", "a", "b", "c"), 3);
      assert.deepEqual(await redis.lrange("l", 0, -1), ["a", "b", "c"]);
      assert.equal(await redis.del("greeting", "counter", "missing"), 2);
      assert.equal(await redis.ping(), "PONG");
    }));

  test(`@upstash/redis (${enc}): a command error is thrown with Valkey's text`, () =>
    withEndpoint(async ({ client }) => {
      const redis = client({ responseEncoding });
      await redis.set("s", "x");
      await assert.rejects(
        redis.lpush("s", "a"),
        (e: Error) =>
          e.name === "UpstashError" &&
          e.message.includes("WRONGTYPE Operation against a key holding the wrong kind of value"),
      );
    }));

  test(`@upstash/redis (${enc}): pipeline() runs in one request and keeps order`, () =>
    withEndpoint(async ({ client, http }) => {
      const redis = client({ responseEncoding });
      const p = redis.pipeline();
      p.set("k", "v").incr("n").get("k").incrby("n", 2).get("nope");
      assert.deepEqual(await p.exec(), ["OK", 1, "v", 3, null]);
      assert.deepEqual(http.requests, ["POST /pipeline"]);
      // keepErrors: each item as {result, error}.
      const q = redis.pipeline();
      q.set("s", "x").lpush("s", "a").get("s");
      const out = await q.exec({ keepErrors: true });
      assert.equal(out[0].result, "OK");
      assert.match(out[1].error ?? "", /^WRONGTYPE /);
      assert.equal(out[2].result, "x");
    }));

  test(`@upstash/redis (${enc}): multi() goes to /multi-exec and runs atomically`, () =>
    withEndpoint(async ({ client, http }) => {
      const redis = client({ responseEncoding });
      const tx = redis.multi();
      tx.set("a", "1").incr("a").get("a");
      assert.deepEqual(await tx.exec(), ["OK", 2, 2]);
      assert.deepEqual(http.requests, ["POST /multi-exec"]);
      // A command that cannot be queued (MGET without keys: wrong arity) discards it all.
      const bad = redis.multi();
      bad.set("b", "1").mget();
      await assert.rejects(bad.exec(), (e: Error) =>
        e.name === "UpstashError" &&
        e.message.startsWith("EXECABORT Transaction discarded because of previous errors."));
      assert.equal(await redis.exists("b"), 0);
    }));

  test(`@upstash/redis (${enc}): enableAutoPipelining batches concurrent commands`, () =>
    withEndpoint(async ({ client, http }) => {
      const redis = client({ responseEncoding, enableAutoPipelining: true });
      // The client keeps one pipeline for writes and one for reads: batch each kind.
      const writes = await Promise.all([
        redis.set("x", "1"),
        redis.incr("x"),
        redis.incrby("x", 5),
        redis.hset("h", { f: "v" }),
      ]);
      assert.deepEqual(writes, ["OK", 2, 7, 1]);
      assert.deepEqual(http.requests, ["POST /pipeline"]);
      const reads = await Promise.all([redis.get("x"), redis.hget("h", "f"), redis.get("none")]);
      assert.deepEqual(reads, [7, "v", null]);
      assert.deepEqual(http.requests, ["POST /pipeline", "POST /pipeline"]);
      await assert.rejects(redis.hget("x", "f"), /WRONGTYPE/);
    }));

  for (const enableAutoPipelining of [false, true]) {
    const how = enableAutoPipelining ? "auto-pipelined" : "plain requests";
    test(`@upstash/redis (${enc}, ${how}): createScript().exec() on a fresh server falls back to EVAL`, () =>
      withEndpoint(async ({ client, http, server }) => {
        const redis = client({ responseEncoding, enableAutoPipelining });
        const path = enableAutoPipelining ? "POST /pipeline" : "POST /";
        const body =
          "redis.call('INCRBY', KEYS[1], ARGV[1]) return {redis.call('GET', KEYS[1]), ARGV[2]}";
        const script = redis.createScript<[number, string]>(body);
        assert.deepEqual(await script.exec(["counter"], ["5", "tag"]), [5, "tag"]);
        // EVALSHA answered NOSCRIPT, then the client sent EVAL (which cached the script).
        assert.deepEqual(http.requests, [path, path]);
        assert.equal(server.scripting.cache.get(sha1(body))?.sha, sha1(body));
        http.requests.length = 0;
        assert.deepEqual(await script.exec(["counter"], ["5", "tag"]), [10, "tag"]);
        assert.deepEqual(http.requests, [path]);
        assert.deepEqual(await redis.scriptExists(sha1(body)), [1]);
      }));
  }

  test(`@upstash/redis (${enc}): eval and evalsha with keys and numeric args`, () =>
    withEndpoint(async ({ client }) => {
      const redis = client({ responseEncoding });
      const sha = await redis.scriptLoad("return {KEYS[1], ARGV[1], tonumber(ARGV[2]) * 2}");
      assert.equal(sha, sha1("return {KEYS[1], ARGV[1], tonumber(ARGV[2]) * 2}"));
      assert.deepEqual(await redis.evalsha(sha, ["k"], ["v", 21]), ["k", "v", 42]);
      assert.deepEqual(await redis.eval("return redis.status_reply('DONE')", [], []), "DONE");
      await assert.rejects(redis.evalsha("f".repeat(40), [], []), /NOSCRIPT/);
    }));

  test(`@upstash/redis (${enc}): non-ASCII and control characters round-trip`, () =>
    withEndpoint(async ({ client }) => {
      const redis = client({ responseEncoding, automaticDeserialization: false });
      const value = 'h\u00e9llo \u2713 \u{1f600} \u0000\u0001\n\t"\\ end';
      await redis.set("u", value);
      assert.equal(await redis.get("u"), value);
      // Stored as UTF-8 bytes.
      assert.equal(await redis.strlen("u"), new TextEncoder().encode(value).length);
      await redis.set("k\u00e9\u{1f511}", "v");
      assert.deepEqual(await redis.keys("k*"), ["k\u00e9\u{1f511}"]);
    }));
}

test("@upstash/redis: binary values (not UTF-8) arrive intact in base64 on the wire", () =>
  withEndpoint(async ({ client, http }) => {
    const redis = client();
    // Bytes that are not UTF-8, written by a script.
    await redis.eval(
      "return redis.call('SET', KEYS[1], string.char(255, 0, 128, 10))",
      ["bin"],
      [],
    );
    const res = await fetch(http.url, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Upstash-Encoding": "base64" },
      body: JSON.stringify(["GET", "bin"]),
    });
    assert.deepEqual(await res.json(), { result: btoa("\xff\x00\x80\n") });
    // The client decodes base64 as UTF-8, as it does against Upstash.
    assert.equal(await redis.get("bin"), "\ufffd\u0000\ufffd\n");
    assert.equal(await redis.strlen("bin"), 4);
  }));

test("@upstash/redis: a wrong token is rejected", () =>
  withEndpoint(async ({ http }) => {
    const redis = new Redis({ url: http.url, token: "nope", retry: false, enableTelemetry: false });
    await assert.rejects(redis.get("k"), /Unauthorized/);
  }));
