/**
 * Running one request over a chain of models: the primary first, then each fallback when the
 * failure is retryable (network, timeout, 408/409/429/5xx, auth, billing, unknown model). A
 * failed model goes into a cooldown so later calls skip it; a non-retryable failure (400, abort)
 * stops the chain at once.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { startDeadline } from "../deadline.ts";
import { systemClock } from "../clock.ts";
import { type ClassifiedError, classifyModelError, type FailureReason } from "./classify.ts";
import type { ModelCooldowns } from "./cooldowns.ts";
import { chainRefs, formatModelRef, type ModelChain, parseModelRef } from "./refs.ts";
import type { ModelTarget } from "./target.ts";
import type { ModelCatalog, ModelRef } from "./types.ts";

/** One try of one model. */
export interface FallbackAttempt {
  /** `provider/model` (or the text as written when it did not parse). */
  ref: string;
  ok: boolean;
  error?: string;
  reason?: FailureReason;
  status?: number;
  durationMs: number;
  /** Set when the model was not tried because it is cooling down. */
  skipped?: "cooldown";
}

/** The answer, which model gave it, and every attempt on the way. */
export interface FallbackResult<T> {
  value: T;
  ref: string;
  modelRef: ModelRef;
  attempts: FallbackAttempt[];
}

/** Options for {@linkcode runWithFallbacks}. */
export interface FallbackOptions<M> {
  /** Resolves aliases and bare ids; with no `resolve`, also builds each model. */
  catalog?: ModelCatalog;
  /** Turns a ref into what `attempt` receives. @default createModelTarget(ref, catalog) */
  resolve?: (ref: ModelRef) => M | Promise<M>;
  cooldowns?: ModelCooldowns;
  /** The caller's cancellation; an abort stops the chain. */
  signal?: AbortSignal;
  /** Deadline for each attempt; hitting it counts as a retryable timeout. */
  attemptTimeoutMs?: number;
  /** Called after each attempt (for logs and events). */
  onAttempt?: (attempt: FallbackAttempt) => void;
}

function failureError(
  code: string,
  message: string,
  attempts: FallbackAttempt[],
  cause: unknown,
): OpenClawError {
  return new OpenClawError(code, message, {
    cause,
    details: { attempts },
    hint: code === "MODEL_ABORTED"
      ? undefined
      : 'Check the models with "openclaw models status --probe"',
  });
}

/**
 * Runs `attempt` on each model of `chain` until one succeeds.
 *
 * Models in cooldown are skipped, unless every model is cooling: then all are tried in order
 * rather than failing without a request.
 *
 * @param chain The agent's chain, or refs in order.
 * @param attempt Makes the call; throws on failure. `signal` combines the caller's signal and
 *   the per-attempt deadline.
 * @param options Catalog or resolver, cooldowns, cancellation, deadline.
 * @returns The value, the ref that produced it, and all attempts.
 * @throws {OpenClawError} `MODEL_CHAIN_EMPTY`; `MODEL_ABORTED` when the caller aborted;
 *   `MODEL_REQUEST_FAILED` on a non-retryable failure; `MODEL_ALL_FAILED` when every model
 *   failed. `details.attempts` lists the attempts, `cause` is the last failure.
 */
export async function runWithFallbacks<T, M = ModelTarget>(
  chain: Pick<ModelChain, "primary" | "fallbacks"> | readonly string[],
  attempt: (model: M, ref: ModelRef, signal: AbortSignal) => Promise<T>,
  options: FallbackOptions<M> = {},
): Promise<FallbackResult<T>> {
  const raws = Array.isArray(chain)
    ? [...new Set(chain as readonly string[])]
    : chainRefs(chain as Pick<ModelChain, "primary" | "fallbacks">);
  if (raws.length === 0) {
    throw new OpenClawError(
      "MODEL_CHAIN_EMPTY",
      "Cannot run a model request: no model is configured",
      {
        hint: "Set agents.defaults.model.primary",
      },
    );
  }
  const { catalog, cooldowns, signal } = options;
  const resolve = options.resolve ?? (async (ref: ModelRef) => {
    if (!catalog) {
      throw new TypeError("runWithFallbacks() needs options.catalog or options.resolve");
    }
    const { createModelTarget } = await import("./target.ts");
    return await createModelTarget(ref, catalog) as M;
  });

  const parsed = raws.map((raw) => {
    try {
      const ref = parseModelRef(raw, catalog);
      return { raw, key: formatModelRef(ref), ref };
    } catch (error) {
      return { raw, key: raw, error };
    }
  });
  const allCooling = cooldowns !== undefined && parsed.every((p) => cooldowns.isCooling(p.key));
  const attempts: FallbackAttempt[] = [];
  const record = (a: FallbackAttempt) => {
    attempts.push(a);
    options.onAttempt?.(a);
  };
  let lastError: unknown;

  for (const entry of parsed) {
    if (signal?.aborted) {
      throw failureError("MODEL_ABORTED", "Model request aborted", attempts, signal.reason);
    }
    if (cooldowns && !allCooling && cooldowns.isCooling(entry.key)) {
      const secs = Math.ceil(cooldowns.remainingMs(entry.key) / 1000);
      record({
        ref: entry.key,
        ok: false,
        skipped: "cooldown",
        error: `cooling down for ${secs}s`,
        durationMs: 0,
      });
      continue;
    }
    const t0 = performance.now();
    let failure: ClassifiedError;
    {
      using deadline = startDeadline(systemClock, options.attemptTimeoutMs, signal);
      try {
        if (entry.error !== undefined || !entry.ref) throw entry.error;
        const model = await resolve(entry.ref);
        const value = await attempt(model, entry.ref, deadline.signal);
        cooldowns?.markSuccess(entry.key);
        record({ ref: entry.key, ok: true, durationMs: Math.round(performance.now() - t0) });
        return { value, ref: entry.key, modelRef: entry.ref, attempts };
      } catch (err) {
        lastError = err;
        failure = classifyModelError(err, { signal, timedOut: deadline.timedOut });
      }
    }
    record({
      ref: entry.key,
      ok: false,
      error: failure.message,
      reason: failure.reason,
      ...(failure.status !== undefined ? { status: failure.status } : {}),
      durationMs: Math.round(performance.now() - t0),
    });
    if (!failure.retryable) {
      if (failure.reason === "aborted") {
        throw failureError("MODEL_ABORTED", "Model request aborted", attempts, lastError);
      }
      throw failureError(
        "MODEL_REQUEST_FAILED",
        `Model ${entry.key} failed (${failure.reason}): ${failure.message}`,
        attempts,
        lastError,
      );
    }
    cooldowns?.markFailure(entry.key, failure.reason);
  }
  // The cause goes into the message: callers over RPC only see this text, not the log.
  const summary = attempts.map((a) =>
    `${a.ref}: ${a.skipped ?? a.reason}${a.error && !a.skipped ? ` (${a.error})` : ""}`
  ).join("; ");
  throw failureError(
    "MODEL_ALL_FAILED",
    `All ${parsed.length} model(s) failed: ${summary}`,
    attempts,
    lastError,
  );
}
