/**
 * The options of `createAgentRuntime` and the handle it returns: the contract's
 * {@linkcode AgentRuntime} plus what the gateway needs beyond it (hot reload, the tool registry,
 * routing, run listing, event and session-change subscriptions).
 *
 * @module
 */
import type { ProcessManager } from "../tools/process_manager.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import type { SecretResolver } from "../models/catalog.ts";
import type { ModelCooldowns } from "../models/cooldowns.ts";
import type { Env } from "../paths.ts";
import type { AgentRuntime, AgentStreamEvent } from "./contract.ts";
import type { ResolvedRoute, RouteInput } from "./routing.ts";
import type { AgentToolContext, ToolRegistry } from "./tools/registry.ts";
import type { AgentLogger } from "./_turn_record.ts";

/** Options for `createAgentRuntime`. */
export interface CreateAgentRuntimeOptions {
  /** The validated config; replace it later with `updateConfig`. */
  config: OpenClawConfig;
  /** Where `agents/<id>/sessions/` live. */
  stateDir: string;
  /**
   * Environment for provider key variables, `~` and `OPENCLAW_WORKSPACE_DIR`.
   * @default processEnv()
   */
  env?: Env;
  /** Resolves SecretRefs in `models.providers` (the gateway's secret snapshot). */
  resolveSecret?: SecretResolver;
  /** Clock. @default Date.now */
  now?: () => number;
  /** @default getLogger("agent") */
  log?: AgentLogger;
  /** @default createDefaultToolRegistry() */
  tools?: ToolRegistry;
  /** Model calls per turn before it ends as `tool_calls`. @default 20 */
  maxSteps?: number;
  /** @default new ModelCooldowns() */
  cooldowns?: ModelCooldowns;
  /**
   * Completes the context every tool call gets (the tools issue sets `sandboxed`, `execRunner`,
   * `notify` here). @default the context as built
   */
  prepareToolContext?: (context: AgentToolContext) => AgentToolContext;
  /**
   * Receives a `System:` line for a session, e.g. when a background command exits
   * (`tools.exec.notifyOnExit`); the gateway queues it as a system event.
   */
  onSystemEvent?: (sessionKey: string, text: string) => void;
  /**
   * The commands the exec tool starts. The gateway owns it (its `processes` subsystem kills them
   * on shutdown); without it the runtime makes its own and kills them on `close()`.
   */
  processes?: ProcessManager;
}

/** What changed in a session (for `sessions.changed`). */
export interface SessionChange {
  agentId: string;
  sessionKey: string;
  reason: "turn" | "reset" | "delete";
  sessionId?: string;
}

/** The runtime plus what the gateway needs beyond the contract. */
export interface AgentRuntimeHandle extends AgentRuntime {
  /** Uses `config` for turns that start from now on; running turns keep theirs. */
  updateConfig(config: OpenClawConfig): void;
  /** The tool registry (register tools, add policies). */
  readonly tools: ToolRegistry;
  /** Routes an inbound message through `bindings` (agent + session key). */
  resolveRoute(input: RouteInput): ResolvedRoute;
  /** Runs that are queued or running. */
  activeRuns(): { runId: string; agentId: string; sessionKey: string; state: string }[];
  /** Every run's events, for broadcasting (in addition to each request's `onEvent`). */
  subscribe(
    listener: (event: AgentStreamEvent, run: { agentId: string; sessionKey: string }) => void,
  ): () => void;
  /** Session store changes (a turn ended, a reset, a delete). */
  onSessionChange(listener: (change: SessionChange) => void): () => void;
}
