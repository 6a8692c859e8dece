/** Resolver scripts and secret files for the secrets unit tests (temp dirs: ../../helpers.ts). */

/** Writes an executable `#!/bin/sh` script (mode 0755) and returns its path. */
export async function writeScript(path: string, body: string): Promise<string> {
  await Deno.writeTextFile(path, `#!/bin/sh\n${body}\n`);
  await Deno.chmod(path, 0o755);
  return path;
}

/** Writes a file with an exact mode. */
export async function writeSecretFile(path: string, text: string, mode = 0o600): Promise<string> {
  await Deno.writeTextFile(path, text);
  await Deno.chmod(path, mode);
  return path;
}

/** True when `pid` runs (zombies count as gone). Linux /proc only. */
export function processAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}
