/**
 * The one error type of openclaw: a stable `code` callers and tests can match on, a human
 * message, an optional hint naming the command or flag that fixes it, and the process exit code
 * the CLI should end with.
 *
 * @module
 */

/** Exit codes shared by every command (DESIGN.md "Output"). */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  /** EX_CONFIG: systemd units carry `RestartPreventExitStatus=78` so a broken config stops looping. */
  config: 78,
} as const;

/** One of the process exit codes in {@link ExitCode}. */
export type ExitCodeValue = typeof ExitCode[keyof typeof ExitCode];

/** Options for {@linkcode OpenClawError}. */
export interface OpenClawErrorOptions {
  /** The command or flag that fixes the problem. */
  hint?: string;
  /** Process exit code for the CLI. @default ExitCode.failed */
  exitCode?: ExitCodeValue;
  /** The underlying error. */
  cause?: unknown;
  /** Extra machine-readable facts (e.g. the list of config issues). */
  details?: unknown;
}

/** An error with a stable code, a message for people, and an optional fix. */
export class OpenClawError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly exitCode: ExitCodeValue;
  readonly details?: unknown;

  constructor(code: string, message: string, options: OpenClawErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "OpenClawError";
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.failed;
    this.details = options.details;
  }
}

/** Returns true when `err` is an {@linkcode OpenClawError} with the given code. */
export function isOpenClawError(err: unknown, code?: string): err is OpenClawError {
  return err instanceof OpenClawError && (code === undefined || err.code === code);
}

/** Returns the message of any thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
