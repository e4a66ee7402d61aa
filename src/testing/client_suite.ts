/**
 * The client test suite, shared by every target the client talks to: in-process evalkit,
 * evalkit's RESP server, a real redis-server (standalone and cluster) and evalkit's HTTP handler.
 * Each target file calls {@link clientSuite} with how to reach its server and what that server can
 * do (Redis 7.0 has no SCRIPT SHOW; the HTTP dialect is RESP2-shaped). Expected values come from
 * the spec (glide-script-api.md, scripting.md) and seed 003, never from evalkit's own output.
 * Test-only.
 *
 * @module
 */

import { after, test } from "node:test";
import assert from "node:assert/strict";
import {
  Batch,
  type ClientValue,
  type DecoderOption,
  ExecAbortError,
  type ExecOptions,
  FlushMode,
  type GlideString,
  RequestError,
  Script,
  type ScriptOptions,
} from "../client/mod.ts";

/** What the suite uses of a client: the API shared by the standalone and cluster clients. */
export interface ScriptClient {
  invokeScript(script: Script, options?: ScriptOptions): Promise<ClientValue>;
  scriptExists(sha1s: readonly string[]): Promise<boolean[]>;
  scriptFlush(mode?: FlushMode): Promise<"OK">;
  scriptKill(): Promise<"OK">;
  scriptShow(sha1: string, options?: DecoderOption): Promise<string | Uint8Array>;
  customCommand(args: readonly GlideString[], options?: DecoderOption): Promise<ClientValue>;
  get(key: GlideString, options?: DecoderOption): Promise<string | Uint8Array | null>;
  set(key: GlideString, value: GlideString): Promise<"OK">;
  del(keys: readonly GlideString[]): Promise<number>;
  exec(batch: Batch, options: ExecOptions): Promise<ClientValue[] | null>;
  close(): Promise<void>;
}

/** A server the suite runs against. */
export interface SuiteTarget {
  /** Prefix of every test name, e.g. `in-process`. */
  readonly name: string;
  /** Why the target cannot run here (the tests are then skipped with this reason). */
  readonly skip?: string;
  /** Starts the server on first use and returns a new client of it. */
  connect(): Promise<ScriptClient>;
  /** Stops whatever connect() started. */
  stop(): Promise<void>;
  /** The protocol replies arrive in: 3 over RESP3, 2 over RESP2 and HTTP. */
  readonly protocol: 2 | 3;
  /**
   * Valkey 8 behavior (evalkit, Valkey): SCRIPT SHOW and the `server` global exist. Redis 7.0
   * has neither: the suite then uses `redis.call` and expects SCRIPT SHOW to be refused.
   */
  readonly valkey8: boolean;
  /** An error inside an array reply arrives as an error (not over HTTP, where it is a string). */
  readonly nestedErrors: boolean;
}

const TIMEOUT_MS = 20_000;

/**
 * Registers the suite's tests for one target.
 *
 * @param target The server and its capabilities.
 */
export function clientSuite(target: SuiteTarget): void {
  let opened: Promise<ScriptClient> | undefined;
  const client = () => opened ??= target.connect();
  after(async () => {
    if (opened !== undefined) await (await opened.catch(() => undefined))?.close();
    await target.stop();
  });
  const it = (name: string, fn: (c: ScriptClient) => Promise<void>) =>
    test(
      `${target.name}: ${name}`,
      target.skip === undefined ? { timeout: TIMEOUT_MS } : { skip: target.skip },
      async () => await fn(await client()),
    );

  it("Script hello world runs by hash after loading it (seed 003, GL-5, GL-7)", async (c) => {
    const script = new Script("return 'Hello, Valkey!'");
    assert.equal(script.getHash(), "ed10d744712a805d1224c1272ddf18b5e0bb976c");
    await c.scriptFlush(FlushMode.SYNC);
    assert.deepEqual(await c.scriptExists([script.getHash()]), [false]);
    assert.equal(await c.invokeScript(script), "Hello, Valkey!");
    // The NOSCRIPT fallback loaded it (GL-9 in a cluster: on every node).
    assert.deepEqual(await c.scriptExists([script.getHash()]), [true]);
    assert.equal(await c.invokeScript(script), "Hello, Valkey!");
  });

  it("invokeScript passes KEYS and ARGV in order (GL-5)", async (c) => {
    const script = new Script("return { KEYS[1], ARGV[1] }");
    assert.equal(script.getHash(), "f748396fc563f7ae57c310164daf716d93d9d51c");
    assert.deepEqual(
      await c.invokeScript(script, { keys: ["suite:{kv}:k"], args: ["v"] }),
      ["suite:{kv}:k", "v"],
    );
    const counts = new Script("return { #KEYS, #ARGV, ARGV[2] }");
    assert.deepEqual(await c.invokeScript(counts, { args: ["a", "b"] }), [0, 2, "b"]);
    assert.deepEqual(
      await c.invokeScript(counts, { keys: ["{kv}1", "{kv}2"], args: ["x", "y", "z"] }),
      [2, 3, "y"],
    );
  });

  it("invokeScript purchase-stock decrements the stock (seed 003, GL-7)", async (c) => {
    const key = "product:shoe:stock";
    await c.set(key, "10");
    // Seed 003's body uses `server` (Valkey 8); Redis 7.0 only knows `redis`.
    const api = target.valkey8 ? "server" : "redis";
    const purchase = new Script(`return ${api}.call('DECRBY', KEYS[1], ARGV[1])`);
    assert.equal(await c.invokeScript(purchase, { keys: [key], args: ["3"] }), 7);
    assert.equal(await c.invokeScript(purchase, { keys: [key], args: ["3"] }), 4);
    assert.equal(await c.get(key), "4");
  });

  it("invokeScript maps Lua replies to JS values (CONV-3..8)", async (c) => {
    assert.deepEqual(
      await c.invokeScript(new Script("return {1, 2, 3.3333, 'foo', nil, 'bar'}")),
      [1, 2, 3, "foo"],
    );
    assert.equal(await c.invokeScript(new Script("return {ok='fine'}")), "fine");
    assert.equal(await c.invokeScript(new Script("return 100.5")), 100);
    assert.equal(await c.invokeScript(new Script("return true")), 1);
    assert.equal(await c.invokeScript(new Script("return false")), null);
    assert.equal(await c.invokeScript(new Script("return nil")), null);
    assert.deepEqual(await c.invokeScript(new Script("return {}")), []);
    assert.deepEqual(
      await c.invokeScript(new Script("return {1, {2, {'three'}}}")),
      [1, [2, ["three"]]],
    );
    const dbl = await c.invokeScript(new Script("return {double=3.5}"));
    assert.equal(dbl, target.protocol === 3 ? 3.5 : "3.5");
    const map = await c.invokeScript(new Script("return {map={field='value'}}"));
    assert.deepEqual(map, target.protocol === 3 ? { field: "value" } : ["field", "value"]);
  });

  it("replies keep integers beyond 2^53 exact as bigint", async (c) => {
    const key = "suite:big";
    await c.set(key, "9223372036854775806");
    // Not through Lua: its numbers are doubles (CONV-2, CONV-4).
    assert.equal(await c.customCommand(["INCR", key]), 9223372036854775807n);
    assert.equal(await c.customCommand(["DECRBY", key, "9223372036854775807"]), 0);
  });

  it("invokeScript raises a RequestError carrying the server's code (GL-5)", async (c) => {
    await assert.rejects(
      c.invokeScript(new Script("return redis.error_reply('MY_CODE custom message')")),
      (e) =>
        e instanceof RequestError && e.code === "MY_CODE" &&
        e.message === "MY_CODE custom message",
    );
    await c.set("suite:text", "abc");
    await assert.rejects(
      c.invokeScript(new Script("return redis.call('INCR', KEYS[1])"), { keys: ["suite:text"] }),
      (e) =>
        e instanceof RequestError && e.code === "ERR" &&
        e.message.startsWith("ERR value is not an integer or out of range"),
    );
    await assert.rejects(
      c.invokeScript(new Script("return redis.call('LPUSH', KEYS[1], 'x')"), {
        keys: ["suite:text"],
      }),
      (e) => e instanceof RequestError && e.code === "WRONGTYPE",
    );
  });

  it("invokeScript returns an error nested in a table in place", async (c) => {
    const value = await c.invokeScript(
      new Script("return {1, redis.error_reply('NESTED inner failure')}"),
    );
    assert.ok(Array.isArray(value));
    assert.equal(value[0], 1);
    if (target.nestedErrors) {
      assert.ok(value[1] instanceof RequestError);
      assert.equal((value[1] as RequestError).code, "NESTED");
    } else {
      assert.equal(value[1], "NESTED inner failure");
    }
  });

  it("invokeScript with a compile error raises the SCRIPT LOAD error (GL-5 step 2b)", async (c) => {
    await assert.rejects(
      c.invokeScript(new Script("return (")),
      (e) =>
        e instanceof RequestError && e.code === "ERR" &&
        e.message.startsWith("ERR Error compiling script"),
    );
  });

  it("invokeScript is binary-safe with the bytes decoder", async (c) => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const echo = new Script("return ARGV[1]");
    const back = await c.invokeScript(echo, { args: [all], decoder: "bytes" });
    assert.deepEqual(back, all);
    const key = new Uint8Array([0x73, 0x7b, 0xff, 0x7d, 0x00]); // "s{\xff}\0"
    const setget = new Script(
      "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('GET', KEYS[1])",
    );
    assert.deepEqual(
      await c.invokeScript(setget, { keys: [key], args: [all.subarray(128)], decoder: "bytes" }),
      all.subarray(128),
    );
    assert.equal(await c.invokeScript(echo, { args: ["héllo ✓"] }), "héllo ✓");
  });

  it("invokeScript calls in parallel each get their own reply", async (c) => {
    const key = "suite:counter";
    await c.del([key]);
    const incr = new Script("return redis.call('INCR', KEYS[1])");
    const results = await Promise.all(
      Array.from({ length: 50 }, () => c.invokeScript(incr, { keys: [key] })),
    );
    assert.deepEqual([...results].sort((a, b) => Number(a) - Number(b)), range(1, 50));
    assert.equal(await c.get(key), "50");
  });

  it("scriptExists, scriptFlush SYNC and ASYNC (SCR-2, SCR-3)", async (c) => {
    const script = new Script("return 'exists?'");
    await c.invokeScript(script);
    const unknown = "a27e7e8a43702b7046d4f6a7ccf5b60cef6b9bda";
    assert.deepEqual(await c.scriptExists([script.getHash(), unknown]), [true, false]);
    assert.deepEqual(await c.scriptExists([script.getHash().toUpperCase()]), [true]);
    assert.equal(await c.scriptFlush(FlushMode.ASYNC), "OK");
    assert.deepEqual(await c.scriptExists([script.getHash()]), [false]);
    await c.invokeScript(script);
    assert.equal(await c.scriptFlush(), "OK");
    assert.deepEqual(await c.scriptExists([script.getHash()]), [false]);
  });

  it("scriptKill without a running script raises NOTBUSY (SCR-5)", async (c) => {
    await assert.rejects(
      c.scriptKill(),
      (e) =>
        e instanceof RequestError && e.code === "NOTBUSY" &&
        e.message === "NOTBUSY No scripts in execution right now.",
    );
  });

  it("scriptShow returns the body, NOSCRIPT when unknown (SCR-4)", async (c) => {
    const script = new Script("return 'shown'");
    await c.invokeScript(script);
    if (!target.valkey8) {
      // Redis 7.0 predates SCRIPT SHOW (Valkey 8): the server's own error is passed through.
      await assert.rejects(
        c.scriptShow(script.getHash()),
        (e) => e instanceof RequestError && e.code === "ERR",
      );
      return;
    }
    assert.equal(await c.scriptShow(script.getHash()), "return 'shown'");
    await assert.rejects(
      c.scriptShow("0".repeat(40)),
      (e) =>
        e instanceof RequestError && e.code === "NOSCRIPT" &&
        e.message === "NOSCRIPT No matching script.",
    );
  });

  it("customCommand sends EVAL and plain commands, errors raised (GL-13)", async (c) => {
    assert.equal(await c.customCommand(["EVAL", "return ARGV[1]", "0", "x"]), "x");
    assert.equal(await c.customCommand(["SET", "suite:custom", "v"]), "OK");
    assert.equal(await c.customCommand(["GET", "suite:custom"]), "v");
    assert.deepEqual(
      await c.customCommand(["GET", "suite:custom"], { decoder: "bytes" }),
      enc("v"),
    );
    await assert.rejects(
      c.customCommand(["EVALSHA", "0".repeat(40), "0"]),
      (e) =>
        e instanceof RequestError && e.code === "NOSCRIPT" &&
        e.message.startsWith("NOSCRIPT No matching script"),
    );
  });

  it("exec atomic batch with EVAL then GET (seed 003, GL-15)", async (c) => {
    const batch = new Batch(true)
      .customCommand([
        "EVAL",
        "return redis.call('SET', KEYS[1], ARGV[1])",
        "1",
        "script-key",
        "script-value",
      ])
      .get("script-key");
    assert.deepEqual(await c.exec(batch, { raiseOnError: false }), ["OK", "script-value"]);
  });

  it("exec pipeline and transaction with invokeScript load the scripts first", async (c) => {
    const incrBy = new Script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    const pair = new Script("return { KEYS[1], ARGV[1], 'pair' }");
    for (const atomic of [false, true]) {
      await c.scriptFlush(FlushMode.SYNC);
      await c.del(["{batch}n"]);
      const batch = new Batch(atomic)
        .invokeScript(incrBy, { keys: ["{batch}n"], args: ["5"] })
        .invokeScript(pair, { keys: ["{batch}k"], args: ["v"] })
        .invokeScript(incrBy, { keys: ["{batch}n"], args: ["2"] })
        .get("{batch}n");
      assert.deepEqual(
        await c.exec(batch, { raiseOnError: true }),
        [5, ["{batch}k", "v", "pair"], 7, "7"],
        atomic ? "atomic" : "pipeline",
      );
      // (In a cluster the scripts are loaded on the batch's node only, so no SCRIPT EXISTS here.)
    }
  });

  it("exec returns errors in place or raises the first one (GL-14)", async (c) => {
    await c.set("{raise}text", "abc");
    for (const atomic of [true, false]) {
      const batch = () =>
        new Batch(atomic)
          .set("{raise}a", "1")
          .customCommand(["INCR", "{raise}text"])
          .get("{raise}a");
      const values = await c.exec(batch(), { raiseOnError: false });
      assert.ok(values !== null);
      assert.equal(values[0], "OK");
      assert.ok(values[1] instanceof RequestError);
      assert.equal((values[1] as RequestError).code, "ERR");
      assert.equal(values[2], "1");
      await assert.rejects(
        c.exec(batch(), { raiseOnError: true }),
        (e) => e instanceof RequestError && e.code === "ERR",
      );
    }
  });

  it("exec atomic batch with a rejected command raises ExecAbortError (TX-1)", async (c) => {
    const batch = new Batch(true).set("{abort}a", "1").customCommand(["GET"]);
    await assert.rejects(
      c.exec(batch, { raiseOnError: false }),
      (e) =>
        e instanceof ExecAbortError && e.code === "EXECABORT" &&
        e.message === "EXECABORT Transaction discarded because of previous errors.",
    );
    assert.equal(await c.get("{abort}a"), null);
  });

  it("exec batch with a script that does not compile reports the compile error", async (c) => {
    const batch = new Batch(false).invokeScript(new Script("return (")).customCommand(["PING"]);
    const values = await c.exec(batch, { raiseOnError: false });
    assert.ok(values !== null && values[0] instanceof RequestError);
    assert.ok((values[0] as RequestError).message.startsWith("ERR Error compiling script"));
    assert.equal(values[1], "PONG");
  });
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function enc(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
