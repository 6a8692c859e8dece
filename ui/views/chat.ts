/**
 * Chat with any agent and session: history from `chat.history` (older pages on demand), sends
 * with `chat.send` (the idempotency key is the run id), the reply streaming in from `chat`
 * events, tool calls from `agent` tool events, and Stop via `chat.abort`.
 *
 * @module
 */
import { html, useEffect, useReducer, useRef, useState, type VNode } from "../deps/preact.ts";
import { randomId } from "../lib/bytes.ts";
import {
  type ChatMessage,
  chatReducer,
  HISTORY_PAGE,
  initialChatState,
  type ToolCallView,
} from "../lib/chat_state.ts";
import type { PanelProps } from "./app.ts";
import { navigate, useEvent, useRpc } from "./hooks.ts";
import { ErrorBox, formatTime } from "./widgets.ts";

type Rec = Record<string, unknown>;

function defaultSession(client: PanelProps["client"], agentId: string): string {
  const d = (client.state.hello?.snapshot.sessionDefaults ?? {}) as Rec;
  if (d.defaultAgentId === agentId && typeof d.mainSessionKey === "string") return d.mainSessionKey;
  return `agent:${agentId}:${typeof d.mainKey === "string" ? d.mainKey : "main"}`;
}

function agentOfKey(key: string): string | undefined {
  const m = /^agent:([^:]+):/.exec(key);
  return m?.[1];
}

function Tool(props: { tool: ToolCallView }): VNode {
  const t = props.tool;
  return html`<details class=${`tool${t.isError ? " failed" : ""}`}>
    <summary>🔧 ${t.name} ${t.done ? (t.isError ? "failed" : "done") : "running…"}</summary>
    ${
    t.args !== undefined ? html`<pre class="json">${JSON.stringify(t.args, null, 2)}</pre>` : null
  }
    ${
    t.result !== undefined
      ? html`<pre class="json">${
        typeof t.result === "string" ? t.result : JSON.stringify(t.result, null, 2)
      }</pre>`
      : null
  }
  </details>`;
}

function Message(props: { m: ChatMessage }): VNode {
  const { m } = props;
  return html`<article class=${`msg ${m.role}${
    m.streaming ? " streaming" : ""
  }`} data-role=${m.role}>
    <div class="meta">${m.role}${m.timestamp ? ` · ${formatTime(m.timestamp)}` : ""}</div>
    ${m.tools.map((t) => html`<${Tool} key=${t.id} tool=${t} />`)}
    ${
    m.text
      ? html`<div class="text">${m.text}</div>`
      : m.streaming
      ? html`<div class="text muted">…</div>`
      : null
  }
    ${m.error ? html`<div class="msg-error">${m.error}</div>` : null}
  </article>`;
}

/** The chat panel. */
export function ChatPanel({ client, query }: PanelProps): VNode {
  const health = (client.state.hello?.snapshot.health ?? {}) as Rec;
  const agents = (Array.isArray(health.agents) ? health.agents : []) as Rec[];
  const defaults = (client.state.hello?.snapshot.sessionDefaults ?? {}) as Rec;
  const session = query.get("session") ?? undefined;
  const agentId = query.get("agent") ?? (session && agentOfKey(session)) ??
    String(defaults.defaultAgentId ?? agents[0]?.agentId ?? "main");
  const sessionKey = session ?? defaultSession(client, agentId);
  const [state, dispatch] = useReducer(chatReducer, sessionKey, initialChatState);
  const [draft, setDraft] = useState("");
  const [sendError, setSendError] = useState<string>();
  const sessions = useRpc<{ sessions: Rec[] }>(
    client,
    "sessions.list",
    { agentId, limit: 100 },
    agentId,
  );
  const listRef = useRef<HTMLDivElement>(null);

  const loadHistory = (limit: number) =>
    client.request<{ messages: unknown[]; hasMore?: boolean }>("chat.history", {
      sessionKey,
      agentId,
      limit,
    })
      .then(
        (r) =>
          dispatch({
            type: "history",
            sessionKey,
            messages: r.messages ?? [],
            hasMore: r.hasMore === true,
            limit,
          }),
        (err: Error) => setSendError(err.message),
      );

  useEffect(() => {
    dispatch({ type: "reset", sessionKey });
    void loadHistory(HISTORY_PAGE);
  }, [sessionKey]);
  useEvent(client, "chat", (p) => {
    const payload = p as Rec;
    dispatch({ type: "chat", payload });
    const done = payload.state === "final" || payload.state === "error" ||
      payload.state === "aborted";
    if (done && payload.sessionKey === sessionKey) void loadHistory(state.historyLimit);
  });
  useEvent(client, "agent", (p) => dispatch({ type: "agent", payload: p as Rec }));
  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [state.messages]);

  const send = (e: Event) => {
    e.preventDefault();
    const text = draft.trim();
    if (!text || state.runId) return;
    const runId = randomId();
    dispatch({ type: "send", runId, text, ts: Date.now() });
    setDraft("");
    setSendError(undefined);
    client.request("chat.send", { sessionKey, agentId, message: text, idempotencyKey: runId })
      .catch((err: Error) => dispatch({ type: "send-failed", runId, error: err.message }));
  };
  const abort = () => {
    client.request("chat.abort", { sessionKey, agentId, runId: state.runId })
      .catch((err: Error) => setSendError(err.message));
  };
  const keys = new Set((sessions.data?.sessions ?? []).map((s) => String(s.key)));
  keys.add(sessionKey);

  return html`
    <div class="chat">
      <div class="toolbar">
        <label>Agent <select value=${agentId}
            onChange=${(e: Event) =>
              navigate("/chat", { agent: (e.target as HTMLSelectElement).value })}>
            ${(agents.length ? agents : [{ agentId }]).map((a) =>
              html`<option value=${String(a.agentId)}>${String(a.name ?? a.agentId)}</option>`
            )}</select></label>
        <label>Session <select value=${sessionKey}
            onChange=${(e: Event) =>
              navigate("/chat", {
                agent: agentId,
                session: (e.target as HTMLSelectElement).value,
              })}>
            ${[...keys].map((k) => html`<option value=${k}>${k}</option>`)}</select></label>
      </div>
      <div class="messages" ref=${listRef} aria-live="polite">
          ${state.hasMore
            ? html`<button class="small older" onClick=${() =>
              loadHistory(state.historyLimit + HISTORY_PAGE)}>Load older messages</button>`
            : null}
          ${state.messages.length === 0 ? html`<p class="muted">No messages yet.</p>` : null}
          ${state.messages.map((m) => html`<${Message} key=${m.id} m=${m} />`)}
        </div>
      <${ErrorBox} error=${state.error ?? sendError} />
      <form class="composer" onSubmit=${send}>
          <textarea rows="2" placeholder="Message" value=${draft} aria-label="Message"
            onInput=${(e: Event) => setDraft((e.target as HTMLTextAreaElement).value)}
            onKeyDown=${(e: KeyboardEvent) => {
              if (e.key === "Enter" && !e.shiftKey) send(e);
            }}></textarea>
          ${state.runId
            ? html`<button type="button" class="danger" onClick=${abort}>Stop</button>`
            : html`<button type="submit" disabled=${!draft.trim()}>Send</button>`}
        </form>
    </div>
  `;
}
