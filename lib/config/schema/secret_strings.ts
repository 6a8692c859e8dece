/**
 * Which config paths hold secrets: the one definition behind `config.get` redaction (objects and
 * raw text), the `sensitive` hints of `config.schema`, `openclaw config get --json` and the log
 * masker. Works on raw or parsed configs without loading the zod schema; the paths the schema
 * types as `SecretInput` are listed in {@link SECRET_INPUT_PATHS} (a unit test keeps the list and
 * the schema in step).
 *
 * A path is secret-bearing when
 * - it matches a {@link SECRET_INPUT_PATHS} pattern (`models.providers.*.apiKey`, header values...);
 * - it is a variable of an environment map: the root `env` block, `env.vars`, and every other
 *   map under an `env` key (sandbox, skill and exec-provider environments). Every value counts,
 *   whatever the variable is called;
 * - a key on the way names a credential ({@link isSensitiveKey}: `botToken`, `appSecret`,
 *   `password`, `apiKeys: {...}`), except the top-level `secrets` section, which only says where
 *   secrets live.
 *
 * SecretRef objects at such paths are references, not secrets, and stay visible.
 *
 * @module
 */
import { isSecretRef } from "../secret_ref.ts";
import type { PathSegment } from "../path.ts";

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
// The parts as one native match: a config walk asks this of every key.
const SENSITIVE_PART = new RegExp(SENSITIVE_PARTS.join("|"));

// Keys that name where a secret lives or how it is used, not the secret itself
// (`tokenFile`, `passEnv`, `secretsDir`, `apiKeyEnv`, `secretPolicy`, ...).
const NOT_A_VALUE = /(file|path|dir|env|command|mode|policy|url|ref|source|provider|enabled)$/;

/** Returns true when a config key (e.g. `botToken`, `apiKey`, `GROQ_API_KEY`) holds a secret. */
export function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (!k || NOT_A_VALUE.test(k)) return false;
  // "token" must end the key: `maxTokens` and `contextTokens` are counts.
  return k.endsWith("token") || SENSITIVE_PART.test(k);
}

const CHANNEL_CREDENTIALS = [
  "token",
  "botToken",
  "appToken",
  "appSecret",
  "signingSecret",
  "webhookSecret",
  "clientSecret",
  "password",
  "encryptKey",
  "verificationToken",
] as const;

/**
 * Every path the schema types as `SecretInput` (a plaintext credential or a SecretRef); `*` is
 * any key. The `sensitive` hints of `config.schema` list these plus {@link ENV_MAP_PATHS}.
 */
export const SECRET_INPUT_PATHS: readonly string[] = [
  "gateway.auth.token",
  "gateway.auth.password",
  "gateway.remote.token",
  "gateway.remote.password",
  "models.providers.*.apiKey",
  "models.providers.*.headers.*",
  ...CHANNEL_CREDENTIALS.map((k) => `channels.*.${k}`),
  ...CHANNEL_CREDENTIALS.map((k) => `channels.*.accounts.*.${k}`),
  "cron.webhookToken",
  "hooks.token",
  "skills.entries.*.apiKey",
  "talk.apiKey",
  "talk.providers.*.apiKey",
];

/** The environment maps the schema has; every variable in them is a secret (`<map>.*`). */
export const ENV_MAP_PATHS: readonly string[] = [
  "env",
  "env.vars",
  "agents.defaults.sandbox.docker.env",
  "agents.list.*.sandbox.docker.env",
  "skills.entries.*.env",
  "secrets.providers.*.env",
];

/** Patterns grouped by their length: only a pattern as long as the path can match it. */
function byLength(patterns: readonly (readonly string[])[]): Map<number, (readonly string[])[]> {
  const out = new Map<number, (readonly string[])[]>();
  for (const p of patterns) {
    const same = out.get(p.length);
    if (same) same.push(p);
    else out.set(p.length, [p]);
  }
  return out;
}

const PATTERNS = byLength(SECRET_INPUT_PATHS.map((p) => p.split(".")));
const NONE: readonly (readonly string[])[] = [];

function matches(pattern: readonly string[], path: readonly PathSegment[]): boolean {
  return pattern.length === path.length &&
    pattern.every((p, i) => p === "*" || p === String(path[i]));
}

/** Returns true when `path` is a variable of an environment map (`env.X`, `env.vars.X`, `....env.X`). */
function isEnvVariable(path: readonly PathSegment[]): boolean {
  const n = path.length;
  if (n < 2 || typeof path[n - 1] !== "string") return false;
  if (path[n - 2] === "env") return path[n - 1] !== "vars" && path[n - 1] !== "shellEnv";
  return n >= 3 && path[n - 2] === "vars" && path[n - 3] === "env";
}

/**
 * Returns true when the value at `path` (object keys and array indexes from the config root) is
 * a secret, by the rules in this module's description.
 */
export function isSecretPath(path: readonly PathSegment[]): boolean {
  if ((PATTERNS.get(path.length) ?? NONE).some((p) => matches(p, path))) return true;
  if (isEnvVariable(path)) return true;
  // A credential-named key anywhere below the section (the section name itself never counts:
  // `secrets` holds provider settings, not values). Names the user picks for map entries (a
  // provider alias such as `onepassword_openai`, an account id) are not field names: a provider
  // called "...password..." does not make its command and arguments secrets.
  return path.some((seg, i) =>
    i > 0 && typeof seg === "string" && !isUserNamedEntry(path, i) && isSensitiveKey(seg)
  );
}

// Maps whose keys the user names; `*` is any key. The entry's own name sits at the last `*`.
const USER_NAMED_MAPS = byLength([
  ["secrets", "providers", "*"],
  ["models", "providers", "*"],
  ["talk", "providers", "*"],
  ["skills", "entries", "*"],
  ["channels", "*"],
  ["channels", "*", "accounts", "*"],
  ["channels", "*", "groups", "*"],
]);

function isUserNamedEntry(path: readonly PathSegment[], i: number): boolean {
  const maps = USER_NAMED_MAPS.get(i + 1);
  return maps !== undefined && maps.some((m) => matches(m, path.slice(0, i + 1)));
}

/**
 * Calls `visit` for every string at a secret-bearing path of `root` (raw or parsed config),
 * skipping SecretRefs. `at` is where `root` sits in the whole config.
 */
export function forEachSecretString(
  root: unknown,
  visit: (path: PathSegment[], value: string) => void,
  at: readonly PathSegment[] = [],
): void {
  const walk = (node: unknown, path: PathSegment[]) => {
    if (typeof node === "string") {
      if (isSecretPath(path)) visit(path, node);
      return;
    }
    if (typeof node !== "object" || node === null || isSecretRef(node)) return;
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, [...path, i]));
      return;
    }
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) walk(v, [...path, k]);
  };
  walk(root, [...at]);
}

// `${VAR}` placeholders are not secrets (the resolved value is, and is collected after
// substitution); `$${VAR}` is an escaped literal and is treated the same way.
const PLACEHOLDER = /\$\{[A-Z_][A-Z0-9_]*\}/;

/** Returns true when `value` contains a `${VAR}` placeholder (a reference, not a secret). */
export function hasPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value);
}

// Masking strings this short (or flag words) would shred ordinary words in log lines.
const MIN_SECRET_LENGTH = 4;
const NOT_SECRET_WORDS = /^(true|false|null)$/i;

/**
 * Returns true when a secret value can be masked wherever it appears (in log lines, in other
 * strings): long enough, and not a `${VAR}` placeholder or a flag word.
 */
export function isMaskableSecret(value: string): boolean {
  return value.length >= MIN_SECRET_LENGTH && !hasPlaceholder(value) &&
    !NOT_SECRET_WORDS.test(value.trim());
}

/**
 * Returns every plaintext credential string in `config` (longest first, so a masker replacing
 * them in order never leaves part of a longer secret behind). Skips SecretRefs, `${VAR}`
 * placeholders and values too short to mask safely.
 */
export function collectSecretStrings(config: unknown): string[] {
  const out = new Set<string>();
  forEachSecretString(config, (_path, value) => {
    if (isMaskableSecret(value)) out.add(value);
  });
  return [...out].sort((a, b) => b.length - a.length);
}
