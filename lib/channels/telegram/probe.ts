/**
 * `channels status --probe` for Telegram: `getMe` within a deadline, giving the bot's identity or
 * the reason it failed, plus the issues an operator can fix (a missing or rejected token; privacy
 * mode when some group is configured to answer without mentions).
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import { errorMessage } from "../../errors.ts";
import type { ChannelStatusIssue, ProbeResult } from "../types.ts";
import { callTelegram } from "./api.ts";
import type { BotApi } from "./bot_api.ts";
import { TelegramApiError } from "./errors.ts";
import { scrubToken } from "./token.ts";

/** The fix for a missing token. */
const TOKEN_FIX = "Set channels.telegram.botToken (or TELEGRAM_BOT_TOKEN for the default account)";

/** What a probe needs. */
export interface ProbeContext {
  /** A client, or undefined when no token is configured. */
  api?: BotApi;
  token: string;
  clock: Clock;
  timeoutMs: number;
  /** Some group answers without a mention, so privacy mode would hide its messages. */
  needsGroupMessages: boolean;
  signal?: AbortSignal;
}

function privacyIssue(): ChannelStatusIssue {
  return {
    kind: "permissions",
    message: "privacy mode is on: in groups the bot only sees mentions, replies and commands",
    fix: "In @BotFather run /setprivacy and choose Disable, then re-add the bot to the group",
  };
}

/**
 * Checks the bot token with `getMe`.
 *
 * @param ctx Client, token (scrubbed from errors), clock, deadline.
 * @returns `ok` with the bot's id, username and name, or `ok: false` with the reason and issues.
 */
export async function probeTelegram(ctx: ProbeContext): Promise<ProbeResult> {
  const started = ctx.clock.now();
  const api = ctx.api;
  if (!api || ctx.token === "") {
    const message = "no bot token configured";
    return { ok: false, error: message, issues: [{ kind: "config", message, fix: TOKEN_FIX }] };
  }
  try {
    const me = await callTelegram("getMe", (s) => api.getMe(s), {
      token: ctx.token,
      clock: ctx.clock,
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
    });
    const result: ProbeResult = {
      ok: true,
      elapsedMs: ctx.clock.now() - started,
      bot: { id: String(me.id), username: me.username, name: me.first_name },
    };
    if (ctx.needsGroupMessages && me.can_read_all_group_messages === false) {
      result.issues = [privacyIssue()];
    }
    return result;
  } catch (err) {
    const error = scrubToken(errorMessage(err), ctx.token);
    const result: ProbeResult = { ok: false, elapsedMs: ctx.clock.now() - started, error };
    if (err instanceof TelegramApiError && err.kind === "unauthorized") {
      result.issues = [{
        kind: "auth",
        message: error,
        fix: "Check the token with @BotFather and set channels.telegram.botToken",
      }];
    }
    return result;
  }
}
