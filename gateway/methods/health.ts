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
import type { GatewayState } from "../state.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";

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
  const channels: Record<string, unknown> = {};
  const channelOrder: string[] = [];
  const channelLabels: Record<string, string> = {};
  for (
    const [id, block] of Object.entries((state.config.channels ?? {}) as Record<string, unknown>)
  ) {
    if (id === "defaults" || typeof block !== "object" || block === null) continue;
    const enabled = (block as { enabled?: boolean }).enabled !== false;
    channelOrder.push(id);
    channelLabels[id] = id.charAt(0).toUpperCase() + id.slice(1);
    // A channel runs as the subsystem `channel:<id>`; its state is the subsystem's own.
    const sub = subsystems[`channel:${id}`];
    channels[id] = {
      configured: true,
      enabled,
      running: sub?.status === "running",
      ...(sub?.error
        ? { lastError: sub.error }
        : sub
        ? {}
        : { lastError: enabled ? "no transport for this channel in this gateway" : "disabled" }),
    };
  }
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
    agents: listAgents(state.config),
    heartbeat: { lastHeartbeat: state.lastHeartbeat, ...state.heartbeat.summary() },
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
