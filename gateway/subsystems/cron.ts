/**
 * The `cron` subsystem: the cron engine (lib/cron) of this start on the start's clock, its store
 * under the state dir, its payloads run through the gateway's automation API -- a system event is
 * queued into the agent's main session (and wakes the heartbeat when `wakeMode` is `now`); an
 * agent turn runs in the main session or the job's own isolated session
 * (`agent:<agentId>:cron:<jobId>`) and its reply goes through the outbound when the job asks
 * for delivery. Optional: a broken store degrades it and the gateway serves on. `cron.enabled:
 * false` / `OPENCLAW_SKIP_CRON=1` keep the store readable and writable but run nothing; health
 * says why. Hot reload of `cron.*` applies at once.
 *
 * The engine (and with it the job schemas, zod and croner) loads only when there is work for it:
 * at start when the store is not certainly empty (lib/cron/store_probe.ts), else at the first
 * `cron.*` call or a reload onto a store with jobs. Until then `health` is answered from the
 * settings alone, with what an engine without jobs would say.
 *
 * Method handlers reach the engine through {@linkcode cronEngineOf}: the state object of a start
 * maps to its cron subsystem (a WeakMap, so nothing outlives the start).
 *
 * @module
 */
import { defaultAgentId } from "../../lib/agent/agents.ts";
import { buildMainSessionKey, normalizeMainKey } from "../../lib/agent/session_key.ts";
import type { CronEngine } from "../../lib/cron/engine.ts";
import type { CronPayloadRunner, CronRunContext, CronRunOutcome } from "../../lib/cron/runner.ts";
import { type CronSettings, resolveCronSettings } from "../../lib/cron/settings.ts";
import { storeHoldsNoJobs } from "../../lib/cron/store_probe.ts";
import type { CronJob } from "../../lib/cron/types.ts";
import { errorMessage, OpenClawError } from "../../lib/errors.ts";
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

/** The cron subsystem plus its engine, loaded on demand. */
export interface CronSubsystem extends GatewaySubsystem {
  /** The engine when it is loaded; undefined before its first use, or when the store is broken. */
  engine(): CronEngine | undefined;
  /**
   * The engine, loaded on first use (concurrent callers share one load).
   *
   * @throws {OpenClawError} `CRON_UNAVAILABLE` when the subsystem is not running or its store
   * could not be loaded.
   */
  load(): Promise<CronEngine>;
}

const byState = new WeakMap<object, CronSubsystem>();

function unavailable(): OpenClawError {
  return new OpenClawError(
    "CRON_UNAVAILABLE",
    "Cannot reach the cron scheduler: the cron subsystem is not running",
    { hint: "See `openclaw health` for why" },
  );
}

/**
 * The cron engine of the start `state` belongs to, loaded on first use.
 *
 * @throws {OpenClawError} `CRON_UNAVAILABLE` (as a rejection) when the subsystem is not running.
 */
export function cronEngineOf(state: object): Promise<CronEngine> {
  const subsystem = byState.get(state);
  return subsystem ? subsystem.load() : Promise.reject(unavailable());
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
  /** Set from start to stop. */
  let started: SubsystemContext | undefined;
  /** The settings in force: the start's config, then each reload's. */
  let settings: CronSettings | undefined;
  let engine: CronEngine | undefined;
  let loading: Promise<CronEngine> | undefined;
  /** Why the engine could not load its store: the subsystem stays degraded until a restart. */
  let broken: string | undefined;
  /** The store whose "scheduler started" line is already logged. */
  let announced: string | undefined;

  const announce = (log: SubsystemContext["log"], s: CronSettings, jobs: number) => {
    announced = s.storePath;
    log.info(
      s.enabled
        ? `scheduler started (${jobs} jobs, store ${s.storePath})`
        : `scheduler disabled (${s.disabledReason}); ${jobs} jobs kept`,
    );
  };

  const build = (Engine: typeof CronEngine, ctx: SubsystemContext, s: CronSettings) => {
    const next = new Engine({
      settings: s,
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
    if (announced !== s.storePath) announce(ctx.log, s, next.status().jobs as number);
    return next;
  };

  /**
   * The engine, loaded once. `byCall`: a method call asked, so a store that fails to load is
   * logged here (the lifecycle logs start and reload failures) and the call gets
   * `CRON_UNAVAILABLE`, as every call does while a store that failed at start is in place.
   */
  const load = (byCall: boolean): Promise<CronEngine> => {
    if (engine) return Promise.resolve(engine);
    if (broken !== undefined || !started) return Promise.reject(unavailable());
    return loading ??= (async () => {
      try {
        const { CronEngine } = await import("../../lib/cron/engine.ts");
        const ctx = started;
        // Stopped while the module loaded: nothing to schedule for.
        if (!ctx || !settings) throw unavailable();
        try {
          engine = build(CronEngine, ctx, settings);
        } catch (err) {
          broken = errorMessage(err);
          if (!byCall) throw err;
          ctx.log.warn(`cannot load the cron store: ${broken}; cron is degraded`);
          throw unavailable();
        }
        return engine;
      } finally {
        loading = undefined;
      }
    })();
  };

  const subsystem: CronSubsystem = {
    id: "cron",
    required: false,
    after: ["agent"],
    configPaths: ["cron", "agents.defaults.userTimezone"],
    async start(ctx) {
      started = ctx;
      broken = undefined;
      settings = resolveCronSettings(host.config, env, host.stateDir);
      // No jobs: nothing to schedule, recover or repair; the engine waits for its first use.
      if (storeHoldsNoJobs(settings.storePath)) {
        announce(ctx.log, settings, 0);
        return;
      }
      try {
        await load(false);
      } catch (err) {
        broken ??= errorMessage(err);
        throw err;
      }
    },
    async reload({ config }) {
      if (broken !== undefined || !settings) return;
      const next = resolveCronSettings(config, env, host.stateDir);
      settings = next;
      if (!engine && !loading && storeHoldsNoJobs(next.storePath)) {
        // Nothing loaded and nothing to load: health reads the new settings.
        if (announced !== next.storePath && started) announce(started.log, next, 0);
        return;
      }
      const current = await load(false);
      if (next.storePath !== current.settings.storePath) {
        // Another store is another set of jobs: settle this one, then load that one.
        current.stop();
        engine = undefined;
        await load(false);
        return;
      }
      current.setSettings(next);
    },
    stop() {
      started = undefined;
      engine?.stop();
      engine = undefined;
    },
    engine: () => engine,
    load: () => load(true),
    health() {
      if (broken !== undefined) return { degraded: broken };
      if (engine) {
        const s = engine.status();
        return {
          enabled: s.enabled,
          ...(s.disabledReason ? { disabledReason: s.disabledReason } : {}),
          jobs: s.jobs,
          running: s.running,
          nextWakeAtMs: s.nextWakeAtMs,
        };
      }
      if (!settings) return {};
      // Not loaded yet, so the store holds no jobs: what an engine without jobs would say.
      return {
        enabled: settings.enabled,
        ...(settings.disabledReason ? { disabledReason: settings.disabledReason } : {}),
        jobs: 0,
        running: 0,
        nextWakeAtMs: null,
      };
    },
  };
  byState.set(host, subsystem);
  return subsystem;
}
