/**
 * The `heartbeat` subsystem: the scheduler of lib/heartbeat/runner.ts on the start's clock, fed
 * by the gateway state (config, system events, busy agents, the outbound, automation turns). It
 * re-plans on a hot reload of `agents.defaults.heartbeat` / `agents.list` (no restart), keeps the
 * on/off switch and today's counters in `<stateDir>/heartbeat/state.json`, and broadcasts every
 * heartbeat as a `heartbeat` event to operator clients.
 *
 * @module
 */
import { HEARTBEAT_EVENT } from "../../lib/protocol/events.ts";
import type { Logger } from "../../lib/log/mod.ts";
import { resolveAgent } from "../../lib/agent/agents.ts";
import { buildMainSessionKey } from "../../lib/agent/session_key.ts";
import { readSessionEntry } from "../../lib/heartbeat/session_entry.ts";
import { HeartbeatRunner } from "../../lib/heartbeat/runner.ts";
import {
  heartbeatAgents,
  type HeartbeatSettings,
  userTimeZone,
} from "../../lib/heartbeat/settings.ts";
import { dayKey, HeartbeatStateStore } from "../../lib/heartbeat/state_store.ts";
import type { HeartbeatEvent } from "../../lib/heartbeat/types.ts";
import { processEnv } from "../../lib/paths.ts";
import type { ActiveTurns } from "../automation/active_turns.ts";
import type { HeartbeatControl, HeartbeatStatusSummary } from "../automation/types.ts";
import type { GatewayState } from "../state.ts";
import { freezeJson } from "../methods/json_text.ts";
import type { GatewaySubsystem } from "./lifecycle.ts";

/** The part of the gateway state heartbeats use. */
export type HeartbeatHost =
  & Pick<
    GatewayState,
    "config" | "stateDir" | "clock" | "systemEvents" | "outbound" | "broadcast"
  >
  & Pick<GatewayState, "runAutomationTurn">
  & { readonly activeTurns: ActiveTurns };

/** The heartbeat subsystem plus the control the state exposes as `state.heartbeat`. */
export interface HeartbeatSubsystem extends GatewaySubsystem, HeartbeatControl {}

/** Creates the heartbeat subsystem. */
export function heartbeatSubsystem(host: HeartbeatHost): HeartbeatSubsystem {
  let log: Logger | undefined;
  let store: HeartbeatStateStore | undefined;
  let runner: HeartbeatRunner | undefined;
  // Read lazily so `enabled()` and `last()` answer even before start.
  const theStore = () => store ??= new HeartbeatStateStore(host.stateDir);
  // The settings and zone per config object (a reload swaps it): `health` asks on every call.
  let resolved: { config: unknown; agents: HeartbeatSettings[]; tz: string } | undefined;
  const settingsOf = (config: GatewayState["config"]) =>
    resolved?.config === config
      ? resolved
      : resolved = { config, agents: heartbeatAgents(config), tz: userTimeZone(config) };

  const build = (
    s: HeartbeatStateStore,
    agents: HeartbeatSettings[],
    day: string,
  ): HeartbeatStatusSummary => ({
    enabled: s.enabled,
    last: s.last,
    agents: agents.map((hb) => {
      const { stoppedReason, day: d, runs, skips, tokens, costUsd } = s.agent(hb.agentId, day);
      return {
        agentId: hb.agentId,
        scheduled: hb.scheduled,
        every: hb.every,
        nextDueAt: runner?.nextDue(hb.agentId) ?? null,
        today: { day: d, runs, skips: { ...skips }, tokens, costUsd },
        ...(stoppedReason ? { stoppedToday: stoppedReason } : {}),
      };
    }),
  });

  /**
   * The last summary and what it was built from: `health` asks on every call, and the answer
   * changes only with the store (switch, last event, counters), the schedule, the config or the
   * day -- each part of the key below.
   */
  let cache:
    | {
      store: number;
      runner: HeartbeatRunner | undefined;
      schedule: number;
      settings: object;
      day: string;
      value: HeartbeatStatusSummary;
    }
    | undefined;

  const summary = (): HeartbeatStatusSummary => {
    const s = theStore();
    const settings = settingsOf(host.config);
    const day = dayKey(host.clock.now(), settings.tz);
    const c = cache;
    if (
      c && c.store === s.revision && c.runner === runner &&
      c.schedule === (runner?.revision ?? 0) &&
      c.settings === settings && c.day === day
    ) return c.value;
    const built = build(s, settings.agents, day);
    const value = freezeJson(built);
    // Read after the build: a new day resets the agents' counters in the store.
    cache = value && {
      store: s.revision,
      runner,
      schedule: runner?.revision ?? 0,
      settings,
      day,
      value,
    };
    return value ?? built;
  };

  return {
    id: "heartbeat",
    required: false,
    after: ["agent"],
    configPaths: [
      "agents.defaults.heartbeat",
      "agents.defaults.userTimezone",
      "agents.list",
      "agent.heartbeat",
    ],
    start(ctx) {
      log = ctx.log;
      const s = theStore();
      runner = new HeartbeatRunner({
        clock: ctx.clock,
        now: () => ctx.clock.now(),
        config: () => host.config,
        store: s,
        workspaceOf: (agentId) =>
          resolveAgent(host.config, agentId, { stateDir: host.stateDir, env: processEnv() })
            .workspace,
        mainSessionKey: (agentId) => buildMainSessionKey(agentId, host.config.session?.mainKey),
        pendingSystemEvents: (key) => host.systemEvents.count(key),
        isBusy: (agentId) => host.activeTurns.busy(agentId),
        sessionUpdatedAt: async (agentId, key) => {
          const entry = await readSessionEntry(host.stateDir, agentId, key);
          return typeof entry?.updatedAt === "number" ? entry.updatedAt : undefined;
        },
        outbound: host.outbound,
        runTurn: (request) => host.runAutomationTurn(request),
        emit: (event: HeartbeatEvent) => {
          host.broadcast(HEARTBEAT_EVENT, event, { dropIfSlow: true });
          const what = event.reason ? `${event.status} (${event.reason})` : event.status;
          log?.info(`heartbeat ${event.agentId ?? ""}: ${what}`);
        },
        persist: () => s.save(),
        log: { info: (m) => log?.info(m), warn: (m) => log?.warn(m) },
      });
      runner.plan();
      const agents = heartbeatAgents(host.config).filter((a) => a.scheduled);
      const desc = agents.map((a) => `${a.agentId} every ${a.every}`).join(", ") || "none";
      ctx.log.info(`[heartbeat] started (${s.enabled ? desc : "disabled"})`);
    },
    reload() {
      runner?.plan();
    },
    stop() {
      runner?.stop();
      runner = undefined;
    },
    health() {
      const s = theStore();
      return {
        enabled: s.enabled,
        agents: heartbeatAgents(host.config).filter((a) => a.scheduled).map((a) => a.agentId),
        ...(s.last ? { lastStatus: s.last.status, lastAt: s.last.ts } : {}),
      };
    },

    wake: (request) => runner ? runner.wake(request) : Promise.resolve([]),
    enabled: () => theStore().enabled,
    async setEnabled(enabled) {
      theStore().setEnabled(enabled);
      log?.info(`heartbeats ${enabled ? "enabled" : "disabled"} (persisted)`);
      await Promise.resolve();
    },
    last: () => theStore().last,
    summary,
  };
}
