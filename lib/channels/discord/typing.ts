/**
 * "typing..." for as long as a turn runs: Discord shows the indicator for about 10 s, so it is
 * refreshed every 8 s until the turn's signal aborts. The number of loops is bounded; failures
 * are logged at debug level and never reach the turn.
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import type { OutboundTarget } from "../types.ts";
import type { DiscordLogger } from "./_log.ts";

/** Options of {@linkcode TypingLoops}. */
export interface TypingLoopsOptions {
  clock: Clock;
  log: DiscordLogger;
  /** Sends one typing indicator. */
  send(target: OutboundTarget, signal: AbortSignal): Promise<void>;
  /** @default 8000 */
  intervalMs?: number;
  /** @default 64 */
  max?: number;
  /** Makes error text safe to log. */
  scrub(err: unknown): string;
}

/** Runs typing loops (see the module doc). */
export class TypingLoops {
  readonly #o: TypingLoopsOptions;
  #running = 0;

  /** @param options Clock, sender, interval, bound. */
  constructor(options: TypingLoopsOptions) {
    this.#o = options;
  }

  /** Loops running now. */
  get running(): number {
    return this.#running;
  }

  /**
   * Shows typing now and every interval until `signal` aborts. Ignored past the bound.
   *
   * @param target Where.
   * @param signal The turn's signal.
   */
  start(target: OutboundTarget, signal: AbortSignal): void {
    if (signal.aborted || this.#running >= (this.#o.max ?? 64)) return;
    this.#running++;
    const once = () => {
      this.#o.send(target, signal).catch((err) => {
        if (!signal.aborted) {
          this.#o.log.debug("discord typing failed: {error}", { error: this.#o.scrub(err) });
        }
      });
    };
    const timer = this.#o.clock.setInterval(once, this.#o.intervalMs ?? 8000);
    signal.addEventListener("abort", () => {
      this.#o.clock.clearInterval(timer);
      this.#running--;
    }, { once: true });
    once();
  }
}
