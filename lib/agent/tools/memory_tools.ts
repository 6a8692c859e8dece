/**
 * `memory_search` and `memory_get`: the agent's long-term notes are `MEMORY.md` (or
 * `memory.md`) and `memory/**.md` in its workspace. Search is a plain case-insensitive term match
 * over lines (stock's embedding index is not needed for a file or two of notes); reads are
 * confined to those files.
 *
 * @module
 */
import { z } from "zod";
import { joinPath } from "../../paths.ts";
import { type ToolDefinition, ToolInputError } from "./registry.ts";

const ROOT_FILES = ["MEMORY.md", "memory.md"];
/** Memory files larger than this are read only up to it. */
const MAX_FILE_BYTES = 1_000_000;
const MAX_FILES = 500;

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function walkMarkdown(dir: string, rel: string, out: string[]): Promise<void> {
  let items: Deno.DirEntry[];
  try {
    items = [];
    for await (const e of Deno.readDir(dir)) items.push(e);
  } catch {
    return;
  }
  items.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of items) {
    if (out.length >= MAX_FILES) return;
    if (e.name.startsWith(".")) continue;
    const childRel = `${rel}/${e.name}`;
    if (e.isDirectory) await walkMarkdown(joinPath(dir, e.name), childRel, out);
    else if (e.isFile && e.name.toLowerCase().endsWith(".md")) out.push(childRel);
  }
}

/** Lists the workspace-relative paths of the memory files. */
export async function listMemoryFiles(workspace: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of ROOT_FILES) {
    if (await exists(joinPath(workspace, name))) {
      out.push(name);
      break; // MEMORY.md and memory.md are the same file on case-insensitive filesystems
    }
  }
  await walkMarkdown(joinPath(workspace, "memory"), "memory", out);
  return out;
}

async function readBounded(path: string): Promise<string> {
  using f = await Deno.open(path, { read: true });
  const buf = new Uint8Array(MAX_FILE_BYTES);
  let off = 0;
  while (off < buf.length) {
    const n = await f.read(buf.subarray(off));
    if (n === null) break;
    off += n;
  }
  return new TextDecoder().decode(buf.subarray(0, off));
}

/**
 * Checks that `rel` names a memory file inside `workspace` (no `..`, no symlink out of it).
 *
 * @throws {ToolInputError} Otherwise.
 */
async function resolveMemoryPath(workspace: string, rel: string): Promise<string> {
  const clean = rel.trim().replace(/^\.\//, "");
  const parts = clean.split("/");
  const isMemory = ROOT_FILES.includes(clean) ||
    (parts[0] === "memory" && parts.length > 1 && clean.toLowerCase().endsWith(".md"));
  if (!clean || clean.startsWith("/") || parts.includes("..") || !isMemory) {
    throw new ToolInputError(
      `Cannot read "${rel}": only MEMORY.md and memory/*.md in the workspace are memory files`,
    );
  }
  const full = joinPath(workspace, clean);
  let real: string;
  let root: string;
  try {
    [real, root] = await Promise.all([Deno.realPath(full), Deno.realPath(workspace)]);
  } catch {
    throw new ToolInputError(`Cannot read "${clean}": no such memory file`);
  }
  if (real !== root && !real.startsWith(`${root}/`)) {
    throw new ToolInputError(`Cannot read "${clean}": it points outside the workspace`);
  }
  return real;
}

interface SearchHit {
  path: string;
  startLine: number;
  endLine: number;
  score: number;
  snippet: string;
  source: "memory";
}

/** Searches the memory files for lines containing the query's terms. */
export async function searchMemory(
  workspace: string,
  query: string,
  maxResults: number,
): Promise<SearchHit[]> {
  const terms = [...new Set(query.toLowerCase().split(/[^\p{L}\p{N}_-]+/u).filter(Boolean))];
  if (terms.length === 0) return [];
  const hits: SearchHit[] = [];
  for (const rel of await listMemoryFiles(workspace)) {
    let text: string;
    try {
      text = await readBounded(joinPath(workspace, rel));
    } catch {
      continue;
    }
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      const lower = line.toLowerCase();
      const matched = terms.filter((t) => lower.includes(t)).length;
      if (matched === 0) return;
      const start = Math.max(0, i - 1);
      const end = Math.min(lines.length - 1, i + 1);
      hits.push({
        path: rel,
        startLine: start + 1,
        endLine: end + 1,
        score: Math.round((matched / terms.length) * 1000) / 1000,
        snippet: lines.slice(start, end + 1).join("\n").slice(0, 700),
        source: "memory",
      });
    });
  }
  hits.sort((a, b) =>
    b.score - a.score || a.path.localeCompare(b.path) || a.startLine - b.startLine
  );
  return hits.slice(0, maxResults);
}

const SearchArgs = z.strictObject({
  query: z.string().trim().min(1).describe("Words to look for"),
  maxResults: z.number().int().min(1).max(50).optional().describe("Default 6"),
});

const GetArgs = z.strictObject({
  path: z.string().min(1).describe(
    'Workspace-relative, e.g. "MEMORY.md" or "memory/2026-01-02.md"',
  ),
  from: z.number().int().min(1).optional().describe("First line (1-based)"),
  lines: z.number().int().min(1).optional().describe("How many lines"),
});

/** `memory_search`. */
export const memorySearchTool: ToolDefinition<z.infer<typeof SearchArgs>> = {
  name: "memory_search",
  description:
    "Search the agent's memory notes (MEMORY.md and memory/*.md) for lines matching the query.",
  group: "memory",
  inputSchema: SearchArgs,
  async execute(args, ctx) {
    return { results: await searchMemory(ctx.workspace, args.query, args.maxResults ?? 6) };
  },
};

/** `memory_get`. */
export const memoryGetTool: ToolDefinition<z.infer<typeof GetArgs>> = {
  name: "memory_get",
  description: "Read a memory file (MEMORY.md or memory/<name>.md), optionally a range of lines.",
  group: "memory",
  inputSchema: GetArgs,
  async execute(args, ctx) {
    const real = await resolveMemoryPath(ctx.workspace, args.path);
    const text = await readBounded(real);
    if (args.from === undefined && args.lines === undefined) return { path: args.path, text };
    const all = text.split("\n");
    const from = args.from ?? 1;
    const count = args.lines ?? all.length;
    return { path: args.path, from, text: all.slice(from - 1, from - 1 + count).join("\n") };
  },
};
