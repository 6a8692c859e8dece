/**
 * The `apply_patch` tool: the patch format of OpenAI's apply_patch tool.
 *
 * ```
 * *** Begin Patch
 * *** Add File: path        (every following line starts with "+")
 * *** Delete File: path
 * *** Update File: path
 * *** Move to: new/path     (optional, right after Update File)
 * @@ optional line to seek to
 *  context line / -removed line / +added line
 * *** End of File           (optional: the hunk ends at the end of the file)
 * *** End Patch
 * ```
 *
 * Parsing is pure ({@link parsePatch}); applying plans every file in memory first, so a hunk
 * that does not match changes nothing. Files are written atomically one by one and a failure
 * while writing rolls back the ones already written: all files change, or none.
 *
 * @module
 */
import { z } from "zod";
import { OpenClawError } from "../errors.ts";
import { readWorkspaceText, writeWorkspaceText } from "./files.ts";
import type { ToolContext, ToolDefinition } from "./types.ts";
import { resolveWorkspacePath, type WorkspacePath } from "./workspace_path.ts";

/** One `@@` hunk of an update. */
export interface PatchChunk {
  /** Text after `@@`: a line to seek to before matching. */
  context?: string;
  oldLines: string[];
  newLines: string[];
  /** `*** End of File`: the hunk must match at the end of the file. */
  eof: boolean;
}

/** One file operation of a patch. */
export type PatchOp =
  | { type: "add"; path: string; content: string }
  | { type: "delete"; path: string }
  | { type: "update"; path: string; moveTo?: string; chunks: PatchChunk[] };

function invalid(line: number, message: string): OpenClawError {
  return new OpenClawError("PATCH_INVALID", `Cannot parse patch: line ${line}: ${message}`, {
    hint: 'Start with "*** Begin Patch", end with "*** End Patch", one "*** \u2026 File:" per file',
  });
}

const HEADER = /^\*\*\* (Add|Delete|Update) File: (.+)$/;

/**
 * Parses a patch.
 *
 * @throws {OpenClawError} `PATCH_INVALID` naming the offending line.
 */
export function parsePatch(text: string): PatchOp[] {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  let first = lines.findIndex((l) => l.trim() !== "");
  let last = lines.length - 1;
  while (last >= 0 && lines[last].trim() === "") last--;
  if (first < 0 || lines[first].trim() !== "*** Begin Patch") {
    throw invalid(first + 1, 'the first line must be "*** Begin Patch"');
  }
  if (lines[last].trim() !== "*** End Patch") {
    throw invalid(last + 1, 'the last line must be "*** End Patch"');
  }
  const ops: PatchOp[] = [];
  let current: PatchOp | undefined;
  let chunk: PatchChunk | undefined;
  for (let i = ++first; i < last; i++) {
    const line = lines[i];
    const header = HEADER.exec(line.trimEnd());
    if (header) {
      const path = header[2].trim();
      current = header[1] === "Add"
        ? { type: "add", path, content: "" }
        : header[1] === "Delete"
        ? { type: "delete", path }
        : { type: "update", path, chunks: [] };
      chunk = undefined;
      ops.push(current);
      continue;
    }
    if (!current) {
      throw invalid(i + 1, `expected a "*** Add/Update/Delete File:" line, got "${line}"`);
    }
    if (current.type === "add") {
      if (!line.startsWith("+")) throw invalid(i + 1, 'lines of an added file must start with "+"');
      current.content += line.slice(1) + "\n";
    } else if (current.type === "delete") {
      if (line.trim() !== "") throw invalid(i + 1, "a deleted file takes no lines");
    } else if (line.startsWith("*** Move to: ")) {
      if (current.chunks.length > 0 || current.moveTo) {
        throw invalid(i + 1, '"*** Move to:" must directly follow "*** Update File:"');
      }
      current.moveTo = line.slice("*** Move to: ".length).trim();
    } else if (line.trimEnd() === "*** End of File") {
      if (!chunk) throw invalid(i + 1, '"*** End of File" outside a hunk');
      chunk.eof = true;
    } else if (line.startsWith("@@")) {
      const context = line.slice(2).trim();
      chunk = { ...(context ? { context } : {}), oldLines: [], newLines: [], eof: false };
      current.chunks.push(chunk);
    } else {
      if (!chunk) {
        // The first hunk may omit its "@@" line.
        chunk = { oldLines: [], newLines: [], eof: false };
        current.chunks.push(chunk);
      }
      const tag = line[0] ?? " ";
      const body = line.slice(1);
      if (tag === " " || line === "") {
        chunk.oldLines.push(body);
        chunk.newLines.push(body);
      } else if (tag === "-") chunk.oldLines.push(body);
      else if (tag === "+") chunk.newLines.push(body);
      else throw invalid(i + 1, `hunk lines start with " ", "-" or "+", got "${line}"`);
    }
  }
  for (const op of ops) {
    if (op.type === "update" && op.chunks.length === 0 && !op.moveTo) {
      throw invalid(last + 1, `"*** Update File: ${op.path}" has no hunks`);
    }
  }
  if (ops.length === 0) throw invalid(last + 1, "the patch changes no file");
  return ops;
}

const NORMALIZERS: ((s: string) => string)[] = [(s) => s, (s) => s.trimEnd(), (s) => s.trim()];

/** Finds `want` in `lines` at or after `from` (exact first, then ignoring outer whitespace). */
function seek(lines: string[], want: string[], from: number, eof: boolean): number {
  if (want.length === 0) return from;
  for (const norm of NORMALIZERS) {
    const w = want.map(norm);
    const matchesAt = (i: number) => w.every((l, k) => norm(lines[i + k]) === l);
    if (eof && lines.length - w.length >= from && matchesAt(lines.length - w.length)) {
      return lines.length - w.length;
    }
    for (let i = from; i + w.length <= lines.length; i++) if (matchesAt(i)) return i;
  }
  return -1;
}

/**
 * Applies the hunks of one update to a file's text.
 *
 * @throws {OpenClawError} `PATCH_CONFLICT` when a hunk does not match.
 */
export function applyChunks(text: string, chunks: readonly PatchChunk[], path: string): string {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const edits: { at: number; remove: number; insert: string[] }[] = [];
  let cursor = 0;
  chunks.forEach((c, n) => {
    const fail = (what: string) =>
      new OpenClawError(
        "PATCH_CONFLICT",
        `Cannot apply patch to "${path}": hunk ${n + 1} ${what}`,
        { hint: "Read the file again and rebuild the hunk from its current content" },
      );
    if (c.context !== undefined) {
      const at = seek(lines, [c.context], cursor, false);
      if (at < 0) throw fail(`context line "${c.context.slice(0, 80)}" was not found`);
      cursor = at + 1;
    }
    let old = c.oldLines;
    let at = seek(lines, old, cursor, c.eof);
    if (at < 0 && old.at(-1) === "") {
      old = old.slice(0, -1);
      at = seek(lines, old, cursor, c.eof);
    }
    if (at < 0) {
      const shown = old.slice(0, 5).map((l) => `  ${l}`).join("\n");
      throw fail(`does not match the file; expected these lines:\n${shown}`);
    }
    const newLines = old === c.oldLines ? c.newLines : c.newLines.slice(
      0,
      c.newLines.at(-1) === "" ? -1 : undefined,
    );
    edits.push({
      at: old.length === 0 && !c.context ? lines.length : at,
      remove: old.length,
      insert: newLines,
    });
    cursor = at + old.length;
  });
  for (const e of edits.sort((a, b) => b.at - a.at)) lines.splice(e.at, e.remove, ...e.insert);
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}

/** What a patch changed, by workspace-relative path. */
export interface PatchResult {
  ok: true;
  added: string[];
  modified: string[];
  deleted: string[];
  summary: string;
}

/**
 * Applies a patch inside `workspace`: all files change, or none.
 *
 * @throws {OpenClawError} `PATCH_INVALID`, `PATCH_CONFLICT`, `FILE_NOT_FOUND`,
 *   `PATH_OUTSIDE_WORKSPACE`.
 */
export async function applyPatch(workspace: string, patch: string): Promise<PatchResult> {
  const ops = parsePatch(patch);
  // Plan: the final content of every touched file (null = deleted), computed in memory.
  const state = new Map<string, { path: WorkspacePath; content: string | null }>();
  const original = new Map<string, string | null>();
  const added: string[] = [];
  const modified: string[] = [];
  const deleted: string[] = [];
  const current = async (p: WorkspacePath, action: string): Promise<string> => {
    const s = state.get(p.real);
    if (s) {
      if (s.content === null) {
        throw new OpenClawError(
          "FILE_NOT_FOUND",
          `Cannot ${action} "${p.input}": the patch deleted it`,
        );
      }
      return s.content;
    }
    const text = await readWorkspaceText(p, action);
    original.set(p.real, text);
    return text;
  };
  const remember = async (p: WorkspacePath) => {
    if (original.has(p.real)) return;
    try {
      original.set(p.real, await Deno.readTextFile(p.real));
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory)) {
        throw err;
      }
      original.set(p.real, null);
    }
  };
  for (const op of ops) {
    const p = await resolveWorkspacePath(workspace, op.path);
    if (op.type === "add") {
      await remember(p);
      state.set(p.real, { path: p, content: op.content });
      added.push(p.relative);
    } else if (op.type === "delete") {
      await current(p, "delete");
      state.set(p.real, { path: p, content: null });
      deleted.push(p.relative);
    } else {
      const next = applyChunks(await current(p, "update"), op.chunks, op.path);
      if (op.moveTo) {
        const dest = await resolveWorkspacePath(workspace, op.moveTo);
        await remember(dest);
        state.set(p.real, { path: p, content: null });
        state.set(dest.real, { path: dest, content: next });
        deleted.push(p.relative);
        added.push(dest.relative);
      } else {
        state.set(p.real, { path: p, content: next });
        modified.push(p.relative);
      }
    }
  }
  const touched: string[] = [];
  try {
    for (const [real, s] of state) {
      touched.push(real);
      if (s.content === null) await Deno.remove(real).catch(ignoreNotFound);
      else await writeWorkspaceText(s.path, s.content);
    }
  } catch (err) {
    for (const real of touched) {
      const before = original.get(real);
      const s = state.get(real)!;
      try {
        if (before === null || before === undefined) await Deno.remove(real).catch(ignoreNotFound);
        else await writeWorkspaceText(s.path, before);
      } catch { /* best effort: report the original failure */ }
    }
    throw new OpenClawError("PATCH_WRITE_FAILED", `Cannot apply patch: ${(err as Error).message}`, {
      cause: err,
      hint: "No file was changed; fix the cause (permissions, disk space) and retry",
    });
  }
  const summary = [
    ...added.map((f) => `A ${f}`),
    ...modified.map((f) => `M ${f}`),
    ...deleted.map((f) => `D ${f}`),
  ].join("\n");
  return { ok: true, added, modified, deleted, summary };
}

function ignoreNotFound(err: unknown): void {
  if (!(err instanceof Deno.errors.NotFound)) throw err;
}

const ApplyPatchArgsSchema = z.object({
  input: z.string().describe("The patch, from *** Begin Patch to *** End Patch"),
});

/** Creates the `apply_patch` tool. */
export function createApplyPatchTool(): ToolDefinition<z.infer<typeof ApplyPatchArgsSchema>> {
  return {
    name: "apply_patch",
    group: "fs",
    description: "Apply a patch to workspace files: *** Begin Patch, then per file *** Add File: " +
      "<path> (lines prefixed +), *** Delete File: <path>, or *** Update File: <path> with @@ " +
      "hunks (' ' context, '-' removed, '+' added), then *** End Patch. All files change or none.",
    inputSchema: ApplyPatchArgsSchema,
    execute: (args, ctx: ToolContext) => applyPatch(ctx.workspace, args.input),
  };
}
