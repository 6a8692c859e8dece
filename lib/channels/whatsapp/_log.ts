/**
 * The logger shape the WhatsApp modules write to (the gateway's `Logger` fits) and a silent one for
 * tests and for Baileys' own chatter.
 *
 * @module
 */

/** Where the WhatsApp modules log (structured properties; never credentials or message text). */
export interface WhatsAppLogger {
  debug(message: string, properties?: Record<string, unknown>): void;
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
  error(message: string, properties?: Record<string, unknown>): void;
}

/** A logger that drops everything. */
export const silentLogger: WhatsAppLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
