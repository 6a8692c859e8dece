/**
 * `health` and `status`: what the gateway can say about itself cheaply. Session counts come from
 * the agents' session stores on disk.
 *
 * @module
 */
import { z } from "zod";
import { listAgents } from "../../lib/agent/agents.ts";
import { resolveHeartbeatConfig } from "../../lib/heartbeat/config.ts";
import { summarizeSessions } from "../../lib/agent/sessions/summary.ts";
import { VERSION } from "../../lib/version.ts";
import { listChannelIds } from "../../lib/channels/config_view.ts";
import { channelLabel } from "../channels/registry.ts";
import type { SubsystemHealth } from "../subsystems/lifecycle.ts";
import type { GatewayState } from "../state.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";
import { stockStatusFields } from "./stock_status.ts";

/**
 * The channel part of the HealthSummary: each channel's real state from the channels subsystem
 * (configured, running, connected, last in/out, last error, failed replies, per account), or —
 * while that subsystem is not running — the configured channels with the subsystem's reason.
 */
export function buildChannelHealth(
  state: GatewayState,
  subsystems: Record<string, SubsystemHealth> = state.subsystems(),
): {
  channels: Record<string, unknown>;
  channelOrder: string[];
  channelLabels: Record<string, string>;
} {
  const channels: Record<string, unknown> = Object.create(null);
  const channelLabels: Record<string, string> = Object.create(null);
  const live = state.channels?.healthSummary();
  const channelOrder = live ? Object.keys(live) : listChannelIds(state.config);
  for (const id of channelOrder) {
    channelLabels[id] = channelLabel(id);
    if (live) {
      channels[id] = live[id];
      continue;
    }
    const block = (state.config.channels as Record<string, unknown>)[id] as { enabled?: unknown };
    const enabled = block.enabled !== false;
    const sub = subsystems.channels;
    channels[id] = {
      configured: true,
      enabled,
      running: false,
      connected: false,
      lastError: !enabled
        ? "disabled"
        : sub?.error
        ? `channels subsystem ${sub.status}: ${sub.error}`
        : `channels subsystem ${sub?.status ?? "not running"}`,
    };
  }
  return { channels, channelOrder, channelLabels };
}

/** Builds the HealthSummary of protocol.md §8.2. */
export function buildHealthSummary(state: GatewayState): Record<string, unknown> {
  const t0 = performance.now();
  const now = state.clock.now();
  const agents = listAgents(state.config).map((a) => ({
    agentId: a.id,
    name: a.name,
    isDefault: a.isDefault,
    heartbeat: resolveHeartbeatConfig(state.config, a.id),
    sessions: summarizeSessions(state.stateDir, a.id, now),
  }));
  const def = agents.find((a) => a.isDefault) ?? agents[0];
  const subsystems = state.subsystems();
  const { channels, channelOrder, channelLabels } = buildChannelHealth(state, subsystems);
  return {
    ok: true,
    ts: now,
    durationMs: Math.round(performance.now() - t0),
    channels,
    subsystems,
    channelOrder,
    channelLabels,
    heartbeatSeconds: def?.heartbeat.enabled && def.heartbeat.everyMs
      ? Math.round(def.heartbeat.everyMs / 1000)
      : 0,
    defaultAgentId: def?.agentId,
    agents,
    sessions: def?.sessions ?? { path: "", count: 0, recent: [] },
    // Ours: the persisted switch, the last event and each agent's runs/skips/tokens today.
    heartbeat: state.heartbeat.summary(),
  };
}

/** Builds the `status` result. */
export function buildStatus(state: GatewayState): Record<string, unknown> {
  const mem = Deno.memoryUsage();
  const channelHealth = buildChannelHealth(state);
  return {
    ok: true,
    version: VERSION,
    pid: Deno.pid,
    startedAt: new Date(state.startedAt).toISOString(),
    uptimeMs: state.clock.now() - state.startedAt,
    configPath: state.configPath,
    stateDir: state.stateDir,
    logFile: state.logFile,
    gateway: {
      mode: state.config.gateway?.mode ?? null,
      bind: state.bindMode,
      host: state.host,
      port: state.port,
      url: `ws://${state.host.includes(":") ? `[${state.host}]` : state.host}:${state.port}`,
      authMode: state.auth.mode,
    },
    connections: state.connectionCount(),
    subsystems: state.subsystems(),
    channels: channelHealth.channels,
    agents: listAgents(state.config),
    // Stock's sections (heartbeat.agents, sessions.byAgent, …): stock's CLI reads them unchecked.
    ...stockStatusFields(state, channelHealth),
    queuedSystemEvents: state.systemEvents.length,
    process: {
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      platform: Deno.build.os,
      arch: Deno.build.arch,
      deno: Deno.version.deno,
    },
  };
}

/** The health and status methods. */
export const healthMethods: MethodDefinition[] = [
  defineMethod({
    name: "health",
    scope: null,
    params: z.looseObject({ probe: z.boolean().optional() }),
    handler: ({ state, params }) => state.health(params.probe === true),
  }),
  defineMethod({
    name: "status",
    scope: "operator.read",
    params: z.looseObject({}),
    handler: ({ state }) => buildStatus(state),
  }),
];
