/**
 * What a script's flags decide before it runs (Valkey's evalGetCommandFlags and the checks of
 * scriptPrepareForRun): the effective command flags the server's gates judge an EVAL-family
 * command by (spec §1.2, FLAG-7, FLAG-8), and the run-preparation refusals (FLAG-12, FLAG-14,
 * FLAG-15 backstops).
 *
 * @module
 */

import { asciiLower, type Bytes } from "../bytes.ts";
import type { CommandFlag } from "../commands/spec.ts";
import {
  ERR_MASTERDOWN,
  ERR_RO_WITH_WRITE_FLAG,
  ERR_SCRIPT_MASTERDOWN,
  ERR_SCRIPT_NO_CLUSTER,
  ERR_SCRIPT_OOM,
  ERR_SCRIPT_READONLY_REPLICA,
  ReplyError,
} from "../errors.ts";
import type { Server } from "../server.ts";
import { sha1hex } from "../sha1.ts";
import {
  FLAG_ALLOW_OOM,
  FLAG_ALLOW_STALE,
  FLAG_NO_CLUSTER,
  FLAG_NO_WRITES,
  parseShebang,
} from "./flags.ts";

/**
 * evalGetCommandFlags: the flags an EVAL-family command line is judged by. The script is found in
 * the cache (EVALSHA: by the given sha when it is 40 characters; EVAL: by the body's sha), or an
 * EVAL body not cached yet has its shebang parsed; a script without shebang, an invalid shebang
 * or an unknown sha leaves the static flags (the run then replies the real error).
 *
 * @param server The server (its script cache).
 * @param argv The command line.
 * @param bySha EVALSHA / EVALSHA_RO.
 * @param flags The command's static flags.
 * @returns The effective flags.
 */
export function evalCommandFlags(
  server: Server,
  argv: readonly Bytes[],
  bySha: boolean,
  flags: readonly CommandFlag[],
): readonly CommandFlag[] {
  const cache = server.scripting.cache;
  let scriptFlags: number;
  if (bySha) {
    if (argv[1].length !== 40) return flags;
    const script = cache.get(argv[1]) ?? cache.get(asciiLower(argv[1]));
    if (script === undefined || !script.hasShebang) return flags;
    scriptFlags = script.flags;
  } else {
    const script = cache.get(sha1hex(argv[1]));
    if (script !== undefined) {
      if (!script.hasShebang) return flags;
      scriptFlags = script.flags;
    } else {
      try {
        const parsed = parseShebang(argv[1]);
        if (!parsed.hasShebang) return flags;
        scriptFlags = parsed.flags;
      } catch {
        return flags;
      }
    }
  }
  return scriptFlagsToCommandFlags(flags, scriptFlags);
}

const converted = new WeakMap<readonly CommandFlag[], Map<number, readonly CommandFlag[]>>();

/**
 * scriptFlagsToCmdFlags (FLAG-8): write unless `no-writes`, denyoom unless `allow-oom` or
 * `no-writes`, stale only with `allow-stale`; may_replicate dropped.
 *
 * @param flags Static command flags.
 * @param scriptFlags FLAG_* bits of a script that has a shebang.
 * @returns The effective flags (one frozen array per combination).
 */
export function scriptFlagsToCommandFlags(
  flags: readonly CommandFlag[],
  scriptFlags: number,
): readonly CommandFlag[] {
  let byScript = converted.get(flags);
  if (byScript === undefined) converted.set(flags, byScript = new Map());
  let out = byScript.get(scriptFlags);
  if (out === undefined) {
    const f: CommandFlag[] = flags.filter((x) =>
      x !== "write" && x !== "denyoom" && x !== "stale" && x !== "may_replicate"
    );
    if ((scriptFlags & (FLAG_ALLOW_OOM | FLAG_NO_WRITES)) === 0) f.push("denyoom");
    if ((scriptFlags & FLAG_NO_WRITES) === 0) f.push("write");
    if ((scriptFlags & FLAG_ALLOW_STALE) !== 0) f.push("stale");
    out = Object.freeze(f);
    byScript.set(scriptFlags, out);
  }
  return out;
}

/**
 * The refusals of scriptPrepareForRun, in Valkey's order (EVAL-5): `no-cluster` in cluster mode;
 * stale replica without `allow-stale`; for scripts that may write, read-only replica then the
 * `*_ro` command; the OOM state without `allow-oom`. A script without shebang is only refused on
 * a stale replica (FLAG-7). Most of these were already refused by the command-level gates
 * through the effective flags; here they catch a state that changed since (EXEC) or a script
 * those flags could not see (EVALSHA of a script loaded later in the same transaction).
 *
 * @param server The server (config and gate state).
 * @param hasShebang The script has a shebang.
 * @param flags Its FLAG_* bits.
 * @param readOnly Run by EVAL_RO / EVALSHA_RO.
 * @throws ReplyError with the refusal.
 */
export function verifyScriptPrepare(
  server: Server,
  hasShebang: boolean,
  flags: number,
  readOnly: boolean,
): void {
  const gates = server.gates;
  if (!hasShebang) {
    if (gates.staleReplica) throw new ReplyError(ERR_MASTERDOWN);
    return;
  }
  if ((flags & FLAG_NO_CLUSTER) !== 0 && server.config.clusterEnabled) {
    throw new ReplyError(ERR_SCRIPT_NO_CLUSTER);
  }
  if (gates.staleReplica && (flags & FLAG_ALLOW_STALE) === 0) {
    throw new ReplyError(ERR_SCRIPT_MASTERDOWN);
  }
  if ((flags & FLAG_NO_WRITES) === 0) {
    if (gates.readOnlyReplica) throw new ReplyError(ERR_SCRIPT_READONLY_REPLICA);
    if (readOnly) throw new ReplyError(ERR_RO_WITH_WRITE_FLAG);
  }
  if (gates.oomAtStart && (flags & (FLAG_ALLOW_OOM | FLAG_NO_WRITES)) === 0) {
    throw new ReplyError(ERR_SCRIPT_OOM);
  }
}
