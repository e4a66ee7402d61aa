/**
 * The `struct` library (Roberto Ierusalimschy's struct.c 1.4 with the fixes Redis/Valkey carry:
 * "integral size overflow", "offset must be 1 or greater", the `c0` previous-size check), spec
 * LIB-3, in Lua 5.4. Sizes are those of an x86-64 Linux build: short 2, int 4, long/size_t 8,
 * maximum alignment 8, native byte order little-endian. Integer conversions reproduce the C casts
 * of that build (NaN and out-of-range values included).
 *
 * @module
 */

import { PRELUDE_LUA } from "./_prelude.ts";

/** Lua source of the struct chunk (see index.ts for the loading contract). */
export const STRUCT_LUA: string = PRELUDE_LUA + `
local MAXINTSIZE, MAXALIGN = 32, 8
local MAXCSTACK = 8000 -- Lua 5.1's LUAI_MAXCSTACK, behind "too many results"

local function isdigit(c) return c ~= nil and c >= 48 and c <= 57 end

-- getnum(): the number at fmt[i..] or df; returns it and the next index.
local function getnum(fmt, i, df)
  local c = sbyte(fmt, i)
  if not isdigit(c) then return df, i end
  local a = 0
  repeat
    local d = c - 48
    if a > 214748364 or a * 10 > 2147483647 - d then raise("integral size overflow") end
    a = a * 10 + d
    i = i + 1
    c = sbyte(fmt, i)
  until not isdigit(c)
  return a, i
end

local SIZES = { B = 1, b = 1, H = 2, h = 2, L = 8, l = 8, T = 8, f = 4, d = 8, x = 1 }

local function optsize(opt, fmt, i)
  local size = SIZES[opt]
  if size then return size, i end
  if opt == "c" then return getnum(fmt, i, 1) end
  if opt == "i" or opt == "I" then
    local sz
    sz, i = getnum(fmt, i, 4)
    if sz > MAXINTSIZE then
      raise(sformat("integral size %d is larger than limit of %d", sz, MAXINTSIZE))
    end
    return sz, i
  end
  return 0, i
end

local function gettoalign(len, align, opt, size)
  if size == 0 or opt == "c" then return 0 end
  if size > align then size = align end
  return (size - (len & (size - 1))) & (size - 1)
end

-- Endianness, alignment and blanks; returns little, align, next index.
local function controloptions(opt, fmt, i, little, align)
  if opt == " " then return little, align, i end
  if opt == ">" then return false, align, i end
  if opt == "<" then return true, align, i end
  if opt == "!" then
    local a
    a, i = getnum(fmt, i, MAXALIGN)
    if not (a > 0 and (a & (a - 1)) == 0) then
      raise(sformat("alignment %d is not a power of 2", a))
    end
    return little, a, i
  end
  argerror(1, sformat("invalid format option '%s'", opt))
end

-- The format as C sees it: up to the first NUL.
local function cformat(v, nargs)
  local fmt = checkstring(v, 1, nargs)
  local z = sfind(fmt, "\\0", 1, true)
  if z then fmt = ssub(fmt, 1, z - 1) end
  return fmt
end

-- (unsigned long)d on x86-64 as gcc compiles it.
local function d2u(d)
  if d ~= d then return MININT end
  if d < 0x1p63 then return d2i(d) end
  if d < 0x1p64 then return d2i(d - 0x1p63) | MININT end
  return 0
end

local function putinteger(n, little, size)
  local v = n < 0 and d2i(n) or d2u(n)
  if size == 0 then return "" end
  local low = size < 8 and size or 8
  local s = spack((little and "<I" or ">I") .. low, low < 8 and v & ((1 << 8 * low) - 1) or v)
  if size > 8 then
    local pad = srep("\\0", size - 8)
    if little then s = s .. pad else s = pad .. s end
  end
  return s
end

local function getinteger(data, pos, little, signed, size)
  local l = 0
  if little then
    for k = pos + size, pos + 1, -1 do l = (l << 8) | sbyte(data, k) end
  else
    for k = pos + 1, pos + size do l = (l << 8) | sbyte(data, k) end
  end
  if signed then
    local mask = -1 << ((size * 8 - 1) & 63)
    if l & mask ~= 0 then l = l | mask end
    return l + 0.0
  end
  if l >= 0 then return l + 0.0 end
  return (((l >> 1) | (l & 1)) + 0.0) * 2.0 -- unsigned 64-bit, rounded once
end

local INTEGER_OPTS = { b = true, B = true, h = true, H = true, l = true, L = true, T = true,
  i = true, I = true }

local function pack(...)
  local nargs = select("#", ...)
  local fmt = cformat((...), nargs)
  -- b_pack pushes a nil mark after its arguments: a missing argument right after them is "nil".
  local present = nargs + 1
  local little, align = true, 1
  local arg = 2
  local out, nout = {}, 0
  local totalsize = 0
  local i, flen = 1, #fmt
  while i <= flen do
    local opt = ssub(fmt, i, i)
    local size
    size, i = optsize(opt, fmt, i + 1)
    local toalign = gettoalign(totalsize, align, opt, size)
    totalsize = totalsize + toalign
    if toalign > 0 then
      nout = nout + 1
      out[nout] = srep("\\0", toalign)
    end
    local piece
    if INTEGER_OPTS[opt] then
      piece = putinteger(checknumber((select(arg, ...)), arg, present), little, size)
      arg = arg + 1
    elseif opt == "x" then
      piece = "\\0"
    elseif opt == "f" or opt == "d" then
      local n = checknumber((select(arg, ...)), arg, present)
      arg = arg + 1
      piece = spack((little and "<" or ">") .. opt, n)
    elseif opt == "c" or opt == "s" then
      local s = checkstring((select(arg, ...)), arg, present)
      arg = arg + 1
      local l = #s
      if size == 0 then size = l end
      if l < size then argerror(arg, "string too short") end
      piece = size == l and s or ssub(s, 1, size)
      if opt == "s" then
        piece = piece .. "\\0"
        size = size + 1
      end
    else
      little, align, i = controloptions(opt, fmt, i, little, align)
    end
    if piece then
      nout = nout + 1
      out[nout] = piece
    end
    totalsize = totalsize + size
  end
  return tconcat(out, "", 1, nout)
end

local function unpack(...)
  local nargs = select("#", ...)
  local fmt, data, init = ...
  fmt = cformat(fmt, nargs)
  data = checkstring(data, 2, nargs)
  local ld = #data
  local pos = optint(init, 3, nargs, 1)
  if pos == 0 then argerror(3, "offset must be 1 or greater") end
  pos = pos - 1 -- size_t arithmetic: negative positions compare as huge (ult)
  local little, align = true, 1
  local res, n = {}, 0
  local i, flen = 1, #fmt
  while i <= flen do
    local opt = ssub(fmt, i, i)
    local size
    size, i = optsize(opt, fmt, i + 1)
    pos = pos + gettoalign(pos, align, opt, size)
    if not (size <= ld and not ult(ld - size, pos)) then argerror(2, "data string too short") end
    if nargs + n + 2 > MAXCSTACK then raise("stack overflow (too many results)") end
    if INTEGER_OPTS[opt] then
      n = n + 1
      res[n] = getinteger(data, pos, little, opt >= "a", size)
    elseif opt == "f" or opt == "d" then
      n = n + 1
      res[n] = (sunpack((little and "<" or ">") .. opt, data, pos + 1)) * 1.0
    elseif opt == "c" then
      if size == 0 then
        local prev = n > 0 and tonum51(res[n]) or nil
        if prev == nil then raise("format 'c0' needs a previous size") end
        size = d2u(prev) -- (size_t)d
        res[n] = nil
        n = n - 1
        if ult(ld - pos, size) then argerror(2, "data string too short") end
      end
      n = n + 1
      res[n] = ssub(data, pos + 1, pos + size)
    elseif opt == "s" then
      local e = sfind(data, "\\0", pos + 1, true)
      if e == nil then raise("unfinished string in data") end
      size = e - pos
      n = n + 1
      res[n] = ssub(data, pos + 1, e - 1)
    elseif opt ~= "x" then
      little, align, i = controloptions(opt, fmt, i, little, align)
    end
    pos = pos + size
  end
  res[n + 1] = pos + 1.0
  return tunpack(res, 1, n + 1)
end

local function size(...)
  local nargs = select("#", ...)
  local fmt = cformat((...), nargs)
  local little, align = true, 1
  local pos = 0
  local i, flen = 1, #fmt
  while i <= flen do
    local opt = ssub(fmt, i, i)
    local sz
    sz, i = optsize(opt, fmt, i + 1)
    pos = pos + gettoalign(pos, align, opt, sz)
    if opt == "s" then
      argerror(1, "option 's' has no fixed size")
    elseif opt == "c" and sz == 0 then
      argerror(1, "option 'c0' has no fixed size")
    end
    if not sfind(opt, "^%w") then little, align, i = controloptions(opt, fmt, i, little, align) end
    pos = pos + sz
  end
  return pos + 0.0
end

G.struct = { pack = lib(pack), unpack = lib(unpack), size = lib(size) }
`;
