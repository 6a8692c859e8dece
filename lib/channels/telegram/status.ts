/**
 * The Telegram account's status, on the core's {@linkcode AccountStatus} (lib/channels/status.ts)
 * so every platform reports alike: running (the poll loop is alive), connected (the last
 * `getUpdates` came back fine -- never while a 409 conflict lasts), times, the last error in one
 * line, plus Telegram's extras: `mode: "polling"`, `tokenSource`, `bot`, `healthState`
 * (`conflict`, `webhook`, `unauthorized`, ...), `baseUrl` for a self-hosted API root, and
 * `lastSendError` (a failed send is not a lost connection, so it does not touch `lastError`).
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import { AccountStatus } from "../status.ts";
import type { ChannelAccountConfig, ChannelAccountSnapshot, ProbeResult } from "../types.ts";
import type { BotIdentity } from "./normalize.ts";

/** Facts fixed at construction. */
export interface TelegramStatusFacts {
  configured: boolean;
  tokenSource: string;
  /** The API root when it is not the public one. */
  baseUrl?: string;
}

/** One Telegram account's status (see the module doc). */
export class TelegramStatus {
  readonly #core: AccountStatus;
  readonly #configured: boolean;

  /**
   * @param account The account's settings (enabled, name, dmPolicy, allowFrom).
   * @param clock Where times come from.
   * @param facts Token presence and source, API root.
   */
  constructor(account: ChannelAccountConfig, clock: Clock, facts: TelegramStatusFacts) {
    this.#core = new AccountStatus(account, clock);
    this.#configured = facts.configured;
    this.#core.set("mode", "polling");
    this.#core.set("tokenSource", facts.tokenSource);
    this.#core.set("baseUrl", facts.baseUrl);
  }

  /** The poll loop starts. */
  started(): void {
    this.#core.markStarted();
  }

  /** The poll loop ended. */
  stopped(): void {
    this.#core.markStopped();
  }

  /** A `getUpdates` came back fine. */
  connected(): void {
    this.#core.markConnected();
    this.#core.set("healthState", undefined);
  }

  /**
   * Connecting or polling failed; not connected until the next good poll.
   *
   * @param reason One line, token-free.
   * @param healthState A short state name (`conflict`, `unauthorized`, ...).
   */
  failed(reason: string, healthState: string): void {
    this.#core.markError(reason, { reconnecting: true });
    this.#core.set("healthState", healthState);
  }

  /** A send failed (the connection is not affected). */
  sendFailed(reason: string): void {
    this.#core.set("lastSendError", reason);
  }

  /** A message arrived. */
  inbound(): void {
    this.#core.markInbound();
  }

  /** A message went out. */
  outbound(): void {
    this.#core.markOutbound();
  }

  /** The bot's identity from `getMe`. */
  bot(identity: BotIdentity): void {
    this.#core.set("bot", { id: String(identity.id), username: identity.username });
  }

  /** A probe finished. */
  probed(result: ProbeResult): void {
    this.#core.setProbe(result);
  }

  /** Whether the last poll succeeded. */
  get isConnected(): boolean {
    return this.#core.connected;
  }

  /** The current status. */
  snapshot(): ChannelAccountSnapshot {
    return this.#core.snapshot(this.#configured);
  }
}
