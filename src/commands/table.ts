/**
 * The command table: the only place that joins the group files.
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";
import { STRING_COMMANDS } from "./strings.ts";
import { KEY_COMMANDS } from "./keys.ts";
import { SERVER_COMMANDS } from "./server.ts";
import { CONNECTION_COMMANDS } from "./connection.ts";
import { TRANSACTION_COMMANDS } from "./transactions.ts";
import { COMMAND_INTROSPECTION_COMMANDS } from "./command.ts";
import { SCRIPTING_COMMANDS } from "./scripting.ts";
import { SET_COMMANDS } from "./sets.ts";
import { ZSET_COMMANDS } from "./zsets.ts";
import { SORT_COMMANDS } from "./sort.ts";
import { LIST_COMMANDS } from "./lists.ts";
import { HASH_COMMANDS } from "./hashes.ts";
import { MEMORY_COMMANDS } from "./memory.ts";
import { REPLICATION_COMMANDS } from "./replication.ts";

/** Every top-level command evalkit registers. */
export const COMMAND_TABLE: readonly CommandSpec[] = [
  ...STRING_COMMANDS,
  ...KEY_COMMANDS,
  ...SERVER_COMMANDS,
  ...CONNECTION_COMMANDS,
  ...TRANSACTION_COMMANDS,
  ...COMMAND_INTROSPECTION_COMMANDS,
  ...SCRIPTING_COMMANDS,
  ...LIST_COMMANDS,
  ...HASH_COMMANDS,
  ...SET_COMMANDS,
  ...ZSET_COMMANDS,
  ...SORT_COMMANDS,
  ...MEMORY_COMMANDS,
  ...REPLICATION_COMMANDS,
];
