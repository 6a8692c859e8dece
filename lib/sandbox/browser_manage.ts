/**
 * Managing sandbox browser containers (label `openclaw.sandboxBrowser=1`) the way
 * lib/sandbox/manage.ts manages exec sandboxes: list them with status, age, idle time and
 * config match, and remove them so they are recreated on next use — what
 * `openclaw sandbox list --browser` and `openclaw sandbox recreate --browser` show and do.
 *
 * @module
 */
import { ExitCode, OpenClawError } from "../errors.ts";
import { BROWSER_LABELS, planSandboxBrowser } from "./browser_plan.ts";
import { readSandboxBrowserRegistry, removeSandboxBrowserEntries } from "./browser_registry.ts";
import type { SandboxConfigSource } from "./config.ts";
import { docker } from "./docker_cli.ts";
import {
  containerConfigHash,
  containerCreatedAtMs,
  type ContainerInfo,
  parseInspect,
} from "./ensure.ts";
import {
  type ManageSandboxOptions,
  matchesSelector,
  type RecreateSelector,
  type SandboxListEntry,
} from "./manage.ts";
import { LABELS } from "./plan.ts";

async function listBrowserContainers(options: ManageSandboxOptions): Promise<ContainerInfo[]> {
  const opts = { ...options.docker, signal: options.signal };
  const ps = await docker([
    "ps",
    "-a",
    "--filter",
    `label=${BROWSER_LABELS.browser}=1`,
    "--filter",
    `label=${LABELS.stateDir}=${options.stateDir}`,
    "--format",
    "{{.ID}}",
  ], opts);
  const ids = ps.split("\n").map((l) => l.trim()).filter(Boolean);
  if (!ids.length) return [];
  return parseInspect(await docker(["container", "inspect", ...ids], opts));
}

function agentOf(info: ContainerInfo): string | undefined {
  if (info.labels[LABELS.agent]) return info.labels[LABELS.agent];
  return /^agent:([^:]+)/.exec(info.labels[LABELS.stockSessionKey] ?? "")?.[1];
}

function expectedHash(config: SandboxConfigSource, stateDir: string, info: ContainerInfo) {
  const scopeKey = info.labels[LABELS.stockSessionKey];
  try {
    const plan = planSandboxBrowser(config, {
      agentId: agentOf(info) ?? "main",
      sessionKey: info.labels[LABELS.session] ?? scopeKey ?? "",
      stateDir,
    });
    return plan.containerName === info.name ? plan.configHash : undefined;
  } catch {
    return undefined; // a config that fails validation matches no container
  }
}

/**
 * Returns the sandbox browser containers of `stateDir` with status, age, idle time and (given
 * `config`) whether each still matches the config.
 *
 * @throws {OpenClawError} `SANDBOX_DOCKER_UNAVAILABLE`, `SANDBOX_DOCKER_FAILED`.
 */
export async function listSandboxBrowsers(
  options: ManageSandboxOptions & { config?: SandboxConfigSource },
): Promise<SandboxListEntry[]> {
  const containers = await listBrowserContainers(options);
  const registry = await readSandboxBrowserRegistry(options.stateDir);
  const now = options.now?.() ?? Date.now();
  return containers.map((info) => {
    const lastUsedAtMs = registry.find((e) => e.containerName === info.name)?.lastUsedAtMs;
    const createdAtMs = containerCreatedAtMs(info);
    const hash = containerConfigHash(info);
    return {
      containerName: info.name,
      containerId: info.id,
      image: info.image,
      status: info.status,
      running: info.running,
      scope: info.labels[LABELS.scope],
      scopeKey: info.labels[LABELS.stockSessionKey],
      agentId: agentOf(info),
      sessionKey: info.labels[LABELS.session],
      configHash: hash,
      configMatch: options.config
        ? hash !== undefined && hash === expectedHash(options.config, options.stateDir, info)
        : undefined,
      createdAtMs,
      ageMs: Math.max(0, now - createdAtMs),
      lastUsedAtMs,
      idleMs: lastUsedAtMs !== undefined ? Math.max(0, now - lastUsedAtMs) : undefined,
    };
  });
}

/**
 * Removes the selected sandbox browser containers (`docker rm -f`); they are recreated on next
 * use.
 *
 * @throws {OpenClawError} `SANDBOX_RECREATE_INVALID` unless exactly one selector is given, plus
 *   the docker errors.
 */
export async function recreateSandboxBrowsers(
  selector: RecreateSelector,
  options: ManageSandboxOptions,
): Promise<{ removed: string[] }> {
  const given =
    [selector.all === true, selector.session !== undefined, selector.agent !== undefined]
      .filter(Boolean).length;
  if (given !== 1) {
    throw new OpenClawError(
      "SANDBOX_RECREATE_INVALID",
      "Cannot choose sandboxes to recreate: pass exactly one of --all, --session or --agent",
      { exitCode: ExitCode.usage, hint: "e.g. openclaw sandbox recreate --all --browser" },
    );
  }
  const names = (await listBrowserContainers(options))
    .filter((c) => matchesSelector(c, selector)).map((c) => c.name);
  if (!names.length) return { removed: [] };
  await docker(["rm", "-f", ...names], { ...options.docker, signal: options.signal });
  await removeSandboxBrowserEntries(options.stateDir, names);
  return { removed: names };
}
