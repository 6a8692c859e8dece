/**
 * What the audit looks at: the state directory, the config as written (so plaintext secrets can
 * be told from `${VAR}` references) and as resolved, the included files and the log files. It
 * reads an invalid or half-broken config as far as it can, because `doctor` runs the audit on
 * exactly those.
 *
 * @module
 */
import { parseConfigText, resolveIncludes, substituteEnvVars } from "../config/read.ts";
import { configEnvVars } from "../env.ts";
import { errorMessage } from "../errors.ts";
import { isRollingLogName, resolveLogDir, resolveLogFile } from "../log/file_path.ts";
import {
  dirname,
  type Env,
  expandHome,
  joinPath,
  processEnv,
  resolveConfigPath,
  resolveProfile,
  resolveStateDir,
} from "../paths.ts";
import { isObj, listDir, normalizePath, type Obj, stringAt } from "./_util.ts";

/** Everything the audit collectors read. */
export interface AuditContext {
  env: Env;
  stateDir: string;
  configPath: string;
  configExists: boolean;
  /** The config file's own text ("" when missing). */
  configText: string;
  /** The config with `$include` resolved and `${VAR}` left as written. */
  written: Obj;
  /** The config with `$include` and, where the variable exists, `${VAR}` resolved. */
  config: Obj;
  /** Absolute paths of the files pulled in through `$include`. */
  includeFiles: string[];
  /** The gateway's file log(s) that exist now. */
  logFiles: string[];
  /** Why the config could not be read or parsed, if it could not. */
  configError?: string;
}

/** Options for {@linkcode loadAuditContext}. */
export interface LoadAuditContextOptions {
  /** @default the process environment */
  env?: Env;
  /** @default resolveStateDir(env) */
  stateDir?: string;
  /** @default resolveConfigPath(env) */
  configPath?: string;
}

function readText(path: string): { exists: boolean; text: string; error?: string } {
  try {
    return { exists: true, text: Deno.readTextFileSync(path) };
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { exists: false, text: "" };
    return { exists: true, text: "", error: `Cannot read config "${path}": ${errorMessage(err)}` };
  }
}

/** Collects `$include` targets (recursively, at most 10 levels) of a parsed config file. */
function collectIncludes(value: unknown, fromFile: string, out: Set<string>, depth = 0): void {
  if (depth > 10) return;
  const visit = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!isObj(v)) return;
    const refs = v.$include;
    for (const ref of typeof refs === "string" ? [refs] : Array.isArray(refs) ? refs : []) {
      if (typeof ref !== "string") continue;
      const target = normalizePath(ref.startsWith("/") ? ref : joinPath(dirname(fromFile), ref));
      if (out.has(target)) continue;
      out.add(target);
      try {
        collectIncludes(
          parseConfigText(Deno.readTextFileSync(target), target),
          target,
          out,
          depth + 1,
        );
      } catch { /* the loader reports broken includes; the audit only checks their modes */ }
    }
    for (const [k, x] of Object.entries(v)) if (k !== "$include") visit(x);
  };
  visit(value);
}

/** Substitutes `${VAR}` per top-level section, so one missing variable hides nothing else. */
function substituteLoosely(written: Obj, env: Env): Obj {
  const vars = { ...configEnvVars(written.env), ...env };
  const out: Obj = {};
  for (const [k, v] of Object.entries(written)) {
    try {
      out[k] = substituteEnvVars(v, vars, [k]);
    } catch {
      out[k] = v;
    }
  }
  return out;
}

function findLogFiles(config: Obj, env: Env): string[] {
  const files = new Set<string>();
  const configured = stringAt(config, "logging", "file");
  // The same override the logger honours, read from the audited environment.
  const override = env.OPENCLAW_LOG_DIR?.trim();
  let dir: string;
  try {
    dir = override ? expandHome(override, env) : resolveLogDir();
    const current = resolveLogFile({ configFile: configured, profile: resolveProfile(env), dir });
    const name = current.slice(current.lastIndexOf("/") + 1);
    if (listDir(dirname(current)).some((e) => e.name === name)) files.add(current);
  } catch {
    return [...files]; // a bad profile name or HOME: the loader reports those
  }
  if (!configured?.trim()) {
    for (const e of listDir(dir)) {
      if (e.isFile && isRollingLogName(e.name)) files.add(joinPath(dir, e.name));
    }
  }
  return [...files];
}

/** Reads what the audit needs; never throws for a missing, unreadable or invalid config. */
export function loadAuditContext(options: LoadAuditContextOptions = {}): AuditContext {
  const env = options.env ?? processEnv();
  const stateDir = options.stateDir ?? resolveStateDir(env);
  const configPath = options.configPath ?? resolveConfigPath(env);
  const file = readText(configPath);
  let written: Obj = {};
  let configError = file.error;
  const includes = new Set<string>();
  if (file.exists && !file.error) {
    try {
      const parsed = parseConfigText(file.text, configPath);
      collectIncludes(parsed, configPath, includes);
      written = isObj(parsed) ? parsed : {};
      const resolved = resolveIncludes(parsed, configPath);
      written = isObj(resolved) ? resolved : {};
    } catch (err) {
      // A broken include still leaves the main file's own settings to audit.
      configError = errorMessage(err);
    }
  }
  const config = substituteLoosely(written, env);
  return {
    env,
    stateDir,
    configPath,
    configExists: file.exists,
    configText: file.text,
    written,
    config,
    includeFiles: [...includes],
    logFiles: findLogFiles(config, env),
    configError,
  };
}
