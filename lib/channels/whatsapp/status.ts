/**
 * The WhatsApp account's status, on the core's {@linkcode AccountStatus} so every platform
 * reports alike, plus WhatsApp's facts: `linked` (credentials of a linked phone are stored;
 * `configured` means the same here), `self` (the linked number), `mode: "web"`, and
 * `healthState`: `not-linked`, `connecting`, `connected`, `reconnecting`, `logged-out`,
 * `replaced`, `forbidden`, `stopped`. When the operator must act, `lastError` says how
 * (`logged out -- run openclaw channels login --channel whatsapp`).
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import { AccountStatus } from "../status.ts";
import type { ChannelAccountConfig, ChannelAccountSnapshot, ProbeResult } from "../types.ts";
import { loggedOutMessage, notLinkedMessage } from "./constants.ts";
import type { SelfIdentity } from "./normalize.ts";

/** `healthState` values. */
export type WhatsAppHealth =
  | "not-linked"
  | "connecting"
  | "connected"
  | "reconnecting"
  | "logged-out"
  | "replaced"
  | "forbidden"
  | "stopped";

/** One WhatsApp account's status (see the module doc). */
export class WhatsAppStatus {
  readonly #core: AccountStatus;
  readonly #accountId: string;
  #linked = false;
  #health: WhatsAppHealth = "stopped";

  /**
   * @param account The account's settings (enabled, name, dmPolicy, allowFrom).
   * @param clock Where times come from.
   */
  constructor(account: ChannelAccountConfig, clock: Clock) {
    this.#core = new AccountStatus(account, clock);
    this.#accountId = account.accountId;
    this.#core.set("mode", "web");
    this.#setHealth("stopped");
  }

  #setHealth(health: WhatsAppHealth): void {
    this.#health = health;
    this.#core.set("healthState", health);
  }

  /** The current health state. */
  get health(): WhatsAppHealth {
    return this.#health;
  }

  /** Whether linked credentials are stored. */
  get linked(): boolean {
    return this.#linked;
  }

  /** Whether the socket is open. */
  get isConnected(): boolean {
    return this.#core.connected;
  }

  /** Records who the stored credentials belong to (`undefined`: not linked). */
  setLinked(self: SelfIdentity | undefined): void {
    this.#linked = self !== undefined;
    this.#core.set("linked", this.#linked);
    this.#core.set("self", self ? { ...self } : undefined);
  }

  /** No credentials: the channel cannot start until someone logs in. */
  notLinked(): void {
    this.setLinked(undefined);
    this.#core.markError(notLinkedMessage(this.#accountId));
    this.#setHealth("not-linked");
  }

  /** The connection loop started. */
  started(): void {
    this.#core.markStarted();
    this.#setHealth("connecting");
  }

  /** The connection loop ended. */
  stopped(): void {
    this.#core.markStopped();
    // A fatal state (logged out, replaced, ...) stays: it says what the operator must do.
    if (["connecting", "connected", "reconnecting"].includes(this.#health)) {
      this.#setHealth("stopped");
    }
  }

  /** The socket opened as `self`. */
  connected(self: SelfIdentity | undefined): void {
    this.#core.markConnected();
    if (self) this.setLinked(self);
    this.#setHealth("connected");
  }

  /** The socket closed and a new one follows (after the backoff). */
  reconnecting(reason: string): void {
    this.#core.markError(reason, { reconnecting: true });
    this.#setHealth("reconnecting");
  }

  /** The phone unlinked this device; nothing reconnects until a new login. */
  loggedOut(): void {
    this.setLinked(undefined);
    this.#core.markError(loggedOutMessage(this.#accountId));
    this.#setHealth("logged-out");
  }

  /** A fatal close other than logout (replaced by another session, forbidden). */
  fatal(reason: string, health: "replaced" | "forbidden" | "stopped"): void {
    this.#core.markError(reason);
    this.#setHealth(health);
  }

  /** A connect attempt failed before the socket opened. */
  failed(reason: string): void {
    this.#core.markError(reason);
  }

  /** A message arrived. */
  inbound(): void {
    this.#core.markInbound();
  }

  /** A message went out. */
  outbound(): void {
    this.#core.markOutbound();
    this.#core.set("lastSendError", undefined);
  }

  /** A send failed (the connection is not affected). */
  sendFailed(reason: string): void {
    this.#core.set("lastSendError", reason);
  }

  /** A probe finished. */
  probed(result: ProbeResult): void {
    this.#core.setProbe(result);
  }

  /** The status `channels.status` reports. */
  snapshot(): ChannelAccountSnapshot {
    return this.#core.snapshot(this.#linked);
  }
}
