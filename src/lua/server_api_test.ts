import { test } from "node:test";
import assert from "node:assert/strict";
import { array, bulk, error, int, NULL, OK, type Reply, status } from "../resp/reply.ts";
import { createLuaEngine } from "./engine.ts";
import { versionNum } from "./server_api.ts";
import { fakeHost, runScript, suffix } from "./_test_host.ts";

const engine = await createLuaEngine({ maxMemoryBytes: 32 * 1024 * 1024 });
const run = (body: string, keys: string[] = [], args: string[] = [], host = fakeHost()) =>
  runScript(engine, body, keys, args, host);
const raised = (body: string, text: string): Reply => error(`${text}${suffix(body)}`);

test("§8: the server table has exactly Valkey's fields; redis is the same table", () => {
  const r = run("local t = {} for k in pairs(server) do t[#t+1] = k end table.sort(t) return t");
  assert.deepEqual(
    r,
    array(
      [
        "LOG_DEBUG",
        "LOG_NOTICE",
        "LOG_VERBOSE",
        "LOG_WARNING",
        "REDIS_VERSION",
        "REDIS_VERSION_NUM",
        "REPL_ALL",
        "REPL_AOF",
        "REPL_NONE",
        "REPL_REPLICA",
        "REPL_SLAVE",
        "SERVER_NAME",
        "VALKEY_VERSION",
        "VALKEY_VERSION_NUM",
        "acl_check_cmd",
        "breakpoint",
        "call",
        "debug",
        "error_reply",
        "log",
        "pcall",
        "replicate_commands",
        "set_repl",
        "setresp",
        "sha1hex",
        "status_reply",
      ].map(bulk),
    ),
  );
  assert.deepEqual(run("return rawequal(server, redis)"), int(1));
  assert.deepEqual(
    run(
      "return {server.LOG_DEBUG, server.LOG_VERBOSE, server.LOG_NOTICE, server.LOG_WARNING, " +
        "server.REPL_NONE, server.REPL_AOF, server.REPL_SLAVE, server.REPL_REPLICA, server.REPL_ALL}",
    ),
    array([0, 1, 2, 3, 0, 1, 2, 2, 3].map(int)),
  );
  assert.deepEqual(
    run(
      "return {server.REDIS_VERSION, server.REDIS_VERSION_NUM, server.VALKEY_VERSION, " +
        "server.VALKEY_VERSION_NUM, server.SERVER_NAME}",
    ),
    array([bulk("7.2.4"), int(459268), bulk("8.0.1"), int(524289), bulk("valkey")]),
  );
  assert.deepEqual(run("return server.SERVER_VERSION"), NULL); // doc names that do not exist
  assert.equal(versionNum("8.0.1"), 0x00080001);
  assert.equal(versionNum("7.2.4"), 459268);
});

test("API-1: error_reply", () => {
  const cases: [string, Reply][] = [
    ["return server.error_reply('MY_ERR_CODE custom msg')", error("MY_ERR_CODE custom msg")],
    ["return server.error_reply('-X y')", error("X y")],
    ["return server.error_reply('Oops')", error("ERR Oops")],
    ["return server.error_reply('')", error("ERR ")],
    ["return server.error_reply('Oops\\r\\n')", error("ERR Oops")],
    ["return server.error_reply(1)", error("ERR wrong number or type of arguments")],
    ["return server.error_reply()", error("ERR wrong number or type of arguments")],
    ["return server.error_reply('a', 'b')", error("ERR wrong number or type of arguments")],
    ["return server.error_reply('Oops').err", bulk("ERR Oops")],
  ];
  for (const [body, reply] of cases) assert.deepEqual(run(body), reply, body);
});

test("API-2: status_reply", () => {
  assert.deepEqual(run("return server.status_reply('fine')"), status("fine"));
  assert.deepEqual(run("return server.status_reply('a\\r\\nb')"), status("a  b"));
  assert.deepEqual(
    run("return server.status_reply(1)"),
    error("ERR wrong number or type of arguments"),
  );
  assert.deepEqual(run("return server.status_reply('x').ok"), bulk("x"));
});

test("API-3: sha1hex", () => {
  assert.deepEqual(
    run("return server.sha1hex('Pizza & Mandolino')"),
    bulk("74822d82031af7493c20eefa13bd07ec4fada82f"),
  );
  assert.deepEqual(
    run("return server.sha1hex(1)"),
    bulk("356a192b7913b04c54574d18c28d46e6395428ab"),
  );
  for (const arg of ["''", "nil", "{}", "true"]) {
    assert.deepEqual(
      run(`return server.sha1hex(${arg})`),
      bulk("da39a3ee5e6b4b0d3255bfef95601890afd80709"),
    );
  }
  const body = "return server.sha1hex()";
  assert.deepEqual(run(body), raised(body, "ERR wrong number of arguments"));
});

test("API-4: log", () => {
  const host = fakeHost();
  assert.deepEqual(
    run("server.log(server.LOG_WARNING, 'a', 1, nil, 'b', 2.5)", [], [], host),
    NULL,
  );
  assert.deepEqual(run("server.log(2, nil, 'x')", [], [], host), NULL);
  assert.deepEqual(run("server.log('1', 'numeric level')", [], [], host), NULL);
  assert.deepEqual(host.logs, [[3, "a 1 b 2.5"], [2, " x"], [1, "numeric level"]]);
  const cases: [string, string][] = [
    ["server.log()", "ERR server.log() requires two arguments or more."],
    ["server.log(1)", "ERR server.log() requires two arguments or more."],
    ["server.log('x', 'y')", "ERR First argument must be a number (log level)."],
    ["server.log(9, 'y')", "ERR Invalid log level."],
    ["server.log(-1, 'y')", "ERR Invalid log level."],
  ];
  for (const [body, text] of cases) assert.deepEqual(run(body), raised(body, text), body);
});

test("API-5: setresp", () => {
  const cases: [string, string][] = [
    ["server.setresp()", "ERR server.setresp() requires one argument."],
    ["server.setresp(2, 3)", "ERR server.setresp() requires one argument."],
    ["server.setresp(4)", "ERR RESP version must be 2 or 3."],
    ["server.setresp('x')", "ERR RESP version must be 2 or 3."],
  ];
  for (const [body, text] of cases) assert.deepEqual(run(body), raised(body, text), body);
  let seen: number | undefined;
  const host = fakeHost({
    call(_argv, resp) {
      seen = resp;
      return NULL;
    },
  });
  run("server.setresp(3) return server.call('GET', 'x')", [], [], host);
  assert.equal(seen, 3);
  run("return server.call('GET', 'x')", [], [], host); // every run starts at 2
  assert.equal(seen, 2);
  assert.deepEqual(run("server.setresp('3') return server.call('GET', 'x')"), NULL);
});

test("API-6: set_repl", () => {
  const host = fakeHost();
  run("server.set_repl(server.REPL_AOF) server.set_repl(server.REPL_NONE)", [], [], host);
  assert.deepEqual(host.repl, [1, 0]);
  const cases: [string, string][] = [
    ["server.set_repl()", "ERR server.set_repl() requires one argument."],
    [
      "server.set_repl(4)",
      "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.",
    ],
    [
      "server.set_repl(-1)",
      "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.",
    ],
  ];
  for (const [body, text] of cases) assert.deepEqual(run(body), raised(body, text), body);
});

test("API-7/8/9: replicate_commands, acl_check_cmd, breakpoint, debug", () => {
  assert.deepEqual(run("return server.replicate_commands()"), int(1));
  assert.deepEqual(run("return server.breakpoint()"), NULL);
  assert.deepEqual(run("return server.debug('x')"), NULL);
  assert.deepEqual(run("return server.acl_check_cmd('get', 'x')"), int(1));
  assert.deepEqual(run("return server.acl_check_cmd('NOPERM')"), NULL);
  const cases: [string, string][] = [
    ["return server.acl_check_cmd()", "ERR Please specify at least one argument for this call"],
    ["return server.acl_check_cmd('get', {})", "ERR Command arguments must be strings or integers"],
    [
      "return server.acl_check_cmd('nosuch')",
      "ERR Invalid command passed to server.acl_check_cmd()",
    ],
  ];
  for (const [body, text] of cases) assert.deepEqual(run(body), raised(body, text), body);
});

test("CALL-1/2/API-10: argument errors are raised by call and returned by pcall", () => {
  const c1 = "return server.call()";
  assert.deepEqual(run(c1), raised(c1, "ERR Please specify at least one argument for this call"));
  assert.deepEqual(
    run("return server.pcall()"),
    error("ERR Please specify at least one argument for this call"),
  );
  for (
    const body of [
      "return server.call('get', {})",
      "return server.call('get', KEYS[5])",
      "return server:call('get', 'x')",
      "return server.call('get', true)",
    ]
  ) {
    assert.deepEqual(
      run(body),
      raised(body, "ERR Command arguments must be strings or integers"),
      body,
    );
  }
  assert.deepEqual(
    run("return server.pcall('get', {})"),
    error("ERR Command arguments must be strings or integers"),
  );
  assert.deepEqual(
    run("local t = server.pcall('get', {}) return t.ignore_error_stats_update"),
    NULL,
  );
});

test("CALL-3: numbers are passed as Valkey formats them", () => {
  const host = fakeHost();
  run(
    "return server.call('ECHOARGS', 0.1, 1/3, 100, -5, 1e20, 12345.678901234567, 0/0, 1/0, -1/0, " +
      "-0.0, 9007199254740991, 2^62, 100.5, 'x\\0y')",
    [],
    [],
    host,
  );
  assert.deepEqual(host.calls[0].slice(1), [
    "0.1",
    "0.3333333333333333",
    "100",
    "-5",
    "1e+20",
    "1.2345678901234567e+4",
    "nan",
    "inf",
    "-inf",
    "-0",
    "9007199254740991",
    "4611686018427387904",
    "100.5",
    "x\0y",
  ]);
  const h2 = fakeHost();
  run("server.call('set', 'k', 0.1)", [], [], h2);
  assert.equal(h2.kv.get("k"), "0.1");
});

test("CALL-4: call raises the error table, pcall returns it with ignore_error_stats_update", () => {
  assert.deepEqual(
    run("local t = server.pcall('nosuch') return {t.err, tostring(t.ignore_error_stats_update)}"),
    array([bulk("ERR Unknown command called from script"), bulk("true")]),
  );
  assert.deepEqual(
    run("local ok, t = pcall(server.call, 'nosuch') return t"),
    bulk("ERR Unknown command called from script"),
  );
  const body = "return server.call('nosuch')";
  assert.deepEqual(run(body), raised(body, "ERR Unknown command called from script"));
  const host = fakeHost();
  host.next = error("WRONGTYPE Operation against a key holding the wrong kind of value");
  const b2 = "return server.call('REPLY')";
  assert.deepEqual(
    run(b2, [], [], host),
    raised(b2, "WRONGTYPE Operation against a key holding the wrong kind of value"),
  );
  // A code-less error gets ERR, as luaPushErrorBuff does.
  host.next = error("FOO");
  assert.deepEqual(run("return server.pcall('REPLY').err", [], [], host), bulk("ERR FOO"));
});

test("server.call round trip with the fake keyspace", () => {
  const host = fakeHost();
  assert.deepEqual(run("return server.call('SET', KEYS[1], ARGV[1])", ["k"], ["v"], host), OK);
  assert.deepEqual(run("return server.call('GET', KEYS[1])", ["k"], [], host), bulk("v"));
  assert.deepEqual(run("return server.call('GET', 'missing')", [], [], host), NULL);
  assert.deepEqual(run("return redis.call('INCR', 'n')", [], [], host), int(1));
  assert.deepEqual(run("return tostring(server.call('INCR', 'n'))", [], [], host), bulk("2"));
});
