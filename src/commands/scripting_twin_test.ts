// Twin tests of EVAL / EVALSHA / SCRIPT and the Lua environment against redis-server 7.0.15, with
// the `redis.` API (7.0 has no `server.` alias). Where Valkey 8 (what evalkit reproduces) differs
// from Redis 7.0, the step says what Valkey replies (from the spec) and the sequence says why.

import { createHash } from "node:crypto";
import { array, bulk, error, int, NULL, status } from "../resp/reply.ts";
import assert from "node:assert/strict";
import {
  anyError,
  type CommandStep,
  custom,
  needs,
  on,
  twin,
  unordered,
  valkey,
} from "../testing/twin.ts";

/**
 * The same JSON value, object keys in any order: evalkit's table iteration order is not Lua 5.1's
 * (Lua 5.4 seeds its string hash from time(NULL); reported to the engine owner).
 */
const sameJson = () =>
  custom("sameJson()", (ours, theirs) => {
    if (ours.type !== "bulk" || theirs.type !== "bulk") return `${ours.type} vs ${theirs.type}`;
    try {
      assert.deepEqual(JSON.parse(ours.value), JSON.parse(theirs.value));
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  });

const sha = (body: string) => createHash("sha1").update(body, "latin1").digest("hex");
/** `EVAL body 0` */
const ev = (body: string, ...rest: CommandStep): CommandStep => ["EVAL", body, "0", ...rest];

// ---- EVAL family: arguments, cache, replies ----

twin("EVAL numkeys parsing and KEYS/ARGV", [
  ["EVAL"],
  ["EVAL", "return 1"],
  ["EVAL_RO", "return 1"],
  ["EVALSHA", "x"],
  ["EVAL", "return 1", "x"],
  ["EVAL", "return 1", "01"],
  ["EVAL", "return 1", "-0"],
  ["EVAL", "return 1", " 1"],
  ["EVAL", "return 1", "1.0"],
  ["EVAL", "return 1", ""],
  ["EVAL", "return 1", "9223372036854775807"],
  ["EVAL", "return 1", "9223372036854775808"],
  ["EVAL", "return 1", "-9223372036854775808"],
  ["EVAL", "return 1", "1"],
  ["EVAL", "return 1", "2", "a"],
  ["EVAL", "return 1", "-1"],
  ["EVAL", "return 1", "-1", "a", "b"],
  ["EVAL", "return {KEYS[1], ARGV[1], #KEYS, #ARGV}", "1", "a", "b"],
  ["EVAL", "return {#KEYS, #ARGV}", "0", "a", "b", "c"],
  ["EVAL", "return {#KEYS, #ARGV}", "3", "a", "b", "c"],
  ["EVAL", "return 1, 2, 3", "0"],
  ["EVAL", "return +", "1"],
]);

twin("EVALSHA finds scripts cached by EVAL and SCRIPT LOAD, case-insensitively", [
  ["EVAL", "return redis.call('get',KEYS[1])", "1", "mykey"],
  ["SET", "mykey", "hello"],
  ["EVALSHA", "fd758d1589d044dd850a6f05d52f2eefd27f033f", "1", "mykey"],
  ["EVALSHA", "FD758D1589D044DD850A6F05D52F2EEFD27F033F", "1", "mykey"],
  ["EVALSHA_RO", "Fd758d1589d044dd850a6f05d52f2eefd27f033F", "1", "mykey"],
  ["SCRIPT", "LOAD", "return 'loaded'"],
  ["EVALSHA", "b534286061d4b9e4026607613b95c06c06015ae8", "0"],
  ["EVALSHA", "b534286061d4b9e4026607613b95c06c06015ae8", "x"],
  ["EVALSHA", "b534286061d4b9e4026607613b95c06c06015ae8", "1"],
  [
    "SCRIPT",
    "EXISTS",
    "fd758d1589d044dd850a6f05d52f2eefd27f033f",
    "B534286061D4B9E4026607613B95C06C06015AE8",
    "x",
  ],
  ["SCRIPT", "FLUSH"],
  [
    "SCRIPT",
    "EXISTS",
    "fd758d1589d044dd850a6f05d52f2eefd27f033f",
    "b534286061d4b9e4026607613b95c06c06015ae8",
  ],
]);

const NOSCRIPT = error("NOSCRIPT No matching script.");
twin("EVALSHA of an unknown or malformed sha", [
  ["EVALSHA", "abc", "notanumber", valkey(NOSCRIPT)],
  ["EVALSHA_RO", "abc", "0", valkey(NOSCRIPT)],
  ["EVALSHA", "f".repeat(40), "0", valkey(NOSCRIPT)],
  ["EVALSHA", "f".repeat(41), "0", valkey(NOSCRIPT)],
  ["EVALSHA", "f".repeat(40), "notanumber"],
  ["MULTI"],
  ["EVALSHA", "f".repeat(40), "0"],
  ["SET", "a", "1"],
  ["EXEC", valkey(array([NOSCRIPT, status("OK")]))],
], { valkeyDiff: "Valkey 8 dropped ' Please use EVAL.' from the NOSCRIPT text (spec EVAL-1)" });

twin("EVAL_RO and EVALSHA_RO are read-only runs", [
  ["SET", "k", "v"],
  ["EVAL_RO", "return redis.call('get', KEYS[1])", "1", "k"],
  ["EVAL_RO", "return redis.call('set', KEYS[1], 'x')", "1", "k"],
  ["EVAL_RO", "return redis.pcall('del', KEYS[1])", "1", "k"],
  ["EVALSHA_RO", sha("return redis.call('set', KEYS[1], 'x')"), "1", "k"],
  ["EVALSHA", sha("return redis.call('set', KEYS[1], 'x')"), "1", "k"],
  ["GET", "k"],
  ["EVAL_RO", "#!lua\nreturn 1", "0"],
  ["EVALSHA_RO", sha("#!lua\nreturn 1"), "0"],
  ["EVAL_RO", "#!lua flags=no-writes\nreturn redis.call('get', 'k')", "0"],
  ["EVAL", "#!lua flags=no-writes\nreturn redis.call('set', 'k', 'y')", "0"],
  ["EVAL", "#!lua flags=no-writes\nreturn redis.pcall('incr', 'k')", "0"],
]);

twin("shebang errors and flags", [
  ["EVAL", "#!lua", "0"],
  ["EVAL", "#! lua\nreturn 1", "0"],
  ["EVAL", "#!not-lua\nreturn 1", "0"],
  ["EVAL", "#!LUA\nreturn 1", "0"],
  ["EVAL", "#!lua badger=data\nreturn 1", "0"],
  ["EVAL", "#!lua name=mylib\nreturn 1", "0"],
  ["EVAL", "#!lua flags=allow-oom,what?\nreturn 1", "0"],
  ["EVAL", "#!lua flags=no-writes,\nreturn 1", "0"],
  ["EVAL", '#!lua "flags=no-writes\nreturn 1', "0"],
  ["EVAL", '#!lua "flags=no-writes"\nreturn 1', "0"],
  ["EVAL", "#!lua flags= flags=no-writes\nreturn 2", "0"],
  [
    "EVAL",
    "#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\nreturn 3",
    "0",
  ],
  ["SCRIPT", "LOAD", "#!lua flags=bad\nreturn 1"],
  [
    "SCRIPT",
    "EXISTS",
    sha("#!lua flags=bad\nreturn 1"),
    sha("#!lua flags= flags=no-writes\nreturn 2"),
  ],
  ["EVAL", "#!lua\n\nreturn a", "0"],
  ["EVAL", "#!lua\nreturn redis.call('set', 'k', 'v')", "0"],
]);

twin("compile errors are replied and not cached", [
  ["EVAL", "return +", "0"],
  ["EVAL", "x", "0"],
  ["EVAL", "return 1 end", "0"],
  ["EVAL", "return 'hello' --trailing comment", "0"],
  ["SCRIPT", "LOAD", "local"],
  ["SCRIPT", "EXISTS", sha("return +"), sha("x"), sha("local")],
  ["EVAL", "\x1bLua", "0"],
  ["EVAL", "for i=1,2 do", "0"],
  ["EVAL", "return 'unfinished", "0"],
  ["EVAL", "return [[long", "0"],
]);

twin("SCRIPT LOAD, EXISTS, FLUSH, KILL, DEBUG and arity errors", [
  ["SCRIPT", "LOAD", "return 'loaded'"],
  ["script", "load", "return 'loaded'"],
  ["SCRIPT", "LOAD", "redis.call('set', 'x', 'y') error('never')"],
  ["EXISTS", "x"],
  ["SCRIPT"],
  ["SCRIPT", "LOAD"],
  ["SCRIPT", "LOAD", "a", "b"],
  ["SCRIPT", "EXISTS"],
  ["SCRIPT", "KILL", "x"],
  ["SCRIPT", "DEBUG"],
  ["SCRIPT", "foo"],
  ["script", "FoO", "bar"],
  ["SCRIPT", "x".repeat(200)],
  ["SCRIPT", "FLUSH", "x"],
  ["SCRIPT", "FLUSH", "sync", "async"],
  ["SCRIPT", "FLUSH", "ASYNC"],
  ["SCRIPT", "FLUSH", "sync"],
  ["SCRIPT", "FLUSH"],
  ["SCRIPT", "KILL"],
  ["SCRIPT", "DEBUG", "no"],
  ["SCRIPT", "DEBUG", "maybe"],
  ["EVAL", "return redis.call('script', 'kill')", "0"],
]);

const HELP = [
  "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "DEBUG (YES|SYNC|NO)",
  "    Set the debug mode for subsequent scripts executed.",
  "EXISTS <sha1> [<sha1> ...]",
  "    Return information about the existence of the scripts in the script cache.",
  "FLUSH [ASYNC|SYNC]",
  "    Flush the Lua scripts cache. Very dangerous on replicas.",
  "    When called without the optional mode argument, the behavior is determined",
  "     by the lazyfree-lazy-user-flush configuration directive. Valid modes are:",
  "    * ASYNC: Asynchronously flush the scripts cache.",
  "    * SYNC: Synchronously flush the scripts cache.",
  "KILL",
  "    Kill the currently executing Lua script.",
  "LOAD <script>",
  "    Load a script into the scripts cache without executing it.",
  "SHOW <sha1>",
  "    Show a script from the scripts cache.",
  "HELP",
  "    Print this help.",
];
twin("SCRIPT HELP", [["SCRIPT", "HELP", valkey(array(HELP.map(status)))]], {
  valkeyDiff:
    "Valkey 8 added SHOW, rewrapped the FLUSH lines and says 'Print this help.' (spec SCR-7)",
});

twin("SCRIPT SHOW", [
  ["SCRIPT", "LOAD", "#!lua\nreturn 'shown'"],
  ["SCRIPT", "SHOW", sha("#!lua\nreturn 'shown'"), valkey(bulk("#!lua\nreturn 'shown'"))],
  ["SCRIPT", "SHOW", "abc", valkey(NOSCRIPT)],
], { valkeyDiff: "SCRIPT SHOW is new in Valkey 8.0 (Redis 7.0: unknown subcommand)" });

twin("scripts and MULTI/EXEC", [
  ["MULTI"],
  ["EVAL", "return 1"],
  ["SET", "k", "v"],
  ["EXEC"],
  ["MULTI"],
  ["SCRIPT", "LOAD", "return 'loaded'"],
  ["EVALSHA", "b534286061d4b9e4026607613b95c06c06015ae8", "0"],
  ["EVAL", "return 1", "x"],
  ["EVAL", "return 1", "2", "k"],
  ["EVAL", "return +", "0"],
  ["EVAL", "redis.call('set', 'w', '1') error('late')", "0"],
  ["EVAL", "return redis.call('incr', 'w')", "0"],
  ["EXEC"],
  ["WATCH", "w"],
  on("other", ["EVAL", "return redis.call('set', KEYS[1], 'x')", "1", "w"]),
  ["MULTI"],
  ["GET", "w"],
  ["EXEC"],
  ["WATCH", "w"],
  on("other", ["EVAL_RO", "return redis.pcall('set', KEYS[1], 'x')", "1", "w"]),
  ["MULTI"],
  ["GET", "w"],
  ["EXEC"],
]);

twin("commands refused inside scripts", [
  ev("return redis.pcall('eval', 'return 1', '0')"),
  ev("return redis.pcall('script', 'load', 'return 1')"),
  ev("return redis.pcall('multi')"),
  ev("return redis.pcall('watch', 'x')"),
  ev("return redis.pcall('config', 'get', 'maxmemory')"),
  ev("return redis.pcall('client', 'id')"),
  ev("return #redis.call('script', 'help') > 0"),
  ev("return redis.pcall('hello')"),
]);

const UNKNOWN = "ERR Unknown command called from script";
const ARITY = "ERR Wrong number of args calling command from script";
const withSuffix = (text: string, body: string, line = 1) =>
  error(`${text} script: ${sha(body)}, on @user_script:${line}.`);
/** `EVAL body 0` whose reply is `text` plus the runtime-error suffix in Valkey. */
const evErr = (body: string, text: string, line = 1): CommandStep =>
  ev(body, valkey(withSuffix(text, body, line)));

twin("unknown commands and wrong arity inside scripts", [
  evErr("return redis.call('nosuchcommand')", UNKNOWN),
  ev("return redis.pcall('nosuchcommand')", valkey(error(UNKNOWN))),
  evErr("return redis.call('get')", ARITY),
  evErr("return redis.call('get', 'a', 'b')", ARITY),
  evErr("return redis.call('script')", ARITY),
  ev("return redis.pcall('config', 'nosuchsub')", valkey(error(UNKNOWN))),
  ev("return {pcall(redis.call, 'nosuchcommand')}", valkey(array([NULL, bulk(UNKNOWN)]))),
  evErr("\n\nreturn redis.call('nosuchcommand')", UNKNOWN, 3),
  evErr("local function f()\n  return redis.call('get')\nend\nreturn f()", ARITY, 2),
], {
  valkeyDiff: "Valkey 8 dropped the word 'Redis' from these two texts (spec §9.3 step 2); Redis " +
    "7.0: 'Unknown Redis command called from script', 'Wrong number of args calling Redis command'",
});

twin("no rollback, SELECT inside a script, DET-1", [
  ev("redis.call('set', 'a', '1') redis.call('incr', 'a') error('late failure')"),
  ["GET", "a"],
  ev("redis.call('set', 'c', 'x') return redis.call('incr', 'c')"),
  ["GET", "c"],
  ev("redis.call('select', '1') redis.call('set', 'k', 'in1') return redis.call('get', 'k')"),
  ["GET", "k"],
  ["SELECT", "1"],
  ["GET", "k"],
  ev("return redis.call('get', 'k')"),
  ev("return redis.call('select', '99')"),
  ["SELECT", "0"],
  ev("redis.pcall('randomkey'); return redis.pcall('set','x','ciao')"),
  ev("local t = redis.call('time') return {type(t[1]), #t}"),
]);

// ---- conversions ----

const conversions: CommandStep[] = [
  ev("return 1"),
  ev("return -1"),
  ev("return 3.99"),
  ev("return -3.99"),
  ev("return 100.5"),
  ev("return 2^53"),
  ev("return 1e300"),
  ev("return 0/0"),
  ev("return 'x'"),
  ev("return ''"),
  ev("return true"),
  ev("return false"),
  ev("return nil"),
  ev("return"),
  ev("return {}"),
  ev("return {1,2,3,'ciao',{1,2}}"),
  ev("return {1, 2, 3.3333, somekey='somevalue', 'foo', nil, 'bar'}"),
  ev("return {ok='fine'}"),
  ev("return {ok='a\\r\\nb'}"),
  ev("return {ok=1}"),
  ev("return {err='ERR this is an error'}"),
  ev("return {err='MYCODE custom'}"),
  ev("return {err='no code'}"),
  ev("return {err=1}"),
  ev("return {err='multi\\nline'}"),
  ev("return redis.status_reply('fine')"),
  ev("return redis.error_reply('MY_ERR_CODE custom msg')"),
  ev("return redis.error_reply('-X y')"),
  ev("return redis.error_reply('Oops')"),
  ev("return redis.error_reply('')"),
  ev("return redis.error_reply(1)"),
  ev("return redis.status_reply()"),
  ev("return {double=3.0}"),
  ev("return {double='3.5'}"),
  ev("return {big_number='123456789012345678901234567890'}"),
  ev("return {verbatim_string={format='txt', string='hello'}}"),
  ev("return {map={a=1}}"),
  ev("return {set={a=true}}"),
  ev("return {true, false, nil, 1}"),
  ev("return cjson.null"),
  ev("return {cjson.null, 1}"),
  ev("return setmetatable({}, {__index=function() return 1 end})"),
  ev("return {1, {2, {3, {4}}}}"),
  ev("return redis.call('ping')"),
  ev("return redis.call('echo', 'x')"),
  ev("return redis.call('get', 'nokey')"),
  ev("return {redis.call('get', 'nokey')}"),
  ev("return type(redis.call('get', 'nokey'))"),
  ev("return redis.call('set', 'k', 'v')"),
  ev("return type(redis.call('set', 'k', 'v').ok)"),
  ev("return redis.call('mget', 'k', 'nokey', 'k')"),
  ev("return redis.replicate_commands()"),
  ev("return redis.breakpoint()"),
  ev("return redis.debug('x')"),
];

twin("Lua → reply and reply → Lua conversions (RESP2)", conversions);
twin("Lua → reply and reply → Lua conversions (RESP3 client)", conversions, { resp: 3 });

const resp3: CommandStep[] = [
  ev("redis.setresp(3) return true"),
  ev("redis.setresp(3) return false"),
  ev("redis.setresp(3) redis.setresp(2) return false"),
  ev("redis.setresp(3) return redis.call('get', 'nokey')"),
  ev("redis.setresp(3) return type(redis.call('get', 'nokey'))"),
  ev("redis.setresp(3) return {redis.call('get', 'nokey'), 1}"),
  ev("redis.setresp(3) return redis.call('set', 'k', 'v')"),
  ev("redis.setresp(3) return redis.call('incr', 'n')"),
  ev("redis.setresp(3) return {double=1.5}"),
  ev("return redis.setresp(4)"),
  ev("return redis.setresp('3')"),
];
twin("setresp(3) inside scripts, RESP2 client", resp3);
twin("setresp(3) inside scripts, RESP3 client", resp3, { resp: 3 });

twin("RESP3 replies of data commands converted for scripts", [
  ["HSET", "h", "f", "v"],
  ev("redis.setresp(3) return redis.call('hgetall', 'h')"),
  ev("redis.setresp(3) local r = redis.call('hgetall', 'h') return r.map.f"),
  ev("return redis.call('hgetall', 'h')"),
], { ...needs("hset", "hgetall"), resp: 3 });

twin("RESP3 set and double replies converted for scripts", [
  ["SADD", "s", "a"],
  ["ZADD", "z", "1.5", "m"],
  ev("redis.setresp(3) return redis.call('smembers', 's')"),
  ev("redis.setresp(3) return redis.call('zscore', 'z', 'm')"),
  ev("redis.setresp(3) return redis.call('zscore', 'z', 'm').double"),
  ev("return redis.call('zscore', 'z', 'm')"),
], { ...needs("sadd", "smembers", "zadd", "zscore"), resp: 3 });

twin("numbers passed to redis.call", [
  ev("redis.call('set', 'k', 100) return redis.call('get', 'k')"),
  ev("redis.call('set', 'k', -5) return redis.call('get', 'k')"),
  ev("redis.call('set', 'k', 9007199254740991) return redis.call('get', 'k')"),
  ev("redis.call('set', 'k', 100.5) return redis.call('get', 'k')"),
  ev("redis.call('set', 'k', 0.5) return redis.call('get', 'k')"),
  ev("return redis.call('incrby', 'n', 3)"),
]);

twin("numbers passed to redis.call: Valkey's shortest round-trip formatting", [
  ev("redis.call('set', 'k', 0.1) return redis.call('get', 'k')", valkey(bulk("0.1"))),
  ev(
    "redis.call('set', 'k', 1/3) return redis.call('get', 'k')",
    valkey(bulk("0.3333333333333333")),
  ),
  ev(
    "redis.call('set', 'k', 12345.678901234567) return redis.call('get', 'k')",
    valkey(bulk("1.2345678901234567e+4")),
  ),
], { valkeyDiff: "Valkey 8 formats numbers with fpconv_dtoa (spec CALL-3); Redis 7.0 uses %.17g" });

twin("redis.call with no arguments", [
  ev(
    "return redis.call()",
    valkey(
      error(
        `ERR Please specify at least one argument for this call script: ${
          sha("return redis.call()")
        }, on @user_script:1.`,
      ),
    ),
  ),
  ev(
    "return redis.pcall()",
    valkey(error("ERR Please specify at least one argument for this call")),
  ),
], {
  valkeyDiff: "Valkey 8 says 'for this call', Redis 7.0 'for this redis lib call' (spec CALL-1)",
});

twin("KEYS and ARGV are binary-safe", [
  [
    "EVAL",
    "redis.call('set', KEYS[1], ARGV[1]) return {KEYS[1], ARGV[1], #KEYS[1], #ARGV[1]}",
    "1",
    "k\x00\xff\x80\r\n",
    "\x00\x01\x7f\x9f\xa0\xfe",
  ],
  ["GET", "k\x00\xff\x80\r\n"],
  ["EVAL", "return ARGV[1] .. ARGV[2]", "0", "\xff\x00", "\xc3\xa9"],
  ["EVAL", "return string.byte(ARGV[1], 1, -1)", "0", "\x00\x80\xff"],
  ["EVAL", "return {string.byte(ARGV[1], 1, -1)}", "0", "\x00\x80\xff"],
  ["EVAL", "return string.char(0, 128, 255)", "0"],
  ["EVAL", "KEYS[1] = 'changed' return KEYS[1]", "1", "orig"],
  ["EVAL", "return KEYS[1]", "0"],
]);

// ---- errors ----

twin("runtime errors carry the script: <sha>, on @user_script:<line>. suffix", [
  ev("return a"),
  ev("a=10"),
  ev("return 1 + nil"),
  ev("error('boom')"),
  ev("error('boom', 0)"),
  ev("error()"),
  ev("error({err='MYCODE custom'})"),
  ev("error(42)"),
  ev("local t = {} ; t.x.y = 1"),
  ev("local x = 1\nlocal y = 2\nreturn x + nil"),
  ev("local function f()\n  error('x')\nend\n\nf()"),

  ev("return redis.call('incr', 'str')"),
  ev("return redis.call('lpush', 'str', 'v')"),
  ["SET", "str", "v"],
  ev("return foo()"),
  ev("local t = {} return t.x.y"),
  ev("return #nil"),
  ev("return {} .. 'x'"),
  ev("return 1 < 'x'"),
  ev("return ('x'):bad()"),
  ev("return string.rep()"),
  ev("return tonumber()"),
  ev("return math.floor('x')"),
  ev("assert(false)"),
  ev("assert(false, 'msg')"),
  ev("assert(nil, {err='TABLE err'})"),
]);

twin("pcall, xpcall and error tables", [
  ev("return {pcall(error, {err='X'})}"),
  ev("local ok, e = pcall(error, {a=1}) return {tostring(ok), type(e), e.a}"),
  ev("return {pcall(error, 'plain')}"),
  ev("return {pcall(error, 'plain', 0)}"),
  ev("local ok, e = pcall(function() return a end) return {tostring(ok), e}"),
  ev(
    "local ok, e = xpcall(function() error({err='X'}) end, function(m) return m end) return {tostring(ok), type(e)}",
  ),
  ev("local ok, e = pcall(redis.call, 'incr', 'nokey') return {tostring(ok), e}"),
  ["SET", "str", "v"],
  ev("local e = redis.pcall('incr', 'str') return {e.err, tostring(e.ignore_error_stats_update)}"),
  ev("local ok, e = pcall(redis.call, 'incr', 'str') return {tostring(ok), e}"),
  ev("return redis.pcall('incr', 'str')"),
  ev("return {redis.pcall('incr', 'str')}"),
]);

twin("the sandbox: globals and read-only tables", [
  ev("print('x')"),
  ev("return type(print)"),
  ev("return rawget(_G, 'print')"),
  ev("return type(rawget(_G, 'a'))"),
  ev("function f() end"),
  ev("redis.call = nil"),
  ev("cjson.encode = 1"),
  ev("string.x = 1"),
  ev("setmetatable(_G, {})"),
  ev("getmetatable(_G).__index = {}"),
  ev("_G = {}"),
  ev("redis = function() end"),
  ev("rawset(_G, 'x', 1)"),
  ev("rawset(redis, 'x', 1)"),
  ev("local t = {} t.x = 1 return t.x"),
  ev("KEYS = {}"),
  ev("return type(dofile)"),
  ev("return type(loadfile)"),
  ev("return type(require)"),
  ev("return type(io)"),
  ev("return type(debug)"),
  ev("return type(package)"),
  ev("return type(module)"),
  ev("return _VERSION"),
  ev("return type(unpack)"),
  ev("return type(loadstring)"),
  ev("return type(gcinfo)"),
  ev("return rawequal(redis, _G.redis)"),
  ev("return type(table.unpack)"),
  ev("return type(math.mod)"),
  ev("return type(string.gfind)"),
  ev("return table.setn({}, 1)"),
  ev("return type(__redis__err__handler)"),
  ev("return loadstring('return 1')()"),
  ev("return {loadstring('return +')}"),
  ev("return load('return 1')"),
  ev("return loadstring(string.dump(function() return 1 end))()"),
  ev("return tostring(10/2)"),
  ev("return 10/2 .. ''"),
  ev("return tostring(2^53)"),
  ev("return tostring(0/0)"),
  ev("return tostring(-0)"),
  ev("return string.format('%d', 3.7)"),
  ev("return coroutine.running()"),
  ev("return math.huge"),
  ev("return tostring(math.huge)"),
]);

twin("the redis table", [
  ev("return redis.sha1hex('')"),
  ev("return redis.sha1hex('Pizza & Mandolino')"),
  ev("return redis.sha1hex(1)"),
  ev("return redis.sha1hex(nil)"),
  ev("return redis.sha1hex()"),
  ev("return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}"),
  ev(
    "return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL}",
  ),
  ev("return redis.log(redis.LOG_DEBUG, 'debug message from a test')"),
  ev("return redis.log('x', 'y')"),
  ev("return redis.set_repl(7)"),
  ev("return redis.set_repl(redis.REPL_ALL)"),
  ev("return redis.acl_check_cmd('get', 'k')"),
  ev("return redis.REDIS_VERSION_NUM > 0"),
  ev("return type(redis.REDIS_VERSION)"),
]);

twin("REDIS_VERSION is fixed at 7.2.4 in Valkey", [
  ev("return redis.REDIS_VERSION", valkey(bulk("7.2.4"))),
  ev("return redis.REDIS_VERSION_NUM", valkey(int(459268))),
], {
  valkeyDiff: "Valkey pins redis.REDIS_VERSION to 7.2.4 (spec §8); Redis reports its own version",
});

// ---- libraries ----

twin("cjson", [
  ev("return cjson.encode({1, 2, 3})"),
  ev("return cjson.encode({a=1})"),
  ev("return cjson.encode('a/b\"c\\\\d\\n\\1\\127')"),
  ev("return cjson.encode(0.1)"),
  ev("return cjson.encode(1/3)"),
  ev("return cjson.encode(100)"),
  ev("return cjson.encode(1e20)"),
  ev("return cjson.encode(-0)"),
  ev("return cjson.encode(0/0)"),
  ev("return cjson.encode(nil)"),
  ev("return cjson.encode(cjson.null)"),
  ev("return cjson.encode({})"),
  ev("return cjson.encode({[1]=1, [2]=2, x=3})", sameJson()),
  ev("return cjson.encode({[1]=1, [20]=2})"),
  ev("return cjson.encode({[1]=1, [3]=2})"),
  ev("return cjson.encode({[true]=1})"),
  ev("return cjson.encode(function() end)"),
  ev("return cjson.encode()"),
  ev("return cjson.encode(1, 2)"),
  ev("return cjson.encode('\\200\\255')"),
  ev("return cjson.decode('[1,2,3]')"),
  ev('return cjson.decode(\'{"a":[1,{"b":2}]}\').a[2].b'),
  ev("return tostring(cjson.decode('12345678901234567890'))"),
  ev("return cjson.decode('null') == cjson.null"),
  ev("return cjson.encode(cjson.decode('[]'))"),
  ev("return cjson.encode(cjson.decode('{}'))"),
  ev("return cjson.decode('{\"a\":}')"),
  ev("return cjson.decode('')"),
  ev("return cjson.decode('[1] x')"),
  ev("return cjson.decode(string.rep('[', 1100))"),
  ev("local t = {} local c = t for i = 1, 1100 do c[1] = {} c = c[1] end return cjson.encode(t)"),
  ev("return cjson.decode('0x10')"),
  ev("return tostring(cjson.decode('NaN'))"),
  ev("return cjson.decode('\"\\\\u00e9\"')"),
  ev("return {cjson._NAME, cjson._VERSION}"),
  ev("return type(cjson.new)"),
]);

twin("cmsgpack", [
  ev("return cmsgpack.pack({'foo', 'bar', 'baz'})"),
  ev("return cmsgpack.pack(0.1)"),
  ev("return cmsgpack.pack(-1099511627776)"),
  ev("return cmsgpack.pack(1.5)"),
  ev("return cmsgpack.pack(1, 'a', true, nil)"),
  ev("return cmsgpack.pack({a=1})"),
  ev("return cmsgpack.pack(string.rep('x', 40))"),
  ev("return cmsgpack.pack()"),
  ev("return {cmsgpack.unpack(cmsgpack.pack(1, 'two', {3}))}"),
  ev("return cmsgpack.unpack('\\193')"),
  ev("return cmsgpack.unpack('\\146\\1')"),
  ev("return {cmsgpack.unpack_one(cmsgpack.pack(1, 2))}"),
  ev("return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}"),
  ev("local t = {} t[1] = t return #cmsgpack.pack(t)"),
]);

twin("struct", [
  ev("return struct.pack('HH', 1, 2)"),
  ev("return {struct.unpack('HH', '\\1\\0\\2\\0')}"),
  ev("return struct.size('HH')"),
  ev("return struct.pack('>i4', -2)"),
  ev("return {struct.unpack('<d', struct.pack('<d', 1.5))}"),
  ev("return struct.pack('s', 'abc')"),
  ev("return struct.pack('c0', 'abc')"),
  ev("return {struct.unpack('bB', '\\255\\255')}"),
  ev("return struct.pack('q', 1)"),
  ev("return struct.size('!4 b i')"),
  ev("return struct.pack('i17', 1)"),
]);

twin("bit", [
  ev("return bit.tobit(0xffffffff)"),
  ev("return bit.bnot(0)"),
  ev("return bit.lshift(1, 31)"),
  ev("return bit.rshift(-1, 28)"),
  ev("return bit.arshift(-256, 4)"),
  ev("return bit.band(2^32 + 5, 7)"),
  ev("return bit.bor(1, 2, 4, 8, 16, 32, 64, 128)"),
  ev("return bit.bxor(1, 2)"),
  ev("return bit.bswap(0x12345678)"),
  ev("return bit.rol(0x12345678, 12)"),
  ev("return bit.ror(0x12345678, 12)"),
  ev("return bit.tobit(2.5)"),
  ev("return bit.tobit(3.5)"),
  ev("return bit.tobit('10')"),
  ev("return bit.tohex(422342)"),
  ev("return bit.tohex(-1)"),
  ev("return bit.tohex(255, -4)"),
  ev("return bit.band('x')"),
]);

twin("math.random after randomseed", [
  ev(
    "math.randomseed(0) local t = {} for i = 1, 10 do t[i] = tostring(math.random()) end return t",
  ),
  ev("math.randomseed(10) return tostring(math.random())"),
  ev("math.randomseed(-1) return tostring(math.random())"),
  ev("math.randomseed(42) local t = {} for i = 1, 5 do t[i] = math.random(1, 100) end return t"),
  ev("math.randomseed(42) return {math.random(10), math.random(3.9), math.random(5, 5)}"),
  ev("math.randomseed(1) local a = math.random() math.randomseed(1) return a == math.random()"),
  ev("return math.random(0)"),
  ev("return math.random(2, 1)"),
  ev("return math.random(1, 2, 3)"),
  ev("return math.random('x')"),
  ev("return math.randomseed('x')"),
  ev("return math.randomseed()"),
  ev("math.randomseed('7') return tostring(math.random())"),
  ["EVAL", "math.randomseed(ARGV[1]) return tostring(math.random())", "0", "123"],
  ["EVAL", "math.randomseed(ARGV[1]) return tostring(math.random())", "0", "123"],
]);

twin("the script cache survives data flushes and SCRIPT FLUSH resets library settings", [
  ev("return cjson.encode({{1}})"),
  ev("cjson.encode_max_depth(1)"),
  ev("return cjson.encode({{1}})"),
  ["FLUSHALL"],
  ["SCRIPT", "EXISTS", sha("return cjson.encode({{1}})")],
  ["SCRIPT", "FLUSH"],
  ev("return cjson.encode({{1}})"),
]);

twin("os.clock exists in Valkey 8", [
  ev("return type(os.clock)", valkey(bulk("function"))),
  ev("return type(os.clock())", valkey(bulk("number"))),
], { valkeyDiff: "os.clock is allowed since Valkey 8.0 (spec ENV-5); Redis 7.0 has no os.clock" });

twin("errors in multi-line scripts name the line", [
  ev("local a = 1\nlocal b = 2\nerror('at three')"),
  ev("\n\nreturn redis.call('incr', 'str')"),
  ["SET", "str", "v"],
  ev("\n\nreturn redis.call('incr', 'str')"),
  ev("local function f()\n  return redis.call('lpush', 'str', 'x')\nend\nreturn f()"),
  ev("return pcall(function()\n error('x')\n end)"),
]);

twin("long script bodies and many keys", [
  [
    "EVAL",
    `return #ARGV .. ':' .. ARGV[#ARGV]`,
    "0",
    ...Array.from({ length: 300 }, (_, i) => `a${i}`),
  ],
  ["EVAL", `return {#KEYS, KEYS[#KEYS]}`, "300", ...Array.from({ length: 300 }, (_, i) => `k${i}`)],
  ev(`local x = 0 ${"x = x + 1 ".repeat(2000)} return x`),
  ["EVAL", "return #ARGV[1]", "0", "x".repeat(100_000)],
  ["EVAL", "return ARGV[1]", "0", "y".repeat(70_000)],
]);

twin("error_reply and status_reply reach the client as sent", [
  ev("return redis.error_reply('WRONGTYPE custom')"),
  ev("return {err='WRONGTYPE custom'}"),
  ev("error(redis.error_reply('CODE from error_reply'))"),
  ev("return redis.status_reply('QUEUED')"),
  ev("return {ok='a\\0b'}"),
], {});

twin("unordered replies from scripts", [
  ev("return {map={a=1, b=2, c=3}}", unordered()),
  ev("return {set={a=true, b=true}}", unordered()),
]);

twin("an error inside a pcall-ed redis.call does not abort the script", [
  ["SET", "str", "v"],
  ev("local r = redis.pcall('incr', 'str') redis.call('set', 'after', '1') return r"),
  ["GET", "after"],
  ev("redis.call('incr', 'str')", anyError("ERR value is not an integer")),
]);

twin("scripts returning nil inside arrays and nested errors", [
  ev("return {1, nil, 3}"),
  ev("return {nil, 1}"),
  ev("return {{err='ERR nested'}, 1}"),
  ev("return {{ok='nested'}, 1}"),
  ev("return {redis.error_reply('X y')}"),
], {});

const ARG_TYPES = "ERR Command arguments must be strings or integers";
twin("argument errors of redis.call / pcall and the redis.* functions", [
  ev("return redis.pcall('set', 'k', nil)", valkey(error(ARG_TYPES))),
  ev("return redis.pcall('set', 'k', true)", valkey(error(ARG_TYPES))),
  ev("return redis.pcall('set', 'k', {})", valkey(error(ARG_TYPES))),
  ev("return redis.pcall('get', KEYS[5])", valkey(error(ARG_TYPES))),
  evErr("return redis:call('get', 'x')", ARG_TYPES),
  evErr("return redis.setresp()", "ERR server.setresp() requires one argument."),
  evErr("return redis.log()", "ERR server.log() requires two arguments or more."),
  evErr("return redis.log(1)", "ERR server.log() requires two arguments or more."),
  evErr("return redis.log(7, 'y')", "ERR Invalid log level."),
  evErr("return redis.set_repl()", "ERR server.set_repl() requires one argument."),
  evErr(
    "return redis.acl_check_cmd('nosuchcommand')",
    "ERR Invalid command passed to server.acl_check_cmd()",
  ),
  evErr("return redis.acl_check_cmd()", "ERR Please specify at least one argument for this call"),
  evErr("return redis.acl_check_cmd({})", ARG_TYPES),
], {
  valkeyDiff:
    "Valkey 8 renamed the API in its texts (server.log(), server.setresp(), 'Invalid log " +
    "level.', 'Command arguments must…', spec API-4..8, CALL-2); Redis 7.0 says redis.log(), 'Lua " +
    "redis lib command arguments…', 'Invalid debug level.', 'set_repl() requires two arguments.'",
});

twin("{double=} in a RESP2 reply", [
  ev("return {double=0.1}", valkey(bulk("0.1"))),
  ev("return {double=1/3}", valkey(bulk("0.3333333333333333"))),
  ev("return {double=3.0}"),
], {
  valkeyDiff: "Valkey 8 formats doubles with fpconv_dtoa (spec CONV-13); Redis 7.0 uses %.17g",
});

twin("globals Valkey 8 has and the Debian build of Redis 7.0.15 lacks", [
  ev("return type(setfenv)", valkey(bulk("function"))),
  ev("return type(newproxy)", valkey(bulk("function"))),
  ev("return getfenv(1) == _G", valkey(int(1))),
], {
  valkeyDiff:
    "spec ENV-1 lists setfenv and newproxy among Valkey 8's globals; the security-patched " +
    "Debian redis-server 7.0.15 twin has neither",
});

twin("the os table of Valkey 8", [
  ev("return type(os.time)", valkey(bulk("nil"))),
  evErr(
    "return os.execute('ls')",
    "ERR user_script:1: attempt to call field 'execute' (a nil value)",
  ),
], {
  valkeyDiff: "Valkey 8 loads os with only os.clock (spec ENV-5); Redis 7.0 has no os global",
});

twin("string.gfind raises in Valkey 8", [
  evErr(
    "return string.gfind('a', 'a')",
    "ERR user_script:1: 'string.gfind' was renamed to 'string.gmatch'",
  ),
], {
  valkeyDiff: "spec ENV-5: Valkey's Lua is built without LUA_COMPAT_GFIND; Debian's Redis 7.0 " +
    "links the system Lua 5.1, where gfind is an alias of gmatch (unverified against a real Valkey)",
});
