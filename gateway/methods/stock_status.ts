/**
 * The stock sections of the `status` payload, read from the running state: each configured
 * agent's heartbeat schedule merged with the scheduler's counters, every agent's session store,
 * and one line per channel. Stock's `openclaw status` reads `heartbeat.agents` and
 * `sessions.byAgent` without checks; our own CLI reads `gateway`, `subsystems` and `logFile`,
 * which stay as they were.
 *
 * @module
 */
import { defaultAgentId, listAgents } from "../../lib/agent/agents.ts";
import { parseSessionStore, sessionsDir, SessionStore } from "../../lib/agent/sessions/store.ts";
import type { SessionEntry } from "../../lib/agent/sessions/store.ts";
import { resolveHeartbeatConfig } from "../../lib/heartbeat/config.ts";
import { joinPath } from "../../lib/paths.ts";
import { VERSION } from "../../lib/version.ts";
import type { GatewayState } from "../state.ts";
import {
  type AgentStoreSnapshot,
  channelSummaryLines,
  mergeHeartbeatRows,
  stockStatusSections,
} from "./stock_shapes.ts";

/**
 * Reads one agent's session store: this process's unwritten copy when there is one, else the
 * file. A missing or broken store reads as empty (the status must answer anyway).
 *
 * @param stateDir The state directory.
 * @param agentId The agent.
 * @returns The store's path and entries.
 */
export function readStoreSnapshot(stateDir: string, agentId: string): AgentStoreSnapshot {
  const path = joinPath(sessionsDir(stateDir, agentId), "sessions.json");
  let data: Record<string, SessionEntry> | undefined = SessionStore.unflushed(path);
  if (!data) {
    try {
      data = parseSessionStore(Deno.readTextFileSync(path)) ?? {};
    } catch {
      data = {};
    }
  }
  return { agentId, path, entries: Object.entries(data) };
}

/**
 * Builds the stock sections of `status` (see stock_shapes.ts `stockStatusSections`).
 *
 * @param state The running gateway.
 * @param channels The channel part of the health summary (health.ts `buildChannelHealth`).
 * @returns `runtimeVersion`, `heartbeat`, `channelSummary`, `tasks`, `taskAudit`, `sessions`.
 */
export function stockStatusFields(
  state: GatewayState,
  channels: {
    channels: Record<string, unknown>;
    channelOrder: string[];
    channelLabels: Record<string, string>;
  },
): Record<string, unknown> {
  const config = state.config;
  const agents = listAgents(config);
  const summary = state.heartbeat.summary();
  const configured = agents.map((a) => {
    const hb = resolveHeartbeatConfig(config, a.id);
    return { agentId: a.id, enabled: hb.enabled, every: hb.every, everyMs: hb.everyMs };
  });
  return stockStatusSections({
    config,
    version: VERSION,
    now: state.clock.now(),
    defaultAgentId: defaultAgentId(config),
    heartbeats: mergeHeartbeatRows(configured, summary.agents),
    heartbeatExtras: {
      enabled: summary.enabled,
      last: summary.last,
      lastHeartbeat: state.lastHeartbeat,
    },
    stores: agents.map((a) => readStoreSnapshot(state.stateDir, a.id)),
    channelSummary: channelSummaryLines(
      channels.channels,
      channels.channelOrder,
      channels.channelLabels,
    ),
  });
}
