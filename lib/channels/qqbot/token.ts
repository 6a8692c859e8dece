/**
 * The app access token: fetched from `POST /app/getAppAccessToken` with `{appId, clientSecret}`,
 * cached, and fetched anew *before* it expires (by default 5 minutes early, at most half its
 * lifetime), so a call never goes out with a token about to lapse. Concurrent callers share one
 * fetch. A token the API rejects is dropped with {@linkcode AccessTokens.invalidate} and the next
 * call fetches another. Every token issued is kept (a few) for the scrubber, so none can appear in
 * an error, a log line or status.
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import { AbortedError } from "../retry.ts";
import { parseJson, readBounded, startDeadline } from "./_http.ts";
import { type QQBotLogger, scrubSecrets } from "./_log.ts";
import { QQAuthError, QQRequestError } from "./errors.ts";
import { AccessTokenSchema, ErrorBodySchema } from "./schemas.ts";

/** Tokens remembered for scrubbing. */
const MAX_REMEMBERED_TOKENS = 4;

/** Options of {@linkcode AccessTokens}. */
export interface AccessTokensOptions {
  /** The token endpoint. */
  tokenUrl: string;
  appId: string;
  clientSecret: string;
  clock: Clock;
  log: QQBotLogger;
  /** Deadline of one fetch. @default 15000 */
  timeoutMs?: number;
  /** Fetch a new token this long before the old one expires. @default 300000 */
  refreshAheadMs?: number;
}

interface Cached {
  token: string;
  expiresAt: number;
  refreshAt: number;
}

/** The app access token of one bot (see the module doc). */
export class AccessTokens {
  readonly #o: AccessTokensOptions;
  #cached?: Cached;
  #inflight?: Promise<Cached>;
  readonly #issued: string[] = [];
  #fetches = 0;

  /** @param options Endpoint, credentials, clock, refresh margin. */
  constructor(options: AccessTokensOptions) {
    this.#o = options;
  }

  /** How many tokens were fetched (for status and tests). */
  get fetches(): number {
    return this.#fetches;
  }

  /** When the current token expires (epoch ms), if one is cached. */
  get expiresAt(): number | undefined {
    return this.#cached?.expiresAt;
  }

  /** The AppSecret and the tokens issued so far: what must never be shown. */
  secrets(): string[] {
    return [this.#o.clientSecret, ...this.#issued];
  }

  /**
   * Returns a token that is valid for at least the refresh margin, fetching one when needed.
   *
   * @param signal Aborts this caller's wait (a shared fetch continues for the others).
   * @returns The access token (without the `QQBot ` prefix).
   * @throws {QQAuthError} When the platform refuses the AppID / AppSecret.
   * @throws {QQRequestError} On a network error, timeout or unreadable answer.
   * @throws {AbortedError} When `signal` aborts.
   */
  async get(signal?: AbortSignal): Promise<string> {
    if (signal?.aborted) throw new AbortedError(signal.reason);
    const cached = this.#cached;
    if (cached && this.#o.clock.now() < cached.refreshAt) return cached.token;
    this.#inflight ??= this.#fetch().finally(() => this.#inflight = undefined);
    const fetched = this.#inflight;
    if (!signal) return (await fetched).token;
    return await new Promise<string>((resolve, reject) => {
      const onAbort = () => reject(new AbortedError(signal.reason));
      signal.addEventListener("abort", onAbort, { once: true });
      fetched.then((c) => resolve(c.token), reject).finally(() =>
        signal.removeEventListener("abort", onAbort)
      );
    });
  }

  /**
   * Drops `token` if it is the cached one (the API said it is not valid), so the next
   * {@linkcode get} fetches another.
   *
   * @param token The token that was rejected; the cache is dropped when omitted.
   */
  invalidate(token?: string): void {
    if (!token || this.#cached?.token === token) this.#cached = undefined;
  }

  async #fetch(): Promise<Cached> {
    const o = this.#o;
    const timeoutMs = o.timeoutMs ?? 15_000;
    using deadline = startDeadline(o.clock, timeoutMs);
    this.#fetches++;
    let res: Response;
    let text: string;
    try {
      res = await fetch(o.tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ appId: o.appId, clientSecret: o.clientSecret }),
        signal: deadline.signal,
      });
      text = await readBounded(res, 64 * 1024);
    } catch (err) {
      const why = deadline.timedOut
        ? `timed out after ${timeoutMs} ms`
        : scrubSecrets(err instanceof Error ? err.message : String(err), this.secrets());
      throw new QQRequestError(`Cannot get a QQ access token: ${why}`);
    }
    const body = parseJson(text);
    const parsed = AccessTokenSchema.safeParse(body);
    if (!res.ok || !parsed.success) {
      const error = ErrorBodySchema.safeParse(body);
      const code = error.success ? error.data.code ?? error.data.err_code : undefined;
      const detail = error.success && error.data.message
        ? scrubSecrets(error.data.message, this.secrets())
        : `HTTP ${res.status}`;
      if (res.status >= 500 || (res.ok && code === undefined)) {
        throw new QQRequestError(`Cannot get a QQ access token: ${detail}`);
      }
      throw new QQAuthError(
        `QQ refused the AppID/AppSecret: ${detail}${code !== undefined ? ` (code ${code})` : ""}`,
        code,
      );
    }
    const token = parsed.data.access_token;
    const lifetimeMs = Math.max(1, parsed.data.expires_in) * 1000;
    const ahead = Math.min(o.refreshAheadMs ?? 300_000, lifetimeMs / 2);
    const now = o.clock.now();
    const cached = { token, expiresAt: now + lifetimeMs, refreshAt: now + lifetimeMs - ahead };
    if (!this.#issued.includes(token)) {
      this.#issued.push(token);
      if (this.#issued.length > MAX_REMEMBERED_TOKENS) this.#issued.shift();
    }
    this.#cached = cached;
    o.log.debug("qqbot access token fetched; valid for {seconds} s", {
      seconds: parsed.data.expires_in,
    });
    return cached;
  }
}
