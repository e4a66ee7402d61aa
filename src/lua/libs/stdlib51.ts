/**
 * The Lua 5.1 standard library surface on Lua 5.4 (spec ENV-1/2/5, lua51-on-54.md §2): builds the
 * 5.1 base functions and the `string`, `table`, `math` and `coroutine` tables into G from the 5.4
 * primitives, adds the 5.1-only functions, reproduces the 5.1 behaviours scripts observe and
 * leaves out every 5.4-only name (table.unpack/pack/move, math.type/tointeger/ult/maxinteger/
 * mininteger, string.pack/unpack/packsize, utf8, coroutine.isyieldable/close).
 *
 * Numbers returned are floats, as every number in 5.1. Functions that 5.4 provides unchanged are
 * installed as the 5.4 C functions (fastest, exact error positions).
 *
 * @module
 */

import { PRELUDE_LUA } from "./_prelude.ts";

/** Lua source of the stdlib51 chunk (see index.ts for the loading contract). */
export const STDLIB51_LUA: string = PRELUDE_LUA + `
local load54, xpcall54, collectgarbage54, tostring54 = load, xpcall, collectgarbage, tostring
local mabs, mlog, matan, mexp, mfmod = math.abs, math.log, math.atan, math.exp, math.fmod
local debug_getupvalue, debug_upvaluejoin, debug_setmetatable, debug_getmetatable,
  debug_getregistry = debug.getupvalue, debug.upvaluejoin, debug.setmetatable, debug.getmetatable,
  debug.getregistry
local crunning, cyield, cisyieldable = coroutine.running, coroutine.yield, coroutine.isyieldable
local newuserdata = prims.newuserdata
local load51 = prims.load51
local REGISTRY = debug_getregistry()

-- The current global table (registry[LUA_RIDX_GLOBALS]), whatever the engine made it.
local function globals() return REGISTRY[2] end

-- C's (int) of a 5.4 integer (luaL_checkint keeps the low 32 bits).
local function toint32(i)
  i = i & 0xffffffff
  if i >= 0x80000000 then i = i - 0x100000000 end
  return i
end

local function checktable(v, narg, nargs)
  if type(v) ~= "table" then typeerror(narg, "table", v, narg <= nargs) end
end

-- ================================================================ base

local base = {}

base.assert = shim("assert", function(...)
  local v = ...
  if v then return ... end
  local nargs = select("#", ...)
  if nargs == 0 then argerror(1, "value expected") end
  local msg = select(2, ...)
  if msg == nil then
    msg = "assertion failed!"
  else
    msg = checkstring(msg, 2, nargs)
  end
  raise(msg)
end)

local GC_OPTIONS = { stop = true, restart = true, collect = true, count = true, step = true,
  setpause = true, setstepmul = true }

base.error = error

local gc_pause, gc_stepmul = 200, 200

base.collectgarbage = shim("collectgarbage", function(...)
  local nargs = select("#", ...)
  local opt, arg = ...
  if opt == nil then
    opt = "collect"
  else
    opt = checkstring(opt, 1, nargs)
  end
  if not GC_OPTIONS[opt] then argerror(1, sformat("invalid option '%s'", opt)) end
  arg = toint32(optint(arg, 2, nargs, 0))
  local r = collectgarbage54(opt, arg)
  -- 5.1's defaults differ from 5.4's (stepmul 200 against 100): report the 5.1 values.
  if opt == "setpause" then
    r, gc_pause = gc_pause, arg
  elseif opt == "setstepmul" then
    r, gc_stepmul = gc_stepmul, arg
  end
  if type(r) == "number" then return r * 1.0 end
  return r
end)

base.gcinfo = shim("gcinfo", function()
  return mfloor(collectgarbage54("count")) * 1.0
end)

-- Function environments: the value of a Lua function's _ENV upvalue. A function without one (it
-- uses no globals) keeps the table setfenv gave it here, so getfenv returns it.
local ENVS = setmetatable({}, { __mode = "k" })

local function env_index(f)
  local i = 1
  while true do
    local name = debug_getupvalue(f, i)
    if name == nil then return nil end
    if name == "_ENV" then return i end
    i = i + 1
  end
end

-- The function at 5.1 stack level 'level' >= 1 (level 0 is getfenv/setfenv itself: the
-- trampoline, which locate() finds), or nil.
local function function_at(level)
  local zero = locate()
  local ar = debug_getinfo(zero + level, "f")
  return ar and ar.func
end

local function getfunc(v, nargs, opt)
  if type(v) == "function" then return v end
  local level
  if opt then
    level = toint32(optint(v, 1, nargs, 1))
  else
    level = toint32(checkint(v, 1, nargs))
  end
  if level < 0 then argerror(1, "level must be non-negative") end
  if level == 0 then return nil end -- the running C function: the thread's environment
  local f = function_at(level)
  if f == nil then argerror(1, "invalid level") end
  return f
end

local function getenv(f)
  if f == nil or debug_getinfo(f, "S").what == "C" then return globals() end
  local env = ENVS[f]
  if env ~= nil then return env end
  local i = env_index(f)
  if i == nil then return globals() end
  local _, value = debug_getupvalue(f, i)
  return value
end

base.getfenv = lib(function(...)
  return getenv(getfunc((...), select("#", ...), true))
end)

local function env_holder(t) return function() return t end end

base.setfenv = lib(function(...)
  local nargs = select("#", ...)
  local v, t = ...
  checktable(t, 2, nargs)
  local f = getfunc(v, nargs, false)
  if f == nil then return end -- level 0: the thread's environment (the engine's global table)
  if debug_getinfo(f, "S").what == "C" then
    raise("'setfenv' cannot change environment of given object")
  end
  local i = env_index(f)
  if i ~= nil then debug_upvaluejoin(f, i, env_holder(t), 1) end
  ENVS[f] = t
  return f
end)

base.getmetatable = getmetatable

local function inext(t, i)
  i = i + 1
  local v = rawget(t, i)
  if v ~= nil then return i, v end
end

base.ipairs = shim("ipairs", function(...)
  local t = ...
  checktable(t, 1, select("#", ...))
  return inext, t, 0.0
end)

-- Compiles 5.1 source text: the engine's 5.1 compiler when given, else 5.4's text-only load.
local function compile(source, chunkname)
  if load51 then return load51(source, chunkname) end
  return load54(source, chunkname, "t")
end

base.loadstring = lib(function(...)
  local nargs = select("#", ...)
  local s, chunkname = ...
  s = checkstring(s, 1, nargs)
  if chunkname == nil then chunkname = s else chunkname = checkstring(chunkname, 2, nargs) end
  return compile(s, chunkname)
end)

base.load = lib(function(...)
  local nargs = select("#", ...)
  local reader, chunkname = ...
  if type(reader) ~= "function" then typeerror(1, "function", reader, nargs >= 1) end
  if chunkname == nil then chunkname = "=(load)" else chunkname = checkstring(chunkname, 2, nargs) end
  local parts, n = {}, 0
  while true do
    local ok, piece = pcall(reader)
    if not ok then return nil, piece end
    if piece == nil or piece == "" then break end
    if type(piece) == "number" then piece = num2str(piece) end -- lua_isstring accepts numbers
    if type(piece) ~= "string" then return nil, where() .. "reader function must return a string" end
    n = n + 1
    parts[n] = piece
  end
  return compile(tconcat(parts, "", 1, n), chunkname)
end)

local PROXY_METATABLES = setmetatable({}, { __mode = "k" })

base.newproxy = shim("newproxy", function(...)
  local arg = ...
  local u = newuserdata()
  if not arg then return u end
  local mt
  if type(arg) == "boolean" then
    mt = {}
    PROXY_METATABLES[mt] = true
  else
    mt = debug_getmetatable(arg)
    if not (mt and PROXY_METATABLES[mt]) then argerror(1, "boolean or proxy expected") end
  end
  debug_setmetatable(u, mt)
  return u
end)

base.next = next

base.pairs = shim("pairs", function(...)
  local t = ...
  checktable(t, 1, select("#", ...))
  return next, t, nil
end)

base.pcall = pcall
base.rawequal = rawequal
base.rawget = rawget
base.rawset = rawset
base.select = select

base.setmetatable = shim("setmetatable", function(...)
  local nargs = select("#", ...)
  local t, mt = ...
  checktable(t, 1, nargs)
  local mtt = type(mt)
  if mtt ~= "nil" and mtt ~= "table" then argerror(2, "nil or table expected") end
  local old = getmetatable(t) ~= nil and debug_getmetatable(t)
  if old and rawget(old, "__metatable") ~= nil then
    raise("cannot change a protected metatable")
  end
  -- 5.1 never finalizes tables: hide __gc while 5.4 decides whether to mark t for finalization.
  local gc = mt and rawget(mt, "__gc")
  if gc ~= nil then
    rawset(mt, "__gc", nil)
    setmetatable(t, mt)
    rawset(mt, "__gc", gc)
  else
    setmetatable(t, mt)
  end
  return t
end)

-- strtoul(s, base) as tonumber(s, base) uses it: value and whether it consumed the whole string.
local function strtoul(s, b)
  local i = 1
  local c = sbyte(s, i)
  while c == 32 or (c and c >= 9 and c <= 13) do
    i = i + 1
    c = sbyte(s, i)
  end
  local neg = false
  if c == 43 or c == 45 then
    neg = c == 45
    i = i + 1
  end
  if b == 16 and smatch(s, "^0[xX]%x", i) then i = i + 2 end
  local value, overflow, start = 0, false, i
  while true do
    c = sbyte(s, i)
    if c == nil then break end
    local d
    if c >= 48 and c <= 57 then d = c - 48
    elseif c >= 97 and c <= 122 then d = c - 87
    elseif c >= 65 and c <= 90 then d = c - 55
    else break end
    if d >= b then break end
    -- unsigned 64-bit value*b + d, saturating like strtoul
    if not overflow then
      local hi = value >> 32
      local lo = value & 0xffffffff
      local nlo = lo * b + d
      local nhi = hi * b + (nlo >> 32)
      if nhi > 0xffffffff then overflow = true else value = (nhi << 32) | (nlo & 0xffffffff) end
    end
    i = i + 1
  end
  if i == start then return nil end
  if overflow then value = -1 elseif neg then value = -value end
  while true do
    c = sbyte(s, i)
    if c == 32 or (c and c >= 9 and c <= 13) then i = i + 1 else break end
  end
  if i <= #s then return nil end
  if value >= 0 then return value + 0.0 end
  return (((value >> 1) | (value & 1)) + 0.0) * 2.0
end

base.tonumber = shim("tonumber", function(...)
  local v, b = ...
  if b == nil then
    local t = type(v)
    if t == "number" then return v * 1.0 end
    if t == "string" then return str2d(v) end
    if select("#", ...) == 0 then argerror(1, "value expected") end
    return nil
  end
  local nargs = select("#", ...)
  b = toint32(checkint(b, 2, nargs))
  if b == 10 then return tonum51(v) end
  local s = checkstring(v, 1, nargs)
  if b < 2 or b > 36 then argerror(2, "base out of range") end
  return strtoul(s, b)
end)

base.tostring = tostring54
base.type = type

base.unpack = shim("unpack", function(...)
  local nargs = select("#", ...)
  local t, i, e = ...
  checktable(t, 1, nargs)
  i = toint32(optint(i, 2, nargs, 1))
  if e == nil then e = rawlen(t) else e = toint32(checkint(e, 3, nargs)) end
  if i > e then return end
  local n = toint32(e - i + 1)
  if n <= 0 or n + nargs > 8000 then raise("too many results to unpack") end
  return tunpack(t, i, e)
end)

base.xpcall = shim("xpcall", function(...)
  local nargs = select("#", ...)
  local f, handler = ...
  if nargs < 2 then argerror(2, "value expected") end
  if type(handler) ~= "function" then
    -- 5.1 calls a non-function handler only when f fails, which fails in turn.
    handler = function() return "error in error handling" end
  end
  return xpcall54(f, handler)
end)

-- ================================================================ coroutine

local main_thread -- the thread the engine runs scripts on, when it is not the main one

local co51 = {
  create = coroutine.create,
  resume = coroutine.resume,
  status = coroutine.status,
  wrap = coroutine.wrap,
}

co51.running = shim("running", function()
  local co, ismain = crunning()
  if ismain or co == main_thread then return nil end
  return co
end)

-- Never wrapped: the trampoline would make every yield fail.
co51.yield = function(...)
  local co, ismain = crunning()
  if ismain or co == main_thread or not cisyieldable() then
    error("attempt to yield across metamethod/C-call boundary", 0)
  end
  return cyield(...)
end

-- ================================================================ string

local str51 = {
  byte = string.byte,
  char = string.char,
  dump = string.dump,
  find = string.find,
  gmatch = string.gmatch,
  gsub = string.gsub,
  len = string.len,
  lower = string.lower,
  match = string.match,
  reverse = string.reverse,
  sub = string.sub,
  upper = string.upper,
}

str51.gfind = lib(function()
  raise("'string.gfind' was renamed to 'string.gmatch'")
end)

str51.rep = shim("rep", function(...)
  local nargs = select("#", ...)
  local s, n = ...
  s = checkstring(s, 1, nargs)
  n = toint32(checkint(n, 2, nargs))
  if n <= 0 then return "" end
  return srep(s, n)
end)

str51.char = shim("char", function(...)
  local nargs = select("#", ...)
  local codes = { ... }
  for i = 1, nargs do
    local c = toint32(checkint(codes[i], i, nargs))
    if c < 0 or c > 255 then argerror(i, "invalid value") end
    codes[i] = c
  end
  return schar(tunpack(codes, 1, nargs))
end)

-- string.format: each item is parsed with 5.1's scanformat rules and converted with 5.1's C casts;
-- the 5.4 format only ever sees specifications it accepts.
local FORMAT_CACHE, format_cache_size = {}, 0

-- One format item, with what formatting it needs precomputed: the 5.4 specification (dropping
-- the flags 5.4 refuses for the conversion, which C ignores), width, justification, precision.
local function prepare_item(conv, flags, width, precision)
  local item = {
    conv = conv,
    width = tonumber(width) or 0,
    left = sfind(flags, "-", 1, true) ~= nil,
    precision = precision and (tonumber(precision) or 0),
    plain = flags == "" and width == "" and precision == nil,
  }
  local strip
  if conv == "d" or conv == "i" then
    conv, strip = "d", "#"
  elseif conv == "u" then
    strip = "[+ #]"
  elseif conv == "o" or conv == "x" or conv == "X" then
    strip = "[+ ]"
  end
  if strip then flags = sgsub(flags, strip, "") end
  item.spec = "%" .. flags .. width .. (precision and "." .. precision or "") .. conv
  return item
end

-- Parses a format into { literal, item, literal, item, ... }; an item is { conv, flags, width,
-- precision } or an error message string (raised when the item is reached).
local function parse_format(fmt)
  local items, n = {}, 0
  local i, len = 1, #fmt
  local lit = {}
  local nlit = 0
  while i <= len do
    local j = sfind(fmt, "%", i, true)
    if j == nil then
      nlit = nlit + 1
      lit[nlit] = ssub(fmt, i)
      break
    end
    if j > i then
      nlit = nlit + 1
      lit[nlit] = ssub(fmt, i, j - 1)
    end
    if sbyte(fmt, j + 1) == 37 then
      nlit = nlit + 1
      lit[nlit] = "%"
      i = j + 2
    else
      n = n + 1
      items[n] = tconcat(lit, "", 1, nlit)
      lit, nlit = {}, 0
      local flags = smatch(fmt, "^[-+ #0]*", j + 1)
      local p = j + 1 + #flags
      local item
      if #flags >= 6 then
        item = "invalid format (repeated flags)"
      else
        local width = smatch(fmt, "^%d?%d?", p)
        p = p + #width
        local precision
        if sbyte(fmt, p) == 46 then
          precision = smatch(fmt, "^%d?%d?", p + 1)
          p = p + 1 + #precision
        end
        local c = sbyte(fmt, p)
        if c and c >= 48 and c <= 57 then
          item = "invalid format (width or precision too long)"
        else
          item = prepare_item(ssub(fmt, p, p), flags, width, precision)
        end
      end
      n = n + 1
      items[n] = item
      i = p + 1
    end
  end
  n = n + 1
  items[n] = tconcat(lit, "", 1, nlit)
  items.n = n
  return items
end

local function cut_at_nul(s)
  local z = sfind(s, "\\0", 1, true)
  if z then return ssub(s, 1, z - 1) end
  return s
end

local function pad(s, item)
  local width = item.width
  if #s >= width then return s end
  if item.left then return s .. srep(" ", width - #s) end
  return srep(" ", width - #s) .. s
end

local QUOTED = {
  ['"'] = '\\\\"', ["\\\\"] = "\\\\\\\\", ["\\n"] = "\\\\\\n", ["\\r"] = "\\\\r", ["\\0"] = "\\\\000",
}

local function format_item(item, v, arg, nargs)
  local conv = item.conv
  if conv == "s" then
    local s = checkstring(v, arg, nargs)
    if item.precision == nil and #s >= 100 then return s end
    if sfind(s, "\\0", 1, true) then s = cut_at_nul(s) end
    if item.plain then return s end
    if item.precision then s = ssub(s, 1, item.precision) end
    return pad(s, item)
  elseif conv == "d" or conv == "i" then
    return sformat(item.spec, d2i(checknumber(v, arg, nargs)))
  elseif conv == "e" or conv == "E" or conv == "f" or conv == "g" or conv == "G" then
    return sformat(item.spec, checknumber(v, arg, nargs))
  elseif conv == "o" or conv == "u" or conv == "x" or conv == "X" then
    local n = checknumber(v, arg, nargs)
    local u -- (unsigned long)d
    if n ~= n then u = MININT
    elseif n < 0x1p63 then u = d2i(n)
    elseif n < 0x1p64 then u = d2i(n - 0x1p63) | MININT
    else u = 0 end
    return sformat(item.spec, u)
  elseif conv == "c" then
    local n = checknumber(v, arg, nargs)
    local c = (n ~= n or n >= 0x1p31 or n < -0x1p31) and 0 or d2i(n) & 0xff -- (int)d
    return cut_at_nul(pad(schar(c), item))
  elseif conv == "q" then
    return '"' .. sgsub(checkstring(v, arg, nargs), '[\\0"\\\\\\n\\r]', QUOTED) .. '"'
  end
  raise(sformat("invalid option '%%%s' to 'format'", cut_at_nul(conv)))
end

str51.format = shim("format", function(...)
  local nargs = select("#", ...)
  local fmt = checkstring((...), 1, nargs)
  local items = FORMAT_CACHE[fmt]
  if items == nil then
    items = parse_format(fmt)
    if format_cache_size >= 256 then
      FORMAT_CACHE, format_cache_size = {}, 0
    end
    FORMAT_CACHE[fmt] = items
    format_cache_size = format_cache_size + 1
  end
  local n = items.n
  if n == 1 then return items[1] end
  local out = { items[1] }
  local arg = 1
  for k = 2, n, 2 do
    arg = arg + 1
    if arg > nargs then argerror(arg, "no value") end
    local item = items[k]
    if type(item) == "string" then raise(item) end
    out[k] = format_item(item, (select(arg, ...)), arg, nargs)
    out[k + 1] = items[k + 1]
  end
  return tconcat(out, "", 1, n)
end)

-- ================================================================ table

local tab51 = {
  concat = table.concat,
  sort = table.sort,
}

tab51.getn = shim("getn", function(...)
  local t = ...
  checktable(t, 1, select("#", ...))
  return rawlen(t) * 1.0
end)

tab51.setn = lib(function()
  raise("'setn' is obsolete")
end)

tab51.maxn = shim("maxn", function(...)
  local t = ...
  checktable(t, 1, select("#", ...))
  local max = 0.0
  for k in next, t do
    if type(k) == "number" and k > max then max = k * 1.0 end
  end
  return max
end)

tab51.foreach = shim("foreach", function(...)
  local nargs = select("#", ...)
  local t, f = ...
  checktable(t, 1, nargs)
  if type(f) ~= "function" then typeerror(2, "function", f, nargs >= 2) end
  for k, v in next, t do
    local r = f(k, v)
    if r ~= nil then return r end
  end
end)

tab51.foreachi = shim("foreachi", function(...)
  local nargs = select("#", ...)
  local t, f = ...
  checktable(t, 1, nargs)
  if type(f) ~= "function" then typeerror(2, "function", f, nargs >= 2) end
  for i = 1, rawlen(t) do
    local r = f(i * 1.0, rawget(t, i))
    if r ~= nil then return r end
  end
end)

-- Writes go through t[k] = v rather than rawset so that read-only tables still refuse them.
tab51.insert = shim("insert", function(...)
  local nargs = select("#", ...)
  local t = ...
  checktable(t, 1, nargs)
  local e = rawlen(t) + 1
  if nargs == 2 then
    t[e] = select(2, ...)
    return
  elseif nargs ~= 3 then
    raise("wrong number of arguments to 'insert'")
  end
  local _, pos, v = ...
  pos = toint32(checkint(pos, 2, nargs))
  if pos > e then e = pos end
  for i = e, pos + 1, -1 do t[i] = t[i - 1] end
  t[pos] = v
end)

tab51.remove = shim("remove", function(...)
  local nargs = select("#", ...)
  local t, pos = ...
  checktable(t, 1, nargs)
  local e = rawlen(t)
  pos = toint32(optint(pos, 2, nargs, e))
  if not (1 <= pos and pos <= e) then return end
  local v = t[pos]
  for i = pos, e - 1 do t[i] = t[i + 1] end
  t[e] = nil
  return v
end)

-- ================================================================ math

local math51 = {
  abs = math.abs,
  acos = math.acos,
  asin = math.asin,
  cos = math.cos,
  deg = math.deg,
  exp = math.exp,

  huge = math.huge,
  modf = math.modf,
  pi = math.pi,
  rad = math.rad,
  sin = math.sin,
  sqrt = math.sqrt,
  tan = math.tan,
}
local function num1(name, f)
  return shim(name, function(...)
    local x = ...
    if type(x) ~= "number" then x = checknumber(x, 1, select("#", ...)) end
    return f(x)
  end)
end

math51.floor = num1("floor", function(x)
  local r = mfloor(x)
  if r == 0 then return x == 0 and x * 1.0 or 0.0 end -- floor(-0.0) is -0.0
  return r * 1.0
end)

math51.ceil = num1("ceil", function(x)
  local r = mceil(x)
  if r == 0 then return x < 0 and -0.0 or x * 1.0 end -- ceil(-0.5) is -0.0
  return r * 1.0
end)

math51.log = num1("log", function(x) return mlog(x) end)
math51.log10 = num1("log10", function(x) return mlog(x, 10) end)
math51.atan = num1("atan", function(x) return matan(x) end)
math51.sinh = num1("sinh", function(x)
  if mabs(x) < 1e-5 then return x + x * x * x / 6 end
  return (mexp(x) - mexp(-x)) / 2
end)
math51.cosh = num1("cosh", function(x) return (mexp(x) + mexp(-x)) / 2 end)
math51.tanh = num1("tanh", function(x)
  if x > 20 then return 1.0 elseif x < -20 then return -1.0 end
  if mabs(x) < 1e-5 then return x - x * x * x / 3 end
  local e = mexp(2 * x)
  return (e - 1) / (e + 1)
end)

-- Two-number functions: gcc evaluated C's arguments right to left, so #2 is checked first.
local function num2(name, f)
  return shim(name, function(...)
    local nargs = select("#", ...)
    local a, b = ...
    b = checknumber(b, 2, nargs)
    return f(checknumber(a, 1, nargs), b)
  end)
end

math51.atan2 = num2("atan2", function(y, x) return matan(y, x) end)
math51.pow = num2("pow", function(x, y) return x ^ y end)
math51.fmod = num2("fmod", function(a, b) return mfmod(a, b) end)
math51.mod = math51.fmod

-- frexp/ldexp through the IEEE representation (exact, subnormals included).
local function frexp(x)
  if x == 0 or x ~= x or x == mhuge or x == -mhuge then return x, 0.0 end
  local bits = sunpack("<i8", spack("<d", x))
  local e = (bits >> 52) & 0x7ff
  local adjust = 0
  if e == 0 then -- subnormal: scale into the normal range first
    bits = sunpack("<i8", spack("<d", x * 0x1p54))
    e = (bits >> 52) & 0x7ff
    adjust = 54
  end
  local m = sunpack("<d", spack("<i8", (bits & ~(0x7ff << 52)) | (1022 << 52)))
  return m, (e - 1022 - adjust) * 1.0
end
math51.frexp = num1("frexp", frexp)

local function pow2(e) -- 2^e for -1074 <= e <= 1023, exactly
  if e >= -1022 then return sunpack("<d", spack("<i8", (e + 1023) << 52)) end
  return sunpack("<d", spack("<i8", 1 << (e + 1074)))
end

math51.ldexp = shim("ldexp", function(...)
  local nargs = select("#", ...)
  local m, e = ...
  e = toint32(checkint(e, 2, nargs))
  m = checknumber(m, 1, nargs)
  if m == 0 or m ~= m or m == mhuge or m == -mhuge then return m end
  local f, k = frexp(m) -- m = f * 2^k, 0.5 <= |f| < 1
  local x = mtointeger(k) + e
  if x > 1024 then return f > 0 and mhuge or -mhuge end
  if x == 1024 then return (f * 2) * pow2(1023) end
  if x >= -1021 then return f * pow2(x) end -- a normal result: exact
  if x < -2095 then return f > 0 and 0.0 or -0.0 end
  return (f * pow2(x + 1074)) * pow2(-1074) -- one rounding into the subnormal range
end)

local function minmax(name, better)
  return shim(name, function(...)
    local nargs = select("#", ...)
    local best = checknumber((...), 1, nargs)
    for i = 2, nargs do
      local d = checknumber((select(i, ...)), i, nargs)
      if better(d, best) then best = d end
    end
    return best
  end)
end
math51.max = minmax("max", function(a, b) return a > b end)
math51.min = minmax("min", function(a, b) return a < b end)

-- ================================================================ install

for k, v in pairs(base) do G[k] = v end
G.coroutine = co51
G.string = str51
G.table = tab51
G.math = math51 -- prng adds random/randomseed
G._G = G
G._VERSION = "Lua 5.1"
getmetatable("").__index = str51

return {
  -- Marks the thread the engine runs scripts on (when it runs them as coroutines), so that
  -- coroutine.running() returns nil and coroutine.yield() refuses there, as on 5.1's main thread.
  set_main_thread = function(co) main_thread = co end,
}
`;
