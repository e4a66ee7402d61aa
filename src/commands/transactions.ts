/**
 * transactions commands.
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";

/** The transactions group. */
export const TRANSACTION_COMMANDS: readonly CommandSpec[] = [];
