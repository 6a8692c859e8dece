/**
 * The logger shape the QQ modules write to (the gateway's `Logger` fits), and the one scrubber every
 * error text passes through before it is logged, thrown or shown in status, so neither the
 * AppSecret nor an access token leaves the process even if a server echoes one.
 *
 * @module
 */

/** Where the adapter logs (structured properties, never a secret). */
export interface QQBotLogger {
  debug(message: string, properties?: Record<string, unknown>): void;
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
  error(message: string, properties?: Record<string, unknown>): void;
}

/** A logger that drops everything. */
export const silentLogger: QQBotLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Returns the secrets to scrub right now (the AppSecret and the tokens issued so far). */
export type SecretList = () => readonly string[];

/**
 * Replaces every occurrence of each secret in `text` with `[redacted]`.
 *
 * @param text Any message.
 * @param secrets Secrets shorter than 8 characters are left alone (they would eat ordinary text).
 * @returns The scrubbed text.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.split(secret).join("[redacted]");
  }
  return out;
}

/**
 * The message of any thrown value, scrubbed.
 *
 * @param err What was thrown.
 * @param secrets The secrets to remove.
 * @returns One line of text.
 */
export function scrubbedMessage(err: unknown, secrets: readonly string[]): string {
  return scrubSecrets(err instanceof Error ? err.message : String(err), secrets);
}
