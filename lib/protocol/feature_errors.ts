/**
 * Answers for stock methods whose feature this gateway does not have (nodes, skills marketplace,
 * plugins, web push, approval queues, self-update). Stock clients call them at startup; a clear
 * `UNAVAILABLE` that names the method and says why beats `unknown method`, and a client can
 * branch on `details.code` without parsing the message.
 *
 * @module
 */
import type { ErrorShape } from "./frames.ts";
import { ErrorCode, errorShape } from "./error_shape.ts";

/** `details.code` of {@linkcode featureUnavailableError}. */
export const FEATURE_UNAVAILABLE_CODE = "FEATURE_UNAVAILABLE";

/**
 * `UNAVAILABLE` "<method> is not available on this gateway: <reason>", not retryable (retrying
 * never helps), details `{code:"FEATURE_UNAVAILABLE", method}`.
 *
 * @param method The method that was called.
 * @param reason Why, and what to do instead (one sentence, no final period).
 * @returns The error shape.
 * @example
 * ```ts
 * featureUnavailableError("update.run", "updates come from the package you installed");
 * ```
 */
export function featureUnavailableError(method: string, reason: string): ErrorShape {
  return errorShape(
    ErrorCode.UNAVAILABLE,
    `${method} is not available on this gateway: ${reason}`,
    {
      retryable: false,
      details: { code: FEATURE_UNAVAILABLE_CODE, method },
    },
  );
}

/**
 * `APPROVAL_NOT_FOUND` "unknown or expired approval id: <id>" -- what resolving an approval that
 * is not pending answers (this gateway never has pending ones).
 *
 * @param id The approval id the caller sent.
 * @returns The error shape.
 */
export function approvalNotFoundError(id: string): ErrorShape {
  return errorShape(ErrorCode.APPROVAL_NOT_FOUND, `unknown or expired approval id: ${id}`);
}
