/**
 * Which agents are running a turn right now, counted by the dispatcher every surface uses: what
 * "the agent is busy" means for scheduled heartbeats, which defer rather than queue behind a
 * user's turn.
 *
 * @module
 */
import { normalizeAgentId } from "../../lib/agent/session_key.ts";

/** Turns in flight per agent (`dispatchTurn` in gateway/agent_runtime.ts counts them). */
export class ActiveTurns {
  readonly #byAgent = new Map<string, number>();

  /** Counts a turn of `agentId` as running; call the returned function when it ends. */
  begin(agentId: string): () => void {
    const id = normalizeAgentId(agentId);
    this.#byAgent.set(id, (this.#byAgent.get(id) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.#byAgent.get(id) ?? 1) - 1;
      if (left > 0) this.#byAgent.set(id, left);
      else this.#byAgent.delete(id);
    };
  }

  /** True while a turn of `agentId` runs. */
  busy(agentId: string): boolean {
    return (this.#byAgent.get(normalizeAgentId(agentId)) ?? 0) > 0;
  }
}
