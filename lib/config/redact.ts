/**
 * Redaction of config snapshots sent to clients (`config.get`, `config get --json`), and
 * restoring the redaction sentinel when a client sends a snapshot back (`config.set`/`apply`/
 * `patch`).
 *
 * Two passes, both driven by the one definition of a secret-bearing path
 * (schema/secret_strings.ts):
 * 1. every string at a secret-bearing path becomes the sentinel (whatever its length);
 * 2. every other string (and, in raw text, every comment) has each known secret value replaced by
 *    the sentinel, so a secret copied elsewhere, substituted into another value via `${VAR}` or
 *    resolved from a SecretRef does not leak either.
 *
 * Raw text is redacted token by token, so keys, numbers and the JSON5 syntax are never touched
 * and the redacted text still parses to the same shape.
 *
 * @module
 */
import { parseJson5Value } from "../json5/parse.ts";
import type { Token } from "../json5/lexer.ts";
import { formatConfigPath, getAtPath, type PathSegment } from "./path.ts";
import { isSecretRef } from "./secret_ref.ts";
import {
  collectSecretStrings,
  hasPlaceholder,
  isMaskableSecret,
  isSecretPath,
} from "./schema/secret_strings.ts";

export {
  collectSecretStrings,
  forEachSecretString,
  isMaskableSecret,
  isSecretPath,
} from "./schema/secret_strings.ts";

/** What secrets are replaced with; sent back unchanged, it means "keep the current value". */
export const REDACTED_SENTINEL = "__OPENCLAW_REDACTED__";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Returns the secret values to scrub from a response: the plaintext secrets of each config (as
 * written, after `${VAR}` substitution, running...) plus `extra` values such as resolved
 * SecretRefs. Only values long enough to mask safely are kept.
 */
export function knownSecretValues(
  configs: readonly unknown[],
  extra: Iterable<string> = [],
): string[] {
  const out = new Set<string>();
  for (const c of configs) for (const s of collectSecretStrings(c)) out.add(s);
  for (const v of extra) if (typeof v === "string" && isMaskableSecret(v)) out.add(v);
  return longestFirst([...out]);
}

/** Returns `text` with every occurrence of each secret (longest first) replaced by the sentinel. */
export function scrubString(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of longestFirst(secrets)) {
    if (secret && out.includes(secret)) out = out.split(secret).join(REDACTED_SENTINEL);
  }
  return out;
}

function longestFirst(secrets: readonly string[]): string[] {
  return [...new Set(secrets)].filter(Boolean).sort((a, b) => b.length - a.length);
}

/**
 * Returns a copy of `value` (a config, or the subtree found at `at`) with every string at a
 * secret-bearing path replaced by the sentinel and each of `secrets` scrubbed from every other
 * string value. Keys and SecretRefs are kept.
 */
export function redactConfigObject(
  value: unknown,
  secrets: readonly string[] = [],
  at: readonly PathSegment[] = [],
): unknown {
  const ordered = longestFirst(secrets);
  const walk = (node: unknown, path: PathSegment[]): unknown => {
    if (typeof node === "string") {
      return isSecretPath(path) ? REDACTED_SENTINEL : scrubString(node, ordered);
    }
    if (Array.isArray(node)) return node.map((v, i) => walk(v, [...path, i]));
    if (!isRecord(node)) return node;
    if (isSecretRef(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = walk(v, [...path, k]);
    return out;
  };
  return walk(value, [...at]);
}

/** Returns a copy of `value` with each of `secrets` scrubbed from every string (keys kept). */
export function scrubSecretStrings<T>(value: T, secrets: readonly string[]): T {
  const ordered = longestFirst(secrets);
  if (ordered.length === 0) return value;
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") return scrubString(node, ordered);
    if (Array.isArray(node)) return node.map(walk);
    if (!isRecord(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = walk(v);
    return out;
  };
  return walk(value) as T;
}

/** The string as a JSON5 string token (double-quoted JSON, whatever the original quotes). */
function quoted(value: string): string {
  return JSON.stringify(value);
}

/** True when a node on the way to `path` (not the leaf) is a SecretRef object. */
function insideSecretRef(root: unknown, path: readonly PathSegment[]): boolean {
  let cur = root;
  for (const seg of path) {
    if (isSecretRef(cur)) return true;
    const hit = getAtPath(cur, [seg]);
    if (!hit.found) return false;
    cur = hit.value;
  }
  return false;
}

type Frame = { kind: "object"; key?: string; expectKey: boolean } | {
  kind: "array";
  index: number;
};

/**
 * Returns config text with every string at a secret-bearing path replaced by the sentinel
 * (`${VAR}` placeholders stay: they are references) and each of `secrets` scrubbed from other
 * string values and comments. Keys, numbers and formatting are kept; text that does not lex as
 * JSON5 is scrubbed as plain text. Loads the JSON5 lexer on first use (not needed to start).
 */
export async function redactConfigText(text: string, secrets: readonly string[]): Promise<string> {
  const { tokenize } = await import("../json5/lexer.ts");
  const ordered = longestFirst(secrets);
  const escapedToo = [...new Set(ordered.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))];
  let tokens: Token[];
  let parsed: unknown;
  try {
    tokens = tokenize(text);
    parsed = text.trim() === "" ? {} : parseJson5Value(text);
  } catch {
    return scrubString(text, escapedToo);
  }
  const stack: Frame[] = [];
  const path = () => stack.map((f) => f.kind === "object" ? f.key ?? "" : f.index);
  let out = "";
  for (const token of tokens) {
    const top = stack.at(-1);
    switch (token.kind) {
      case "lineComment":
      case "blockComment":
        out += scrubString(token.text, escapedToo);
        continue;
      case "{":
        stack.push({ kind: "object", expectKey: true });
        break;
      case "[":
        stack.push({ kind: "array", index: 0 });
        break;
      case "}":
      case "]":
        stack.pop();
        break;
      case ",":
        if (top?.kind === "object") top.expectKey = true;
        else if (top?.kind === "array") top.index++;
        break;
      case "string":
      case "identifier": {
        if (top?.kind === "object" && top.expectKey) {
          top.key = token.value;
          top.expectKey = false;
          break;
        }
        if (token.kind !== "string") break;
        const value = token.value;
        const at = path();
        if (isSecretPath(at) && !hasPlaceholder(value) && !insideSecretRef(parsed, at)) {
          out += quoted(REDACTED_SENTINEL);
          continue;
        }
        const scrubbed = scrubString(value, ordered);
        if (scrubbed !== value) {
          out += quoted(scrubbed);
          continue;
        }
        break;
      }
    }
    out += token.text;
  }
  return out;
}

/** True when `s` holds the sentinel (alone, or where secrets were scrubbed out of it). */
function hasSentinel(s: unknown): s is string {
  return typeof s === "string" && s.includes(REDACTED_SENTINEL);
}

/** Returns the paths in `value` whose string value holds the redaction sentinel. */
export function findSentinelPaths(value: unknown, at: PathSegment[] = []): PathSegment[][] {
  if (hasSentinel(value)) return [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => findSentinelPaths(v, [...at, i]));
  if (isRecord(value)) {
    return Object.entries(value).flatMap(([k, v]) => findSentinelPaths(v, [...at, k]));
  }
  return [];
}

/**
 * Returns true when `incoming` is what redaction made of `current`: the sentinel itself, or
 * `current` with some parts (the scrubbed secrets) replaced by the sentinel.
 */
export function isRedactionOf(incoming: string, current: unknown): boolean {
  if (incoming === REDACTED_SENTINEL) return true;
  if (typeof current !== "string") return false;
  const parts = incoming.split(REDACTED_SENTINEL).map((p) =>
    p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  );
  return new RegExp(`^${parts.join("[\\s\\S]+?")}$`).test(current);
}

/**
 * Returns `{ path, value }` for every sentinel in `incoming`, with the value taken from
 * `current` (the config as written, so `${VAR}` references survive). A string that had secrets
 * scrubbed out of it is restored when the rest of it is unchanged.
 *
 * @throws {Error} naming the path when there is no current value to restore, or when a
 *   partly redacted string was edited.
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
    const sent = getAtPath(incoming, path);
    if (sent.found && !isRedactionOf(sent.value as string, hit.value)) {
      throw new Error(
        `cannot restore redacted value at ${
          formatConfigPath(path)
        }: it was edited; send the whole new value`,
      );
    }
    return { path, value: hit.value };
  });
}
