/**
 * The Lua scripting engine: one Lua 5.4 state (wasmoon's glue.wasm) made to behave like Valkey's
 * Lua 5.1, behind the engine-neutral ScriptEngine interface (scripting/engine.ts).
 *
 * Hot path (EVALSHA): the compiled function is taken from the registry by integer ref, KEYS and
 * ARGV are refilled (see #refill), and the function runs under `lua_pcallk` on the main thread
 * with the error handler kept at stack slot 1. Every number enters Lua as a float.
 *
 * Suspendable runs (busy scripts, spec §14): a script past `busy-reply-threshold` must let the
 * front ends answer other clients (BUSY, SCRIPT KILL) and still keep its atomicity. When the
 * caller can wait, the function runs instead as `xpcall(f, errorHandler)` on a runner thread, a
 * coroutine created once per state and reused by every run. The count hook asks the host
 * (`tick`) every `hookInstructions` VM instructions; when the host wants the run suspended, the
 * hook yields (5.4 lets a count hook call `lua_yieldk`) and run() / resume() return SUSPENDED;
 * the caller resumes it later from the event loop. Chosen over the engine in a Worker with a
 * shared kill flag, which would copy every server.call across threads: measured (notes §4), a
 * kill from a timer lands, and resume + xpcall costs about 150 ns more per run than pcall (why
 * runs that cannot be suspended keep the pcall path). The yield happens only on the runner
 * itself (a script's own coroutine would yield to the script) and only where `lua_isyieldable`
 * allows: not inside a C boundary such as a table.sort comparator or a gsub callback, where the
 * kill flag is still checked. The 5.1 `pcall` and the library trampoline (hence `xpcall`,
 * cjson…) are yieldable (continuations, sandbox.ts), so a script spinning inside pcall can still
 * be suspended and killed.
 *
 * Limits: the hook checks a kill flag too; once a kill fires it switches to every line so `pcall`
 * cannot swallow it (Valkey's luaMaskCountHook). Time policy (busy threshold, hard time limits)
 * lives in the host's tick. The wasm heap is capped (wasm_loader.ts).
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import {
  ERR_LUA_UNKNOWN_ERROR,
  ERR_SCRIPT_KILLED,
  errCompile,
  errRunningScript,
  LUA_EXECUTION_FAILURE,
  ReplyError,
  wireError,
} from "../errors.ts";
import { error, type Reply } from "../resp/reply.ts";
import {
  type CompiledScript,
  type ScriptEngine,
  type ScriptHost,
  type ScriptRunOptions,
  SUSPENDED,
} from "../scripting/engine.ts";
import { check51, chunkId51 } from "./compat51.ts";
import { createConverter } from "./convert.ts";
import { LIBRARY_CHUNKS, type LibraryChunk } from "./libs/index.ts";
import { createSandbox } from "./sandbox.ts";
import { createServerApi } from "./server_api.ts";
import {
  createBridge,
  LUA_ERRMEM,
  LUA_ERRRUN,
  LUA_OK,
  LUA_YIELD,
  MASK_COUNT,
  MASK_LINE,
  REGISTRY,
  T_NUMBER,
  T_STRING,
  T_TABLE,
} from "./wasm_bridge.ts";
import { DEFAULT_MAX_MEMORY, instantiateLua } from "./wasm_loader.ts";

/** Options of createLuaEngine. */
export interface LuaEngineOptions {
  /**
   * Cap of the wasm heap in bytes (default 256 MiB): a script that needs more gets
   * `not enough memory` and the engine stays usable. Wasm memory never shrinks.
   */
  readonly maxMemoryBytes?: number;
  /** `server.VALKEY_VERSION` (default "8.0.1"). */
  readonly valkeyVersion?: string;
  /** VM instructions between two deadline/kill checks (default 100,000, as Valkey). */
  readonly hookInstructions?: number;
  /** glue.wasm bytes or compiled module, instead of the embedded copy (see wasm_loader.ts). */
  readonly wasm?: Uint8Array | WebAssembly.Module;
  /** Precompiled trampolines, for runtimes that cannot compile wasm (see wasm_loader.ts). */
  readonly trampolines?: Readonly<Record<string, WebAssembly.Module>>;
  /**
   * Route the hot 5.1 library shims (tonumber, assert, string.rep, …) through a C trampoline so
   * their errors keep Valkey's exact position and suffix even when the script tail-calls them
   * (`return tonumber(x, 99)`). Default true; false saves a few hundred ns per such call.
   */
  readonly exactLibraryErrors?: boolean;
  /** The bundled libraries to install (default: libs/index.ts). For tests. */
  readonly libraries?: readonly LibraryChunk[];
}

/** A compiled function: a registry ref in one state of one engine. */
class LuaScript implements CompiledScript {
  readonly sha: string;
  readonly owner: object;
  readonly epoch: number;
  ref: bigint;
  constructor(sha: string, owner: object, epoch: number, ref: bigint) {
    this.sha = sha;
    this.owner = owner;
    this.epoch = epoch;
    this.ref = ref;
  }
}

/**
 * Stack slots kept between runs: 1 = the error handler, 2 = the real globals table, 3 and 4 = the
 * tables KEYS and ARGV hold; the script's result lands at BASE + 1.
 */
const BASE = 4;
const KEYS_SLOT = 3;
const ARGV_SLOT = 4;

/** Bytes reserved, beyond KEYS/ARGV, before building them outside a protected call. */
const HEADROOM = 1 << 20;

/**
 * Creates a Lua engine (asynchronous only for the wasm instantiation).
 *
 * @param options Heap cap, versions, check interval.
 * @returns A ScriptEngine.
 * @example Run a script with a host that answers server.call
 * ```ts
 * import { createLuaEngine } from "./engine.ts";
 * import { bulk } from "../resp/reply.ts";
 * const engine = await createLuaEngine();
 * const script = engine.compile("0".repeat(40), "return server.call('GET', KEYS[1])");
 * const reply = engine.run(script, ["k"], [], { call: () => bulk("v") });
 * console.assert(reply.type === "bulk" && reply.value === "v");
 * ```
 */
export async function createLuaEngine(options: LuaEngineOptions = {}): Promise<ScriptEngine> {
  const maxMemory = options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY;
  const wasm = await instantiateLua({
    wasm: options.wasm,
    maxMemoryBytes: maxMemory,
    trampolines: options.trampolines,
  });
  return new LuaEngine(wasm, maxMemory, options);
}

class LuaEngine implements ScriptEngine {
  readonly #b;
  readonly #conv;
  readonly #sandbox;
  readonly #api;
  readonly #libraries: readonly LibraryChunk[];
  readonly #exactLibraryErrors: boolean;
  readonly #maxMemory: number;
  readonly #hookCount: number;
  readonly #hook: number;
  readonly #protectedFn: number;
  /** luaopen_* function pointers of the libraries every state opens. */
  readonly #openers: readonly (readonly [string, number])[];
  /** The JS body the next protected call runs. */
  #protectedBody: ((L: number) => number) | null = null;

  #L = 0;
  #epoch = 0;
  #closed = false;
  #realGlobals = 0n;
  /** C strings "KEYS" / "ARGV" (lua_setfield caches short strings by address). */
  readonly #keysName: number;
  readonly #argvName: number;
  /** Entries #refill put in KEYS / ARGV last time (the tables at KEYS_SLOT / ARGV_SLOT). */
  #keysLen = 0;
  #argvLen = 0;
  #collectRef = 0n;
  #prngPrivate = 0n;
  #stdlibPrivate = 0n;
  /** The runner thread every script runs on (anchored in the registry), and 5.4's xpcall. */
  #co = 0;
  #xpcallRef = 0n;
  /** The thread of the run in progress: #co for suspendable runs, else the main thread. */
  #runner = 0;
  /** 4 heap bytes for lua_resume's result count. */
  readonly #nres: number;
  /** PRNG state carried across flush() (DET-2). */
  #prngState: number | undefined;

  // The run in progress.
  readonly #run = { host: null as ScriptHost | null, resp: 2 as 2 | 3 };
  #running = false;
  #suspendable = false;
  #suspended = false;
  /** The script of the run in progress (its sha ends error replies). */
  #current: LuaScript | null = null;
  #killed = false;
  #killText: Bytes = ERR_SCRIPT_KILLED;
  #stickyHook = false;
  #lastErrorFromCommand = false;

  constructor(
    wasm: Awaited<ReturnType<typeof instantiateLua>>,
    maxMemory: number,
    options: LuaEngineOptions,
  ) {
    this.#maxMemory = maxMemory;
    this.#hookCount = options.hookInstructions ?? 100_000;
    this.#libraries = options.libraries ?? LIBRARY_CHUNKS;
    this.#exactLibraryErrors = options.exactLibraryErrors ?? true;
    const b = createBridge(wasm);
    this.#b = b;
    this.#conv = createConverter(b);
    this.#sandbox = createSandbox(b, { check51, chunkId51 });
    this.#api = createServerApi(b, this.#conv, this.#run, {
      valkeyVersion: options.valkeyVersion ?? "8.0.1",
    });
    this.#hook = b.hook((L) => this.#onHook(L));
    this.#keysName = b.cstr("KEYS");
    this.#argvName = b.cstr("ARGV");
    this.#nres = b.x.malloc(4);
    if (this.#nres === 0) throw new RangeError("evalkit: cannot allocate (heap cap too small)");
    const x = b.x;
    this.#openers = ([
      ["_G", x.luaopen_base],
      ["table", x.luaopen_table],
      ["string", x.luaopen_string],
      ["math", x.luaopen_math],
      ["coroutine", x.luaopen_coroutine],
      ["debug", x.luaopen_debug],
    ] as const).map(([name, fn]) => [name, wasm.addFunction(fn, "ii")] as const);
    this.#protectedFn = b.cfunction((L) => {
      const body = this.#protectedBody;
      this.#protectedBody = null;
      return body === null ? 0 : body(L);
    });
    this.#newState();
  }

  get running(): boolean {
    return this.#running;
  }

  get suspended(): boolean {
    return this.#suspended;
  }

  get lastErrorFromCommand(): boolean {
    return this.#lastErrorFromCommand;
  }

  /**
   * Runs `body` as a C function under lua_pcallk (Lua errors are caught). The body sees its own
   * stack frame: `arg`, when given, is copied to its index 1. Returns the status.
   */
  #protect(body: (L: number) => number, arg?: number): number {
    const x = this.#b.x;
    const L = this.#L;
    this.#protectedBody = body;
    x.lua_pushcclosure(L, this.#protectedFn, 0);
    if (arg !== undefined) x.lua_pushvalue(L, arg);
    return x.lua_pcallk(L, arg === undefined ? 0 : 1, 0, 0, 0, 0);
  }

  #onHook(L: number): void {
    if (!this.#running) return;
    const x = this.#b.x;
    if (!this.#killed) {
      const host = this.#run.host;
      const tick = host?.tick;
      if (tick === undefined) return;
      const yieldNow = tick.call(host);
      if (!this.#killed) {
        // Only the runner yields to JS (a script's own coroutine would yield to the script).
        if (
          yieldNow === true && this.#suspendable && L === this.#co && x.lua_isyieldable(L) !== 0
        ) {
          x.lua_yieldk(L, 0, 0, 0);
        }
        return;
      }
    }
    this.#stick(L);
    this.#conv.pushErrorTable(L, this.#killText, false);
    x.lua_error(L);
  }

  /** After a kill: the hook runs at every line, so pcall cannot swallow the kill (BUSY-6). */
  #stick(L: number): void {
    this.#stickyHook = true;
    const x = this.#b.x;
    x.lua_sethook(L, this.#hook, MASK_COUNT | MASK_LINE, 1);
    // Inside a script's coroutine the error ends only that coroutine: the runner must stop too.
    if (L !== this.#runner) x.lua_sethook(this.#runner, this.#hook, MASK_COUNT | MASK_LINE, 1);
  }

  #newState(): void {
    const b = this.#b;
    const x = b.x;
    const L = x.luaL_newstate();
    if (L === 0) throw new RangeError("evalkit: cannot create a Lua state (heap cap too small)");
    this.#L = L;
    this.#epoch++;
    x.lua_sethook(L, this.#hook, MASK_COUNT, this.#hookCount);
    let failure: unknown;
    const status = this.#protect((L) => {
      try {
        this.#setup(L);
      } catch (e) {
        if (typeof e === "number") throw e;
        failure = e;
      }
      return 0;
    });
    if (status !== LUA_OK || failure !== undefined) {
      const msg = failure instanceof Error ? failure.message : b.toBytes(L, -1);
      x.lua_close(L);
      this.#L = 0;
      throw new Error(`evalkit: Lua state setup failed: ${msg}`);
    }
    // The slots below BASE (see there).
    x.lua_settop(L, 0);
    x.lua_pushcclosure(L, this.#sandbox.errorHandler, 0);
    x.lua_rawgeti(L, REGISTRY, this.#realGlobals);
    this.#pinKeysArgv(L);
  }

  /** Keeps the tables KEYS and ARGV hold at KEYS_SLOT / ARGV_SLOT (they were just set). */
  #pinKeysArgv(L: number): void {
    const x = this.#b.x;
    x.lua_settop(L, 2);
    x.lua_getfield(L, 2, this.#keysName);
    x.lua_getfield(L, 2, this.#argvName);
    this.#keysLen = x.lua_rawlen(L, KEYS_SLOT);
    this.#argvLen = x.lua_rawlen(L, ARGV_SLOT);
  }

  #setup(L: number): void {
    const b = this.#b;
    const x = b.x;
    for (const [name, fn] of this.#openers) {
      x.luaL_requiref(L, b.cstr(name), fn, 1);
      x.lua_settop(L, -2);
    }
    this.#conv.init(L);
    x.lua_rawgeti(L, REGISTRY, 2n);
    x.lua_getfield(L, -1, b.cstr("collectgarbage"));
    this.#collectRef = BigInt(x.luaL_ref(L, REGISTRY));
    x.lua_settop(L, -2);

    x.lua_rawgeti(L, REGISTRY, 2n);
    const g54 = x.lua_gettop(L);
    x.lua_createtable(L, 0, 64);
    const g = x.lua_gettop(L);
    x.lua_pushvalue(L, g);
    this.#realGlobals = BigInt(x.luaL_ref(L, REGISTRY));
    this.#installLibraries(L, g);
    this.#sandbox.install(L, g, g54, (L, g) => {
      this.#api.push(L);
      x.lua_pushvalue(L, -1);
      x.lua_setfield(L, g, b.cstr("server"));
      x.lua_setfield(L, g, b.cstr("redis"));
    });
    // KEYS and ARGV stay ordinary tables, replaced before every run (ENV-10).
    this.#setKeysArgv(L, g, [], []);
    // The runner thread (it inherits the count hook); 5.1's coroutine.running() and yield treat
    // it as the main thread.
    x.lua_getfield(L, g54, b.cstr("xpcall"));
    this.#xpcallRef = BigInt(x.luaL_ref(L, REGISTRY));
    const co = x.lua_newthread(L);
    const coIndex = x.lua_gettop(L);
    if (this.#stdlibPrivate !== 0n) {
      x.lua_rawgeti(L, REGISTRY, this.#stdlibPrivate);
      x.lua_getfield(L, -1, b.cstr("set_main_thread"));
      x.lua_pushvalue(L, coIndex);
      x.lua_callk(L, 1, 0, 0, 0);
    }
    x.lua_settop(L, coIndex);
    x.luaL_ref(L, REGISTRY);
    this.#co = co;
    x.lua_settop(L, g54 - 1);
  }

  /**
   * The bundled libraries (libs/index.ts contract): each chunk is called with `(prims, G)`, G
   * being the new, empty 5.1 global table at index g, while the 5.4 globals (and the debug
   * library) are still the chunks' environment; what a chunk returns is kept private.
   */
  #installLibraries(L: number, g: number): void {
    const b = this.#b;
    const x = b.x;
    this.#prngPrivate = 0n;
    this.#stdlibPrivate = 0n;
    for (const chunk of this.#libraries) {
      const p = b.stage(chunk.source, chunk.chunkname);
      if (p === 0) throw new Error("out of memory loading " + chunk.name);
      if (
        x.luaL_loadbufferx(L, p, chunk.source.length, p + chunk.source.length, b.cstr("t")) !== 0
      ) {
        throw new Error(`${chunk.name}: ${b.toBytes(L, -1)}`);
      }
      this.#sandbox.pushPrims(L, this.#exactLibraryErrors);
      x.lua_pushvalue(L, g);
      x.lua_callk(L, 2, 1, 0, 0);
      if (x.lua_type(L, -1) !== T_TABLE) {
        x.lua_settop(L, -2);
        continue;
      }
      const ref = BigInt(x.luaL_ref(L, REGISTRY));
      if (chunk.name === "prng") this.#prngPrivate = ref;
      if (chunk.name === "stdlib51") this.#stdlibPrivate = ref;
    }
    if (this.#prngState !== undefined) this.#prngCall("set_state", this.#prngState);
  }

  /** Calls the PRNG chunk's private get_state / set_state (inside a protected call). */
  #prngCall(name: string, arg?: number): number | undefined {
    if (this.#prngPrivate === 0n) return undefined;
    const b = this.#b;
    const x = b.x;
    const L = this.#L;
    x.lua_rawgeti(L, REGISTRY, this.#prngPrivate);
    x.lua_getfield(L, -1, b.cstr(name));
    let n = 0;
    if (arg !== undefined) {
      x.lua_pushnumber(L, arg);
      n = 1;
    }
    x.lua_callk(L, n, 1, 0, 0);
    const v = x.lua_type(L, -1) === T_NUMBER ? x.lua_tonumberx(L, -1, 0) : undefined;
    x.lua_settop(L, -3);
    return v;
  }

  #check(script: CompiledScript): LuaScript {
    if (!(script instanceof LuaScript) || script.owner !== this || script.epoch !== this.#epoch) {
      throw new TypeError("evalkit: script was compiled by another engine or before a flush");
    }
    if (script.ref === 0n) throw new TypeError("evalkit: script was released");
    return script;
  }

  compile(sha: string, body: Bytes): CompiledScript {
    this.#usable();
    if (this.#running) throw new TypeError("evalkit: compile() during a run");
    // WRAP-2: a shebang line is reduced to its newline.
    if (body.charCodeAt(0) === 35 && body.charCodeAt(1) === 33) {
      const nl = body.indexOf("\n");
      body = nl < 0 ? "" : body.slice(nl);
    }
    const checked = check51(body, "user_script");
    if (!checked.ok) throw new ReplyError(errCompile(checked.message));
    const b = this.#b;
    const x = b.x;
    const L = this.#L;
    const source = checked.source;
    let ref = 0n;
    let message: Bytes | undefined;
    const status = this.#protect((L) => {
      const p = b.stage(source, "@user_script");
      if (p === 0) b.memoryError(L);
      if (x.luaL_loadbufferx(L, p, source.length, p + source.length, b.cstr("t")) !== LUA_OK) {
        message = b.toBytes(L, -1);
        return 0;
      }
      ref = BigInt(x.luaL_ref(L, REGISTRY));
      return 0;
    });
    if (status !== LUA_OK) message = b.toBytes(L, -1);
    x.lua_settop(L, BASE);
    if (message !== undefined) throw new ReplyError(errCompile(message));
    return new LuaScript(sha, this, this.#epoch, ref);
  }

  run(
    script: CompiledScript,
    keys: readonly Bytes[],
    args: readonly Bytes[],
    host: ScriptHost,
    options?: ScriptRunOptions,
  ): Reply {
    this.#usable();
    const s = this.#check(script);
    if (this.#running) throw new TypeError("evalkit: run() inside a run");
    const x = this.#b.x;
    const L = this.#L;
    const run = this.#run;
    run.host = host;
    run.resp = 2;
    this.#killed = false;
    this.#killText = ERR_SCRIPT_KILLED;
    this.#lastErrorFromCommand = false;
    this.#suspendable = options?.suspendable === true;

    x.lua_settop(L, BASE);
    if (this.#hasHeadroom(keys, args)) {
      this.#keysLen = this.#refill(L, KEYS_SLOT, this.#keysName, keys, this.#keysLen);
      this.#argvLen = this.#refill(L, ARGV_SLOT, this.#argvName, args, this.#argvLen);
    } else {
      // Near the heap cap: build KEYS/ARGV inside a protected call.
      const status = this.#protect((L1) => {
        x.lua_rawgeti(L1, REGISTRY, this.#realGlobals);
        this.#setKeysArgv(L1, x.lua_gettop(L1), keys, args);
        return 0;
      });
      if (status !== LUA_OK) {
        try {
          return this.#errorReply(s.sha, status);
        } finally {
          run.host = null;
          this.#pinKeysArgv(L);
        }
      }
      this.#pinKeysArgv(L);
    }
    this.#current = s;
    this.#running = true;
    if (this.#suspendable) {
      const co = this.#co;
      this.#runner = co;
      x.lua_rawgeti(co, REGISTRY, this.#xpcallRef);
      x.lua_rawgeti(co, REGISTRY, s.ref);
      x.lua_pushcclosure(co, this.#sandbox.errorHandler, 0);
      return this.#step(2);
    }
    // Nothing to suspend: the main thread, under lua_pcallk with the error handler at slot 1
    // (cheaper than resume + xpcall: −15% on the engine alone).
    this.#runner = L;
    x.lua_rawgeti(L, REGISTRY, s.ref);
    let status: number;
    try {
      status = x.lua_pcallk(L, 0, 1, 1, 0, 0);
    } finally {
      this.#endRun();
    }
    return this.#result(s.sha, status);
  }

  resume(): Reply {
    this.#usable();
    if (!this.#suspended) throw new TypeError("evalkit: resume() without a suspended run");
    this.#suspended = false;
    return this.#step(0);
  }

  /** Runs the runner thread until the script ends (its reply) or yields (SUSPENDED). */
  #step(nargs: number): Reply {
    const b = this.#b;
    const x = b.x;
    const L = this.#L;
    const co = this.#co;
    let status: number;
    try {
      status = x.lua_resume(co, L, nargs, this.#nres);
    } catch (e) {
      this.#endRun();
      throw e;
    }
    if (status === LUA_YIELD) {
      this.#suspended = true;
      return SUSPENDED;
    }
    const sha = this.#current!.sha;
    // xpcall's results are on the runner (true, value… or false, error); the value moves to
    // BASE + 1 of the main thread, as lua_pcallk leaves it. Only an error escaping xpcall
    // leaves the runner dead.
    if (status === LUA_OK) {
      const n = b.i32(this.#nres);
      const first = x.lua_gettop(co) - n + 1;
      if (x.lua_toboolean(co, first) !== 0) {
        // Converted where it is (the hot path).
        if (n < 2) x.lua_pushnil(co);
        this.#endRun();
        try {
          return this.#success(co, first + 1);
        } finally {
          x.lua_settop(co, 0);
          this.#run.host = null;
        }
      }
      // The error handler makes tables: a string is out of memory (or an error in the handler).
      status = x.lua_type(co, first + 1) === T_STRING ? LUA_ERRMEM : LUA_ERRRUN;
      x.lua_pushvalue(co, first + 1);
      x.lua_xmove(co, L, 1);
      x.lua_settop(co, 0);
    } else {
      x.lua_xmove(co, L, 1);
      x.lua_resetthread(co);
    }
    this.#endRun();
    return this.#result(sha, status);
  }

  /** The reply of a script's value at `index` of thread `L1`. */
  #success(L1: number, index: number): Reply {
    const reply = this.#conv.toReply(L1, index, this.#run.resp === 3);
    if (reply.type === "error") this.#lastErrorFromCommand = this.#conv.ignoresStats(L1, index);
    return reply;
  }

  /** The reply of a finished run: its value (or error, when status is not OK) at BASE + 1. */
  #result(sha: string, status: number): Reply {
    const x = this.#b.x;
    const L = this.#L;
    try {
      if (status === LUA_OK) return this.#success(L, BASE + 1);
      return this.#errorReply(sha, status);
    } finally {
      this.#run.host = null;
      x.lua_settop(L, BASE);
    }
  }

  /** The run is over (or broke): back to the idle state, the count hook restored. */
  #endRun(): void {
    this.#running = false;
    this.#suspended = false;
    this.#current = null;
    if (this.#stickyHook) {
      this.#stickyHook = false;
      this.#b.x.lua_sethook(this.#runner, this.#hook, MASK_COUNT, this.#hookCount);
    }
  }

  /** True when KEYS/ARGV can be built without any chance of hitting the heap cap. */
  #hasHeadroom(keys: readonly Bytes[], args: readonly Bytes[]): boolean {
    const mem = this.#b.heapSize();
    let need = HEADROOM + (keys.length + args.length) * 64;
    if (mem + need <= this.#maxMemory) {
      for (let i = 0; i < keys.length; i++) need += keys[i].length;
      for (let i = 0; i < args.length; i++) need += args[i].length;
      return mem + need <= this.#maxMemory;
    }
    return false;
  }

  /**
   * Makes the table at `slot` (the one global `name` holds) an array of exactly `items`, as a
   * fresh table would be (ENV-10), reusing it when it is provably clean: no metatable, and after
   * the refill (and clearing what the previous refill put beyond `items`) nothing left after the
   * last item. A script that added fields or a metatable gets a fresh table instead. Saves two
   * table allocations (and their garbage) per run. Returns the number of items.
   */
  #refill(L: number, slot: number, name: number, items: readonly Bytes[], prevLen: number): number {
    const b = this.#b;
    const x = b.x;
    const pushBytes = b.pushBytes;
    const index = this.#conv.index;
    const n = items.length;
    if (x.lua_getmetatable(L, slot) === 0) {
      for (let i = 0; i < n; i++) {
        pushBytes(L, items[i]);
        x.lua_rawseti(L, slot, index(i + 1));
      }
      for (let i = n + 1; i <= prevLen; i++) {
        x.lua_pushnil(L);
        x.lua_rawseti(L, slot, index(i));
      }
      // Key n exists (just set), so lua_next from it cannot raise.
      if (n === 0) x.lua_pushnil(L);
      else x.lua_pushinteger(L, index(n));
      if (x.lua_next(L, slot) === 0) return n;
    }
    x.lua_settop(L, BASE);
    x.lua_createtable(L, n, 0);
    for (let i = 0; i < n; i++) {
      pushBytes(L, items[i]);
      x.lua_rawseti(L, -2, index(i + 1));
    }
    x.lua_pushvalue(L, -1);
    x.lua_setfield(L, 2, name);
    x.lua_copy(L, -1, slot);
    x.lua_settop(L, BASE);
    return n;
  }

  /** Sets fresh KEYS and ARGV tables in the real globals table at absolute index g. */
  #setKeysArgv(L: number, g: number, keys: readonly Bytes[], args: readonly Bytes[]): void {
    const b = this.#b;
    const x = b.x;
    const pushBytes = b.pushBytes;
    const index = this.#conv.index;
    x.lua_createtable(L, keys.length, 0);
    for (let i = 0; i < keys.length; i++) {
      pushBytes(L, keys[i]);
      x.lua_rawseti(L, -2, index(i + 1));
    }
    x.lua_setfield(L, g, this.#keysName);
    x.lua_createtable(L, args.length, 0);
    for (let i = 0; i < args.length; i++) {
      pushBytes(L, args[i]);
      x.lua_rawseti(L, -2, index(i + 1));
    }
    x.lua_setfield(L, g, this.#argvName);
  }

  /** The reply for a failed run, the error value on top of the stack (§7.2, ERR-2..8). */
  #errorReply(sha: string, status: number): Reply {
    const b = this.#b;
    const x = b.x;
    const L = this.#L;
    const value = x.lua_gettop(L);
    if (status === LUA_ERRMEM) this.#collect();
    if (x.lua_type(L, value) !== T_TABLE) {
      const msg = x.lua_type(L, value) === T_STRING ? b.toBytes(L, value) : LUA_EXECUTION_FAILURE;
      return error(errRunningScript(sha, msg));
    }
    // luaExtractErrorInformation reads with metamethods: do it protected.
    let err: Bytes | undefined;
    let source: Bytes | undefined;
    let line: Bytes | undefined;
    let ignore = false;
    const st = this.#protect((L1) => {
      const field = (name: string): Bytes | undefined => {
        x.lua_getfield(L1, 1, b.cstr(name));
        const v = x.lua_isstring(L1, -1) ? b.toBytes(L1, -1) : undefined;
        x.lua_settop(L1, -2);
        return v;
      };
      err = field("err");
      source = field("source");
      line = field("line");
      x.lua_getfield(L1, 1, b.cstr("ignore_error_stats_update"));
      ignore = x.lua_toboolean(L1, -1) !== 0;
      return 0;
    }, value);
    if (st !== LUA_OK) {
      const msg = x.lua_type(L, -1) === T_STRING ? b.toBytes(L, -1) : LUA_EXECUTION_FAILURE;
      return error(errRunningScript(sha, msg));
    }
    this.#lastErrorFromCommand = ignore;
    let text = err ?? ERR_LUA_UNKNOWN_ERROR;
    if (line !== undefined && source !== undefined) {
      text += ` script: ${sha}, on ${source}:${line}.`;
    }
    return error(wireError(text));
  }

  /** A full garbage collection (after an out-of-memory error). */
  #collect(): void {
    const b = this.#b;
    const x = b.x;
    const L = this.#L;
    const top = x.lua_gettop(L);
    this.#protect((L1) => {
      x.lua_rawgeti(L1, REGISTRY, this.#collectRef);
      b.pushBytes(L1, "collect");
      x.lua_callk(L1, 1, 0, 0, 0);
      return 0;
    });
    x.lua_settop(L, top);
  }

  release(script: CompiledScript): void {
    if (this.#closed || this.#running) return;
    if (!(script instanceof LuaScript) || script.owner !== this) return;
    if (script.epoch !== this.#epoch || script.ref === 0n) return;
    this.#b.x.luaL_unref(this.#L, REGISTRY, Number(script.ref));
    script.ref = 0n;
  }

  kill(reason: Bytes = ERR_SCRIPT_KILLED): void {
    if (!this.#running) return;
    this.#killed = true;
    this.#killText = reason;
    // A suspended run stops at its first instruction once resumed.
    if (this.#suspended) this.#stick(this.#runner);
  }

  flush(): void {
    this.#usable();
    if (this.#running) throw new TypeError("evalkit: flush() during a run");
    const x = this.#b.x;
    this.#prngState = this.#protectedPrngState();
    x.lua_close(this.#L);
    this.#L = 0;
    this.#newState();
  }

  #protectedPrngState(): number | undefined {
    let v: number | undefined;
    const L = this.#L;
    this.#protect(() => {
      v = this.#prngCall("get_state");
      return 0;
    });
    this.#b.x.lua_settop(L, BASE);
    return v ?? this.#prngState;
  }

  memoryUsed(): number {
    this.#usable();
    const b = this.#b;
    const x = b.x;
    const L = this.#L;
    const top = x.lua_gettop(L);
    let kb = 0;
    this.#protect((L1) => {
      x.lua_rawgeti(L1, REGISTRY, this.#collectRef);
      b.pushBytes(L1, "count");
      x.lua_callk(L1, 1, 1, 0, 0);
      kb = x.lua_tonumberx(L1, -1, 0);
      return 0;
    });
    x.lua_settop(L, top);
    return Math.round(kb * 1024);
  }

  close(): void {
    if (this.#closed) return;
    if (this.#running) throw new TypeError("evalkit: close() during a run");
    this.#closed = true;
    if (this.#L !== 0) this.#b.x.lua_close(this.#L);
    this.#L = 0;
  }

  #usable(): void {
    if (this.#closed) throw new TypeError("evalkit: the engine is closed");
  }
}
