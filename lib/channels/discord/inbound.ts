/**
 * What the adapter does with each gateway dispatch: channel events feed the channel cache;
 * `MESSAGE_CREATE` is validated, its channel looked up (cache, else one REST call, so thread
 * messages find their parent), normalized, and handed to the inbound handler -- awaited, because
 * the gateway client commits the sequence only after this resolves.
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import type { InboundHandler } from "../types.ts";
import { type DiscordLogger, scrubToken } from "./_log.ts";
import { ChannelCache, type ChannelInfo } from "./channel_cache.ts";
import { ChannelType } from "./constants.ts";
import { normalizeDiscordMessage } from "./normalize.ts";
import type { DiscordRest } from "./rest.ts";
import { ChannelSchema, MessageSchema } from "./schemas.ts";

/** Options of {@linkcode DiscordInbound}. */
export interface DiscordInboundOptions {
  accountId: string;
  rest: DiscordRest;
  clock: Clock;
  log: DiscordLogger;
  /** To scrub from logged errors. */
  token: string;
}

/** Who the bot is and where messages go, for one dispatch. */
export interface DispatchContext {
  botId?: string;
  botName?: string;
  onInbound?: InboundHandler;
  signal?: AbortSignal;
}

/** Handles gateway dispatches for one account (see the module doc). */
export class DiscordInbound {
  readonly #o: DiscordInboundOptions;
  readonly #cache = new ChannelCache();

  /** @param options Account, REST client, clock, log. */
  constructor(options: DiscordInboundOptions) {
    this.#o = options;
  }

  async #channelInfo(channelId: string, signal?: AbortSignal): Promise<ChannelInfo | undefined> {
    const known = this.#cache.get(channelId);
    if (known) return known;
    try {
      const channel = await this.#o.rest.request("GET", `/channels/${channelId}`, {
        schema: ChannelSchema,
        signal,
      });
      this.#cache.put(channel);
      return this.#cache.get(channelId);
    } catch (err) {
      this.#o.log.debug("discord channel {channelId} lookup failed: {error}", {
        channelId,
        error: scrubToken(err instanceof Error ? err.message : String(err), this.#o.token),
      });
      // Remember it as a plain channel, so an unreadable channel costs one lookup, not one per
      // message; a later CHANNEL_/THREAD_ event corrects it.
      if (!signal?.aborted) this.#cache.put({ id: channelId, type: ChannelType.GUILD_TEXT });
      return undefined;
    }
  }

  /**
   * Handles one dispatch.
   *
   * @param t The dispatch name.
   * @param d Its payload.
   * @param context Bot identity, the inbound handler, the adapter's signal.
   * @returns `true` when a message was handed to the inbound handler.
   * @throws What the inbound handler throws (the message was not stored).
   */
  async handle(t: string, d: unknown, context: DispatchContext): Promise<boolean> {
    if (this.#cache.observe(t, d) || t !== "MESSAGE_CREATE") return false;
    const parsed = MessageSchema.safeParse(d);
    if (!parsed.success || !context.botId) {
      this.#o.log.warn("discord MESSAGE_CREATE skipped: unexpected payload shape");
      return false;
    }
    const message = parsed.data;
    const channelInfo = message.guild_id
      ? await this.#channelInfo(message.channel_id, context.signal)
      : undefined;
    const inbound = normalizeDiscordMessage(message, {
      channel: "discord",
      accountId: this.#o.accountId,
      botId: context.botId,
      botName: context.botName,
      channelInfo,
      now: this.#o.clock.now(),
    });
    if (typeof inbound === "string") {
      this.#o.log.debug("discord message {messageId} skipped: {reason}", {
        messageId: message.id,
        reason: inbound,
      });
      return false;
    }
    if (!context.onInbound) return false;
    await context.onInbound(inbound);
    return true;
  }
}
