/**
 * One model call of a turn ("step"): the conversation so far in, streamed text and tool calls
 * out. API models go through the AI SDK's `streamText` with our tools declared but not executed
 * (the turn loop runs them through the registry and its policies); CLI backends get the
 * conversation flattened into one prompt and answer in one piece.
 *
 * The AI SDK is imported when the first step runs.
 *
 * @module
 */
import type { ModelMessage } from "ai";
import { OpenClawError } from "../errors.ts";
import type { ModelTarget } from "../models/target.ts";
import type { TokenUsage } from "../models/cost.ts";
import type { ThinkingLevel } from "./contract.ts";
import { contentText } from "./sessions/history.ts";
import { thinkingProviderOptions } from "./thinking.ts";

/** A tool call the model made in a step. */
export interface StepToolCall {
  id: string;
  name: string;
  args: unknown;
  /** Set when the SDK could not match the call to a tool or parse its input. */
  invalidReason?: string;
}

/** What one step produced. */
export interface StepResult {
  text: string;
  reasoning: string;
  toolCalls: StepToolCall[];
  /** The AI SDK's finish reason (`stop`, `length`, `tool-calls`, ...). */
  finishReason: string;
  usage: TokenUsage;
  /** The assistant message to continue the loop with (reasoning signatures included). */
  assistantMessages: ModelMessage[];
}

/** Inputs of {@linkcode runModelStep}. */
export interface StepRequest {
  target: ModelTarget;
  system: string;
  messages: ModelMessage[];
  /** Tools offered to the model (declared only; the turn loop runs them). */
  tools: { name: string; description: string; inputSchema: Record<string, unknown> }[];
  thinking?: ThinkingLevel;
  signal: AbortSignal;
  onText(delta: string): void;
  onThinking(delta: string): void;
}

let warningsRouted = false;

/** Keeps the AI SDK from printing provider warnings to the console (stdout is for --json). */
function routeSdkWarnings(): void {
  if (warningsRouted) return;
  warningsRouted = true;
  const g = globalThis as { AI_SDK_LOG_WARNINGS?: unknown };
  if (g.AI_SDK_LOG_WARNINGS === undefined) g.AI_SDK_LOG_WARNINGS = false;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted", "AbortError");
}

/** Flattens a conversation for a CLI backend, which takes one prompt. */
export function flattenForCli(messages: ModelMessage[]): string {
  const lines: string[] = [];
  for (const m of messages) {
    if (m.role === "user" || m.role === "assistant") {
      const text = contentText(m.content);
      if (text) lines.push(`${m.role === "user" ? "User" : "Assistant"}: ${text}`);
    }
  }
  // A single user message goes as it is; a conversation keeps its speaker labels.
  if (messages.length === 1 && messages[0].role === "user") return contentText(messages[0].content);
  return lines.join("\n\n");
}

async function runCliStep(
  req: StepRequest & { target: Extract<ModelTarget, { kind: "cli" }> },
): Promise<StepResult> {
  const out = await req.target.complete({
    prompt: flattenForCli(req.messages),
    systemPrompt: req.system,
    signal: req.signal,
  });
  if (out.text) req.onText(out.text);
  return {
    text: out.text,
    reasoning: "",
    toolCalls: [],
    finishReason: "stop",
    usage: out.usage ?? {},
    assistantMessages: [{ role: "assistant", content: out.text }],
  };
}

/**
 * Runs one step. Throws what the provider threw (for fallback classification), except that a
 * failure after text was already streamed becomes `MODEL_STREAM_BROKEN`, which is not retried on
 * another model (the user has seen part of this model's answer).
 */
export async function runModelStep(req: StepRequest): Promise<StepResult> {
  const target = req.target;
  if (target.kind === "cli") return await runCliStep({ ...req, target });
  routeSdkWarnings();
  const { jsonSchema, streamText, tool } = await import("ai");
  const tools = Object.fromEntries(req.tools.map((t) => [
    t.name,
    tool({
      description: t.description,
      // Our schemas are plain JSON Schema objects; the SDK's JSONSchema7 type is stricter.
      inputSchema: jsonSchema(t.inputSchema as Parameters<typeof jsonSchema>[0]),
    }),
  ]));
  const providerOptions = thinkingProviderOptions(req.thinking, target.info);
  const result = streamText({
    model: target.model,
    instructions: req.system,
    messages: req.messages,
    ...(req.tools.length ? { tools } : {}),
    maxRetries: 0,
    maxOutputTokens: target.info.maxTokens,
    abortSignal: req.signal,
    // Errors arrive as `error` parts (thrown below); the default handler would print them.
    onError: () => {},
    // We register no telemetry: without this the SDK still copies and redacts every lifecycle
    // event for it and looks up Node's tracing channel, on each call.
    telemetry: { isEnabled: false },
    // deno-lint-ignore no-explicit-any -- provider option shapes differ per provider package
    ...(providerOptions ? { providerOptions: providerOptions as any } : {}),
  });
  let text = "";
  let reasoning = "";
  let emitted = false;
  let finishReason = "other";
  let usage: TokenUsage = {};
  const toolCalls: StepToolCall[] = [];
  try {
    for await (const part of result.stream) {
      switch (part.type) {
        case "text-delta":
          if (!part.text) break;
          text += part.text;
          emitted = true;
          req.onText(part.text);
          break;
        case "reasoning-delta":
          if (!part.text) break;
          reasoning += part.text;
          req.onThinking(part.text);
          break;
        case "tool-call":
          toolCalls.push({
            id: part.toolCallId,
            name: part.toolName,
            args: part.input,
            ...(part.invalid
              ? { invalidReason: (part.error as Error | undefined)?.message ?? "invalid tool call" }
              : {}),
          });
          break;
        case "finish-step":
          usage = part.usage;
          finishReason = part.finishReason;
          break;
        case "error":
          throw part.error;
        case "abort":
          throw abortError(req.signal);
      }
    }
  } catch (err) {
    if (req.signal.aborted || !emitted) throw err;
    throw new OpenClawError(
      "MODEL_STREAM_BROKEN",
      "Model stream broke off after part of the answer was sent",
      { cause: err, details: { partialText: text } },
    );
  }
  if (req.signal.aborted) throw abortError(req.signal);
  const response = await result.responseMessages;
  return {
    text,
    reasoning,
    toolCalls,
    finishReason,
    usage,
    assistantMessages: response.filter((m) => m.role === "assistant"),
  };
}
