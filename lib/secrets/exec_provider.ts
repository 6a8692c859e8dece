/**
 * The `exec` provider: runs an external resolver (1Password `op`, Vault, sops, a script) once per
 * resolution with every id it has to answer. The request goes on stdin as
 * `{ "protocolVersion": 1, "provider": alias, "ids": [...] }`; stdout carries
 * `{ "protocolVersion": 1, "values": { id: value }, "errors"?: { id: { message } } }` or a plain
 * `{ id: value }` object, or (with `jsonOnly: false` and one id) the bare value.
 *
 * @module
 */
import { dirname, expandHome } from "../paths.ts";
import { type ResolverResult, runResolver } from "./_exec_run.ts";
import { checkSecurePath } from "./_path_check.ts";
import { SecretProviderError } from "./_provider_error.ts";
import type { ExecProviderConfig, IdOutcome, ProviderContext } from "./types.ts";

/** Kill the resolver after this long by default. */
export const DEFAULT_EXEC_TIMEOUT_MS = 10_000;
/** Most output (stdout + stderr) accepted by default: 1 MiB. */
export const DEFAULT_EXEC_MAX_OUTPUT_BYTES = 1024 * 1024;
/** The only protocol version spoken. */
export const EXEC_PROTOCOL_VERSION = 1;

const STDERR_LIMIT = 400;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function stderrTail(stderr: string): string {
  const s = stderr.trim().replace(/\s*\n\s*/g, " | ");
  if (!s) return "";
  return ": " + (s.length > STDERR_LIMIT ? s.slice(0, STDERR_LIMIT) + "\u2026" : s);
}

function describeFailure(r: ResolverResult, config: ExecProviderConfig, where: string): string {
  const timeoutMs = config.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
  switch (r.termination) {
    case "timeout":
      return `${where} timed out after ${timeoutMs} ms and was killed`;
    case "no-output-timeout":
      return `${where} produced no output for ${
        config.noOutputTimeoutMs ?? timeoutMs
      } ms and was killed`;
    case "output-limit":
      return `${where} printed more than maxOutputBytes (${
        config.maxOutputBytes ?? DEFAULT_EXEC_MAX_OUTPUT_BYTES
      } bytes) and was killed`;
    default:
      return r.signal
        ? `${where} was killed by ${r.signal}${stderrTail(r.stderr)}`
        : `${where} exited with code ${r.code}${stderrTail(r.stderr)}`;
  }
}

/** Turns resolver stdout into per-id outcomes. */
function parseValues(
  stdout: string,
  ids: readonly string[],
  jsonOnly: boolean,
  where: string,
): Map<string, IdOutcome> {
  const text = stdout.trim();
  if (!text) throw new SecretProviderError(`${where} printed nothing on stdout`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (!jsonOnly && ids.length === 1) return new Map([[ids[0], { ok: true, value: text }]]);
    throw new SecretProviderError(`${where} did not print valid JSON on stdout`, {
      hint: jsonOnly
        ? "Print a JSON object of values keyed by id, or set jsonOnly: false for a bare value"
        : "With several ids the resolver must print a JSON object of values keyed by id",
    });
  }
  if (!isRecord(parsed)) {
    if (!jsonOnly && ids.length === 1) {
      return new Map([[ids[0], { ok: true, value: typeof parsed === "string" ? parsed : text }]]);
    }
    throw new SecretProviderError(`${where} printed JSON that is not an object`);
  }
  const wrapped = isRecord(parsed.values) &&
    (parsed.protocolVersion !== undefined || !ids.includes("values"));
  if (wrapped && parsed.protocolVersion !== undefined) {
    if (parsed.protocolVersion !== EXEC_PROTOCOL_VERSION) {
      throw new SecretProviderError(
        `${where} answered protocolVersion ${
          JSON.stringify(parsed.protocolVersion)
        }; expected ${EXEC_PROTOCOL_VERSION}`,
      );
    }
  }
  const values = wrapped ? parsed.values as Record<string, unknown> : parsed;
  const errors = wrapped && isRecord(parsed.errors) ? parsed.errors : {};
  const out = new Map<string, IdOutcome>();
  for (const id of ids) {
    if (Object.hasOwn(errors, id)) {
      const e = errors[id];
      const msg = isRecord(e) && typeof e.message === "string" ? e.message.trim() : "";
      out.set(id, { ok: false, error: `${where} failed for id "${id}"${msg ? `: ${msg}` : ""}` });
    } else if (Object.hasOwn(values, id)) {
      out.set(id, { ok: true, value: values[id] });
    } else {
      out.set(id, { ok: false, error: `${where} returned no value for id "${id}"` });
    }
  }
  return out;
}

/**
 * Resolves exec ids with one run of the provider's command.
 *
 * @throws {SecretProviderError} when the command is refused, cannot start, times out, prints too
 *   much, exits non-zero or prints something unreadable.
 */
export async function resolveExecIds(
  ctx: ProviderContext,
  config: ExecProviderConfig,
  ids: readonly string[],
): Promise<Map<string, IdOutcome>> {
  const command = expandHome(config.command, ctx.env);
  const where = `exec provider "${ctx.alias}" (${command})`;
  let safeCommand: string;
  try {
    safeCommand = checkSecurePath({
      path: command,
      label: `secrets.providers.${ctx.alias}.command`,
      allowSymlink: config.allowSymlinkCommand,
      trustedDirs: config.trustedDirs,
      allowInsecurePath: config.allowInsecurePath,
      env: ctx.env,
    });
  } catch (err) {
    if (!(err instanceof SecretProviderError)) throw err;
    throw new SecretProviderError(`${where}: ${err.message}`, { hint: err.hint, cause: err });
  }

  // Only what the provider names reaches the resolver: no inherited environment at all.
  const env: Record<string, string> = {};
  for (const name of config.passEnv ?? []) {
    const v = ctx.env[name];
    if (v !== undefined) env[name] = v;
  }
  Object.assign(env, config.env ?? {});

  const timeoutMs = config.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
  let result: ResolverResult;
  try {
    result = await runResolver({
      command: safeCommand,
      args: config.args ?? [],
      env,
      cwd: dirname(safeCommand),
      input: JSON.stringify({ protocolVersion: EXEC_PROTOCOL_VERSION, provider: ctx.alias, ids }),
      timeoutMs,
      noOutputTimeoutMs: config.noOutputTimeoutMs ?? timeoutMs,
      maxOutputBytes: config.maxOutputBytes ?? DEFAULT_EXEC_MAX_OUTPUT_BYTES,
    });
  } catch (err) {
    throw new SecretProviderError(`${where} could not be started: ${(err as Error).message}`, {
      hint: `Check that ${command} exists and is executable`,
      cause: err,
    });
  }
  if (result.termination !== "exit" || result.code !== 0) {
    throw new SecretProviderError(describeFailure(result, config, where), {
      hint: `Run ${command} by hand with the request on stdin to see what it does`,
    });
  }
  return parseValues(result.stdout, ids, config.jsonOnly ?? true, where);
}
