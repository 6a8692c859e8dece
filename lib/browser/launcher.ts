/**
 * Launching and stopping a managed Chromium: stock's flags (reference discovery.md §4.3), a
 * user-data-dir per profile under the state dir, readiness through `/json/version` and then the
 * CDP WebSocket, each within its window, and the chapter's error when it does not come up:
 * `Failed to start Chrome CDP on port <port> for profile "<name>".` followed by what was seen
 * (the CDP diagnostic, hints, the end of Chrome's stderr).
 *
 * The process never outlives its owner: it runs in its own process group (so Chrome's zygote,
 * GPU and renderer helpers go with it), `stop()` sends SIGTERM to the group and SIGKILL after
 * the grace period, a last-resort `unload` hook kills every group still alive when the process
 * exits, and a launch first reaps an orphan a crashed gateway left on the same profile
 * directory (found through Chrome's `SingletonLock`, checked against `/proc/<pid>/cmdline`).
 * Chrome gets a small fixed environment, never the gateway's (which holds API keys and tokens).
 * Its stderr is drained for its whole life into a 16 KiB tail.
 *
 * @module
 */
import { type Clock, systemClock } from "../clock.ts";
import { ensureDir } from "../fs/atomic.ts";
import { errorMessage, OpenClawError } from "../errors.ts";
import type { Env } from "../paths.ts";
import { CdpConnection } from "./cdp_client.ts";
import { type ChromeVersion, isLoopbackPortFree, probeChromeVersion } from "./cdp_http.ts";
import type { BrowserExecutable } from "./executable.ts";

/** Bytes of Chrome's stderr kept (the end of it). */
const STDERR_TAIL = 16 * 1024;
/** Stderr shown in a launch error. */
const STDERR_HINT_CHARS = 2_000;
/** Variables Chrome may see from the gateway's environment. */
const CHILD_ENV_KEYS = [
  "PATH",
  "HOME",
  "LANG",
  "LC_ALL",
  "LC_CTYPE",
  "TZ",
  "TMPDIR",
  "DISPLAY",
  "WAYLAND_DISPLAY",
  "XAUTHORITY",
  "XDG_RUNTIME_DIR",
  "XDG_CONFIG_HOME",
  "XDG_CACHE_HOME",
  "DBUS_SESSION_BUS_ADDRESS",
  "FONTCONFIG_PATH",
  "SYSTEMROOT",
  "LOCALAPPDATA",
  "PROGRAMFILES",
] as const;
const PROXY_FLAGS = new Set([
  "--no-proxy-server",
  "--proxy-server",
  "--proxy-pac-url",
  "--proxy-auto-detect",
]);

/** What {@linkcode buildLaunchArgs} takes. */
export interface LaunchArgsInput {
  cdpPort: number;
  userDataDir: string;
  headless: boolean;
  noSandbox: boolean;
  extraArgs: readonly string[];
  /** @default Deno.build.os */
  os?: string;
}

/**
 * Chromium's command line, in stock's order: the CDP port and profile directory, the quiet
 * defaults, headless (`--headless=new --disable-gpu`), `--no-sandbox`, `--disable-dev-shm-usage`
 * on Linux, `--no-proxy-server` unless `extraArgs` choose a proxy, then `extraArgs`.
 */
export function buildLaunchArgs(input: LaunchArgsInput): string[] {
  const os = input.os ?? Deno.build.os;
  const args = [
    `--remote-debugging-port=${input.cdpPort}`,
    `--user-data-dir=${input.userDataDir}`,
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-features=Translate,MediaRouter",
    "--disable-session-crashed-bubble",
    "--hide-crash-restore-bubble",
    "--password-store=basic",
  ];
  if (os === "darwin") args.push("--use-mock-keychain");
  if (input.headless) args.push("--headless=new", "--disable-gpu");
  if (input.noSandbox) args.push("--no-sandbox");
  if (os === "linux") args.push("--disable-dev-shm-usage");
  const setsProxy = input.extraArgs.some((a) =>
    PROXY_FLAGS.has(a.trim().split("=", 1)[0].toLowerCase())
  );
  if (!setsProxy) args.push("--no-proxy-server");
  args.push(...input.extraArgs);
  return args;
}

/** The environment Chrome runs with: a few display/locale variables, nothing secret. */
export function chromeEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of CHILD_ENV_KEYS) {
    const v = env[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** `<stateDir>/browser/<profile>/user-data`. */
export function profileUserDataDir(stateDir: string, profile: string): string {
  return `${stateDir}/browser/${profile}/user-data`;
}

// ---- process groups -------------------------------------------------------------------------

const liveGroups = new Set<number>();
let unloadHookInstalled = false;

function signalGroup(pid: number, signal: Deno.Signal): void {
  try {
    // Negative pid: the whole process group (the child leads its own, see `detached`).
    Deno.kill(Deno.build.os === "windows" ? pid : -pid, signal);
  } catch { /* already gone */ }
}

function groupAlive(pid: number): boolean {
  if (Deno.build.os === "windows") return false;
  try {
    // Signal 0 probes without signalling; Deno's type omits it.
    Deno.kill(-pid, 0 as unknown as Deno.Signal);
    return true;
  } catch {
    return false;
  }
}

function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (unloadHookInstalled) return;
  unloadHookInstalled = true;
  // The last resort when the owner never got to stop(): whatever exits the process (a crash in
  // a subsystem, Deno.exit) still takes the browsers with it.
  globalThis.addEventListener("unload", () => {
    for (const group of liveGroups) signalGroup(group, "SIGKILL");
  });
}

/** Pids of the process groups this process launched that are still tracked (tests). */
export function liveBrowserGroups(): number[] {
  return [...liveGroups];
}

// ---- orphans --------------------------------------------------------------------------------

/**
 * Kills a Chromium a previous gateway left running on `userDataDir` (its `SingletonLock` names a
 * live pid whose command line has our `--user-data-dir`), and removes stale `Singleton*` files
 * of a dead one. Linux only (it reads `/proc`); elsewhere it does nothing.
 *
 * @returns The pid that was killed, if any.
 */
export async function reapOrphanBrowser(
  userDataDir: string,
  clock: Clock = systemClock,
): Promise<number | undefined> {
  if (Deno.build.os !== "linux") return undefined;
  let target: string;
  try {
    target = await Deno.readLink(`${userDataDir}/SingletonLock`);
  } catch {
    return undefined;
  }
  const m = /^(.+)-(\d+)$/.exec(target);
  if (!m) return undefined;
  const pid = Number(m[2]);
  let cmdline = "";
  try {
    if (m[1] === Deno.hostname()) cmdline = await Deno.readTextFile(`/proc/${pid}/cmdline`);
  } catch { /* not running */ }
  if (!cmdline) {
    for (const f of ["SingletonLock", "SingletonSocket", "SingletonCookie"]) {
      await Deno.remove(`${userDataDir}/${f}`).catch(() => {});
    }
    return undefined;
  }
  if (!cmdline.split("\0").includes(`--user-data-dir=${userDataDir}`)) return undefined;
  signalGroup(pid, "SIGTERM");
  const deadline = clock.now() + 2_500;
  while (groupAlive(pid) && clock.now() < deadline) await sleep(clock, 50);
  if (groupAlive(pid)) signalGroup(pid, "SIGKILL");
  return pid;
}

// ---- launch ---------------------------------------------------------------------------------

/** What {@linkcode launchChromium} takes. */
export interface LaunchOptions {
  profile: string;
  executable: BrowserExecutable;
  cdpPort: number;
  userDataDir: string;
  headless: boolean;
  noSandbox: boolean;
  extraArgs: readonly string[];
  /** Spawn -> `/json/version` answers. */
  launchTimeoutMs: number;
  /** `/json/version` -> WebSocket open. */
  cdpReadyTimeoutMs: number;
  /** The gateway's environment (only display/locale variables are passed on). */
  env: Env;
  clock?: Clock;
}

/** A running managed Chromium. */
export interface RunningChromium {
  pid: number;
  executable: BrowserExecutable;
  cdpPort: number;
  userDataDir: string;
  version: ChromeVersion;
  /** The browser-level CDP connection. */
  cdp: CdpConnection;
  startedAt: number;
  /** Resolves when the process exits (by itself or by stop). */
  exited: Promise<Deno.CommandStatus>;
  /** The end of Chrome's stderr. */
  stderrTail(): string;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the group is gone. */
  stop(graceMs?: number): Promise<void>;
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((r) => clock.setTimeout(r, ms));
}

/** The chapter's launch failure, with what was observed. */
export function launchFailure(
  profile: string,
  cdpPort: number,
  detail: { diagnostic: string; noSandbox: boolean; os: string; stderr: string },
): OpenClawError {
  const hints: string[] = [];
  if (detail.os === "linux" && !detail.noSandbox) {
    hints.push("If running in a container or as root, try setting browser.noSandbox: true.");
  }
  if (/missing x server|\$DISPLAY/i.test(detail.stderr)) {
    hints.push(
      "No DISPLAY/X server was detected. Set OPENCLAW_BROWSER_HEADLESS=1 or browser.headless: true, or start Xvfb.",
    );
  }
  if (/profile appears to be in use by another/i.test(detail.stderr)) {
    hints.push(`The Chromium profile "${profile}" is locked by another browser process.`);
  }
  const stderr = detail.stderr.trim();
  const message =
    `Failed to start Chrome CDP on port ${cdpPort} for profile "${profile}". ${detail.diagnostic}${
      hints.map((h) => `\nHint: ${h}`).join("")
    }${stderr ? `\nChrome stderr:\n${stderr.slice(-STDERR_HINT_CHARS)}` : ""}`;
  return new OpenClawError("BROWSER_START_FAILED", message, {
    hint: "openclaw browser status; openclaw doctor",
  });
}

/**
 * Starts Chromium for one profile and waits until its CDP endpoint answers.
 *
 * @throws {OpenClawError} `BROWSER_START_FAILED` (`Failed to start Chrome CDP on port ...`) when
 *   the port is taken, the process dies, or CDP does not come up in time; the process is
 *   killed first.
 */
export async function launchChromium(options: LaunchOptions): Promise<RunningChromium> {
  const clock = options.clock ?? systemClock;
  const os = Deno.build.os;
  const fail = (diagnostic: string, stderr = "") =>
    launchFailure(options.profile, options.cdpPort, {
      diagnostic,
      noSandbox: options.noSandbox,
      os,
      stderr,
    });
  ensureDir(options.userDataDir, 0o700);
  await reapOrphanBrowser(options.userDataDir, clock);
  if (!isLoopbackPortFree(options.cdpPort)) {
    throw fail(
      `Port ${options.cdpPort} is already in use by another process (set browser.profiles.${options.profile}.cdpPort to a free port).`,
    );
  }
  // A blank first tab instead of the new-tab page (which fetches things in the background).
  const args = [...buildLaunchArgs({ ...options, os }), "about:blank"];
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(options.executable.path, {
      args,
      env: chromeEnv(options.env),
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      // Its own process group: stop() and the unload hook signal the whole tree.
      detached: true,
    }).spawn();
  } catch (err) {
    throw fail(`Cannot run ${options.executable.path}: ${errorMessage(err)}.`);
  }
  const pid = child.pid;
  trackGroup(pid);
  let tail = "";
  const decoder = new TextDecoder();
  const pump = (async () => {
    try {
      for await (const chunk of child.stderr) {
        tail = (tail + decoder.decode(chunk, { stream: true })).slice(-STDERR_TAIL);
      }
    } catch { /* closed */ }
  })();
  let exitStatus: Deno.CommandStatus | undefined;
  const exited = child.status.then(async (s) => {
    exitStatus = s;
    await pump;
    return s;
  });

  const stop = async (graceMs = 2_500) => {
    if (exitStatus === undefined) {
      signalGroup(pid, "SIGTERM");
      const timer = sleep(clock, graceMs).then(() => "timeout" as const);
      if (await Promise.race([exited.then(() => "exited" as const), timer]) === "timeout") {
        signalGroup(pid, "SIGKILL");
      }
      await exited;
    }
    // Helpers still exiting after the browser process: give them a moment, then kill them.
    const deadline = clock.now() + 1_000;
    while (groupAlive(pid) && clock.now() < deadline) await sleep(clock, 25);
    if (groupAlive(pid)) signalGroup(pid, "SIGKILL");
    liveGroups.delete(pid);
  };

  try {
    const startedAt = clock.now();
    const cdpUrl = `http://127.0.0.1:${options.cdpPort}`;
    let version: ChromeVersion | undefined;
    let lastError = "no answer yet";
    while (clock.now() - startedAt < options.launchTimeoutMs) {
      if (exitStatus !== undefined) break;
      const probe = await probeChromeVersion(cdpUrl, 500, clock);
      if (probe.ok) {
        version = probe.version;
        break;
      }
      lastError = probe.error;
      await sleep(clock, 100);
    }
    if (!version) {
      const why = exitStatus !== undefined
        ? `Chrome exited with code ${exitStatus.code}${
          exitStatus.signal ? ` (${exitStatus.signal})` : ""
        } before CDP answered.`
        : `CDP diagnostic: http_unreachable after ${
          clock.now() - startedAt
        }ms; cdp=${cdpUrl}; ${lastError}.`;
      await stop(0);
      throw fail(why, tail);
    }
    if (!version.webSocketDebuggerUrl) {
      await stop(0);
      throw fail("CDP diagnostic: /json/version did not include webSocketDebuggerUrl.", tail);
    }
    let cdp: CdpConnection;
    try {
      cdp = await CdpConnection.connect(version.webSocketDebuggerUrl, {
        clock,
        connectTimeoutMs: options.cdpReadyTimeoutMs,
      });
    } catch (err) {
      await stop(0);
      throw fail(`CDP diagnostic: websocket_handshake_failed; ${errorMessage(err)}.`, tail);
    }
    return {
      pid,
      executable: options.executable,
      cdpPort: options.cdpPort,
      userDataDir: options.userDataDir,
      version,
      cdp,
      startedAt,
      exited,
      stderrTail: () => tail,
      stop: async (graceMs) => {
        cdp.close();
        await stop(graceMs);
      },
    };
  } catch (err) {
    if (exitStatus === undefined) await stop(0);
    throw err;
  }
}
