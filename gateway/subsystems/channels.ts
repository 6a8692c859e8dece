/**
 * The `channels` subsystem: the chat platforms of this start (gateway/channels/manager.ts) --
 * one adapter per enabled `channels.<id>` account, connecting in the background with backoff,
 * the durable inbound journal, the inbound pipeline and the outbound sinks. Optional: a journal
 * it cannot open degrades it and the gateway serves on. A hot reload of `channels.<id>` restarts
 * that channel only; `bindings` and `session` are read live by every message.
 *
 * A start whose config names no channel, and whose journal holds no work of a previous run
 * (lib/channels/dormant.ts), does not load the channel layer: a stand-in answers for it with
 * what the layer answers when it runs no channel (`channels.status` lists none, no kept
 * replies, nothing to notify). The layer is loaded, started with no channel (the state the
 * stand-in stood for), by the first reload that adds a channel -- which then starts every channel
 * of the new config, as a reload does -- or by the first call that needs it (a QR login, a
 * logout, a resend).
 *
 * @module
 */
import { channelLayerNeeded, listChannelIds } from "../../lib/channels/dormant.ts";
import { type Clock, systemClock } from "../../lib/clock.ts";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import type { ChannelManager, ChannelsHost } from "../channels/manager.ts";
import type { ChannelsControl } from "../channels/types.ts";
import { freezeJson } from "../methods/json_text.ts";
import type { GatewaySubsystem, SubsystemContext } from "./lifecycle.ts";

/** The channels subsystem plus the control the state exposes as `state.channels`. */
export interface ChannelsSubsystem extends GatewaySubsystem {
  /** The running channel layer (or its stand-in); `undefined` when the subsystem is not running. */
  control(): ChannelsControl | undefined;
}

/** The layer's health facts when it runs no channel and its journal is empty. */
function idleFacts(): Record<string, unknown> {
  return {
    channels: 0,
    accounts: 0,
    connected: 0,
    pendingInbound: 0,
    failedReplies: 0,
    deadLetters: 0,
  };
}

/** The `channels` section of `health` while no channel runs (one object, so one JSON text). */
const NO_CHANNELS: ReturnType<ChannelsControl["healthSummary"]> = freezeJson(
  Object.create(null) as ReturnType<ChannelsControl["healthSummary"]>,
)!;

/** Creates the channels subsystem. */
export function channelsSubsystem(host: ChannelsHost): ChannelsSubsystem {
  let manager: ChannelManager | undefined;
  /** Set while the subsystem runs without the layer (the context a later load uses). */
  let dormantCtx: SubsystemContext | undefined;
  let loading: Promise<ChannelManager> | undefined;
  /** The start's clock (status timestamps). */
  let clock: Clock = systemClock;

  /** Loads and starts the layer with no channel (a dormant start's state); shared by callers. */
  const load = (): Promise<ChannelManager> => {
    if (manager) return Promise.resolve(manager);
    const ctx = dormantCtx;
    if (!ctx) {
      return Promise.reject(
        new Error("Cannot load the channel layer: the channels subsystem is not running"),
      );
    }
    loading ??= (async () => {
      try {
        const { ChannelManager } = await import("../channels/manager.ts");
        const m = await ChannelManager.open(host, ctx.clock, ctx.log);
        try {
          await m.start([]);
        } catch (err) {
          await m.stop("the channel layer failed to start").catch(() => {});
          throw err;
        }
        manager = m;
        ctx.log.debug("channel layer loaded");
        return m;
      } finally {
        // A failed load is not kept: the next call tries again.
        loading = undefined;
      }
    })();
    return loading;
  };

  /** The running layer, after a load in progress; `undefined` while dormant. */
  const current = async (): Promise<ChannelManager | undefined> =>
    manager ?? await loading?.catch(() => undefined);

  const standIn: ChannelsControl = {
    async status(options) {
      const m = await current();
      if (m) return m.status(options);
      const { buildChannelsStatus, journalCounts } = await import("../channels/status.ts");
      return buildChannelsStatus([], journalCounts(undefined), clock.now());
    },
    healthSummary: () => manager?.healthSummary() ?? NO_CHANNELS,
    failedReplies: (filter) => manager?.failedReplies(filter) ?? [],
    resendFailed: async (ids) => (await load()).resendFailed(ids),
    dropFailed: async (ids) => (await load()).dropFailed(ids),
    canNotifyPairing: (channel, accountId) =>
      manager?.canNotifyPairing(channel, accountId) ?? false,
    notifyPairingApproved: async (input) => (await load()).notifyPairingApproved(input),
    webhook: (path) => manager?.webhook(path),
    restartChannel: async (channel) => (await load()).restartChannel(channel),
    logins: {
      start: async (params) => (await load()).logins.start(params),
      wait: async (params) => (await load()).logins.wait(params),
      logout: async (channel, accountId) => (await load()).logins.logout(channel, accountId),
    },
  };

  return {
    id: "channels",
    required: false,
    after: ["agent", "secrets"],
    configPaths: ["channels", "bindings", "session"],
    async start(ctx) {
      clock = ctx.clock;
      if (!await channelLayerNeeded(host.config, host.stateDir)) {
        dormantCtx = ctx;
        ctx.log.debug("no channel configured: the channel layer loads when one is added");
        return;
      }
      const { ChannelManager } = await import("../channels/manager.ts");
      manager = await ChannelManager.open(host, ctx.clock, ctx.log);
      await manager.start();
    },
    async reload({ config, previous }) {
      const running = await current();
      if (running) {
        await running.reload(previous, config);
      } else if (listChannelIds(config).length > 0) {
        // Nothing ran (even if `previous` named a channel whose load failed): every channel of
        // the new config is new to the layer.
        const m = await load();
        await m.reload({ ...previous, channels: {} } as OpenClawConfig, config);
      }
    },
    async stop(reason) {
      dormantCtx = undefined;
      await loading?.catch(() => {});
      const m = manager;
      manager = undefined;
      await m?.stop(reason.restart ? "gateway restarting" : "gateway stopping");
    },
    health: () => manager?.facts() ?? (dormantCtx ? idleFacts() : {}),
    control: () => manager ?? (dormantCtx ? standIn : undefined),
  };
}
