/**
 * `channels status --probe` for QQ: fetches a fresh access token with the AppID/AppSecret and
 * asks who the bot is (`GET /users/@me`), within a deadline. A refused AppSecret is an `auth`
 * issue with the fix; anything else is a `runtime` issue with the (scrubbed) reason.
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import type { ProbeResult } from "../types.ts";
import { startDeadline } from "./_http.ts";
import { scrubbedMessage } from "./_log.ts";
import { QQAuthError } from "./errors.ts";
import type { QQRest } from "./rest.ts";
import { BotUserSchema } from "./schemas.ts";
import type { AccessTokens } from "./token.ts";

/** What {@linkcode probeQQBot} needs. */
export interface QQProbeOptions {
  rest: QQRest;
  tokens: AccessTokens;
  clock: Clock;
  /** Where the credentials are configured, for the fix text. */
  configPath: string;
  /** @default 10000 */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Probes a QQ bot account.
 *
 * @param options REST client, token source, clock, deadline.
 * @returns `ok: true` with the bot's identity, or `ok: false` with `error` and `issues`.
 */
export async function probeQQBot(options: QQProbeOptions): Promise<ProbeResult> {
  const { clock, tokens } = options;
  const started = clock.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  using deadline = startDeadline(clock, timeoutMs, options.signal);
  try {
    // A probe checks the credentials themselves, so it does not trust a cached token.
    tokens.invalidate();
    await tokens.get(deadline.signal);
    const me = await options.rest.request("GET", "/users/@me", {
      schema: BotUserSchema,
      signal: deadline.signal,
    });
    return {
      ok: true,
      elapsedMs: clock.now() - started,
      bot: { id: me.id, username: me.username, name: me.username },
    };
  } catch (err) {
    const elapsedMs = clock.now() - started;
    if (err instanceof QQAuthError) {
      const message = scrubbedMessage(err, tokens.secrets());
      return {
        ok: false,
        elapsedMs,
        error: message,
        issues: [{
          kind: "auth",
          message,
          fix:
            `Check the AppID and AppSecret at q.qq.com (Development \u2192 Settings) and update ` +
            `${options.configPath}`,
        }],
      };
    }
    const message = deadline.timedOut
      ? `QQ did not answer within ${timeoutMs} ms`
      : scrubbedMessage(err, tokens.secrets());
    return { ok: false, elapsedMs, error: message, issues: [{ kind: "runtime", message }] };
  }
}
