/**
 * Queueing a system event: resolve which session it is for (the agent's main session unless a
 * key names another; the default agent when neither is given), refuse what cannot be a session
 * of a configured agent, and put the line on the bounded queue the next turn drains.
 *
 * @module
 */
import { defaultAgentId, hasAgent } from "../../lib/agent/agents.ts";
import {
  agentIdFromSessionKey,
  buildMainSessionKey,
  canonicalSessionKey,
  normalizeAgentId,
} from "../../lib/agent/session_key.ts";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import type { SystemEventQueue } from "../../lib/heartbeat/system_events.ts";
import type { EnqueueResult, SystemEventInput } from "../../lib/heartbeat/types.ts";

/** What queueing needs from the gateway. */
export interface SystemEventHost {
  readonly config: OpenClawConfig;
  readonly systemEvents: SystemEventQueue;
  now(): number;
}

/**
 * Resolves the session a system event is for.
 *
 * @returns The canonical key and agent, or the reason it cannot be queued.
 */
export function resolveEventSession(
  config: OpenClawConfig,
  input: Pick<SystemEventInput, "agentId" | "sessionKey">,
):
  | { ok: true; agentId: string; sessionKey: string }
  | { ok: false; reason: "unknown-agent" | "agent-mismatch" | "invalid-session-key" } {
  const wanted = input.agentId?.trim() ? normalizeAgentId(input.agentId) : undefined;
  const keyAgent = agentIdFromSessionKey(input.sessionKey);
  if (wanted && keyAgent && wanted !== keyAgent) return { ok: false, reason: "agent-mismatch" };
  const agentId = wanted ?? keyAgent ?? defaultAgentId(config);
  if (!hasAgent(config, agentId)) return { ok: false, reason: "unknown-agent" };
  const mainKey = config.session?.mainKey;
  if (!input.sessionKey?.trim()) {
    return { ok: true, agentId, sessionKey: buildMainSessionKey(agentId, mainKey) };
  }
  try {
    return {
      ok: true,
      agentId,
      sessionKey: canonicalSessionKey(input.sessionKey, agentId, mainKey),
    };
  } catch {
    return { ok: false, reason: "invalid-session-key" };
  }
}

/**
 * Queues one system event (see the module doc).
 *
 * @example
 * ```ts
 * enqueueSystemEvent(state, { text: "Backup done", source: "cron" });
 * // { ok: true, sessionKey: "agent:main:main", queued: 1 }
 * ```
 */
export function enqueueSystemEvent(host: SystemEventHost, input: SystemEventInput): EnqueueResult {
  if (typeof input.text !== "string" || input.text.trim() === "") {
    return { ok: false, reason: "empty-text" };
  }
  const where = resolveEventSession(host.config, input);
  if (!where.ok) return where;
  const queued = host.systemEvents.push({
    ts: host.now(),
    text: input.text,
    sessionKey: where.sessionKey,
    source: input.source,
  });
  return { ok: true, sessionKey: where.sessionKey, queued };
}
