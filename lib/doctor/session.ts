/**
 * One doctor run's shared state: the config snapshot (re-read after every write), the config
 * changes made so far, and the per-check view a check runs with.
 *
 * @module
 */
import { checkConfigText } from "../config/load.ts";
import { readConfigFile } from "../config/read.ts";
import { updateConfigText } from "../config/store.ts";
import { errorMessage } from "../errors.ts";
import {
  type Env,
  processEnv,
  resolveConfigPath,
  resolveHomeDir,
  resolveStateDir,
  shortenHome,
} from "../paths.ts";
import { loadAuditContext } from "../security/context.ts";
import { assertConfigParses, findConfigSyntaxError } from "./config_syntax.ts";
import { unifiedDiff } from "./diff.ts";
import type {
  ConfigChange,
  ConfigSnapshot,
  DoctorCheck,
  DoctorContext,
  DoctorOptions,
  DoctorProbes,
} from "./types.ts";

/** Every flag off: a read-only, non-interactive run. */
export const DEFAULT_DOCTOR_OPTIONS: DoctorOptions = {
  fix: false,
  deep: false,
  yes: false,
  nonInteractive: false,
  generateGatewayToken: false,
  interactive: false,
};

/** Options for {@linkcode DoctorSession.open}. */
export interface DoctorSessionOptions {
  /** @default the process environment */
  env?: Env;
  options?: Partial<DoctorOptions>;
  probes: DoctorProbes;
  /** Called with each config change after it is computed and before it is written. */
  onConfigChange?: (change: ConfigChange) => void;
  /** Asks the operator a yes/no question (interactive runs only). */
  confirm?: (question: string) => Promise<boolean>;
  /** @default () => new Date() */
  now?: () => Date;
}

/** Reads the config and validates it without throwing; a missing file is a normal state. */
export async function loadConfigSnapshot(
  env: Env,
  stateDir: string,
  configPath: string,
): Promise<ConfigSnapshot> {
  const audit = loadAuditContext({ env, stateDir, configPath });
  try {
    const file = await readConfigFile(configPath);
    if (!file.exists) return { path: configPath, exists: false, text: "", audit };
    const check = {
      file,
      ...checkConfigText(file.text, configPath, { env, applyEnv: false }),
    };
    const syntaxError = findConfigSyntaxError(file.text);
    return {
      path: configPath,
      exists: true,
      text: file.text,
      check,
      audit,
      ...(syntaxError ? { syntaxError } : {}),
    };
  } catch (err) {
    return { path: configPath, exists: true, text: "", readError: errorMessage(err), audit };
  }
}

function configWritePath(path: string): string {
  try {
    // Edit the file a symlinked config points at instead of replacing the link.
    if (Deno.lstatSync(path).isSymlink) return Deno.realPathSync(path);
  } catch { /* missing: created where it is named */ }
  return path;
}

/** State shared by the checks of one `openclaw doctor` run. */
export class DoctorSession {
  readonly env: Env;
  readonly home: string;
  readonly stateDir: string;
  readonly configPath: string;
  readonly options: DoctorOptions;
  readonly probes: DoctorProbes;
  /** Config changes written so far. */
  readonly changes: ConfigChange[] = [];
  readonly confirm?: (question: string) => Promise<boolean>;
  readonly now: () => Date;
  #config: ConfigSnapshot;
  #onConfigChange?: (change: ConfigChange) => void;

  private constructor(o: DoctorSessionOptions, env: Env, config: ConfigSnapshot) {
    this.env = env;
    this.home = resolveHomeDir(env);
    this.stateDir = resolveStateDir(env);
    this.configPath = config.path;
    this.options = { ...DEFAULT_DOCTOR_OPTIONS, ...o.options };
    this.probes = o.probes;
    this.confirm = o.confirm;
    this.now = o.now ?? (() => new Date());
    this.#config = config;
    this.#onConfigChange = o.onConfigChange;
  }

  /** Opens a session: resolves paths and reads the config once. */
  static async open(o: DoctorSessionOptions): Promise<DoctorSession> {
    const env = o.env ?? processEnv();
    const snapshot = await loadConfigSnapshot(env, resolveStateDir(env), resolveConfigPath(env));
    return new DoctorSession(o, env, snapshot);
  }

  /** The current config snapshot. */
  get config(): ConfigSnapshot {
    return this.#config;
  }

  /** Re-reads the config (after a write, or after a check changed the state dir). */
  async reload(): Promise<void> {
    this.#config = await loadConfigSnapshot(this.env, this.stateDir, this.configPath);
  }

  /** Rewrites the config for `check` (see {@linkcode DoctorContext.editConfig}). */
  async editConfig(
    check: string,
    title: string,
    compute: (text: string) => string | undefined,
    mask: readonly string[] = [],
  ): Promise<boolean> {
    const path = configWritePath(this.configPath);
    let change: ConfigChange | undefined;
    const result = await updateConfigText(path, (current) => {
      // A file that does not parse is the user's to fix: rewriting it could lose what they wrote.
      if (current.exists) assertConfigParses(current.text, shortenHome(path, this.env));
      const next = compute(current.text);
      if (next === undefined || (current.exists && next === current.text)) return undefined;
      const label = shortenHome(this.configPath, this.env);
      let diff = unifiedDiff(current.text, next, {
        fromLabel: label,
        toLabel: `${label} (after doctor --fix)`,
      });
      for (const secret of mask) if (secret) diff = diff.replaceAll(secret, "<redacted>");
      change = { check, title, file: this.configPath, diff };
      this.#onConfigChange?.(change);
      return next;
    });
    if (result.changed && change) this.changes.push(change);
    await this.reload();
    return result.changed;
  }

  /** The context one check runs with: this session plus the check's own deadline. */
  contextFor(check: DoctorCheck, signal: AbortSignal): DoctorContext {
    const config = () => this.config;
    return {
      env: this.env,
      home: this.home,
      stateDir: this.stateDir,
      configPath: this.configPath,
      options: this.options,
      probes: this.probes,
      signal,
      get config() {
        return config();
      },
      editConfig: (title, compute, mask) => this.editConfig(check.id, title, compute, mask),
      now: this.now,
    };
  }
}
