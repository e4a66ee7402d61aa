import { test } from "node:test";
import assert from "node:assert/strict";
import { bulk, error, int, NULL, OK, type Reply } from "../resp/reply.ts";
import { combineReplies, commandName, responsePolicy, routeCommand } from "./routes.ts";
import { keySlot } from "./slot.ts";

test("commandName includes the subcommand of containers, upper-cased", () => {
  assert.equal(commandName(["script", "exists", "x"]), "SCRIPT EXISTS");
  assert.equal(commandName(["get", "k"]), "GET");
  assert.equal(commandName(["CLUSTER"]), "CLUSTER");
});

test("routeCommand routes EVAL/EVALSHA by numkeys and the first key (GL-8)", () => {
  assert.deepEqual(routeCommand(["EVALSHA", "sha", "0", "arg"]), { kind: "random" });
  assert.deepEqual(routeCommand(["evalsha", "sha", "2", "user:1000", "x"]), {
    kind: "slot",
    slot: 1649,
  });
  assert.deepEqual(routeCommand(["EVAL", "FOO", "4", "BAR"]), {
    kind: "slot",
    slot: keySlot("BAR"),
  });
  assert.deepEqual(routeCommand(["EVAL_RO", "body", "1", "script-key"]), {
    kind: "slot",
    slot: 13180,
  });
  assert.deepEqual(routeCommand(["FCALL", "f", "x"]), { kind: "random" }, "bad numkeys");
});

test("routeCommand follows GLIDE's table for keyless and multi-node commands", () => {
  assert.deepEqual(routeCommand(["SCRIPT", "EXISTS", "a"]), {
    kind: "allPrimaries",
    policy: "aggregateLogicalAnd",
  });
  assert.deepEqual(routeCommand(["SCRIPT", "LOAD", "x"]), {
    kind: "allNodes",
    policy: "allSucceeded",
  });
  assert.deepEqual(routeCommand(["SCRIPT", "FLUSH"]), { kind: "allNodes", policy: "allSucceeded" });
  assert.deepEqual(routeCommand(["SCRIPT", "KILL"]), { kind: "allNodes", policy: "oneSucceeded" });
  assert.deepEqual(routeCommand(["SCRIPT", "SHOW", "sha"]), { kind: "random" });
  assert.deepEqual(routeCommand(["FLUSHALL"]), { kind: "allPrimaries", policy: "allSucceeded" });
  assert.deepEqual(routeCommand(["DBSIZE"]), { kind: "allPrimaries", policy: "aggregateSum" });
  assert.deepEqual(routeCommand(["INFO"]), { kind: "allPrimaries", policy: undefined });
  assert.deepEqual(routeCommand(["PING"]), { kind: "allPrimaries", policy: "allSucceeded" });
  assert.deepEqual(routeCommand(["ECHO", "x"]), { kind: "random" });
  assert.deepEqual(routeCommand(["MGET", "a", "b"]), {
    kind: "multiSlot",
    pattern: "keys",
    policy: "combineArrays",
  });
  assert.deepEqual(routeCommand(["MSET", "a", "1", "b", "2"]), {
    kind: "multiSlot",
    pattern: "keyValuePairs",
    policy: "allSucceeded",
  });
  assert.deepEqual(routeCommand(["DEL", "a"]), { kind: "slot", slot: keySlot("a") });
  assert.deepEqual(routeCommand(["SET", "42", "v"]), { kind: "slot", slot: keySlot("42") });
  assert.deepEqual(routeCommand(["XINFO", "GROUPS", "FOOBAR"]), {
    kind: "slot",
    slot: keySlot("FOOBAR"),
  });
  assert.deepEqual(routeCommand(["xread", "count", "2", "streams", "s1", "0"]), {
    kind: "slot",
    slot: keySlot("s1"),
  });
  assert.deepEqual(routeCommand(["ZUNION", "2", "z1", "z2"]), {
    kind: "slot",
    slot: keySlot("z1"),
  });
  assert.deepEqual(routeCommand(["CLUSTER", "SETSLOT", "14604", "NODE", "id"]), {
    kind: "slot",
    slot: 14604,
  });
  assert.deepEqual(routeCommand(["TIME"]), { kind: "random" });
});

test("responsePolicy gives GLIDE's policy or none", () => {
  assert.equal(responsePolicy(["SCRIPT", "EXISTS", "x"]), "aggregateLogicalAnd");
  assert.equal(responsePolicy(["EVALSHA", "x", "0"]), undefined);
  assert.equal(responsePolicy(["randomkey"]), "firstSucceededNonEmptyOrAllEmpty");
});

const at = (address: string, reply: Reply) => ({ address, reply });

test("combineReplies: AND per position for SCRIPT EXISTS", () => {
  const r = combineReplies([
    at("a:1", { type: "array", value: [int(1), int(1), int(0)] }),
    at("b:2", { type: "array", value: [int(1), int(0), int(0)] }),
  ], "aggregateLogicalAnd");
  assert.deepEqual(r, { type: "array", value: [int(1), int(0), int(0)] });
});

test("combineReplies: sums, minimum, arrays, all / one succeeded", () => {
  assert.deepEqual(combineReplies([at("a", int(2)), at("b", int(3))], "aggregateSum"), int(5));
  assert.deepEqual(combineReplies([at("a", int(2)), at("b", int(1))], "aggregateMin"), int(1));
  assert.deepEqual(
    combineReplies([
      at("a", { type: "array", value: [bulk("x")] }),
      at("b", { type: "array", value: [bulk("y")] }),
    ], "combineArrays"),
    { type: "array", value: [bulk("x"), bulk("y")] },
  );
  assert.deepEqual(combineReplies([at("a", OK), at("b", OK)], "allSucceeded"), OK);
  assert.deepEqual(
    combineReplies([at("a", OK), at("b", error("ERR no"))], "allSucceeded"),
    error("ERR no"),
  );
  assert.deepEqual(
    combineReplies([at("a", error("NOTBUSY 1")), at("b", OK)], "oneSucceeded"),
    OK,
  );
  assert.deepEqual(
    combineReplies([at("a", error("NOTBUSY 1")), at("b", error("NOTBUSY 2"))], "oneSucceeded"),
    error("NOTBUSY 2"),
  );
  assert.deepEqual(
    combineReplies([at("a", NULL), at("b", bulk("k"))], "firstSucceededNonEmptyOrAllEmpty"),
    bulk("k"),
  );
  assert.equal(combineReplies([at("a", bulk("x"))], "aggregateSum").type, "error");
});

test("combineReplies without a policy maps each address to its reply; errors win", () => {
  assert.deepEqual(combineReplies([at("h:1", bulk("x")), at("h:2", int(1))]), {
    type: "map",
    value: [[bulk("h:1"), bulk("x")], [bulk("h:2"), int(1)]],
  });
  assert.deepEqual(
    combineReplies([at("h:1", bulk("x")), at("h:2", error("NOSCRIPT No matching script."))]),
    error("NOSCRIPT No matching script."),
  );
});
