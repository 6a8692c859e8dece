/**
 * What the OpenAI-compatible routes share (protocol.md §10.1, §10.3): bounded JSON bodies, agent
 * selection by `model` or header, per-request or stable session keys, conversation flattening,
 * and running a turn that a client disconnect aborts. Helpers throw an `HttpError` (errors.ts)
 * instead of answering; `app.onError` renders it.
 *
 * @module
 */
import type { Context } from "hono";
import type { AgentStreamEvent, AgentTurnResult } from "../../lib/agent/contract.ts";
import { type AgentHost, dispatchTurn, failedTurn } from "../agent_runtime.ts";
import { listAgents } from "../../lib/agent/agents.ts";
import { badRequest, HttpError } from "./errors.ts";

export { jsonResponse } from "./errors.ts";

/** Body limit of `/v1/chat/completions` and `/v1/responses`. */
export const API_BODY_LIMIT_BYTES = 20 * 1024 * 1024;

/** Reply text when the agent said nothing (stock wording). */
export const NO_RESPONSE_TEXT = "No response from OpenClaw.";

/** Headers of every SSE response. */
export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache",
  "Connection": "keep-alive",
};

function payloadTooLarge(): HttpError {
  return new HttpError(413, { message: "Payload too large", type: "invalid_request_error" });
}

/**
 * Reads a JSON object body of at most `maxBytes`.
 *
 * @throws {HttpError} 413 when the body is too large, 400 when it is not a JSON object.
 */
export async function readJsonObject(
  req: Request,
  maxBytes: number,
): Promise<Record<string, unknown>> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw payloadTooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    for await (const chunk of req.body) {
      size += chunk.byteLength;
      if (size > maxBytes) throw payloadTooLarge();
      chunks.push(chunk);
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new HttpError(400, { message: "Invalid JSON body.", cause: err });
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest("Request body must be a JSON object.");
  }
  return body as Record<string, unknown>;
}

const AGENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const INVALID_MODEL = "Invalid `model`. Use `openclaw` or `openclaw/<agentId>`.";

/**
 * The agent `x-openclaw-agent-id` (or `x-openclaw-agent`) names, as configured; `undefined`
 * without the header.
 *
 * @throws {HttpError} 400 for a malformed or unknown agent.
 */
export function headerAgent(host: Pick<AgentHost, "config">, headers: Headers): string | undefined {
  const header = (headers.get("x-openclaw-agent-id") ?? headers.get("x-openclaw-agent"))?.trim();
  if (!header) return undefined;
  if (!AGENT_ID.test(header)) throw badRequest(`Unknown agent '${header}'.`);
  const match = listAgents(host.config).find((a) => a.id.toLowerCase() === header.toLowerCase());
  if (!match) throw badRequest(`Unknown agent '${header}'.`);
  return match.id;
}

/**
 * Picks the agent (§10.3): `x-openclaw-agent-id` (or `x-openclaw-agent`), else `model`
 * (`openclaw`, `openclaw/default`, `openclaw/<id>`, `openclaw:<id>`, `agent:<id>`), else the
 * default agent.
 *
 * @returns The agent id.
 * @throws {HttpError} 400 for a malformed or unknown agent.
 */
export function selectAgent(
  host: Pick<AgentHost, "config">,
  headers: Headers,
  model: unknown,
): string {
  const agents = listAgents(host.config);
  const fallback = (agents.find((a) => a.isDefault) ?? agents[0]).id;
  const fromHeader = headerAgent(host, headers);
  if (fromHeader) return fromHeader;
  let wanted: string | undefined;
  if (model !== undefined && model !== null) {
    if (typeof model !== "string") throw badRequest(INVALID_MODEL);
    const m = model.trim();
    const lower = m.toLowerCase();
    if (lower !== "openclaw" && lower !== "openclaw/default") {
      const hit = /^(?:openclaw[/:]|agent:)(.+)$/i.exec(m);
      if (!hit || !AGENT_ID.test(hit[1])) throw badRequest(INVALID_MODEL);
      wanted = hit[1];
    }
  }
  if (wanted === undefined) return fallback;
  const match = agents.find((a) => a.id.toLowerCase() === wanted!.toLowerCase());
  if (!match) throw badRequest(`Unknown agent '${wanted}'.`);
  return match.id;
}

const RESERVED_SESSION_PREFIX = /^(subagent|cron|acp):/i;

/**
 * The session of an API request: `x-openclaw-session-key`, else stable per OpenAI `user`
 * (`agent:<id>:<prefix>-user:<user>`), else new per request (`agent:<id>:<prefix>:<uuid>`).
 * `ephemeral` tells whether the transcript starts empty (so the client's history must be sent).
 *
 * @throws {HttpError} 400 for a reserved or overlong session key or a malformed `user`.
 */
export function requestSession(
  headers: Headers,
  agentId: string,
  prefix: "openai" | "openresponses",
  user: unknown,
): { sessionKey: string; ephemeral: boolean } {
  const explicit = headers.get("x-openclaw-session-key")?.trim();
  if (explicit) {
    if (RESERVED_SESSION_PREFIX.test(explicit) || explicit.length > 512) {
      throw badRequest(`Invalid session key '${explicit.slice(0, 64)}'.`);
    }
    return { sessionKey: explicit, ephemeral: false };
  }
  if (user !== undefined && user !== null) {
    if (typeof user !== "string" || user.trim() === "" || user.length > 256) {
      throw badRequest("Invalid `user`: expected a non-empty string of at most 256 characters.");
    }
    return { sessionKey: `agent:${agentId}:${prefix}-user:${user.trim()}`, ephemeral: false };
  }
  return { sessionKey: `agent:${agentId}:${prefix}:${crypto.randomUUID()}`, ephemeral: true };
}

/** The text of an OpenAI content value: a string or an array of text parts. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((p) => {
      if (typeof p === "string") return p;
      const part = p as { type?: unknown; text?: unknown };
      return typeof part?.text === "string" &&
          ["text", "input_text", "output_text", undefined].includes(part.type as string)
        ? part.text
        : "";
    })
    .filter(Boolean)
    .join("\n");
}

/** One conversation message, reduced to what the agent takes. */
export interface ApiMessage {
  role: string;
  text: string;
}

/** A conversation split into the turn's parts. */
export interface FlatConversation {
  message: string;
  extraSystemPrompt?: string;
}

/**
 * Flattens a conversation: system/developer text becomes the extra system prompt, the last user
 * message is the turn's message, and earlier messages (when `withHistory`, i.e. the session is
 * new) are handed over as context. `undefined` when there is no non-empty user message.
 */
export function flattenConversation(
  messages: ApiMessage[],
  instructions: string | undefined,
  withHistory: boolean,
): FlatConversation | undefined {
  const system = instructions?.trim() ? [instructions.trim()] : [];
  let last = -1;
  messages.forEach((m, i) => {
    if (m.role === "user" && m.text.trim()) last = i;
  });
  if (last < 0) return undefined;
  const history: string[] = [];
  messages.forEach((m, i) => {
    if (m.role === "system" || m.role === "developer") {
      if (m.text.trim()) system.push(m.text.trim());
    } else if (i < last && withHistory && m.text.trim()) {
      const who = m.role === "assistant" ? "Assistant" : m.role === "tool" ? "Tool" : "User";
      history.push(`${who}: ${m.text.trim()}`);
    }
  });
  if (history.length) {
    system.push(
      `Earlier messages of this conversation (sent by the API client):\n${history.join("\n")}`,
    );
  }
  return {
    message: messages[last].text,
    ...(system.length ? { extraSystemPrompt: system.join("\n\n") } : {}),
  };
}

/** One HTTP-started turn. */
export interface HttpTurn {
  agentId: string;
  sessionKey: string;
  message: string;
  extraSystemPrompt?: string;
  model?: string;
  channel: string;
  onEvent?: (event: AgentStreamEvent) => void;
}

/**
 * Starts the runtime and returns a runner whose turn is aborted when `signal` fires. The
 * request's own signal (client disconnect) is linked by the caller.
 *
 * @throws {HttpError} 503 `unavailable` when the runtime cannot start.
 */
export async function prepareRun(
  host: AgentHost,
): Promise<(turn: HttpTurn, signal: AbortSignal) => Promise<AgentTurnResult>> {
  let runtime;
  try {
    runtime = await host.agent();
  } catch (err) {
    throw new HttpError(503, {
      message: err instanceof Error ? err.message : String(err),
      type: "unavailable",
      cause: err,
    });
  }
  return (turn, signal) => {
    const request = { ...turn, runId: crypto.randomUUID(), signal };
    if (signal.aborted) {
      return Promise.resolve({ ...failedTurn(request, "aborted"), stopReason: "aborted" });
    }
    return dispatchTurn(host, runtime, request);
  };
}

/**
 * An AbortSignal that fires when the client goes away. `release()` must run before the
 * response is returned: Deno's request signal also fires after a successful response.
 */
export function clientDisconnect(
  c: Context,
): { signal: AbortSignal; abort(): void; release(): void } {
  const ac = new AbortController();
  const raw = c.req.raw.signal;
  const abort = () => ac.abort(new DOMException("client disconnected", "AbortError"));
  if (raw.aborted) abort();
  else raw.addEventListener("abort", abort, { once: true });
  return { signal: ac.signal, abort, release: () => raw.removeEventListener("abort", abort) };
}

/** `created` / `created_at`: Unix seconds. */
export function unixSeconds(ms = Date.now()): number {
  return Math.floor(ms / 1000);
}

/** `data: <json>\n\n`, preceded by `event: <name>` when given. */
export function sseFrame(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`;
}

/**
 * A streaming SSE response. `produce` writes frames; afterwards (even when it throws, which is
 * reported with the frame `failureFrame` builds) `data: [DONE]` ends the stream. `onCancel` runs when the client
 * stops reading (disconnect).
 */
export function sseResponse(
  produce: (write: (frame: string) => void) => Promise<void>,
  onCancel: () => void,
  failureFrame: () => string,
): Response {
  const enc = new TextEncoder();
  let open = true;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (frame: string) => {
        if (!open) return;
        try {
          controller.enqueue(enc.encode(frame));
        } catch {
          open = false;
        }
      };
      // Not awaited: start() must return so the response (and its headers) go out at once.
      void produce(write)
        .catch(() => write(failureFrame()))
        .finally(() => {
          write("data: [DONE]\n\n");
          if (open) {
            open = false;
            controller.close();
          }
        });
    },
    cancel() {
      open = false;
      onCancel();
    },
  });
  return new Response(stream, { status: 200, headers: SSE_HEADERS });
}
