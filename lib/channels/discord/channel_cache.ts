/**
 * What the adapter knows about Discord channels: type, guild and parent, learned from
 * `GUILD_CREATE`, `CHANNEL_*`, `THREAD_*` and `THREAD_LIST_SYNC`, so a message posted in a thread
 * can be routed to its parent channel's conversation. A channel not seen yet is looked up once
 * over REST. Bounded: the oldest entries are forgotten first.
 *
 * @module
 */
import { type DiscordChannel, GuildCreateSchema, ThreadListSyncSchema } from "./schemas.ts";
import { ChannelSchema } from "./schemas.ts";

/** What is kept per channel. */
export interface ChannelInfo {
  type: number;
  guildId?: string;
  parentId?: string;
}

/** Entries kept at most. @default */
export const MAX_CACHED_CHANNELS = 20_000;

/** A bounded channel map (see the module doc). */
export class ChannelCache {
  readonly #map = new Map<string, ChannelInfo>();
  readonly #max: number;

  /** @param max Entries kept at most. */
  constructor(max = MAX_CACHED_CHANNELS) {
    this.#max = max;
  }

  /** Number of channels known. */
  get size(): number {
    return this.#map.size;
  }

  /** The channel's info, when known. */
  get(id: string): ChannelInfo | undefined {
    return this.#map.get(id);
  }

  /** Remembers a channel (its guild defaults to `guildId`). */
  put(channel: DiscordChannel, guildId?: string): void {
    this.#map.delete(channel.id);
    if (this.#map.size >= this.#max) this.#map.delete(this.#map.keys().next().value!);
    const info: ChannelInfo = { type: channel.type };
    const guild = channel.guild_id ?? guildId;
    if (guild) info.guildId = guild;
    if (channel.parent_id) info.parentId = channel.parent_id;
    this.#map.set(channel.id, info);
  }

  /**
   * Learns from a gateway dispatch, when it is about channels.
   *
   * @param t The dispatch name.
   * @param d Its payload (validated here).
   * @returns Whether the dispatch was a channel event.
   */
  observe(t: string, d: unknown): boolean {
    switch (t) {
      case "GUILD_CREATE": {
        const guild = GuildCreateSchema.safeParse(d);
        if (!guild.success) return true;
        for (const c of guild.data.channels ?? []) this.put(c, guild.data.id);
        for (const c of guild.data.threads ?? []) this.put(c, guild.data.id);
        return true;
      }
      case "CHANNEL_CREATE":
      case "CHANNEL_UPDATE":
      case "THREAD_CREATE":
      case "THREAD_UPDATE": {
        const channel = ChannelSchema.safeParse(d);
        if (channel.success) this.put(channel.data);
        return true;
      }
      case "CHANNEL_DELETE":
      case "THREAD_DELETE": {
        const channel = ChannelSchema.safeParse(d);
        if (channel.success) this.#map.delete(channel.data.id);
        return true;
      }
      case "THREAD_LIST_SYNC": {
        const sync = ThreadListSyncSchema.safeParse(d);
        if (sync.success) { for (const c of sync.data.threads) this.put(c, sync.data.guild_id); }
        return true;
      }
      default:
        return false;
    }
  }
}
