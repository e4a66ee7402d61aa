/**
 * server commands.
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";

/** The server group. */
export const SERVER_COMMANDS: readonly CommandSpec[] = [];
