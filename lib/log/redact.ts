/**
 * Masks secrets before a log line reaches a file or the console (`logging.redactSensitive`,
 * `logging.redactPatterns`).
 *
 * Two layers:
 * - **Configured secrets** (gateway token/password, provider keys, bot tokens: the values the
 *   caller resolved) are replaced by `***` wherever they appear, in *every* mode, `off` included.
 *   They are known exactly, so masking them has no false positives and costs no debugging value,
 *   while leaking one is serious: the file log sits in a shared `/tmp` directory, is shipped to
 *   remote operators by `logs.tail`, and gets pasted into bug reports.
 * - **Token-like text** (mode `tools`, the default): well-known key prefixes, bearer/authorization
 *   values, credential JSON fields and flags, long hex and JWTs, plus `logging.redactPatterns`.
 *   A match keeps its first 6 and last 4 characters when it is at least 18 long (enough to tell
 *   two keys apart), else it becomes `***`. When a pattern has capture groups, only the last
 *   non-empty group is masked, so `Bearer ` or `"token": ` stays readable.
 *
 * Unlike stock OpenClaw, `redactPatterns` adds to the built-in patterns instead of replacing
 * them: a user adding one pattern should not silently switch the others off.
 *
 * We do not use `@logtape/redaction`: its pattern redaction runs over the formatted output,
 * where masking inside a JSON line can break the escaping, and it has no notion of exact
 * configured secrets. Our sinks call the redactor on each string value before serialising.
 *
 * @module
 */

/** `logging.redactSensitive`. */
export type RedactMode = "off" | "tools";

/** Options for {@linkcode createRedactor}. */
export interface RedactorOptions {
  /** `logging.redactSensitive`. @default "tools" */
  mode?: RedactMode;
  /** `logging.redactPatterns`: regex sources (flags `gi`) or `/source/flags`. @default [] */
  patterns?: readonly string[];
  /** Exact secret values to replace by `***`; values shorter than 4 are ignored. @default [] */
  secrets?: readonly string[];
}

/** A text masker, with the problems found in its configuration. */
export interface Redactor {
  (text: string): string;
  /** One message per skipped `redactPatterns` entry. */
  readonly warnings: readonly string[];
}

const MIN_SECRET_LENGTH = 4;
const MASK_MIN_LENGTH = 18;
const KEEP_START = 6;
const KEEP_END = 4;

// Field names whose values are credentials, in JSON text and in structured log properties.
const CREDENTIAL_KEYS = [
  "api[-_]?key",
  "token",
  "access[-_]?token",
  "refresh[-_]?token",
  "bot[-_]?token",
  "secret",
  "client[-_]?secret",
  "password",
  "passwd",
].join("|");

// Order matters a little: context patterns (headers, fields, flags) run before bare prefixes so
// the readable label is kept, and masked output (`abcdef...wxyz`) never matches a later pattern.
const BUILTIN_PATTERNS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\bAuthorization\s*[:=]\s*(?:(?:Bearer|Basic|Token|Bot)\s+)?([^\s"',;]+)/gi,
  /\bBearer\s+([A-Za-z0-9._~+/=-]{8,})/g,
  new RegExp(String.raw`"(?:${CREDENTIAL_KEYS})"\s*:\s*"((?:[^"\\]|\\.)+)"`, "gi"),
  /--(?:api[-_]?key|token|secret|password|passwd)(?:\s+|=)(["']?)([^\s"']+)\1/gi,
  /[?&](?:token|access_token|api[-_]?key|key|password|secret)=([^&\s#"']+)/gi,
  /\b[A-Z0-9_]*(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD)\s*[=:]\s*(["']?)([^\s"'\\]+)\1/g,
  /\b(sk-[A-Za-z0-9_-]{8,})/g,
  /\b(gsk_[A-Za-z0-9_-]{10,})/g,
  /\b(gh[pousr]_[A-Za-z0-9]{20,})/g,
  /\b(github_pat_[A-Za-z0-9_]{20,})/g,
  /\b(xox[abprs]-[A-Za-z0-9-]{10,})/g,
  /\b(xapp-[A-Za-z0-9-]{10,})/g,
  /\b(AIza[0-9A-Za-z_-]{20,})/g,
  /\b(npm_[A-Za-z0-9]{20,})/g,
  // Telegram bot tokens; Bot API URLs embed them as `/bot<token>/`, with no word boundary.
  /(?:\bbot|\b)(\d{6,}:[A-Za-z0-9_-]{30,})/g,
  /\b(eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*)/g,
  /\b([A-Fa-f0-9]{32,})\b/g,
];

/** Returns the masked form of a token: first 6 + `...` + last 4 when >= 18 chars, else `***`. */
export function maskToken(token: string): string {
  if (token.length < MASK_MIN_LENGTH) return "***";
  return `${token.slice(0, KEEP_START)}\u2026${token.slice(-KEEP_END)}`;
}

/**
 * Builds a redactor from `logging.*` settings. Never throws: a pattern that does not compile (or
 * matches the empty string) is skipped and described in `warnings`.
 *
 * @example
 * ```ts
 * const redact = createRedactor({ secrets: ["hunter22"] });
 * redact("password is hunter22"); // "password is ***"
 * ```
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const warnings: string[] = [];
  const secrets = [...new Set(options.secrets ?? [])]
    .filter((s) => typeof s === "string" && s.length >= MIN_SECRET_LENGTH)
    // Longest first, so a secret containing another is removed whole.
    .sort((a, b) => b.length - a.length);
  const custom: RegExp[] = [];
  // Compiled even when mode is off, so a broken pattern is reported before someone relies on it.
  for (const source of options.patterns ?? []) {
    const compiled = compilePattern(source);
    if (typeof compiled === "string") warnings.push(compiled);
    else custom.push(compiled);
  }
  const patterns = (options.mode ?? "tools") === "off" ? [] : [...BUILTIN_PATTERNS, ...custom];
  const redact = (text: string): string => {
    if (!text) return text;
    let out = text;
    for (const secret of secrets) {
      if (out.includes(secret)) out = out.split(secret).join("***");
    }
    for (const pattern of patterns) {
      pattern.lastIndex = 0;
      if (!pattern.test(out)) continue;
      pattern.lastIndex = 0;
      out = out.replace(pattern, maskMatch);
    }
    return out;
  };
  return Object.assign(redact, { warnings });
}

/** A redactor that returns text unchanged: the default of sinks built without one. */
export const noRedaction: Redactor = Object.assign((text: string) => text, { warnings: [] });

/** Compiles one `redactPatterns` entry, or returns a warning saying why it was skipped. */
export function compilePattern(source: string): RegExp | string {
  if (typeof source !== "string" || source.trim() === "") {
    return `Ignoring logging.redactPatterns entry ${JSON.stringify(source)}: empty pattern`;
  }
  const literal = /^\/(.+)\/([a-z]*)$/s.exec(source);
  const body = literal ? literal[1] : source;
  const flags = literal ? (literal[2].includes("g") ? literal[2] : literal[2] + "g") : "gi";
  let re: RegExp;
  try {
    re = new RegExp(body, flags);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return `Ignoring logging.redactPatterns entry ${JSON.stringify(source)}: ${why}`;
  }
  if (re.test("")) {
    return `Ignoring logging.redactPatterns entry ${
      JSON.stringify(source)
    }: it matches the empty string`;
  }
  re.lastIndex = 0;
  return re;
}

// Replacement callback for String.replace: args are (match, ...groups, offset, input[, named]).
function maskMatch(match: string, ...rest: unknown[]): string {
  if (match.includes("PRIVATE KEY-----")) return maskPemBlock(match);
  let token: string | undefined;
  for (const item of rest) {
    // Groups come first; the offset (a number) ends them.
    if (typeof item !== "string" && item !== undefined) break;
    if (typeof item === "string" && item.length > 0) token = item;
  }
  if (token === undefined || token === match) return maskToken(match);
  const at = match.lastIndexOf(token);
  return match.slice(0, at) + maskToken(token) + match.slice(at + token.length);
}

function maskPemBlock(block: string): string {
  const lines = block.split(/\r?\n/).filter(Boolean);
  if (lines.length < 2) return "***";
  return `${lines[0]}\n\u2026redacted\u2026\n${lines[lines.length - 1]}`;
}

const SENSITIVE_KEY = new RegExp(`^(?:${CREDENTIAL_KEYS}|authorization|cookie)$`, "i");

/**
 * Returns a JSON-safe deep copy of a structured log value with every string passed through
 * `redact`, and string values under credential-named keys (`token`, `password`, `apiKey`...)
 * masked outright. Errors become `{ name, message, stack }`; cycles and depth > 8 are cut.
 */
export function redactValue(value: unknown, redact: (text: string) => string): unknown {
  return copy(value, redact, [], 0);
}

function copy(
  value: unknown,
  redact: (text: string) => string,
  parents: object[],
  depth: number,
): unknown {
  switch (typeof value) {
    case "string":
      return redact(value);
    case "number": {
      if (!Number.isFinite(value)) return String(value);
      // A configured secret may be numeric (a PIN, a chat id used as a key).
      const text = String(value);
      const masked = redact(text);
      return masked === text ? value : masked;
    }
    case "boolean":
      return value;
    case "bigint":
      return redact(value.toString());
    case "undefined":
      return undefined;
    case "function":
      return `[Function ${value.name || "anonymous"}]`;
    case "symbol":
      return redact(value.toString());
  }
  if (value === null) return null;
  const obj = value as object;
  if (parents.includes(obj)) return "[Circular]";
  if (depth >= 8) return "[Object]";
  const next = [...parents, obj];
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? "Invalid Date" : obj.toISOString();
  if (obj instanceof Error) {
    const out: Record<string, unknown> = { name: obj.name, message: redact(obj.message) };
    if (obj.stack) out.stack = redact(obj.stack);
    if (obj.cause !== undefined) out.cause = copy(obj.cause, redact, next, depth + 1);
    return out;
  }
  if (Array.isArray(obj)) return obj.map((v) => copy(v, redact, next, depth + 1) ?? null);
  if (obj instanceof Map) return copy(Object.fromEntries(obj), redact, next, depth + 1);
  if (obj instanceof Set) return copy([...obj], redact, next, depth + 1);
  if (obj instanceof Uint8Array) return `[Uint8Array(${obj.length})]`;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(obj)) {
    const c = typeof v === "string" && SENSITIVE_KEY.test(key)
      ? maskToken(redact(v))
      : copy(v, redact, next, depth + 1);
    // defineProperty: a `__proto__` key from hostile input must stay data, not a prototype.
    if (c !== undefined) {
      Object.defineProperty(out, redact(key), {
        value: c,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return out;
}
