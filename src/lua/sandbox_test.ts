import { test } from "node:test";
import assert from "node:assert/strict";
import { array, bulk, error, int, NULL, type Reply } from "../resp/reply.ts";
import { createLuaEngine } from "./engine.ts";
import { rewriteRuntimeMessage } from "./sandbox.ts";
import { runScript, suffix } from "./_test_host.ts";

const engine = await createLuaEngine({ maxMemoryBytes: 32 * 1024 * 1024 });
const run = (body: string, keys: string[] = [], args: string[] = []) =>
  runScript(engine, body, keys, args);
const rt = (body: string, msg: string): Reply => error(`${msg}${suffix(body)}`);
const names = (expr: string): string[] => {
  const r = run(
    `local t = {} for k in pairs(${expr}) do t[#t+1] = k end table.sort(t) return t`,
  );
  if (r.type !== "array") assert.fail(JSON.stringify(r));
  return r.value.map((v) => (v.type === "bulk" ? v.value : "?"));
};

test("rewriteRuntimeMessage turns 5.4 wording into 5.1's", () => {
  const cases: [string, string][] = [
    [
      "user_script:1: attempt to call a nil value (global 'foo')",
      "user_script:1: attempt to call global 'foo' (a nil value)",
    ],
    [
      "user_script:1: attempt to index a nil value (field 'x')",
      "user_script:1: attempt to index field 'x' (a nil value)",
    ],
    [
      "attempt to perform arithmetic on a nil value (local 'x')",
      "attempt to perform arithmetic on local 'x' (a nil value)",
    ],
    [
      "attempt to concatenate a table value (upvalue 't')",
      "attempt to concatenate upvalue 't' (a table value)",
    ],
    [
      "attempt to call a nil value (method 'nosuch')",
      "attempt to call method 'nosuch' (a nil value)",
    ],
    ["attempt to call a string value (constant 'x')", "attempt to call a string value"],
    [
      "attempt to add a 'string' with a 'number'",
      "attempt to perform arithmetic on a string value",
    ],
    ["attempt to mul a 'number' with a 'table'", "attempt to perform arithmetic on a table value"],
    ["attempt to compare two table values", "attempt to compare two table values"],
    ["boom", "boom"],
  ];
  for (const [from, to] of cases) assert.equal(rewriteRuntimeMessage(from), to);
});

test("ENV-1..4: the global table holds exactly Valkey's names", () => {
  assert.deepEqual(names("_G"), [
    "ARGV",
    "KEYS",
    "_G",
    "_VERSION",
    "__redis__err__handler",
    "__server__err__handler",
    "assert",
    "bit",
    "cjson",
    "cmsgpack",
    "collectgarbage",
    "coroutine",
    "error",
    "gcinfo",
    "getfenv",
    "getmetatable",
    "ipairs",
    "load",
    "loadstring",
    "math",
    "newproxy",
    "next",
    "os",
    "pairs",
    "pcall",
    "rawequal",
    "rawget",
    "rawset",
    "redis",
    "select",
    "server",
    "setfenv",
    "setmetatable",
    "string",
    "struct",
    "table",
    "tonumber",
    "tostring",
    "type",
    "unpack",
    "xpcall",
  ]);
  assert.deepEqual(run("return _VERSION"), bulk("Lua 5.1"));
  assert.deepEqual(run("return rawequal(_G, _G._G)"), int(1));
  assert.deepEqual(run("return rawequal(__server__err__handler, __redis__err__handler)"), int(1));
  for (
    const name of ["print", "dofile", "loadfile", "require", "module", "package", "io", "debug"]
  ) {
    const body = `return ${name}`;
    assert.deepEqual(
      run(body),
      rt(
        body,
        `ERR user_script:1: Script attempted to access nonexistent global variable '${name}'`,
      ),
    );
  }
});

test("ENV-5: library contents are Lua 5.1's (and Valkey's)", () => {
  assert.deepEqual(names("os"), ["clock"]);
  assert.deepEqual(names("coroutine"), ["create", "resume", "running", "status", "wrap", "yield"]);
  assert.deepEqual(
    names("string"),
    "byte char dump find format gfind gmatch gsub len lower match rep reverse sub upper".split(" "),
  );
  assert.deepEqual(
    names("table"),
    "concat foreach foreachi getn insert maxn remove setn sort".split(" "),
  );
  assert.deepEqual(
    names("math"),
    ("abs acos asin atan atan2 ceil cos cosh deg exp floor fmod frexp huge ldexp log log10 max " +
      "min mod modf pi pow rad random randomseed sin sinh sqrt tan tanh").split(" "),
  );
  assert.equal(run("return type(os.clock())").type, "bulk");
  assert.deepEqual(run("return type(os.clock())"), bulk("number"));
  const body = "os.execute('ls')";
  assert.deepEqual(
    run(body),
    rt(body, "ERR user_script:1: attempt to call field 'execute' (a nil value)"),
  );
});

test("ENV-6: reading a missing global raises; rawget does not", () => {
  const body = "return a";
  assert.deepEqual(
    run(body),
    rt(body, "ERR user_script:1: Script attempted to access nonexistent global variable 'a'"),
  );
  assert.deepEqual(run("return rawget(_G, 'a')"), NULL);
  assert.deepEqual(
    run("return _G[1]"),
    rt(
      "return _G[1]",
      "ERR user_script:1: Script attempted to access nonexistent global variable '1'",
    ),
  );
  assert.deepEqual(
    run("return _G[true]"),
    rt(
      "return _G[true]",
      "ERR user_script:1: Second argument to luaProtectedTableError must be a string or number",
    ),
  );
  assert.deepEqual(run("return type(getmetatable(_G).__index)"), bulk("function"));
});

test("ENV-7: the globals and every library table are read-only", () => {
  const positioned = [
    "a=10",
    "function f() end",
    "server.call = nil",
    "cjson.encode = 1",
    "string.x = 1",
    "getmetatable(_G).__index = {}",
    "_G = {}",
    "redis = function() end",
    "getmetatable('').__index.upper = 1",
    "KEYS = {}",
  ];
  for (const body of positioned) {
    assert.deepEqual(
      run(body),
      rt(body, "ERR user_script:1: Attempt to modify a readonly table"),
      body,
    );
  }
  for (const body of ["rawset(_G, 'x', 1)", "setmetatable(_G, {})", "rawset(string, 'x', 1)"]) {
    assert.deepEqual(run(body), rt(body, "ERR Attempt to modify a readonly table"), body);
  }
  // Tables the script creates are ordinary.
  assert.deepEqual(run("local t = {} t.x = 1 rawset(t, 'y', 2) return t.x + t.y"), int(3));
  // The string metatable's __index is the (read-only) string table.
  assert.deepEqual(run("return getmetatable('').__index == string"), int(1));
  assert.deepEqual(run("return ('x'):rep(3)"), bulk("xxx"));
  assert.deepEqual(run("return getmetatable(string)"), NULL);
  assert.deepEqual(run("return #string"), int(0));
  assert.deepEqual(run("return type(next(string))"), bulk("string"));
  assert.deepEqual(run("return type(rawget(string, 'rep'))"), bulk("function"));
});

test("ENV-8: loadstring compiles 5.1 text only; load takes a reader", () => {
  assert.deepEqual(run("return loadstring('return 1+1')()"), int(2));
  assert.deepEqual(
    run("local f, e = loadstring('return +') return e"),
    bulk(`[string "return +"]:1: unexpected symbol near '+'`),
  );
  assert.deepEqual(
    run("local f, e = loadstring('x', 'mychunk') return e"),
    bulk(`[string "mychunk"]:1: '=' expected near '<eof>'`),
  );
  assert.deepEqual(
    run("local f, e = loadstring('x', '=mychunk') return e"),
    bulk("mychunk:1: '=' expected near '<eof>'"),
  );
  assert.deepEqual(run("return tostring(loadstring('return 10/2')())"), bulk("5"));
  const body = "return load('return 1')";
  assert.deepEqual(
    run(body),
    rt(body, "ERR user_script:1: bad argument #1 to 'load' (function expected, got string)"),
  );
  assert.deepEqual(
    run("local ok, e = pcall(load, 'return 1') return e"),
    bulk("bad argument #1 to '?' (function expected, got string)"),
  );
  assert.deepEqual(
    run(
      "local p = {'return ', '4', '2'} local i = 0 return load(function() i = i + 1 return p[i] end)()",
    ),
    int(42),
  );
  const dump = "loadstring(string.dump(function() return 1 end))()";
  assert.deepEqual(run(dump), rt(dump, "ERR user_script:1: attempt to call a nil value"));
  // Chunks from loadstring share the protected globals.
  const w = "loadstring('x = 1')()";
  assert.equal(run(w).type, "error");
});

test("ENV-8: setfenv and getfenv have Lua 5.1 semantics", () => {
  assert.deepEqual(run("local f = loadstring('return x') setfenv(f, {x=5}) return f()"), int(5));
  assert.deepEqual(run("return getfenv() == _G"), int(1));
  assert.deepEqual(run("return getfenv(0) == _G"), int(1));
  assert.deepEqual(run("return getfenv(tostring) == _G"), int(1));
  assert.deepEqual(
    run("local function f() return y end setfenv(f, {y = 'env'}) return f()"),
    bulk("env"),
  );
  // The script's own environment is untouched by changing another function's.
  assert.deepEqual(
    run("local function f() return y end setfenv(f, {y = 1}) return tostring(rawget(_G, 'y'))"),
    bulk("nil"),
  );
  assert.deepEqual(
    run("local t = {} local f = function() return 1 end setfenv(f, t) return getfenv(f) == t"),
    int(1),
  );
  assert.deepEqual(run("local function f() return getfenv(1) == _G end return f()"), int(1));
  assert.deepEqual(
    run("local t = {x = 7} local function f() setfenv(1, t) return x end return f()"),
    int(7),
  );
  // Library functions (C or Lua-implemented) never reveal an environment other than _G.
  assert.deepEqual(run("return getfenv(tonumber) == _G"), int(1));
  assert.deepEqual(run("return getfenv(table.foreach) == _G"), int(1));
  assert.deepEqual(
    run("local r table.foreach({1}, function() r = getfenv(2) end) return r == _G"),
    int(1),
  );
  for (const fn of ["table.foreach", "tonumber", "math.floor", "cjson.encode"]) {
    const b = `setfenv(${fn}, {})`;
    assert.deepEqual(
      run(b),
      rt(b, "ERR user_script:1: 'setfenv' cannot change environment of given object"),
    );
  }
  const body = "setfenv(tostring, {})";
  assert.deepEqual(
    run(body),
    rt(body, "ERR user_script:1: 'setfenv' cannot change environment of given object"),
  );
});

test("ENV-9: pcall returns an error table's err field", () => {
  assert.deepEqual(
    run("return {pcall(server.call, 'nosuchcommand')}"),
    array([NULL, bulk("ERR Unknown command called from script")]),
  );
  assert.deepEqual(run("local ok, e = pcall(error, {err='X'}) return e"), bulk("X"));
  assert.deepEqual(run("local ok, e = pcall(error, {a=1}) return type(e)"), bulk("table"));
  assert.deepEqual(run("return {pcall()}"), array([NULL, bulk("attempt to call a boolean value")]));
  assert.deepEqual(run("return {pcall(nil)}"), array([NULL, bulk("attempt to call a nil value")]));
  assert.deepEqual(
    run("return {pcall(function(...) return ... end, 1, 2)}"),
    array([int(1), int(1), int(2)]),
  );
  // xpcall: Lua 5.1's (no extra arguments for f), raw error value.
  assert.deepEqual(
    run("return {xpcall(function(...) return select('#', ...) end, tostring, 1, 2)}"),
    array([int(1), int(0)]),
  );
  assert.deepEqual(
    run(
      "local ok, e = xpcall(function() error({err='X'}) end, function(e) return e end) return type(e)",
    ),
    bulk("table"),
  );
});

test("ENV-10/11: KEYS and ARGV are fresh tables each run", () => {
  assert.deepEqual(run("KEYS[2] = 'x' return #KEYS", ["a"]), int(2));
  assert.deepEqual(
    run("return {#KEYS, #ARGV, KEYS[2]}", ["a"], ["b", "c"]),
    array([int(1), int(2)]),
  );
  assert.deepEqual(run("return {#KEYS, #ARGV}"), array([int(0), int(0)]));
});

test("ENV-10: nothing a run leaves in KEYS or ARGV reaches the next run", () => {
  const fresh = "local n = 0 for _ in pairs(KEYS) do n = n + 1 end " +
    "local m = 0 for _ in pairs(ARGV) do m = m + 1 end " +
    "return {n, m, tostring(getmetatable(KEYS)), tostring(getmetatable(ARGV)), KEYS[1], ARGV[1]}";
  const clean = (keys: string[], args: string[]) =>
    array([
      int(keys.length),
      int(args.length),
      bulk("nil"),
      bulk("nil"),
      // The array stops at the first nil.
      ...(keys.length > 0 ? [bulk(keys[0]), ...args.slice(0, 1).map(bulk)] : []),
    ]);
  const dirty = [
    "KEYS.x = 1 ARGV.y = 2",
    "KEYS[3] = 'c' ARGV[9] = 'z'",
    "setmetatable(KEYS, {__index = function() return 'm' end}) setmetatable(ARGV, {})",
    "KEYS[1] = nil ARGV[1] = nil",
    "for i = 1, 100 do KEYS[i] = i ARGV[i] = i end",
    "KEYS[true] = 1 ARGV[1.5] = 1",
  ];
  for (const body of dirty) {
    assert.deepEqual(run(body + " return 1", ["a", "b"], ["c", "d", "e"]), int(1), body);
    assert.deepEqual(run(fresh, ["k"], ["v"]), clean(["k"], ["v"]), body);
    assert.deepEqual(run(body + " return 1", ["a"], []), int(1), body);
    assert.deepEqual(run(fresh), clean([], []), body);
  }
  // Fewer items than the run before: the surplus is gone.
  run("return 1", ["a", "b", "c"], ["d", "e"]);
  assert.deepEqual(run(fresh, ["k"], []), clean(["k"], []));
  assert.deepEqual(run("return {#KEYS, #ARGV, KEYS[2], ARGV[1]}", ["x"]), array([int(1), int(0)]));
});

test("the 5.1 base library: tonumber, math.floor, error, assert, coroutine.running", () => {
  const cases: [string, Reply][] = [
    ["return tostring(tonumber('0x10'))", bulk("16")],
    ["return tostring(tonumber(' inf '))", bulk("inf")],
    ["return tostring(tonumber('1e1'))", bulk("10")],
    ["return tonumber('-1', 10)", int(-1)],
    ["return tostring(tonumber('-1', 16))", bulk("1.844674407371e+19")],
    ["return tostring(tonumber('ff', 16))", bulk("255")],
    ["return tostring(tonumber('zz', 36))", bulk("1295")],
    ["return tostring(tonumber('8', 8))", bulk("nil")],
    ["return tostring(tonumber('abc'))", bulk("nil")],
    ["return tostring(tonumber(nil))", bulk("nil")],
    ["return math.floor(-0.5)", int(-1)],
    ["return tostring(math.ceil(-0.5))", bulk("-0")],
    ["return tostring(coroutine.running())", bulk("nil")],
    ["return select('#', coroutine.running())", int(1)],
    ["return gcinfo() > 0", int(1)],
    ["return type(newproxy(true))", bulk("userdata")],
    ["return type(getmetatable(newproxy(true)))", bulk("table")],
    ["return getmetatable(newproxy(false))", NULL],
    ["return unpack({1, 2, 3})", int(1)],
    ["return select(3, unpack({1, 2, 3}))", int(3)],
  ];
  for (const [body, reply] of cases) assert.deepEqual(run(body), reply, body);
  const base = "return tonumber('1', 99)";
  assert.deepEqual(
    run(base),
    rt(base, "ERR user_script:1: bad argument #2 to 'tonumber' (base out of range)"),
  );
  const a1 = "assert(false)";
  assert.deepEqual(run(a1), rt(a1, "ERR user_script:1: assertion failed!"));
  const a2 = "assert(false, 'msg')";
  assert.deepEqual(run(a2), rt(a2, "ERR user_script:1: msg"));
  const a3 = "assert(nil, {err='T x'})";
  assert.deepEqual(
    run(a3),
    rt(a3, "ERR user_script:1: bad argument #2 to 'assert' (string expected, got table)"),
  );
  const e2 = "error('boom', 2)";
  assert.deepEqual(run(e2), rt(e2, "ERR boom"));
  const e3 = "error(true)";
  assert.deepEqual(run(e3), rt(e3, "ERR true"));
});
