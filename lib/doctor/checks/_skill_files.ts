/**
 * Skill folders on disk: each folder with a `SKILL.md` is a skill; its frontmatter gives the
 * name, the description and what it needs (`metadata.openclaw.requires.{bins,anyBins,env,config}`,
 * `metadata.openclaw.os`). Reads are bounded: so many folders per directory, so many bytes per
 * file.
 *
 * @module
 */
import { joinPath } from "../../paths.ts";
import { parseFrontmatter } from "./_frontmatter.ts";

/** Folders read per skills directory. */
const MAX_SKILLS_PER_DIR = 500;
/** Bytes of a `SKILL.md` read; the frontmatter is at the top. */
const MAX_SKILL_MD_BYTES = 256 * 1024;

/** What a skill needs before it can be used. */
export interface SkillRequirements {
  bins: string[];
  anyBins: string[];
  env: string[];
  config: string[];
  /** Operating systems it runs on (`darwin`, `linux`, `win32`); empty means any. */
  os: string[];
  /** The variable `skills.entries.<name>.apiKey` fills in. */
  primaryEnv?: string;
}

/** One skill folder. */
export interface SkillFile {
  /** The folder. */
  dir: string;
  /** The frontmatter `name`, else the folder name. */
  name: string;
  requires: SkillRequirements;
  /** Why the skill's `SKILL.md` is missing or malformed. */
  problem?: string;
}

/** One scanned skills directory. */
export interface SkillDir {
  path: string;
  exists: boolean;
  skills: SkillFile[];
  /** True when it held more folders than were read. */
  truncated: boolean;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && x !== "") : [];
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? v as Record<string, unknown>
    : undefined;
}

function readHead(path: string): string {
  const file = Deno.openSync(path, { read: true });
  try {
    const buf = new Uint8Array(MAX_SKILL_MD_BYTES);
    let size = 0;
    while (size < buf.length) {
      const n = file.readSync(buf.subarray(size));
      if (n === null) break;
      size += n;
    }
    return new TextDecoder().decode(buf.subarray(0, size));
  } finally {
    file.close();
  }
}

/** Reads one skill folder (`SKILL.md`, or the older `skill.md`). */
export function readSkill(dir: string, folder: string): SkillFile {
  const empty: SkillRequirements = { bins: [], anyBins: [], env: [], config: [], os: [] };
  let text: string | undefined;
  for (const name of ["SKILL.md", "skill.md"]) {
    try {
      text = readHead(joinPath(dir, name));
      break;
    } catch { /* try the other spelling */ }
  }
  if (text === undefined) return { dir, name: folder, requires: empty, problem: "no SKILL.md" };
  const parsed = parseFrontmatter(text);
  if (!parsed.ok) return { dir, name: folder, requires: empty, problem: parsed.error };
  const data = parsed.data;
  const name = typeof data.name === "string" && data.name.trim() ? data.name.trim() : undefined;
  let metadata = data.metadata;
  if (typeof metadata === "string") {
    try {
      metadata = JSON.parse(metadata);
    } catch {
      return { dir, name: name ?? folder, requires: empty, problem: "metadata is not valid JSON" };
    }
  }
  const meta = record(metadata);
  const own = record(meta?.openclaw ?? meta?.clawdbot ?? meta?.clawdis);
  const req = record(own?.requires);
  const requires: SkillRequirements = {
    bins: strings(req?.bins),
    anyBins: strings(req?.anyBins),
    env: strings(req?.env),
    config: strings(req?.config),
    os: strings(own?.os),
    ...(typeof own?.primaryEnv === "string" ? { primaryEnv: own.primaryEnv } : {}),
  };
  const missing = [
    name ? undefined : '"name"',
    typeof data.description === "string" && data.description.trim() ? undefined : '"description"',
  ].filter((x) => x !== undefined);
  return {
    dir,
    name: name ?? folder,
    requires,
    ...(missing.length ? { problem: `the frontmatter has no ${missing.join(" or ")}` } : {}),
  };
}

/** Reads every skill folder in `path` (hidden folders skipped), sorted by folder name. */
export function scanSkillDir(path: string): SkillDir {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(path)];
  } catch {
    return { path, exists: false, skills: [], truncated: false };
  }
  const folders = entries
    .filter((e) => (e.isDirectory || e.isSymlink) && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
  const skills: SkillFile[] = [];
  for (const folder of folders.slice(0, MAX_SKILLS_PER_DIR)) {
    const dir = joinPath(path, folder);
    try {
      if (!Deno.statSync(dir).isDirectory) continue;
    } catch {
      continue; // a dangling link is not a skill
    }
    skills.push(readSkill(dir, folder));
  }
  return { path, exists: true, skills, truncated: folders.length > MAX_SKILLS_PER_DIR };
}
