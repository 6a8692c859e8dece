/**
 * Logging a WhatsApp account out when its channel is not running (`openclaw channels logout
 * --channel whatsapp`, `channels.logout`): connect with the stored credentials, ask WhatsApp to
 * remove this linked device, delete the credentials. A running adapter logs out through its own
 * socket instead (`adapter.logout()`), because a second socket would replace the first.
 *
 * @module
 */
import { type Clock, systemClock } from "../../clock.ts";
import { errorMessage } from "../../errors.ts";
import type { Env } from "../../paths.ts";
import { VERSION } from "../../version.ts";
import { normalizeAccountId } from "../config_view.ts";
import { type BackendOverrides, resolveBackend } from "./_backend.ts";
import { silentLogger, type WhatsAppLogger } from "./_log.ts";
import { endSocket, watchSocket } from "./_watch.ts";
import { resolveWhatsAppAuthDir } from "./auth_dir.ts";
import { clearAuthDir, readLinkedIdentity, WhatsAppAuthStore } from "./auth_store.ts";
import type { WhatsAppSocket } from "./socket.ts";

/** Options of {@linkcode logoutWhatsApp}. */
export interface WhatsAppLogoutOptions extends BackendOverrides {
  stateDir: string;
  /** @default "default" */
  accountId?: string;
  authDir?: string;
  /** Longest wait for the socket that tells the phone to unlink. @default 15000 */
  timeoutMs?: number;
  env?: Env;
  clock?: Clock;
  log?: WhatsAppLogger;
}

/** What a logout did. */
export interface WhatsAppLogoutResult {
  accountId: string;
  authDir: string;
  /** Credentials were stored (the account was linked). */
  wasLinked: boolean;
  /** The phone was told to remove this linked device. */
  unlinkedOnPhone: boolean;
  /** Credential files were deleted. */
  cleared: boolean;
}

/**
 * Logs an account out: connects with its credentials and asks WhatsApp to remove this linked
 * device (`socket.logout()`), then deletes the credentials -- also when the phone could not be
 * reached in time (then it still lists the device until it notices). Do not call this while the
 * channel runs with the same credentials: a second socket replaces the first; stop the channel
 * or use the adapter's `logout()` instead.
 *
 * @param options State dir, account, timeout.
 * @returns What was done.
 */
export async function logoutWhatsApp(
  options: WhatsAppLogoutOptions,
): Promise<WhatsAppLogoutResult> {
  const accountId = normalizeAccountId(options.accountId);
  const authDir = resolveWhatsAppAuthDir({
    stateDir: options.stateDir,
    accountId,
    authDir: options.authDir,
    env: options.env,
  });
  const log = options.log ?? silentLogger;
  const identity = await readLinkedIdentity(authDir);
  let unlinkedOnPhone = false;
  if (identity) {
    unlinkedOnPhone = await unlinkOnPhone(options, authDir, log);
  }
  const cleared = await clearAuthDir(authDir);
  return { accountId, authDir, wasLinked: identity !== undefined, unlinkedOnPhone, cleared };
}

async function unlinkOnPhone(
  options: WhatsAppLogoutOptions,
  authDir: string,
  log: WhatsAppLogger,
): Promise<boolean> {
  const clock = options.clock ?? systemClock;
  let socket: WhatsAppSocket | undefined;
  let timer: ReturnType<Clock["setTimeout"]> | undefined;
  try {
    const backend = await resolveBackend(options);
    const store = await WhatsAppAuthStore.open({
      dir: authDir,
      initCreds: backend.initAuthCreds,
      reviveKey: backend.reviveKey,
      log,
    });
    socket = await backend.makeSocket({
      auth: store.state,
      browser: ["OpenClaw", "CLI", VERSION],
      log,
    });
    using watch = watchSocket(socket, { onCreds: () => {} }, log);
    const timeout = new Promise<"timeout">((resolve) => {
      timer = clock.setTimeout(() => resolve("timeout"), options.timeoutMs ?? 15_000);
    });
    const first = await Promise.race([watch.first, timeout]);
    if (first === "timeout" || !first.open) {
      log.warn("WhatsApp logout: could not reach WhatsApp ({reason}); deleting credentials only", {
        reason: first === "timeout" ? "timed out" : first.close.reason,
      });
      return false;
    }
    await socket.logout();
    return true;
  } catch (err) {
    log.warn("WhatsApp logout: unlinking failed ({reason}); deleting credentials only", {
      reason: errorMessage(err),
    });
    return false;
  } finally {
    clock.clearTimeout(timer);
    await endSocket(socket);
  }
}
