/**
 * The contract between the agent runtime (lib/agent) and its surfaces (gateway RPC, HTTP API,
 * `openclaw agent`). The runtime implements {@link AgentRuntime}; surfaces only use this file's
 * types, so either side can change inside without the other.
 *
 * @module
 */

/** Thinking levels (`--thinking`, `agents.defaults.thinkingDefault`). */
export type ThinkingLevel = "off" | "minimal" | "low" | "medium" | "high" | "xhigh";

/** One turn to run. */
export interface AgentTurnRequest {
  /** Which agent; `undefined` = the default agent (or the one `bindings` route to). */
  agentId?: string;
  /** Session key, e.g. `agent:main:main`; `undefined` = the agent's main session. */
  sessionKey?: string;
  /** Explicit session id (`--session-id`): continue that transcript. */
  sessionId?: string;
  /** The user's message. */
  message: string;
  /** `provider/model` overriding the agent's chain for this turn (no fallbacks then). */
  model?: string;
  thinking?: ThinkingLevel;
  /** Extra system prompt text for this turn only. */
  extraSystemPrompt?: string;
  /** @default agents.defaults.timeoutSeconds (600) */
  timeoutSeconds?: number;
  /** Aborting stops the model call and any running tool; the turn ends as `aborted`. */
  signal?: AbortSignal;
  /** Streamed progress (assistant text, tool calls, lifecycle). */
  onEvent?: (event: AgentStreamEvent) => void;
  /** Caller-chosen run id (e.g. the RPC idempotency key's run); generated when absent. */
  runId?: string;
  /** Where the message came from, recorded in the transcript (`webchat`, `cli`, `http`...). */
  channel?: string;
}

/** Token usage of a turn (all model calls of it added up). */
export interface AgentUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  totalTokens: number;
  /** USD, from the catalog's per-1M prices; 0 when unknown. */
  costUsd: number;
}

/** A tool call made during a turn. */
export interface AgentToolCall {
  id: string;
  name: string;
  args: unknown;
  /** Tool output (what the model saw), or the error text. */
  result?: unknown;
  isError?: boolean;
}

/** Progress events while a turn runs (mapped to the `agent`/`chat` events and SSE chunks). */
export type AgentStreamEvent =
  | {
    type: "lifecycle";
    phase: "start" | "end" | "error";
    runId: string;
    sessionKey: string;
    error?: string;
  }
  | { type: "assistant_delta"; runId: string; text: string }
  | { type: "thinking_delta"; runId: string; text: string }
  | { type: "tool_call"; runId: string; call: AgentToolCall }
  | { type: "tool_result"; runId: string; call: AgentToolCall }
  | { type: "model_fallback"; runId: string; from: string; to: string; reason: string }
  | { type: "usage"; runId: string; usage: AgentUsage };

/** How a turn ended. */
export type AgentStopReason = "stop" | "length" | "tool_calls" | "aborted" | "timeout" | "error";

/** The outcome of a turn. */
export interface AgentTurnResult {
  runId: string;
  agentId: string;
  sessionKey: string;
  sessionId: string;
  /** The final assistant text ("" when none). */
  text: string;
  /** `provider/model` that produced the answer. */
  model: string;
  stopReason: AgentStopReason;
  usage: AgentUsage;
  toolCalls: AgentToolCall[];
  /** Set when stopReason is `error`/`timeout`. */
  error?: string;
}

/** A row of the session store. */
export interface SessionSummary {
  key: string;
  agentId: string;
  sessionId: string;
  createdAt: number;
  updatedAt: number;
  /** Messages in the transcript. */
  messageCount: number;
  model?: string;
  label?: string;
  totalTokens?: number;
  lastMessagePreview?: string;
}

/** A transcript message as surfaces show it. */
export interface TranscriptMessage {
  id: string;
  role: "user" | "assistant" | "tool" | "system";
  text: string;
  timestamp: number;
  model?: string;
  toolCalls?: AgentToolCall[];
  toolCallId?: string;
  usage?: AgentUsage;
}

/** Outcome of invoking one tool directly (`tools.invoke`, `POST /tools/invoke`). */
export type ToolInvokeResult =
  | { ok: true; toolName: string; output: unknown }
  | {
    ok: false;
    toolName: string;
    error: { type: "not_found" | "forbidden" | "invalid_request" | "failed"; message: string };
  };

/** The agent runtime as the gateway and the CLI use it. */
export interface AgentRuntime {
  /** Runs one turn; turns on the same session queue up and never interleave. */
  runTurn(request: AgentTurnRequest): Promise<AgentTurnResult>;
  /** Aborts the running turn(s) of a session (or one run); returns the aborted run ids. */
  abort(options: { sessionKey?: string; runId?: string; agentId?: string }): string[];
  /** Waits for a run started by `runTurn` to end (`agent.wait`); `undefined` on timeout. */
  waitForRun(runId: string, timeoutMs: number): Promise<AgentTurnResult | undefined>;
  listSessions(options?: { agentId?: string; limit?: number }): Promise<SessionSummary[]>;
  history(
    options: { sessionKey: string; agentId?: string; limit?: number },
  ): Promise<TranscriptMessage[]>;
  /** Starts a new transcript for the key (the old file stays on disk). */
  resetSession(options: { sessionKey: string; agentId?: string }): Promise<{ sessionId: string }>;
  deleteSession(
    options: { sessionKey: string; agentId?: string; deleteTranscript?: boolean },
  ): Promise<{ deleted: boolean }>;
  /** Agent ids and which one is the default. */
  agents(): { id: string; name?: string; isDefault: boolean }[];
  /** Invokes a tool outside a turn, through the same policy. */
  invokeTool(
    options: {
      name: string;
      args?: unknown;
      sessionKey?: string;
      agentId?: string;
      surface: "rpc" | "http";
    },
  ): Promise<ToolInvokeResult>;
  /** Stops running turns and child processes (gateway shutdown). */
  close(): Promise<void>;
}
