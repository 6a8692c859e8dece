/**
 * On-disk migrations: `state.legacy` ("Legacy disk layout migration": `sessions/` ->
 * `agents/<id>/sessions/`, `agent/` -> `agents/<id>/agent/`, a WhatsApp login in `credentials/` ->
 * `credentials/whatsapp/default/`) and `cron.store` ("Legacy cron storage migration": older job
 * shapes in the cron store). Moves are renames inside the state directory (atomic per entry);
 * nothing that already exists at the target is replaced, and what cannot be merged is kept as a
 * backup next to it.
 *
 * @module
 */
import { parseJson5Value } from "../../json5/parse.ts";
import { writeFileAtomic } from "../../fs/atomic.ts";
import { withFileLock } from "../../fs/lock.ts";
import { dirname, expandHome, joinPath, shortenHome } from "../../paths.ts";
import { findConfigSyntaxError, formatSyntaxError } from "../config_syntax.ts";
import type { DoctorCheck, DoctorContext, DoctorFinding } from "../types.ts";
import { doctorAgents } from "./_agents.ts";
import { migrateCronStore } from "./_cron_legacy.ts";

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v as Obj : {};
}

function lstat(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch {
    return undefined;
  }
}

function names(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  } catch {
    return [];
  }
}

/** One legacy location and where it belongs now. */
interface LegacyMove {
  what: string;
  from: string;
  to: string;
  /** Only these entries of `from` move (the WhatsApp files); all of them when unset. */
  only?: string[];
}

/** Credentials files that are not part of a WhatsApp login. */
const NOT_WHATSAPP = /^(oauth\.json|.*-pairing\.json|.*-allowFrom\.json)$/;

function legacyMoves(ctx: DoctorContext): { moves: LegacyMove[]; blocked: DoctorFinding[] } {
  const state = ctx.stateDir;
  const agent = doctorAgents(ctx).find((a) => a.isDefault)?.id ?? "main";
  const moves: LegacyMove[] = [];
  const blocked: DoctorFinding[] = [];
  for (const [name, what] of [["sessions", "Sessions"], ["agent", "Agent state"]] as const) {
    const from = joinPath(state, name);
    if (lstat(from)?.isDirectory) {
      moves.push({ what, from, to: joinPath(state, "agents", agent, name) });
    }
  }
  const creds = joinPath(state, "credentials");
  if (lstat(joinPath(creds, "creds.json"))?.isFile) {
    const to = joinPath(creds, "whatsapp", "default");
    if (lstat(joinPath(to, "creds.json"))) {
      blocked.push({
        severity: "warn",
        message: `A WhatsApp login sits both in ${shortenHome(creds, ctx.env)} (older layout) ` +
          `and in ${shortenHome(to, ctx.env)}`,
        path: creds,
        fix: "Keep the one that works (openclaw channels status) and remove the other by hand",
      });
    } else {
      const only = names(creds).filter((n) => n.endsWith(".json") && !NOT_WHATSAPP.test(n));
      moves.push({ what: "WhatsApp login", from: creds, to, only });
    }
  }
  return { moves, blocked };
}

/** Moves `from` (or its `only` entries) into `to`, never replacing an entry already there. */
function applyMove(ctx: DoctorContext, move: LegacyMove): string[] {
  const from = shortenHome(move.from, ctx.env);
  const to = shortenHome(move.to, ctx.env);
  Deno.mkdirSync(dirname(move.to), { recursive: true, mode: 0o700 });
  if (!move.only && !lstat(move.to)) {
    Deno.renameSync(move.from, move.to);
    return [`Moved ${from} to ${to}`];
  }
  Deno.mkdirSync(move.to, { recursive: true, mode: 0o700 });
  let moved = 0;
  const kept: string[] = [];
  for (const name of move.only ?? names(move.from)) {
    if (lstat(joinPath(move.to, name))) {
      kept.push(name);
      continue;
    }
    Deno.renameSync(joinPath(move.from, name), joinPath(move.to, name));
    moved++;
  }
  const out = [`Moved ${moved} entr${moved === 1 ? "y" : "ies"} from ${from} to ${to}`];
  if (move.only) {
    if (kept.length) out.push(`Left ${kept.join(", ")} in ${from}: ${to} already has them`);
    return out;
  }
  if (!kept.length) {
    Deno.removeSync(move.from);
    return out;
  }
  const stamp = ctx.now().toISOString().replace(/[:.]/g, "-");
  const backup = `${move.from}.legacy-${stamp}`;
  Deno.renameSync(move.from, backup);
  out.push(
    `Kept ${kept.length} entr${kept.length === 1 ? "y" : "ies"} that ${to} already has ` +
      `in ${shortenHome(backup, ctx.env)}; compare them by hand`,
  );
  return out;
}

/** `state.legacy`. */
export const legacyStateCheck: DoctorCheck = {
  id: "state.legacy",
  title: "Legacy disk layout",
  order: 26,
  safeFix: true,
  needsConfig: true,
  run(ctx) {
    const { moves, blocked } = legacyMoves(ctx);
    const out: DoctorFinding[] = moves.map((m) => ({
      severity: "warn",
      message: `${m.what} in the older layout: ${shortenHome(m.from, ctx.env)}` +
        `${m.only ? ` (${m.only.length} files)` : ""} belongs in ${shortenHome(m.to, ctx.env)}`,
      path: m.from,
      fix: "doctor --fix moves it (nothing already there is replaced)",
      fixable: true,
    }));
    out.push(...blocked);
    if (!out.length) {
      out.push({
        severity: "info",
        message: "No older layout to migrate (no sessions/, agent/ or WhatsApp login at the top " +
          `of ${shortenHome(ctx.stateDir, ctx.env)})`,
      });
    }
    return Promise.resolve(out);
  },
  fix(ctx) {
    return Promise.resolve(legacyMoves(ctx).moves.flatMap((m) => applyMove(ctx, m)));
  },
};

/** Largest cron store doctor reads. */
const MAX_CRON_STORE_BYTES = 16 * 1024 * 1024;

/** `cron.store` or `<stateDir>/cron/jobs.json`. */
function cronStorePath(ctx: DoctorContext): string {
  const configured = obj(ctx.config.audit.config.cron).store;
  return typeof configured === "string" && configured.trim()
    ? expandHome(configured.trim(), ctx.env)
    : joinPath(ctx.stateDir, "cron", "jobs.json");
}

type CronRead =
  | { kind: "missing" }
  | { kind: "too-large" }
  | { kind: "syntax"; error: string }
  | { kind: "ok"; value: unknown };

function readCronStore(path: string): CronRead {
  const info = lstat(path);
  if (!info) return { kind: "missing" };
  if ((info.size ?? 0) > MAX_CRON_STORE_BYTES) return { kind: "too-large" };
  const text = Deno.readTextFileSync(path);
  const e = findConfigSyntaxError(text);
  if (e) return { kind: "syntax", error: formatSyntaxError(e) };
  return { kind: "ok", value: text.trim() ? parseJson5Value(text) : { version: 1, jobs: [] } };
}

function webhookOf(ctx: DoctorContext): string | undefined {
  const hook = obj(ctx.config.audit.config.cron).webhook;
  return typeof hook === "string" && hook.trim() ? hook.trim() : undefined;
}

/** `cron.store`. */
export const cronStoreCheck: DoctorCheck = {
  id: "cron.store",
  title: "Legacy cron storage",
  order: 28,
  safeFix: true,
  needsConfig: true,
  run(ctx) {
    const path = cronStorePath(ctx);
    const short = shortenHome(path, ctx.env);
    const read = readCronStore(path);
    if (read.kind === "missing") {
      return Promise.resolve({ skip: `No cron store to migrate (${short} does not exist)` });
    }
    if (read.kind === "too-large") {
      return Promise.resolve([{
        severity: "warn",
        message: `Cron store ${short} is larger than 16 MB; doctor did not read it`,
        path,
      }]);
    }
    if (read.kind === "syntax") {
      return Promise.resolve([{
        severity: "warn",
        message: `Cron store ${short} does not parse: ${read.error}; its jobs cannot load`,
        path,
        fix: `Fix ${short} by hand (a .bak beside it may hold the last good copy)`,
      }]);
    }
    const result = migrateCronStore(read.value, webhookOf(ctx));
    if (!result) {
      return Promise.resolve([{
        severity: "warn",
        message: `Cron store ${short} holds no job list ("jobs": [ ... ])`,
        path,
        fix: `Fix ${short} by hand`,
      }]);
    }
    const out: DoctorFinding[] = [];
    if (result.issues.size) {
      const list = [...result.issues].map(([issue, n]) => `${issue} (${n})`).join(", ");
      out.push({
        severity: "warn",
        message: `Cron store ${short} uses older shapes: ${list}`,
        path,
        fix: "doctor --fix rewrites it in the current shape (the old file is kept as .bak)",
        fixable: true,
      });
    }
    for (const m of result.manual) out.push({ severity: "warn", message: m, path });
    if (!out.length) {
      out.push({
        severity: "info",
        message: `Cron store ${short}: ${result.store.jobs.length} job(s), current shape; ` +
          "nothing to migrate",
      });
    }
    return Promise.resolve(out);
  },
  async fix(ctx) {
    const path = cronStorePath(ctx);
    return await withFileLock(path, () => {
      const read = readCronStore(path);
      if (read.kind !== "ok") return [];
      const result = migrateCronStore(read.value, webhookOf(ctx));
      if (!result || !result.issues.size) return [];
      writeFileAtomic(path, JSON.stringify(result.store, null, 2) + "\n", {
        mode: 0o600,
        backup: true,
      });
      const short = shortenHome(path, ctx.env);
      return [`Rewrote ${short} in the current shape; the previous file is ${short}.bak`];
    });
  },
};
