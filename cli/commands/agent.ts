/**
 * `openclaw agent --message TEXT`: one agent turn. Through the running gateway (the two-phase
 * `agent` RPC, waiting for the final response) by default; embedded in this process with
 * `--local`, or when the gateway cannot be reached (with a note on stderr, as stock does).
 *
 * The runtime and the RPC client are imported inside the action, so other commands never load
 * them.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import type { AgentLogger } from "../../lib/agent/mod.ts";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import { printErr, printJson, printLine } from "../output.ts";
import { act } from "../program.ts";

const THINKING = ["off", "minimal", "low", "medium", "high", "xhigh"] as const;
type Thinking = typeof THINKING[number];

/** Default turn timeout when neither --timeout nor the config says (stock: 600 s). */
const DEFAULT_TIMEOUT_SECONDS = 600;
/** Extra wait for the final response beyond the turn's own timeout. */
const FINAL_GRACE_MS = 30_000;

interface AgentFlags {
  message: string;
  to?: string;
  sessionId?: string;
  agent?: string;
  model?: string;
  thinking?: string;
  local?: boolean;
  json?: boolean;
  timeout?: string;
  url?: string;
  token?: string;
  password?: string;
}

/** The final `agent` payload (see gateway/methods/agent.ts `agentFinalPayload`). */
interface AgentFinal {
  runId: string;
  status: string;
  summary?: string;
  error?: string;
  result?: { payloads?: { text?: string }[] };
}

interface TurnInput {
  runId: string;
  message: string;
  agentId?: string;
  sessionId?: string;
  to?: string;
  model?: string;
  thinking?: Thinking;
  timeoutSeconds?: number;
}

function usage(message: string, hint?: string): OpenClawError {
  return new OpenClawError("USAGE", message, { exitCode: ExitCode.usage, hint });
}

function parseFlags(flags: AgentFlags): TurnInput {
  if (flags.message.trim() === "") throw usage("Invalid --message: it is empty");
  let thinking: Thinking | undefined;
  if (flags.thinking !== undefined) {
    thinking = flags.thinking.toLowerCase() as Thinking;
    if (!THINKING.includes(thinking)) {
      throw usage(`Invalid --thinking "${flags.thinking}"`, `Use one of: ${THINKING.join(", ")}`);
    }
  }
  let timeoutSeconds: number | undefined;
  if (flags.timeout !== undefined) {
    timeoutSeconds = Number(flags.timeout);
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) {
      throw usage(`Invalid --timeout "${flags.timeout}": expected a positive number of seconds`);
    }
  }
  return {
    runId: crypto.randomUUID(),
    message: flags.message,
    agentId: flags.agent,
    sessionId: flags.sessionId,
    to: flags.to,
    model: flags.model,
    thinking,
    timeoutSeconds,
  };
}

/** Failures that mean the gateway never took the turn, so running it here is safe. */
function gatewayDown(err: unknown, accepted: boolean): boolean {
  if (!(err instanceof OpenClawError)) return false;
  if (err.code === "GATEWAY_UNREACHABLE") return true;
  return !accepted && (err.code === "GATEWAY_CLOSED" || err.code === "GATEWAY_TIMEOUT");
}

async function viaGateway(
  input: TurnInput,
  flags: AgentFlags,
  onAccepted: () => void,
): Promise<AgentFinal> {
  const { CLI_CLIENT, withGateway } = await import("../../lib/rpc/session.ts");
  return await withGateway(flags, CLI_CLIENT, 10_000, async (client, target) => {
    const defaults = (target.config.agents as { defaults?: { timeoutSeconds?: unknown } })
      ?.defaults;
    const configured = typeof defaults?.timeoutSeconds === "number"
      ? defaults.timeoutSeconds
      : DEFAULT_TIMEOUT_SECONDS;
    client.onEvent((event, payload) => {
      if (event === "agent" && (payload as { runId?: string })?.runId === input.runId) {
        onAccepted();
      }
    });
    return await client.call<AgentFinal>("agent", {
      message: input.message,
      idempotencyKey: input.runId,
      agentId: input.agentId,
      sessionId: input.sessionId,
      to: input.to,
      model: input.model,
      thinking: input.thinking,
      timeout: input.timeoutSeconds,
      channel: "cli",
    }, {
      expectFinal: true,
      timeoutMs: (input.timeoutSeconds ?? configured) * 1000 + FINAL_GRACE_MS,
    });
  });
}

/** The agent logger's line for a failed model attempt (lib/agent/turn.ts). */
const MODEL_FAILED = "model {ref} failed ({reason}): {error}";

/**
 * Wraps the agent logger so a failed turn can say why each model failed: the final payload
 * only names the reason class ("unavailable"), the cause is in the log.
 */
function recordingLogger(log: AgentLogger, causes: string[]): AgentLogger {
  return {
    debug: (m, p) => log.debug(m, p),
    info: (m, p) => {
      if (m === MODEL_FAILED && p && typeof p.error === "string" && p.error !== "") {
        causes.push(`${String(p.ref)}: ${p.error}`);
      }
      log.info(m, p);
    },
    warn: (m, p) => log.warn(m, p),
    error: (m, p) => log.error(m, p),
  };
}

/** One embedded turn; `causes` gets the failure of each model that failed. */
async function embedded(input: TurnInput, causes: string[] = []): Promise<AgentFinal> {
  const [
    { loadConfig },
    { createAgentRuntime },
    { resolveSecretRefs },
    paths,
    { agentFinalPayload },
  ] = await Promise.all([
    import("../../lib/config/load.ts"),
    import("../../lib/agent/mod.ts"),
    import("../../lib/secrets/snapshot.ts"),
    import("../../lib/paths.ts"),
    import("../../gateway/methods/agent.ts"),
  ]);
  const { getLogger } = await import("../../lib/log/mod.ts");
  const { config } = await loadConfig();
  const secrets = await resolveSecretRefs(config);
  const runtime = createAgentRuntime({
    config,
    stateDir: paths.resolveStateDir(),
    env: paths.processEnv(),
    resolveSecret: (ref) => secrets.get(ref),
    log: recordingLogger(getLogger("agent"), causes),
  });
  // Ctrl-C aborts the turn so its transcript ends cleanly instead of mid-write.
  const ac = new AbortController();
  const onInterrupt = () => ac.abort();
  Deno.addSignalListener("SIGINT", onInterrupt);
  try {
    const startedAt = Date.now();
    const result = await runtime.runTurn({
      runId: input.runId,
      message: input.message,
      agentId: input.agentId,
      sessionId: input.sessionId,
      model: input.model,
      thinking: input.thinking,
      timeoutSeconds: input.timeoutSeconds,
      channel: "cli",
      signal: ac.signal,
    });
    return agentFinalPayload(result, startedAt) as unknown as AgentFinal;
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
    await runtime.close();
  }
}

/** Registers `agent`. */
export function register(program: CommandUnknownOpts): void {
  program.command("agent")
    .description(
      "Run one agent turn through the gateway (embedded with --local, or when it is unreachable)",
    )
    .requiredOption("-m, --message <text>", "The message to send")
    .option("-t, --to <dest>", "Destination whose session to use (the main session by default)")
    .option("--session-id <id>", "Continue this session's transcript")
    .option("--agent <id>", "Agent id (default: the default agent)")
    .option("--model <ref>", "provider/model for this turn only (no fallbacks)")
    .option("--thinking <level>", `Thinking level (${THINKING.join("|")})`)
    .option("--local", "Run embedded in this process instead of through the gateway")
    .option("--timeout <seconds>", "Turn timeout (default: agents.defaults.timeoutSeconds, 600)")
    .option("--json", "Print the result as JSON")
    .option("--url <url>", "Gateway WebSocket URL (needs --token or --password)")
    .option("--token <token>", "Gateway token")
    .option("--password <password>", "Gateway password")
    .action(act(async (flags: AgentFlags) => {
      const input = parseFlags(flags);
      let final: AgentFinal;
      const causes: string[] = [];
      if (flags.local) {
        final = await embedded(input, causes);
      } else {
        let accepted = false;
        try {
          final = await viaGateway(input, flags, () => accepted = true);
        } catch (err) {
          if (!gatewayDown(err, accepted)) throw err;
          printErr(
            `Gateway agent failed; falling back to embedded: ${(err as Error).message}`,
          );
          final = await embedded(input, causes);
        }
      }
      const ok = final.status === "ok";
      // Why each model failed, unless the error already says it (stderr: --json stays clean).
      const why = ok ? [] : causes.filter((c) => !(final.error ?? "").includes(c));
      if (flags.json) {
        for (const c of why) printErr(`Cause: ${c}`);
        printJson(final);
        return ok ? ExitCode.ok : ExitCode.failed;
      }
      const text = (final.result?.payloads ?? []).map((p) => p.text ?? "").filter(Boolean);
      if (text.length) printLine(text.join("\n\n"));
      if (!ok) {
        printErr(`Agent run ${final.status}: ${final.error ?? final.summary ?? "unknown error"}`);
        for (const c of why) printErr(`Cause: ${c}`);
        return ExitCode.failed;
      }
    }));
}
