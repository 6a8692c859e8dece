/**
 * CLI backends as configuration: the built-in `claude-cli` and `codex-cli` defaults and the
 * overrides in `agents.defaults.cliBackends.<id>` (stock's key names: `command`, `args`,
 * `output`, `input`, `modelArg`, `modelAliases`, `systemPromptArg`, `env`, `clearEnv`).
 *
 * One deliberate difference from stock: the default `claude` arguments leave out
 * `--dangerously-skip-permissions`. The seed describes CLI backends as a text-only fallback
 * without tools, and in `-p` mode a permission request is simply refused. Users who want stock's
 * behaviour set `args` themselves.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import type { CliBackendConfig } from "./types.ts";

const CLAUDE_MODEL_ALIASES: Record<string, string> = {
  opus: "opus",
  "opus-4.6": "opus",
  "opus-4.5": "opus",
  "opus-4": "opus",
  "claude-opus-4-6": "opus",
  "claude-opus-4-5": "opus",
  "claude-opus-4": "opus",
  sonnet: "sonnet",
  "sonnet-4.5": "sonnet",
  "sonnet-4.1": "sonnet",
  "sonnet-4.0": "sonnet",
  "claude-sonnet-4-5": "sonnet",
  "claude-sonnet-4-1": "sonnet",
  "claude-sonnet-4-0": "sonnet",
  haiku: "haiku",
  "haiku-4.5": "haiku",
  "haiku-3.5": "haiku",
  "claude-haiku-4-5": "haiku",
  "claude-haiku-3-5": "haiku",
};

/** Built-in CLI backends by provider id. */
export const BUILTIN_CLI_BACKENDS: Readonly<Record<string, CliBackendConfig>> = {
  "claude-cli": {
    command: "claude",
    args: ["-p", "--output-format", "json"],
    output: "json",
    input: "arg",
    modelArg: "--model",
    modelAliases: CLAUDE_MODEL_ALIASES,
    systemPromptArg: "--append-system-prompt",
    // An API key in the environment would make Claude Code bill the API instead of using the
    // user's login, which is the point of this fallback.
    clearEnv: ["ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY_OLD"],
    env: {},
  },
  "codex-cli": {
    command: "codex",
    args: ["exec", "--json", "--color", "never", "--sandbox", "read-only", "--skip-git-repo-check"],
    output: "jsonl",
    input: "arg",
    modelArg: "--model",
    modelAliases: {},
    clearEnv: [],
    env: {},
  },
};

function fieldError(id: string, key: string, expected: string): OpenClawError {
  return new OpenClawError(
    "MODEL_CLI_CONFIG_INVALID",
    `Invalid agents.defaults.cliBackends.${id}.${key}: expected ${expected}`,
    { hint: `Fix it with openclaw config set agents.defaults.cliBackends.${id}.${key} <value>` },
  );
}

function stringArray(id: string, key: string, v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
    throw fieldError(id, key, "an array of strings");
  }
  return v;
}

function stringRecord(id: string, key: string, v: unknown): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw fieldError(id, key, "an object of strings");
  }
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== "string") throw fieldError(id, `${key}.${k}`, "a string");
    out[k] = x;
  }
  return out;
}

function optionalString(id: string, key: string, v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw fieldError(id, key, "a string");
  return v;
}

function oneOfValue<T extends string>(id: string, key: string, v: unknown, allowed: T[]) {
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !allowed.includes(v as T)) {
    throw fieldError(id, key, `one of ${allowed.map((a) => `"${a}"`).join(", ")}`);
  }
  return v as T;
}

function mergeBackend(
  id: string,
  base: CliBackendConfig | undefined,
  o: Record<string, unknown>,
): CliBackendConfig {
  const command = (optionalString(id, "command", o.command) ?? base?.command ?? "").trim();
  if (!command) {
    throw new OpenClawError(
      "MODEL_CLI_CONFIG_INVALID",
      `Invalid agents.defaults.cliBackends.${id}.command: a custom CLI backend needs a command`,
      { hint: `Set agents.defaults.cliBackends.${id}.command to the program's path` },
    );
  }
  return {
    command,
    args: stringArray(id, "args", o.args) ?? base?.args ?? [],
    output: oneOfValue(id, "output", o.output, ["json", "jsonl", "text"]) ?? base?.output ??
      "text",
    input: oneOfValue(id, "input", o.input, ["arg", "stdin"]) ?? base?.input ?? "arg",
    modelArg: optionalString(id, "modelArg", o.modelArg) ?? base?.modelArg,
    modelAliases: {
      ...base?.modelAliases,
      ...stringRecord(id, "modelAliases", o.modelAliases),
    },
    systemPromptArg: optionalString(id, "systemPromptArg", o.systemPromptArg) ??
      base?.systemPromptArg,
    clearEnv: [
      ...new Set([...(base?.clearEnv ?? []), ...(stringArray(id, "clearEnv", o.clearEnv) ?? [])]),
    ],
    env: { ...base?.env, ...stringRecord(id, "env", o.env) },
  };
}

/**
 * Returns the CLI backends: the built-ins with any configured overrides, plus custom ones.
 *
 * @throws {OpenClawError} `MODEL_CLI_CONFIG_INVALID` naming the bad field.
 */
export function resolveCliBackends(
  configured: Record<string, Record<string, unknown>> | undefined,
): Map<string, CliBackendConfig> {
  const out = new Map<string, CliBackendConfig>();
  for (const [id, backend] of Object.entries(BUILTIN_CLI_BACKENDS)) out.set(id, backend);
  for (const [rawId, override] of Object.entries(configured ?? {})) {
    const id = rawId.trim().toLowerCase();
    out.set(id, mergeBackend(id, BUILTIN_CLI_BACKENDS[id], override ?? {}));
  }
  return out;
}
