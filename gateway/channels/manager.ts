/**
 * The channel layer of one gateway start: one running adapter per enabled `channels.<id>`
 * account (platforms loaded lazily from registry.ts), the inbound pipeline they feed, the
 * outbound sinks they register, and the status `channels.status` and `health` report.
 *
 * Start: open the journal and list what a previous run left unanswered, start every channel's
 * accounts (each connects in the background and retries with backoff), then answer the left-over
 * messages. A config change restarts only the channels whose block changed: their adapters are
 * disconnected (awaited, so a new poller never overlaps the old one) and built again from the
 * new config; other channels, connections and sessions are untouched. Start, reload and stop run
 * one at a time.
 *
 * @module
 */
import type { Logger } from "../../lib/log/mod.ts";
import { AccountRunner } from "./account_runner.ts";
import {
  listAccountIds,
  listChannelIds,
  resolveChannelAccount,
  resolveDefaultAccountId,
} from "../../lib/channels/config_view.ts";
import { GroupHistory } from "../../lib/channels/group_history.ts";
import { InboundJournal, inboundJournalPath } from "../../lib/channels/inbound_store.ts";
import { formatForAccount } from "../../lib/channels/outbound_format.ts";
import { ChannelPairing } from "../../lib/channels/pairing.ts";
import type { ChannelAccountSnapshot } from "../../lib/channels/types.ts";
import type { Clock } from "../../lib/clock.ts";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { errorMessage } from "../../lib/errors.ts";
import { type Env, processEnv } from "../../lib/paths.ts";
import type { GatewayState } from "../state.ts";
import { accountCredentials } from "./credentials.ts";
import { Gatekeeper } from "./gatekeeper.ts";
import { InboundPipeline } from "./inbound.ts";
import { LastRouteRecorder } from "./last_route.ts";
import { loadPlatform } from "./registry.ts";
import { ReplySender } from "./reply.ts";
import { createChannelSink } from "./sink.ts";
import { type HealthChannels, HealthSectionMemo } from "./health_section.ts";
import {
  buildChannelsStatus,
  type ChannelStatusSource,
  idleSnapshot,
  journalCounts,
} from "./status.ts";
import type { ChannelPlatform, ChannelsControl, ChannelsStatusOptions } from "./types.ts";
import { WebLogins } from "./web_login.ts";

/** The part of the gateway state the channel layer uses. */
export type ChannelsHost = Pick<
  GatewayState,
  | "config"
  | "stateDir"
  | "secrets"
  | "outbound"
  | "agent"
  | "broadcast"
  | "systemEvents"
  | "activeTurns"
>;

/** The reason a configured channel has no adapter here. */
export const NO_TRANSPORT = "no transport for this channel in this gateway";

interface ChannelEntry {
  id: string;
  platform?: ChannelPlatform;
  runners: Map<string, AccountRunner>;
  /** Accounts without a runner (disabled, or the adapter could not be built), by id. */
  idle: Map<string, ChannelAccountSnapshot>;
  unregister?: () => void;
}

/** The channel layer (see the module doc). */
export class ChannelManager implements ChannelsControl {
  readonly #host: ChannelsHost;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #journal: InboundJournal;
  readonly #replies: ReplySender;
  readonly #pipeline: InboundPipeline;
  readonly #lastRoutes: LastRouteRecorder;
  readonly #entries = new Map<string, ChannelEntry>();
  #queue: Promise<unknown> = Promise.resolve();
  /** The environment adapters read token fallbacks and base URLs from. */
  readonly #env: Env;
  /** QR logins and logouts. */
  readonly logins: WebLogins;
  /** Account ids per channel of one config object (pure functions of it). */
  #accountMemo:
    | {
      config: OpenClawConfig;
      byChannel: Map<string, { ids: string[]; defaultAccountId: string }>;
    }
    | undefined;
  /** The last `health` section and what it was built from (see healthSummary). */
  readonly #health = new HealthSectionMemo();

  private constructor(
    host: ChannelsHost,
    journal: InboundJournal,
    clock: Clock,
    log: Logger,
    env: Env,
  ) {
    this.#host = host;
    this.#env = env;
    this.#clock = clock;
    this.#log = log;
    this.#journal = journal;
    const history = new GroupHistory();
    this.#replies = new ReplySender({
      journal,
      runnerFor: (c, a) => this.#runner(c, a),
      clock,
      log,
    });
    this.#lastRoutes = new LastRouteRecorder(host.stateDir);
    const gatekeeper = new Gatekeeper({
      config: () => host.config,
      pairing: new ChannelPairing({ stateDir: host.stateDir, clock }),
      history,
      replies: this.#replies,
      clock,
      log,
    });
    this.#pipeline = new InboundPipeline({
      host,
      journal,
      gatekeeper,
      history,
      replies: this.#replies,
      lastRoutes: this.#lastRoutes,
      runnerFor: (c, a) => this.#runner(c, a),
      platformFor: (c) => this.#entries.get(c)?.platform,
      clock,
      log,
    });
    this.logins = new WebLogins({
      config: () => host.config,
      stateDir: host.stateDir,
      env,
      clock,
      log,
      platform: loadPlatform,
      restartChannel: (c) => this.restartChannel(c),
      adapter: (c, a) => this.#runner(c, a)?.adapter,
    });
  }

  /**
   * Opens the journal under the state directory and builds the layer (nothing connects yet).
   *
   * @param host The gateway state.
   * @param clock The start's clock.
   * @param log The subsystem's logger.
   * @param env Token fallbacks (`TELEGRAM_BOT_TOKEN`) and `DISCORD_API_URL`. @default processEnv()
   * @throws {OpenClawError} `CHANNEL_JOURNAL_INVALID` when the journal cannot be read.
   */
  static async open(
    host: ChannelsHost,
    clock: Clock,
    log: Logger,
    env: Env = processEnv(),
  ): Promise<ChannelManager> {
    const journal = await InboundJournal.open(inboundJournalPath(host.stateDir), { clock });
    return new ChannelManager(host, journal, clock, log, env);
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.#queue.then(fn, fn);
    this.#queue = p.catch(() => {});
    return p;
  }

  #runner(channel: string, accountId: string): AccountRunner | undefined {
    return this.#entries.get(channel)?.runners.get(accountId);
  }

  /**
   * Starts the channels and answers what the previous run left unanswered.
   *
   * @param channels The channels to start. @default every channel of the running config
   *   (the channels subsystem passes `[]` when it loads the layer late: a reload then starts
   *   the config's channels)
   */
  start(channels?: readonly string[]): Promise<void> {
    return this.#serial(async () => {
      const pending = await this.#journal.recover();
      const dead = this.#journal.counts().dead;
      if (dead > 0) this.#log.warn(`${dead} inbound message(s) were given up on (dead letters)`);
      for (const id of channels ?? listChannelIds(this.#host.config)) await this.#startChannel(id);
      this.#replies.start();
      this.#pipeline.replay(pending);
    });
  }

  async #startChannel(id: string): Promise<void> {
    const config = this.#host.config;
    const entry: ChannelEntry = { id, runners: new Map(), idle: new Map() };
    this.#entries.set(id, entry);
    const accounts = listAccountIds(config, id).map((a) => resolveChannelAccount(config, id, a));
    try {
      entry.platform = await loadPlatform(id);
    } catch (err) {
      const why = `cannot load the ${id} transport: ${errorMessage(err)}`;
      this.#log.error(why);
      for (const a of accounts) entry.idle.set(a.accountId, idleSnapshot(a, why));
      return;
    }
    const platform = entry.platform;
    if (!platform) {
      this.#log.info(`channel ${id}: ${NO_TRANSPORT}`);
      for (const a of accounts) entry.idle.set(a.accountId, idleSnapshot(a, NO_TRANSPORT));
      return;
    }
    for (const account of accounts) {
      if (!account.enabled) {
        const creds = accountCredentials(account, this.#host.secrets);
        const configured = creds.credential(platform.credentialKey) !== undefined;
        entry.idle.set(account.accountId, idleSnapshot(account, undefined, configured));
        continue;
      }
      try {
        const creds = accountCredentials(account, this.#host.secrets);
        const adapter = await platform.create({
          account,
          ...creds,
          env: this.#env,
          stateDir: this.#host.stateDir,
          clock: this.#clock,
          log: this.#log,
        });
        const runner = new AccountRunner({
          account,
          adapter,
          onInbound: this.#pipeline.accept,
          clock: this.#clock,
          log: this.#log,
          tokenSource: creds.credentialSource(platform.credentialKey) === "secretRef"
            ? "secretRef"
            : undefined,
          onConnected: () => this.#connected(entry, runner),
          secrets: [creds.credential(platform.credentialKey) ?? ""],
        });
        entry.runners.set(account.accountId, runner);
        runner.start();
      } catch (err) {
        const why = errorMessage(err);
        this.#log.error(`channel ${id}/${account.accountId} cannot start: ${why}`);
        entry.idle.set(account.accountId, idleSnapshot(account, why));
      }
    }
  }

  /** An account connected: the channel can take outbound deliveries; kept replies go out. */
  #connected(entry: ChannelEntry, runner: AccountRunner): void {
    if (this.#entries.get(entry.id) !== entry || !entry.platform) return;
    entry.unregister ??= this.#host.outbound.registerChannel(
      entry.id,
      createChannelSink({
        channel: entry.id,
        platform: entry.platform,
        config: () => this.#host.config,
        replies: this.#replies,
      }),
    );
    void this.#replies.retryPending({ channel: runner.channel, accountId: runner.accountId });
  }

  async #stopChannel(id: string, reason: string): Promise<void> {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    entry.unregister?.();
    await Promise.all([...entry.runners.values()].map((r) => r.stop(reason)));
  }

  /**
   * Applies a hot-reloaded config: restarts each channel whose `channels.<id>` block changed.
   *
   * @param previous The config that was running.
   * @param next The config now running.
   * @returns The channels restarted.
   */
  reload(previous: OpenClawConfig, next: OpenClawConfig): Promise<string[]> {
    return this.#serial(async () => {
      const blockOf = (config: OpenClawConfig, id: string) => {
        const channels = (config.channels ?? {}) as Record<string, unknown>;
        return Object.hasOwn(channels, id) ? JSON.stringify(channels[id]) : undefined;
      };
      const ids = new Set([...listChannelIds(previous), ...listChannelIds(next)]);
      const changed = [...ids].filter((id) => blockOf(previous, id) !== blockOf(next, id));
      for (const id of changed) {
        await this.#stopChannel(id, "config changed");
        if (listChannelIds(next).includes(id)) {
          await this.#startChannel(id);
          this.#log.info(`channel ${id} restarted for a config change`);
        } else {
          this.#log.info(`channel ${id} stopped: removed from the config`);
        }
      }
      return changed;
    });
  }

  /**
   * Restarts one channel from the running config (after a QR login); stops it when its block
   * is gone.
   *
   * @param id The channel.
   */
  restartChannel(id: string): Promise<void> {
    return this.#serial(async () => {
      await this.#stopChannel(id, "restart");
      if (listChannelIds(this.#host.config).includes(id)) await this.#startChannel(id);
    });
  }

  webhook(path: string): ((request: Request) => Promise<Response>) | undefined {
    for (const entry of this.#entries.values()) {
      for (const runner of entry.runners.values()) {
        const hook = runner.adapter.webhook;
        if (hook?.path === path) return (request) => hook.handler(request);
      }
    }
    return undefined;
  }

  /** Aborts running turns, disconnects every adapter, closes the journal. */
  stop(reason: string): Promise<void> {
    return this.#serial(async () => {
      await Promise.all([
        this.logins.stop(),
        this.#pipeline.stop(),
        ...[...this.#entries.keys()].map((id) => this.#stopChannel(id, reason)),
      ]);
      await this.#replies.stop();
      await this.#lastRoutes.close();
      await this.#journal.close();
    });
  }

  /** A channel's account ids and default account in one config object (read per status). */
  #accountsOf(config: OpenClawConfig, id: string): { ids: string[]; defaultAccountId: string } {
    let memo = this.#accountMemo;
    if (memo?.config !== config) memo = this.#accountMemo = { config, byChannel: new Map() };
    let accounts = memo.byChannel.get(id);
    if (!accounts) {
      accounts = {
        ids: listAccountIds(config, id),
        defaultAccountId: resolveDefaultAccountId(config, id),
      };
      memo.byChannel.set(id, accounts);
    }
    return accounts;
  }

  #sources(channel?: string): ChannelStatusSource[] {
    const config = this.#host.config;
    const out: ChannelStatusSource[] = [];
    for (const e of this.#entries.values()) {
      if (channel !== undefined && e.id !== channel) continue;
      const { ids, defaultAccountId } = this.#accountsOf(config, e.id);
      const accounts: ChannelAccountSnapshot[] = [];
      for (const a of ids) {
        const snap = e.runners.get(a)?.snapshot() ?? e.idle.get(a);
        if (snap) accounts.push(snap);
      }
      out.push({ id: e.id, platform: e.platform, defaultAccountId, accounts });
    }
    return out;
  }

  async status(options: ChannelsStatusOptions = {}) {
    if (options.probe) {
      const runners = [...this.#entries.values()]
        .filter((e) => options.channel === undefined || e.id === options.channel)
        .flatMap((e) => [...e.runners.values()]);
      await Promise.all(runners.map((r) => r.probe(options.timeoutMs ?? 10_000)));
    }
    const counts = journalCounts(this.#journal);
    return buildChannelsStatus(this.#sources(options.channel), counts, this.#clock.now());
  }

  /**
   * The `channels` section of `health`. It is a pure function of the accounts' snapshots and the
   * journal's counts, so the last section (frozen, its JSON text made once) is answered again
   * while both are the same as the last time; both are read afresh on every call.
   */
  healthSummary(): HealthChannels {
    const counts = this.#journal.counts();
    const journal = counts.pending + counts.dead + counts.failed === 0
      ? undefined
      : journalCounts(this.#journal);
    return this.#health.answer(this.#sources(), journal, () => this.#clock.now());
  }

  failedReplies(filter: { channel?: string; accountId?: string } = {}) {
    return this.#replies.failed()
      .filter((f) => filter.channel === undefined || f.channel === filter.channel)
      .filter((f) => filter.accountId === undefined || f.accountId === filter.accountId)
      .map((f) => ({
        id: f.id,
        channel: f.channel,
        accountId: f.accountId,
        target: f.target,
        chunks: f.chunks.length,
        attempts: f.attempts,
        exhausted: f.exhausted,
        firstFailedAt: f.firstFailedAt,
        lastFailedAt: f.lastFailedAt,
        lastError: f.lastError,
      }));
  }

  resendFailed(ids: readonly string[]) {
    return this.#replies.resend(ids);
  }

  dropFailed(ids: readonly string[]) {
    return this.#replies.drop(ids);
  }

  canNotifyPairing(channel: string, accountId: string): boolean {
    return this.#runner(channel, accountId)?.connected === true;
  }

  async notifyPairingApproved(
    input: { channel: string; accountId: string; senderId: string; text: string },
  ): Promise<void> {
    const entry = this.#entries.get(input.channel);
    const runner = entry?.runners.get(input.accountId);
    if (!entry?.platform || !runner) {
      throw new Error(`channel ${input.channel}/${input.accountId} is not running`);
    }
    const formatted = formatForAccount(input.text, {
      ...runner.account,
      responsePrefix: undefined,
    });
    await runner.adapter.sendChunks(entry.platform.directTarget(input.senderId), formatted.chunks, {
      ...(formatted.parseMode ? { parseMode: formatted.parseMode } : {}),
    });
  }

  /** Facts for the subsystem's `health` entry. */
  facts(): Record<string, unknown> {
    const runners = [...this.#entries.values()].flatMap((e) => [...e.runners.values()]);
    const counts = this.#journal.counts();
    return {
      channels: this.#entries.size,
      accounts: runners.length,
      connected: runners.filter((r) => r.connected).length,
      pendingInbound: counts.pending,
      failedReplies: counts.failed,
      deadLetters: counts.dead,
    };
  }
}
