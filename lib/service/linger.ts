/**
 * systemd "linger": without it, a user's services stop when their last session ends (a logout or
 * a closed SSH connection), which silently takes the gateway down on headless servers.
 *
 * @module
 */
import { type Env, processEnv } from "../paths.ts";
import { commandDetail, runCommand } from "./exec.ts";
import { resolveServicePlatform } from "./identity.ts";

/** What {@linkcode lingerStatus} found. */
export interface LingerStatus {
  /** Linger applies here (Linux with `loginctl`). */
  supported: boolean;
  /** `Linger=yes`; `undefined` when it could not be read. */
  enabled?: boolean;
  user: string;
  /** The exact command that turns linger on, when it is off. */
  fix?: string;
  /** Why the state is unknown or unsupported. */
  detail?: string;
}

/** Largest `/etc/passwd` read when looking up the account name. */
const MAX_PASSWD_BYTES = 4 * 1024 * 1024;

/**
 * The account name of the process's uid from `/etc/passwd`, else the uid itself. Read directly
 * rather than through `node:os` `userInfo()`: importing a `node:` module costs `status` tens of
 * milliseconds of CPU, and this is only reached when neither `USER` nor `LOGNAME` is set.
 */
function accountName(): string {
  const uid = Deno.uid();
  if (uid === null) return "";
  try {
    if (Deno.statSync("/etc/passwd").size <= MAX_PASSWD_BYTES) {
      for (const line of Deno.readTextFileSync("/etc/passwd").split("\n")) {
        const fields = line.split(":");
        if (fields.length >= 3 && fields[2] === String(uid) && fields[0]) return fields[0];
      }
    }
  } catch {
    // No readable /etc/passwd (macOS keeps accounts in Directory Services): the uid it is.
  }
  return String(uid);
}

/** Returns the login name: `USER`, `LOGNAME`, else the OS account (`/etc/passwd`), else the uid. */
export function resolveUserName(env: Env = processEnv()): string {
  const fromEnv = env.USER?.trim() || env.LOGNAME?.trim();
  return fromEnv ? fromEnv : accountName();
}

/** Returns `sudo loginctl enable-linger <user>`. */
export function lingerFixCommand(user: string): string {
  return `sudo loginctl enable-linger ${user}`;
}

/** Reads `loginctl show-user <user> -p Linger`. */
export async function lingerStatus(options: { env?: Env } = {}): Promise<LingerStatus> {
  const env = options.env ?? processEnv();
  const user = resolveUserName(env);
  if (resolveServicePlatform(env) !== "linux") {
    return { supported: false, user, detail: "linger is a systemd (Linux) setting" };
  }
  const result = await runCommand("loginctl", ["show-user", user, "-p", "Linger"], {
    timeoutMs: 5_000,
    lookupEnv: env,
  });
  if (result.notFound) return { supported: false, user, detail: "loginctl not available" };
  const m = /^Linger=(yes|no)\s*$/m.exec(result.stdout);
  if (result.code === 0 && m) {
    const enabled = m[1] === "yes";
    return enabled ? { supported: true, enabled, user } : {
      supported: true,
      enabled,
      user,
      fix: lingerFixCommand(user),
    };
  }
  // A user with no session and no linger is unknown to logind: that is linger off.
  if (/not logged in|lingering/i.test(result.stderr)) {
    return { supported: true, enabled: false, user, fix: lingerFixCommand(user) };
  }
  return { supported: true, user, detail: commandDetail(result) };
}
