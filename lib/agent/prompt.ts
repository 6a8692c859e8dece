/**
 * The system prompt: who the assistant is (identity), its tools, its workspace, the workspace's
 * bootstrap files (AGENTS.md, SOUL.md, TOOLS.md, IDENTITY.md, USER.md -- each bounded by
 * `bootstrapMaxChars`, all together by `bootstrapTotalMaxChars`), the date, and the turn's extra
 * text. Missing files are simply left out.
 *
 * @module
 */
import { joinPath } from "../paths.ts";
import type { AgentIdentity } from "./agents.ts";

/** Workspace files read into the system prompt, in this order. */
export const BOOTSTRAP_FILES: readonly string[] = [
  "AGENTS.md",
  "SOUL.md",
  "TOOLS.md",
  "IDENTITY.md",
  "USER.md",
];

/**
 * Fields automation surfaces add to a turn request beyond the contract (gateway/agent_runtime.ts
 * passes them through). `lightContext`: inject no workspace bootstrap files (a heartbeat sends
 * HEARTBEAT.md itself, as the turn's extra system prompt).
 */
export interface TurnContextHints {
  lightContext?: boolean;
}

/** True when a turn request asks for a light context (see {@linkcode TurnContextHints}). */
export function wantsLightContext(request: object): boolean {
  return (request as TurnContextHints).lightContext === true;
}

/** A bootstrap file as it goes into the prompt. */
export interface BootstrapFile {
  name: string;
  content: string;
  /** Characters cut to fit the limits. */
  truncatedChars: number;
}

/** Files larger than this are not read at all (they could not fit anyway). */
const MAX_READ_BYTES = 4 * 1024 * 1024;

/** Cuts `text` to `max` characters, keeping its head and tail around a marker. */
export function truncateMiddle(text: string, max: number): { text: string; cut: number } {
  if (text.length <= max) return { text, cut: 0 };
  const cut = text.length - max;
  const marker = `\n\n[\u2026 ${cut} characters truncated \u2026]\n\n`;
  if (max <= marker.length) return { text: text.slice(0, max), cut };
  const room = Math.max(0, max - marker.length);
  const head = Math.ceil(room * 0.75);
  const tail = room - head;
  return {
    text: text.slice(0, head) + marker + (tail > 0 ? text.slice(text.length - tail) : ""),
    cut,
  };
}

/**
 * Reads the bootstrap files of `workspace` within the per-file and total limits. Files that are
 * missing, unreadable, empty or too large to read are skipped.
 */
export function loadBootstrapFiles(
  workspace: string,
  maxChars: number,
  totalMaxChars: number,
): Promise<BootstrapFile[]> {
  const out: BootstrapFile[] = [];
  let budget = totalMaxChars;
  for (const name of BOOTSTRAP_FILES) {
    if (budget <= 0) break;
    const path = joinPath(workspace, name);
    let raw: string;
    try {
      // Synchronous: small files from the page cache take microseconds, while each asynchronous
      // call costs a thread hand-off (five files, two calls each, every turn).
      const info = Deno.statSync(path);
      if (!info.isFile || info.size > MAX_READ_BYTES) continue;
      raw = Deno.readTextFileSync(path);
    } catch {
      continue;
    }
    const trimmed = raw.trim();
    if (!trimmed) continue;
    const { text, cut } = truncateMiddle(trimmed, Math.min(maxChars, budget));
    budget -= text.length;
    out.push({ name, content: text, truncatedChars: cut });
  }
  return Promise.resolve(out);
}

/** Inputs of {@linkcode buildSystemPrompt}. */
export interface SystemPromptInput {
  agentId: string;
  identity?: AgentIdentity;
  workspace: string;
  files: BootstrapFile[];
  tools: { name: string; description: string }[];
  /** Epoch ms. */
  now: number;
  /** IANA zone for the date line. */
  timezone?: string;
  extra?: string;
}

/**
 * Date formatters by time zone ("" for the process's own): building one costs the better part of
 * a millisecond, every turn needs one. Zones come from the config, so there are few.
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(timezone: string | undefined): Intl.DateTimeFormat {
  let format = dateFormats.get(timezone ?? "");
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      dateStyle: "full",
      timeStyle: "long",
      ...(timezone ? { timeZone: timezone } : {}),
    });
    if (dateFormats.size >= 32) dateFormats.clear();
    dateFormats.set(timezone ?? "", format);
  }
  return format;
}

function formatNow(now: number, timezone: string | undefined): string {
  const date = new Date(now);
  try {
    const text = dateFormat(timezone).format(date);
    return timezone ? `${text} (${timezone})` : text;
  } catch {
    // An invalid userTimezone must not break turns.
    return date.toISOString();
  }
}

/** Builds the system prompt text. */
export function buildSystemPrompt(input: SystemPromptInput): string {
  const parts: string[] = ["You are a personal assistant running inside OpenClaw."];
  const id = input.identity;
  if (id?.name || id?.emoji || id?.theme) {
    const lines: string[] = [];
    if (id.name) lines.push(`Your name is ${id.name}${id.emoji ? ` ${id.emoji}` : ""}.`);
    else if (id.emoji) lines.push(`Your emoji is ${id.emoji}.`);
    if (id.theme) lines.push(`Persona: ${id.theme}.`);
    parts.push(lines.join(" "));
  }
  if (input.tools.length > 0) {
    parts.push(
      [
        "## Tools",
        "You can call these tools; call them only when they help answer the user.",
        ...input.tools.map((t) => `- ${t.name}: ${t.description}`),
      ].join("\n"),
    );
  }
  parts.push(
    ["## Workspace", `Your working directory is: ${input.workspace}`].join("\n"),
  );
  if (input.files.length > 0) {
    const sections = input.files.map((f) => `## ${f.name}\n\n${f.content}`);
    parts.push(
      [
        "# Project Context",
        "The following workspace files are loaded as context:",
        ...sections,
      ].join("\n\n"),
    );
  }
  parts.push(`## Current Date & Time\n${formatNow(input.now, input.timezone)}`);
  if (input.extra?.trim()) parts.push(input.extra.trim());
  return parts.join("\n\n");
}
