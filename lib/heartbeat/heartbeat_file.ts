/**
 * HEARTBEAT.md, the checklist in the agent's workspace that tells each heartbeat what to check.
 * An effectively empty file (only blank lines, headings, empty list items, fence markers and
 * HTML comments) skips the heartbeat without a model call; a missing file does not (the model
 * decides).
 *
 * @module
 */
import { joinPath } from "../paths.ts";

/** The checklist's file name in the workspace. */
export const HEARTBEAT_FILE = "HEARTBEAT.md";
/** Larger files are read only this far (the prompt could not hold more anyway). */
const MAX_READ_CHARS = 64 * 1024;

/**
 * True when `content` has nothing to act on: every line, once HTML comments are removed, is
 * blank, an ATX heading, an empty list item (`-`, `* [ ]`) or a code fence marker.
 *
 * @example
 * ```ts
 * isHeartbeatContentEffectivelyEmpty("# Heartbeat Checklist\n\n- \n"); // true
 * isHeartbeatContentEffectivelyEmpty("- check the inbox"); // false
 * ```
 */
export function isHeartbeatContentEffectivelyEmpty(content: string): boolean {
  const text = content.replace(/<!--[\s\S]*?(?:-->|$)/g, "");
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "") continue;
    if (/^#+(\s|$)/.test(line)) continue;
    if (/^[-*+]\s*(\[[\sXx]?\]\s*)?$/.test(line)) continue;
    if (/^```[A-Za-z0-9_-]*$/.test(line)) continue;
    return false;
  }
  return true;
}

/** HEARTBEAT.md as read from a workspace. */
export type HeartbeatFile =
  | { exists: false }
  | { exists: true; content: string; empty: boolean };

/**
 * Reads `<workspace>/HEARTBEAT.md`. Unreadable counts as missing.
 *
 * @param workspace The agent's workspace directory.
 * @returns Whether it exists, its (bounded) content and whether it is effectively empty.
 */
export async function readHeartbeatFile(workspace: string): Promise<HeartbeatFile> {
  const path = joinPath(workspace, HEARTBEAT_FILE);
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) return { exists: false };
    using file = await Deno.open(path, { read: true });
    const buf = new Uint8Array(Math.min(info.size, MAX_READ_CHARS * 4));
    let off = 0;
    while (off < buf.length) {
      const n = await file.read(buf.subarray(off));
      if (n === null) break;
      off += n;
    }
    const content = new TextDecoder().decode(buf.subarray(0, off)).slice(0, MAX_READ_CHARS);
    return { exists: true, content, empty: isHeartbeatContentEffectivelyEmpty(content) };
  } catch {
    return { exists: false };
  }
}
