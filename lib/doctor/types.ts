/**
 * The shapes of `openclaw doctor`: checks, their findings, the context they run in and the
 * report (`doctor --json`).
 *
 * @module
 */
import type { ConfigCheck } from "../config/load.ts";
import type { Env } from "../paths.ts";
import type { AuditContext } from "../security/context.ts";
import type { InspectorScan } from "../security/inspector.ts";
import type { ConfigSyntaxError } from "./config_syntax.ts";

/** How bad a doctor finding is. */
export type FindingSeverity = "info" | "warn" | "error";

/** One observation of a check. */
export interface DoctorFinding {
  severity: FindingSeverity;
  message: string;
  /** The config path or file the finding is about. */
  path?: string;
  /** What fixes it: a command, or what `--fix` will do. */
  fix?: string;
  /** True when the check's own `fix` can repair this. */
  fixable?: boolean;
}

/** A check's outcome after fixes. */
export type CheckStatus = "ok" | "warn" | "error" | "fixed" | "skipped";

/** What a check's `run` returns: findings, or a reason it did not apply. */
export type CheckOutcome = DoctorFinding[] | { skip: string };

/** One doctor check. Adding one is one export line in `checks/mod.ts`. */
export interface DoctorCheck {
  /** Stable id, e.g. `config.legacy`. */
  id: string;
  title: string;
  /** Position in the run: lower runs first (config before the checks that read it). */
  order: number;
  /**
   * True when the check reads the parsed config: it is skipped, with one line saying why, when
   * the config cannot be read or parsed (its findings would describe an empty config instead).
   */
  needsConfig?: boolean;
  /** Budget for `run` (and for `fix`, each). @default 5000 */
  timeoutMs?: number;
  /** True when `fix` is safe without asking (`--non-interactive` applies it). */
  safeFix?: boolean;
  run(ctx: DoctorContext): Promise<CheckOutcome>;
  /** Repairs what `run` flagged as fixable; returns one line per change made. */
  fix?(ctx: DoctorContext, findings: readonly DoctorFinding[]): Promise<string[]>;
  /** True when this check's fix was asked for by a flag (e.g. `--generate-gateway-token`). */
  fixRequested?(options: DoctorOptions): boolean;
}

/** Flags of `openclaw doctor`. */
export interface DoctorOptions {
  /** `--fix` / `--repair`: apply every recommended repair without asking. */
  fix: boolean;
  /** `--deep`: scan for other gateway installs. */
  deep: boolean;
  /** `--yes`: accept the default (yes) for every prompt. */
  yes: boolean;
  /** `--non-interactive`: never prompt; apply only safe repairs. */
  nonInteractive: boolean;
  /** `--generate-gateway-token`. */
  generateGatewayToken: boolean;
  /** True when prompts can be shown (a TTY, not `--json`). */
  interactive: boolean;
}

/** A process listening on a TCP port. */
export interface PortHolder {
  pid: number;
  command: string;
}

/** The output of a finished command. */
export interface CommandOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** Side-effecting probes, injected so checks stay testable and `lib/` stays below `gateway/`. */
export interface DoctorProbes {
  /** Who listens on a TCP port; `[]` when nobody (or when it cannot tell). */
  findPortListeners(port: number): Promise<PortHolder[]>;
  /** Runs a command; `undefined` when the binary is not on PATH. */
  runCommand(
    command: string,
    args: string[],
    signal: AbortSignal,
  ): Promise<CommandOutput | undefined>;
  /**
   * Looks for a V8 inspector open in the gateway named by `<stateDir>/gateway.runtime.json`.
   * @default the real /proc scan and `/json/version` probe (lib/security/inspector.ts)
   */
  scanInspector?(stateDir: string): Promise<InspectorScan>;
}

/** The config as doctor sees it: the file, its validation, and a loose read for other checks. */
export interface ConfigSnapshot {
  path: string;
  exists: boolean;
  /** The file's own text ("" when missing). */
  text: string;
  /** Why it could not be read, when it could not. */
  readError?: string;
  /** Where the JSON5 text stops parsing, when it does not parse. */
  syntaxError?: ConfigSyntaxError;
  /** Validation of the text (never thrown); undefined when unreadable. */
  check?: ConfigCheck;
  /** The best-effort view other checks and the security audit read. */
  audit: AuditContext;
}

/** One change doctor made to the config (or is about to make). */
export interface ConfigChange {
  check: string;
  title: string;
  file: string;
  /** Unified diff of the change; secrets it adds are masked. */
  diff: string;
}

/** What a check runs with. */
export interface DoctorContext {
  env: Env;
  home: string;
  stateDir: string;
  configPath: string;
  options: DoctorOptions;
  probes: DoctorProbes;
  /** Aborted when the check's time is up. */
  signal: AbortSignal;
  /** The current config (refreshed after every config write). */
  readonly config: ConfigSnapshot;
  /**
   * Rewrites the config under the lock: `compute` gets the current text and returns the new one
   * (or undefined for no change). The diff is reported before the file is written, and a `.bak`
   * is kept. `mask` lists values to hide in the diff. Throws, writing nothing, when the current
   * file does not parse.
   */
  editConfig(
    title: string,
    compute: (text: string) => string | undefined,
    mask?: readonly string[],
  ): Promise<boolean>;
  now(): Date;
}

/** One check in the report. */
export interface CheckReport {
  id: string;
  title: string;
  status: CheckStatus;
  findings: DoctorFinding[];
  durationMs: number;
}

/** The `doctor --json` document. */
export interface DoctorReport {
  ok: boolean;
  checks: CheckReport[];
  changes: ConfigChange[];
}
