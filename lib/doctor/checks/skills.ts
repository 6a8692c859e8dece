/**
 * Skills checks: `skills.summary` ("Skills status summary": per agent, how many skills are
 * available, missing a requirement, or blocked by config) and `skills.status` ("Skills status":
 * each agent's `skills/` folder, counted, with every missing or malformed `SKILL.md` named).
 *
 * @module
 */
import { joinPath, shortenHome } from "../../paths.ts";
import { findOnPath } from "../../service/exec.ts";
import type { DoctorCheck, DoctorContext, DoctorFinding } from "../types.ts";
import { type DoctorAgent, doctorAgents } from "./_agents.ts";
import { scanSkillDir, type SkillDir, type SkillFile } from "./_skill_files.ts";

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v as Obj : {};
}

/** Shared skill folders, lowest precedence last: managed, personal, `skills.load.extraDirs`. */
function sharedDirs(ctx: DoctorContext): string[] {
  const extra = obj(obj(ctx.config.audit.config.skills).load).extraDirs;
  return [
    joinPath(ctx.stateDir, "skills"),
    joinPath(ctx.home, ".agents", "skills"),
    ...(Array.isArray(extra) ? extra.filter((d): d is string => typeof d === "string") : []),
  ];
}

/** The skills one agent sees: its workspace's first, then the shared ones; first name wins. */
function visibleSkills(agent: DoctorAgent, scans: (dir: string) => SkillDir, shared: string[]) {
  const dirs = [
    joinPath(agent.workspace, "skills"),
    joinPath(agent.workspace, ".agents", "skills"),
    ...shared,
  ];
  const byName = new Map<string, SkillFile>();
  for (const dir of dirs) {
    for (const skill of scans(dir).skills) {
      if (!byName.has(skill.name)) byName.set(skill.name, skill);
    }
  }
  return [...byName.values()];
}

function onPath(bin: string, ctx: DoctorContext): boolean {
  return !bin.includes("/") && findOnPath(bin, ctx.env) !== undefined;
}

/** `skills.entries.<name>`; the name comes from a file, so only an own key counts. */
function skillEntry(ctx: DoctorContext, name: string): Obj {
  const entries = obj(obj(ctx.config.audit.config.skills).entries);
  return Object.hasOwn(entries, name) ? obj(entries[name]) : {};
}

function configValue(config: Obj, path: string): unknown {
  let at: unknown = config;
  for (const part of path.split(".")) {
    if (typeof at !== "object" || at === null || !Object.hasOwn(at, part)) return undefined;
    at = (at as Obj)[part];
  }
  return at;
}

/** What `skill` lacks here (empty when it can be used). */
function missingFor(skill: SkillFile, ctx: DoctorContext): string[] {
  const entry = skillEntry(ctx, skill.name);
  const entryEnv = obj(entry.env);
  const r = skill.requires;
  const out: string[] = [];
  const platform = Deno.build.os === "windows" ? "win32" : Deno.build.os;
  if (r.os.length && !r.os.includes(platform)) out.push(`runs on ${r.os.join("/")} only`);
  for (const bin of r.bins) if (!onPath(bin, ctx)) out.push(`command ${bin}`);
  if (r.anyBins.length && !r.anyBins.some((b) => onPath(b, ctx))) {
    out.push(`one of ${r.anyBins.join(", ")}`);
  }
  for (const name of r.env) {
    const fromKey = r.primaryEnv === name && entry.apiKey !== undefined;
    const set = (o: Readonly<Record<string, unknown>>) =>
      Object.hasOwn(o, name) && typeof o[name] === "string" && o[name] !== "";
    if (!set(ctx.env) && !set(entryEnv) && !fromKey) {
      out.push(`env ${name}`);
    }
  }
  for (const path of r.config) {
    if (!configValue(ctx.config.audit.config, path)) out.push(`config ${path}`);
  }
  return out;
}

/** Why config blocks `skill` for `agent`, if it does. */
function blockedFor(skill: SkillFile, agent: DoctorAgent, ctx: DoctorContext): string | undefined {
  const entry = skillEntry(ctx, skill.name);
  if (entry.enabled === false) return `skills.entries.${skill.name}.enabled is false`;
  if (agent.skills && !agent.skills.includes(skill.name)) {
    return `not in agent ${agent.id}'s skills list`;
  }
  return undefined;
}

function cachedScans(): (dir: string) => SkillDir {
  const cache = new Map<string, SkillDir>();
  return (dir) => {
    let hit = cache.get(dir);
    if (!hit) cache.set(dir, hit = scanSkillDir(dir));
    return hit;
  };
}

/** `skills.summary`: "Skills status summary (available / missing / blocked)". */
export const skillsSummaryCheck: DoctorCheck = {
  id: "skills.summary",
  title: "Skills status summary",
  order: 22,
  needsConfig: true,
  run(ctx) {
    const scans = cachedScans();
    const shared = sharedDirs(ctx);
    const agents = doctorAgents(ctx);
    const summaries: DoctorFinding[] = [];
    const out: DoctorFinding[] = [];
    const reported = new Set<string>();
    let total = 0;
    for (const agent of agents) {
      const skills = visibleSkills(agent, scans, shared).filter((s) => !s.problem);
      total += skills.length;
      if (!skills.length) continue;
      let available = 0;
      let missing = 0;
      let blocked = 0;
      for (const skill of skills) {
        if (blockedFor(skill, agent, ctx)) {
          blocked++;
          continue;
        }
        const lacks = missingFor(skill, ctx);
        if (!lacks.length) {
          available++;
          continue;
        }
        missing++;
        if (reported.has(skill.dir)) continue;
        reported.add(skill.dir);
        out.push({
          severity: "warn",
          message: `Skill "${skill.name}" cannot be used: it needs ${lacks.join(", ")}`,
          path: skill.dir,
          fix: `Provide what it needs, or turn it off: openclaw config set ` +
            `skills.entries.${skill.name}.enabled false`,
        });
      }
      summaries.push({
        severity: "info",
        message:
          `Agent ${agent.id}: ${available} available, ${missing} missing requirements, ${blocked} blocked`,
      });
    }
    if (!total) {
      const where = agents.map((a) => shortenHome(joinPath(a.workspace, "skills"), ctx.env));
      return Promise.resolve([{
        severity: "info",
        message: `No skills installed (looked in ${
          [...new Set(where), shortenHome(shared[0], ctx.env)].join(", ")
        })`,
      }]);
    }
    return Promise.resolve([...summaries, ...out]);
  },
};

function dirFindings(ctx: DoctorContext, scan: SkillDir, owner: string): DoctorFinding[] {
  const short = shortenHome(scan.path, ctx.env);
  const bad = scan.skills.filter((s) => s.problem);
  const out: DoctorFinding[] = [{
    severity: "info",
    message: `${owner}: ${scan.skills.length - bad.length} skill(s) in ${short}` +
      (bad.length ? `, ${bad.length} unreadable` : "") +
      (scan.truncated ? " (only the first 500 folders were read)" : ""),
  }];
  for (const skill of bad) {
    out.push({
      severity: "warn",
      message: `${shortenHome(skill.dir, ctx.env)}: ${skill.problem}; the agent will not see it`,
      path: skill.dir,
      fix: skill.problem === "no SKILL.md"
        ? "Add a SKILL.md (--- name, description --- then instructions) or remove the folder"
        : "Fix the header of its SKILL.md: --- then name: and description: lines, then ---",
    });
  }
  return out;
}

/** `skills.status`: "Skills status". */
export const skillsStatusCheck: DoctorCheck = {
  id: "skills.status",
  title: "Skills status",
  order: 92,
  needsConfig: true,
  run(ctx) {
    const seen = new Set<string>();
    const out: DoctorFinding[] = [];
    const empty: string[] = [];
    const dirs: [string, string][] = doctorAgents(ctx).map((a) => [
      joinPath(a.workspace, "skills"),
      `Agent ${a.id}`,
    ]);
    dirs.push([joinPath(ctx.stateDir, "skills"), "Shared"]);
    for (const [dir, owner] of dirs) {
      if (seen.has(dir)) continue;
      seen.add(dir);
      const scan = scanSkillDir(dir);
      if (!scan.exists) {
        empty.push(shortenHome(dir, ctx.env));
        continue;
      }
      out.push(...dirFindings(ctx, scan, owner));
    }
    if (!out.length) {
      return Promise.resolve([{
        severity: "info",
        message: `No skills folders yet (${empty.join(", ")})`,
      }]);
    }
    return Promise.resolve(out);
  },
};
