import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeReply, ReplyWriter } from "./encode.ts";
import {
  array,
  bool,
  bulk,
  double,
  EMPTY_ARRAY,
  error,
  int,
  map,
  NULL,
  NULL_ARRAY,
  OK,
  type Reply,
  set,
  status,
  verbatim,
} from "./reply.ts";

/** The encoded bytes as a byte string (one char per byte). */
function wire(reply: Reply, resp: 2 | 3): string {
  return String.fromCharCode(...encodeReply(reply, resp));
}

function both(reply: Reply, resp2: string, resp3: string): void {
  assert.equal(wire(reply, 2), resp2, "RESP2");
  assert.equal(wire(reply, 3), resp3, "RESP3");
}

test("encodeReply simple strings, errors, integers and bulk strings", () => {
  both(OK, "+OK\r\n", "+OK\r\n");
  both(status("PONG"), "+PONG\r\n", "+PONG\r\n");
  both(error("ERR syntax error"), "-ERR syntax error\r\n", "-ERR syntax error\r\n");
  both(int(0), ":0\r\n", ":0\r\n");
  both(int(1000), ":1000\r\n", ":1000\r\n");
  both(int(-1), ":-1\r\n", ":-1\r\n");
  both(int(-2147483648), ":-2147483648\r\n", ":-2147483648\r\n");
  both(int(2147483648), ":2147483648\r\n", ":2147483648\r\n");
  both(int(Number.MAX_SAFE_INTEGER), ":9007199254740991\r\n", ":9007199254740991\r\n");
  both(int(-9223372036854775808n), ":-9223372036854775808\r\n", ":-9223372036854775808\r\n");
  both(int(9223372036854775807n), ":9223372036854775807\r\n", ":9223372036854775807\r\n");
  both(bulk("hello"), "$5\r\nhello\r\n", "$5\r\nhello\r\n");
  both(bulk(""), "$0\r\n\r\n", "$0\r\n\r\n");
  both(bulk("a\r\nb"), "$4\r\na\r\nb\r\n", "$4\r\na\r\nb\r\n");
});

test("encodeReply writes every byte of binary and long bulk strings", () => {
  let binary = "";
  for (let i = 0; i < 256; i++) binary += String.fromCharCode(i);
  both(bulk(binary), `$256\r\n${binary}\r\n`, `$256\r\n${binary}\r\n`);
  const ascii = "x".repeat(100_000);
  assert.equal(wire(bulk(ascii), 2), `$100000\r\n${ascii}\r\n`);
  // Non-ASCII late in a long value: the fast ASCII path must fall back.
  const mixed = "y".repeat(500) + "\xe9\xff" + "z".repeat(500);
  assert.equal(wire(bulk(mixed), 2), `$1002\r\n${mixed}\r\n`);
});

test("encodeReply replaces CR and LF in status and error lines", () => {
  both(status("a\r\nb"), "+a  b\r\n", "+a  b\r\n");
  both(error("ERR bad\nthing"), "-ERR bad thing\r\n", "-ERR bad thing\r\n");
});

test("encodeReply null: $-1 or *-1 in RESP2, _ in RESP3", () => {
  both(NULL, "$-1\r\n", "_\r\n");
  both(NULL_ARRAY, "*-1\r\n", "_\r\n");
});

test("encodeReply arrays, nested", () => {
  both(EMPTY_ARRAY, "*0\r\n", "*0\r\n");
  both(
    array([int(1), bulk("a"), array([NULL, OK])]),
    "*3\r\n:1\r\n$1\r\na\r\n*2\r\n$-1\r\n+OK\r\n",
    "*3\r\n:1\r\n$1\r\na\r\n*2\r\n_\r\n+OK\r\n",
  );
});

test("encodeReply map: %n in RESP3, flat array of 2n in RESP2", () => {
  both(
    map([[bulk("a"), int(1)], [bulk("b"), map([])]]),
    "*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n*0\r\n",
    "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n%0\r\n",
  );
});

test("encodeReply set and push: ~n / >n in RESP3, arrays in RESP2", () => {
  both(set([bulk("x"), bulk("y")]), "*2\r\n$1\r\nx\r\n$1\r\ny\r\n", "~2\r\n$1\r\nx\r\n$1\r\ny\r\n");
  both(
    { type: "push", value: [bulk("message"), bulk("ch"), bulk("hi")] },
    "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
    ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
  );
});

test("encodeReply double: ,d in RESP3, bulk string of the same text in RESP2", () => {
  both(double(3.0), "$1\r\n3\r\n", ",3\r\n");
  both(double(0.1), "$3\r\n0.1\r\n", ",0.1\r\n");
  both(double(-1.5e-7), "$7\r\n-1.5e-7\r\n", ",-1.5e-7\r\n");
  both(double(Infinity), "$3\r\ninf\r\n", ",inf\r\n");
  both(double(-Infinity), "$4\r\n-inf\r\n", ",-inf\r\n");
  both(double(NaN), "$3\r\nnan\r\n", ",nan\r\n");
});

test("encodeReply boolean: #t/#f in RESP3, :1/:0 in RESP2", () => {
  both(bool(true), ":1\r\n", "#t\r\n");
  both(bool(false), ":0\r\n", "#f\r\n");
});

test("encodeReply big number: (n in RESP3, bulk string in RESP2", () => {
  const n = "3492890328409238509324850943850943825024385";
  both({ type: "bignum", value: n }, `$${n.length}\r\n${n}\r\n`, `(${n}\r\n`);
  both({ type: "bignum", value: "1\r\n2" }, "$4\r\n1  2\r\n", "(1  2\r\n");
});

test("encodeReply verbatim: =len fmt:text in RESP3, bulk of the text in RESP2", () => {
  both(verbatim("txt", "Some string"), "$11\r\nSome string\r\n", "=15\r\ntxt:Some string\r\n");
  both(verbatim("mkd", ""), "$0\r\n\r\n", "=4\r\nmkd:\r\n");
  // The format is cut or space-padded to three bytes, as addReplyVerbatim does.
  assert.equal(wire(verbatim("x", "ab"), 3), "=6\r\nx  :ab\r\n");
  assert.equal(wire(verbatim("markdown", "ab"), 3), "=6\r\nmar:ab\r\n");
});

test("encodeReply attribute: |n pairs then the reply in RESP3, only the reply in RESP2", () => {
  const reply: Reply = {
    type: "attribute",
    attributes: [[bulk("ttl"), int(3600)]],
    value: array([int(2039123), int(9543892)]),
  };
  both(
    reply,
    "*2\r\n:2039123\r\n:9543892\r\n",
    "|1\r\n$3\r\nttl\r\n:3600\r\n*2\r\n:2039123\r\n:9543892\r\n",
  );
});

test("ReplyWriter concatenates pipelined replies and empties on take()", () => {
  const w = new ReplyWriter(4);
  w.write(OK, 2);
  w.write(int(42), 2);
  w.write(bulk("v".repeat(100)), 2);
  assert.equal(w.length, 5 + 5 + 6 + 100 + 2);
  const first = w.take();
  assert.equal(String.fromCharCode(...first), `+OK\r\n:42\r\n$100\r\n${"v".repeat(100)}\r\n`);
  assert.equal(w.length, 0);
  assert.equal(w.take().length, 0);
  w.write(NULL, 3);
  assert.equal(String.fromCharCode(...w.take()), "_\r\n");
  // Earlier results are not overwritten by later writes.
  assert.equal(String.fromCharCode(...first.subarray(0, 5)), "+OK\r\n");
});

test("ReplyWriter hands over large outputs intact", () => {
  const w = new ReplyWriter();
  const value = "k".repeat(70_000);
  w.write(bulk(value), 2);
  const out = w.take();
  w.write(OK, 2);
  assert.equal(out.length, 70_000 + 10);
  assert.equal(String.fromCharCode(...out.subarray(0, 8)), "$70000\r\n");
  assert.equal(out[out.length - 1], 10);
  assert.equal(out[9], 107);
  assert.equal(String.fromCharCode(...w.take()), "+OK\r\n");
});

/** Bytes as a byte string, for outputs too long to spread into fromCharCode. */
function latin1(u: Uint8Array): string {
  let s = "";
  for (let i = 0; i < u.length; i += 8192) {
    s += String.fromCharCode(...u.subarray(i, i + 8192));
  }
  return s;
}

// CONV-9: a script returning a self-referencing table gets a reply ~8000 levels deep (redis-server
// 7.0.15 sends 7995 nested `*1` then `-ERR reached lua stack limit`).
test("encodeReply writes a reply nested 10,000 levels deep in RESP2 and RESP3", () => {
  const depth = 10_000;
  let r: Reply = error("ERR reached lua stack limit");
  for (let i = 0; i < depth; i++) r = array([r]);
  const expected = "*1\r\n".repeat(depth) + "-ERR reached lua stack limit\r\n";
  assert.equal(latin1(encodeReply(r, 2)), expected);
  assert.equal(latin1(encodeReply(r, 3)), expected);
});

test("encodeReply writes every aggregate type nested 10,000 levels deep", () => {
  let r: Reply = int(7);
  let resp2 = ":7\r\n";
  let resp3 = ":7\r\n";
  for (let i = 0; i < 10_000; i++) {
    switch (i % 4) {
      case 0:
        r = map([[bulk("k"), r]]);
        resp2 = "*2\r\n$1\r\nk\r\n" + resp2;
        resp3 = "%1\r\n$1\r\nk\r\n" + resp3;
        break;
      case 1:
        r = set([r, int(2)]);
        resp2 = "*2\r\n" + resp2 + ":2\r\n";
        resp3 = "~2\r\n" + resp3 + ":2\r\n";
        break;
      case 2:
        r = { type: "push", value: [r] };
        resp2 = "*1\r\n" + resp2;
        resp3 = ">1\r\n" + resp3;
        break;
      case 3:
        r = { type: "attribute", attributes: [[bulk("a"), array([])]], value: array([r, NULL]) };
        resp2 = "*2\r\n" + resp2 + "$-1\r\n";
        resp3 = "|1\r\n$1\r\na\r\n*0\r\n*2\r\n" + resp3 + "_\r\n";
        break;
    }
  }
  assert.equal(latin1(encodeReply(r, 2)), resp2);
  assert.equal(latin1(encodeReply(r, 3)), resp3);
});

test("ReplyWriter.write is all or nothing: a value that is not a reply throws TypeError", () => {
  const bogus = { type: "bogus" } as unknown as Reply;
  const w = new ReplyWriter();
  w.write(OK, 2);
  assert.throws(() => w.write(bogus, 2), TypeError);
  assert.throws(() => w.write(array([int(1), bulk("x"), bogus]), 3), TypeError);
  let deep: Reply = array([int(1), bogus]);
  for (let i = 0; i < 5_000; i++) deep = array([deep]);
  assert.throws(() => w.write(deep, 2), TypeError);
  w.write(int(1), 2);
  assert.equal(latin1(w.take()), "+OK\r\n:1\r\n");
  // The shared writer behind encodeReply recovers too.
  assert.throws(() => encodeReply(map([[bulk("k"), bogus]]), 3), TypeError);
  assert.equal(latin1(encodeReply(OK, 3)), "+OK\r\n");
});

test("encodeReply writes 10,000 chained attributes (RESP2: only the reply)", () => {
  let r: Reply = int(1);
  for (let i = 0; i < 10_000; i++) r = { type: "attribute", attributes: [], value: r };
  assert.equal(latin1(encodeReply(r, 2)), ":1\r\n");
  assert.equal(latin1(encodeReply(r, 3)), "|0\r\n".repeat(10_000) + ":1\r\n");
});
