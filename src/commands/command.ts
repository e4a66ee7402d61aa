/**
 * command commands.
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";

/** The command group. */
export const COMMAND_INTROSPECTION_COMMANDS: readonly CommandSpec[] = [];
