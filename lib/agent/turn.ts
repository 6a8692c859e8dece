/**
 * One agent turn: record the user's message, build the system prompt and context, then loop --
 * call the model (over the fallback chain), record its answer, run its tool calls through the
 * registry, feed the results back -- until it stops, the step limit, an abort or the timeout.
 * Everything goes into the transcript as it happens, so a process killed mid-turn leaves a
 * readable record that the next turn continues from. A turn on a new session writes its store
 * entry at the model's first output; one that fails before any removes the transcript it started
 * and leaves no session behind (aborts and timeouts are kept, as on an existing session).
 *
 * A turn never throws: failures end it with `stopReason` `error`, `timeout` or `aborted`.
 *
 * @module
 */
import type { ModelMessage } from "ai";
import { errorMessage } from "../errors.ts";
import { computeCost } from "../models/cost.ts";
import { type FallbackAttempt, runWithFallbacks } from "../models/fallback.ts";
import { chainRefs, formatModelRef } from "../models/refs.ts";
import type { ModelTarget } from "../models/target.ts";
import type { ModelCatalog, ModelRef } from "../models/types.ts";
import { normalizeThinkingLevel } from "./agents.ts";
import type {
  AgentStopReason,
  AgentStreamEvent,
  AgentToolCall,
  AgentTurnResult,
  ThinkingLevel,
} from "./contract.ts";
import { runModelStep, type StepRequest, type StepResult } from "./model_step.ts";
import { buildSystemPrompt, loadBootstrapFiles, wantsLightContext } from "./prompt.ts";
import { entriesToModelMessages } from "./sessions/history.ts";
import {
  readTranscriptIfAny,
  type TranscriptEntry,
  transcriptHeader,
  TranscriptWriter,
} from "./sessions/transcript.ts";
import type { AgentToolContext } from "./tools/registry.ts";
import { runModelToolCall } from "./tool_runner.ts";
import { addAgentUsage, toAgentUsage, ZERO_COST, zeroUsage } from "./usage.ts";
import {
  assistantEntry,
  commitSession,
  finishSession,
  lastModelOf,
  lastThinkingOf,
  openSession,
  recordFailure,
  toolResultEntry,
  type TurnSetup,
  type TurnState,
} from "./_turn_record.ts";
import { clearTimer, setTimer } from "../timers.ts";

export type { AgentLogger, TurnSetup } from "./_turn_record.ts";

/** Runs one turn to its end; see the module doc. */
export async function executeTurn(setup: TurnSetup): Promise<AgentTurnResult> {
  const { agent, request, runId, sessionKey } = setup;
  const timeoutSeconds = request.timeoutSeconds ?? agent.timeoutSeconds;
  const timeout = new AbortController();
  // 0 (or less) means no turn timeout, as for stock's other `timeoutSeconds` settings.
  const timer = timeoutSeconds > 0
    ? setTimer(
      () => timeout.abort(new DOMException(`Timed out after ${timeoutSeconds}s`, "TimeoutError")),
      Math.max(1, timeoutSeconds * 1000),
    )
    : undefined;
  const signal = AbortSignal.any([setup.signal, timeout.signal]);
  const state: TurnState = {
    sessionId: "",
    text: "",
    partial: "",
    usage: zeroUsage(),
    toolCalls: [],
  };
  const emit = (event: AgentStreamEvent) => {
    try {
      setup.emit(event);
    } catch (err) {
      setup.log.warn("agent event listener failed: {error}", { error: errorMessage(err) });
    }
  };
  emit({ type: "lifecycle", phase: "start", runId, sessionKey });
  let stopReason: AgentStopReason = "stop";
  let error: string | undefined;
  try {
    await runLoop(setup, state, signal, emit);
    stopReason = state.stopReason ?? "stop";
  } catch (err) {
    if (timeout.signal.aborted) {
      stopReason = "timeout";
      error = `Turn timed out after ${timeoutSeconds}s`;
    } else if (signal.aborted) {
      stopReason = "aborted";
    } else {
      stopReason = "error";
      error = errorMessage(err);
      setup.log.warn("agent turn {runId} failed: {error}", { runId, error });
    }
    await recordFailure(setup, state, stopReason, error, emit);
  } finally {
    clearTimer(timer);
  }
  await finishSession(setup, state, stopReason);
  emit({
    type: "lifecycle",
    phase: stopReason === "error" || stopReason === "timeout" ? "error" : "end",
    runId,
    sessionKey,
    ...(error ? { error } : {}),
  });
  const model = state.answered ?? state.attempting;
  return {
    runId,
    agentId: agent.id,
    sessionKey,
    sessionId: state.sessionId,
    text: state.text,
    model: model ? formatModelRef(model) : "",
    stopReason,
    usage: state.usage,
    toolCalls: state.toolCalls,
    ...(error ? { error } : {}),
  };
}

/** What a turn's model calls take, built once per turn. */
interface ModelInput {
  toolContext: AgentToolContext;
  /** The tools offered to `ref` (`tools.byProvider` may narrow them per model). */
  toolsFor(ref?: ModelRef): StepRequest["tools"];
  system: string;
  messages: ModelMessage[];
  catalog: ModelCatalog;
}

async function prepareModelInput(
  setup: TurnSetup,
  entries: TranscriptEntry[],
  signal: AbortSignal,
): Promise<ModelInput> {
  const { agent, request, runId, sessionKey, config } = setup;
  const toolContext = setup.prepareToolContext({
    agentId: agent.id,
    sessionKey,
    runId,
    surface: "agent",
    workspace: agent.workspace,
    stateDir: setup.stateDir,
    sandboxed: false,
    config,
    signal,
    sessions: setup.sessions,
  });
  const policyBase = { agentId: agent.id, surface: "agent" as const, sessionKey, config };
  const toolsFor = (ref?: ModelRef) =>
    setup.tools
      .allowed(
        ref ? { ...policyBase, provider: ref.provider, model: formatModelRef(ref) } : policyBase,
      )
      .map((t) => ({
        name: t.name,
        description: t.description,
        inputSchema: setup.tools.inputJsonSchema(t),
      }));
  // Automation's lightContext: no bootstrap files (the caller brings what it needs).
  const files = wantsLightContext(request) ? [] : await loadBootstrapFiles(
    agent.workspace,
    agent.bootstrapMaxChars,
    agent.bootstrapTotalMaxChars,
  );
  const system = buildSystemPrompt({
    agentId: agent.id,
    ...(agent.identity ? { identity: agent.identity } : {}),
    workspace: agent.workspace,
    files,
    tools: toolsFor(),
    now: setup.now(),
    ...(agent.userTimezone ? { timezone: agent.userTimezone } : {}),
    ...(request.extraSystemPrompt ? { extra: request.extraSystemPrompt } : {}),
  });
  const messages: ModelMessage[] = [
    ...entriesToModelMessages(entries),
    { role: "user", content: request.message },
  ];
  return { toolContext, toolsFor, system, messages, catalog: await setup.catalog() };
}

async function runLoop(
  setup: TurnSetup,
  state: TurnState,
  signal: AbortSignal,
  emit: (event: AgentStreamEvent) => void,
): Promise<void> {
  const { agent, request, runId } = setup;
  const { entry, pending } = await openSession(setup);
  state.sessionId = entry.sessionId;
  const path = setup.store.transcriptPath(entry.sessionId);
  // A session this turn starts under a new random id has no transcript yet: nothing to read.
  const found = pending && setup.sessionId === undefined
    ? undefined
    : await readTranscriptIfAny(path);
  const transcript = found ?? { entries: [], skipped: 0 };
  if (transcript.skipped > 0) {
    setup.log.debug("skipped {count} unreadable line(s) in {path}", {
      count: transcript.skipped,
      path,
    });
  }
  if (pending) {
    state.pending = entry;
    state.newTranscript = found === undefined;
  }
  const last = transcript.entries[transcript.entries.length - 1];
  // The header (for a new file) and the user's message land in one append + one flush below.
  const writer = new TranscriptWriter(path, last?.id ?? null, setup.now, {
    header: transcriptHeader(entry.sessionId, agent.workspace, setup.now()),
  });
  // While a new session is being written (at the first output), events wait behind it.
  const send = (event: AgentStreamEvent) => state.held ? state.held.push(event) : emit(event);
  const output = (event: AgentStreamEvent) => {
    if (state.pending && !state.committing) {
      state.held = [];
      commitSession(setup, state, emit).catch(() => {/* the loop awaits it and fails the turn */});
    }
    send(event);
  };
  // A turn's --thinking applies to that turn; a level set on the session (sessions.patch) and
  // the agent's default apply otherwise.
  const thinking: ThinkingLevel | undefined = request.thinking ??
    normalizeThinkingLevel(entry.thinkingLevel) ?? agent.thinkingDefault;
  if (thinking && thinking !== (lastThinkingOf(transcript.entries) ?? "off")) {
    writer.add({ type: "thinking_level_change", thinkingLevel: thinking });
  }
  // Durable before the model is called; the model's input is put together meanwhile (the
  // append's disk flush runs off the event loop).
  const userWritten = writer.append({
    type: "message",
    message: {
      role: "user",
      content: [{ type: "text", text: request.message }],
      timestamp: setup.now(),
    },
    runId,
    ...(request.channel ? { channel: request.channel } : {}),
  });
  const [written, ready] = await Promise.allSettled([
    userWritten,
    prepareModelInput(setup, transcript.entries, signal),
  ]);
  if (written.status === "rejected") throw written.reason;
  state.writer = writer;
  if (ready.status === "rejected") throw ready.reason;
  const { toolContext, toolsFor, system, messages, catalog } = ready.value;
  let order = request.model ? [request.model] : chainRefs(agent.chain);
  let lastModel = lastModelOf(transcript.entries);

  for (let step = 0; step < setup.maxSteps; step++) {
    state.partial = "";
    let failed: FallbackAttempt | undefined;
    const outcome = await runWithFallbacks<{ step: StepResult; target: ModelTarget }>(
      order,
      async (target, ref, attemptSignal) => {
        state.attempting = ref;
        if (failed) {
          const { ref: from, reason } = failed;
          failed = undefined;
          send({
            type: "model_fallback",
            runId,
            from,
            to: formatModelRef(ref),
            reason: reason ?? "unknown",
          });
        }
        const result = await runModelStep({
          target,
          system,
          messages,
          tools: target.kind === "api" ? toolsFor(ref) : [],
          ...(thinking ? { thinking } : {}),
          signal: attemptSignal,
          onText: (text) => {
            state.partial += text;
            output({ type: "assistant_delta", runId, text });
          },
          onThinking: (text) => output({ type: "thinking_delta", runId, text }),
        });
        return { step: result, target };
      },
      {
        catalog,
        cooldowns: setup.cooldowns,
        signal,
        onAttempt: (a) => {
          if (!a.ok && !a.skipped) {
            failed = a;
            setup.log.info("model {ref} failed ({reason}): {error}", {
              ref: a.ref,
              reason: a.reason,
              error: a.error,
            });
          }
        },
      },
    );
    const { step: result, target } = outcome.value;
    // A new session's store entry (written from the first output on) and the answer land
    // together: the transcript already holds the user's message, so neither order guards anything.
    const committed = commitSession(setup, state, emit);
    const ref = outcome.modelRef;
    const label = formatModelRef(ref);
    state.answered = ref;
    // Later steps start with the model that answered, so one turn does not hop between models.
    order = [label, ...order.filter((r) => r !== label && r !== outcome.ref)];
    if (label !== lastModel) {
      writer.add({ type: "model_change", provider: ref.provider, modelId: ref.model });
      lastModel = label;
    }
    const cost = target.kind === "api" ? computeCost(result.usage, target.info) : ZERO_COST;
    const usage = toAgentUsage(result.usage, cost);
    state.usage = addAgentUsage(state.usage, usage);
    state.promptTokens = result.usage.inputTokens;
    if (target.kind === "api") state.contextWindow = target.info.contextWindow;
    // Durable (with the model change) before the answer goes out or its tools run.
    const [stored, written] = await Promise.allSettled([
      committed,
      writer.append(assistantEntry(result, target, ref, cost, runId, setup.now())),
    ]);
    if (stored.status === "rejected") throw stored.reason;
    if (written.status === "rejected") throw written.reason;
    send({ type: "usage", runId, usage: state.usage });
    state.text = result.text;
    state.partial = "";
    messages.push(...result.assistantMessages);
    if (result.toolCalls.length === 0) {
      state.stopReason = result.finishReason === "length" ? "length" : "stop";
      return;
    }
    const parts: Extract<ModelMessage, { role: "tool" }>["content"] = [];
    for (const call of result.toolCalls) {
      const agentCall: AgentToolCall = { id: call.id, name: call.name, args: call.args };
      send({ type: "tool_call", runId, call: { ...agentCall } });
      const out = await runModelToolCall(setup.tools, call, toolContext, label);
      agentCall.result = out.output;
      if (out.isError) agentCall.isError = true;
      state.toolCalls.push(agentCall);
      send({ type: "tool_result", runId, call: { ...agentCall } });
      await writer.append(toolResultEntry(call, out, runId, setup.now()));
      parts.push({
        type: "tool-result",
        toolCallId: call.id,
        toolName: call.name,
        output: out.isError
          ? { type: "error-text", value: out.output }
          : { type: "text", value: out.output },
      });
    }
    messages.push({ role: "tool", content: parts });
  }
  state.stopReason = "tool_calls";
}
