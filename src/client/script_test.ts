import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Script, scriptCode } from "./script.ts";

test("Script hashes match GLIDE's documented examples (GL-2)", () => {
  assert.equal(new Script("return 'Hello'").getHash(), "af6b5d19da06755d789858a67760f34bbd2e9e52");
  assert.equal(
    new Script("return 'Hello, Valkey!'").getHash(),
    "ed10d744712a805d1224c1272ddf18b5e0bb976c",
  );
  assert.equal(
    new Script("return { KEYS[1], ARGV[1] }").getHash(),
    "f748396fc563f7ae57c310164daf716d93d9d51c",
  );
});

test("Script with the same code has the same hash, string or bytes (GL-2)", () => {
  const a = new Script("return 'é'");
  const b = new Script(new TextEncoder().encode("return 'é'"));
  assert.equal(a.getHash(), b.getHash());
  assert.equal(scriptCode(a), "return '\xc3\xa9'");
});

test("Script hashes the exact bytes, including non-UTF-8 ones", () => {
  const code = new Uint8Array([0x72, 0x65, 0x74, 0x75, 0x72, 0x6e, 0x20, 0x27, 0xff, 0x27]);
  const s = new Script(code);
  assert.equal(scriptCode(s), "return '\xff'");
  assert.equal(s.getHash(), createHash("sha1").update(code).digest("hex"));
});

test("Script rejects a non-string body with a TypeError", () => {
  assert.throws(() => new Script(42 as unknown as string), TypeError);
});
