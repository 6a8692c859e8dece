/**
 * The managed browser: `browser.*` resolution and derived ports, the Chromium launcher, a thin
 * CDP client, the control service (profiles, tabs, lifecycle) and the tab actions the
 * `browser` tool uses.
 *
 * @module
 */
export {
  actOnTab,
  type ActRequest,
  navigateTab,
  openUrl,
  screenshotTab,
  snapshotTab,
  type TabResult,
} from "./actions.ts";
export { CdpConnection, type CdpConnectionOptions, CdpError } from "./cdp_client.ts";
export {
  type BrowserSettings,
  DEFAULT_PROFILE_NAME,
  profileCdpPorts,
  resolveBrowserProfile,
  resolveBrowserSettings,
  type ResolvedProfile,
} from "./config.ts";
export { resolveBrowserExecutable } from "./executable.ts";
export { browserServiceFor, registerBrowserService } from "./host.ts";
export { buildLaunchArgs, launchChromium, profileUserDataDir } from "./launcher.ts";
export { assertNavigationAllowed, isSpecialUseAddress } from "./navigation_guard.ts";
export {
  cdpPortRangeForGateway,
  deriveBrowserControlPort,
  deriveCdpPortRange,
  findCdpPortCollisions,
} from "./ports.ts";
export {
  type BrowserLog,
  BrowserService,
  type BrowserStatus,
  type BrowserTab,
  type ProfileStatus,
} from "./service.ts";
