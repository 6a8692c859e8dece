/**
 * Test helpers: run the real CLI as a subprocess in an isolated HOME.
 *
 * Set `OPENCLAW_CLI` to a bundled file (from `deno task bundle`) to run the same tests against it.
 */
const ROOT = new URL("../", import.meta.url).pathname;
/** The program under test: main.ts from source, or the bundle named by OPENCLAW_CLI. */
export const CLI_ENTRY = Deno.env.get("OPENCLAW_CLI") ?? `${ROOT}main.ts`;

/** Deno's cache dir, passed to children so an isolated HOME does not re-download packages. */
export const DENO_DIR = Deno.env.get("DENO_DIR") ??
  `${Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME")}/.cache`}/deno`;

/** A temp directory removed (with its contents) on dispose. */
export interface TempDir extends AsyncDisposable {
  /** The directory, with symlinks resolved (macOS `/var` is `/private/var`). */
  path: string;
}

/** Creates a temp directory for one test; remove it with `await using`. */
export async function tempDir(prefix = "openclaw-tmp-"): Promise<TempDir> {
  const path = await Deno.realPath(await Deno.makeTempDir({ prefix }));
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

/** An isolated home for one test; remove it with `await using`. */
export interface Sandbox extends AsyncDisposable {
  home: string;
  /** `~/.openclaw` inside the sandbox. */
  stateDir: string;
  configPath: string;
  env: Record<string, string>;
}

/** Options of {@link makeSandbox}. */
export interface SandboxOptions {
  /** Extra variables for the sandbox's env (they win over the defaults). */
  env?: Record<string, string>;
  /** Prefix of the temp dir's name. */
  prefix?: string;
  /** Create `~/.openclaw` (mode 700) up front; implied by `config`. */
  createStateDir?: boolean;
  /** Write this text to `~/.openclaw/openclaw.json` (mode 600). */
  config?: string;
}

/**
 * Creates a temp HOME and the base environment for CLI runs inside it. This is the one way tests
 * make a home or state dir for the CLI, the gateway or a library call that takes a `stateDir`.
 */
export async function makeSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const dir = await tempDir(options.prefix ?? "openclaw-test-");
  const home = dir.path;
  const stateDir = `${home}/.openclaw`;
  const configPath = `${stateDir}/openclaw.json`;
  if (options.createStateDir || options.config !== undefined) {
    await Deno.mkdir(stateDir, { mode: 0o700 });
    await Deno.chmod(stateDir, 0o700);
  }
  if (options.config !== undefined) {
    await Deno.writeTextFile(configPath, options.config);
    await Deno.chmod(configPath, 0o600);
  }
  const env: Record<string, string> = {
    HOME: home,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    DENO_DIR,
    NO_COLOR: "1",
    TZ: "UTC",
    // Daily log files go inside the sandbox, never into the real /tmp/openclaw.
    OPENCLAW_LOG_DIR: `${home}/logs`,
    ...options.env,
  };
  return {
    home,
    stateDir,
    configPath,
    env,
    [Symbol.asyncDispose]: () => dir[Symbol.asyncDispose](),
  };
}

/** Options of {@link waitUntil}. */
export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between checks (default 10 ms). */
  intervalMs?: number;
  /** What is awaited, for the timeout error (a function is called only on timeout). */
  message?: string | (() => string);
}

/** The values of `T` that are truthy. */
export type Truthy<T> = Exclude<T, false | 0 | 0n | "" | null | undefined>;

/**
 * Polls `predicate` (sync or async) until it returns a truthy value, and returns that value.
 * Throws after `timeoutMs`, naming `message` and the time waited; an error the predicate throws
 * ends the wait at once.
 */
export async function waitUntil<T>(
  predicate: () => T | Promise<T>,
  options: WaitOptions = {},
): Promise<Truthy<T>> {
  const { timeoutMs = 10_000, intervalMs = 10 } = options;
  const start = performance.now();
  while (true) {
    const value = await predicate();
    if (value) return value as Truthy<T>;
    const elapsed = performance.now() - start;
    if (elapsed >= timeoutMs) {
      const what = typeof options.message === "function"
        ? options.message()
        : options.message ?? "a condition";
      throw new Error(`timed out after ${Math.round(elapsed)} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, timeoutMs - elapsed)));
  }
}

/** The outcome of one CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `openclaw <args>` with the sandbox's environment (and nothing of the parent's). */
export async function runCli(
  sandbox: Pick<Sandbox, "env" | "home">,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; stdin?: string } = {},
): Promise<CliResult> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CLI_ENTRY, ...args],
    env: { ...sandbox.env, ...options.env },
    clearEnv: true,
    cwd: options.cwd ?? sandbox.home,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = cmd.spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Writes a file, creating its directory. */
export async function writeFile(path: string, text: string): Promise<void> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(path, text);
}

/** Returns a TCP port that was free a moment ago. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A child process whose stdout and stderr are collected; SIGKILLed on dispose if still running. */
export interface WatchedProcess extends AsyncDisposable {
  child: Deno.ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** Waits until the output matches, or fails after `timeoutMs` or when the process exits. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM and wait; returns the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
}

/**
 * Collects the output of `child` (spawned with piped stdout and stderr). `name` leads the error
 * when it exits before an awaited output; `timeoutMs` is the default wait.
 */
export function watchChild(
  child: Deno.ChildProcess,
  options: { name?: string; timeoutMs?: number } = {},
): WatchedProcess {
  const { name = "process", timeoutMs: defaultTimeoutMs = 15_000 } = options;
  let text = "";
  const dec = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) text += dec.decode(chunk, { stream: true });
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  let exit: number | undefined;
  const status = child.status.then(async (s) => {
    await pumps;
    exit = s.code;
    return s.code;
  });
  return {
    child,
    output: () => text,
    async waitFor(pattern, timeoutMs = defaultTimeoutMs) {
      await waitUntil(() => {
        if (pattern.test(text)) return true;
        if (exit !== undefined) {
          throw new Error(`${name} exited (${exit}) before ${pattern}:\n${text}`);
        }
        return false;
      }, { timeoutMs, intervalMs: 25, message: () => `${pattern}:\n${text}` });
    },
    async stop(signal: Deno.Signal = "SIGTERM") {
      if (exit === undefined) {
        try {
          child.kill(signal);
        } catch { /* already gone */ }
      }
      return await status;
    },
    async [Symbol.asyncDispose]() {
      if (exit === undefined) {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }
      await status;
    },
  };
}

/** A gateway running as a child process. */
export interface GatewayProcess extends WatchedProcess {
  port: number;
  url: string;
}

/** Options of {@linkcode spawnGateway}. */
export interface SpawnGatewayOptions {
  env?: Record<string, string>;
  /** Flags before `gateway` (`--dev`, `--profile NAME`). */
  globalArgs?: string[];
  port?: number;
  /** Flags for `deno run` itself. @default ["--quiet"] */
  denoArgs?: string[];
  /** Runs the gateway under `ulimit -n <fdLimit>` (through bash, which then execs Deno). */
  fdLimit?: number;
}

/** Spawns `openclaw [globalArgs] gateway <args>` and collects its output. */
export function spawnGateway(
  sandbox: Pick<Sandbox, "env" | "home">,
  args: string[],
  options: SpawnGatewayOptions = {},
): GatewayProcess {
  const port = options.port ?? 0;
  const denoArgs = [
    "run",
    "-A",
    ...(options.denoArgs ?? ["--quiet"]),
    CLI_ENTRY,
    ...(options.globalArgs ?? []),
    "gateway",
    ...args,
  ];
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const [command, commandArgs] = options.fdLimit === undefined ? [Deno.execPath(), denoArgs] : [
    "bash",
    [
      "-c",
      `ulimit -n ${options.fdLimit} && exec ${[Deno.execPath(), ...denoArgs].map(quote).join(" ")}`,
    ],
  ];
  const child = new Deno.Command(command, {
    args: commandArgs,
    env: { ...sandbox.env, ...options.env },
    clearEnv: true,
    cwd: sandbox.home,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  return { ...watchChild(child, { name: "gateway" }), port, url: `ws://127.0.0.1:${port}` };
}

/** Writes a config and starts a gateway on a free port; resolves once it listens. */
export async function startGateway(
  sandbox: Sandbox,
  config: string | null,
  options: { args?: string[]; env?: Record<string, string> } = {},
): Promise<GatewayProcess> {
  if (config !== null) await writeFile(sandbox.configPath, config);
  const port = freePort();
  const gw = spawnGateway(sandbox, ["--port", String(port), ...(options.args ?? [])], {
    env: options.env,
    port,
  });
  await gw.waitFor(/Gateway listening on/);
  return gw;
}
