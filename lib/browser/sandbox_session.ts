/**
 * The gateway's connection to one sandbox browser container: an exec relay
 * (lib/sandbox/browser_relay.ts) to Chromium's DevTools port inside the container, the wait
 * until CDP answers after a start, and a browser service whose only profile (`openclaw`)
 * attaches to that CDP endpoint -- `attachOnly` everywhere, so nothing in it can launch a
 * Chromium on the host. The browser's `webSocketDebuggerUrl` names the container's port; it is
 * rewritten to the relay's.
 *
 * @module
 */
import { type Clock, systemClock } from "../clock.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import type { BrowserConfig } from "../config/schema/browser.ts";
import { OpenClawError } from "../errors.ts";
import type { SandboxBrowserHandle } from "../sandbox/browser_ensure.ts";
import { type ExecRelay, startExecRelay } from "../sandbox/browser_relay.ts";
import { runDocker } from "../sandbox/docker_cli.ts";
import { probeChromeVersion } from "./cdp_http.ts";
import { DEFAULT_PROFILE_NAME } from "./config.ts";
import { type BrowserLog, BrowserService } from "./service.ts";

/** The profile name of the sandbox browser (the one the tool's description promises). */
export const SANDBOX_PROFILE = DEFAULT_PROFILE_NAME;

/** The port the service's unused derived ports come from (nothing listens on them). */
const NOMINAL_GATEWAY_PORT = 18789;

/** Pause between CDP probes while Chromium starts. */
const PROBE_INTERVAL_MS = 250;

/** Options of {@linkcode SandboxBrowserSession.open}. */
export interface SandboxSessionOptions {
  /** The container, as `ensureSandboxBrowser` returned it. */
  handle: SandboxBrowserHandle;
  /** The gateway's config: `browser.ssrfPolicy`, timeouts and tab cleanup apply here too. */
  config: Pick<OpenClawConfig, "browser">;
  stateDir: string;
  headless: boolean;
  clock?: Clock;
  log?: BrowserLog;
  signal?: AbortSignal;
}

/**
 * Returns `wsUrl` with its host and port replaced by the relay's loopback address.
 *
 * @param wsUrl `webSocketDebuggerUrl` from `/json/version` (names the container's port).
 * @param port The relay's port.
 * @returns `ws://127.0.0.1:<port>/devtools/browser/<id>`.
 * @throws {OpenClawError} `BROWSER_ATTACH_FAILED` for a URL that is not a browser WebSocket.
 */
export function rewriteDebuggerUrl(wsUrl: string, port: number): string {
  let url: URL;
  try {
    url = new URL(wsUrl);
  } catch {
    url = new URL("invalid:");
  }
  if (url.protocol !== "ws:" || !url.pathname.startsWith("/devtools/browser/")) {
    throw new OpenClawError(
      "BROWSER_ATTACH_FAILED",
      `Sandbox browser answered with an unexpected webSocketDebuggerUrl: ${wsUrl.slice(0, 200)}`,
    );
  }
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return url.href;
}

/** The `browser` config of the service that drives the container's Chromium. */
export function sandboxServiceConfig(
  host: Pick<OpenClawConfig, "browser">,
  cdpUrl: string,
  headless: boolean,
): { browser: BrowserConfig } {
  const b = host.browser ?? {};
  return {
    browser: {
      enabled: true,
      attachOnly: true,
      defaultProfile: SANDBOX_PROFILE,
      headless,
      // Every docker exec of the relay costs a few hundred ms; the WebSocket gets 2× this.
      remoteCdpTimeoutMs: Math.max(b.remoteCdpTimeoutMs ?? 0, 5_000),
      ...(b.actionTimeoutMs ? { actionTimeoutMs: b.actionTimeoutMs } : {}),
      ...(b.ssrfPolicy ? { ssrfPolicy: b.ssrfPolicy } : {}),
      ...(b.tabCleanup ? { tabCleanup: b.tabCleanup } : {}),
      ...(b.color ? { color: b.color } : {}),
      profiles: { [SANDBOX_PROFILE]: { cdpUrl, attachOnly: true, headless } },
    },
  };
}

async function logsTail(handle: SandboxBrowserHandle): Promise<string> {
  const r = await runDocker(["logs", "--tail", "5", handle.containerName], {
    ...handle.docker,
    timeoutMs: 5_000,
    maxOutputBytes: 8 * 1024,
  }).catch(() => undefined);
  const text = `${r?.stdout ?? ""}\n${r?.stderr ?? ""}`.split("\n")
    .filter((l) => l.trim() && !/dbus|GLib-GIO/i.test(l)).slice(-3).join(" | ");
  return text.slice(0, 600);
}

function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = clock.setTimeout(done, ms);
    function done() {
      clock.clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Waits until the container's CDP answers through the relay; returns its WebSocket URL. */
async function waitForCdp(
  relay: ExecRelay,
  options: SandboxSessionOptions,
  clock: Clock,
): Promise<string> {
  const { handle, signal } = options;
  const deadline = clock.now() + handle.startTimeoutMs;
  let last = "no answer";
  while (true) {
    signal?.throwIfAborted();
    const left = deadline - clock.now();
    const probe = await probeChromeVersion(
      `http://127.0.0.1:${relay.port}`,
      Math.max(500, Math.min(left, 4_000)),
      clock,
    );
    if (probe.ok && probe.version.webSocketDebuggerUrl) {
      return rewriteDebuggerUrl(probe.version.webSocketDebuggerUrl, relay.port);
    }
    last = probe.ok ? "/json/version has no webSocketDebuggerUrl" : probe.error;
    if (clock.now() + PROBE_INTERVAL_MS >= deadline) break;
    await sleep(clock, PROBE_INTERVAL_MS, signal);
  }
  const logs = await logsTail(handle);
  throw new OpenClawError(
    "BROWSER_START_FAILED",
    `Sandbox browser "${handle.containerName}" did not answer on CDP (port ${handle.cdpPort} ` +
      `in the container) within ${handle.startTimeoutMs} ms: ${last}${
        logs ? `; container log: ${logs}` : ""
      }`,
    {
      hint: `Check \`docker logs ${handle.containerName}\` and the image ` +
        `(${handle.image}); raise agents.defaults.sandbox.browser.autoStartTimeoutMs if it is slow`,
    },
  );
}

/** One container's relay and the service attached through it. */
export class SandboxBrowserSession {
  readonly handle: SandboxBrowserHandle;
  readonly service: BrowserService;
  readonly #relay: ExecRelay;
  #everAttached = false;

  private constructor(handle: SandboxBrowserHandle, relay: ExecRelay, service: BrowserService) {
    this.handle = handle;
    this.#relay = relay;
    this.service = service;
  }

  /**
   * Starts the relay, waits for CDP and builds the service (it attaches on first use).
   *
   * @throws {OpenClawError} `BROWSER_START_FAILED` when CDP does not answer in time,
   *   `BROWSER_ATTACH_FAILED` for a malformed answer; the signal's reason when aborted.
   */
  static async open(options: SandboxSessionOptions): Promise<SandboxBrowserSession> {
    const clock = options.clock ?? systemClock;
    const relay = startExecRelay({
      container: options.handle,
      port: options.handle.cdpPort,
      clock,
      onError: (m) => options.log?.warn(`sandbox browser ${options.handle.containerName}: ${m}`),
    });
    try {
      const cdpUrl = await waitForCdp(relay, options, clock);
      const service = new BrowserService({
        stateDir: options.stateDir,
        gatewayPort: NOMINAL_GATEWAY_PORT,
        config: sandboxServiceConfig(options.config, cdpUrl, options.headless),
        env: () => ({}),
        clock,
        log: options.log,
      });
      return new SandboxBrowserSession(options.handle, relay, service);
    } catch (err) {
      await relay.close();
      throw err;
    }
  }

  /** The relay's loopback port (the `cdpUrl` the service attaches to). */
  get relayPort(): number {
    return this.#relay.port;
  }

  /** True while the service holds a live CDP connection to the container's browser. */
  get attached(): boolean {
    return this.service.runningProfiles().includes(SANDBOX_PROFILE);
  }

  /** Records whether the session is attached now (call after each use; see `stale`). */
  noteUse(): void {
    if (this.attached) this.#everAttached = true;
  }

  /**
   * True when the session was attached after an earlier use and has lost the connection since:
   * the container's browser went away under it.
   */
  get stale(): boolean {
    return this.#everAttached && !this.attached;
  }

  /** Detaches the service and closes the relay (the container keeps running). */
  async close(): Promise<void> {
    await this.service.closeAll().catch(() => {});
    await this.#relay.close();
  }
}
