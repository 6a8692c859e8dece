/**
 * Hot reload: watch the config file, debounce, validate, diff against the running config and
 * apply per `gateway.reload.mode`. One reload at a time; changes during a reload cause exactly
 * one more. An invalid file is logged with its field paths and the running config stays.
 *
 * At `debug` (on `gateway/reload`) every step says what it saw and decided: the file change, the
 * debounce, and one `reload decision: <decision> (<why>)` line per reload with the trigger, the
 * mode and the changed, hot and restart paths.
 *
 * @module
 */
import { formatIssueLines } from "../lib/config/check.ts";
import { checkConfigTextCached } from "../lib/config/check_cached.ts";
import { readConfigFile } from "../lib/config/read.ts";
import {
  diffConfigPaths,
  planReload,
  type ReloadMode,
  type ReloadPlan,
  withoutRestartChanges,
} from "../lib/config/reload_rules.ts";
import type { OpenClawConfig } from "../lib/config/schema.ts";
import { dirname } from "../lib/paths.ts";
import type { Logger } from "../lib/log/mod.ts";
import { type Clock, systemClock, type TimerHandle } from "../lib/clock.ts";
import { errorMessage } from "../lib/errors.ts";
import { isLogEnabled } from "../lib/log/gate.ts";

/** What the reloader watches the config directory with (Deno.watchFs, or a fake in tests). */
export type DirWatcher = AsyncIterable<{ paths: string[] }> & { close(): void };

/** What the reloader changes in the running gateway. */
export interface ReloadTarget {
  readonly configPath: string;
  /** Where the validation cache lives: a config a `config.*` write just checked is not re-run. */
  readonly stateDir?: string;
  current(): { config: OpenClawConfig; hash: string | null };
  /** Swap in a config whose changes can be applied live. */
  applyHot(config: OpenClawConfig, hash: string | null, plan: ReloadPlan): Promise<void>;
  /** Restart the server in-process with the new config. */
  restart(reason: string, hash: string | null): void;
  log: Logger;
  /** Runs the debounce timer. @default systemClock */
  clock?: Clock;
  /** Opens the directory watcher. @default Deno.watchFs(dir, { recursive: false }) */
  watch?: (dir: string) => DirWatcher;
}

/** What the reloader has done so far (for `health`). */
export interface ReloaderStats {
  /** False when no watcher could be opened: only RPC writes reload then. */
  watching: boolean;
  /** Why the watcher could not be opened. */
  watchError?: string;
  reloads: number;
  lastDecision?: ReloadPlan["decision"];
  lastAt?: number;
}

/** The reloader of one server start. */
export interface ConfigReloader {
  /** Re-reads the file now (also used after RPC writes). */
  reload(reason: string): Promise<ReloadPlan["decision"]>;
  stop(): void;
  stats(): ReloaderStats;
}

/** Starts watching `target.configPath` (its directory, since writes replace the file). */
export function startConfigReloader(target: ReloadTarget): ConfigReloader {
  let running: Promise<ReloadPlan["decision"]> | undefined;
  let again = false;
  let stopped = false;
  const clock = target.clock ?? systemClock;
  const stats: ReloaderStats = { watching: false, reloads: 0 };

  // One debug line per reload: what was decided and why (the trigger, mode and paths as data).
  const decided = (
    decision: ReloadPlan["decision"],
    why: string,
    reason: string,
    plan?: ReloadPlan,
    mode?: ReloadMode,
  ) => {
    if (!isLogEnabled(target.log, "debug")) return;
    target.log.debug("reload decision: {decision} ({why})", {
      decision,
      why,
      trigger: reason,
      mode,
      changed: plan?.changed,
      hot: plan?.hot.map((h) => h.path),
      restart: plan?.restart,
    });
  };

  async function reloadOnce(reason: string): Promise<ReloadPlan["decision"]> {
    const file = await readConfigFile(target.configPath);
    const { config: runningConfig, hash: runningHash } = target.current();
    if (file.hash === runningHash) {
      decided("noop", "file unchanged", reason);
      return "noop";
    }
    const check = await checkConfigTextCached(file.text, target.configPath, {
      applyEnv: false,
      stateDir: target.stateDir,
    });
    if (!check.valid || !check.config) {
      target.log.warn(
        `config reload skipped (invalid config): ${target.configPath}: ${
          formatIssueLines(check.issues).replaceAll("\n", "; ")
        }`,
        { issuePaths: check.issues.map((i) => i.path) },
      );
      decided("ignored", "invalid config; the running config stays", reason);
      return "ignored";
    }
    const changed = diffConfigPaths(runningConfig, check.config);
    const mode = (check.config.gateway?.reload?.mode ?? "hybrid") as ReloadMode;
    const plan = planReload(changed, mode);
    decided(plan.decision, decisionWhy(plan, mode), reason, plan, mode);
    if (changed.length) {
      target.log.info(
        `config change detected; evaluating reload (${changed.join(", ")}) [${reason}]`,
      );
    }
    if (plan.note) target.log.info(plan.note);
    if (plan.decision === "restart") {
      target.restart(`config change (${plan.restart.join(", ") || "all"})`, file.hash);
    } else if (plan.decision === "hot" && plan.restart.length > 0) {
      // Hot mode: apply what can be applied live; restart-class paths keep their running value
      // (as logged in plan.note), so log and behaviour agree.
      const restart = new Set(plan.restart);
      await target.applyHot(withoutRestartChanges(runningConfig, check.config), file.hash, {
        ...plan,
        changed: plan.changed.filter((p) => !restart.has(p)),
        restart: [],
      });
    } else if (plan.decision === "hot" || plan.decision === "noop") {
      await target.applyHot(check.config, file.hash, plan);
    }
    // "ignored" (mode off, or hot mode with only restart-class changes): nothing is applied.
    return plan.decision;
  }

  function reload(reason: string): Promise<ReloadPlan["decision"]> {
    if (stopped) return Promise.resolve("noop");
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let decision: ReloadPlan["decision"] = "noop";
      try {
        do {
          again = false;
          decision = await reloadOnce(reason);
          stats.reloads++;
          stats.lastDecision = decision;
          stats.lastAt = clock.now();
        } while (again && !stopped);
      } catch (err) {
        target.log.error(`config reload failed: ${errorMessage(err)}`);
      } finally {
        running = undefined;
      }
      return decision;
    })();
    return running;
  }

  const base = target.configPath.slice(target.configPath.lastIndexOf("/") + 1);
  let watcher: DirWatcher | undefined;
  let timer: TimerHandle | undefined;
  const debounceMs = () => target.current().config.gateway?.reload?.debounceMs ?? 300;
  const open = target.watch ?? ((dir: string) => Deno.watchFs(dir, { recursive: false }));
  try {
    watcher = open(dirname(target.configPath));
    stats.watching = true;
  } catch (err) {
    stats.watchError = errorMessage(err);
    target.log.warn(`config watcher unavailable (${stats.watchError}); hot reload is off`);
  }
  if (watcher) {
    (async () => {
      try {
        for await (const event of watcher) {
          if (!event.paths.some((p) => p.endsWith("/" + base))) continue;
          // Editors write a file in bursts (truncate, write, rename): one reload per burst.
          const pending = timer !== undefined;
          clock.clearTimeout(timer);
          const wait = debounceMs();
          timer = clock.setTimeout(() => {
            timer = undefined;
            void reload("file watcher");
          }, wait);
          if (isLogEnabled(target.log, "debug")) {
            target.log.debug("config file change seen; reloading in {debounceMs} ms", {
              debounceMs: wait,
              restartedDebounce: pending,
              file: target.configPath,
            });
          }
        }
      } catch {
        // The watcher was closed.
      }
      stats.watching = false;
    })();
  }

  return {
    reload,
    stats: () => ({ ...stats }),
    stop() {
      stopped = true;
      clock.clearTimeout(timer);
      try {
        watcher?.close();
      } catch { /* already closed */ }
    },
  };
}

/** Why a plan decided what it did, in words, for the `reload decision` debug line. */
function decisionWhy(plan: ReloadPlan, mode: ReloadMode): string {
  if (plan.changed.length === 0) return "no effective change (comments or formatting only)";
  const restart = plan.restart.join(", ");
  switch (plan.decision) {
    case "ignored":
      return mode === "off"
        ? "gateway.reload.mode=off"
        : `hot mode cannot apply restart-class changes: ${restart}`;
    case "restart":
      return mode === "restart"
        ? "gateway.reload.mode=restart"
        : `restart-class changes: ${restart}`;
    case "hot":
      return plan.restart.length > 0
        ? `hot mode applies the rest; keeps running values of ${restart}`
        : "every change applies live";
    default:
      return "nothing to apply";
  }
}
