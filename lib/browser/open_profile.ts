/**
 * Bringing one profile's browser up: launching a managed Chromium (its executable, headless
 * mode and the launcher) or attaching to a CDP endpoint someone else runs (`attachOnly`, a
 * remote `cdpUrl`). Drivers this gateway does not implement are refused with the reason.
 *
 * @module
 */
import type { Clock } from "../clock.ts";
import { errorMessage, OpenClawError } from "../errors.ts";
import type { Env } from "../paths.ts";
import { CdpConnection } from "./cdp_client.ts";
import { probeChromeVersion } from "./cdp_http.ts";
import { type BrowserSettings, type ResolvedProfile, resolveHeadlessMode } from "./config.ts";
import { noBrowserError, resolveBrowserExecutable } from "./executable.ts";
import { launchChromium, profileUserDataDir } from "./launcher.ts";
import { ProfileRuntime } from "./profile_runtime.ts";

/** What opening a profile needs. */
export interface OpenProfileInput {
  profile: ResolvedProfile;
  settings: BrowserSettings;
  stateDir: string;
  env: Env;
  clock: Clock;
  /** `start --headless`: headless for this launch. */
  headlessOverride?: boolean;
  /** Identifies the launch settings (a reload that changes them stops the browser). */
  launchKey: string;
}

/**
 * Launches or attaches the profile's browser.
 *
 * @throws {OpenClawError} `BROWSER_DRIVER_UNSUPPORTED`, `BROWSER_EXECUTABLE_NOT_FOUND`,
 *   `BROWSER_START_FAILED`, `BROWSER_ATTACH_FAILED`.
 */
export async function openProfile(input: OpenProfileInput): Promise<ProfileRuntime> {
  const p = input.profile;
  if (p.driver === "existing-session" || p.driver === "extension") {
    throw new OpenClawError(
      "BROWSER_DRIVER_UNSUPPORTED",
      `Profile "${p.name}" uses the ${p.driver} driver, which this gateway does not support`,
      { hint: 'Use a managed profile (driver "openclaw" with a cdpPort)' },
    );
  }
  return p.attachOnly ? await attach(input) : await launch(input);
}

async function launch(input: OpenProfileInput): Promise<ProfileRuntime> {
  const { profile: p, settings, env } = input;
  const executable = resolveBrowserExecutable(p.executablePath);
  if (!executable) throw noBrowserError();
  const mode = resolveHeadlessMode(p, {
    env,
    platform: Deno.build.os,
    override: input.headlessOverride,
  });
  if (!mode.headless && Deno.build.os === "linux" && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    throw new OpenClawError(
      "BROWSER_START_FAILED",
      `Headed browser start requested for profile "${p.name}" via ${mode.source}, but no Linux display server was detected ($DISPLAY/$WAYLAND_DISPLAY unset). Set OPENCLAW_BROWSER_HEADLESS=1, remove the headed override, or launch under Xvfb.`,
    );
  }
  const t = settings.timeouts;
  const chrome = await launchChromium({
    profile: p.name,
    executable,
    cdpPort: p.cdpPort,
    userDataDir: profileUserDataDir(input.stateDir, p.name),
    headless: mode.headless,
    noSandbox: settings.noSandbox,
    extraArgs: settings.extraArgs,
    launchTimeoutMs: t.launchMs,
    cdpReadyTimeoutMs: t.cdpReadyMs,
    env,
    clock: input.clock,
  });
  return new ProfileRuntime({
    profile: p,
    chrome,
    cdp: chrome.cdp,
    headless: mode.headless,
    headlessSource: mode.source,
    launchKey: input.launchKey,
    actionMs: t.actionMs,
    maxTabs: settings.maxTabs,
  });
}

async function attach(input: OpenProfileInput): Promise<ProfileRuntime> {
  const { profile: p, settings, clock } = input;
  const t = settings.timeouts;
  const unreachable = (why: string) =>
    new OpenClawError(
      "BROWSER_ATTACH_FAILED",
      p.cdpIsLoopback
        ? `Browser attachOnly is enabled and profile "${p.name}" is not running: CDP at ${p.cdpUrl} is not reachable (${why})`
        : `Remote CDP for profile "${p.name}" is not reachable (${why})`,
      { hint: "Start that browser with --remote-debugging-port, or unset attachOnly" },
    );
  if (!p.cdpUrl) throw unreachable("no cdpPort or cdpUrl");
  let wsUrl: string | undefined;
  if (/^wss?:/i.test(p.cdpUrl) && /\/devtools\/browser\//.test(p.cdpUrl)) {
    wsUrl = p.cdpUrl;
  } else {
    const probe = await probeChromeVersion(p.cdpUrl, Math.max(t.remoteMs, 500), clock);
    if (!probe.ok) throw unreachable(probe.error);
    wsUrl = probe.version.webSocketDebuggerUrl;
    if (!wsUrl) throw unreachable("/json/version has no webSocketDebuggerUrl");
  }
  let cdp: CdpConnection;
  try {
    cdp = await CdpConnection.connect(wsUrl, {
      clock,
      connectTimeoutMs: Math.max(t.remoteMs * 2, 2_000),
    });
  } catch (err) {
    throw unreachable(errorMessage(err));
  }
  const mode = resolveHeadlessMode(p, { env: input.env, platform: Deno.build.os });
  return new ProfileRuntime({
    profile: p,
    cdp,
    headless: mode.headless,
    headlessSource: mode.source,
    launchKey: input.launchKey,
    actionMs: t.actionMs,
    maxTabs: settings.maxTabs,
  });
}
