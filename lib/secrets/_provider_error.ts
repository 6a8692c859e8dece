/**
 * The error a provider throws inside resolution. It carries only what went wrong at the provider;
 * the resolver adds the config path and the ref when it turns it into an OpenClawError.
 *
 * @module
 */

/** A provider-level failure (or, with `refId`, the failure of one id). */
export class SecretProviderError extends Error {
  readonly hint?: string;
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "SecretProviderError";
    this.hint = options.hint;
  }
}
