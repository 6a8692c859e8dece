/**
 * Book-keeping of runs: which are queued or running (to abort them), and the results of recent
 * ones (for `agent.wait`, which may ask after a run ended or before it started).
 *
 * @module
 */
import type { AgentTurnResult } from "./contract.ts";
import { clearTimer, setTimer } from "../timers.ts";

/** A run that has not ended yet. */
export interface ActiveRun {
  runId: string;
  agentId: string;
  sessionKey: string;
  controller: AbortController;
  state: "queued" | "running";
  promise?: Promise<AgentTurnResult>;
}

/** Results kept for `waitForRun` after a run ended (they can carry large tool outputs). */
const KEEP_FINISHED = 200;

/** Active runs, recent results and the callers waiting for them. */
export class RunTracker {
  readonly active = new Map<string, ActiveRun>();
  #finished = new Map<string, AgentTurnResult>();
  #waiters = new Map<string, Set<(result: AgentTurnResult | undefined) => void>>();

  /** True when `runId` is queued, running, or ended recently. */
  known(runId: string): boolean {
    return this.active.has(runId) || this.#finished.has(runId);
  }

  /** Records the end of a run and wakes its waiters. */
  finish(result: AgentTurnResult): void {
    this.active.delete(result.runId);
    this.#finished.set(result.runId, result);
    if (this.#finished.size > KEEP_FINISHED) {
      const oldest = this.#finished.keys().next().value;
      if (oldest !== undefined) this.#finished.delete(oldest);
    }
    const waiters = this.#waiters.get(result.runId);
    this.#waiters.delete(result.runId);
    for (const w of waiters ?? []) w(result);
  }

  /** Waits up to `timeoutMs` for the run's result; `undefined` on timeout. */
  wait(runId: string, timeoutMs: number): Promise<AgentTurnResult | undefined> {
    const done = this.#finished.get(runId);
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => {
      const set = this.#waiters.get(runId) ?? new Set();
      this.#waiters.set(runId, set);
      const waiter = (result: AgentTurnResult | undefined) => {
        clearTimer(timer);
        resolve(result);
      };
      const timer = setTimer(() => {
        set.delete(waiter);
        if (set.size === 0 && this.#waiters.get(runId) === set) this.#waiters.delete(runId);
        resolve(undefined);
      }, Math.max(0, timeoutMs));
      set.add(waiter);
    });
  }

  /** Resolves every waiter with `undefined` (shutdown). */
  releaseWaiters(): void {
    for (const set of this.#waiters.values()) for (const w of set) w(undefined);
    this.#waiters.clear();
  }
}
