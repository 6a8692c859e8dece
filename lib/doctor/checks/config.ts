/**
 * Config checks: legacy keys (explained, and migrated by `--fix` with comment-keeping edits)
 * and validity (a syntax error as its line and column, schema problems as `- path: message`).
 * Unknown keys are reported, never dropped: a typo may hold a value the user wants to keep, so
 * removing it is their call.
 *
 * @module
 */
import { detectLegacyKeys } from "../../config/legacy.ts";
import { migrateLegacyConfigText, planLegacyEdits } from "../../config/legacy_edits.ts";
import { parseConfigText } from "../../config/read.ts";
import { UNKNOWN_KEY_MESSAGE } from "../../config/schema/issues.ts";
import { openclawCommand, shortenHome } from "../../paths.ts";
import {
  type ConfigSyntaxError,
  findConfigSyntaxError,
  formatSyntaxError,
} from "../config_syntax.ts";
import type { ConfigSnapshot, DoctorCheck, DoctorContext, DoctorFinding } from "../types.ts";

function covers(path: string, issuePath: string): boolean {
  return issuePath === path || issuePath.startsWith(path + ".") || issuePath.startsWith(path + "[");
}

function parseMain(snap: ConfigSnapshot): unknown {
  try {
    return parseConfigText(snap.text, snap.path);
  } catch {
    return undefined;
  }
}

/** A repair that works on a file that does not parse: edit the line, or restore the `.bak`. */
function syntaxFix(ctx: DoctorContext, e: ConfigSyntaxError): string {
  const where = shortenHome(ctx.config.path, ctx.env);
  const edit = `Edit ${where} at line ${e.line} (often a missing comma, quote or closing ` +
    `brace there or on the line before), then run: ${openclawCommand("doctor", ctx.env)}`;
  const bak = `${ctx.config.path}.bak`;
  let backup: string | undefined;
  try {
    backup = Deno.readTextFileSync(bak);
  } catch { /* no backup to offer */ }
  if (backup === undefined || backup.trim() === "" || findConfigSyntaxError(backup)) return edit;
  return `${edit}; or go back to the last good copy: cp ${shortenHome(bak, ctx.env)} ${where}`;
}

function syntaxFinding(ctx: DoctorContext, e: ConfigSyntaxError): DoctorFinding {
  return {
    severity: "error",
    message: formatSyntaxError(e),
    path: ctx.config.path,
    fix: syntaxFix(ctx, e),
  };
}

/** `config.legacy`: keys from older releases, and what `--fix` does with each. */
export const configLegacyCheck: DoctorCheck = {
  id: "config.legacy",
  title: "Legacy config keys",
  order: 10,
  safeFix: true,
  needsConfig: true,
  run(ctx) {
    const snap = ctx.config;
    if (!snap.exists) return Promise.resolve({ skip: "No config file yet" });
    const main = parseMain(snap);
    if (main === undefined) {
      return Promise.resolve({ skip: "Skipped: the config does not parse (see Config validity)" });
    }
    const issues = snap.check?.issues ?? [];
    const plan = planLegacyEdits(main);
    const findings: DoctorFinding[] = detectLegacyKeys(snap.check?.resolved ?? main).map((l) => ({
      severity: l.severity === "info"
        ? "info"
        : issues.some((i) => covers(l.path, i.path))
        ? "error"
        : "warn",
      message: l.message,
      path: l.path,
      fix: l.severity === "legacy" ? `doctor --fix: ${l.fix}` : l.fix,
      fixable: l.severity === "legacy" && plan.edits.length > 0,
    }));
    for (const m of plan.manual) {
      findings.push({ severity: "warn", message: m, fix: "Edit the config by hand" });
    }
    if (!findings.length) findings.push({ severity: "info", message: "No legacy keys" });
    return Promise.resolve(findings);
  },
  async fix(ctx) {
    let changes: string[] = [];
    await ctx.editConfig("Migrate legacy config keys", (text) => {
      const result = migrateLegacyConfigText(text, ctx.configPath);
      changes = result.changes;
      return result.text;
    });
    return changes;
  },
};

/** `config.valid`: does the config pass the schema, and exactly what fails. */
export const configValidCheck: DoctorCheck = {
  id: "config.valid",
  title: "Config validity",
  order: 20,
  run(ctx) {
    const snap = ctx.config;
    const where = shortenHome(snap.path, ctx.env);
    if (!snap.exists) {
      return Promise.resolve([{
        severity: "warn",
        message: `No config file at ${where}; the gateway will not start until one exists`,
        fix: "openclaw setup",
      }]);
    }
    if (snap.syntaxError) return Promise.resolve([syntaxFinding(ctx, snap.syntaxError)]);
    if (snap.readError || !snap.check) {
      return Promise.resolve([{
        severity: "error",
        message: snap.readError ?? "Cannot read the config",
        path: snap.path,
        fix: `Check the permissions of ${where}`,
      }]);
    }
    const check = snap.check;
    if (check.valid) {
      return Promise.resolve([{ severity: "info", message: `Config valid: ${where}` }]);
    }
    const legacyPaths = check.legacy.filter((l) => l.severity === "legacy").map((l) => l.path);
    const findings: DoctorFinding[] = [];
    let fromLegacy = 0;
    for (const issue of check.issues) {
      if (legacyPaths.some((p) => covers(p, issue.path))) {
        fromLegacy++;
        continue;
      }
      const unknown = issue.message === UNKNOWN_KEY_MESSAGE;
      findings.push({
        severity: "error",
        path: issue.path,
        message: issue.message,
        fix: unknown
          ? `Fix the spelling, or remove it: openclaw config unset ${issue.path}`
          : "Correct the value; see openclaw config schema",
      });
    }
    if (fromLegacy) {
      findings.push({
        severity: "error",
        message: `${fromLegacy} more problem(s) come from legacy keys (see Legacy config keys)`,
        fix: "openclaw doctor --fix",
      });
    }
    return Promise.resolve(findings);
  },
};
