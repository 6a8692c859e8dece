/**
 * An agent turn run by automation (a heartbeat, a cron agent-turn job), built on the same
 * dispatcher as every other surface, so it is queued per session, recorded in the transcript and
 * shown to operators as `agent` lifecycle and tool events. What it does not do is stream its text:
 * `chat` events and assistant/thinking deltas are held back, because a heartbeat's
 * `HEARTBEAT_OK` must never reach anyone -- the outbound decides what is delivered.
 *
 * @module
 */
import type { AgentRuntime, AgentStreamEvent } from "../../lib/agent/contract.ts";
import type { AutomationTurnRequest, AutomationTurnResult } from "../../lib/heartbeat/types.ts";
import { type AgentHost, dispatchTurn, failedTurn } from "../agent_runtime.ts";

/** Agent event streams that carry the reply's text (held back for automation turns). */
const TEXT_STREAMS: ReadonlySet<string> = new Set(["assistant", "thinking"]);

/** Reasoning kept of one turn. */
const MAX_REASONING_CHARS = 16_000;

/** Keeps `chat` events and text deltas of an automation turn from operators. */
function quietHost(host: AgentHost): AgentHost {
  return {
    config: host.config,
    agent: () => host.agent(),
    systemEvents: host.systemEvents,
    activeTurns: host.activeTurns,
    broadcast(event, payload, options) {
      if (event === "chat") return;
      if (event === "agent") {
        const stream = (payload as { stream?: unknown }).stream;
        if (typeof stream === "string" && TEXT_STREAMS.has(stream)) return;
      }
      host.broadcast(event, payload, options);
    },
  };
}

/**
 * Runs one automation turn.
 *
 * @param host The gateway state (or anything that is an {@linkcode AgentHost}).
 * @param request Agent, session, message and the turn's options.
 * @returns The turn's text (unfiltered), reasoning, usage and error; never rejects.
 * @example
 * ```ts
 * const r = await runAutomationTurn(state, {
 *   agentId: "main",
 *   sessionKey: "agent:main:main",
 *   message: "Check the inbox",
 * });
 * if (r.error) log.warn(r.error);
 * ```
 */
export async function runAutomationTurn(
  host: AgentHost,
  request: AutomationTurnRequest,
): Promise<AutomationTurnResult> {
  const runId = request.runId ?? crypto.randomUUID();
  const dispatch = {
    runId,
    agentId: request.agentId,
    sessionKey: request.sessionKey,
    message: request.message,
    ...(request.model ? { model: request.model } : {}),
    ...(request.timeoutSeconds ? { timeoutSeconds: request.timeoutSeconds } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.lightContext ? { lightContext: true } : {}),
    ...(request.extraSystemPrompt ? { extraSystemPrompt: request.extraSystemPrompt } : {}),
    drainSystemEvents: request.drainSystemEvents !== false,
  };
  let runtime: AgentRuntime;
  try {
    runtime = await host.agent();
  } catch (err) {
    const failed = failedTurn(dispatch, err instanceof Error ? err.message : String(err));
    return { ...failed, agentId: request.agentId, sessionKey: request.sessionKey };
  }
  let reasoning = "";
  const onEvent = (event: AgentStreamEvent) => {
    if (event.type === "thinking_delta" && reasoning.length < MAX_REASONING_CHARS) {
      reasoning += event.text;
    }
    // A new model step starts a new answer; its reasoning is what explains the final reply.
    if (event.type === "tool_result") reasoning = "";
  };
  const result = await dispatchTurn(quietHost(host), runtime, { ...dispatch, onEvent });
  const text = reasoning.trim();
  return {
    runId: result.runId,
    agentId: result.agentId || request.agentId,
    sessionKey: result.sessionKey || request.sessionKey,
    sessionId: result.sessionId,
    text: result.text,
    ...(text ? { reasoning: text.slice(0, MAX_REASONING_CHARS) } : {}),
    usage: result.usage,
    model: result.model,
    stopReason: result.stopReason,
    ...(result.error ? { error: result.error } : {}),
  };
}
