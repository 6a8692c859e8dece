/**
 * `POST /v1/responses` (protocol.md §10.4): the OpenResponses API in front of an agent turn,
 * JSON or SSE (`event: <type>` frames with a `sequence_number`, ending with `data: [DONE]`).
 * `previous_response_id` continues the session of an earlier response of this gateway start.
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

const MAX_REMEMBERED_RESPONSES = 1000;

/** Response id -> the session it ran in, for `previous_response_id`. */
export class ResponseSessions {
  readonly #map = new Map<string, { agentId: string; sessionKey: string }>();
  /** Remembers a response's session (oldest forgotten first). */
  remember(id: string, agentId: string, sessionKey: string): void {
    this.#map.set(id, { agentId, sessionKey });
    if (this.#map.size > MAX_REMEMBERED_RESPONSES) {
      this.#map.delete(this.#map.keys().next().value!);
    }
  }
  /** The session of a remembered response. */
  get(id: string): { agentId: string; sessionKey: string } | undefined {
    return this.#map.get(id);
  }
}

/** OpenResponses `usage` of a turn. */
export function responsesUsage(usage: AgentUsage) {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens ?? 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.totalTokens || usage.inputTokens + usage.outputTokens,
  };
}

function parseInput(input: unknown): ApiMessage[] {
  if (typeof input === "string") return [{ role: "user", text: input }];
  if (!Array.isArray(input)) throw badRequest("Missing user message in `input`.");
  const out: ApiMessage[] = [];
  for (const item of input) {
    if (typeof item === "string") {
      out.push({ role: "user", text: item });
      continue;
    }
    const it = item as { type?: unknown; role?: unknown; content?: unknown } | null;
    if (typeof it !== "object" || it === null) throw badRequest("Invalid entry in `input`.");
    // Client-side tool outputs and reasoning items have no place in an agent turn.
    if (it.type !== undefined && it.type !== "message") continue;
    if (typeof it.role !== "string") throw badRequest("Invalid entry in `input`: role required.");
    out.push({ role: it.role, text: contentText(it.content) });
  }
  return out;
}

type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

/**
 * Handles one `POST /v1/responses` (auth and the enabled check already passed).
 *
 * @throws {HttpError} 400/413 for a bad request, 503 when the runtime cannot start, 500 when a
 *   non-streamed turn fails.
 */
export async function handleResponses(
  c: Context,
  host: AgentHost,
  sessions: ResponseSessions,
): Promise<Response> {
  const body = await readJsonObject(c.req.raw, API_BODY_LIMIT_BYTES);
  const agentId = selectAgent(host, c.req.raw.headers, body.model);
  const messages = parseInput(body.input);
  let session = requestSession(c.req.raw.headers, agentId, "openresponses", body.user);
  const previousId = body.previous_response_id;
  if (previousId !== undefined && previousId !== null) {
    const prev = typeof previousId === "string" ? sessions.get(previousId) : undefined;
    if (!prev) throw badRequest(`Previous response with id '${String(previousId)}' not found.`);
    if (prev.agentId !== agentId) {
      throw badRequest(`Previous response '${previousId}' belongs to another agent.`);
    }
    session = { sessionKey: prev.sessionKey, ephemeral: false };
  }
  const instructions = typeof body.instructions === "string" ? body.instructions : undefined;
  const flat = flattenConversation(messages, instructions, session.ephemeral);
  if (!flat) throw badRequest("Missing user message in `input`.");
  const run = await prepareRun(host);

  const id = `resp_${crypto.randomUUID()}`;
  const itemId = `msg_${crypto.randomUUID()}`;
  const createdAt = unixSeconds();
  const model = typeof body.model === "string" ? body.model : "openclaw";
  const turn = {
    agentId,
    sessionKey: session.sessionKey,
    ...flat,
    model: c.req.header("x-openclaw-model")?.trim() || undefined,
    channel: c.req.header("x-openclaw-message-channel")?.trim() || "webchat",
  };
  const part = (text: string) => ({ type: "output_text", text, annotations: [] });
  const item = (status: "in_progress" | "completed", text?: string) => ({
    type: "message",
    id: itemId,
    status,
    role: "assistant",
    content: text === undefined ? [] : [part(text)],
  });
  const response = (status: ResponseStatus, result?: AgentTurnResult, text?: string) => ({
    id,
    object: "response",
    created_at: createdAt,
    status,
    model,
    output: text === undefined ? [] : [item("completed", text)],
    usage: result ? responsesUsage(result.usage) : null,
    error: status === "failed"
      ? { code: "server_error", message: result?.error ?? "internal error" }
      : null,
    incomplete_details: status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: instructions ?? null,
    previous_response_id: typeof previousId === "string" ? previousId : null,
    metadata: {},
    parallel_tool_calls: false,
    tool_choice: "auto",
    tools: [],
  });
  const endStatus = (r: AgentTurnResult): ResponseStatus =>
    r.stopReason === "error" || r.stopReason === "timeout"
      ? "failed"
      : r.stopReason === "length"
      ? "incomplete"
      : "completed";
  const gone = clientDisconnect(c);

  if (body.stream !== true) {
    let result: AgentTurnResult;
    try {
      result = await run(turn, gone.signal);
    } finally {
      gone.release();
    }
    const status = endStatus(result);
    if (status === "failed") {
      throw new HttpError(500, { message: result.error ?? "internal error", type: "api_error" });
    }
    sessions.remember(id, agentId, session.sessionKey);
    return c.json(response(status, result, result.text || NO_RESPONSE_TEXT));
  }

  let seq = 0;
  const event = (type: string, fields: Record<string, unknown>) =>
    sseFrame({ type, sequence_number: seq++, ...fields }, type);
  const at = { item_id: itemId, output_index: 0, content_index: 0 };
  return sseResponse(
    async (write) => {
      write(event("response.created", { response: response("in_progress") }));
      write(event("response.in_progress", { response: response("in_progress") }));
      write(event("response.output_item.added", { output_index: 0, item: item("in_progress") }));
      write(event("response.content_part.added", { ...at, part: part("") }));
      let streamed = "";
      let result: AgentTurnResult;
      try {
        result = await run({
          ...turn,
          onEvent: (e) => {
            if (e.type !== "assistant_delta" || !e.text) return;
            streamed += e.text;
            write(event("response.output_text.delta", { ...at, delta: e.text, logprobs: [] }));
          },
        }, gone.signal);
      } finally {
        gone.release();
      }
      const status = endStatus(result);
      if (status === "failed") {
        write(event("response.failed", { response: response("failed", result) }));
        return;
      }
      let text = streamed;
      if (!text) {
        text = result.text || NO_RESPONSE_TEXT;
        write(event("response.output_text.delta", { ...at, delta: text, logprobs: [] }));
      }
      sessions.remember(id, agentId, session.sessionKey);
      write(event("response.output_text.done", { ...at, text, logprobs: [] }));
      write(event("response.content_part.done", { ...at, part: part(text) }));
      write(event("response.output_item.done", { output_index: 0, item: item("completed", text) }));
      write(event(`response.${status}`, { response: response(status, result, text) }));
    },
    gone.abort,
    () => event("response.failed", { response: response("failed") }),
  );
}
