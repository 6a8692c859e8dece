/**
 * The chat platforms this gateway can run, by channel id. Each entry loads its module on first
 * use (a gateway without `channels.telegram` never loads the Telegram client). Adding a platform is one line
 * here plus its module under ./platforms/ exporting `platform` (a {@linkcode ChannelPlatform}).
 *
 * @module
 */
import type { ChannelPlatform } from "./types.ts";

type PlatformModule = { platform: ChannelPlatform };

/** Channel id -> lazy import of its platform module. */
const PLATFORMS: ReadonlyMap<string, () => Promise<PlatformModule>> = new Map([
  ["telegram", () => import("./platforms/telegram.ts")],
  ["discord", () => import("./platforms/discord.ts")],
  ["whatsapp", () => import("./platforms/whatsapp.ts")],
  ["feishu", () => import("./platforms/feishu.ts")],
  ["qqbot", () => import("./platforms/qqbot.ts")],
]);

/** Labels of channels we know by name but may not run (status still names them nicely). */
const LABELS: ReadonlyMap<string, string> = new Map([
  ["telegram", "Telegram"],
  ["discord", "Discord"],
  ["whatsapp", "WhatsApp"],
  ["feishu", "Feishu"],
  ["qqbot", "QQ"],
  ["slack", "Slack"],
  ["signal", "Signal"],
]);

/** True when this gateway has a transport for `channel`. */
export function hasPlatform(channel: string): boolean {
  return PLATFORMS.has(channel);
}

/**
 * Loads the platform of `channel`.
 *
 * @param channel A channel id.
 * @returns The platform, or `undefined` when this gateway has no transport for it.
 */
export async function loadPlatform(channel: string): Promise<ChannelPlatform | undefined> {
  const load = PLATFORMS.get(channel);
  return load ? (await load()).platform : undefined;
}

/**
 * The display label of a channel (`Telegram`), also for channels without a transport.
 *
 * @param channel A channel id.
 * @returns The label.
 */
export function channelLabel(channel: string): string {
  return LABELS.get(channel) ?? (channel.charAt(0).toUpperCase() + channel.slice(1));
}
