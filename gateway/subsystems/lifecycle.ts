/**
 * The lifecycle every long-running part of the gateway shares. A subsystem declares its id,
 * whether the gateway can run without it, what it starts after, and which config paths it
 * applies live; {@linkcode SubsystemSet} starts them in dependency order, hands each hot reload
 * only the changed paths it asked for, reports each one's state in `health`/`status`, and stops
 * them in reverse.
 *
 * Failure policy: a `required` subsystem that fails to start fails the whole start (the ones
 * already started are stopped again) with an error naming it; an optional one is marked
 * `degraded` with its reason and the gateway goes on without it.
 *
 * At `debug`, each start, reload and stop is logged on the subsystem's own logger with its
 * duration (`subsystem <id> started in <ms> ms`); failures are warnings at every level.
 *
 * @module
 */
import type { Logger } from "../../lib/log/mod.ts";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { errorMessage, OpenClawError } from "../../lib/errors.ts";
import type { Clock } from "../../lib/clock.ts";
import { elapsedMs, isLogEnabled } from "../../lib/log/gate.ts";

/** Where a subsystem is in its life. */
export type SubsystemStatus =
  | "pending"
  | "starting"
  | "running"
  | "degraded"
  | "stopping"
  | "stopped"
  | "failed";

/** What a subsystem gets when it starts. */
export interface SubsystemContext {
  /** The subsystem's own logger (`gateway/<id>`). */
  readonly log: Logger;
  readonly clock: Clock;
}

/** The part of a hot reload one subsystem is handed. */
export interface SubsystemReload {
  /** The config now running. */
  readonly config: OpenClawConfig;
  /** The config that was running before. */
  readonly previous: OpenClawConfig;
  /** Changed dotted paths under the subsystem's {@link GatewaySubsystem.configPaths}. */
  readonly changed: readonly string[];
}

/** Why the gateway stops its subsystems. */
export interface StopReason {
  readonly reason: string;
  /** True when a new start follows in the same process. */
  readonly restart: boolean;
  /** How soon clients should expect the gateway back (the `shutdown` event says so). */
  readonly restartExpectedMs?: number;
}

/** One long-running part of the gateway. */
export interface GatewaySubsystem {
  /** Short stable name: `logging`, `secrets`, `server`, `cron`, ... */
  readonly id: string;
  /** True: the gateway cannot run without it, so its failure fails the start. */
  readonly required: boolean;
  /** Ids that must be running before this one starts (and are stopped after it). */
  readonly after?: readonly string[];
  /**
   * Config path prefixes this subsystem applies live (`logging`, `channels.telegram`); its
   * {@link reload} sees only changes under them. Omitted: every changed path.
   */
  readonly configPaths?: readonly string[];
  start(ctx: SubsystemContext): void | Promise<void>;
  /** Applies a hot-reloaded config. Throwing marks an optional subsystem degraded. */
  reload?(change: SubsystemReload): void | Promise<void>;
  stop(reason: StopReason): void | Promise<void>;
  /**
   * Facts for `health`/`status` (counts, last error, ...), merged into its entry. A string
   * `degraded` fact marks a running subsystem degraded with that reason.
   */
  health?(): Record<string, unknown>;
}

/** One subsystem as `health` and `status` show it. */
export interface SubsystemHealth {
  status: SubsystemStatus;
  required: boolean;
  /** Why it is degraded or failed. */
  error?: string;
  [detail: string]: unknown;
}

interface Entry {
  readonly subsystem: GatewaySubsystem;
  status: SubsystemStatus;
  error?: string;
}

/** Returns true when `path` is `prefix` or below it. */
function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`) ||
    prefix.startsWith(`${path}.`);
}

/** Orders subsystems so each comes after its `after` ids; registration order breaks ties. */
function dependencyOrder(subsystems: readonly GatewaySubsystem[]): GatewaySubsystem[] {
  const byId = new Map<string, GatewaySubsystem>();
  for (const s of subsystems) {
    if (byId.has(s.id)) throw new Error(`subsystem "${s.id}" is registered twice`);
    byId.set(s.id, s);
  }
  const ordered: GatewaySubsystem[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (s: GatewaySubsystem, chain: string[]) => {
    const seen = state.get(s.id);
    if (seen === "done") return;
    if (seen === "visiting") {
      throw new Error(`subsystem dependency cycle: ${[...chain, s.id].join(" \u2192 ")}`);
    }
    state.set(s.id, "visiting");
    for (const dep of s.after ?? []) {
      const d = byId.get(dep);
      if (!d) throw new Error(`subsystem "${s.id}" starts after unknown subsystem "${dep}"`);
      visit(d, [...chain, s.id]);
    }
    state.set(s.id, "done");
    ordered.push(s);
  };
  for (const s of subsystems) visit(s, []);
  return ordered;
}

/** Options for {@linkcode SubsystemSet}. */
export interface SubsystemSetOptions {
  /** Logger of subsystem `id`. */
  logger(id: string): Logger;
  clock: Clock;
}

/**
 * The subsystems of one gateway start.
 *
 * @example
 * ```ts
 * const set = new SubsystemSet([logging, secrets, server], { logger, clock: systemClock });
 * await set.start();              // throws naming the required subsystem that failed
 * set.health();                   // { logging: { status: "running", required: true }, ... }
 * await set.stop({ reason: "SIGTERM", restart: false });
 * ```
 */
export class SubsystemSet {
  readonly #entries: Entry[];
  readonly #options: SubsystemSetOptions;
  #reloading: Promise<void> = Promise.resolve();

  /** @throws {Error} on a duplicate id, an unknown dependency or a cycle (programming errors). */
  constructor(subsystems: readonly GatewaySubsystem[], options: SubsystemSetOptions) {
    this.#entries = dependencyOrder(subsystems).map((subsystem) => ({
      subsystem,
      status: "pending",
    }));
    this.#options = options;
  }

  /** Subsystem ids in start order. */
  get order(): string[] {
    return this.#entries.map((e) => e.subsystem.id);
  }

  /**
   * Starts every subsystem in order. An optional one that fails is marked degraded; a required
   * one that fails (or an optional one whose dependency is not running) stops those already
   * started, in reverse, and throws `subsystem <id> failed to start: <reason>` (an
   * OpenClawError keeps its code, hint and exit code).
   */
  async start(): Promise<void> {
    for (const entry of this.#entries) {
      const { subsystem } = entry;
      const log = this.#options.logger(subsystem.id);
      const missing = (subsystem.after ?? []).filter((dep) =>
        this.#entries.find((e) => e.subsystem.id === dep)?.status !== "running"
      );
      const startedAt = performance.now();
      try {
        if (missing.length > 0) {
          throw new Error(`needs ${missing.join(", ")}, which did not start`);
        }
        entry.status = "starting";
        await subsystem.start({ log, clock: this.#options.clock });
        entry.status = "running";
        entry.error = undefined;
        // Asked after start: the logging subsystem configures the levels in its own start.
        if (isLogEnabled(log, "debug")) {
          log.debug("subsystem {id} started in {durationMs} ms", {
            id: subsystem.id,
            required: subsystem.required,
            durationMs: elapsedMs(startedAt),
          });
        }
      } catch (err) {
        entry.error = errorMessage(err);
        if (subsystem.required) {
          entry.status = "failed";
          await this.stop({ reason: `subsystem ${subsystem.id} failed to start`, restart: false });
          throw startFailure(subsystem.id, err);
        }
        entry.status = "degraded";
        log.warn(
          `subsystem ${subsystem.id} failed to start: ${entry.error}; continuing without it`,
          { id: subsystem.id, status: "degraded", durationMs: elapsedMs(startedAt) },
        );
      }
    }
  }

  /**
   * Hands a hot-reloaded config to every running subsystem that has a `reload` and a changed
   * path under its `configPaths`. Reloads run one at a time, in start order; a failing reload is
   * logged and marks an optional subsystem degraded, never stops the gateway.
   */
  reload(config: OpenClawConfig, previous: OpenClawConfig, changed: readonly string[]) {
    const run = async () => {
      for (const entry of this.#entries) {
        const { subsystem } = entry;
        if (!subsystem.reload || (entry.status !== "running" && entry.status !== "degraded")) {
          continue;
        }
        const mine = subsystem.configPaths
          ? changed.filter((p) => subsystem.configPaths!.some((prefix) => under(p, prefix)))
          : [...changed];
        if (mine.length === 0) continue;
        const log = this.#options.logger(subsystem.id);
        const startedAt = performance.now();
        try {
          await subsystem.reload({ config, previous, changed: mine });
          if (isLogEnabled(log, "debug")) {
            log.debug("subsystem {id} reloaded in {durationMs} ms", {
              id: subsystem.id,
              changed: mine,
              durationMs: elapsedMs(startedAt),
            });
          }
        } catch (err) {
          const why = errorMessage(err);
          log.warn(
            `subsystem ${subsystem.id} could not apply ${mine.join(", ")}: ${why}`,
            {
              id: subsystem.id,
              status: subsystem.required ? entry.status : "degraded",
              durationMs: elapsedMs(startedAt),
            },
          );
          if (!subsystem.required) {
            entry.status = "degraded";
            entry.error = why;
          }
        }
      }
    };
    const p = this.#reloading.then(run, run);
    this.#reloading = p.catch(() => {});
    return p;
  }

  /** Stops every started subsystem in reverse order; a failing stop is logged and skipped. */
  async stop(reason: StopReason): Promise<void> {
    for (const entry of [...this.#entries].reverse()) {
      if (entry.status === "pending" || entry.status === "stopped") continue;
      if (entry.status === "failed" && !entry.subsystem.required) continue;
      const { subsystem } = entry;
      const log = this.#options.logger(subsystem.id);
      // Asked before stop: the logging subsystem removes its sinks in its own stop.
      const debug = isLogEnabled(log, "debug");
      const startedAt = performance.now();
      entry.status = "stopping";
      try {
        await subsystem.stop(reason);
      } catch (err) {
        log.warn(
          `subsystem ${subsystem.id} did not stop cleanly: ${errorMessage(err)}`,
          { id: subsystem.id, durationMs: elapsedMs(startedAt) },
        );
      }
      entry.status = "stopped";
      if (debug) {
        log.debug("subsystem {id} stopped in {durationMs} ms", {
          id: subsystem.id,
          reason: reason.reason,
          restart: reason.restart,
          durationMs: elapsedMs(startedAt),
        });
      }
    }
  }

  /** Each subsystem's state, from the subsystem itself, by id. */
  health(): Record<string, SubsystemHealth> {
    const out: Record<string, SubsystemHealth> = {};
    for (const { subsystem, status, error } of this.#entries) {
      let detail: Record<string, unknown> = {};
      if (subsystem.health && (status === "running" || status === "degraded")) {
        try {
          detail = subsystem.health();
        } catch (err) {
          detail = { healthError: errorMessage(err) };
        }
      }
      // A running subsystem may say it is working in a reduced way (`degraded: "why"`).
      const { degraded, ...facts } = detail;
      const reduced = status === "running" && typeof degraded === "string";
      out[subsystem.id] = {
        ...facts,
        status: reduced ? "degraded" : status,
        required: subsystem.required,
        ...(error ? { error } : reduced ? { error: degraded as string } : {}),
      };
    }
    return out;
  }

  /** Ids of optional subsystems that are not running (what readiness and status warn about). */
  degraded(): string[] {
    return Object.entries(this.health()).filter(([, h]) => h.status === "degraded").map(([id]) =>
      id
    );
  }
}

function startFailure(id: string, err: unknown): Error {
  const message = `subsystem ${id} failed to start: ${errorMessage(err)}`;
  if (err instanceof OpenClawError) {
    return new OpenClawError(err.code, message, {
      hint: err.hint,
      exitCode: err.exitCode,
      details: err.details,
      cause: err,
    });
  }
  return new OpenClawError("SUBSYSTEM_START_FAILED", message, { cause: err });
}
