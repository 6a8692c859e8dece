/**
 * Finds the plaintext credentials in a config so the logger (and `config.get` redaction) can
 * mask them. Works on raw or parsed configs: it keys off field names, not the schema.
 *
 * @module
 */

// Substrings of a normalised key (lower case, letters and digits only) that mark a credential.
const SENSITIVE_PARTS = [
  "password",
  "passwd",
  "passphrase",
  "secret",
  "apikey",
  "privatekey",
  "accesskey",
  "signingkey",
  "authorization",
  "cookie",
  "credential",
];

// Keys that name where a secret lives or how it is used, not the secret itself
// (`tokenFile`, `passEnv`, `secretsDir`, `apiKeyEnv`, `secretPolicy`, …).
const NOT_A_VALUE = /(file|path|dir|env|command|mode|policy|url|ref|source|provider|enabled)$/;

/** Returns true when a config key (e.g. `botToken`, `apiKey`, `GROQ_API_KEY`) holds a secret. */
export function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (!k || NOT_A_VALUE.test(k)) return false;
  // "token" must end the key: `maxTokens` and `contextTokens` are counts.
  return k.endsWith("token") || SENSITIVE_PARTS.some((part) => k.includes(part));
}

/** Environment variable names: also `*_KEY` (e.g. `STRIPE_KEY`), common in `env` blocks. */
function isSensitiveEnvName(name: string): boolean {
  return isSensitiveKey(name) || /(^|_)KEY(_|$)/i.test(name);
}

// `${VAR}` placeholders are not secrets (the resolved value is, and is collected after
// substitution); `$${VAR}` is an escaped literal and is treated the same way.
const PLACEHOLDER = /\$\{[A-Z_][A-Z0-9_]*\}/;

// Masking strings this short would shred ordinary words in log lines.
const MIN_SECRET_LENGTH = 4;

function visit(node: unknown, envLike: boolean, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) visit(item, false, out);
    return;
  }
  // SecretRefs fall through harmlessly: `source`, `provider` and `id` are not sensitive keys.
  if (typeof node !== "object" || node === null) return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (typeof value === "string") {
      const sensitive = envLike ? isSensitiveEnvName(key) : isSensitiveKey(key);
      if (sensitive && value.length >= MIN_SECRET_LENGTH && !PLACEHOLDER.test(value)) {
        out.add(value);
      }
    } else {
      // Keys inside `env` maps (and `env.vars`) are variable names like GROQ_API_KEY.
      visit(value, key === "env" || (envLike && key === "vars"), out);
    }
  }
}

/**
 * Returns every plaintext credential string in `config` (longest first, so a masker replacing
 * them in order never leaves part of a longer secret behind). Skips SecretRefs and `${VAR}`.
 */
export function collectSecretStrings(config: unknown): string[] {
  const out = new Set<string>();
  visit(config, false, out);
  return [...out].sort((a, b) => b.length - a.length);
}
