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

/** An isolated home for one test; remove it with `await using`. */
export interface Sandbox extends AsyncDisposable {
  home: string;
  /** `~/.openclaw` inside the sandbox. */
  stateDir: string;
  configPath: string;
  env: Record<string, string>;
}

/** Creates a temp HOME and the base environment for CLI runs inside it. */
export async function makeSandbox(extraEnv: Record<string, string> = {}): Promise<Sandbox> {
  const home = await Deno.makeTempDir({ prefix: "openclaw-test-" });
  const env: Record<string, string> = {
    HOME: home,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    DENO_DIR,
    NO_COLOR: "1",
    TZ: "UTC",
    ...extraEnv,
  };
  return {
    home,
    stateDir: `${home}/.openclaw`,
    configPath: `${home}/.openclaw/openclaw.json`,
    env,
    async [Symbol.asyncDispose]() {
      await Deno.remove(home, { recursive: true }).catch(() => {});
    },
  };
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
