/**
 * `channels status --probe` for Feishu: fetch a tenant token with the app credentials (proves
 * appId/appSecret) and read the bot's info (`bot/v3/info`: proves the app has the bot
 * capability and is activated). Each failure comes with the console step that fixes it.
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import type { ProbeResult } from "../types.ts";
import { withTimeout } from "../../deadline.ts";
import type { Scrubber } from "./_log.ts";
import type { FeishuApi } from "./api.ts";
import { FeishuApiError } from "./http.ts";

/** A probe result with the bot's activation status. */
export interface FeishuProbeResult extends ProbeResult {
  /** `bot.activate_status` (2 = activated). */
  activateStatus?: number;
}

/**
 * Probes a Feishu app.
 *
 * @param api The app's REST side.
 * @param options Clock (for `elapsedMs` and the deadline), scrubber, timeout, signal.
 * @returns `ok: true` with the bot's open_id and name, or why it failed (kind `auth` for
 *   refused credentials, `config` for an app without a bot, `runtime` otherwise).
 */
export async function probeFeishu(
  api: FeishuApi,
  options: { clock: Clock; scrubber: Scrubber; timeoutMs: number; signal?: AbortSignal },
): Promise<FeishuProbeResult> {
  const started = options.clock.now();
  const elapsed = () => options.clock.now() - started;
  try {
    await withTimeout(options.clock, options.timeoutMs, api.tokens.get(), "the token call");
  } catch (err) {
    const message = options.scrubber.scrub(err);
    if (err instanceof FeishuApiError) {
      return {
        ok: false,
        elapsedMs: elapsed(),
        error: `Feishu refused the app credentials: ${message}`,
        issues: [{
          kind: "auth",
          message: "appId/appSecret were refused",
          fix: "Copy App ID and App Secret from the developer console (Credentials & Basic " +
            "Info) into channels.feishu.appId / appSecret",
        }],
      };
    }
    return {
      ok: false,
      elapsedMs: elapsed(),
      error: message,
      issues: [{ kind: "runtime", message }],
    };
  }
  try {
    const bot = await withTimeout(
      options.clock,
      options.timeoutMs,
      api.botInfo(options.signal),
      "the bot info call",
    );
    return {
      ok: true,
      elapsedMs: elapsed(),
      bot: { id: bot.open_id, name: bot.app_name },
      activateStatus: bot.activate_status,
    };
  } catch (err) {
    const message = options.scrubber.scrub(err);
    return {
      ok: false,
      elapsedMs: elapsed(),
      error: `Cannot read the bot's info: ${message}`,
      issues: [{
        kind: "config",
        message: "the app has no working bot",
        fix: "Enable the Bot capability (App Features \u2192 Bot) and publish a version of the app",
      }],
    };
  }
}
