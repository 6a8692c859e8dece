/**
 * Sorting model failures into reasons, and deciding which ones justify trying the next model.
 *
 * Works by shape (HTTP status, error name, our error codes) so the AI SDK need not be loaded.
 *
 * @module
 */
import { isOpenClawError } from "../errors.ts";

/** Why a model call failed. */
export type FailureReason =
  | "auth" // 401/403, or no usable key
  | "billing" // 402, or a quota/credit message
  | "rate_limit" // 429
  | "timeout" // 408, or our per-attempt deadline
  | "network" // connection refused/reset, DNS
  | "server" // 5xx, 409
  | "no_model" // 404, unknown model/provider/API
  | "format" // the response could not be parsed
  | "unavailable" // a CLI backend is missing or failed
  | "invalid_request" // 400/422: the request itself is wrong, another model will not help
  | "aborted" // the caller cancelled
  | "unknown";

/** A failure with its reason and whether the next model should be tried. */
export interface ClassifiedError {
  reason: FailureReason;
  retryable: boolean;
  status?: number;
  message: string;
}

const RETRYABLE = new Set<FailureReason>([
  "auth",
  "billing",
  "rate_limit",
  "timeout",
  "network",
  "server",
  "no_model",
  "format",
  "unavailable",
]);

const CODE_REASONS: Record<string, FailureReason> = {
  MODEL_AUTH_MISSING: "auth",
  MODEL_AUTH_UNRESOLVED: "auth",
  MODEL_PROVIDER_UNKNOWN: "no_model",
  MODEL_REF_UNKNOWN: "no_model",
  MODEL_REF_AMBIGUOUS: "no_model",
  MODEL_REF_INVALID: "no_model",
  MODEL_API_UNSUPPORTED: "no_model",
  MODEL_PROVIDER_INVALID: "no_model",
  MODEL_CLI_TIMEOUT: "timeout",
  MODEL_CLI_NOT_FOUND: "unavailable",
  MODEL_CLI_FAILED: "unavailable",
  MODEL_CLI_OUTPUT_TOO_LARGE: "format",
  MODEL_CLI_CONFIG_INVALID: "unavailable",
};

const FORMAT_ERRORS = new Set([
  "AI_JSONParseError",
  "AI_TypeValidationError",
  "AI_InvalidResponseDataError",
  "AI_EmptyResponseBodyError",
  "AI_NoContentGeneratedError",
]);

const NETWORK_MESSAGE =
  /error sending request|connection refused|connection reset|tcp connect|dns error|failed to lookup|cannot connect to api|fetch failed|network|econnrefused|econnreset|socket hang up/i;
const BILLING_MESSAGE = /insufficient[_ ]quota|billing|credit balance|out of credits|payment/i;
const NO_MODEL_MESSAGE = /model[_ ]not[_ ]found|does not exist|unknown model|no such model/i;

interface ErrorShape {
  name?: string;
  message?: string;
  statusCode?: number;
  status?: number;
  responseBody?: string;
  lastError?: unknown;
  cause?: unknown;
}

/** Walks `lastError` (retry wrappers) and `cause` to the most specific error with a status. */
function innermost(err: unknown): ErrorShape {
  let current = err as ErrorShape;
  for (let i = 0; i < 6 && current && typeof current === "object"; i++) {
    if (typeof current.statusCode === "number") return current;
    const next = current.lastError ?? current.cause;
    if (!next || typeof next !== "object") break;
    if (isOpenClawError(current)) break;
    current = next as ErrorShape;
  }
  return (err ?? {}) as ErrorShape;
}

function reasonForStatus(status: number, text: string): FailureReason {
  if (status === 401 || status === 403) return "auth";
  if (status === 402) return "billing";
  if (status === 404) return "no_model";
  if (status === 408) return "timeout";
  if (status === 429) return BILLING_MESSAGE.test(text) ? "billing" : "rate_limit";
  if (status === 409 || status >= 500) return "server";
  if (BILLING_MESSAGE.test(text)) return "billing";
  if (NO_MODEL_MESSAGE.test(text)) return "no_model";
  return "invalid_request";
}

/** Options for {@linkcode classifyModelError}. */
export interface ClassifyOptions {
  /** The caller's signal: when it is aborted, the failure is an abort, never a timeout. */
  signal?: AbortSignal;
  /** True when our own per-attempt deadline fired. */
  timedOut?: boolean;
}

function shorten(text: string, max = 300): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 1)}\u2026` : one;
}

/**
 * Classifies a failed model call.
 *
 * @example
 * ```ts
 * classifyModelError({ statusCode: 429, message: "slow down" }).reason; // "rate_limit"
 * ```
 */
export function classifyModelError(err: unknown, options: ClassifyOptions = {}): ClassifiedError {
  const top = (err ?? {}) as ErrorShape;
  const message = shorten(top.message ?? String(err));
  const make = (reason: FailureReason, status?: number): ClassifiedError => ({
    reason,
    retryable: RETRYABLE.has(reason),
    message,
    ...(status !== undefined ? { status } : {}),
  });
  if (options.signal?.aborted) return make("aborted");
  if (options.timedOut) return make("timeout");
  if (isOpenClawError(err) && CODE_REASONS[err.code]) return make(CODE_REASONS[err.code]);

  const inner = innermost(err);
  const status = inner.statusCode ?? (typeof inner.status === "number" ? inner.status : undefined);
  if (status !== undefined && status >= 400) {
    const text = `${inner.message ?? ""} ${inner.responseBody ?? ""}`;
    return make(reasonForStatus(status, text), status);
  }
  const names = [top.name, inner.name];
  if (names.includes("TimeoutError")) return make("timeout");
  if (names.includes("AbortError") || names.includes("ResponseAborted")) return make("timeout");
  if (names.includes("AI_LoadAPIKeyError")) return make("auth");
  if (names.some((n) => n && FORMAT_ERRORS.has(n))) return make("format");
  const text = `${top.message ?? ""} ${inner.message ?? ""}`;
  if (names.includes("AI_APICallError") || NETWORK_MESSAGE.test(text)) return make("network");
  if (err instanceof Deno.errors.ConnectionRefused || err instanceof Deno.errors.ConnectionReset) {
    return make("network");
  }
  return make("unknown");
}
