/**
 * The `cmsgpack` library (lua-cmsgpack 0.4.0 as bundled by Valkey, spec LIB-2), in Lua 5.4.
 *
 * Byte-exact encodings: integral numbers that fit int64 take the smallest integer encoding, other
 * numbers float32 when exact else float64; strings as fixstr/str8/16/32; tables whose keys are
 * exactly 1..n as arrays, others as maps; tables nested 16 deep encode as nil. Decoding keeps the
 * C library's quirks (uint64 read as signed, limit 0 meaning "all", the 5.1 stack limit behind
 * "too many return values at once").
 *
 * @module
 */

import { PRELUDE_LUA } from "./_prelude.ts";

/** Lua source of the cmsgpack chunk (see index.ts for the loading contract). */
export const CMSGPACK_LUA: string = PRELUDE_LUA + `
local MAX_NESTING = 16
local MAXCSTACK = 8000 -- Lua 5.1's LUAI_MAXCSTACK (lua_checkstack limit)

-- ---------------------------------------------------------------- encoding

local out, nout -- pieces of the current pack() result

local function put(s)
  nout = nout + 1
  out[nout] = s
end

local function encode_int(n) -- n: a 5.4 integer
  if n >= 0 then
    if n <= 127 then put(schar(n))
    elseif n <= 0xff then put(schar(0xcc, n))
    elseif n <= 0xffff then put(spack(">BI2", 0xcd, n))
    elseif n <= 0xffffffff then put(spack(">BI4", 0xce, n))
    else put(spack(">Bi8", 0xcf, n)) end
  else
    if n >= -32 then put(schar(n & 0xff))
    elseif n >= -128 then put(schar(0xd0, n & 0xff))
    elseif n >= -32768 then put(spack(">Bi2", 0xd1, n))
    elseif n >= -2147483648 then put(spack(">Bi4", 0xd2, n))
    else put(spack(">Bi8", 0xd3, n)) end
  end
end

local function encode_number(d)
  d = d * 1.0
  -- IS_INT64_EQUIVALENT: finite, integral and (int64_t)d == d (so 2^63 is not).
  if d == mfloor(d) and d >= -0x1p63 and d < 0x1p63 then
    encode_int(mtointeger(d))
    return
  end
  local f = spack(">f", d)
  if sunpack(">f", f) == d then
    put("\\202" .. f)
  else
    put("\\203" .. spack(">d", d))
  end
end

local function encode_string(s)
  local len = #s
  if len < 32 then put(schar(0xa0 | len))
  elseif len <= 0xff then put(schar(0xd9, len))
  elseif len <= 0xffff then put(spack(">BI2", 0xda, len))
  else put(spack(">BI4", 0xdb, len & 0xffffffff)) end
  put(s)
end

local function container_header(n, fix, b16, b32)
  if n <= 15 then put(schar(fix | n))
  elseif n <= 65535 then put(spack(">BI2", b16, n))
  else put(spack(">BI4", b32, n & 0xffffffff)) end
end

-- table_is_an_array(): only positive integral number keys (int-sized), and max == count.
local function is_array(t)
  local count, max = 0, 0
  for k in next, t do
    if type(k) ~= "number" or k <= 0 or k ~= mfloor(k) or k > 2147483647 then return false end
    if k > max then max = k end
    count = count + 1
  end
  return max == count
end

local encode

local function encode_table(t, level)
  if is_array(t) then
    local len = rawlen(t)
    container_header(len, 0x90, 0xdc, 0xdd)
    for j = 1, len do encode(t[j], level + 1) end
  else
    local len = 0
    for _ in next, t do len = len + 1 end
    container_header(len, 0x80, 0xde, 0xdf)
    for k, v in next, t do
      encode(k, level + 1)
      encode(v, level + 1)
    end
  end
end

function encode(v, level)
  local t = type(v)
  if t == "table" and level == MAX_NESTING then t = "nil" end
  if t == "string" then encode_string(v)
  elseif t == "boolean" then put(v and "\\195" or "\\194")
  elseif t == "number" then encode_number(v)
  elseif t == "table" then encode_table(v, level)
  else put("\\192") end
end

local function pack(...)
  local nargs = select("#", ...)
  if nargs == 0 then argerror(0, "MessagePack pack needs input.") end
  if nargs + nargs > MAXCSTACK then argerror(0, "Too many arguments for MessagePack pack.") end
  local saved_out, saved_nout = out, nout
  out, nout = {}, 0
  for i = 1, nargs do encode((select(i, ...)), 0) end
  local s = tconcat(out, "", 1, nout)
  out, nout = saved_out, saved_nout
  return s
end

-- ---------------------------------------------------------------- decoding

local EOF, BADFMT = 1, 2
local STACK_MSG = "stack overflow (too many return values at once; use unpack_one or " ..
  "unpack_limit instead.)"

-- Decoder state for one call: the input, the next byte (1-based), its length, the error code and
-- the 5.1 stack height the C decoder would have reached.
local src, p, len, err, height

local function need(n)
  if len - p + 1 < n then
    err = EOF
    return false
  end
  return true
end

local decode

local function decode_array(n)
  local t = {}
  height = height + 1
  if height + 1 > MAXCSTACK then raise("stack overflow (in function mp_decode_to_lua_array)") end
  for i = 1, n do
    height = height + 1 -- the index
    local v = decode()
    if err then return t end
    t[i] = v
    height = height - 2
  end
  height = height - 1 -- decode() counts the table it returns
  return t
end

local function decode_map(n)
  local t = {}
  height = height + 1
  for _ = 1, n do
    local k = decode()
    if err then return t end
    local v = decode()
    if err then return t end
    if k == nil then error("table index is nil", 0) end
    if k ~= k then error("table index is NaN", 0) end
    t[k] = v
    height = height - 2
  end
  height = height - 1
  return t
end

local function int_be(fmt, size)
  if not need(size) then return nil end
  local v = sunpack(fmt, src, p + 1)
  p = p + size
  return v * 1.0
end

local function str_of(lenbytes, fmt)
  if not need(1 + lenbytes) then return nil end
  local l = sunpack(fmt, src, p + 1)
  if not need(1 + lenbytes + l) then return nil end
  local s = ssub(src, p + 1 + lenbytes, p + lenbytes + l)
  p = p + 1 + lenbytes + l
  return s
end

-- Decodes one value at p; on failure sets err (the value is then meaningless).
function decode()
  if not need(1) then return nil end
  if height + 1 > MAXCSTACK then raise(STACK_MSG) end
  local b = sbyte(src, p)
  local v
  if b <= 0x7f then
    p = p + 1
    v = b + 0.0
  elseif b >= 0xe0 then
    p = p + 1
    v = b - 256.0
  elseif b >= 0xa0 and b <= 0xbf then
    local l = b & 0x1f
    if not need(1 + l) then return nil end
    v = ssub(src, p + 1, p + l)
    p = p + 1 + l
  elseif b >= 0x90 and b <= 0x9f then
    p = p + 1
    v = decode_array(b & 0xf)
  elseif b >= 0x80 and b <= 0x8f then
    p = p + 1
    v = decode_map(b & 0xf)
  elseif b == 0xc0 then
    p = p + 1
  elseif b == 0xc2 or b == 0xc3 then
    p = p + 1
    v = b == 0xc3
  elseif b == 0xcc then v = int_be("B", 2)
  elseif b == 0xcd then v = int_be(">I2", 3)
  elseif b == 0xce then v = int_be(">I4", 5)
  elseif b == 0xcf then v = int_be(">i8", 9) -- pushed through lua_Integer: signed
  elseif b == 0xd0 then v = int_be("b", 2)
  elseif b == 0xd1 then v = int_be(">i2", 3)
  elseif b == 0xd2 then v = int_be(">i4", 5)
  elseif b == 0xd3 then v = int_be(">i8", 9)
  elseif b == 0xca then v = int_be(">f", 5)
  elseif b == 0xcb then v = int_be(">d", 9)
  elseif b == 0xd9 then v = str_of(1, "B")
  elseif b == 0xda then v = str_of(2, ">I2")
  elseif b == 0xdb then v = str_of(4, ">I4")
  elseif b == 0xdc or b == 0xdd then
    local size = b == 0xdc and 2 or 4
    if not need(1 + size) then return nil end
    local n = sunpack(b == 0xdc and ">I2" or ">I4", src, p + 1)
    p = p + 1 + size
    v = decode_array(n)
  elseif b == 0xde or b == 0xdf then
    local size = b == 0xde and 2 or 4
    if not need(1 + size) then return nil end
    local n = sunpack(b == 0xde and ">I2" or ">I4", src, p + 1)
    p = p + 1 + size
    v = decode_map(n)
  else
    err = BADFMT
    return nil
  end
  if not err then height = height + 1 end
  return v
end

local function toint32(i)
  i = i & 0xffffffff
  if i >= 0x80000000 then i = i - 0x100000000 end
  return i
end

-- mp_unpack_full(); 'base' is the 5.1 stack height on entry (the arguments left on it).
local function unpack_full(s, limit, offset, base)
  if offset < 0 or limit < 0 then
    raise(sformat("Invalid request to unpack with offset of %d and limit of %d.",
      toint32(offset), toint32(#s)))
  elseif offset > #s then
    raise(sformat("Start offset %d greater than input length %d.", toint32(offset), toint32(#s)))
  end
  local decode_all = limit == 0 and offset == 0
  if decode_all then limit = 2147483647 end
  src, p, len, err, height = s, offset + 1, #s, nil, base
  local res, cnt = {}, 0
  while p <= len and cnt < limit do
    local v = decode()
    if err then
      src = nil
      raise(err == EOF and "Missing bytes in input." or "Bad data format in input.")
    end
    cnt = cnt + 1
    res[cnt] = v
  end
  src = nil
  local left = len - p + 1
  if decode_all then return tunpack(res, 1, cnt) end
  return (left == 0 and -1.0 or (#s - left) + 0.0), tunpack(res, 1, cnt)
end

local function unpack(...)
  local nargs = select("#", ...)
  local s = checkstring((...), 1, nargs)
  return unpack_full(s, 0, 0, nargs)
end

local function unpack_one(...)
  local nargs = select("#", ...)
  local s, offset = ...
  offset = optint(offset, 2, nargs, 0)
  s = checkstring(s, 1, nargs < 1 and 0 or 1)
  return unpack_full(s, 1, offset, 1)
end

local function unpack_limit(...)
  local nargs = select("#", ...)
  local s, limit, offset = ...
  limit = checkint(limit, 2, nargs)
  offset = optint(offset, 3, nargs, 0)
  s = checkstring(s, 1, nargs < 1 and 0 or 1)
  return unpack_full(s, limit, offset, 1)
end

G.cmsgpack = {
  pack = lib(pack),
  unpack = lib(unpack),
  unpack_one = lib(unpack_one),
  unpack_limit = lib(unpack_limit),
  _NAME = "cmsgpack",
  _VERSION = "lua-cmsgpack 0.4.0",
  _COPYRIGHT = "Copyright (C) 2012, Redis Ltd.",
  _DESCRIPTION = "MessagePack C implementation for Lua",
}
`;
