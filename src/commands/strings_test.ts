import { test } from "node:test";
import assert from "node:assert/strict";
import type { Bytes } from "../bytes.ts";
import { manualClock } from "../clock.ts";
import { array, bulk, error, int, map, NULL, OK, type Reply } from "../resp/reply.ts";
import { Server } from "../server.ts";

const T0 = 1_700_000_000_000;

/** A server on a manual clock; `modified` records WATCH signals as `db:key`. */
function harness() {
  const clock = manualClock(T0);
  const server = new Server({ clock });
  const session = server.createSession();
  const modified: string[] = [];
  const hooks = server.keyspace.hooks;
  const original = hooks.modified.bind(hooks);
  hooks.modified = (db, key) => {
    modified.push(`${db}:${key}`);
    original(db, key);
  };
  const run = (...argv: Bytes[]): Reply => server.execute(session, argv);
  return { clock, server, session, modified, run, db0: server.keyspace.dbs[0] };
}

const NOT_INT = error("ERR value is not an integer or out of range");
const SYNTAX = error("ERR syntax error");

test("SET options: NX, XX, GET and their replies", () => {
  const h = harness();
  assert.deepEqual(h.run("SET", "k", "a", "XX"), NULL);
  assert.deepEqual(h.run("SET", "k", "a", "NX"), OK);
  assert.deepEqual(h.run("SET", "k", "b", "NX"), NULL);
  assert.deepEqual(h.run("SET", "k", "b", "NX", "GET"), bulk("a"));
  assert.deepEqual(h.run("SET", "k", "c", "XX", "GET"), bulk("a"));
  assert.deepEqual(h.run("SET", "n", "c", "GET"), NULL);
  assert.deepEqual(h.run("GET", "k"), bulk("c"));
  assert.deepEqual(h.run("SET", "k", "v", "NX", "XX"), SYNTAX);
  assert.deepEqual(h.run("SET", "k", "v", "EX", "1", "PX", "1"), SYNTAX);
  assert.deepEqual(h.run("SET", "k", "v", "KEEPTTL", "PXAT", "1"), SYNTAX);
  assert.deepEqual(h.run("SET", "k", "v", "PERSIST"), SYNTAX);
  assert.deepEqual(h.run("SET", "k", "v", "EX"), SYNTAX);
});

test("SET expiration: relative, absolute, KEEPTTL and invalid times", () => {
  const h = harness();
  assert.deepEqual(h.run("SET", "k", "v", "EX", "10", "EX", "20"), OK);
  assert.deepEqual(h.run("PTTL", "k"), int(20_000));
  h.run("SET", "k", "v", "PXAT", String(T0 + 5000));
  assert.deepEqual(h.run("PTTL", "k"), int(5000));
  h.run("SET", "k", "w", "KEEPTTL");
  assert.deepEqual(h.run("PTTL", "k"), int(5000));
  h.run("SET", "k", "x");
  assert.deepEqual(h.run("PTTL", "k"), int(-1));
  for (const [opt, v] of [["EX", "0"], ["PX", "-1"], ["EXAT", "0"], ["EX", "9223372036854776"]]) {
    assert.deepEqual(
      h.run("SET", "k", "v", opt, v),
      error("ERR invalid expire time in 'set' command"),
    );
  }
  assert.deepEqual(
    h.run("SET", "k", "v", "PX", "9223372036854775807"),
    error("ERR invalid expire time in 'set' command"),
  );
  assert.deepEqual(h.run("SET", "k", "v", "EX", "x"), NOT_INT);
  assert.deepEqual(
    h.run("SETEX", "k", "0", "v"),
    error("ERR invalid expire time in 'setex' command"),
  );
  assert.deepEqual(
    h.run("PSETEX", "k", "0", "v"),
    error("ERR invalid expire time in 'psetex' command"),
  );
  assert.deepEqual(h.run("GET", "k"), bulk("x"));
});

test("SET with a deadline already past stores nothing and expires an existing key", () => {
  const h = harness();
  h.run("SET", "old", "1");
  assert.deepEqual(h.run("SET", "old", "2", "PXAT", String(T0)), OK);
  assert.equal(h.db0.size, 0);
  assert.equal(h.server.stats.expiredKeys, 1);
  assert.deepEqual(h.run("SET", "new", "2", "EXAT", "1", "GET"), NULL);
  assert.equal(h.db0.size, 0);
});

test("SETNX, GETSET, GETDEL", () => {
  const h = harness();
  assert.deepEqual(h.run("SETNX", "k", "1"), int(1));
  assert.deepEqual(h.run("SETNX", "k", "2"), int(0));
  h.run("EXPIRE", "k", "100");
  assert.deepEqual(h.run("GETSET", "k", "3"), bulk("1"));
  assert.deepEqual(h.run("TTL", "k"), int(-1));
  assert.deepEqual(h.run("GETDEL", "k"), bulk("3"));
  assert.deepEqual(h.run("GETDEL", "k"), NULL);
});

test("GETEX sets, persists or expires; a missing key hides a bad time", () => {
  const h = harness();
  h.run("SET", "k", "v");
  assert.deepEqual(h.run("GETEX", "k", "PX", "1500"), bulk("v"));
  assert.deepEqual(h.run("PTTL", "k"), int(1500));
  assert.deepEqual(h.run("GETEX", "k", "PERSIST"), bulk("v"));
  assert.deepEqual(h.run("PTTL", "k"), int(-1));
  assert.deepEqual(h.run("GETEX", "nokey", "EX", "0"), NULL);
  assert.deepEqual(
    h.run("GETEX", "k", "EX", "0"),
    error("ERR invalid expire time in 'getex' command"),
  );
  assert.deepEqual(h.run("GETEX", "k", "EX", "1", "PERSIST"), SYNTAX);
  assert.deepEqual(h.run("GETEX", "k", "KEEPTTL"), SYNTAX);
  assert.deepEqual(h.run("GETEX", "k", "PXAT", String(T0)), bulk("v"));
  assert.equal(h.db0.size, 0);
  assert.equal(h.server.stats.expiredKeys, 1);
});

test("MSET and MSETNX", () => {
  const h = harness();
  assert.deepEqual(
    h.run("MSET", "a", "1", "b"),
    error("ERR wrong number of arguments for 'mset' command"),
  );
  assert.deepEqual(
    h.run("MSETNX", "a"),
    error("ERR wrong number of arguments for 'msetnx' command"),
  );
  assert.deepEqual(h.run("MSET", "a", "1", "b", "2"), OK);
  assert.deepEqual(h.run("MSETNX", "b", "x", "c", "y"), int(0));
  assert.deepEqual(h.run("MSETNX", "c", "x", "d", "y"), int(1));
  assert.deepEqual(
    h.run("MGET", "a", "b", "c", "d", "e"),
    array([
      bulk("1"),
      bulk("2"),
      bulk("x"),
      bulk("y"),
      NULL,
    ]),
  );
});

test("INCR family: int64 limits and errors", () => {
  const h = harness();
  assert.deepEqual(h.run("INCRBY", "n", "9223372036854775807"), int(9223372036854775807n));
  assert.deepEqual(h.run("INCR", "n"), error("ERR increment or decrement would overflow"));
  assert.deepEqual(h.run("DECRBY", "m", "9223372036854775807"), int(-9223372036854775807n));
  assert.deepEqual(h.run("DECR", "m"), int(-9223372036854775808n));
  assert.deepEqual(h.run("DECR", "m"), error("ERR increment or decrement would overflow"));
  assert.deepEqual(
    h.run("DECRBY", "x", "-9223372036854775808"),
    error("ERR decrement would overflow"),
  );
  assert.deepEqual(h.run("INCRBY", "x", "1.0"), NOT_INT);
  h.run("SET", "s", "12 ");
  assert.deepEqual(h.run("INCR", "s"), NOT_INT);
  h.run("SET", "t", "5", "EX", "100");
  assert.deepEqual(h.run("INCR", "t"), int(6));
  assert.deepEqual(h.run("TTL", "t"), int(100));
});

test("INCR keeps int encoding; small results are shared objects", () => {
  const h = harness();
  h.run("SET", "a", "10000");
  h.run("INCR", "a");
  assert.deepEqual(h.run("OBJECT", "REFCOUNT", "a"), int(1));
  h.run("DECRBY", "a", "10000");
  assert.deepEqual(h.run("OBJECT", "REFCOUNT", "a"), int(2147483647));
  h.run("SET", "b", "x");
  h.run("SET", "b", "1");
  h.run("APPEND", "b", "0");
  assert.deepEqual(h.run("OBJECT", "ENCODING", "b"), bulk("raw"));
  h.run("INCR", "b");
  assert.deepEqual(h.run("OBJECT", "ENCODING", "b"), bulk("int"));
});

test("INCRBYFLOAT computes in long double and prints like %.17Lf", () => {
  const h = harness();
  h.run("SET", "f", "10.5");
  assert.deepEqual(h.run("INCRBYFLOAT", "f", "0.1"), bulk("10.6"));
  assert.deepEqual(h.run("INCRBYFLOAT", "f", "-0.6"), bulk("10"));
  assert.deepEqual(h.run("OBJECT", "ENCODING", "f"), bulk("embstr"));
  assert.deepEqual(h.run("INCRBYFLOAT", "g", "5.0e3"), bulk("5000"));
  assert.deepEqual(h.run("INCRBYFLOAT", "g", "2.0e2"), bulk("5200"));
  assert.deepEqual(h.run("INCRBYFLOAT", "g", "nan"), error("ERR value is not a valid float"));
  assert.deepEqual(
    h.run("INCRBYFLOAT", "g", "inf"),
    error("ERR increment would produce NaN or Infinity"),
  );
  h.run("SET", "s", "text");
  assert.deepEqual(h.run("INCRBYFLOAT", "s", "1"), error("ERR value is not a valid float"));
  h.run("SET", "t", "1", "EX", "100");
  h.run("INCRBYFLOAT", "t", "1");
  assert.deepEqual(h.run("TTL", "t"), int(100));
});

test("APPEND, SETRANGE and the proto-max-bulk-len limit", () => {
  const h = harness();
  assert.deepEqual(h.run("APPEND", "k", "abc"), int(3));
  assert.deepEqual(h.run("SETRANGE", "k", "5", "xy"), int(7));
  assert.deepEqual(h.run("GET", "k"), bulk("abc\0\0xy"));
  assert.deepEqual(h.run("SETRANGE", "k", "1", "Z"), int(7));
  assert.deepEqual(h.run("GET", "k"), bulk("aZc\0\0xy"));
  assert.deepEqual(h.run("SETRANGE", "k", "-1", "x"), error("ERR offset is out of range"));
  assert.deepEqual(
    h.run("SETRANGE", "k", "536870912", "x"),
    error("ERR string exceeds maximum allowed size (proto-max-bulk-len)"),
  );
  assert.deepEqual(h.run("SETRANGE", "empty", "100", ""), int(0));
  assert.equal(h.db0.size, 1);
});

test("GETRANGE clamps indexes like Valkey", () => {
  const h = harness();
  h.run("SET", "k", "Hello");
  assert.deepEqual(h.run("GETRANGE", "k", "-3", "-1"), bulk("llo"));
  assert.deepEqual(h.run("GETRANGE", "k", "-1", "-3"), bulk(""));
  assert.deepEqual(h.run("GETRANGE", "k", "-10", "-8"), bulk("H"));
  assert.deepEqual(h.run("GETRANGE", "k", "3", "100"), bulk("lo"));
  assert.deepEqual(h.run("SUBSTR", "k", "0", "0"), bulk("H"));
  assert.deepEqual(h.run("GETRANGE", "nokey", "0", "-1"), bulk(""));
});

test("SETBIT: a no-op re-encodes raw but signals nothing; GETBIT reads", () => {
  const h = harness();
  h.run("SET", "n", "5");
  h.modified.length = 0;
  assert.deepEqual(h.run("SETBIT", "n", "2", "1"), int(1));
  assert.deepEqual(h.modified, []);
  assert.deepEqual(h.run("OBJECT", "ENCODING", "n"), bulk("raw"));
  assert.deepEqual(h.run("SETBIT", "n", "0", "1"), int(0));
  assert.deepEqual(h.modified, ["0:n"]);
  assert.deepEqual(h.run("GET", "n"), bulk("\xb5"));
  assert.deepEqual(h.run("SETBIT", "n", "20", "0"), int(0));
  assert.deepEqual(h.modified, ["0:n", "0:n"]);
  assert.deepEqual(h.run("STRLEN", "n"), int(3));
  assert.deepEqual(
    h.run("SETBIT", "n", "0", "2"),
    error("ERR bit is not an integer or out of range"),
  );
  assert.deepEqual(
    h.run("SETBIT", "n", "4294967296", "1"),
    error("ERR bit offset is not an integer or out of range"),
  );
  assert.deepEqual(h.run("GETBIT", "n", "0"), int(1));
  assert.deepEqual(h.run("GETBIT", "n", "999"), int(0));
});

test("BITCOUNT and BITPOS ranges in bytes and bits", () => {
  const h = harness();
  h.run("SET", "k", "foobar");
  assert.deepEqual(h.run("BITCOUNT", "k"), int(26));
  assert.deepEqual(h.run("BITCOUNT", "k", "1", "1"), int(6));
  assert.deepEqual(h.run("BITCOUNT", "k", "5", "30", "BIT"), int(17));
  assert.deepEqual(h.run("BITCOUNT", "k", "0"), SYNTAX);
  assert.deepEqual(h.run("BITCOUNT", "nokey", "0", "x"), NOT_INT);
  h.run("SET", "b", "\xff\xf0\x00");
  assert.deepEqual(h.run("BITPOS", "b", "0"), int(12));
  assert.deepEqual(h.run("BITPOS", "b", "1", "2"), int(-1));
  assert.deepEqual(h.run("BITPOS", "b", "1", "7", "15", "BIT"), int(7));
  h.run("SET", "ones", "\xff\xff");
  assert.deepEqual(h.run("BITPOS", "ones", "0"), int(16));
  assert.deepEqual(h.run("BITPOS", "ones", "0", "0", "-1"), int(-1));
  assert.deepEqual(h.run("BITPOS", "nokey", "0"), int(0));
  assert.deepEqual(h.run("BITPOS", "nokey", "1"), int(-1));
  assert.deepEqual(h.run("BITPOS", "b", "2"), error("ERR The bit argument must be 1 or 0."));
});

test("BITOP stores, deletes on empty result, and checks NOT's arity", () => {
  const h = harness();
  h.run("SET", "a", "\xff\x0f");
  h.run("SET", "b", "\x0f");
  assert.deepEqual(h.run("BITOP", "AND", "r", "a", "b"), int(2));
  assert.deepEqual(h.run("GET", "r"), bulk("\x0f\x00"));
  assert.deepEqual(
    h.run("BITOP", "NOT", "r", "a", "b"),
    error("ERR BITOP NOT must be called with a single source key."),
  );
  assert.deepEqual(h.run("BITOP", "NAND", "r", "a"), SYNTAX);
  assert.deepEqual(h.run("BITOP", "OR", "r", "nokey"), int(0));
  assert.deepEqual(h.run("EXISTS", "r"), int(0));
});

test("LCS replies a string, a length or a map of matches", () => {
  const h = harness();
  h.run("MSET", "a", "ohmytext", "b", "mynewtext");
  assert.deepEqual(h.run("LCS", "a", "b"), bulk("mytext"));
  assert.deepEqual(h.run("LCS", "a", "b", "LEN"), int(6));
  assert.deepEqual(
    h.run("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"),
    map([
      [bulk("matches"), array([array([array([int(4), int(7)]), array([int(5), int(8)]), int(4)])])],
      [bulk("len"), int(6)],
    ]),
  );
  assert.deepEqual(
    h.run("LCS", "a", "b", "LEN", "IDX"),
    error("ERR If you want both the length and indexes, please just use IDX."),
  );
  h.server.keyspace.dbs[0].set("l", { type: "list", value: [], lru: 0, lfu: 0 });
  assert.deepEqual(
    h.run("LCS", "a", "l"),
    error("ERR The specified keys must contain string values"),
  );
});

test("string commands reply WRONGTYPE on other types", () => {
  const h = harness();
  h.server.keyspace.dbs[0].set("l", { type: "list", value: [], lru: 0, lfu: 0 });
  const wrong = error("WRONGTYPE Operation against a key holding the wrong kind of value");
  for (
    const argv of [
      ["GET", "l"],
      ["SET", "l", "v", "GET"],
      ["APPEND", "l", "x"],
      ["INCR", "l"],
      ["SETRANGE", "l", "0", "x"],
      ["SETBIT", "l", "0", "1"],
      ["BITCOUNT", "l"],
      ["GETEX", "l"],
      ["STRLEN", "l"],
    ]
  ) {
    assert.deepEqual(h.run(...argv), wrong, argv.join(" "));
  }
  assert.deepEqual(h.run("MGET", "l"), array([NULL]));
  assert.deepEqual(h.run("SET", "l", "v"), OK);
});
