/** Shared set-up of the tool tests: a temp workspace and a tool context over it. */
import type { ToolContext } from "../../../lib/tools/types.ts";
import { tempDir } from "../../helpers.ts";

/** A temp workspace (and a sibling "outside" dir) removed on dispose. */
export interface TempWorkspace extends AsyncDisposable {
  root: string;
  workspace: string;
  outside: string;
}

/** Creates `<tmp>/ws` and `<tmp>/outside`. */
export async function tempWorkspace(): Promise<TempWorkspace> {
  const dir = await tempDir("openclaw-tools-");
  const root = dir.path;
  await Deno.mkdir(`${root}/ws`);
  await Deno.mkdir(`${root}/outside`);
  return {
    root,
    workspace: `${root}/ws`,
    outside: `${root}/outside`,
    [Symbol.asyncDispose]: () => dir[Symbol.asyncDispose](),
  };
}

/** A host tool context for `workspace`; `notes` collects `notify` calls. */
export function toolContext(
  workspace: string,
  overrides: Partial<ToolContext> = {},
): ToolContext & { notes: string[] } {
  const notes: string[] = [];
  return {
    agentId: "main",
    sessionKey: "agent:main:main",
    workspace,
    stateDir: workspace,
    surface: "agent",
    sandboxed: false,
    signal: new AbortController().signal,
    notify: (text: string) => notes.push(text),
    notes,
    ...overrides,
  };
}

/** Pids whose process group is `pgid`, with their state letter (Linux /proc). */
export function groupMembers(pgid: number): { pid: number; state: string }[] {
  const out: { pid: number; state: string }[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid) out.push({ pid: Number(e.name), state: fields[0] });
    } catch { /* exited while scanning */ }
  }
  return out;
}

/** True when `pid` is gone or a zombie (dead, waiting to be reaped). */
export function isDead(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

/** True on Linux with /proc (group checks need it). */
export const HAS_PROC = Deno.build.os === "linux" && (() => {
  try {
    Deno.statSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
})();
