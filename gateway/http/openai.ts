/**
 * `POST /v1/chat/completions` (protocol.md §10.3): the OpenAI Chat Completions API in front of an
 * agent turn, JSON or SSE. Unlike stock, the stream always ends with a `delta:{}` chunk carrying
 * `finish_reason` before `data: [DONE]` (stock omits it, issue #23013), which strict clients need.
 *
 * @module
 */
import type { Context } from "hono";
import type { AgentTurnResult, AgentUsage } from "../../lib/agent/contract.ts";
import type { AgentHost } from "../agent_runtime.ts";
import {
  API_BODY_LIMIT_BYTES,
  type ApiMessage,
  clientDisconnect,
  contentText,
  flattenConversation,
  NO_RESPONSE_TEXT,
  prepareRun,
  readJsonObject,
  requestSession,
  selectAgent,
  sseFrame,
  sseResponse,
  unixSeconds,
} from "./_api.ts";
import { badRequest, HttpError } from "./errors.ts";

const MAX_IMAGE_PARTS = 8;

/** OpenAI `finish_reason` of a turn. */
export function finishReason(result: AgentTurnResult): "stop" | "length" {
  return result.stopReason === "length" ? "length" : "stop";
}

/** OpenAI `usage` of a turn. */
export function completionUsage(usage: AgentUsage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens || usage.inputTokens + usage.outputTokens,
    ...(usage.cacheReadTokens
      ? { prompt_tokens_details: { cached_tokens: usage.cacheReadTokens } }
      : {}),
  };
}

function parseMessages(raw: unknown): ApiMessage[] {
  if (!Array.isArray(raw)) throw badRequest("Missing user message in `messages`.");
  let images = 0;
  const out: ApiMessage[] = [];
  for (const m of raw) {
    if (typeof m !== "object" || m === null) throw badRequest("Invalid entry in `messages`.");
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (typeof role !== "string") throw badRequest("Invalid entry in `messages`: role required.");
    if (Array.isArray(content)) {
      images += content.filter((p) => (p as { type?: string })?.type === "image_url").length;
    }
    out.push({ role, text: contentText(content) });
  }
  if (images > MAX_IMAGE_PARTS) {
    throw badRequest(`Too many image_url parts (at most ${MAX_IMAGE_PARTS}).`);
  }
  return out;
}

/**
 * Handles one `POST /v1/chat/completions` (auth and the enabled check already passed).
 *
 * @throws {HttpError} 400/413 for a bad request, 503 when the runtime cannot start, 500 when a
 *   non-streamed turn fails.
 */
export async function handleChatCompletions(c: Context, host: AgentHost): Promise<Response> {
  const body = await readJsonObject(c.req.raw, API_BODY_LIMIT_BYTES);
  const agentId = selectAgent(host, c.req.raw.headers, body.model);
  const messages = parseMessages(body.messages);
  const session = requestSession(c.req.raw.headers, agentId, "openai", body.user);
  const flat = flattenConversation(messages, undefined, session.ephemeral);
  if (!flat) throw badRequest("Missing user message in `messages`.");
  const run = await prepareRun(host);

  const id = `chatcmpl_${crypto.randomUUID()}`;
  const created = unixSeconds();
  const model = typeof body.model === "string" ? body.model : "openclaw";
  const turn = {
    agentId,
    sessionKey: session.sessionKey,
    ...flat,
    model: c.req.header("x-openclaw-model")?.trim() || undefined,
    channel: c.req.header("x-openclaw-message-channel")?.trim() || "webchat",
  };
  const gone = clientDisconnect(c);

  if (body.stream !== true) {
    let result: AgentTurnResult;
    try {
      result = await run(turn, gone.signal);
    } finally {
      gone.release();
    }
    if (result.stopReason === "error" || result.stopReason === "timeout") {
      throw new HttpError(500, { message: result.error ?? "internal error", type: "api_error" });
    }
    return c.json({
      id,
      object: "chat.completion",
      created,
      model,
      choices: [{
        index: 0,
        message: { role: "assistant", content: result.text || NO_RESPONSE_TEXT },
        finish_reason: finishReason(result),
      }],
      usage: completionUsage(result.usage),
    });
  }

  const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)
    ?.include_usage === true;
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    sseFrame({
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
  return sseResponse(
    async (write) => {
      write(chunk({ role: "assistant" }));
      let streamed = false;
      let result: AgentTurnResult;
      try {
        result = await run({
          ...turn,
          onEvent: (e) => {
            if (e.type !== "assistant_delta" || !e.text) return;
            streamed = true;
            write(chunk({ content: e.text }));
          },
        }, gone.signal);
      } finally {
        gone.release();
      }
      if (result.stopReason === "error" || result.stopReason === "timeout") {
        write(
          sseFrame({ error: { message: result.error ?? "internal error", type: "api_error" } }),
        );
        return;
      }
      // A backend that does not stream (CLI backends) still gets its answer to the client.
      if (!streamed) write(chunk({ content: result.text || NO_RESPONSE_TEXT }));
      write(chunk({}, finishReason(result)));
      if (includeUsage) {
        write(sseFrame({
          id,
          object: "chat.completion.chunk",
          created,
          model,
          choices: [],
          usage: completionUsage(result.usage),
        }));
      }
    },
    gone.abort,
    () => sseFrame({ error: { message: "internal error", type: "api_error" } }),
  );
}
