// Shebang parsing (spec §12.1) and the defaults it implies (§12.2). Expected texts are the spec's,
// checked against redis-server 7.0.15 (same shebang code as Valkey 8).

import { test } from "node:test";
import assert from "node:assert/strict";
import { ReplyError } from "../errors.ts";
import { bulk, error, int, OK } from "../resp/reply.ts";
import {
  FLAG_ALLOW_CROSS_SLOT_KEYS,
  FLAG_ALLOW_OOM,
  FLAG_ALLOW_STALE,
  FLAG_NO_CLUSTER,
  FLAG_NO_WRITES,
  parseShebang,
} from "./flags.ts";
import { sha, withServer } from "./_test_server.ts";

function shebangError(body: string): string {
  try {
    parseShebang(body);
  } catch (e) {
    assert.ok(e instanceof ReplyError, String(e));
    return e.text;
  }
  assert.fail(`parsed: ${JSON.stringify(body)}`);
}

test("FLAG-1 a body without #! has no shebang and is compiled whole", () => {
  assert.deepEqual(parseShebang("return 1"), { hasShebang: false, flags: 0, code: "return 1" });
  // `#` alone or `!#` is not a shebang (Lua then fails to compile it, not the parser).
  assert.equal(parseShebang("# x\nreturn 1").hasShebang, false);
  assert.equal(parseShebang(" #!lua\nreturn 1").hasShebang, false);
});

test("FLAG-1 a shebang without any newline is an invalid shebang", () => {
  assert.equal(shebangError("#!lua"), "ERR Invalid script shebang");
  assert.equal(shebangError("#!lua flags=no-writes return 1"), "ERR Invalid script shebang");
});

test("FLAG-2 unbalanced quotes in the shebang line: invalid engine", () => {
  assert.equal(
    shebangError('#!lua "flags=no-writes\nreturn 1'),
    "ERR Invalid engine in script shebang",
  );
  assert.equal(shebangError("#!lua 'x\nreturn 1"), "ERR Invalid engine in script shebang");
});

test("FLAG-2 words are split like sdssplitargs: quoted words are accepted", () => {
  assert.equal(parseShebang('#!lua "flags=no-writes"\nreturn 1').flags, FLAG_NO_WRITES);
  assert.equal(parseShebang("#!lua\t flags=allow-oom  \nreturn 1").flags, FLAG_ALLOW_OOM);
});

test("FLAG-3 the engine word must be exactly #!lua", () => {
  assert.equal(
    shebangError("#!not-lua\nreturn 1"),
    "ERR Unexpected engine in script shebang: #!not-lua",
  );
  assert.equal(shebangError("#! lua\nreturn 1"), "ERR Unexpected engine in script shebang: #!");
  assert.equal(shebangError("#!LUA\nreturn 1"), "ERR Unexpected engine in script shebang: #!LUA");
});

test("FLAG-4 every other word must start with flags=", () => {
  assert.equal(
    shebangError("#!lua badger=data\nreturn 1"),
    "ERR Unknown lua shebang option: badger=data",
  );
  assert.equal(
    shebangError("#!lua name=mylib\nreturn 1"),
    "ERR Unknown lua shebang option: name=mylib",
  );
  assert.equal(
    shebangError("#!lua FLAGS=no-writes\nreturn 1"),
    "ERR Unknown lua shebang option: FLAGS=no-writes",
  );
});

test("FLAG-5 flag names are exact; an empty piece is an unexpected (empty) flag", () => {
  assert.equal(
    shebangError("#!lua flags=allow-oom,what?\nreturn 1"),
    "ERR Unexpected flag in script shebang: what?",
  );
  assert.equal(
    shebangError("#!lua flags=no-writes,\nreturn 1"),
    "ERR Unexpected flag in script shebang: ",
  );
  assert.equal(
    shebangError("#!lua flags=No-Writes\nreturn 1"),
    "ERR Unexpected flag in script shebang: No-Writes",
  );
});

test("FLAG-5 every flag name parses to its bit; flags= words accumulate, duplicates harmless", () => {
  assert.equal(parseShebang("#!lua flags=\nreturn 1").flags, 0);
  assert.equal(parseShebang("#!lua flags=no-writes\nreturn 1").flags, FLAG_NO_WRITES);
  assert.equal(
    parseShebang(
      "#!lua flags=no-writes,allow-oom flags=allow-stale,no-cluster,allow-cross-slot-keys flags=no-writes\nx",
    ).flags,
    FLAG_NO_WRITES | FLAG_ALLOW_OOM | FLAG_ALLOW_STALE | FLAG_NO_CLUSTER |
      FLAG_ALLOW_CROSS_SLOT_KEYS,
  );
  assert.equal(parseShebang("#!lua flags= flags=no-writes\nreturn 2").flags, FLAG_NO_WRITES);
});

test("FLAG-6 / WRAP-2 the shebang line is removed up to, not including, its newline", () => {
  assert.deepEqual(parseShebang("#!lua flags=no-writes\nreturn 1\n"), {
    hasShebang: true,
    flags: FLAG_NO_WRITES,
    code: "\nreturn 1\n",
  });
});

test("FLAG-6 shebang errors are replied by EVAL, EVAL_RO and SCRIPT LOAD and nothing is cached", () =>
  withServer(({ run }) => {
    const bad = "#!lua flags=what\nreturn 1";
    const text = "ERR Unexpected flag in script shebang: what";
    assert.deepEqual(run("EVAL", bad, "0"), error(text));
    assert.deepEqual(run("EVAL_RO", bad, "0"), error(text));
    assert.deepEqual(run("SCRIPT", "LOAD", bad), error(text));
    assert.deepEqual(run("SCRIPT", "EXISTS", sha(bad)), { type: "array", value: [int(0)] });
    assert.deepEqual(run("EVAL", "#!lua", "0"), error("ERR Invalid script shebang"));
    // Shebang errors come before compilation: the body after it is not even looked at.
    assert.deepEqual(
      run("EVAL", "#!nope\nthis is not lua", "0"),
      error("ERR Unexpected engine in script shebang: #!nope"),
    );
  }));

test("FLAG-6 line numbers after a shebang count the shebang as line 1", () =>
  withServer(({ run }) => {
    const body = "#!lua\n\nreturn a";
    assert.deepEqual(
      run("EVAL", body, "0"),
      error(
        `ERR user_script:3: Script attempted to access nonexistent global variable 'a' script: ${
          sha(body)
        }, on @user_script:3.`,
      ),
    );
  }));

test("FLAG-7 no shebang: the script may write, and may run via EVAL_RO as a read-only run", () =>
  withServer(({ run }) => {
    assert.deepEqual(run("EVAL", "return redis.call('set', KEYS[1], 'v')", "1", "k"), OK);
    assert.deepEqual(run("EVAL_RO", "return redis.call('get', KEYS[1])", "1", "k"), bulk("v"));
    const w = "return redis.call('set', KEYS[1], 'w')";
    assert.deepEqual(
      run("EVAL_RO", w, "1", "k"),
      error(
        `ERR Write commands are not allowed from read-only scripts. script: ${
          sha(w)
        }, on @user_script:1.`,
      ),
    );
  }));

test("FLAG-8 a shebang, even without flags, means 'may write': EVAL writes, EVAL_RO refuses", () =>
  withServer(({ run }) => {
    for (
      const body of [
        "#!lua\nreturn redis.call('set','k','v')",
        "#!lua flags=\nreturn redis.call('set','k','v')",
      ]
    ) {
      assert.deepEqual(run("EVAL", body, "0"), OK);
      assert.deepEqual(
        run("EVAL_RO", body, "0"),
        error("ERR Can not execute a script with write flag using *_ro command."),
      );
    }
    // Other flags do not make it read-only either.
    assert.deepEqual(
      run("EVAL_RO", "#!lua flags=allow-oom,allow-stale\nreturn 1", "0"),
      error("ERR Can not execute a script with write flag using *_ro command."),
    );
  }));

test("FLAG-9 no-writes makes EVAL a read-only run", () =>
  withServer(({ run }) => {
    const body = "#!lua flags=no-writes\nreturn redis.call('set','k','v')";
    assert.deepEqual(
      run("EVAL", body, "0"),
      error(
        `ERR Write commands are not allowed from read-only scripts. script: ${
          sha(body)
        }, on @user_script:2.`,
      ),
    );
    assert.deepEqual(run("EXISTS", "k"), int(0));
    assert.deepEqual(
      run("EVAL", "#!lua flags=no-writes\nreturn redis.call('exists','k')", "0"),
      int(0),
    );
  }));

test("FLAG-14 EVAL_RO / EVALSHA_RO of a shebang script without no-writes: the literal *_ro text", () =>
  withServer(({ run }) => {
    const body = "#!lua\nreturn 1";
    const text = "ERR Can not execute a script with write flag using *_ro command.";
    assert.deepEqual(run("EVAL_RO", body, "0"), error(text));
    // EVAL_RO caches the body anyway (the check comes after lookup / compile, EVAL-5).
    assert.deepEqual(run("SCRIPT", "EXISTS", sha(body)), { type: "array", value: [int(1)] });
    assert.deepEqual(run("EVALSHA_RO", sha(body), "0"), error(text));
    assert.deepEqual(run("EVALSHA", sha(body), "0"), int(1));
    assert.deepEqual(run("EVAL_RO", "#!lua flags=no-writes\nreturn 2", "0"), int(2));
    assert.deepEqual(run("EVALSHA_RO", sha("#!lua flags=no-writes\nreturn 2"), "0"), int(2));
  }));

test("FLAG-16 EVALSHA uses the flags parsed when the body was cached", () =>
  withServer(({ run }) => {
    const body = "#!lua flags=no-writes\nreturn redis.pcall('set','k','v')";
    assert.deepEqual(run("SCRIPT", "LOAD", body), bulk(sha(body)));
    assert.deepEqual(
      run("EVALSHA", sha(body), "0"),
      error("ERR Write commands are not allowed from read-only scripts."),
    );
  }));
