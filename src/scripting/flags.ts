/**
 * Script flags from the `#!lua` shebang line (spec §12.1, FLAG-1..6).
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import {
  ERR_SHEBANG_INVALID,
  ERR_SHEBANG_INVALID_ENGINE,
  errShebangUnexpectedEngine,
  errShebangUnexpectedFlag,
  errShebangUnknownOption,
  ReplyError,
} from "../errors.ts";
import { splitArgs } from "../resp/split_args.ts";

/** `no-writes`: the run is read-only. */
export const FLAG_NO_WRITES = 1;
/** `allow-oom`: not refused over maxmemory; deny-oom commands allowed inside. */
export const FLAG_ALLOW_OOM = 2;
/** `allow-stale`: may start on a stale replica. */
export const FLAG_ALLOW_STALE = 4;
/** `no-cluster`: refused in cluster mode. */
export const FLAG_NO_CLUSTER = 8;
/** `allow-cross-slot-keys`: commands may touch keys of different slots across commands. */
export const FLAG_ALLOW_CROSS_SLOT_KEYS = 16;

/**
 * Not a shebang flag: marks the run of a script without a shebang ("compatibility mode", FLAG-7)
 * in RunOptions.flags, as Valkey's SCRIPT_FLAG_EVAL_COMPAT_MODE does.
 */
export const FLAG_EVAL_COMPAT_MODE = 32;

const FLAG_NAMES: ReadonlyMap<string, number> = new Map([
  ["no-writes", FLAG_NO_WRITES],
  ["allow-oom", FLAG_ALLOW_OOM],
  ["allow-stale", FLAG_ALLOW_STALE],
  ["no-cluster", FLAG_NO_CLUSTER],
  ["allow-cross-slot-keys", FLAG_ALLOW_CROSS_SLOT_KEYS],
]);

/** A body split into its shebang flags and the code to compile. */
export interface ParsedScript {
  /** True when the body starts with `#!` (FLAG-8 defaults apply, even with no flags). */
  readonly hasShebang: boolean;
  /** Bitwise OR of FLAG_* values. */
  readonly flags: number;
  /** The code to compile: the shebang line removed up to (not including) its `\n` (WRAP-2). */
  readonly code: Bytes;
}

/** Parses the shebang of a script body. Throws ReplyError with Valkey's texts. */
export function parseShebang(body: Bytes): ParsedScript {
  if (body.charCodeAt(0) !== 35 || body.charCodeAt(1) !== 33) {
    return { hasShebang: false, flags: 0, code: body };
  }
  const end = body.indexOf("\n");
  if (end < 0) throw new ReplyError(ERR_SHEBANG_INVALID);
  const parts = splitArgs(body.slice(0, end));
  if (parts === null || parts.length === 0) throw new ReplyError(ERR_SHEBANG_INVALID_ENGINE);
  if (parts[0] !== "#!lua") throw new ReplyError(errShebangUnexpectedEngine(parts[0]));
  let flags = 0;
  for (let i = 1; i < parts.length; i++) {
    const word = parts[i];
    if (!word.startsWith("flags=")) throw new ReplyError(errShebangUnknownOption(word));
    const list = word.slice(6);
    if (list === "") continue;
    for (const piece of list.split(",")) {
      const f = FLAG_NAMES.get(piece);
      if (f === undefined) throw new ReplyError(errShebangUnexpectedFlag(piece));
      flags |= f;
    }
  }
  return { hasShebang: true, flags, code: body.slice(end) };
}
