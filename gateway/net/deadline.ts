/**
 * A cheap re-armable deadline: arming and disarming many times per second costs no timer churn,
 * because the single underlying timer is only replaced when the new deadline is earlier than the
 * one it was set for. When it fires late-armed it re-sleeps for the remainder.
 *
 * @module
 */
import { clearTimer, setTimer, type TimerHandle } from "../../lib/timers.ts";

/** One deadline with one callback at a time. Call {@linkcode Deadline.dispose} when done. */
export class Deadline {
  #at = 0;
  #timer: TimerHandle | undefined;
  #timerAt = 0;
  #onExpire: (() => void) | undefined;
  #disposed = false;

  /** Arms (or re-arms) the deadline `ms` from now; `onExpire` runs once if it is reached. */
  arm(ms: number, onExpire: () => void): void {
    if (this.#disposed) return;
    const at = Date.now() + ms;
    this.#at = at;
    this.#onExpire = onExpire;
    if (this.#timer === undefined || this.#timerAt > at) {
      if (this.#timer !== undefined) clearTimer(this.#timer);
      this.#timerAt = at;
      this.#timer = setTimer(this.#fire, ms);
    }
  }

  /** Cancels the armed deadline (the timer, if any, wakes later and finds nothing to do). */
  disarm(): void {
    this.#at = 0;
    this.#onExpire = undefined;
  }

  /** True while armed. */
  get armed(): boolean {
    return this.#at !== 0;
  }

  /** Clears the timer for good; later `arm` calls are ignored. */
  dispose(): void {
    this.#disposed = true;
    this.disarm();
    if (this.#timer !== undefined) clearTimer(this.#timer);
    this.#timer = undefined;
  }

  #fire = (): void => {
    this.#timer = undefined;
    if (this.#at === 0 || this.#disposed) return;
    const left = this.#at - Date.now();
    if (left > 0) {
      this.#timerAt = this.#at;
      this.#timer = setTimer(this.#fire, left);
      return;
    }
    const cb = this.#onExpire;
    this.disarm();
    cb?.();
  };
}
