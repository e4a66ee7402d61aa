import { test } from "node:test";
import assert from "node:assert/strict";
import { manualClock } from "../clock.ts";
import {
  bulk,
  EMPTY_ARRAY,
  error,
  int,
  map,
  NULL,
  OK,
  type Reply,
  status,
  verbatim,
} from "../resp/reply.ts";
import { Server } from "../server.ts";

function setup(options: ConstructorParameters<typeof Server>[0] = {}) {
  const clock = manualClock(1_000_000);
  const server = new Server({ clock, ...options });
  const s = server.createSession();
  return { clock, server, s, run: (...argv: string[]): Reply => server.execute(s, argv) };
}

const helloMap = (server: string, version: string, proto: number, id: number) =>
  map([
    [bulk("server"), bulk(server)],
    [bulk("version"), bulk(version)],
    [bulk("proto"), int(proto)],
    [bulk("id"), int(id)],
    [bulk("mode"), bulk("standalone")],
    [bulk("role"), bulk("master")],
    [bulk("modules"), EMPTY_ARRAY],
  ]);

test("HELLO reports Valkey's handshake map and switches protocol", () => {
  const { run, s } = setup();
  assert.deepEqual(run("HELLO"), helloMap("valkey", "8.0.1", 2, s.id));
  assert.deepEqual(run("HELLO", "3"), helloMap("valkey", "8.0.1", 3, s.id));
  assert.equal(s.resp, 3);
  assert.deepEqual(run("HELLO", "4"), error("NOPROTO unsupported protocol version"));
  assert.deepEqual(
    run("HELLO", "3.0"),
    error("ERR Protocol version is not an integer or out of range"),
  );
  assert.deepEqual(
    run("HELLO", "2", "SETNAME"),
    error("ERR Syntax error in HELLO option 'SETNAME'"),
  );
  assert.equal(s.resp, 3, "a failed HELLO changes nothing");
});

test("HELLO says redis 7.2.4 under extended-redis-compatibility", () => {
  const { run, s } = setup();
  assert.deepEqual(run("CONFIG", "SET", "extended-redis-compatibility", "yes"), OK);
  assert.deepEqual(run("HELLO"), helloMap("redis", "7.2.4", 2, s.id));
});

test("HELLO AUTH authenticates before the name and protocol change", () => {
  const { run, s } = setup({ requirepass: "pw" });
  assert.equal(s.authenticated, false);
  assert.match((run("HELLO", "3") as { value: string }).value, /^NOAUTH HELLO must be called/);
  assert.deepEqual(
    run("HELLO", "3", "AUTH", "default", "bad", "SETNAME", "n"),
    error("WRONGPASS invalid username-password pair or user is disabled."),
  );
  assert.equal(s.name, "");
  assert.equal(s.resp, 2);
  assert.deepEqual(
    run("HELLO", "3", "AUTH", "default", "pw", "SETNAME", "n"),
    helloMap("valkey", "8.0.1", 3, s.id),
  );
  assert.equal(s.authenticated, true);
  assert.equal(s.name, "n");
});

test("AUTH with and without a configured password", () => {
  const open = setup();
  assert.deepEqual(
    open.run("AUTH", "x"),
    error(
      "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
    ),
  );
  assert.deepEqual(open.run("AUTH", "default", "anything"), OK);
  const locked = setup({ requirepass: "pw" });
  assert.deepEqual(locked.run("GET", "k"), error("NOAUTH Authentication required."));
  assert.deepEqual(
    locked.run("AUTH", "nope"),
    error("WRONGPASS invalid username-password pair or user is disabled."),
  );
  assert.deepEqual(
    locked.run("AUTH", "alice", "pw"),
    error("WRONGPASS invalid username-password pair or user is disabled."),
  );
  assert.deepEqual(locked.run("AUTH", "pw"), OK);
  assert.deepEqual(locked.run("GET", "k"), NULL);
  assert.deepEqual(locked.run("AUTH", "a", "b", "c"), error("ERR syntax error"));
});

test("RESET returns to a new connection's state and deauthenticates", () => {
  const { run, s } = setup({ requirepass: "pw" });
  run("AUTH", "pw");
  run("HELLO", "3", "SETNAME", "me");
  run("CLIENT", "SETINFO", "LIB-NAME", "lib");
  run("SELECT", "4");
  run("WATCH", "k");
  run("MULTI");
  assert.deepEqual(run("RESET"), status("RESET"));
  assert.equal(s.resp, 2);
  assert.equal(s.db, 0);
  assert.equal(s.name, "");
  assert.equal(s.multi, null);
  assert.equal(s.watched.size, 0);
  assert.equal(s.authenticated, false);
  assert.equal(s.libName, "lib", "the library name survives RESET");
});

test("SELECT inside a script changes the script's database only", () => {
  const { server, s } = setup();
  const found = server.lookup(["SELECT", "2"]);
  assert.ok(!("text" in found));
  const ctx = { inScript: true } as const;
  assert.deepEqual(server.call(s, found, ["SELECT", "2"], 0, false, ctx), OK);
  assert.equal(s.db, 0);
  assert.deepEqual(server.execute(s, ["SELECT", "2"]), OK);
  assert.equal(s.db, 2);
});

test("QUIT replies OK and asks the transport to close", () => {
  const { run, s } = setup();
  assert.deepEqual(run("QUIT"), OK);
  assert.equal(s.closeAfterReply, true);
});

test("CLIENT LIST and CLIENT INFO show Valkey 8's fields for each session", () => {
  const { run, server, s, clock } = setup();
  const other = server.createSession();
  other.addr = "127.0.0.1:50000";
  other.laddr = "127.0.0.1:6379";
  clock.advance(5_000);
  server.execute(other, ["CLIENT", "SETNAME", "worker"]);
  server.execute(other, ["MULTI"]);
  server.execute(other, ["SET", "k", "v"]);
  clock.advance(2_000);
  run("WATCH", "a", "b");
  const line =
    `id=${other.id} addr=127.0.0.1:50000 laddr=127.0.0.1:6379 fd=-1 name=worker age=7 idle=2 ` +
    "flags=x db=0 sub=0 psub=0 ssub=0 multi=1 watch=0 qbuf=0 qbuf-free=0 argv-mem=0 " +
    "multi-mem=29 rbs=16384 rbp=0 obl=0 oll=0 omem=0 tot-mem=16413 events=r cmd=set " +
    "user=default redir=-1 resp=2 lib-name= lib-ver= tot-net-in=0 tot-net-out=0 tot-cmds=0\n";
  assert.deepEqual(run("CLIENT", "LIST", "ID", String(other.id)), verbatim("txt", line));
  const mine = (run("CLIENT", "INFO") as { value: string }).value;
  assert.match(mine, new RegExp(`^id=${s.id} addr= laddr= fd=-1 name= age=7 idle=0 flags=N `));
  assert.match(mine, / multi=-1 watch=2 .* argv-mem=10 .* cmd=client\|info /);
  assert.ok(mine.endsWith("\n"));
  const all = (run("CLIENT", "LIST") as { value: string }).value.split("\n");
  assert.equal(all.length, 3, "two lines and the final newline");
  assert.deepEqual(run("CLIENT", "LIST", "TYPE", "pubsub"), verbatim("txt", ""));
  assert.deepEqual(run("CLIENT", "LIST", "TYPE", "master"), verbatim("txt", ""));
  assert.deepEqual(run("CLIENT", "LIST", "ID", "x"), error("ERR Invalid client ID"));
});

test("CLIENT LIST marks a dirty watcher with d", () => {
  const { run, server } = setup();
  run("WATCH", "k");
  server.execute(server.createSession(), ["SET", "k", "1"]);
  assert.match((run("CLIENT", "INFO") as { value: string }).value, / flags=d .* watch=0 /);
});

test("CLIENT SETNAME, GETNAME, ID and SETINFO", () => {
  const { run, s } = setup();
  assert.deepEqual(run("CLIENT", "GETNAME"), NULL);
  assert.deepEqual(
    run("CLIENT", "SETNAME", "a\nb"),
    error("ERR Client names cannot contain spaces, newlines or special characters."),
  );
  assert.deepEqual(run("CLIENT", "SETNAME", "~!"), OK);
  assert.deepEqual(run("CLIENT", "GETNAME"), bulk("~!"));
  assert.deepEqual(run("CLIENT", "ID"), int(s.id));
  assert.deepEqual(run("CLIENT", "SETINFO", "lib-ver", "1.2"), OK);
  assert.equal(s.libVer, "1.2");
  assert.deepEqual(run("CLIENT", "SETINFO", "LIB-VER", ""), OK);
  assert.equal(s.libVer, "");
  assert.deepEqual(
    run("CLIENT", "SETINFO", "Lib-Name", "x y"),
    error("ERR Lib-Name cannot contain spaces, newlines or special characters."),
  );
  assert.deepEqual(run("CLIENT", "SETINFO", "x", "y"), error("ERR Unrecognized option 'x'"));
});

test("PING and ECHO", () => {
  const { run } = setup();
  assert.deepEqual(run("PING"), status("PONG"));
  assert.deepEqual(run("PING", "\x00\xff"), bulk("\x00\xff"));
  assert.deepEqual(
    run("PING", "a", "b"),
    error("ERR wrong number of arguments for 'ping' command"),
  );
  assert.deepEqual(run("ECHO", ""), bulk(""));
});
