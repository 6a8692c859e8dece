/**
 * The shape of a built-in tool, shared by the tool implementations (exec, process, files,
 * sessions, memory...), the policy and the agent runtime's registry.
 *
 * @module
 */
import type { z } from "zod";
import type { ExecRunner } from "./runner.ts";

/** Tool groups of `tools.allow` / `tools.deny` (`group:<name>`). */
export type ToolGroup =
  | "runtime"
  | "fs"
  | "sessions"
  | "memory"
  | "web"
  | "ui"
  | "automation"
  | "messaging"
  | "nodes"
  | "agents"
  | "media";

/** Where a tool call comes from. */
export type ToolSurface = "agent" | "rpc" | "http";

/** What a tool gets besides its arguments. */
export interface ToolContext {
  agentId: string;
  sessionKey: string;
  /** The agent's workspace (file tools are confined to it). */
  workspace: string;
  stateDir: string;
  surface: ToolSurface;
  /** Runs in the agent's sandbox container (see lib/sandbox) instead of on the host. */
  sandboxed: boolean;
  /** Aborted when the turn is aborted or the gateway stops. */
  signal: AbortSignal;
  /** Queue a system event for the session (e.g. a background command exited). */
  notify?(text: string): void;
  /**
   * Runs `exec` commands inside the sandbox; lib/sandbox sets it for sandboxed sessions. A
   * sandboxed call without it is refused rather than run on the host.
   */
  execRunner?: ExecRunner;
}

/** A tool the model (or a direct invoke) can call. */
export interface ToolDefinition<Args = unknown> {
  name: string;
  description: string;
  group?: ToolGroup;
  /** Validates the arguments; also the JSON Schema the model sees. */
  inputSchema: z.ZodType<Args>;
  /** Returns what the model sees (JSON-serialisable); throws for a failed call. */
  execute(args: Args, ctx: ToolContext): Promise<unknown>;
}
