/**
 * The few Node built-ins commander uses (node:events, node:process, node:util, node:path),
 * written over Deno APIs. Importing any `node:` module makes Deno compile its Node layer on first
 * use (~80 ms CPU for what commander imported), and commander sits on every CLI command's path.
 *
 * Only what commander touches is here, with Node's observable behaviour for those uses.
 *
 * @module
 */

// deno-lint-ignore no-explicit-any -- listeners take whatever their event passes, as in Node.
type Listener = (...args: any[]) => void;

/**
 * The part of Node's EventEmitter that commander uses: `on` (and its alias `addListener`),
 * `emit` and `listenerCount`. Listeners run in the order added, with `this` set to the emitter;
 * an `error` event nobody listens to throws, as in Node.
 */
export class EventEmitter {
  // A private field, so commander's option values (stored as properties) can never clash with it.
  #listeners = new Map<string | symbol, Listener[]>();

  /** Adds `listener` for `event`; returns the emitter for chaining. */
  on(event: string | symbol, listener: Listener): this {
    if (typeof listener !== "function") {
      throw new TypeError(`The "listener" argument must be of type function`);
    }
    const list = this.#listeners.get(event);
    if (list) list.push(listener);
    else this.#listeners.set(event, [listener]);
    return this;
  }

  /** Same as {@link on}. */
  addListener(event: string | symbol, listener: Listener): this {
    return this.on(event, listener);
  }

  /** Calls every listener of `event` with `args`; returns whether there was any. */
  emit(event: string | symbol, ...args: unknown[]): boolean {
    const list = this.#listeners.get(event);
    if (!list || list.length === 0) {
      if (event === "error") {
        throw args[0] instanceof Error ? args[0] : new Error(`Unhandled error. (${args[0]})`);
      }
      return false;
    }
    // A copy, so listeners added while emitting wait for the next emit (as in Node).
    for (const listener of [...list]) listener.apply(this, args);
    return true;
  }

  /** The number of listeners of `event`. */
  listenerCount(event: string | symbol): number {
    return this.#listeners.get(event)?.length ?? 0;
  }
}

const COLORS_2 = 1;
const COLORS_16 = 4;
const COLORS_256 = 8;
const COLORS_16M = 24;

const TERM_ENVS = new Map<string, number>([
  ["eterm", COLORS_16],
  ["cons25", COLORS_16],
  ["console", COLORS_16],
  ["cygwin", COLORS_16],
  ["dtterm", COLORS_16],
  ["gnome", COLORS_16],
  ["hurd", COLORS_16],
  ["jfbterm", COLORS_16],
  ["konsole", COLORS_16],
  ["kterm", COLORS_16],
  ["mlterm", COLORS_16],
  ["mosh", COLORS_16M],
  ["putty", COLORS_16],
  ["st", COLORS_16],
  ["rxvt-unicode-24bit", COLORS_16M],
  ["terminator", COLORS_16M],
  ["xterm-kitty", COLORS_16M],
]);

const CI_ENVS = new Map<string, number>([
  ["APPVEYOR", COLORS_256],
  ["BUILDKITE", COLORS_256],
  ["CIRCLECI", COLORS_16M],
  ["DRONE", COLORS_256],
  ["GITEA_ACTIONS", COLORS_16M],
  ["GITHUB_ACTIONS", COLORS_16M],
  ["GITLAB_CI", COLORS_256],
  ["TRAVIS", COLORS_256],
]);

const TERM_ENVS_REG_EXP = [
  /ansi/,
  /color/,
  /linux/,
  /direct/,
  /^con[0-9]*x[0-9]/,
  /^rxvt/,
  /^screen/,
  /^xterm/,
  /^vt100/,
  /^vt220/,
];

/** An environment as a plain lookup: `process.env` or an object a caller passes. */
type Env = Readonly<Record<string, string | undefined>>;

/**
 * Node's `tty.WriteStream#getColorDepth` (lib/internal/tty.js): bits of colour the terminal
 * named by `env` supports (1, 4, 8 or 24). Node's one-time warning about FORCE_COLOR overriding
 * NO_COLOR is left out: commander decides FORCE_COLOR and NO_COLOR itself before asking.
 */
export function getColorDepth(env: Env = process.env): number {
  const has = (name: string) => env[name] !== undefined;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === "" || force === "1" || force === "true") return COLORS_16;
    if (force === "2") return COLORS_256;
    if (force === "3") return COLORS_16M;
    return COLORS_2;
  }
  if (
    (has("NODE_DISABLE_COLORS") && env.NODE_DISABLE_COLORS !== "") ||
    (has("NO_COLOR") && env.NO_COLOR !== "") || env.TERM === "dumb"
  ) {
    return COLORS_2;
  }
  if (Deno.build.os === "windows") {
    const release = Deno.osRelease().split(".");
    if (Number(release[0]) >= 10) {
      const build = Number(release[2]);
      if (build >= 14931) return COLORS_16M;
      if (build >= 10586) return COLORS_256;
    }
    return COLORS_16;
  }
  if (env.TMUX) return COLORS_16M;
  if (has("TF_BUILD") && has("AGENT_NAME")) return COLORS_16;
  if (has("CI")) {
    for (const [name, depth] of CI_ENVS) if (has(name)) return depth;
    return env.CI_NAME === "codeship" ? COLORS_256 : COLORS_2;
  }
  if (has("TEAMCITY_VERSION")) {
    return /^(9\.(0*[1-9]\d*)\.|\d{2,}\.)/.test(env.TEAMCITY_VERSION ?? "") ? COLORS_16 : COLORS_2;
  }
  switch (env.TERM_PROGRAM) {
    case "iTerm.app":
      return !env.TERM_PROGRAM_VERSION || /^[0-2]\./.test(env.TERM_PROGRAM_VERSION)
        ? COLORS_256
        : COLORS_16M;
    case "HyperTerm":
    case "MacTerm":
      return COLORS_16M;
    case "Apple_Terminal":
      return COLORS_256;
  }
  if (env.COLORTERM === "truecolor" || env.COLORTERM === "24bit") return COLORS_16M;
  if (env.TERM) {
    if (/truecolor/.test(env.TERM)) return COLORS_16M;
    if (/^xterm-256/.test(env.TERM)) return COLORS_256;
    const term = env.TERM.toLowerCase();
    const known = TERM_ENVS.get(term);
    if (known !== undefined) return known;
    if (TERM_ENVS_REG_EXP.some((re) => re.test(term))) return COLORS_16;
  }
  if (env.COLORTERM) return COLORS_16;
  return COLORS_2;
}

const encoder = new TextEncoder();

/** `process.stdout` / `process.stderr`: the members commander reads, over a Deno stdio file. */
export class OutputStream {
  readonly #file: typeof Deno.stdout | typeof Deno.stderr;

  constructor(file: typeof Deno.stdout | typeof Deno.stderr) {
    this.#file = file;
  }

  /**
   * Writes all of `chunk` before returning. A reader that went away (`openclaw --help | head -1`)
   * drops the rest quietly, as the CLI's own output does.
   */
  write(chunk: string | Uint8Array): boolean {
    const data = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
    try {
      for (let off = 0; off < data.length;) off += this.#file.writeSync(data.subarray(off));
    } catch (err) {
      if (!(err instanceof Deno.errors.BrokenPipe)) throw err;
    }
    return true;
  }

  /** Whether the stream is a terminal. */
  get isTTY(): boolean {
    return this.#file.isTerminal();
  }

  /** The terminal's width, or undefined when it is not a terminal (as in Node). */
  get columns(): number | undefined {
    if (!this.isTTY) return undefined;
    try {
      return Deno.consoleSize().columns;
    } catch {
      return undefined;
    }
  }

  /** Node's `hasColors([count][, env])`: whether `count` (default 16) colours are supported. */
  hasColors(count?: number | Env, env?: Env): boolean {
    if (typeof count === "object") return 16 <= 2 ** getColorDepth(count);
    return (count ?? 16) <= 2 ** getColorDepth(env);
  }

  /** Node's `getColorDepth([env])`. */
  getColorDepth(env?: Env): number {
    return getColorDepth(env);
  }
}

/** A key Deno.env cannot hold ("", "=" or NUL in it) reads as unset, as in Node. */
function readEnv(key: string | symbol): string | undefined {
  if (typeof key !== "string") return undefined;
  try {
    return Deno.env.get(key);
  } catch (err) {
    if (err instanceof TypeError) return undefined;
    throw err;
  }
}

/**
 * `process.env` over Deno.env, read-only: commander only reads it, and this program never
 * changes the environment behind Deno.env's back.
 */
const env: Env = new Proxy({} as Env, {
  get: (_target, key) => readEnv(key),
  has: (_target, key) => readEnv(key) !== undefined,
  ownKeys: () => Object.keys(Deno.env.toObject()),
  getOwnPropertyDescriptor: (_target, key) => {
    const value = readEnv(key);
    return value === undefined
      ? undefined
      : { value, writable: false, enumerable: true, configurable: true };
  },
  set: () => false,
  defineProperty: () => false,
  deleteProperty: () => false,
});

/** The main module as a path, like Node's `process.argv[1]`. */
function mainModulePath(): string {
  const url = new URL(Deno.mainModule);
  if (url.protocol !== "file:") return Deno.mainModule;
  const path = decodeURIComponent(url.pathname);
  return Deno.build.os === "windows" ? path.slice(1).replaceAll("/", "\\") : path;
}

/** The `process` members commander uses. */
export const process = {
  /** Node's argv: [runtime, main script, ...arguments], read when asked. */
  get argv(): string[] {
    return [Deno.execPath(), mainModulePath(), ...Deno.args];
  },
  /** Runtime flags; commander looks for Node's `--eval`/`--print`, which Deno has not. */
  execArgv: [] as string[],
  /** Runtime versions; commander looks for `electron`. */
  versions: { deno: Deno.version.deno } as Readonly<Record<string, string | undefined>>,
  /** Electron only. */
  defaultApp: undefined,
  env,
  stdout: new OutputStream(Deno.stdout),
  stderr: new OutputStream(Deno.stderr),
  /** The code the process ends with when nothing passes one: Deno.exitCode. */
  get exitCode(): number {
    return Deno.exitCode;
  },
  set exitCode(code: number | string | undefined) {
    Deno.exitCode = Number(code ?? 0);
  },
  /** Ends the process; without a code, with {@link process.exitCode}. */
  exit(code?: number): never {
    Deno.exit(code);
  },
};

// Node's pattern (lib/internal/util/inspect.js) for CSI, OSC and the other escape sequences.
const ANSI = new RegExp(
  "[\\u001B\\u009B][[\\]()#;?]*" +
    "(?:(?:(?:(?:;[-a-zA-Z\\d\\/#&.:=?%@~_]+)*" +
    "|[a-zA-Z\\d]+(?:;[-a-zA-Z\\d\\/#&.:=?%@~_]*)*)" +
    "?(?:\\u0007|\\u001B\\u005C|\\u009C))" +
    "|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?[\\dA-PR-TZcf-nq-uy=><~]))",
  "g",
);

/** Node's `util.stripVTControlCharacters`: `str` without ANSI escape sequences. */
export function stripVTControlCharacters(str: string): string {
  if (typeof str !== "string") {
    throw new TypeError(`The "str" argument must be of type string. Received ${typeof str}`);
  }
  return str.replace(ANSI, "");
}

const SEPARATORS = Deno.build.os === "windows" ? /[\\/]/ : /\//;

/** Node's `path.basename(path[, suffix])`: the last part of `path`, without `suffix`. */
export function basename(path: string, suffix?: string): string {
  if (suffix !== undefined && suffix !== "" && suffix === path) return ""; // Node's quirk
  const parts = path.split(SEPARATORS).filter((p) => p !== "");
  const base = parts.at(-1) ?? "";
  if (suffix !== undefined && suffix !== base && base.endsWith(suffix)) {
    return base.slice(0, base.length - suffix.length);
  }
  return base;
}

/** Node's `path.extname(path)`: from the last "." of the last part; "" for none or a dot-file. */
export function extname(path: string): string {
  const base = basename(path);
  const dot = base.lastIndexOf(".");
  if (dot <= 0 || base === "..") return "";
  return base.slice(dot);
}
