import { test } from "node:test";
import assert from "node:assert/strict";
import { crc16, keySlot } from "./slot.ts";

test("crc16 gives the XMODEM check value (CLU-1)", () => {
  assert.equal(crc16("123456789"), 0x31c3);
  assert.equal(crc16(""), 0);
});

test("keySlot matches the verified examples (CLU-3, GL-12)", () => {
  const vectors: [string, number][] = [
    ["foo", 12182],
    ["bar", 5061],
    ["key1", 9189],
    ["123456789", 12739],
    ["user:1000", 1649],
    ["user:{1000}:name", 11326],
    ["user:{1000}:email", 11326],
    ["1000", 11326],
    ["{user1000}.following", 3443],
    ["{user1000}.followers", 3443],
    ["foo{}{bar}", 8363],
    ["foo{{bar}}zap", 4015],
    ["foo{bar}{zap}", 5061],
    ["product:shoe:stock", 9558],
    ["script-key", 13180],
  ];
  for (const [key, slot] of vectors) assert.equal(keySlot(key), slot, key);
});

test("keySlot hashes the whole key when the tag is empty or unterminated (CLU-2)", () => {
  assert.equal(keySlot("{}"), crc16("{}") & 16383);
  assert.equal(keySlot("a{b"), crc16("a{b") & 16383);
  assert.equal(keySlot("a}b{"), crc16("a}b{") & 16383);
});

test("keySlot hashes bytes above 0x7f as single bytes", () => {
  assert.equal(keySlot("\xff\x00{\x80}"), crc16("\x80") & 16383);
});
