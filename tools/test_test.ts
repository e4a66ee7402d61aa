import { test } from "node:test";
import assert from "node:assert/strict";
import { parseBunSummary, parseDenoSummary, stripAnsi } from "./test.ts";

test("parseDenoSummary reads the ok and FAILED summary lines", () => {
  assert.deepEqual(parseDenoSummary("x\nok | 5 passed | 0 failed (12ms)\n"), {
    passed: 5,
    failed: 0,
    skipped: 0,
  });
  assert.deepEqual(
    parseDenoSummary("FAILED | 2 passed (3 steps) | 1 failed | 2 ignored (102ms)\n"),
    { passed: 2, failed: 1, skipped: 2 },
  );
  assert.equal(parseDenoSummary("error: Type checking failed.\n"), undefined);
});

test("parseBunSummary reads the pass/fail/skip/todo block before 'Ran'", () => {
  const out = "a_test.ts:\n(pass) x\n\n 2 pass\n 1 skip\n 1 todo\n 1 fail\n 2 errors\n" +
    "Ran 5 tests across 2 files. [63.00ms]\n";
  assert.deepEqual(parseBunSummary(out), { passed: 2, failed: 1, skipped: 2 });
  assert.deepEqual(parseBunSummary("\n 14 pass\n 0 fail\nRan 14 tests across 1 file. [22ms]\n"), {
    passed: 14,
    failed: 0,
    skipped: 0,
  });
  assert.equal(parseBunSummary("bun test v1.4.5\n"), undefined);
});

test("stripAnsi removes colour sequences", () => {
  assert.equal(stripAnsi("\x1b[0m\x1b[32mok\x1b[0m | 1 passed"), "ok | 1 passed");
});
