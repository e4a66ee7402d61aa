import { test } from "node:test";
import assert from "node:assert/strict";
import {
  array,
  bool,
  bulk,
  double,
  error,
  int,
  map,
  NULL,
  NULL_ARRAY,
  OK,
  type Reply,
  set,
  status,
  verbatim,
} from "../resp/reply.ts";
import { createLuaEngine } from "./engine.ts";
import { errorTableText, numberToInteger } from "./convert.ts";
import { fakeHost, runScript } from "./_test_host.ts";

const engine = await createLuaEngine({ maxMemoryBytes: 32 * 1024 * 1024 });
const run = (body: string) => runScript(engine, body);
/** Runs `body` with `server.call('REPLY')` answering `reply`. */
const withReply = (reply: Reply, body: string) => {
  const host = fakeHost();
  host.next = reply;
  return runScript(engine, body, [], [], host);
};
/** A Lua expression describing r = server.call('REPLY') in detail. */
const DESCRIBE = `
local function d(v)
  local t = type(v)
  if t == 'table' then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = tostring(k) end
    table.sort(keys)
    local parts = {}
    for _, k in ipairs(keys) do
      local val = v[k]
      if val == nil then val = v[tonumber(k)] end
      parts[#parts + 1] = k .. '=' .. d(val)
    end
    return '{' .. table.concat(parts, ',') .. '}'
  end
  return t .. ':' .. tostring(v)
end
`;
const describe = (reply: Reply, resp: 2 | 3) =>
  withReply(
    reply,
    `${DESCRIBE} server.setresp(${resp}) return d(server.pcall('REPLY'))`,
  );

test("§10.1 RESP2: replies become Lua values", () => {
  const cases: [Reply, string][] = [
    [int(42), "number:42"],
    [int(2n ** 60n), "number:1.1529215046068e+18"],
    [bulk("x\0y"), "string:x\0y"],
    [NULL, "boolean:false"],
    [NULL_ARRAY, "boolean:false"],
    [OK, "{ok=string:OK}"],
    [error("ERR bad"), "{err=string:ERR bad,ignore_error_stats_update=boolean:true}"],
    [array([int(1), NULL, bulk("a")]), "{1=number:1,2=boolean:false,3=string:a}"],
    [map([[bulk("f"), bulk("v")]]), "{1=string:f,2=string:v}"],
    [set([bulk("a")]), "{1=string:a}"],
    [double(0.1), "string:0.1"],
    [double(Infinity), "string:inf"],
    [bool(true), "number:1"],
    [bool(false), "number:0"],
    [{ type: "bignum", value: "123456789012345678901" }, "string:123456789012345678901"],
    [verbatim("txt", "hello"), "string:hello"],
    [{ type: "attribute", attributes: [[bulk("a"), int(1)]], value: int(7) }, "number:7"],
    [{ type: "push", value: [bulk("p")] }, "{1=string:p}"],
  ];
  for (const [reply, text] of cases) assert.deepEqual(describe(reply, 2), bulk(text), text);
});

test("§10.1 RESP3: replies become Lua values (CONV-1)", () => {
  const cases: [Reply, string][] = [
    [NULL, "nil:nil"],
    [array([int(1), NULL, bulk("a")]), "{1=number:1,3=string:a}"],
    [bool(true), "boolean:true"],
    [bool(false), "boolean:false"],
    [double(3.5), "{double=number:3.5}"],
    [{ type: "bignum", value: "12345678901234567890" }, "{big_number=string:12345678901234567890}"],
    [verbatim("txt", "hi"), "{verbatim_string={format=string:txt,string=string:hi}}"],
    [map([[bulk("field"), bulk("value")]]), "{map={field=string:value}}"],
    [set([bulk("a"), bulk("b")]), "{set={a=boolean:true,b=boolean:true}}"],
    [OK, "{ok=string:OK}"],
  ];
  for (const [reply, text] of cases) assert.deepEqual(describe(reply, 3), bulk(text), text);
});

test("CONV-8: examples of returned values", () => {
  assert.deepEqual(
    run("return {1,2,3,'ciao',{1,2}}"),
    array([int(1), int(2), int(3), bulk("ciao"), array([int(1), int(2)])]),
  );
  assert.deepEqual(
    run("return {1, 2, 3.3333, somekey='somevalue', 'foo', nil, 'bar'}"),
    array([int(1), int(2), int(3), bulk("foo")]),
  );
  assert.deepEqual(run("return {ok='fine'}"), status("fine"));
  assert.deepEqual(run("return {err='ERR this is an error'}"), error("ERR this is an error"));
  assert.deepEqual(run("return 100.5"), int(100));
  assert.deepEqual(run("return true"), int(1));
  assert.deepEqual(run("return false"), NULL);
  assert.deepEqual(run("return {err=1}"), array([]));
  assert.deepEqual(run("return {double=3.0}"), double(3));
  assert.deepEqual(run("return {double=0.1}"), double(0.1));
  assert.deepEqual(run("return {double='3.5'}"), array([]));
  assert.deepEqual(run("return {}"), array([]));
  assert.deepEqual(run("return _G"), array([]));
});

test("CONV-4: numbers truncate toward zero to int64", () => {
  assert.deepEqual(run("return 3.99"), int(3));
  assert.deepEqual(run("return -3.99"), int(-3));
  assert.deepEqual(run("return 2^53 + 2"), int(9007199254740994n));
  const min = int(-9223372036854775808n);
  assert.deepEqual(run("return 0/0"), min);
  assert.deepEqual(run("return 1/0"), min);
  assert.deepEqual(run("return -1/0"), min);
  assert.deepEqual(run("return 2^63"), min);
  assert.deepEqual(run("return -2^63"), min);
  assert.deepEqual(run("return 1e300"), min);
  assert.deepEqual(numberToInteger(-0), int(0));
});

test("CONV-5: booleans follow the script's protocol", () => {
  assert.deepEqual(run("return true"), int(1));
  assert.deepEqual(run("return false"), NULL);
  assert.deepEqual(run("server.setresp(3) return true"), bool(true));
  assert.deepEqual(run("server.setresp(3) return false"), bool(false));
  assert.deepEqual(run("server.setresp(3) server.setresp(2) return false"), NULL);
  assert.deepEqual(run("server.setresp(3) return {true, false}"), array([bool(true), bool(false)]));
});

test("CONV-6: nil, functions, userdata and threads become null", () => {
  for (
    const v of ["nil", "tostring", "cjson.null", "coroutine.create(function() end)", "newproxy()"]
  ) {
    assert.deepEqual(run(`return ${v}`), NULL, v);
  }
});

test("CONV-7: field rules, in order", () => {
  assert.deepEqual(run("return {err='E x', ok='y'}"), error("E x"));
  assert.deepEqual(run("return {ok='a\\r\\nb'}"), status("a  b"));
  assert.deepEqual(run("return {ok='a\\0b'}"), status("a"));
  assert.deepEqual(run("return {big_number='12\\r\\n3'}"), { type: "bignum", value: "12  3" });
  assert.deepEqual(
    run("return {verbatim_string={format='txtxx', string='hi'}}"),
    verbatim("txt", "hi"),
  );
  assert.deepEqual(
    run("return {verbatim_string={format='t', string='hi'}}"),
    verbatim("t  ", "hi"),
  );
  assert.deepEqual(run("return {verbatim_string={format='t', string=1}, 9}"), array([int(9)]));
  assert.deepEqual(
    run("return {map={a={1,2}}}"),
    map([[bulk("a"), array([int(1), int(2)])]]),
  );
  assert.deepEqual(run("return {set={x=1}}"), set([bulk("x")]));
  assert.deepEqual(run("return {{err='E inner'}, 2}"), array([error("E inner"), int(2)]));
});

test("CONV-9: a self-referencing table stops at the 5.1 stack limit", () => {
  const r = run("local a = {} local b = {a} a[1] = b return a");
  let depth = 0;
  let cur = r;
  while (cur.type === "array" && cur.value.length === 1) {
    cur = cur.value[0];
    depth++;
  }
  assert.equal(depth, 7995); // measured on a real server
  assert.deepEqual(cur, error("ERR reached lua stack limit"));
  assert.deepEqual(run("return 1"), int(1));
  // A deep but finite table converts completely.
  let d = 0;
  cur = run("local t = {} for i = 1, 3000 do t = {t} end return t");
  while (cur.type === "array" && cur.value.length === 1) {
    cur = cur.value[0];
    d++;
  }
  assert.equal(d, 3000);
  assert.deepEqual(cur, array([]));
});

test("CONV-10: metatables are ignored", () => {
  assert.deepEqual(run("return setmetatable({}, {__index = function() return 1 end})"), array([]));
  assert.deepEqual(run("return setmetatable({}, {__index = {err = 'x'}})"), array([]));
});

test("errorTableText follows luaPushErrorBuff", () => {
  assert.equal(errorTableText("-WRONGTYPE Operation"), "WRONGTYPE Operation");
  assert.equal(errorTableText("-FOO"), "ERR FOO");
  assert.equal(errorTableText("plain text"), "ERR plain text");
  assert.equal(errorTableText("-X y\r\n"), "X y");
  assert.equal(errorTableText("-X a\0b"), "X a");
});
