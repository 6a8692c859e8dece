/**
 * The strict config schema's answers, computed in a short-lived child process, for the gateway.
 *
 * The zod schema graph of the whole config costs ~9 MB of heap (~18 MB of the gateway's RSS,
 * measured with Telegram and Discord connected) once built, and a module's schema objects live as
 * long as the module -- for ever. A CLI command exits after using it; the gateway would carry that
 * graph for its whole life after its first uncached start, reload or `config.*` call. A child
 * process builds it, answers, and exits with it. (A Worker does not do: a torn-down isolate left
 * more resident memory behind than the schema itself, measured.)
 *
 * The child is this program (main.ts answers {@linkcode SCHEMA_CHILD_ARG} before anything else)
 * and may only read its own files: it reads one request on stdin (`{"op":"validate","config":...}`
 * or `{"op":"json-schema"}`) and writes the answer as
 * JSON on stdout (lib/config/schema_child.ts). Whatever goes wrong with it -- no child can be
 * spawned, it times out, its answer is not one -- the answer is computed here instead: slower to
 * free, never a lost or different check. So is a config JSON cannot carry exactly (a non-finite
 * number from JSON5).
 *
 * @module
 */
import type { ConfigIssue } from "./check.ts";
import type { ConfigUiHint, OpenClawConfig } from "./schema.ts";
import { runCommand } from "../service/exec.ts";
import { exactJson } from "./validated_cache.ts";

/** The argument that makes main.ts serve one request of the schema child and exit. */
export const SCHEMA_CHILD_ARG = "__config-schema-child";
/** How long the child may take before the answer is computed in-process. */
const CHILD_TIMEOUT_MS = 30_000;
/** Bounds the child's answer (a validated config is a few KB, the JSON schema ~90 KB). */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** The schema's verdict, as lib/config/load.ts's `validateConfigObject` gives it. */
export type ValidateResult = { ok: true; config: OpenClawConfig } | {
  ok: false;
  issues: ConfigIssue[];
};

/** The config's JSON Schema and UI hints, as lib/config/schema.ts's functions give them. */
export interface ConfigSchemaDocs {
  schema: Record<string, unknown>;
  uiHints: Record<string, ConfigUiHint>;
}

/** Options of the functions of this module. */
export interface IsolatedOptions {
  /** The child's argv (program first); tests point it elsewhere. @default this program */
  command?: readonly string[];
  /** @default 30000 */
  timeoutMs?: number;
}

/** The argv that runs this program as the schema child, or undefined when there is none. */
function childCommand(): string[] | undefined {
  const exe = Deno.execPath();
  if (Deno.build.standalone) return [exe, SCHEMA_CHILD_ARG];
  // From source this module is a .ts file beside main.ts's tree; from the bundle it is a chunk
  // and the program's entry is the main module.
  const fromSource = import.meta.url.endsWith(".ts");
  const entry = fromSource ? new URL("../../main.ts", import.meta.url) : new URL(Deno.mainModule);
  if (entry.protocol !== "file:") return undefined;
  const config = fromSource
    ? ["--config", new URL("../../deno.json", import.meta.url).pathname]
    : [];
  // Reading the program's own files is the one thing it may do: its modules load by `import()`.
  const dir = new URL(".", entry).pathname;
  return [
    exe,
    "run",
    "--quiet",
    "--no-prompt",
    `--allow-read=${dir}`,
    ...config,
    entry.pathname,
    SCHEMA_CHILD_ARG,
  ];
}

/** The child's answer, when it gave one `accept` takes. */
async function askChild<T>(
  request: string,
  accept: (answer: unknown) => answer is T,
  options: IsolatedOptions,
): Promise<T | undefined> {
  // A gateway run without --allow-run (or read, or env) cannot have a child: the work is done
  // in-process then, as for any other failure of the child.
  try {
    const [program, ...args] = options.command ?? childCommand() ?? [];
    if (program === undefined) return undefined;
    const run = await runCommand(program, args, {
      stdin: new TextEncoder().encode(request),
      timeoutMs: options.timeoutMs ?? CHILD_TIMEOUT_MS,
      maxOutputBytes: MAX_ANSWER_BYTES,
      lookupEnv: {},
    });
    if (run.code !== 0 || run.truncated) return undefined;
    const answer: unknown = JSON.parse(run.stdout);
    return accept(answer) ? answer : undefined;
  } catch {
    return undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function isValidateResult(v: unknown): v is ValidateResult {
  if (!isRecord(v)) return false;
  if (v.ok === true) return isRecord(v.config);
  return v.ok === false && Array.isArray(v.issues) &&
    v.issues.every((i) =>
      isRecord(i) && typeof i.path === "string" && typeof i.message === "string"
    );
}

function isSchemaDocs(v: unknown): v is ConfigSchemaDocs {
  return isRecord(v) && isRecord(v.schema) && isRecord(v.uiHints);
}

/**
 * Verdicts of recent validations, by the resolved config's JSON: the schema's answer depends on
 * nothing else, so the same config -- valid or not -- never costs a second child. Without it a
 * client calling `config.get` in a loop while the file on disk is invalid (invalid configs are
 * never in the validation cache) would spawn a process per call. Concurrent asks share one child.
 */
const verdicts = new Map<string, Promise<ValidateResult>>();
/** Verdicts kept (each a few KB: the config with defaults, or its issues). */
const MAX_VERDICTS = 8;

/**
 * Validates an already-resolved config object, as lib/config/load.ts's `validateConfigObject`,
 * with the schema built in a child process that is gone when this resolves.
 *
 * @param resolved The config after `$include`, `env` and `${VAR}`.
 * @param options The child's argv and deadline.
 * @returns The validated config with defaults, or every problem by path (a copy of its own).
 */
export async function validateConfigIsolated(
  resolved: unknown,
  options: IsolatedOptions = {},
): Promise<ValidateResult> {
  const json = exactJson(resolved);
  if (json === undefined) return await inProcess(resolved);
  const key = `${options.command?.join("\0") ?? ""}\n${json}`;
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    verdict = validateInChild(resolved, json, options);
    verdicts.set(key, verdict);
    if (verdicts.size > MAX_VERDICTS) verdicts.delete(verdicts.keys().next().value!);
  }
  // Each caller owns its copy: the gateway adopts the config, config.get redacts it.
  return structuredClone(await verdict);
}

async function validateInChild(
  resolved: unknown,
  json: string,
  options: IsolatedOptions,
): Promise<ValidateResult> {
  const request = `{"op":"validate","config":${json}}`;
  const answer = await askChild(request, isValidateResult, options);
  return answer ?? await inProcess(resolved);
}

async function inProcess(resolved: unknown): Promise<ValidateResult> {
  const { validateConfigObject } = await import("./load.ts");
  return validateConfigObject(resolved);
}

/** Forgets the kept verdicts (tests). */
export function forgetConfigVerdicts(): void {
  verdicts.clear();
}

let docs: Promise<ConfigSchemaDocs> | undefined;

/**
 * The config's JSON Schema and UI hints (`config.schema`), computed once in a child process and
 * kept: ~90 KB of JSON instead of the schema graph it comes from.
 *
 * @param options The child's argv and deadline (only the first call's count).
 * @returns The same documents as lib/config/schema.ts's `configJsonSchema` and `configUiHints`.
 */
export function configSchemaIsolated(options: IsolatedOptions = {}): Promise<ConfigSchemaDocs> {
  docs ??= (async () => {
    const answer = await askChild('{"op":"json-schema"}', isSchemaDocs, options);
    if (answer !== undefined) return answer;
    const { configJsonSchema, configUiHints } = await import("./schema.ts");
    return { schema: configJsonSchema(), uiHints: configUiHints() };
  })();
  return docs;
}

/** Forgets the kept schema documents (tests). */
export function forgetConfigSchemaDocs(): void {
  docs = undefined;
}
