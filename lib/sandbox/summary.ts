/**
 * An agent's sandbox mode, scope and workspace access read straight from a validated config,
 * with the same precedence as the full resolver (lib/sandbox/config.ts) but without its schema:
 * the gateway's sandbox subsystem answers from this when every agent's sandbox is off, so the
 * sandbox settings' schema (a large part of the config schema) stays off the gateway's start.
 *
 * @module
 */
import type { SandboxMode, SandboxScope, WorkspaceAccess } from "./config.ts";

/** The sandbox fields a summary reads (the validated config's shape, loosely). */
export interface SandboxBlock {
  mode?: SandboxMode;
  scope?: SandboxScope;
  workspaceAccess?: WorkspaceAccess;
  perSession?: boolean;
}

/** The part of a config a summary reads. */
export interface SandboxSummarySource {
  agents?: {
    defaults?: { sandbox?: SandboxBlock };
    list?: readonly { id: string; sandbox?: SandboxBlock }[];
  };
}

/** An agent's sandbox at a glance. */
export interface SandboxSummary {
  mode: SandboxMode;
  scope: SandboxScope;
  workspaceAccess: WorkspaceAccess;
}

function normalizeId(id: string): string {
  return id.trim().toLowerCase();
}

/**
 * Finds an agent's entry in `agents.list` (ids compare trimmed and case-insensitively).
 *
 * @param source The config.
 * @param agentId The agent.
 * @returns The entry's index (-1 when absent) and the entry.
 */
export function findAgentEntry<E extends { id: string }>(
  source: { agents?: { list?: readonly E[] } },
  agentId: string,
): { index: number; entry: E | undefined } {
  const list = source.agents?.list ?? [];
  const index = list.findIndex((a) => normalizeId(a.id) === normalizeId(agentId));
  return { index, entry: index >= 0 ? list[index] : undefined };
}

/**
 * The scope a legacy `perSession` flag stands for, when `scope` itself is not set.
 *
 * @param block A sandbox block as written.
 * @returns `session`, `shared`, or undefined.
 */
export function legacyScope(
  block: { scope?: unknown; perSession?: boolean } | undefined,
): SandboxScope | undefined {
  if (!block || block.scope !== undefined || block.perSession === undefined) return undefined;
  return block.perSession ? "session" : "shared";
}

/**
 * Mode, scope and workspace access of `agentId`'s sandbox in a validated config (whose
 * `agents.defaults.sandbox` carries the schema's defaults).
 *
 * @param source The validated config.
 * @param agentId The agent.
 * @returns The summary, or undefined when the config lacks the defaults (not validated).
 */
export function sandboxSummary(
  source: SandboxSummarySource,
  agentId: string,
): SandboxSummary | undefined {
  const defaults = source.agents?.defaults?.sandbox;
  if (!defaults?.mode || !defaults.scope || !defaults.workspaceAccess) return undefined;
  const agent = findAgentEntry(source, agentId).entry?.sandbox;
  return {
    mode: agent?.mode ?? defaults.mode,
    scope: agent?.scope ?? legacyScope(agent) ?? legacyScope(defaults) ?? defaults.scope,
    workspaceAccess: agent?.workspaceAccess ?? defaults.workspaceAccess,
  };
}
