/**
 * The Feishu account's status, on the core's {@linkcode AccountStatus} (lib/channels/status.ts)
 * so every platform reports alike, plus what only Feishu has:
 *
 * - `connected` in long-connection mode is computed when asked: a socket is open **and** a
 *   frame (pong or event) arrived within the ping interval plus the pong timeout. A connection
 *   that went quiet shows `connected: false`, `healthState: "stale"` and the age of the last
 *   frame at once, before the watchdog has closed it -- never "OK" for hours.
 * - `mode` (`websocket` | `webhook`), `domain`, `baseUrl` (custom origins only),
 *   `credentialSource`, `bot` (open_id and name), `lastTransportActivityAt` (last frame),
 *   `lastPongAt`, `pingIntervalMs`, `lastSendError` (a failed send is not a lost connection).
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import { AccountStatus } from "../status.ts";
import type { ChannelAccountConfig, ChannelAccountSnapshot, ProbeResult } from "../types.ts";
import type { WsClientState } from "./ws_client.ts";

/** Facts fixed at construction. */
export interface FeishuStatusFacts {
  configured: boolean;
  mode: string;
  domain: string;
  credentialSource: string;
  /** Only for a custom origin. */
  baseUrl?: string;
  webhookPath?: string;
}

/** What the transport says right now. */
export interface TransportFacts {
  /** Long connection state, when in websocket mode and started. */
  ws?: WsClientState;
  /** Computed liveness of the long connection. */
  wsConnected?: boolean;
  /** Webhook mode: connect() succeeded and not stopped. */
  webhookReady?: boolean;
}

/** One Feishu account's status (see the module doc). */
export class FeishuStatus {
  readonly #core: AccountStatus;
  readonly #clock: Clock;
  readonly #configured: boolean;
  #lastError?: string;

  /**
   * @param account The account's settings (enabled, name, dmPolicy, allowFrom).
   * @param clock Where times come from.
   * @param facts Credentials, mode, origin.
   */
  constructor(account: ChannelAccountConfig, clock: Clock, facts: FeishuStatusFacts) {
    this.#core = new AccountStatus(account, clock);
    this.#clock = clock;
    this.#configured = facts.configured;
    this.#core.set("mode", facts.mode);
    this.#core.set("domain", facts.domain);
    this.#core.set("credentialSource", facts.credentialSource);
    this.#core.set("tokenSource", facts.credentialSource);
    this.#core.set("baseUrl", facts.baseUrl);
    this.#core.set("webhookPath", facts.webhookPath);
  }

  /** The transport starts. */
  started(): void {
    this.#core.markStarted();
    this.#lastError = undefined;
  }

  /** The transport stopped. */
  stopped(): void {
    this.#core.markStopped();
  }

  /** Connecting failed (one line, secret-free). */
  failed(reason: string): void {
    this.#lastError = reason;
  }

  /** A send failed (the connection is not affected). */
  sendFailed(reason: string): void {
    this.#core.set("lastSendError", reason);
  }

  /** A message was stored. */
  inbound(): void {
    this.#core.markInbound();
  }

  /** A message went out. */
  outbound(): void {
    this.#core.markOutbound();
  }

  /** The bot's identity from `bot/v3/info`. */
  bot(openId: string, name?: string): void {
    this.#core.set("bot", name ? { id: openId, name } : { id: openId });
  }

  /** A probe finished. */
  probed(result: ProbeResult): void {
    this.#core.setProbe(result);
  }

  /**
   * The current status.
   *
   * @param transport The live transport facts.
   * @returns A fresh snapshot.
   */
  snapshot(transport: TransportFacts): ChannelAccountSnapshot {
    const snap = this.#core.snapshot(this.#configured);
    const ws = transport.ws;
    if (ws) {
      snap.running = ws.running;
      snap.connected = transport.wsConnected === true;
      snap.pingIntervalMs = ws.pingIntervalMs;
      if (ws.lastConnectedAt) snap.lastConnectedAt = ws.lastConnectedAt;
      if (ws.reconnectAttempts > 0) snap.reconnectAttempts = ws.reconnectAttempts;
      if (ws.lastFrameAt) snap.lastTransportActivityAt = ws.lastFrameAt;
      if (ws.lastPongAt) snap.lastPongAt = ws.lastPongAt;
      const error = ws.lastError ?? this.#lastError;
      if (ws.open && !snap.connected && ws.lastFrameAt !== undefined) {
        const silent = Math.round((this.#clock.now() - ws.lastFrameAt) / 1000);
        snap.healthState = "stale";
        snap.lastError = `no frame from Feishu for ${silent} s (long connection silent)`;
      } else if (error) {
        snap.lastError = error;
      }
    } else {
      snap.running = transport.webhookReady === true;
      snap.connected = transport.webhookReady === true;
      if (this.#lastError) snap.lastError = this.#lastError;
    }
    return snap;
  }
}
