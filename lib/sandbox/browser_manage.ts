/**
 * Managing sandbox browser containers (label `openclaw.sandboxBrowser=1`) the way
 * lib/sandbox/manage.ts manages exec sandboxes: list them with status, age, idle time and
 * config match, and remove them so they are recreated on next use -- what
 * `openclaw sandbox list --browser` and `openclaw sandbox recreate --browser` show and do.
 *
 * @module
 */
import { BROWSER_LABELS, planSandboxBrowser } from "./browser_plan.ts";
import { readSandboxBrowserRegistry, removeSandboxBrowserEntries } from "./browser_registry.ts";
import type { SandboxConfigSource } from "./config.ts";
import {
  listManagedContainers,
  type ManagedKind,
  type ManageSandboxOptions,
  recreateManagedContainers,
  type RecreateSelector,
  type SandboxListEntry,
} from "./manage.ts";

const BROWSER_KIND: ManagedKind = {
  label: BROWSER_LABELS.browser,
  readRegistry: readSandboxBrowserRegistry,
  removeEntries: removeSandboxBrowserEntries,
  plan: planSandboxBrowser,
  recreateHint: "e.g. openclaw sandbox recreate --all --browser",
};

/**
 * Returns the sandbox browser containers of `stateDir` with status, age, idle time and (given
 * `config`) whether each still matches the config.
 *
 * @throws {OpenClawError} `SANDBOX_DOCKER_UNAVAILABLE`, `SANDBOX_DOCKER_FAILED`.
 */
export function listSandboxBrowsers(
  options: ManageSandboxOptions & { config?: SandboxConfigSource },
): Promise<SandboxListEntry[]> {
  return listManagedContainers(BROWSER_KIND, options);
}

/**
 * Removes the selected sandbox browser containers (`docker rm -f`); they are recreated on next
 * use.
 *
 * @throws {OpenClawError} `SANDBOX_RECREATE_INVALID` unless exactly one selector is given, plus
 *   the docker errors.
 */
export function recreateSandboxBrowsers(
  selector: RecreateSelector,
  options: ManageSandboxOptions,
): Promise<{ removed: string[] }> {
  return recreateManagedContainers(BROWSER_KIND, selector, options);
}
