/**
 * `gateway status`, `gateway probe`, `gateway call`: what runs, and whether it answers.
 *
 * @module
 */
import { parseJson5Value } from "../../lib/json5/parse.ts";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import { isPidAlive, readGatewayRuntime } from "../../lib/instance/runtime_file.ts";
import { resolveLogFile } from "../../lib/log/file_path.ts";
import {
  resolveGatewayPort,
  resolveProfile,
  resolveStateDir,
  shortenHome,
} from "../../lib/paths.ts";
import { CLI_CLIENT, connectTarget, STATUS_PROBE, withGateway } from "../../lib/rpc/session.ts";
import { type GatewayTarget, resolveGatewayTarget } from "../../lib/rpc/target.ts";
import type { ServiceStatus } from "../../lib/service/status.ts";
import { configProblemWarning } from "../../lib/status/config_problem.ts";
import { printJson, printLine, printWarn, style } from "../output.ts";
import { type RpcFlags, timeoutMs } from "./rpc_options.ts";

interface RuntimeView {
  status: "running" | "stopped" | "stale";
  pid?: number;
  port?: number;
  host?: string;
  bind?: string;
  version?: string;
  startedAt?: string;
  logFile?: string;
}

function runtimeView(): RuntimeView {
  const info = readGatewayRuntime(resolveStateDir());
  if (!info) return { status: "stopped" };
  const { pid, port, host, bind, version, startedAt, logFile } = info;
  return {
    status: isPidAlive(pid) ? "running" : "stale",
    pid,
    port,
    host,
    bind,
    version,
    startedAt,
    logFile,
  };
}

/** Warns on stderr that the config does not parse (stdout stays the command's result). */
function warnConfigProblem(target: GatewayTarget): void {
  if (target.configProblem) printWarn(configProblemWarning(target.configProblem));
}

/** What follows the config path: nothing, ` (missing)`, or why it cannot be read. */
function configNote(target: GatewayTarget): string {
  if (target.configProblem) return ` (${target.configProblem.summary})`;
  return target.configExists ? "" : " (missing)";
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Reads the service state; a failure to read it is reported as "none", never fatal. */
async function serviceStatus(): Promise<ServiceStatus> {
  try {
    const { readServiceStatus } = await import("../../lib/service/status.ts");
    return await readServiceStatus();
  } catch (err) {
    return {
      manager: "none",
      label: "none",
      installed: false,
      loaded: false,
      loadedText: "loaded",
      notLoadedText: "not installed",
      reason: `cannot read the service state: ${errorText(err)}`,
    };
  }
}

function serviceJson(svc: ServiceStatus): Record<string, unknown> {
  return {
    label: svc.label,
    manager: svc.manager,
    installed: svc.installed,
    loaded: svc.loaded,
    loadedText: svc.loadedText,
    notLoadedText: svc.notLoadedText,
    sourcePath: svc.sourcePath,
    command: svc.command,
    runtime: svc.runtime,
    secretEnvKeys: svc.secretEnvKeys,
    note: svc.reason,
    hints: svc.hints,
  };
}

function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Prints the `Service:` block: manager, file, command, env. */
function printService(svc: ServiceStatus): void {
  if (svc.manager === "none") {
    printLine(`Service: none (${svc.reason})`);
    for (const h of svc.hints ?? []) printLine(`  ${h}`);
    return;
  }
  const state = svc.loaded ? svc.loadedText : svc.notLoadedText;
  printLine(`Service: ${svc.label} (${svc.loaded ? style.green(state) : state})`);
  if (!svc.installed || !svc.command) {
    printLine(
      `Service unit not found. Install with: ${svc.hints?.[0] ?? "openclaw gateway install"}`,
    );
    return;
  }
  const cmd = svc.command;
  printLine(`Service file: ${shortenHome(cmd.sourcePath)}`);
  printLine(`Command: ${cmd.programArguments.map(shellWord).join(" ")}`);
  if (cmd.workingDirectory) printLine(`Working dir: ${shortenHome(cmd.workingDirectory)}`);
  const env = Object.entries(cmd.environment).map(([k, v]) => `${k}=${v}`);
  if (env.length > 0) printLine(`Service env: ${env.join(" ")}`);
}

function serviceRuntimeLine(svc: ServiceStatus): string | undefined {
  const rt = svc.runtime;
  if (!svc.installed || !rt) return undefined;
  const parts: string[] = [];
  if (rt.pid !== undefined) parts.push(`pid ${rt.pid}`);
  if (rt.state !== undefined) parts.push(`state ${rt.state}`);
  if (rt.subState !== undefined) parts.push(`sub ${rt.subState}`);
  if (rt.status !== "running" && rt.lastExitStatus !== undefined) {
    parts.push(`last exit ${rt.lastExitStatus}`);
  }
  if (rt.status !== "running" && rt.lastExitReason) parts.push(`reason ${rt.lastExitReason}`);
  if (rt.detail) parts.push(rt.detail);
  const status = rt.status === "running"
    ? style.green("running")
    : rt.status === "stopped"
    ? style.yellow("stopped")
    : "unknown";
  return `Runtime: ${status}${parts.length > 0 ? ` (${parts.join(", ")})` : ""}`;
}

/** `openclaw gateway status`. */
export async function gatewayStatusCommand(
  flags: RpcFlags & { probe?: boolean; requireRpc?: boolean },
): Promise<number> {
  if (flags.requireRpc && flags.probe === false) {
    throw new OpenClawError("USAGE", "--require-rpc cannot be combined with --no-probe", {
      exitCode: ExitCode.usage,
    });
  }
  const servicePromise = serviceStatus();
  const target = await resolveGatewayTarget(flags);
  const gw = (target.config.gateway ?? {}) as Record<string, unknown>;
  const runtime = runtimeView();
  const port = resolveGatewayPort({
    configPort: typeof gw.port === "number" ? gw.port : undefined,
  });
  const logging = (target.config.logging ?? {}) as { file?: string };
  const logFile = runtime.logFile ??
    resolveLogFile({ configFile: logging.file, profile: resolveProfile() });
  const rpc: { ok: boolean; url: string; error?: string; version?: string; scopes?: unknown } = {
    ok: false,
    url: target.url,
  };
  if (flags.probe !== false) {
    try {
      const identity = flags.requireRpc ? CLI_CLIENT : STATUS_PROBE;
      await using client = await connectTarget(target, identity, timeoutMs(flags));
      const server = client.hello.server as { version?: string } | undefined;
      rpc.version = server?.version;
      rpc.scopes = (client.hello.auth as { scopes?: unknown } | undefined)?.scopes;
      if (flags.requireRpc) await client.call("status", {});
      rpc.ok = true;
    } catch (err) {
      rpc.error = errorText(err);
    }
  }
  const svc = await servicePromise;
  const daemonConfigPath = svc.command?.environment.OPENCLAW_CONFIG_PATH;
  const configMismatch = daemonConfigPath !== undefined && daemonConfigPath !== target.configPath;
  const report = {
    service: serviceJson(svc),
    config: {
      cli: {
        path: target.configPath,
        exists: target.configExists,
        ...(target.configProblem ? { valid: false, problem: target.configProblem } : {}),
      },
      daemon: daemonConfigPath === undefined ? undefined : { path: daemonConfigPath },
      mismatch: configMismatch || undefined,
    },
    gateway: {
      bindMode: (gw.bind as string | undefined) ?? runtime.bind ?? "loopback",
      port: runtime.port ?? port.port,
      portSource: runtime.port ? "runtime" : port.source,
      probeUrl: target.url,
    },
    runtime,
    rpc: flags.probe === false ? undefined : {
      ...rpc,
      ...(target.credentialSource ? { credentialSource: target.credentialSource } : {}),
    },
    logFile,
  };
  const failed = flags.requireRpc && !rpc.ok;
  if (flags.json) {
    printJson(report);
    return failed ? ExitCode.failed : ExitCode.ok;
  }
  printService(svc);
  printLine(`File logs: ${shortenHome(logFile)}`);
  printLine(`Config (cli): ${shortenHome(target.configPath)}${configNote(target)}`);
  if (target.configProblem) {
    printLine(style.yellow(target.configProblem.fix));
    if (runtime.status === "running") {
      printLine("The running gateway keeps its last good config until this file parses again.");
    }
  }
  if (daemonConfigPath !== undefined) {
    printLine(`Config (service): ${shortenHome(daemonConfigPath)}`);
  }
  if (configMismatch) {
    printLine(
      "Root cause: CLI and service are using different config paths (likely a profile/state-dir mismatch).",
    );
  }
  printLine(
    `Gateway: bind=${report.gateway.bindMode}, port=${report.gateway.port} (${report.gateway.portSource})`,
  );
  printLine(`Probe target: ${target.url}`);
  printLine(`Dashboard: ${target.url.replace(/^ws/, "http")}/`);
  const serviceRuntime = serviceRuntimeLine(svc);
  const serviceRunning = svc.runtime?.status === "running";
  if (serviceRuntime && (serviceRunning || runtime.status !== "running")) {
    printLine(serviceRuntime);
    if (svc.loaded && svc.runtime?.status === "stopped") {
      printLine(style.yellow("Service is loaded but not running (likely exited immediately)."));
    }
  } else if (runtime.status === "running") {
    if (svc.installed) {
      printLine("Service is installed but not running; the gateway below runs outside it.");
    }
    printLine(
      `Runtime: ${
        style.green("running")
      } (pid ${runtime.pid}, port ${runtime.port}, version ${runtime.version}, started ${runtime.startedAt})`,
    );
  } else if (runtime.status === "stale") {
    printLine(
      `Runtime: ${style.yellow("stopped")} (stale runtime file: pid ${runtime.pid} is gone)`,
    );
  } else {
    printLine(`Runtime: ${style.yellow("stopped")}`);
  }
  for (const key of svc.secretEnvKeys ?? []) {
    printLine(
      style.yellow(
        `Service env carries ${key} (token drift); reinstall with: openclaw gateway install --force`,
      ),
    );
  }
  if (flags.probe !== false) {
    if (rpc.ok) {
      const facts = [
        rpc.version ? `gateway ${rpc.version}` : "",
        target.credentialSource === "runtime" ? "credential from the runtime file" : "",
      ].filter(Boolean);
      printLine(
        `RPC probe: ${style.green("ok")}${facts.length > 0 ? ` (${facts.join("; ")})` : ""}`,
      );
    } else {
      printLine(`RPC probe: ${style.red("failed")}`);
      printLine(`RPC target: ${target.url}`);
      printLine(`  ${rpc.error}`);
      if (serviceRunning && target.isLocal) {
        printLine(
          style.yellow(
            `Gateway port ${report.gateway.port} is not listening (service appears running).`,
          ),
        );
      }
      printLine("Troubles: run openclaw status, or openclaw doctor");
    }
  }
  return failed ? ExitCode.failed : ExitCode.ok;
}

/** `openclaw gateway probe`. */
export async function gatewayProbeCommand(flags: RpcFlags): Promise<number> {
  const base = await resolveGatewayTarget({ token: flags.token, password: flags.password });
  const targets: { id: string; label: string; url: string }[] = [];
  if (flags.url) targets.push({ id: "explicit", label: "URL (explicit)", url: flags.url });
  const gw = (base.config.gateway ?? {}) as { mode?: string; remote?: { url?: string } };
  if (gw.remote?.url) {
    targets.push({
      id: "remote",
      label: gw.mode === "remote" ? "Remote (configured)" : "Remote (configured, inactive)",
      url: gw.remote.url,
    });
  }
  const local = base.source === "remote-config" || base.source === "cli" || base.source === "env"
    ? (await resolveGatewayTarget({})).url
    : base.url;
  if (!targets.some((t) => t.url === local)) {
    targets.push({ id: "local", label: "Local loopback", url: local });
  }
  const results = await Promise.all(targets.map(async (t) => {
    const out: Record<string, unknown> = { id: t.id, label: t.label, url: t.url };
    const t0 = performance.now();
    try {
      await using client = await connectTarget(
        { ...base, url: t.url },
        CLI_CLIENT,
        timeoutMs(flags, 3000),
      );
      out.connect = { ok: true, latencyMs: Math.round(performance.now() - t0) };
      const calls = await Promise.allSettled(
        ["health", "status", "system-presence", "config.get"].map((m) => client.call(m, {})),
      );
      const rpcOk = calls.every((c) => c.status === "fulfilled");
      const scopeLimited = calls.some((c) =>
        c.status === "rejected" && /missing scope/.test(errorText(c.reason))
      );
      (out.connect as Record<string, unknown>).rpcOk = rpcOk;
      (out.connect as Record<string, unknown>).scopeLimited = scopeLimited;
      out.server = client.hello.server;
    } catch (err) {
      out.connect = { ok: false, rpcOk: false, error: errorText(err) };
    }
    return out;
  }));
  const reachable = results.filter((r) => (r.connect as { ok: boolean }).ok);
  if (flags.json) {
    printJson({
      ok: reachable.length > 0,
      degraded: reachable.length > 0 && reachable.length < results.length,
      targets: results,
    });
  } else {
    for (const r of results) {
      const c = r.connect as {
        ok: boolean;
        rpcOk?: boolean;
        scopeLimited?: boolean;
        error?: string;
        latencyMs?: number;
      };
      printLine(`${r.label}: ${r.url}`);
      printLine(`  Reachable: ${c.ok ? `yes (${c.latencyMs} ms)` : "no"}`);
      if (c.ok) {
        printLine(
          `  RPC: ${
            c.rpcOk ? "ok" : c.scopeLimited ? "limited - missing scope: operator.read" : "failed"
          }`,
        );
      } else printLine(`  Error: ${c.error}`);
    }
  }
  return reachable.length > 0 ? ExitCode.ok : ExitCode.failed;
}

/** `openclaw gateway call <method>`. */
export async function gatewayCallCommand(
  method: string,
  flags: RpcFlags & { params: string; expectFinal?: boolean },
): Promise<number> {
  let params: unknown;
  try {
    params = parseJson5Value(flags.params);
  } catch (err) {
    throw new OpenClawError("USAGE", `Cannot parse --params as JSON5: ${errorText(err)}`, {
      exitCode: ExitCode.usage,
      hint: `e.g. --params '{"probe": true}'`,
    });
  }
  const result = await withGateway(
    flags,
    CLI_CLIENT,
    timeoutMs(flags),
    (client, target) => {
      warnConfigProblem(target);
      return client.call(method, params, { expectFinal: flags.expectFinal });
    },
  );
  printJson(result);
  return ExitCode.ok;
}
