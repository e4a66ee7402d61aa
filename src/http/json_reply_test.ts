import { test } from "node:test";
import assert from "node:assert/strict";
import { jsonToReply, parseAnswerJson } from "./json_reply.ts";
import { array, bulk, int, NULL, OK, type Reply } from "../resp/reply.ts";

test("jsonToReply reads a top-level OK as the status and other strings as base64", () => {
  assert.deepEqual(jsonToReply("OK"), OK);
  assert.deepEqual(jsonToReply("T0s="), bulk("OK"));
  assert.deepEqual(jsonToReply("AP8="), bulk("\x00\xff"));
  assert.deepEqual(jsonToReply(["T0s=", "T0s="]), array([bulk("OK"), bulk("OK")]));
});

test("jsonToReply reads null, integers and nested arrays", () => {
  assert.deepEqual(jsonToReply(null), NULL);
  assert.deepEqual(jsonToReply(-7), int(-7));
  assert.deepEqual(jsonToReply(9223372036854775807n), int(9223372036854775807n));
  assert.deepEqual(
    jsonToReply([1, [null, ["YQ=="]], []]),
    array([int(1), array([NULL, array([bulk("a")])]), array([])]),
  );
});

test("jsonToReply refuses objects and booleans at any depth with a SyntaxError", () => {
  assert.throws(() => jsonToReply({ a: 1 }), SyntaxError);
  assert.throws(() => jsonToReply([1, [true]]), /unexpected value in an answer: true/);
});

test("parseAnswerJson keeps integers beyond 2^53 exact", () => {
  // Deno and Bun expose the source text to revivers (the test runtimes).
  assert.deepEqual(parseAnswerJson('{"result":[9223372036854775807,-9007199254740993,1.5]}'), {
    result: [9223372036854775807n, -9007199254740993n, 1.5],
  });
  assert.deepEqual(parseAnswerJson('{"result":1}'), { result: 1 });
  assert.throws(() => parseAnswerJson("{"), SyntaxError);
});

test("jsonToReply and parseAnswerJson handle answers nested 10,000 levels deep", () => {
  const depth = 10_000;
  const text = "[".repeat(depth) + "1" + "]".repeat(depth);
  let r: Reply = jsonToReply(parseAnswerJson(text));
  for (let i = 0; i < depth; i++) {
    assert.equal(r.type, "array");
    r = (r as { value: readonly Reply[] }).value[0];
  }
  assert.deepEqual(r, int(1));
});
