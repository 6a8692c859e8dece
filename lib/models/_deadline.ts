/**
 * A deadline signal whose timer is cleared when disposed, so finished calls leave no timer
 * behind (`AbortSignal.timeout` keeps its timer until it fires).
 *
 * @module
 */

/** A signal that aborts when `parent` does or when the deadline passes. */
export interface Deadline extends Disposable {
  signal: AbortSignal;
  /** True when the deadline (not the parent) fired. */
  readonly timedOut: boolean;
}

/** Starts a deadline of `ms` (none when `ms` is undefined) under an optional parent signal. */
export function startDeadline(ms: number | undefined, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer = ms === undefined ? undefined : setTimeout(() => {
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
      clearTimeout(timer);
      parent?.removeEventListener("abort", onParent);
    },
  };
}
