/**
 * `openclaw onboard`: the setup wizard. On a terminal it asks (clack prompts, onboard_prompts.ts);
 * with `--non-interactive --accept-risk` every step takes its flag or its default. Both walk the
 * same steps (lib/onboard), show the config diff before writing, and write the config with its
 * comments kept, secrets in `~/.openclaw/.env` (0600), and stock's `wizard.*` keys.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import type { OnboardFlags } from "../../lib/onboard/flags.ts";
import type { OnboardSession } from "../../lib/onboard/session.ts";
import { printErr, printJson, printLine } from "../output.ts";
import { act } from "../program.ts";

/** Adds every `onboard` flag (stock's names) to `cmd`; they are read back as OnboardFlags. */
function addOnboardOptions<C extends CommandUnknownOpts>(cmd: C): C {
  cmd
    .option("--non-interactive", "Never prompt: every step takes its flag or its default")
    .option("--accept-risk", "Acknowledge the security notice (required with --non-interactive)")
    .option("--classic", "The step-by-step wizard (the only one here; accepted for scripts)")
    .option("--tui", "Use the terminal (always, here)")
    .option("--flow <flow>", "quickstart | manual (advanced)")
    .option("--mode <mode>", "local | remote")
    .option("--workspace <dir>", "Agent workspace directory")
    .option(
      "--auth-choice <choice>",
      "openai-api-key | anthropic-api-key | openrouter-api-key | " +
        "custom-api-key | skip",
    )
    .option("--openai-api-key <key>", "OpenAI API key")
    .option("--anthropic-api-key <key>", "Anthropic API key")
    .option("--openrouter-api-key <key>", "OpenRouter API key")
    .option("--custom-base-url <url>", "Custom provider base URL")
    .option("--custom-model-id <id>", "Custom provider model id")
    .option("--custom-api-key <key>", "Custom provider API key")
    .option("--custom-provider-id <id>", "Custom provider id (default: from the URL)")
    .option("--custom-compatibility <api>", "openai | openai-responses | anthropic")
    .option("--secret-input-mode <mode>", "plaintext (default) | ref (env SecretRefs)")
    .option("--gateway-port <port>", "Gateway port")
    .option("--gateway-bind <bind>", "loopback | lan | tailnet | auto | custom")
    .option("--gateway-auth <mode>", "token | password")
    .option("--gateway-token <token>", "Gateway token (default: keep or generate)")
    .option("--gateway-token-ref-env <name>", "Store gateway.auth.token as an env SecretRef")
    .option("--gateway-password <password>", "Gateway password")
    .option("--tailscale <mode>", "off | serve | funnel")
    .option("--remote-url <url>", "Remote gateway URL (ws:// or wss://)")
    .option("--remote-token <token>", "Remote gateway token")
    .option("--install-daemon", "Install the gateway service")
    .option("--no-install-daemon", "Do not install the gateway service")
    .option("--skip-daemon", "Do not install the gateway service")
    .option("--daemon-runtime <runtime>", "node | bun (accepted; the service runs this binary)")
    .option("--skip-channels", "Do not set up a chat channel")
    .option("--skip-health", "Do not wait for the gateway's health check")
    .option("--skip-ui", "Do not point at the dashboard at the end")
    .option("--skip-bootstrap", "Do not create the workspace's bootstrap files")
    .option("--skip-skills", "Accepted for scripts (no skills step here)")
    .option("--skip-search", "Accepted for scripts (no web search step here)")
    .option("--skip-hooks", "Accepted for scripts (no hooks step here)")
    .option("--heartbeat-every <duration>", 'Heartbeat interval ("30m", "1h") or "off"')
    .option("--heartbeat-target <target>", "none | last | a channel id")
    .option("--suppress-gateway-token-output", "Accepted for scripts (tokens are never printed)")
    .option("--reset", "Start from scratch (not supported here)")
    .option("--reset-scope <scope>", "config | config+creds+sessions | full")
    .option("--json", "Print the result as JSON (does not imply --non-interactive)");
  return cmd;
}

/** Registers `onboard`. */
export function register(program: CommandUnknownOpts): void {
  addOnboardOptions(
    program.command("onboard")
      .description(
        "Set up the gateway: model and key, gateway port/bind/auth, a first channel, " +
          "workspace, heartbeat, service",
      ),
  ).action(act((flags: OnboardFlags) => onboardCommand(flags)));
}

/** Prints what a finished non-interactive run did, as text or JSON. */
function report(session: OnboardSession, flags: OnboardFlags): void {
  const outcome = session.outcome;
  if (!outcome) return;
  const a = session.answers;
  if (flags.json) {
    const plan = outcome.plan;
    printJson({
      ok: (session.health?.ok ?? true) && (session.daemon?.ok ?? true),
      mode: plan.mode,
      configPath: outcome.configPath,
      changed: outcome.changed,
      ...(outcome.workspace ? { workspace: outcome.workspace } : {}),
      authChoice: a.authChoice ?? "skip",
      ...(plan.model ? { model: plan.model } : {}),
      secretInputMode: a.secretInputMode ?? "plaintext",
      ...(outcome.envFile ? { envFile: outcome.envFile } : {}),
      envVars: plan.envVars.map((v) => v.name),
      ...(plan.mode === "local"
        ? {
          gateway: {
            port: a.gatewayPort,
            bind: a.gatewayBind,
            authMode: a.gatewayAuth,
            tailscaleMode: a.tailscale,
            tokenGenerated: plan.tokenGenerated,
          },
        }
        : { remoteUrl: a.remoteUrl }),
      installDaemon: a.installDaemon === true,
      ...(session.daemon ? { daemon: session.daemon } : {}),
      skipHealth: a.runHealth === false,
      ...(session.health ? { health: session.health } : {}),
      notes: plan.notes,
    });
    return;
  }
  printLine();
  for (const line of session.summary ?? []) printLine(line);
}

async function nonInteractive(flags: OnboardFlags): Promise<number> {
  const { answersFromFlags } = await import("../../lib/onboard/flags.ts");
  const { processEnv } = await import("../../lib/paths.ts");
  const given = answersFromFlags(flags, processEnv());
  const { loadOnboardContext } = await import("../../lib/onboard/context.ts");
  const { cliEffects } = await import("../../lib/onboard/effects.ts");
  const { OnboardSession } = await import("../../lib/onboard/session.ts");
  const { reviewMessage } = await import("../../lib/onboard/_steps_finish.ts");
  const ctx = await loadOnboardContext({ command: "onboard", interactive: false });
  const effects = cliEffects();
  const run = new OnboardSession({
    ctx,
    given,
    effects: {
      ...effects,
      apply: async (c, answers) => {
        // The diff is shown before writing, as the prompts show it; on stderr under --json so
        // stdout stays one JSON document.
        const text = await reviewMessage({ ctx: c, answers, canProbe: false });
        if (flags.json) printErr(text);
        else for (const line of text.split("\n")) printLine(line);
        return await effects.apply(c, answers);
      },
    },
  });
  await run.runAuto();
  report(run, flags);
  const failed = run.health?.ok === false || run.daemon?.ok === false;
  return failed ? ExitCode.failed : ExitCode.ok;
}

/** Runs `onboard` with parsed flags; returns the exit code. */
export async function onboardCommand(flags: OnboardFlags): Promise<number> {
  if (flags.nonInteractive) return await nonInteractive(flags);
  if (!Deno.stdin.isTerminal()) {
    throw new OpenClawError(
      "USAGE",
      "onboard needs an interactive terminal",
      {
        exitCode: ExitCode.usage,
        hint: "Run it in a terminal, or script it: openclaw onboard --non-interactive " +
          "--accept-risk --mode local --auth-choice skip --skip-health",
      },
    );
  }
  const { answersFromFlags } = await import("../../lib/onboard/flags.ts");
  const { processEnv } = await import("../../lib/paths.ts");
  const given = answersFromFlags(flags, processEnv());
  const { runPrompts } = await import("./onboard_prompts.ts");
  return await runPrompts({ command: "onboard", given });
}
