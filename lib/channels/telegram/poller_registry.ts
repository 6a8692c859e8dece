/**
 * Exactly one long poller per bot token in the process. Telegram answers a second concurrent
 * `getUpdates` for a token with 409 to the first one, so two pollers in one process (a restart
 * that did not wait for the old poll, two accounts with the same token) knock each other out
 * forever -- stock's endless "409 Conflict" reports. An adapter claims its token before it polls
 * and releases it only after its last poll has settled; a second claim is refused with a clear
 * error. Keys are token hashes, never tokens.
 *
 * @module
 */
import { OpenClawError } from "../../errors.ts";
import { tokenKey } from "./token.ts";

/** A held claim; release it once polling has fully stopped. */
export interface PollerClaim {
  /** Frees the token (idempotent; a stale claim never frees a newer one). */
  release(): void;
}

/** Who polls which token. */
export class PollerRegistry {
  readonly #owners = new Map<string, { accountId: string }>();

  /**
   * Claims `token` for `accountId`.
   *
   * @param token The bot token.
   * @param accountId The channel account that will poll.
   * @returns The claim.
   * @throws {OpenClawError} `TELEGRAM_TOKEN_IN_USE` when another adapter in this process polls
   *   the same token.
   */
  claim(token: string, accountId: string): PollerClaim {
    const key = tokenKey(token);
    const current = this.#owners.get(key);
    if (current) {
      throw new OpenClawError(
        "TELEGRAM_TOKEN_IN_USE",
        `Cannot poll Telegram for account "${accountId}": account "${current.accountId}" ` +
          "already polls the same bot token in this process",
        { hint: "Give each channels.telegram account its own bot token" },
      );
    }
    const owner = { accountId };
    this.#owners.set(key, owner);
    return {
      release: () => {
        if (this.#owners.get(key) === owner) this.#owners.delete(key);
      },
    };
  }

  /** How many tokens are being polled. */
  get size(): number {
    return this.#owners.size;
  }
}

/** The process-wide registry every adapter uses unless given another. */
export const processPollerRegistry: PollerRegistry = new PollerRegistry();
