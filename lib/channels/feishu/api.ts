/**
 * Authenticated Feishu calls: each carries the tenant token (token.ts); a call refused with a
 * token-invalid code drops that token and is made once more with a fresh one (a token revoked
 * early, or a clock that jumped, costs one extra call instead of a failed reply).
 *
 * @module
 */
import { TOKEN_INVALID_CODES } from "./constants.ts";
import { FeishuApiError, type FeishuHttp, type FeishuRequest } from "./http.ts";
import { type BotInfo, BotInfoSchema } from "./schemas.ts";
import { FeishuPath } from "./constants.ts";
import type { TenantTokens } from "./token.ts";

/** The REST side of one Feishu app. */
export class FeishuApi {
  readonly http: FeishuHttp;
  readonly tokens: TenantTokens;

  /**
   * @param http The client for the app's origin.
   * @param tokens The app's tenant token holder.
   */
  constructor(http: FeishuHttp, tokens: TenantTokens) {
    this.http = http;
    this.tokens = tokens;
  }

  /**
   * Makes a call with the tenant token (see the module doc).
   *
   * @param request The call, without a token.
   * @returns The validated answer.
   * @throws What {@linkcode FeishuHttp.request} throws, and the token call's errors.
   */
  async call<T>(request: Omit<FeishuRequest<T>, "token">): Promise<T> {
    for (let attempt = 0;; attempt++) {
      const token = await this.tokens.get();
      try {
        return await this.http.request({ ...request, token });
      } catch (err) {
        const stale = err instanceof FeishuApiError && TOKEN_INVALID_CODES.has(err.code);
        if (!stale || attempt > 0) throw err;
        this.tokens.invalidate(token);
      }
    }
  }

  /**
   * Who the bot is (`bot/v3/info`): its `open_id` is what mentions of the bot carry.
   *
   * @param signal Aborts the call.
   * @returns The bot's open_id, name and activation status.
   */
  async botInfo(signal?: AbortSignal): Promise<BotInfo> {
    const answer = await this.call({
      method: "GET",
      path: FeishuPath.BOT_INFO,
      schema: BotInfoSchema,
      idempotent: true,
      signal,
    });
    return answer.bot;
  }
}
