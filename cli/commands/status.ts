/**
 * `openclaw status`: one overview of the gateway, its service, agents and sessions. It reports an
 * unreachable gateway instead of failing, so it is the first thing to run when something is off.
 * `--deep` adds the checks plain status skips (config and model auth, service, port, gateway,
 * channels), each ok / warn / fail / skip; it exits 1 only when a gateway should be running but
 * cannot be reached.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import type { DeepReport } from "../../lib/status/deep.ts";
import type { GatewayTarget } from "../../lib/rpc/target.ts";
import type { ServiceStatus } from "../../lib/service/status.ts";
import {
  DEFAULT_GATEWAY_PORT,
  resolveGatewayPort,
  resolveStateDir,
  shortenHome,
} from "../../lib/paths.ts";
import { describeSubsystems } from "./_subsystems.ts";
import { formatTable, printJson, printLine, style } from "../output.ts";
import { act } from "../program.ts";
import { addRpcOptions, type RpcFlags, timeoutMs } from "./rpc_options.ts";

type StatusFlags = RpcFlags & { deep?: boolean };

/** Registers `status`. */
export function register(program: CommandUnknownOpts): void {
  addRpcOptions(
    program.command("status")
      .description("Overall status: gateway, service, agents, sessions")
      .option(
        "--deep",
        "Also run the deep checks: config and model auth, service, port, gateway, channels",
      ),
  ).action(act(statusCommand));
}

interface GatewayView {
  mode: string | null;
  url: string;
  urlSource: string;
  reachable: boolean;
  connectLatencyMs?: number;
  self?: unknown;
  error?: string;
  credentialSource?: string;
}

async function statusCommand(flags: StatusFlags): Promise<number | void> {
  const { resolveGatewayTarget } = await import("../../lib/rpc/target.ts");
  const { CLI_CLIENT, connectTarget } = await import("../../lib/rpc/session.ts");
  const { isPidAlive, readGatewayRuntime } = await import("../../lib/instance/runtime_file.ts");
  const target = await resolveGatewayTarget(flags);
  const gw = (target.config.gateway ?? {}) as { mode?: string; auth?: { mode?: string } };
  const runtime = readGatewayRuntime(resolveStateDir());
  const gateway: GatewayView = {
    mode: gw.mode ?? null,
    url: target.url,
    urlSource: target.source,
    reachable: false,
    ...(target.credentialSource ? { credentialSource: target.credentialSource } : {}),
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
  // A config that does not parse says nothing about the mode; the running gateway does.
  gateway.mode ??= (status?.gateway as { mode?: string } | undefined)?.mode ?? null;
  const { readServiceStatus } = await import("../../lib/service/mod.ts");
  const svc = await readServiceStatus();
  const runtimeAlive = runtime !== undefined && isPidAlive(runtime.pid);
  const foreground = runtime
    ? { pid: runtime.pid, running: runtimeAlive, startedAt: runtime.startedAt }
    : null;
  const service = {
    manager: svc.manager,
    label: svc.label,
    installed: svc.installed,
    loaded: svc.loaded,
    runtime: svc.runtime ?? null,
    foreground,
  };
  const deep = flags.deep
    ? await deepReport(target, svc, gateway, health, runtimeAlive ? runtime : undefined)
    : undefined;
  const exit = deep?.gatewayExpectedButUnreachable ? 1 : undefined;
  if (flags.json) {
    printJson({
      gateway,
      gatewayService: service,
      health,
      status,
      configPath: target.configPath,
      config: {
        path: target.configPath,
        exists: target.configExists,
        ...(target.configProblem ? { valid: false, problem: target.configProblem } : {}),
      },
      ...(deep ? { deep } : {}),
    });
    return exit;
  }
  const authMode = (status?.gateway as { authMode?: string } | undefined)?.authMode ??
    gw.auth?.mode ?? "token";
  const gatewayRow = gateway.reachable
    ? `${gw.mode ?? "local"} · ${target.url} · ${
      style.green("reachable")
    } ${gateway.connectLatencyMs}ms · auth ${authMode}`
    : `${gw.mode ?? "local"} · ${target.url} · ${style.red("unreachable")} (${gateway.error})`;
  const rows: string[][] = [
    ["Gateway", gatewayRow],
    ["Gateway service", serviceRow(service)],
    ["Config", configRow(target)],
  ];
  // Each subsystem's detail is in `status`; `health` carries only their states.
  const detail = subsystemDetail(status, health);
  if (health) {
    rows.push(...healthRows(health, status), ...heartbeatRows(health), ...cronRows(detail));
  }
  if (health) rows.push(...remoteAccessRows(detail));
  printLine(style.bold("OpenClaw status"));
  printLine("");
  printLine(formatTable(rows));
  if (target.configProblem) {
    printLine("");
    printLine(style.yellow(target.configProblem.fix));
    if (gateway.reachable) {
      printLine(
        "The running gateway keeps its last good config" +
          (target.credentialSource === "runtime"
            ? "; this status reached it with the credential in its runtime file."
            : "."),
      );
    }
  }
  if (!gateway.reachable) {
    printLine("");
    printLine(
      target.configProblem
        ? "The gateway is not reachable, and it cannot start until the config parses (see above)."
        : "The gateway is not reachable. Start it with `openclaw gateway`, or run `openclaw doctor`.",
    );
  }
  if (deep) printDeep(deep);
  return exit;
}

function configRow(target: GatewayTarget): string {
  const path = shortenHome(target.configPath);
  if (target.configProblem) return `${path} · ${style.red(target.configProblem.summary)}`;
  return path + (target.configExists ? "" : " (missing)");
}

function healthRows(
  health: Record<string, unknown>,
  status: Record<string, unknown> | undefined,
): string[][] {
  const agents = (health.agents ?? []) as {
    agentId: string;
    isDefault?: boolean;
    heartbeat?: { enabled?: boolean; every?: string };
  }[];
  const sessions = (health.sessions ?? {}) as { count?: number };
  const def = agents.find((a) => a.isDefault);
  const subsystems = describeSubsystems(status?.subsystems ?? health.subsystems);
  return [
    [
      "Agents",
      agents.map((a) => `${a.agentId}${a.isDefault ? " (default)" : ""}`).join(", ") || "none",
    ],
    ["Heartbeat", def?.heartbeat?.enabled ? `every ${def.heartbeat.every}` : "off"],
    ["Sessions", `${sessions.count ?? 0} stored`],
    ["Log file", shortenHome(String(status?.logFile ?? "(none)"))],
    ["Subsystems", [subsystems.summary, ...subsystems.problems].join("; ")],
  ];
}

/** Runs the deep checks with the real service reader, port scanner and model auth. */
async function deepReport(
  target: GatewayTarget,
  svc: ServiceStatus,
  gateway: GatewayView,
  health: Record<string, unknown> | undefined,
  runtime: { pid: number; port: number } | undefined,
): Promise<DeepReport> {
  const [{ runDeepChecks }, { configAndModelAuthChecks }] = await Promise.all([
    import("../../lib/status/deep.ts"),
    import("../../lib/status/model_auth.ts"),
  ]);
  const gw = (target.config.gateway ?? {}) as { port?: unknown };
  let configuredPort: number;
  try {
    configuredPort = resolveGatewayPort({
      configPort: typeof gw.port === "number" ? gw.port : undefined,
    }).port;
  } catch {
    // An invalid OPENCLAW_GATEWAY_PORT: the config check reports it; scan what would be used.
    configuredPort = runtime?.port ?? DEFAULT_GATEWAY_PORT;
  }
  return await runDeepChecks({
    config: target.config,
    configProblem: target.configProblem,
    configuredPort,
    runtime: runtime ? { pid: runtime.pid, port: runtime.port } : undefined,
    gateway: {
      url: gateway.url,
      reachable: gateway.reachable,
      latencyMs: gateway.connectLatencyMs,
      error: gateway.error,
    },
    health,
  }, {
    readService: () => Promise.resolve(svc),
    // Same scanner as `doctor` and `gateway --force`: /proc on Linux, else lsof.
    findPortListeners: async (port) =>
      await (await import("../../gateway/lock.ts")).findPortListeners(port),
    configAndModelAuth: () => configAndModelAuthChecks(target.configPath, target.configProblem),
  });
}

const MARKS: Record<string, (s: string) => string> = {
  ok: (s) => style.green(s),
  warn: (s) => style.yellow(s),
  fail: (s) => style.red(s),
  skip: (s) => s,
};

function printDeep(deep: DeepReport): void {
  printLine("");
  const { ok, warn, fail, skip } = deep.summary;
  printLine(style.bold(`Deep checks: ${ok} ok, ${warn} warn, ${fail} fail, ${skip} skipped`));
  const rows = deep.checks.map((c) => [
    `  ${MARKS[c.status](c.status.padEnd(4))}`,
    c.title,
    c.detail + (c.hint && c.status !== "ok" ? ` \u2192 ${c.hint}` : ""),
  ]);
  printLine(formatTable(rows));
  if (deep.gatewayExpectedButUnreachable) {
    printLine("");
    printLine(style.red("A gateway should be running here but does not answer (exit 1)."));
  }
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

// --- Heartbeat rows (issue 12, heartbeat subsystem): today's runs, skips and tokens per agent.

/** `Heartbeats` / `Last heartbeat` rows from the health payload's `heartbeat` section. */
function heartbeatRows(health: Record<string, unknown>): string[][] {
  const hb = health.heartbeat as {
    enabled?: boolean;
    last?: { status?: string; reason?: string; ts?: number; agentId?: string } | null;
    agents?: {
      agentId: string;
      today?: { runs?: number; skips?: Record<string, number>; tokens?: number; costUsd?: number };
      stoppedToday?: string;
    }[];
  } | undefined;
  if (!hb) return [];
  const perAgent = (hb.agents ?? []).map((a) => {
    const t = a.today ?? {};
    const skips = Object.entries(t.skips ?? {});
    const skipText = skips.length === 0
      ? "0 skips"
      : `${skips.reduce((n, [, c]) => n + c, 0)} skips (${
        skips.map(([r, c]) => `${r} ${c}`).join(", ")
      })`;
    const cost = t.costUsd ? `, $${t.costUsd.toFixed(4)}` : "";
    const stopped = a.stoppedToday ? `, stopped: ${a.stoppedToday}` : "";
    return `${a.agentId}: ${t.runs ?? 0} runs, ${skipText}, ${
      t.tokens ?? 0
    } tokens${cost}${stopped}`;
  });
  const state = hb.enabled === false ? "disabled (openclaw system heartbeat enable)" : "";
  const today = [state, perAgent.join("; ")].filter(Boolean).join(" · ") || "no heartbeat agents";
  const last = hb.last
    ? `${hb.last.status}${hb.last.reason ? ` (${hb.last.reason})` : ""}${
      hb.last.agentId ? ` · ${hb.last.agentId}` : ""
    }${hb.last.ts ? ` · ${new Date(hb.last.ts).toISOString()}` : ""}`
    : "none yet";
  return [["Heartbeats today", today], ["Last heartbeat", last]];
}

type SubsystemDetail = Record<string, Record<string, unknown>> | undefined;

/** The subsystems' detail: from `status`, else whatever `health` carries. */
function subsystemDetail(
  status: Record<string, unknown> | undefined,
  health: Record<string, unknown> | undefined,
): SubsystemDetail {
  return (status?.subsystems ?? health?.subsystems) as SubsystemDetail;
}

/** The `Cron` row from the cron subsystem's entry: jobs and next wake, or why nothing runs. */
function cronRows(subsystems: SubsystemDetail): string[][] {
  const cron = subsystems && Object.hasOwn(subsystems, "cron") ? subsystems.cron : undefined;
  if (!cron || cron.status !== "running") return [];
  const jobs = typeof cron.jobs === "number" ? cron.jobs : 0;
  if (cron.enabled === false) {
    return [[
      "Cron",
      `scheduler disabled (${cron.disabledReason ?? "cron.enabled: false"}); ${jobs} jobs kept`,
    ]];
  }
  const next = typeof cron.nextWakeAtMs === "number"
    ? ` · next run ${new Date(cron.nextWakeAtMs).toISOString()}`
    : "";
  return [["Cron", `${jobs} jobs${next}`]];
}

// --- Remote access rows (issue 16): the Tailscale route and the Bonjour beacon, from the
// `tailscale` and `discovery` subsystems' entries.
/** `Tailscale` (mode, serve URL or why it is down) and `Bonjour` rows. */
function remoteAccessRows(subsystems: SubsystemDetail): string[][] {
  const entry = (id: string) =>
    subsystems && Object.hasOwn(subsystems, id) ? subsystems[id] : undefined;
  const rows: string[][] = [];
  const ts = entry("tailscale");
  if (ts && typeof ts.mode === "string") {
    const why = typeof ts.lastError === "string" ? ts.lastError : ts.state;
    const retry = typeof ts.nextRetryAt === "string" ? ` (retry at ${ts.nextRetryAt})` : "";
    rows.push([
      "Tailscale",
      ts.mode === "off"
        ? "off"
        : ts.state === "serving"
        ? `${ts.mode} · ${ts.url ?? "route active"}`
        : `${ts.mode} · ${style.yellow(`not exposed: ${why}`)}${retry}`,
    ]);
  }
  const mdns = entry("discovery")?.mdns as Record<string, unknown> | undefined;
  if (mdns && typeof mdns.mode === "string") {
    rows.push([
      "Bonjour",
      mdns.mode === "off"
        ? `off (${mdns.reason})`
        : `${mdns.mode} · ${mdns.state}${mdns.instance ? ` · "${mdns.instance}"` : ""}` +
          (mdns.error ? ` (${mdns.error})` : ""),
    ]);
  }
  return rows;
}
