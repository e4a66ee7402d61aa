/**
 * strings commands.
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";

/** The strings group. */
export const STRING_COMMANDS: readonly CommandSpec[] = [];
