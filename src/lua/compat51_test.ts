/**
 * Tests for compat51.ts. Expected messages come from the spec (scripting.md ERR-1,
 * lua51-on-54.md §3) and from Debian's lua5.1 (5.1.5) with chunk name `@user_script`; rewritten
 * programs are run on wasmoon's Lua 5.4 with the engine's number-printing patch and compared with
 * lua5.1's results. Tests that need lua5.1 at run time are skipped when it is not installed.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { LuaFactory } from "wasmoon";
import { check51, chunkId51 } from "./compat51.ts";

const HAS_LUA51 = spawnSync("lua5.1", ["-v"]).status === 0;
const NO_LUA51 = HAS_LUA51 ? false : "lua5.1 is not installed (apt-get install lua5.1)";

function message(src: string, level = 0): string {
  const r = check51(src, "user_script", { level });
  return r.ok ? "OK" : r.message;
}

function rewrite(src: string): string {
  const r = check51(src);
  if (!r.ok) throw new Error(`unexpected syntax error: ${r.message}`);
  return r.source;
}

function hex(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += s.charCodeAt(i).toString(16).padStart(2, "0");
  return out;
}

function unhex(h: string): string {
  let out = "";
  for (let i = 0; i + 1 < h.length; i += 2) {
    out += String.fromCharCode(parseInt(h.slice(i, i + 2), 16));
  }
  return out;
}

function newlines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13) n++;
  }
  return n;
}

/**
 * Runs each source through lua5.1's `loadstring(src, "@user_script")` (and, with `run`, calls it
 * under pcall). Results: "OK" or the compile error; with `run`, "R <tostring(result)>" or "E <err>".
 * Called from a script, loadstring starts at C level 2 (lua.c's pmain + docall).
 */
function lua51(sources: string[], run = false): string[] {
  const driver = `
    local function unhex(h) return (h:gsub('..', function(x) return string.char(tonumber(x, 16)) end)) end
    local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end
    for line in io.lines() do
      local f, err = loadstring(unhex(line), "@user_script")
      if not f then io.write("C", hex(err), "\\n")
      elseif ${run} then local ok, r = pcall(f) io.write(ok and "R" or "E", hex(tostring(r)), "\\n")
      else io.write("O\\n") end
    end`;
  const r = spawnSync("lua5.1", ["-e", driver], {
    input: sources.map(hex).join("\n") + "\n",
    encoding: "latin1",
    maxBuffer: 1 << 28,
  });
  const lines = r.stdout.split("\n");
  return sources.map((_, i) => {
    const line = lines[i];
    if (line === "O") return "OK";
    if (line.startsWith("C")) return run ? "C " + unhex(line.slice(1)) : unhex(line.slice(1));
    return line[0] + " " + unhex(line.slice(1));
  });
}

/** Lua 5.4 (wasmoon) with the engine's patch: integral floats print without ".0". */
async function withLua54(
  fn: (run: (src: string, compileOnly?: boolean) => string) => void,
): Promise<void> {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(join(dirname(require.resolve("wasmoon")), "glue.wasm"));
  const needle = new TextEncoder().encode("-0123456789\0");
  let at = -1;
  for (let i = wasm.indexOf(needle[0]); i >= 0; i = wasm.indexOf(needle[0], i + 1)) {
    if (needle.every((b, j) => wasm[i + j] === b)) {
      assert.equal(at, -1, "the charset must be unique in glue.wasm");
      at = i;
    }
  }
  assert.notEqual(at, -1);
  wasm[at] = 0;
  const dir = mkdtempSync(join(tmpdir(), "compat51-"));
  const path = join(dir, "glue.wasm");
  writeFileSync(path, wasm);
  const lua = await new LuaFactory(path).createEngine();
  try {
    // wasmoon's string API is UTF-8: pass the source as hex and compile it inside Lua.
    fn((src, compileOnly = false) =>
      String(
        lua.doStringSync(
          `local f, e = load((("${
            hex(src)
          }"):gsub('..', function(x) return string.char(tonumber(x, 16)) end)), "@user_script")
          if not f then return "C " .. e end
          if ${compileOnly} then return "OK" end
          local ok, r = pcall(f)
          return (ok and "R " or "E ") .. tostring(r)`,
        ),
      )
    );
  } finally {
    lua.global.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Messages

test("spec examples: 5.4-only syntax and 5.1 parser messages (ERR-1, lua51-on-54 §3)", () => {
  const cases: [string, string][] = [
    ["x", "user_script:1: '=' expected near '<eof>'"],
    ["return +", "user_script:1: unexpected symbol near '+'"],
    ["return 7 // 2", "user_script:1: unexpected symbol near '/'"],
    ["return 5 & 3", "user_script:1: '<eof>' expected near '&'"],
    ["return 1 << 2", "user_script:1: unexpected symbol near '<'"],
    ["return ~1", "user_script:1: unexpected symbol near '~'"],
    ["local x <const> = 1", "user_script:1: unexpected symbol near '<'"],
    ["local x <close> = 1", "user_script:1: unexpected symbol near '<'"],
    ["goto x ::x:: return 1", "user_script:1: '=' expected near 'x'"],
    ["::lbl::", "user_script:1: unexpected symbol near ':'"],
    ["if x then", "user_script:1: 'end' expected near '<eof>'"],
    ["return 'abc", "user_script:1: unfinished string near '<eof>'"],
    ["return 1 1", "user_script:1: '<eof>' expected near '1'"],
    ["local 1 = 2", "user_script:1: '<name>' expected near '1'"],
    ["break", "user_script:1: no loop to break near '<eof>'"],
    ["return [[abc", "user_script:1: unfinished long string near '<eof>'"],
    ["return 1 end", "user_script:1: '<eof>' expected near 'end'"],
    ["for i = 1, 2 do end do", "user_script:1: 'end' expected near '<eof>'"],
    ["return {1, 2", "user_script:1: '}' expected near '<eof>'"],
    ["f(1 do", "user_script:1: ')' expected near 'do'"],
    ["for i = 1 2 do end", "user_script:1: ',' expected near '2'"],
    ["return 0x", "user_script:1: malformed number near '0x'"],
    [
      "function f()\n",
      "user_script:2: 'end' expected (to close 'function' at line 1) near '<eof>'",
    ],
    ["return a ~= b", "OK"],
    ["return 'hello' --trailing comment", "OK"],
    ["return 1 1", "user_script:1: '<eof>' expected near '1'"],
    ["\x1bLua", "user_script:1: unexpected symbol near 'char(27)'"],
  ];
  for (const [src, expected] of cases) assert.equal(message(src), expected, JSON.stringify(src));
});

test("lexer and parser messages match lua5.1", () => {
  // Each expected text is lua5.1's loadstring(src, "@user_script") output.
  for (const [src, expected] of LUA51_MESSAGES) {
    assert.equal(message(src), expected, JSON.stringify(src));
  }
});

test("nesting, locals, upvalues and assignment limits", () => {
  const parens = (k: number) => "return " + "(".repeat(k) + "1" + ")".repeat(k);
  const depth = "user_script:1: chunk has too many syntax levels";
  // At C level 0 (EVAL) chunk + return expression + 198 parentheses is 200 levels.
  assert.equal(message(parens(198)), "OK");
  assert.equal(message(parens(199)), depth);
  // lua5.1 run as a script compiles at C level 2: 196 is the most it accepts.
  assert.equal(message(parens(196), 2), "OK");
  assert.equal(message(parens(197), 2), depth);
  assert.equal(message("return " + "a .. ".repeat(198) + "a"), "OK");
  assert.equal(message("return " + "a .. ".repeat(199) + "a"), depth);
  assert.equal(message("do ".repeat(199) + "end ".repeat(199)), "OK");
  assert.equal(message("do ".repeat(200) + "end ".repeat(200)), depth);
  assert.equal(message("x = " + "- ".repeat(198) + "1"), "OK");
  assert.equal(message("x = " + "- ".repeat(199) + "1"), depth);

  const names = (k: number, p = "v") => Array.from({ length: k }, (_, i) => p + i).join(",");
  assert.equal(message("local " + names(200)), "OK");
  assert.equal(
    message("local " + names(201)),
    "user_script:1: main function has more than 200 local variables",
  );
  assert.equal(
    message("local x\nlocal function f()\nlocal " + names(201) + " end"),
    "user_script:3: function at line 2 has more than 200 local variables",
  );
  // The numeric for's three hidden control variables count too.
  assert.equal(message(`function f(${names(196)}) for i=1,2 do end end`), "OK");
  assert.equal(
    message(`function f(${names(197)}) for i=1,2 do end end`),
    "user_script:1: function at line 1 has more than 200 local variables",
  );
  // 5.1's implicit `arg` of a vararg function is a local.
  assert.equal(
    message(`function f(${names(200)}, ...) end`),
    "user_script:1: function at line 1 has more than 200 local variables",
  );
  const upvalues = (k: number) =>
    `local ${names(k, "u")}\nreturn function()\nreturn ${names(k, "u").replaceAll(",", "+")} end`;
  assert.equal(message(upvalues(60)), "OK");
  assert.equal(
    message(upvalues(61)),
    "user_script:3: function at line 2 has more than 60 upvalues",
  );
  assert.equal(message(names(200) + " = 1"), "OK");
  assert.equal(
    message(names(201) + " = 1"),
    "user_script:1: main function has more than 199 variables in assignment",
  );
  assert.equal(
    message(names(199) + " = 1", 2),
    "user_script:1: main function has more than 197 variables in assignment",
  );
});

test("a function declares at most 32767 locals over its lifetime", () => {
  // lua5.1: luaM_growvector's limit raises a bare runtime error (no position, no "near").
  assert.equal(message("do local a end ".repeat(32767)), "OK");
  assert.equal(message("do local a end ".repeat(32768)), "too many local variables");
  assert.equal(message("for i = 1, 2 do end ".repeat(8192)), "too many local variables");
});

test("limits agree with lua5.1 at its C level", { skip: NO_LUA51 }, () => {
  const names = (k: number, p = "v") => Array.from({ length: k }, (_, i) => p + i).join(",");
  const cases: string[] = [];
  for (let k = 194; k <= 201; k++) {
    cases.push("return " + "(".repeat(k) + "1" + ")".repeat(k));
    cases.push("return " + "{".repeat(k) + "}".repeat(k));
    cases.push("return " + "a..".repeat(k) + "a");
    cases.push("while x do ".repeat(k) + "end ".repeat(k));
    cases.push(names(k) + " = 1");
  }
  for (let k = 95; k <= 101; k++) {
    cases.push("return " + "function() return ".repeat(k) + "1" + " end".repeat(k));
  }
  for (const k of [59, 60, 61]) {
    cases.push(
      `local ${names(k, "u")}\nreturn function()\nreturn function() return ${
        names(k, "u")
      } end end`,
    );
  }
  const expected = lua51(cases);
  cases.forEach((src, i) => assert.equal(message(src, 2), expected[i], src.slice(0, 60)));
});

test("chunkId51 formats chunk names as 5.1's syntax errors show them", () => {
  assert.equal(chunkId51("@user_script"), "user_script");
  assert.equal(chunkId51("=stdin"), "stdin");
  assert.equal(chunkId51("return 1"), '[string "return 1"]');
  assert.equal(chunkId51("x = 1\ny = 2"), '[string "x = 1..."]');
  assert.equal(chunkId51("a".repeat(63)), `[string "${"a".repeat(63)}"]`);
  assert.equal(chunkId51("a".repeat(64)), `[string "${"a".repeat(63)}..."]`);
  assert.equal(chunkId51("@" + "f".repeat(73)), "..." + "f".repeat(72));
  assert.equal(chunkId51("=" + "n".repeat(100)), "n".repeat(79));
  assert.equal(chunkId51("ab\0cd"), '[string "ab"]');
  assert.equal(
    check51("x", chunkId51("x")).ok
      ? ""
      : (check51("x", chunkId51("x")) as { message: string }).message,
    `[string "x"]:1: '=' expected near '<eof>'`,
  );
});

test("messages agree with lua5.1 on randomly mutated scripts", { skip: NO_LUA51 }, async () => {
  const seeds = [
    "local t = {1, 2, x = 3, [4] = 'a'}\nfor i, v in ipairs(t) do\n  if v == 2 then break end\nend\nreturn #t",
    "local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end\nreturn fib(10)",
    'local s = \'a\\tb\\\\c\\65\\n\' .. "q\\"" .. [[long\nstr]] .. [==[x]]y]==]\nreturn s',
    "while x do x = x - 1 end repeat local y = 2 until y > 1",
    "function obj:method(a, b, ...) return self, a, b, ... end\nreturn obj:method(1, 2, 3)",
    "local a, b, c = 1, 0x1F, 1e-3 ; a, b = b, a\nreturn a % b ^ c .. 'x'",
    "return not a and b or c <= d and e >= f ~= g == h",
    "-- comment\n--[[ long\ncomment ]] return redis.call('GET', KEYS[1])",
    "do local x <const> = 5 end goto done ::done:: return 7 // 2 | 3 & 1 ~ 4 << 1 >> 2",
    "local t = {f = function(...) return arg end} return t.f(1, nil, 3).n",
    "if a then b() elseif c then d() else e() end return (f)",
    "return {[1]=1;2,3;}, f{...}, f'x', f\"y\", f[[z]]",
    "for i = 10, 1, -1 do local goto = i end return t.goto, {goto = 1}, t:goto(1)",
  ];
  const pool = [
    " ",
    "\n",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "[[",
    "]]",
    "[=[",
    "=",
    "==",
    ",",
    ";",
    ":",
    "::",
    ".",
    "..",
    "...",
    "'",
    '"',
    "\\",
    "-",
    "--",
    "+",
    "*",
    "/",
    "//",
    "%",
    "^",
    "#",
    "<",
    "<=",
    ">",
    "~",
    "~=",
    "&",
    "|",
    "1",
    "0x",
    "1e",
    "2.5",
    "end",
    "do",
    "then",
    "if",
    "else",
    "elseif",
    "for",
    "in",
    "while",
    "repeat",
    "until",
    "function",
    "local",
    "return",
    "break",
    "nil",
    "true",
    "false",
    "and",
    "or",
    "not",
    "x",
    "goto",
    "\r",
    "\t",
    "\0",
    "\x01",
    "\xff",
    "arg",
    "self",
    "\\300",
    "\\x",
    "\\z",
    "_ENV",
  ];
  let seed = 51;
  const rnd = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)];
  const cases: string[] = [];
  for (let n = 0; n < 500; n++) {
    let s = pick(seeds);
    for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) {
      const i = Math.floor(rnd() * (s.length + 1));
      const r = rnd();
      if (r < 0.3) s = s.slice(0, i) + s.slice(i + 1 + Math.floor(rnd() * 4));
      else if (r < 0.75) s = s.slice(0, i) + pick(pool) + s.slice(i);
      else if (r < 0.85) s = s.slice(0, i);
      else {
        const j = Math.floor(rnd() * s.length);
        s = s.slice(0, i) + s.slice(j, j + 10) + s.slice(i);
      }
    }
    cases.push(s);
  }
  const expected = lua51(cases);
  const valid: string[] = [];
  cases.forEach((src, i) => {
    const got = check51(src, "user_script", { level: 2 });
    assert.equal(got.ok ? "OK" : got.message, expected[i], JSON.stringify(src));
    if (got.ok) {
      assert.equal(newlines(got.source), newlines(src), JSON.stringify(src));
      valid.push(got.source);
    }
  });
  assert.ok(valid.length > 20, `only ${valid.length} valid mutants`);
  // Whatever 5.1 accepts, 5.4 compiles after the rewrite.
  await withLua54((run) => {
    for (const src of valid) {
      const r = run(src, true);
      assert.equal(r, "OK", JSON.stringify(src));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Rewriting

test("numerals become floats with 5.1's value", () => {
  assert.equal(rewrite("return 10/4"), "return 10.0/4.0");
  assert.equal(rewrite("return 0x10, 0XfF"), "return 0x10p0, 0XfFp0");
  assert.equal(
    rewrite("return 1e5, .5, 5., 2.50, 0x1p4, 1E-2"),
    "return 1e5, .5, 5., 2.50, 0x1p4, 1E-2",
  );
  assert.equal(rewrite("return 9007199254740993"), "return 9007199254740993.0");
  assert.equal(rewrite("return 0xffffffffffffffff"), "return 0xffffffffffffffffp0");
  assert.equal(rewrite("return a..1"), "return a..1.0");
  // 5.4 would read the '.' of '..' into these numerals.
  assert.equal(rewrite("return 1e5..'x', 0x10..'y'"), "return 1e5 ..'x', 0x10p0 ..'y'");
  // A NUL passes 5.1's check_next for [Ee], [+-] and '.': it ends up inside the token.
  assert.equal(rewrite("return 1\0abc"), "return 1.0");
  assert.equal(rewrite("return 1 .\0 2"), "return 1.0 .. 2.0");
});

test("strings: escapes unknown to 5.1 lose their backslash, the rest is untouched", () => {
  assert.equal(
    rewrite(`return "\\x41", '\\z  a', "\\u{48}", '\\q', "\\?"`),
    `return "x41", 'z  a', "u{48}", 'q', "?"`,
  );
  const same = `return "a\\tb\\n\\65\\0\\\\\\"\\'", 'x\\\ny', [[\nlong\\x]], [==[a]]b]==]`;
  assert.equal(rewrite(same), same);
});

test("goto and _ENV are ordinary names in 5.1", () => {
  assert.equal(rewrite("local goto = 1; return goto"), "local goto_51 = 1.0; return goto_51");
  assert.equal(rewrite("goto = 1"), '_ENV["goto"] = 1.0');
  assert.equal(rewrite("return t.goto, {goto = 1}"), 'return t["goto"], {["goto"] = 1.0}');
  assert.equal(rewrite("local _ENV = {}; return _ENV, x"), "local ENV_51 = {}; return ENV_51, x");
  assert.equal(rewrite("return _ENV, t._ENV"), 'return _ENV["_ENV"], t._ENV');
  assert.equal(rewrite("function goto:m(a) end"), ' _ENV["goto"]["m"] = function(self, a) end');
  assert.equal(rewrite("function t.goto() end"), ' t["goto"] = function() end');
  assert.equal(
    rewrite("x = 1\nt:goto(1)"),
    'x = 1.0\n;(function(o, ...) return o["goto"](o, ...) end)(t,1.0)',
  );
  // A fresh name never collides with a name of the script.
  assert.equal(rewrite("local goto, goto_51 = 1, 2"), "local goto_51_1, goto_51 = 1.0, 2.0");
});

test("the implicit `arg` of 5.1 vararg functions", () => {
  assert.equal(
    rewrite("local function f(...) return arg.n end"),
    'local function f(...)local arg = {n = select("#", ...), ...};  return arg.n end',
  );
  assert.equal(
    rewrite("local function f(...) return ..., arg end"),
    "local function f(...)local arg;  return ..., arg end",
  );
  assert.equal(
    rewrite("local function f(...) return ... end"),
    "local function f(...) return ... end",
  );
  assert.equal(rewrite("return arg"), "return arg");
});

test("rewritten scripts keep every line and compute 5.1's values on 5.4", async () => {
  // Expected values: lua5.1 running the same source (H prints type:value, strings as hex).
  const H =
    "local function H(...) local t = {} for i = 1, select('#', ...) do local v = select(i, ...) " +
    "if type(v) == 'string' then t[#t + 1] = 's:' .. (v:gsub('.', function(c) return string.format('%02x', c:byte()) end)) " +
    "else t[#t + 1] = type(v) .. ':' .. tostring(v) end end return table.concat(t, ',') end ";
  const cases: [string, string][] = [
    [
      "return H(10/2, 7/2, 2^53, 9007199254740993, 0xffffffffffffffff, 0x7fffffffffffffff, 1e308*10, -0, 0*-1, 0x10, 0x1p4, 1e5, .5, 5., 3 % -2, 100000000000000, 2^63, 9223372036854775807 + 1, 0xA, 0Xa, 1E2, 00012, 123456789012345)",
      "number:5,number:3.5,number:9.007199254741e+15,number:9.007199254741e+15,number:1.844674407371e+19,number:9.2233720368548e+18,number:inf,number:-0,number:-0,number:16,number:16,number:100000,number:0.5,number:5,number:-1,number:1e+14,number:9.2233720368548e+18,number:9.2233720368548e+18,number:10,number:10,number:100,number:12,number:1.2345678901234e+14",
    ],
    [
      "return H('\\x41', \"\\z  a\", '\\u{48}', '\\q', '\\65\\066\\0067', 'a\\\nb', [[\nx]] .. [==[\n]]]==], '\\'\"', \"\\\\\", '\\a\\b\\f\\n\\r\\t\\v', \"\\?\", '\\255\\0end', 'a\\\r\nb')",
      "s:783431,s:7a202061,s:757b34387d,s:71,s:41420637,s:610a62,s:785d5d,s:2722,s:5c,s:07080c0a0d090b,s:3f,s:ff00656e64,s:610a62",
    ],
    [
      'local goto = 5; local t = {goto = 1}; t.goto = t.goto + goto; return H(t.goto, t["goto"], goto)',
      "number:6,number:6,number:5",
    ],
    [
      'local obj = {v = 3}; function obj:goto(a) return self.v + (tonumber(a) or 0) end\nlocal function id(x) return x end\nreturn H(obj:goto(4), (obj):goto"5", id(obj):goto(), obj.goto(obj, 1), obj:goto{})',
      "number:7,number:8,number:3,number:4,number:3",
    ],
    [
      "local t = {} ; t.goto = {} ; t.goto.goto = function(a) return a end\nfunction t.goto:m(x) return self == t.goto, x end\nreturn H(t.goto.goto(3), t.goto:m(9))",
      "number:3,boolean:true,number:9",
    ],
    [
      "local r = {}\nlocal o = {n = 0}\nfunction o:goto() self.n = self.n + 1 return self end\no:goto():goto():goto()\nr[1] = o.n\no:goto()\n;(o):goto()\nreturn H(r[1], o.n)",
      "number:3,number:5",
    ],
    [
      "local _ENV = 5; local function f() return _ENV end return H(_ENV + 1, f())",
      "number:6,number:5",
    ],
    ["return H(_ENV, type(_G))", "nil:nil,s:7461626c65"],
    [
      "local function f(...) return arg.n, arg[1], arg[2], arg[3] end return H(f(1, nil, 3))",
      "number:3,number:1,nil:nil,number:3",
    ],
    ["local function g(...) local x = ... return arg end return H(g(1))", "nil:nil"],
    ["local function h(a, ...) return arg and arg.n end return H(h(1, 2, 3))", "number:2"],
    [
      "local function f(...) return function() return arg.n end end return H(f(1, 2)())",
      "number:2",
    ],
    [
      "local select = 5; local function f(...) return arg.n end return H(f(1, 2), select)",
      "number:2,number:5",
    ],
    ["local function f(arg, ...) return arg end return H(f(1, 2).n)", "number:1"],
    [
      "return H(1 .. 2, 0x10..'x', 1e2..'', 1e2 ..'', (1)..(2))",
      "s:3132,s:313678,s:313030,s:313030,s:3132",
    ],
    [
      "local t = {} for i = 1, 3 do t[#t + 1] = i / 1 end for i = 10, 1, -4.5 do t[#t + 1] = i end return H(table.concat(t, ','))",
      "s:312c322c332c31302c352e352c31",
    ],
    [
      "local a = 2^53 + 1 return H(a, a == 2^53, 2^63 == 9223372036854775808, 18446744073709551616 == 2^64)",
      "number:9.007199254741e+15,boolean:true,boolean:true,boolean:true",
    ],
    [
      "return H(-2^63 == -9223372036854775808, math.huge == 1e400, -1e400, 1e-400)",
      "boolean:true,boolean:true,number:-inf,number:0",
    ],
    ['goto = 1; goto = goto + 1 return H(goto, _G["goto"])', "number:2,number:2"],
    ['function goto(x) return x * 2 end return H(goto(4), goto "3")', "number:8,number:6"],
    [
      "goto = {} function goto.goto(x) return x end function goto:m() return self == goto end return H(goto.goto(3), goto:m())",
      "number:3,boolean:true",
    ],
    [
      "local function f(...) return select('#', ...) end return H(f(1\0abc, 2), 1\0 .\0 2)",
      "number:2,s:3132",
    ],
    [
      "local t = {} for goto = 1, 2 do t[goto] = goto end for k, goto in pairs(t) do t[k] = goto * 2 end return H(t[1], t[2])",
      "number:2,number:4",
    ],
  ];
  await withLua54((run) => {
    for (const [src, expected] of cases) {
      const out = check51(H + src);
      assert.ok(out.ok, src);
      assert.equal(newlines(out.source), newlines(H + src));
      assert.equal(run(out.source), "R " + expected, src);
    }
  });
});

test(
  "random literals read by 5.4 after the rewrite have 5.1's values",
  { skip: NO_LUA51 },
  async () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const digits = (set: string, max: number) => {
      let s = "";
      for (let n = 1 + Math.floor(rnd() * max); n > 0; n--) {
        s += set[Math.floor(rnd() * set.length)];
      }
      return s;
    };
    const numeral = () => {
      const r = rnd();
      if (r < 0.3) {
        return "0x" + digits("0123456789abcdefABCDEF", 20) +
          (rnd() < 0.3 ? "p" + digits("0123456789", 3) : "");
      }
      let s = digits("0123456789", 22);
      if (rnd() < 0.4) s += "." + (rnd() < 0.8 ? digits("0123456789", 10) : "");
      if (rnd() < 0.3) {
        s += (rnd() < 0.5 ? "e" : "E") + (rnd() < 0.5 ? "-" : "+") +
          digits("0123456789", 3);
      }
      return s;
    };
    const escapes = [
      "\\a",
      "\\b",
      "\\f",
      "\\n",
      "\\r",
      "\\t",
      "\\v",
      "\\\\",
      '\\"',
      "\\'",
      "\\x41",
      "\\z ",
      "\\u{48}",
      "\\q",
      "\\?",
      "\\\n",
      "\\9",
      "\\12",
      "\\255",
      "\\0",
      "\\1234",
      "\\\x80",
      "\\ ",
      "\\[",
    ];
    const string = () => {
      let s = '"';
      for (let n = Math.floor(rnd() * 8); n > 0; n--) {
        s += rnd() < 0.5
          ? escapes[Math.floor(rnd() * escapes.length)]
          : String.fromCharCode(32 + Math.floor(rnd() * 224)).replace(/["\\]/, "x");
      }
      return s + '"';
    };
    const H =
      "local function H(...) local t = {} for i = 1, select('#', ...) do local v = select(i, ...) " +
      "if type(v) == 'string' then t[#t + 1] = (v:gsub('.', function(c) return string.format('%02x', c:byte()) end)) " +
      "else t[#t + 1] = tostring(v) end end return table.concat(t, ',') end ";
    const cases: string[] = [];
    for (let n = 0; n < 200; n++) {
      const lits: string[] = [];
      for (let k = 0; k < 5; k++) lits.push(rnd() < 0.5 ? numeral() : string());
      cases.push(H + "return H(" + lits.join(", ") + ")");
    }
    const expected = lua51(cases, true);
    await withLua54((run) => {
      cases.forEach((src, i) => {
        const out = check51(src, "user_script", { level: 2 });
        const got = out.ok ? run(out.source) : "C " + out.message;
        assert.equal(got, expected[i], src);
      });
    });
  },
);

test("large and adversarial inputs are handled in one pass", () => {
  const unit = "do local t = {a = 1, b = 'x\\65y', c = [[long\nstring]]}\nfor i = 1, #KEYS do\n" +
    "  local v = redis.call('GET', KEYS[i]) -- comment\n" +
    "  if v and tonumber(v) > 10.5 then t[#t + 1] = v .. ':' .. i end\nend end\n";
  const big = unit.repeat(Math.ceil(200_000 / unit.length));
  const out = rewrite(big);
  assert.equal(newlines(out), newlines(big));
  assert.equal(out, big.replaceAll(" 1,", " 1.0,").replaceAll("+ 1]", "+ 1.0]"));
  for (
    const src of [
      "return '" + "a".repeat(500_000) + "'",
      "return '" + "\\x41".repeat(100_000) + "'",
      "return [==[" + "a]b[c\n".repeat(50_000) + "]==]",
      "return " + "1".repeat(500_000),
      "--[[" + "x".repeat(500_000) + "]] return 1",
      "return {" + "1,".repeat(100_000) + "}",
      "local a return " + "a + ".repeat(100_000) + "a",
    ]
  ) {
    assert.ok(check51(src).ok);
  }
  // Deep nesting stops at 5.1's limit, far below the JS stack's.
  assert.equal(
    message("return " + "(".repeat(100_000)),
    "user_script:1: chunk has too many syntax levels",
  );
});
const LUA51_MESSAGES: [string, string][] = [
  ['x = 1 "abc"', "user_script:1: unexpected symbol near '\"abc\"'"],
  ["x = 1 'a\\65'", "user_script:1: unexpected symbol near ''aA''"],
  ["x = 1 'a\\0b'", "user_script:1: unexpected symbol near ''a'"],
  ["x = 1 [[a\r\nb]]", "user_script:2: unexpected symbol near '[[a\nb]]'"],
  ["x = 1 [==[\nab]==]", "user_script:2: unexpected symbol near '[==[ab]==]'"],
  ['return "abc\ndef"', "user_script:1: unfinished string near '\"abc'"],
  ["return 'a\\tb\ncd'", "user_script:1: unfinished string near ''a\tb'"],
  ["return '\\300'", "user_script:1: escape sequence too large near '''"],
  ["return 'ab\\256'", "user_script:1: escape sequence too large near ''ab'"],
  ["return 'a\\65\\1234'", "OK"],
  ["x = 'a\\", "user_script:1: unfinished string near '<eof>'"],
  ["return [==[ abc", "user_script:1: unfinished long string near '<eof>'"],
  ["--[[ comment", "user_script:1: unfinished long comment near '<eof>'"],
  ["--[==[ x\n\n", "user_script:3: unfinished long comment near '<eof>'"],
  ["return [[ a [[ b ]]", "user_script:1: nesting of [[...]] is deprecated near '['"],
  ["x = [=x", "user_script:1: invalid long string delimiter near '[='"],
  ["x = [==", "user_script:1: invalid long string delimiter near '[=='"],
  ["return 0x", "user_script:1: malformed number near '0x'"],
  ["return 0x1P-2", "user_script:1: malformed number near '0x1P'"],
  ["return 1..2", "user_script:1: malformed number near '1..2'"],
  ["return 1e", "user_script:1: malformed number near '1e'"],
  ["return 1e+", "user_script:1: malformed number near '1e+'"],
  ["return 3x", "user_script:1: malformed number near '3x'"],
  ["return 0xg", "user_script:1: malformed number near '0xg'"],
  ["return 1.5.3", "user_script:1: malformed number near '1.5.3'"],
  ["return 0x1.8", "user_script:1: '<eof>' expected near '.8'"],
  ["return 1e5.3", "user_script:1: '<eof>' expected near '.3'"],
  ["x = \u0001", "user_script:1: unexpected symbol near 'char(1)'"],
  ["x = \u007f", "user_script:1: unexpected symbol near 'char(127)'"],
  ["x = \u00e9", "user_script:1: unexpected symbol near '\u00e9'"],
  ["x = \u0000", "user_script:1: unexpected symbol"],
  ["x = \u001bLua", "user_script:1: unexpected symbol near 'char(27)'"],
  ["f()\n(g)()", "user_script:2: ambiguous syntax (function call x new statement) near '('"],
  [
    "local t = {} t.x\n(1)",
    "user_script:2: ambiguous syntax (function call x new statement) near '('",
  ],
  [
    "function f() return ... end",
    "user_script:1: cannot use '...' outside a vararg function near '...'",
  ],
  ["local function f(a, 1) end", "user_script:1: <name> or '...' expected near '1'"],
  ["function a.b:c.d() end", "user_script:1: '(' expected near '.'"],
  ["return {a b}", "user_script:1: '}' expected near 'b'"],
  ["return {a = }", "user_script:1: unexpected symbol near '}'"],
  ["return {1,\n2", "user_script:2: '}' expected (to close '{' at line 1) near '<eof>'"],
  ["return f(1,\n2", "user_script:2: ')' expected (to close '(' at line 1) near '<eof>'"],
  ["return (1\n", "user_script:2: ')' expected (to close '(' at line 1) near '<eof>'"],
  ["for i = 1 do end", "user_script:1: ',' expected near 'do'"],
  ["for i do end", "user_script:1: '=' or 'in' expected near 'do'"],
  ["for a.b = 1, 2 do end", "user_script:1: '=' or 'in' expected near '.'"],
  ["a, b() = 1", "user_script:1: syntax error near '='"],
  ["(a) = 1", "user_script:1: syntax error near '='"],
  ["f() = 1", "user_script:1: unexpected symbol near '='"],
  ["a:b", "user_script:1: function arguments expected near '<eof>'"],
  ["x = a:b + 1", "user_script:1: function arguments expected near '+'"],
  ["return 1;;", "user_script:1: '<eof>' expected near ';'"],
  [";", "user_script:1: unexpected symbol near ';'"],
  ["x = 1;;", "user_script:1: unexpected symbol near ';'"],
  ["do break end", "user_script:1: no loop to break near 'end'"],
  [
    "while true do\nbreak\nx = 1 end",
    "user_script:3: 'end' expected (to close 'while' at line 1) near 'x'",
  ],
  ["if x then else elseif y then end", "user_script:1: 'end' expected near 'elseif'"],
  ["repeat x = 1", "user_script:1: 'until' expected near '<eof>'"],
  ["x = -", "user_script:1: unexpected symbol near '<eof>'"],
  ["a.1 = 2", "user_script:1: '=' expected near '.1'"],
  ["return f'", "user_script:1: unfinished string near '<eof>'"],
  ["return 1 ..2", "OK"],
  ["x = 1\n\n\ny = = 2", "user_script:4: unexpected symbol near '='"],
  ["if x then\n\n", "user_script:3: 'end' expected (to close 'if' at line 1) near '<eof>'"],
  ["while x do\n", "user_script:2: 'end' expected (to close 'while' at line 1) near '<eof>'"],
  ["for i = 1, 2 do\n", "user_script:2: 'end' expected (to close 'for' at line 1) near '<eof>'"],
  ["repeat\n\n", "user_script:3: 'until' expected (to close 'repeat' at line 1) near '<eof>'"],
  ["do\n", "user_script:2: 'end' expected (to close 'do' at line 1) near '<eof>'"],
  ["return {\n", "user_script:2: unexpected symbol near '<eof>'"],
  ["return (\n1", "user_script:2: ')' expected (to close '(' at line 1) near '<eof>'"],
  ["local t = {\n1, 2,\n3\n", "user_script:4: '}' expected (to close '{' at line 1) near '<eof>'"],
  ["return 1 .\u0000 2 +", "user_script:1: unexpected symbol near '<eof>'"],
  ["return 1\u0000abc 2", "user_script:1: '<eof>' expected near '2'"],
  ["return 1e\u0000", "user_script:1: malformed number near '1e'"],
];
