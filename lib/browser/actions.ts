/**
 * What the `browser` tool (and the gateway's tab routes) do with a tab: open or navigate it
 * (behind the navigation policy, checked again on the URL the page ended on), snapshot it,
 * click/type/press on a snapshot ref, capture a PNG to a file under the state dir. Each returns
 * a small JSON-ready result.
 *
 * @module
 */
import { ensureDir } from "../fs/atomic.ts";
import { OpenClawError } from "../errors.ts";
import { assertNavigationAllowed, type HostResolver, systemResolver } from "./navigation_guard.ts";
import { type PageSession, pngSize } from "./page.ts";
import type { BrowserService } from "./service.ts";

/** Largest screenshot kept, in bytes. */
export const MAX_SCREENSHOT_BYTES = 8 * 1024 * 1024;
/** Screenshots kept under `<stateDir>/browser/screenshots` (older ones are removed). */
const KEEP_SCREENSHOTS = 50;
/** Largest snapshot returned, in characters. */
export const MAX_SNAPSHOT_CHARS = 80_000;

/** Where a tab is after `open`/`navigate`. */
export interface TabResult {
  profile: string;
  targetId: string;
  url: string;
  title: string;
  loaded: boolean;
}

async function go(
  service: BrowserService,
  page: PageSession,
  profile: string,
  url: string,
  resolve: HostResolver,
): Promise<TabResult> {
  service.clearRefs(profile, page.targetId);
  const timeout = service.settings.timeouts.actionMs;
  const result = await page.navigate(url, timeout);
  // A redirect may have left the allowed space: check where the page ended up.
  if (/^https?:/i.test(result.url) && result.url !== url) {
    try {
      await assertNavigationAllowed(result.url, service.settings.navigation, resolve);
    } catch (err) {
      await page.navigate("about:blank", timeout).catch(() => {});
      throw err;
    }
  }
  return { profile, targetId: page.targetId, ...result };
}

/** Opens `url` in a new tab (starting the browser when needed). */
export async function openUrl(
  service: BrowserService,
  options: { url: string; profile?: string },
  resolve: HostResolver = systemResolver,
): Promise<TabResult> {
  await assertNavigationAllowed(options.url, service.settings.navigation, resolve);
  const { page, profile } = await service.openTab(options.profile);
  try {
    return await go(service, page, profile, options.url.trim(), resolve);
  } catch (err) {
    // A tab that never got its page is of no use to anyone.
    await service.closeTab(page.targetId, profile).catch(() => {});
    throw err;
  }
}

/** Navigates a tab (the active one by default) to `url`. */
export async function navigateTab(
  service: BrowserService,
  options: { url: string; targetId?: string; profile?: string },
  resolve: HostResolver = systemResolver,
): Promise<TabResult> {
  await assertNavigationAllowed(options.url, service.settings.navigation, resolve);
  const { page, profile } = await service.page(options.targetId, options.profile);
  return await go(service, page, profile, options.url.trim(), resolve);
}

/** A tab's accessibility snapshot with refs for `act`. */
export async function snapshotTab(
  service: BrowserService,
  options: { targetId?: string; profile?: string; maxChars?: number; interactive?: boolean },
): Promise<{
  profile: string;
  targetId: string;
  url: string;
  title: string;
  snapshot: string;
  refs: number;
  interactive: number;
  truncated: boolean;
}> {
  const { page, profile } = await service.page(options.targetId, options.profile);
  const timeout = service.settings.timeouts.captureMs;
  const snap = await page.snapshot({
    maxChars: Math.min(Math.max(options.maxChars ?? 20_000, 1_000), MAX_SNAPSHOT_CHARS),
    interactiveOnly: options.interactive === true,
  }, timeout);
  service.setRefs(profile, page.targetId, snap.refs);
  const info = await page.info(timeout);
  return {
    profile,
    targetId: page.targetId,
    ...info,
    snapshot: snap.text,
    refs: snap.refs.size,
    interactive: snap.interactive,
    truncated: snap.truncated,
  };
}

/** An `act` request (stock's `request` object, the kinds this gateway implements). */
export interface ActRequest {
  kind: "click" | "type" | "press";
  ref?: string;
  text?: string;
  submit?: boolean;
  key?: string;
  doubleClick?: boolean;
  targetId?: string;
}

/**
 * Clicks, types into, or presses a key on a tab.
 *
 * @throws {OpenClawError} `BROWSER_ACT_INVALID` when a field the kind needs is missing,
 *   `BROWSER_REF_UNKNOWN` for a ref of no snapshot.
 */
export async function actOnTab(
  service: BrowserService,
  request: ActRequest,
  profileName?: string,
): Promise<
  { ok: true; profile: string; targetId: string; kind: string; url: string; title: string }
> {
  const need = (field: string) =>
    new OpenClawError("BROWSER_ACT_INVALID", `act "${request.kind}" needs request.${field}`);
  const { page, profile } = await service.page(request.targetId, profileName);
  const timeout = service.settings.timeouts.actionMs;
  const element = () => {
    if (!request.ref) throw need("ref");
    const target = service.ref(profile, page.targetId, request.ref);
    return {
      ...target,
      label: `${request.ref} (${target.role}${target.name ? ` "${target.name}"` : ""})`,
    };
  };
  if (request.kind === "click") {
    const el = element();
    await page.click(el.backendNodeId, el.label, timeout, request.doubleClick === true);
  } else if (request.kind === "type") {
    if (request.text === undefined) throw need("text");
    const el = element();
    await page.type(el.backendNodeId, request.text, request.submit === true, timeout);
  } else {
    if (!request.key) throw need("key");
    await page.press(request.key, timeout);
  }
  const info = await page.info(timeout).catch(() => ({ url: "", title: "" }));
  return { ok: true, profile, targetId: page.targetId, kind: request.kind, ...info };
}

/** Captures a tab as PNG into `<stateDir>/browser/screenshots/`. */
export async function screenshotTab(
  service: BrowserService,
  options: { targetId?: string; profile?: string; fullPage?: boolean },
): Promise<{
  profile: string;
  targetId: string;
  path: string;
  bytes: number;
  width?: number;
  height?: number;
  format: "png";
}> {
  const { page, profile } = await service.page(options.targetId, options.profile);
  const png = await page.screenshot(
    options.fullPage === true,
    MAX_SCREENSHOT_BYTES,
    service.settings.timeouts.captureMs,
  );
  const dir = `${service.stateDir}/browser/screenshots`;
  ensureDir(dir, 0o700);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const path = `${dir}/${stamp}-${page.targetId.slice(0, 8).toLowerCase()}.png`;
  await Deno.writeFile(path, png, { mode: 0o600 });
  await pruneScreenshots(dir);
  return {
    profile,
    targetId: page.targetId,
    path,
    bytes: png.byteLength,
    ...pngSize(png),
    format: "png",
  };
}

async function pruneScreenshots(dir: string): Promise<void> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".png")) names.push(e.name);
  }
  if (names.length <= KEEP_SCREENSHOTS) return;
  names.sort();
  for (const name of names.slice(0, names.length - KEEP_SCREENSHOTS)) {
    await Deno.remove(`${dir}/${name}`).catch(() => {});
  }
}
