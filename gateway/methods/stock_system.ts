/**
 * Host and gateway facts stock clients show on their overview and debug panels: `system.info`
 * (host identity and resources, stock's closed SystemInfoResult), `config.schema.lookup` (one
 * config path's schema node and children), `diagnostics.stability` (stability events: here, the
 * subsystems that are not running) and `update.status` (this gateway is updated by upgrading
 * the package it came from, so there is never an update run to report).
 *
 * @module
 */
import { z } from "zod";
import { configSchemaIsolated } from "../../lib/config/schema_isolated.ts";
import { invalidRequest } from "../../lib/protocol/error_map.ts";
import { VERSION } from "../../lib/version.ts";
import type { GatewayState } from "../state.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";
import { lookupConfigSchema } from "./stock_schema_lookup.ts";

/** Node's names for the platform and CPU (what stock's clients expect). */
function nodePlatform(): string {
  return Deno.build.os === "windows" ? "win32" : Deno.build.os;
}
function nodeArch(): string {
  const arch: string = Deno.build.arch;
  return arch === "x86_64" ? "x64" : arch === "aarch64" ? "arm64" : arch;
}

/** Runs a host query that needs `--allow-sys`; a denied or unsupported one gives `fallback`. */
function sys<T>(query: () => T, fallback: T): T {
  try {
    return query();
  } catch {
    return fallback;
  }
}

/**
 * Builds `system.info` (stock's SystemInfoResult: only its fields, since the schema is closed).
 *
 * @param state The running gateway.
 * @returns Host identity, runtime, process and memory facts.
 */
export async function buildSystemInfo(state: GatewayState): Promise<Record<string, unknown>> {
  const [{ default: process }, os] = await Promise.all([
    import("node:process"),
    import("node:os"),
  ]);
  const hostname = sys(() => Deno.hostname(), "localhost");
  const release = sys(() => Deno.osRelease(), "");
  const memory = sys(() => Deno.systemMemoryInfo(), undefined);
  const load = sys(() => Deno.loadavg(), undefined);
  const cpuModel = sys(() => os.cpus()[0]?.model, undefined);
  const osName = { linux: "Linux", darwin: "macOS", windows: "Windows" }[Deno.build.os as string] ??
    Deno.build.os;
  return {
    machineName: hostname,
    hostname,
    platform: nodePlatform(),
    release,
    arch: nodeArch(),
    osLabel: release ? `${osName} ${release}` : osName,
    port: state.port,
    nodeVersion: process.version,
    pid: Deno.pid,
    uptimeMs: Math.max(0, state.clock.now() - state.startedAt),
    cpuCount: navigator.hardwareConcurrency || 1,
    ...(cpuModel ? { cpuModel } : {}),
    ...(load && load.length === 3 ? { loadAverage: load } : {}),
    memoryTotalBytes: memory?.total ?? 0,
    memoryFreeBytes: memory?.available ?? memory?.free ?? 0,
  };
}

/** The system methods stock clients call that system.ts does not define. */
export const stockSystemMethods: MethodDefinition[] = [
  defineMethod({
    name: "system.info",
    scope: "operator.read",
    params: z.looseObject({}),
    handler: ({ state }) => buildSystemInfo(state),
  }),

  defineMethod({
    name: "config.schema.lookup",
    scope: "operator.read",
    params: z.looseObject({ path: z.string().max(512) }),
    handler: async ({ params }) => {
      const found = lookupConfigSchema((await configSchemaIsolated()).schema, params.path);
      if (!found.ok) throw invalidRequest("config schema path not found");
      return found.result;
    },
  }),

  defineMethod({
    name: "diagnostics.stability",
    scope: "operator.read",
    params: z.looseObject({ limit: z.int().min(1).max(1_000).optional() }),
    handler: ({ state }) => {
      const now = state.clock.now();
      const events = Object.entries(state.subsystems())
        .filter(([, h]) => h.status !== "running")
        .map(([id, h]) => ({
          type: "subsystem.status",
          ts: now,
          subsystem: id,
          status: h.status,
          required: h.required,
          ...(h.error ? { reason: h.error } : {}),
        }));
      return { ts: now, uptimeMs: now - state.startedAt, count: events.length, events };
    },
  }),

  defineMethod({
    name: "update.status",
    scope: "operator.admin",
    params: z.looseObject({ refreshCheckout: z.boolean().optional() }),
    // Updates come from the package manager that installed this binary: no checkout to
    // refresh, no run in flight, nothing known about newer releases.
    handler: () => ({
      sentinel: null,
      updateAvailable: null,
      currentVersion: VERSION,
      installKind: "package",
    }),
  }),
];
