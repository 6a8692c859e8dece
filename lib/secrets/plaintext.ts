/**
 * Finding plaintext credentials by location: which paths of a config (or a state file) hold a
 * secret written out in full. Same rules as the log redactor (`collectSecretStrings`), but
 * reporting paths instead of values, so audits can say where without saying what.
 *
 * @module
 */
import { formatConfigPath, type PathSegment } from "../config/path.ts";
import { isSensitiveKey } from "../config/schema/secret_strings.ts";
import { isSecretRef } from "./ref.ts";

/** Where a plaintext secret sits. */
export interface PlaintextSecret {
  path: string;
  segments: PathSegment[];
  /** The key that marks it as a secret (for env-style blocks, the variable name). */
  key: string;
}

// `${VAR}` placeholders are references, not secrets.
const PLACEHOLDER = /\$\{[A-Z_][A-Z0-9_]*\}/;

/** Returns true when an environment variable name looks like it holds a secret. */
export function isSensitiveEnvName(name: string): boolean {
  return isSensitiveKey(name) || /(^|_)KEY(_|$)/i.test(name);
}

/** Returns true when `value` is a plaintext secret value (non-empty, not a `${VAR}`). */
export function isPlaintextValue(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "" && !PLACEHOLDER.test(value);
}

/**
 * Returns the paths of plaintext secrets in `root`: strings under credential keys (`apiKey`,
 * `botToken`, `password`, ...) and secret-looking variables in `env` blocks. SecretRefs and
 * `${VAR}` placeholders are not plaintext.
 */
export function findPlaintextSecrets(
  root: unknown,
  prefix: readonly PathSegment[] = [],
): PlaintextSecret[] {
  const out: PlaintextSecret[] = [];
  const visit = (node: unknown, segments: PathSegment[], envLike: boolean) => {
    if (isSecretRef(node)) return;
    if (Array.isArray(node)) {
      node.forEach((v, i) => visit(v, [...segments, i], false));
      return;
    }
    if (typeof node !== "object" || node === null) return;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const next = [...segments, key];
      if (typeof value === "string") {
        const sensitive = envLike ? isSensitiveEnvName(key) : isSensitiveKey(key);
        if (sensitive && isPlaintextValue(value)) {
          out.push({ path: formatConfigPath(next), segments: next, key });
        }
      } else {
        visit(value, next, key === "env" || (envLike && key === "vars"));
      }
    }
  };
  visit(root, [...prefix], false);
  return out;
}
