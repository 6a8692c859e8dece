/**
 * One channel account's adapter and its connect loop. `start()` returns at once; in the
 * background the adapter connects, and a failed connect (token rejected, server unreachable,
 * token in use by another poller, ...) is retried with exponential backoff for as long as the
 * runner lives, the reason shown in its status -- a channel never takes the gateway down and
 * never gives up. Once connected, the adapter keeps itself connected (its own reconnects).
 * `stop()` aborts the loop and awaits the adapter's `disconnect()`, so a replacement (a config
 * change) never overlaps the old poller.
 *
 * @module
 */
import type { Logger } from "../../lib/log/mod.ts";
import type { Clock } from "../../lib/clock.ts";
import { Backoff, type BackoffOptions, sleep } from "../../lib/channels/retry.ts";
import { MAX_ERROR_TEXT } from "../../lib/channels/status.ts";
import type {
  ChannelAccountConfig,
  ChannelAccountSnapshot,
  InboundHandler,
  ProbeResult,
} from "../../lib/channels/types.ts";
import { errorMessage } from "../../lib/errors.ts";
import type { PlatformAdapter } from "./types.ts";

/** Options of {@linkcode AccountRunner}. */
export interface AccountRunnerOptions {
  account: ChannelAccountConfig;
  adapter: PlatformAdapter;
  onInbound: InboundHandler;
  clock: Clock;
  log: Logger;
  /** Told each time the adapter connected (failed replies of the account are retried then). */
  onConnected?: () => void;
  /** Reported instead of the adapter's own when the config names the source (`secretRef`). */
  tokenSource?: string;
  /** Connect retries. @default 1 s doubling to 60 s, ±20 % */
  backoff?: BackoffOptions;
  /** Credential values to cut out of any error text before it is logged or shown. */
  secrets?: readonly string[];
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, MAX_ERROR_TEXT);
}

/** Runs one account (see the module doc). */
export class AccountRunner {
  readonly channel: string;
  readonly accountId: string;
  readonly account: ChannelAccountConfig;
  readonly adapter: PlatformAdapter;
  readonly #o: AccountRunnerOptions;
  readonly #backoff: Backoff;
  #abort?: AbortController;
  #loop?: Promise<void>;
  #connectedOnce = false;
  /** The loop gave up: the account has no credentials any more (a logged-out session). */
  #halted = false;
  #retrying = false;
  #lastError?: string;
  #nextRetryAt?: number;
  #attempts = 0;
  #probeFailure?: ProbeResult;
  #probeAt?: number;

  /** @param options The account, its adapter, where inbound messages go, clock and log. */
  constructor(options: AccountRunnerOptions) {
    this.#o = options;
    this.account = options.account;
    this.adapter = options.adapter;
    this.channel = options.account.channel;
    this.accountId = options.account.accountId;
    this.#backoff = new Backoff({ initialMs: 1000, maxMs: 60_000, ...options.backoff });
  }

  /** `telegram/default`, for log lines. */
  get name(): string {
    return `${this.channel}/${this.accountId}`;
  }

  /** True while the platform connection is up. */
  get connected(): boolean {
    return this.#connectedOnce && this.adapter.status().connected;
  }

  /** Starts connecting in the background (no-op when running or not configured). */
  start(): void {
    if (this.#loop) return;
    if (!this.adapter.status().configured) {
      // The adapter may say how to fix it (WhatsApp: "not linked -- run openclaw channels login").
      this.#lastError = this.adapter.status().lastError ??
        `no credentials configured for ${this.name}`;
      this.#o.log.warn(`channel ${this.name} not started: ${this.#lastError}`);
      return;
    }
    const abort = new AbortController();
    this.#abort = abort;
    this.#loop = this.#connectLoop(abort.signal);
  }

  async #connectLoop(signal: AbortSignal): Promise<void> {
    const log = this.#o.log;
    while (!signal.aborted) {
      try {
        await this.adapter.connect({ signal, onInbound: this.#o.onInbound });
        this.#connectedOnce = true;
        this.#retrying = false;
        this.#lastError = undefined;
        this.#nextRetryAt = undefined;
        this.#backoff.reset();
        log.info(`channel ${this.name} connected`);
        this.#o.onConnected?.();
        return;
      } catch (err) {
        if (signal.aborted) return;
        if (!this.adapter.status().configured) {
          // Nothing to retry with (logged out on the phone): the operator has to act.
          this.#halted = true;
          this.#lastError = this.#scrub(errorMessage(err));
          log.warn(
            `channel ${this.name} stopped: ${this.adapter.status().lastError ?? this.#lastError}`,
          );
          return;
        }
        this.#attempts++;
        this.#retrying = true;
        this.#lastError = this.#scrub(errorMessage(err));
        const delay = this.#backoff.next();
        this.#nextRetryAt = this.#o.clock.now() + delay;
        log.warn(
          `channel ${this.name} cannot connect: ${this.#lastError}; retrying in ` +
            `${Math.ceil(delay / 1000)} s`,
        );
        await sleep(delay, { clock: this.#o.clock, signal }).catch(() => {});
      }
    }
  }

  #scrub(text: string): string {
    let out = text;
    for (const s of this.#o.secrets ?? []) if (s.length >= 4) out = out.split(s).join("<redacted>");
    return oneLine(out);
  }

  /** Stops the loop and disconnects; resolves when the adapter has let go of its transport. */
  async stop(reason: string): Promise<void> {
    this.#abort?.abort(new Error(reason));
    await this.#loop;
    this.#loop = undefined;
    this.#retrying = false;
    this.#nextRetryAt = undefined;
    try {
      await this.adapter.disconnect(reason);
    } catch (err) {
      this.#o.log.warn(`channel ${this.name} did not disconnect cleanly: ${errorMessage(err)}`);
    }
  }

  /**
   * Runs the adapter's active check (`channels status --probe`), bounded by `timeoutMs`; a check
   * that throws or times out is reported as a failed probe.
   */
  async probe(timeoutMs: number): Promise<void> {
    const abort = new AbortController();
    const timer = this.#o.clock.setTimeout(
      () => abort.abort(new Error(`probe timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    const started = this.#o.clock.now();
    try {
      const deadline = new Promise<never>((_, reject) =>
        abort.signal.addEventListener("abort", () => reject(abort.signal.reason), { once: true })
      );
      this.#probeFailure = undefined;
      await Promise.race([this.adapter.probe(abort.signal), deadline]);
    } catch (err) {
      this.#probeFailure = {
        ok: false,
        elapsedMs: this.#o.clock.now() - started,
        error: this.#scrub(errorMessage(err)),
      };
      this.#probeAt = this.#o.clock.now();
    } finally {
      this.#o.clock.clearTimeout(timer);
    }
  }

  /** The account's status: the adapter's, plus what the connect loop knows. */
  snapshot(): ChannelAccountSnapshot {
    const snap: ChannelAccountSnapshot = { ...this.adapter.status() };
    if (this.#o.tokenSource && snap.tokenSource !== "none") snap.tokenSource = this.#o.tokenSource;
    if (!this.#loop || this.#halted) {
      snap.running = false;
      if (!snap.enabled) snap.healthState = "disabled";
    } else if (!this.#connectedOnce) {
      // Not connected yet: the loop is alive, connecting or waiting for its next attempt.
      snap.running = true;
      snap.connected = false;
      snap.healthState ??= this.#retrying ? "retrying" : "connecting";
      snap.reconnectAttempts = Math.max(snap.reconnectAttempts ?? 0, this.#attempts);
      if (this.#nextRetryAt !== undefined) snap.nextRetryAt = this.#nextRetryAt;
    } else if (snap.connected) {
      snap.healthState ??= "connected";
    }
    if (this.#lastError && !snap.connected) snap.lastError ??= this.#lastError;
    if (this.#probeFailure) {
      snap.probe = this.#probeFailure;
      snap.lastProbeAt = this.#probeAt;
    }
    return snap;
  }
}
