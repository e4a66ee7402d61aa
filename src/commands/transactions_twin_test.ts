// Twin tests of MULTI / EXEC / DISCARD / WATCH / UNWATCH against redis-server 7.0.15. Where
// Valkey 8 (what evalkit reproduces) differs from Redis 7.0, the step says what Valkey replies.

import { error, NULL } from "../resp/reply.ts";
import { on, pause, twin, valkey } from "../testing/twin.ts";

twin("MULTI queues commands and EXEC runs them in order", [
  ["MULTI"],
  ["SET", "a", "1"],
  ["INCR", "a"],
  ["GET", "a"],
  ["EXEC"],
  ["GET", "a"],
]);

twin("EXEC replies each command's own error without rolling back", [
  ["MULTI"],
  ["SET", "a", "x"],
  ["INCR", "a"],
  ["SET", "b", "2"],
  ["EXEC"],
  ["GET", "b"],
]);

twin("a queueing error makes EXEC answer EXECABORT and run nothing", [
  ["MULTI"],
  ["SET", "a"],
  ["NOSUCHCOMMAND", "x"],
  ["SET", "b", "2"],
  ["EXEC"],
  ["GET", "b"],
  ["EXEC"],
]);

twin("EXEC and DISCARD outside MULTI, DISCARD inside", [
  ["EXEC"],
  ["DISCARD"],
  ["MULTI"],
  ["SET", "a", "1"],
  ["DISCARD"],
  ["GET", "a"],
  ["DISCARD"],
]);

twin("EXEC with arguments aborts the transaction", [
  ["MULTI"],
  ["SET", "a", "1"],
  ["EXEC", "now"],
  ["EXEC"],
  ["GET", "a"],
  ["EXEC", "x"],
]);

twin("commands flagged no_multi are refused inside MULTI and abort it", [
  ["MULTI"],
  ["SHUTDOWN", "NOSAVE"],
  ["SET", "a", "1"],
  ["EXEC"],
]);

twin(
  "nested MULTI is refused and aborts the transaction",
  [
    ["MULTI"],
    ["MULTI", valkey(error("ERR Command not allowed inside a transaction"))],
    ["SET", "a", "1"],
    ["EXEC", valkey(error("EXECABORT Transaction discarded because of previous errors."))],
    ["GET", "a", valkey(NULL)],
  ],
  {
    valkeyDiff: "Valkey 8 gives MULTI the no_multi flag (valkey #723); Redis 7.0 replies " +
      "`MULTI calls can not be nested` and keeps the transaction",
  },
);

twin(
  "WATCH inside MULTI is refused and aborts the transaction",
  [
    ["MULTI"],
    ["WATCH", "k", valkey(error("ERR Command not allowed inside a transaction"))],
    ["SET", "a", "1"],
    ["EXEC", valkey(error("EXECABORT Transaction discarded because of previous errors."))],
  ],
  { valkeyDiff: "Valkey 8 gives WATCH the no_multi flag (valkey #723)" },
);

twin("SELECT inside MULTI applies to the commands after it and stays", [
  ["SET", "k", "db0"],
  ["MULTI"],
  ["SELECT", "1"],
  ["SET", "k", "db1"],
  ["GET", "k"],
  ["EXEC"],
  ["GET", "k"],
  ["SELECT", "0"],
  ["GET", "k"],
]);

twin("a key written by another client fails EXEC with a null array", [
  ["SET", "k", "1"],
  ["WATCH", "k"],
  on("other", ["SET", "k", "2"]),
  ["MULTI"],
  ["SET", "k", "3"],
  ["EXEC"],
  ["GET", "k"],
]);

twin("a null EXEC in RESP3", [
  ["WATCH", "k"],
  on("other", ["SET", "k", "2"]),
  ["MULTI"],
  ["PING"],
  ["EXEC"],
], { resp: 3 });

twin("the watching client's own write fails its EXEC too", [
  ["SET", "q", "1"],
  ["WATCH", "q"],
  ["SET", "q", "1"],
  ["MULTI"],
  ["PING"],
  ["EXEC"],
]);

twin("WATCH of a key nobody touches lets EXEC run; UNWATCH forgets", [
  ["WATCH", "a", "b"],
  on("other", ["SET", "c", "1"]),
  on("other", ["DEL", "missing"]),
  ["MULTI"],
  ["PING"],
  ["EXEC"],
  ["WATCH", "a"],
  on("other", ["SET", "a", "1"]),
  ["UNWATCH"],
  ["MULTI"],
  ["PING"],
  ["EXEC"],
]);

twin("EXEC forgets watched keys", [
  ["WATCH", "a"],
  ["MULTI"],
  ["PING"],
  ["EXEC"],
  on("other", ["SET", "a", "1"]),
  ["MULTI"],
  ["PING"],
  ["EXEC"],
]);

twin("a watched key that expires before EXEC fails it", [
  ["SET", "k", "v", "PX", "100"],
  ["WATCH", "k"],
  pause(200),
  ["MULTI"],
  ["PING"],
  ["EXEC"],
]);

twin("a key already expired when watched does not fail EXEC when it goes away", [
  ["SET", "k", "v", "PX", "20"],
  pause(60),
  ["WATCH", "k"],
  on("other", ["GET", "k"]),
  ["MULTI"],
  ["PING"],
  ["EXEC"],
]);

twin("a key already expired when watched and then written fails EXEC", [
  ["SET", "k", "v", "PX", "20"],
  pause(60),
  ["WATCH", "k"],
  on("other", ["SET", "k", "new"]),
  ["MULTI"],
  ["PING"],
  ["EXEC"],
]);

twin("FLUSHDB and FLUSHALL fail EXEC only for watched keys that existed", [
  ["WATCH", "nokey"],
  on("other", ["FLUSHALL"]),
  ["MULTI"],
  ["PING"],
  ["EXEC"],
  ["SET", "x", "1"],
  ["WATCH", "x"],
  on("other", ["FLUSHDB"]),
  ["MULTI"],
  ["PING"],
  ["EXEC"],
]);

twin("SWAPDB fails EXEC when the watched key exists on either side", [
  on("other", ["SELECT", "1"]),
  on("other", ["SET", "y", "1"]),
  ["WATCH", "y"],
  on("other", ["SWAPDB", "0", "1"]),
  ["MULTI"],
  ["PING"],
  ["EXEC"],
  ["WATCH", "zz"],
  on("other", ["SWAPDB", "0", "1"]),
  ["MULTI"],
  ["PING"],
  ["EXEC"],
]);

twin("WATCH arity and MULTI-related errors", [
  ["WATCH"],
  ["MULTI", "x"],
  ["UNWATCH", "x"],
  ["DISCARD", "x"],
]);

twin("EXEC replies in RESP3 keep each command's types", [
  ["MULTI"],
  ["SET", "a", "1"],
  ["GET", "nokey"],
  ["INCR", "a"],
  ["EXEC"],
], { resp: 3 });
