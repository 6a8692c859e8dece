/**
 * The status an adapter keeps for `channels status`: one mutable record per channel account,
 * stamped from the adapter's clock, turned into a {@linkcode ChannelAccountSnapshot} on demand.
 * "Connected" means the platform connection is up now -- an adapter that gets `409 Conflict`
 * from Telegram calls `markError()` and is shown disconnected with that reason, never
 * "connected".
 *
 * @module
 */
import { type Clock, systemClock } from "../clock.ts";
import type { ChannelAccountConfig, ChannelAccountSnapshot, ProbeResult } from "./types.ts";

/** Longest `lastError` kept. */
export const MAX_ERROR_TEXT = 300;

/** Mutable status of one channel account. */
export class AccountStatus {
  readonly #clock: Clock;
  readonly #account: ChannelAccountConfig;
  #running = false;
  #connected = false;
  #reconnectAttempts = 0;
  #times: Partial<
    Record<
      "lastConnectedAt" | "lastStartAt" | "lastStopAt" | "lastInboundAt" | "lastOutboundAt",
      number
    >
  > = {};
  #lastError: string | undefined;
  #probe: ProbeResult | undefined;
  #lastProbeAt: number | undefined;
  #extra: Record<string, unknown> = {};

  /**
   * @param account The account's settings (for `enabled`, `dmPolicy`, `allowFrom`).
   * @param clock Where times come from. @default systemClock
   */
  constructor(account: ChannelAccountConfig, clock: Clock = systemClock) {
    this.#account = account;
    this.#clock = clock;
  }

  /** The transport loop started. */
  markStarted(): void {
    this.#running = true;
    this.#times.lastStartAt = this.#clock.now();
  }

  /** The transport loop stopped (disconnect or shutdown). */
  markStopped(): void {
    this.#running = false;
    this.#connected = false;
    this.#times.lastStopAt = this.#clock.now();
  }

  /** The platform connection is up; clears the last error and the reconnect count. */
  markConnected(): void {
    this.#connected = true;
    this.#reconnectAttempts = 0;
    this.#lastError = undefined;
    this.#times.lastConnectedAt = this.#clock.now();
  }

  /** The connection failed or dropped: disconnected, with the reason (one line, bounded). */
  markError(error: unknown, options: { reconnecting?: boolean } = {}): void {
    this.#connected = false;
    const text = error instanceof Error ? error.message : String(error);
    this.#lastError = text.replace(/\s+/g, " ").trim().slice(0, MAX_ERROR_TEXT);
    if (options.reconnecting) this.#reconnectAttempts++;
  }

  /** A message arrived. */
  markInbound(): void {
    this.#times.lastInboundAt = this.#clock.now();
  }

  /** A message was sent. */
  markOutbound(): void {
    this.#times.lastOutboundAt = this.#clock.now();
  }

  /** Keeps a probe result. */
  setProbe(result: ProbeResult): void {
    this.#probe = result;
    this.#lastProbeAt = this.#clock.now();
  }

  /** Sets platform extras (`mode`, `tokenSource`, `bot`, `intents` ...); undefined removes one. */
  set(key: string, value: unknown): void {
    if (value === undefined) delete this.#extra[key];
    else this.#extra[key] = value;
  }

  /** True while the platform connection is up. */
  get connected(): boolean {
    return this.#connected;
  }

  /**
   * The snapshot `channels.status` reports.
   *
   * @param configured Whether credentials are present.
   * @returns A fresh object.
   */
  snapshot(configured: boolean): ChannelAccountSnapshot {
    const a = this.#account;
    const snap: ChannelAccountSnapshot = {
      ...this.#extra,
      accountId: a.accountId,
      enabled: a.enabled,
      configured,
      running: this.#running,
      connected: this.#connected,
      dmPolicy: a.dmPolicy,
      ...this.#times,
    };
    if (a.name) snap.name = a.name;
    if (a.allowFrom.length > 0) snap.allowFrom = a.allowFrom.slice(0, 2);
    if (this.#reconnectAttempts > 0) snap.reconnectAttempts = this.#reconnectAttempts;
    if (this.#lastError) snap.lastError = this.#lastError;
    if (this.#probe) {
      snap.probe = this.#probe;
      snap.lastProbeAt = this.#lastProbeAt;
    }
    return snap;
  }
}
