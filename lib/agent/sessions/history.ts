/**
 * Reading transcripts back: as {@linkcode TranscriptMessage}s for surfaces (`chat.history`,
 * `sessions_history`), and as AI SDK messages to continue the conversation. The latter applies
 * the hygiene a crash can make necessary: a tool call without a result (the process died while
 * the tool ran) is dropped, as is a result without its call, and failed or empty assistant
 * messages are left out.
 *
 * @module
 */
import type { ModelMessage } from "ai";
import type { AgentToolCall, AgentUsage, TranscriptMessage } from "../contract.ts";
import type {
  AssistantMessage,
  ContentBlock,
  MessageEntry,
  StoredUsage,
  ToolCallContent,
  ToolResultMessage,
  TranscriptEntry,
  UserMessage,
} from "./transcript.ts";

/** Joins the text blocks of a message's content. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((b): b is { type: "text"; text: string } =>
      typeof b === "object" && b !== null && b.type === "text" && typeof b.text === "string"
    )
    .map((b) => b.text)
    .join("");
}

function toolCalls(content: ContentBlock[]): ToolCallContent[] {
  return content.filter((b): b is ToolCallContent =>
    b.type === "toolCall" && typeof (b as ToolCallContent).id === "string"
  );
}

/**
 * Converts stock's stored usage (where `input` excludes cached tokens) to the contract's (where
 * `inputTokens` includes them, as the AI SDK counts).
 */
export function storedUsageToAgentUsage(u: Partial<StoredUsage> | undefined): AgentUsage {
  const cacheRead = u?.cacheRead ?? 0;
  const cacheWrite = u?.cacheWrite ?? 0;
  const input = (u?.input ?? 0) + cacheRead + cacheWrite;
  const output = u?.output ?? 0;
  return {
    inputTokens: input,
    outputTokens: output,
    ...(cacheRead ? { cacheReadTokens: cacheRead } : {}),
    ...(cacheWrite ? { cacheWriteTokens: cacheWrite } : {}),
    totalTokens: u?.totalTokens ?? input + output,
    costUsd: u?.cost?.total ?? 0,
  };
}

function messageEntries(entries: TranscriptEntry[]): MessageEntry[] {
  return entries.filter((e): e is MessageEntry => e.type === "message");
}

function timestampOf(entry: MessageEntry): number {
  const t = entry.message.timestamp;
  return typeof t === "number" ? t : Date.parse(entry.timestamp) || 0;
}

/** Converts transcript entries to messages for surfaces; `limit` keeps the last N. */
export function entriesToHistory(entries: TranscriptEntry[], limit?: number): TranscriptMessage[] {
  const out: TranscriptMessage[] = [];
  const callsById = new Map<string, AgentToolCall>();
  for (const entry of messageEntries(entries)) {
    const m = entry.message;
    const timestamp = timestampOf(entry);
    if (m.role === "user") {
      out.push({ id: entry.id, role: "user", text: contentText(m.content), timestamp });
    } else if (m.role === "assistant") {
      const a = m as AssistantMessage;
      const content = Array.isArray(a.content) ? a.content : [];
      const calls = toolCalls(content).map((c) => {
        const call: AgentToolCall = { id: c.id, name: c.name, args: c.arguments };
        callsById.set(c.id, call);
        return call;
      });
      const text = contentText(content);
      if (!text && calls.length === 0) continue;
      out.push({
        id: entry.id,
        role: "assistant",
        text,
        timestamp,
        ...(a.provider && a.model ? { model: `${a.provider}/${a.model}` } : {}),
        ...(calls.length ? { toolCalls: calls } : {}),
        ...(a.usage ? { usage: storedUsageToAgentUsage(a.usage) } : {}),
      });
    } else if (m.role === "toolResult") {
      const r = m as ToolResultMessage;
      const text = contentText(r.content);
      const call = callsById.get(r.toolCallId);
      if (call) {
        call.result = text;
        if (r.isError) call.isError = true;
      }
      out.push({ id: entry.id, role: "tool", text, timestamp, toolCallId: r.toolCallId });
    } else if (m.role === "system") {
      out.push({ id: entry.id, role: "system", text: contentText(m.content), timestamp });
    }
  }
  return limit !== undefined && limit >= 0 && out.length > limit
    ? out.slice(out.length - limit)
    : out;
}

/**
 * Converts transcript entries into the conversation to send to a model. Reasoning blocks are not
 * replayed (they are provider-specific); tool calls and results are paired up.
 */
export function entriesToModelMessages(entries: TranscriptEntry[]): ModelMessage[] {
  const msgs = messageEntries(entries).map((e) => e.message);
  const resultIds = new Set<string>();
  const callIds = new Set<string>();
  for (const m of msgs) {
    if (m.role === "toolResult") resultIds.add((m as ToolResultMessage).toolCallId);
    if (m.role === "assistant") {
      const content = Array.isArray(m.content) ? m.content as ContentBlock[] : [];
      for (const c of toolCalls(content)) callIds.add(c.id);
    }
  }
  const out: ModelMessage[] = [];
  for (const m of msgs) {
    if (m.role === "user") {
      const text = contentText((m as UserMessage).content);
      if (text) out.push({ role: "user", content: text });
    } else if (m.role === "assistant") {
      const content = Array.isArray(m.content) ? m.content as ContentBlock[] : [];
      const text = contentText(content);
      const calls = toolCalls(content).filter((c) => resultIds.has(c.id));
      if (!text && calls.length === 0) continue;
      out.push({
        role: "assistant",
        content: [
          ...(text ? [{ type: "text" as const, text }] : []),
          ...calls.map((c) => ({
            type: "tool-call" as const,
            toolCallId: c.id,
            toolName: c.name,
            input: c.arguments ?? {},
          })),
        ],
      });
    } else if (m.role === "toolResult") {
      const r = m as ToolResultMessage;
      if (!callIds.has(r.toolCallId)) continue;
      const part = {
        type: "tool-result" as const,
        toolCallId: r.toolCallId,
        toolName: r.toolName,
        output: r.isError
          ? { type: "error-text" as const, value: contentText(r.content) }
          : { type: "text" as const, value: contentText(r.content) },
      };
      // Results of one assistant message travel together in one tool message.
      const last = out[out.length - 1];
      if (last?.role === "tool") last.content.push(part);
      else out.push({ role: "tool", content: [part] });
    }
  }
  return out;
}

/** Counts message entries and finds the last user/assistant text (for session lists). */
export function transcriptStats(
  entries: TranscriptEntry[],
): { messageCount: number; lastMessagePreview?: string } {
  const msgs = messageEntries(entries);
  let preview: string | undefined;
  for (let i = msgs.length - 1; i >= 0 && preview === undefined; i--) {
    const m = msgs[i].message;
    if (m.role !== "user" && m.role !== "assistant") continue;
    const text = contentText(m.content).trim();
    if (text) preview = text.length > 120 ? `${text.slice(0, 119)}\u2026` : text;
  }
  return {
    messageCount: msgs.length,
    ...(preview !== undefined ? { lastMessagePreview: preview } : {}),
  };
}
