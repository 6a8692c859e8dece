/**
 * The turn's bookkeeping around the loop in `turn.ts`: what it needs from the runtime, what it
 * has done so far, and how that lands in the session store and the transcript (answers, tool
 * results, a failure record, the store entry after the turn).
 *
 * @module
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { errorMessage } from "../errors.ts";
import type { UsageCost } from "../models/cost.ts";
import type { ModelCooldowns } from "../models/cooldowns.ts";
import { chainRefs } from "../models/refs.ts";
import type { ModelTarget } from "../models/target.ts";
import type { ModelCatalog, ModelRef } from "../models/types.ts";
import type { ResolvedAgent } from "./agents.ts";
import type {
  AgentStopReason,
  AgentStreamEvent,
  AgentToolCall,
  AgentTurnRequest,
} from "./contract.ts";
import type { StepResult, StepToolCall } from "./model_step.ts";
import { restartedEntry, type SessionEntry, type SessionStore } from "./sessions/store.ts";
import type { StoredStopReason, TranscriptEntry, TranscriptWriter } from "./sessions/transcript.ts";
import type { AgentToolContext, ToolRegistry, ToolSessionAccess } from "./tools/registry.ts";
import { toStoredUsage, ZERO_COST, type zeroUsage } from "./usage.ts";

/** The logging the runtime does (the gateway's `Logger` fits). */
export interface AgentLogger {
  debug(message: string, properties?: Record<string, unknown>): void;
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
  error(message: string, properties?: Record<string, unknown>): void;
}

/** Everything a turn needs from the runtime. */
export interface TurnSetup {
  config: OpenClawConfig;
  agent: ResolvedAgent;
  store: SessionStore;
  sessionKey: string;
  /** Continue (or start) this transcript instead of the key's current one. */
  sessionId?: string;
  runId: string;
  request: AgentTurnRequest;
  /** Aborted by `abort()`, `close()` or the request's own signal. */
  signal: AbortSignal;
  catalog(): Promise<ModelCatalog>;
  cooldowns: ModelCooldowns;
  tools: ToolRegistry;
  sessions: ToolSessionAccess;
  /** Where the state lives (tools get it). */
  stateDir: string;
  /** Completes a tool context (sandboxing, exec runner); identity by default. */
  prepareToolContext(context: AgentToolContext): AgentToolContext;
  now(): number;
  log: AgentLogger;
  maxSteps: number;
  emit(event: AgentStreamEvent): void;
}

/** What a turn has done so far (read when it ends, however it ends). */
export interface TurnState {
  sessionId: string;
  writer?: TranscriptWriter;
  text: string;
  /** Text streamed in the step that is running (kept when the step is cut short). */
  partial: string;
  usage: ReturnType<typeof zeroUsage>;
  /** Prompt size of the last call (stock's `totalTokens` in the store). */
  promptTokens?: number;
  contextWindow?: number;
  toolCalls: AgentToolCall[];
  answered?: ModelRef;
  attempting?: ModelRef;
  stopReason?: AgentStopReason;
  /** The entry of a session this turn starts, not written until the model's first output. */
  pending?: SessionEntry;
  /** The transcript file did not exist before this turn. */
  newTranscript?: boolean;
  /** The write of `pending`, once started (see {@linkcode commitSession}). */
  committing?: Promise<void>;
  /** This turn created the session (its end is written to the store at once). */
  created?: boolean;
  /** Events held back while the new session is written, so none goes out before it exists. */
  held?: AgentStreamEvent[];
}

/** Fields every turn changes; when a turn changes only these, the store is written behind. */
const BOOKKEEPING = new Set([
  "updatedAt",
  "inputTokens",
  "outputTokens",
  "totalTokens",
  "cacheRead",
  "cacheWrite",
  "estimatedCostUsd",
  "contextTokens",
]);

/**
 * True when `next` differs from `prev` in more than bookkeeping (timestamps, usage): a new model,
 * channel, label, abort state... Such changes are written to the store before the turn goes on;
 * bookkeeping waits for the store's next write (at most its `flushDelayMs`).
 */
export function changesMoreThanBookkeeping(prev: SessionEntry, next: SessionEntry): boolean {
  for (const key of new Set([...Object.keys(prev), ...Object.keys(next)])) {
    if (BOOKKEEPING.has(key)) continue;
    const a = prev[key];
    const b = next[key];
    const same = key === "abortedLastRun"
      ? Boolean(a) === Boolean(b)
      : a === b || JSON.stringify(a) === JSON.stringify(b);
    if (!same) return true;
  }
  return false;
}

/** The model of the last answer (or model change) in a transcript. */
export function lastModelOf(entries: TranscriptEntry[]): string | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i] as Record<string, unknown>;
    if (e.type === "model_change") return `${e.provider}/${e.modelId}`;
    const m = e.message as Record<string, unknown> | undefined;
    if (e.type === "message" && m?.role === "assistant" && m.provider && m.model) {
      return `${m.provider}/${m.model}`;
    }
  }
  return undefined;
}

/** The last recorded thinking level of a transcript. */
export function lastThinkingOf(entries: TranscriptEntry[]): string | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i] as Record<string, unknown>;
    if (e.type === "thinking_level_change") return String(e.thinkingLevel);
  }
  return undefined;
}

function splitRef(raw: string): ModelRef {
  const i = raw.indexOf("/");
  return i > 0
    ? { provider: raw.slice(0, i), model: raw.slice(i + 1) }
    : { provider: "", model: raw };
}

function storedStop(step: StepResult): StoredStopReason {
  if (step.toolCalls.length > 0) return "toolUse";
  return step.finishReason === "length" ? "length" : "stop";
}

/** The transcript entry of one model answer, in stock's assistant-message shape. */
export function assistantEntry(
  result: StepResult,
  target: ModelTarget,
  ref: ModelRef,
  cost: UsageCost,
  runId: string,
  now: number,
) {
  return {
    type: "message" as const,
    message: {
      role: "assistant",
      content: [
        ...(result.reasoning ? [{ type: "thinking", thinking: result.reasoning }] : []),
        ...(result.text ? [{ type: "text", text: result.text }] : []),
        ...result.toolCalls.map((c) => ({
          type: "toolCall",
          id: c.id,
          name: c.name,
          arguments: c.args,
        })),
      ],
      api: target.kind === "api" ? target.info.api : "cli",
      provider: ref.provider,
      model: ref.model,
      usage: toStoredUsage(result.usage, cost),
      stopReason: storedStop(result),
      timestamp: now,
    },
    runId,
  };
}

/** The transcript entry of one tool result. */
export function toolResultEntry(
  call: StepToolCall,
  out: { output: string; isError: boolean },
  runId: string,
  now: number,
) {
  return {
    type: "message" as const,
    message: {
      role: "toolResult",
      toolCallId: call.id,
      toolName: call.name,
      content: [{ type: "text", text: out.output }],
      isError: out.isError,
      timestamp: now,
    },
    runId,
  };
}

/**
 * Finds the store entry a turn runs on. An existing session gets `updatedAt` (and the channel)
 * refreshed, written behind unless the channel changed. A new one (no entry for the key, or a
 * `sessionId` other than the key's) is only returned, with `pending`: {@linkcode commitSession}
 * writes it at the model's first output, and a turn that fails before that removes the
 * transcript it started ({@linkcode recordFailure}), so it leaves no session behind.
 */
export async function openSession(
  setup: TurnSetup,
): Promise<{ entry: SessionEntry; pending: boolean }> {
  const now = setup.now();
  const channel = setup.request.channel;
  let fresh: SessionEntry | undefined;
  let writeThrough = false;
  const entry = await setup.store.patch(setup.sessionKey, (cur) => {
    fresh = undefined;
    if (!cur || (setup.sessionId && cur.sessionId !== setup.sessionId)) {
      const base = restartedEntry(cur, setup.sessionId ?? crypto.randomUUID(), now);
      fresh = channel ? { ...base, lastChannel: channel } : base;
      return cur;
    }
    const next = channel
      ? { ...cur, updatedAt: now, lastChannel: channel }
      : { ...cur, updatedAt: now };
    writeThrough = changesMoreThanBookkeeping(cur, next);
    return next;
  });
  if (fresh) return { entry: fresh, pending: true };
  if (writeThrough) await setup.store.flush();
  return { entry: entry!, pending: false };
}

async function writeNewSession(setup: TurnSetup, state: TurnState): Promise<void> {
  const fresh = state.pending;
  if (!fresh) return;
  const now = setup.now();
  const channel = fresh.lastChannel;
  // Written at once: a process killed mid-stream leaves a session the next turn continues.
  await setup.store.patch(setup.sessionKey, (cur) => {
    const base = cur?.sessionId === fresh.sessionId
      ? { ...cur, updatedAt: now }
      : restartedEntry(cur, fresh.sessionId, fresh.createdAt ?? now);
    return channel ? { ...base, lastChannel: channel } : base;
  }, { flush: true });
  state.pending = undefined;
  state.created = true;
}

/**
 * Writes the store entry of the session a turn starts (see {@linkcode openSession}); events held
 * meanwhile go out when it is done. Runs once; later calls return the same promise.
 */
export function commitSession(
  setup: TurnSetup,
  state: TurnState,
  emit: (event: AgentStreamEvent) => void,
): Promise<void> {
  state.committing ??= writeNewSession(setup, state).finally(() => {
    const held = state.held ?? [];
    state.held = undefined;
    for (const event of held) emit(event);
  });
  return state.committing;
}

/** Records how a failed turn ended (with any text streamed before it broke off). */
export async function recordFailure(
  setup: TurnSetup,
  state: TurnState,
  stopReason: AgentStopReason,
  error: string | undefined,
  emit: (event: AgentStreamEvent) => void,
): Promise<void> {
  if (state.partial) state.text = state.partial;
  if (state.pending && !state.committing && stopReason === "error") {
    // A new session the model never answered: no entry was written; its transcript goes too.
    const sessionId = state.sessionId;
    state.pending = undefined;
    state.sessionId = "";
    if (!state.newTranscript) return;
    try {
      await setup.store.removeTranscriptIfUnused(sessionId);
    } catch (err) {
      setup.log.warn("cannot remove the transcript of failed run {runId}: {error}", {
        runId: setup.runId,
        error: errorMessage(err),
      });
    }
    return;
  }
  if (!state.writer) return;
  const ref = state.attempting ?? splitRef(chainRefs(setup.agent.chain)[0] ?? "");
  try {
    // An abort or a timeout keeps the turn (the user's message was taken, the model was at work).
    await commitSession(setup, state, emit);
    await state.writer.append({
      type: "message",
      message: {
        role: "assistant",
        content: state.partial ? [{ type: "text", text: state.partial }] : [],
        api: "",
        provider: ref.provider,
        model: ref.model,
        usage: toStoredUsage({}, ZERO_COST),
        stopReason: stopReason === "aborted" ? "aborted" : "error",
        ...(error ? { errorMessage: error } : {}),
        timestamp: setup.now(),
      },
      runId: setup.runId,
    });
  } catch (err) {
    setup.log.warn("cannot record the end of run {runId}: {error}", {
      runId: setup.runId,
      error: errorMessage(err),
    });
  }
}

/**
 * Updates the store entry after a turn (stock keeps the last run's usage there). Written at once
 * after the session's first turn or a change beyond bookkeeping, else behind.
 */
export async function finishSession(
  setup: TurnSetup,
  state: TurnState,
  stopReason: AgentStopReason,
): Promise<void> {
  if (!state.sessionId || state.pending) return;
  let writeThrough = state.created === true;
  try {
    await setup.store.patch(setup.sessionKey, (cur) => {
      if (!cur || cur.sessionId !== state.sessionId) return cur;
      const next: SessionEntry = {
        ...cur,
        updatedAt: setup.now(),
        abortedLastRun: stopReason === "aborted",
        estimatedCostUsd: (cur.estimatedCostUsd ?? 0) + state.usage.costUsd,
      };
      if (state.answered) {
        next.modelProvider = state.answered.provider;
        next.model = state.answered.model;
        if (state.contextWindow) next.contextTokens = state.contextWindow;
      }
      if (state.usage.inputTokens || state.usage.outputTokens) {
        next.inputTokens = state.usage.inputTokens;
        next.outputTokens = state.usage.outputTokens;
        next.totalTokens = state.promptTokens ?? state.usage.inputTokens;
      }
      if (changesMoreThanBookkeeping(cur, next)) writeThrough = true;
      return next;
    });
    if (writeThrough) await setup.store.flush();
  } catch (err) {
    setup.log.warn("cannot update session {key}: {error}", {
      key: setup.sessionKey,
      error: errorMessage(err),
    });
  }
}
