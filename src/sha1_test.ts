import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { sha1hex } from "./sha1.ts";

test("sha1hex matches the spec vectors (API-3)", () => {
  assert.equal(sha1hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  assert.equal(sha1hex("Pizza & Mandolino"), "74822d82031af7493c20eefa13bd07ec4fada82f");
  assert.equal(sha1hex("1"), "356a192b7913b04c54574d18c28d46e6395428ab");
});

test("sha1hex hashes bytes, not UTF-16, across block boundaries", () => {
  for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_000]) {
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode((i * 131 + 7) & 255);
    const expected = createHash("sha1").update(Uint8Array.from(s, (c) => c.charCodeAt(0)))
      .digest("hex");
    assert.equal(sha1hex(s), expected, `length ${n}`);
  }
});
