/**
 * The facts one wizard run works from: the config as it is now, the environment, the defaults,
 * a token in case one must be generated, and the time. Reading them is the only I/O; everything
 * after that (steps, plan, diff) is a pure function of the context and the answers.
 *
 * @module
 */
import { generateGatewayToken } from "../auth/resolve.ts";
import { checkConfig, formatIssueLines } from "../config/load.ts";
import { parseConfigText } from "../config/read.ts";
import { parseEnvFile } from "../env.ts";
import { ExitCode, OpenClawError } from "../errors.ts";
import {
  type Env,
  joinPath,
  openclawCommand,
  processEnv,
  resolveConfigPath,
  resolveDefaultWorkspace,
  resolveGatewayPort,
  resolveStateDir,
} from "../paths.ts";
import { VERSION } from "../version.ts";
import type { OnboardSection } from "./answers.ts";

/** Which command runs the wizard (recorded as `wizard.lastRunCommand`). */
export type OnboardCommand = "onboard" | "configure";

/** What the wizard knows before asking anything. */
export interface OnboardContext {
  command: OnboardCommand;
  configPath: string;
  stateDir: string;
  /** The config file's text ("" when there is none). */
  configText: string;
  configExists: boolean;
  /** The config as written (before `${VAR}` substitution), `{}` when there is none. */
  raw: Record<string, unknown>;
  /** The process environment. */
  env: Env;
  /** The variables of `<stateDir>/.env`, to tell the user's shell from our own file. */
  stateDotenv: Readonly<Record<string, string>>;
  defaultWorkspace: string;
  defaultPort: number;
  /** Used only when the gateway needs a token and none is given or configured. */
  generatedToken: string;
  now: Date;
  version: string;
  /** `configure --section`: only these parts are asked (undefined = all). */
  sections?: ReadonlySet<OnboardSection>;
  /** Who drives the steps: the CLI can install a service and run a health check. */
  frontEnd: "cli" | "rpc";
  /** False under `--non-interactive`: steps take their defaults instead of asking. */
  interactive: boolean;
}

/** Options for {@linkcode loadOnboardContext}. */
export interface LoadContextOptions {
  command?: OnboardCommand;
  frontEnd?: "cli" | "rpc";
  interactive?: boolean;
  sections?: ReadonlySet<OnboardSection>;
  /** @default the process environment */
  env?: Env;
  /** @default resolveConfigPath(env) */
  configPath?: string;
  /** @default resolveStateDir(env) */
  stateDir?: string;
  /** @default new Date() */
  now?: Date;
}

function readStateDotenv(stateDir: string): Record<string, string> {
  try {
    return parseEnvFile(Deno.readTextFileSync(joinPath(stateDir, ".env")));
  } catch {
    return {};
  }
}

/**
 * Reads the config and environment for a wizard run. An invalid config, or one with legacy
 * keys, stops the wizard before any question: doctor knows how to repair it, the wizard does not.
 *
 * @throws {OpenClawError} `CONFIG_INVALID` (exit 78) naming every problem and `openclaw doctor`.
 */
export async function loadOnboardContext(
  options: LoadContextOptions = {},
): Promise<OnboardContext> {
  const env = options.env ?? processEnv();
  const command = options.command ?? "onboard";
  const configPath = options.configPath ?? resolveConfigPath(env);
  const stateDir = options.stateDir ?? resolveStateDir(env);
  const check = await checkConfig({ path: configPath, env, applyEnv: false });
  if (check.file.exists && (!check.valid || check.legacy.length > 0)) {
    const lines = [
      ...(check.issues.length ? [formatIssueLines(check.issues)] : []),
      ...check.legacy.map((l) => `- ${l.path}: ${l.message}`),
    ];
    throw new OpenClawError(
      "CONFIG_INVALID",
      `Config invalid. Run \`${openclawCommand("doctor", env)}\` to repair it, then re-run ${
        command === "configure" ? "configure" : "onboarding"
      }.\n${lines.join("\n")}`,
      {
        exitCode: ExitCode.config,
        hint: `${openclawCommand("doctor --fix", env)} migrates legacy keys and repairs the file`,
        details: { path: configPath, issues: check.issues, legacy: check.legacy },
      },
    );
  }
  const raw = check.file.exists ? parseConfigText(check.file.text, configPath) : {};
  const gateway = (raw as { gateway?: { port?: unknown } }).gateway;
  const configPort = typeof gateway?.port === "number" ? gateway.port : undefined;
  return {
    command,
    configPath,
    stateDir,
    configText: check.file.text,
    configExists: check.file.exists,
    raw: raw as Record<string, unknown>,
    env,
    stateDotenv: readStateDotenv(stateDir),
    defaultWorkspace: resolveDefaultWorkspace(env),
    defaultPort: resolveGatewayPort({ configPort, env: { ...env, OPENCLAW_GATEWAY_PORT: "" } })
      .port,
    generatedToken: generateGatewayToken(),
    now: options.now ?? new Date(),
    version: VERSION,
    sections: options.sections,
    frontEnd: options.frontEnd ?? "cli",
    interactive: options.interactive ?? true,
  };
}
