/**
 * `secrets configure`: move one plaintext secret out of `openclaw.json` into a provider (an env
 * variable in `<stateDir>/.env`, or a JSON secrets file) and put a SecretRef in its place. The
 * order keeps every step safe: check the edited config, write the store, prove the new ref
 * resolves to the same value, then rewrite the config (comments kept) and scrub the `.bak`.
 *
 * @module
 */
import { applyConfigEdits, type ConfigEdit } from "../config/edit.ts";
import { checkConfigText, formatIssueLines } from "../config/load.ts";
import { formatConfigPath, getAtPath, parseConfigPath, type PathSegment } from "../config/path.ts";
import { parseConfigText, readConfigFile } from "../config/read.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import { ENV_SECRET_ID, SECRET_PROVIDER_ALIAS } from "../config/schema/_common.ts";
import { updateConfigText } from "../config/store.ts";
import { ExitCode, OpenClawError } from "../errors.ts";
import { writeFileAtomic } from "../fs/atomic.ts";
import {
  type Env,
  joinPath,
  processEnv,
  resolveConfigPath,
  resolveStateDir,
  shortenHome,
} from "../paths.ts";
import { fileProviderPath } from "./file_provider.ts";
import { formatJsonPointer, parseJsonPointer } from "./json_pointer.ts";
import { findPlaintextSecrets, type PlaintextSecret } from "./plaintext.ts";
import { isSecretRef, type SecretRef, secretRefKey } from "./ref.ts";
import { resolveRefOutcomes } from "./resolve.ts";
import { addEnvFileVar, addJsonFileSecret } from "./_stores.ts";

/** Where the secret goes. */
export type SecretTarget =
  | { provider: "env"; id: string }
  | { provider: "file"; pointer: string; file?: string; alias?: string };

/** Options for {@linkcode moveSecretToProvider}. */
export interface MoveSecretOptions {
  /** Config path of the plaintext secret, e.g. `models.providers.openai.apiKey`. */
  path: string;
  target: SecretTarget;
  /** @default resolveConfigPath() */
  configPath?: string;
  /** @default resolveStateDir() */
  stateDir?: string;
  env?: Env;
  cwd?: string;
}

/** What {@linkcode moveSecretToProvider} did. */
export interface MoveSecretResult {
  path: string;
  ref: SecretRef;
  /** The file the secret now lives in. */
  store: string;
  /** The provider alias added to `secrets.providers`, if one was. */
  providerAdded?: string;
}

/** Default alias of the file provider `configure` creates. */
export const DEFAULT_FILE_PROVIDER_ALIAS = "filemain";

const PLACEHOLDER = /\$\{([A-Z_][A-Z0-9_]*)\}/;

function fail(code: string, message: string, hint?: string, usage = false): OpenClawError {
  return new OpenClawError(code, message, {
    hint,
    exitCode: usage ? ExitCode.usage : ExitCode.failed,
  });
}

/** Lists the plaintext secrets of the config file itself (not of `$include`d files). */
export async function listMovableSecrets(
  configPath = resolveConfigPath(),
): Promise<PlaintextSecret[]> {
  const file = await readConfigFile(configPath);
  return file.exists ? findPlaintextSecrets(parseConfigText(file.text, configPath)) : [];
}

function snake(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/[^A-Za-z0-9]+/g, "_").toUpperCase()
    .replace(/^_+|_+$/g, "");
}

/** Suggests a variable name for a path: `models.providers.openai.apiKey` -> `OPENAI_API_KEY`. */
export function suggestEnvVarName(segments: readonly PathSegment[]): string {
  const names = segments.filter((s): s is string => typeof s === "string");
  const tail = names.slice(-2);
  if (tail[0] === "auth" || tail[0] === "remote") tail.unshift(names.at(-3) ?? "openclaw");
  const name = snake(tail.join("_")) || "OPENCLAW_SECRET";
  return /^[A-Z]/.test(name) ? name : `OPENCLAW_${name}`;
}

/** Suggests a JSON pointer for a path: `models.providers.openai.apiKey` -> same, slash-joined. */
export function suggestJsonPointer(segments: readonly PathSegment[]): string {
  return formatJsonPointer(segments.map(String));
}

function readPlaintext(text: string, configPath: string, segments: PathSegment[], path: string) {
  const hit = getAtPath(parseConfigText(text, configPath), segments);
  if (!hit.found) {
    throw fail(
      "SECRET_PATH_NOT_FOUND",
      `Cannot move ${path}: ${configPath} has no value there`,
      "List plaintext secrets with: openclaw secrets audit (values in $include files are " +
        "edited in those files)",
      true,
    );
  }
  if (isSecretRef(hit.value)) {
    throw fail("SECRET_ALREADY_REF", `Cannot move ${path}: it is already a SecretRef`);
  }
  if (typeof hit.value !== "string" || hit.value === "") {
    throw fail(
      "SECRET_NOT_STRING",
      `Cannot move ${path}: it is not a non-empty string`,
      undefined,
      true,
    );
  }
  const ph = PLACEHOLDER.exec(hit.value);
  if (ph) {
    throw fail(
      "SECRET_IS_PLACEHOLDER",
      `Cannot move ${path}: it is read from \${${ph[1]}}, not written in plaintext`,
      `Replace it with { source: "env", provider: "default", id: "${ph[1]}" } if you like`,
    );
  }
  return hit.value;
}

interface Plan {
  ref: SecretRef;
  store: string;
  edits: ConfigEdit[];
  providerAdded?: string;
}

function planTarget(
  target: SecretTarget,
  raw: Record<string, unknown>,
  segments: PathSegment[],
  stateDir: string,
  env: Env,
  cwd: string,
): Plan {
  const secrets = (raw.secrets ?? {}) as { providers?: Record<string, Record<string, unknown>> };
  const providers = secrets.providers ?? {};
  if (target.provider === "env") {
    if (!ENV_SECRET_ID.test(target.id)) {
      throw fail(
        "USAGE",
        `Invalid --id "${target.id}": must match /^[A-Z][A-Z0-9_]{0,127}$/`,
        "Example: --id OPENAI_API_KEY",
        true,
      );
    }
    const existing = providers.default;
    if (existing && existing.source !== "env") {
      throw fail(
        "SECRET_PROVIDER_CONFLICT",
        `Cannot use env refs through provider "default": it is a ${existing.source} provider`,
      );
    }
    const ref: SecretRef = { source: "env", provider: "default", id: target.id };
    return {
      ref,
      store: joinPath(stateDir, ".env"),
      edits: [{ op: "set", path: segments, value: ref }],
    };
  }
  parseJsonPointer(target.pointer);
  const alias = target.alias ?? DEFAULT_FILE_PROVIDER_ALIAS;
  if (!SECRET_PROVIDER_ALIAS.test(alias)) {
    throw fail(
      "USAGE",
      `Invalid --alias "${alias}": must match /^[a-z][a-z0-9_-]{0,63}$/`,
      undefined,
      true,
    );
  }
  const ref: SecretRef = { source: "file", provider: alias, id: target.pointer };
  const edits: ConfigEdit[] = [{ op: "set", path: segments, value: ref }];
  const existing = providers[alias];
  const wanted = target.file
    ? fileProviderPath({ path: target.file }, { env, cwd })
    : joinPath(stateDir, "secrets.json");
  if (!existing) {
    const entry = { source: "file", path: shortenHome(wanted, env), mode: "json" };
    edits.unshift({ op: "set", path: ["secrets", "providers", alias], value: entry });
    return { ref, store: wanted, edits, providerAdded: alias };
  }
  if (existing.source !== "file" || (existing.mode ?? "json") !== "json") {
    throw fail(
      "SECRET_PROVIDER_CONFLICT",
      `Cannot use provider "${alias}": it is not a file provider in json mode`,
      "Choose another alias with --alias",
    );
  }
  const store = fileProviderPath({ path: String(existing.path) }, { env, cwd });
  if (target.file && store !== wanted) {
    throw fail(
      "SECRET_PROVIDER_CONFLICT",
      `Cannot use provider "${alias}" with --file ${target.file}: it reads ${store}`,
      "Drop --file, or choose another alias with --alias",
    );
  }
  return { ref, store, edits };
}

function scrubBackup(configPath: string, plan: Plan, value: string, current: string): void {
  const bak = `${configPath}.bak`;
  let text: string;
  try {
    text = Deno.readTextFileSync(bak);
  } catch {
    return;
  }
  const escaped = JSON.stringify(value).slice(1, -1);
  if (!text.includes(value) && !text.includes(escaped)) return;
  let next = current;
  try {
    const edited = applyConfigEdits(text, plan.edits, bak).text;
    if (!edited.includes(value) && !edited.includes(escaped)) next = edited;
  } catch { /* unparseable backup: replace it with the current config */ }
  writeFileAtomic(bak, next, { mode: 0o600 });
}

/**
 * Moves the plaintext secret at `options.path` into the target provider and replaces it with a
 * SecretRef. The secret is written only to the provider's store; the config's `.bak` is scrubbed
 * of it.
 *
 * @throws {OpenClawError} when the path holds no plaintext secret, the schema refuses a ref
 *   there, the store already holds a different value, or the new ref does not resolve to it.
 */
export async function moveSecretToProvider(options: MoveSecretOptions): Promise<MoveSecretResult> {
  const env = options.env ?? processEnv();
  const cwd = options.cwd ?? Deno.cwd();
  const configPath = options.configPath ?? resolveConfigPath(env);
  const stateDir = options.stateDir ?? resolveStateDir(env);
  const segments = parseConfigPath(options.path);
  const path = formatConfigPath(segments);
  const file = await readConfigFile(configPath);
  if (!file.exists) {
    throw fail("CONFIG_MISSING", `Cannot move ${path}: ${configPath} does not exist`);
  }
  const value = readPlaintext(file.text, configPath, segments, path);
  const raw = parseConfigText(file.text, configPath) as Record<string, unknown>;
  const plan = planTarget(options.target, raw, segments, stateDir, env, cwd);

  const refEnv = plan.ref.source === "env" ? { ...env, [plan.ref.id]: value } : env;
  if (plan.ref.source === "env" && env[plan.ref.id] !== undefined && env[plan.ref.id] !== value) {
    throw fail(
      "SECRET_STORE_CONFLICT",
      `Cannot store the secret as ${plan.ref.id}: that variable is already set to another value`,
      "Pick another variable name (--id)",
    );
  }
  const nextText = applyConfigEdits(file.text, plan.edits, configPath).text;
  const check = checkConfigText(nextText, configPath, { applyEnv: false, env: refEnv });
  if (!check.valid || !check.config) {
    throw fail(
      "SECRET_REF_REJECTED",
      `Cannot put a SecretRef at ${path}:\n${formatIssueLines(check.issues)}`,
      "Only credential fields accept SecretRefs",
    );
  }

  if (plan.ref.source === "env") addEnvFileVar(plan.store, plan.ref.id, value);
  else addJsonFileSecret(plan.store, plan.ref.id, value);

  const outcome = (await resolveRefOutcomes([plan.ref], check.config as OpenClawConfig, {
    env: refEnv,
    cwd,
    mask: [value],
  })).get(secretRefKey(plan.ref));
  if (!outcome?.ok || outcome.value !== value) {
    throw fail(
      "SECRET_PREFLIGHT_FAILED",
      `The new ref for ${path} does not resolve to the secret: ${
        outcome && !outcome.ok ? outcome.error : "it resolves to a different value"
      }`,
      outcome && !outcome.ok ? outcome.hint : undefined,
    );
  }

  const update = await updateConfigText(configPath, (current) => {
    if (readPlaintext(current.text, configPath, segments, path) !== value) {
      throw fail("CONFIG_CHANGED", `Cannot move ${path}: the config changed meanwhile`, "Retry");
    }
    return applyConfigEdits(current.text, plan.edits, configPath).text;
  });
  scrubBackup(configPath, plan, value, update.text);
  return {
    path,
    ref: plan.ref,
    store: plan.store,
    ...(plan.providerAdded ? { providerAdded: plan.providerAdded } : {}),
  };
}
