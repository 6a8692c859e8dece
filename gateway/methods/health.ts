/**
 * `health` and `status`: what the gateway can say about itself cheaply. Session counts come from
 * the agents' session stores on disk.
 *
 * @module
 */
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { joinPath } from "../../lib/paths.ts";
import { VERSION } from "../../lib/version.ts";
import type { GatewayState } from "../state.ts";
import type { MethodTable } from "./types.ts";

interface AgentSummary {
  id: string;
  name?: string;
  isDefault: boolean;
}

/** Returns the configured agents; `main` when none are listed. */
export function listAgents(config: OpenClawConfig): AgentSummary[] {
  const list = (config.agents?.list ?? []) as { id: string; name?: string; default?: boolean }[];
  if (list.length === 0) return [{ id: "main", isDefault: true }];
  const defaultIndex = Math.max(0, list.findIndex((a) => a.default));
  return list.map((a, i) => ({ id: a.id, name: a.name, isDefault: i === defaultIndex }));
}

interface SessionsSummary {
  path: string;
  count: number;
  recent: { key: string; updatedAt: number | null; age: number | null }[];
}

function readSessions(stateDir: string, agentId: string, now: number): SessionsSummary {
  const path = joinPath(stateDir, "agents", agentId, "sessions", "sessions.json");
  try {
    const store = JSON.parse(Deno.readTextFileSync(path)) as Record<string, { updatedAt?: number }>;
    const rows = Object.entries(store).map(([key, v]) => ({
      key,
      updatedAt: typeof v?.updatedAt === "number" ? v.updatedAt : null,
    }));
    rows.sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0));
    return {
      path,
      count: rows.length,
      recent: rows.slice(0, 5).map((r) => ({
        ...r,
        age: r.updatedAt === null ? null : now - r.updatedAt,
      })),
    };
  } catch {
    return { path, count: 0, recent: [] };
  }
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;

/** Parses `30m`, `1h`, `45s`, `500ms` (bare numbers are minutes, as in stock). */
export function parseDurationMs(value: unknown): number | null {
  if (typeof value === "number") return value * 60_000;
  if (typeof value !== "string") return null;
  const m = DURATION.exec(value.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2] ?? "m";
  return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit]!;
}

function heartbeatOf(config: OpenClawConfig, agentId: string) {
  const defaults = (config.agents?.defaults?.heartbeat ?? config.agent?.heartbeat ?? {}) as Record<
    string,
    unknown
  >;
  const own = ((config.agents?.list ?? []) as { id: string; heartbeat?: Record<string, unknown> }[])
    .find((a) => a.id === agentId)?.heartbeat ?? {};
  const hb = { ...defaults, ...own };
  const every = typeof hb.every === "string" ? hb.every : "30m";
  const everyMs = parseDurationMs(every);
  return {
    enabled: everyMs !== null && everyMs > 0,
    every,
    everyMs,
    prompt: typeof hb.prompt === "string" ? hb.prompt : undefined,
    target: typeof hb.target === "string" ? hb.target : "last",
    ackMaxChars: typeof hb.ackMaxChars === "number" ? hb.ackMaxChars : 300,
  };
}

/** Builds the HealthSummary of protocol.md §8.2. */
export function buildHealthSummary(state: GatewayState): Record<string, unknown> {
  const t0 = performance.now();
  const now = Date.now();
  const agents = listAgents(state.config).map((a) => ({
    agentId: a.id,
    name: a.name,
    isDefault: a.isDefault,
    heartbeat: heartbeatOf(state.config, a.id),
    sessions: readSessions(state.stateDir, a.id, now),
  }));
  const def = agents.find((a) => a.isDefault) ?? agents[0];
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
    // No channel transports run yet, so a configured channel is reported as not running.
    channels[id] = { configured: true, enabled, running: false };
  }
  return {
    ok: true,
    ts: now,
    durationMs: Math.round(performance.now() - t0),
    channels,
    channelOrder,
    channelLabels,
    heartbeatSeconds: def?.heartbeat.everyMs ? Math.round(def.heartbeat.everyMs / 1000) : 0,
    defaultAgentId: def?.agentId,
    agents,
    sessions: def?.sessions ?? { path: "", count: 0, recent: [] },
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
    uptimeMs: Date.now() - state.startedAt,
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
    agents: listAgents(state.config),
    heartbeat: { lastHeartbeat: state.lastHeartbeat },
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
export const healthMethods: MethodTable = {
  health: ({ state, params }) => state.health(params.probe === true),
  status: ({ state }) => buildStatus(state),
};
