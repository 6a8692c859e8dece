/**
 * `openclaw status`: one overview of the gateway, its service, agents and sessions. It reports an
 * unreachable gateway instead of failing, so it is the first thing to run when something is off.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { describeSubsystems } from "./_subsystems.ts";
import { formatTable, printJson, printLine, style } from "../output.ts";
import { act } from "../program.ts";
import { addRpcOptions, type RpcFlags, timeoutMs } from "./rpc_options.ts";

/** Registers `status`. */
export function register(program: CommandUnknownOpts): void {
  addRpcOptions(
    program.command("status")
      .description("Overall status: gateway, service, agents, sessions")
      .option("--deep", "Also run live probes through the gateway (health with probe)"),
  ).action(act(async (flags: RpcFlags & { deep?: boolean }) => {
    const { resolveGatewayTarget } = await import("../../lib/rpc/target.ts");
    const { CLI_CLIENT, connectTarget } = await import("../../lib/rpc/session.ts");
    const { isPidAlive, readGatewayRuntime } = await import("../../lib/instance/runtime_file.ts");
    const { resolveStateDir, shortenHome } = await import("../../lib/paths.ts");
    const target = await resolveGatewayTarget(flags);
    const gw = (target.config.gateway ?? {}) as { mode?: string; auth?: { mode?: string } };
    const runtime = readGatewayRuntime(resolveStateDir());
    const gateway: Record<string, unknown> = {
      mode: gw.mode ?? null,
      url: target.url,
      urlSource: target.source,
      reachable: false,
    };
    let health: Record<string, unknown> | undefined;
    let status: Record<string, unknown> | undefined;
    const t0 = performance.now();
    try {
      await using client = await connectTarget(target, CLI_CLIENT, timeoutMs(flags));
      gateway.reachable = true;
      gateway.connectLatencyMs = Math.round(performance.now() - t0);
      gateway.self = client.hello.server;
      [health, status] = await Promise.all([
        client.call<Record<string, unknown>>("health", flags.deep ? { probe: true } : {}),
        client.call<Record<string, unknown>>("status", {}),
      ]);
    } catch (err) {
      gateway.error = err instanceof Error ? err.message : String(err);
    }
    const { readServiceStatus } = await import("../../lib/service/mod.ts");
    const svc = await readServiceStatus();
    const foreground = runtime
      ? { pid: runtime.pid, running: isPidAlive(runtime.pid), startedAt: runtime.startedAt }
      : null;
    const service = {
      manager: svc.manager,
      label: svc.label,
      installed: svc.installed,
      loaded: svc.loaded,
      runtime: svc.runtime ?? null,
      foreground,
    };
    if (flags.json) {
      printJson({
        gateway,
        gatewayService: service,
        health,
        status,
        configPath: target.configPath,
      });
      return;
    }
    const authMode = (status?.gateway as { authMode?: string } | undefined)?.authMode ??
      gw.auth?.mode ?? "token";
    const gatewayRow = gateway.reachable
      ? `${gw.mode ?? "local"} · ${target.url} · ${
        style.green("reachable")
      } ${gateway.connectLatencyMs}ms · auth ${authMode}`
      : `${gw.mode ?? "local"} · ${target.url} · ${style.red("unreachable")} (${gateway.error})`;
    const agents = (health?.agents ?? []) as {
      agentId: string;
      isDefault?: boolean;
      heartbeat?: { enabled?: boolean; every?: string };
    }[];
    const sessions = (health?.sessions ?? {}) as { count?: number };
    const rows: string[][] = [
      ["Gateway", gatewayRow],
      ["Gateway service", serviceRow(service)],
      ["Config", shortenHome(target.configPath) + (target.configExists ? "" : " (missing)")],
    ];
    if (health) {
      rows.push([
        "Agents",
        agents.map((a) => `${a.agentId}${a.isDefault ? " (default)" : ""}`).join(", ") || "none",
      ]);
      const def = agents.find((a) => a.isDefault);
      rows.push(["Heartbeat", def?.heartbeat?.enabled ? `every ${def.heartbeat.every}` : "off"]);
      rows.push(["Sessions", `${sessions.count ?? 0} stored`]);
      rows.push(["Log file", shortenHome(String(status?.logFile ?? "(none)"))]);
      const subsystems = describeSubsystems(status?.subsystems ?? health.subsystems);
      rows.push(["Subsystems", [subsystems.summary, ...subsystems.problems].join("; ")]);
    }
    printLine(style.bold("OpenClaw status"));
    printLine("");
    printLine(formatTable(rows));
    if (!gateway.reachable) {
      printLine("");
      printLine(
        "The gateway is not reachable. Start it with `openclaw gateway`, or run `openclaw doctor`.",
      );
    }
  }));
}

/** One line for the service: manager, installed/loaded, and what runs. */
function serviceRow(s: {
  manager: string;
  label: string;
  installed: boolean;
  loaded: boolean;
  runtime: { status: string; pid?: number } | null;
  foreground: { pid: number; running: boolean } | null;
}): string {
  const fg = s.foreground?.running
    ? `foreground process running (pid ${s.foreground.pid})`
    : undefined;
  if (s.manager === "none") return ["no service manager", fg].filter(Boolean).join(" · ");
  if (!s.installed) return [`${s.label} not installed`, fg].filter(Boolean).join(" · ");
  const run = s.runtime?.status === "running"
    ? `running${s.runtime.pid ? ` (pid ${s.runtime.pid})` : ""}`
    : s.runtime?.status ?? "unknown";
  return `${s.label} installed · ${s.loaded ? "enabled" : "disabled"} · ${run}`;
}
