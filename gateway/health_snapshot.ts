/**
 * `health` and `status`: what the gateway can say about itself cheaply. Session counts come from
 * the agents' session stores on disk.
 *
 * The summary behind `health` and `status` and its cache, used by the gateway state at start;
 * the RPC methods themselves are in gateway/methods/health.ts (loaded on their first call).
 *
 * @module
 */
import { listAgents } from "../lib/agent/agents.ts";
import { resolveHeartbeatConfig } from "../lib/heartbeat/config.ts";
import { summarizeSessions } from "../lib/agent/sessions/summary.ts";
import { VERSION } from "../lib/version.ts";
import { listChannelIds } from "../lib/channels/dormant.ts";
import { channelLabel } from "./channels/registry.ts";
import type { SubsystemHealth } from "./subsystems/lifecycle.ts";
import type { GatewayState } from "./state.ts";
import { JsonText } from "./methods/json_text.ts";
import { stockStatusFields } from "./methods/stock_status.ts";

/**
 * The channel part of the HealthSummary: each channel's real state from the channels subsystem
 * (configured, running, connected, last in/out, last error, failed replies, per account), or --
 * while that subsystem is not running -- the configured channels with the subsystem's reason.
 */
export function buildChannelHealth(
  state: GatewayState,
  subsystems?: Record<string, SubsystemHealth>,
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
    // Only this fallback needs the subsystems' health: collecting it asks every subsystem.
    const sub = (subsystems ??= state.subsystems()).channels;
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

/** How long the summary is served from the cache (stock caches it for 60 s). */
export const HEALTH_CACHE_MS = 60_000;

/** The sections built on every answer (they change between two looks). */
const PER_CALL = new Set(["channels", "channelOrder", "channelLabels", "heartbeat"]);
type PerCallSections = Record<string, unknown>;

/**
 * A summary as JSON text cut around its per-call sections, in the summary's key order:
 * `parts[0]`, section `keys[0]`, `parts[1]`, ... `parts[keys.length]`.
 */
interface SplitSummary {
  parts: string[];
  keys: string[];
}

interface CachedSummary {
  at: number;
  value: Record<string, unknown>;
  /** Made on the first `json()` answer from this build. */
  split?: SplitSummary;
}

// Serialized key by key, the text is what JSON.stringify gives for the whole object.
function splitSummary(value: Record<string, unknown>): SplitSummary {
  const parts: string[] = [];
  const keys: string[] = [];
  let text = "{";
  const add = (key: string) => text += `${text === "{" ? "" : ","}${JSON.stringify(key)}:`;
  for (const key of Object.keys(value)) {
    if (PER_CALL.has(key)) {
      add(key);
      parts.push(text);
      keys.push(key);
      text = "";
      continue;
    }
    const json = JSON.stringify(value[key]);
    if (json === undefined) continue; // as JSON.stringify skips undefined and functions
    add(key);
    text += json;
  }
  parts.push(text + "}");
  return { parts, keys };
}

/**
 * The HealthSummary of one gateway start: built in full at most every {@linkcode HEALTH_CACHE_MS}
 * (or when asked for fresh), while the heartbeat and channel sections are built on every answer
 * (cheap, and they change between two looks: a beat, a channel that connects or drops).
 */
export class HealthSnapshot {
  readonly #state: GatewayState;
  #cached: CachedSummary | undefined;

  constructor(state: GatewayState) {
    this.#state = state;
  }

  /** The cached build, or a new one (`built`: its per-call sections are current already). */
  #summary(fresh: boolean): { cached: CachedSummary; built: boolean } {
    const now = this.#state.clock.now();
    const cached = this.#cached;
    if (!fresh && cached && now - cached.at < HEALTH_CACHE_MS) return { cached, built: false };
    this.#cached = { at: now, value: buildHealthSummary(this.#state) };
    return { cached: this.#cached, built: true };
  }

  #perCall(): PerCallSections {
    return { heartbeat: this.#state.heartbeat.summary(), ...buildChannelHealth(this.#state) };
  }

  /** The summary; the full build is cached, the per-call sections are current. */
  get(fresh = false): Record<string, unknown> {
    const { cached, built } = this.#summary(fresh);
    return built ? cached.value : { ...cached.value, ...this.#perCall() };
  }

  /**
   * The same answer as JSON text for the `health` method: the cached part is serialized once
   * per build, only the per-call sections on every call.
   */
  json(fresh = false): JsonText {
    const { cached, built } = this.#summary(fresh);
    const { parts, keys } = cached.split ??= splitSummary(cached.value);
    const sections = built ? cached.value : this.#perCall();
    let text = parts[0];
    for (let i = 0; i < keys.length; i++) {
      text += (JSON.stringify(sections[keys[i]]) ?? "null") + parts[i + 1];
    }
    return new JsonText(text);
  }

  /** Forgets the cached build (the config changed). */
  invalidate(): void {
    this.#cached = undefined;
  }
}

const snapshots = new WeakMap<GatewayState, HealthSnapshot>();

/** The {@linkcode HealthSnapshot} of a gateway state (one per state object). */
export function healthSnapshot(state: GatewayState): HealthSnapshot {
  let snapshot = snapshots.get(state);
  if (!snapshot) snapshots.set(state, snapshot = new HealthSnapshot(state));
  return snapshot;
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
    // Stock's sections (heartbeat.agents, sessions.byAgent, ...): stock's CLI reads them unchecked.
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
