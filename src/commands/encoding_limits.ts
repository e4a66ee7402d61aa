/**
 * The encoding limits (`set-max-intset-entries`, `zset-max-listpack-entries`…) the data-type
 * commands hand to the structures in src/types: the server's live `Config.encodingLimits`, which
 * CONFIG SET mutates in place.
 *
 * @module
 */

import type { EncodingLimits } from "../types/encoding.ts";
import type { CommandContext } from "./spec.ts";

/**
 * The limits to create and convert values with.
 *
 * @param ctx The command context.
 * @returns The server's configured limits (a live object: values keep it and read it at each
 *   operation, so a later CONFIG SET applies to them the next time a command touches them).
 */
export function encodingLimits(ctx: Pick<CommandContext, "server">): Readonly<EncodingLimits> {
  return ctx.server.config.encodingLimits;
}
