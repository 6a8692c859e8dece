/**
 * Loading a validated config: read -> JSON5 -> `$include` -> config `env` block -> `${VAR}` -> legacy
 * check -> strict schema. Invalid configs become one error listing every problem by path.
 *
 * @module
 */
import { resolveConfigPath } from "../paths.ts";
import {
  type ConfigCheck,
  type ConfigIssue,
  formatIssueLines,
  invalidConfigError,
  type LoadOptions,
  resolveConfigText,
} from "./check.ts";
import { readConfigFile } from "./read.ts";
import type { ConfigFile } from "./read.ts";
import { formatConfigIssues, OpenClawConfigSchema } from "./schema.ts";
import type { OpenClawConfig } from "./schema.ts";

export { formatIssueLines, invalidConfigError };
export type { ConfigCheck, ConfigIssue, LoadOptions };

/** A config file with its parsed, validated content. */
export interface LoadedConfig {
  file: ConfigFile;
  /** The config after `$include` and `${VAR}`, before defaults. */
  resolved: unknown;
  /** The validated config with defaults. */
  config: OpenClawConfig;
}

/** Validates an already-resolved config object. */
export function validateConfigObject(
  resolved: unknown,
): { ok: true; config: OpenClawConfig } | { ok: false; issues: ConfigIssue[] } {
  const result = OpenClawConfigSchema.safeParse(resolved);
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, issues: formatConfigIssues(result.error) };
}

/** Validates config text, reporting problems instead of throwing for them. */
export function checkConfigText(
  text: string,
  path: string,
  options: Pick<LoadOptions, "env" | "applyEnv"> = {},
): Omit<ConfigCheck, "file"> {
  const pre = resolveConfigText(text, path, options);
  if (!pre.ok) return { valid: false, issues: pre.issues, legacy: [] };
  const { resolved, legacy } = pre;
  const result = validateConfigObject(resolved);
  if (!result.ok) return { valid: false, issues: result.issues, legacy, resolved };
  return { valid: true, issues: [], legacy, resolved, config: result.config };
}

/** Reads and validates the config file, reporting problems instead of throwing for them. */
export async function checkConfig(options: LoadOptions = {}): Promise<ConfigCheck> {
  const path = options.path ?? resolveConfigPath(options.env);
  const file = await readConfigFile(path);
  return { file, ...checkConfigText(file.text, path, options) };
}

/**
 * Loads and validates the config.
 *
 * @throws {OpenClawError} `CONFIG_INVALID` (exit 78) listing every problem by path;
 *   `CONFIG_UNREADABLE` when the file cannot be read.
 */
export async function loadConfig(options: LoadOptions = {}): Promise<LoadedConfig> {
  const check = await checkConfig(options);
  if (!check.valid || !check.config) throw invalidConfigError(check);
  return { file: check.file, resolved: check.resolved, config: check.config };
}
