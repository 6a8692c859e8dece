/**
 * Confines file-tool paths to the agent's workspace. A path is resolved against the workspace,
 * `.` and `..` are folded, and then the real path of its nearest existing ancestor decides: a
 * symlink anywhere on the way that leads outside (or a dangling one) is refused, so the tools
 * never read or write through a link out of the workspace.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";

/** A path inside the workspace. */
export interface WorkspacePath {
  /** The path as the caller gave it. */
  input: string;
  /** Real absolute path (symlinks of existing parts resolved). */
  real: string;
  /** Path relative to the workspace root, for results. */
  relative: string;
}

/** Folds `.`, `..` and duplicate slashes of an absolute path. */
export function normalizeAbsolute(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return "/" + out.join("/");
}

function outside(input: string, real: string, workspace: string): OpenClawError {
  return new OpenClawError(
    "PATH_OUTSIDE_WORKSPACE",
    `Cannot access "${input}": it resolves to ${real}, outside the workspace ${workspace}`,
    { hint: "File tools only work inside the agent workspace; use a path within it" },
  );
}

function within(path: string, root: string): boolean {
  return path === root || path.startsWith(root === "/" ? "/" : `${root}/`);
}

/**
 * Resolves `input` inside `workspace`.
 *
 * @throws {OpenClawError} `PATH_OUTSIDE_WORKSPACE` when it (or a symlink on the way) leads out;
 *   `PATH_INVALID` for an empty path or a dangling symlink; `WORKSPACE_MISSING` when the
 *   workspace itself does not exist.
 */
export async function resolveWorkspacePath(
  workspace: string,
  input: string,
): Promise<WorkspacePath> {
  if (typeof input !== "string" || input.trim() === "" || input.includes("\0")) {
    throw new OpenClawError("PATH_INVALID", `Cannot use path "${input}": it is empty or invalid`, {
      hint: "Pass a file path relative to the workspace",
    });
  }
  let root: string;
  try {
    root = await Deno.realPath(workspace);
  } catch (err) {
    throw new OpenClawError(
      "WORKSPACE_MISSING",
      `Cannot open the workspace ${workspace}: it does not exist`,
      {
        cause: err,
        hint: "Run `openclaw setup` to create it",
      },
    );
  }
  const trimmed = input.trim();
  const base = normalizeAbsolute(workspace);
  const lexical = normalizeAbsolute(trimmed.startsWith("/") ? trimmed : `${base}/${trimmed}`);
  // An absolute path naming the workspace by its configured (possibly symlinked) location is
  // fine; anything else must end up under the real root.
  const candidate = within(lexical, base) ? root + lexical.slice(base.length) : lexical;
  const tail: string[] = [];
  let probe = candidate;
  while (true) {
    let info: Deno.FileInfo | undefined;
    try {
      info = await Deno.lstat(probe);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory)) {
        throw err;
      }
    }
    if (info) {
      let real: string;
      try {
        real = await Deno.realPath(probe);
      } catch (err) {
        throw new OpenClawError(
          "PATH_INVALID",
          `Cannot use "${input}": ${probe} is a dangling symlink`,
          { cause: err, hint: "Remove the link or point it at a file inside the workspace" },
        );
      }
      const full = tail.length > 0 ? normalizeAbsolute(`${real}/${tail.join("/")}`) : real;
      if (!within(full, root)) throw outside(input, full, workspace);
      const relative = full === root ? "." : full.slice(root.length + (root === "/" ? 0 : 1));
      return { input, real: full, relative };
    }
    if (probe === "/") throw outside(input, candidate, workspace);
    const i = probe.lastIndexOf("/");
    tail.unshift(probe.slice(i + 1));
    probe = i === 0 ? "/" : probe.slice(0, i);
  }
}
