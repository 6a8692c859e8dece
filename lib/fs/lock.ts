/**
 * Advisory file locks (flock) so that two processes editing the same file take turns. The
 * kernel drops the lock when the holder dies, even on SIGKILL, so there is nothing to clean up.
 *
 * @module
 */
import { ExitCode, OpenClawError } from "../errors.ts";
import { clearTimer, setTimer, type TimerHandle } from "../timers.ts";

/** Options for {@linkcode withFileLock}. */
export interface FileLockOptions {
  /** Give up after this many milliseconds. @default 10000 */
  timeoutMs?: number;
}

/**
 * Runs `fn` while holding an exclusive lock on `.<name>.lock` beside `path` (a hidden file, so
 * the lock that stays behind does not clutter the state directory).
 *
 * @throws {OpenClawError} `LOCK_TIMEOUT` when another process holds the lock for too long.
 */
export async function withFileLock<T>(
  path: string,
  fn: () => T | Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const slash = path.lastIndexOf("/");
  const lockPath = `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.lock`;
  using file = Deno.openSync(lockPath, { read: true, write: true, create: true, mode: 0o600 });
  const timeoutMs = options.timeoutMs ?? 10_000;
  let timer: TimerHandle | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimer(() => {
      reject(
        new OpenClawError(
          "LOCK_TIMEOUT",
          `Cannot lock "${lockPath}": still held after ${timeoutMs} ms`,
          {
            exitCode: ExitCode.failed,
            hint: "Another openclaw process is writing this file; retry in a moment",
          },
        ),
      );
    }, timeoutMs);
  });
  try {
    await Promise.race([file.lock(true), timeout]);
  } finally {
    clearTimer(timer);
  }
  try {
    return await fn();
  } finally {
    file.unlockSync();
  }
}
