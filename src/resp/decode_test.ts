import { test } from "node:test";
import assert from "node:assert/strict";
import { CommandDecoder, type CommandDecoderOptions, ReplyDecoder } from "./decode.ts";
import type { Reply } from "./reply.ts";

function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

type Decoded = string[] | { error: string };

/** Feeds `input` as given chunks and drains after each; returns everything decoded. */
function decodeChunks(chunks: readonly string[], options?: CommandDecoderOptions): Decoded[] {
  const d = new CommandDecoder(options);
  const out: Decoded[] = [];
  for (const chunk of chunks) {
    d.feed(bytes(chunk));
    for (;;) {
      const r = d.next();
      if (r === undefined) break;
      out.push(Array.isArray(r) ? r : { error: r.text });
    }
  }
  return out;
}

/** Decodes `input` as one chunk and byte by byte; both must give `expected`. */
function check(input: string, expected: Decoded[], options?: CommandDecoderOptions): void {
  assert.deepEqual(decodeChunks([input], options), expected, "as one chunk");
  assert.deepEqual(decodeChunks([...input], options), expected, "byte by byte");
}

const PING = ["PING"];
const err = (text: string) => ({ error: text });

// Expected values: a real redis-server 7.0.15 given the same bytes (same networking.c code as
// Valkey 8 for these paths).

test("CommandDecoder multibulk commands, pipelined", () => {
  check("*1\r\n$4\r\nPING\r\n", [PING]);
  check("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", [
    ["SET", "k", "hello"],
    ["GET", "k"],
  ]);
  check("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", [["ECHO", ""]]);
});

test("CommandDecoder bulk arguments are binary-safe", () => {
  let all = "";
  for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
  check(`*2\r\n$4\r\nECHO\r\n$256\r\n${all}\r\n`, [["ECHO", all]]);
  check("*2\r\n$4\r\nECHO\r\n$4\r\n\r\n\r\n\r\n", [["ECHO", "\r\n\r\n"]]);
  const long = "v".repeat(40_000) + "\xff" + "w".repeat(40_000);
  assert.deepEqual(decodeChunks([`*2\r\n$4\r\nECHO\r\n$80001\r\n${long}\r\n`]), [["ECHO", long]]);
});

test("CommandDecoder skips empty multibulks (*0, negative counts)", () => {
  check("*0\r\n*-1\r\nPING\r\n", [PING]);
  check("*-5\r\nPING\r\n", [PING]);
  check("*-9223372036854775808\r\nPING\r\n", [PING]);
});

test("CommandDecoder skips the two bytes after a bulk without checking them", () => {
  check("*2\r\n$4\r\nECHO\r\n$3\r\nabcXY*1\r\n$4\r\nPING\r\n", [["ECHO", "abc"], PING]);
  // Only \r ends a count line; the byte after it is skipped whatever it is.
  check("*1\r$4\r\nPING\r\n", [err("ERR Protocol error: expected '$', got '4'")]);
});

test("CommandDecoder invalid multibulk length", () => {
  const e = err("ERR Protocol error: invalid multibulk length");
  for (const count of ["abc", "01", "3000000000", "+1", "", "-0", "-9223372036854775809", " 1"]) {
    check(`*${count}\r\nPING\r\n`, [e]);
  }
  // Up to INT_MAX is a valid count: the decoder waits for the arguments.
  check("*1048577\r\n", []);
});

test("CommandDecoder invalid bulk length", () => {
  const e = err("ERR Protocol error: invalid bulk length");
  for (const len of ["-1", "2147483648", "04", "+4", "", "536870913", "x"]) {
    check(`*1\r\n$${len}\r\nPING\r\n`, [e]);
  }
  check("*1\r\n$536870912\r\n", []); // proto-max-bulk-len itself is accepted
  check("*1\r\n$10\r\nPING\r\n", [err("ERR Protocol error: invalid bulk length")], {
    maxBulkLength: 9,
  });
});

test("CommandDecoder expected '$'", () => {
  check("*1\r\n+foo\r\n", [err("ERR Protocol error: expected '$', got '+'")]);
  check("*1\r\n\r\n", [err("ERR Protocol error: expected '$', got ' '")]);
  check("*1\r\n\n\r\n", [err("ERR Protocol error: expected '$', got ' '")]);
  check("*1\r\n\xe9\r\n", [err("ERR Protocol error: expected '$', got '\xe9'")]);
});

test("CommandDecoder reports commands decoded before a protocol error, then stops", () => {
  check("*1\r\n$4\r\nPING\r\nPING\r\n*x\r\n*1\r\n$4\r\nPING\r\n", [
    PING,
    PING,
    err("ERR Protocol error: invalid multibulk length"),
  ]);
  const d = new CommandDecoder();
  d.feed(bytes("*y\r\n"));
  assert.equal(d.next()?.constructor, Object);
  d.feed(bytes("PING\r\n"));
  assert.equal(d.next(), undefined);
});

test("CommandDecoder a NUL byte hides the rest of a line (strchr)", () => {
  check("*1\r\n\0\r\n", []);
  check("PI\0NG\r\n", []);
  check("*1\r\n$4\r\nPI\0G\r\n", [["PI\0G"]]);
});

test("CommandDecoder too big count and inline lines", () => {
  const big = "1".repeat(64 * 1024);
  check(`*${big}`, [err("ERR Protocol error: too big mbulk count string")]);
  check(`*1\r\n$${big}`, [err("ERR Protocol error: too big bulk count string")]);
  check(`PING ${big}`, [err("ERR Protocol error: too big inline request")]);
  // At exactly 64 KiB pending the decoder still waits.
  check("P".repeat(64 * 1024), []);
  check("*" + "1".repeat(64 * 1024 - 1), []);
});

test("CommandDecoder inline commands (sdssplitargs)", () => {
  check("PING\r\n", [PING]);
  check("PING\nPING\r\n", [PING, PING]);
  check("\r\n\r\nPING\r\n", [PING]);
  check("   \r\n\t\r\nPING\r\n", [PING]);
  check("SET  k   v\r\n", [["SET", "k", "v"]]);
  check('ECHO ""\r\n', [["ECHO", ""]]);
  check("ECHO ''\r\n", [["ECHO", ""]]);
  check('ECHO "a\\"b"\r\n', [["ECHO", 'a"b']]);
  check('ECHO "\\x41\\n\\r\\t\\b\\a\\q\\xzz"\r\n', [["ECHO", "A\n\r\t\b\x07qxzz"]]);
  check("ECHO 'it\\'s' 'a\\nb'\r\n", [["ECHO", "it's", "a\\nb"]]);
  check('ECHO a"b c"d\r\n', [err("ERR Protocol error: unbalanced quotes in request")]);
  check('SET "a"b x\r\n', [err("ERR Protocol error: unbalanced quotes in request")]);
  check('PING\r\nPING "a\r\n', [PING, err("ERR Protocol error: unbalanced quotes in request")]);
  check("ECHO \xe9\xff\r\n", [["ECHO", "\xe9\xff"]]);
});

test("CommandDecoder unauthenticated limits", () => {
  const unauth = { authRequired: () => true };
  check("*11\r\n", [err("ERR Protocol error: unauthenticated multibulk length")], unauth);
  check("*10\r\n", [], unauth);
  check(
    "*2\r\n$4\r\nAUTH\r\n$16385\r\n",
    [err("ERR Protocol error: unauthenticated bulk length")],
    unauth,
  );
  check("*2\r\n$4\r\nAUTH\r\n$16384\r\n", [], unauth);
  // An invalid count is reported before the authentication limit.
  check("*x\r\n", [err("ERR Protocol error: invalid multibulk length")], unauth);
});

test("CommandDecoder resumes across arbitrary splits", () => {
  const input = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$10\r\n0123456789\r\nPING\r\n*1\r\n$4\r\nPING\r\n";
  const expected = [["SET", "key", "0123456789"], PING, PING];
  for (let i = 0; i <= input.length; i++) {
    for (let j = i; j <= input.length; j += 7) {
      const got = decodeChunks([input.slice(0, i), input.slice(i, j), input.slice(j)]);
      assert.deepEqual(got, expected, `split at ${i}, ${j}`);
    }
  }
});

test("CommandDecoder no longer reads a chunk once next() returned undefined", () => {
  const d = new CommandDecoder();
  const chunk = bytes("*2\r\n$4\r\nECHO\r\n$6\r\nabc");
  d.feed(chunk);
  assert.equal(d.next(), undefined);
  chunk.fill(0x21); // the caller reuses its read buffer
  d.feed(bytes("def\r\n"));
  assert.deepEqual(d.next(), ["ECHO", "abcdef"]);
  assert.equal(d.buffered, 0);
});

test("CommandDecoder a big bulk fed in many chunks", () => {
  const value = "0123456789abcdef".repeat(8192); // 128 KiB
  const input = `*2\r\n$4\r\nECHO\r\n$${value.length}\r\n${value}\r\n*1\r\n$4\r\nPING\r\n`;
  for (const size of [1, 1000, 16384, 65536]) {
    const chunks: string[] = [];
    for (let i = 0; i < input.length; i += size) chunks.push(input.slice(i, i + size));
    assert.deepEqual(decodeChunks(chunks), [["ECHO", value], PING], `chunks of ${size}`);
  }
});

// ---- replies ----

function decodeReplies(input: string): Reply[] {
  return new ReplyDecoder().feed(bytes(input));
}

function decodeRepliesByteByByte(input: string): Reply[] {
  const d = new ReplyDecoder();
  const out: Reply[] = [];
  for (const c of input) out.push(...d.feed(bytes(c)));
  return out;
}

function checkReplies(input: string, expected: Reply[]): void {
  assert.deepEqual(decodeReplies(input), expected, "as one chunk");
  assert.deepEqual(decodeRepliesByteByByte(input), expected, "byte by byte");
}

test("ReplyDecoder RESP2 types", () => {
  checkReplies("+OK\r\n-ERR bad thing\r\n:42\r\n:-7\r\n$5\r\nhello\r\n$0\r\n\r\n$-1\r\n*-1\r\n", [
    { type: "status", value: "OK" },
    { type: "error", value: "ERR bad thing" },
    { type: "integer", value: 42 },
    { type: "integer", value: -7 },
    { type: "bulk", value: "hello" },
    { type: "bulk", value: "" },
    { type: "null" },
    { type: "null", array: true },
  ]);
  checkReplies("*3\r\n:1\r\n*0\r\n*2\r\n$1\r\na\r\n$-1\r\n", [{
    type: "array",
    value: [
      { type: "integer", value: 1 },
      { type: "array", value: [] },
      { type: "array", value: [{ type: "bulk", value: "a" }, { type: "null" }] },
    ],
  }]);
});

test("ReplyDecoder integers beyond 2^53 are bigint", () => {
  checkReplies(":9223372036854775807\r\n:-9223372036854775808\r\n:9007199254740991\r\n", [
    { type: "integer", value: 9223372036854775807n },
    { type: "integer", value: -9223372036854775808n },
    { type: "integer", value: 9007199254740991 },
  ]);
});

test("ReplyDecoder bulk strings are binary-safe", () => {
  checkReplies("$6\r\na\r\n\0\xffb\r\n", [{ type: "bulk", value: "a\r\n\0\xffb" }]);
});

test("ReplyDecoder RESP3 types", () => {
  checkReplies(
    "_\r\n,3.14\r\n,inf\r\n,-inf\r\n,10\r\n#t\r\n#f\r\n(3492890328409238509324850943850943825024385\r\n" +
      "=15\r\ntxt:Some string\r\n!21\r\nSYNTAX invalid syntax\r\n",
    [
      { type: "null" },
      { type: "double", value: 3.14 },
      { type: "double", value: Infinity },
      { type: "double", value: -Infinity },
      { type: "double", value: 10 },
      { type: "boolean", value: true },
      { type: "boolean", value: false },
      { type: "bignum", value: "3492890328409238509324850943850943825024385" },
      { type: "verbatim", format: "txt", value: "Some string" },
      { type: "error", value: "SYNTAX invalid syntax" },
    ],
  );
  const [nan] = decodeReplies(",nan\r\n");
  assert.ok(nan.type === "double" && Number.isNaN(nan.value));
});

test("ReplyDecoder RESP3 aggregates", () => {
  checkReplies("%2\r\n+first\r\n:1\r\n+second\r\n~2\r\n:2\r\n:3\r\n%0\r\n~0\r\n", [
    {
      type: "map",
      value: [
        [{ type: "status", value: "first" }, { type: "integer", value: 1 }],
        [{ type: "status", value: "second" }, {
          type: "set",
          value: [{ type: "integer", value: 2 }, { type: "integer", value: 3 }],
        }],
      ],
    },
    { type: "map", value: [] },
    { type: "set", value: [] },
  ]);
  checkReplies(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n", [{
    type: "push",
    value: [
      { type: "bulk", value: "message" },
      { type: "bulk", value: "ch" },
      { type: "bulk", value: "hi" },
    ],
  }]);
});

test("ReplyDecoder attributes decorate the reply that follows", () => {
  checkReplies(
    "|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.1923\r\n*2\r\n:2039123\r\n:9543892\r\n+OK\r\n",
    [
      {
        type: "attribute",
        attributes: [[
          { type: "status", value: "key-popularity" },
          {
            type: "map",
            value: [[{ type: "bulk", value: "a" }, { type: "double", value: 0.1923 }]],
          },
        ]],
        value: {
          type: "array",
          value: [{ type: "integer", value: 2039123 }, { type: "integer", value: 9543892 }],
        },
      },
      { type: "status", value: "OK" },
    ],
  );
  // Inside an aggregate, the attribute belongs to the next element only.
  checkReplies("*2\r\n|1\r\n+a\r\n:1\r\n:2\r\n:3\r\n", [{
    type: "array",
    value: [
      {
        type: "attribute",
        attributes: [[{ type: "status", value: "a" }, { type: "integer", value: 1 }]],
        value: { type: "integer", value: 2 },
      },
      { type: "integer", value: 3 },
    ],
  }]);
});

test("ReplyDecoder returns only complete replies and keeps the rest", () => {
  const d = new ReplyDecoder();
  assert.deepEqual(d.feed(bytes("+OK\r\n*2\r\n:1")), [{ type: "status", value: "OK" }]);
  assert.deepEqual(d.feed(bytes("\r\n")), []);
  assert.deepEqual(d.feed(bytes(":2\r\n$3\r\nab")), [{
    type: "array",
    value: [{ type: "integer", value: 1 }, { type: "integer", value: 2 }],
  }]);
  assert.deepEqual(d.feed(bytes("c\r\n")), [{ type: "bulk", value: "abc" }]);
});

test("ReplyDecoder throws SyntaxError on malformed input", () => {
  for (
    const input of ["?x\r\n", ":12a\r\n", "$-2\r\n", "#x\r\n", "+a\rb", "*-2\r\n", "=2\r\nab\r\n"]
  ) {
    assert.throws(() => new ReplyDecoder().feed(bytes(input)), SyntaxError, JSON.stringify(input));
  }
});

/** Bytes of a byte string. */
function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Walks `depth` levels of one-element aggregates of `type` (iteratively) and returns the core. */
function unnest(r: Reply, depth: number, type: "array" | "set" | "push"): Reply {
  for (let i = 0; i < depth; i++) {
    assert.equal(r.type, type, `level ${i}`);
    const items = (r as { value: readonly Reply[] }).value;
    assert.equal(items.length, 1, `level ${i}`);
    r = items[0];
  }
  return r;
}

// CONV-9: a client reading the reply of a self-referencing table from a real server (redis-server
// 7.0.15: 7995 levels of `*1`, then `-ERR reached lua stack limit`).
test("ReplyDecoder decodes replies nested 10,000 levels deep, in one chunk and byte by byte", () => {
  const depth = 10_000;
  for (const [prefix, type] of [["*", "array"], ["~", "set"], [">", "push"]] as const) {
    const wire = `${prefix}1\r\n`.repeat(depth) + "-ERR reached lua stack limit\r\n";
    const whole = new ReplyDecoder().feed(latin1Bytes(wire));
    assert.equal(whole.length, 1);
    assert.deepEqual(unnest(whole[0], depth, type), {
      type: "error",
      value: "ERR reached lua stack limit",
    });
    const d = new ReplyDecoder();
    const parts: Reply[] = [];
    for (const b of latin1Bytes(wire)) parts.push(...d.feed(Uint8Array.of(b)));
    assert.equal(parts.length, 1);
    assert.equal(unnest(parts[0], depth, type).type, "error");
  }
  // Maps: `%1 $1 k <value>` all the way down.
  const wire = "%1\r\n$1\r\nk\r\n".repeat(depth) + ":1\r\n";
  let [r] = new ReplyDecoder().feed(latin1Bytes(wire));
  for (let i = 0; i < depth; i++) {
    assert.equal(r.type, "map");
    const entries = (r as { value: readonly (readonly [Reply, Reply])[] }).value;
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0][0], { type: "bulk", value: "k" });
    r = entries[0][1];
  }
  assert.deepEqual(r, { type: "integer", value: 1 });
});
