import { test } from "node:test";
import assert from "node:assert/strict";
import { manualClock } from "../clock.ts";
import { array, bulk, error, int, NULL, NULL_ARRAY, OK, QUEUED, status } from "../resp/reply.ts";
import { Server } from "../server.ts";

function setup() {
  const clock = manualClock(1_000_000);
  const server = new Server({ clock });
  const a = server.createSession(), b = server.createSession();
  const run = (s = a) => (...argv: string[]) => server.execute(s, argv);
  return { clock, server, a, b, A: run(a), B: run(b) };
}

test("EXEC runs the queue with one time for all commands and returns each reply", () => {
  const { A } = setup();
  assert.deepEqual(A("MULTI"), OK);
  assert.deepEqual(A("SET", "k", "1"), QUEUED);
  assert.deepEqual(A("INCR", "k"), QUEUED);
  assert.deepEqual(A("GET", "nokey"), QUEUED);
  assert.deepEqual(A("EXEC"), array([OK, int(2), NULL]));
  assert.deepEqual(A("EXEC"), error("ERR EXEC without MULTI"));
});

test("queueing errors abort the transaction; EXEC discards it", () => {
  const { A } = setup();
  A("MULTI");
  assert.deepEqual(A("GET"), error("ERR wrong number of arguments for 'get' command"));
  assert.deepEqual(A("SET", "k", "v"), QUEUED);
  assert.deepEqual(A("EXEC"), error("EXECABORT Transaction discarded because of previous errors."));
  assert.deepEqual(A("GET", "k"), NULL);
});

test("MULTI and WATCH inside MULTI are refused (no_multi) and abort the transaction", () => {
  const { A } = setup();
  A("MULTI");
  assert.deepEqual(A("MULTI"), error("ERR Command not allowed inside a transaction"));
  assert.deepEqual(A("WATCH", "x"), error("ERR Command not allowed inside a transaction"));
  assert.deepEqual(A("EXEC"), error("EXECABORT Transaction discarded because of previous errors."));
});

test("EXEC with arguments ends the transaction with EXECABORT and the arity text", () => {
  const { A } = setup();
  A("MULTI");
  A("SET", "k", "v");
  assert.deepEqual(
    A("EXEC", "x"),
    error(
      "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command",
    ),
  );
  assert.deepEqual(A("EXEC"), error("ERR EXEC without MULTI"));
  assert.deepEqual(A("GET", "k"), NULL);
});

test("EXEC refused by NOAUTH aborts with the NOAUTH text", () => {
  const server = new Server({ requirepass: "pw" });
  const s = server.createSession();
  assert.deepEqual(
    server.execute(s, ["EXEC"]),
    error("EXECABORT Transaction discarded because of: NOAUTH Authentication required."),
  );
});

test("a write by another client makes EXEC reply a null array and unwatch", () => {
  const { A, B, a } = setup();
  A("SET", "k", "1");
  A("WATCH", "k", "other");
  assert.equal(a.watched.size, 2);
  B("SET", "k", "2");
  // Valkey stops watching a client that is already dirty.
  assert.equal(a.watched.size, 0);
  assert.equal(a.dirtyCas, true);
  A("MULTI");
  A("SET", "k", "3");
  assert.deepEqual(A("EXEC"), NULL_ARRAY);
  assert.deepEqual(A("GET", "k"), bulk("2"));
  assert.equal(a.dirtyCas, false);
});

test("WATCH while already dirty adds nothing", () => {
  const { A, B, a } = setup();
  A("WATCH", "k");
  B("SET", "k", "x");
  assert.deepEqual(A("WATCH", "j"), OK);
  assert.equal(a.watched.size, 0);
});

test("UNWATCH and DISCARD clear the dirty flag", () => {
  const { A, B } = setup();
  A("WATCH", "k");
  B("SET", "k", "x");
  A("UNWATCH");
  A("MULTI");
  A("PING");
  assert.deepEqual(A("EXEC"), array([status("PONG")]));
  A("WATCH", "k");
  B("SET", "k", "y");
  A("MULTI");
  assert.deepEqual(A("DISCARD"), OK);
  A("MULTI");
  A("PING");
  assert.deepEqual(A("EXEC"), array([status("PONG")]));
});

test("a watched key that expires before EXEC fails it (Valkey 7+)", () => {
  const { A, clock } = setup();
  A("SET", "k", "v", "PX", "100");
  A("WATCH", "k");
  clock.advance(101);
  A("MULTI");
  A("PING");
  assert.deepEqual(A("EXEC"), NULL_ARRAY);
});

test("a key already stale when watched: its deletion changes nothing, a new value does", () => {
  const { A, B, clock } = setup();
  A("SET", "k", "v", "PX", "10");
  clock.advance(20);
  A("WATCH", "k");
  B("GET", "k"); // lazy deletion of the stale key
  A("MULTI");
  A("PING");
  assert.deepEqual(A("EXEC"), array([status("PONG")]));

  A("SET", "j", "v", "PX", "10");
  clock.advance(20);
  A("WATCH", "j");
  B("SET", "j", "new");
  A("MULTI");
  A("PING");
  assert.deepEqual(A("EXEC"), NULL_ARRAY);

  A("SET", "s", "v", "PX", "10");
  clock.advance(20);
  A("WATCH", "s");
  A("MULTI");
  A("PING");
  assert.deepEqual(A("EXEC"), array([status("PONG")]), "still stale at EXEC: no change");
});

test("FLUSHDB fails EXEC for existing watched keys only; stale ones stay harmless", () => {
  const { A, B, clock } = setup();
  A("WATCH", "missing");
  B("FLUSHDB");
  A("MULTI");
  A("PING");
  assert.deepEqual(A("EXEC"), array([status("PONG")]));

  A("SET", "live", "1");
  A("WATCH", "live");
  B("FLUSHALL");
  A("MULTI");
  A("PING");
  assert.deepEqual(A("EXEC"), NULL_ARRAY);

  A("SET", "stale", "1", "PX", "5");
  clock.advance(10);
  A("WATCH", "stale");
  B("FLUSHDB");
  A("MULTI");
  A("PING");
  assert.deepEqual(A("EXEC"), array([status("PONG")]));
});

test("SWAPDB fails EXEC when the watched key exists in either database", () => {
  const { A, B, clock } = setup();
  B("SELECT", "1");
  B("SET", "y", "1");
  A("WATCH", "y");
  B("SWAPDB", "0", "1");
  A("MULTI");
  A("PING");
  assert.deepEqual(A("EXEC"), NULL_ARRAY);

  A("WATCH", "none");
  B("SWAPDB", "0", "1");
  A("MULTI");
  A("PING");
  assert.deepEqual(A("EXEC"), array([status("PONG")]));

  // A missing key replaced by a stale one: marked stale, not dirty.
  B("SET", "z", "1", "PX", "5");
  clock.advance(10);
  A("SELECT", "0");
  A("WATCH", "z");
  B("SWAPDB", "0", "1");
  A("MULTI");
  A("PING");
  assert.deepEqual(A("EXEC"), array([status("PONG")]));
});

test("SELECT inside EXEC moves the client for the following commands and after", () => {
  const { A, a } = setup();
  A("MULTI");
  A("SELECT", "3");
  A("SET", "k", "v");
  A("EXEC");
  assert.equal(a.db, 3);
  assert.deepEqual(A("GET", "k"), bulk("v"));
});
