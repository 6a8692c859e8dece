/**
 * The SecretRef shape as a plain type and guard, so code that only needs to recognise a ref
 * (CLI clients, redaction) does not load the zod schema.
 *
 * @module
 */

/** `{ source, provider, id }`: where a credential is resolved from instead of the config. */
export interface SecretRef {
  source: "env" | "file" | "exec";
  provider: string;
  id: string;
}

/** Returns true when `v` has the shape of a SecretRef. */
export function isSecretRef(v: unknown): v is SecretRef {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  return (r.source === "env" || r.source === "file" || r.source === "exec") &&
    typeof r.provider === "string" && typeof r.id === "string";
}
