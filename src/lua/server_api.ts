/**
 * The `server` table (spec §8, `redis` is the same table) and `server.call` / `server.pcall`
 * (§9): argument conversion (CALL-1..3), the host call, and the reply conversion of §10.1.
 * Argument errors raise (or return, for pcall) `{err="ERR …"}` tables exactly as Valkey does.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import {
  ERR_LUA_ACL_CHECK_UNKNOWN,
  ERR_LUA_CALL_ARG_TYPE,
  ERR_LUA_CALL_NO_ARGS,
  ERR_LUA_LOG_ARGS,
  ERR_LUA_LOG_LEVEL,
  ERR_LUA_LOG_LEVEL_TYPE,
  ERR_LUA_SET_REPL_ARGS,
  ERR_LUA_SET_REPL_FLAGS,
  ERR_LUA_SETRESP_ARGS,
  ERR_LUA_SETRESP_VERSION,
  ERR_LUA_SHA1HEX_ARGS,
  ERR_LUA_WRONG_ARGS_OR_TYPE,
} from "../errors.ts";
import { formatDouble } from "../resp/double.ts";
import type { ScriptHost } from "../scripting/engine.ts";
import { sha1hex } from "../sha1.ts";
import { type Converter, errorTableText } from "./convert.ts";
import { type LuaBridge, T_NUMBER, T_STRING } from "./wasm_bridge.ts";

/** The mutable state of the run in progress that the API functions read. */
export interface ApiRunState {
  /** The host of the run in progress (null outside runs). */
  host: ScriptHost | null;
  /** The protocol chosen with server.setresp (every run starts at 2). */
  resp: 2 | 3;
}

/** Versions the `server` table reports (API table of §8). */
export interface ServerVersions {
  /** `VALKEY_VERSION`, "MM.mm.pp" (default "8.0.1"). */
  readonly valkeyVersion: string;
}

/** `0x00MMmmpp` from "MM.mm.pp". */
export function versionNum(version: string): number {
  const [major = 0, minor = 0, patch = 0] = version.split(".").map((p) => Number(p) || 0);
  return ((major & 255) << 16) | ((minor & 255) << 8) | (patch & 255);
}

/** C's `(int)d` on x86-64: truncation; NaN and out-of-range values give INT_MIN. */
function toCInt(d: number): number {
  if (!(d > -2147483649 && d < 2147483648)) return -2147483648;
  return Math.trunc(d);
}

/** Builds the server API functions for one bridge; `push` creates the table in a state. */
export function createServerApi(
  b: LuaBridge,
  conv: Converter,
  run: ApiRunState,
  versions: ServerVersions,
): { push(L: number): void } {
  const x = b.x;
  const {
    lua_gettop,
    lua_settop,
    lua_type,
    lua_tonumberx,
    lua_isnumber,
    lua_error,
    lua_pushboolean,
    lua_pushnumber,
    lua_pushvalue,
    lua_createtable,
    lua_setfield,
    lua_pushcclosure,
  } = x;
  const { pushBytes, toBytes, cfunction, cstr } = b;
  const { pushReply, pushErrorTable } = conv;

  /** Raises `{err=text}` (Valkey's luaPushError + luaError). */
  function raiseTable(L: number, text: Bytes): number {
    pushErrorTable(L, text, false);
    return lua_error(L);
  }

  /**
   * Reads the arguments as a command (CALL-1, CALL-2), or pushes the error table and returns
   * undefined.
   */
  function readArgv(L: number): Bytes[] | undefined {
    const argc = lua_gettop(L);
    if (argc === 0) {
      pushErrorTable(L, ERR_LUA_CALL_NO_ARGS, false);
      return undefined;
    }
    const argv = new Array<Bytes>(argc);
    for (let i = 1; i <= argc; i++) {
      const t = lua_type(L, i);
      if (t === T_STRING) argv[i - 1] = toBytes(L, i);
      else if (t === T_NUMBER) argv[i - 1] = formatDouble(lua_tonumberx(L, i, 0)); // CALL-3
      else {
        pushErrorTable(L, ERR_LUA_CALL_ARG_TYPE, false);
        return undefined;
      }
    }
    return argv;
  }

  function genericCall(L: number, raise: boolean): number {
    const argv = readArgv(L);
    if (argv === undefined) return raise ? lua_error(L) : 1;
    const host = run.host;
    if (host === null) throw new Error("server.call outside a run");
    // A throwing host is a bug; the cfunction wrapper still turns it into a Lua error.
    const reply = host.call(argv, run.resp);
    if (reply.type === "error") {
      pushErrorTable(L, errorTableText("-" + reply.value), true);
      return raise ? lua_error(L) : 1;
    }
    pushReply(L, reply, run.resp);
    return 1;
  }

  const fCall = cfunction((L) => genericCall(L, true));
  const fPcall = cfunction((L) => genericCall(L, false));

  const fErrorReply = cfunction((L) => {
    if (lua_gettop(L) !== 1 || lua_type(L, -1) !== T_STRING) {
      pushErrorTable(L, ERR_LUA_WRONG_ARGS_OR_TYPE, false);
      return 1;
    }
    const s = toBytes(L, 1);
    pushErrorTable(L, errorTableText(s.charCodeAt(0) === 45 ? s : "-" + s), false);
    return 1;
  });

  const fStatusReply = cfunction((L) => {
    if (lua_gettop(L) !== 1 || lua_type(L, -1) !== T_STRING) {
      pushErrorTable(L, ERR_LUA_WRONG_ARGS_OR_TYPE, false);
      return 1;
    }
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, cstr("ok"));
    return 1;
  });

  const fSha1hex = cfunction((L) => {
    if (lua_gettop(L) !== 1) return raiseTable(L, ERR_LUA_SHA1HEX_ARGS);
    const t = lua_type(L, 1);
    // Numbers hash their %.14g text; other non-strings hash as the empty string (API-3).
    pushBytes(L, sha1hex(t === T_STRING || t === T_NUMBER ? toBytes(L, 1) : ""));
    return 1;
  });

  const fLog = cfunction((L) => {
    const argc = lua_gettop(L);
    if (argc < 2) return raiseTable(L, ERR_LUA_LOG_ARGS);
    if (!lua_isnumber(L, 1)) return raiseTable(L, ERR_LUA_LOG_LEVEL_TYPE);
    const level = toCInt(lua_tonumberx(L, 1, 0));
    if (level < 0 || level > 3) return raiseTable(L, ERR_LUA_LOG_LEVEL);
    let message = "";
    for (let j = 2; j <= argc; j++) {
      const t = lua_type(L, j);
      if (t !== T_STRING && t !== T_NUMBER) continue;
      if (j !== 2) message += " ";
      message += toBytes(L, j);
    }
    run.host?.log?.(level, message);
    return 0;
  });

  const fSetresp = cfunction((L) => {
    if (lua_gettop(L) !== 1) return raiseTable(L, ERR_LUA_SETRESP_ARGS);
    const resp = toCInt(lua_tonumberx(L, 1, 0));
    if (resp !== 2 && resp !== 3) return raiseTable(L, ERR_LUA_SETRESP_VERSION);
    run.resp = resp;
    return 0;
  });

  const fSetRepl = cfunction((L) => {
    if (lua_gettop(L) !== 1) return raiseTable(L, ERR_LUA_SET_REPL_ARGS);
    const flags = toCInt(lua_tonumberx(L, 1, 0));
    if ((flags & ~3) !== 0) return raiseTable(L, ERR_LUA_SET_REPL_FLAGS);
    run.host?.setRepl?.(flags);
    return 0;
  });

  const fReplicateCommands = cfunction((L) => {
    lua_pushboolean(L, 1);
    return 1;
  });

  const fBreakpoint = cfunction((L) => {
    lua_pushboolean(L, 0);
    return 1;
  });

  const fDebug = cfunction(() => 0);

  const fAclCheck = cfunction((L) => {
    const argv = readArgv(L);
    if (argv === undefined) return lua_error(L);
    const host = run.host;
    let allowed: boolean | "unknown" = true;
    if (host?.aclCheck !== undefined) {
      try {
        allowed = host.aclCheck(argv);
      } catch {
        allowed = false;
      }
    }
    if (allowed === "unknown") return raiseTable(L, ERR_LUA_ACL_CHECK_UNKNOWN);
    lua_pushboolean(L, allowed ? 1 : 0);
    return 1;
  });

  const valkeyVersionNum = versionNum(versions.valkeyVersion);

  function push(L: number): void {
    lua_createtable(L, 0, 32);
    const t = lua_gettop(L);
    const fn = (name: string, f: number) => {
      lua_pushcclosure(L, f, 0);
      lua_setfield(L, t, cstr(name));
    };
    const num = (name: string, v: number) => {
      lua_pushnumber(L, v);
      lua_setfield(L, t, cstr(name));
    };
    const str = (name: string, v: string) => {
      pushBytes(L, v);
      lua_setfield(L, t, cstr(name));
    };
    fn("call", fCall);
    fn("pcall", fPcall);
    fn("error_reply", fErrorReply);
    fn("status_reply", fStatusReply);
    fn("sha1hex", fSha1hex);
    fn("log", fLog);
    num("LOG_DEBUG", 0);
    num("LOG_VERBOSE", 1);
    num("LOG_NOTICE", 2);
    num("LOG_WARNING", 3);
    fn("setresp", fSetresp);
    fn("set_repl", fSetRepl);
    num("REPL_NONE", 0);
    num("REPL_AOF", 1);
    num("REPL_SLAVE", 2);
    num("REPL_REPLICA", 2);
    num("REPL_ALL", 3);
    fn("replicate_commands", fReplicateCommands);
    fn("breakpoint", fBreakpoint);
    fn("debug", fDebug);
    fn("acl_check_cmd", fAclCheck);
    str("REDIS_VERSION", "7.2.4");
    num("REDIS_VERSION_NUM", 0x00070204);
    str("VALKEY_VERSION", versions.valkeyVersion);
    num("VALKEY_VERSION_NUM", valkeyVersionNum);
    str("SERVER_NAME", "valkey");
    lua_settop(L, t);
  }

  return { push };
}
