/**
 * `gateway install | uninstall | start | stop | restart`: the gateway as a system service
 * (systemd user unit on Linux, LaunchAgent on macOS). The work is in `lib/service/`; this file
 * runs the config preflight and prints the outcome, as text or as the lifecycle JSON
 * `{ ok, action, result, message?, error?, hints?, warnings?, service? }`.
 *
 * @module
 */
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import type { LifecycleAction, LifecycleOutcome } from "../../lib/service/lifecycle.ts";
import { printErr, printJson, printLine, printWarn } from "../output.ts";

/** Flags of the lifecycle sub-commands. */
export interface LifecycleFlags {
  json?: boolean;
  port?: string;
  force?: boolean;
}

const PREFLIGHT: ReadonlySet<LifecycleAction> = new Set(["install", "start", "restart"]);

/**
 * Returns the exit code for an invalid config after printing why, or `undefined` when the
 * config is fine. A service started on a broken config would exit 78 at once; say so now.
 */
async function preflight(action: LifecycleAction, json: boolean): Promise<number | undefined> {
  const { checkConfig } = await import("../../lib/config/load.ts");
  const check = await checkConfig({ applyEnv: false });
  if (check.valid) return undefined;
  const issues = [
    ...check.issues,
    ...check.legacy.map((l) => ({ path: l.path, message: l.message })),
  ];
  const fix = 'Fix the config and retry, or run "openclaw doctor" to repair.';
  if (json) {
    printJson({
      ok: false,
      action,
      error: "Gateway aborted: config is invalid.",
      code: "CONFIG_INVALID",
      configPath: check.file.path,
      issues,
      hints: [fix],
    });
  } else {
    printErr("Gateway aborted: config is invalid.");
    for (const i of issues) printErr(`- ${i.path}: ${i.message}`);
    printErr(fix);
  }
  return ExitCode.config;
}

function printOutcome(outcome: LifecycleOutcome): void {
  printLine(outcome.message);
  for (const line of outcome.details ?? []) printLine(line);
  if (outcome.result === "not-loaded" && outcome.hints?.length) {
    printLine("Start with:");
    for (const h of outcome.hints) printLine(`  ${h}`);
  }
  for (const w of outcome.warnings ?? []) printWarn(w);
}

function jsonOutcome(outcome: LifecycleOutcome): Record<string, unknown> {
  const { ok, action, result, message, hints, warnings, service } = outcome;
  return { ok, action, result, message, hints, warnings, service };
}

const FAILED_PREFIX: Record<LifecycleAction, string> = {
  install: "Gateway install failed",
  uninstall: "Gateway uninstall failed",
  start: "Gateway start failed",
  stop: "Gateway stop failed",
  restart: "Gateway restart failed",
};

function reportFailure(action: LifecycleAction, err: unknown, json: boolean): number {
  const message = err instanceof Error ? err.message : String(err);
  const hints = err instanceof OpenClawError
    ? (err.details as { hints?: string[] } | undefined)?.hints ?? (err.hint ? [err.hint] : [])
    : [];
  if (json) {
    printJson({
      ok: false,
      action,
      error: `${FAILED_PREFIX[action]}: ${message}`,
      code: err instanceof OpenClawError ? err.code : "INTERNAL",
      hints: hints.length > 0 ? hints : undefined,
    });
  } else {
    printErr(`${FAILED_PREFIX[action]}: ${message}`);
    for (const h of hints) printErr(`Tip: ${h}`);
  }
  return err instanceof OpenClawError && err.exitCode !== ExitCode.ok
    ? err.exitCode
    : ExitCode.failed;
}

/** Runs one lifecycle sub-command and returns its exit code. */
export async function gatewayLifecycleCommand(
  action: LifecycleAction,
  flags: LifecycleFlags,
): Promise<number> {
  const json = flags.json === true;
  if (PREFLIGHT.has(action)) {
    const code = await preflight(action, json);
    if (code !== undefined) return code;
  }
  const lifecycle = await import("../../lib/service/lifecycle.ts");
  let outcome: LifecycleOutcome;
  try {
    switch (action) {
      case "install":
        outcome = await lifecycle.installGatewayService({ port: flags.port, force: flags.force });
        break;
      case "uninstall":
        outcome = await lifecycle.uninstallGatewayService();
        break;
      case "start":
        outcome = await lifecycle.startGatewayService();
        break;
      case "stop":
        outcome = await lifecycle.stopGatewayService();
        break;
      case "restart":
        outcome = await lifecycle.restartGatewayService();
        break;
    }
  } catch (err) {
    return reportFailure(action, err, json);
  }
  if (json) printJson(jsonOutcome(outcome));
  else printOutcome(outcome);
  return ExitCode.ok;
}
