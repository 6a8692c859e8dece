/**
 * Runs doctor checks one after another, each within its own time budget: a check that throws
 * or runs out of time becomes an `error` for that check and the rest still run. A check that
 * reads the config is skipped, with the reason, when the config does not parse. Fixes are
 * applied according to the flags, and the check is run again to see what is left.
 *
 * @module
 */
import { errorMessage } from "../errors.ts";
import { configUnusable } from "./config_syntax.ts";
import type { DoctorSession } from "./session.ts";
import type {
  CheckOutcome,
  CheckReport,
  CheckStatus,
  DoctorCheck,
  DoctorFinding,
  DoctorReport,
} from "./types.ts";
import { clearTimer, setTimer, type TimerHandle } from "../timers.ts";

/** Default budget of a check's `run` and of its `fix`. */
export const DEFAULT_CHECK_TIMEOUT_MS = 5_000;

/** Options for {@linkcode runDoctor}. */
export interface RunDoctorOptions {
  checks: readonly DoctorCheck[];
  /** Called before each check (progress output). */
  onCheckStart?: (check: DoctorCheck) => void;
  /** Called with each finished check. */
  onCheckDone?: (report: CheckReport) => void;
}

class CheckTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}`);
  }
}

/** Runs `fn` with an AbortSignal that fires after `ms`; rejects with the timeout at that point. */
async function withDeadline<T>(ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: TimerHandle | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimer(() => {
      controller.abort(new CheckTimeout(ms));
      reject(new CheckTimeout(ms));
    }, ms);
  });
  try {
    return await Promise.race([fn(controller.signal), expired]);
  } finally {
    clearTimer(timer);
  }
}

function statusOf(findings: readonly DoctorFinding[], fixed: boolean): CheckStatus {
  // What is left matters more than what was repaired: "fixed" means nothing is left.
  if (findings.some((f) => f.severity === "error")) return "error";
  if (findings.some((f) => f.severity === "warn")) return "warn";
  return fixed ? "fixed" : "ok";
}

async function shouldFix(session: DoctorSession, check: DoctorCheck): Promise<boolean> {
  const o = session.options;
  if (o.fix || o.yes || check.fixRequested?.(o)) return true;
  if (o.nonInteractive) return check.safeFix === true;
  if (o.interactive && session.confirm) {
    return await session.confirm(`Apply the fix for "${check.title}"?`);
  }
  return false;
}

async function runOne(session: DoctorSession, check: DoctorCheck): Promise<CheckReport> {
  const started = performance.now();
  const budget = check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const done = (status: CheckStatus, findings: DoctorFinding[]): CheckReport => ({
    id: check.id,
    title: check.title,
    status,
    findings,
    durationMs: Math.round(performance.now() - started),
  });
  const unusable = check.needsConfig ? configUnusable(session.config) : undefined;
  if (unusable) return done("skipped", [{ severity: "info", message: unusable }]);
  const run = () =>
    withDeadline<CheckOutcome>(budget, (signal) => check.run(session.contextFor(check, signal)));
  let outcome: CheckOutcome;
  try {
    outcome = await run();
  } catch (err) {
    const why = err instanceof CheckTimeout
      ? `Check ${err.message}`
      : `Check failed: ${errorMessage(err)}`;
    return done("error", [{ severity: "error", message: why }]);
  }
  if (!Array.isArray(outcome)) {
    return done("skipped", [{ severity: "info", message: outcome.skip }]);
  }
  let findings = outcome;
  let fixed = false;
  if (check.fix && findings.some((f) => f.fixable) && await shouldFix(session, check)) {
    try {
      const fix = check.fix.bind(check);
      const changes = await withDeadline(
        budget,
        (signal) => fix(session.contextFor(check, signal), findings),
      );
      fixed = changes.length > 0;
      const after = await run();
      const rest = Array.isArray(after) ? after : [];
      findings = [...changes.map((c) => ({ severity: "info" as const, message: c })), ...rest];
    } catch (err) {
      const why = err instanceof CheckTimeout
        ? `Fix ${err.message}`
        : `Fix failed: ${errorMessage(err)}`;
      findings = [...findings, { severity: "error", message: why }];
    }
  }
  return done(statusOf(findings, fixed), findings);
}

/** Runs `checks` in `order` and returns the report; never throws for a failing check. */
export async function runDoctor(
  session: DoctorSession,
  options: RunDoctorOptions,
): Promise<DoctorReport> {
  const checks = [...options.checks].sort((a, b) => a.order - b.order);
  const reports: CheckReport[] = [];
  for (const check of checks) {
    options.onCheckStart?.(check);
    const report = await runOne(session, check);
    reports.push(report);
    options.onCheckDone?.(report);
  }
  return {
    ok: reports.every((r) => r.status !== "error"),
    checks: reports,
    changes: [...session.changes],
  };
}
