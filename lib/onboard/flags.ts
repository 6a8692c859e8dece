/**
 * `onboard` flags -> answers. Combinations stock refuses are refused here first, with stock's
 * messages, before anything is read or written; single values are checked again by their step.
 *
 * @module
 */
import { ENV_SECRET_ID } from "../config/schema/_common.ts";
import { ExitCode, OpenClawError } from "../errors.ts";
import { type Env, openclawCommand } from "../paths.ts";
import {
  AUTH_CHOICES,
  type AuthChoice,
  CUSTOM_COMPATIBILITIES,
  type OnboardAnswers,
  SECRET_INPUT_MODES,
} from "./answers.ts";
import { parsePortAnswer, PORT_MESSAGE } from "./_steps_gateway.ts";
import { acceptRiskMessage, remoteUrlProblem } from "./_steps_setup.ts";
import { KEYED_PROVIDERS } from "./providers.ts";

/** The `onboard` flags as commander parses them. */
export interface OnboardFlags {
  nonInteractive?: boolean;
  acceptRisk?: boolean;
  classic?: boolean;
  tui?: boolean;
  flow?: string;
  mode?: string;
  workspace?: string;
  authChoice?: string;
  anthropicApiKey?: string;
  openaiApiKey?: string;
  openrouterApiKey?: string;
  customBaseUrl?: string;
  customModelId?: string;
  customApiKey?: string;
  customProviderId?: string;
  customCompatibility?: string;
  secretInputMode?: string;
  gatewayPort?: string;
  gatewayBind?: string;
  gatewayAuth?: string;
  gatewayToken?: string;
  gatewayTokenRefEnv?: string;
  gatewayPassword?: string;
  tailscale?: string;
  remoteUrl?: string;
  remoteToken?: string;
  installDaemon?: boolean;
  skipDaemon?: boolean;
  daemonRuntime?: string;
  skipChannels?: boolean;
  skipHealth?: boolean;
  skipBootstrap?: boolean;
  skipUi?: boolean;
  heartbeatEvery?: string;
  heartbeatTarget?: string;
  reset?: boolean;
  resetScope?: string;
  json?: boolean;
}

function reject(message: string): OpenClawError {
  return new OpenClawError("USAGE", message, { exitCode: ExitCode.usage });
}

function quoted(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}

function checkChoice(flag: string, value: string | undefined, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw reject(`Invalid ${flag} ${JSON.stringify(value)}. Use ${quoted(allowed)}.`);
  }
}

const KEY_FLAGS: readonly {
  flag: string;
  choice: AuthChoice;
  pick: (f: OnboardFlags) => unknown;
}[] = [
  ...KEYED_PROVIDERS.map((p) => ({
    flag: p.flag,
    choice: p.choice as AuthChoice,
    pick: (f: OnboardFlags) =>
      p.provider === "openai"
        ? f.openaiApiKey
        : p.provider === "anthropic"
        ? f.anthropicApiKey
        : f.openrouterApiKey,
  })),
  { flag: "--custom-base-url", choice: "custom-api-key", pick: (f) => f.customBaseUrl },
];

function inferAuthChoice(f: OnboardFlags): AuthChoice | undefined {
  if (f.authChoice !== undefined) {
    if (!(AUTH_CHOICES as readonly string[]).includes(f.authChoice)) {
      throw reject(
        `Auth choice "${f.authChoice}" was not matched to a provider setup flow. Run ${
          openclawCommand("onboard")
        } to choose interactively.`,
      );
    }
    return f.authChoice as AuthChoice;
  }
  const given = KEY_FLAGS.filter((k) => k.pick(f) !== undefined);
  if (given.length > 1) {
    throw reject(
      [
        `Multiple API key flags were provided for ${
          f.nonInteractive ? "non-interactive" : "interactive"
        } setup.`,
        "Use a single provider flag or pass --auth-choice explicitly.",
        `Flags: ${given.map((g) => g.flag).join(", ")}`,
      ].join("\n"),
    );
  }
  return given[0]?.choice;
}

function checkRemote(f: OnboardFlags, env: Env): void {
  const mode = f.mode ?? "local";
  const remoteOnly = [
    f.remoteUrl !== undefined ? "--remote-url" : undefined,
    f.remoteToken !== undefined ? "--remote-token" : undefined,
  ].filter((x): x is string => x !== undefined);
  if (f.nonInteractive && mode === "local" && remoteOnly.length > 0) {
    throw reject(
      `${remoteOnly.join(" and ")} ${
        remoteOnly.length === 1 ? "requires" : "require"
      } --mode remote in non-interactive setup.`,
    );
  }
  if (f.remoteToken !== undefined && !f.remoteToken.trim()) {
    throw reject("Invalid --remote-token: value cannot be empty.");
  }
  if (mode === "remote") {
    const local = [
      ["--gateway-password", f.gatewayPassword, "--remote-token"],
      ["--gateway-token", f.gatewayToken, "--remote-token"],
      [
        "--gateway-token-ref-env",
        f.gatewayTokenRefEnv,
        "--remote-token with --secret-input-mode ref",
      ],
    ] as const;
    for (const [flag, value, remoteFlag] of local) {
      if (value !== undefined) {
        throw reject(`${flag} configures local gateway auth. Use ${remoteFlag} in remote mode.`);
      }
    }
    if (f.nonInteractive && !f.remoteUrl?.trim()) {
      throw reject(
        `Missing --remote-url for remote mode. Example: ${
          openclawCommand(
            "onboard --non-interactive --accept-risk --mode remote --remote-url ws://127.0.0.1:3000",
            env,
          )
        }.`,
      );
    }
    if (f.remoteUrl?.trim()) {
      const problem = remoteUrlProblem(f.remoteUrl.trim());
      if (problem) throw reject(problem);
    }
  }
}

function checkTokenRefEnv(f: OnboardFlags, env: Env): void {
  if (f.gatewayTokenRefEnv === undefined) return;
  const name = f.gatewayTokenRefEnv.trim();
  if (!ENV_SECRET_ID.test(name)) {
    throw reject(
      "Invalid --gateway-token-ref-env. Use an environment variable name like OPENCLAW_GATEWAY_TOKEN.",
    );
  }
  if (f.gatewayToken !== undefined) {
    throw reject(
      "Use either --gateway-token or --gateway-token-ref-env, not both. Prefer --gateway-token-ref-env to avoid writing plaintext tokens.",
    );
  }
  if (!env[name]?.trim()) {
    throw reject(
      `Environment variable "${name}" is missing or empty. Export it first, then rerun ${
        openclawCommand("onboard --non-interactive", env)
      }.`,
    );
  }
}

/**
 * Checks the flags and turns them into answers given up front.
 *
 * @param f The parsed flags.
 * @param env The environment (`--gateway-token-ref-env` must name a set variable).
 * @returns The answers the flags give.
 * @throws {OpenClawError} `USAGE` (exit 2) with stock's message for a refused combination.
 */
export function answersFromFlags(f: OnboardFlags, env: Env): OnboardAnswers {
  if (f.mode !== undefined && f.mode !== "local" && f.mode !== "remote") {
    throw reject(
      `Invalid --mode "${f.mode}". Use "local" or "remote", or run ${
        openclawCommand("onboard", env)
      } for interactive setup.`,
    );
  }
  checkRemote(f, env);
  checkChoice("--gateway-bind", f.gatewayBind, ["loopback", "tailnet", "lan", "auto", "custom"]);
  checkChoice("--gateway-auth", f.gatewayAuth, ["token", "password"]);
  checkChoice("--tailscale", f.tailscale, ["off", "serve", "funnel"]);
  checkChoice("--custom-compatibility", f.customCompatibility, CUSTOM_COMPATIBILITIES);
  if (f.flow !== undefined && !["quickstart", "advanced", "manual"].includes(f.flow)) {
    throw reject(
      f.flow === "import"
        ? "--flow import is not supported by this gateway. Run onboarding without it."
        : 'Invalid --flow. Use "quickstart", "advanced", "manual", or "import".',
    );
  }
  if (f.daemonRuntime !== undefined && f.daemonRuntime !== "node" && f.daemonRuntime !== "bun") {
    throw reject('Invalid --daemon-runtime. Use "node" or "bun".');
  }
  let port: number | undefined;
  if (f.gatewayPort !== undefined) {
    port = parsePortAnswer(f.gatewayPort);
    if (port === undefined) throw reject(PORT_MESSAGE);
  }
  checkTokenRefEnv(f, env);
  if (f.classic && f.nonInteractive) {
    throw reject(
      "--classic cannot be combined with --non-interactive. Remove --non-interactive to open the classic wizard, or remove --classic for automated setup.",
    );
  }
  if (f.tui && f.nonInteractive) {
    throw reject(
      "--tui cannot be combined with --non-interactive. Remove --tui for automation, or remove --non-interactive to open the terminal hatch.",
    );
  }
  if (
    f.secretInputMode !== undefined &&
    !(SECRET_INPUT_MODES as readonly string[]).includes(f.secretInputMode)
  ) {
    throw reject(
      `Invalid --secret-input-mode. Use "plaintext" or "ref", or run ${
        openclawCommand("onboard", env)
      } for the interactive setup.`,
    );
  }
  if (f.resetScope !== undefined && !f.reset) {
    throw reject(
      `--reset-scope requires --reset. Re-run with ${
        openclawCommand(`onboard --reset --reset-scope ${f.resetScope}`, env)
      }.`,
    );
  }
  if (f.reset) {
    throw reject(
      "--reset is not supported by this gateway: nothing was removed. Move the config aside " +
        "yourself (or edit it with openclaw config set) and run onboarding again.",
    );
  }
  if (f.nonInteractive && f.acceptRisk !== true) throw reject(acceptRiskMessage(env));

  const authChoice = inferAuthChoice(f);
  const answers: OnboardAnswers = {};
  if (f.acceptRisk) answers.acceptRisk = true;
  if (f.mode === "local" || f.mode === "remote") answers.mode = f.mode;
  if (f.workspace !== undefined) answers.workspace = f.workspace;
  if (f.skipBootstrap) answers.skipBootstrap = true;
  if (authChoice) answers.authChoice = authChoice;
  for (const k of KEY_FLAGS) {
    const value = k.pick(f);
    if (value === undefined || k.flag === "--custom-base-url") continue;
    if (k.choice !== authChoice) {
      throw reject(`${k.flag} does not apply to --auth-choice ${authChoice}.`);
    }
    answers.apiKey = String(value).trim();
  }
  if (authChoice === "custom-api-key") {
    if (f.customApiKey !== undefined) answers.apiKey = f.customApiKey.trim();
    if (f.customBaseUrl !== undefined) answers.customBaseUrl = f.customBaseUrl;
    if (f.customModelId !== undefined) answers.customModelId = f.customModelId;
    if (f.customProviderId !== undefined) answers.customProviderId = f.customProviderId;
    if (f.customCompatibility !== undefined) {
      answers.customCompatibility = f.customCompatibility as OnboardAnswers["customCompatibility"];
    }
  }
  if (f.secretInputMode !== undefined) {
    answers.secretInputMode = f.secretInputMode as OnboardAnswers["secretInputMode"];
  }
  if (port !== undefined) answers.gatewayPort = port;
  if (f.gatewayBind !== undefined) {
    answers.gatewayBind = f.gatewayBind as OnboardAnswers["gatewayBind"];
  }
  // Stock infers the auth mode from the credential flags.
  const auth = f.gatewayAuth ??
    (f.gatewayToken !== undefined || f.gatewayTokenRefEnv !== undefined
      ? "token"
      : f.gatewayPassword !== undefined
      ? "password"
      : undefined);
  if (auth === "token" || auth === "password") answers.gatewayAuth = auth;
  if (f.gatewayToken !== undefined) answers.gatewayToken = f.gatewayToken.trim();
  if (f.gatewayTokenRefEnv !== undefined) answers.gatewayTokenRefEnv = f.gatewayTokenRefEnv.trim();
  if (f.gatewayPassword !== undefined) answers.gatewayPassword = f.gatewayPassword;
  if (f.tailscale !== undefined) answers.tailscale = f.tailscale as OnboardAnswers["tailscale"];
  if (f.remoteUrl !== undefined) answers.remoteUrl = f.remoteUrl.trim();
  if (f.remoteToken !== undefined) answers.remoteToken = f.remoteToken.trim();
  if (f.skipChannels) answers.channel = "skip";
  if (f.heartbeatEvery !== undefined) answers.heartbeatEvery = f.heartbeatEvery;
  if (f.heartbeatTarget !== undefined) answers.heartbeatTarget = f.heartbeatTarget;
  if (f.skipDaemon || f.installDaemon === false) answers.installDaemon = false;
  else if (f.installDaemon) answers.installDaemon = true;
  if (f.skipHealth) answers.runHealth = false;
  if (f.skipUi) answers.skipUi = true;
  return answers;
}
