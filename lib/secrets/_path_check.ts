/**
 * The file-system checks a secret provider's file or command must pass before it is trusted:
 * no symlink unless allowed, inside `trustedDirs` when set, not writable by group or others.
 *
 * @module
 */
import { type Env, expandHome } from "../paths.ts";
import { SecretProviderError } from "./_provider_error.ts";

/** What to check. */
export interface SecurePathOptions {
  /** The path as configured (`~` is expanded). */
  path: string;
  /** How errors name it, e.g. `secrets.providers.vault.command`. */
  label: string;
  allowSymlink?: boolean;
  trustedDirs?: readonly string[];
  allowInsecurePath?: boolean;
  env?: Env;
}

function isInside(dir: string, path: string): boolean {
  const d = dir.endsWith("/") ? dir : dir + "/";
  return path === dir || path.startsWith(d);
}

function realPathOr(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return path;
  }
}

/**
 * Checks `options.path` and returns the path to use (the symlink's target when symlinks are
 * allowed).
 *
 * @throws {SecretProviderError} naming the label and the reason.
 */
export function checkSecurePath(options: SecurePathOptions): string {
  const { label } = options;
  const path = expandHome(options.path, options.env);
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new SecretProviderError(`${label} ${path} does not exist`);
    }
    throw new SecretProviderError(`${label} ${path} is not readable: ${(err as Error).message}`);
  }
  let effective = path;
  if (info.isSymlink) {
    if (!options.allowSymlink) {
      throw new SecretProviderError(`${label} ${path} is a symlink, which is refused`, {
        hint: label.endsWith(".command")
          ? `Point ${label} at the real file, or set allowSymlinkCommand: true (with trustedDirs)`
          : `Point ${label} at the real file`,
      });
    }
    try {
      effective = Deno.realPathSync(path);
      info = Deno.statSync(effective);
    } catch {
      throw new SecretProviderError(`${label} ${path} is a symlink whose target is missing`);
    }
  }
  if (!info.isFile) throw new SecretProviderError(`${label} ${effective} is not a regular file`);
  const trusted = options.trustedDirs ?? [];
  if (trusted.length > 0) {
    const real = realPathOr(effective);
    const dirs = trusted.map((d) => realPathOr(expandHome(d, options.env)));
    if (!dirs.some((d) => isInside(d, real))) {
      throw new SecretProviderError(
        `${label} ${real} is outside trustedDirs (${trusted.join(", ")})`,
        { hint: "Move the command into a trusted directory, or add its directory to trustedDirs" },
      );
    }
  }
  // Windows reports no mode bits; ACLs are out of scope here.
  if (!options.allowInsecurePath && info.mode !== null && (info.mode & 0o022) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, "0");
    throw new SecretProviderError(
      `${label} ${effective} is writable by group or others (mode ${mode})`,
      { hint: `chmod go-w ${effective} (or set allowInsecurePath: true)` },
    );
  }
  return effective;
}
