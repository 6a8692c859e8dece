/**
 * The `channels` subsystem: the chat platforms of this start (gateway/channels/manager.ts) —
 * one adapter per enabled `channels.<id>` account, connecting in the background with backoff,
 * the durable inbound journal, the inbound pipeline and the outbound sinks. Optional: a journal
 * it cannot open degrades it and the gateway serves on. A hot reload of `channels.<id>` restarts
 * that channel only; `bindings` and `session` are read live by every message.
 *
 * @module
 */
import { ChannelManager, type ChannelsHost } from "../channels/manager.ts";
import type { ChannelsControl } from "../channels/types.ts";
import type { GatewaySubsystem } from "./lifecycle.ts";

/** The channels subsystem plus the control the state exposes as `state.channels`. */
export interface ChannelsSubsystem extends GatewaySubsystem {
  /** The running channel layer; `undefined` when the subsystem is not running. */
  control(): ChannelsControl | undefined;
}

/** Creates the channels subsystem. */
export function channelsSubsystem(host: ChannelsHost): ChannelsSubsystem {
  let manager: ChannelManager | undefined;
  return {
    id: "channels",
    required: false,
    after: ["agent", "secrets"],
    configPaths: ["channels", "bindings", "session"],
    async start(ctx) {
      manager = await ChannelManager.open(host, ctx.clock, ctx.log);
      await manager.start();
    },
    async reload({ config, previous }) {
      await manager?.reload(previous, config);
    },
    async stop(reason) {
      const m = manager;
      manager = undefined;
      await m?.stop(reason.restart ? "gateway restarting" : "gateway stopping");
    },
    health: () => manager?.facts() ?? {},
    control: () => manager,
  };
}
