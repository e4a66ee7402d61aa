/**
 * Valkey's Lua libraries and the Lua 5.1 standard library surface, written in Lua 5.4, and the
 * contract by which the engine installs them.
 *
 * ## Loading contract (the engine does exactly this, once per Lua state)
 *
 * 1. Open the stock 5.4 libraries the chunks capture: base, coroutine, table, string, math and
 *    debug (`luaL_openlibs` is fine). The chunks keep what they need as upvalues, so the engine
 *    may remove anything from the 5.4 globals afterwards (debug above all).
 * 2. Create an empty table `G`: it becomes the 5.1 global table.
 * 3. For each chunk of {@link LIBRARY_CHUNKS}, in order: `luaL_loadbufferx(L, source, len,
 *    chunkname, "t")`, then call it with two arguments, `prims` and `G`, and one result.
 *    Each chunk adds its globals to G (stdlib51 adds the base functions, `string`, `table`,
 *    `math`, `coroutine`, `_G` and `_VERSION`; prng adds `math.random`/`math.randomseed`; then
 *    `bit`, `struct`, `cmsgpack`, `cjson`). The result is the chunk's private table, or nil: keep
 *    it in the registry; never give it to scripts.
 * 4. Make G the script global table: set `registry[LUA_RIDX_GLOBALS]` (index 2) to G, or copy G
 *    into the existing global table after clearing it (then point `_G` at that table). Add the
 *    engine's own globals (`server`, `redis`, `os`, the `pcall` wrapper, the error handlers),
 *    then make G and every table reachable from it read-only. stdlib51 already points the string
 *    metatable's `__index` at G.string.
 *
 * `prims`, a table built by the engine (the only things Lua cannot make itself):
 * - `prims.null`: a light userdata holding NULL (`lua_pushlightuserdata(L, NULL)`): `cjson.null`.
 * - `prims.wrap(f)`: returns a C closure with upvalue f that calls f with all its arguments in
 *   protected mode (`lua_pcallk(L, nargs, LUA_MULTRET, 0, 0, NULL)`), returns all of f's results,
 *   and on error calls `lua_error` with the same error value. Library functions go through it so
 *   that, as for Valkey's C libraries, the script's frame survives a tail call
 *   (`return cjson.encode(x)`) and the error is raised by a C function (ERR-2's source/line).
 * - `prims.newuserdata()`: returns a new full userdata of size 0 without metatable (`newproxy`).
 * - `prims.load51(source, chunkname)` (optional): compiles 5.1 source text like a script body
 *   (5.1 syntax check, numerals as floats) with the current global table as environment; returns
 *   the function, or nil and the 5.1 error message. `loadstring` and `load` use it; without it
 *   they use 5.4's `load(source, chunkname, "t")`.
 * - `prims.direct_shims` (optional boolean): install the hot 5.1 shims (assert, tonumber, ipairs,
 *   pairs, unpack, string.format, string.rep, table.insert, math.floor...) as plain Lua functions
 *   instead of through `wrap`: cheaper per call (the JS trampoline measured ~0.2 µs per call),
 *   but their error messages lose the script position and name when the script tail-calls them
 *   (`return assert(false, "x")`). Off by default. A trampoline written in wasm (no JS) that uses
 *   `lua_callk` instead of `lua_pcallk` is also correct if the error handler skips library frames
 *   (below), and would make this flag unnecessary.
 *
 * Private tables:
 * - `prng`: `get_state()` returns the 48-bit PRNG state (an integer, exact as a double);
 *   `set_state(n)` restores it. The state is process-wide in Valkey and survives SCRIPT FLUSH:
 *   read it before closing a state, restore it into the new one.
 * - `stdlib51`: `set_main_thread(co)`: if the engine runs scripts inside a coroutine, pass it so
 *   that `coroutine.running()` returns nil and `coroutine.yield()` fails there as on 5.1's main
 *   thread.
 *
 * Error handler (ERR-2): frames whose source starts with {@link LIBRARY_SOURCE_PREFIX} belong to
 * library code. An error raised by a library function called through `prims.wrap` is re-raised by
 * the trampoline, so the handler's level 2 is that C function and level 3 the script, as in
 * Valkey. Errors raised from Lua (plain shims, or a trampoline without pcall) are seen inside
 * library frames: the handler must skip frames with the prefix (and the trampoline above them),
 * treating them like the C function they stand for, before taking source and line.
 *
 * @module
 */

import { BIT_LUA } from "./bit.ts";
import { CJSON_LUA } from "./cjson.ts";
import { CMSGPACK_LUA } from "./cmsgpack.ts";
import { PRNG_LUA } from "./prng.ts";
import { STDLIB51_LUA } from "./stdlib51.ts";
import { STRUCT_LUA } from "./struct.ts";

export { PRNG_INITIAL_STATE } from "./prng.ts";

/** One library chunk: Lua 5.4 source called as `chunk(prims, G)`. */
export interface LibraryChunk {
  /** Short name; also the key of its private table, if any. */
  readonly name: string;
  /** Chunk name for `luaL_loadbufferx` (starts with {@link LIBRARY_SOURCE_PREFIX}). */
  readonly chunkname: string;
  /** Lua 5.4 source text. */
  readonly source: string;
}

/** Source prefix (`debug.getinfo(f).source`) of every library chunk. */
export const LIBRARY_SOURCE_PREFIX = "=evalkit:";

/** The chunks, in loading order (stdlib51 first: prng adds to its `math` table). */
export const LIBRARY_CHUNKS: readonly LibraryChunk[] = [
  { name: "stdlib51", chunkname: "=evalkit:stdlib51", source: STDLIB51_LUA },
  { name: "prng", chunkname: "=evalkit:prng", source: PRNG_LUA },
  { name: "bit", chunkname: "=evalkit:bit", source: BIT_LUA },
  { name: "struct", chunkname: "=evalkit:struct", source: STRUCT_LUA },
  { name: "cmsgpack", chunkname: "=evalkit:cmsgpack", source: CMSGPACK_LUA },
  { name: "cjson", chunkname: "=evalkit:cjson", source: CJSON_LUA },
];
