/**
 * keys commands.
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";

/** The keys group. */
export const KEY_COMMANDS: readonly CommandSpec[] = [];
