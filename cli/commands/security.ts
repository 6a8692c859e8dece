/**
 * `openclaw security audit [--deep] [--fix] [--json]`.
 *
 * Exit codes: 0 when no critical finding remains (after `--fix`), 1 when one does, so scripts
 * and CI can gate on it; usage errors exit 2.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { ExitCode } from "../../lib/errors.ts";
import type { AuditReport, FixResult, SecurityFinding, Severity } from "../../lib/security/mod.ts";
import { printErr, printJson, printLine, style } from "../output.ts";
import { act } from "../program.ts";

interface AuditFlags {
  deep?: boolean;
  fix?: boolean;
  json?: boolean;
  token?: string;
  password?: string;
}

/** Registers `security` and `security audit`. */
export function register(program: CommandUnknownOpts): void {
  const security = program
    .command("security")
    .description("Audit the security of config, files and the gateway");
  security.command("audit")
    .description(
      "Check file permissions, gateway exposure, sandbox and tool policy " +
        "(exit 1 when a critical finding remains)",
    )
    .option("--deep", "Also probe the running gateway (best effort)")
    .option(
      "--fix",
      "Apply safe fixes: chmod state/config/credentials/sessions/logs, redaction on, " +
        "open group policies to allowlist",
    )
    .option("--json", "Print the report as JSON")
    .option("--token <token>", "Gateway token for the --deep probe")
    .option("--password <password>", "Gateway password for the --deep probe")
    .addHelpText(
      "after",
      "\nExit status: 0 when no critical finding remains, 1 when one does.\n" +
        "--fix never rotates secrets, disables tools or changes bind/auth.",
    )
    .action(act((opts: AuditFlags) => securityAuditCommand(opts)));
}

/** Runs the audit (after `--fix` when asked), prints it, and returns the exit code. */
export async function securityAuditCommand(flags: AuditFlags): Promise<number> {
  const { applySecurityFixes, loadAuditContext, runSecurityAudit } = await import(
    "../../lib/security/mod.ts"
  );
  let fix: FixResult | undefined;
  if (flags.fix) fix = await applySecurityFixes(loadAuditContext());
  const probe = flags.deep
    ? async () => {
      const { probeGatewayForAudit } = await import("../../lib/security/deep.ts");
      return await probeGatewayForAudit({ token: flags.token, password: flags.password });
    }
    : undefined;
  const report = await runSecurityAudit(loadAuditContext(), { probe });
  if (flags.json) printJson(fix ? { fix, report } : report);
  else {
    if (fix) printFixes(fix);
    printReport(report, flags.fix ?? false);
  }
  return report.summary.critical > 0 ? ExitCode.failed : ExitCode.ok;
}

const LABEL: Record<Severity, (s: string) => string> = {
  critical: (s) => style.red(style.bold(s)),
  warn: (s) => style.yellow(s),
  info: (s) => style.cyan(s),
};

function printFixes(fix: FixResult): void {
  if (!fix.actions.length) {
    printLine("Fixes: nothing to fix.");
    printLine();
    return;
  }
  printLine(style.bold("Fixes:"));
  for (const a of fix.actions) {
    const what = a.kind === "chmod"
      ? `chmod ${a.target} (${a.detail})`
      : `${a.target}: ${a.detail}`;
    if (a.ok) printLine(`  ${style.green("\u2713")} ${what}`);
    else if (a.skipped) printLine(`  ${style.dim("-")} ${what} \u2014 skipped: ${a.skipped}`);
    else printLine(`  ${style.red("\u2717")} ${what} \u2014 ${a.error ?? "failed"}`);
  }
  printLine();
}

function printFinding(f: SecurityFinding): void {
  printLine(`  ${LABEL[f.severity](f.severity.toUpperCase().padEnd(8))} ${f.checkId}  ${f.title}`);
  printLine(`           ${f.detail}`);
  printLine(`           ${style.dim("Fix:")} ${f.remediation}`);
}

function printReport(report: AuditReport, fixed: boolean): void {
  const { critical, warn, info } = report.summary;
  printLine(style.bold("OpenClaw security audit"));
  printLine(`Summary: ${critical} critical · ${warn} warn · ${info} info`);
  if (report.deep) {
    const g = report.deep.gateway;
    printLine(
      `Gateway probe: ${g.ok ? style.green("reachable") : style.red("failed")} ${g.url}` +
        (g.error ? ` (${g.error})` : ""),
    );
  }
  printLine();
  if (!report.findings.length) {
    printLine(style.green("No findings."));
    return;
  }
  for (const f of report.findings) printFinding(f);
  if (!fixed && report.findings.some((f) => FIXABLE.test(f.checkId))) {
    printLine();
    printErr('Run "openclaw security audit --fix" to apply the safe fixes.');
  }
}

/** Findings `--fix` can resolve (stock's table marks these with *). */
const FIXABLE =
  /^(fs\.(state_dir|config|config_include|credentials_dir|auth_profiles|sessions_store|log_file)\.perms_|logging\.redact_off$|security\.exposure\.open_groups)/;
