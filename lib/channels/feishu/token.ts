/**
 * The tenant access token (`auth/v3/tenant_access_token/internal`): fetched on first use, kept
 * in memory, and fetched anew `refreshMarginMs` before it expires (Feishu tokens live two hours;
 * asking within the last 30 minutes returns a fresh one, so the old and new overlap and no call
 * ever carries an expired token). Concurrent callers share one fetch. A call answered with a
 * token-invalid code drops the token (`invalidate`) so the next call fetches a new one.
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import type { Scrubber } from "./_log.ts";
import { FeishuPath } from "./constants.ts";
import type { FeishuHttp } from "./http.ts";
import { TenantTokenSchema } from "./schemas.ts";

/** Options of {@linkcode TenantTokens}. */
export interface TenantTokensOptions {
  http: FeishuHttp;
  appId: string;
  appSecret: string;
  clock: Clock;
  /** New tokens are added to it so they are scrubbed from every error. */
  scrubber: Scrubber;
  /** Fetch a new token this long before the current one expires. @default 600000 */
  refreshMarginMs?: number;
}

interface Held {
  value: string;
  expiresAt: number;
  refreshAt: number;
}

/** Holds one app's tenant token (see the module doc). */
export class TenantTokens {
  readonly #o: TenantTokensOptions;
  #held?: Held;
  #inflight?: Promise<string>;
  #fetches = 0;

  /** @param options The HTTP client, the app credentials, the clock. */
  constructor(options: TenantTokensOptions) {
    this.#o = options;
  }

  /** How many tokens were fetched (for status and tests). */
  get fetches(): number {
    return this.#fetches;
  }

  /** When the current token expires (epoch ms), if one is held. */
  get expiresAt(): number | undefined {
    return this.#held?.expiresAt;
  }

  /**
   * Returns a token that is valid for at least the refresh margin.
   *
   * @returns The token.
   * @throws What the token call throws (`FeishuApiError` for bad credentials, ...).
   */
  get(): Promise<string> {
    const held = this.#held;
    if (held && this.#o.clock.now() < held.refreshAt) return Promise.resolve(held.value);
    // One fetch for every caller; it is bounded by the HTTP client's deadline, not by any one
    // caller's signal, so an aborted send cannot fail the others' token.
    this.#inflight ??= this.#fetch().finally(() => this.#inflight = undefined);
    return this.#inflight;
  }

  /**
   * Drops `token` if it is the one held (Feishu said it is invalid).
   *
   * @param token The token a call was refused with.
   */
  invalidate(token: string): void {
    if (this.#held?.value === token) this.#held = undefined;
  }

  async #fetch(): Promise<string> {
    const answer = await this.#o.http.request({
      method: "POST",
      path: FeishuPath.TENANT_TOKEN,
      body: { app_id: this.#o.appId, app_secret: this.#o.appSecret },
      schema: TenantTokenSchema,
      idempotent: true,
    });
    this.#fetches++;
    const now = this.#o.clock.now();
    const lifetime = answer.expire * 1000;
    const margin = Math.min(this.#o.refreshMarginMs ?? 600_000, lifetime / 2);
    this.#o.scrubber.add(answer.tenant_access_token);
    this.#held = {
      value: answer.tenant_access_token,
      expiresAt: now + lifetime,
      refreshAt: now + lifetime - margin,
    };
    return answer.tenant_access_token;
  }
}
