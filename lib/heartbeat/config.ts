/**
 * The heartbeat settings of one agent, as the config states them: `agents.defaults.heartbeat`
 * (or the legacy `agent.heartbeat`) with the agent's own `agents.list[].heartbeat` merged on top
 * (reference/cli-and-config.md §7). The health summary reports them; a heartbeat runner will
 * read the same resolution, so both agree on whether and how often an agent heartbeats.
 *
 * @module
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { normalizeAgentId } from "../agent/session_key.ts";

/** Interval when none is configured (stock's default without Anthropic OAuth). */
export const DEFAULT_HEARTBEAT_EVERY = "30m";
/** Delivery target when none is configured. */
export const DEFAULT_HEARTBEAT_TARGET = "last";
/** Replies at most this long around `HEARTBEAT_OK` are dropped. */
export const DEFAULT_HEARTBEAT_ACK_MAX_CHARS = 300;

/** A duration unit of the config's duration strings. */
export type DurationUnit = "ms" | "s" | "m" | "h" | "d";

const UNIT_MS: Readonly<Record<DurationUnit, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Parses a config duration the way the config schema accepts it: `30m`, `1h`, `45s`, `500ms`,
 * `1d`, compounds such as `1h30m`, and bare numbers (strings or numbers) in `defaultUnit`.
 *
 * @param value A config value (anything; non-durations give null).
 * @param defaultUnit The unit of a bare number.
 * @default defaultUnit "m" (stock's unit for heartbeat intervals)
 * @returns Milliseconds, or null when `value` is not a duration (negative numbers included).
 * @example
 * ```ts
 * parseDurationMs("1h30m"); // 5_400_000
 * parseDurationMs(5); // 300_000
 * parseDurationMs("soon"); // null
 * ```
 */
export function parseDurationMs(value: unknown, defaultUnit: DurationUnit = "m"): number | null {
  if (typeof value === "number") {
    return Number.isFinite(value) && value >= 0 ? value * UNIT_MS[defaultUnit] : null;
  }
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (text === "") return null;
  // One `<number><unit?>` part at a time; the schema allows several in a row (`1h30m`).
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)?/y;
  let total = 0;
  while (part.lastIndex < text.length) {
    const m = part.exec(text);
    if (!m) return null;
    total += Number(m[1]) * UNIT_MS[(m[2] ?? defaultUnit) as DurationUnit];
  }
  return total;
}

/**
 * One agent's heartbeat as the health summary shows it (`agents[].heartbeat`); the runner's full
 * settings are lib/heartbeat/settings.ts's `resolveHeartbeatSettings`.
 */
export interface HeartbeatConfig {
  /**
   * False when the interval is zero or unparseable, `enabled: false`, or another agent alone has
   * heartbeats.
   */
  enabled: boolean;
  /** The interval as configured (a bare number is shown in minutes, `45` -> `"45m"`). */
  every: string;
  /** The interval in milliseconds, or null when `every` is not a duration. */
  everyMs: number | null;
  /** The user message sent on each heartbeat, when configured. */
  prompt?: string;
  /** Where replies go: `last`, `none` or a channel id. */
  target: string;
  /** Replies at most this long around `HEARTBEAT_OK` are dropped. */
  ackMaxChars: number;
}

type HeartbeatBlock = NonNullable<NonNullable<OpenClawConfig["agents"]>["defaults"]>["heartbeat"];

/**
 * Resolves the heartbeat settings of one agent: the defaults block (`agents.defaults.heartbeat`,
 * else the legacy `agent.heartbeat`) with the agent's own block merged on top, key by key. As in
 * stock, once any `agents.list[]` entry has a `heartbeat` block, only those agents heartbeat.
 *
 * @param config The running config.
 * @param agentId The agent (compared after normalising, like every agent id).
 * @returns The settings, defaults filled in.
 * @example
 * ```ts
 * resolveHeartbeatConfig(config, "main").everyMs; // 1_800_000 with nothing configured
 * ```
 */
export function resolveHeartbeatConfig(config: OpenClawConfig, agentId: string): HeartbeatConfig {
  const { hb, participates, every } = mergedHeartbeatBlock(config, agentId);
  const everyMs = parseDurationMs(hb.every ?? DEFAULT_HEARTBEAT_EVERY);
  return {
    enabled: everyMs !== null && everyMs > 0 && participates,
    every,
    everyMs,
    ...(typeof hb.prompt === "string" ? { prompt: hb.prompt } : {}),
    target: typeof hb.target === "string" ? hb.target : DEFAULT_HEARTBEAT_TARGET,
    ackMaxChars: typeof hb.ackMaxChars === "number"
      ? hb.ackMaxChars
      : DEFAULT_HEARTBEAT_ACK_MAX_CHARS,
  };
}

/** One agent's merged heartbeat block and whether the per-agent rule lets it take part. */
export interface MergedHeartbeatBlock {
  /** The agent id, normalised. */
  id: string;
  /** The defaults block with the agent's own block merged on top, key by key. */
  hb: NonNullable<HeartbeatBlock>;
  /** False when another agent alone has a block (the per-agent rule) or `enabled: false`. */
  participates: boolean;
  /** The interval as configured (a bare number shown in minutes). */
  every: string;
}

/**
 * Merges one agent's heartbeat block over the defaults (`agents.defaults.heartbeat`, else the
 * legacy `agent.heartbeat`) and applies stock's rule: once any `agents.list[]` entry has a block,
 * only those agents heartbeat. The health summary and the runner's settings both start here.
 *
 * @param config The running config.
 * @param agentId The agent (compared after normalising).
 * @returns The merged block and what the rule decided.
 */
export function mergedHeartbeatBlock(
  config: OpenClawConfig,
  agentId: string,
): MergedHeartbeatBlock {
  const defaults: HeartbeatBlock = config.agents?.defaults?.heartbeat ?? config.agent?.heartbeat;
  const list = config.agents?.list ?? [];
  const id = normalizeAgentId(agentId);
  const own = list.find((a) => normalizeAgentId(a.id) === id)?.heartbeat;
  const onlyListed = list.some((a) => a.heartbeat !== undefined);
  const hb = { ...defaults, ...own };
  const every = typeof hb.every === "number"
    ? `${hb.every}m`
    : typeof hb.every === "string"
    ? hb.every
    : DEFAULT_HEARTBEAT_EVERY;
  return {
    id,
    hb,
    participates: (!onlyListed || own !== undefined) && hb.enabled !== false,
    every,
  };
}
