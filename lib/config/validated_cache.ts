/**
 * A cache of the last config the strict schema accepted, so a gateway start with an unchanged
 * config does not build the schema (tens of ms and ~13 MB of zod objects) to learn what it
 * learnt last time. One file, `<stateDir>/cache/validated-config.json` (0600: it holds what the
 * config holds, secrets included), with the validated output and a key:
 * SHA-256 of the schema's identity (scripts/config_schema_id.ts), the program version and the
 * resolved config (after `$include`, `env` and `${VAR}`, so an environment change is a miss).
 *
 * Only outputs that survive a JSON round trip exactly are stored -- anything else (an
 * `undefined` value, a non-finite number, a class instance) is simply not cached. A missing,
 * unreadable or foreign file is a miss, never an error. The cache is written without fsync: a
 * lost or torn write is a miss on the next start.
 *
 * @module
 */
import { sha256Hex } from "../crypto/sha256.ts";
import { joinPath } from "../paths.ts";
import { VERSION } from "../version.ts";
import { CONFIG_SCHEMA_ID } from "./schema_id.generated.ts";
import type { OpenClawConfig } from "./schema.ts";

/** The cache file's name under `<stateDir>/cache/`. */
export const VALIDATED_CONFIG_FILE = "validated-config.json";

/** Refuse to read a cache file bigger than this (a config is kilobytes). */
const MAX_CACHE_BYTES = 4 * 1024 * 1024;

interface CacheFile {
  key: string;
  config: OpenClawConfig;
}

/** The cache file's path for a state directory. */
export function validatedCachePath(stateDir: string): string {
  return joinPath(stateDir, "cache", VALIDATED_CONFIG_FILE);
}

/**
 * JSON text of `value`, or undefined when a JSON round trip would change it (a non-finite number,
 * `undefined`, a Date or other class instance).
 */
export function exactJson(value: unknown): string | undefined {
  let exact = true;
  // The holder's own value, not the replacer's argument: `toJSON` (a Date's) has already run
  // on that one, and a Date would come back from the cache as a string.
  const text = JSON.stringify(value, function (this: unknown, key: string, serialized: unknown) {
    const v = key === "" ? value : (this as Record<string, unknown>)[key];
    if (v === undefined || typeof v === "function" || typeof v === "symbol") exact = false;
    else if (typeof v === "number" && !Number.isFinite(v)) exact = false;
    else if (typeof v === "bigint") {
      exact = false;
      return null;
    } else if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) exact = false;
    }
    return serialized;
  });
  return exact ? text : undefined;
}

/**
 * The cache key of a resolved config, or undefined when it cannot be keyed exactly.
 *
 * @param resolved The config after `$include`, `env` and `${VAR}`.
 * @returns A hex SHA-256, or undefined.
 */
export function validatedCacheKey(resolved: unknown): string | undefined {
  const json = exactJson(resolved);
  if (json === undefined) return undefined;
  // lib/crypto's SHA-256, not WebCrypto: the first `crypto.subtle` call costs 1-3 ms on a start.
  return sha256Hex(`${CONFIG_SCHEMA_ID}\n${VERSION}\n${json}`);
}

/**
 * The validated config stored for `key`, if the cache holds it.
 *
 * @param stateDir The state directory.
 * @param key From {@linkcode validatedCacheKey}.
 * @returns The config the schema produced last time, or undefined (a miss).
 */
export async function readValidatedCache(
  stateDir: string,
  key: string,
): Promise<OpenClawConfig | undefined> {
  try {
    const path = validatedCachePath(stateDir);
    const stat = await Deno.stat(path);
    if (!stat.isFile || stat.size > MAX_CACHE_BYTES) return undefined;
    const parsed = JSON.parse(await Deno.readTextFile(path)) as Partial<CacheFile> | null;
    if (parsed === null || typeof parsed !== "object" || parsed.key !== key) return undefined;
    const config = parsed.config;
    return typeof config === "object" && config !== null && !Array.isArray(config)
      ? config
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stores the schema's output for `key` (atomic rename, no fsync). Outputs that a JSON round
 * trip would change are not stored.
 *
 * @param stateDir The state directory.
 * @param key From {@linkcode validatedCacheKey}.
 * @param config What the strict schema returned.
 * @returns True when stored.
 */
export async function writeValidatedCache(
  stateDir: string,
  key: string,
  config: OpenClawConfig,
): Promise<boolean> {
  const json = exactJson(config);
  if (json === undefined) return false;
  const path = validatedCachePath(stateDir);
  const dir = joinPath(stateDir, "cache");
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const rand = crypto.getRandomValues(new Uint32Array(1))[0].toString(36);
  const tmp = `${path}.${Deno.pid}.${rand}.tmp`;
  try {
    await Deno.writeTextFile(tmp, `{"key":"${key}","config":${json}}`, {
      createNew: true,
      mode: 0o600,
    });
    if (Deno.build.os !== "windows") await Deno.chmod(tmp, 0o600);
    await Deno.rename(tmp, path);
    return true;
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}
