import { test } from "node:test";
import assert from "node:assert/strict";
import { manualClock } from "../clock.ts";
import {
  array,
  bool,
  bulk,
  double,
  error,
  int,
  map,
  NULL,
  OK,
  type Reply,
  set,
  status,
  verbatim,
} from "../resp/reply.ts";
import { Server } from "../server.ts";

function setup(resp: 2 | 3 = 2) {
  const clock = manualClock(1_700_000_000_123.456);
  const server = new Server({ clock });
  const s = server.createSession();
  s.resp = resp;
  return { clock, server, s, run: (...argv: string[]): Reply => server.execute(s, argv) };
}

// Expected replies: valkey src/debug.c, DEBUG PROTOCOL.
test("DEBUG PROTOCOL replies Valkey's test values (RESP3 types)", () => {
  const { run } = setup(3);
  assert.deepEqual(run("DEBUG", "PROTOCOL", "string"), bulk("Hello World"));
  assert.deepEqual(run("DEBUG", "PROTOCOL", "integer"), int(12345));
  assert.deepEqual(run("DEBUG", "PROTOCOL", "double"), double(3.141));
  assert.deepEqual(run("DEBUG", "PROTOCOL", "bignum"), {
    type: "bignum",
    value: "1234567999999999999999999999999999999",
  });
  assert.deepEqual(run("DEBUG", "PROTOCOL", "null"), NULL);
  assert.deepEqual(run("DEBUG", "PROTOCOL", "array"), array([int(0), int(1), int(2)]));
  assert.deepEqual(run("DEBUG", "PROTOCOL", "SET"), set([int(0), int(1), int(2)]));
  assert.deepEqual(
    run("DEBUG", "PROTOCOL", "map"),
    map([[int(0), bool(false)], [int(1), bool(true)], [int(2), bool(false)]]),
  );
  assert.deepEqual(run("DEBUG", "PROTOCOL", "attrib"), {
    type: "attribute",
    attributes: [[bulk("key-popularity"), array([bulk("key:123"), int(90)])]],
    value: bulk("Some real reply following the attribute"),
  });
  assert.deepEqual(
    run("DEBUG", "PROTOCOL", "push"),
    bulk("Some real reply following the push reply"),
  );
  assert.deepEqual(run("DEBUG", "PROTOCOL", "true"), bool(true));
  assert.deepEqual(run("DEBUG", "PROTOCOL", "false"), bool(false));
  assert.deepEqual(
    run("DEBUG", "PROTOCOL", "verbatim"),
    verbatim("txt", "This is a verbatim\nstring"),
  );
  assert.deepEqual(
    run("DEBUG", "PROTOCOL", "nope"),
    error(
      "ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
    ),
  );
});

test("DEBUG PROTOCOL in RESP2: no attribute, push refused", () => {
  const { run } = setup(2);
  assert.deepEqual(
    run("DEBUG", "PROTOCOL", "attrib"),
    bulk("Some real reply following the attribute"),
  );
  assert.deepEqual(
    run("DEBUG", "PROTOCOL", "push"),
    error("ERR RESP2 is not supported by this command"),
  );
});

test("DEBUG SLEEP blocks for the given seconds (decimals, garbage is 0)", () => {
  const { run } = setup();
  let t = performance.now();
  assert.deepEqual(run("DEBUG", "SLEEP", "0.05"), OK);
  assert.ok(performance.now() - t >= 45);
  t = performance.now();
  assert.deepEqual(run("DEBUG", "SLEEP", "abc"), OK);
  assert.deepEqual(run("DEBUG", "SLEEP", "-1"), OK);
  assert.ok(performance.now() - t < 40);
});

test("DEBUG SET-ACTIVE-EXPIRE takes C's atoi of its argument", () => {
  const { run, server } = setup();
  assert.deepEqual(run("DEBUG", "SET-ACTIVE-EXPIRE", "0"), OK);
  assert.equal(server.config.activeExpireEnabled, false);
  run("DEBUG", "set-active-expire", " 12abc");
  assert.equal(server.config.activeExpireEnabled, true);
  run("DEBUG", "SET-ACTIVE-EXPIRE", "x");
  assert.equal(server.config.activeExpireEnabled, false);
});

test("DEBUG HELP and unknown subcommands", () => {
  const { run } = setup();
  const help = run("DEBUG", "help");
  assert.equal(help.type, "array");
  const lines = (help as { value: readonly { value: string }[] }).value.map((l) => l.value);
  assert.equal(lines[0], "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  assert.ok(lines.includes("SLEEP <seconds>"));
  assert.deepEqual(lines.slice(-2), ["HELP", "    Print this help."]);
  assert.deepEqual(
    run("debug", "reload"),
    error("ERR unknown subcommand or wrong number of arguments for 'reload'. Try DEBUG HELP."),
  );
  assert.deepEqual(
    run("DEBUG", "SLEEP"),
    error("ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP."),
  );
  assert.deepEqual(run("DEBUG"), error("ERR wrong number of arguments for 'debug' command"));
});

test("DEBUG is refused as Valkey refuses protected commands", () => {
  const { run, server, s } = setup();
  const refused = error(
    'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
  );
  s.addr = "10.1.2.3:4000";
  assert.deepEqual(run("DEBUG", "SLEEP", "0"), refused);
  s.addr = "127.0.0.1:4000";
  assert.deepEqual(run("DEBUG", "SLEEP", "0"), OK);
  server.config.enableDebugCommand = "no";
  assert.deepEqual(run("DEBUG", "SLEEP", "0"), refused);
  // Refused before queueing: the transaction is aborted.
  run("MULTI");
  assert.deepEqual(run("DEBUG", "SLEEP", "0"), refused);
  assert.deepEqual(
    run("EXEC"),
    error("EXECABORT Transaction discarded because of previous errors."),
  );
  assert.deepEqual(
    run("CONFIG", "SET", "enable-debug-command", "yes"),
    error(
      "ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set immutable config",
    ),
  );
});

test("SHUTDOWN marks the server, calls onShutdown and closes the caller", () => {
  const { run, server, s } = setup();
  let called = 0;
  server.onShutdown = () => called++;
  assert.deepEqual(run("SHUTDOWN", "ABORT"), error("ERR No shutdown in progress."));
  assert.deepEqual(run("SHUTDOWN", "SAVE", "NOSAVE"), error("ERR syntax error"));
  assert.equal(server.shutdownRequested, false);
  assert.deepEqual(run("SHUTDOWN", "NOSAVE", "NOW", "FORCE"), OK);
  assert.equal(server.shutdownRequested, true);
  assert.equal(called, 1);
  assert.equal(s.closeAfterReply, true);
});

test("TIME reads the server clock: seconds and microseconds", () => {
  const { run } = setup();
  assert.deepEqual(run("TIME"), array([bulk("1700000000"), bulk("123456")]));
});

test("CONFIG RESETSTAT zeroes the INFO counters", () => {
  const { run, server } = setup();
  run("GET");
  run("SET", "k", "v");
  assert.ok(server.stats.totalCommandsProcessed > 0);
  assert.equal(server.errorStats.get("ERR"), 1);
  assert.deepEqual(run("CONFIG", "RESETSTAT"), OK);
  // RESETSTAT itself is counted after the reset (as in Valkey).
  assert.equal(server.stats.totalCommandsProcessed, 1);
  assert.equal(server.stats.totalErrorReplies, 0);
  assert.equal(server.errorStats.size, 0);
});

test("CONFIG SET requirepass changes who must AUTH", () => {
  const { run, server } = setup();
  assert.deepEqual(run("CONFIG", "SET", "requirepass", "pw"), OK);
  const other = server.createSession();
  assert.deepEqual(
    server.execute(other, ["PING"]),
    error("NOAUTH Authentication required."),
  );
  assert.deepEqual(run("PING"), status("PONG"), "already connected clients stay in");
  assert.deepEqual(run("CONFIG", "SET", "requirepass", ""), OK);
  // Valkey checks the default user's nopass flag at each command.
  assert.deepEqual(server.execute(other, ["PING"]), status("PONG"));
});

test("FLUSHDB empties the selected database, FLUSHALL all of them", () => {
  const { run } = setup();
  run("SET", "a", "1");
  run("SELECT", "1");
  run("SET", "b", "1");
  assert.deepEqual(run("FLUSHDB", "ASYNC"), OK);
  assert.deepEqual(run("DBSIZE"), int(0));
  run("SELECT", "0");
  assert.deepEqual(run("DBSIZE"), int(1));
  run("SELECT", "2");
  run("SET", "c", "1");
  assert.deepEqual(run("FLUSHALL"), OK);
  run("SELECT", "0");
  assert.deepEqual(run("DBSIZE"), int(0));
});

test("INFO replies a verbatim text", () => {
  const { run } = setup(3);
  const r = run("INFO", "cluster");
  assert.deepEqual(r, verbatim("txt", "# Cluster\r\ncluster_enabled:0\r\n"));
});
