/**
 * The `exec` tool: runs a shell command in the workspace. A foreground command returns its
 * output when it ends; one still running after `yieldMs` (default `tools.exec.backgroundMs`) moves
 * to the background and returns a `sessionId` for the `process` tool, as does `background: true`.
 * Every command has a timeout (`timeout` seconds, default `tools.exec.timeoutSec`) after which
 * its whole process group is killed.
 *
 * Sandboxed sessions run through `ctx.execRunner` (lib/sandbox's `docker exec`); `elevated: true`
 * runs on the host instead, only when `tools.elevated.enabled` is true. Children get
 * `OPENCLAW_SHELL=exec` in their environment.
 *
 * @module
 */
import { z } from "zod";
import { OpenClawError } from "../errors.ts";
import { tailWithMarker } from "./output_buffer.ts";
import {
  agentEntryOf,
  type ExecSettingsView,
  resolveElevated,
  type ToolPolicyConfigView,
} from "./policy_config.ts";
import type { ProcessManager, ProcessRecord } from "./process_manager.ts";
import { type ExecRunner, hostRunner } from "./runner.ts";
import type { ToolContext, ToolDefinition } from "./types.ts";

/** Default cap of the output a foreground result carries (the full log stays in the buffer). */
export const DEFAULT_RESULT_OUTPUT_CHARS = 200_000;

/** `tools.exec` with defaults applied and the agent's overrides merged in. */
export interface ExecSettings {
  backgroundMs: number;
  timeoutSec: number;
  cleanupMs: number;
  notifyOnExit: boolean;
  notifyOnExitEmptySuccess: boolean;
  pathPrepend: readonly string[];
  security?: "deny" | "allowlist" | "full";
}

/** Returns the exec settings of an agent: `agents.list[].tools.exec` over `tools.exec`. */
export function resolveExecSettings(config: ToolPolicyConfigView, agentId: string): ExecSettings {
  const global: ExecSettingsView = config.tools?.exec ?? {};
  const own: ExecSettingsView = agentEntryOf(config, agentId).entry?.tools?.exec ?? {};
  const pick = <K extends keyof ExecSettingsView>(k: K) => own[k] ?? global[k];
  return {
    backgroundMs: pick("backgroundMs") ?? 10_000,
    timeoutSec: own.timeoutSeconds ?? own.timeoutSec ?? global.timeoutSeconds ??
      global.timeoutSec ?? 1800,
    cleanupMs: pick("cleanupMs") ?? 1_800_000,
    notifyOnExit: pick("notifyOnExit") ?? true,
    notifyOnExitEmptySuccess: pick("notifyOnExitEmptySuccess") ?? false,
    pathPrepend: pick("pathPrepend") ?? [],
    security: pick("security"),
  };
}

const ExecArgsSchema = z.object({
  command: z.string().min(1).describe("Shell command to run (sh -c)"),
  workdir: z.string().optional().describe("Working directory, relative to the workspace"),
  env: z.record(z.string(), z.string()).optional().describe("Extra environment variables"),
  background: z.boolean().optional().describe(
    "Start in the background at once and return a sessionId for the process tool",
  ),
  timeout: z.number().positive().optional().describe(
    "Kill the command after this many seconds (default 1800)",
  ),
  yieldMs: z.number().int().nonnegative().optional().describe(
    "Move a foreground command to the background after this many ms (default 10000)",
  ),
  elevated: z.boolean().optional().describe(
    "Run on the host although the session is sandboxed (needs tools.elevated.enabled)",
  ),
});

/** Arguments of `exec`. */
export type ExecArgs = z.infer<typeof ExecArgsSchema>;

/** What `exec` returns. */
export type ExecResult =
  | {
    status: "completed" | "failed" | "timeout" | "killed";
    exitCode: number | null;
    signal?: string;
    output: string;
    durationMs: number;
  }
  | { status: "running"; sessionId: string; pid?: number; output?: string; note: string };

/** Options of {@linkcode createExecTool}. */
export interface ExecToolOptions {
  manager: ProcessManager;
  /** The current config, read on every call so reloads apply. @default no config (defaults) */
  config?: () => ToolPolicyConfigView;
  /** Runs unsandboxed and elevated commands. @default hostRunner */
  hostRunner?: ExecRunner;
  /** Cap of the output in a foreground result. @default 200_000 characters */
  maxResultChars?: number;
}

function resolveWorkdir(workspace: string, workdir: string | undefined): string {
  if (!workdir?.trim()) return workspace;
  const w = workdir.trim();
  return w.startsWith("/") ? w : `${workspace.replace(/\/+$/, "")}/${w}`;
}

function chooseRunner(
  args: ExecArgs,
  ctx: ToolContext,
  config: ToolPolicyConfigView,
  host: ExecRunner,
): ExecRunner {
  if (args.elevated) {
    // Gated even on the host, where it changes nothing (stock: "a no-op, still gated").
    const gate = resolveElevated(config, ctx.agentId);
    if (!gate.enabled) {
      throw new OpenClawError(
        "ELEVATED_DISABLED",
        `Cannot run exec elevated for agent "${ctx.agentId}": ${gate.reason}`,
        { hint: `Set ${gate.configKey} to true to allow host commands from sandboxed sessions` },
      );
    }
    return host;
  }
  if (!ctx.sandboxed) return host;
  if (!ctx.execRunner) {
    throw new OpenClawError(
      "SANDBOX_UNAVAILABLE",
      `Cannot run exec in the sandbox of session "${ctx.sessionKey}": no sandbox runner is set up`,
      { hint: "Check Docker with `openclaw doctor`, or set agents.defaults.sandbox.mode to off" },
    );
  }
  return ctx.execRunner;
}

function finished(record: ProcessRecord, maxChars: number): ExecResult {
  const output = tailWithMarker(record.output.text(), maxChars, record.output.dropped);
  return {
    status: record.status as "completed" | "failed" | "timeout" | "killed",
    exitCode: record.exitCode,
    ...(record.signal ? { signal: record.signal } : {}),
    output,
    durationMs: (record.endedAt ?? record.startedAt) - record.startedAt,
  };
}

/** Creates the `exec` tool over a process manager. */
export function createExecTool(options: ExecToolOptions): ToolDefinition<ExecArgs> {
  const { manager } = options;
  const host = options.hostRunner ?? hostRunner;
  const maxChars = options.maxResultChars ?? DEFAULT_RESULT_OUTPUT_CHARS;
  return {
    name: "exec",
    group: "runtime",
    description: "Run a shell command in the workspace. Returns its output, or a sessionId when " +
      "it runs in the background (background: true, or still running after yieldMs); then use " +
      "the process tool to poll, read the log, write stdin or kill it.",
    inputSchema: ExecArgsSchema,
    async execute(args: ExecArgs, ctx: ToolContext): Promise<ExecResult> {
      const config = options.config?.() ?? {};
      const settings = resolveExecSettings(config, ctx.agentId);
      const runner = chooseRunner(args, ctx, config, host);
      if (runner === host && settings.security === "deny") {
        throw new OpenClawError(
          "EXEC_DENIED",
          `Cannot run exec on the host for agent "${ctx.agentId}": tools.exec.security is "deny"`,
          { hint: 'Set tools.exec.security to "full" or run the session in the sandbox' },
        );
      }
      const env: Record<string, string> = { ...args.env, OPENCLAW_SHELL: "exec" };
      if (runner === host && settings.pathPrepend.length > 0) {
        env.PATH = [...settings.pathPrepend, Deno.env.get("PATH") ?? "/usr/bin:/bin"].join(":");
      }
      const timeoutMs = (args.timeout ?? settings.timeoutSec) * 1000;
      // A fresh agent has no workspace directory yet; commands run there, so make it (0700).
      if (runner === host && !args.workdir) {
        await Deno.mkdir(ctx.workspace, { recursive: true, mode: 0o700 });
      }
      const record = await manager.start({
        command: args.command,
        cwd: resolveWorkdir(ctx.workspace, args.workdir),
        env,
        runner,
        agentId: ctx.agentId,
        sessionKey: ctx.sessionKey,
        timeoutMs,
        background: args.background ?? false,
        notify: settings.notifyOnExit ? ctx.notify?.bind(ctx) : undefined,
        notifyEmptySuccess: settings.notifyOnExitEmptySuccess,
        cleanupMs: settings.cleanupMs,
      });
      if (args.background) {
        return {
          status: "running",
          sessionId: record.id,
          ...(record.pid ? { pid: record.pid } : {}),
          note: "Started in the background; use process poll/log/write/kill with this sessionId",
        };
      }
      // A foreground command dies with the turn; once backgrounded it outlives it.
      const onAbort = () => manager.kill(record);
      ctx.signal.addEventListener("abort", onAbort, { once: true });
      if (ctx.signal.aborted) onAbort();
      try {
        const done = await manager.waitForExit(record, args.yieldMs ?? settings.backgroundMs);
        if (done || record.status !== "running") {
          manager.forget(record.id);
          return finished(record, maxChars);
        }
        manager.background(record.id);
        const sofar = record.output.since(0);
        // The model has seen this much; the first poll continues from here.
        record.pollCursor = sofar.next;
        return {
          status: "running",
          sessionId: record.id,
          ...(record.pid ? { pid: record.pid } : {}),
          ...(sofar.text ? { output: tailWithMarker(sofar.text, 4000, sofar.lost) } : {}),
          note: `Still running after ${
            args.yieldMs ?? settings.backgroundMs
          } ms; moved to the background. Use process poll/log/write/kill with this sessionId`,
        };
      } finally {
        ctx.signal.removeEventListener("abort", onAbort);
      }
    },
  };
}
