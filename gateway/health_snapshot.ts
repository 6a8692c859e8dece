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
import { freezeJson, isFrozenJson, JsonText, jsonTextOf } from "./methods/json_text.ts";
import { stockStatusFields } from "./methods/stock_status.ts";

/** The channel part of the HealthSummary. */
export interface ChannelHealth {
  channels: Record<string, unknown>;
  channelOrder: string[];
  channelLabels: Record<string, string>;
}

/** The channel part made from each frozen channels section (see buildChannelHealth). */
const liveChannelHealth = new WeakMap<object, ChannelHealth>();

/**
 * The channel part of the HealthSummary: each channel's real state from the channels subsystem
 * (configured, running, connected, last in/out, last error, failed replies, per account), or --
 * while that subsystem is not running -- the configured channels with the subsystem's reason.
 * A running subsystem answers with the same frozen section while nothing changed, and then so
 * does this (frozen too, so `health` reuses the JSON text).
 */
export function buildChannelHealth(
  state: GatewayState,
  subsystems?: Record<string, SubsystemHealth>,
): ChannelHealth {
  const live = state.channels?.healthSummary();
  if (live && isFrozenJson(live)) {
    const known = liveChannelHealth.get(live);
    if (known) return known;
  }
  const channels: Record<string, unknown> = Object.create(null);
  const channelLabels: Record<string, string> = Object.create(null);
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
  const health = { channels, channelOrder, channelLabels };
  if (!live || !isFrozenJson(live)) return health;
  // Made of the frozen section and fixed labels: as unchanging as the section itself.
  const frozen: ChannelHealth = Object.freeze({
    channels: freezeJson(channels)!,
    channelOrder: freezeJson(channelOrder)!,
    channelLabels: freezeJson(channelLabels)!,
  });
  liveChannelHealth.set(live, frozen);
  return frozen;
}

/**
 * What `health` says of each subsystem: its state, whether the gateway needs it, why it is not
 * running, and the server's auth-failure counters (issue 10 counts them in `health`). The rest of
 * each subsystem's detail (paths, URLs, counters) is in `status`, which needs `operator.read`:
 * `health` answers every authenticated connection, paired node devices included, and goes to all
 * of them as an event, so it stays a summary -- which also keeps the answer small (the full
 * detail was 1.5 KB of a 2.3 KB answer, and the answer's size shows in `health` round trips).
 */
export function healthSubsystems(
  all: Record<string, SubsystemHealth>,
): Record<string, SubsystemHealth> {
  const out: Record<string, SubsystemHealth> = {};
  for (const [id, s] of Object.entries(all)) {
    const entry: SubsystemHealth = { status: s.status, required: s.required };
    if (s.error !== undefined) entry.error = s.error;
    if (id === "server" && s.authFailures !== undefined) entry.authFailures = s.authFailures;
    out[id] = entry;
  }
  return out;
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
    subsystems: healthSubsystems(subsystems),
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

/**
 * The sections asked for on every answer (they change between two looks). Their producers
 * answer with the same frozen object while nothing they show changed, so an unchanged section
 * costs a key check and its JSON text is made once (json_text.ts).
 */
const PER_CALL = new Set(["channels", "channelOrder", "channelLabels", "heartbeat"]);

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

/** The last `json()` answer: the build and the section texts it was made of. */
interface LastAnswer {
  cached: CachedSummary;
  texts: string[];
  json: JsonText;
  /** The sections, when they were frozen (so the same objects mean the same texts). */
  heartbeat?: unknown;
  channels?: ChannelHealth;
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

function sectionOf(key: string, heartbeat: unknown, channels: ChannelHealth): unknown {
  switch (key) {
    case "heartbeat":
      return heartbeat;
    case "channels":
      return channels.channels;
    case "channelOrder":
      return channels.channelOrder;
    default:
      return channels.channelLabels;
  }
}

/**
 * The HealthSummary of one gateway start: built in full at most every {@linkcode HEALTH_CACHE_MS}
 * (or when asked for fresh), while the heartbeat and channel sections are asked for on every
 * answer (they change between two looks: a beat, a channel that connects or drops). An answer
 * whose build and sections are all the same as the last one's is the last answer again.
 */
export class HealthSnapshot {
  readonly #state: GatewayState;
  #cached: CachedSummary | undefined;
  #last: LastAnswer | undefined;

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

  /** The summary; the full build is cached, the per-call sections are current. */
  get(fresh = false): Record<string, unknown> {
    const { cached, built } = this.#summary(fresh);
    if (built) return cached.value;
    return {
      ...cached.value,
      heartbeat: this.#state.heartbeat.summary(),
      ...buildChannelHealth(this.#state),
    };
  }

  /**
   * The same answer as JSON text for the `health` method: the cached part is serialized once
   * per build, each per-call section once per change of it.
   */
  json(fresh = false): JsonText {
    const last = this.#last;
    // The same build and the same unchangeable sections as last time: the same answer.
    if (
      !fresh && last?.heartbeat !== undefined &&
      this.#state.clock.now() - last.cached.at < HEALTH_CACHE_MS &&
      last.cached === this.#cached &&
      this.#state.heartbeat.summary() === last.heartbeat &&
      buildChannelHealth(this.#state) === last.channels
    ) return last.json;
    return this.#answer(fresh);
  }

  #answer(fresh: boolean): JsonText {
    const { cached, built } = this.#summary(fresh);
    const { parts, keys } = cached.split ??= splitSummary(cached.value);
    const value = cached.value;
    const heartbeat = built ? value.heartbeat : this.#state.heartbeat.summary();
    const channels = built ? value as unknown as ChannelHealth : buildChannelHealth(this.#state);
    // The last answer, when it came from this build; its texts are reused while they match.
    const last = this.#last?.cached === cached ? this.#last : undefined;
    let texts: string[] | undefined = last ? undefined : [];
    for (let i = 0; i < keys.length; i++) {
      const text = jsonTextOf(sectionOf(keys[i], heartbeat, channels)) ?? "null";
      if (texts) texts.push(text);
      else if (last!.texts[i] !== text) (texts = last!.texts.slice(0, i)).push(text);
    }
    if (!texts) return last!.json;
    let text = parts[0];
    for (let i = 0; i < keys.length; i++) text += texts[i] + parts[i + 1];
    const json = new JsonText(text);
    // Sections that cannot change are remembered by identity for the check in json().
    const unchanging = isFrozenJson(heartbeat) && Object.isFrozen(channels);
    this.#last = unchanging
      ? { cached, texts, json, heartbeat, channels }
      : { cached, texts, json };
    return json;
  }

  /** Forgets the cached build (the config changed). */
  invalidate(): void {
    this.#cached = undefined;
    this.#last = undefined;
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
