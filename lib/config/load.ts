/**
 * Loading a validated config: read → JSON5 → `$include` → config `env` block → `${VAR}` → legacy
 * check → strict schema. Invalid configs become one error listing every problem by path.
 *
 * @module
 */
import { applyConfigEnv, configEnvVars } from "../env.ts";
import { ExitCode, OpenClawError } from "../errors.ts";
import { type Env, processEnv, resolveConfigPath } from "../paths.ts";
import { detectLegacyKeys, type LegacyFinding } from "./legacy.ts";
import { parseConfigText, readConfigFile, resolveIncludes, substituteEnvVars } from "./read.ts";
import type { ConfigFile } from "./read.ts";
import { formatConfigIssues, OpenClawConfigSchema } from "./schema.ts";
import type { OpenClawConfig } from "./schema.ts";

/** One problem in a config, by dotted path. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** A config file with its parsed, validated content. */
export interface LoadedConfig {
  file: ConfigFile;
  /** The config after `$include` and `${VAR}`, before defaults. */
  resolved: unknown;
  /** The validated config with defaults. */
  config: OpenClawConfig;
}

/** The outcome of checking a config without throwing. */
export interface ConfigCheck {
  file: ConfigFile;
  valid: boolean;
  issues: ConfigIssue[];
  legacy: LegacyFinding[];
  resolved?: unknown;
  config?: OpenClawConfig;
}

/** Validates an already-resolved config object. */
export function validateConfigObject(
  resolved: unknown,
): { ok: true; config: OpenClawConfig } | { ok: false; issues: ConfigIssue[] } {
  const result = OpenClawConfigSchema.safeParse(resolved);
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, issues: formatConfigIssues(result.error) };
}

/** Options for {@linkcode checkConfig} and {@linkcode loadConfig}. */
export interface LoadOptions {
  /** @default resolveConfigPath() */
  path?: string;
  env?: Env;
  /** Apply the config's `env` block to the process environment first. @default true */
  applyEnv?: boolean;
}

/** Validates config text, reporting problems instead of throwing for them. */
export function checkConfigText(
  text: string,
  path: string,
  options: Pick<LoadOptions, "env" | "applyEnv"> = {},
): Omit<ConfigCheck, "file"> {
  let resolved: unknown;
  try {
    const parsed = resolveIncludes(parseConfigText(text, path), path);
    const block = typeof parsed === "object" && parsed !== null
      ? (parsed as Record<string, unknown>).env
      : undefined;
    if (options.applyEnv !== false) applyConfigEnv(block);
    // Variables from the config's own env block count for substitution even when they are not
    // applied to this process (e.g. when checking an edit before writing it).
    const env = { ...configEnvVars(block), ...(options.env ?? processEnv()) };
    resolved = substituteEnvVars(parsed, env);
  } catch (err) {
    if (!(err instanceof OpenClawError)) throw err;
    const where = (err.details as { path?: string } | undefined)?.path ?? "<root>";
    return { valid: false, issues: [{ path: where, message: err.message }], legacy: [] };
  }
  const legacy = detectLegacyKeys(resolved);
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

/** Formats issues as the `- <path>: <message>` lines users see. */
export function formatIssueLines(issues: readonly ConfigIssue[]): string {
  return issues.map((i) => `- ${i.path}: ${i.message}`).join("\n");
}

/** Builds the error for an invalid config (exit 78). */
export function invalidConfigError(check: ConfigCheck): OpenClawError {
  const lines = [formatIssueLines(check.issues)];
  for (const l of check.legacy) lines.push(`- ${l.path}: ${l.message}`);
  return new OpenClawError(
    "CONFIG_INVALID",
    `Invalid config at ${check.file.path}:\n${lines.join("\n")}`,
    {
      exitCode: ExitCode.config,
      hint: 'Run "openclaw doctor" to repair, then retry.',
      details: { path: check.file.path, issues: check.issues, legacy: check.legacy },
    },
  );
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
