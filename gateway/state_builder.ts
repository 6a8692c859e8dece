/**
 * The live state of one gateway start (the {@linkcode GatewayState} methods and HTTP surfaces
 * read) and the few operations that span subsystems: a hot reload handed to each subsystem, a
 * secrets swap that re-resolves auth, a preflighted in-process restart, the cached health
 * summary. Subsystems are wired in after construction, since several of them read this state.
 *
 * @module
 */
import type { GatewayEventName } from "../lib/protocol/events.ts";
import type { Logger } from "../lib/log/mod.ts";
import { defaultAgentId } from "../lib/agent/agents.ts";
import type { AgentRuntime } from "../lib/agent/contract.ts";
import { buildMainSessionKey, normalizeMainKey } from "../lib/agent/session_key.ts";
import {
  type ResolvedGatewayAuth,
  resolveGatewayAuth,
  shouldGenerateGatewayToken,
} from "../lib/auth/resolve.ts";
import type { Clock } from "../lib/clock.ts";
import type { OpenClawConfig } from "../lib/config/schema.ts";
import type { ReloadPlan } from "../lib/config/reload_rules.ts";
import { SystemEventQueue } from "../lib/heartbeat/system_events.ts";
import type { Outbound } from "../lib/outbound/types.ts";
import type { Snapshot } from "../lib/protocol/frames.ts";
import { emptySecretSnapshot, type SecretSnapshot } from "../lib/secrets/snapshot.ts";
import { ActiveTurns } from "./automation/active_turns.ts";
import { checkBindAllowed } from "./auth.ts";
import { enqueueSystemEvent } from "./automation/system_events.ts";
import { runAutomationTurn } from "./automation/turn.ts";
import type {
  AutomationTurnRequest,
  AutomationTurnResult,
  EnqueueResult,
  HeartbeatControl,
  SystemEventInput,
} from "./automation/types.ts";
import { createOutbound } from "./outbound.ts";
import { healthSnapshot } from "./health_snapshot.ts";
import { freezeJson } from "./methods/json_text.ts";
import type { WindowLimiter } from "./rate_limit.ts";
import { restartPreflight } from "./restart_preflight.ts";
import type { GatewayStartOptions } from "./server.ts";
import type { GatewayState, PresenceEntry } from "./state.ts";
import type { AgentSubsystem } from "./subsystems/agent.ts";
import type { ChannelsControl } from "./channels/types.ts";
import type { ChannelsSubsystem } from "./subsystems/channels.ts";
import type { HeartbeatSubsystem } from "./subsystems/heartbeat.ts";
import type { SubsystemHealth, SubsystemSet } from "./subsystems/lifecycle.ts";
import type { ReloaderSubsystem } from "./subsystems/reloader.ts";
import type { SecretsSubsystem } from "./subsystems/secrets.ts";
import type { ServerSubsystem } from "./subsystems/server.ts";

/** What a start knows before any subsystem runs. */
export interface GatewayStateInit {
  clock: Clock;
  configPath: string;
  stateDir: string;
  config: OpenClawConfig;
  configHash: string | null;
  controlPlaneLimiter: WindowLimiter;
  log: (category: string) => Logger;
  /** Stops this start and starts a new one in the same process. */
  restart(reason: string, restartExpectedMs: number): Promise<void>;
}

/** The subsystems the state's operations reach into. */
export interface GatewayWiring {
  subsystems: SubsystemSet;
  server: ServerSubsystem;
  agent: AgentSubsystem;
  secrets: SecretsSubsystem;
  reloader: ReloaderSubsystem;
  /** The heartbeat scheduler (absent in starts that do not run one). */
  heartbeat?: HeartbeatSubsystem;
  /** The chat channels (absent in starts that do not run them). */
  channels?: ChannelsSubsystem;
}

/** The heartbeat section of `health` while no heartbeat subsystem runs (one object: one text). */
const NO_HEARTBEAT_SUMMARY = freezeJson({ enabled: true, last: null, agents: [] })!;

/** Heartbeat control before (or without) the heartbeat subsystem: nothing runs. */
const NO_HEARTBEAT: HeartbeatControl = {
  wake: () => Promise.resolve([]),
  enabled: () => true,
  setEnabled: () => Promise.reject(new Error("heartbeats are not running in this gateway")),
  last: () => null,
  summary: () => NO_HEARTBEAT_SUMMARY,
};

/** The state of one start, with the operations that span subsystems. */
export class GatewayStateImpl implements GatewayState {
  readonly startedAt: number;
  readonly clock: Clock;
  readonly stateDir: string;
  readonly configPath: string;
  config: OpenClawConfig;
  configHash: string | null;
  // The server subsystem sets these four (and auth) when it binds, before anything reads them.
  host = "";
  port = 0;
  bindMode = "";
  url = "";
  auth: ResolvedGatewayAuth = {} as ResolvedGatewayAuth;
  secrets: SecretSnapshot = emptySecretSnapshot();
  logFile: string | undefined;
  stateVersion = { presence: 1, health: 1 };
  readonly systemEvents: SystemEventQueue = new SystemEventQueue();
  /** Turns in flight per agent (dispatchTurn counts them; heartbeats defer while busy). */
  readonly activeTurns: ActiveTurns = new ActiveTurns();
  readonly outbound: Outbound;
  readonly controlPlaneLimiter: WindowLimiter;
  readonly log: (category: string) => Logger;
  readonly #restart: GatewayStateInit["restart"];
  #wiring: GatewayWiring | undefined;
  #restartPending = false;

  constructor(init: GatewayStateInit) {
    this.clock = init.clock;
    this.startedAt = init.clock.now();
    this.configPath = init.configPath;
    this.stateDir = init.stateDir;
    this.config = init.config;
    this.configHash = init.configHash;
    this.controlPlaneLimiter = init.controlPlaneLimiter;
    this.log = init.log;
    this.#restart = init.restart;
    this.outbound = createOutbound({
      stateDir: this.stateDir,
      mainKey: () => this.config.session?.mainKey,
      now: () => this.clock.now(),
      broadcast: (event, payload, options) => this.broadcast(event, payload, options),
    });
  }

  /** Connects the subsystems (once, before they start). */
  wire(wiring: GatewayWiring): void {
    this.#wiring = wiring;
  }

  get #w(): GatewayWiring {
    if (!this.#wiring) throw new Error("gateway state used before its subsystems were wired");
    return this.#wiring;
  }

  requestRestart(reason: string, delayMs = 0): void {
    if (this.#restartPending) return;
    this.#restartPending = true;
    const log = this.log("gateway");
    log.info(`restart requested (${reason}); restarting in ${delayMs} ms`);
    this.clock.setTimeout(async () => {
      const problem = await restartPreflight(this.configPath);
      if (problem) {
        this.#restartPending = false;
        log.warn(`restart (${reason}) refused: ${problem}`);
        return;
      }
      await this.#restart(reason, delayMs + 500);
    }, delayMs);
  }

  broadcast(
    event: GatewayEventName,
    payload: unknown,
    opts: { dropIfSlow?: boolean; stateVersion?: boolean } = {},
  ): void {
    if (opts.stateVersion) {
      if (event === "presence") this.stateVersion.presence++;
      if (event === "health") this.stateVersion.health++;
    }
    this.#w.server.hub()?.broadcast(event, payload, {
      dropIfSlow: opts.dropIfSlow,
      stateVersion: opts.stateVersion ? { ...this.stateVersion } : undefined,
    });
  }

  presence(): PresenceEntry[] {
    return this.#w.server.hub()?.presence() ?? [];
  }

  notePresence(key: string, entry: PresenceEntry): void {
    this.#w.server.hub()?.notePresence(key, entry);
  }

  connectionCount(): number {
    return this.#w.server.hub()?.openCount() ?? 0;
  }

  subsystems(): Record<string, SubsystemHealth> {
    return this.#w.subsystems.health();
  }

  health(fresh = false): Record<string, unknown> {
    // Cached for 60 s with current heartbeat and channel sections (health_snapshot.ts).
    return healthSnapshot(this).get(fresh);
  }

  reloadConfig(reason: string): Promise<ReloadPlan["decision"]> {
    return this.#w.reloader.reloadFile(reason);
  }

  reloadSecrets(): Promise<{ warningCount: number }> {
    return this.#w.secrets.reloadNow();
  }

  agent(): Promise<AgentRuntime> {
    return this.#w.agent.runtime();
  }

  get heartbeat(): HeartbeatControl {
    return this.#wiring?.heartbeat ?? NO_HEARTBEAT;
  }

  get channels(): ChannelsControl | undefined {
    return this.#wiring?.channels?.control();
  }

  get lastHeartbeat(): unknown | null {
    return this.heartbeat.last();
  }

  enqueueSystemEvent(event: SystemEventInput): EnqueueResult {
    return enqueueSystemEvent(
      { config: this.config, systemEvents: this.systemEvents, now: () => this.clock.now() },
      event,
    );
  }

  runAutomationTurn(request: AutomationTurnRequest): Promise<AutomationTurnResult> {
    return runAutomationTurn(this, request);
  }

  /** The hello-ok `snapshot`. */
  helloSnapshot(): Snapshot {
    return {
      presence: this.presence(),
      health: this.health(),
      stateVersion: { ...this.stateVersion },
      uptimeMs: this.clock.now() - this.startedAt,
      appliedConfigHash: this.configHash,
      configPath: this.configPath,
      stateDir: this.stateDir,
      sessionDefaults: this.#sessionDefaults(),
      authMode: this.auth.mode,
    };
  }

  #sessionDefaults() {
    const defaultAgent = defaultAgentId(this.config);
    const mainKey = normalizeMainKey(this.config.session?.mainKey);
    return {
      defaultAgentId: defaultAgent,
      mainKey,
      mainSessionKey: buildMainSessionKey(defaultAgent, mainKey),
    };
  }

  /**
   * Swaps in a hot-reloaded config: each subsystem gets the changed paths it asked for, then
   * operators get `config.changed`.
   */
  async applyConfig(next: OpenClawConfig, nextHash: string | null, changed: readonly string[]) {
    const previous = this.config;
    this.config = next;
    this.configHash = nextHash;
    healthSnapshot(this).invalidate();
    await this.#w.subsystems.reload(next, previous, changed);
    this.broadcast("config.changed", {
      path: this.configPath,
      hash: nextHash,
      ts: this.clock.now(),
      changedPaths: changed,
    });
  }

  /**
   * Re-resolves auth against a new secrets snapshot; throws (keeping everything as it was) when
   * the result could not serve this bind.
   */
  adoptSecrets(
    next: SecretSnapshot,
    flags: Pick<GatewayStartOptions, "auth" | "token" | "password" | "tailscale">,
  ) {
    const resolved = resolveGatewayAuth({
      config: this.config,
      cliAuth: { mode: flags.auth, token: flags.token, password: flags.password },
      resolveSecret: (ref) => next.get(ref),
      tailscaleMode: flags.tailscale,
    });
    // A generated token is plaintext in the config and resolves again; should nothing resolve,
    // keep the running auth rather than generating a second token here.
    const nextAuth = shouldGenerateGatewayToken(resolved) ? this.auth : resolved;
    checkBindAllowed({ bindMode: this.bindMode, host: this.host, port: this.port, auth: nextAuth });
    this.auth = nextAuth;
  }
}

/** Creates the state of one start. */
export function createGatewayState(init: GatewayStateInit): GatewayStateImpl {
  return new GatewayStateImpl(init);
}
