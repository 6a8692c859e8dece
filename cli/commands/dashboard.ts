/**
 * `openclaw dashboard [--no-open] [--json]`: opens the Control UI signed in.
 *
 * 1. Resolves the URL the way every query command resolves its gateway (runtime file, port,
 *    bind, `gateway.mode: "remote"`), with `gateway.controlUi.basePath` and `https` under
 *    `gateway.tls.enabled`; a wildcard bind (`lan`) is opened on 127.0.0.1.
 * 2. Checks the gateway answers (`GET /readyz`, 2 s per try, waiting a few seconds while it
 *    starts).
 * 3. Asks it for a one-time bootstrap token (`device.bootstrap.issue`: 10 minutes, single use)
 *    and puts it in the URL fragment (`#bootstrapToken=...&bootstrapProfile=owner&gatewayUrl=...`),
 *    which browsers never send to a server. The page pairs its own device identity with it.
 * 4. Opens the browser (`open`, `xdg-open`, `start`) unless `--no-open` or there is no display;
 *    never fails when that is impossible, it prints the one-time link instead.
 * 5. Prints the clean URL (no token), and an SSH tunnel command when the gateway or this shell is
 *    on another machine than the browser.
 *
 * `--json` prints stock's fields: `{ok, url, httpUrl, wsUrl, port, tokenIncluded, browserUrl,
 * browserBootstrapExpiresAtMs}` (`url` carries `#token=` only for a plaintext configured token);
 * a failure prints `{ok:false, reason, error}` and exits 1.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import { errorEnvelope, printJson, printLine, printWarn } from "../output.ts";
import { act } from "../program.ts";
import { clearTimer, delay, setTimer, type TimerHandle } from "../../lib/timers.ts";

interface DashboardFlags {
  open?: boolean;
  json?: boolean;
}

/** Registers `dashboard`. */
export function register(program: CommandUnknownOpts): void {
  program.command("dashboard")
    .description("Open the Control UI with a one-time sign-in link")
    .option("--no-open", "Print the URL; do not start a browser")
    .option("--json", "Print JSON")
    .action(act(dashboardCommand));
}

/** Where the dashboard is. */
export interface DashboardUrls {
  /** The page, without any credential. */
  httpUrl: string;
  /** The gateway's WebSocket URL. */
  wsUrl: string;
  /** `scheme://host:port` (probes live there, not under the base path). */
  origin: string;
  host: string;
  port: number;
}

/** Returns `/base` for a configured base path (`openclaw/` -> `/openclaw`), or "". */
export function normalizeBasePath(value: unknown): string {
  if (typeof value !== "string") return "";
  const trimmed = value.trim().replace(/^\/+|\/+$/g, "");
  return trimmed ? `/${trimmed}` : "";
}

/** Builds the dashboard URLs from the gateway's WebSocket URL and the (raw) config. */
export function dashboardUrls(gatewayUrl: string, config: Record<string, unknown>): DashboardUrls {
  const gw = (config.gateway ?? {}) as Record<string, unknown>;
  const controlUi = (gw.controlUi ?? {}) as Record<string, unknown>;
  const tls = (gw.tls ?? {}) as Record<string, unknown>;
  const ws = new URL(gatewayUrl);
  const secure = ws.protocol === "wss:" || ws.protocol === "https:" || tls.enabled === true;
  const host = ws.hostname === "0.0.0.0" || ws.hostname === "[::]" ? "127.0.0.1" : ws.hostname;
  const port = Number(ws.port || (secure ? 443 : 80));
  const origin = `${secure ? "https" : "http"}://${host}:${port}`;
  return {
    httpUrl: `${origin}${normalizeBasePath(controlUi.basePath)}/`,
    wsUrl: `${secure ? "wss" : "ws"}://${host}:${port}`,
    origin,
    host: host.replace(/^\[|\]$/g, ""),
    port,
  };
}

/** The browser link: the page plus the one-time token in the fragment. */
export function browserUrlOf(httpUrl: string, bootstrapToken: string, wsUrl: string): string {
  const fragment = new URLSearchParams({
    bootstrapToken,
    bootstrapProfile: "owner",
    gatewayUrl: wsUrl,
  });
  return `${httpUrl}#${fragment}`;
}

function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}

/** The plaintext token configured in `gateway.auth.token` (not a SecretRef, not env-only). */
function plaintextConfigToken(config: Record<string, unknown>): string | undefined {
  const gw = (config.gateway ?? {}) as Record<string, unknown>;
  const auth = (gw.auth ?? {}) as Record<string, unknown>;
  if (auth.mode !== undefined && auth.mode !== "token") return undefined;
  return typeof auth.token === "string" && auth.token !== "" ? auth.token : undefined;
}

/**
 * Waits until `GET <origin>/readyz` answers: 200, or a 503 that lasts past the few seconds a
 * starting gateway needs (then it answers, just not fully ready: a warning, not a failure).
 *
 * @throws {OpenClawError} `GATEWAY_UNREACHABLE` when nothing answers.
 */
async function checkGatewayAnswers(origin: string, quiet: boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  let last = "";
  while (true) {
    try {
      const res = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(2_000) });
      const body = await res.text();
      if (res.ok) return;
      last = `${res.status} ${body.slice(0, 200)}`;
    } catch (err) {
      throw new OpenClawError(
        "GATEWAY_UNREACHABLE",
        `Cannot reach the gateway at ${origin}: ${err instanceof Error ? err.message : err}`,
        { hint: "Start it with `openclaw gateway` (or check `openclaw gateway status`)" },
      );
    }
    if (Date.now() >= deadline) {
      if (!quiet) printWarn(`the gateway answers but is not ready yet (/readyz: ${last})`);
      return;
    }
    await delay(300);
  }
}

/** Starts the system's browser on `url`; false when there is none to start (never throws). */
async function openBrowser(url: string): Promise<boolean> {
  const os = Deno.build.os;
  const hasDisplay = Boolean(Deno.env.get("DISPLAY") || Deno.env.get("WAYLAND_DISPLAY"));
  const [cmd, args] = os === "darwin"
    ? ["open", [url]]
    : os === "windows"
    ? ["cmd", ["/c", "start", '""', url.replaceAll("&", "^&")]]
    : hasDisplay
    ? ["xdg-open", [url]]
    : [undefined, []];
  if (!cmd) return false;
  try {
    const child = new Deno.Command(cmd, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    // The opener usually returns at once; a slow one is left running rather than waited for.
    let timer: TimerHandle | undefined;
    const status = await Promise.race([
      child.status,
      new Promise<undefined>((r) => timer = setTimer(() => r(undefined), 3_000)),
    ]).finally(() => clearTimer(timer));
    if (status === undefined) {
      child.unref();
      return true;
    }
    return status.success;
  } catch {
    return false;
  }
}

/** True when the browser is likely on another machine than this shell. */
function remoteShell(): boolean {
  return Boolean(Deno.env.get("SSH_CONNECTION") || Deno.env.get("SSH_TTY"));
}

function sshHint(urls: DashboardUrls, targetIsLocal: boolean): string {
  const user = Deno.env.get("USER") ?? "user";
  const host = targetIsLocal ? Deno.hostname() : urls.host;
  const remotePort = urls.port;
  return `ssh -N -L ${urls.port}:127.0.0.1:${remotePort} ${user}@${host}`;
}

async function dashboardCommand(flags: DashboardFlags): Promise<number> {
  try {
    return await runDashboard(flags);
  } catch (err) {
    if (!flags.json) throw err;
    const envelope = errorEnvelope(err);
    printJson({ ok: false, reason: envelope.error.message, error: envelope.error });
    return err instanceof OpenClawError ? err.exitCode : ExitCode.failed;
  }
}

async function runDashboard(flags: DashboardFlags): Promise<number> {
  const { resolveGatewayTarget } = await import("../../lib/rpc/target.ts");
  const target = await resolveGatewayTarget({});
  const gw = (target.config.gateway ?? {}) as Record<string, unknown>;
  const controlUi = (gw.controlUi ?? {}) as Record<string, unknown>;
  if (target.isLocal && controlUi.enabled === false) {
    throw new OpenClawError("DASHBOARD_DISABLED", "The Control UI is disabled on this gateway", {
      hint: "openclaw config set gateway.controlUi.enabled true",
    });
  }
  const urls = dashboardUrls(target.url, target.config);
  await checkGatewayAnswers(urls.origin, flags.json === true);

  const { CLI_CLIENT, withGateway } = await import("../../lib/rpc/session.ts");
  const issued = await withGateway(
    {},
    CLI_CLIENT,
    10_000,
    (client) =>
      client.call<{ token: string; expiresAtMs: number }>("device.bootstrap.issue", {
        profile: "owner",
      }),
  );
  const browserUrl = browserUrlOf(urls.httpUrl, issued.token, urls.wsUrl);
  const sharedToken = target.isLocal ? plaintextConfigToken(target.config) : undefined;
  const url = sharedToken
    ? `${urls.httpUrl}#token=${encodeURIComponent(sharedToken)}`
    : urls.httpUrl;
  const opened = flags.open === false ? false : await openBrowser(browserUrl);

  if (flags.json) {
    printJson({
      ok: true,
      url,
      httpUrl: urls.httpUrl,
      wsUrl: urls.wsUrl,
      port: urls.port,
      tokenIncluded: sharedToken !== undefined,
      browserUrl,
      browserBootstrapExpiresAtMs: issued.expiresAtMs,
    });
    return ExitCode.ok;
  }
  printLine(`Dashboard URL: ${urls.httpUrl}`);
  if (opened) {
    printLine("Opened in your browser with a one-time sign-in (valid 10 minutes).");
  } else {
    printLine(
      flags.open === false ? "One-time sign-in link (valid 10 minutes, works once):" : (
        "Could not open a browser here. One-time sign-in link (valid 10 minutes, works once):"
      ),
    );
    printLine(`  ${browserUrl}`);
  }
  const remote = !target.isLocal && !isLoopbackHost(urls.host);
  if (remote || remoteShell() || (!opened && flags.open !== false)) {
    printLine("Browser on another machine? Forward the port first, then open the link there:");
    printLine(`  ${sshHint(urls, target.isLocal)}`);
  }
  return ExitCode.ok;
}
