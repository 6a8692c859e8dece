/**
 * The QR logins of `web.login.start` / `web.login.wait` (and of `openclaw channels login` when a
 * gateway runs): one login per channel account, run inside the gateway by the platform's own
 * login routine (WhatsApp: `startWhatsAppLogin`, which survives the post-scan 515 restart).
 *
 * `start` begins a login (or joins the one running for that account) and answers with its first
 * QR code -- as a PNG data URL for the dashboard and as the raw text a terminal renders. `wait`
 * answers as soon as the login finished or shows a newer code than the caller's, else after its
 * timeout with `connected: false`. A linked account's channel is restarted at once, so it
 * connects with the new session whether or not anyone calls `wait`. Logins are bounded (one per
 * account, {@linkcode MAX_LOGINS} at once) and cancelled when the channel layer stops.
 *
 * @module
 */
import type { Logger } from "../../lib/log/mod.ts";
import { normalizeAccountId, resolveChannelAccount } from "../../lib/channels/config_view.ts";
import type { Clock } from "../../lib/clock.ts";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { errorMessage, OpenClawError } from "../../lib/errors.ts";
import type { Env } from "../../lib/paths.ts";
import type {
  ChannelPlatform,
  PlatformAdapter,
  PlatformLogin,
  PlatformLoginQr,
  PlatformLoginResult,
  PlatformLogoutResult,
} from "./types.ts";

/** Logins running at once, at most. */
export const MAX_LOGINS = 16;
/** How long `start` waits for the first code, and `wait` for news, by default. */
export const DEFAULT_LOGIN_WAIT_MS = 30_000;

/** What {@linkcode WebLogins} needs from the channel layer. */
export interface WebLoginHost {
  config(): OpenClawConfig;
  readonly stateDir: string;
  readonly env: Env;
  readonly clock: Clock;
  readonly log: Logger;
  platform(channel: string): Promise<ChannelPlatform | undefined>;
  /** Restarts the channel so it connects with the new session. */
  restartChannel(channel: string): Promise<void>;
  /** The running adapter of an account, if any. */
  adapter(channel: string, accountId: string): PlatformAdapter | undefined;
}

/** The answer of `channels.logout`. */
export interface LogoutView extends PlatformLogoutResult {
  channel: string;
  accountId: string;
  /** A session existed and is gone now. */
  loggedOut: boolean;
}

/** Params of `web.login.start`. */
export interface WebLoginStartParams {
  channel: string;
  accountId?: string;
  force?: boolean;
  timeoutMs?: number;
}

/** Params of `web.login.wait`. */
export interface WebLoginWaitParams {
  channel: string;
  accountId?: string;
  sessionKey?: string;
  timeoutMs?: number;
  /** The code the caller shows (stock's field): only a newer one is news. */
  currentQrDataUrl?: string;
  /** The index of the code the caller shows (what the CLI passes). */
  qrIndex?: number;
}

/** The answer of `web.login.start` and `web.login.wait`. */
export interface WebLoginView {
  channel: string;
  accountId: string;
  sessionKey?: string;
  /** The account is linked and its channel was (re)started. */
  connected: boolean;
  status: "waiting-for-scan" | "linked" | "already-linked";
  message: string;
  /** `data:image/png;base64,...` of the current code. */
  qrDataUrl?: string;
  /** The raw text of the current code (a terminal renders it). */
  qr?: string;
  qrIndex?: number;
  e164?: string;
  name?: string;
}

interface Session {
  channel: string;
  accountId: string;
  sessionKey: string;
  login: PlatformLogin;
  /** Settles after the channel restarted (linked) or with the login's error. */
  done: Promise<PlatformLoginResult>;
  settled: boolean;
}

function linkedView(s: Session, result: PlatformLoginResult): WebLoginView {
  const who = result.e164 ?? result.jid ?? "the phone";
  const view: WebLoginView = {
    channel: s.channel,
    accountId: s.accountId,
    sessionKey: s.sessionKey,
    connected: true,
    status: result.status,
    message: result.status === "already-linked"
      ? `Already linked to ${who} (pass force to link again)`
      : `Linked to ${who}`,
  };
  if (result.e164) view.e164 = result.e164;
  if (result.name) view.name = result.name;
  return view;
}

function qrView(s: Session, qr: PlatformLoginQr): WebLoginView {
  return {
    channel: s.channel,
    accountId: s.accountId,
    sessionKey: s.sessionKey,
    connected: false,
    status: "waiting-for-scan",
    message:
      "Scan this QR code with WhatsApp \u2192 Settings \u2192 Linked devices \u2192 Link a device",
    qrDataUrl: qr.dataUrl,
    qr: qr.qr,
    qrIndex: qr.index,
  };
}

function waitingView(s: Session): WebLoginView {
  const view: WebLoginView = {
    channel: s.channel,
    accountId: s.accountId,
    sessionKey: s.sessionKey,
    connected: false,
    status: "waiting-for-scan",
    message: "Still waiting for the scan",
  };
  if (s.login.qr) view.qrIndex = s.login.qr.index;
  return view;
}

/** The running QR logins (see the module doc). */
export class WebLogins {
  readonly #host: WebLoginHost;
  readonly #sessions = new Map<string, Session>();
  #stopped = false;

  /** @param host Config, state dir, clock, log, platforms and channel restarts. */
  constructor(host: WebLoginHost) {
    this.#host = host;
  }

  /**
   * Starts (or joins) the login of an account and waits for its first code.
   *
   * @param params Channel, account, `force`, how long to wait for the code.
   * @returns The code, or `connected` when the account is already linked.
   * @throws {OpenClawError} `CHANNEL_LOGIN_UNSUPPORTED` for a channel without a QR login,
   *   `CHANNEL_LOGIN_UNAVAILABLE` when too many logins run, the login's own errors.
   */
  async start(params: WebLoginStartParams): Promise<WebLoginView> {
    const { channel } = params;
    const accountId = normalizeAccountId(params.accountId);
    const key = `${channel}/${accountId}`;
    let session = this.#sessions.get(key);
    if (session && (params.force || session.settled)) {
      this.#sessions.delete(key);
      await session.login.cancel("replaced by a new login");
      session = undefined;
    }
    if (!session) session = await this.#begin(channel, accountId, params.force === true);
    return await this.#next(session, 0, params.timeoutMs ?? DEFAULT_LOGIN_WAIT_MS);
  }

  /**
   * Waits for the login of an account to finish or to show a newer code.
   *
   * @param params Channel, account, the session and code the caller holds, the timeout.
   * @returns The outcome; `connected: false` without a new code when the time ran out.
   * @throws {OpenClawError} `CHANNEL_LOGIN_NOT_FOUND` when no login runs for the account, the
   *   login's own errors (`WHATSAPP_LOGIN_TIMEOUT`, `WHATSAPP_LOGIN_FAILED`).
   */
  async wait(params: WebLoginWaitParams): Promise<WebLoginView> {
    const accountId = normalizeAccountId(params.accountId);
    const session = this.#sessions.get(`${params.channel}/${accountId}`);
    if (!session || (params.sessionKey && params.sessionKey !== session.sessionKey)) {
      throw new OpenClawError(
        "CHANNEL_LOGIN_NOT_FOUND",
        `No login is running for ${params.channel} account "${accountId}"`,
        { hint: "Start one with web.login.start (openclaw channels login --channel whatsapp)" },
      );
    }
    let after = params.qrIndex ?? 0;
    const shown = session.login.qr;
    if (shown && params.currentQrDataUrl === shown.dataUrl) after = Math.max(after, shown.index);
    return await this.#next(session, after, params.timeoutMs ?? DEFAULT_LOGIN_WAIT_MS);
  }

  async #begin(channel: string, accountId: string, force: boolean): Promise<Session> {
    if (this.#stopped) {
      throw new OpenClawError("CHANNEL_LOGIN_UNAVAILABLE", "The gateway is stopping");
    }
    const platform = await this.#host.platform(channel);
    if (!platform?.startLogin) {
      throw new OpenClawError(
        "CHANNEL_LOGIN_UNSUPPORTED",
        `Cannot log in to ${channel}: it has no QR login (only WhatsApp links by QR code)`,
        { hint: `Add its credentials with openclaw channels add --channel ${channel}` },
      );
    }
    if (this.#sessions.size >= MAX_LOGINS) {
      throw new OpenClawError(
        "CHANNEL_LOGIN_UNAVAILABLE",
        `Cannot start another login: ${MAX_LOGINS} are running`,
      );
    }
    const account = resolveChannelAccount(this.#host.config(), channel, accountId);
    const login = await platform.startLogin({
      account,
      stateDir: this.#host.stateDir,
      env: this.#host.env,
      clock: this.#host.clock,
      log: this.#host.log,
      force,
    });
    const done = login.result.then(async (result) => {
      if (result.status === "linked") {
        this.#host.log.info(`${channel}/${accountId} linked by QR login; restarting the channel`);
        await this.#host.restartChannel(channel).catch((err) =>
          this.#host.log.warn(`cannot restart ${channel} after the login: ${errorMessage(err)}`)
        );
      }
      return result;
    }).finally(() => session.settled = true);
    const session: Session = {
      channel,
      accountId,
      sessionKey: crypto.randomUUID(),
      login,
      done,
      settled: false,
    };
    // Nobody may be waiting when it fails; the error is reported to the next `wait`.
    done.catch((err) =>
      this.#host.log.info(`${channel}/${accountId} login ended: ${errorMessage(err)}`)
    );
    this.#sessions.set(`${channel}/${accountId}`, session);
    return session;
  }

  /** The outcome, a code newer than `after`, or "still waiting" after `timeoutMs`. */
  async #next(session: Session, after: number, timeoutMs: number): Promise<WebLoginView> {
    let timer: ReturnType<Clock["setTimeout"]> | undefined;
    const timeout = new Promise<"timeout">((r) =>
      timer = this.#host.clock.setTimeout(() => r("timeout"), timeoutMs)
    );
    try {
      const next = await Promise.race([
        session.done.then((result) => ({ result })),
        session.login.waitForQr(after).then((qr) => qr ? { qr } : undefined),
        timeout,
      ]);
      if (next === undefined) {
        // The login ended without a new code: its outcome is in `done`.
        return this.#finish(session, await session.done);
      }
      if (next === "timeout") return waitingView(session);
      if ("result" in next) return this.#finish(session, next.result);
      return qrView(session, next.qr);
    } catch (err) {
      this.#forget(session);
      throw err;
    } finally {
      this.#host.clock.clearTimeout(timer);
    }
  }

  #finish(session: Session, result: PlatformLoginResult): WebLoginView {
    this.#forget(session);
    return linkedView(session, result);
  }

  #forget(session: Session): void {
    const key = `${session.channel}/${session.accountId}`;
    if (this.#sessions.get(key) === session) this.#sessions.delete(key);
  }

  /**
   * Logs an account out: through its running adapter (one socket per session, so never a
   * second one), else through the platform; a login running for it is cancelled first.
   *
   * @param channel The channel.
   * @param accountIdRaw The account. @default "default"
   * @returns What was done.
   * @throws {OpenClawError} `CHANNEL_LOGOUT_UNSUPPORTED` for a channel without a session.
   */
  async logout(channel: string, accountIdRaw?: string): Promise<LogoutView> {
    const accountId = normalizeAccountId(accountIdRaw);
    const platform = await this.#host.platform(channel);
    const adapter = this.#host.adapter(channel, accountId);
    if (!platform?.logout && !adapter?.logout) {
      throw new OpenClawError(
        "CHANNEL_LOGOUT_UNSUPPORTED",
        `Cannot log out of ${channel}: it keeps no login session (only WhatsApp does)`,
        { hint: `Remove its credentials with openclaw channels remove --channel ${channel}` },
      );
    }
    const running = this.#sessions.get(`${channel}/${accountId}`);
    if (running) {
      this.#sessions.delete(`${channel}/${accountId}`);
      await running.login.cancel("logged out");
    }
    const result = adapter?.logout ? await adapter.logout() : await platform!.logout!({
      account: resolveChannelAccount(this.#host.config(), channel, accountId),
      stateDir: this.#host.stateDir,
      env: this.#host.env,
      clock: this.#host.clock,
      log: this.#host.log,
    });
    this.#host.log.info(
      `${channel}/${accountId} logged out` +
        (result.wasLinked
          ? (result.unlinkedOnPhone ? " (unlinked on the phone)" : "")
          : " (no session was stored)"),
    );
    return { channel, accountId, loggedOut: result.wasLinked && result.cleared, ...result };
  }

  /** Cancels every running login (the channel layer stops). */
  async stop(): Promise<void> {
    this.#stopped = true;
    const all = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(all.map((s) => s.login.cancel("the gateway is stopping")));
  }
}
