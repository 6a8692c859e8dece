/**
 * The file tools `read`, `write` and `edit`, confined to the agent workspace (see
 * workspace_path.ts). Reads are bounded (lines and characters per call, with an offset to go
 * on); writes are atomic (temp file + rename) and keep the mode of the file they replace.
 *
 * @module
 */
import { z } from "zod";
import { OpenClawError } from "../errors.ts";
import { writeFileAtomic } from "../fs/atomic.ts";
import { dirname } from "../paths.ts";
import type { ToolContext, ToolDefinition } from "./types.ts";
import { resolveWorkspacePath, type WorkspacePath } from "./workspace_path.ts";

/** Lines one `read` returns at most. */
export const READ_MAX_LINES = 2000;
/** Characters one `read` returns at most. */
export const READ_MAX_CHARS = 50_000;

function notFound(action: string, p: WorkspacePath): OpenClawError {
  return new OpenClawError(
    "FILE_NOT_FOUND",
    `Cannot ${action} "${p.input}": no such file in the workspace`,
    { hint: "Check the path (relative to the workspace); use write to create a file" },
  );
}

/** Reads a whole workspace file as text. @throws {OpenClawError} `FILE_NOT_FOUND`, `NOT_A_FILE` */
export async function readWorkspaceText(p: WorkspacePath, action = "read"): Promise<string> {
  try {
    return await Deno.readTextFile(p.real);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw notFound(action, p);
    if (err instanceof Deno.errors.IsADirectory) {
      throw new OpenClawError("NOT_A_FILE", `Cannot ${action} "${p.input}": it is a directory`);
    }
    throw err;
  }
}

/** Writes a workspace file atomically, creating parent directories and keeping its mode. */
export async function writeWorkspaceText(p: WorkspacePath, content: string): Promise<void> {
  let mode = 0o644;
  try {
    const info = await Deno.stat(p.real);
    if (info.isDirectory) {
      throw new OpenClawError("NOT_A_FILE", `Cannot write "${p.input}": it is a directory`);
    }
    if (info.mode !== null) mode = info.mode & 0o7777;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  await Deno.mkdir(dirname(p.real), { recursive: true });
  writeFileAtomic(p.real, content, { mode });
}

const ReadArgsSchema = z.object({
  path: z.string().describe("File path, relative to the workspace"),
  offset: z.number().int().positive().optional().describe("First line to read (1-based)"),
  limit: z.number().int().positive().optional().describe(
    `Maximum number of lines (default ${READ_MAX_LINES})`,
  ),
});

/** Reads lines `[start, start + maxLines)` (1-based) without loading more of the file than needed. */
async function readLines(
  real: string,
  start: number,
  maxLines: number,
): Promise<{ text: string; lines: number; more: boolean; binary: boolean; size: number }> {
  using file = await Deno.open(real, { read: true });
  const size = (await file.stat()).size;
  const reader = file.readable.pipeThrough(new TextDecoderStream()).getReader();
  const out: string[] = [];
  let chars = 0;
  let line = 1;
  let pending = "";
  let first = true;
  let more = false;
  const take = (l: string): boolean => {
    if (line++ < start) return true;
    if (out.length >= maxLines || chars >= READ_MAX_CHARS) {
      more = true;
      return false;
    }
    const room = READ_MAX_CHARS - chars;
    out.push(l.length > room ? `${l.slice(0, room)} [... line truncated ...]` : l);
    chars += Math.min(l.length, room) + 1;
    return true;
  };
  try {
    reading: while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      if (first && value.slice(0, 8000).includes("\0")) {
        return { text: "", lines: 0, more: false, binary: true, size };
      }
      first = false;
      pending += value;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        if (!take(pending.slice(0, nl))) break reading;
        pending = pending.slice(nl + 1);
      }
    }
    if (!more && pending.length > 0) take(pending);
  } finally {
    await reader.cancel().catch(() => {});
  }
  return { text: out.join("\n"), lines: out.length, more, binary: false, size };
}

/** Creates the `read` tool. */
export function createReadTool(): ToolDefinition<z.infer<typeof ReadArgsSchema>> {
  return {
    name: "read",
    group: "fs",
    description: `Read a text file in the workspace. Returns at most ${READ_MAX_LINES} lines or ` +
      `${READ_MAX_CHARS} characters; use offset (1-based line) and limit to read further.`,
    inputSchema: ReadArgsSchema,
    async execute(args, ctx: ToolContext): Promise<string> {
      const p = await resolveWorkspacePath(ctx.workspace, args.path);
      const start = args.offset ?? 1;
      let r;
      try {
        r = await readLines(p.real, start, Math.min(args.limit ?? READ_MAX_LINES, READ_MAX_LINES));
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) throw notFound("read", p);
        if (err instanceof Deno.errors.IsADirectory) {
          throw new OpenClawError("NOT_A_FILE", `Cannot read "${p.input}": it is a directory`);
        }
        throw err;
      }
      if (r.binary) return `[binary file ${p.relative}: ${r.size} bytes, not shown]`;
      if (r.lines === 0 && start > 1) return `[no lines at offset ${start}: the file is shorter]`;
      if (!r.more) return r.text;
      return `${r.text}\n[... more lines: continue with offset=${start + r.lines} ...]`;
    },
  };
}

const WriteArgsSchema = z.object({
  path: z.string().describe("File path, relative to the workspace"),
  content: z.string().describe("The complete new content"),
});

/** Creates the `write` tool. */
export function createWriteTool(): ToolDefinition<z.infer<typeof WriteArgsSchema>> {
  return {
    name: "write",
    group: "fs",
    description: "Create or overwrite a file in the workspace (parent directories are created).",
    inputSchema: WriteArgsSchema,
    async execute(args, ctx: ToolContext) {
      const p = await resolveWorkspacePath(ctx.workspace, args.path);
      await writeWorkspaceText(p, args.content);
      return { ok: true, path: p.relative, bytes: new TextEncoder().encode(args.content).length };
    },
  };
}

const EditArgsSchema = z.object({
  path: z.string().describe("File path, relative to the workspace"),
  oldText: z.string().describe("Exact text to replace (must occur once unless replaceAll)"),
  newText: z.string().describe("Replacement text"),
  replaceAll: z.boolean().optional().describe("Replace every occurrence"),
});

function countOccurrences(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length)) {
    n++;
  }
  return n;
}

/** Creates the `edit` tool. */
export function createEditTool(): ToolDefinition<z.infer<typeof EditArgsSchema>> {
  return {
    name: "edit",
    group: "fs",
    description: "Replace exact text in a workspace file. oldText must occur exactly once " +
      "(include surrounding lines to make it unique) unless replaceAll is true.",
    inputSchema: EditArgsSchema,
    async execute(args, ctx: ToolContext) {
      const p = await resolveWorkspacePath(ctx.workspace, args.path);
      if (args.oldText.length === 0) {
        throw new OpenClawError("EDIT_NO_MATCH", `Cannot edit "${p.input}": oldText is empty`, {
          hint: "Pass the exact text to replace, or use write for a new file",
        });
      }
      const text = await readWorkspaceText(p, "edit");
      const count = countOccurrences(text, args.oldText);
      if (count === 0) {
        throw new OpenClawError(
          "EDIT_NO_MATCH",
          `Cannot edit "${p.input}": oldText was not found`,
          {
            hint: "Read the file first and copy the text exactly, whitespace included",
          },
        );
      }
      if (count > 1 && !args.replaceAll) {
        throw new OpenClawError(
          "EDIT_AMBIGUOUS",
          `Cannot edit "${p.input}": oldText occurs ${count} times`,
          { hint: "Include more surrounding text to make it unique, or set replaceAll: true" },
        );
      }
      const next = args.replaceAll
        ? text.split(args.oldText).join(args.newText)
        : text.slice(0, text.indexOf(args.oldText)) + args.newText +
          text.slice(text.indexOf(args.oldText) + args.oldText.length);
      await writeWorkspaceText(p, next);
      return { ok: true, path: p.relative, replacements: args.replaceAll ? count : 1 };
    },
  };
}
