/**
 * One heartbeat of one agent. Every skip that needs no model call is decided first, cheapest
 * first, and recorded with its reason: the on/off switch (`disabled`), today's budget
 * (`daily-budget`), active hours (`quiet-hours`, scheduled ticks only), all visibility off
 * (`alerts-disabled`), the agent busy with another turn (`requests-in-flight`: a scheduled check
 * is deferred, a wake queues behind the turn), the session idle for `idleSkipDays`
 * (`session-idle`), an effectively empty HEARTBEAT.md with no queued system events
 * (`empty-heartbeat-file`), an unreachable target (`no-last-target`, `channel-not-connected`,
 * ...). Only then does the turn run -- a full agent turn in the session --
 * and its reply is classified: nothing (`ok-empty`), an ack (`ok-token`, delivered only with
 * `showOk`), or an alert delivered through the outbound (`sent`), with an extra `Reasoning:`
 * message when `includeReasoning` is on.
 *
 * @module
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { classifyReply } from "../outbound/silent_tokens.ts";
import { describeTarget } from "../outbound/target.ts";
import type { DeliverOptions, Outbound } from "../outbound/types.ts";
import { isWithinActiveHours } from "./active_hours.ts";
import { readHeartbeatFile } from "./heartbeat_file.ts";
import { type HeartbeatSettings, resolveVisibility, userTimeZone } from "./settings.ts";
import { dayKey, type HeartbeatStateStore } from "./state_store.ts";
import type { AutomationTurnRunner, HeartbeatEvent } from "./types.ts";

/** What one heartbeat needs from its host. */
export interface HeartbeatRunDeps {
  now(): number;
  config(): OpenClawConfig;
  store: HeartbeatStateStore;
  /** The agent's workspace directory (for HEARTBEAT.md). */
  workspaceOf(agentId: string): string;
  /** The agent's main session key. */
  mainSessionKey(agentId: string): string;
  /** System events queued for a session. */
  pendingSystemEvents(sessionKey: string): number;
  /** True while the agent runs another turn. */
  isBusy(agentId: string): boolean;
  /** The session's store `updatedAt`, if it exists. */
  sessionUpdatedAt(agentId: string, sessionKey: string): Promise<number | undefined>;
  outbound: Pick<Outbound, "deliver" | "probe">;
  runTurn: AutomationTurnRunner;
  log?: { info(message: string): void; warn(message: string): void };
}

/** What started a heartbeat: `interval` (the schedule) or a wake reason. */
export interface HeartbeatTrigger {
  reason: string;
  /** Run in this session instead of the agent's main session. */
  sessionKey?: string;
}

const DAY_MS = 86_400_000;
const PREVIEW_CHARS = 200;

function indicator(
  status: HeartbeatEvent["status"],
  useIndicator: boolean,
): Pick<HeartbeatEvent, "indicatorType"> {
  if (!useIndicator) return {};
  if (status === "ok-empty" || status === "ok-token") return { indicatorType: "ok" };
  if (status === "sent") return { indicatorType: "alert" };
  if (status === "failed") return { indicatorType: "error" };
  return {};
}

/** Returns the skip reason when the session counts as idle, else undefined. */
async function idleReason(
  deps: HeartbeatRunDeps,
  s: HeartbeatSettings,
  sessionKey: string,
  day: string,
): Promise<string | undefined> {
  if (!s.idleSkipDays) return undefined;
  const updatedAt = await deps.sessionUpdatedAt(s.agentId, sessionKey);
  if (updatedAt === undefined) return undefined;
  const mark = deps.store.agent(s.agentId, day);
  // A store time other than the one our last heartbeat left means someone really used it.
  if (mark.heartbeatTouchedAt === undefined || mark.heartbeatTouchedAt !== updatedAt) {
    mark.lastRealActivityAt = updatedAt;
  }
  const lastReal = mark.lastRealActivityAt ?? updatedAt;
  return deps.now() - lastReal > s.idleSkipDays * DAY_MS ? "session-idle" : undefined;
}

/**
 * Runs (or skips) one heartbeat and records it in the store (counters, last event).
 *
 * @param deps The host.
 * @param settings The agent's resolved settings.
 * @param trigger Why it runs.
 * @returns The heartbeat event (not yet broadcast).
 */
export async function runHeartbeatOnce(
  deps: HeartbeatRunDeps,
  settings: HeartbeatSettings,
  trigger: HeartbeatTrigger,
): Promise<HeartbeatEvent> {
  const started = deps.now();
  const config = deps.config();
  const day = dayKey(started, userTimeZone(config));
  const agentId = settings.agentId;
  const sessionKey = trigger.sessionKey ?? settings.session ?? deps.mainSessionKey(agentId);
  const base = { agentId, trigger: trigger.reason };
  const target = settings.target;
  const explicit = typeof target === "object" ? target : undefined;
  const visibility = resolveVisibility(config, settings, explicit?.channel, explicit?.accountId);

  const skip = (reason: string, extra: Partial<HeartbeatEvent> = {}): HeartbeatEvent => {
    deps.store.recordSkip(agentId, day, reason);
    return { ts: deps.now(), status: "skipped", reason, ...base, ...extra };
  };

  if (!deps.store.enabled) return skip("disabled");
  const today = deps.store.agent(agentId, day);
  if (today.stoppedReason) return skip("daily-budget", { message: today.stoppedReason });
  if (
    trigger.reason === "interval" && settings.activeHours &&
    !isWithinActiveHours(started, settings.activeHours)
  ) {
    return skip("quiet-hours");
  }
  if (!visibility.showOk && !visibility.showAlerts && !visibility.useIndicator) {
    return skip("alerts-disabled");
  }
  // A scheduled check defers to a running turn; a wake queues behind it (it is about news).
  if (trigger.reason === "interval" && deps.isBusy(agentId)) return skip("requests-in-flight");
  const idle = await idleReason(deps, settings, sessionKey, day);
  if (idle) return skip(idle);
  const file = await readHeartbeatFile(deps.workspaceOf(agentId));
  if (file.exists && file.empty && deps.pendingSystemEvents(sessionKey) === 0) {
    return skip("empty-heartbeat-file");
  }
  const deliverOptions: DeliverOptions = {
    agentId,
    sessionKey,
    kind: "heartbeat",
    ackMaxChars: settings.ackMaxChars,
    directPolicy: settings.directPolicy,
  };
  const route = await deps.outbound.probe(target, deliverOptions);
  if (!route.ok && route.reason !== "target-none") {
    return skip(route.reason, { ...(route.channel ? { channel: route.channel } : {}) });
  }

  const result = await deps.runTurn({
    agentId,
    sessionKey,
    message: settings.prompt,
    ...(settings.model ? { model: settings.model } : {}),
    ...(settings.timeoutSeconds ? { timeoutSeconds: settings.timeoutSeconds } : {}),
    ...(settings.lightContext ? { lightContext: true } : {}),
    ...(file.exists && !file.empty
      ? { extraSystemPrompt: `## HEARTBEAT.md\n\n${file.content.trim()}` }
      : {}),
  });
  const tokens = result.usage.totalTokens;
  deps.store.recordRun(agentId, day, tokens, result.usage.costUsd);
  checkBudget(deps, settings, day);
  const touched = await deps.sessionUpdatedAt(agentId, sessionKey);
  if (touched !== undefined) deps.store.agent(agentId, day).heartbeatTouchedAt = touched;
  const durationMs = deps.now() - started;
  const done = { ...base, durationMs, tokens };

  if (result.error) {
    return {
      ts: deps.now(),
      status: "failed",
      reason: "agent-failure",
      message: result.error,
      ...indicator("failed", visibility.useIndicator),
      ...done,
    };
  }
  const reply = classifyReply(result.text, { heartbeat: true, ackMaxChars: settings.ackMaxChars });
  const routeVisibility = route.ok
    ? resolveVisibility(config, settings, route.channel, route.accountId)
    : visibility;
  const options = { ...deliverOptions, runId: result.runId, visibility: routeVisibility };
  if (reply.kind === "empty" || reply.kind === "ack") {
    const status = reply.kind === "empty" ? "ok-empty" : "ok-token";
    const sent = reply.kind === "ack" && routeVisibility.showOk
      ? await deps.outbound.deliver(target, result.text, options)
      : undefined;
    return {
      ts: deps.now(),
      status,
      silent: sent?.status !== "sent",
      ...(sent?.status === "sent" ? { channel: sent.channel, preview: sent.text } : {}),
      ...indicator(status, routeVisibility.useIndicator),
      ...done,
    };
  }
  const delivered = await deps.outbound.deliver(target, result.text, options);
  const preview = reply.text.slice(0, PREVIEW_CHARS);
  if (delivered.status !== "sent") {
    return {
      ts: deps.now(),
      status: "skipped",
      reason: delivered.reason,
      preview,
      ...(delivered.channel ? { channel: delivered.channel } : {}),
      ...(delivered.to ? { to: delivered.to } : {}),
      ...(target === "none"
        ? { message: "Heartbeat delivery is disabled by configuration (target: none)." }
        : {}),
      ...done,
    };
  }
  if (settings.includeReasoning && result.reasoning) {
    await deps.outbound.deliver(target, `Reasoning: ${result.reasoning}`, options);
  }
  deps.log?.info(`heartbeat alert for ${agentId} delivered to ${describeTarget(target)}`);
  return {
    ts: deps.now(),
    status: "sent",
    channel: delivered.channel,
    ...(delivered.to ? { to: delivered.to } : {}),
    ...(delivered.accountId ? { accountId: delivered.accountId } : {}),
    preview,
    hasMedia: false,
    ...indicator("sent", routeVisibility.useIndicator),
    ...done,
  };
}

/** Stops the agent's heartbeats for the rest of the day once a daily budget is used up. */
function checkBudget(deps: HeartbeatRunDeps, s: HeartbeatSettings, day: string): void {
  const today = deps.store.agent(s.agentId, day);
  let why: string | undefined;
  if (s.maxTokensPerDay && today.tokens >= s.maxTokensPerDay) {
    why = `heartbeats used ${today.tokens} tokens today (maxTokensPerDay ${s.maxTokensPerDay})`;
  } else if (s.maxCostPerDayUsd && today.costUsd >= s.maxCostPerDayUsd) {
    why = `heartbeats cost $${
      today.costUsd.toFixed(4)
    } today (maxCostPerDayUsd ${s.maxCostPerDayUsd})`;
  }
  if (why && deps.store.stopForToday(s.agentId, day, why)) {
    deps.log?.warn(`heartbeats of agent ${s.agentId} stopped for today: ${why}`);
  }
}
