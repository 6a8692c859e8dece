/**
 * The long-poll loop. Our own loop over `getUpdates` rather than grammY's runner, because the
 * offset may only move past an update after the {@linkcode InboundHandler} has resolved (the
 * message is journaled): a crash between receipt and storage makes Telegram deliver it again.
 *
 * Per round: `getUpdates(offset, timeout)` (the first round with `timeout: 0`, so the status
 * turns connected at once) -> for each update, in order: normalize, await the handler (bounded by
 * a deadline), then advance the offset. A handler failure stops the round at that update; after
 * a pause the same update is fetched again. A failed poll marks the status not connected with the
 * reason and waits with backoff: a 409 conflict never loops hot and never reads as connected, and
 * the poll's HTTP connections are dropped so no superseded socket lingers. On stop, one last
 * `getUpdates` with `timeout: 0` confirms what was stored.
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import { errorMessage } from "../../errors.ts";
import { Backoff, type BackoffOptions, RateLimitError, sleep } from "../retry.ts";
import type { InboundHandler, InboundMessage } from "../types.ts";
import { callTelegram, type PollTransport } from "./api.ts";
import type { GetUpdatesParams } from "./bot_api.ts";
import { TelegramApiError } from "./errors.ts";
import { type BotIdentity, normalizeTelegramUpdate } from "./normalize.ts";
import type { TelegramStatus } from "./status.ts";
import { scrubToken } from "./token.ts";

/** The logging the adapter does (the gateway's `Logger` fits). */
export interface TelegramLogger {
  debug(message: string, properties?: Record<string, unknown>): void;
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
  error(message: string, properties?: Record<string, unknown>): void;
}

/** What the loop needs. */
export interface PollerContext {
  accountId: string;
  token: string;
  bot: BotIdentity;
  transport: PollTransport;
  clock: Clock;
  log: TelegramLogger;
  status: TelegramStatus;
  onInbound: InboundHandler;
  /** Long-poll `timeout`, in seconds. */
  pollTimeoutSeconds: number;
  /** Updates per `getUpdates` (1-100). */
  limit: number;
  allowedUpdates: readonly string[];
  /** Extra time a request may take beyond its poll timeout. */
  requestTimeoutMs: number;
  /** Longest wait for the handler to store one message. */
  handlerTimeoutMs: number;
  backoff: BackoffOptions;
}

function healthOf(err: unknown): string {
  if (err instanceof RateLimitError) return "rate-limited";
  if (err instanceof TelegramApiError) {
    if (err.kind === "conflict") return "conflict";
    if (err.kind === "webhook-conflict") return "webhook";
    if (err.kind === "unauthorized") return "unauthorized";
  }
  return "disconnected";
}

/** One account's poll loop. */
export class TelegramPoller {
  readonly #ctx: PollerContext;
  #offset: number | undefined;
  /** The offset the server has been told (sent with a getUpdates). */
  #confirmed: number | undefined;
  #first = true;
  #lastLogged = "";

  /** @param ctx Everything the loop needs. */
  constructor(ctx: PollerContext) {
    this.#ctx = ctx;
  }

  /**
   * Polls until `signal` aborts; never throws.
   *
   * @param signal Stops the loop (an in-flight poll is aborted).
   */
  async run(signal: AbortSignal): Promise<void> {
    const failures = new Backoff(this.#ctx.backoff);
    const storeFailures = new Backoff(this.#ctx.backoff);
    while (!signal.aborted) {
      let updates: unknown[];
      try {
        updates = await this.#getUpdates(signal);
      } catch (err) {
        if (signal.aborted) break;
        await this.#pause(this.#pollFailed(err, failures), signal);
        continue;
      }
      this.#pollSucceeded(failures);
      if (await this.#deliver(updates)) storeFailures.reset();
      else await this.#pause(storeFailures.next(), signal);
    }
    await this.#confirm();
  }

  #getUpdates(signal: AbortSignal): Promise<unknown[]> {
    const ctx = this.#ctx;
    const timeout = this.#first ? 0 : ctx.pollTimeoutSeconds;
    const params: GetUpdatesParams = {
      offset: this.#offset,
      limit: ctx.limit,
      timeout,
      // The Bot API ignores names it does not know.
      allowed_updates: ctx.allowedUpdates,
    };
    const offset = this.#offset;
    return callTelegram("getUpdates", async (s) => {
      const result = await ctx.transport.api.getUpdates(params, s);
      this.#confirmed = offset;
      return result;
    }, {
      token: ctx.token,
      clock: ctx.clock,
      timeoutMs: timeout * 1000 + ctx.requestTimeoutMs,
      signal,
    });
  }

  #pollSucceeded(failures: Backoff): void {
    this.#first = false;
    failures.reset();
    const ctx = this.#ctx;
    if (!ctx.status.isConnected) {
      ctx.status.connected();
      if (this.#lastLogged !== "") {
        ctx.log.info("Telegram account {accountId} is polling again", {
          accountId: ctx.accountId,
        });
      }
      this.#lastLogged = "";
    }
  }

  /** Records a failed poll; returns how long to wait. */
  #pollFailed(err: unknown, failures: Backoff): number {
    const ctx = this.#ctx;
    const reason = scrubToken(errorMessage(err), ctx.token);
    const health = healthOf(err);
    let delay = failures.next();
    if (err instanceof RateLimitError) delay = Math.max(delay, err.retryAfterMs);
    if (err instanceof TelegramApiError && err.kind === "conflict") {
      // The superseded poll's kept-alive connection must not be reused.
      ctx.transport.rotate();
    }
    ctx.status.failed(reason, health);
    if (reason !== this.#lastLogged) {
      this.#lastLogged = reason;
      ctx.log.warn(
        "Telegram polling failed for account {accountId}: {reason}; retrying in {delayMs} ms",
        {
          accountId: ctx.accountId,
          reason,
          delayMs: delay,
        },
      );
    }
    return delay;
  }

  /** Hands updates to the handler in order; false when one could not be stored. */
  async #deliver(updates: readonly unknown[]): Promise<boolean> {
    const ctx = this.#ctx;
    for (const raw of updates.slice(0, ctx.limit)) {
      const normalized = normalizeTelegramUpdate(raw, ctx.accountId, ctx.bot);
      if (!normalized) continue;
      if (this.#offset !== undefined && normalized.updateId < this.#offset) continue;
      if (normalized.message) {
        ctx.status.inbound();
        try {
          await this.#store(normalized.message);
        } catch (err) {
          ctx.log.warn(
            "Cannot store Telegram update {updateId} of account {accountId}: {reason}; it will be fetched again",
            {
              updateId: normalized.updateId,
              accountId: ctx.accountId,
              reason: scrubToken(errorMessage(err), ctx.token),
            },
          );
          return false;
        }
      }
      this.#offset = normalized.updateId + 1;
    }
    return true;
  }

  #store(message: InboundMessage): Promise<void> {
    const { clock, handlerTimeoutMs, onInbound } = this.#ctx;
    return new Promise<void>((resolve, reject) => {
      const timer = clock.setTimeout(
        () => reject(new Error(`the inbound handler did not finish within ${handlerTimeoutMs} ms`)),
        handlerTimeoutMs,
      );
      Promise.resolve()
        .then(() => onInbound(message))
        .then(() => resolve(), reject)
        .finally(() => clock.clearTimeout(timer));
    });
  }

  #pause(ms: number, signal: AbortSignal): Promise<void> {
    return sleep(ms, { clock: this.#ctx.clock, signal }).catch(() => {});
  }

  /** Tells the server what was stored since the last poll (best effort, bounded). */
  async #confirm(): Promise<void> {
    const ctx = this.#ctx;
    if (this.#offset === undefined || this.#offset === this.#confirmed) return;
    const params: GetUpdatesParams = { offset: this.#offset, limit: 1, timeout: 0 };
    await callTelegram("getUpdates", (s) => ctx.transport.api.getUpdates(params, s), {
      token: ctx.token,
      clock: ctx.clock,
      timeoutMs: ctx.requestTimeoutMs,
    }).then(() => this.#confirmed = this.#offset, () => {});
  }
}
