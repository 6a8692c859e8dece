/**
 * Params validation against a schema the caller already holds. Running `safeParse` on a built
 * schema needs no import of zod, so this module (unlike frames.ts) is free to sit on the
 * gateway's connection path.
 *
 * @module
 */
import type { z } from "zod";
import type { ErrorShape } from "./frames.ts";
import { invalidParamsError } from "./errors.ts";
import { formatZodIssues } from "./zod_issues.ts";

/** Result of validating RPC params. */
export type ParamsResult<T> = { ok: true; value: T } | { ok: false; error: ErrorShape };

/**
 * Validates a method's params against its schema (missing params count as `{}`), returning the
 * `INVALID_REQUEST` "invalid <method> params: <errors>" error shape on failure.
 */
export function validateParams<T>(
  method: string,
  schema: z.ZodType<T>,
  params: unknown,
): ParamsResult<T> {
  const result = schema.safeParse(params ?? {}, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, error: invalidParamsError(method, formatZodIssues(result.error.issues)) };
}

/** A plain object as JSON.parse makes it: no other prototype, so no inherited keys. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null &&
    Object.getPrototypeOf(value) === Object.prototype;
}
