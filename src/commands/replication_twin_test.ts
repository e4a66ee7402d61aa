// Twin tests of WAIT against redis-server 7.0.15 without replicas: 0 (at once, or after the
// timeout for a client that can block: evalkit's in-process twin cannot, so it replies at once),
// errors, MULTI. Valkey 8 lets scripts call WAIT (CALL-13); Redis 7.0 flags it noscript.

import { bulk, int } from "../resp/reply.ts";
import { twin, valkey } from "../testing/twin.ts";

twin("WAIT without replicas replies 0", [
  ["WAIT", "0", "0"],
  ["WAIT", "0", "1000"],
  ["WAIT", "1", "50"],
  ["WAIT", "-1", "50"],
  ["SET", "k", "v"],
  ["WAIT", "1", "20"],
]);

twin("WAIT argument errors", [
  ["WAIT", "x", "0"],
  ["WAIT", "x", "-1"],
  ["WAIT", "1.5", "0"],
  ["WAIT", "0", "x"],
  ["WAIT", "0", "1.5"],
  ["WAIT", "0", "-1"],
  ["WAIT", "0", "9223372036854775808"],
  ["WAIT", "0"],
  ["WAIT", "0", "0", "0"],
]);

twin("WAIT inside MULTI replies at once", [
  ["MULTI"],
  ["WAIT", "1", "0"],
  ["EXEC"],
]);

twin("WAIT from a script replies the current count at once (CALL-13)", [
  ["EVAL", "return server.call('wait', 1, 0)", "0", valkey(int(0))],
  [
    "EVAL",
    "return server.pcall('wait', 0, -1)['err']",
    "0",
    valkey(bulk("ERR timeout is negative")),
  ],
], {
  valkeyDiff: "Redis 7.0 flags WAIT noscript; Valkey 8 (like Redis 7.2) flags it blocking and " +
    "scripts get the current count without blocking",
});
