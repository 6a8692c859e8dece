/**
 * Environment layering: the parent process wins, then `./.env`, then `<stateDir>/.env`, then the
 * config's `env` block. A variable that is already set is never overridden.
 *
 * @module
 */
import { parse as parseDotenv } from "dotenv";
import { type Env, joinPath } from "./paths.ts";

/** Where a variable came from. */
export type EnvSource = "process" | "cwd-dotenv" | "state-dotenv" | "config";

/** One layer of variables, lowest precedence last when passed to {@linkcode layerEnv}. */
export interface EnvLayer {
  source: EnvSource;
  vars: Readonly<Record<string, string>>;
}

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A variable added by a layer, with where it came from. */
export interface LayeredVar {
  value: string;
  source: EnvSource;
}

/** Returns the variables `layers` add on top of `base`; earlier layers win, `base` always wins. */
export function layerEnv(base: Env, layers: readonly EnvLayer[]): Record<string, LayeredVar> {
  const added: Record<string, LayeredVar> = Object.create(null);
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.vars)) {
      if (!ENV_KEY.test(key) || base[key] !== undefined || key in added) continue;
      added[key] = { value, source: layer.source };
    }
  }
  return added;
}

/** Parses `.env` text into variables (no expansion, no side effects). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(parseDotenv(text))) out[k] = v;
  return out;
}

function readEnvFile(path: string): Record<string, string> {
  try {
    return parseEnvFile(Deno.readTextFileSync(path));
  } catch {
    // Missing, unreadable or a directory: there is nothing to load, and no command should fail
    // because of an optional file.
    return {};
  }
}

/**
 * Returns the variables of a config `env` block: inline string keys and `env.vars`, skipping
 * the `vars` and `shellEnv` keys themselves and anything that is not a string.
 */
export function configEnvVars(block: unknown): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (typeof block !== "object" || block === null || Array.isArray(block)) return out;
  const record = block as Record<string, unknown>;
  for (const [k, v] of Object.entries(record)) {
    if (k !== "vars" && k !== "shellEnv" && typeof v === "string") out[k] = v;
  }
  const vars = record.vars;
  if (typeof vars === "object" && vars !== null && !Array.isArray(vars)) {
    for (const [k, v] of Object.entries(vars)) if (typeof v === "string" && !(k in out)) out[k] = v;
  }
  return out;
}

/**
 * Loads `./.env` and `<stateDir>/.env` into the process environment without overriding anything
 * already set, and returns what was added with its source.
 */
export function loadDotenvFiles(stateDir: string, cwd = Deno.cwd()): Record<string, LayeredVar> {
  const layers: EnvLayer[] = [
    { source: "cwd-dotenv", vars: readEnvFile(joinPath(cwd, ".env")) },
    { source: "state-dotenv", vars: readEnvFile(joinPath(stateDir, ".env")) },
  ];
  return applyLayers(layers);
}

/** Applies a config `env` block to the process environment without overriding anything. */
export function applyConfigEnv(block: unknown): Record<string, LayeredVar> {
  return applyLayers([{ source: "config", vars: configEnvVars(block) }]);
}

function applyLayers(layers: EnvLayer[]): Record<string, LayeredVar> {
  const added = layerEnv(Deno.env.toObject(), layers);
  for (const [k, v] of Object.entries(added)) Deno.env.set(k, v.value);
  return added;
}
