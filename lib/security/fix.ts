/**
 * `security audit --fix`: the few changes that are always safe. It tightens file modes, turns
 * log redaction back on and closes open group policies; it never rotates secrets, disables
 * tools or touches bind/auth. Config edits go through the locked, comment-keeping writer (which
 * keeps a `.bak`).
 *
 * @module
 */
import { applyConfigEdits, type ConfigEdit } from "../config/edit.ts";
import { parseConfigText } from "../config/read.ts";
import { updateConfigText } from "../config/store.ts";
import { errorMessage } from "../errors.ts";
import { shortenHome } from "../paths.ts";
import { isObj, lstatOrUndefined, octal, posixModes } from "./_util.ts";
import type { AuditContext } from "./context.ts";
import { permissionTargets } from "./fs_checks.ts";

/** One thing `--fix` did or tried. */
export interface FixAction {
  kind: "chmod" | "config";
  /** A file path, or a dotted config path. */
  target: string;
  /** What changed, e.g. `644 -> 600` or `"off" -> "tools"`. */
  detail: string;
  ok: boolean;
  /** Why nothing was done, when nothing was. */
  skipped?: string;
  error?: string;
}

/** The `fix` section of `security audit --fix --json`. */
export interface FixResult {
  ok: boolean;
  actions: FixAction[];
}

/** Returns the config edits `--fix` makes to a config file's own (unresolved) content. */
export function planConfigFixes(raw: unknown): { edits: ConfigEdit[]; actions: FixAction[] } {
  const edits: ConfigEdit[] = [];
  const actions: FixAction[] = [];
  const set = (path: string[], from: string, to: string) => {
    edits.push({ op: "set", path, value: to });
    actions.push({
      kind: "config",
      target: path.join("."),
      detail: `"${from}" \u2192 "${to}"`,
      ok: true,
    });
  };
  if (!isObj(raw)) return { edits, actions };
  if (isObj(raw.logging) && raw.logging.redactSensitive === "off") {
    set(["logging", "redactSensitive"], "off", "tools");
  }
  const channels = isObj(raw.channels) ? raw.channels : {};
  for (const [id, block] of Object.entries(channels)) {
    if (!isObj(block)) continue;
    if (block.groupPolicy === "open") set(["channels", id, "groupPolicy"], "open", "allowlist");
    if (id === "defaults" || !isObj(block.accounts)) continue;
    for (const [acc, a] of Object.entries(block.accounts)) {
      if (isObj(a) && a.groupPolicy === "open") {
        set(["channels", id, "accounts", acc, "groupPolicy"], "open", "allowlist");
      }
    }
  }
  return { edits, actions };
}

async function fixConfig(ctx: AuditContext): Promise<FixAction[]> {
  const link = lstatOrUndefined(ctx.configPath);
  if (!link) return [];
  let planned: FixAction[] = [];
  if (link.isSymlink) {
    // Writing through the atomic rename would replace the link with a plain file.
    const { actions } = planConfigFixes(safeParse(ctx.configText, ctx.configPath));
    return actions.map((a) => ({ ...a, ok: false, skipped: "the config file is a symlink" }));
  }
  try {
    await updateConfigText(ctx.configPath, (current) => {
      const { edits, actions } = planConfigFixes(parseConfigText(current.text, ctx.configPath));
      planned = actions;
      if (!edits.length) return undefined;
      return applyConfigEdits(current.text, edits, ctx.configPath).text;
    });
    return planned;
  } catch (err) {
    const what = planned.length ? planned : [{
      kind: "config" as const,
      target: shortenHome(ctx.configPath, ctx.env),
      detail: "config edits",
      ok: false,
    }];
    return what.map((a) => ({ ...a, ok: false, error: errorMessage(err) }));
  }
}

function safeParse(text: string, path: string): unknown {
  try {
    return parseConfigText(text, path);
  } catch {
    return undefined;
  }
}

function fixModes(ctx: AuditContext): FixAction[] {
  const actions: FixAction[] = [];
  for (const t of permissionTargets(ctx)) {
    const info = lstatOrUndefined(t.path);
    const mode = info?.mode ?? 0;
    if (!info || (mode & 0o077) === 0) continue;
    const target = shortenHome(t.path, ctx.env);
    const detail = `${octal(mode)} \u2192 ${octal(t.mode)}`;
    if (!posixModes()) {
      actions.push({
        kind: "chmod",
        target,
        detail,
        ok: false,
        skipped: "not supported on Windows",
      });
      continue;
    }
    try {
      Deno.chmodSync(t.path, t.mode);
      actions.push({ kind: "chmod", target, detail, ok: true });
    } catch (err) {
      actions.push({ kind: "chmod", target, detail, ok: false, error: errorMessage(err) });
    }
  }
  return actions;
}

/** Applies the safe fixes; config edits first, then file modes. Never throws for one failure. */
export async function applySecurityFixes(ctx: AuditContext): Promise<FixResult> {
  const actions = [...await fixConfig(ctx), ...fixModes(ctx)];
  return { ok: actions.every((a) => a.ok || a.skipped !== undefined), actions };
}
