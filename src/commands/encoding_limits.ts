/**
 * The encoding limits (`set-max-intset-entries`, `zset-max-listpack-entries`…) the data-type
 * commands hand to the structures in src/types. They come from the server's configuration when
 * it carries them (`Config.encodingLimits`, a live object CONFIG SET mutates), else Valkey 8's
 * defaults.
 *
 * @module
 */

import { DEFAULT_ENCODING_LIMITS, type EncodingLimits } from "../types/encoding.ts";
import type { CommandContext } from "./spec.ts";

/**
 * The limits to create and convert values with.
 *
 * @param ctx The command context.
 * @returns The configured limits, or Valkey's defaults.
 */
export function encodingLimits(ctx: Pick<CommandContext, "server">): Readonly<EncodingLimits> {
  // Config may not carry the limits yet: read them structurally so either way works.
  const live = (ctx.server.config as { encodingLimits?: Readonly<EncodingLimits> }).encodingLimits;
  return live ?? DEFAULT_ENCODING_LIMITS;
}
