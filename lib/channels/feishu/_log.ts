/**
 * The logger shape the Feishu modules write to (the gateway's `Logger` fits) and the scrubber every
 * error text passes through before it is logged, thrown or shown in status: the app secret,
 * the tenant token, the encrypt key and the verification token never leave the process, and
 * neither does the long-connection URL's query (it carries a short-lived ticket).
 *
 * @module
 */

/** Where the adapter logs (structured properties, never a secret). */
export interface FeishuLogger {
  debug(message: string, properties?: Record<string, unknown>): void;
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
  error(message: string, properties?: Record<string, unknown>): void;
}

/** A logger that drops everything. */
export const silentLogger: FeishuLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Secrets shorter than this are not scrubbed (they would match ordinary words). */
const MIN_SECRET = 6;
/** Most secrets remembered (the tenant token changes every two hours). */
const MAX_SECRETS = 16;
const WS_QUERY = /(wss?:\/\/[^\s?"']+)\?[^\s"']*/g;

/** Removes known secrets from texts; secrets learnt later (tenant tokens) are added. */
export class Scrubber {
  readonly #secrets: string[] = [];

  /** @param secrets Secrets known at construction (undefined entries are skipped). */
  constructor(secrets: readonly (string | undefined)[] = []) {
    for (const s of secrets) this.add(s);
  }

  /** Remembers one more secret (oldest forgotten beyond a bound). */
  add(secret: string | undefined): void {
    if (!secret || secret.length < MIN_SECRET || this.#secrets.includes(secret)) return;
    this.#secrets.push(secret);
    if (this.#secrets.length > MAX_SECRETS) this.#secrets.splice(1, 1); // keep the app secret
  }

  /**
   * Scrubs a text or an error's message.
   *
   * @param value Any thrown value or text.
   * @returns One line with every known secret replaced by `[redacted]` and WebSocket URL
   *   queries dropped.
   */
  scrub(value: unknown): string {
    let text = value instanceof Error ? value.message : String(value);
    for (const s of this.#secrets) text = text.split(s).join("[redacted]");
    return text.replace(WS_QUERY, "$1?[redacted]");
  }
}
