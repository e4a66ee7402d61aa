// EVAL / EVALSHA / EVAL_RO / EVALSHA_RO and SCRIPT through Server.execute (spec §1, §3, §17,
// DET-1). Expected replies are the spec's, or redis-server 7.0.15's where Valkey 8 agrees.

import { test } from "node:test";
import assert from "node:assert/strict";
import { errUnknownSubcommandOrArity } from "../errors.ts";
import {
  array,
  bulk,
  error,
  int,
  NULL,
  NULL_ARRAY,
  OK,
  QUEUED,
  type Reply,
  status,
} from "../resp/reply.ts";
import { sha, suffix, withServer } from "./_test_server.ts";

const ints = (...n: number[]): Reply => array(n.map((i) => int(i)));

// ---- §1.1 arity, unknown subcommands and commands ----

test("CMD-1 fewer than 3 arguments to an EVAL variant names the lowercase command", () =>
  withServer(({ run }) => {
    for (const name of ["eval", "evalsha", "eval_ro", "evalsha_ro"]) {
      const text = `ERR wrong number of arguments for '${name}' command`;
      assert.deepEqual(run(name.toUpperCase()), error(text));
      assert.deepEqual(run(name.toUpperCase(), "return 1"), error(text));
    }
    assert.deepEqual(
      run("EvAl", "return 1"),
      error("ERR wrong number of arguments for 'eval' command"),
    );
  }));

test("CMD-1 SCRIPT subcommand arity errors name container|sub; SCRIPT alone names script", () =>
  withServer(({ run }) => {
    const wrong = (name: string) => error(`ERR wrong number of arguments for '${name}' command`);
    assert.deepEqual(run("SCRIPT"), wrong("script"));
    assert.deepEqual(run("SCRIPT", "LOAD"), wrong("script|load"));
    assert.deepEqual(run("script", "load", "a", "b"), wrong("script|load"));
    assert.deepEqual(run("SCRIPT", "EXISTS"), wrong("script|exists"));
    assert.deepEqual(run("SCRIPT", "HELP", "x"), wrong("script|help"));
    assert.deepEqual(run("SCRIPT", "KILL", "x"), wrong("script|kill"));
    assert.deepEqual(run("SCRIPT", "DEBUG"), wrong("script|debug"));
    assert.deepEqual(run("SCRIPT", "DEBUG", "no", "x"), wrong("script|debug"));
    assert.deepEqual(run("SCRIPT", "SHOW"), wrong("script|show"));
  }));

test("CMD-2 unknown SCRIPT subcommand: as typed, truncated to 128 bytes", () =>
  withServer(({ run }) => {
    assert.deepEqual(run("SCRIPT", "foo"), error("ERR unknown subcommand 'foo'. Try SCRIPT HELP."));
    assert.deepEqual(
      run("script", "FoO", "bar"),
      error("ERR unknown subcommand 'FoO'. Try SCRIPT HELP."),
    );
    assert.deepEqual(
      run("SCRIPT", "x".repeat(200)),
      error(`ERR unknown subcommand '${"x".repeat(128)}'. Try SCRIPT HELP.`),
    );
  }));

test("CMD-3 unknown commands quote each argument followed by a space", () =>
  withServer(({ run }) => {
    assert.deepEqual(
      run("foo", "a", "b"),
      error("ERR unknown command 'foo', with args beginning with: 'a' 'b' "),
    );
    assert.deepEqual(run("foo"), error("ERR unknown command 'foo', with args beginning with: "));
  }));

// ---- §1.3 execution proper ----

test("EVAL-1 an EVALSHA sha that is not 40 bytes is NOSCRIPT before numkeys is parsed", () =>
  withServer(({ run }) => {
    const text = "NOSCRIPT No matching script.";
    assert.deepEqual(run("EVALSHA", "abc", "notanumber"), error(text));
    assert.deepEqual(run("EVALSHA_RO", "abc", "notanumber"), error(text));
    assert.deepEqual(run("EVALSHA", "f".repeat(41), "0"), error(text));
    assert.deepEqual(run("EVALSHA", "", "-1"), error(text));
    // 40 bytes: numkeys is parsed first.
    assert.deepEqual(
      run("EVALSHA", "f".repeat(40), "notanumber"),
      error("ERR value is not an integer or out of range"),
    );
  }));

test("EVAL-2 numkeys is a strict signed 64-bit decimal", () =>
  withServer(({ run }) => {
    const text = "ERR value is not an integer or out of range";
    for (const n of ["x", "01", "-0", " 1", "1 ", "+1", "1.0", "", "0x1", "9223372036854775808"]) {
      assert.deepEqual(run("EVAL", "return 1", n), error(text), `numkeys ${JSON.stringify(n)}`);
      assert.deepEqual(run("EVALSHA", "f".repeat(40), n), error(text));
    }
    assert.deepEqual(
      run("EVAL", "return 1", "9223372036854775807"),
      error("ERR Number of keys can't be greater than number of args"),
    );
    assert.deepEqual(
      run("EVAL", "return 1", "-9223372036854775808"),
      error("ERR Number of keys can't be negative"),
    );
  }));

test("EVAL-3 numkeys greater than args is refused, then negative numkeys", () =>
  withServer(({ run }) => {
    const greater = error("ERR Number of keys can't be greater than number of args");
    const negative = error("ERR Number of keys can't be negative");
    assert.deepEqual(run("EVAL", "return 1", "1"), greater);
    assert.deepEqual(run("EVAL", "return 1", "2", "a"), greater);
    assert.deepEqual(run("EVAL", "return 1", "-1"), negative);
    assert.deepEqual(run("EVAL", "return 1", "-1", "a", "b"), negative);
    assert.deepEqual(run("EVALSHA", "f".repeat(40), "3", "a", "b"), greater);
    assert.deepEqual(run("EVALSHA_RO", "f".repeat(40), "-2"), negative);
    // numkeys equal to the number of args is fine.
    assert.deepEqual(run("EVAL", "return #KEYS", "2", "a", "b"), int(2));
    // numkeys errors come before compilation: the body is not even compiled.
    assert.deepEqual(run("EVAL", "return +", "1"), greater);
  }));

test("EVAL-4 EVALSHA lower-cases the sha; unknown sha is NOSCRIPT", () =>
  withServer(({ run }) => {
    const body = "return redis.call('incr', KEYS[1])";
    assert.deepEqual(run("SCRIPT", "LOAD", body), bulk(sha(body)));
    assert.deepEqual(run("EVALSHA", sha(body).toUpperCase(), "1", "k"), int(1));
    assert.deepEqual(
      run("EVALSHA_RO", sha("return 1").toUpperCase(), "0"),
      error("NOSCRIPT No matching script."),
    );
    assert.deepEqual(run("EVALSHA", "0".repeat(40), "0"), error("NOSCRIPT No matching script."));
  }));

test("EVAL-4 EVAL compiles a new body, caching it; compile errors reply and cache nothing", () =>
  withServer(({ run }) => {
    assert.deepEqual(run("EVAL", "return 'x'", "0"), bulk("x"));
    assert.deepEqual(run("EVALSHA", sha("return 'x'"), "0"), bulk("x"));
    assert.deepEqual(
      run("EVAL", "return +", "0"),
      error("ERR Error compiling script (new function): user_script:1: unexpected symbol near '+'"),
    );
    assert.deepEqual(
      run("EVAL", "x", "0"),
      error("ERR Error compiling script (new function): user_script:1: '=' expected near '<eof>'"),
    );
    assert.deepEqual(run("SCRIPT", "EXISTS", sha("return +"), sha("x")), ints(0, 0));
  }));

test("EVAL-5 flag checks run after the script is found (EVALSHA_RO of a write script)", () =>
  withServer(({ run }) => {
    const body = "#!lua\nreturn 1";
    assert.deepEqual(run("SCRIPT", "LOAD", body), bulk(sha(body)));
    assert.deepEqual(
      run("EVALSHA_RO", sha(body), "0"),
      error("ERR Can not execute a script with write flag using *_ro command."),
    );
    assert.deepEqual(
      run("EVALSHA_RO", sha(body), "1"),
      error("ERR Number of keys can't be greater than number of args"),
    );
  }));

test("EVAL-6 KEYS and ARGV are set from numkeys; only the first return value is used", () =>
  withServer(({ run }) => {
    assert.deepEqual(
      run("EVAL", "return {KEYS[1], ARGV[1], #KEYS, #ARGV}", "1", "a", "b"),
      array([bulk("a"), bulk("b"), int(1), int(1)]),
    );
    assert.deepEqual(
      run("EVAL", "return {#KEYS, #ARGV}", "0", "a", "b", "c"),
      ints(0, 3),
    );
    assert.deepEqual(run("EVAL", "return {#KEYS, #ARGV}", "3", "a", "b", "c"), ints(3, 0));
    assert.deepEqual(run("EVAL", "return 1, 2, 3", "0"), int(1));
  }));

test("EVAL-6 KEYS and ARGV are binary-safe both ways", () =>
  withServer(({ run }) => {
    const key = "k\x00\xff\x80\r\n";
    const arg = "\x00\x01\x7f\x9f\xa0\xfe";
    assert.deepEqual(
      run(
        "EVAL",
        "redis.call('set', KEYS[1], ARGV[1]); return {KEYS[1], ARGV[1], #KEYS[1], #ARGV[1]}",
        "1",
        key,
        arg,
      ),
      array([bulk(key), bulk(arg), int(6), int(6)]),
    );
    assert.deepEqual(run("GET", key), bulk(arg));
  }));

test("EVAL-7 a script returning nothing replies null ($-1, not *-1)", () =>
  withServer(({ run, client }) => {
    assert.deepEqual(run("EVAL", "return", "0"), NULL);
    assert.deepEqual(run("EVAL", "local x = 1", "0"), NULL);
    const resp3 = client();
    assert.equal(resp3("HELLO", "3").type, "map");
    assert.deepEqual(resp3("EVAL", "return", "0"), NULL);
  }));

test("EVAL-8 EVAL_RO / EVALSHA_RO run like EVAL / EVALSHA, read-only", () =>
  withServer(({ run }) => {
    run("SET", "k", "v");
    const read = "return {redis.call('get', KEYS[1]), ARGV[1]}";
    assert.deepEqual(run("EVAL_RO", read, "1", "k", "a"), array([bulk("v"), bulk("a")]));
    assert.deepEqual(run("EVALSHA_RO", sha(read), "1", "k", "b"), array([bulk("v"), bulk("b")]));
    const write = "return redis.call('del', KEYS[1])";
    assert.deepEqual(
      run("EVAL_RO", write, "1", "k"),
      error(`ERR Write commands are not allowed from read-only scripts.${suffix(write)}`),
    );
    assert.deepEqual(
      run("EVALSHA_RO", sha(write), "1", "k"),
      error(`ERR Write commands are not allowed from read-only scripts.${suffix(write)}`),
    );
    assert.deepEqual(run("EVALSHA", sha(write), "1", "k"), int(1));
  }));

test("EVAL-9 running an EVAL script moves it to the MRU end, even when it raised an error", () =>
  withServer(({ run }) => {
    const failing = "error('boom')";
    assert.deepEqual(run("EVAL", failing, "0"), error(`ERR user_script:1: boom${suffix(failing)}`));
    for (let i = 1; i < 500; i++) run("EVAL", `return ${i}`, "0");
    // The oldest is `failing`; using it (it fails again) makes "return 1" the oldest.
    assert.deepEqual(
      run("EVALSHA", sha(failing), "0"),
      error(`ERR user_script:1: boom${suffix(failing)}`),
    );
    assert.deepEqual(run("EVAL", "return 'new'", "0"), bulk("new"));
    assert.deepEqual(
      run("SCRIPT", "EXISTS", sha(failing), sha("return 1"), sha("return 2")),
      ints(1, 0, 1),
    );
    // EVALSHA_RO touches too.
    assert.deepEqual(run("EVALSHA_RO", sha("return 2"), "0"), int(2));
    assert.deepEqual(run("EVAL", "return 'newer'", "0"), bulk("newer"));
    assert.deepEqual(run("SCRIPT", "EXISTS", sha("return 2"), sha("return 3")), ints(1, 0));
  }));

// ---- §3 SCRIPT subcommands ----

test("SCR-1 SCRIPT LOAD replies the sha, does not run the body, and reloading is idempotent", () =>
  withServer(({ run }) => {
    assert.deepEqual(
      run("SCRIPT", "LOAD", "return 'loaded'"),
      bulk("b534286061d4b9e4026607613b95c06c06015ae8"),
    );
    assert.deepEqual(
      run("script", "load", "return 'loaded'"),
      bulk("b534286061d4b9e4026607613b95c06c06015ae8"),
    );
    const body = "redis.call('set', 'x', 'y') error('never')";
    assert.deepEqual(run("SCRIPT", "LOAD", body), bulk(sha(body)));
    assert.deepEqual(run("EXISTS", "x"), int(0));
    assert.deepEqual(
      run("SCRIPT", "LOAD", "return +"),
      error("ERR Error compiling script (new function): user_script:1: unexpected symbol near '+'"),
    );
    assert.deepEqual(
      run("SCRIPT", "LOAD", "#!lua flags=nope\nreturn 1"),
      error("ERR Unexpected flag in script shebang: nope"),
    );
    assert.deepEqual(
      run("EVALSHA", "b534286061d4b9e4026607613b95c06c06015ae8", "0"),
      bulk("loaded"),
    );
  }));

test("SCR-2 SCRIPT EXISTS: one integer per argument, case-insensitive, wrong length is 0", () =>
  withServer(({ run }) => {
    assert.deepEqual(run("EVAL", "return 1+1", "0"), int(2));
    assert.deepEqual(
      run(
        "SCRIPT",
        "EXISTS",
        "a27e7e8a43702b7046d4f6a7ccf5b60cef6b9bd9",
        "a27e7e8a43702b7046d4f6a7ccf5b60cef6b9bda",
      ),
      ints(1, 0),
    );
    assert.deepEqual(
      run(
        "script",
        "exists",
        "A27E7E8A43702B7046D4F6A7CCF5B60CEF6B9BD9",
        "a27e",
        "",
        "A27e7e8a43702b7046d4f6a7ccf5b60cef6b9bd9",
      ),
      ints(1, 0, 0, 1),
    );
  }));

test("SCR-3 SCRIPT FLUSH empties the cache (EVAL and LOAD scripts), with or without a mode", () =>
  withServer(({ run, info }) => {
    for (const mode of [[], ["ASYNC"], ["sync"], ["Async"], ["SYNC"]]) {
      run("EVAL", "return 1", "0");
      run("SCRIPT", "LOAD", "return 2");
      assert.equal(info("memory").get("number_of_cached_scripts"), "2");
      assert.deepEqual(run("SCRIPT", "FLUSH", ...mode), OK);
      assert.equal(info("memory").get("number_of_cached_scripts"), "0");
      assert.deepEqual(run("SCRIPT", "EXISTS", sha("return 1"), sha("return 2")), ints(0, 0));
      assert.deepEqual(run("EVALSHA", sha("return 2"), "0"), error("NOSCRIPT No matching script."));
    }
  }));

test("SCR-3 SCRIPT FLUSH refuses other arguments", () =>
  withServer(({ run }) => {
    const text = error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    assert.deepEqual(run("SCRIPT", "FLUSH", "x"), text);
    assert.deepEqual(run("SCRIPT", "FLUSH", "sync", "async"), text);
    assert.deepEqual(run("SCRIPT", "FLUSH", "sync", "sync"), text);
    assert.deepEqual(run("SCRIPT", "FLUSH", ""), text);
  }));

test("SCR-3 SCRIPT FLUSH recreates the Lua environment (cjson settings reset)", () =>
  withServer(({ run }) => {
    const nested = "return cjson.encode({{1}})";
    assert.deepEqual(run("EVAL", nested, "0"), bulk("[[1]]"));
    run("EVAL", "cjson.encode_max_depth(1)", "0");
    assert.deepEqual(
      run("EVAL", nested, "0"),
      error(`ERR user_script:1: Cannot serialise, excessive nesting (2)${suffix(nested)}`),
    );
    assert.deepEqual(run("SCRIPT", "FLUSH"), OK);
    assert.deepEqual(run("EVAL", nested, "0"), bulk("[[1]]"));
  }));

test("SCR-3 / DET-2 SCRIPT FLUSH does not reset the PRNG", () =>
  withServer(({ run }) => {
    // DET-7: after randomseed(42) the first two values are 0.74452500033403, 0.34270147855519.
    assert.deepEqual(
      run("EVAL", "math.randomseed(42) return tostring(math.random())", "0"),
      bulk("0.74452500033403"),
    );
    assert.deepEqual(run("SCRIPT", "FLUSH"), OK);
    assert.deepEqual(run("EVAL", "return tostring(math.random())", "0"), bulk("0.34270147855519"));
  }));

test("SCR-4 SCRIPT SHOW returns the body with its shebang, case-insensitively", () =>
  withServer(({ run }) => {
    const body = "#!lua flags=no-writes\nreturn 'shown' -- \x00\xff";
    run("SCRIPT", "LOAD", body);
    assert.deepEqual(run("SCRIPT", "SHOW", sha(body)), bulk(body));
    assert.deepEqual(run("script", "show", sha(body).toUpperCase()), bulk(body));
    run("EVAL", "return 1", "0");
    assert.deepEqual(run("SCRIPT", "SHOW", sha("return 1")), bulk("return 1"));
    const nos = error("NOSCRIPT No matching script.");
    assert.deepEqual(run("SCRIPT", "SHOW", sha("return 2")), nos);
    assert.deepEqual(run("SCRIPT", "SHOW", sha(body).slice(0, 39)), nos);
    assert.deepEqual(run("SCRIPT", "SHOW", "z".repeat(40)), nos);
    assert.deepEqual(run("SCRIPT", "SHOW", sha(body) + "0"), nos);
  }));

test("SCR-5 SCRIPT KILL with no script running is NOTBUSY", () =>
  withServer(({ run }) => {
    assert.deepEqual(run("SCRIPT", "KILL"), error("NOTBUSY No scripts in execution right now."));
    assert.deepEqual(run("script", "kill"), error("NOTBUSY No scripts in execution right now."));
  }));

test("SCR-6 SCRIPT DEBUG NO is OK; other words are refused; YES/SYNC are a documented deviation", () =>
  withServer(({ run }) => {
    assert.deepEqual(run("SCRIPT", "DEBUG", "NO"), OK);
    assert.deepEqual(run("SCRIPT", "DEBUG", "no"), OK);
    assert.deepEqual(run("SCRIPT", "DEBUG", "maybe"), error("ERR Use SCRIPT DEBUG YES/SYNC/NO"));
    assert.deepEqual(run("SCRIPT", "DEBUG", ""), error("ERR Use SCRIPT DEBUG YES/SYNC/NO"));
    // evalkit has no Lua debugger (spec SCR-6 IMPL): an explicit error instead of +OK.
    for (const mode of ["YES", "sync"]) {
      const r = run("SCRIPT", "DEBUG", mode);
      assert.equal(r.type, "error");
      assert.match((r as { value: string }).value, /^ERR .*debugger/);
    }
    // The session is not in debug mode afterwards: EVALSHA still works.
    run("SCRIPT", "LOAD", "return 1");
    assert.deepEqual(run("EVALSHA", sha("return 1"), "0"), int(1));
  }));

test("SCR-7 SCRIPT HELP is exactly Valkey's lines", () =>
  withServer(({ run }) => {
    const expected = [
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
    // The spec's listing (and valkey src/eval.c + addReplyHelp) has 19 lines, header included;
    // the "20 elements" in its note is a miscount.
    const reply = run("SCRIPT", "HELP");
    assert.deepEqual(reply, array(expected.map(status)));
    assert.deepEqual(run("script", "help"), reply);
  }));

test("SCR-8 the handler-level refusal text of a subcommand", () => {
  assert.equal(
    errUnknownSubcommandOrArity("x", "script"),
    "ERR unknown subcommand or wrong number of arguments for 'x'. Try SCRIPT HELP.",
  );
});

// ---- §11 determinism ----

test("DET-1 scripts may write after non-deterministic commands", () =>
  withServer(({ run }) => {
    assert.deepEqual(
      run("EVAL", "redis.pcall('randomkey'); return redis.pcall('set','x','ciao')", "0"),
      OK,
    );
    assert.deepEqual(
      run(
        "EVAL",
        "redis.call('time'); redis.call('set','y',redis.call('randomkey')); return redis.call('get','y')",
        "0",
      ),
      bulk("x"),
    );
  }));

// ---- §17 MULTI/EXEC ----

test("TX-1 queue-time errors of EVAL in MULTI reply and abort the EXEC", () =>
  withServer(({ run }) => {
    assert.deepEqual(run("MULTI"), OK);
    assert.deepEqual(
      run("EVAL", "return 1"),
      error("ERR wrong number of arguments for 'eval' command"),
    );
    assert.deepEqual(run("SET", "k", "v"), QUEUED);
    assert.deepEqual(
      run("EXEC"),
      error("EXECABORT Transaction discarded because of previous errors."),
    );
    assert.deepEqual(run("EXISTS", "k"), int(0));
    assert.deepEqual(run("MULTI"), OK);
    assert.deepEqual(
      run("EVALSHA_RO"),
      error("ERR wrong number of arguments for 'evalsha_ro' command"),
    );
    assert.deepEqual(
      run("EXEC"),
      error("EXECABORT Transaction discarded because of previous errors."),
    );
  }));

test("TX-2 script-level errors are EXEC elements; the other commands still run", () =>
  withServer(({ run }) => {
    const failing = "redis.call('set', 'w', '1') error('late')";
    assert.deepEqual(run("MULTI"), OK);
    assert.deepEqual(run("EVALSHA", "f".repeat(40), "0"), QUEUED);
    assert.deepEqual(run("EVALSHA", "abc", "0"), QUEUED);
    assert.deepEqual(run("SET", "a", "1"), QUEUED);
    assert.deepEqual(run("EVAL", "return 1", "x"), QUEUED);
    assert.deepEqual(run("EVAL", "return 1", "2", "k"), QUEUED);
    assert.deepEqual(run("EVAL", "return +", "0"), QUEUED);
    assert.deepEqual(run("EVAL", failing, "0"), QUEUED);
    assert.deepEqual(run("EVAL", "return redis.call('get', 'a')", "0"), QUEUED);
    assert.deepEqual(
      run("EXEC"),
      array([
        error("NOSCRIPT No matching script."),
        error("NOSCRIPT No matching script."),
        OK,
        error("ERR value is not an integer or out of range"),
        error("ERR Number of keys can't be greater than number of args"),
        error(
          "ERR Error compiling script (new function): user_script:1: unexpected symbol near '+'",
        ),
        error(`ERR user_script:1: late${suffix(failing)}`),
        bulk("1"),
      ]),
    );
    assert.deepEqual(run("MGET", "a", "w"), array([bulk("1"), bulk("1")]));
  }));

test("TX-3 SCRIPT LOAD then EVALSHA in one transaction", () =>
  withServer(({ run }) => {
    assert.deepEqual(run("MULTI"), OK);
    assert.deepEqual(run("SCRIPT", "LOAD", "return 'loaded'"), QUEUED);
    assert.deepEqual(run("EVALSHA", "b534286061d4b9e4026607613b95c06c06015ae8", "0"), QUEUED);
    assert.deepEqual(
      run("EXEC"),
      array([bulk("b534286061d4b9e4026607613b95c06c06015ae8"), bulk("loaded")]),
    );
  }));

test("TX-4 a script executed by EXEC sees and makes the transaction's writes in order", () =>
  withServer(({ run }) => {
    assert.deepEqual(run("MULTI"), OK);
    assert.deepEqual(run("SET", "n", "10"), QUEUED);
    assert.deepEqual(run("EVAL", "return redis.call('incr', KEYS[1])", "1", "n"), QUEUED);
    assert.deepEqual(run("GET", "n"), QUEUED);
    assert.deepEqual(run("EXEC"), array([OK, int(11), bulk("11")]));
    // MULTI/EXEC/WATCH are noscript.
    for (const cmd of ["multi", "exec", "watch"]) {
      const body = `return redis.call('${cmd}'${cmd === "watch" ? ", 'k'" : ""})`;
      assert.deepEqual(
        run("EVAL", body, "0"),
        error(`ERR This Redis command is not allowed from script${suffix(body)}`),
      );
    }
  }));

test("TX-5 a script writing a key WATCHed by another client makes that EXEC return null", () =>
  withServer(({ run, client }) => {
    const other = client();
    assert.deepEqual(run("WATCH", "w"), OK);
    assert.deepEqual(other("EVAL", "return redis.call('set', KEYS[1], 'x')", "1", "w"), OK);
    assert.deepEqual(run("MULTI"), OK);
    assert.deepEqual(run("SET", "w", "mine"), QUEUED);
    assert.deepEqual(run("EXEC"), NULL_ARRAY);
    assert.deepEqual(run("GET", "w"), bulk("x"));
    // A script that only reads the key, or writes another, does not.
    assert.deepEqual(run("WATCH", "w"), OK);
    assert.deepEqual(
      other("EVAL", "redis.call('get', 'w') return redis.call('set', 'z', '1')", "0"),
      OK,
    );
    assert.deepEqual(run("MULTI"), OK);
    assert.deepEqual(run("SET", "w", "mine"), QUEUED);
    assert.deepEqual(run("EXEC"), array([OK]));
    // A refused write (read-only run) does not touch the key.
    assert.deepEqual(run("WATCH", "w"), OK);
    assert.equal(other("EVAL_RO", "return redis.call('set', 'w', 'x')", "0").type, "error");
    assert.deepEqual(run("MULTI"), OK);
    assert.deepEqual(run("GET", "w"), QUEUED);
    assert.deepEqual(run("EXEC"), array([bulk("mine")]));
  }));

// ---- engine deviations found by the twin tests (src/lua owns the fix) ----

test(
  "LIB-1 / ENV-11 table iteration order is Lua 5.1's",
  {
    todo: "Lua 5.4 hashes strings and lays tables out differently from Lua 5.1, so pairs() " +
      "order (cjson.encode key order, {map=} order) is not 5.1's; it is the same in every " +
      "process (the hash seed's clock is frozen: src/lua/wasm_loader_test.ts). Expected values " +
      "from redis-server 7.0.15's Lua 5.1",
  },
  () =>
    withServer(({ run }) => {
      assert.deepEqual(
        run("EVAL", "return cjson.encode({a=1,b=2,c=3,d=4,e=5})", "0"),
        bulk('{"a":1,"c":3,"b":2,"e":5,"d":4}'),
      );
      assert.deepEqual(
        run(
          "EVAL",
          "local t={} for k in pairs({a=1,b=2,c=3,d=4,e=5,f=6,g=7}) do t[#t+1]=k end " +
            "return table.concat(t)",
          "0",
        ),
        bulk("acbedgf"),
      );
    }),
);
