import { test } from "node:test";
import assert from "node:assert/strict";
import { array, bulk, error, int, map, type Reply, set, status } from "../resp/reply.ts";
import { Server } from "../server.ts";
import {
  aclCategories,
  commandDocsReply,
  keysFromSpecs,
  legacyRange,
  lookupCommandByName,
} from "./command.ts";
import type { CommandSpec, KeySpec } from "./spec.ts";

const base: CommandSpec = {
  name: "x",
  arity: -2,
  flags: [],
  acl: [],
  keySpecs: [],
  group: "generic",
  since: "1.0.0",
  summary: "s",
};
const range = (pos: number, lastkey: number, step = 1, flags: KeySpec["flags"] = ["RW"]) => ({
  flags,
  beginSearch: { type: "index" as const, pos },
  findKeys: { type: "range" as const, lastkey, step, limit: 0 },
});

// Expected triples: redis-server 7.0.15's COMMAND INFO for commands with these key specs.
test("legacyRange: one range spec is the range itself", () => {
  assert.deepEqual(legacyRange({ ...base, keySpecs: [range(1, 0)] }), {
    first: 1,
    last: 1,
    step: 1,
    movable: false,
  });
  // MSET: every other argument up to the end.
  assert.deepEqual(legacyRange({ ...base, keySpecs: [range(1, -1, 2)] }), {
    first: 1,
    last: -1,
    step: 2,
    movable: false,
  });
});

test("legacyRange: consecutive range specs merge (SUNIONSTORE 1 -1 1)", () => {
  assert.deepEqual(legacyRange({ ...base, keySpecs: [range(1, 0), range(2, -1)] }), {
    first: 1,
    last: -1,
    step: 1,
    movable: false,
  });
});

test("legacyRange: keyword and keynum specs make keys movable (MIGRATE 3 3 1, LMPOP 0 0 0)", () => {
  const keyword: KeySpec = {
    flags: ["RW", "incomplete"],
    beginSearch: { type: "keyword", keyword: "KEYS", startfrom: -2 },
    findKeys: { type: "range", lastkey: -1, step: 1, limit: 0 },
  };
  assert.deepEqual(legacyRange({ ...base, keySpecs: [range(3, 0), keyword] }), {
    first: 3,
    last: 3,
    step: 1,
    movable: true,
  });
  const keynum: KeySpec = {
    flags: ["RW"],
    beginSearch: { type: "index", pos: 1 },
    findKeys: { type: "keynum", keynumidx: 0, firstkey: 1, step: 1 },
  };
  assert.deepEqual(legacyRange({ ...base, keySpecs: [keynum] }), {
    first: 0,
    last: 0,
    step: 0,
    movable: true,
  });
  assert.equal(
    legacyRange({ ...base, keySpecs: [range(1, 0, 1, ["RO", "incomplete"])] }).movable,
    true,
  );
});

test("aclCategories adds Valkey's implicit categories in table order", () => {
  assert.deepEqual(aclCategories({ ...base, flags: ["readonly", "fast"], acl: ["string"] }), [
    "read",
    "string",
    "fast",
  ]);
  assert.deepEqual(aclCategories({ ...base, flags: ["admin"], acl: ["@connection"] }), [
    "admin",
    "slow",
    "dangerous",
    "connection",
  ]);
  // @scripting commands that are readonly are not @read.
  assert.deepEqual(aclCategories({ ...base, flags: ["readonly"], acl: ["scripting"] }), [
    "slow",
    "scripting",
  ]);
});

test("keysFromSpecs follows index, keyword, keynum and limit specs", () => {
  const argv = ["xread", "COUNT", "2", "STREAMS", "s1", "s2", "0", "0"];
  const streams: KeySpec = {
    flags: ["RO"],
    beginSearch: { type: "keyword", keyword: "STREAMS", startfrom: 1 },
    findKeys: { type: "range", lastkey: -1, step: 1, limit: 2 },
  };
  assert.deepEqual(
    keysFromSpecs({ ...base, keySpecs: [streams] }, argv).keys.map((k) => argv[k.pos]),
    ["s1", "s2"],
  );
  const evalSpec: KeySpec = {
    flags: ["RW"],
    beginSearch: { type: "index", pos: 2 },
    findKeys: { type: "keynum", keynumidx: 0, firstkey: 1, step: 1 },
  };
  const e = ["eval", "s", "2", "a", "b", "arg"];
  assert.deepEqual(
    keysFromSpecs({ ...base, keySpecs: [evalSpec] }, e).keys.map((k) => e[k.pos]),
    ["a", "b"],
  );
  assert.equal(
    keysFromSpecs({ ...base, keySpecs: [evalSpec] }, ["eval", "s", "3", "a"]).complete,
    false,
  );
  assert.equal(
    keysFromSpecs({ ...base, keySpecs: [evalSpec] }, ["eval", "s", "-1"]).complete,
    false,
  );
});

test("COMMAND alone runs; CONFIG alone fails its arity; unknown subcommands are named", () => {
  const server = new Server();
  const s = server.createSession();
  const all = server.execute(s, ["COMMAND"]);
  assert.equal(all.type, "array");
  assert.equal((all as { value: readonly Reply[] }).value.length, [...server.commands()].length);
  assert.deepEqual(
    server.execute(s, ["CONFIG"]),
    error("ERR wrong number of arguments for 'config' command"),
  );
  assert.deepEqual(
    server.execute(s, ["command", "nope"]),
    error("ERR unknown subcommand 'nope'. Try COMMAND HELP."),
  );
  assert.deepEqual(server.execute(s, ["COMMAND", "COUNT"]), int([...server.commands()].length));
});

test("COMMAND LIST names subcommands as container|sub", () => {
  const server = new Server();
  const s = server.createSession();
  const r = server.execute(s, ["COMMAND", "LIST", "FILTERBY", "PATTERN", "client|*"]);
  const names = (r as { value: readonly { value: string }[] }).value.map((x) => x.value).sort();
  assert.deepEqual(names, [
    "client|getname",
    "client|help",
    "client|id",
    "client|info",
    "client|list",
    "client|setinfo",
    "client|setname",
  ]);
});

test("lookupCommandByName is strict about the container|sub form", () => {
  const server = new Server();
  assert.equal(lookupCommandByName(server, "CLIENT|LIST")?.fullName, "client|list");
  assert.equal(lookupCommandByName(server, "client")?.fullName, "client");
  assert.equal(lookupCommandByName(server, "get|x"), undefined);
  assert.equal(lookupCommandByName(server, "client|list|x"), undefined);
});

// Format: valkey server.c addReplyCommandDocs / addReplyCommandArgList.
test("COMMAND DOCS prints the documented fields in Valkey's order", () => {
  const spec: CommandSpec = {
    ...base,
    name: "demo",
    complexity: "O(1)",
    docFlags: ["deprecated"],
    deprecatedSince: "2.0.0",
    replacedBy: "`OTHER`",
    history: [["1.5.0", "Added X."]],
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      {
        name: "mode",
        type: "oneof",
        optional: true,
        arguments: [{ name: "nx", type: "pure-token", token: "NX", since: "1.2.0" }],
      },
      { name: "value", type: "string", displayText: "val", multiple: true, multipleToken: true },
    ],
  };
  assert.deepEqual(
    commandDocsReply(spec, "demo"),
    map([
      [bulk("summary"), bulk("s")],
      [bulk("since"), bulk("1.0.0")],
      [bulk("group"), bulk("generic")],
      [bulk("complexity"), bulk("O(1)")],
      [bulk("doc_flags"), set([status("deprecated")])],
      [bulk("deprecated_since"), bulk("2.0.0")],
      [bulk("replaced_by"), bulk("`OTHER`")],
      [bulk("history"), set([array([bulk("1.5.0"), bulk("Added X.")])])],
      [
        bulk("arguments"),
        array([
          map([
            [bulk("name"), bulk("key")],
            [bulk("type"), bulk("key")],
            [bulk("display_text"), bulk("key")],
            [bulk("key_spec_index"), int(0)],
          ]),
          map([
            [bulk("name"), bulk("mode")],
            [bulk("type"), bulk("oneof")],
            [bulk("flags"), set([status("optional")])],
            [
              bulk("arguments"),
              array([map([
                [bulk("name"), bulk("nx")],
                [bulk("type"), bulk("pure-token")],
                [bulk("display_text"), bulk("nx")],
                [bulk("token"), bulk("NX")],
                [bulk("since"), bulk("1.2.0")],
              ])]),
            ],
          ]),
          map([
            [bulk("name"), bulk("value")],
            [bulk("type"), bulk("string")],
            [bulk("display_text"), bulk("val")],
            [bulk("flags"), set([status("multiple"), status("multiple_token")])],
          ]),
        ]),
      ],
    ]),
  );
});
