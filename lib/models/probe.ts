/**
 * Live probes for `models status --probe`: one tiny request per model, with a deadline, sorted
 * into stock's buckets `ok auth rate_limit billing timeout format unknown no_model`.
 *
 * @module
 */
import { startDeadline } from "../deadline.ts";
import { systemClock } from "../clock.ts";
import { classifyModelError, type FailureReason } from "./classify.ts";
import { createLanguageModel, type CreateLanguageModelOptions } from "./language_model.ts";
import { formatModelRef } from "./refs.ts";
import type { ModelCatalog, ModelRef } from "./types.ts";

/** A probe's outcome bucket (stock's names). */
export type ProbeStatus =
  | "ok"
  | "auth"
  | "rate_limit"
  | "billing"
  | "timeout"
  | "format"
  | "unknown"
  | "no_model";

/** One probe. */
export interface ProbeResult {
  ref: string;
  provider: string;
  model: string;
  status: ProbeStatus;
  /** The failure reason before bucketing (e.g. `network`, `server`). */
  reason?: FailureReason;
  error?: string;
  latencyMs: number;
}

/** Options for {@linkcode probeModel}. */
export interface ProbeOptions extends CreateLanguageModelOptions {
  /** @default 8_000 */
  timeoutMs?: number;
  /** `maxOutputTokens` of the probe (OpenAI's Responses API refuses less than 16). @default 16 */
  maxTokens?: number;
  signal?: AbortSignal;
}

const BUCKETS: Record<FailureReason, ProbeStatus> = {
  auth: "auth",
  billing: "billing",
  rate_limit: "rate_limit",
  timeout: "timeout",
  aborted: "timeout",
  no_model: "no_model",
  format: "format",
  invalid_request: "format",
  network: "unknown",
  server: "unknown",
  unavailable: "unknown",
  unknown: "unknown",
};

/** Maps a failure reason to its probe bucket. */
export function probeBucket(reason: FailureReason): ProbeStatus {
  return BUCKETS[reason];
}

/** Sends one tiny request to `ref` and reports how it went; never throws for model failures. */
export async function probeModel(
  ref: ModelRef,
  catalog: ModelCatalog,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  const base = { ref: formatModelRef(ref), provider: ref.provider, model: ref.model };
  const t0 = performance.now();
  using deadline = startDeadline(systemClock, options.timeoutMs ?? 8_000, options.signal);
  const signal = deadline.signal;
  try {
    const model = await createLanguageModel(ref, catalog, { fetch: options.fetch });
    const { generateText } = await import("ai");
    await generateText({
      model,
      prompt: "Reply with OK.",
      maxOutputTokens: options.maxTokens ?? 16,
      maxRetries: 0,
      abortSignal: signal,
    });
    return { ...base, status: "ok", latencyMs: Math.round(performance.now() - t0) };
  } catch (err) {
    const c = classifyModelError(err, { signal: options.signal, timedOut: deadline.timedOut });
    return {
      ...base,
      status: probeBucket(c.reason),
      reason: c.reason,
      error: c.message,
      latencyMs: Math.round(performance.now() - t0),
    };
  }
}
