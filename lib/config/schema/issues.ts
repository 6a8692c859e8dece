/**
 * Turns zod issues into `{ path, message }` lines people can act on: dotted paths, one line per
 * unknown key, enum errors that list the allowed values, type errors that say expected vs got.
 *
 * @module
 */

import type { z } from "zod";
import { formatConfigPath } from "../path.ts";

type Issue = z.core.$ZodIssue;

/** One human-readable config problem. */
export interface ConfigIssue {
  /** Dotted path like `agents.list[0].id`; `<root>` for the whole document. */
  path: string;
  message: string;
}

/** Message for a key the schema does not know. */
export const UNKNOWN_KEY_MESSAGE = "Unknown key (remove it or check the spelling)";

/** Formats a zod path like `a.b[0]["odd key"]`; the empty path is `<root>`. */
function formatPath(path: readonly PropertyKey[]): string {
  return formatConfigPath(path.map((s) => (typeof s === "symbol" ? String(s) : s)));
}

const TYPE_NAMES: Record<string, string> = { int: "integer", safeint: "integer" };
const typeName = (t: unknown) => TYPE_NAMES[String(t)] ?? String(t);

function receivedOf(message: string): string | undefined {
  return /received (\w+)/.exec(message)?.[1];
}

function typeMessage(expected: string, received: string | undefined): string {
  if (received === "undefined") return `Missing required value (expected ${expected})`;
  return received ? `Expected ${expected}, received ${received}` : `Expected ${expected}`;
}

function boundMessage(issue: Issue & { code: "too_big" | "too_small" }): string {
  const big = issue.code === "too_big";
  const bound = big
    ? (issue as { maximum: number | bigint }).maximum
    : (issue as { minimum: number | bigint }).minimum;
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case "string":
      return `Must be ${big ? "at most" : "at least"} ${bound} characters long`;
    case "array":
    case "set":
      return `Must have ${big ? "at most" : "at least"} ${bound} item(s)`;
    default: {
      const op = big ? (inclusive ? "<=" : "<") : (inclusive ? ">=" : ">");
      return `Must be ${op} ${bound}`;
    }
  }
}

/** A union branch that failed on the value itself (wrong type/literal), not deeper inside. */
function failedAtRoot(branch: readonly Issue[]): boolean {
  return branch.every((i) =>
    i.path.length === 0 && (i.code === "invalid_type" || i.code === "invalid_value")
  );
}

function unionMessage(branches: readonly (readonly Issue[])[]): string {
  const expected: string[] = [];
  let received: string | undefined;
  for (const issue of branches.flat()) {
    if (issue.code === "invalid_type") {
      expected.push(typeName(issue.expected));
      received ??= receivedOf(issue.message);
    } else if (issue.code === "invalid_value") {
      expected.push(...issue.values.map((v) => JSON.stringify(v)));
    }
  }
  return typeMessage([...new Set(expected)].join(" or "), received);
}

function walk(issues: readonly Issue[], prefix: readonly PropertyKey[], out: ConfigIssue[]): void {
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) {
          out.push({ path: formatPath([...path, key]), message: UNKNOWN_KEY_MESSAGE });
        }
        break;
      case "invalid_union": {
        // An empty `errors` list is a discriminator miss; its message came from our error map.
        if (issue.errors.length === 0) {
          out.push({ path: formatPath(path), message: issue.message });
          break;
        }
        // Report the branch that got furthest (the value had the right shape to start with).
        const deeper = issue.errors.find((b) => !failedAtRoot(b));
        if (deeper) walk(deeper, path, out);
        else out.push({ path: formatPath(path), message: unionMessage(issue.errors) });
        break;
      }
      case "invalid_type":
        out.push({
          path: formatPath(path),
          message: typeMessage(typeName(issue.expected), receivedOf(issue.message)),
        });
        break;
      case "invalid_value": {
        const message = issue.message.startsWith("Invalid value ")
          ? issue.message
          : issue.values.length === 1
          ? `Expected ${JSON.stringify(issue.values[0])}`
          : `Expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
        out.push({ path: formatPath(path), message });
        break;
      }
      case "too_big":
      case "too_small":
        out.push({ path: formatPath(path), message: boundMessage(issue) });
        break;
      case "invalid_key": {
        const inner = issue.issues.map((i) => i.message).join("; ");
        const key = path.at(-1);
        out.push({
          path: formatPath(path),
          message: `Invalid key ${JSON.stringify(String(key))}: ${inner}`,
        });
        break;
      }
      default:
        out.push({ path: formatPath(path), message: issue.message });
    }
  }
}

/** Flattens a config validation error into one `{ path, message }` per problem. */
export function formatConfigIssues(error: z.ZodError): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  walk(error.issues, [], out);
  const seen = new Set<string>();
  return out.filter((i) => {
    const key = `${i.path}\0${i.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
