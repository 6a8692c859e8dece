/**
 * Running a CLI backend (`claude -p ...`, `codex exec ...`) as a text-only model: one prompt in,
 * the final text out. No shell (arguments go straight to the program), no OpenClaw tools, no
 * streaming; a deadline and the caller's signal kill the child, and its output is bounded.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { startDeadline } from "../deadline.ts";
import { systemClock } from "../clock.ts";
import type { TokenUsage } from "./cost.ts";
import type { CliBackendConfig } from "./types.ts";

/** Input of {@linkcode runCliBackend}. */
export interface CliRunInput {
  /** The model part of the ref (`opus-4.6` in `claude-cli/opus-4.6`). */
  model: string;
  prompt: string;
  /** Passed with the backend's `systemPromptArg`, or prepended to the prompt when it has none. */
  systemPrompt?: string;
  signal?: AbortSignal;
  /** @default 600_000 */
  timeoutMs?: number;
  /** Cap on stdout; more kills the child. @default 4 MiB */
  maxOutputBytes?: number;
  /** Environment for the child. @default Deno.env.toObject() */
  env?: Record<string, string>;
  cwd?: string;
}

/** What a CLI backend answered. */
export interface CliRunResult {
  text: string;
  sessionId?: string;
  usage?: TokenUsage;
  durationMs: number;
}

const STDERR_KEEP = 4096;

function buildArgs(
  backend: CliBackendConfig,
  input: CliRunInput,
): { args: string[]; stdin?: string } {
  const args = [...backend.args];
  if (backend.modelArg && input.model) {
    args.push(backend.modelArg, backend.modelAliases[input.model] ?? input.model);
  }
  let prompt = input.prompt;
  if (input.systemPrompt) {
    if (backend.systemPromptArg) args.push(backend.systemPromptArg, input.systemPrompt);
    else prompt = `${input.systemPrompt}\n\n${prompt}`;
  }
  // A prompt starting with "-" would be read as an option; both stock CLIs read stdin instead.
  if (backend.input === "stdin" || prompt.startsWith("-")) return { args, stdin: prompt };
  args.push(prompt);
  return { args };
}

function childEnv(backend: CliBackendConfig, base: Record<string, string>): Record<string, string> {
  const env = { ...base, ...backend.env };
  for (const name of backend.clearEnv) delete env[name];
  return env;
}

async function readBounded(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  max: number,
  onOverflow: () => void,
): Promise<{ bytes: Uint8Array; overflow: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let overflow = false;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    if (overflow) continue;
    size += r.value.length;
    if (size > max) {
      overflow = true;
      onOverflow();
      continue;
    }
    chunks.push(r.value);
  }
  const bytes = new Uint8Array(Math.min(size, max));
  let off = 0;
  for (const c of chunks) {
    bytes.set(c, off);
    off += c.length;
  }
  return { bytes, overflow };
}

async function readTail(reader: ReadableStreamDefaultReader<Uint8Array>, keep: number) {
  const dec = new TextDecoder();
  let text = "";
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    text = (text + dec.decode(r.value, { stream: true })).slice(-keep);
  }
  return text;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? v as Record<string, unknown>
    : undefined;
}

function usageFrom(v: unknown): TokenUsage | undefined {
  const u = asRecord(v);
  if (!u) return undefined;
  const num = (x: unknown) => (typeof x === "number" ? x : undefined);
  const cacheRead = num(u.cache_read_input_tokens) ?? num(u.cached_input_tokens);
  const cacheWrite = num(u.cache_creation_input_tokens);
  const fresh = num(u.input_tokens);
  return {
    inputTokens: (fresh ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0),
    outputTokens: num(u.output_tokens),
    inputTokenDetails: {
      noCacheTokens: fresh,
      cacheReadTokens: cacheRead,
      cacheWriteTokens: cacheWrite,
    },
  };
}

function parseJsonOutput(stdout: string): Omit<CliRunResult, "durationMs"> {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    return { text: stdout.trim() };
  }
  const o = asRecord(data) ?? {};
  if (o.is_error === true) {
    throw new Error(String(o.result ?? o.error ?? "the CLI reported an error"));
  }
  const message = asRecord(o.message);
  const text = [o.result, o.text, o.response, o.content, message?.content]
    .find((v) => typeof v === "string") as string | undefined;
  const sessionId = [o.session_id, o.sessionId, o.conversation_id, o.conversationId]
    .find((v) => typeof v === "string") as string | undefined;
  return {
    text: (text ?? "").trim(),
    ...(sessionId ? { sessionId } : {}),
    ...(o.usage ? { usage: usageFrom(o.usage) } : {}),
  };
}

/** Codex `exec --json`: keep the last agent message, the thread id and the turn's usage. */
function parseJsonlOutput(stdout: string): Omit<CliRunResult, "durationMs"> {
  let text = "";
  let sessionId: string | undefined;
  let usage: TokenUsage | undefined;
  for (const line of stdout.split("\n")) {
    if (!line.trim().startsWith("{")) continue;
    let ev: Record<string, unknown> | undefined;
    try {
      ev = asRecord(JSON.parse(line));
    } catch {
      continue; // a torn or non-JSON line is noise, not a failure
    }
    if (!ev) continue;
    if (typeof ev.thread_id === "string") sessionId = ev.thread_id;
    const item = asRecord(ev.item);
    if (item?.type === "agent_message" && typeof item.text === "string") text = item.text;
    const msg = asRecord(ev.msg);
    if (msg?.type === "agent_message" && typeof msg.message === "string") text = msg.message;
    if (ev.type === "error" || ev.type === "turn.failed") {
      const err = asRecord(ev.error);
      throw new Error(String(err?.message ?? ev.message ?? "the CLI reported an error"));
    }
    if (ev.usage) usage = usageFrom(ev.usage);
  }
  return { text: text.trim(), ...(sessionId ? { sessionId } : {}), ...(usage ? { usage } : {}) };
}

/**
 * Runs a CLI backend once.
 *
 * @param id The backend id, for messages (`claude-cli`).
 * @param backend The resolved backend.
 * @param input Model, prompt, deadline, limits.
 * @throws {OpenClawError} `MODEL_CLI_NOT_FOUND`, `MODEL_CLI_TIMEOUT`,
 *   `MODEL_CLI_OUTPUT_TOO_LARGE`, `MODEL_CLI_FAILED` (non-zero exit or an error in its output).
 */
export async function runCliBackend(
  id: string,
  backend: CliBackendConfig,
  input: CliRunInput,
): Promise<CliRunResult> {
  const t0 = performance.now();
  const { args, stdin } = buildArgs(backend, input);
  using deadline = startDeadline(systemClock, input.timeoutMs ?? 600_000, input.signal);
  const killer = new AbortController();
  const signal = AbortSignal.any([deadline.signal, killer.signal]);
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(backend.command, {
      args,
      env: childEnv(backend, input.env ?? Deno.env.toObject()),
      clearEnv: true,
      cwd: input.cwd,
      stdin: stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
      signal,
    }).spawn();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new OpenClawError(
        "MODEL_CLI_NOT_FOUND",
        `Cannot run CLI backend "${id}": command "${backend.command}" was not found`,
        { cause: err, hint: `Install it, or set agents.defaults.cliBackends.${id}.command` },
      );
    }
    throw new OpenClawError("MODEL_CLI_FAILED", `Cannot run CLI backend "${id}": ${err}`, {
      cause: err,
    });
  }
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin)).catch(() => {});
    await w.close().catch(() => {});
  }
  const max = input.maxOutputBytes ?? 4 * 1024 * 1024;
  const outReader = child.stdout.getReader();
  const errReader = child.stderr.getReader();
  // Killing the child does not close pipes its own children inherited; once we give up on the
  // run, stop reading instead of waiting for them.
  const stopReading = () => {
    outReader.cancel().catch(() => {});
    errReader.cancel().catch(() => {});
  };
  signal.addEventListener("abort", stopReading, { once: true });
  const [out, errTail, status] = await Promise.all([
    readBounded(outReader, max, () => killer.abort()),
    readTail(errReader, STDERR_KEEP),
    child.status,
  ]).finally(() => signal.removeEventListener("abort", stopReading));
  const durationMs = Math.round(performance.now() - t0);
  if (input.signal?.aborted) throw input.signal.reason ?? new DOMException("Aborted", "AbortError");
  if (deadline.timedOut) {
    throw new OpenClawError(
      "MODEL_CLI_TIMEOUT",
      `CLI backend "${id}" timed out after ${durationMs} ms`,
    );
  }
  if (out.overflow) {
    throw new OpenClawError(
      "MODEL_CLI_OUTPUT_TOO_LARGE",
      `CLI backend "${id}" printed more than ${max} bytes; it was stopped`,
    );
  }
  const stdout = new TextDecoder().decode(out.bytes);
  if (!status.success) {
    const why = errTail.trim().split("\n").slice(-3).join(" ").slice(-300) || "no output on stderr";
    throw new OpenClawError(
      "MODEL_CLI_FAILED",
      `CLI backend "${id}" exited with code ${status.code}: ${why}`,
    );
  }
  try {
    const parsed = backend.output === "json"
      ? parseJsonOutput(stdout)
      : backend.output === "jsonl"
      ? parseJsonlOutput(stdout)
      : { text: stdout.trim() };
    return { ...parsed, durationMs };
  } catch (err) {
    throw new OpenClawError(
      "MODEL_CLI_FAILED",
      `CLI backend "${id}" failed: ${err instanceof Error ? err.message : err}`,
      { cause: err },
    );
  }
}
