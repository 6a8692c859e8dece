/**
 * The Bot API client: our own small client (bot_api.ts) with `apiRoot` from
 * `channels.telegram.apiRoot` (a self-hosted Bot API server, or a test fake), one timed call
 * helper that every request goes through (deadline on the injectable clock, caller's abort,
 * errors converted and scrubbed), and a polling transport whose HTTP connections can be dropped
 * after a 409 (a kept-alive socket of a superseded poll must not linger; stock users saw endless
 * 409 loops).
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import { OpenClawError } from "../../errors.ts";
import { BotApi, type BotApiOptions } from "./bot_api.ts";
import { timeoutError, toTelegramError } from "./errors.ts";

/** The public Bot API. */
export const DEFAULT_API_ROOT = "https://api.telegram.org";

/**
 * Checks and normalizes `apiRoot`: an http(s) URL without a trailing slash and without
 * `/bot<token>` (stock's rule).
 *
 * @param apiRoot The configured value; blank means the public Bot API.
 * @returns The root to give the client.
 * @throws {OpenClawError} `TELEGRAM_API_ROOT_INVALID` for anything else (the value is not echoed:
 *   it may contain a token).
 */
export function normalizeApiRoot(apiRoot: string | undefined): string {
  const value = (apiRoot ?? "").trim().replace(/\/+$/, "");
  if (value === "") return DEFAULT_API_ROOT;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch { /* reported below */ }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new OpenClawError(
      "TELEGRAM_API_ROOT_INVALID",
      "Cannot use channels.telegram.apiRoot: expected an http(s) URL of a Bot API server",
    );
  }
  if (/\/bot[^/]*:/.test(url.pathname)) {
    throw new OpenClawError(
      "TELEGRAM_API_ROOT_INVALID",
      'Cannot use channels.telegram.apiRoot: it must be the server root, without "/bot<token>"',
      { hint: "Put the token in channels.telegram.botToken" },
    );
  }
  return value;
}

/**
 * Creates the Bot API client of one bot.
 *
 * @param options Token, root, backstop timeout, fetch.
 * @returns The client.
 */
export function createBotApi(options: BotApiOptions): BotApi {
  return new BotApi(options);
}

/**
 * A polling client on its own HTTP connection pool, so a conflict can drop every socket the poll
 * used ({@linkcode rotate}) without touching sends.
 */
export class PollTransport {
  readonly #options: Omit<BotApiOptions, "fetch">;
  #client: Deno.HttpClient;
  #api: BotApi;

  /** @param options Token, root, backstop. */
  constructor(options: Omit<BotApiOptions, "fetch">) {
    this.#options = options;
    this.#client = Deno.createHttpClient({});
    this.#api = this.#build();
  }

  /** The client of the current connection pool. */
  get api(): BotApi {
    return this.#api;
  }

  /** Closes the current pool and starts a fresh one (call only between requests). */
  rotate(): void {
    this.#client.close();
    this.#client = Deno.createHttpClient({});
    this.#api = this.#build();
  }

  /** Closes the pool. */
  close(): void {
    this.#client.close();
  }

  #build(): BotApi {
    const client = this.#client;
    return createBotApi({
      ...this.#options,
      fetch: (input, init) => fetch(input, { ...init, client }),
    });
  }
}

/** Options of {@linkcode callTelegram}. */
export interface CallOptions {
  token: string;
  clock: Clock;
  /** Deadline of the call. */
  timeoutMs: number;
  /** Aborts the call (disconnect, caller gave up). */
  signal?: AbortSignal;
}

/**
 * Runs one Bot API call with a deadline on `clock` and the caller's abort, converting errors.
 *
 * @param method The Bot API method (for messages).
 * @param call Makes the request with the signal it is given.
 * @param options Token (scrubbed from errors), clock, deadline, abort.
 * @returns What the call returned.
 * @throws {TelegramApiError} (`timeout`, `network`, API errors), {@linkcode RateLimitError} for
 *   429, or the abort reason when `options.signal` aborted.
 */
export async function callTelegram<T>(
  method: string,
  call: (signal: AbortSignal) => Promise<T>,
  options: CallOptions,
): Promise<T> {
  const { clock, signal } = options;
  signal?.throwIfAborted();
  const controller = new AbortController();
  let timedOut = false;
  const timer = clock.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    return await call(controller.signal);
  } catch (err) {
    if (timedOut) throw timeoutError(method, options.timeoutMs);
    signal?.throwIfAborted();
    throw toTelegramError(err, method, options.token);
  } finally {
    clock.clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}
