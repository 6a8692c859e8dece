/**
 * `openclaw doctor [--fix|--repair] [--deep] [--yes] [--non-interactive] [--json]
 * [--generate-gateway-token]`.
 *
 * Exit codes: 0 when no check ends in `error` (after repairs), 1 when one does, 78 when the
 * config is still invalid.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { ExitCode } from "../../lib/errors.ts";
import { shortenHome } from "../../lib/paths.ts";
import type {
  CheckReport,
  CheckStatus,
  ConfigChange,
  DoctorFinding,
  DoctorProbes,
  DoctorReport,
} from "../../lib/doctor/mod.ts";
import { colorEnabled, printErr, printJson, printLine, style } from "../output.ts";
import { act } from "../program.ts";

interface DoctorFlags {
  fix?: boolean;
  repair?: boolean;
  deep?: boolean;
  yes?: boolean;
  nonInteractive?: boolean;
  json?: boolean;
  generateGatewayToken?: boolean;
}

/** Registers `doctor`. */
export function register(program: CommandUnknownOpts): void {
  program.command("doctor")
    .description(
      "Find and fix problems: updates, UI protocol, gateway health, config (syntax, legacy " +
        "keys), skills, legacy disk layout and cron store, state directory, gateway auth and " +
        "port, model and hook models, sandbox image, security, service, runtime",
    )
    .option("--fix", "Apply the recommended repairs without asking")
    .option("--repair", "Same as --fix")
    .option("--deep", "Also scan for other gateway installs (profiles, service units)")
    .option("--yes", "Accept the default answer (yes) for every repair prompt")
    .option("--non-interactive", "Never prompt; apply only safe repairs (migrations, permissions)")
    .option("--generate-gateway-token", "Write a new gateway.auth.token when none is configured")
    .option("--json", "Print the report as JSON")
    .addHelpText(
      "after",
      "\nExit status: 0 when no check ends in error, 1 when one does, 78 when the config is " +
        "still invalid.\nConfig repairs print a diff before writing and keep openclaw.json.bak; " +
        "a config that does not parse is\nnever rewritten (fix the syntax error it reports first).",
    )
    .action(act((opts: DoctorFlags) => doctorCommand(opts)));
}

/** The probes doctor needs from outside `lib/`: port owners (gateway/lock.ts) and commands. */
export const cliProbes: DoctorProbes = {
  async findPortListeners(port) {
    const { findPortListeners } = await import("../../gateway/lock.ts");
    return await findPortListeners(port);
  },
  async runCommand(command, args, signal) {
    try {
      const out = await new Deno.Command(command, {
        args,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal,
      }).output();
      const dec = new TextDecoder();
      return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return undefined;
      throw err;
    }
  },
};

/** Runs doctor with `flags`, prints as asked, and returns the exit code. */
export async function doctorCommand(flags: DoctorFlags): Promise<number> {
  const { DOCTOR_CHECKS, DoctorSession, runDoctor } = await import("../../lib/doctor/mod.ts");
  const json = flags.json ?? false;
  const interactive = !json && !flags.nonInteractive && Deno.stdin.isTerminal() &&
    Deno.stdout.isTerminal();
  const session = await DoctorSession.open({
    probes: cliProbes,
    options: {
      fix: (flags.fix || flags.repair) ?? false,
      deep: flags.deep ?? false,
      yes: flags.yes ?? false,
      nonInteractive: flags.nonInteractive ?? false,
      generateGatewayToken: flags.generateGatewayToken ?? false,
      interactive,
    },
    onConfigChange: json ? undefined : printChange,
    confirm: interactive ? (q) => Promise.resolve(confirm(q)) : undefined,
  });
  if (!json) printLine(style.bold("OpenClaw doctor"));
  const report = await runDoctor(session, {
    checks: DOCTOR_CHECKS,
    onCheckDone: json ? undefined : printCheck,
  });
  if (json) printJson({ ok: report.ok, checks: report.checks, changes: report.changes });
  else printSummary(report, session.options.fix);
  if (report.checks.some((c) => c.id === "config.valid" && c.status === "error")) {
    return ExitCode.config;
  }
  return report.ok ? ExitCode.ok : ExitCode.failed;
}

const SYMBOL: Record<CheckStatus, [string, (s: string) => string]> = {
  ok: ["\u2713", (s) => style.green(s)],
  fixed: ["\u2713", (s) => style.green(s)],
  warn: ["!", (s) => style.yellow(s)],
  error: ["\u2717", (s) => style.red(s)],
  skipped: ["-", (s) => style.dim(s)],
};

function statusMark(status: CheckStatus): string {
  if (!colorEnabled()) return `[${status}]`;
  const [symbol, paint] = SYMBOL[status];
  return paint(symbol);
}

function findingLine(f: DoctorFinding): string {
  const text = f.path && !f.path.startsWith("/") ? `${f.path}: ${f.message}` : f.message;
  if (f.severity === "error") return style.red(`- ${text}`);
  if (f.severity === "warn") return style.yellow(`- ${text}`);
  return style.dim(`- ${text}`);
}

function printCheck(report: CheckReport): void {
  // Plain output already says "[fixed]"; the TTY symbol needs the word.
  const suffix = report.status === "fixed" && colorEnabled() ? " (fixed)" : "";
  printLine(`${statusMark(report.status)} ${report.title}${suffix}`);
  for (const f of report.findings) {
    printLine(`    ${findingLine(f)}`);
    if (f.fix && f.severity !== "info") printLine(`      ${style.dim(`fix: ${f.fix}`)}`);
  }
}

function printChange(change: ConfigChange): void {
  printLine(style.bold(`Config change: ${change.title}`));
  for (const line of change.diff.trimEnd().split("\n")) {
    if (line.startsWith("+") && !line.startsWith("+++")) printLine(style.green(line));
    else if (line.startsWith("-") && !line.startsWith("---")) printLine(style.red(line));
    else if (line.startsWith("@@")) printLine(style.cyan(line));
    else printLine(line);
  }
}

function printSummary(report: DoctorReport, fixing: boolean): void {
  const count = (s: CheckStatus) => report.checks.filter((c) => c.status === s).length;
  const parts = (["ok", "fixed", "warn", "error", "skipped"] as const)
    .map((s) => [s, count(s)] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  printLine();
  printLine(`Doctor: ${parts.join(", ")}`);
  for (const change of report.changes) {
    const file = shortenHome(change.file);
    printLine(`Wrote ${file} (${change.title}); the previous version is ${file}.bak`);
  }
  const fixable = report.checks.some((c) => c.findings.some((f) => f.fixable));
  if (!fixing && fixable) printErr('Run "openclaw doctor --fix" to apply the repairs.');
}
