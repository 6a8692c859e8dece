/**
 * A small Bot API client over `fetch`: the five methods the adapter calls (`getMe`,
 * `deleteWebhook`, `getUpdates`, `sendMessage`, `sendChatAction`), each a JSON `POST
 * <apiRoot>/bot<token>/<method>` answered by `{ok, result}` or `{ok: false, error_code,
 * description, parameters}`. It replaces grammY's `Api`, which cost the gateway ~6 MB of RSS
 * (a 200 KB bundle, and its bundled `debug` reads `process`, which pulls in Deno's Node layer)
 * for these five calls.
 *
 * An `{ok: false}` answer throws {@linkcode BotApiAnswerError}; no answer (the request failed, the
 * body is not a Bot API answer, it is too large, or the backstop timer fired) throws what the
 * request threw. errors.ts turns both into our errors with the token scrubbed: the request URL
 * holds the token.
 *
 * @module
 */
import { readBoundedText } from "../../net/bounded_body.ts";
import { clearTimer, setTimer } from "../../timers.ts";

/** Largest answer read: 100 updates of long messages with their replied-to copies fit. */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** An `{ok: false}` answer. */
export class BotApiAnswerError extends Error {
  /** The Bot API method. */
  readonly method: string;
  /** `error_code` (HTTP-like). */
  readonly errorCode: number;
  readonly description: string;
  /** `parameters.retry_after` of a 429, in seconds. */
  readonly retryAfter?: number;

  constructor(method: string, errorCode: number, description: string, retryAfter?: number) {
    super(`Call to '${method}' failed! (${errorCode}: ${description})`);
    this.name = "BotApiAnswerError";
    this.method = method;
    this.errorCode = errorCode;
    this.description = description;
    this.retryAfter = retryAfter;
  }
}

/** The part of a Bot API `User` (`getMe`) we read. */
export interface BotUser {
  id: number;
  first_name?: string;
  username?: string;
  can_read_all_group_messages?: boolean;
}

/** The part of a sent `Message` we read. */
export interface SentMessage {
  message_id: number;
}

/** `getUpdates` parameters. */
export interface GetUpdatesParams {
  offset?: number;
  limit?: number;
  /** Long-poll timeout in seconds. */
  timeout?: number;
  allowed_updates?: readonly string[];
}

/** Options of {@linkcode BotApi}. */
export interface BotApiOptions {
  token: string;
  /** Normalized root, no trailing slash (api.ts `normalizeApiRoot`). */
  apiRoot: string;
  /**
   * Per-request limit in seconds on the real clock: a backstop behind the callers' deadlines on
   * the injectable clock (it must exceed the long-poll timeout).
   */
  backstopSeconds: number;
  /** The fetch to use (a rotating transport's). @default globalThis.fetch */
  fetch?: typeof fetch;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One bot's client (see the module doc). */
export class BotApi {
  readonly #o: BotApiOptions;

  /** @param options Token, root, backstop, fetch. */
  constructor(options: BotApiOptions) {
    this.#o = options;
  }

  /**
   * Calls one method.
   *
   * @param method The Bot API method.
   * @param params Its parameters (sent as JSON; `undefined` fields are left out).
   * @param signal Aborts the request.
   * @returns The answer's `result` (untrusted: the caller checks its shape).
   * @throws {BotApiAnswerError} for `{ok: false}`; the request's own error when there was no
   *   answer (the URL in it holds the token).
   */
  async call(method: string, params: object, signal?: AbortSignal): Promise<unknown> {
    const { token, apiRoot, backstopSeconds } = this.#o;
    const doFetch = this.#o.fetch ?? fetch;
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted) onAbort();
    const backstop = setTimer(
      () =>
        controller.abort(
          new Error(`Request to '${method}' timed out after ${backstopSeconds} seconds`),
        ),
      backstopSeconds * 1000,
    );
    let text: string;
    let status: number;
    try {
      const res = await doFetch(`${apiRoot}/bot${token}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(params),
        signal: controller.signal,
      });
      status = res.status;
      text = await readBoundedText(res, MAX_ANSWER_BYTES);
    } finally {
      clearTimer(backstop);
      signal?.removeEventListener("abort", onAbort);
    }
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      answer = undefined;
    }
    if (!isRecord(answer) || typeof answer.ok !== "boolean") {
      throw new Error(`HTTP ${status} without a Bot API answer`);
    }
    if (answer.ok) return answer.result;
    const code = typeof answer.error_code === "number" ? answer.error_code : status;
    const description = typeof answer.description === "string" ? answer.description : "";
    const retry = isRecord(answer.parameters) ? answer.parameters.retry_after : undefined;
    throw new BotApiAnswerError(
      method,
      code,
      description,
      typeof retry === "number" ? retry : undefined,
    );
  }

  /** `getMe`: who the bot is. @throws as {@linkcode call}, or when the answer has no numeric id */
  async getMe(signal?: AbortSignal): Promise<BotUser> {
    const me = await this.call("getMe", {}, signal);
    if (!isRecord(me) || typeof me.id !== "number") {
      throw new Error("getMe answered without a bot id");
    }
    return {
      id: me.id,
      first_name: typeof me.first_name === "string" ? me.first_name : undefined,
      username: typeof me.username === "string" ? me.username : undefined,
      can_read_all_group_messages: typeof me.can_read_all_group_messages === "boolean"
        ? me.can_read_all_group_messages
        : undefined,
    };
  }

  /** `deleteWebhook` (polling needs none). */
  async deleteWebhook(
    params: { drop_pending_updates?: boolean },
    signal?: AbortSignal,
  ): Promise<void> {
    await this.call("deleteWebhook", params, signal);
  }

  /** `getUpdates`: the raw updates (normalize.ts checks each). */
  async getUpdates(params: GetUpdatesParams, signal?: AbortSignal): Promise<unknown[]> {
    const result = await this.call("getUpdates", params, signal);
    if (!Array.isArray(result)) throw new Error("getUpdates answered without a list");
    return result;
  }

  /** `sendMessage`. @returns The new message's id. */
  async sendMessage(
    chatId: number | string,
    text: string,
    params: object,
    signal?: AbortSignal,
  ): Promise<SentMessage> {
    const sent = await this.call("sendMessage", { chat_id: chatId, text, ...params }, signal);
    if (!isRecord(sent) || typeof sent.message_id !== "number") {
      throw new Error("sendMessage answered without a message id");
    }
    return { message_id: sent.message_id };
  }

  /** `sendChatAction` ("typing"). */
  async sendChatAction(
    chatId: number | string,
    action: string,
    params: object,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.call("sendChatAction", { chat_id: chatId, action, ...params }, signal);
  }
}
