/**
 * WAIT (Valkey's replication.c waitCommand), with Valkey 8's metadata: `blocking` instead of
 * Redis 7.0's `noscript`, so scripts may call it (spec CALL-13).
 *
 * evalkit has no replicas, so no write is ever acknowledged: WAIT replies 0, at once when 0
 * replicas are asked for or when the client may not block (inside MULTI/EXEC or a script, or a
 * session without a transport that can wait), otherwise when its timeout passes (0: never). A
 * server configured as a replica (`replicaOf`) refuses WAIT, as Valkey does.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { ERR_WAIT_REPLICA, ReplyError } from "../errors.ts";
import { blockForTimeout, parseBlockingTimeoutMs } from "../blocking.ts";
import { int, type Reply } from "../resp/reply.ts";
import { toInt64 } from "./args.ts";
import type { CommandContext, CommandSpec } from "./spec.ts";

/** Replicas that acknowledged the client's writes: evalkit has none. */
const ACKED = 0;

function wait(ctx: CommandContext, argv: readonly Bytes[]): Reply {
  if (ctx.server.config.replicaOf !== "") throw new ReplyError(ERR_WAIT_REPLICA);
  const numreplicas = toInt64(argv[1]);
  const deadline = parseBlockingTimeoutMs(ctx, argv[2]);
  const acked = int(ACKED);
  if (ACKED >= numreplicas) return acked;
  return blockForTimeout(ctx, argv, deadline, acked);
}

/** The replication group (WAIT). */
export const REPLICATION_COMMANDS: readonly CommandSpec[] = [
  {
    name: "wait",
    arity: 3,
    flags: ["blocking"],
    acl: ["slow", "blocking", "connection"],
    keySpecs: [],
    group: "generic",
    since: "3.0.0",
    summary:
      "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.",
    complexity: "O(1)",
    tips: ["request_policy:all_shards", "response_policy:agg_min"],
    arguments: [
      { name: "numreplicas", type: "integer" },
      { name: "timeout", type: "integer" },
    ],
    run: wait,
  },
];
