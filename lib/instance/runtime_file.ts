/**
 * The runtime file a running gateway keeps in its state directory, so `openclaw gateway status`
 * can say what runs (pid, port, version, start time) without a service manager. It is a hint,
 * not a lock: the port is the lock, and a stale file (its pid gone) is reported as stale.
 *
 * @module
 */
import { writeFileAtomic } from "../fs/atomic.ts";
import { joinPath } from "../paths.ts";

/** What a running gateway records about itself. */
export interface GatewayRuntimeInfo {
  pid: number;
  port: number;
  /** The address it listens on, e.g. `127.0.0.1`. */
  host: string;
  bind: string;
  version: string;
  /** ISO-8601 start time. */
  startedAt: string;
  configPath: string;
  logFile?: string;
  /** The WebSocket URL local clients use. */
  url: string;
  /**
   * The shared secret local clients send, so CLI diagnostics still reach this gateway while the
   * config does not parse. Only a secret the config file already holds in plain text is recorded
   * (see {@linkcode configHeldClientAuth}), or a token generated for this process only: never one
   * from the environment, a flag or a SecretRef.
   */
  clientAuth?: RuntimeClientAuth;
}

/** The credential a local client sends (one of the two, by the gateway's auth mode). */
export interface RuntimeClientAuth {
  token?: string;
  password?: string;
}

/** The parts of the gateway's resolved auth {@linkcode configHeldClientAuth} reads. */
export interface RuntimeAuthView {
  mode: string;
  token?: string;
  password?: string;
  /** Where the token came from; `generated` with no config holding it = this process only. */
  source?: { token?: string };
}

/**
 * Returns the credential to record in the runtime file: the gateway's token (token mode) or
 * password (password mode) when the config file's text contains it verbatim, or a token the
 * gateway generated for itself. Such a secret is on disk in the state directory anyway (or would
 * be, in a config), so the runtime file (0600, same directory) adds no exposure; secrets from the
 * environment, `--token`, SecretRefs or `${VAR}` stay out.
 *
 * @param auth The gateway's resolved auth.
 * @param configPath The config file the gateway started from.
 * @returns The credential, or `undefined` when none qualifies or the file cannot be read.
 */
export function configHeldClientAuth(
  auth: RuntimeAuthView,
  configPath: string,
): RuntimeClientAuth | undefined {
  const secret = auth.mode === "token" ? auth.token : auth.mode === "password" ? auth.password : "";
  if (!secret) return undefined;
  // A token generated for this process only (`--allow-unconfigured`) is nowhere else: recording
  // it lets the CLI on this host reach the gateway without copying it from the console. The
  // runtime file is as private as a config holding it would be, and it is removed at stop.
  if (auth.mode === "token" && auth.source?.token === "generated") return { token: secret };
  let text: string;
  try {
    text = Deno.readTextFileSync(configPath);
  } catch {
    return undefined;
  }
  // A JSON5 string may escape characters; a secret written with escapes is simply not recorded.
  if (!text.includes(secret)) return undefined;
  return auth.mode === "token" ? { token: secret } : { password: secret };
}

/** Returns the runtime file path for a state directory. */
export function gatewayRuntimePath(stateDir: string): string {
  return joinPath(stateDir, "gateway.runtime.json");
}

/**
 * Writes the runtime file (0600, atomically), creating the state directory (0700) when a start
 * without config (`--allow-unconfigured`) found none.
 */
export function writeGatewayRuntime(stateDir: string, info: GatewayRuntimeInfo): void {
  Deno.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileAtomic(gatewayRuntimePath(stateDir), JSON.stringify(info, null, 2) + "\n", {
    mode: 0o600,
    durable: false,
  });
}

/** Removes the runtime file if it still names `pid` (a newer gateway may have replaced it). */
export function removeGatewayRuntime(stateDir: string, pid = Deno.pid): void {
  const current = readGatewayRuntime(stateDir);
  if (current && current.pid !== pid) return;
  try {
    Deno.removeSync(gatewayRuntimePath(stateDir));
  } catch { /* already gone */ }
}

/** Reads the runtime file; `undefined` when missing or unreadable. */
export function readGatewayRuntime(stateDir: string): GatewayRuntimeInfo | undefined {
  try {
    const parsed = JSON.parse(Deno.readTextFileSync(gatewayRuntimePath(stateDir)));
    if (typeof parsed?.pid !== "number" || typeof parsed?.port !== "number") return undefined;
    const info = parsed as GatewayRuntimeInfo;
    return { ...info, clientAuth: cleanClientAuth(parsed.clientAuth) };
  } catch {
    return undefined;
  }
}

/** Keeps only string credentials; anything else in the file is ignored. */
function cleanClientAuth(value: unknown): RuntimeClientAuth | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { token, password } = value as Record<string, unknown>;
  const out: RuntimeClientAuth = {};
  if (typeof token === "string" && token) out.token = token;
  if (typeof password === "string" && password) out.password = password;
  return out.token || out.password ? out : undefined;
}

/** Returns true when a process with `pid` exists (signal 0 semantics via /proc where possible). */
export function isPidAlive(pid: number): boolean {
  if (Deno.build.os === "linux") {
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      // A zombie has exited; only its parent has not reaped it yet.
      return !/^\d+ \(.*\) Z /.test(stat);
    } catch {
      return false;
    }
  }
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch (err) {
    return err instanceof Deno.errors.PermissionDenied;
  }
}
