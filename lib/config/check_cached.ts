/**
 * Checking a config the way the gateway does at start and on reload: the schema-free steps
 * (lib/config/check.ts), then the strict schema -- unless the validation cache
 * (lib/config/validated_cache.ts) holds this very config, validated by this very schema. The
 * schema runs only on a miss, and then in a short-lived child process
 * (lib/config/schema_isolated.ts), so the gateway never keeps its object graph.
 *
 * @module
 */
import { resolveConfigPath } from "../paths.ts";
import { type ConfigCheck, type LoadOptions, resolveConfigText } from "./check.ts";
import { readConfigFile } from "./read.ts";
import { validateConfigIsolated } from "./schema_isolated.ts";
import { readValidatedCache, validatedCacheKey, writeValidatedCache } from "./validated_cache.ts";

/** Options of {@linkcode checkConfigCached}. */
export interface CachedCheckOptions extends LoadOptions {
  /** Where the cache lives; without it the schema always runs. */
  stateDir?: string;
  /** Told when storing the cache failed (the check itself does not fail for it). */
  onCacheError?: (err: unknown) => void;
}

/** How a check was answered: from the cache, by the schema, or by the schema with no cache. */
export type CacheOutcome = "hit" | "miss" | "off";

/**
 * Reads and checks the config file, reporting problems instead of throwing for them.
 *
 * @param options The path, environment, `applyEnv` and the cache's state directory.
 * @returns The check (as lib/config/load.ts's `checkConfig`), and how it was answered.
 */
export async function checkConfigCached(
  options: CachedCheckOptions = {},
): Promise<ConfigCheck & { cache: CacheOutcome }> {
  const path = options.path ?? resolveConfigPath(options.env);
  const file = await readConfigFile(path);
  return { file, ...await checkConfigTextCached(file.text, path, options) };
}

/**
 * Checks config text already read (as lib/config/load.ts's `checkConfigText`), through the
 * cache.
 *
 * @param text The config file's text.
 * @param path The config file's path.
 * @param options The environment, `applyEnv` and the cache's state directory.
 * @returns The check without its file, and how it was answered.
 */
export async function checkConfigTextCached(
  text: string,
  path: string,
  options: Omit<CachedCheckOptions, "path"> = {},
): Promise<Omit<ConfigCheck, "file"> & { cache: CacheOutcome }> {
  const pre = resolveConfigText(text, path, options);
  if (!pre.ok) return { valid: false, issues: pre.issues, legacy: [], cache: "off" };
  const { resolved, legacy } = pre;
  const stateDir = options.stateDir;
  const key = stateDir === undefined ? undefined : validatedCacheKey(resolved);
  if (stateDir !== undefined && key !== undefined) {
    const cached = await readValidatedCache(stateDir, key);
    if (cached) return { valid: true, issues: [], legacy, resolved, config: cached, cache: "hit" };
  }
  const result = await validateConfigIsolated(resolved);
  const cache: CacheOutcome = key === undefined ? "off" : "miss";
  if (!result.ok) return { valid: false, issues: result.issues, legacy, resolved, cache };
  if (stateDir !== undefined && key !== undefined) {
    writeValidatedCache(stateDir, key, result.config).catch((err) => options.onCacheError?.(err));
  }
  return { valid: true, issues: [], legacy, resolved, config: result.config, cache };
}
