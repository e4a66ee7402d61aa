import { test } from "node:test";
import assert from "node:assert/strict";
import {
  errorObject,
  parseJson,
  parseQuery,
  percentDecode,
  replyToJson,
  resultObject,
  toArgv,
  toArgvList,
} from "./json.ts";
import {
  array,
  bool,
  bulk,
  double,
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
} from "../resp/reply.ts";

const argvOf = (text: string) => toArgv(parseJson(text)!.value);

test("toArgv encodes JSON strings as UTF-8 bytes", () => {
  assert.deepEqual(argvOf('["SET","k","h\\u00e9\\u2713"]'), ["SET", "k", "h\xc3\xa9\xe2\x9c\x93"]);
});

test("toArgv keeps the literal text of JSON numbers", () => {
  // Deno and Bun expose the source text to revivers (the test runtimes).
  assert.deepEqual(argvOf('["SET","k",1.10]'), ["SET", "k", "1.10"]);
  assert.deepEqual(argvOf('["INCRBY","k",9007199254740993]'), ["INCRBY", "k", "9007199254740993"]);
  assert.deepEqual(argvOf('["SET","k",-0,1e3]'), ["SET", "k", "-0", "1e3"]);
});

test("toArgv turns booleans into true / false", () => {
  assert.deepEqual(argvOf('["SET","k",true,false]'), ["SET", "k", "true", "false"]);
});

test("toArgv refuses empty arrays, non-arrays, null, objects and nested arrays", () => {
  for (
    const text of ["[]", "{}", '"GET"', "1", "null", '["SET",null]', '["SET",{}]', '["SET",["x"]]']
  ) {
    assert.equal(argvOf(text), undefined, text);
  }
});

test("toArgvList needs a non-empty array of commands", () => {
  assert.deepEqual(toArgvList(parseJson('[["PING"],["GET",1]]')!.value), [["PING"], ["GET", "1"]]);
  for (const text of ["[]", '["PING"]', "[[]]", '[["PING"],[]]', '[["PING"],"x"]']) {
    assert.equal(toArgvList(parseJson(text)!.value), undefined, text);
  }
});

test("parseJson reports text that is not JSON", () => {
  assert.equal(parseJson(""), undefined);
  assert.equal(parseJson('["SET",'), undefined);
});

test("percentDecode decodes escapes to bytes, binary included", () => {
  assert.equal(percentDecode("a%20b", false), "a b");
  assert.equal(percentDecode("x%FFy%00", false), "x\xffy\x00");
  assert.equal(percentDecode("a%2Fb", false), "a/b");
  assert.equal(percentDecode("a+b", false), "a+b");
  assert.equal(percentDecode("a+b", true), "a b");
  assert.equal(percentDecode("100%", false), "100%");
  assert.equal(percentDecode("%zz", false), "%zz");
  assert.equal(percentDecode("\u00e9", false), "\xc3\xa9");
});

test("parseQuery keeps order and raw bytes", () => {
  assert.deepEqual(parseQuery("?EX=100&NX&v=%FF"), [["EX", "100"], ["NX", ""], ["v", "\xff"]]);
  assert.deepEqual(parseQuery(""), []);
});

test("replyToJson shapes replies as RESP2 does", () => {
  assert.equal(replyToJson(OK, false), '"OK"');
  assert.equal(replyToJson(int(137), false), "137");
  assert.equal(replyToJson(int(2n ** 63n - 1n), false), "9223372036854775807");
  assert.equal(replyToJson(NULL, false), "null");
  assert.equal(replyToJson(NULL_ARRAY, false), "null");
  assert.equal(
    replyToJson(array([bulk("value1"), NULL, bulk("value2")]), false),
    '["value1",null,"value2"]',
  );
  assert.equal(replyToJson(map([[bulk("a"), int(1)]]), false), '["a",1]');
  assert.equal(replyToJson(set([bulk("a")]), false), '["a"]');
  assert.equal(replyToJson(double(1.5), false), '"1.5"');
  assert.equal(replyToJson(double(3), false), '"3"');
  assert.equal(replyToJson(bool(true), false), "1");
  assert.equal(replyToJson(bool(false), false), "0");
  assert.equal(replyToJson(verbatim("txt", "hi"), false), '"hi"');
  assert.equal(replyToJson(array([int(1), error("ERR boom")]), false), '[1,"ERR boom"]');
});

test("replyToJson decodes bytes as UTF-8, replacing invalid sequences", () => {
  assert.equal(JSON.parse(replyToJson(bulk("h\xc3\xa9"), false)), "h\u00e9");
  assert.equal(JSON.parse(replyToJson(bulk("a\xffb"), false)), "a\ufffdb");
  assert.equal(JSON.parse(replyToJson(bulk('q"\\\n'), false)), 'q"\\\n');
});

test("replyToJson in base64 encodes every string except a top-level OK", () => {
  assert.equal(replyToJson(OK, true), '"OK"');
  assert.equal(replyToJson(bulk("OK"), true), '"T0s="');
  assert.equal(replyToJson(status("PONG"), true), '"UE9ORw=="');
  assert.equal(replyToJson(array([OK, bulk("\xff\x00")]), true), '["T0s=","/wA="]');
  assert.equal(replyToJson(array([int(1), NULL, array([bulk("bar")])]), true), '[1,null,["YmFy"]]');
  assert.equal(replyToJson(double(1.5), true), '"MS41"');
});

test("resultObject and errorObject build the envelope; errors stay plain", () => {
  assert.equal(resultObject(bulk("bar"), true), '{"result":"YmFy"}');
  assert.equal(resultObject(error("ERR x"), true), '{"error":"ERR x"}');
  assert.equal(errorObject("ERR a\r\nb"), '{"error":"ERR a  b"}');
});

// CONV-9: a self-referencing table's reply is ~8000 levels deep (redis-server 7.0.15: 7995).
test("replyToJson encodes replies nested 10,000 levels deep", () => {
  const depth = 10_000;
  let r: Reply = error("ERR reached lua stack limit");
  for (let i = 0; i < depth; i++) r = array([r]);
  const text = "[".repeat(depth) + '"ERR reached lua stack limit"' + "]".repeat(depth);
  assert.equal(replyToJson(r, false), text);
  assert.equal(resultObject(r, false), `{"result":${text}}`);
  assert.equal(
    replyToJson(r, true),
    "[".repeat(depth) + `"${btoa("ERR reached lua stack limit")}"` + "]".repeat(depth),
  );
  // Maps flatten and sets nest at any depth; attributes are dropped.
  let m: Reply = int(1);
  for (let i = 0; i < depth; i++) {
    m = i % 2 === 0
      ? map([[bulk("k"), m]])
      : { type: "attribute", attributes: [[bulk("a"), NULL]], value: set([m, NULL]) };
  }
  let expected = "1";
  for (let i = 0; i < depth; i++) {
    expected = i % 2 === 0 ? `["k",${expected}]` : `[${expected},null]`;
  }
  assert.equal(replyToJson(m, false), expected);
});
