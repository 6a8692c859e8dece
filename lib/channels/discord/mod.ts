/**
 * The Discord channel: {@linkcode createDiscordAdapter} and what its options and status use.
 * Import this module lazily (only when `channels.discord` is configured).
 *
 * @module
 */
export {
  createDiscordAdapter,
  type DiscordAdapterOptions,
  type DiscordChannelAdapter,
} from "./adapter.ts";
export { type DiscordIntents, intentNames, resolveDiscordIntents } from "./intents.ts";
export type { ResumeState } from "./gateway_client.ts";
export { createFileResumeStore, type DiscordResumeStore } from "./resume_store.ts";
export type { DiscordProbeResult } from "./probe.ts";
export { DISCORD_MAX_MESSAGE_LENGTH } from "./constants.ts";
