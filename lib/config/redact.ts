/**
 * Redaction of config snapshots sent to clients (`config.get`), and restoring the redaction
 * sentinel when a client sends a snapshot back (`config.set`/`apply`/`patch`).
 *
 * @module
 */
import { collectSecretStrings, isSecretRef, isSensitiveKey } from "./schema.ts";
import { formatConfigPath, getAtPath, type PathSegment } from "./path.ts";

/** What secrets are replaced with; sent back unchanged, it means "keep the current value". */
export const REDACTED_SENTINEL = "__OPENCLAW_REDACTED__";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Returns a copy of `value` with every plaintext string under a credential key redacted. */
export function redactConfigObject(value: unknown, sensitive = false): unknown {
  if (typeof value === "string") return sensitive ? REDACTED_SENTINEL : value;
  if (Array.isArray(value)) return value.map((v) => redactConfigObject(v, sensitive));
  if (!isRecord(value)) return value;
  if (isSecretRef(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = redactConfigObject(v, sensitive || isSensitiveKey(k));
  }
  return out;
}

/** Returns config text with every plaintext secret found in `config` replaced by the sentinel. */
export function redactConfigText(text: string, config: unknown): string {
  let out = text;
  for (const secret of collectSecretStrings(config)) {
    out = out.split(secret).join(REDACTED_SENTINEL);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) out = out.split(escaped).join(REDACTED_SENTINEL);
  }
  return out;
}

/** Returns the paths in `value` whose string value is the redaction sentinel. */
export function findSentinelPaths(value: unknown, at: PathSegment[] = []): PathSegment[][] {
  if (value === REDACTED_SENTINEL) return [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => findSentinelPaths(v, [...at, i]));
  if (isRecord(value)) {
    return Object.entries(value).flatMap(([k, v]) => findSentinelPaths(v, [...at, k]));
  }
  return [];
}

/**
 * Returns `{ path, value }` for every sentinel in `incoming`, with the value taken from
 * `current` (the config as written, so `${VAR}` references survive).
 *
 * @throws {Error} naming the path when there is no current value to restore.
 */
export function sentinelRestorations(
  incoming: unknown,
  current: unknown,
): { path: PathSegment[]; value: unknown }[] {
  return findSentinelPaths(incoming).map((path) => {
    const hit = getAtPath(current, path);
    if (!hit.found) {
      throw new Error(
        `cannot restore redacted value at ${
          formatConfigPath(path)
        }: it is not set in the current config`,
      );
    }
    return { path, value: hit.value };
  });
}
