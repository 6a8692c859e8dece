/**
 * The command line a service runs: the compiled `openclaw` binary itself, or `deno run -A
 * <main.ts>` when running from source (or from a bundle).
 *
 * @module
 */

/** Returns true when `execPath` is the `deno` executable rather than a compiled openclaw. */
export function isDenoExecutable(execPath: string): boolean {
  const base = execPath.slice(Math.max(execPath.lastIndexOf("/"), execPath.lastIndexOf("\\")) + 1);
  return base === "deno" || base === "deno.exe";
}

function existsFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * Returns the absolute path of the entry module to hand to `deno run`: the repository's
 * `main.ts` when this module runs from the source tree, else (bundled into one file, where
 * `import.meta.url` is the bundle) the main module that is running.
 */
export function resolveSourceEntry(): string {
  const here = new URL(import.meta.url);
  if (here.protocol === "file:" && here.pathname.endsWith("/lib/service/program.ts")) {
    const main = decodeURIComponent(new URL("../../main.ts", here).pathname);
    if (existsFile(main)) return main;
  }
  const running = new URL(Deno.mainModule);
  return running.protocol === "file:" ? decodeURIComponent(running.pathname) : running.href;
}

/** Inputs to {@linkcode resolveProgramArguments}. */
export interface ProgramArgumentsOptions {
  port: number;
  /** @default Deno.execPath() */
  execPath?: string;
  /** The entry module for `deno run`. @default resolveSourceEntry() */
  entry?: string;
}

/** Returns the service's argv: `[binary, "gateway", "--port", N]` or the `deno run` form. */
export function resolveProgramArguments(options: ProgramArgumentsOptions): string[] {
  const execPath = options.execPath ?? Deno.execPath();
  const tail = ["gateway", "--port", String(options.port)];
  if (!isDenoExecutable(execPath)) return [execPath, ...tail];
  return [execPath, "run", "-A", options.entry ?? resolveSourceEntry(), ...tail];
}

/** Returns the `--port` value of a service argv, if it has one. */
export function portFromProgramArguments(args: readonly string[]): number | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = a === "--port" ? args[i + 1] : a.startsWith("--port=") ? a.slice(7) : undefined;
    if (value !== undefined && /^\d+$/.test(value)) return Number(value);
  }
  return undefined;
}
