/**
 * The shape of `status --deep`'s checks, shared by the modules that produce them.
 *
 * @module
 */

/** A check's outcome; `skip` means there was nothing to inspect (e.g. no channel configured). */
export type DeepCheckStatus = "ok" | "warn" | "fail" | "skip";

/** One deep check. */
export interface DeepCheck {
  /** Stable id: `config`, `service`, `port`, `gateway`, `models.auth:<provider>`, `channel:<id>`. */
  id: string;
  /** What people read, e.g. `Model auth (openai)`. */
  title: string;
  status: DeepCheckStatus;
  detail: string;
  /** The command or step that fixes a `warn`/`fail`. */
  hint?: string;
}

/** Every deep check, and what they add up to. */
export interface DeepReport {
  checks: DeepCheck[];
  /** How many checks ended in each status. */
  summary: Record<DeepCheckStatus, number>;
  /**
   * A gateway should be running (a live runtime file, or the service says running) but could
   * not be reached: the one case `status --deep` exits non-zero.
   */
  gatewayExpectedButUnreachable: boolean;
}
