// ERR-9 against redis-server 7.0.15: INFO errorstats and total_error_replies after errors raised
// by called commands, refusals of called commands (raised and caught), pcall error tables
// returned as results, the script's own errors, and an OOM refusal inside a script.

import type { Reply } from "../resp/reply.ts";
import { custom, twin } from "../testing/twin.ts";

/** The `total_error_replies` line of INFO stats, compared exactly. */
const totalErrors = custom("INFO stats total_error_replies", (ours, theirs) => {
  const field = (r: Reply) =>
    /^total_error_replies:(\d+)\r$/m.exec((r as { value?: string }).value ?? "")?.[1];
  const a = field(ours), b = field(theirs);
  return a !== undefined && a === b ? undefined : `evalkit ${a} / redis ${b}`;
});

twin("ERR-9 errorstats count each error once", [
  ["SET", "str", "abc"],
  ["EVAL", "return redis.call('lpush', KEYS[1], 'v')", "1", "str"],
  ["INFO", "errorstats"],
  ["EVAL", "error('x')", "0"],
  ["INFO", "errorstats"],
  ["EVAL", "return redis.call('multi')", "0"],
  ["EVAL", "return redis.pcall('multi')['err']", "0"],
  ["EVAL", "return redis.pcall('lpush', 'str', 'v')", "0"],
  ["EVAL", "return redis.pcall('lpush', 'str', 'v')['err']", "0"],
  ["EVAL", "return redis.error_reply('MY own')", "0"],
  ["EVAL", "return {err='OTHER x'}", "0"],
  ["INFO", "errorstats"],
  ["INFO", "stats", totalErrors],
]);

twin("ERR-9 an OOM refusal inside a script counts once", [
  ["CONFIG", "SET", "maxmemory", "1"],
  ["EVAL", "return redis.call('set', 'k', 'v')", "0"],
  ["EVAL", "return redis.pcall('set', 'k', 'v')['err']", "0"],
  ["INFO", "errorstats"],
  ["INFO", "stats", totalErrors],
]);
