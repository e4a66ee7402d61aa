import { test } from "node:test";
import assert from "node:assert/strict";
import { ReplyError } from "../errors.ts";
import { bulk, error, int, NULL, type Reply } from "../resp/reply.ts";
import { sha1hex } from "../sha1.ts";
import { createLuaEngine } from "./engine.ts";
import { SUSPENDED } from "../scripting/engine.ts";
import type { ScriptHost } from "../scripting/engine.ts";
import { fakeHost, runScript, suffix } from "./_test_host.ts";

const engine = await createLuaEngine({ maxMemoryBytes: 96 * 1024 * 1024 });
const run = (body: string, keys: string[] = [], args: string[] = []) =>
  runScript(engine, body, keys, args);
/** Expected runtime error reply for `body` whose Lua message is `msg`. */
const rt = (body: string, msg: string, line = 1, source = "@user_script"): Reply =>
  error(`${msg}${suffix(body, line, source)}`);
const compileError = (body: string): string => {
  try {
    engine.compile(sha1hex(body), body);
  } catch (e) {
    assert.ok(e instanceof ReplyError);
    return e.text;
  }
  assert.fail("compiled");
};

test("EVAL returns an integer reply for a Lua number and a bulk for a string", () => {
  assert.deepEqual(run("return 1"), int(1));
  assert.deepEqual(run("return 'x'"), bulk("x"));
  assert.deepEqual(run("return"), NULL); // EVAL-7
});

test("numbers print the Lua 5.1 way", () => {
  assert.deepEqual(run("return tostring(10/2)"), bulk("5"));
  assert.deepEqual(run("return 10/2 .. ''"), bulk("5"));
  assert.deepEqual(run("return tostring(2^53)"), bulk("9.007199254741e+15"));
  assert.deepEqual(run("return tostring(100000000000000)"), bulk("1e+14"));
  assert.deepEqual(run("return tostring(-0)"), bulk("-0"));
  assert.deepEqual(run("return tostring(0/0)"), bulk("-nan"));
  assert.deepEqual(run("return tostring(1/0)"), bulk("inf"));
  assert.deepEqual(run("return tostring(math.floor(-0.0))"), bulk("-0"));
  assert.deepEqual(run("return tostring(math.floor(2^62))"), bulk("4.6116860184274e+18"));
  assert.deepEqual(run("return tostring(tonumber('5.0'))"), bulk("5"));
  assert.deepEqual(
    run("return tostring(tonumber('9007199254740993'))"),
    bulk("9.007199254741e+15"),
  );
  assert.deepEqual(run("return string.format('%s', 7.0)"), bulk("7"));
});

test("WRAP-1: the chunk is @user_script", () => {
  const body = "error('x')";
  assert.deepEqual(run(body), rt(body, "ERR user_script:1: x"));
});

test("WRAP-2/ERR-4: a shebang line is reduced to its newline", () => {
  const body = "#!lua flags=no-writes\nreturn a";
  const code = "\nreturn a";
  const reply = engine.run(engine.compile(sha1hex(body), body), [], [], fakeHost());
  assert.deepEqual(
    reply,
    error(
      `ERR user_script:2: Script attempted to access nonexistent global variable 'a' script: ${
        sha1hex(body)
      }, on @user_script:2.`,
    ),
  );
  void code;
});

test("WRAP-4: bytecode is never loaded", () => {
  assert.match(compileError("\x1bLua"), /^ERR Error compiling script \(new function\): /);
  assert.deepEqual(run("return loadstring(string.dump(function() return 1 end))"), NULL);
});

test("WRAP-5: no function wrapper around the body", () => {
  assert.match(compileError("return 1 end"), /^ERR Error compiling script \(new function\): /);
  assert.deepEqual(run("return 'hello' --trailing comment"), bulk("hello"));
});

test("ERR-1: compile errors carry Lua 5.1's parser message", () => {
  assert.equal(
    compileError("x"),
    "ERR Error compiling script (new function): user_script:1: '=' expected near '<eof>'",
  );
  assert.equal(
    compileError("return +"),
    "ERR Error compiling script (new function): user_script:1: unexpected symbol near '+'",
  );
  assert.equal(
    compileError("return 7 // 2"),
    "ERR Error compiling script (new function): user_script:1: unexpected symbol near '/'",
  );
});

test("ERR-3: runtime errors get the script suffix", () => {
  const cases: [string, string][] = [
    ["return a", "ERR user_script:1: Script attempted to access nonexistent global variable 'a'"],
    ["a=10", "ERR user_script:1: Attempt to modify a readonly table"],
    ["return 1 + nil", "ERR user_script:1: attempt to perform arithmetic on a nil value"],
    ["error('boom')", "ERR user_script:1: boom"],
    ["error('boom', 0)", "ERR boom"],
    ["error()", "ERR nil"],
    ["error({err='MYCODE custom'})", "MYCODE custom"],
    ["return server.call('nosuchcommand')", "ERR Unknown command called from script"],
    ["return server.call('incr', KEYS[1])", "ERR value is not an integer or out of range"],
    ["local t = {} ; t.x.y = 1", "ERR user_script:1: attempt to index field 'x' (a nil value)"],
  ];
  for (const [body, msg] of cases) {
    const host = fakeHost();
    host.kv.set("k", "abc");
    assert.deepEqual(runScript(engine, body, ["k"], [], host), rt(body, msg), body);
  }
  assert.deepEqual(run("return {err='MYCODE custom'}"), error("MYCODE custom"));
});

test("ERR-3: runtime error wording is Lua 5.1's", () => {
  const cases: [string, string][] = [
    ["server()", "ERR user_script:1: attempt to call global 'server' (a table value)"],
    ["local x = 5; x()", "ERR user_script:1: attempt to call local 'x' (a number value)"],
    ["local t = {} t.f()", "ERR user_script:1: attempt to call field 'f' (a nil value)"],
    [
      "local s = 'x'; s:nosuch()",
      "ERR user_script:1: attempt to call method 'nosuch' (a nil value)",
    ],
    [
      "local u; local function g() return u.x end return g()",
      "ERR user_script:1: attempt to index upvalue 'u' (a nil value)",
    ],
    [
      "local t = {} return t .. 'x'",
      "ERR user_script:1: attempt to concatenate local 't' (a table value)",
    ],
    ["return {} .. 'x'", "ERR user_script:1: attempt to concatenate a table value"],
    ["return #nil", "ERR user_script:1: attempt to get length of a nil value"],
    ["return 'a' + 1", "ERR user_script:1: attempt to perform arithmetic on a string value"],
    ["return 1 < 'x'", "ERR user_script:1: attempt to compare number with string"],
    ["return {} < {}", "ERR user_script:1: attempt to compare two table values"],
    [
      "return ('x'):rep()",
      "ERR user_script:1: bad argument #1 to 'rep' (number expected, got no value)",
    ],
    ["local function f() f() end f()", "ERR user_script:1: stack overflow"],
  ];
  for (const [body, msg] of cases) assert.deepEqual(run(body), rt(body, msg), body);
  assert.deepEqual(
    run("local ok, e = pcall(function() local x; x() end) return e"),
    bulk("user_script:1: attempt to call local 'x' (a nil value)"),
  );
  assert.deepEqual(
    run("local co = coroutine.create(function() local x; x() end) return {coroutine.resume(co)}"),
    {
      type: "array",
      value: [NULL, bulk("user_script:1: attempt to call local 'x' (a nil value)")],
    },
  );
});

test("ERR-4/ERR-5: the line is the innermost Lua function's", () => {
  const body = "local x = 1\nlocal function f()\n  error('x')\nend\n\nf()";
  assert.deepEqual(run(body), rt(body, "ERR user_script:3: x", 3));
  const body2 = "local function f() error('x', 2) end\nf()";
  assert.deepEqual(run(body2), rt(body2, "ERR user_script:2: x", 1));
});

test("ERR-6: an error table without err does not crash", () => {
  assert.deepEqual(run("error({})"), rt("error({})", "ERR unknown error"));
});

test("ERR-7: error(42) gets a position", () => {
  assert.deepEqual(run("error(42)"), rt("error(42)", "ERR user_script:1: 42"));
  assert.deepEqual(run("error({err=42})"), rt("error({err=42})", "42"));
});

test("errors from a loadstring chunk name that chunk as the source", () => {
  const body = "local f = loadstring('return y') return f()";
  assert.deepEqual(
    run(body),
    rt(
      body,
      `ERR [string "return y"]:1: Script attempted to access nonexistent global variable 'y'`,
      1,
      "return y",
    ),
  );
});

test("CR and LF in error texts become spaces (§0)", () => {
  assert.deepEqual(run("error('a\\nb')"), rt("error('a\\nb')", "ERR user_script:1: a b"));
  assert.deepEqual(run("return {err='x\\r\\ny'}"), error("x  y"));
});

test("lastErrorFromCommand tells command errors from Lua errors (ERR-9)", () => {
  run("return server.call('nosuchcommand')");
  assert.equal(engine.lastErrorFromCommand, true);
  run("return server.pcall('nosuchcommand')");
  assert.equal(engine.lastErrorFromCommand, true);
  run("error('x')");
  assert.equal(engine.lastErrorFromCommand, false);
});

/** A host whose tick kills the run after `ms` (what RunContext's hard time limit does). */
const deadlineHost = (ms: number) => {
  const start = performance.now();
  return fakeHost({
    tick() {
      if (performance.now() - start >= ms) engine.kill("ERR Script exceeded the time limit.");
    },
  });
};

test("a script hitting the deadline is aborted and the engine stays usable", () => {
  for (
    const body of [
      "while true do end",
      "while true do pcall(function() while true do end end) end",
      "local function f() return f() end return f()",
      "local co = coroutine.wrap(function() while true do end end) co()",
      "while true do local ok = pcall(error, 'x') end",
    ]
  ) {
    const t0 = performance.now();
    const reply = runScript(engine, body, [], [], deadlineHost(50));
    assert.deepEqual(reply, rt(body, "ERR Script exceeded the time limit."), body);
    assert.ok(performance.now() - t0 < 2000);
    assert.deepEqual(run("return 1"), int(1));
  }
  // A coroutine that swallows the kill still stops the script.
  const body = "local co = coroutine.create(function() while true do end end) " +
    "local r = {coroutine.resume(co)} return 1";
  assert.equal(runScript(engine, body, [], [], deadlineHost(50)).type, "error");
});

test("kill() from the host's tick aborts the run (BUSY-6)", () => {
  let ticks = 0;
  const host = fakeHost({
    tick() {
      if (++ticks === 3) engine.kill();
    },
  });
  const body = "local n = 0 while true do n = n + 1 end";
  assert.deepEqual(
    runScript(engine, body, [], [], host),
    rt(body, "ERR Script killed by user with SCRIPT KILL."),
  );
  assert.equal(ticks, 3);
  assert.equal(engine.running, false);
  engine.kill(); // no-op outside a run
  assert.deepEqual(run("return 2"), int(2));
});

test("memory bombs hit the heap cap; the engine stays usable", () => {
  for (
    const body of [
      "local s = string.rep('x', 100*1024*1024) return #s",
      "local t = {} for i = 1, 1e8 do t[i] = i end",
      "local s = 'x' for i = 1, 40 do s = s .. s end return #s",
    ]
  ) {
    assert.deepEqual(
      run(body),
      error(`ERR Error running script ${sha1hex(body)}, not enough memory`),
      body,
    );
    assert.deepEqual(run("return #string.rep('x', 1000)"), int(1000));
  }
  assert.deepEqual(
    run("local ok, e = pcall(string.rep, 'x', 100*1024*1024) return e"),
    bulk("not enough memory"),
  );
  assert.ok(engine.memoryUsed() < 8 * 1024 * 1024);
});

test("scripts cannot change what later scripts see", () => {
  const attacks = [
    "string.upper = function() return 'pwned' end",
    "getmetatable('').__index.upper = function() return 'pwned' end",
    "local _, g = pairs(_G) g.tostring = nil",
    "local _, s = pairs(string) s.upper = nil",
    "rawset(string, 'upper', nil)",
    "setmetatable(string, {__index = function() return 'pwned' end})",
    "table.insert(string, 1)",
    "setfenv(cjson.encode, {})",
    "server.call = nil",
    "tostring = nil",
    "KEYS = nil",
    "local mt = getmetatable(_G) mt.__index = nil",
  ];
  for (const body of attacks) assert.equal(run(body).type, "error", body);
  assert.deepEqual(run("return ('abc'):upper()"), bulk("ABC"));
  assert.deepEqual(run("return string.upper('abc')"), bulk("ABC"));
  assert.deepEqual(run("return tostring(1)"), bulk("1"));
  assert.deepEqual(
    run("return a"),
    rt("return a", "ERR user_script:1: Script attempted to access nonexistent global variable 'a'"),
  );
});

test("finalizers never run script code (Lua 5.1 ignores __gc on tables)", () => {
  assert.deepEqual(
    run("setmetatable({}, {__gc = function() while true do end end}) collectgarbage() return 1"),
    int(1),
  );
  assert.deepEqual(
    run(
      "local p = newproxy(true) getmetatable(p).__gc = function() while true do end end " +
        "p = nil collectgarbage() return 2",
    ),
    int(2),
  );
});

test("a throwing host becomes a Lua error and the engine keeps working", () => {
  const body = "return server.call('THROW')";
  const reply = run(body);
  assert.equal(reply.type, "error");
  const body2 = "return server.pcall('THROW')";
  assert.equal(run(body2).type, "error");
  // Hooks still fire after it (a JS exception through wasm would have disabled them).
  assert.deepEqual(
    runScript(engine, "while true do end", [], [], deadlineHost(20)).type,
    "error",
  );
});

test("run() inside a run and a stale script are refused", () => {
  const inner = engine.compile(sha1hex("return 1"), "return 1");
  let thrown: unknown;
  const host = fakeHost({
    call() {
      try {
        engine.run(inner, [], [], fakeHost());
      } catch (e) {
        thrown = e;
      }
      return NULL;
    },
  });
  runScript(engine, "return server.call('x')", [], [], host);
  assert.ok(thrown instanceof TypeError);
});

test("release() and flush(); the PRNG survives flush (DET-2)", async () => {
  const e = await createLuaEngine({ maxMemoryBytes: 32 * 1024 * 1024 });
  const script = e.compile(sha1hex("return 1"), "return 1");
  e.release(script);
  assert.throws(() => e.run(script, [], [], fakeHost()), TypeError);
  e.release(script); // idempotent

  // Fresh process: the first three values (DET-7).
  const draw = "return tostring(math.random())";
  assert.deepEqual(runScript(e, draw), bulk("0.39646477363839"));
  const before = e.compile(sha1hex(draw), draw);
  e.flush();
  assert.throws(() => e.run(before, [], [], fakeHost()), TypeError);
  assert.deepEqual(runScript(e, draw), bulk("0.84048536971234"));
  e.flush();
  assert.deepEqual(runScript(e, draw), bulk("0.35333609737146"));
  e.close();
  assert.throws(() => runScript(e, "return 1"), TypeError);
});

test("memoryUsed() reports the Lua heap", () => {
  const used = engine.memoryUsed();
  assert.ok(used > 10_000 && used < 8 * 1024 * 1024, String(used));
});

test("KEYS and ARGV are binary-safe (ENV-10)", () => {
  let all = "";
  for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
  const key = "k\x00\xff";
  const host = fakeHost();
  const reply = runScript(
    engine,
    "server.call('SET', KEYS[1], ARGV[1]) return {KEYS[1], ARGV[1], #ARGV[1], ARGV[1]:byte(256)}",
    [key],
    [all],
    host,
  );
  assert.deepEqual(reply, {
    type: "array",
    value: [bulk(key), bulk(all), int(256), int(255)],
  });
  assert.equal(host.kv.get(key), all);
  const big = "\x80".repeat(70_000) + "end";
  assert.deepEqual(runScript(engine, "return ARGV[1]", [], [big]), bulk(big));
});

// ---- suspendable runs (busy scripts, spec §14) ----

/** Runs `body` as a suspendable run, resuming until it ends; counts the suspensions. */
function drive(
  body: string,
  host: ScriptHost = fakeHost({ tick: () => true }),
  keys: string[] = [],
  args: string[] = [],
): { reply: Reply; yields: number } {
  let reply = runScript(engine, body, keys, args, host, { suspendable: true });
  let yields = 0;
  while (reply === SUSPENDED) {
    assert.equal(engine.running, true);
    assert.equal(engine.suspended, true);
    yields++;
    reply = engine.resume();
  }
  assert.equal(engine.running, false);
  assert.equal(engine.suspended, false);
  return { reply, yields };
}

const LOOP = "local s = 0 for i = 1, 3e6 do s = s + i % 7 end return s";
const LOOP_RESULT = int(8999997);

test("a suspendable run yields where tick asks and resumes to the same result", () => {
  const { reply, yields } = drive(LOOP);
  assert.deepEqual(reply, LOOP_RESULT);
  assert.ok(yields >= 10, String(yields));
  assert.deepEqual(runScript(engine, LOOP), LOOP_RESULT);
  // Not suspendable: tick's wish is ignored.
  assert.deepEqual(runScript(engine, LOOP, [], [], fakeHost({ tick: () => true })), LOOP_RESULT);
  assert.throws(() => engine.resume(), TypeError);
});

test("a suspended run blocks every other use of the engine", () => {
  const r = runScript(engine, LOOP, [], [], fakeHost({ tick: () => true }), { suspendable: true });
  assert.equal(r, SUSPENDED);
  assert.throws(() => run("return 1"), TypeError);
  assert.throws(() => engine.compile(sha1hex("return 2"), "return 2"), TypeError);
  assert.throws(() => engine.flush(), TypeError);
  let reply = engine.resume();
  while (reply === SUSPENDED) reply = engine.resume();
  assert.deepEqual(reply, LOOP_RESULT);
});

test("kill() while suspended aborts at the first instruction after resume (BUSY-6)", () => {
  for (
    const body of [
      "while true do end",
      "while true do pcall(function() while true do end end) end",
      "while true do local ok = pcall(error, 'x') end",
      "while true do xpcall(function() while true do end end, function(e) return e end) end",
      "local t = {} while true do t[#t % 100 + 1] = cjson.encode({1, 2, 3}) end",
    ]
  ) {
    const r = runScript(engine, body, [], [], fakeHost({ tick: () => true }), {
      suspendable: true,
    });
    assert.equal(r, SUSPENDED, body);
    // Yields happen inside pcall, xpcall and library code too (continuations).
    let reply = engine.resume();
    for (let i = 0; i < 3 && reply === SUSPENDED; i++) reply = engine.resume();
    assert.equal(reply, SUSPENDED, body);
    engine.kill();
    reply = engine.resume();
    assert.deepEqual(reply, rt(body, "ERR Script killed by user with SCRIPT KILL."), body);
    assert.deepEqual(run("return 1"), int(1));
    assert.deepEqual(drive(LOOP).reply, LOOP_RESULT);
  }
});

test("a table.sort comparator or a gsub callback is no yield point; kill still works there", () => {
  let ticks = 0;
  const counting = fakeHost({
    tick() {
      ticks++;
      return true;
    },
  });
  const sortBody = "local t = {} for i = 1, 300 do t[i] = 301 - i end " +
    "table.sort(t, function(a, b) for i = 1, 3000 do end return a < b end) return t[1]";
  const sorted = drive(sortBody, counting);
  assert.deepEqual(sorted.reply, int(1));
  assert.ok(ticks > 20, String(ticks));
  assert.ok(sorted.yields < ticks / 4, `${sorted.yields} yields for ${ticks} ticks`);
  const gsubBody = "local s = string.rep('a', 300) " +
    "s = s:gsub('a', function(c) for i = 1, 3000 do end return 'b' end) return s:sub(1, 3)";
  assert.deepEqual(drive(gsubBody).reply, bulk("bbb"));
  let n = 0;
  const killer = fakeHost({
    tick() {
      if (++n === 5) engine.kill();
      return true;
    },
  });
  const endless = "table.sort({3, 2, 1}, function(a, b) while true do end end)";
  assert.deepEqual(
    drive(endless, killer).reply,
    rt(endless, "ERR Script killed by user with SCRIPT KILL."),
  );
});

test("a script's own coroutines never suspend the run; the runner is 5.1's main thread", () => {
  const body = "local co = coroutine.wrap(function() local s = 0 " +
    "for i = 1, 3e6 do s = s + 1 end coroutine.yield(s) return 0 end) return co()";
  assert.deepEqual(drive(body).reply, int(3e6));
  assert.deepEqual(drive("return coroutine.running() == nil").reply, int(1));
  const yieldTop = "coroutine.yield(1)";
  assert.deepEqual(
    drive(yieldTop).reply,
    runScript(engine, yieldTop),
  );
  assert.equal(drive(yieldTop).reply.type, "error");
});

test("suspendable and plain runs give the same replies", () => {
  const bodies = [
    "return 1",
    "return 'x'",
    "return",
    "return {1, 'a', {2}}",
    "return server.call('SET', KEYS[1], ARGV[1])",
    "return server.call('INCR', 'nope', 'x')",
    "return server.pcall('INCR', 'nope', 'x')",
    "error('x')",
    "error({err = 'MY code'})",
    "return {err = 'E1'}",
    "local t = nil return t.x",
    "return pcall(error, 'x')",
    "return a",
    "return string.rep('x', 100*1024*1024)",
    "return tostring(10/2)",
    LOOP,
    "local s = 0 for i = 1, 2e6 do s = s + i end error('late ' .. s)",
  ];
  for (const body of bodies) {
    const plain = runScript(engine, body, ["k"], ["v"]);
    assert.deepEqual(drive(body, undefined, ["k"], ["v"]).reply, plain, body);
  }
});
