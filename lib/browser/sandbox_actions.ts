/**
 * `open` and `navigate` for the sandbox browser. Web URLs go through the same navigation policy
 * as the host browser (`browser.ssrfPolicy`, lib/browser/actions.ts). In addition the sandbox
 * browser may open `file:` URLs under the container's workspace mounts (`/workspace`, and
 * `/agent` with `workspaceAccess: "ro"`): those are the session's own files, which its exec tool
 * can read anyway, and the way an agent shows itself a page it wrote -- also where the container
 * has no network. Every other `file:` path is refused, and where a page ends up is checked again.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { navigateTab, openUrl, type TabResult } from "./actions.ts";
import { assertNavigationAllowed, type HostResolver, systemResolver } from "./navigation_guard.ts";
import type { PageSession } from "./page.ts";
import type { BrowserService } from "./service.ts";

function fileDenied(path: string, roots: readonly string[]): OpenClawError {
  return new OpenClawError(
    "BROWSER_NAVIGATION_DENIED",
    `Navigation blocked: file "${path.slice(0, 200)}" is outside the sandbox workspace (${
      roots.join(", ")
    })`,
    {
      hint: `Put the file under ${roots[0] ?? "/workspace"} and open file://${
        roots[0] ?? ""
      }/\u2026`,
    },
  );
}

/**
 * Returns the path of a `file:` URL that lies under one of `roots`, undefined for any other
 * URL, and throws for a `file:` URL elsewhere.
 *
 * @param rawUrl The URL the model gave.
 * @param roots Container paths of the workspace mounts.
 * @returns The file path, or undefined when `rawUrl` is not a `file:` URL.
 * @throws {OpenClawError} `BROWSER_NAVIGATION_DENIED` for a `file:` URL outside `roots` or
 *   with a host.
 */
export function sandboxFilePath(rawUrl: string, roots: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(rawUrl.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== "file:") return undefined;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    throw fileDenied(url.pathname, roots);
  }
  // The URL parser already folded `.` and `..`; an encoded one (%2e%2e) must not come back.
  const parts = path.split("/");
  if (url.host !== "" || parts.includes("..") || parts.includes(".") || path.includes("\0")) {
    throw fileDenied(path, roots);
  }
  const inside = roots.some((root) => {
    const r = root.replace(/\/+$/, "");
    return r !== "" && (path === r || path.startsWith(`${r}/`));
  });
  if (!inside) throw fileDenied(path, roots);
  return path;
}

/** Checks where a page ended up (a file page may redirect anywhere). */
async function checkLanding(
  page: PageSession,
  service: BrowserService,
  url: string,
  roots: readonly string[],
  resolve: HostResolver,
): Promise<void> {
  if (url === "about:blank") return;
  try {
    if (/^https?:/i.test(url)) {
      await assertNavigationAllowed(url, service.settings.navigation, resolve);
    } else if (sandboxFilePath(url, roots) === undefined) {
      throw new OpenClawError(
        "BROWSER_NAVIGATION_DENIED",
        `Navigation blocked: the page went on to "${url.slice(0, 200)}"`,
      );
    }
  } catch (err) {
    await page.navigate("about:blank", service.settings.timeouts.actionMs).catch(() => {});
    throw err;
  }
}

async function goFile(
  service: BrowserService,
  page: PageSession,
  profile: string,
  url: string,
  roots: readonly string[],
  resolve: HostResolver,
): Promise<TabResult> {
  service.clearRefs(profile, page.targetId);
  const result = await page.navigate(url, service.settings.timeouts.actionMs);
  if (result.url !== url) await checkLanding(page, service, result.url, roots, resolve);
  return { profile, targetId: page.targetId, ...result };
}

/**
 * Opens `url` in a new tab of the sandbox browser: a workspace `file:` URL, or a web URL under
 * the navigation policy.
 *
 * @throws {OpenClawError} `BROWSER_NAVIGATION_DENIED`, `BROWSER_NAVIGATION_INVALID`, and the
 *   errors of the browser service.
 */
export async function openInSandbox(
  service: BrowserService,
  options: { url: string; profile?: string; roots: readonly string[] },
  resolve: HostResolver = systemResolver,
): Promise<TabResult> {
  if (sandboxFilePath(options.url, options.roots) === undefined) {
    return await openUrl(service, options, resolve);
  }
  const { page, profile } = await service.openTab(options.profile);
  try {
    return await goFile(service, page, profile, options.url.trim(), options.roots, resolve);
  } catch (err) {
    await service.closeTab(page.targetId, profile).catch(() => {});
    throw err;
  }
}

/**
 * Navigates a tab of the sandbox browser (the active one by default) to `url`.
 *
 * @throws {OpenClawError} as {@linkcode openInSandbox}.
 */
export async function navigateInSandbox(
  service: BrowserService,
  options: { url: string; targetId?: string; profile?: string; roots: readonly string[] },
  resolve: HostResolver = systemResolver,
): Promise<TabResult> {
  if (sandboxFilePath(options.url, options.roots) === undefined) {
    return await navigateTab(service, options, resolve);
  }
  const { page, profile } = await service.page(options.targetId, options.profile);
  return await goFile(service, page, profile, options.url.trim(), options.roots, resolve);
}
