/**
 * The root `openclaw` command: global flags, profile set-up, lazy command loading and the one
 * place where errors become exit codes.
 *
 * Each command group lives in its own module under `cli/commands/`. Only the module of the
 * group being run is imported; the others are registered as name + summary so `--help` lists
 * them and a typo gets a "did you mean" suggestion.
 *
 * @module
 */
import { Command, CommanderError, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { loadDotenvFiles } from "../lib/env.ts";
import { ExitCode, OpenClawError } from "../lib/errors.ts";
import { profileEnv, resolveStateDir } from "../lib/paths.ts";
import { VERSION } from "../lib/version.ts";
import { disableColor, printErr, printJson, reportError, stdoutWasClosed } from "./output.ts";

/** A command module: adds its command (and sub-commands) to the root program. */
export interface CommandModule {
  register(program: CommandUnknownOpts): void;
}

interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<CommandModule>;
}

/** Every top-level command, in help order. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "setup",
    summary: "Create the state directory, config and workspace",
    load: () => import("./commands/setup.ts"),
  },
  {
    name: "onboard",
    summary: "Setup wizard: model and key, gateway, first channel, workspace, service",
    load: () => import("./commands/onboard.ts"),
  },
  {
    name: "configure",
    summary: "Change parts of the setup with the wizard (--section gateway, model, \u2026)",
    load: () => import("./commands/configure.ts"),
  },
  {
    name: "config",
    summary: "Read and edit openclaw.json",
    load: () => import("./commands/config.ts"),
  },
  {
    name: "gateway",
    summary: "Run the Gateway; status, probe and call it",
    load: () => import("./commands/gateway.ts"),
  },
  {
    name: "status",
    summary: "Overall status: gateway, service, agents, sessions",
    load: () => import("./commands/status.ts"),
  },
  {
    name: "health",
    summary: "The running gateway's health snapshot",
    load: () => import("./commands/health.ts"),
  },
  {
    name: "dns",
    summary: "Wide-area discovery: DNS setup for the gateway's zone (CoreDNS, Tailscale)",
    load: () => import("./commands/dns.ts"),
  },
  {
    name: "logs",
    summary: "Show or follow the gateway log",
    load: () => import("./commands/logs.ts"),
  },
  {
    name: "doctor",
    summary: "Find and fix problems with config, state, service and gateway",
    load: () => import("./commands/doctor.ts"),
  },
  {
    name: "security",
    summary: "Audit the security of config, files and the gateway",
    load: () => import("./commands/security.ts"),
  },
  {
    name: "secrets",
    summary: "SecretRef providers: audit, configure, reload",
    load: () => import("./commands/secrets.ts"),
  },
  {
    name: "models",
    summary: "Model catalog, default model and fallbacks, provider auth",
    load: () => import("./commands/models.ts"),
  },
  {
    name: "agent",
    summary: "Run one agent turn through the gateway (or embedded with --local)",
    load: () => import("./commands/agent.ts"),
  },
  {
    name: "sandbox",
    summary: "Sandbox runtimes and the effective tool policy (explain)",
    load: () => import("./commands/sandbox.ts"),
  },
  {
    name: "system",
    summary: "System events, heartbeat controls (last, enable, disable) and presence",
    load: () => import("./commands/system.ts"),
  },
  {
    name: "cron",
    summary: "Scheduled jobs: list, add, edit, remove, run now, run history, status",
    load: () => import("./commands/cron.ts"),
  },
  {
    name: "devices",
    summary: "Paired devices: list, approve, reject, remove, rename, rotate, revoke",
    load: () => import("./commands/devices.ts"),
  },
  {
    name: "dashboard",
    summary: "Open the Control UI with a one-time sign-in link",
    load: () => import("./commands/dashboard.ts"),
  },
  {
    name: "channels",
    summary: "Chat channels: list, status (--probe), add, remove",
    load: () => import("./commands/channels.ts"),
  },
  {
    name: "pairing",
    summary: "DM pairing: list, approve or reject senders waiting for access",
    load: () => import("./commands/pairing.ts"),
  },
  {
    name: "browser",
    summary: "The gateway's managed browser: status, start, stop, profiles, tabs",
    load: () => import("./commands/browser.ts"),
  },
];

const LOG_LEVELS = ["silent", "fatal", "error", "warn", "info", "debug", "trace"];

/** Global flags that take a value, so the command name can be found behind them. */
const GLOBAL_VALUE_FLAGS = new Set(["--profile", "--log-level"]);

/** Returns the first argument that is not a global flag: the command name, if any. */
export function findCommandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (GLOBAL_VALUE_FLAGS.has(a)) {
      i++;
      continue;
    }
    if (a === "--") return argv[i + 1];
    if (!a.startsWith("-")) return a;
  }
  return undefined;
}

/** Result of an action: an exit code, or nothing for success. */
type ActionResult = number | void;

let actionExit: number = ExitCode.ok;

/** Wraps a command action so its return value becomes the process exit code. */
export function act<A extends unknown[]>(
  fn: (...args: A) => ActionResult | Promise<ActionResult>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const code = await fn(...args);
    if (typeof code === "number") actionExit = code;
  };
}

function applyGlobalFlags(
  opts: { dev?: boolean; profile?: string; logLevel?: string; color?: boolean },
): void {
  if (opts.color === false) disableColor();
  for (const [k, v] of Object.entries(profileEnv({ dev: opts.dev, profile: opts.profile }))) {
    Deno.env.set(k, v);
  }
  if (opts.logLevel !== undefined) {
    if (!LOG_LEVELS.includes(opts.logLevel)) {
      throw new OpenClawError("USAGE", `Invalid --log-level "${opts.logLevel}"`, {
        exitCode: ExitCode.usage,
        hint: `Use one of: ${LOG_LEVELS.join(", ")}`,
      });
    }
    // The flag beats OPENCLAW_LOG_LEVEL and the config for this one command (and its children).
    Deno.env.set("OPENCLAW_LOG_LEVEL", opts.logLevel);
  }
  loadDotenvFiles(resolveStateDir());
}

/** Builds the root program with `selected` fully registered and the others as stubs. */
export async function buildProgram(selected?: string): Promise<CommandUnknownOpts> {
  const program = new Command()
    .name("openclaw")
    .description("OpenClaw Gateway and CLI: a self-hosted personal AI assistant")
    .version(VERSION, "-V, --version", "Print the version")
    .option("--dev", "Use the dev profile (~/.openclaw-dev, port 19001)")
    .option("--profile <name>", "Use a named profile (~/.openclaw-<name>)")
    .option("--log-level <level>", `Log level for this command (${LOG_LEVELS.join("|")})`)
    .option("--no-color", "Disable colour (also NO_COLOR=1)")
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .exitOverride();
  program.hook("preAction", () => applyGlobalFlags(program.opts()));
  for (const entry of COMMANDS) {
    if (entry.name === selected) (await entry.load()).register(program);
    else program.command(entry.name).description(entry.summary).helpOption(false);
  }
  return program;
}

const USAGE_CODES = new Set([
  "commander.unknownCommand",
  "commander.unknownOption",
  "commander.missingArgument",
  "commander.optionMissingArgument",
  "commander.missingMandatoryOptionValue",
  "commander.conflictingOption",
  "commander.excessArguments",
  "commander.invalidArgument",
  "commander.help",
]);

/** Runs the CLI with `argv` (without the program name) and returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  actionExit = ExitCode.ok;
  let program: CommandUnknownOpts;
  try {
    program = await buildProgram(findCommandName(argv));
  } catch (err) {
    return reportError(err, json);
  }
  let usageMessage = "";
  const configureAll = (cmd: CommandUnknownOpts) => {
    cmd.exitOverride().configureOutput({
      outputError: (text) => {
        usageMessage = text.trim();
        if (!json) printErr(text.trimEnd());
      },
    });
    cmd.commands.forEach((c) => configureAll(c as CommandUnknownOpts));
  };
  configureAll(program);
  if (argv.length === 0) {
    program.outputHelp();
    return ExitCode.ok;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return stdoutWasClosed() ? ExitCode.ok : actionExit;
  } catch (err) {
    if (stdoutWasClosed()) return ExitCode.ok;
    if (err instanceof CommanderError) {
      // `openclaw help` is asked-for help (exit 0); a command group run without its sub-command
      // also shows help, but as a usage error (commander sets exitCode 1 there).
      const askedForHelp = err.code === "commander.help" && err.exitCode === 0;
      if (
        err.code === "commander.helpDisplayed" || err.code === "commander.version" || askedForHelp
      ) {
        return ExitCode.ok;
      }
      const usage = USAGE_CODES.has(err.code) || err.exitCode !== 0;
      if (json) {
        printJson({ ok: false, error: { type: "USAGE", message: usageMessage || err.message } });
      }
      return usage ? ExitCode.usage : ExitCode.failed;
    }
    return reportError(err, json);
  }
}
