/**
 * A deadline signal on a clock: it aborts when the parent signal does or when `ms` passes, and
 * its timer is cleared on dispose, so finished calls leave no timer behind (`AbortSignal.timeout`
 * keeps its timer until it fires, and cannot run on a test's fake clock).
 *
 * @module
 */
import type { Clock } from "./clock.ts";

/** A signal that aborts when `parent` does or the deadline passes. */
export interface Deadline extends Disposable {
  signal: AbortSignal;
  /** True when the deadline (not the parent) fired. */
  readonly timedOut: boolean;
}

/**
 * Starts a deadline of `ms` on `clock` under an optional parent signal.
 *
 * @param clock The clock whose timer fires the deadline (`systemClock` outside tests).
 * @param ms Milliseconds until the signal aborts with a `TimeoutError`; `undefined` = never.
 * @param parent A signal whose abort is passed on (its reason kept).
 * @returns The deadline; dispose it (`using`) when the guarded call is done.
 * @example
 * ```ts
 * using deadline = startDeadline(systemClock, 5_000, request.signal);
 * await fetch(url, { signal: deadline.signal });
 * ```
 */
export function startDeadline(
  clock: Clock,
  ms: number | undefined,
  parent?: AbortSignal,
): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer = ms === undefined ? undefined : clock.setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`Timed out after ${ms} ms`, "TimeoutError"));
  }, ms);
  const onParent = () => controller.abort(parent?.reason);
  if (parent?.aborted) onParent();
  else parent?.addEventListener("abort", onParent, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    [Symbol.dispose]() {
      if (timer !== undefined) clock.clearTimeout(timer);
      parent?.removeEventListener("abort", onParent);
    },
  };
}

/**
 * Awaits `promise` for at most `ms` on `clock`.
 *
 * @param clock The clock.
 * @param ms The limit.
 * @param promise What to wait for.
 * @param what Named in the timeout error.
 * @returns What `promise` resolved with.
 * @throws {Error} `<what> timed out after <ms> ms`, or what `promise` rejected with.
 */
export async function withTimeout<T>(
  clock: Clock,
  ms: number,
  promise: Promise<T>,
  what: string,
): Promise<T> {
  let timer: ReturnType<Clock["setTimeout"]> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clock.clearTimeout(timer);
  }
}
