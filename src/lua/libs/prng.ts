/**
 * Valkey's deterministic `math.random` / `math.randomseed` (spec §11.2, DET-2..7): the 48-bit
 * rand48 linear congruential generator, in Lua 5.4 (integer arithmetic wraps mod 2^64, which is
 * exact mod 2^48).
 *
 * The state is process-wide in Valkey and survives SCRIPT FLUSH. It lives in this chunk's upvalue,
 * so the engine reads it with the chunk's private `get_state()` before dropping a Lua state and
 * restores it with `set_state(n)` after building the new one (see index.ts).
 *
 * @module
 */

import { PRELUDE_LUA } from "./_prelude.ts";

/** The state at process start: what `randomseed(0x1234ABCD)` produces (DET-2). */
export const PRNG_INITIAL_STATE = 0x1234abcd330e;

/** Lua source of the prng chunk (see index.ts for the loading contract). */
export const PRNG_LUA: string = PRELUDE_LUA + `
local state = ${PRNG_INITIAL_STATE}
local MAX31 = 2147483647 -- REDIS_LRAND48_MAX

-- One draw: advance, take the top 31 bits, map to [0, 1) (DET-3, DET-4).
local function draw()
  state = (0x5DEECE66D * state + 0xB) & 0xFFFFFFFFFFFF
  return ((state >> 17) % MAX31) / MAX31
end

-- C's (int)(long)d: truncate, then keep the low 32 bits, signed.
local function toint32(i)
  i = i & 0xffffffff
  if i >= 0x80000000 then i = i - 0x100000000 end
  return i
end

local math51 = G.math
if math51 == nil then
  math51 = {}
  G.math = math51
end

math51.random = lib(function(...)
  local r = draw() -- the state advances before the arguments are checked, as in C
  local nargs = select("#", ...)
  if nargs == 0 then return r end
  if nargs == 1 then
    local u = toint32(checkint((...), 1, 1))
    if u < 1 then argerror(1, "interval is empty") end
    return mfloor(r * u) + 1.0
  elseif nargs == 2 then
    local l, u = ...
    l = toint32(checkint(l, 1, 2))
    u = toint32(checkint(u, 2, 2))
    if l > u then argerror(2, "interval is empty") end
    return mfloor(r * toint32(u - l + 1)) + (l + 0.0)
  end
  raise("wrong number of arguments")
end)

math51.randomseed = lib(function(...)
  local seed = toint32(checkint((...), 1, select("#", ...))) & 0xffffffff
  state = (seed << 16) | 0x330E
end)

return {
  -- The 48-bit state as an integer (exact in a double).
  get_state = function() return state end,
  set_state = function(n)
    local i = mtointeger(n)
    if i == nil or i < 0 or i > 0xFFFFFFFFFFFF then error("invalid PRNG state", 2) end
    state = i
  end,
}
`;
