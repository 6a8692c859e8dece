/**
 * A cron engine on a fake clock with a scripted payload runner, over a real store in a temp dir.
 * `restart()` builds a new engine on the same store without stopping the old one: what a
 * `kill -9` leaves behind.
 */
import type { Clock } from "../../../lib/clock.ts";
import { CronEngine } from "../../../lib/cron/engine.ts";
import type {
  CronPayloadRunner,
  CronRunContext,
  CronRunOutcome,
} from "../../../lib/cron/runner.ts";
import { type CronSettings, resolveCronSettings } from "../../../lib/cron/settings.ts";
import type { CronEvent, CronJob, CronRunLogEntry } from "../../../lib/cron/types.ts";
import { parseRunLog, runLogFileName } from "../../../lib/cron/run_log.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { type TempDir, tempDir } from "../../helpers.ts";

/** One call the runner got. */
export interface RunnerCall {
  kind: "systemEvent" | "agentTurn";
  jobId: string;
  at: number;
  ctx: Omit<CronRunContext, "signal">;
}

/** What the scripted runner answers: an outcome, or "hang" (never settles until aborted). */
export type Script = CronRunOutcome | "hang";

/** A runner that records its calls and answers from a script (default: ok). */
export class ScriptedRunner implements CronPayloadRunner {
  readonly calls: RunnerCall[] = [];
  readonly script: Script[] = [];
  constructor(private readonly clock: FakeClock) {}

  #answer(kind: RunnerCall["kind"], job: CronJob, ctx: CronRunContext): Promise<CronRunOutcome> {
    const { signal, ...rest } = ctx;
    this.calls.push({ kind, jobId: job.id, at: this.clock.now(), ctx: rest });
    const next = this.script.shift() ?? { text: "done" };
    if (next !== "hang") return Promise.resolve(next);
    return new Promise((resolve) => {
      signal.addEventListener("abort", () => resolve({ error: "aborted" }), { once: true });
    });
  }

  systemEvent(job: CronJob, ctx: CronRunContext): Promise<CronRunOutcome> {
    return this.#answer("systemEvent", job, ctx);
  }

  agentTurn(job: CronJob, ctx: CronRunContext): Promise<CronRunOutcome> {
    return this.#answer("agentTurn", job, ctx);
  }
}

/** An engine under test. */
export interface Harness extends AsyncDisposable {
  clock: FakeClock;
  runner: ScriptedRunner;
  engine: CronEngine;
  events: CronEvent[];
  dir: string;
  settings: CronSettings;
  /**
   * A new engine (and runner) on the same store and clock; the old one is abandoned as a
   * `kill -9` leaves it: nothing recorded, its timers dead. `downMs` passes before the new one
   * starts (the gateway was down).
   */
  restart(downMs?: number): Harness;
  /** Rows of a job's run log, oldest first. */
  rows(jobId: string): CronRunLogEntry[];
  /** The store file as JSON. */
  store(): { version: number; jobs: CronJob[] };
  /** Advances the fake clock in steps (each step lets runs finish). */
  advance(ms: number, stepMs?: number): Promise<void>;
}

/** Options of {@linkcode makeHarness}. */
export interface HarnessOptions {
  start?: number;
  cron?: Record<string, unknown>;
  userTimezone?: string;
  env?: Record<string, string>;
  /** Do not call `engine.start()`. */
  noStart?: boolean;
}

/** The shared fake clock as one engine sees it: after `kill()` its timers never fire again. */
function killable(clock: FakeClock): { clock: Clock; kill(): void } {
  let dead = false;
  return {
    clock: {
      now: () => clock.now(),
      setTimeout: (fn, ms) => clock.setTimeout(() => dead || fn(), ms),
      clearTimeout: (h) => clock.clearTimeout(h),
      setInterval: (fn, ms) => clock.setInterval(() => dead || fn(), ms),
      clearInterval: (h) => clock.clearInterval(h),
    },
    kill: () => dead = true,
  };
}

function build(
  dir: TempDir,
  clock: FakeClock,
  options: HarnessOptions,
): Harness {
  const own = killable(clock);
  const settings = resolveCronSettings(
    {
      // The harness passes only the keys under test; the schema's other defaults do not matter.
      cron: { enabled: true, ...options.cron } as never,
      agents: { defaults: { userTimezone: options.userTimezone ?? "UTC" } } as never,
    },
    options.env ?? {},
    dir.path,
  );
  const runner = new ScriptedRunner(clock);
  const events: CronEvent[] = [];
  const engine = new CronEngine({
    settings,
    clock: own.clock,
    runner,
    onEvent: (e) => events.push(e),
  });
  if (!options.noStart) engine.start();
  const h: Harness = {
    clock,
    runner,
    engine,
    events,
    dir: dir.path,
    settings,
    restart: (downMs = 0) => {
      own.kill();
      clock.advance(downMs);
      return build(dir, clock, options);
    },
    rows: (jobId) => {
      try {
        return parseRunLog(
          Deno.readTextFileSync(`${settings.runLogDir}/${runLogFileName(jobId)}`),
        );
      } catch {
        return [];
      }
    },
    store: () => JSON.parse(Deno.readTextFileSync(settings.storePath)),
    async advance(ms, stepMs = 60_000) {
      for (let left = ms; left > 0; left -= stepMs) await clock.tick(Math.min(stepMs, left));
      await clock.tick(0);
    },
    [Symbol.asyncDispose]: () => dir[Symbol.asyncDispose](),
  };
  return h;
}

/** Creates an engine on a fake clock over a fresh store. */
export async function makeHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = await tempDir("openclaw-cron-");
  const clock = new FakeClock(options.start ?? Date.UTC(2026, 0, 5, 0, 0, 0));
  return build(dir, clock, options);
}

/** ISO strings of row slots, for readable assertions. */
export function slots(rows: readonly CronRunLogEntry[]): string[] {
  return rows.map((r) => new Date(r.runAtMs ?? 0).toISOString());
}
