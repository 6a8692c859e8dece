/**
 * The sandbox browsers of one gateway (one state dir): for a sandboxed session, make sure its
 * browser container runs (lib/sandbox/browser_ensure.ts) and hand out the session attached to
 * it (lib/browser/sandbox_session.ts), reusing it across tool calls so tabs, the active tab and
 * snapshot refs survive between calls. A session is rebuilt when its container was created or
 * (re)started, or when its CDP connection was lost.
 *
 * Lifetimes: containers outlive the gateway like exec sandboxes (`openclaw sandbox` lists and
 * removes them); the relays and connections here are closed by {@linkcode closeSandboxBrowsers}
 * (the gateway's stop), or after {@linkcode SANDBOX_SESSION_IDLE_MS} without use, and at most
 * {@linkcode MAX_SANDBOX_SESSIONS} are kept (the least recently used is closed first).
 *
 * @module
 */
import { type Clock, systemClock } from "../clock.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import { OpenClawError } from "../errors.ts";
import { resolveSandboxBrowserConfig } from "../sandbox/browser_config.ts";
import { ensureSandboxBrowser, stopSandboxBrowser } from "../sandbox/browser_ensure.ts";
import { planSandboxBrowser } from "../sandbox/browser_plan.ts";
import type { DockerOptions } from "../sandbox/docker_cli.ts";
import { containerConfigHash, inspectContainer } from "../sandbox/ensure.ts";
import { SANDBOX_PROFILE, SandboxBrowserSession } from "./sandbox_session.ts";
import { sandboxPools } from "./sandbox_pools.ts";
import type { BrowserLog } from "./service.ts";
import { unrefTimer } from "../timers.ts";

// Shutdown closes pools through the small registry; the name stays importable from here.
export { closeSandboxBrowsers } from "./sandbox_pools.ts";

/** Sessions kept per gateway. */
export const MAX_SANDBOX_SESSIONS = 32;
/** A session unused this long is closed (its container keeps running). */
export const SANDBOX_SESSION_IDLE_MS = 10 * 60_000;

/** Which sandboxed session asks, with the config it runs under. */
export interface SandboxBrowserRequest {
  config: OpenClawConfig;
  agentId: string;
  sessionKey: string;
  /** The agent's host workspace. */
  workspace?: string;
  signal?: AbortSignal;
}

/** Options of {@linkcode SandboxBrowserPool}. */
export interface SandboxBrowserPoolOptions {
  stateDir: string;
  docker?: DockerOptions;
  clock?: Clock;
  log?: BrowserLog;
}

interface Entry {
  session: SandboxBrowserSession;
  lastUsed: number;
  idle?: ReturnType<Clock["setTimeout"]>;
}

/**
 * The error of a sandboxed session whose browser is switched off.
 *
 * @param enabledKey The config key that decided (`agents.defaults.sandbox.browser.enabled` or
 *   the agent's).
 */
export function sandboxBrowserDisabledError(enabledKey: string): OpenClawError {
  return new OpenClawError(
    // The code predates the sandbox browser (the tool always refused here); kept for callers.
    "BROWSER_SANDBOX_UNSUPPORTED",
    "The browser tool is not available in a sandboxed session: its browser runs in a sandbox " +
      `browser container, and ${enabledKey} is false`,
    {
      hint: `openclaw config set ${enabledKey} true (build the image with ` +
        "scripts/sandbox-browser-setup.sh), or use the browser from a session that is not sandboxed",
    },
  );
}

/** The sandbox browsers of one state dir. */
export class SandboxBrowserPool {
  readonly stateDir: string;
  readonly #docker?: DockerOptions;
  readonly #clock: Clock;
  readonly #log?: BrowserLog;
  readonly #entries = new Map<string, Entry>();
  readonly #opening = new Map<string, Promise<SandboxBrowserSession>>();
  #closed = false;

  constructor(options: SandboxBrowserPoolOptions) {
    this.stateDir = options.stateDir;
    this.#docker = options.docker;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.log;
  }

  /** Container names with an open session. */
  sessions(): string[] {
    return [...this.#entries.keys()];
  }

  #settings(req: SandboxBrowserRequest) {
    const settings = resolveSandboxBrowserConfig(req.config, req.agentId, this.stateDir);
    if (!settings.enabled) throw sandboxBrowserDisabledError(settings.enabledKey);
    return settings;
  }

  /**
   * The session of `req`'s browser container, started and attached as needed.
   *
   * @throws {OpenClawError} `BROWSER_SANDBOX_UNSUPPORTED` (disabled), the errors of `ensureSandboxBrowser`
   *   (image missing, docker unusable, autoStart off, dangerous config) and of
   *   `SandboxBrowserSession.open` (CDP not answering).
   */
  async acquire(req: SandboxBrowserRequest): Promise<SandboxBrowserSession> {
    if (this.#closed) {
      throw new OpenClawError("BROWSER_UNAVAILABLE", "Browser control is shutting down");
    }
    const settings = this.#settings(req);
    const handle = await ensureSandboxBrowser({
      config: req.config,
      agentId: req.agentId,
      sessionKey: req.sessionKey,
      stateDir: this.stateDir,
      workspace: req.workspace,
      docker: this.#docker,
      signal: req.signal,
      now: () => this.#clock.now(),
    });
    const name = handle.containerName;
    const pending = this.#opening.get(name);
    if (pending) return await pending;
    const current = this.#entries.get(name);
    // A session is kept unless its container changed or was (re)started, or it lost its
    // connection; one that has not attached yet (another call may be attaching it) is kept.
    if (
      current && !handle.started && current.session.handle.containerId === handle.containerId &&
      !current.session.stale
    ) {
      return this.#touch(name);
    }
    const opening = (async () => {
      if (current) await this.#drop(name);
      const session = await SandboxBrowserSession.open({
        handle,
        config: req.config,
        stateDir: this.stateDir,
        headless: settings.headless,
        clock: this.#clock,
        log: this.#log,
        signal: req.signal,
      });
      if (this.#closed) {
        await session.close();
        throw new OpenClawError("BROWSER_UNAVAILABLE", "Browser control is shutting down");
      }
      this.#entries.set(name, { session, lastUsed: this.#clock.now() });
      await this.#evict();
      return this.#touch(name);
    })().finally(() => this.#opening.delete(name));
    this.#opening.set(name, opening);
    return await opening;
  }

  /**
   * Runs `fn` with `req`'s session ({@linkcode acquire}), then notes whether it attached, so a
   * later loss of the connection is told apart from a session that never attached.
   *
   * @throws {OpenClawError} the errors of {@linkcode acquire}, and what `fn` throws.
   */
  async use<T>(
    req: SandboxBrowserRequest,
    fn: (session: SandboxBrowserSession) => Promise<T>,
  ): Promise<T> {
    const session = await this.acquire(req);
    try {
      return await fn(session);
    } catch (err) {
      // Its browser is gone (restarted under it before it ever attached): start over next time.
      if (err instanceof OpenClawError && err.code === "BROWSER_ATTACH_FAILED") {
        const name = session.handle.containerName;
        if (this.#entries.get(name)?.session === session) await this.#drop(name);
      }
      throw err;
    } finally {
      session.noteUse();
    }
  }

  #touch(name: string): SandboxBrowserSession {
    const entry = this.#entries.get(name)!;
    entry.lastUsed = this.#clock.now();
    this.#clock.clearTimeout(entry.idle);
    entry.idle = this.#clock.setTimeout(() => {
      if (this.#entries.get(name) === entry) void this.#drop(name);
    }, SANDBOX_SESSION_IDLE_MS);
    // The idle timer is housekeeping: it must not keep a process alive on its own.
    if (typeof entry.idle === "number") unrefTimer(entry.idle);
    return entry.session;
  }

  async #drop(name: string): Promise<void> {
    const entry = this.#entries.get(name);
    if (!entry) return;
    this.#entries.delete(name);
    this.#clock.clearTimeout(entry.idle);
    await entry.session.close();
  }

  async #evict(): Promise<void> {
    while (this.#entries.size > MAX_SANDBOX_SESSIONS) {
      const oldest = [...this.#entries].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0][0];
      await this.#drop(oldest);
    }
  }

  /**
   * Passive status of `req`'s sandbox browser: never creates or starts anything.
   *
   * @throws {OpenClawError} `BROWSER_SANDBOX_UNSUPPORTED` (disabled), config validation errors.
   */
  async status(req: SandboxBrowserRequest): Promise<Record<string, unknown>> {
    const settings = this.#settings(req);
    const plan = planSandboxBrowser(req.config, {
      agentId: req.agentId,
      sessionKey: req.sessionKey,
      stateDir: this.stateDir,
      workspace: req.workspace,
    });
    const info = await inspectContainer(plan.containerName, {
      ...this.#docker,
      signal: req.signal,
    });
    const entry = this.#entries.get(plan.containerName);
    const attached = entry?.session.attached === true;
    return {
      enabled: true,
      profile: SANDBOX_PROFILE,
      driver: "openclaw",
      transport: "cdp",
      sandbox: true,
      running: info?.running === true,
      cdpReady: attached,
      cdpPort: settings.cdpPort,
      cdpUrl: entry ? `http://127.0.0.1:${entry.session.relayPort}` : null,
      headless: settings.headless,
      containerName: plan.containerName,
      containerStatus: info?.status ?? "missing",
      image: settings.image,
      network: settings.network,
      configMatch: info ? containerConfigHash(info) === plan.configHash : undefined,
    };
  }

  /**
   * Detaches from `req`'s browser and stops its container (it starts again on next use).
   *
   * @returns Whether a running container was stopped.
   */
  async stop(req: SandboxBrowserRequest): Promise<{ stopped: boolean; containerName: string }> {
    this.#settings(req);
    const plan = planSandboxBrowser(req.config, {
      agentId: req.agentId,
      sessionKey: req.sessionKey,
      stateDir: this.stateDir,
      workspace: req.workspace,
    });
    await this.#opening.get(plan.containerName)?.catch(() => {});
    await this.#drop(plan.containerName);
    const stopped = await stopSandboxBrowser(plan.containerName, {
      docker: this.#docker,
      signal: req.signal,
    });
    return { stopped, containerName: plan.containerName };
  }

  /** Closes every session (containers keep running) and refuses new ones. */
  async closeAll(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#opening.values()]);
    await Promise.allSettled([...this.#entries.keys()].map((name) => this.#drop(name)));
  }
}

/**
 * The sandbox browser pool of the gateway using `stateDir` (created on first use).
 *
 * @param stateDir The gateway's state dir.
 * @param options Docker client settings, clock and log for a new pool.
 * @returns The pool; the same one for every call with this state dir until it is closed.
 */
export function sandboxBrowserPool(
  stateDir: string,
  options: Omit<SandboxBrowserPoolOptions, "stateDir"> = {},
): SandboxBrowserPool {
  let pool = sandboxPools.get(stateDir) as SandboxBrowserPool | undefined;
  if (!pool) {
    pool = new SandboxBrowserPool({ ...options, stateDir });
    sandboxPools.set(stateDir, pool);
  }
  return pool;
}
