/**
 * The schema-free half of checking a config: read -> JSON5 -> `$include` -> config `env` block ->
 * `${VAR}` -> legacy keys, and the shapes and messages of a check's outcome. The strict schema
 * (lib/config/schema.ts) is a large graph of zod objects -- tens of ms and ~13 MB to build -- so
 * this half lives apart: the gateway's start imports only it and builds the schema only when
 * its validation cache (lib/config/check_cached.ts) cannot answer.
 *
 * @module
 */
import { applyConfigEnv, configEnvVars } from "../env.ts";
import { ExitCode, OpenClawError } from "../errors.ts";
import { type Env, processEnv } from "../paths.ts";
import { detectLegacyKeys, type LegacyFinding } from "./legacy.ts";
import { parseConfigText, resolveIncludes, substituteEnvVars } from "./read.ts";
import type { ConfigFile } from "./read.ts";
import type { OpenClawConfig } from "./schema.ts";

/** One problem in a config, by dotted path. */
export interface ConfigIssue {
  path: string;
  message: string;
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

/** Options for checking and loading a config. */
export interface LoadOptions {
  /** @default resolveConfigPath() */
  path?: string;
  env?: Env;
  /** Apply the config's `env` block to the process environment first. @default true */
  applyEnv?: boolean;
}

/** A config text resolved up to (not including) the schema. */
export type ResolvedConfigText =
  | { ok: true; resolved: unknown; legacy: LegacyFinding[] }
  | { ok: false; issues: ConfigIssue[] };

/**
 * Parses config text and resolves `$include`, the `env` block and `${VAR}`; reports the first
 * problem of these steps as an issue instead of throwing.
 *
 * @param text The config file's text.
 * @param path The config file's path (for `$include` and messages).
 * @param options The environment, and whether to apply the config's `env` block to this process.
 * @returns The resolved object with its legacy findings, or the issue.
 */
export function resolveConfigText(
  text: string,
  path: string,
  options: Pick<LoadOptions, "env" | "applyEnv"> = {},
): ResolvedConfigText {
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
    return { ok: false, issues: [{ path: where, message: err.message }] };
  }
  return { ok: true, resolved, legacy: detectLegacyKeys(resolved) };
}

/**
 * Formats issues as the `- <path>: <message>` lines users see.
 *
 * @param issues The problems, in order.
 * @returns One line per issue.
 */
export function formatIssueLines(issues: readonly ConfigIssue[]): string {
  return issues.map((i) => `- ${i.path}: ${i.message}`).join("\n");
}

/**
 * Builds the error for an invalid config (exit 78).
 *
 * @param check The failed check.
 * @returns `CONFIG_INVALID`, listing every problem by path.
 */
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
