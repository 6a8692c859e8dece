/**
 * Running tool calls through the registry: lookup, policy, argument shape, abort, and turning the
 * outcome into what the model sees (text, bounded) or what a client gets (`ToolInvokeResult`).
 *
 * @module
 */
import { errorMessage, isOpenClawError } from "../errors.ts";
import type { ToolInvokeResult } from "./contract.ts";
import type { StepToolCall } from "./model_step.ts";
import type { AgentToolContext, ToolRegistry } from "./tools/registry.ts";

/** Tool output longer than this is cut before it goes back to the model. */
export const MAX_TOOL_OUTPUT_CHARS = 100_000;

/** Renders a tool's return value as the text the model sees. */
export function formatToolOutput(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = value;
  else if (value === undefined) text = "";
  else {
    try {
      text = JSON.stringify(value, null, 2) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  if (text.length <= MAX_TOOL_OUTPUT_CHARS) return text;
  return `${text.slice(0, MAX_TOOL_OUTPUT_CHARS)}\n[\u2026 ${
    text.length - MAX_TOOL_OUTPUT_CHARS
  } characters truncated]`;
}

/** Resolves with `promise`, or rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/**
 * Runs a tool call the model made. Failures (unknown tool, denied, bad arguments, the tool
 * throwing) become an error result the model can read and react to; only an abort throws.
 */
export async function runModelToolCall(
  registry: ToolRegistry,
  call: StepToolCall,
  context: AgentToolContext,
  model?: string,
): Promise<{ output: string; isError: boolean }> {
  const fail = (message: string) => ({ output: `Error: ${message}`, isError: true });
  if (call.invalidReason) return fail(call.invalidReason);
  const tool = registry.get(call.name);
  if (!tool) return fail(`tool "${call.name}" is not available`);
  const decision = registry.check({
    tool: tool.name,
    agentId: context.agentId,
    surface: "agent",
    sessionKey: context.sessionKey,
    config: context.config,
    ...(model ? { provider: model.slice(0, model.indexOf("/")), model } : {}),
  });
  if (!decision.allow) return fail(`tool "${call.name}" is not allowed: ${decision.reason}`);
  try {
    const args = registry.parseArgs(tool, call.args);
    const value = await raceAbort(tool.execute(args, context), context.signal);
    return { output: formatToolOutput(value), isError: false };
  } catch (err) {
    if (context.signal.aborted) throw err;
    return fail(errorMessage(err));
  }
}

/** Invokes a tool for a client (`tools.invoke`, `POST /tools/invoke`). */
export async function invokeToolForClient(
  registry: ToolRegistry,
  name: string,
  args: unknown,
  context: AgentToolContext,
): Promise<ToolInvokeResult> {
  const tool = registry.get(name);
  if (!tool) {
    return {
      ok: false,
      toolName: name,
      error: { type: "not_found", message: `Tool "${name}" is not available` },
    };
  }
  const decision = registry.check({
    tool: tool.name,
    agentId: context.agentId,
    surface: context.surface,
    sessionKey: context.sessionKey,
    config: context.config,
  });
  if (!decision.allow) {
    return {
      ok: false,
      toolName: tool.name,
      error: { type: "forbidden", message: decision.reason },
    };
  }
  let input: unknown;
  try {
    input = registry.parseArgs(tool, args);
  } catch (err) {
    return {
      ok: false,
      toolName: tool.name,
      error: { type: "invalid_request", message: errorMessage(err) },
    };
  }
  try {
    const output = await raceAbort(tool.execute(input, context), context.signal);
    return { ok: true, toolName: tool.name, output };
  } catch (err) {
    const type = isOpenClawError(err, "TOOL_INPUT_INVALID") ||
        isOpenClawError(err, "SESSION_KEY_INVALID")
      ? "invalid_request"
      : "failed";
    return { ok: false, toolName: tool.name, error: { type, message: errorMessage(err) } };
  }
}
