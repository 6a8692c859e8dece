/**
 * The chat panel's state as a reducer: history from `chat.history`, the user's sends, and the
 * streaming `chat` events (delta → final | aborted | error) and `agent` tool events of the run
 * in flight (protocol.md §7.3). Pure, so the streaming rules are tested without a browser.
 *
 * @module
 */

/** A tool call shown under an assistant message. */
export interface ToolCallView {
  id: string;
  name: string;
  args?: unknown;
  result?: unknown;
  isError?: boolean;
  done: boolean;
}

/** One message in the chat view. */
export interface ChatMessage {
  id: string;
  role: "user" | "assistant" | "system";
  text: string;
  tools: ToolCallView[];
  timestamp?: number;
  /** Still streaming. */
  streaming?: boolean;
  /** The run failed or was aborted: this says why. */
  error?: string;
}

/** The chat view state of one session. */
export interface ChatState {
  sessionKey: string;
  messages: ChatMessage[];
  /** The run this view is waiting on. */
  runId?: string;
  /** More history exists before the first message. */
  hasMore: boolean;
  /** Messages asked for by the last history load (grows with "older"). */
  historyLimit: number;
  error?: string;
}

/** What changes the chat view. */
export type ChatAction =
  | { type: "reset"; sessionKey: string }
  | { type: "history"; sessionKey: string; messages: unknown[]; hasMore: boolean; limit: number }
  | { type: "send"; runId: string; text: string; ts: number }
  | { type: "send-failed"; runId: string; error: string }
  | { type: "chat"; payload: Record<string, unknown> }
  | { type: "agent"; payload: Record<string, unknown> };

/** Messages asked for on open; "older" adds this many each time. */
export const HISTORY_PAGE = 50;

/** A fresh state for `sessionKey`. */
export function initialChatState(sessionKey: string): ChatState {
  return { sessionKey, messages: [], hasMore: false, historyLimit: HISTORY_PAGE };
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((c) => c && typeof c === "object" && (c as { type?: unknown }).type === "text")
    .map((c) => String((c as { text?: unknown }).text ?? ""))
    .join("");
}

/**
 * Converts `chat.history` messages (stock's `content` blocks) into view messages: tool calls
 * attach to their assistant message, and each `toolResult` fills in the call it answers.
 */
export function fromHistory(raw: unknown[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  const calls = new Map<string, ToolCallView>();
  for (const item of raw) {
    if (!item || typeof item !== "object") continue;
    const m = item as Record<string, unknown>;
    const role = String(m.role ?? "");
    if (role === "toolResult" || role === "tool") {
      const call = calls.get(String(m.toolCallId ?? ""));
      if (call) {
        call.result = textOf(m.content);
        call.done = true;
      }
      continue;
    }
    const tools: ToolCallView[] = [];
    if (Array.isArray(m.content)) {
      for (const c of m.content as Record<string, unknown>[]) {
        if (c?.type !== "toolCall") continue;
        const call = { id: String(c.id), name: String(c.name), args: c.arguments, done: false };
        calls.set(call.id, call);
        tools.push(call);
      }
    }
    out.push({
      id: String(m.id ?? `h${out.length}`),
      role: role === "user" ? "user" : role === "assistant" ? "assistant" : "system",
      text: textOf(m.content),
      tools,
      timestamp: typeof m.timestamp === "number" ? m.timestamp : undefined,
    });
  }
  return out;
}

function runMessage(state: ChatState, runId: string): ChatMessage | undefined {
  return state.messages.find((m) => m.id === `run:${runId}`);
}

function withRun(
  state: ChatState,
  runId: string,
  change: (m: ChatMessage) => ChatMessage,
): ChatState {
  const existing = runMessage(state, runId);
  const base: ChatMessage = existing ??
    { id: `run:${runId}`, role: "assistant", text: "", tools: [], streaming: true };
  const next = change(base);
  const messages = existing
    ? state.messages.map((m) => (m === existing ? next : m))
    : [...state.messages, next];
  return { ...state, messages };
}

/** Applies one action. Events of other sessions are ignored. */
export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case "reset":
      return initialChatState(action.sessionKey);
    case "history": {
      if (action.sessionKey !== state.sessionKey) return state;
      // Keep a run still streaming: its final message is not in the transcript yet.
      const live = state.messages.filter((m) => m.streaming);
      return {
        ...state,
        messages: [...fromHistory(action.messages), ...live],
        hasMore: action.hasMore,
        historyLimit: action.limit,
        error: undefined,
      };
    }
    case "send":
      return {
        ...state,
        runId: action.runId,
        error: undefined,
        messages: [...state.messages, {
          id: `send:${action.runId}`,
          role: "user",
          text: action.text,
          tools: [],
          timestamp: action.ts,
        }],
      };
    case "send-failed":
      return {
        ...state,
        runId: state.runId === action.runId ? undefined : state.runId,
        error: action.error,
      };
    case "chat": {
      const p = action.payload;
      if (p.sessionKey !== state.sessionKey || typeof p.runId !== "string") return state;
      const runId = p.runId;
      const message = p.message as { content?: unknown; timestamp?: unknown } | undefined;
      const snapshot = message ? textOf(message.content) : undefined;
      switch (p.state) {
        case "delta":
          return withRun({ ...state, runId }, runId, (m) => ({
            ...m,
            text: snapshot ?? m.text + String(p.deltaText ?? ""),
            streaming: true,
          }));
        case "final":
          return withRun({ ...state, runId: undefined }, runId, (m) => ({
            ...m,
            text: snapshot ?? m.text,
            streaming: false,
            timestamp: typeof message?.timestamp === "number" ? message.timestamp : m.timestamp,
          }));
        case "aborted":
          return withRun({ ...state, runId: undefined }, runId, (m) => ({
            ...m,
            text: snapshot ?? m.text,
            streaming: false,
            error: "aborted",
          }));
        case "error":
          return withRun({ ...state, runId: undefined }, runId, (m) => ({
            ...m,
            streaming: false,
            error: String(p.errorMessage ?? "the run failed"),
          }));
        default:
          return state;
      }
    }
    case "agent": {
      const p = action.payload;
      const data = (p.data ?? {}) as Record<string, unknown>;
      if (p.stream !== "tool" || typeof p.runId !== "string") return state;
      if (p.sessionKey !== undefined && p.sessionKey !== state.sessionKey) return state;
      if (!runMessage(state, p.runId) && p.runId !== state.runId) return state;
      const id = String(data.toolCallId ?? "");
      return withRun(state, p.runId, (m) => {
        const known = m.tools.find((t) => t.id === id);
        const tool: ToolCallView = known
          ? { ...known }
          : { id, name: String(data.name ?? "tool"), args: data.args, done: false };
        if (data.phase === "result") {
          tool.result = data.result;
          tool.isError = data.isError === true;
          tool.done = true;
        }
        return {
          ...m,
          tools: known ? m.tools.map((t) => (t === known ? tool : t)) : [...m.tools, tool],
        };
      });
    }
  }
}
