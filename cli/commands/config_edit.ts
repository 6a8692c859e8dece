/**
 * The writing and checking half of `openclaw config`, loaded only when needed because it
 * brings in the schema.
 *
 * @module
 */
import { applyConfigEdits, type ConfigEdit } from "../../lib/config/edit.ts";
import {
  checkConfig,
  checkConfigText,
  type ConfigIssue,
  formatIssueLines,
} from "../../lib/config/load.ts";
import { formatConfigPath } from "../../lib/config/path.ts";
import { knownSecretValues, scrubSecretStrings } from "../../lib/config/redact.ts";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { updateConfigText } from "../../lib/config/store.ts";
import { loggingOptionsFromConfig } from "../../lib/log/from_config.ts";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import { resolveConfigPath, shortenHome } from "../../lib/paths.ts";
import { printErr, printJson, printLine } from "../output.ts";

/** What {@linkcode editConfig} did. */
export interface EditOutcome {
  configPath: string;
  changed: boolean;
  dryRun: boolean;
  /** `unset` paths that were not there. */
  missing: string[];
  /** Problems the config already had before this edit and still has. */
  remainingIssues: ConfigIssue[];
  /** The new text (dry runs only). */
  text?: string;
}

function issueKey(i: ConfigIssue): string {
  return `${i.path}\u0000${i.message}`;
}

/**
 * Applies edits under the config lock. An edit that would add a problem is refused and nothing
 * is written; problems the file already had do not block fixing something else.
 *
 * @throws {OpenClawError} `CONFIG_INVALID` listing the problems the edit would introduce.
 */
export async function editConfig(
  edits: ConfigEdit[],
  options: { dryRun?: boolean } = {},
): Promise<EditOutcome> {
  const configPath = resolveConfigPath();
  const outcome: EditOutcome = {
    configPath,
    changed: false,
    dryRun: options.dryRun ?? false,
    missing: [],
    remainingIssues: [],
  };
  let validated: OpenClawConfig | undefined;
  const update = await updateConfigText(configPath, (current) => {
    const { text, missing } = applyConfigEdits(current.text, edits, configPath);
    outcome.missing = missing;
    const before = current.exists
      ? checkConfigText(current.text, configPath, { applyEnv: false })
      : undefined;
    const after = checkConfigText(text, configPath, { applyEnv: false });
    const known = new Set(before?.issues.map(issueKey));
    // Issue messages may quote a value; no configured secret is printed with them.
    const secrets = knownSecretValues([before?.resolved, after.resolved]);
    const introduced = scrubSecretStrings(
      after.issues.filter((i) => !known.has(issueKey(i))),
      secrets,
    );
    if (introduced.length) {
      throw new OpenClawError(
        "CONFIG_INVALID",
        `Refusing to write ${shortenHome(configPath)}: the change would make the config invalid:\n${
          formatIssueLines(introduced)
        }`,
        {
          hint: "Nothing was written. Check the value against: openclaw config schema",
          details: { issues: introduced },
        },
      );
    }
    outcome.remainingIssues = scrubSecretStrings(after.issues, secrets);
    validated = after.config;
    if (outcome.dryRun) {
      outcome.text = text;
      return undefined;
    }
    return text;
  });
  outcome.changed = update.changed;
  if (update.changed) await logEdits(edits, validated);
  return outcome;
}

/** Records the edit in the file log: which paths changed, never their values. */
async function logEdits(edits: ConfigEdit[], config: OpenClawConfig | undefined): Promise<void> {
  const { configureLogging, getLogger } = await import("../../lib/log/mod.ts");
  await using _logging = await configureLogging(
    loggingOptionsFromConfig(config, { console: false }),
  );
  const changes = edits.map((e) => `${e.op} ${formatConfigPath(e.path)}`).join(", ");
  getLogger("config").info(`config updated via CLI: ${changes}`);
}

/** `config validate`: prints the verdict and returns the exit code (78 when invalid). */
export async function validateCommand(json: boolean): Promise<number> {
  const checked = await checkConfig({ applyEnv: true });
  const path = checked.file.path;
  // Issue messages may quote a value; no configured secret is printed with them.
  const check = {
    ...checked,
    issues: scrubSecretStrings(checked.issues, knownSecretValues([checked.resolved])),
  };
  if (!check.file.exists) {
    throw new OpenClawError("CONFIG_MISSING", `Config file not found: ${path}`, {
      hint: "Create it with: openclaw setup",
    });
  }
  if (json) {
    printJson({
      ok: check.valid,
      valid: check.valid,
      path,
      issues: check.issues,
      legacy: check.legacy,
    });
  } else if (check.valid) {
    printLine(`Config valid: ${path}`);
    for (const l of check.legacy) printErr(`note: ${l.path}: ${l.message}`);
  } else {
    printErr(`Invalid config at ${path}:`);
    printErr(formatIssueLines(check.issues));
    for (const l of check.legacy) printErr(`- ${l.path}: ${l.message} (fix: ${l.fix})`);
    printErr('Run "openclaw doctor" to repair, then retry.');
  }
  return check.valid ? ExitCode.ok : ExitCode.config;
}
