/**
 * `status --deep`: the checks plain `status` does not run -- the service, who holds the gateway
 * port, the gateway itself, model credentials and the channels -- each ending ok, warn, fail or
 * skip. The slow or outside parts (service manager, port owners, config + model loading, the
 * gateway's channel probes) come in as {@linkcode DeepProbes} and each runs under a deadline.
 *
 * Channels: with the gateway reachable, each channel account gets a check from the gateway's
 * `channels.status` with `probe: true` (token and permissions actually tried, connected or not,
 * the last error, failed replies kept); without it, the health snapshot's running/not running.
 *
 * @module
 */
import type { ConfigReadProblem } from "../config/read.ts";
import { errorMessage } from "../errors.ts";
import type { ServiceStatus } from "../service/status.ts";
import type { DeepCheck, DeepCheckStatus, DeepReport } from "./types.ts";
import { askChannelsStatus, channelChecks, channelIds } from "./deep_channels.ts";
import { clearTimer, setTimer, type TimerHandle } from "../timers.ts";

export type { DeepCheck, DeepCheckStatus, DeepReport } from "./types.ts";

/** A process listening on a TCP port. */
export interface PortOwner {
  pid: number;
  command: string;
}

/** What the checks ask the machine. */
export interface DeepProbes {
  /** The gateway service's state (`gateway status`'s reader). */
  readService(): Promise<ServiceStatus>;
  /** The processes listening on `port`; `[]` when nobody does or it cannot tell. */
  findPortListeners(port: number): Promise<PortOwner[]>;
  /** The config check and one check per model provider in use. */
  configAndModelAuth(): Promise<DeepCheck[]>;
  /**
   * The gateway's `channels.status` with `probe: true` (each account's active check), asked only
   * when the gateway is reachable and a channel is configured.
   * @default {@linkcode askChannelsStatus} on the gateway plain `status` reached
   */
  channelsStatus?(timeoutMs: number): Promise<Record<string, unknown>>;
}

/** What plain `status` already found, which the deep checks build on. */
export interface DeepInput {
  /** The config as read loosely (`{}` when it does not parse). */
  config: Record<string, unknown>;
  configProblem?: ConfigReadProblem;
  /** The port the config (or env) asks for. */
  configuredPort: number;
  /** The runtime file, when its pid is alive. */
  runtime?: { pid: number; port: number };
  gateway: { url: string; reachable: boolean; latencyMs?: number; error?: string };
  /** The gateway's `health` answer (asked with `probe: true`), when reachable. */
  health?: Record<string, unknown>;
}

/** Options of {@linkcode runDeepChecks}. */
export interface DeepOptions {
  /** Deadline of each probe. @default 10_000 */
  timeoutMs?: number;
}

/** Runs `probe` under a deadline; a timeout or an error is returned, never thrown. */
async function bounded<T>(
  probe: () => Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  let timer: TimerHandle | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimer(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return { ok: true, value: await Promise.race([probe(), deadline]) };
  } catch (err) {
    return { ok: false, error: `cannot check ${what}: ${errorMessage(err)}` };
  } finally {
    clearTimer(timer);
  }
}

function serviceChecks(svc: ServiceStatus, foregroundRunning: boolean): DeepCheck[] {
  const base = { id: "service", title: "Service" };
  if (svc.manager === "none") {
    return [{ ...base, status: "skip", detail: `no service manager (${svc.reason ?? "none"})` }];
  }
  if (!svc.installed) {
    return [{
      ...base,
      status: "skip",
      detail: `${svc.label} service not installed`,
      hint: svc.hints?.[0] ?? "openclaw gateway install",
    }];
  }
  const out: DeepCheck[] = [];
  const rt = svc.runtime;
  if (rt?.status === "running") {
    out.push({
      ...base,
      status: "ok",
      detail: `${svc.label} installed, running${rt.pid ? ` (pid ${rt.pid})` : ""}`,
    });
  } else if (!svc.loaded) {
    out.push({
      ...base,
      status: "warn",
      detail: `${svc.label} installed but ${svc.notLoadedText}`,
      hint: "openclaw gateway start",
    });
  } else {
    const exit = rt?.lastExitStatus !== undefined ? `, last exit ${rt.lastExitStatus}` : "";
    out.push({
      ...base,
      // A gateway running in the foreground instead is a choice, not a failure.
      status: foregroundRunning ? "warn" : "fail",
      detail: `${svc.label} ${svc.loadedText} but ${rt?.status ?? "unknown"}${exit}`,
      hint: "openclaw logs, then openclaw gateway restart",
    });
  }
  for (const key of svc.secretEnvKeys ?? []) {
    out.push({
      id: "service.env",
      title: "Service env",
      status: "warn",
      detail: `the service environment carries ${key} (token drift)`,
      hint: "openclaw gateway install --force",
    });
  }
  return out;
}

function holders(list: readonly PortOwner[]): string {
  return list.map((l) => `pid ${l.pid}${l.command ? ` (${l.command.slice(0, 60)})` : ""}`)
    .join(", ");
}

function portChecks(input: DeepInput, listeners: readonly PortOwner[]): DeepCheck[] {
  const { runtime, gateway } = input;
  const port = runtime?.port ?? input.configuredPort;
  const base = { id: "port", title: `Port ${port}` };
  const out: DeepCheck[] = [];
  if (runtime) {
    if (listeners.some((l) => l.pid === runtime.pid)) {
      out.push({ ...base, status: "ok", detail: `the gateway listens (pid ${runtime.pid})` });
    } else if (listeners.length > 0) {
      out.push({
        ...base,
        status: "warn",
        detail: `held by ${holders(listeners)}, but the runtime file names pid ${runtime.pid}`,
        hint: "openclaw gateway status",
      });
    } else {
      out.push({
        ...base,
        status: gateway.reachable ? "ok" : "fail",
        detail: gateway.reachable
          ? "the gateway answers (its listener is not visible to this user)"
          : `nothing listens, although the gateway (pid ${runtime.pid}) runs`,
        ...(gateway.reachable ? {} : { hint: "openclaw logs, then openclaw gateway restart" }),
      });
    }
    if (!input.configProblem && runtime.port !== input.configuredPort) {
      out.push({
        id: "port.config",
        title: "Port (config)",
        status: "warn",
        detail: `the gateway listens on ${runtime.port}, the config says ${input.configuredPort} ` +
          "(started with --port, or not restarted since gateway.port changed)",
        hint:
          "Clients without the runtime file (the service, other machines) use the config's port",
      });
    }
    return out;
  }
  if (listeners.length === 0) {
    return [{ ...base, status: "ok", detail: "free (no gateway running)" }];
  }
  return [{
    ...base,
    status: gateway.reachable ? "ok" : "fail",
    detail: gateway.reachable
      ? `a gateway answers there (${holders(listeners)}; no runtime file in this state dir)`
      : `in use by ${holders(listeners)}: the gateway cannot listen there`,
    ...(gateway.reachable ? {} : {
      hint: "Stop that process, pick another port (gateway.port), or start with: " +
        "openclaw gateway --force",
    }),
  }];
}

function gatewayCheck(input: DeepInput, expected: boolean): DeepCheck {
  const { gateway } = input;
  const base = { id: "gateway", title: "Gateway" };
  if (gateway.reachable) {
    const latency = gateway.latencyMs === undefined ? "" : ` (${gateway.latencyMs} ms)`;
    return { ...base, status: "ok", detail: `reachable at ${gateway.url}${latency}` };
  }
  const state = expected ? "running but not reachable" : "not running";
  return {
    ...base,
    status: expected ? "fail" : "warn",
    detail: `${state} at ${gateway.url}: ${gateway.error ?? "no answer"}`,
    hint: input.configProblem?.fix ??
      (expected ? "openclaw gateway status" : "Start it with: openclaw gateway"),
  };
}

/**
 * Runs every deep check.
 *
 * @param input What plain `status` found (config, runtime file, gateway probe, health).
 * @param probes How to read the service, the port owners, the config and the model auth.
 * @param options Deadline of each probe.
 * @returns The checks in display order, their counts, and whether the exit should fail.
 */
export async function runDeepChecks(
  input: DeepInput,
  probes: DeepProbes,
  options: DeepOptions = {},
): Promise<DeepReport> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const port = input.runtime?.port ?? input.configuredPort;
  const ids = channelIds(input);
  // The gateway bounds each probe by this; the whole call gets the full deadline.
  const probeMs = Math.max(1_000, timeoutMs - 2_000);
  const askChannels = probes.channelsStatus ??
    ((ms: number) => askChannelsStatus(input.gateway.url, ms));
  const [svc, listeners, configModels, channels] = await Promise.all([
    bounded(() => probes.readService(), timeoutMs, "the service"),
    bounded(() => probes.findPortListeners(port), timeoutMs, `port ${port}`),
    bounded(() => probes.configAndModelAuth(), timeoutMs, "the config and model auth"),
    input.gateway.reachable && ids.length > 0
      ? bounded(() => askChannels(probeMs), timeoutMs, "the channels")
      : Promise.resolve(undefined),
  ]);
  const serviceRunning = svc.ok && svc.value.runtime?.status === "running";
  const expected = input.runtime !== undefined || serviceRunning;
  const [configCheck, ...modelChecks]: DeepCheck[] = configModels.ok
    ? configModels.value
    : [{ id: "config", title: "Config", status: "warn", detail: configModels.error }];
  const checks: DeepCheck[] = [
    configCheck,
    ...(svc.ok
      ? serviceChecks(svc.value, input.runtime !== undefined)
      : [{ id: "service", title: "Service", status: "warn" as const, detail: svc.error }]),
    ...(listeners.ok
      ? portChecks(input, listeners.value)
      : [{ id: "port", title: `Port ${port}`, status: "warn" as const, detail: listeners.error }]),
    gatewayCheck(input, expected),
    ...modelChecks,
    ...channelChecks(input, ids, channels),
  ];
  const summary: Record<DeepCheckStatus, number> = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) summary[c.status]++;
  return {
    checks,
    summary,
    gatewayExpectedButUnreachable: expected && !input.gateway.reachable,
  };
}
