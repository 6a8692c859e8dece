/**
 * "typing..." for as long as a turn runs. Telegram shows a chat action for about 5 seconds, so it
 * is re-sent every few seconds (default 4 s) until the caller's signal aborts, with at most one
 * request in flight (a slow API never piles up requests: a refresh due meanwhile follows it once) and an upper bound on the whole run in
 * case a caller forgets to abort.
 *
 * @module
 */
import type { Clock } from "../../clock.ts";

/** Options of {@linkcode keepTyping}. */
export interface KeepTypingOptions {
  clock: Clock;
  /** Stops the loop. */
  signal: AbortSignal;
  /** @default 4000 */
  intervalMs?: number;
  /** Longest run. @default 600000 */
  maxMs?: number;
  /** Told about a failed send (the loop goes on). */
  onError?: (err: unknown) => void;
}

/**
 * Calls `send` now and then every `intervalMs` until `signal` aborts or `maxMs` passes.
 *
 * @param send Sends one chat action (rejections are reported, not thrown).
 * @param options Clock, signal, interval, bound.
 * @returns A promise that resolves when the loop has stopped (never rejects).
 */
export function keepTyping(
  send: () => Promise<unknown>,
  options: KeepTypingOptions,
): Promise<void> {
  const { clock, signal } = options;
  const interval = Math.max(1000, options.intervalMs ?? 4000);
  const maxMs = options.maxMs ?? 600_000;
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const started = clock.now();
    let inFlight = false;
    let again = false;
    let stopped = false;
    const fire = () => {
      if (inFlight) {
        // One request at a time; a tick during a slow one sends right after it, once.
        again = true;
        return;
      }
      inFlight = true;
      send().catch((err) => options.onError?.(err)).finally(() => {
        inFlight = false;
        if (again && !stopped) {
          again = false;
          fire();
        }
      });
    };
    const tick = () => clock.now() - started >= maxMs ? stop() : fire();
    const timer = clock.setInterval(tick, interval);
    const stop = () => {
      stopped = true;
      clock.clearInterval(timer);
      signal.removeEventListener("abort", stop);
      resolve();
    };
    signal.addEventListener("abort", stop, { once: true });
    fire();
  });
}
