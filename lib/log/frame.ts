/**
 * WebSocket frames as the `trace` log shows them: secrets masked, then cut to a readable size.
 *
 * What is masked (to `***`), before the text reaches the log sinks (which then apply
 * `logging.redactSensitive`, `logging.redactPatterns` and the configured secrets on top):
 * - every string under a credential-named key, at any depth: `auth.token`, `auth.password`,
 *   `auth.deviceToken`, `bootstrapToken`, `apiKey`, `botToken`... (the config's rule,
 *   `isSensitiveKey` in lib/config/schema/secret_strings.ts, plus the log redactor's
 *   `token`/`secret`/`password` names), and the device proof's `signature`. Objects under such
 *   a key are masked whole, except a `secrets` object (a section saying where secrets live, whose
 *   keys are checked one by one); SecretRefs (`{source, provider, id}`) are references and stay;
 * - config objects (`config`, `parsed`, `resolved`): every string at a secret-bearing config path
 *   (`isSecretPath`: `models.providers.*.apiKey`, `env.*`, channel tokens...);
 * - config text (`raw` of `config.set` / `config.apply` / `config.patch`): parsed as JSON5, and
 *   each plaintext secret it holds replaced in the text. Text that does not parse gets the log
 *   redactor's token patterns instead.
 *
 * A frame that is not JSON gets those token patterns too. The result is cut to
 * {@linkcode FRAME_LOG_MAX_CHARS} characters followed by `...(N bytes)`, N being the frame's size.
 *
 * @module
 */
import { utf8Length } from "../text/utf8.ts";
import { parseJson5Value } from "../json5/parse.ts";
import {
  collectSecretStrings,
  isSecretPath,
  isSensitiveKey,
} from "../config/schema/secret_strings.ts";
import type { PathSegment } from "../config/path.ts";
import { isSecretRef } from "../config/secret_ref.ts";
import { createRedactor, type Redactor } from "./redact.ts";

/** How much of a frame's (masked) text a log line keeps: 2 KiB of characters. */
export const FRAME_LOG_MAX_CHARS = 2048;

/** What masked values become. */
export const FRAME_MASK = "***";

/** Options for {@linkcode redactFrame}. */
export interface RedactFrameOptions {
  /** Characters of masked text to keep. @default FRAME_LOG_MAX_CHARS */
  maxChars?: number;
}

// Credential names the log redactor masks in properties, beside the config's own rule.
const CREDENTIAL_KEY = /^(?:token|secret|password|passwd|signature|authorization|cookie)$/i;
// Keys whose object value is (a part of) a config, walked with config paths.
const CONFIG_KEYS = new Set(["config", "parsed", "resolved"]);
// Keys whose string value is config text (JSON5).
const CONFIG_TEXT_KEYS = new Set(["raw"]);
// `secrets: {...}` (the config section, the `secrets` subsystem's health) says where and how
// secrets are resolved, not what they are: its keys are checked one by one like anywhere else.
const SECRETS_SECTION = "secrets";
// Deeper than this, a frame is shown as "[...]": no honest frame nests this far.
const MAX_DEPTH = 64;

let patternRedactor: Redactor | undefined;

/**
 * Returns true when a value under `key` must not be logged: the config's credential rule
 * (`botToken`, `apiKey`, `appSecret`...) or one of `token`, `secret`, `password`, `signature`,
 * `authorization`, `cookie`.
 *
 * @param key An object key of a frame.
 * @returns Whether its value is masked.
 * @example
 * ```ts
 * isFrameSecretKey("deviceToken"); // true
 * isFrameSecretKey("maxTokens"); // false
 * ```
 */
export function isFrameSecretKey(key: string): boolean {
  return CREDENTIAL_KEY.test(key) || isSensitiveKey(key);
}

/**
 * Returns the text a log line shows for one frame: secrets masked (see the module description),
 * cut to `maxChars` characters plus `...(N bytes)` when longer. Never throws.
 *
 * @param data The frame as received or sent (text, or binary).
 * @param options How much to keep.
 * @returns The masked, size-capped text.
 * @example
 * ```ts
 * redactFrame('{"type":"req","id":"1","method":"connect","params":{"auth":{"token":"s3cret"}}}');
 * // '{"type":"req","id":"1","method":"connect","params":{"auth":{"token":"***"}}}'
 * ```
 */
export function redactFrame(
  data: string | ArrayBuffer | Uint8Array | Blob,
  options: RedactFrameOptions = {},
): string {
  if (typeof data !== "string") {
    const size = data instanceof Blob ? data.size : data.byteLength;
    return `[binary frame, ${size} bytes]`;
  }
  const maxChars = options.maxChars ?? FRAME_LOG_MAX_CHARS;
  return capText(maskFrameText(data), maxChars, () => utf8Length(data));
}

function maskFrameText(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return maskByPattern(text);
  }
  try {
    return JSON.stringify(maskNode(parsed, 0));
  } catch {
    // A value JSON cannot write back (cannot happen for parsed JSON); say so rather than leak.
    return "[frame not shown]";
  }
}

function maskNode(node: unknown, depth: number): unknown {
  if (typeof node !== "object" || node === null) return node;
  if (depth >= MAX_DEPTH) return "[\u2026]";
  if (Array.isArray(node)) return node.map((v) => maskNode(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    let masked: unknown;
    if (isFrameSecretKey(key) && !(key === SECRETS_SECTION && isObject(value))) {
      masked = maskAll(value, depth + 1);
    } else if (typeof value === "string" && CONFIG_TEXT_KEYS.has(key)) {
      masked = maskConfigText(value);
    } else if (CONFIG_KEYS.has(key) && typeof value === "object" && value !== null) {
      masked = maskConfigNode(value, [], depth + 1);
    } else masked = maskNode(value, depth + 1);
    setKey(out, key, masked);
  }
  return out;
}

/** Masks every string below a credential-named key, keeping SecretRefs and the shape. */
function maskAll(value: unknown, depth: number): unknown {
  // A numeric PIN is as secret as a string one; booleans and null say nothing.
  if (typeof value === "string" || typeof value === "number") return FRAME_MASK;
  if (typeof value !== "object" || value === null || isSecretRef(value)) return value;
  if (depth >= MAX_DEPTH) return "[\u2026]";
  if (Array.isArray(value)) return value.map((v) => maskAll(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) setKey(out, key, maskAll(v, depth + 1));
  return out;
}

/** Masks the strings of a config tree that sit at secret-bearing config paths. */
function maskConfigNode(node: unknown, path: PathSegment[], depth: number): unknown {
  if (typeof node === "string") {
    const key = path[path.length - 1];
    const secret = isSecretPath(path) || (typeof key === "string" && isFrameSecretKey(key));
    return secret ? FRAME_MASK : node;
  }
  if (typeof node !== "object" || node === null) return node;
  if (depth >= MAX_DEPTH) return "[\u2026]";
  if (Array.isArray(node)) return node.map((v, i) => maskConfigNode(v, [...path, i], depth + 1));
  if (isSecretRef(node)) return node;
  const out: Record<string, unknown> = {};
  // The config's own rule decides here: its `secrets` section names providers, not values.
  for (const [key, value] of Object.entries(node)) {
    setKey(out, key, maskConfigNode(value, [...path, key], depth + 1));
  }
  return out;
}

/** Replaces each plaintext secret of a JSON5 config text in the text itself. */
function maskConfigText(text: string): string {
  let parsed: unknown;
  try {
    parsed = parseJson5Value(text);
  } catch {
    return maskByPattern(text);
  }
  let out = text;
  // Longest first, so a secret containing another is replaced whole.
  for (const secret of collectSecretStrings(parsed)) {
    if (out.includes(secret)) out = out.split(secret).join(FRAME_MASK);
  }
  return out;
}

function maskByPattern(text: string): string {
  patternRedactor ??= createRedactor({ mode: "tools" });
  return patternRedactor(text);
}

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// defineProperty: a `__proto__` key from a hostile frame must stay data, not a prototype.
function setKey(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

function capText(text: string, maxChars: number, size: () => number): string {
  if (text.length <= maxChars) return text;
  let end = Math.max(0, maxChars);
  // Never split a surrogate pair.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}\u2026(${size()} bytes)`;
}
