/**
 * Time as a dependency. Everything scheduled in the gateway (hub timers, reload debounce,
 * rate-limit windows, heartbeats, cron) takes a {@linkcode Clock}, so tests drive it with a fake
 * clock instead of sleeping.
 *
 * @module
 */

import { clearTimer, setRepeatingTimer, setTimer, type TimerHandle } from "./timers.ts";

export type { TimerHandle };

/** The wall clock and the timers that run on it. */
export interface Clock {
  /** Milliseconds since the epoch (`Date.now()`). */
  now(): number;
  /** Runs `fn` once after `ms`. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer from {@link setTimeout}; undefined is ignored. */
  clearTimeout(handle: TimerHandle | undefined): void;
  /** Runs `fn` every `ms`. */
  setInterval(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer from {@link setInterval}; undefined is ignored. */
  clearInterval(handle: TimerHandle | undefined): void;
}

/**
 * The real clock: `Date.now` and the timers of lib/timers.ts.
 *
 * @example
 * ```ts
 * const t = systemClock.setTimeout(() => console.log("later"), 10);
 * systemClock.clearTimeout(t);
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: setTimer,
  clearTimeout: clearTimer,
  setInterval: setRepeatingTimer,
  clearInterval: clearTimer,
};
