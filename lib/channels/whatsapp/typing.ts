/**
 * "typing..." on WhatsApp is a presence: `composing` in the chat while a turn runs, refreshed
 * (WhatsApp drops it after several seconds) until the turn's signal aborts, then `paused`.
 * Loops are bounded in number; failures are logged at debug level and never reach the turn.
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import { errorMessage } from "../../errors.ts";
import type { WhatsAppLogger } from "./_log.ts";
import type { WhatsAppPresence } from "./socket.ts";

/** Options of {@linkcode PresenceLoops}. */
export interface PresenceLoopsOptions {
  clock: Clock;
  log: WhatsAppLogger;
  /** Sends one presence update to a chat (rejects when not connected). */
  send(presence: WhatsAppPresence, jid: string): Promise<void>;
  /** @default 6000 */
  intervalMs?: number;
  /** @default 64 */
  max?: number;
}

/** Runs "composing" loops (see the module doc). */
export class PresenceLoops {
  readonly #o: PresenceLoopsOptions;
  #running = 0;

  /** @param options Clock, sender, interval, bound. */
  constructor(options: PresenceLoopsOptions) {
    this.#o = options;
  }

  /** Loops running now. */
  get running(): number {
    return this.#running;
  }

  #send(presence: WhatsAppPresence, jid: string): void {
    this.#o.send(presence, jid).catch((err) =>
      this.#o.log.debug("WhatsApp presence {presence} failed: {reason}", {
        presence,
        reason: errorMessage(err),
      })
    );
  }

  /**
   * Shows "typing..." in `jid` now and every interval until `signal` aborts, then "paused".
   * Ignored past the bound or when `signal` already aborted.
   *
   * @param jid The chat.
   * @param signal The turn's signal.
   */
  start(jid: string, signal: AbortSignal): void {
    if (signal.aborted || this.#running >= (this.#o.max ?? 64)) return;
    this.#running++;
    const timer = this.#o.clock.setInterval(
      () => this.#send("composing", jid),
      Math.max(1000, this.#o.intervalMs ?? 6000),
    );
    signal.addEventListener("abort", () => {
      this.#o.clock.clearInterval(timer);
      this.#running--;
      this.#send("paused", jid);
    }, { once: true });
    this.#send("composing", jid);
  }
}
