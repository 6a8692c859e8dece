/**
 * `state.integrity`: the state directory exists, is writable and private, the config is 0600,
 * every agent has its `sessions` directory, and no older state directory sits next to it.
 *
 * @module
 */
import { joinPath, shortenHome } from "../../paths.ts";
import { configUnusable } from "../config_syntax.ts";
import type { DoctorCheck, DoctorContext, DoctorFinding } from "../types.ts";

const LEGACY_STATE_DIRS = [".clawdbot", ".moltbot", ".moldbot"];
const SYNCED_MARKERS = ["/Library/Mobile Documents/", "/Dropbox/", "/OneDrive", "/Google Drive/"];

function lstat(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch {
    return undefined;
  }
}

function writable(dir: string): string | undefined {
  try {
    const probe = Deno.makeTempFileSync({ dir, prefix: ".doctor-" });
    Deno.removeSync(probe);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Agent ids from the config (`agents.list[].id`), or `main` when none are listed. */
function agentIds(ctx: DoctorContext): string[] {
  const agents = ctx.config.audit.config.agents;
  const list = typeof agents === "object" && agents !== null
    ? (agents as { list?: unknown }).list
    : undefined;
  const ids = Array.isArray(list)
    ? list.map((a) => (a && typeof a === "object" ? (a as { id?: unknown }).id : undefined))
      .filter((id): id is string => typeof id === "string" && /^[A-Za-z0-9_-]+$/.test(id))
    : [];
  return ids.length ? ids : ["main"];
}

/** Agents whose session dirs to check: none while the config does not parse (ids unknown). */
function sessionAgentIds(ctx: DoctorContext): string[] {
  return configUnusable(ctx.config) ? [] : agentIds(ctx);
}

const posix = Deno.build.os !== "windows";

function inspect(ctx: DoctorContext): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  const dir = ctx.stateDir;
  const short = shortenHome(dir, ctx.env);
  const info = lstat(dir);
  if (!info) {
    return [{
      severity: "warn",
      message: `State directory ${short} does not exist`,
      path: dir,
      fix: "doctor --fix creates it (mode 700), or run: openclaw setup",
      fixable: true,
    }];
  }
  const real = info.isSymlink
    ? (() => {
      try {
        return Deno.statSync(dir);
      } catch {
        return undefined;
      }
    })()
    : info;
  if (!real?.isDirectory) {
    return [{
      severity: "error",
      message: `State directory ${short} is not a directory`,
      path: dir,
      fix: "Move it away, then run: openclaw setup",
    }];
  }
  const cannotWrite = writable(dir);
  if (cannotWrite) {
    out.push({
      severity: "error",
      message: `State directory ${short} is not writable: ${cannotWrite}`,
      path: dir,
      fix: `Fix its owner and permissions (chown -R "$USER" ${short})`,
    });
  }
  if (posix && !info.isSymlink && (real.mode ?? 0) & 0o077) {
    out.push({
      severity: "warn",
      message: `State directory ${short} has mode ${((real.mode ?? 0) & 0o777).toString(8)}; ` +
        "it should be 700",
      path: dir,
      fix: `doctor --fix runs chmod 700 ${short}`,
      fixable: true,
    });
  }
  const config = lstat(ctx.configPath);
  if (posix && config?.isFile && (config.mode ?? 0) & 0o077) {
    const c = shortenHome(ctx.configPath, ctx.env);
    out.push({
      severity: "warn",
      message: `Config ${c} has mode ${((config.mode ?? 0) & 0o777).toString(8)}; it should be 600`,
      path: ctx.configPath,
      fix: `doctor --fix runs chmod 600 ${c}`,
      fixable: true,
    });
  }
  for (const id of sessionAgentIds(ctx)) {
    const sessions = joinPath(dir, "agents", id, "sessions");
    if (!lstat(sessions)) {
      out.push({
        severity: "warn",
        message: `Session directory ${shortenHome(sessions, ctx.env)} is missing`,
        path: sessions,
        fix: "doctor --fix creates it (mode 700)",
        fixable: true,
      });
    }
  }
  if (dir === joinPath(ctx.home, ".openclaw")) {
    for (const name of LEGACY_STATE_DIRS) {
      const other = joinPath(ctx.home, name);
      if (lstat(other)?.isDirectory) {
        out.push({
          severity: "warn",
          message: `Found an older state directory ~/${name} next to ~/.openclaw; it is not used`,
          path: other,
          fix: `Copy what you still need into ~/.openclaw, then remove ~/${name}`,
        });
      }
    }
  }
  const synced = SYNCED_MARKERS.find((m) => dir.includes(m));
  if (synced) {
    out.push({
      severity: "warn",
      message:
        `State directory ${short} is inside a synced folder (${synced.replaceAll("/", "")}); ` +
        "sync clients can corrupt sessions and copy credentials",
      path: dir,
      fix: "Set OPENCLAW_STATE_DIR to a local, unsynced directory",
    });
  }
  return out;
}

/** `state.integrity`. */
export const stateIntegrityCheck: DoctorCheck = {
  id: "state.integrity",
  title: "State directory integrity",
  order: 30,
  safeFix: true,
  run(ctx) {
    const findings = inspect(ctx);
    if (!findings.length) {
      findings.push({
        severity: "info",
        message: `State directory ${shortenHome(ctx.stateDir, ctx.env)} is fine`,
      });
    }
    return Promise.resolve(findings);
  },
  fix(ctx) {
    const done: string[] = [];
    const dir = ctx.stateDir;
    const short = shortenHome(dir, ctx.env);
    const mkdir = (path: string) => {
      Deno.mkdirSync(path, { recursive: true, mode: 0o700 });
      if (posix) Deno.chmodSync(path, 0o700);
      done.push(`Created ${shortenHome(path, ctx.env)} (mode 700)`);
    };
    const info = lstat(dir);
    if (!info) mkdir(dir);
    else if (posix && info.isDirectory && (info.mode ?? 0) & 0o077) {
      Deno.chmodSync(dir, 0o700);
      done.push(`chmod 700 ${short}`);
    }
    const config = lstat(ctx.configPath);
    if (posix && config?.isFile && (config.mode ?? 0) & 0o077) {
      Deno.chmodSync(ctx.configPath, 0o600);
      done.push(`chmod 600 ${shortenHome(ctx.configPath, ctx.env)}`);
    }
    for (const id of sessionAgentIds(ctx)) {
      const sessions = joinPath(dir, "agents", id, "sessions");
      if (!lstat(sessions)) mkdir(sessions);
    }
    return Promise.resolve(done);
  },
};
