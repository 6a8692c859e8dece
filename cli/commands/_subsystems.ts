/**
 * How `openclaw health` and `openclaw status` describe the gateway's subsystems: one summary
 * line, and each subsystem that is not running with its reason.
 *
 * @module
 */

/** One subsystem as the gateway reports it in `health`/`status`. */
interface SubsystemEntry {
  status?: string;
  required?: boolean;
  error?: string;
}

/** Returns `N running` plus, for each subsystem not running, `id: status (reason)`. */
export function describeSubsystems(value: unknown): { summary: string; problems: string[] } {
  const entries = value && typeof value === "object"
    ? Object.entries(value as Record<string, SubsystemEntry>)
    : [];
  const running = entries.filter(([, s]) => s?.status === "running").length;
  const problems = entries
    .filter(([, s]) => s?.status !== "running")
    .map(([id, s]) => `${id}: ${s?.status ?? "unknown"}${s?.error ? ` (${s.error})` : ""}`);
  const summary = entries.length === 0
    ? "not reported"
    : problems.length === 0
    ? `all ${running} running`
    : `${running} of ${entries.length} running`;
  return { summary, problems };
}
