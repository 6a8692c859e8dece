/**
 * Linking a WhatsApp account by QR code -- the one routine `openclaw channels login --channel
 * whatsapp` and the dashboard's `web.login.*` RPC share, so both behave alike (stock handled the
 * post-scan restart only in its CLI, and the dashboard hung at "logging in").
 *
 * Flow: open the account's credential store (auth_store.ts) -> already linked? done, unless
 * `force` (then the old credentials are deleted first) -> socket -> each `qr` is rendered (terminal
 * text + PNG data URL) and handed to `onQr` -> the phone scans -> WhatsApp closes the socket with
 * **515 "restart required"**, which is normal: credentials are flushed to disk and a new socket
 * logs in with them (up to `maxRestarts` times) -> `open`: linked; credentials flushed, socket
 * closed, result returned. The channel itself connects separately (the gateway starts it).
 *
 * Failures: the QR codes ran out (408) or `timeoutMs` passed -> `WHATSAPP_LOGIN_TIMEOUT`; the
 * phone refused (401) -> `WHATSAPP_LOGIN_FAILED` and the half-made credentials are deleted; any
 * other close -> `WHATSAPP_LOGIN_FAILED` with the reason and code; `signal` or `cancel()` ->
 * `AbortError`. Every step is a state (`onState`, `login.state`) so a UI can show progress.
 *
 * @module
 */
import { type Clock, systemClock } from "../../clock.ts";
import { errorMessage, OpenClawError } from "../../errors.ts";
import type { Env } from "../../paths.ts";
import { VERSION } from "../../version.ts";
import { normalizeAccountId } from "../config_view.ts";
import { AbortedError } from "../retry.ts";
import { type BackendOverrides, resolveBackend } from "./_backend.ts";
import { silentLogger, type WhatsAppLogger } from "./_log.ts";
import { endSocket, type SocketClose, watchSocket } from "./_watch.ts";
import { resolveWhatsAppAuthDir } from "./auth_dir.ts";
import { clearAuthDir, readLinkedIdentity, WhatsAppAuthStore } from "./auth_store.ts";
import { DisconnectCode } from "./constants.ts";
import { jidToE164 } from "./jid.ts";
import { renderWhatsAppQr, type WhatsAppQr } from "./qr.ts";
import type { WhatsAppCreds, WhatsAppSocket } from "./socket.ts";

/** Where a login is. */
export type WhatsAppLoginState =
  | "starting"
  | "waiting-for-scan"
  | "restarting"
  | "connected"
  | "already-linked"
  | "failed"
  | "cancelled";

/** Options of {@linkcode startWhatsAppLogin}. */
export interface WhatsAppLoginOptions extends BackendOverrides {
  /** The state directory (credentials go under `<stateDir>/credentials/whatsapp/<account>/`). */
  stateDir: string;
  /** @default "default" */
  accountId?: string;
  /** The account's configured `authDir`, when it has one. */
  authDir?: string;
  /** Called with every QR code (first, then each rotation); errors are logged, not thrown. */
  onQr?: (qr: WhatsAppQr) => void | Promise<void>;
  /** Called on every state change. */
  onState?: (state: WhatsAppLoginState, detail?: string) => void;
  /** Cancels the login. */
  signal?: AbortSignal;
  /** Link again even when credentials exist (they are deleted first). @default false */
  force?: boolean;
  /** Longest wait for the scan, all QR rotations included. @default 180000 */
  timeoutMs?: number;
  /** Socket restarts accepted (515 after the scan, or a transient close before a QR). @default 3 */
  maxRestarts?: number;
  /** Shown on the phone under "Linked devices". @default ["OpenClaw", "CLI", VERSION] */
  browser?: [string, string, string];
  /** WhatsApp Web WebSocket URL override (`OPENCLAW_WHATSAPP_WEB_SOCKET_URL`). */
  webSocketUrl?: string;
  /** For `~` in `authDir`. */
  env?: Env;
  /** @default systemClock */
  clock?: Clock;
  /** @default silent */
  log?: WhatsAppLogger;
}

/** A finished login. */
export interface WhatsAppLoginResult {
  /** `linked` by this login, or `already-linked` (nothing done; pass `force` to relink). */
  status: "linked" | "already-linked";
  accountId: string;
  authDir: string;
  /** The linked device's JID (`<digits>:<device>@s.whatsapp.net`). */
  jid: string;
  /** The linked number. */
  e164?: string;
  /** The WhatsApp profile name, when known. */
  name?: string;
  /** Socket restarts it took (1 after a normal scan). */
  restarts: number;
}

/** A running login (see {@linkcode startWhatsAppLogin}). */
export interface WhatsAppLogin {
  readonly accountId: string;
  readonly authDir: string;
  readonly state: WhatsAppLoginState;
  /** The latest QR code, while the login waits for a scan. */
  readonly qr: WhatsAppQr | undefined;
  /** The outcome (see the module doc for the errors). */
  readonly result: Promise<WhatsAppLoginResult>;
  /**
   * Waits for a QR code newer than `afterIndex` (the current one qualifies when it is newer).
   *
   * @param afterIndex Index of the code the caller already shows. @default 0
   * @returns The code, or `undefined` once the login has ended (see `result`).
   */
  waitForQr(afterIndex?: number): Promise<WhatsAppQr | undefined>;
  /** Cancels the login and waits until its socket is closed. */
  cancel(reason?: string): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 180_000;

/** Close codes that are worth a new socket before any QR code was shown (network trouble). */
const TRANSIENT = new Set<number>([
  DisconnectCode.connectionClosed,
  DisconnectCode.timedOut,
  DisconnectCode.unavailableService,
  DisconnectCode.badSession,
]);

class LoginSession implements WhatsAppLogin {
  readonly accountId: string;
  readonly authDir: string;
  readonly result: Promise<WhatsAppLoginResult>;
  readonly #o: WhatsAppLoginOptions;
  readonly #log: WhatsAppLogger;
  readonly #clock: Clock;
  readonly #abort = new AbortController();
  #state: WhatsAppLoginState = "starting";
  #qr: WhatsAppQr | undefined;
  #qrCount = 0;
  /** QR renders in flight, so a late render never shows after the login ended. */
  #rendering: Promise<void> = Promise.resolve();
  readonly #qrWaiters = new Set<() => void>();
  #ended = false;
  #settled: Promise<void>;

  constructor(options: WhatsAppLoginOptions) {
    this.#o = options;
    this.#log = options.log ?? silentLogger;
    this.#clock = options.clock ?? systemClock;
    this.accountId = normalizeAccountId(options.accountId);
    this.authDir = resolveWhatsAppAuthDir({
      stateDir: options.stateDir,
      accountId: this.accountId,
      authDir: options.authDir,
      env: options.env,
    });
    const onAbort = () => this.#abort.abort(options.signal?.reason);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
    this.result = this.#run().finally(() => {
      options.signal?.removeEventListener("abort", onAbort);
      this.#ended = true;
      this.#qr = undefined;
      for (const wake of this.#qrWaiters) wake();
      this.#qrWaiters.clear();
    });
    // Callers that only watch QR codes must not turn a failed login into an unhandled rejection.
    this.#settled = this.result.then(() => {}, () => {});
  }

  get state(): WhatsAppLoginState {
    return this.#state;
  }

  get qr(): WhatsAppQr | undefined {
    return this.#qr;
  }

  async waitForQr(afterIndex = 0): Promise<WhatsAppQr | undefined> {
    while (!this.#ended) {
      if (this.#qr && this.#qr.index > afterIndex) return this.#qr;
      await new Promise<void>((resolve) => this.#qrWaiters.add(resolve));
    }
    return undefined;
  }

  async cancel(reason = "login cancelled"): Promise<void> {
    this.#abort.abort(new AbortedError(reason));
    await this.#settled;
  }

  #setState(state: WhatsAppLoginState, detail?: string): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#log.debug("WhatsApp login {accountId}: {state}", { accountId: this.accountId, state });
    try {
      this.#o.onState?.(state, detail);
    } catch (err) {
      this.#log.warn("WhatsApp login state handler failed: {reason}", {
        reason: errorMessage(err),
      });
    }
  }

  #onQr(text: string): void {
    const index = ++this.#qrCount;
    this.#setState("waiting-for-scan");
    this.#rendering = this.#rendering.then(async () => {
      if (this.#ended || this.#abort.signal.aborted) return;
      const qr = await renderWhatsAppQr(text, index);
      // A newer code may have been rendered meanwhile (renders are chained, so not here).
      this.#qr = qr;
      for (const wake of this.#qrWaiters) wake();
      this.#qrWaiters.clear();
      await this.#o.onQr?.(qr);
    }).catch((err) => {
      this.#log.warn("WhatsApp QR code could not be shown: {reason}", {
        reason: errorMessage(err),
      });
    });
  }

  async #run(): Promise<WhatsAppLoginResult> {
    const timeoutMs = this.#o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = this.#clock.setTimeout(() => {
      this.#abort.abort(
        new OpenClawError(
          "WHATSAPP_LOGIN_TIMEOUT",
          `WhatsApp login timed out: no QR code was scanned within ${
            Math.round(timeoutMs / 1000)
          } s`,
          { hint: "Run the login again and scan the code with WhatsApp \u2192 Linked devices" },
        ),
      );
    }, timeoutMs);
    try {
      return await this.#link();
    } catch (err) {
      const aborted = this.#abort.signal.aborted;
      const reason = aborted ? this.#abort.signal.reason : err;
      const cancelled = aborted && !(reason instanceof OpenClawError);
      // A login that did not link leaves nothing behind, so nothing looks "linked" afterwards.
      if (!(await readLinkedIdentity(this.authDir))) await clearAuthDir(this.authDir);
      this.#setState(cancelled ? "cancelled" : "failed", errorMessage(reason));
      if (cancelled && !(reason instanceof AbortedError)) throw new AbortedError(reason);
      throw reason;
    } finally {
      this.#clock.clearTimeout(timer);
    }
  }

  async #link(): Promise<WhatsAppLoginResult> {
    const backend = await resolveBackend(this.#o);
    this.#abort.signal.throwIfAborted();
    if (this.#o.force) await clearAuthDir(this.authDir);
    const store = await WhatsAppAuthStore.open({
      dir: this.authDir,
      initCreds: backend.initAuthCreds,
      reviveKey: backend.reviveKey,
      log: this.#log,
    });
    const existing = store.identity;
    if (existing) {
      this.#setState("already-linked");
      return this.#result("already-linked", existing, 0);
    }
    let restarts = 0;
    for (;;) {
      this.#abort.signal.throwIfAborted();
      const socket = await backend.makeSocket({
        auth: store.state,
        browser: this.#o.browser ?? ["OpenClaw", "CLI", VERSION],
        webSocketUrl: this.#o.webSocketUrl,
        log: this.#log,
      });
      const close = await this.#attempt(socket, store);
      if (!close) {
        const me = store.identity ?? (socket.user ? { id: socket.user.id } : undefined);
        await endSocket(socket);
        if (!me) {
          throw new OpenClawError(
            "WHATSAPP_LOGIN_FAILED",
            "WhatsApp login failed: connected, but WhatsApp did not say which number is linked",
          );
        }
        this.#setState("connected");
        return this.#result("linked", me, restarts);
      }
      await endSocket(socket);
      const restart = close.code === DisconnectCode.restartRequired ||
        (this.#qrCount === 0 && close.code !== undefined && TRANSIENT.has(close.code));
      if (restart && restarts < (this.#o.maxRestarts ?? 3)) {
        restarts++;
        this.#setState("restarting", close.reason);
        this.#log.info(
          "WhatsApp login {accountId}: {reason}; reconnecting with the saved credentials",
          {
            accountId: this.accountId,
            reason: close.reason,
          },
        );
        continue;
      }
      await this.#fail(close, store, backend.initAuthCreds);
    }
  }

  /** Runs one socket until it opens (`undefined`) or closes (the close). */
  async #attempt(
    socket: WhatsAppSocket,
    store: WhatsAppAuthStore,
  ): Promise<SocketClose | undefined> {
    using watch = watchSocket(socket, {
      onQr: (qr) => this.#onQr(qr),
      onCreds: (update) => {
        store.saveCreds(update).catch((err) =>
          this.#log.error("WhatsApp credentials could not be saved: {reason}", {
            reason: errorMessage(err),
          })
        );
      },
    }, this.#log);
    const signal = this.#abort.signal;
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    });
    aborted.catch(() => {}); // an abort after the race is handled by the caller's checks
    try {
      const first = await Promise.race([watch.first, aborted]);
      // Pairing writes the new identity through creds.update; it must be on disk before the
      // restart logs in with it, and before the result says "linked".
      await store.flush();
      return first.open ? undefined : first.close;
    } catch (err) {
      await endSocket(socket);
      await store.flush();
      throw err;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  async #fail(
    close: SocketClose,
    store: WhatsAppAuthStore,
    initCreds: () => WhatsAppCreds,
  ): Promise<never> {
    if (close.code === DisconnectCode.loggedOut) {
      await store.clear(initCreds);
      throw new OpenClawError(
        "WHATSAPP_LOGIN_FAILED",
        `WhatsApp refused to link this device: ${close.reason}`,
        { hint: "Run the login again and scan a fresh code" },
      );
    }
    if (close.code === DisconnectCode.timedOut && this.#qrCount > 0) {
      throw new OpenClawError(
        "WHATSAPP_LOGIN_TIMEOUT",
        `WhatsApp login timed out: none of the ${this.#qrCount} QR codes was scanned`,
        { hint: "Run the login again and scan the code with WhatsApp \u2192 Linked devices" },
      );
    }
    throw new OpenClawError("WHATSAPP_LOGIN_FAILED", `WhatsApp login failed: ${close.reason}`);
  }

  #result(
    status: WhatsAppLoginResult["status"],
    me: { id: string; name?: string },
    restarts: number,
  ): WhatsAppLoginResult {
    const result: WhatsAppLoginResult = {
      status,
      accountId: this.accountId,
      authDir: this.authDir,
      jid: me.id,
      restarts,
    };
    const e164 = jidToE164(me.id);
    if (e164) result.e164 = e164;
    if (me.name) result.name = me.name;
    return result;
  }
}

/**
 * Starts linking a WhatsApp account by QR code (see the module doc). The CLI awaits `result`
 * and prints each `qr.terminal`; the dashboard RPC returns `(await login.waitForQr()).dataUrl`
 * from `web.login.start` and awaits `result` (or the next code) in `web.login.wait`.
 *
 * @param options State dir, account, QR and state callbacks, signal, `force`, timeout.
 * @returns The running login; its `result` resolves when the account is linked.
 * @example
 * ```ts
 * const login = startWhatsAppLogin({
 *   stateDir,
 *   accountId: "default",
 *   onQr: (qr) => Deno.stderr.write(new TextEncoder().encode(qr.terminal)),
 *   signal,
 * });
 * const linked = await login.result; // { status: "linked", e164: "+15551234567", ... }
 * ```
 */
export function startWhatsAppLogin(options: WhatsAppLoginOptions): WhatsAppLogin {
  return new LoginSession(options);
}
