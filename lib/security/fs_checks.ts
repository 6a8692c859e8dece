/**
 * File permission checks (`fs.*`) and the list of paths `--fix` tightens. Modes only mean
 * something on POSIX; on Windows these checks report nothing.
 *
 * @module
 */
import { joinPath, shortenHome } from "../paths.ts";
import { listDir, lstatOrUndefined, octal, posixModes, statOrUndefined } from "./_util.ts";
import type { AuditContext } from "./context.ts";
import type { SecurityFinding, Severity } from "./types.ts";

/** A path `--fix` may chmod, and the mode it should have. */
export interface PermissionTarget {
  path: string;
  /** 0o700 for directories, 0o600 for files. */
  mode: number;
  isDirectory: boolean;
}

function describe(path: string, info: Deno.FileInfo, env: AuditContext["env"]): string {
  return `${shortenHome(path, env)} (mode ${octal(info.mode ?? 0)})`;
}

function finding(
  checkId: string,
  severity: Severity,
  title: string,
  detail: string,
  remediation: string,
): SecurityFinding {
  return { checkId, severity, title, detail, remediation };
}

function listPreview(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

/** Checks one config-like file (the config or an included file). */
function configFileFindings(
  prefix: "fs.config" | "fs.config_include",
  path: string,
  env: AuditContext["env"],
): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  const link = lstatOrUndefined(path);
  if (!link) return out;
  const what = prefix === "fs.config" ? "Config file" : "Included config file";
  const short = shortenHome(path, env);
  if (link.isSymlink) {
    out.push(finding(
      `${prefix}.symlink`,
      "warn",
      `${what} is a symlink`,
      `${short} is a symlink; whoever controls its target controls the gateway's settings`,
      `Replace the link with the real file (cp --remove-destination "$(readlink -f ${short})" ${short})`,
    ));
  }
  const info = statOrUndefined(path);
  if (!info) return out;
  const mode = info.mode ?? 0;
  const fix = `chmod 600 ${short} (or run: openclaw security audit --fix)`;
  if (mode & 0o022) {
    out.push(finding(
      `${prefix}.perms_writable`,
      "critical",
      `${what} is writable by others`,
      `${
        describe(path, info, env)
      } can be changed by other users: they could turn off auth or re-allow tools`,
      fix,
    ));
  }
  if (mode & 0o004) {
    out.push(finding(
      `${prefix}.perms_world_readable`,
      "critical",
      `${what} is world-readable`,
      `${
        describe(path, info, env)
      } can be read by every user on this machine; it may hold tokens and API keys`,
      fix,
    ));
  } else if (mode & 0o040) {
    out.push(finding(
      `${prefix}.perms_group_readable`,
      "warn",
      `${what} is group-readable`,
      `${describe(path, info, env)} can be read by its group; it may hold tokens and API keys`,
      fix,
    ));
  }
  return out;
}

function stateDirFindings(ctx: AuditContext): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  const link = lstatOrUndefined(ctx.stateDir);
  if (!link) return out;
  const short = shortenHome(ctx.stateDir, ctx.env);
  if (link.isSymlink) {
    out.push(finding(
      "fs.state_dir.symlink",
      "warn",
      "State directory is a symlink",
      `${short} is a symlink; check that its target is a private directory you own`,
      "Point OPENCLAW_STATE_DIR at the real directory, or replace the link with it",
    ));
  }
  const info = statOrUndefined(ctx.stateDir);
  if (!info?.isDirectory) return out;
  const mode = info.mode ?? 0;
  const fix = `chmod 700 ${short} (or run: openclaw security audit --fix)`;
  if (mode & 0o002) {
    out.push(finding(
      "fs.state_dir.perms_world_writable",
      "critical",
      "State directory is world-writable",
      `${
        describe(ctx.stateDir, info, ctx.env)
      }: any user can replace the config, credentials and sessions`,
      fix,
    ));
  } else if (mode & 0o020) {
    out.push(finding(
      "fs.state_dir.perms_group_writable",
      "warn",
      "State directory is group-writable",
      `${
        describe(ctx.stateDir, info, ctx.env)
      }: members of its group can replace the config and credentials`,
      fix,
    ));
  }
  if (mode & 0o044) {
    out.push(finding(
      "fs.state_dir.perms_readable",
      "warn",
      "State directory is readable by others",
      `${
        describe(ctx.stateDir, info, ctx.env)
      }: other users can list sessions, devices and credentials`,
      fix,
    ));
  }
  return out;
}

/** Files under `dir` (recursively, a few levels) whose names pass `accept`. */
function filesUnder(dir: string, accept: (name: string) => boolean, depth = 4): string[] {
  const out: string[] = [];
  for (const e of listDir(dir)) {
    const path = joinPath(dir, e.name);
    if (e.isDirectory && depth > 0) out.push(...filesUnder(path, accept, depth - 1));
    else if (e.isFile && accept(e.name)) out.push(path);
  }
  return out;
}

/** Per-agent directories under `<state>/agents`. */
function agentDirs(stateDir: string): string[] {
  const root = joinPath(stateDir, "agents");
  return listDir(root).filter((e) => e.isDirectory).map((e) => joinPath(root, e.name));
}

function credentialsFindings(ctx: AuditContext): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  const dir = joinPath(ctx.stateDir, "credentials");
  const info = lstatOrUndefined(dir);
  if (!info?.isDirectory) return out;
  const short = shortenHome(dir, ctx.env);
  const mode = info.mode ?? 0;
  if (mode & 0o022) {
    out.push(finding(
      "fs.credentials_dir.perms_writable",
      "critical",
      "Credentials directory is writable by others",
      `${
        describe(dir, info, ctx.env)
      }: other users can plant channel credentials or pairing allowlists`,
      `chmod 700 ${short} (or run: openclaw security audit --fix)`,
    ));
  }
  const exposed = mode & 0o044 ? [describe(dir, info, ctx.env)] : [];
  for (const file of filesUnder(dir, (n) => n.endsWith(".json"))) {
    const f = lstatOrUndefined(file);
    if (f && !f.isSymlink && (f.mode ?? 0) & 0o066) exposed.push(describe(file, f, ctx.env));
  }
  if (exposed.length) {
    out.push(finding(
      "fs.credentials_dir.perms_readable",
      "warn",
      "Channel credentials are readable by others",
      `Readable by other users: ${listPreview(exposed)}`,
      `chmod 700 ${short} and chmod 600 its files (or run: openclaw security audit --fix)`,
    ));
  }
  return out;
}

function authProfileFindings(ctx: AuditContext): SecurityFinding[] {
  const writable: string[] = [];
  const readable: string[] = [];
  for (const agent of agentDirs(ctx.stateDir)) {
    const path = joinPath(agent, "agent", "auth-profiles.json");
    const info = lstatOrUndefined(path);
    if (!info || info.isSymlink) continue;
    const mode = info.mode ?? 0;
    if (mode & 0o022) writable.push(describe(path, info, ctx.env));
    else if (mode & 0o044) readable.push(describe(path, info, ctx.env));
  }
  const fix = "chmod 600 each file (or run: openclaw security audit --fix)";
  const out: SecurityFinding[] = [];
  if (writable.length) {
    out.push(finding(
      "fs.auth_profiles.perms_writable",
      "critical",
      "Model auth profiles are writable by others",
      `Writable by other users: ${listPreview(writable)}`,
      fix,
    ));
  }
  if (readable.length) {
    out.push(finding(
      "fs.auth_profiles.perms_readable",
      "warn",
      "Model auth profiles are readable by others",
      `API keys and OAuth tokens readable by other users: ${listPreview(readable)}`,
      fix,
    ));
  }
  return out;
}

function sessionFindings(ctx: AuditContext): SecurityFinding[] {
  const exposed: string[] = [];
  for (const agent of agentDirs(ctx.stateDir)) {
    const dir = joinPath(agent, "sessions");
    for (const e of listDir(dir)) {
      if (!e.isFile || !(e.name === "sessions.json" || e.name.endsWith(".jsonl"))) continue;
      const path = joinPath(dir, e.name);
      const info = lstatOrUndefined(path);
      if (info && (info.mode ?? 0) & 0o066) exposed.push(describe(path, info, ctx.env));
    }
  }
  if (!exposed.length) return [];
  return [finding(
    "fs.sessions_store.perms_readable",
    "warn",
    "Session stores and transcripts are readable by others",
    `Conversations readable by other users: ${listPreview(exposed)}`,
    "chmod 600 the session files (or run: openclaw security audit --fix)",
  )];
}

function logFindings(ctx: AuditContext): SecurityFinding[] {
  const exposed: string[] = [];
  for (const path of ctx.logFiles) {
    const info = lstatOrUndefined(path);
    if (info?.isFile && (info.mode ?? 0) & 0o066) exposed.push(describe(path, info, ctx.env));
  }
  if (!exposed.length) return [];
  return [finding(
    "fs.log_file.perms_readable",
    "warn",
    "Gateway log files are readable by others",
    `Logs may contain message text and tool output: ${listPreview(exposed)}`,
    "chmod 600 the log files (or run: openclaw security audit --fix)",
  )];
}

/** Returns the `fs.*` findings for the state directory, config, credentials, sessions and logs. */
export function collectFilesystemFindings(ctx: AuditContext): SecurityFinding[] {
  if (!posixModes()) return [];
  return [
    ...stateDirFindings(ctx),
    ...configFileFindings("fs.config", ctx.configPath, ctx.env),
    ...ctx.includeFiles.flatMap((f) => configFileFindings("fs.config_include", f, ctx.env)),
    ...credentialsFindings(ctx),
    ...authProfileFindings(ctx),
    ...sessionFindings(ctx),
    ...logFindings(ctx),
  ];
}

/** Returns every existing path `--fix` should make owner-only, with the mode it should get. */
export function permissionTargets(ctx: AuditContext): PermissionTarget[] {
  const out: PermissionTarget[] = [];
  const add = (path: string, isDirectory: boolean) => {
    const info = lstatOrUndefined(path);
    // Symlinks are skipped: chmod would change whatever they point at.
    if (!info || info.isSymlink || info.isDirectory !== isDirectory) return;
    out.push({ path, mode: isDirectory ? 0o700 : 0o600, isDirectory });
  };
  add(ctx.stateDir, true);
  add(ctx.configPath, false);
  for (const f of ctx.includeFiles) add(f, false);
  const creds = joinPath(ctx.stateDir, "credentials");
  add(creds, true);
  for (const f of filesUnder(creds, (n) => n.endsWith(".json"))) add(f, false);
  for (const agent of agentDirs(ctx.stateDir)) {
    add(joinPath(agent, "agent"), true);
    add(joinPath(agent, "agent", "auth-profiles.json"), false);
    const sessions = joinPath(agent, "sessions");
    add(sessions, true);
    for (const e of listDir(sessions)) {
      if (e.isFile && (e.name === "sessions.json" || e.name.endsWith(".jsonl"))) {
        add(joinPath(sessions, e.name), false);
      }
    }
  }
  for (const f of ctx.logFiles) add(f, false);
  return out;
}
