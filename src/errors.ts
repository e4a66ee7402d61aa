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
export const ERR_INVALID_DB_INDEX = "ERR invalid DB index";
export const ERR_NOAUTH = "NOAUTH Authentication required.";
export const ERR_WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
export const ERR_OOM = "OOM command not allowed when used memory > 'maxmemory'.";
export const ERR_EXECABORT = "EXECABORT Transaction discarded because of previous errors.";
export const ERR_MULTI_NESTED = "ERR MULTI calls can not be nested";
export const ERR_EXEC_WITHOUT_MULTI = "ERR EXEC without MULTI";
export const ERR_DISCARD_WITHOUT_MULTI = "ERR DISCARD without MULTI";
export const ERR_WATCH_IN_MULTI = "ERR WATCH inside MULTI is not allowed";

/** `ERR wrong number of arguments for 'get' command` (name: lowercase, `container|sub`). */
export function errWrongArity(name: string): Bytes {
  return `ERR wrong number of arguments for '${name}' command`;
}

/** CMD-3: `ERR unknown command 'foo', with args beginning with: 'a' 'b' `. */
export function errUnknownCommand(argv: readonly Bytes[]): Bytes {
  let args = "";
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${argv[i].slice(0, 128 - args.length)}' `;
  }
  return wireError(
    `ERR unknown command '${argv[0].slice(0, 128)}', with args beginning with: ${args}`,
  );
}

/** CMD-2: `ERR unknown subcommand 'foo'. Try SCRIPT HELP.` */
export function errUnknownSubcommand(sub: Bytes, container: string): Bytes {
  return wireError(
    `ERR unknown subcommand '${sub.slice(0, 128)}'. Try ${container.toUpperCase()} HELP.`,
  );
}

/** SCR-8: a subcommand the handler does not accept with these arguments. */
export function errUnknownSubcommandOrArity(sub: Bytes, container: string): Bytes {
  return wireError(
    `ERR unknown subcommand or wrong number of arguments for '${
      sub.slice(0, 128)
    }'. Try ${container.toUpperCase()} HELP.`,
  );
}

// ---- strings / keys (appended by their groups) ----

// ---- server / connection / transactions ----

// ---- scripting ----
