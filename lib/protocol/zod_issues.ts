/**
 * Turns zod issues into the short `path: message; path: message` text the gateway puts after
 * "invalid connect params: " or "invalid <method> params: ". Hostile input controls keys and
 * values, so every piece is quoted and cut to a bounded length.
 *
 * @module
 */
import type { z } from "zod";

/** A zod issue, as found in `ZodError.issues`. */
export type ZodIssue = z.core.$ZodIssue;

/** Issues listed before the rest are summarised as "+N more". */
const MAX_LISTED_ISSUES = 5;
/** Longest path segment or quoted value shown. */
const MAX_PIECE_CHARS = 40;
/** Enums with more members than this are not spelled out. */
const MAX_LISTED_VALUES = 8;

function cut(text: string): string {
  return text.length > MAX_PIECE_CHARS ? `${text.slice(0, MAX_PIECE_CHARS)}\u2026` : text;
}

function quote(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(cut(value));
  if (typeof value === "number" || typeof value === "boolean" || value === null) {
    return String(value);
  }
  return describe(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && !Number.isInteger(value)) return "number";
  if (typeof value === "number") return "integer";
  return typeof value;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** Formats an issue path as `client.id`, `scopes[0]` or `auth["odd key"]`. */
function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (typeof seg === "string" && PLAIN_KEY.test(seg)) {
      out += out === "" ? cut(seg) : `.${cut(seg)}`;
    } else out += `[${cut(JSON.stringify(String(seg)))}]`;
  }
  return out;
}

function sizeMessage(issue: ZodIssue & { code: "too_small" | "too_big" }): string {
  const small = issue.code === "too_small";
  const bound = Number(small ? issue.minimum : issue.maximum);
  switch (issue.origin) {
    case "string":
      if (small && bound === 1) return "must not be empty";
      return `must have ${small ? "at least" : "at most"} ${bound} characters`;
    case "array":
    case "set":
      if (small && bound === 1) return "must not be empty";
      return `must have ${small ? "at least" : "at most"} ${bound} items`;
    case "number":
    case "int":
    case "bigint": {
      const op = small ? (issue.inclusive ? ">=" : ">") : (issue.inclusive ? "<=" : "<");
      return `must be ${op} ${bound}`;
    }
    default:
      return issue.message;
  }
}

/** Returns the short human message of one issue (without its path). */
function formatIssueMessage(issue: ZodIssue): string {
  switch (issue.code) {
    case "invalid_type": {
      const hasInput = "input" in issue;
      // Without `reportInput` zod omits the value; its own message still names what it saw.
      const received = hasInput ? describe(issue.input) : /received (\w+)/.exec(issue.message)?.[1];
      if (received === "undefined") return "required";
      const expected = issue.expected === "int" ? "integer" : issue.expected;
      return received ? `expected ${expected}, got ${received}` : `expected ${expected}`;
    }
    case "unrecognized_keys": {
      const shown = issue.keys.slice(0, 3).map((k) => JSON.stringify(cut(k)));
      const more = issue.keys.length > 3 ? ` (+${issue.keys.length - 3} more)` : "";
      return `unknown key${issue.keys.length === 1 ? "" : "s"} ${shown.join(", ")}${more}`;
    }
    case "invalid_value": {
      if (issue.values.length === 1) return `must be ${quote(issue.values[0])}`;
      if (issue.values.length <= MAX_LISTED_VALUES) {
        const allowed = issue.values.map(quote).join(", ");
        return "input" in issue
          ? `${quote(issue.input)} is not one of ${allowed}`
          : `must be one of ${allowed}`;
      }
      return "input" in issue ? `${quote(issue.input)} is not an allowed value` : "not allowed";
    }
    case "too_small":
    case "too_big":
      return sizeMessage(issue);
    case "invalid_union":
      return "does not match any allowed shape";
    case "invalid_format":
      return `invalid ${issue.format}`;
    case "invalid_key":
      return "invalid key";
    case "invalid_element":
      return "invalid element";
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    default:
      return issue.message;
  }
}

/**
 * Formats issues as `path: message` joined with `"; "` (root-level issues have no path), listing
 * at most five and summarising the rest.
 *
 * @example
 * ```ts
 * formatZodIssues(schema.safeParse(params).error!.issues);
 * // 'client.id: "x" is not an allowed value; scopes[0]: must not be empty'
 * ```
 */
export function formatZodIssues(issues: readonly ZodIssue[]): string {
  if (issues.length === 0) return "invalid input";
  const parts = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const path = formatIssuePath(issue.path);
    const message = formatIssueMessage(issue);
    return path ? `${path}: ${message}` : message;
  });
  if (issues.length > MAX_LISTED_ISSUES) parts.push(`+${issues.length - MAX_LISTED_ISSUES} more`);
  return parts.join("; ");
}
