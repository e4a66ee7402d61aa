/**
 * The `cjson` library (lua-cjson 2.1.0 as bundled by Valkey, spec LIB-1), in Lua 5.4.
 *
 * Reproduces the C library's output and error texts: `%.14g` numbers (precision configurable),
 * `\/` escaped, the sparse-array rules, `cjson.null` (the NULL light userdata the engine passes
 * as `prims.null`), strtod number syntax (hex, inf, nan accepted by default), the C string's end at
 * a NUL byte, error positions "at character N", depth limits (1000) and the Lua 5.1 stack limit
 * the C code checks. `cjson.new()` returns an independent instance with its own configuration.
 * Object members come out in Lua 5.4 `next` order, which is not Lua 5.1's.
 *
 * @module
 */

import { PRELUDE_LUA } from "./_prelude.ts";

/** Lua source of the cjson chunk (see index.ts for the loading contract). */
export const CJSON_LUA: string = PRELUDE_LUA + `
local NULL = prims.null
assert(type(NULL) == "userdata", "cjson needs prims.null (a NULL light userdata)")
local MAXCSTACK = 8000 -- Lua 5.1's LUAI_MAXCSTACK (lua_checkstack limit)
local INT_MAX = 2147483647

-- ---------------------------------------------------------------- encoding

local ESCAPES = {
  ['"'] = '\\\\"', ["\\\\"] = "\\\\\\\\", ["/"] = "\\\\/",
  ["\\b"] = "\\\\b", ["\\f"] = "\\\\f", ["\\n"] = "\\\\n", ["\\r"] = "\\\\r", ["\\t"] = "\\\\t",
}
for c = 0, 31 do
  local ch = schar(c)
  if ESCAPES[ch] == nil then ESCAPES[ch] = sformat("\\\\u%04x", c) end
end
ESCAPES["\\127"] = "\\\\u007f"
local ESCAPE_CLASS = '[%c"/\\\\]'

local NUMBER_FORMATS = {}
for p = 1, 14 do NUMBER_FORMATS[p] = "%." .. p .. "g" end

local TYPE_NAMES = { ["nil"] = "nil", boolean = "boolean", number = "number", string = "string",
  table = "table", ["function"] = "function", userdata = "userdata", thread = "thread" }

local function new_instance()
  -- Configuration, as json_create_config() sets it.
  local sparse_convert, sparse_ratio, sparse_safe = 0, 2, 10
  local encode_max_depth, decode_max_depth = 1000, 1000
  local encode_invalid_numbers, decode_invalid_numbers = 0, 1
  local encode_keep_buffer, number_format = 1, NUMBER_FORMATS[14]

  local buf, nbuf -- pieces of the current encode() result

  local function put(s)
    nbuf = nbuf + 1
    buf[nbuf] = s
  end

  local function encode_error(v, reason)
    raise(sformat("Cannot serialise %s: %s", TYPE_NAMES[type(v)], reason))
  end

  local function put_string(s)
    if sfind(s, ESCAPE_CLASS) then s = sgsub(s, ESCAPE_CLASS, ESCAPES) end
    put('"' .. s .. '"')
  end

  local function format_number(num)
    num = num * 1.0
    if num ~= num or num == mhuge or num == -mhuge then
      if encode_invalid_numbers == 0 then
        encode_error(num, "must not be NaN or Inf")
      elseif encode_invalid_numbers == 1 then
        if num ~= num then return "nan" end
      else
        return "null"
      end
    end
    return sformat(number_format, num)
  end

  -- lua_array_length(): -1 for an object, else the array length (0 for an empty table).
  local function array_length(t)
    local max, items = 0, 0
    for k in next, t do
      if type(k) == "number" and k ~= 0 and k >= 1 and k == mfloor(k) then
        if k > max then
          max = k < 0x1p31 and mtointeger(k) or -0x80000000 -- (int)k on x86-64
        end
        items = items + 1
      else
        return -1
      end
    end
    if sparse_ratio > 0 and max > items * sparse_ratio and max > sparse_safe then
      if sparse_convert == 0 then encode_error(t, "excessively sparse array") end
      return -1
    end
    return max
  end

  local append

  -- 'depth' counts tables, 'height' is the 5.1 C stack height with v on top of it.
  function append(v, depth, height)
    local t = type(v)
    if t == "string" then
      put_string(v)
    elseif t == "number" then
      put(format_number(v))
    elseif t == "boolean" then
      put(v and "true" or "false")
    elseif t == "table" then
      depth = depth + 1
      if depth > encode_max_depth or height + 3 > MAXCSTACK then
        raise(sformat("Cannot serialise, excessive nesting (%d)", depth))
      end
      local len = array_length(v)
      if len > 0 then
        put("[")
        for i = 1, len do
          if i > 1 then put(",") end
          append(rawget(v, i), depth, height + 1)
        end
        put("]")
      else
        put("{")
        local comma = false
        for k, val in next, v do
          if comma then put(",") else comma = true end
          local kt = type(k)
          if kt == "number" then
            put('"' .. format_number(k) .. '":')
          elseif kt == "string" then
            put_string(k)
            put(":")
          else
            encode_error(k, "table key must be a number or string")
          end
          append(val, depth, height + 2)
        end
        put("}")
      end
    elseif v == nil or v == NULL then
      put("null")
    else
      encode_error(v, "type not supported")
    end
  end

  local function encode(...)
    if select("#", ...) ~= 1 then argerror(1, "expected 1 argument") end
    local saved, saved_n = buf, nbuf
    buf, nbuf = {}, 0
    append((...), 0, 1)
    local s = tconcat(buf, "", 1, nbuf)
    buf, nbuf = saved, saved_n
    return s
  end

  -- -------------------------------------------------------------- decoding

  -- Parser state for one decode(): the text (cut at its first NUL, where the C string ends), the
  -- next byte (1-based), nesting depth and 5.1 stack height.
  local s, pos, depth, height

  local ESCAPE_CHARS = { [34] = '"', [92] = "\\\\", [47] = "/", [98] = "\\b", [116] = "\\t",
    [110] = "\\n", [102] = "\\f", [114] = "\\r" }

  local function hex4(at)
    local h = smatch(s, "^%x%x%x%x", at)
    return h and tonumber(h, 16) or nil
  end

  local function utf8(cp)
    if cp <= 0x7f then return schar(cp) end
    if cp <= 0x7ff then return schar(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)) end
    if cp <= 0xffff then
      return schar(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f))
    end
    return schar(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f),
      0x80 | (cp & 0x3f))
  end

  -- Tokens are (type, value, index): index is the 0-based offset the C code reports (+1).
  local T_OBJ_BEGIN, T_OBJ_END, T_ARR_BEGIN, T_ARR_END = "T_OBJ_BEGIN", "T_OBJ_END",
    "T_ARR_BEGIN", "T_ARR_END"
  local T_STRING, T_NUMBER, T_BOOLEAN, T_NULL = "T_STRING", "T_NUMBER", "T_BOOLEAN", "T_NULL"
  local T_COLON, T_COMMA, T_END, T_ERROR = "T_COLON", "T_COMMA", "T_END", "T_ERROR"
  local SINGLE = { [123] = T_OBJ_BEGIN, [125] = T_OBJ_END, [91] = T_ARR_BEGIN, [93] = T_ARR_END,
    [44] = T_COMMA, [58] = T_COLON }

  local function string_token()
    local parts, n = {}, 0
    local i = pos + 1
    while true do
      local j = sfind(s, '["\\\\]', i)
      if j == nil then
        return T_ERROR, "unexpected end of string", #s
      end
      if j > i then
        n = n + 1
        parts[n] = ssub(s, i, j - 1)
      end
      if sbyte(s, j) == 34 then
        pos = j + 1
        return T_STRING, tconcat(parts, "", 1, n)
      end
      local e = sbyte(s, j + 1)
      local ch = e and ESCAPE_CHARS[e]
      if e == 117 then -- \\u
        local cp = hex4(j + 2)
        local len = 6
        if cp and (cp & 0xf800) == 0xd800 then
          if cp & 0x400 ~= 0 or ssub(s, j + 6, j + 7) ~= "\\\\u" then
            cp = nil
          else
            local low = hex4(j + 8)
            if low == nil or (low & 0xfc00) ~= 0xdc00 then
              cp = nil
            else
              cp = (((cp & 0x3ff) << 10) | (low & 0x3ff)) + 0x10000
              len = 12
            end
          end
        end
        if cp == nil then return T_ERROR, "invalid unicode escape code", j - 1 end
        n = n + 1
        parts[n] = utf8(cp)
        i = j + len
      elseif ch == nil then
        return T_ERROR, "invalid escape code", j - 1
      else
        n = n + 1
        parts[n] = ch
        i = j + 2
      end
    end
  end

  -- json_is_invalid_number() at pos.
  local function is_invalid_number()
    local c = sbyte(s, pos)
    if c == 43 then return true end -- +
    local p = pos
    if c == 45 then p = p + 1 end -- -
    c = sbyte(s, p) or 0
    if c == 48 then -- 0
      local c2 = sbyte(s, p + 1) or 0
      return (c2 | 0x20) == 120 or (c2 >= 48 and c2 <= 57)
    elseif c <= 57 then
      return false
    end
    local w = slower(ssub(s, p, p + 2))
    return w == "inf" or w == "nan"
  end

  -- strtod() at pos: value and the index after the number, or nil when nothing converts.
  local function strtod()
    local i = pos
    local c = sbyte(s, i)
    local neg = c == 45
    if c == 43 or c == 45 then i = i + 1 end
    local w = slower(ssub(s, i, i + 7))
    if ssub(w, 1, 3) == "inf" then
      return neg and -mhuge or mhuge, i + (w == "infinity" and 8 or 3)
    elseif ssub(w, 1, 3) == "nan" then
      local e = i + 3
      local paren = smatch(s, "^%([%w_]*%)", e)
      if paren then e = e + #paren end
      return neg and -NAN or NAN, e
    end
    local body, e
    if smatch(s, "^0[xX]", i) then
      local m = smatch(s, "^0[xX]%x+%.?%x*", i) or smatch(s, "^0[xX]%.%x+", i)
      if m == nil then return neg and -0.0 or 0.0, i + 1 end -- only the "0" converts
      e = i + #m
      local ex = smatch(s, "^[pP][-+]?%d+", e)
      if ex then e = e + #ex end
      body = ssub(s, i, e - 1)
      if not ex then body = body .. "p0" end -- keep 5.4 from reading it as a wrapping integer
    else
      local m = smatch(s, "^%d+%.?%d*", i) or smatch(s, "^%.%d+", i)
      if m == nil then return nil end
      e = i + #m
      local ex = smatch(s, "^[eE][-+]?%d+", e)
      if ex then e = e + #ex end
      body = ssub(s, i, e - 1)
    end
    local v = tonumber(body) * 1.0
    if neg then v = -v end
    return v, e
  end

  local function next_token()
    local c = sbyte(s, pos)
    while c == 32 or c == 9 or c == 10 or c == 13 do
      pos = pos + 1
      c = sbyte(s, pos)
    end
    local index = pos - 1
    if c == nil then return T_END, nil, index end
    local single = SINGLE[c]
    if single then
      pos = pos + 1
      return single, nil, index
    end
    if c == 34 then
      local tt, v, errindex = string_token()
      return tt, v, errindex or index
    end
    if c == 45 or (c >= 48 and c <= 57) then
      if decode_invalid_numbers == 0 and is_invalid_number() then
        return T_ERROR, "invalid number", index
      end
    elseif ssub(s, pos, pos + 3) == "true" then
      pos = pos + 4
      return T_BOOLEAN, true, index
    elseif ssub(s, pos, pos + 4) == "false" then
      pos = pos + 5
      return T_BOOLEAN, false, index
    elseif ssub(s, pos, pos + 3) == "null" then
      pos = pos + 4
      return T_NULL, NULL, index
    elseif not ((c == 43 or c == 105 or c == 73 or c == 110 or c == 78)
      and decode_invalid_numbers ~= 0 and is_invalid_number()) then
      return T_ERROR, "invalid token", index
    end
    local v, e = strtod()
    if v == nil then return T_ERROR, "invalid number", index end
    pos = e
    return T_NUMBER, v, index
  end

  local function parse_error(expected, tt, v, index)
    s = nil
    raise(sformat("Expected %s but found %s at character %d", expected,
      tt == T_ERROR and v or tt, index + 1))
  end

  local function descend(slots)
    depth = depth + 1
    if depth > decode_max_depth or height + slots > MAXCSTACK then
      local at = pos - 1
      s = nil
      raise(sformat("Found too many nested data structures (%d) at character %d", depth, at))
    end
  end

  local value

  local function parse_object()
    descend(3)
    local t = {}
    height = height + 1
    local tt, v, index = next_token()
    if tt == T_OBJ_END then
      depth = depth - 1
      return t
    end
    while true do
      if tt ~= T_STRING then parse_error("object key string", tt, v, index) end
      local key = v
      tt, v, index = next_token()
      if tt ~= T_COLON then parse_error("colon", tt, v, index) end
      height = height + 1
      t[key] = value(next_token())
      height = height - 1
      tt, v, index = next_token()
      if tt == T_OBJ_END then
        depth = depth - 1
        return t
      end
      if tt ~= T_COMMA then parse_error("comma or object end", tt, v, index) end
      tt, v, index = next_token()
    end
  end

  local function parse_array()
    descend(2)
    local t = {}
    height = height + 1
    local tt, v, index = next_token()
    if tt == T_ARR_END then
      depth = depth - 1
      return t
    end
    local i = 1
    while true do
      t[i] = value(tt, v, index)
      i = i + 1
      tt, v, index = next_token()
      if tt == T_ARR_END then
        depth = depth - 1
        return t
      end
      if tt ~= T_COMMA then parse_error("comma or array end", tt, v, index) end
      tt, v, index = next_token()
    end
  end

  -- json_process_value(): the value for a token; tables leave the stack height unchanged.
  function value(tt, v, index)
    if tt == T_STRING or tt == T_NUMBER or tt == T_BOOLEAN or tt == T_NULL then return v end
    if tt == T_OBJ_BEGIN then
      local saved = height
      local t = parse_object()
      height = saved
      return t
    end
    if tt == T_ARR_BEGIN then
      local saved = height
      local t = parse_array()
      height = saved
      return t
    end
    parse_error("value", tt, v, index)
  end

  local function decode(...)
    local nargs = select("#", ...)
    if nargs ~= 1 then argerror(1, "expected 1 argument") end
    local text = checkstring((...), 1, nargs)
    local b1, b2 = sbyte(text, 1, 2)
    if #text >= 2 and (b1 == 0 or b2 == 0) then
      raise("JSON parser does not support UTF-16 or UTF-32")
    end
    local z = sfind(text, "\\0", 1, true)
    if z then text = ssub(text, 1, z - 1) end
    local saved = { s, pos, depth, height }
    s, pos, depth, height = text, 1, 0, 1
    local result = value(next_token())
    local tt, v, index = next_token()
    if tt ~= T_END then parse_error("the end", tt, v, index) end
    s, pos, depth, height = saved[1], saved[2], saved[3], saved[4]
    return result
  end

  -- ----------------------------------------------------------- configuration

  -- json_arg_init(): at most 'args' arguments.
  local function arg_init(nargs, args)
    if nargs > args then argerror(args + 1, "found too many arguments") end
  end

  local function integer_option(v, nargs, optindex, current, min, max)
    if v == nil then return current end
    local value = checkint(v, optindex, nargs) & 0xffffffff -- stored in a C int
    if value >= 0x80000000 then value = value - 0x100000000 end
    if not (min <= value and value <= max) then
      argerror(1, sformat("expected integer between %d and %d", min, max))
    end
    return value
  end

  -- json_enum_option() with a boolean 'true' meaning options[1] (on).
  local function enum_option(v, nargs, optindex, current, options)
    if v == nil then return current end
    if type(v) == "boolean" then return v and 1 or 0 end
    local name = checkstring(v, optindex, nargs)
    for i = 1, #options do
      if options[i] == name then return i - 1 end
    end
    argerror(optindex, sformat("invalid option '%s'", name))
  end

  local function enum_result(setting, options)
    if setting == 0 or setting == 1 then return setting == 1 end
    return options[setting + 1]
  end

  local ONOFF = { "off", "on" }
  local INVALID = { "off", "on", "null" }

  local module = {}

  module.encode = lib(encode)
  module.decode = lib(decode)
  module.encode_sparse_array = lib(function(...)
    local nargs = select("#", ...)
    arg_init(nargs, 3)
    local convert, ratio, safe = ...
    sparse_convert = enum_option(convert, nargs, 1, sparse_convert, ONOFF)
    sparse_ratio = integer_option(ratio, nargs, 2, sparse_ratio, 0, INT_MAX)
    sparse_safe = integer_option(safe, nargs, 3, sparse_safe, 0, INT_MAX)
    return sparse_convert == 1, sparse_ratio + 0.0, sparse_safe + 0.0
  end)
  module.encode_max_depth = lib(function(...)
    local nargs = select("#", ...)
    arg_init(nargs, 1)
    encode_max_depth = integer_option((...), nargs, 1, encode_max_depth, 1, INT_MAX)
    return encode_max_depth + 0.0
  end)
  module.decode_max_depth = lib(function(...)
    local nargs = select("#", ...)
    arg_init(nargs, 1)
    decode_max_depth = integer_option((...), nargs, 1, decode_max_depth, 1, INT_MAX)
    return decode_max_depth + 0.0
  end)
  local precision = 14
  module.encode_number_precision = lib(function(...)
    local nargs = select("#", ...)
    arg_init(nargs, 1)
    precision = integer_option((...), nargs, 1, precision, 1, 14)
    number_format = NUMBER_FORMATS[precision]
    return precision + 0.0
  end)
  module.encode_keep_buffer = lib(function(...)
    local nargs = select("#", ...)
    arg_init(nargs, 1)
    encode_keep_buffer = enum_option((...), nargs, 1, encode_keep_buffer, ONOFF)
    return encode_keep_buffer == 1
  end)
  module.encode_invalid_numbers = lib(function(...)
    local nargs = select("#", ...)
    arg_init(nargs, 1)
    encode_invalid_numbers = enum_option((...), nargs, 1, encode_invalid_numbers, INVALID)
    return enum_result(encode_invalid_numbers, INVALID)
  end)
  module.decode_invalid_numbers = lib(function(...)
    local nargs = select("#", ...)
    arg_init(nargs, 1)
    decode_invalid_numbers = enum_option((...), nargs, 1, decode_invalid_numbers, ONOFF)
    return decode_invalid_numbers == 1
  end)
  module.new = lib(function() return new_instance() end)
  module.null = NULL
  module._NAME = "cjson"
  module._VERSION = "2.1.0"
  return module
end

G.cjson = new_instance()
`;
