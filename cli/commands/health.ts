/**
 * `openclaw health`: the gateway's HealthSummary.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { printJson, printLine, printWarn } from "../output.ts";
import { act } from "../program.ts";
import { describeSubsystems } from "./_subsystems.ts";
import { addRpcOptions, type RpcFlags, timeoutMs } from "./rpc_options.ts";

interface HealthSummary {
  ok?: boolean;
  durationMs?: number;
  defaultAgentId?: string;
  agents?: {
    agentId: string;
    isDefault?: boolean;
    heartbeat?: { enabled?: boolean; every?: string };
    sessions?: { count?: number };
  }[];
  channelOrder?: string[];
  channels?: Record<
    string,
    { running?: boolean; enabled?: boolean; connected?: boolean; lastError?: string }
  >;
  sessions?: { count?: number };
  subsystems?: Record<string, unknown>;
}

/**
 * One channel's state: `running, connected`, or `running, not connected (<last error>)` (e.g.
 * `409 Conflict: another process polls this bot token`), `disabled`.
 */
function channelLine(c: NonNullable<HealthSummary["channels"]>[string] = {}): string {
  if (c.enabled === false) return "disabled";
  const state = `${c.running ? "running" : "not running"}, ${
    c.connected ? "connected" : "not connected"
  }`;
  return !c.connected && c.lastError ? `${state} (${c.lastError})` : state;
}

/** Registers `health`. */
export function register(program: CommandUnknownOpts): void {
  addRpcOptions(
    program.command("health")
      .description("Ask the running gateway for its health snapshot (exit 1 when unreachable)")
      .option("--verbose", "Force a live probe instead of a cached snapshot"),
  ).action(act(async (flags: RpcFlags & { verbose?: boolean }) => {
    const { BACKEND_READER, withGateway } = await import("../../lib/rpc/session.ts");
    const t0 = performance.now();
    const { summary, url, problem } = await withGateway(
      flags,
      BACKEND_READER,
      timeoutMs(flags),
      async (client, target) => ({
        summary: await client.call<HealthSummary>("health", flags.verbose ? { probe: true } : {}),
        url: target.url,
        problem: target.configProblem,
      }),
    );
    if (problem) {
      // stderr, so `--json` keeps stdout to the HealthSummary.
      const { configProblemWarning } = await import("../../lib/status/config_problem.ts");
      printWarn(configProblemWarning(problem));
    }
    if (flags.json) {
      printJson(summary);
      return;
    }
    printLine(
      `Gateway: ${summary.ok ? "ok" : "not ok"} (${url}, ${Math.round(performance.now() - t0)} ms)`,
    );
    for (const a of summary.agents ?? []) {
      const hb = a.heartbeat?.enabled ? `heartbeat every ${a.heartbeat.every}` : "heartbeat off";
      printLine(
        `Agent ${a.agentId}${a.isDefault ? " (default)" : ""}: ${hb}, ${
          a.sessions?.count ?? 0
        } session(s)`,
      );
    }
    const channels = summary.channelOrder ?? [];
    if (channels.length === 0) printLine("Channels: none configured");
    for (const id of channels) printLine(`Channel ${id}: ${channelLine(summary.channels?.[id])}`);
    const subsystems = describeSubsystems(summary.subsystems);
    printLine(`Subsystems: ${subsystems.summary}`);
    for (const line of subsystems.problems) printLine(`  ${line}`);
  }));
}
