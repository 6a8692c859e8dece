/**
 * A deadline on the injectable clock: a signal that aborts when the parent does or when `ms`
 * passes, whose timer is cleared on dispose so finished calls leave nothing behind.
 *
 * @module
 */
import type { Clock } from "../../clock.ts";

/** A signal that aborts when `parent` does or the deadline passes. */
export interface Deadline extends Disposable {
  signal: AbortSignal;
  /** True when the deadline (not the parent) fired. */
  readonly timedOut: boolean;
}

/** Starts a deadline of `ms` on `clock` under an optional parent signal. */
export function startDeadline(clock: Clock, ms: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer = clock.setTimeout(() => {
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
      clock.clearTimeout(timer);
      parent?.removeEventListener("abort", onParent);
    },
  };
}
