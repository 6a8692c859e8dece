/**
 * Turns what the Bot API client throws (bot_api.ts: `BotApiAnswerError` for `{ok: false}`
 * answers, the request's own error when there was no answer) into our errors, with the token
 * scrubbed from every message: a {@linkcode RateLimitError} for 429 (so retry.ts waits
 * `retry_after`), and a {@linkcode TelegramApiError} with a `kind` the poller and the sender
 * branch on. The original error is never kept as `cause`: a fetch error holds the request URL,
 * token included.
 *
 * @module
 */
import { errorMessage } from "../../errors.ts";
import { RateLimitError } from "../retry.ts";
import { scrubToken } from "./token.ts";
import { BotApiAnswerError } from "./bot_api.ts";

/** What went wrong, for callers that react differently. */
export type TelegramErrorKind =
  /** 409: another getUpdates poller holds the token. */
  | "conflict"
  /** 409: a webhook is set, so getUpdates is refused. */
  | "webhook-conflict"
  /** 401/404 on getMe: the token is wrong or revoked. */
  | "unauthorized"
  /** 400 "can't parse entities": the HTML was rejected. */
  | "parse-entities"
  /** Any other `{ok: false}` answer. */
  | "api"
  /** No answer: connection refused, reset, DNS. */
  | "network"
  /** No answer in time. */
  | "timeout";

/** The status reason for a polling conflict (what `channels status` shows). */
export const CONFLICT_REASON = "another process polls this bot token: 409 Conflict";
/** The status reason when a webhook blocks polling. */
export const WEBHOOK_CONFLICT_REASON =
  "a webhook is set for this bot token: 409 Conflict (remove it, or stop the other deployment)";

/** A failed Bot API call, token-free. */
export class TelegramApiError extends Error {
  /** The Bot API method. */
  readonly method: string;
  readonly kind: TelegramErrorKind;
  /** `error_code` of the answer (HTTP-like), when there was one. */
  readonly errorCode?: number;
  /** `description` of the answer, when there was one. */
  readonly description?: string;

  constructor(
    message: string,
    fields: { method: string; kind: TelegramErrorKind; errorCode?: number; description?: string },
  ) {
    super(message);
    this.name = "TelegramApiError";
    this.method = fields.method;
    this.kind = fields.kind;
    this.errorCode = fields.errorCode;
    this.description = fields.description;
  }
}

function kindOf(code: number, description: string): TelegramErrorKind {
  if (code === 409) return /webhook/i.test(description) ? "webhook-conflict" : "conflict";
  if (code === 401) return "unauthorized";
  if (code === 400 && /can't parse entities/i.test(description)) return "parse-entities";
  return "api";
}

function messageOf(method: string, kind: TelegramErrorKind, code: number, description: string) {
  if (kind === "conflict") return CONFLICT_REASON;
  if (kind === "webhook-conflict") return WEBHOOK_CONFLICT_REASON;
  if (kind === "unauthorized") {
    return `Telegram rejected the bot token: ${code} ${description} (check channels.telegram.botToken)`;
  }
  return `Telegram ${method} failed: ${code} ${description}`;
}

/**
 * Converts an error from a Bot API call.
 *
 * @param err What the call threw.
 * @param method The Bot API method called.
 * @param token The bot token, scrubbed from every message.
 * @returns A {@linkcode RateLimitError} (429), a {@linkcode TelegramApiError}, or `err` itself
 *   when it is already one of ours.
 */
export function toTelegramError(err: unknown, method: string, token: string): Error {
  if (err instanceof TelegramApiError || err instanceof RateLimitError) return err;
  if (err instanceof BotApiAnswerError) {
    const code = err.errorCode;
    const description = scrubToken(err.description, token);
    if (code === 429) {
      const seconds = err.retryAfter;
      const retryAfterMs = typeof seconds === "number" && seconds >= 0 ? seconds * 1000 : 1000;
      return new RateLimitError(
        `Telegram ${method} was rate-limited: ${code} ${description}`,
        retryAfterMs,
      );
    }
    const kind = kindOf(code, description);
    return new TelegramApiError(messageOf(method, kind, code, description), {
      method,
      kind,
      errorCode: code,
      description,
    });
  }
  const detail = scrubToken(errorMessage(err), token);
  return new TelegramApiError(`Cannot reach the Telegram Bot API (${method}): ${detail}`, {
    method,
    kind: "network",
  });
}

/**
 * The error for a call that got no answer in time.
 *
 * @param method The Bot API method.
 * @param ms The timeout.
 * @returns A `timeout` {@linkcode TelegramApiError}.
 */
export function timeoutError(method: string, ms: number): TelegramApiError {
  return new TelegramApiError(`Telegram ${method} timed out after ${ms} ms`, {
    method,
    kind: "timeout",
  });
}
