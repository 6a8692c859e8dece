/**
 * The one place the CLI prints. Human text goes to stdout (results) and stderr (diagnostics);
 * with `--json`, stdout carries exactly one JSON document and nothing else.
 *
 * @module
 */
import { ExitCode, type ExitCodeValue, OpenClawError } from "../lib/errors.ts";
import { GatewayRpcError } from "../lib/rpc/errors.ts";

const encoder = new TextEncoder();

let stdoutClosed = false;

/** Thrown by a print when stdout's reader went away (`openclaw status | head -3`). */
export class StdoutClosedError extends Error {
  constructor() {
    super("stdout was closed");
    this.name = "StdoutClosedError";
  }
}

/** True once a write found stdout closed; the command then ends quietly with exit 0. */
export function stdoutWasClosed(): boolean {
  return stdoutClosed;
}

/** True for the errors a closed stdout pipe causes. */
export function isClosedStdout(err: unknown): boolean {
  return err instanceof StdoutClosedError ||
    (stdoutClosed && err instanceof Deno.errors.BrokenPipe);
}

function write(stream: typeof Deno.stdout | typeof Deno.stderr, text: string): void {
  if (stream === Deno.stdout && stdoutClosed) throw new StdoutClosedError();
  const data = encoder.encode(text);
  let off = 0;
  try {
    while (off < data.length) off += stream.writeSync(data.subarray(off));
  } catch (err) {
    if (!(err instanceof Deno.errors.BrokenPipe)) throw err;
    // Nobody reads any more: stop the command (stdout) or drop the diagnostic (stderr).
    if (stream === Deno.stdout) {
      stdoutClosed = true;
      throw new StdoutClosedError();
    }
  }
}

let colorDisabled = false;

/** Turns colour off for the rest of the process (`--no-color`). */
export function disableColor(): void {
  colorDisabled = true;
}

/** Returns true when colour may be used on `stream`: a TTY, no `NO_COLOR`, no `--no-color`. */
export function colorEnabled(
  stream: typeof Deno.stdout | typeof Deno.stderr = Deno.stdout,
): boolean {
  if (colorDisabled || Deno.env.get("NO_COLOR") !== undefined) return false;
  return stream.isTerminal();
}

function paint(code: string, text: string, stream = Deno.stdout): string {
  return colorEnabled(stream) ? `\x1b[${code}m${text}\x1b[0m` : text;
}

/** Colour helpers; each is a no-op when colour is off. */
export const style = {
  bold: (s: string, stream = Deno.stdout) => paint("1", s, stream),
  dim: (s: string, stream = Deno.stdout) => paint("2", s, stream),
  red: (s: string, stream = Deno.stdout) => paint("31", s, stream),
  green: (s: string, stream = Deno.stdout) => paint("32", s, stream),
  yellow: (s: string, stream = Deno.stdout) => paint("33", s, stream),
  cyan: (s: string, stream = Deno.stdout) => paint("36", s, stream),
};

/** Prints a line of human output to stdout. */
export function printLine(text = ""): void {
  write(Deno.stdout, text + "\n");
}

/** Prints a diagnostic line to stderr. */
export function printErr(text: string): void {
  write(Deno.stderr, text + "\n");
}

/** Prints one JSON document to stdout. */
export function printJson(value: unknown): void {
  write(Deno.stdout, JSON.stringify(value, null, 2) + "\n");
}

/** Prints one compact JSON line to stdout (JSON Lines streams such as `logs --follow --json`). */
export function printJsonLine(value: unknown): void {
  write(Deno.stdout, JSON.stringify(value) + "\n");
}

/** Prints a warning to stderr. */
export function printWarn(text: string): void {
  printErr(`${style.yellow("warning:", Deno.stderr)} ${text}`);
}

/** Renders rows as aligned columns. */
export function formatTable(rows: readonly (readonly string[])[], gap = 2): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => widths[i] = Math.max(widths[i] ?? 0, c.length));
  return rows.map((row) =>
    row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] + gap))).join("").trimEnd()
  ).join("\n");
}

/** The JSON failure envelope. */
export interface ErrorEnvelope {
  ok: false;
  error: {
    /** The CLI's error code (`GATEWAY_RPC_ERROR`, `CONFIG_INVALID`, ...). */
    type: string;
    message: string;
    hint?: string;
    /** When the gateway refused a call: its protocol code (`INVALID_REQUEST`, `FORBIDDEN`, ...). */
    code?: string;
    /** When the gateway refused a call: whether retrying may help. */
    retryable?: boolean;
    /** When the gateway refused a call: how long to wait before retrying. */
    retryAfterMs?: number;
    /** Machine-readable facts; for a refused call, the gateway's own `details`. */
    details?: unknown;
  };
}

/**
 * Turns any thrown value into the JSON failure envelope. A refused gateway call shows the
 * gateway's ErrorShape (`code`, `retryable`, `retryAfterMs`, `details`) next to the CLI's `type`.
 */
export function errorEnvelope(err: unknown): ErrorEnvelope {
  if (err instanceof GatewayRpcError) {
    const { code, retryable, retryAfterMs, details } = err.shape;
    return {
      ok: false,
      error: {
        type: err.code,
        code,
        message: err.message,
        hint: err.hint,
        ...(retryable === undefined ? {} : { retryable }),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        details,
      },
    };
  }
  if (err instanceof OpenClawError) {
    return {
      ok: false,
      error: { type: err.code, message: err.message, hint: err.hint, details: err.details },
    };
  }
  return {
    ok: false,
    error: { type: "INTERNAL", message: err instanceof Error ? err.message : String(err) },
  };
}

/** ` (INVALID_REQUEST)`, or ` (FORBIDDEN, MISSING_SCOPE)` with the gateway's detail code. */
function codeSuffix(err: OpenClawError): string {
  if (!(err instanceof GatewayRpcError)) return "";
  const detail = (err.shape.details as { code?: unknown } | undefined)?.code;
  const codes = typeof detail === "string" && detail !== err.shape.code
    ? `${err.shape.code}, ${detail}`
    : err.shape.code;
  return ` ${style.dim(`(${codes})`, Deno.stderr)}`;
}

/**
 * Prints an error the way the chosen mode wants it and returns the exit code. Unexpected errors
 * print their stack only when `OPENCLAW_DEBUG` is set, so users never see one by accident.
 */
export function reportError(err: unknown, json: boolean): ExitCodeValue {
  // A closed stdout pipe (`| head`) is not a failure: the reader has what it wanted.
  if (stdoutClosed || isClosedStdout(err)) return ExitCode.ok;
  if (json) {
    printJson(errorEnvelope(err));
  } else if (err instanceof OpenClawError) {
    printErr(`${style.red("Error:", Deno.stderr)} ${err.message}${codeSuffix(err)}`);
    if (err.hint) printErr(`${style.dim("Hint:", Deno.stderr)} ${err.hint}`);
  } else {
    const message = err instanceof Error ? err.message : String(err);
    printErr(`${style.red("Error:", Deno.stderr)} ${message}`);
    if (Deno.env.get("OPENCLAW_DEBUG") && err instanceof Error && err.stack) printErr(err.stack);
  }
  return err instanceof OpenClawError ? err.exitCode : ExitCode.failed;
}
