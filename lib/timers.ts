/**
 * Timers without Deno's Node timer layer.
 *
 * In Deno 2.9 the global `setTimeout` is Node's (`node:timers`): its first use loads about twenty
 * of Deno's Node-compat scripts, which cost the gateway ~3 MB of RSS and ~10 ms of CPU at start,
 * against a budget measured as a ratio to a bare Deno server that never starts a timer
 * (docs/benchmarks.md). Both are built on the same timer list in Deno's core, which Deno exposes
 * to its own tools as `Deno[Deno.internal].core`; these functions schedule there directly, with
 * the same semantics (delays below 1 ms become 1 ms, a callback runs in its own task, refed timers
 * keep the process alive).
 *
 * That object is internal to Deno, so it is feature-checked once: on a Deno without it the
 * platform timers are used, and tests/unit/timers_test.ts says which path this Deno takes. Code of
 * the program schedules through here (or a {@linkcode Clock}, whose real one uses these), never the
 * global `setTimeout`; a test keeps it that way.
 *
 * @module
 */

/** An opaque handle of a timer from this module. */
export type TimerHandle = { readonly __timer: unique symbol };

interface CoreTimers {
  createTimer(
    fn: () => void,
    ms: number,
    args: undefined,
    repeat: boolean,
    refed: boolean,
    system: boolean,
  ): TimerHandle;
  cancelTimer(timer: TimerHandle): void;
  unrefTimer(timer: TimerHandle): void;
}

function coreTimers(): CoreTimers | undefined {
  // `Deno.internal` is not in Deno's public types.
  const deno = Deno as unknown as Record<PropertyKey, unknown>;
  const key = deno.internal;
  const internal = typeof key === "symbol" ? deno[key] : undefined;
  const core = (internal as { core?: Partial<CoreTimers> } | undefined)?.core;
  if (
    typeof core?.createTimer === "function" && core.createTimer.length === 6 &&
    typeof core.cancelTimer === "function" && typeof core.unrefTimer === "function"
  ) return core as CoreTimers;
  return undefined;
}

const core = coreTimers();

/** True when timers run on Deno's core timer list (false: the platform's `setTimeout`). */
export const usesCoreTimers: boolean = core !== undefined;

/**
 * Runs `fn` once after `ms` milliseconds.
 *
 * @example
 * ```ts
 * const t = setTimer(() => console.log("later"), 10);
 * clearTimer(t);
 * ```
 */
export function setTimer(fn: () => void, ms: number): TimerHandle {
  if (core) return core.createTimer(fn, ms, undefined, false, true, false);
  return setTimeout(fn, ms) as unknown as TimerHandle;
}

/** Runs `fn` every `ms` milliseconds until {@linkcode clearTimer}. */
export function setRepeatingTimer(fn: () => void, ms: number): TimerHandle {
  if (core) return core.createTimer(fn, ms, undefined, true, true, false);
  return setInterval(fn, ms) as unknown as TimerHandle;
}

/** Cancels a timer from {@linkcode setTimer} or {@linkcode setRepeatingTimer}; undefined is ignored. */
export function clearTimer(handle: TimerHandle | undefined): void {
  if (handle === undefined) return;
  if (core) core.cancelTimer(handle);
  else clearTimeout(handle as unknown as number);
}

/** Lets the process exit while `handle` is still pending (like `Deno.unrefTimer`). */
export function unrefTimer(handle: TimerHandle): void {
  if (core) core.unrefTimer(handle);
  else Deno.unrefTimer(handle as unknown as number);
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimer(resolve, ms));
}
