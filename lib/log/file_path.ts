/**
 * Where the file log lives: `/tmp/openclaw/openclaw[-<profile>]-YYYY-MM-DD.log` (host local date),
 * unless `logging.file` names a path. The shared `/tmp/openclaw` is refused when another user
 * could plant or swap files in it, and a per-user `<tmpdir>/openclaw-<uid>` is used instead.
 *
 * @module
 */
import { expandHome, joinPath, normalizeProfileName } from "../paths.ts";

/** The directory of the rolling file log. */
export const DEFAULT_LOG_DIR = "/tmp/openclaw";

/** Options for {@linkcode resolveLogFile}. */
export interface ResolveLogFileOptions {
  /** `logging.file`: when set, the whole path (a leading `~` is expanded); no daily names. */
  configFile?: string;
  /** The active profile; named profiles get `openclaw-<profile>-YYYY-MM-DD.log`. */
  profile?: string;
  /** The moment whose local date names the file. @default new Date() */
  now?: Date;
  /** The directory of the rolling files. @default DEFAULT_LOG_DIR, or the per-user fallback */
  dir?: string;
}

/**
 * Returns the path of the file log for a moment.
 *
 * @example
 * ```ts
 * resolveLogFile({ dir: "/tmp/x", profile: "dev", now: new Date(2026, 0, 2) });
 * // "/tmp/x/openclaw-dev-2026-01-02.log"
 * ```
 * @throws {OpenClawError} `PROFILE_INVALID` when the profile name could escape the directory
 */
export function resolveLogFile(options: ResolveLogFileOptions = {}): string {
  const configFile = options.configFile?.trim();
  if (configFile) return expandHome(configFile);
  const dir = options.dir ?? resolveLogDir();
  return joinPath(dir, rollingLogName(options.now ?? new Date(), options.profile));
}

/** Returns the file name of the rolling log for a local date and profile. */
export function rollingLogName(now: Date, profile?: string): string {
  // `default` means "no profile", and a name with `/` or `..` must never reach a path.
  const name = profile === undefined ? undefined : normalizeProfileName(profile);
  return `openclaw-${name ? `${name}-` : ""}${formatLocalDate(now)}.log`;
}

/** Returns `YYYY-MM-DD` for the host's local date of `date`. */
export function formatLocalDate(date: Date): string {
  const y = String(date.getFullYear()).padStart(4, "0");
  const m = String(date.getMonth() + 1).padStart(2, "0");
  const d = String(date.getDate()).padStart(2, "0");
  return `${y}-${m}-${d}`;
}

/** Returns the epoch milliseconds of the next local midnight after `date`. */
export function nextLocalMidnight(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1).getTime();
}

/** Returns true for names the rolling log uses (`openclaw-*.log`), the ones pruning may delete. */
export function isRollingLogName(name: string): boolean {
  return name.startsWith("openclaw-") && name.endsWith(".log");
}

/**
 * Returns the rolling log directory: `/tmp/openclaw` when it is missing or safe, else
 * `<tmpdir>/openclaw-<uid>`. Windows always uses the fallback (there is no shared `/tmp`).
 * `OPENCLAW_LOG_DIR` overrides both.
 */
export function resolveLogDir(): string {
  // Our own override (stock has none): containers and tests point the daily files elsewhere.
  const override = Deno.env.get("OPENCLAW_LOG_DIR")?.trim();
  if (override) return expandHome(override);
  const uid = Deno.uid();
  if (Deno.build.os !== "windows" && isSafeSharedDir(DEFAULT_LOG_DIR, uid)) return DEFAULT_LOG_DIR;
  return joinPath(tempDir(), `openclaw-${uid ?? "user"}`);
}

/**
 * Returns true when `dir` does not exist yet (we will create it 0700) or is a real directory we
 * own that no other user can write to (or that has the sticky bit, so they can't replace our
 * files). A symlink is refused outright: it could point anywhere another user chose.
 */
export function isSafeSharedDir(dir: string, uid: number | null = Deno.uid()): boolean {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(dir);
  } catch (err) {
    return err instanceof Deno.errors.NotFound;
  }
  if (info.isSymlink || !info.isDirectory) return false;
  if (uid !== null && info.uid !== null && info.uid !== uid) return false;
  const mode = info.mode ?? 0;
  const worldWritable = (mode & 0o002) !== 0;
  const sticky = (mode & 0o1000) !== 0;
  return !worldWritable || sticky;
}

function tempDir(): string {
  try {
    const dir = Deno.env.get("TMPDIR") || Deno.env.get("TMP") || Deno.env.get("TEMP");
    if (dir) return dir.replace(/[\\/]+$/, "") || "/";
  } catch {
    // No env permission: the platform default below is still right.
  }
  return Deno.build.os === "windows" ? "C:\\Windows\\Temp" : "/tmp";
}
