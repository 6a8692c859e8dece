/**
 * Which browser binary a managed profile runs: the configured `executablePath` (which must
 * exist: `browser.executablePath not found: <path>`, the chapter's error), else the first
 * Chromium-family browser installed in stock's order -- Chrome, Brave, Edge, Chromium, Chrome
 * Canary -- at the usual places for the platform.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";

/** The browser family of a binary (`custom` for a configured path). */
export type BrowserKind = "chrome" | "brave" | "edge" | "chromium" | "canary" | "custom";

/** A browser binary. */
export interface BrowserExecutable {
  kind: BrowserKind;
  path: string;
}

const LINUX: readonly BrowserExecutable[] = [
  { kind: "chrome", path: "/usr/bin/google-chrome" },
  { kind: "chrome", path: "/usr/bin/google-chrome-stable" },
  { kind: "chrome", path: "/opt/google/chrome/chrome" },
  { kind: "brave", path: "/usr/bin/brave-browser" },
  { kind: "brave", path: "/opt/brave.com/brave/brave" },
  { kind: "edge", path: "/usr/bin/microsoft-edge" },
  { kind: "edge", path: "/usr/bin/microsoft-edge-stable" },
  { kind: "chromium", path: "/usr/bin/chromium" },
  { kind: "chromium", path: "/usr/bin/chromium-browser" },
  { kind: "chromium", path: "/snap/bin/chromium" },
  { kind: "chromium", path: "/usr/lib/chromium/chromium" },
  { kind: "chromium", path: "/usr/lib/chromium-browser/chromium-browser" },
];

const MAC: readonly BrowserExecutable[] = [
  { kind: "chrome", path: "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" },
  { kind: "brave", path: "/Applications/Brave Browser.app/Contents/MacOS/Brave Browser" },
  { kind: "edge", path: "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge" },
  { kind: "chromium", path: "/Applications/Chromium.app/Contents/MacOS/Chromium" },
  {
    kind: "canary",
    path: "/Applications/Google Chrome Canary.app/Contents/MacOS/Google Chrome Canary",
  },
];

const WINDOWS: readonly BrowserExecutable[] = [
  { kind: "chrome", path: "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" },
  { kind: "chrome", path: "C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe" },
  {
    kind: "brave",
    path: "C:\\Program Files\\BraveSoftware\\Brave-Browser\\Application\\brave.exe",
  },
  { kind: "edge", path: "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" },
  { kind: "edge", path: "C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe" },
];

/** The places looked at on `os`, in order. */
export function browserCandidates(os: string): readonly BrowserExecutable[] {
  if (os === "darwin") return MAC;
  if (os === "windows") return WINDOWS;
  return LINUX;
}

function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    // Windows has no mode bits; a file there is runnable by extension.
    return info.isFile && (info.mode === null || (info.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}

/** Options of {@linkcode resolveBrowserExecutable}. */
export interface ResolveExecutableOptions {
  /** @default Deno.build.os */
  os?: string;
  /** Tells whether a path is a runnable file. @default a stat check */
  isExecutable?: (path: string) => boolean;
}

/**
 * The binary to launch: `configured` when given, else the first installed candidate.
 *
 * @param configured `browser.executablePath` (or the profile's own), `~` already expanded.
 * @returns The binary, or undefined when nothing is installed.
 * @throws {OpenClawError} `BROWSER_EXECUTABLE_NOT_FOUND` when `configured` is not a runnable
 *   file: `browser.executablePath not found: <path>`.
 */
export function resolveBrowserExecutable(
  configured: string | undefined,
  options: ResolveExecutableOptions = {},
): BrowserExecutable | undefined {
  const check = options.isExecutable ?? isExecutableFile;
  if (configured) {
    if (!check(configured)) {
      throw new OpenClawError(
        "BROWSER_EXECUTABLE_NOT_FOUND",
        `browser.executablePath not found: ${configured}`,
        {
          hint:
            "Point browser.executablePath at a Chromium/Chrome binary, or remove it to auto-detect",
        },
      );
    }
    return { kind: "custom", path: configured };
  }
  return browserCandidates(options.os ?? Deno.build.os).find((c) => check(c.path));
}

/** The error when no browser is installed and none is configured. */
export function noBrowserError(): OpenClawError {
  return new OpenClawError(
    "BROWSER_EXECUTABLE_NOT_FOUND",
    "No supported browser found (Chrome/Brave/Edge/Chromium on macOS, Linux, or Windows).",
    { hint: "Install Chromium (Debian: apt-get install chromium) or set browser.executablePath" },
  );
}
