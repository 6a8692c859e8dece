/**
 * Everything the heartbeat runner needs to know about one agent, resolved from the config:
 * `agents.defaults.heartbeat` (or the legacy `agent.heartbeat`) with the agent's own
 * `agents.list[].heartbeat` merged on top, key by key; the per-agent rule (once any agent has a
 * heartbeat block, only those agents heartbeat); defaults filled in; and the visibility flags
 * with their channel and account overrides.
 *
 * @module
 */
import { hostTimeZone, isValidTimeZone } from "../timezone.ts";
import { defaultAgentId, listAgents } from "../agent/agents.ts";
import { canonicalSessionKey } from "../agent/session_key.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import { parseDeliveryTarget } from "../outbound/target.ts";
import type { DeliveryTarget } from "../outbound/types.ts";
import { DEFAULT_ACK_MAX_CHARS } from "../outbound/silent_tokens.ts";
import { type ActiveHours, parseActiveHours } from "./active_hours.ts";
import {
  DEFAULT_HEARTBEAT_EVERY,
  DEFAULT_HEARTBEAT_TARGET,
  mergedHeartbeatBlock,
  parseDurationMs,
} from "./config.ts";

/** The heartbeat prompt when none is configured (sent as the turn's user message). */
export const DEFAULT_HEARTBEAT_PROMPT = "This is a scheduled heartbeat check. Read HEARTBEAT.md " +
  "(workspace context) if it exists and follow it strictly. Do not infer or repeat old tasks " +
  "from prior chats. If nothing needs attention, reply HEARTBEAT_OK.";

/** Heartbeat visibility (automation.md §1.2). */
export interface HeartbeatVisibility {
  showOk: boolean;
  showAlerts: boolean;
  useIndicator: boolean;
}

/** The built-in visibility. */
export const DEFAULT_VISIBILITY: Readonly<HeartbeatVisibility> = {
  showOk: false,
  showAlerts: true,
  useIndicator: true,
};

/** One agent's heartbeat settings. */
export interface HeartbeatSettings {
  agentId: string;
  /** The per-agent rule lets it heartbeat and `enabled` is not false (wakes may run it). */
  participates: boolean;
  /** Scheduled heartbeats: participates and the interval is above zero. */
  scheduled: boolean;
  /** The interval as configured (`"30m"`). */
  every: string;
  /** The interval in ms (0 when off or not a duration). */
  everyMs: number;
  target: DeliveryTarget;
  prompt: string;
  model?: string;
  /** Run in this session instead of the main one (`session`). */
  session?: string;
  activeHours?: ActiveHours;
  lightContext: boolean;
  includeReasoning: boolean;
  directPolicy: "allow" | "block";
  timeoutSeconds?: number;
  ackMaxChars: number;
  idleSkipDays?: number;
  maxTokensPerDay?: number;
  maxCostPerDayUsd?: number;
  /** The visibility flags of the heartbeat block itself (channel overrides come later). */
  visibility: Partial<HeartbeatVisibility>;
}

type Block = NonNullable<NonNullable<OpenClawConfig["agents"]>["defaults"]>["heartbeat"];

export { hostTimeZone, isValidTimeZone } from "../timezone.ts";

/** `agents.defaults.userTimezone` when it is a valid zone, else the host's. */
export function userTimeZone(config: OpenClawConfig): string {
  const tz = config.agents?.defaults?.userTimezone;
  return tz && isValidTimeZone(tz) ? tz : hostTimeZone();
}

function pickVisibility(block: unknown): Partial<HeartbeatVisibility> {
  if (typeof block !== "object" || block === null) return {};
  const out: Partial<HeartbeatVisibility> = {};
  for (const key of ["showOk", "showAlerts", "useIndicator"] as const) {
    const v = Object.hasOwn(block, key) ? (block as Record<string, unknown>)[key] : undefined;
    if (typeof v === "boolean") out[key] = v;
  }
  return out;
}

/** `session` as a canonical key; the main session (or an invalid key) means none. */
function sessionOf(
  raw: string | undefined,
  agentId: string,
  mainKey: string | undefined,
): { session?: string } {
  if (!raw?.trim() || raw.trim().toLowerCase() === "main") return {};
  try {
    return { session: canonicalSessionKey(raw, agentId, mainKey) };
  } catch {
    return {};
  }
}

/**
 * Resolves one agent's heartbeat settings.
 *
 * @param config The running config.
 * @param agentId The agent (normalised before lookup).
 * @returns The settings with defaults filled in.
 * @example
 * ```ts
 * resolveHeartbeatSettings(config, "main").everyMs; // 1_800_000 with nothing configured
 * ```
 */
export function resolveHeartbeatSettings(
  config: OpenClawConfig,
  agentId: string,
): HeartbeatSettings {
  const { id, hb, participates, every } = mergedHeartbeatBlock(config, agentId);
  const everyMs = parseDurationMs(hb.every ?? DEFAULT_HEARTBEAT_EVERY) ?? 0;
  const activeHours = hb.activeHours
    ? parseActiveHours(hb.activeHours, userTimeZone(config))
    : undefined;
  return {
    agentId: id,
    participates,
    scheduled: participates && everyMs > 0,
    every,
    everyMs,
    target: parseDeliveryTarget(hb.target ?? DEFAULT_HEARTBEAT_TARGET, hb.to, hb.accountId),
    prompt: hb.prompt?.trim() ? hb.prompt : DEFAULT_HEARTBEAT_PROMPT,
    ...(hb.model ? { model: hb.model } : {}),
    ...sessionOf(hb.session, id, config.session?.mainKey),
    ...(activeHours ? { activeHours } : {}),
    lightContext: hb.lightContext === true,
    includeReasoning: hb.includeReasoning === true,
    directPolicy: hb.directPolicy === "block" ? "block" : "allow",
    ...(hb.timeoutSeconds ? { timeoutSeconds: hb.timeoutSeconds } : {}),
    ackMaxChars: hb.ackMaxChars ?? DEFAULT_ACK_MAX_CHARS,
    ...(hb.idleSkipDays ? { idleSkipDays: hb.idleSkipDays } : {}),
    ...(hb.maxTokensPerDay ? { maxTokensPerDay: hb.maxTokensPerDay } : {}),
    ...(hb.maxCostPerDayUsd ? { maxCostPerDayUsd: hb.maxCostPerDayUsd } : {}),
    visibility: pickVisibility(hb),
  };
}

/**
 * The agents that take part in heartbeats (the per-agent rule applied; `enabled: false` out).
 *
 * @param config The running config.
 * @returns Each participating agent's settings, in config order.
 */
export function heartbeatAgents(config: OpenClawConfig): HeartbeatSettings[] {
  return listAgents(config)
    .map((a) => resolveHeartbeatSettings(config, a.id))
    .filter((s) => s.participates);
}

/**
 * The agent a wake without an agent goes to when no agent takes part in heartbeats: the default
 * agent (so `system event --mode now` still reaches someone).
 */
export function fallbackWakeAgent(config: OpenClawConfig): string {
  return defaultAgentId(config);
}

/**
 * Resolves visibility for a delivery on `channel` (and `accountId`): account -> channel ->
 * the heartbeat block -> `channels.defaults` -> built-in. Channel blocks may spell the key
 * `heartbeat` (ours) or `heartbeatVisibility` (stock).
 *
 * @param config The running config.
 * @param settings The agent's heartbeat settings.
 * @param channel The channel the delivery goes to, when known.
 * @param accountId The account, when known.
 * @returns All three flags.
 */
export function resolveVisibility(
  config: OpenClawConfig,
  settings: Pick<HeartbeatSettings, "visibility">,
  channel?: string,
  accountId?: string,
): HeartbeatVisibility {
  const channels = (config.channels ?? {}) as Record<string, unknown>;
  const blockOf = (obj: unknown): Partial<HeartbeatVisibility> => {
    if (typeof obj !== "object" || obj === null) return {};
    const rec = obj as Record<string, unknown>;
    return {
      ...pickVisibility(Object.hasOwn(rec, "heartbeatVisibility") ? rec.heartbeatVisibility : {}),
      ...pickVisibility(Object.hasOwn(rec, "heartbeat") ? rec.heartbeat : {}),
    };
  };
  const get = (obj: unknown, key: string): unknown =>
    typeof obj === "object" && obj !== null && Object.hasOwn(obj, key)
      ? (obj as Record<string, unknown>)[key]
      : undefined;
  const channelBlock = channel ? get(channels, channel) : undefined;
  const accountBlock = accountId ? get(get(channelBlock, "accounts"), accountId) : undefined;
  return {
    ...DEFAULT_VISIBILITY,
    ...blockOf(get(channels, "defaults")),
    ...settings.visibility,
    ...blockOf(channelBlock),
    ...blockOf(accountBlock),
  };
}
