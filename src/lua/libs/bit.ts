/**
 * The `bit` library (LuaBitOp 1.0.2 as bundled by Valkey, spec LIB-4), in Lua 5.4.
 *
 * Arguments are normalised as LuaBitOp does on a double-number Lua: add 2^52+2^51 and take the low
 * 32 bits of the double's representation (so non-integers round half to even and huge values give
 * what the C library gives); results are signed 32-bit numbers. `tohex` includes Valkey's fix for
 * a count of -2^31.
 *
 * @module
 */

import { PRELUDE_LUA } from "./_prelude.ts";

/** Lua source of the bit chunk (see index.ts for the loading contract). */
export const BIT_LUA: string = PRELUDE_LUA + `
local MAGIC = 6755399441055744.0 -- 2^52 + 2^51

-- barg(): the operand as an unsigned 32-bit integer.
local function barg(v, narg, nargs)
  local n
  if type(v) == "number" then
    n = v + 0.0
  else
    n = type(v) == "string" and str2d(v) or nil
    if n == nil then typeerror(narg, "number", v, narg <= nargs) end
  end
  local d = n + MAGIC
  if d >= 0x1p52 and d < 0x1p53 then return mtointeger(d - 0x1p52) & 0xffffffff end
  -- Other magnitudes, inf and NaN: the low word of the double, exactly as the C union read.
  return (sunpack("<I4", spack("<d", d)))
end

-- BRET(): as a signed 32-bit number (a float, as every number in 5.1).
local function bret(b)
  b = b & 0xffffffff
  if b >= 0x80000000 then b = b - 0x100000000 end
  return b + 0.0
end

local function unary(op)
  return lib(function(...)
    return bret(op(barg((...), 1, select("#", ...))))
  end)
end

local function fold(op)
  return lib(function(...)
    local nargs = select("#", ...)
    local b = barg((...), 1, nargs)
    for i = nargs, 2, -1 do b = op(b, barg((select(i, ...)), i, nargs)) end
    return bret(b)
  end)
end

local function shift(op)
  return lib(function(...)
    local nargs = select("#", ...)
    local x, n = ...
    local b = barg(x, 1, nargs)
    return bret(op(b, barg(n, 2, nargs) & 31))
  end)
end

local function signed(b)
  if b >= 0x80000000 then return b - 0x100000000 end
  return b
end

local HEX_LOWER, HEX_UPPER = "0123456789abcdef", "0123456789ABCDEF"

G.bit = {
  tobit = unary(function(b) return b end),
  bnot = unary(function(b) return ~b end),
  band = fold(function(a, b) return a & b end),
  bor = fold(function(a, b) return a | b end),
  bxor = fold(function(a, b) return a ~ b end),
  lshift = shift(function(b, n) return b << n end),
  rshift = shift(function(b, n) return b >> n end),
  arshift = shift(function(b, n) return signed(b) // (1 << n) end),
  rol = shift(function(b, n) return (b << n) | (b >> (32 - n)) end),
  ror = shift(function(b, n) return (b << (32 - n)) | (b >> n) end),
  bswap = unary(function(b)
    return (b >> 24) | ((b >> 8) & 0xff00) | ((b & 0xff00) << 8) | ((b & 0xff) << 24)
  end),
  tohex = lib(function(...)
    local nargs = select("#", ...)
    local x, n = ...
    local b = barg(x, 1, nargs)
    n = nargs < 2 and 8 or signed(barg(n, 2, nargs))
    local digits = HEX_LOWER
    if n == -0x80000000 then n = -0x7fffffff end -- Valkey's fix: -INT32_MIN overflowed
    if n < 0 then n, digits = -n, HEX_UPPER end
    if n > 8 then n = 8 end
    local out = {}
    for i = n, 1, -1 do
      local d = (b & 15) + 1
      out[i] = ssub(digits, d, d)
      b = b >> 4
    end
    return tconcat(out, "", 1, n)
  end),
}
`;
