/**
 * Masking secret values out of text that is about to be shown (errors, resolver stderr).
 *
 * @module
 */

/** What a masked secret is replaced with. */
export const SECRET_MASK = "***";

// Masking very short strings would shred ordinary words in messages.
const MIN_MASK_LENGTH = 4;

/** Returns `text` with every occurrence of each secret (longest first) replaced by `***`. */
export function maskSecrets(text: string, secrets: Iterable<string>): string {
  const list = [...new Set(secrets)].filter((s) => s.length >= MIN_MASK_LENGTH)
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of list) out = out.split(s).join(SECRET_MASK);
  return out;
}
