/**
 * The gateway's side of the agent runtime: the one seam that builds the real runtime (loaded on
 * first use, so a gateway that never runs a turn never loads the AI SDK), and the run dispatcher
 * every surface uses (the `agent` and `chat.send` methods, the OpenAI-compatible HTTP API). The
 * dispatcher turns the runtime's stream into `agent` and `chat` events for operators and ends
 * every run with one terminal event, whatever the runtime did.
 *
 * @module
 */
import type { GatewayEventName } from "../lib/protocol/events.ts";
import type {
  AgentRuntime,
  AgentStreamEvent,
  AgentTurnRequest,
  AgentTurnResult,
} from "../lib/agent/contract.ts";
import type { OpenClawConfig } from "../lib/config/schema.ts";
import {
  buildMainSessionKey,
  canonicalSessionKey,
  normalizeAgentId,
} from "../lib/agent/session_key.ts";
import {
  type ClaimedEvents,
  type SystemEventQueue,
  withSystemLines,
} from "../lib/heartbeat/system_events.ts";
import { processEnv } from "../lib/paths.ts";
import type { SecretRef } from "../lib/secrets/ref.ts";
import type { ProcessManager } from "../lib/tools/process_manager.ts";
import type { GatewayState } from "./state.ts";
import type { ActiveTurns } from "./automation/active_turns.ts";
import { clearTimer, setTimer, type TimerHandle } from "../lib/timers.ts";

/** The runtime as the gateway holds it: the contract plus the hot-reload hook. */
export interface GatewayAgentRuntime extends AgentRuntime {
  /** Applies a hot-reloaded config (models, agents, tools) to later turns. */
  updateConfig?(config: OpenClawConfig): void;
}

/**
 * Builds the real runtime for a gateway start; the only place the gateway loads lib/agent. A
 * background command's exit (`tools.exec.notifyOnExit`) becomes a `System:` line for its session
 * and wakes the heartbeat of its agent, when the state offers the automation API.
 */
export async function createGatewayAgentRuntime(
  state:
    & Pick<GatewayState, "config" | "stateDir" | "secrets" | "log" | "systemEvents">
    & Partial<Pick<GatewayState, "enqueueSystemEvent" | "heartbeat">>,
  processes?: ProcessManager,
): Promise<GatewayAgentRuntime> {
  const { createAgentRuntime } = await import("../lib/agent/mod.ts");
  return createAgentRuntime({
    config: state.config,
    stateDir: state.stateDir,
    // Provider keys may come from the gateway's environment (OPENAI_API_KEY...).
    env: processEnv(),
    // Read the snapshot at call time: secrets.reload swaps it.
    resolveSecret: (ref: SecretRef) => state.secrets.get(ref),
    log: state.log("agent"),
    processes,
    onSystemEvent: (sessionKey: string, text: string) => {
      if (!state.enqueueSystemEvent) {
        state.systemEvents.push({ ts: Date.now(), text, sessionKey, source: "exec" });
        return;
      }
      const queued = state.enqueueSystemEvent({ sessionKey, text, source: "exec" });
      if (queued.ok) void state.heartbeat?.wake({ reason: "exec-event", sessionKey });
    },
  });
}

/**
 * The runtime of one gateway start, created on first use. A failed creation is forgotten so the
 * next call tries again; after `close()` every call is refused.
 */
export class LazyAgentRuntime {
  readonly #create: () => Promise<GatewayAgentRuntime>;
  readonly #warn: (message: string) => void;
  #runtime: Promise<GatewayAgentRuntime> | undefined;
  #closed = false;

  constructor(create: () => Promise<GatewayAgentRuntime>, warn: (message: string) => void) {
    this.#create = create;
    this.#warn = warn;
  }

  /** The runtime, created now if needed. */
  get(): Promise<GatewayAgentRuntime> {
    if (this.#closed) return Promise.reject(new Error("gateway is stopping"));
    this.#runtime ??= this.#create().catch((err) => {
      this.#runtime = undefined;
      const why = err instanceof Error ? err.message : String(err);
      this.#warn(`agent runtime unavailable: ${why}`);
      throw new Error(`agent runtime unavailable: ${why}`);
    });
    return this.#runtime;
  }

  /** Hands a hot-reloaded config to the runtime, if it exists. */
  updateConfig(config: OpenClawConfig): void {
    void this.#runtime?.then((rt) => rt.updateConfig?.(config)).catch((err) =>
      this.#warn(`agent runtime kept the previous config: ${err?.message ?? err}`)
    );
  }

  /** Aborts running turns and closes the runtime, waiting at most `budgetMs`. */
  async close(budgetMs: number): Promise<void> {
    this.#closed = true;
    if (!this.#runtime) return;
    const closing = this.#runtime.then((rt) => rt.close()).catch((err) =>
      this.#warn(`agent runtime did not close cleanly: ${err?.message ?? err}`)
    );
    let timer: TimerHandle | undefined;
    await Promise.race([closing, new Promise<void>((r) => timer = setTimer(r, budgetMs))])
      .finally(() => clearTimer(timer));
  }
}

/** What the dispatcher needs from the gateway (GatewayState fits). */
export interface AgentHost {
  readonly config: OpenClawConfig;
  agent(): Promise<AgentRuntime>;
  broadcast(
    event: GatewayEventName,
    payload: unknown,
    options?: { dropIfSlow?: boolean; stateVersion?: boolean },
  ): void;
  /** Queued `System:` lines; a turn takes its session's lines in front of its message. */
  readonly systemEvents?: SystemEventQueue;
  /** Turns in flight per agent (heartbeats defer while their agent is busy). */
  readonly activeTurns?: ActiveTurns;
}

/** One turn as a surface starts it. */
export interface DispatchRequest extends Omit<AgentTurnRequest, "onEvent" | "runId" | "agentId"> {
  runId: string;
  agentId: string;
  /** Also gets every runtime event (SSE surfaces stream from here). */
  onEvent?: (event: AgentStreamEvent) => void;
  /** Take the session's queued system events into this turn. @default true */
  drainSystemEvents?: boolean;
  /**
   * Inject no workspace bootstrap files (automation's `lightContext`; the turn reads it through
   * lib/agent/prompt.ts `TurnContextHints` until the contract carries it).
   */
  lightContext?: boolean;
}

/**
 * The canonical key of the session a request runs on, when it can be known before the runtime
 * resolves it (not for a bare `sessionId`, nor a key the store would refuse).
 */
function requestSessionKey(config: OpenClawConfig, request: DispatchRequest): string | undefined {
  const mainKey = config.session?.mainKey;
  try {
    if (request.sessionKey !== undefined) {
      return canonicalSessionKey(request.sessionKey, normalizeAgentId(request.agentId), mainKey);
    }
    return request.sessionId === undefined
      ? buildMainSessionKey(normalizeAgentId(request.agentId), mainKey)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the session's queued system events for a turn: the message with them in front as
 * `System:` lines, and the claim to commit (the turn ran) or release (it failed, so the next turn
 * gets them again).
 */
function takeSystemEvents(
  host: AgentHost,
  request: DispatchRequest,
): { message: string; claim?: ClaimedEvents } {
  if (!host.systemEvents || request.drainSystemEvents === false) {
    return { message: request.message };
  }
  const key = requestSessionKey(host.config, request);
  if (!key || host.systemEvents.available(key) === 0) return { message: request.message };
  const claim = host.systemEvents.claim(key);
  return { message: withSystemLines(claim.events, request.message), claim };
}

/** Options for {@linkcode dispatchTurn}. */
export interface DispatchOptions {
  /** Minimum gap between two `chat` delta events of a run. @default 150 */
  chatDeltaIntervalMs?: number;
  now?: () => number;
}

const EMPTY_USAGE = { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 };

/** The result a run that threw is reported as (surfaces never see the exception itself). */
export function failedTurn(request: DispatchRequest, message: string): AgentTurnResult {
  return {
    runId: request.runId,
    agentId: request.agentId,
    sessionKey: request.sessionKey ?? "",
    sessionId: request.sessionId ?? "",
    text: "",
    model: "",
    stopReason: "error",
    usage: { ...EMPTY_USAGE },
    toolCalls: [],
    error: message,
  };
}

/** Classifies a failure for `chat` error events (protocol.md §7.3 `errorKind`). */
export function chatErrorKind(result: AgentTurnResult): string {
  if (result.stopReason === "timeout") return "timeout";
  const text = result.error ?? "";
  if (/\b429\b|rate.?limit/i.test(text)) return "rate_limit";
  if (/context.{0,20}(length|window|too long)/i.test(text)) return "context_length";
  if (/refus/i.test(text)) return "refusal";
  return "unknown";
}

/** The assistant message shape `chat` events and `chat.history` carry. */
export function assistantMessage(text: string, ts: number, model?: string) {
  return {
    role: "assistant",
    content: [{ type: "text", text }],
    timestamp: ts,
    ...(model ? { model } : {}),
  };
}

/**
 * Runs one turn on `runtime`, broadcasting `agent` events (per-run `seq`), `chat` events
 * (per-run `seq`, deltas throttled) and a `sessions.changed` at the end. Never rejects: a runtime
 * that throws is reported as a failed turn.
 */
export async function dispatchTurn(
  host: AgentHost,
  runtime: AgentRuntime,
  request: DispatchRequest,
  options: DispatchOptions = {},
): Promise<AgentTurnResult> {
  const now = options.now ?? Date.now;
  const deltaGap = options.chatDeltaIntervalMs ?? 150;
  const { runId, agentId } = request;
  let sessionKey = request.sessionKey ?? "";
  let agentSeq = 0;
  let chatSeq = 0;
  let text = "";
  let thinking = "";
  let pendingDelta = "";
  let lastDeltaAt = -Infinity;
  let terminalSent = false;

  const agentEvent = (stream: string, data: Record<string, unknown>, droppable = false) => {
    host.broadcast("agent", {
      runId,
      seq: ++agentSeq,
      stream,
      ts: now(),
      data,
      ...(sessionKey ? { sessionKey } : {}),
      agentId,
    }, { dropIfSlow: droppable });
  };
  const chatEvent = (state: string, fields: Record<string, unknown>, droppable = false) => {
    host.broadcast("chat", { runId, sessionKey, agentId, seq: ++chatSeq, state, ...fields }, {
      dropIfSlow: droppable,
    });
  };
  const flushDelta = () => {
    if (!pendingDelta) return;
    const ts = now();
    chatEvent("delta", { deltaText: pendingDelta, message: assistantMessage(text, ts) }, true);
    pendingDelta = "";
    lastDeltaAt = ts;
  };

  const onEvent = (event: AgentStreamEvent) => {
    try {
      request.onEvent?.(event);
    } catch { /* a surface's listener must not break the run */ }
    switch (event.type) {
      case "lifecycle":
        if (event.sessionKey) sessionKey = event.sessionKey;
        if (event.phase !== "start") terminalSent = true;
        agentEvent("lifecycle", {
          phase: event.phase,
          [event.phase === "start" ? "startedAt" : "endedAt"]: now(),
          ...(event.error ? { error: event.error } : {}),
        });
        return;
      case "assistant_delta":
        text += event.text;
        pendingDelta += event.text;
        agentEvent("assistant", { text, delta: event.text }, true);
        if (now() - lastDeltaAt >= deltaGap) flushDelta();
        return;
      case "thinking_delta":
        thinking += event.text;
        agentEvent("thinking", { text: thinking, delta: event.text }, true);
        return;
      case "tool_call":
        agentEvent("tool", {
          phase: "start",
          toolCallId: event.call.id,
          name: event.call.name,
          args: event.call.args,
        });
        return;
      case "tool_result":
        agentEvent("tool", {
          phase: "result",
          toolCallId: event.call.id,
          name: event.call.name,
          result: event.call.result,
          isError: event.call.isError === true,
        });
        return;
      case "model_fallback":
        agentEvent("lifecycle", {
          phase: "fallback",
          from: event.from,
          to: event.to,
          reason: event.reason,
        });
        return;
      case "usage":
        agentEvent("usage", { ...event.usage });
        return;
    }
  };

  let result: AgentTurnResult;
  const ended = host.activeTurns?.begin(agentId);
  const taken = takeSystemEvents(host, request);
  try {
    const { drainSystemEvents: _drain, ...turn } = request;
    result = await runtime.runTurn({ ...turn, message: taken.message, onEvent });
  } catch (err) {
    result = failedTurn(request, err instanceof Error ? err.message : String(err));
  } finally {
    ended?.();
  }
  if (result.stopReason === "error") taken.claim?.release();
  else taken.claim?.commit();
  if (result.sessionKey) sessionKey = result.sessionKey;
  const failed = result.stopReason === "error" || result.stopReason === "timeout";
  if (!terminalSent) {
    agentEvent("lifecycle", {
      phase: failed ? "error" : "end",
      endedAt: now(),
      stopReason: result.stopReason,
      ...(result.error ? { error: result.error } : {}),
    });
  }
  const ts = now();
  const usage = result.usage;
  if (result.stopReason === "aborted") {
    chatEvent("aborted", {
      ...(result.text || text ? { message: assistantMessage(result.text || text, ts) } : {}),
      stopReason: "aborted",
    });
  } else if (failed) {
    chatEvent("error", {
      errorMessage: result.error ?? result.stopReason,
      errorKind: chatErrorKind(result),
      usage,
      stopReason: result.stopReason,
    });
  } else {
    chatEvent("final", {
      message: assistantMessage(result.text, ts, result.model || undefined),
      usage,
      stopReason: result.stopReason,
    });
  }
  if (sessionKey) {
    host.broadcast("sessions.changed", { sessionKey, agentId, reason: "message", ts });
  }
  return result;
}
