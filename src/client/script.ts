/**
 * GLIDE's `Script`: a Lua body and its SHA-1, computed synchronously when the object is built.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { sha1hex } from "../sha1.ts";
import type { Reply } from "../resp/reply.ts";
import { errorCode, type GlideString, toBytes } from "./decode.ts";

// The body stays out of the public surface (it is sent only by SCRIPT LOAD after a NOSCRIPT).
const CODE = new WeakMap<Script, Bytes>();

/**
 * A Lua script the client runs by hash (EVALSHA) and loads on demand (SCRIPT LOAD after NOSCRIPT).
 *
 * The hash is the SHA-1 of the exact code bytes (UTF-8 for a string), identical to the server's
 * script cache key (GL-2). Creating a Script sends nothing. Unlike GLIDE's Node client there is
 * no process-wide container and no `release()`: the object holds its code and is garbage-collected
 * like any other.
 *
 * @example Hash of a script
 * ```ts
 * import { Script } from "./script.ts";
 * const script = new Script("return 'Hello'");
 * console.assert(script.getHash() === "af6b5d19da06755d789858a67760f34bbd2e9e52");
 * ```
 */
export class Script {
  readonly #hash: string;

  /** @param code The Lua body: a string (hashed and sent as UTF-8) or raw bytes. */
  constructor(code: GlideString) {
    const bytes = toBytes(code);
    this.#hash = sha1hex(bytes);
    CODE.set(this, bytes);
  }

  /**
   * The script's SHA-1.
   *
   * @returns 40 lowercase hex digits.
   */
  getHash(): string {
    return this.#hash;
  }
}

/**
 * The body of a script as a byte string (what SCRIPT LOAD sends).
 *
 * @param script The script.
 * @returns Its code bytes.
 */
export function scriptCode(script: Script): Bytes {
  const code = CODE.get(script);
  if (code === undefined) throw new TypeError("not a Script");
  return code;
}

/**
 * The EVALSHA command GLIDE sends for a script (GL-5): `EVALSHA sha numkeys keys… args…`.
 *
 * @param script The script.
 * @param keys Its keys (KEYS).
 * @param args Its arguments (ARGV).
 * @returns argv.
 */
export function evalshaArgv(
  script: Script,
  keys: readonly GlideString[] = [],
  args: readonly GlideString[] = [],
): Bytes[] {
  return [
    "EVALSHA",
    script.getHash(),
    String(keys.length),
    ...keys.map(toBytes),
    ...args.map(toBytes),
  ];
}

/**
 * GLIDE's invoke_script (GL-5): EVALSHA; on an error whose code is NOSCRIPT, SCRIPT LOAD (its error
 * is returned if it fails), then the same EVALSHA once more. Any other reply is returned as is.
 *
 * @param argv The EVALSHA command.
 * @param script The script (its body is loaded after NOSCRIPT).
 * @param send Sends the EVALSHA (same routing both times).
 * @param load Sends SCRIPT LOAD with the body (routed as the caller decides: all nodes in a cluster).
 * @returns The final reply, possibly an error reply.
 */
export async function invokeWithFallback(
  argv: readonly Bytes[],
  script: Script,
  send: (argv: readonly Bytes[]) => Promise<Reply>,
  load: (argv: readonly Bytes[]) => Promise<Reply>,
): Promise<Reply> {
  const first = await send(argv);
  if (errorCode(first) !== "NOSCRIPT") return first;
  const loaded = await load(["SCRIPT", "LOAD", scriptCode(script)]);
  if (loaded.type === "error") return loaded;
  return send(argv);
}
