/**
 * The twin harness's two uses of evalkit's RESP codec (src/resp/encode.ts, src/resp/decode.ts):
 * decoding the real server's bytes, and seeing evalkit's reply as a client would after encoding
 * (RESP2 downgrades included), so both sides are compared in the same shape.
 *
 * @module
 */

import { ReplyDecoder } from "../resp/decode.ts";
import { encodeReply } from "../resp/encode.ts";
import type { Reply } from "../resp/reply.ts";

/** Returns a function to feed bytes to; `onReply` receives each complete reply in order. */
export function createReplyDecoder(onReply: (reply: Reply) => void): (chunk: Uint8Array) => void {
  const decoder = new ReplyDecoder();
  return (chunk) => {
    for (const reply of decoder.feed(chunk)) onReply(reply);
  };
}

/** The reply a client decodes after evalkit encodes `reply` for protocol `resp`. */
export function asSentOnWire(reply: Reply, resp: 2 | 3): Reply {
  const decoded = new ReplyDecoder().feed(encodeReply(reply, resp));
  if (decoded.length !== 1) {
    throw new Error(`evalkit's reply encoded to ${decoded.length} replies, not 1`);
  }
  return decoded[0];
}
