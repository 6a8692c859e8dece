/**
 * Agents: the runtime that runs turns (model calls with fallbacks, tools, transcripts), session
 * keys and stores, routing through `bindings`, the system prompt, and the tool registry.
 *
 * Importing this module does not load the AI SDK; the first model call does.
 *
 * @example Run a turn
 * ```ts
 * import { createAgentRuntime } from "./mod.ts";
 * const runtime = createAgentRuntime({ config, stateDir, env: Deno.env.toObject() });
 * const result = await runtime.runTurn({
 *   message: "hello",
 *   onEvent: (e) => e.type === "assistant_delta" && console.log(e.text),
 * });
 * result.text; result.model; // the answer, and the model that gave it
 * await runtime.close();
 * ```
 *
 * @module
 */
export type * from "./contract.ts";
export { createAgentRuntime } from "./runtime.ts";
export type {
  AgentRuntimeHandle,
  CreateAgentRuntimeOptions,
  SessionChange,
} from "./runtime_types.ts";
export type { AgentLogger } from "./turn.ts";
export {
  type AgentIdentity,
  DEFAULT_BOOTSTRAP_MAX_CHARS,
  DEFAULT_BOOTSTRAP_TOTAL_MAX_CHARS,
  DEFAULT_TIMEOUT_SECONDS,
  defaultAgentId,
  hasAgent,
  listAgents,
  normalizeThinkingLevel,
  resolveAgent,
  type ResolvedAgent,
} from "./agents.ts";
export {
  resolveAgentRoute,
  resolveDmScope,
  type ResolvedRoute,
  type RouteInput,
  type RouteMatch,
} from "./routing.ts";
export {
  assertSessionId,
  buildMainSessionKey,
  buildPeerSessionKey,
  canonicalSessionKey,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_AGENT_ID,
  DEFAULT_MAIN_KEY,
  type DmScope,
  isValidSessionId,
  normalizeAgentId,
  normalizeMainKey,
  parseAgentSessionKey,
  type PeerKind,
} from "./session_key.ts";
export { BOOTSTRAP_FILES, buildSystemPrompt, loadBootstrapFiles } from "./prompt.ts";
export { type SessionEntry, sessionsDir, SessionStore } from "./sessions/store.ts";
export { parseTranscript, readTranscript } from "./sessions/transcript.ts";
export {
  type AgentToolContext,
  type AnyTool,
  DEFAULT_HTTP_TOOL_DENY,
  httpToolPolicy,
  type ToolDefinition,
  ToolInputError,
  type ToolPolicyDecision,
  type ToolPolicyHook,
  type ToolPolicyRequest,
  ToolRegistry,
  type ToolSessionAccess,
  type ToolSurface,
} from "./tools/registry.ts";
export { BUILTIN_TOOLS, createDefaultToolRegistry } from "./tools/builtin.ts";
export { thinkingProviderOptions } from "./thinking.ts";
