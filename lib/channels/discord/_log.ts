/**
 * The logger shape the Discord modules write to (the gateway's `Logger` fits), and the one scrubber
 * every error text passes through before it is logged, thrown or shown in status, so the bot
 * token never leaves the process even if a server echoes it.
 *
 * @module
 */

/** Where the adapter logs (structured properties, never the token). */
export interface DiscordLogger {
  debug(message: string, properties?: Record<string, unknown>): void;
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
  error(message: string, properties?: Record<string, unknown>): void;
}

/** A logger that drops everything. */
export const silentLogger: DiscordLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/**
 * Removes every occurrence of `token` from `text`.
 *
 * @param text Any message.
 * @param token The bot token (nothing is replaced when it is shorter than 8 characters).
 * @returns The text with the token replaced by `[redacted]`.
 */
export function scrubToken(text: string, token: string | undefined): string {
  if (!token || token.length < 8) return text;
  return text.split(token).join("[redacted]");
}
