import { test } from "node:test";
import assert from "node:assert/strict";
import type { Reply } from "../resp/reply.ts";
import { decodeReply, toBytes, valueOrThrow } from "./decode.ts";
import { ExecAbortError, RequestError } from "./errors.ts";

test("decodeReply maps every reply type (module table)", () => {
  const cases: [Reply, unknown][] = [
    [{ type: "bulk", value: "h\xc3\xa9" }, "hé"],
    [{ type: "status", value: "OK" }, "OK"],
    [{ type: "integer", value: 42 }, 42],
    [{ type: "integer", value: 2n ** 63n - 1n }, 2n ** 63n - 1n],
    [{ type: "double", value: 1.5 }, 1.5],
    [{ type: "bignum", value: "123456789012345678901234567890" }, 123456789012345678901234567890n],
    [{ type: "boolean", value: false }, false],
    [{ type: "null" }, null],
    [{ type: "null", array: true }, null],
    [{ type: "verbatim", format: "txt", value: "text" }, "text"],
    [{ type: "array", value: [{ type: "integer", value: 1 }, { type: "null" }] }, [1, null]],
    [{ type: "set", value: [{ type: "bulk", value: "m" }] }, ["m"]],
    [
      { type: "map", value: [[{ type: "bulk", value: "f" }, { type: "integer", value: 1 }]] },
      { f: 1 },
    ],
    [
      {
        type: "attribute",
        attributes: [],
        value: { type: "bulk", value: "v" },
      },
      "v",
    ],
  ];
  for (const [reply, expected] of cases) assert.deepEqual(decodeReply(reply), expected);
});

test("decodeReply with the bytes decoder returns bulk strings as Uint8Array", () => {
  assert.deepEqual(
    decodeReply({ type: "bulk", value: "\xff\x00" }, "bytes"),
    new Uint8Array([255, 0]),
  );
  assert.equal(decodeReply({ type: "status", value: "OK" }, "bytes"), "OK");
  assert.deepEqual(
    decodeReply({ type: "array", value: [{ type: "bulk", value: "a" }] }, "bytes"),
    [new Uint8Array([97])],
  );
});

test("decodeReply makes a map key __proto__ an own property", () => {
  const v = decodeReply({
    type: "map",
    value: [[{ type: "bulk", value: "__proto__" }, { type: "integer", value: 1 }]],
  }) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.ok(Object.hasOwn(v, "__proto__"));
});

test("errors: nested ones are values, top-level ones are thrown with their code", () => {
  const nested = decodeReply({ type: "array", value: [{ type: "error", value: "WRONGTYPE x" }] });
  assert.ok(Array.isArray(nested) && nested[0] instanceof RequestError);
  assert.equal((nested[0] as RequestError).code, "WRONGTYPE");
  assert.throws(
    () => valueOrThrow({ type: "error", value: "EXECABORT Transaction discarded." }),
    (e) => e instanceof ExecAbortError && e.code === "EXECABORT",
  );
  assert.throws(
    () => valueOrThrow({ type: "error", value: "NOSCRIPT No matching script." }),
    (e) =>
      e instanceof RequestError && !(e instanceof ExecAbortError) && e.code === "NOSCRIPT" &&
      e.message === "NOSCRIPT No matching script.",
  );
});

test("toBytes encodes strings as UTF-8 and keeps bytes", () => {
  assert.equal(toBytes("é"), "\xc3\xa9");
  assert.equal(toBytes(new Uint8Array([0, 255])), "\x00\xff");
  assert.throws(() => toBytes(1 as unknown as string), TypeError);
});

// CONV-9: a self-referencing table's reply is ~8000 levels deep (redis-server 7.0.15: 7995).
test("decodeReply maps replies nested 10,000 levels deep", () => {
  const depth = 10_000;
  let r: Reply = { type: "error", value: "ERR reached lua stack limit" };
  for (let i = 0; i < depth; i++) r = { type: "array", value: [r] };
  let v = decodeReply(r);
  for (let i = 0; i < depth; i++) {
    assert.ok(Array.isArray(v) && v.length === 1, `level ${i}`);
    v = v[0];
  }
  assert.ok(v instanceof RequestError);
  assert.equal(v.message, "ERR reached lua stack limit");

  let m: Reply = { type: "integer", value: 1 };
  for (let i = 0; i < depth; i++) {
    m = i % 2 === 0
      ? { type: "map", value: [[{ type: "bulk", value: "k" }, m]] }
      : { type: "attribute", attributes: [], value: { type: "set", value: [m, { type: "null" }] } };
  }
  let w = decodeReply(m, "bytes");
  for (let i = depth - 1; i >= 0; i--) {
    if (i % 2 === 0) {
      assert.deepEqual(Object.keys(w as object), ["k"]);
      w = (w as { k: unknown }).k as typeof w;
    } else {
      assert.ok(Array.isArray(w) && w.length === 2 && w[1] === null, `level ${i}`);
      w = w[0];
    }
  }
  assert.equal(w, 1);
});
