/**
 * The built-in tool catalog: every tool name stock OpenClaw knows, its `group:*` and the
 * profiles (`tools.profile`) that include it. Policy entries are matched against this table
 * (`group:fs` -> read, write, edit, apply_patch); names are case-insensitive and `bash` is an
 * alias of `exec`.
 *
 * @module
 */
import type { ToolGroup } from "./types.ts";

/** Base tool allowlists (`tools.profile`); `full` means no restriction. */
export type ToolProfile = "minimal" | "coding" | "messaging" | "full";

interface CatalogEntry {
  group: ToolGroup;
  /** Profiles whose allowlist contains the tool (`full` allows everything anyway). */
  profiles: readonly ToolProfile[];
  /** Other names of the tool listed in its group (`group:runtime` shows `bash` next to `exec`). */
  aliases?: readonly string[];
}

/** Every built-in tool, in the order `sandbox explain` lists them. */
export const BUILTIN_TOOLS: Readonly<Record<string, CatalogEntry>> = {
  read: { group: "fs", profiles: ["coding"] },
  write: { group: "fs", profiles: ["coding"] },
  edit: { group: "fs", profiles: ["coding"] },
  apply_patch: { group: "fs", profiles: ["coding"] },
  exec: { group: "runtime", profiles: ["coding"], aliases: ["bash"] },
  process: { group: "runtime", profiles: ["coding"] },
  code_execution: { group: "runtime", profiles: ["coding"] },
  web_search: { group: "web", profiles: ["coding"] },
  x_search: { group: "web", profiles: ["coding"] },
  web_fetch: { group: "web", profiles: ["coding"] },
  memory_search: { group: "memory", profiles: ["coding"] },
  memory_get: { group: "memory", profiles: ["coding"] },
  sessions_list: { group: "sessions", profiles: ["coding", "messaging"] },
  sessions_history: { group: "sessions", profiles: ["coding", "messaging"] },
  sessions_send: { group: "sessions", profiles: ["coding", "messaging"] },
  sessions_spawn: { group: "sessions", profiles: ["coding"] },
  sessions_yield: { group: "sessions", profiles: ["coding"] },
  subagents: { group: "sessions", profiles: ["coding"] },
  session_status: { group: "sessions", profiles: ["minimal", "coding", "messaging"] },
  browser: { group: "ui", profiles: [] },
  canvas: { group: "ui", profiles: [] },
  cron: { group: "automation", profiles: ["coding"] },
  gateway: { group: "automation", profiles: [] },
  message: { group: "messaging", profiles: ["messaging"] },
  nodes: { group: "nodes", profiles: [] },
  agents_list: { group: "agents", profiles: [] },
  image: { group: "media", profiles: ["coding"] },
  image_generate: { group: "media", profiles: ["coding"] },
  tts: { group: "media", profiles: [] },
};

/** Names that mean another tool (`bash` is `exec`). */
export const TOOL_ALIASES: Readonly<Record<string, string>> = {
  bash: "exec",
  "apply-patch": "apply_patch",
};

function buildGroups(): Record<string, readonly string[]> {
  const groups: Record<string, string[]> = { "group:openclaw": Object.keys(BUILTIN_TOOLS) };
  for (const [name, entry] of Object.entries(BUILTIN_TOOLS)) {
    (groups[`group:${entry.group}`] ??= []).push(name, ...(entry.aliases ?? []));
  }
  return groups;
}

/**
 * `group:<name>` -> the tools it stands for (`group:openclaw` = every built-in), as the user guide
 * lists them: aliases included (`group:runtime` is exec, bash, process, code_execution).
 */
export const TOOL_GROUPS: Readonly<Record<string, readonly string[]>> = buildGroups();

/** Every `group:*` name, lower-case, in catalogue order. */
export const KNOWN_TOOL_GROUPS: readonly string[] = Object.keys(TOOL_GROUPS);

/**
 * Returns the problem with a policy entry, or `undefined`: an entry starting with `group:` must
 * name a known group (case-insensitive); names and `*` patterns are not checked.
 */
export function toolGroupEntryProblem(entry: string): string | undefined {
  const n = entry.trim().toLowerCase();
  if (!n.startsWith("group:") || Object.hasOwn(TOOL_GROUPS, n)) return undefined;
  return `Unknown tool group "${entry.trim()}": known groups are ${KNOWN_TOOL_GROUPS.join(", ")}`;
}

/** Returns the canonical form of a tool name or policy entry: trimmed, lower-case, de-aliased. */
export function normalizeToolName(name: string): string {
  const n = name.trim().toLowerCase();
  // Own keys only: a policy entry such as "constructor" is a name, not a prototype member.
  return Object.hasOwn(TOOL_ALIASES, n) ? TOOL_ALIASES[n] : n;
}

/** Returns true for a built-in tool name (aliases included). */
export function isBuiltinTool(name: string): boolean {
  return Object.hasOwn(BUILTIN_TOOLS, normalizeToolName(name));
}

/**
 * Expands `group:*` entries to canonical tool names (aliases resolved, so `group:runtime` gives
 * exec, process, code_execution); other entries (names, `*` patterns) pass through.
 */
export function expandToolGroups(entries: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of entries) {
    const entry = normalizeToolName(raw);
    if (!entry) continue;
    const members = Object.hasOwn(TOOL_GROUPS, entry) ? TOOL_GROUPS[entry] : [entry];
    for (const name of members) out.add(normalizeToolName(name));
  }
  return [...out];
}

/** Returns the allowlist of a profile, or `undefined` for `full` (no restriction). */
export function profileAllowlist(profile: ToolProfile): string[] | undefined {
  if (profile === "full") return undefined;
  return Object.entries(BUILTIN_TOOLS)
    .filter(([, entry]) => entry.profiles.includes(profile))
    .map(([name]) => name);
}
