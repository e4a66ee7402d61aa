/**
 * connection commands.
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";

/** The connection group. */
export const CONNECTION_COMMANDS: readonly CommandSpec[] = [];
