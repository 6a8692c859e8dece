/**
 * The "last route" of a session: after a channel message was answered, the session's store entry
 * records where it came from (`lastChannel`, `lastTo`, `lastAccountId`, stock's field names), so
 * a heartbeat or cron job with `target: "last"` reaches the person who wrote last. The runtime
 * owns the entry and writes `lastChannel`; this adds the recipient and the account. The entry is
 * only updated, never created (a turn that failed before the model answered leaves none).
 *
 * @module
 */
import { sessionsDir, SessionStore } from "../../lib/agent/sessions/store.ts";
import { canonicalSessionKey } from "../../lib/agent/session_key.ts";

/** Where a session was last contacted. */
export interface LastRoute {
  channel: string;
  to: string;
  accountId: string;
}

/** Session stores per agent, opened on first use. */
export class LastRouteRecorder {
  readonly #stateDir: string;
  readonly #stores = new Map<string, SessionStore>();

  /** @param stateDir The gateway's state directory. */
  constructor(stateDir: string) {
    this.#stateDir = stateDir;
  }

  /**
   * Records `route` on the entry of `sessionKey` (when the entry exists).
   *
   * @param agentId The session's agent (normalized id).
   * @param sessionKey The session key.
   * @param route Channel, recipient and account.
   * @param mainKey `session.mainKey`, for canonical keys.
   */
  async record(
    agentId: string,
    sessionKey: string,
    route: LastRoute,
    mainKey?: string,
  ): Promise<void> {
    let store = this.#stores.get(agentId);
    if (!store) {
      store = new SessionStore(sessionsDir(this.#stateDir, agentId), { flushDelayMs: 0 });
      this.#stores.set(agentId, store);
    }
    const key = canonicalSessionKey(sessionKey, agentId, mainKey);
    await store.patch(key, (entry) => {
      if (!entry) return entry;
      if (
        entry.lastChannel === route.channel && entry.lastTo === route.to &&
        entry.lastAccountId === route.accountId
      ) {
        return entry;
      }
      return {
        ...entry,
        lastChannel: route.channel,
        lastTo: route.to,
        lastAccountId: route.accountId,
      };
    }, { flush: true });
  }

  /** Writes what is pending and closes the stores. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#stores.values()].map((s) => s.close()));
    this.#stores.clear();
  }
}
