/**
 * The `cron` subsystem: the cron engine (lib/cron) of this start on the start's clock, its store
 * under the state dir, its payloads run through the gateway's automation API — a system event is
 * queued into the agent's main session (and wakes the heartbeat when `wakeMode` is `now`); an
 * agent turn runs in the main session or the job's own isolated session
 * (`agent:<agentId>:cron:<jobId>`) and its reply goes through the outbound when the job asks
 * for delivery. Optional: a broken store degrades it and the gateway serves on. `cron.enabled:
 * false` / `OPENCLAW_SKIP_CRON=1` keep the store readable and writable but run nothing; health
 * says why. Hot reload of `cron.*` applies at once.
 *
 * Method handlers reach the engine through {@linkcode cronEngineOf}: the state object of a start
 * maps to its cron subsystem (a WeakMap, so nothing outlives the start).
 *
 * @module
 */
import { defaultAgentId } from "../../lib/agent/agents.ts";
import { buildMainSessionKey, normalizeMainKey } from "../../lib/agent/session_key.ts";
import { CronEngine } from "../../lib/cron/engine.ts";
import type { CronPayloadRunner, CronRunContext, CronRunOutcome } from "../../lib/cron/runner.ts";
import { resolveCronSettings } from "../../lib/cron/settings.ts";
import type { CronJob } from "../../lib/cron/types.ts";
import { OpenClawError } from "../../lib/errors.ts";
import { parseDeliveryTarget } from "../../lib/outbound/target.ts";
import { type Env, processEnv } from "../../lib/paths.ts";
import { CRON_EVENT } from "../../lib/protocol/constants.ts";
import type { GatewayState } from "../state.ts";
import type { GatewaySubsystem, SubsystemContext } from "./lifecycle.ts";

/** The part of the gateway state cron uses. */
export type CronHost = Pick<
  GatewayState,
  | "config"
  | "stateDir"
  | "broadcast"
  | "enqueueSystemEvent"
  | "heartbeat"
  | "runAutomationTurn"
  | "outbound"
>;

/** The cron subsystem plus its engine (undefined until started, or when the store is broken). */
export interface CronSubsystem extends GatewaySubsystem {
  engine(): CronEngine | undefined;
}

const byState = new WeakMap<object, CronSubsystem>();

/**
 * The running cron engine of the start `state` belongs to.
 *
 * @throws {OpenClawError} `CRON_UNAVAILABLE` when the subsystem is not running.
 */
export function cronEngineOf(state: object): CronEngine {
  const engine = byState.get(state)?.engine();
  if (!engine) {
    throw new OpenClawError(
      "CRON_UNAVAILABLE",
      "Cannot reach the cron scheduler: the cron subsystem is not running",
      { hint: "See `openclaw health` for why" },
    );
  }
  return engine;
}

function agentOf(host: CronHost, job: CronJob): string {
  return job.agentId ?? defaultAgentId(host.config);
}

/** Maps cron payloads to the gateway's automation API. */
export function cronPayloadRunner(host: CronHost): CronPayloadRunner {
  return {
    systemEvent(job, _ctx) {
      if (job.payload.kind !== "systemEvent") return { error: "not a system event" };
      const agentId = agentOf(host, job);
      const queued = host.enqueueSystemEvent({ agentId, text: job.payload.text, source: "cron" });
      if (!queued.ok) {
        return queued.reason === "unknown-agent"
          ? { skipped: "unknown-agent", text: `unknown agent "${agentId}"` }
          : { error: `cannot queue the system event: ${queued.reason}` };
      }
      // The heartbeat turn that picks the line up is its own run; cron does not wait for it.
      if (job.wakeMode === "now") {
        try {
          void host.heartbeat.wake({ reason: `cron:${job.id}`, agentId });
        } catch { /* no heartbeat running: the line waits for the session's next turn */ }
      }
      return { text: job.payload.text, sessionKey: queued.sessionKey };
    },

    async agentTurn(job: CronJob, ctx: CronRunContext): Promise<CronRunOutcome> {
      if (job.payload.kind !== "agentTurn") return { error: "not an agent turn" };
      const agentId = agentOf(host, job);
      const sessionKey = job.sessionTarget === "main"
        ? buildMainSessionKey(agentId, normalizeMainKey(host.config.session?.mainKey))
        : `agent:${agentId}:cron:${job.id}`;
      const p = job.payload;
      const turn = await host.runAutomationTurn({
        agentId,
        sessionKey,
        message: p.message,
        ...(p.model ? { model: p.model } : {}),
        ...(p.timeoutSeconds ? { timeoutSeconds: p.timeoutSeconds } : {}),
        ...(p.lightContext ? { lightContext: true } : {}),
        runId: ctx.runId,
        signal: ctx.signal,
      });
      const base = {
        sessionKey: turn.sessionKey,
        sessionId: turn.sessionId,
        ...(turn.model ? { model: turn.model } : {}),
      };
      if (turn.error) return { ...base, error: turn.error, text: turn.text || undefined };
      if (job.delivery?.mode === "webhook") {
        // Kept from a stock store; we do not post webhooks, and say so on every run.
        return {
          ...base,
          text: turn.text,
          delivered: false,
          deliveryStatus: "not-delivered",
          deliveryError: "webhook-not-supported",
        };
      }
      if (job.delivery?.mode !== "announce") return { ...base, text: turn.text };
      const d = job.delivery;
      const sent = await host.outbound.deliver(
        parseDeliveryTarget(d.channel, d.to, d.accountId),
        turn.text,
        { agentId, sessionKey: turn.sessionKey, kind: "cron", runId: ctx.runId },
      );
      return sent.status === "sent"
        ? { ...base, text: turn.text, delivered: true, deliveryStatus: "delivered" }
        : {
          ...base,
          text: turn.text,
          delivered: false,
          deliveryStatus: "not-delivered",
          deliveryError: sent.error ? `${sent.reason}: ${sent.error}` : sent.reason,
        };
    },
  };
}

/**
 * Creates the cron subsystem.
 *
 * @param host The gateway state (also the key {@linkcode cronEngineOf} finds it by).
 * @param env Where `OPENCLAW_SKIP_CRON` is read. @default processEnv()
 */
export function cronSubsystem(host: CronHost, env: Env = processEnv()): CronSubsystem {
  let engine: CronEngine | undefined;
  let started: SubsystemContext | undefined;

  const build = () => {
    const ctx = started!;
    const settings = resolveCronSettings(host.config, env, host.stateDir);
    const next = new CronEngine({
      settings,
      clock: ctx.clock,
      runner: cronPayloadRunner(host),
      onEvent: (event) => {
        host.broadcast(CRON_EVENT, event, { dropIfSlow: true });
        if (event.action === "finished" && event.status === "error") {
          ctx.log.warn(`job ${event.jobId} run ${event.runId} failed: ${event.error}`);
        }
      },
      log: { info: (m) => ctx.log.info(m), warn: (m) => ctx.log.warn(m) },
      defaultAgentId: () => defaultAgentId(host.config),
    });
    next.start();
    const s = next.status();
    ctx.log.info(
      s.enabled
        ? `scheduler started (${s.jobs} jobs, store ${settings.storePath})`
        : `scheduler disabled (${settings.disabledReason}); ${s.jobs} jobs kept`,
    );
    return next;
  };

  const subsystem: CronSubsystem = {
    id: "cron",
    required: false,
    after: ["agent"],
    configPaths: ["cron", "agents.defaults.userTimezone"],
    start(ctx) {
      started = ctx;
      engine = build();
    },
    reload({ config }) {
      if (!engine) return;
      const settings = resolveCronSettings(config, env, host.stateDir);
      if (settings.storePath !== engine.settings.storePath) {
        // Another store is another set of jobs: settle this one, then load that one.
        engine.stop();
        engine = build();
        return;
      }
      engine.setSettings(settings);
    },
    stop() {
      engine?.stop();
      engine = undefined;
    },
    engine: () => engine,
    health() {
      if (!engine) return {};
      const s = engine.status();
      return {
        enabled: s.enabled,
        ...(s.disabledReason ? { disabledReason: s.disabledReason } : {}),
        jobs: s.jobs,
        running: s.running,
        nextWakeAtMs: s.nextWakeAtMs,
      };
    },
  };
  byState.set(host, subsystem);
  return subsystem;
}
