/**
 * The browser control service of one gateway: per profile, a managed Chromium started on first
 * use (never when the gateway starts), or an attach to a browser someone else runs
 * (`attachOnly`, a remote `cdpUrl`); status without side effects; tabs; and the attached tab
 * sessions the actions (lib/browser/actions.ts) work on. It owns every process it launched and
 * `closeAll()` stops them; a browser that dies on its own is noticed and forgotten, and the
 * next use starts a new one. Repeated launch failures of a profile are circuit-broken for a
 * while instead of spawning Chromium on every tool call.
 *
 * @module
 */
import { type Clock, systemClock } from "../clock.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import { errorMessage, OpenClawError } from "../errors.ts";
import { type Env, processEnv } from "../paths.ts";
import {
  type BrowserSettings,
  type HeadlessSource,
  resolveBrowserProfile,
  resolveBrowserSettings,
  type ResolvedProfile,
  resolveHeadlessMode,
} from "./config.ts";
import { type BrowserExecutable, noBrowserError, resolveBrowserExecutable } from "./executable.ts";
import { profileUserDataDir } from "./launcher.ts";
import { openProfile } from "./open_profile.ts";
import type { PageSession } from "./page.ts";
import type { BrowserTab, ProfileRuntime } from "./profile_runtime.ts";
import type { SnapshotRef } from "./snapshot.ts";

export type { BrowserTab } from "./profile_runtime.ts";

/** Where the service logs (the gateway's `Logger` fits). */
export interface BrowserLog {
  info(message: string): void;
  warn(message: string): void;
}

/** Options of {@linkcode BrowserService}. */
export interface BrowserServiceOptions {
  stateDir: string;
  /** The port the gateway listens on: every browser port derives from it. */
  gatewayPort: number;
  config: Pick<OpenClawConfig, "browser">;
  /** @default the process environment */
  env?: () => Env;
  clock?: Clock;
  log?: BrowserLog;
}

/** `GET /` of stock's control service (reference discovery.md §4.4). */
export interface BrowserStatus {
  enabled: boolean;
  profile: string;
  driver: string;
  transport: "cdp";
  running: boolean;
  cdpReady: boolean;
  cdpHttp: boolean;
  pid: number | null;
  cdpPort: number;
  cdpUrl: string;
  chosenBrowser: string | null;
  detectedBrowser: string | null;
  detectedExecutablePath: string | null;
  detectError: string | null;
  userDataDir: string | null;
  color: string;
  headless: boolean;
  headlessSource: HeadlessSource;
  noSandbox: boolean;
  executablePath: string | null;
  attachOnly: boolean;
}

/** One row of `profiles`. */
export interface ProfileStatus {
  name: string;
  cdpPort: number;
  cdpUrl: string;
  color: string;
  running: boolean;
  tabCount: number;
  isDefault: boolean;
  isRemote: boolean;
  driver: string;
}

/** Failed launches in a row before a profile's launches pause. */
const BREAKER_FAILURES = 3;
/** How long a tripped profile refuses to launch. */
const BREAKER_PAUSE_MS = 30_000;

/** The browser control service. */
export class BrowserService {
  readonly stateDir: string;
  #gatewayPort: number;
  #settings: BrowserSettings;
  readonly #env: () => Env;
  readonly #clock: Clock;
  readonly #log?: BrowserLog;
  readonly #runtimes = new Map<string, ProfileRuntime>();
  readonly #starting = new Map<string, Promise<ProfileRuntime>>();
  readonly #failures = new Map<string, { count: number; at: number; error: OpenClawError }>();
  #closed = false;

  constructor(options: BrowserServiceOptions) {
    this.stateDir = options.stateDir;
    this.#gatewayPort = options.gatewayPort;
    this.#env = options.env ?? processEnv;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.log;
    this.#settings = resolveBrowserSettings(options.config, options.gatewayPort, this.#env());
  }

  /** The resolved `browser.*`. */
  get settings(): BrowserSettings {
    return this.#settings;
  }

  /** Names of the profiles with a running browser. */
  runningProfiles(): string[] {
    return [...this.#runtimes.keys()];
  }

  /** Pid of the managed Chromium of `profile` (the default one when omitted), if running. */
  pidOf(profile?: string): number | undefined {
    return this.#runtimes.get(this.#name(profile))?.chrome?.pid;
  }

  #name(profile?: string): string {
    return profile?.trim() || this.#settings.defaultProfile;
  }

  #profile(name?: string): ResolvedProfile {
    return resolveBrowserProfile(this.#settings, name, this.#env());
  }

  #launchKey(p: ResolvedProfile): string {
    const s = this.#settings;
    return JSON.stringify([p, s.noSandbox, s.extraArgs, s.enabled]);
  }

  /**
   * Applies a new config: browsers whose launch settings changed (or whose profile is gone, or
   * with browser control disabled) are stopped; they start again on next use.
   */
  async updateConfig(config: Pick<OpenClawConfig, "browser">, gatewayPort = this.#gatewayPort) {
    this.#gatewayPort = gatewayPort;
    this.#settings = resolveBrowserSettings(config, gatewayPort, this.#env());
    this.#failures.clear();
    const stale: string[] = [];
    for (const [name, rt] of this.#runtimes) {
      let key: string | undefined;
      try {
        key = this.#settings.enabled ? this.#launchKey(this.#profile(name)) : undefined;
      } catch { /* profile removed */ }
      if (key !== rt.launchKey) stale.push(name);
    }
    for (const name of stale) {
      this.#log?.info(
        `browser [${name}]: settings changed; stopping it (starts again on next use)`,
      );
      await this.stop(name);
    }
  }

  /** Passive status of a profile: never launches anything. */
  status(profileName?: string): BrowserStatus {
    const p = this.#profile(profileName);
    const rt = this.#runtimes.get(p.name);
    let detected: BrowserExecutable | undefined;
    let detectError: string | null = null;
    if (p.cdpIsLoopback && !p.attachOnly) {
      try {
        detected = resolveBrowserExecutable(p.executablePath);
        if (!detected) detectError = noBrowserError().message;
      } catch (err) {
        detectError = errorMessage(err);
      }
    }
    const mode = rt
      ? { headless: rt.headless, source: rt.headlessSource }
      : resolveHeadlessMode(p, { env: this.#env(), platform: Deno.build.os });
    const cdpReady = rt !== undefined && !rt.cdp.closed;
    return {
      enabled: this.#settings.enabled,
      profile: p.name,
      driver: p.driver,
      transport: "cdp",
      running: rt !== undefined,
      cdpReady,
      cdpHttp: cdpReady,
      pid: rt?.chrome?.pid ?? null,
      cdpPort: p.cdpPort,
      cdpUrl: p.cdpUrl,
      chosenBrowser: rt?.chrome?.executable.kind ?? null,
      detectedBrowser: detected?.kind ?? null,
      detectedExecutablePath: detected?.path ?? null,
      detectError,
      userDataDir: p.cdpIsLoopback && !p.attachOnly
        ? profileUserDataDir(this.stateDir, p.name)
        : null,
      color: p.color,
      headless: mode.headless,
      headlessSource: mode.source,
      noSandbox: this.#settings.noSandbox,
      executablePath: p.executablePath ?? null,
      attachOnly: p.attachOnly,
    };
  }

  /** Every profile with its state (tab counts ask the running browsers). */
  async profiles(): Promise<ProfileStatus[]> {
    const out: ProfileStatus[] = [];
    for (const name of this.#settings.profiles.keys()) {
      const p = this.#profile(name);
      const rt = this.#runtimes.get(name);
      const tabCount = rt ? (await rt.tabs().catch(() => [])).length : 0;
      out.push({
        name,
        cdpPort: p.cdpPort,
        cdpUrl: p.cdpUrl,
        color: p.color,
        running: rt !== undefined,
        tabCount,
        isDefault: name === this.#settings.defaultProfile,
        isRemote: !p.cdpIsLoopback,
        driver: p.driver,
      });
    }
    return out;
  }

  /**
   * Starts (or attaches to) the profile's browser; a no-op when it runs.
   *
   * @param options.headless Overrides headless mode for this launch (`start --headless`).
   * @throws {OpenClawError} `BROWSER_CONTROL_DENIED`, `BROWSER_PROFILE_UNKNOWN`,
   *   `BROWSER_EXECUTABLE_NOT_FOUND` (`browser.executablePath not found: ...`),
   *   `BROWSER_START_FAILED` (`Failed to start Chrome CDP on port ...`), `BROWSER_ATTACH_FAILED`.
   */
  async start(profileName?: string, options: { headless?: boolean } = {}): Promise<BrowserStatus> {
    await this.#ensure(profileName, options.headless);
    return this.status(profileName);
  }

  async #ensure(
    profileName: string | undefined,
    headlessOverride?: boolean,
  ): Promise<ProfileRuntime> {
    if (this.#closed) {
      throw new OpenClawError("BROWSER_UNAVAILABLE", "Browser control is shutting down");
    }
    if (!this.#settings.enabled) {
      throw new OpenClawError(
        "BROWSER_CONTROL_DENIED",
        "Browser control is disabled (browser.enabled is false)",
        { hint: "openclaw config set browser.enabled true" },
      );
    }
    const p = this.#profile(profileName);
    const running = this.#runtimes.get(p.name);
    if (running) return running;
    let pending = this.#starting.get(p.name);
    if (!pending) {
      pending = this.#open(p, headlessOverride).finally(() => this.#starting.delete(p.name));
      this.#starting.set(p.name, pending);
    }
    return await pending;
  }

  async #open(p: ResolvedProfile, headlessOverride?: boolean): Promise<ProfileRuntime> {
    const tripped = this.#failures.get(p.name);
    const now = this.#clock.now();
    if (tripped && tripped.count >= BREAKER_FAILURES && now - tripped.at < BREAKER_PAUSE_MS) {
      throw new OpenClawError(
        tripped.error.code,
        `${tripped.error.message}\n(${tripped.count} launches failed in a row; not retrying for ${
          Math.ceil((BREAKER_PAUSE_MS - (now - tripped.at)) / 1000)
        } s)`,
        { hint: tripped.error.hint },
      );
    }
    let rt: ProfileRuntime;
    try {
      rt = await openProfile({
        profile: p,
        settings: this.#settings,
        stateDir: this.stateDir,
        env: this.#env(),
        clock: this.#clock,
        headlessOverride,
        launchKey: this.#launchKey(p),
      });
    } catch (err) {
      if (err instanceof OpenClawError && err.code === "BROWSER_START_FAILED") {
        const prev = this.#failures.get(p.name);
        this.#failures.set(p.name, { count: (prev?.count ?? 0) + 1, at: now, error: err });
        this.#log?.warn(err.message.split("\n")[0]);
      }
      throw err;
    }
    this.#failures.delete(p.name);
    if (this.#closed) {
      await rt.shutdown();
      throw new OpenClawError("BROWSER_UNAVAILABLE", "Browser control is shutting down");
    }
    this.#runtimes.set(p.name, rt);
    this.#log?.info(
      rt.chrome
        ? `\uD83E\uDD9E openclaw browser started (${rt.chrome.executable.kind}) profile "${p.name}" on 127.0.0.1:${p.cdpPort} (pid ${rt.chrome.pid})`
        : `browser [${p.name}]: attached to ${p.cdpUrl}`,
    );
    rt.cdp.onClose((reason) => {
      if (this.#runtimes.get(p.name) !== rt) return;
      this.#runtimes.delete(p.name);
      if (!rt.chrome) this.#log?.warn(`browser [${p.name}]: lost the CDP connection (${reason})`);
    });
    void rt.chrome?.exited.then((s) => {
      if (this.#runtimes.get(p.name) !== rt) return;
      this.#runtimes.delete(p.name);
      rt.cdp.close();
      this.#log?.warn(
        `browser [${p.name}]: Chromium exited on its own (code ${s.code}${
          s.signal ? `, ${s.signal}` : ""
        }); it starts again on next use`,
      );
    });
    return rt;
  }

  /**
   * Stops the profile's browser (for an attached one, only the connection is closed).
   *
   * @returns Whether something was running.
   */
  async stop(profileName?: string): Promise<{ stopped: boolean }> {
    const name = this.#name(profileName);
    await this.#starting.get(name)?.catch(() => {});
    const rt = this.#runtimes.get(name);
    if (!rt) return { stopped: false };
    this.#runtimes.delete(name);
    await rt.shutdown();
    this.#log?.info(`browser [${name}]: stopped`);
    return { stopped: true };
  }

  /** Stops every browser and refuses new starts (the gateway is stopping). */
  async closeAll(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#starting.values()].map((p) => p.catch(() => {})));
    const all = [...this.#runtimes.values()];
    this.#runtimes.clear();
    await Promise.all(all.map((rt) => rt.shutdown().catch(() => {})));
  }

  // ---- tabs -------------------------------------------------------------------------------

  #running(profileName?: string): ProfileRuntime {
    const rt = this.#runtimes.get(this.#name(profileName));
    if (!rt) {
      throw new OpenClawError("BROWSER_NOT_RUNNING", "The browser is not running: no tab to close");
    }
    return rt;
  }

  /** The page tabs of a running profile (`running: false` and none when it is not running). */
  async tabs(profileName?: string): Promise<{ running: boolean; tabs: BrowserTab[] }> {
    const rt = this.#runtimes.get(this.#name(profileName));
    if (!rt) {
      this.#profile(profileName);
      return { running: false, tabs: [] };
    }
    return { running: true, tabs: await rt.tabs() };
  }

  /**
   * Opens a blank tab (starting the browser if needed) that becomes the active one; past the
   * tab cap, the oldest tab this service opened is closed first. The caller navigates it.
   */
  async openTab(profileName?: string): Promise<{ page: PageSession; profile: string }> {
    const rt = await this.#ensure(profileName);
    return { page: await rt.openTab(), profile: rt.profile.name };
  }

  /** Makes a tab the active one (and brings it to the front). */
  async focusTab(ref: string, profileName?: string): Promise<BrowserTab> {
    return await (await this.#ensure(profileName)).focusTab(ref);
  }

  /** Closes a tab (the active one when `ref` is omitted) of a running browser. */
  async closeTab(ref: string | undefined, profileName?: string): Promise<{ closed: string }> {
    return await this.#running(profileName).closeTab(ref);
  }

  /**
   * The tab an action works on -- `ref` (tabId, targetId or prefix), else the active tab, else
   * the first tab, else a new blank one -- attached, with the browser started if needed.
   */
  async page(
    ref: string | undefined,
    profileName?: string,
  ): Promise<{ page: PageSession; profile: string }> {
    const rt = await this.#ensure(profileName);
    return { page: await rt.page(ref), profile: rt.profile.name };
  }

  /** Remembers the refs of a tab's latest snapshot. */
  setRefs(profileName: string, targetId: string, refs: Map<string, SnapshotRef>): void {
    this.#runtimes.get(profileName)?.setRefs(targetId, refs);
  }

  /** Forgets a tab's refs (after a navigation). */
  clearRefs(profileName: string, targetId: string): void {
    this.#runtimes.get(profileName)?.setRefs(targetId, new Map());
  }

  /**
   * The element a snapshot ref names.
   *
   * @throws {OpenClawError} `BROWSER_REF_UNKNOWN` when the tab has no such ref.
   */
  ref(profileName: string, targetId: string, ref: string): SnapshotRef {
    const rt = this.#runtimes.get(profileName);
    if (!rt) throw new OpenClawError("BROWSER_NOT_RUNNING", "The browser is not running");
    return rt.ref(targetId, ref);
  }

  /** Facts for `health`: enabled, derived ports, running profiles with their pids. */
  health(): Record<string, unknown> {
    return {
      enabled: this.#settings.enabled,
      controlPort: this.#settings.controlPort,
      cdpPortRange: `${this.#settings.cdpRange.start}-${this.#settings.cdpRange.end}`,
      running: Object.fromEntries(
        [...this.#runtimes].map(([name, rt]) => [name, {
          pid: rt.chrome?.pid ?? null,
          cdpPort: rt.profile.cdpPort,
          ...(rt.chrome ? {} : { attached: rt.profile.cdpUrl }),
        }]),
      ),
    };
  }
}
