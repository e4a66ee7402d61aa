/**
 * Every wire error text, byte-exact (lowercase, periods included, exactly as Valkey sends them).
 * This is the only file where they live. Groups append their own section below.
 *
 * @module
 */

import type { Bytes } from "./bytes.ts";
import type { ErrorReply } from "./resp/reply.ts";

/**
 * Thrown by command handlers to reply an error. `message` is the full wire text with its code
 * (`ERR …`, `WRONGTYPE …`), without the leading `-`.
 */
export class ReplyError extends Error {
  /** The wire text, `ERR …`. */
  readonly text: Bytes;
  constructor(text: Bytes) {
    super(text);
    this.name = "ReplyError";
    this.text = text;
  }
  /** The error code: the first word of the text (`ERR`, `NOSCRIPT`, …). */
  get code(): string {
    const i = this.text.indexOf(" ");
    return i < 0 ? this.text : this.text.slice(0, i);
  }
  /** As a Reply. */
  toReply(): ErrorReply {
    return { type: "error", value: this.text };
  }
}

/**
 * Normalises an error text for the wire (spec §0): CR/LF inside become spaces, trailing CR/LF are
 * trimmed, and a text without an explicit code gets `ERR `.
 */
export function wireError(text: Bytes, hasCode = true): Bytes {
  let t = text;
  while (t.endsWith("\r") || t.endsWith("\n")) t = t.slice(0, -1);
  if (t.includes("\r") || t.includes("\n")) t = t.replace(/[\r\n]/g, " ");
  return hasCode ? t : "ERR " + t;
}

// ---- generic (server.c / networking.c / object.c / util) ----

export const ERR_SYNTAX = "ERR syntax error";
export const ERR_NOT_INTEGER = "ERR value is not an integer or out of range";
export const ERR_NOT_FLOAT = "ERR value is not a valid float";
export const ERR_WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const ERR_NO_SUCH_KEY = "ERR no such key";
export const ERR_OVERFLOW = "ERR increment or decrement would overflow";
export const ERR_DB_INDEX = "ERR DB index is out of range";
export const ERR_NOAUTH = "NOAUTH Authentication required.";
export const ERR_WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
export const ERR_OOM = "OOM command not allowed when used memory > 'maxmemory'.";
export const ERR_EXECABORT = "EXECABORT Transaction discarded because of previous errors.";
export const ERR_EXEC_WITHOUT_MULTI = "ERR EXEC without MULTI";
export const ERR_DISCARD_WITHOUT_MULTI = "ERR DISCARD without MULTI";

/** `ERR wrong number of arguments for 'get' command` (name: lowercase, `container|sub`). */
export function errWrongArity(name: string): Bytes {
  return `ERR wrong number of arguments for '${name}' command`;
}

/**
 * An unexpected exception inside evalkit (a bug; logged at level 3): the reply of the command it
 * broke, or the last reply of a connection it left in an unknown state. Not a Valkey text.
 */
export function errInternal(e: unknown): Bytes {
  return wireError(`ERR internal error: ${e instanceof Error ? e.message : String(e)}`);
}

/** What C's `%s` prints of a byte string: up to its first NUL byte. */
function cString(b: Bytes): Bytes {
  const i = b.indexOf("\0");
  return i < 0 ? b : b.slice(0, i);
}

/** sdstoupper: ASCII letters only (bytes above 0x7f are left alone). */
function upper(b: Bytes): Bytes {
  return b.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/** CMD-3: `ERR unknown command 'foo', with args beginning with: 'a' 'b' `. */
export function errUnknownCommand(argv: readonly Bytes[]): Bytes {
  let args = "";
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${cString(argv[i]).slice(0, 128 - args.length)}' `;
  }
  return wireError(
    `ERR unknown command '${cString(argv[0]).slice(0, 128)}', with args beginning with: ${args}`,
  );
}

/** CMD-2: `ERR unknown subcommand 'foo'. Try SCRIPT HELP.` */
export function errUnknownSubcommand(sub: Bytes, container: string): Bytes {
  return wireError(
    `ERR unknown subcommand '${cString(sub).slice(0, 128)}'. Try ${
      upper(cString(container))
    } HELP.`,
  );
}

/** SCR-8: a subcommand the handler does not accept with these arguments. */
export function errUnknownSubcommandOrArity(sub: Bytes, container: string): Bytes {
  return wireError(
    `ERR unknown subcommand or wrong number of arguments for '${cString(sub).slice(0, 128)}'. Try ${
      upper(cString(container))
    } HELP.`,
  );
}

// ---- RESP protocol (networking.c processMultibulkBuffer / processInlineBuffer) ----

export const ERR_PROTO_INVALID_MULTIBULK = "ERR Protocol error: invalid multibulk length";
export const ERR_PROTO_UNAUTH_MULTIBULK = "ERR Protocol error: unauthenticated multibulk length";
export const ERR_PROTO_INVALID_BULK = "ERR Protocol error: invalid bulk length";
export const ERR_PROTO_UNAUTH_BULK = "ERR Protocol error: unauthenticated bulk length";
export const ERR_PROTO_BIG_MBULK_COUNT = "ERR Protocol error: too big mbulk count string";
export const ERR_PROTO_BIG_BULK_COUNT = "ERR Protocol error: too big bulk count string";
export const ERR_PROTO_BIG_INLINE = "ERR Protocol error: too big inline request";
export const ERR_PROTO_UNBALANCED_QUOTES = "ERR Protocol error: unbalanced quotes in request";

/** `ERR Protocol error: expected '$', got 'X'` for the byte `got` (a one-byte byte string). */
export function errProtoExpectedDollar(got: Bytes): Bytes {
  // Valkey formats with %c into a C string: a NUL byte ends the text right there.
  if (got === "\0") return "ERR Protocol error: expected '$', got '";
  return wireError(`ERR Protocol error: expected '$', got '${got}'`);
}

// ---- strings / keys (appended by their groups) ----

/** getRangeLongFromObjectOrReply's default text (e.g. MOVE's db out of int range). */
export function errValueOutOfRange(min: number | bigint, max: number | bigint): Bytes {
  return `ERR value is out of range, value must between ${min} and ${max}`;
}
/** getPositiveLongFromObjectOrReply's default text. */
export const ERR_NOT_POSITIVE = "ERR value is out of range, must be positive";
/** `ERR invalid expire time in 'set' command` (name: the command's lowercase full name). */
export function errInvalidExpireTime(name: string): Bytes {
  return `ERR invalid expire time in '${name}' command`;
}
export const ERR_EXPIRE_NX_WITH_OTHERS =
  "ERR NX and XX, GT or LT options at the same time are not compatible";
export const ERR_EXPIRE_GT_AND_LT = "ERR GT and LT options at the same time are not compatible";
/** EXPIRE family: an option word that is none of NX XX GT LT. */
export function errUnsupportedOption(opt: Bytes): Bytes {
  return wireError(`ERR Unsupported option ${opt}`);
}
export const ERR_STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
export const ERR_OFFSET_OUT_OF_RANGE = "ERR offset is out of range";
export const ERR_BIT_OFFSET = "ERR bit offset is not an integer or out of range";
export const ERR_BIT_VALUE = "ERR bit is not an integer or out of range";
export const ERR_BIT_ARGUMENT = "ERR The bit argument must be 1 or 0.";
export const ERR_BITOP_NOT_ARITY = "ERR BITOP NOT must be called with a single source key.";
export const ERR_INCR_NAN_OR_INF = "ERR increment would produce NaN or Infinity";
export const ERR_DECREMENT_OVERFLOW = "ERR decrement would overflow";
export const ERR_LCS_NOT_STRINGS = "ERR The specified keys must contain string values";
export const ERR_LCS_LEN_AND_IDX =
  "ERR If you want both the length and indexes, please just use IDX.";
export const ERR_LCS_TOO_LONG = "ERR String too long for LCS";
export const ERR_LCS_OVER_PROTO_MAX =
  "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
export const ERR_LCS_NO_MEMORY =
  "ERR Insufficient memory, failed allocating transient memory for LCS";
export const ERR_SAME_OBJECT = "ERR source and destination objects are the same";
export const ERR_INVALID_CURSOR = "ERR invalid cursor";
/** SCAN … TYPE with a name that is no type. */
export function errUnknownTypeName(name: Bytes): Bytes {
  return wireError(`ERR unknown type name '${name}'`);
}
export const ERR_OBJECT_FREQ_NOT_LFU =
  "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
export const ERR_OBJECT_IDLETIME_LFU =
  "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

// ---- server / connection / transactions ----

/** processCommand: a `no_multi` command inside MULTI (Valkey 8: also nested MULTI and WATCH). */
export const ERR_NO_MULTI = "ERR Command not allowed inside a transaction";
/**
 * EXEC itself rejected before running (execCommandAbort); `reason` is the rejection text without
 * the `ERR ` that Valkey never had there (`wrong number of arguments for 'exec' command`).
 */
export function errExecAbort(reason: Bytes): Bytes {
  const r = reason.startsWith("ERR ") ? reason.slice(4) : reason;
  return wireError(`EXECABORT Transaction discarded because of: ${r}`);
}
/** processCommand: DEBUG while `enable-debug-command` forbids it. */
export const ERR_DEBUG_NOT_ALLOWED =
  'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.';
export const ERR_AUTH_NOT_CONFIGURED =
  "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?";
export const ERR_NOPROTO = "NOPROTO unsupported protocol version";
export const ERR_HELLO_PROTOVER = "ERR Protocol version is not an integer or out of range";
export const ERR_HELLO_NOAUTH =
  "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time";
/** HELLO: an option that is not `AUTH u p` / `SETNAME n` (as typed). */
export function errHelloOption(opt: Bytes): Bytes {
  return wireError(`ERR Syntax error in HELLO option '${opt}'`);
}
export const ERR_CLIENT_NAME =
  "ERR Client names cannot contain spaces, newlines or special characters.";
/** CLIENT SETINFO with an attribute other than LIB-NAME / LIB-VER (as typed). */
export function errSetinfoOption(attr: Bytes): Bytes {
  return wireError(`ERR Unrecognized option '${attr}'`);
}
/** CLIENT SETINFO: a value with spaces or special characters (attribute as typed). */
export function errSetinfoValue(attr: Bytes): Bytes {
  return wireError(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
}
/** CLIENT LIST TYPE with an unknown type (as typed). */
export function errClientType(type: Bytes): Bytes {
  return wireError(`ERR Unknown client type '${type}'`);
}
export const ERR_INVALID_CLIENT_ID = "ERR Invalid client ID";
export const ERR_SWAPDB_FIRST = "ERR invalid first DB index";
export const ERR_SWAPDB_SECOND = "ERR invalid second DB index";
export const ERR_NO_SHUTDOWN = "ERR No shutdown in progress.";
/** CONFIG SET with a parameter that does not exist (as typed). */
export function errConfigUnknown(name: Bytes): Bytes {
  return wireError(`ERR Unknown option or number of arguments for CONFIG SET - '${name}'`);
}
/** CONFIG SET rejected for `name` (as typed, or the parameter's name when the value failed). */
export function errConfigSet(name: Bytes, why: string): Bytes {
  return wireError(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`);
}
export const ERR_GETKEYS_INVALID_COMMAND = "ERR Invalid command specified";
export const ERR_GETKEYS_NO_KEYS = "ERR The command has no key arguments";
export const ERR_GETKEYS_ARITY = "ERR Invalid number of arguments specified for command";
export const ERR_GETKEYS_INVALID_ARGS = "ERR Invalid arguments specified for command";
export const ERR_DEBUG_PROTOCOL =
  "ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false";
export const ERR_RESP2_UNSUPPORTED = "ERR RESP2 is not supported by this command";
/** WAIT on a replica (replication.c waitCommand; "Redis 4.0" is literal in Valkey 8). */
export const ERR_WAIT_REPLICA =
  "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.";
/** getTimeoutFromObjectOrReply(…, UNIT_MILLISECONDS) (WAIT): not a long long. */
export const ERR_TIMEOUT_NOT_INTEGER = "ERR timeout is not an integer or out of range";

// ---- scripting ----

export const ERR_NOSCRIPT = "NOSCRIPT No matching script.";
export const ERR_NUMKEYS_GREATER = "ERR Number of keys can't be greater than number of args";
export const ERR_NUMKEYS_NEGATIVE = "ERR Number of keys can't be negative";
export const ERR_RO_WITH_WRITE_FLAG =
  "ERR Can not execute a script with write flag using *_ro command.";
export const ERR_SCRIPT_FLUSH_OPTION = "ERR SCRIPT FLUSH only support SYNC|ASYNC option";
export const ERR_SCRIPT_DEBUG_OPTION = "ERR Use SCRIPT DEBUG YES/SYNC/NO";
/** SCR-6: evalkit has no Lua debugger (documented deviation). */
export const ERR_SCRIPT_DEBUG_UNSUPPORTED =
  "ERR SCRIPT DEBUG YES/SYNC is not supported by evalkit (no Lua debugger)";
export const ERR_NOTBUSY = "NOTBUSY No scripts in execution right now.";
/** BUSY-3, BUSY-4 (Redis 7.0 says `BUSY Redis is busy running a script. …`). */
export const ERR_BUSY =
  "BUSY Valkey is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
/** BUSY-5 step 3 */
export const ERR_UNKILLABLE =
  "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
export const ERR_SHEBANG_INVALID = "ERR Invalid script shebang";
export const ERR_SHEBANG_INVALID_ENGINE = "ERR Invalid engine in script shebang";
/** FLAG-3 */
export function errShebangUnexpectedEngine(word: Bytes): Bytes {
  return wireError(`ERR Unexpected engine in script shebang: ${word}`);
}
/** FLAG-4 */
export function errShebangUnknownOption(word: Bytes): Bytes {
  return wireError(`ERR Unknown lua shebang option: ${word}`);
}
/** FLAG-5 */
export function errShebangUnexpectedFlag(piece: Bytes): Bytes {
  return wireError(`ERR Unexpected flag in script shebang: ${piece}`);
}
/** §9.3 step 2 */
export const ERR_SCRIPT_UNKNOWN_COMMAND = "ERR Unknown command called from script";
/** §9.3 step 2 */
export const ERR_SCRIPT_WRONG_ARITY = "ERR Wrong number of args calling command from script";
/** §9.3 step 3 ("Redis" is literal in Valkey 8). */
export const ERR_SCRIPT_NOSCRIPT_COMMAND = "ERR This Redis command is not allowed from script";
/** CALL-9 */
export const ERR_SCRIPT_WRITE_IN_RO = "ERR Write commands are not allowed from read-only scripts.";
/** The engine is not attached (a Server built with `new Server()` instead of createServer()). */
export const ERR_NO_SCRIPT_ENGINE =
  "ERR scripting is not available: create the server with createServer()";

// ---- server-state gates: flags, maxmemory, replica, cluster (spec §1.2, §9.3, §12, §13, §16) ----

/** processCommand: a write on a read-only replica (FLAG-8; CALL-10 inside scripts). */
export const ERR_READONLY_REPLICA = "READONLY You can't write against a read only replica.";
/** processCommand: a command without the `stale` flag on a stale replica (FLAG-7, FLAG-8). */
export const ERR_MASTERDOWN =
  "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
/** CLU-4: the keys of one client command (or of a whole transaction) in different slots. */
export const ERR_CROSSSLOT = "CROSSSLOT Keys in request don't hash to the same slot";
/** SELECT of a db other than 0 in cluster mode. */
export const ERR_SELECT_CLUSTER = "ERR SELECT is not allowed in cluster mode";
/** §9.3 step 4 (FLAG-11). */
export const ERR_SCRIPT_STALE_REPLICA = "ERR Can not execute the command on a stale replica";
/** FLAG-12 */
export const ERR_SCRIPT_NO_CLUSTER = "ERR Can not run script on cluster, 'no-cluster' flag is set.";
/** FLAG-15 backstop (state changed after the command-level check). */
export const ERR_SCRIPT_READONLY_REPLICA =
  "READONLY Can not run script with write flag on readonly replica";
/** FLAG-15 backstop. */
export const ERR_SCRIPT_MASTERDOWN =
  "MASTERDOWN Link with MASTER is down, replica-serve-stale-data is set to 'no' and 'allow-stale' flag is not set on the script.";
/** FLAG-15 backstop. */
export const ERR_SCRIPT_OOM =
  "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'";
/** CLU-6: one command of a script names keys of different slots (name: lowercase full name). */
export function errScriptCrossSlotCommand(name: string): Bytes {
  return `ERR Command '${name}' in script attempted to access keys that don't hash to the same slot`;
}
/** CLU-7 */
export const ERR_SCRIPT_CROSS_SLOT =
  "ERR Script attempted to access keys that do not hash to the same slot";

// ---- data types ----

/** zslParseRange: a ZRANGEBYSCORE-style bound that strtod rejects or that is NaN. */
export const ERR_MIN_MAX_NOT_FLOAT = "ERR min or max is not a float";
/** zslParseLexRangeItem: a lex bound not starting with `(`, `[`, or not exactly `-`/`+`. */
export const ERR_MIN_MAX_NOT_STRING_RANGE = "ERR min or max not valid string range item";

// ---- scripting: the Lua engine (src/lua) ----

/** ERR-1: prefix of a compile error; the Lua 5.1 parser message follows. */
export function errCompile(message: Bytes): Bytes {
  return wireError(`ERR Error compiling script (new function): ${message}`);
}
/** ERR-8: a run failed without an error table (out of memory, error in the error handler). */
export function errRunningScript(sha: string, message: Bytes): Bytes {
  return wireError(`ERR Error running script ${sha}, ${message.slice(0, 100)}`);
}
/** ERR-8: the message when the raised value is not a string. */
export const LUA_EXECUTION_FAILURE = "execution failure";
/** ERR-6: `error(t)` where t has no string/number `err` (text of the fixed releases unverified). */
export const ERR_LUA_UNKNOWN_ERROR = "ERR unknown error";
/** BUSY-6 */
export const ERR_SCRIPT_KILLED = "ERR Script killed by user with SCRIPT KILL.";
/**
 * A run past its hard time limit (`scriptTimeLimitMs`: evalkit only, no Valkey equivalent). The
 * script was aborted at its next check; `wrote` says whether it had run a write command, whose
 * effects stay (no rollback, as after any script error).
 */
export function errScriptTimeLimit(ms: number, wrote: boolean): Bytes {
  const what = wrote
    ? "it had already written to the dataset; its writes were kept"
    : "no writes were made";
  return `ERR Script exceeded the time limit of ${Math.round(ms)} ms and was aborted (${what}).`;
}
/** The EVAL caller's reply when SHUTDOWN NOSAVE stops a busy script (evalkit only, BUSY-4). */
export const ERR_SCRIPT_SHUTDOWN = "ERR Script killed by SHUTDOWN NOSAVE.";
/** CONV-9 */
export const ERR_LUA_STACK_LIMIT = "ERR reached lua stack limit";
/** CALL-1 */
export const ERR_LUA_CALL_NO_ARGS = "ERR Please specify at least one argument for this call";
/** CALL-2 */
export const ERR_LUA_CALL_ARG_TYPE = "ERR Command arguments must be strings or integers";
/** API-1, API-2 */
export const ERR_LUA_WRONG_ARGS_OR_TYPE = "ERR wrong number or type of arguments";
/** API-3 */
export const ERR_LUA_SHA1HEX_ARGS = "ERR wrong number of arguments";
/** API-4 */
export const ERR_LUA_LOG_ARGS = "ERR server.log() requires two arguments or more.";
/** API-4 */
export const ERR_LUA_LOG_LEVEL_TYPE = "ERR First argument must be a number (log level).";
/** API-4 */
export const ERR_LUA_LOG_LEVEL = "ERR Invalid log level.";
/** API-5 */
export const ERR_LUA_SETRESP_ARGS = "ERR server.setresp() requires one argument.";
/** API-5 */
export const ERR_LUA_SETRESP_VERSION = "ERR RESP version must be 2 or 3.";
/** API-6 */
export const ERR_LUA_SET_REPL_ARGS = "ERR server.set_repl() requires one argument.";
/** API-6 */
export const ERR_LUA_SET_REPL_FLAGS =
  "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.";
/** API-8 */
export const ERR_LUA_ACL_CHECK_UNKNOWN = "ERR Invalid command passed to server.acl_check_cmd()";
/** ENV-6: Lua error message (gets the `user_script:<line>: ` position). */
export function luaMsgNonexistentGlobal(name: Bytes): Bytes {
  return `Script attempted to access nonexistent global variable '${name}'`;
}
/** ENV-6: the global table's `__index` called with a key that is not a string or number. */
export const LUA_MSG_GLOBAL_KEY_TYPE =
  "Second argument to luaProtectedTableError must be a string or number";
/** ENV-6: the global table's `__index` called directly with the wrong number of arguments. */
export const LUA_MSG_GLOBAL_ARGS = "Wrong number of arguments to luaProtectedTableError";
/** ENV-7: Lua error message for a write into a protected table. */
export const LUA_MSG_READONLY_TABLE = "Attempt to modify a readonly table";

// ---- sets / zsets / sort ----

/** ZADD with both NX and XX. */
export const ERR_ZADD_XX_NX = "ERR XX and NX options at the same time are not compatible";
/** ZADD with GT and LT, or either with NX. */
export const ERR_ZADD_GT_LT_NX =
  "ERR GT, LT, and/or NX options at the same time are not compatible";
/** ZADD INCR with more than one score-member pair. */
export const ERR_ZADD_INCR_PAIRS = "ERR INCR option supports a single increment-element pair";
/** ZADD INCR / ZINCRBY turning a score into NaN (inf + -inf). */
export const ERR_SCORE_NAN = "ERR resulting score is not a number (NaN)";
/** ZRANGE … LIMIT by rank. */
export const ERR_ZRANGE_LIMIT =
  "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
/** ZRANGE … BYLEX WITHSCORES. */
export const ERR_ZRANGE_BYLEX_WITHSCORES =
  "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
/** ZUNION/ZINTER… WEIGHTS with a value string2d refuses. */
export const ERR_WEIGHT_NOT_FLOAT = "ERR weight value is not a float";
/** ZUNION/ZINTER/ZDIFF… with numkeys < 1 (name: the command's lowercase full name). */
export function errAtLeastOneInputKey(name: string): Bytes {
  return `ERR at least 1 input key is needed for '${name}' command`;
}
/** SINTERCARD / ZMPOP / BZMPOP numkeys not a positive integer. */
export const ERR_NUMKEYS_NOT_POSITIVE = "ERR numkeys should be greater than 0";
/** SINTERCARD / ZINTERCARD LIMIT not an integer ≥ 0. */
export const ERR_LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
/** ZMPOP / BZMPOP COUNT not a positive integer. */
export const ERR_COUNT_NOT_POSITIVE = "ERR count should be greater than 0";
/** ZRANDMEMBER … WITHSCORES with |count| > LONG_MAX / 2. */
export const ERR_VALUE_OUT_OF_RANGE = "ERR value is out of range";
/** SORT: a weight that strtod cannot read in full, ERANGE, or NaN. */
export const ERR_SORT_NOT_DOUBLE = "ERR One or more scores can't be converted into double";
/** SSCAN/ZSCAN … NOVALUES (HSCAN only). */
export const ERR_NOVALUES_HSCAN_ONLY = "ERR NOVALUES option can only be used in HSCAN";
/** SSCAN … NOSCORES (ZSCAN only). */
export const ERR_NOSCORES_ZSCAN_ONLY = "ERR NOSCORES option can only be used in ZSCAN";
/** getTimeoutFromObjectOrReply (BZPOPMIN…): not a long double. */
export const ERR_TIMEOUT_NOT_FLOAT = "ERR timeout is not a float or out of range";
/** getTimeoutFromObjectOrReply: below zero. */
export const ERR_TIMEOUT_NEGATIVE = "ERR timeout is negative";
/** getTimeoutFromObjectOrReply: beyond LLONG_MAX ms (or now + timeout overflows). */
export const ERR_TIMEOUT_OUT_OF_RANGE = "ERR timeout is out of range";

// ---- lists / hashes ----

/** LSET beyond the list (shared.outofrangeerr). */
export const ERR_INDEX_OUT_OF_RANGE = "ERR index out of range";
/** LPOS … RANK 0. */
export const ERR_LPOS_RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
/** LPOS … COUNT with a negative or non-integer value. */
export const ERR_LPOS_COUNT_NEGATIVE = "ERR COUNT can't be negative";
/** LPOS … MAXLEN with a negative or non-integer value. */
export const ERR_LPOS_MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
/** HINCRBY on a field whose value is not an integer. */
export const ERR_HASH_NOT_INTEGER = "ERR hash value is not an integer";
/** HINCRBYFLOAT on a field whose value is not a float. */
export const ERR_HASH_NOT_FLOAT = "ERR hash value is not a float";
/** HINCRBYFLOAT with an increment of ±inf. */
export const ERR_VALUE_NAN_OR_INF = "ERR value is NaN or Infinity";

// ---- HTTP (src/http: the Upstash REST dialect) ----

/** 401 body text: no token, or the wrong one (Upstash's wording). */
export const HTTP_UNAUTHORIZED = "Unauthorized";
/** 400: the body of `/`, `/pipeline` or `/multi-exec` is not JSON. */
export const ERR_HTTP_INVALID_JSON = "ERR the request body is not valid JSON";
/** 400: the body of `/` is not a command. */
export const ERR_HTTP_NOT_A_COMMAND =
  "ERR the request body must be a command: a non-empty JSON array of strings, numbers or booleans";
/** 400: the body of `/pipeline` or `/multi-exec` is not a list of commands. */
export const ERR_HTTP_NOT_A_COMMAND_LIST =
  "ERR the request body must be a non-empty JSON array of commands, each a non-empty JSON array of strings, numbers or booleans";
/** 400: a path-form request without a command (`GET /`). */
export const ERR_HTTP_EMPTY_COMMAND =
  "ERR empty command: send a JSON array in a POST body or the command in the path (/set/key/value)";
/** 413: the body is larger than the handler's `maxBodyBytes`. */
export function errHttpBodyTooLarge(maxBytes: number): string {
  return `ERR the request body is larger than ${maxBytes} bytes`;
}
/** 404: a path outside the handler's `basePath`. */
export const ERR_HTTP_NOT_FOUND = "ERR not found: the endpoint is elsewhere (check basePath)";
/** 500: a bug in the handler (the server itself never throws). */
export function errHttpInternal(e: unknown): string {
  return `ERR internal error: ${e instanceof Error ? e.message : String(e)}`;
}
/** 405: a method other than GET, HEAD, POST, PUT (and OPTIONS with CORS). */
export const ERR_HTTP_METHOD = "ERR method not allowed: use GET, HEAD, POST or PUT";
/** 405: GET on `/pipeline` or `/multi-exec`. */
export const ERR_HTTP_BATCH_METHOD =
  "ERR /pipeline and /multi-exec take a POST with a JSON array of commands";
/** 400: `Upstash-Encoding: base64` together with `Upstash-Response-Format: resp2`, as Upstash. */
export const ERR_HTTP_BASE64_RESP2 =
  "ERR Upstash-Encoding: base64 cannot be used with Upstash-Response-Format: resp2";
/** 400: an `Upstash-Response-Format` other than json / resp2. */
export const ERR_HTTP_RESPONSE_FORMAT =
  "ERR Upstash-Response-Format must be json or resp2 (resp2 is not available on /multi-exec)";
/**
 * MULTI, EXEC, DISCARD or WATCH sent as a plain command: each HTTP request is its own connection,
 * so the transaction could never be completed.
 */
export function errHttpTransaction(command: Bytes): Bytes {
  return wireError(
    `ERR ${command.toUpperCase()} is not supported over HTTP (each request is its own connection): send the commands to /multi-exec`,
  );
}

// ---- client (src/client: texts the client makes up when combining cluster replies) ----

/** A multi-node reply that GLIDE's response policy cannot combine (e.g. DBSIZE not an integer). */
export function errClientCannotCombine(policy: string): string {
  return `ERR unexpected reply type for the '${policy}' response policy`;
}
