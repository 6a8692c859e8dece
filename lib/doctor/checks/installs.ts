/**
 * `gateway.installs` (`--deep`): other gateways on this machine: state directories of other
 * profiles (or older names) with a live gateway, and service units of other or older installs.
 *
 * @module
 */
import { isPidAlive, readGatewayRuntime } from "../../instance/runtime_file.ts";
import { joinPath, resolveProfile, shortenHome } from "../../paths.ts";
import type { DoctorCheck, DoctorContext, DoctorFinding } from "../types.ts";

const STATE_DIR_NAME = /^\.(openclaw(-[A-Za-z0-9_-]+)?|clawdbot|moltbot|moldbot)$/;
const UNIT_NAME = /(openclaw|clawdbot|moltbot|moldbot).*\.(service|plist)$/i;
const LEGACY_NAME = /clawdbot|moltbot|moldbot/i;

function entries(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  } catch {
    return [];
  }
}

function otherStateDirs(ctx: DoctorContext): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  for (const name of entries(ctx.home)) {
    const dir = joinPath(ctx.home, name);
    if (!STATE_DIR_NAME.test(name) || dir === ctx.stateDir) continue;
    const runtime = readGatewayRuntime(dir);
    if (runtime && isPidAlive(runtime.pid)) {
      out.push({
        severity: "warn",
        message: `Another gateway runs from ~/${name}: pid ${runtime.pid} on port ${runtime.port}`,
        path: dir,
        fix:
          `Stop it if it is left over (kill ${runtime.pid}); profiles need ports at least 20 apart`,
      });
    } else if (entries(dir).some((n) => /^(openclaw|clawdbot|moltbot|moldbot)\.json$/.test(n))) {
      out.push({
        severity: "info",
        message: `Other state directory (not running): ~/${name}`,
        path: dir,
      });
    }
  }
  return out;
}

function serviceUnits(ctx: DoctorContext): DoctorFinding[] {
  const profile = resolveProfile(ctx.env);
  const mine = new Set([
    `openclaw-gateway${profile ? `-${profile}` : ""}.service`,
    `ai.openclaw.gateway${profile ? `.${profile}` : ""}.plist`,
  ]);
  const dirs = [
    joinPath(ctx.home, ".config/systemd/user"),
    "/etc/systemd/system",
    joinPath(ctx.home, "Library/LaunchAgents"),
    "/Library/LaunchAgents",
    "/Library/LaunchDaemons",
  ];
  const out: DoctorFinding[] = [];
  for (const dir of dirs) {
    for (const name of entries(dir)) {
      if (!UNIT_NAME.test(name) || mine.has(name)) continue;
      const path = joinPath(dir, name);
      const legacy = LEGACY_NAME.test(name);
      out.push({
        severity: legacy || dir.startsWith("/") && !dir.startsWith(ctx.home) ? "warn" : "info",
        message: legacy
          ? `Service from an older install: ${shortenHome(path, ctx.env)}`
          : `Other gateway service: ${shortenHome(path, ctx.env)}`,
        path,
        fix: legacy
          ? "Disable and remove it so two gateways do not fight over the port"
          : "Keep it only if that profile should run too",
      });
    }
  }
  return out;
}

/** `gateway.installs`. */
export const gatewayInstallsCheck: DoctorCheck = {
  id: "gateway.installs",
  title: "Other gateway installs",
  order: 95,
  run(ctx) {
    if (!ctx.options.deep) {
      return Promise.resolve({ skip: "Run openclaw doctor --deep to scan for other installs" });
    }
    const out = [...otherStateDirs(ctx), ...serviceUnits(ctx)];
    if (!out.length) out.push({ severity: "info", message: "No other gateway installs found" });
    return Promise.resolve(out);
  },
};
