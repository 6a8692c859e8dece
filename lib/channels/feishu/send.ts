/**
 * Sending to Feishu (`im/v1/messages`), the way stock sends:
 *
 * - **Format.** `msg_type: "post"` with one `md` element (`{"zh_cn": {"content": [[{"tag":
 *   "md", "text": ...}]]}}`), so Markdown renders; `msgType: "text"` (`renderMode: "raw"`) sends
 *   plain `{"text": ...}` instead.
 * - **Where.** A reply (`replyToMessageId`) uses `POST /messages/{id}/reply`, with
 *   `reply_in_thread: true` in a topic thread or when `replyInThread` is on; a reply whose
 *   target was withdrawn falls back to a plain send (not inside a thread, where that would
 *   post to the main chat). A thread without a reply id replies to the thread's root message
 *   (remembered from inbound events). Everything else is `POST /messages?receive_id_type=`,
 *   the type read from the id: `oc_` chat, `ou_` open_id, `on_` union_id, else user_id
 *   (`feishu:`, `lark:`, `chat:`, `user:`, `open_id:` prefixes are accepted).
 * - **Safety.** Ids are checked before they enter a path; every send carries a `uuid`, so the
 *   HTTP client may retry a timed-out send without posting twice (Feishu dedupes on it for an
 *   hour); content above 30 KB is refused before anything is sent.
 *
 * @module
 */
import { OpenClawError } from "../../errors.ts";
import {
  type OutboundTarget,
  PartialSendError,
  type SendOptions,
  type SendResult,
} from "../types.ts";
import type { FeishuApi } from "./api.ts";
import { FeishuCode, FeishuPath, MAX_CONTENT_BYTES } from "./constants.ts";
import { FeishuApiError } from "./http.ts";
import { SentMessageSchema } from "./schemas.ts";

/** How replies are rendered. */
export type FeishuMsgType = "post" | "text";

/** Options of {@linkcode FeishuSender}. */
export interface FeishuSenderOptions {
  api: FeishuApi;
  /** @default "post" */
  msgType?: FeishuMsgType;
  /** Replies open / continue a thread (`replyInThread: "enabled"`). @default false */
  replyInThread?: boolean;
  /** The root message of a known thread. */
  threadRoot(threadId: string): string | undefined;
  /** Called with each sent message id. */
  onSent(messageId: string): void;
}

type ReceiveIdType = "chat_id" | "open_id" | "union_id" | "user_id";

const ID = /^[A-Za-z0-9_-]{1,128}$/;
const encoder = new TextEncoder();

function checkId(value: string, what: string): string {
  const id = value.trim();
  if (!ID.test(id)) {
    throw new OpenClawError(
      "CHANNEL_TARGET_INVALID",
      `Cannot send to Feishu ${what} "${
        value.slice(0, 40)
      }": expected an id like oc_\u2026 or ou_\u2026`,
      {
        hint:
          'Use a chat id ("oc_\u2026", "chat:oc_\u2026") or an open_id ("ou_\u2026", "user:ou_\u2026")',
      },
    );
  }
  return id;
}

/**
 * Reads a send target: provider and kind prefixes stripped, the `receive_id_type` from the id.
 *
 * @param raw `oc_...`, `ou_...`, `chat:oc_...`, `feishu:user:ou_...`, ...
 * @returns The id and its type.
 * @throws {OpenClawError} `CHANNEL_TARGET_INVALID` for an empty or malformed id.
 */
export function parseFeishuTarget(raw: string): { id: string; type: ReceiveIdType } {
  let rest = raw.trim().replace(/^(?:feishu|lark):/i, "");
  rest = rest.replace(/^(?:chat|user|open_id|group|dm):/i, "");
  const id = checkId(rest, "target");
  if (id.startsWith("oc_")) return { id, type: "chat_id" };
  if (id.startsWith("ou_")) return { id, type: "open_id" };
  if (id.startsWith("on_")) return { id, type: "union_id" };
  return { id, type: "user_id" };
}

/**
 * The `content` of a message.
 *
 * @param text The message (already formatted and chunked).
 * @param msgType `post` (Markdown in an `md` element) or `text`.
 * @returns The JSON string Feishu expects in `content`.
 */
export function feishuContent(text: string, msgType: FeishuMsgType): string {
  return msgType === "text"
    ? JSON.stringify({ text })
    : JSON.stringify({ zh_cn: { content: [[{ tag: "md", text }]] } });
}

function isWithdrawn(err: unknown): boolean {
  return err instanceof FeishuApiError &&
    (err.code === FeishuCode.REPLY_TARGET_WITHDRAWN ||
      err.code === FeishuCode.REPLY_TARGET_NOT_FOUND);
}

/** Sends messages for one Feishu app (see the module doc). */
export class FeishuSender {
  readonly #o: FeishuSenderOptions;

  /** @param options The API, the format, the thread lookup. */
  constructor(options: FeishuSenderOptions) {
    this.#o = options;
  }

  /**
   * Sends one message.
   *
   * @param target Chat (or user) and thread.
   * @param text The message.
   * @param options Reply reference, signal.
   * @returns The new message's id.
   * @throws {RangeError} When `text` is empty or its content exceeds 30 KB (nothing is sent).
   * @throws {OpenClawError} `CHANNEL_TARGET_INVALID` for a malformed id.
   */
  async sendText(
    target: OutboundTarget,
    text: string,
    options: SendOptions = {},
  ): Promise<SendResult> {
    const msgType = this.#o.msgType ?? "post";
    const content = this.#checkContent(text, msgType);
    const replyTo = options.replyToMessageId ??
      (target.threadId ? this.#o.threadRoot(target.threadId) : undefined);
    const inThread = target.threadId !== undefined || this.#o.replyInThread === true;
    let messageId: string;
    if (replyTo) {
      try {
        messageId = await this.#reply(
          checkId(replyTo, "message"),
          msgType,
          content,
          inThread,
          options.signal,
        );
      } catch (err) {
        if (!isWithdrawn(err) || target.threadId !== undefined) throw err;
        messageId = await this.#create(target, msgType, content, options.signal);
      }
    } else {
      messageId = await this.#create(target, msgType, content, options.signal);
    }
    this.#o.onSent(messageId);
    return { messageId };
  }

  /**
   * Sends chunks in order; only the first replies to `replyToMessageId` (in a thread, every
   * chunk goes to the thread).
   *
   * @param target Where.
   * @param chunks Messages in order.
   * @param options Reply reference, signal.
   * @returns One result per chunk.
   * @throws {PartialSendError} When a chunk fails after others went out; the original error
   *   when the first fails.
   * @throws {RangeError} When a chunk is empty or too large (nothing is sent).
   */
  async sendChunks(
    target: OutboundTarget,
    chunks: readonly string[],
    options: SendOptions = {},
  ): Promise<SendResult[]> {
    const msgType = this.#o.msgType ?? "post";
    for (const chunk of chunks) this.#checkContent(chunk, msgType); // all or nothing
    const sent: SendResult[] = [];
    for (const [i, chunk] of chunks.entries()) {
      const opts = i === 0 ? options : { ...options, replyToMessageId: undefined };
      try {
        sent.push(await this.sendText(target, chunk, opts));
      } catch (err) {
        if (sent.length === 0) throw err;
        const why = err instanceof Error ? err.message : String(err);
        throw new PartialSendError(
          `Sent ${sent.length} of ${chunks.length} Feishu messages: ${why}`,
          sent,
          err,
        );
      }
    }
    return sent;
  }

  #checkContent(text: string, msgType: FeishuMsgType): string {
    const content = feishuContent(text, msgType);
    const bytes = encoder.encode(content).byteLength;
    if (text.length === 0 || bytes > MAX_CONTENT_BYTES) {
      throw new RangeError(
        `Cannot send a Feishu message of ${bytes} content bytes: expected 1 to ` +
          `${MAX_CONTENT_BYTES} (split it with the chunker first)`,
      );
    }
    return content;
  }

  async #reply(
    messageId: string,
    msgType: FeishuMsgType,
    content: string,
    inThread: boolean,
    signal?: AbortSignal,
  ): Promise<string> {
    const body: Record<string, unknown> = { msg_type: msgType, content, uuid: crypto.randomUUID() };
    if (inThread) body.reply_in_thread = true;
    const answer = await this.#o.api.call({
      method: "POST",
      path: `${FeishuPath.MESSAGES}/${messageId}/reply`,
      body,
      schema: SentMessageSchema,
      idempotent: true,
      signal,
    });
    return answer.data.message_id;
  }

  async #create(
    target: OutboundTarget,
    msgType: FeishuMsgType,
    content: string,
    signal?: AbortSignal,
  ): Promise<string> {
    const { id, type } = parseFeishuTarget(target.chatId);
    const answer = await this.#o.api.call({
      method: "POST",
      path: `${FeishuPath.MESSAGES}?receive_id_type=${type}`,
      body: { receive_id: id, msg_type: msgType, content, uuid: crypto.randomUUID() },
      schema: SentMessageSchema,
      idempotent: true,
      signal,
    });
    return answer.data.message_id;
  }
}
