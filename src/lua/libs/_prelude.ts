/**
 * Lua prelude shared by every library chunk (prepended to its source by the chunk's module). It
 * unpacks the chunk arguments, captures the 5.4 primitives the libraries use (so scripts never see
 * them), and defines the helpers that reproduce Lua 5.1's C-library conventions:
 *
 * - `raise(msg)` is `luaL_error`: the message gets the position of the script line that called the
 *   library function. `argerror(n, msg)` is `luaL_argerror`, naming the function as the caller
 *   spelled it (`'encode'`, a local's name, `'?'` when called from C) and shifting the argument
 *   number for method calls. Both find that caller by skipping this chunk's own frames and the
 *   `prims.wrap` trampoline, so they work at any depth of library code.
 * - `tonum51`, `checknumber`, `checkint`, `checkstring`, `optint`: 5.1 argument conversion (numeric
 *   strings accepted, numbers formatted with `%.14g`, non-integers truncated toward zero).
 *
 * Everything here is `local`: each chunk gets its own copy.
 *
 * @module
 */

/** The prelude source. Chunks must not use string methods (`s:sub()`): the string metatable is
 * switched to the 5.1 string table once stdlib51 is installed. */
export const PRELUDE_LUA = `
local prims, G = ...
local wrap = prims.wrap
local debug_getinfo = debug.getinfo
local error, type, select, tostring, tonumber, rawget, rawset, rawlen, next, pairs =
  error, type, select, tostring, tonumber, rawget, rawset, rawlen, next, pairs
local setmetatable, getmetatable, pcall = setmetatable, getmetatable, pcall
local mtype, mfloor, mceil, mhuge, mtointeger = math.type, math.floor, math.ceil, math.huge,
  math.tointeger
local MININT, MAXINT, ult = math.mininteger, math.maxinteger, math.ult
local sformat, sbyte, schar, ssub, sfind, smatch, sgsub, srep, slower, sgmatch =
  string.format, string.byte, string.char, string.sub, string.find, string.match, string.gsub,
  string.rep, string.lower, string.gmatch
local spack, sunpack = string.pack, string.unpack
local tconcat, tunpack = table.concat, table.unpack
local CHUNK = debug_getinfo(1, "S").source
-- strtod("nan") is a positive NaN; 0/0 computed in wasm may carry either sign.
local NAN = 0 / 0
if sbyte(spack(">d", NAN), 1) >= 0x80 then NAN = -NAN end

-- Library functions are called through the prims.wrap trampoline, a C function, as Valkey's C
-- libraries are: the script's frame survives a tail call (return f(...)) and errors are raised by
-- a C function. lib(f) always wraps; shim(name, f) wraps unless the engine asked for plain Lua
-- shims (prims.direct_shims: cheaper, but their errors lose the script position when tail-called).
local WRAPPERS = setmetatable({}, { __mode = "k" })
local NAMES = setmetatable({}, { __mode = "k" })
local DIRECT = prims.direct_shims == true

local function lib(f)
  local w = wrap(f)
  WRAPPERS[w] = true
  return w
end

local function shim(name, f)
  NAMES[f] = name
  if DIRECT then return f end
  return lib(f)
end

-- Where an error raised by a library helper belongs, as levels seen from the helper that calls
-- locate(): the frame whose call name the message uses, the frame whose line prefixes it, and
-- (for shims) the library function that was entered.
local function locate()
  local level, entry, ar = 3, nil, nil
  while true do
    ar = debug_getinfo(level, "Sf")
    if ar == nil or ar.source ~= CHUNK then break end
    entry = ar.func
    level = level + 1
  end
  if ar and WRAPPERS[ar.func] then return level - 1, level, nil end
  return level - 2, level - 1, entry
end

-- luaL_error: prefixed with the position of the script line that called the library.
local function raise(msg)
  local _, pos = locate()
  error(msg, pos)
end

-- luaL_where(L, 1) as the library function sees it: "chunk:line: " of the calling script line.
local function where()
  local _, pos = locate()
  local ar = debug_getinfo(pos, "Sl")
  if ar and ar.currentline > 0 then return sformat("%s:%d: ", ar.short_src, ar.currentline) end
  return ""
end

-- luaL_where(L, 1) as the library function sees it: "chunk:line: " of the calling script line.
local function where()
  local _, pos = locate()
  local ar = debug_getinfo(pos, "Sl")
  if ar and ar.currentline > 0 then return sformat("%s:%d: ", ar.short_src, ar.currentline) end
  return ""
end

-- luaL_argerror
local function argerror(narg, extramsg)
  local namelevel, pos, entry = locate()
  local ar = debug_getinfo(namelevel, "nt")
  local name = ar and ar.name
  if name == nil and entry ~= nil and ar and ar.istailcall then name = NAMES[entry] end
  if ar and ar.namewhat == "method" then
    narg = narg - 1
    if narg == 0 then
      error(sformat("calling '%s' on bad self (%s)", name, extramsg), pos)
    end
  end
  error(sformat("bad argument #%d to '%s' (%s)", narg, name or "?", extramsg), pos)
end

-- luaL_typerror; 'present' is false for a missing argument ("no value").
local function typeerror(narg, tname, v, present)
  argerror(narg, sformat("%s expected, got %s", tname, present and type(v) or "no value"))
end

-- 5.1 lua_tonumber on a string (C strtod: decimal, hex, inf, nan, surrounding spaces), or nil.
local function str2d(s)
  local n = tonumber(s)
  if n ~= nil then
    if mtype(n) == "integer" then
      -- 5.4 wraps hex integers modulo 2^64; strtod rounds them: re-read as a hex float.
      if sfind(s, "x", 1, true) or sfind(s, "X", 1, true) then
        return tonumber((sgsub(s, "^(%s*[-+]?0[xX]%x+)", "%1p0")))
      end
      if n == 0 and sfind(s, "-", 1, true) then return -0.0 end
      return n + 0.0
    end
    return n
  end
  local sign, word = smatch(s, "^%s*([-+]?)(%a+)%s*$")
  if word then
    word = slower(word)
    if word == "inf" or word == "infinity" then
      return sign == "-" and -mhuge or mhuge
    elseif word == "nan" then
      return sign == "-" and -NAN or NAN
    end
  end
  return nil
end

-- 5.1 lua_tonumber: a float, or nil when v is not convertible.
local function tonum51(v)
  local t = type(v)
  if t == "number" then return v * 1.0 end
  if t == "string" then return str2d(v) end
  return nil
end

-- luaL_checknumber (nargs: how many arguments the library function received).
local function checknumber(v, narg, nargs)
  if type(v) == "number" then return v * 1.0 end
  local n = type(v) == "string" and str2d(v) or nil
  if n == nil then typeerror(narg, "number", v, narg <= nargs) end
  return n
end

-- C's (long)d on x86-64: truncation; NaN and out-of-range values give INT64_MIN.
local function d2i(d)
  if d ~= d or d >= 0x1p63 or d < -0x1p63 then return MININT end
  if d >= 0 then return mfloor(d) end
  return mceil(d)
end

-- luaL_checkinteger / luaL_checkint as a 5.4 integer.
local function checkint(v, narg, nargs)
  return d2i(checknumber(v, narg, nargs))
end

local function optint(v, narg, nargs, default)
  if v == nil then return default end
  return d2i(checknumber(v, narg, nargs))
end

-- 5.1 number-to-string (%.14g, no ".0").
local function num2str(n)
  return tostring(n * 1.0)
end

-- luaL_checklstring: strings, or numbers converted with %.14g.
local function checkstring(v, narg, nargs)
  local t = type(v)
  if t == "string" then return v end
  if t == "number" then return num2str(v) end
  typeerror(narg, "string", v, narg <= nargs)
end
`;
