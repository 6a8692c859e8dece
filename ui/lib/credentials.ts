/**
 * Where the dashboard keeps what it authenticates with, per gateway URL:
 *
 * - the shared token in `sessionStorage` (this tab only, as stock), a password in memory only;
 * - the device token from `hello-ok.auth.deviceToken` in `localStorage`, keyed by gateway,
 *   device and role (a token issued by one gateway is never offered to another);
 * - a bootstrap token in memory only: it is single use and replaced by the device token.
 *
 * @module
 */
import type { KeyValueStore } from "./identity.ts";

/** A stored device token. */
export interface StoredDeviceToken {
  token: string;
  scopes: string[];
  issuedAtMs?: number;
}

/** What a connect attempt may present. */
export interface ConnectCredentials {
  token?: string;
  password?: string;
  deviceToken?: string;
  bootstrapToken?: string;
}

/** Reads and writes the credentials of one gateway for one device. */
export class CredentialStore {
  #password?: string;
  #bootstrapToken?: string;

  /**
   * @param gatewayUrl The WebSocket URL the credentials belong to.
   * @param session `sessionStorage` (shared token).
   * @param local `localStorage` (device token).
   */
  constructor(
    readonly gatewayUrl: string,
    private readonly session: KeyValueStore,
    private readonly local: KeyValueStore,
  ) {}

  #tokenKey(): string {
    return `openclaw.gateway.token:${this.gatewayUrl}`;
  }

  #deviceKey(deviceId: string, role: string): string {
    return `openclaw.device.token:${this.gatewayUrl}:${deviceId}:${role}`;
  }

  /** Remembers a shared token for this tab (empty clears it). */
  setSharedToken(token: string | undefined): void {
    if (token) this.session.setItem(this.#tokenKey(), token);
    else this.session.removeItem(this.#tokenKey());
  }

  /** Keeps a password for this page's lifetime only. */
  setPassword(password: string | undefined): void {
    this.#password = password || undefined;
  }

  /** Keeps a one-time bootstrap token until it has been exchanged. */
  setBootstrapToken(token: string | undefined): void {
    this.#bootstrapToken = token || undefined;
  }

  /** The device token stored for `deviceId` and `role`, if any. */
  deviceToken(deviceId: string, role = "operator"): StoredDeviceToken | undefined {
    const text = this.local.getItem(this.#deviceKey(deviceId, role));
    if (!text) return undefined;
    try {
      const v = JSON.parse(text) as Partial<StoredDeviceToken>;
      if (typeof v.token !== "string" || v.token.length === 0) return undefined;
      return {
        token: v.token,
        scopes: Array.isArray(v.scopes) ? v.scopes : [],
        issuedAtMs: v.issuedAtMs,
      };
    } catch {
      return undefined;
    }
  }

  /** Stores the device token a `hello-ok` carried; the bootstrap token is spent. */
  saveDeviceToken(deviceId: string, role: string, value: StoredDeviceToken): void {
    this.local.setItem(this.#deviceKey(deviceId, role), JSON.stringify(value));
    this.#bootstrapToken = undefined;
  }

  /** Forgets a device token the gateway refused. */
  clearDeviceToken(deviceId: string, role = "operator"): void {
    this.local.removeItem(this.#deviceKey(deviceId, role));
  }

  /**
   * What the next connect presents: the shared token or password when known, the stored device
   * token (the gateway tries it when the shared secret fails or is absent), and the bootstrap
   * token only when nothing else is there.
   */
  forConnect(deviceId: string, role = "operator"): ConnectCredentials {
    const out: ConnectCredentials = {};
    const token = this.session.getItem(this.#tokenKey());
    if (token) out.token = token;
    if (this.#password) out.password = this.#password;
    const device = this.deviceToken(deviceId, role);
    if (device) out.deviceToken = device.token;
    if (!out.token && !out.password && !out.deviceToken && this.#bootstrapToken) {
      out.bootstrapToken = this.#bootstrapToken;
    }
    return out;
  }

  /** True when a shared token or password is known (the user typed or was handed one). */
  hasSharedSecret(): boolean {
    return Boolean(this.session.getItem(this.#tokenKey()) || this.#password);
  }
}
