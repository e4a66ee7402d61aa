/**
 * Time source. The server reads "now" only through a Clock, so tests can freeze and advance time.
 *
 * @module
 */

/** A source of wall-clock time in milliseconds (with a fractional part when available). */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** A Clock whose time moves only when told to. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`. */
  advance(ms: number): void;
  /** Sets the time to `ms` since the epoch. */
  set(ms: number): void;
}

/** The real clock: `Date.now()` refined with `performance.now()` for sub-millisecond steps. */
export function systemClock(): Clock {
  const origin = Date.now() - performance.now();
  return { now: () => origin + performance.now() };
}

/**
 * A clock for tests.
 *
 * @param start Initial time in ms since the epoch (default: 2024-01-01T00:00:00Z).
 * @returns A ManualClock.
 * @example Advance time in a test
 * ```ts
 * import { manualClock } from "./clock.ts";
 * const clock = manualClock(1_000);
 * clock.advance(500);
 * console.assert(clock.now() === 1_500);
 * ```
 */
export function manualClock(start = 1_704_067_200_000): ManualClock {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
    set(ms: number) {
      t = ms;
    },
  };
}
