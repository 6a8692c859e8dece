/**
 * SecretRef identity and display: the `source:provider:id` key a snapshot is indexed by and that
 * error messages quote.
 *
 * @module
 */
import type { SecretRef } from "../config/secret_ref.ts";

export type { SecretRef } from "../config/secret_ref.ts";
export { isSecretRef } from "../config/secret_ref.ts";

/** Returns the snapshot key of a ref, e.g. `file:filemain:/providers/openai/apiKey`. */
export function secretRefKey(ref: SecretRef): string {
  return `${ref.source}:${ref.provider}:${ref.id}`;
}

/** Returns a copy of `ref` with only the three ref fields (drops anything extra). */
export function normalizeSecretRef(ref: SecretRef): SecretRef {
  return { source: ref.source, provider: ref.provider, id: ref.id };
}
