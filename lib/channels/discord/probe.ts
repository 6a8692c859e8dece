/**
 * `channels status --probe` for Discord: who the bot is (`GET /users/@me`), what the application
 * is granted (`GET /oauth2/applications/@me` -> `flags`), and whether every privileged intent the
 * config asks for is granted. A missing grant makes the probe fail with the exact Developer
 * Portal toggle to switch on -- the fix for the "online but never answers" bot.
 *
 * @module
 */
import type { Clock } from "../../clock.ts";
import type { ProbeResult } from "../types.ts";
import { scrubToken } from "./_log.ts";
import { describeMissingIntent, missingPrivilegedIntents } from "./intents.ts";
import { DiscordApiError, type DiscordRest } from "./rest.ts";
import { ApplicationSchema, UserSchema } from "./schemas.ts";

/** A probe result with the application's flags. */
export interface DiscordProbeResult extends ProbeResult {
  application?: { id: string; name?: string; flags: number };
}

/**
 * Probes a Discord bot account.
 *
 * @param rest A REST client with the account's token.
 * @param intents The intents the config asks for.
 * @param options Clock (for `elapsedMs`), token (to scrub from errors), signal.
 * @returns `ok: true` when the token works and every requested privileged intent is granted;
 *   otherwise `ok: false` with `error` and `issues` (kind `auth` or `intent`, with the fix).
 */
export async function probeDiscord(
  rest: DiscordRest,
  intents: number,
  options: { clock: Clock; token: string; signal?: AbortSignal },
): Promise<DiscordProbeResult> {
  const started = options.clock.now();
  const elapsed = () => options.clock.now() - started;
  try {
    const [user, app] = await Promise.all([
      rest.request("GET", "/users/@me", { schema: UserSchema, signal: options.signal }),
      rest.request("GET", "/oauth2/applications/@me", {
        schema: ApplicationSchema,
        signal: options.signal,
      }),
    ]);
    const issues = missingPrivilegedIntents(intents, app.flags).map(describeMissingIntent);
    const result: DiscordProbeResult = {
      ok: issues.length === 0,
      elapsedMs: elapsed(),
      bot: { id: user.id, username: user.username, name: user.global_name ?? user.username },
      application: { id: app.id, name: app.name, flags: app.flags },
    };
    if (issues.length > 0) {
      result.issues = issues;
      result.error = `${issues[0].message}. Fix: ${issues[0].fix}`;
    }
    return result;
  } catch (err) {
    if (err instanceof DiscordApiError && err.status === 401) {
      return {
        ok: false,
        elapsedMs: elapsed(),
        error: "Discord rejected the bot token (401 Unauthorized)",
        issues: [{
          kind: "auth",
          message: "The bot token is invalid or was reset",
          fix: "Discord Developer Portal \u2192 your application \u2192 Bot \u2192 Reset Token, " +
            "then update channels.discord.token (or DISCORD_BOT_TOKEN)",
        }],
      };
    }
    const message = scrubToken(err instanceof Error ? err.message : String(err), options.token);
    return {
      ok: false,
      elapsedMs: elapsed(),
      error: message,
      issues: [{ kind: "runtime", message }],
    };
  }
}
