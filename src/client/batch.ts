/**
 * Batches (GLIDE's `Batch`): commands recorded client-side and sent together, atomically
 * (MULTI … EXEC) or as a pipeline. Beyond GLIDE, a batch can hold `invokeScript`: before the batch
 * is sent, the client asks the target node which of the batch's scripts it lacks (SCRIPT EXISTS)
 * and loads those (SCRIPT LOAD) ahead of MULTI, so the EVALSHAs inside never meet NOSCRIPT and an
 * atomic batch stays one MULTI/EXEC. (Another client flushing the script cache between the load
 * and EXEC would still produce NOSCRIPT for that element.)
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import type { Reply } from "../resp/reply.ts";
import {
  type ClientValue,
  type Decoder,
  decodeReply,
  type GlideString,
  toBytes,
} from "./decode.ts";
import { RequestError } from "./errors.ts";
import { evalshaArgv, type Script, scriptCode } from "./script.ts";
import type { Argv, Transport } from "./transports/transport.ts";

/** One recorded command. */
export interface BatchEntry {
  readonly argv: Argv;
  /** Set for `invokeScript` entries (their argv is the EVALSHA). */
  readonly script?: Script;
}

let entriesOf: (batch: Batch) => readonly BatchEntry[];

/**
 * A batch of commands for {@link Client.exec} / {@link ClusterClient.exec}: atomic (MULTI/EXEC,
 * GLIDE's `Batch(true)`, formerly `Transaction`) or a pipeline (`Batch(false)`). In a cluster, an
 * atomic batch must target one slot (the first command with a key decides the node); a pipeline's
 * commands are routed one by one and their results put back in order.
 *
 * @example An atomic batch with a script (seed 003)
 * ```ts
 * import { Batch, createClient, Script } from "@evalkit/evalkit/client";
 * import { createServer } from "@evalkit/evalkit";
 * const client = await createClient(await createServer());
 * const batch = new Batch(true)
 *   .customCommand(["EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", "1", "script-key", "script-value"])
 *   .get("script-key")
 *   .invokeScript(new Script("return #KEYS"), { keys: ["a", "b"] });
 * console.log(await client.exec(batch, { raiseOnError: false })); // ["OK", "script-value", 2]
 * await client.close();
 * ```
 */
export class Batch {
  /** True: MULTI/EXEC; false: a pipeline. */
  readonly isAtomic: boolean;
  readonly #entries: BatchEntry[] = [];

  static {
    entriesOf = (batch) => batch.#entries;
  }

  /** @param isAtomic True for a transaction (MULTI/EXEC), false for a pipeline. */
  constructor(isAtomic: boolean) {
    this.isAtomic = isAtomic;
  }

  /** Number of recorded commands. */
  get length(): number {
    return this.#entries.length;
  }

  /**
   * Adds any command, e.g. `["EVAL", body, "1", key, arg]` (GL-13).
   *
   * @param args The command and its arguments.
   * @returns This batch.
   */
  customCommand(args: readonly GlideString[]): this {
    if (args.length === 0) throw new TypeError("customCommand needs at least the command name");
    this.#entries.push({ argv: args.map(toBytes) });
    return this;
  }

  /**
   * Adds a script run by hash; the client loads it before sending the batch when the node lacks
   * it (not available in GLIDE itself).
   *
   * @param script The script.
   * @param options Its keys and arguments.
   * @returns This batch.
   */
  invokeScript(
    script: Script,
    options: { readonly keys?: readonly GlideString[]; readonly args?: readonly GlideString[] } =
      {},
  ): this {
    this.#entries.push({ argv: evalshaArgv(script, options.keys, options.args), script });
    return this;
  }

  /**
   * Adds `GET key`.
   *
   * @param key The key.
   * @returns This batch.
   */
  get(key: GlideString): this {
    return this.customCommand(["GET", key]);
  }

  /**
   * Adds `SET key value`.
   *
   * @param key The key.
   * @param value The value.
   * @returns This batch.
   */
  set(key: GlideString, value: GlideString): this {
    return this.customCommand(["SET", key, value]);
  }

  /**
   * Adds `DEL key…`.
   *
   * @param keys The keys.
   * @returns This batch.
   */
  del(keys: readonly GlideString[]): this {
    return this.customCommand(["DEL", ...keys]);
  }
}

/**
 * The commands recorded in a batch.
 *
 * @param batch The batch.
 * @returns Its entries, in order.
 */
export function batchEntries(batch: Batch): readonly BatchEntry[] {
  return entriesOf(batch);
}

/** What sending a batch to one node produced. */
export type BatchOutcome =
  /** One reply per entry (error replies in place). */
  | { readonly kind: "replies"; readonly replies: readonly Reply[] }
  /** EXEC (or MULTI) answered an error, e.g. EXECABORT; `queued` holds the queuing replies. */
  | { readonly kind: "aborted"; readonly error: Reply; readonly queued: readonly Reply[] }
  /** EXEC answered null: a WATCHed key changed. */
  | { readonly kind: "watchFailed" };

/**
 * Sends batch entries to one node: loads the scripts it lacks, then MULTI … EXEC or a pipeline.
 *
 * @param transport The node's connection.
 * @param entries The commands.
 * @param atomic MULTI/EXEC or pipeline.
 * @param asking Send ASKING just before MULTI (an atomic batch following an ASK redirect).
 * @returns The outcome.
 */
export async function runBatch(
  transport: Transport,
  entries: readonly BatchEntry[],
  atomic: boolean,
  asking = false,
): Promise<BatchOutcome> {
  const loads = await missingScripts(transport, entries);
  const loadArgv = loads.map((s) => ["SCRIPT", "LOAD", scriptCode(s)] as Argv);
  const argvs = entries.map((e) => e.argv);
  let replies: readonly Reply[];
  let loadReplies: readonly Reply[];
  if (atomic) {
    const prelude = asking ? [...loadArgv, ["ASKING"]] : loadArgv;
    const t = await transport.transaction(argvs, prelude);
    loadReplies = t.prelude.slice(0, loads.length);
    if (t.exec.type === "null") return { kind: "watchFailed" };
    if (t.exec.type !== "array") return { kind: "aborted", error: t.exec, queued: t.queued };
    replies = t.exec.value;
  } else {
    const all = await transport.send([...loadArgv, ...argvs]);
    loadReplies = all.slice(0, loads.length);
    replies = all.slice(loads.length);
  }
  // A script that failed to load (compile error) explains its NOSCRIPT better than NOSCRIPT does.
  const failed = new Map<string, Reply>();
  loads.forEach((s, i) => {
    if (loadReplies[i]?.type === "error") failed.set(s.getHash(), loadReplies[i]);
  });
  if (failed.size > 0) {
    replies = replies.map((r, i) => {
      const script = entries[i].script;
      return script !== undefined && r.type === "error" && failed.has(script.getHash())
        ? failed.get(script.getHash())!
        : r;
    });
  }
  return { kind: "replies", replies };
}

/** The batch's scripts that the node does not have cached (one SCRIPT EXISTS round trip). */
async function missingScripts(
  transport: Transport,
  entries: readonly BatchEntry[],
): Promise<Script[]> {
  const scripts = new Map<string, Script>();
  for (const e of entries) if (e.script !== undefined) scripts.set(e.script.getHash(), e.script);
  if (scripts.size === 0) return [];
  const list = [...scripts.values()];
  const [exists] = await transport.send([["SCRIPT", "EXISTS", ...scripts.keys()] as Bytes[]]);
  if (exists.type !== "array") return list;
  return list.filter((_, i) => !isTrue(exists.value[i]));
}

/** `:1` (or RESP3 `#t`). */
export function isTrue(reply: Reply | undefined): boolean {
  return reply !== undefined &&
    ((reply.type === "integer" && Number(reply.value) === 1) ||
      (reply.type === "boolean" && reply.value));
}

/**
 * Decodes a batch's replies (errors in place as RequestError), or throws the first error when
 * `raiseOnError` is set (GL-14).
 *
 * @param replies One reply per command.
 * @param raiseOnError Throw the first error instead of returning it in place.
 * @param decoder How bulk strings are returned.
 * @returns The values.
 */
export function batchValues(
  replies: readonly Reply[],
  raiseOnError: boolean,
  decoder: Decoder,
): ClientValue[] {
  const values = replies.map((r) => decodeReply(r, decoder));
  if (raiseOnError) {
    const first = values.find((v) => v instanceof RequestError);
    if (first !== undefined) throw first;
  }
  return values;
}

/**
 * GLIDE's `ClusterBatch`: the same builder as {@link Batch}, named for cluster code translated
 * from GLIDE. {@link ClusterClient.exec} routes it: an atomic one to the primary of its commands'
 * single slot, a pipeline command by command.
 *
 * @example A pipeline across nodes
 * ```ts ignore
 * import { ClusterBatch, createClusterClient } from "@evalkit/evalkit/client";
 * const client = await createClusterClient("redis://127.0.0.1:7000");
 * const batch = new ClusterBatch(false).set("a", "1").set("b", "2").get("a");
 * console.log(await client.exec(batch, { raiseOnError: true })); // ["OK", "OK", "1"]
 * ```
 */
export class ClusterBatch extends Batch {}
