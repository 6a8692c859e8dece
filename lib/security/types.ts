/**
 * The shapes of `openclaw security audit`: findings with stock's `checkId`s and severities, and
 * the JSON report (`{ ts, summary, findings, deep? }`).
 *
 * @module
 */

/** How bad a finding is, in stock's words. */
export type Severity = "info" | "warn" | "critical";

/** Severities from worst to mildest, the order reports list them in. */
export const SEVERITY_ORDER: readonly Severity[] = ["critical", "warn", "info"];

/** One thing the audit found. */
export interface SecurityFinding {
  /** Stable id from stock's table, e.g. `fs.config.perms_world_readable`. */
  checkId: string;
  severity: Severity;
  title: string;
  /** What exactly is wrong, naming the path or config key. */
  detail: string;
  /** What to do about it (a command or a config change). */
  remediation: string;
}

/** Counts per severity. */
export interface AuditSummary {
  critical: number;
  warn: number;
  info: number;
}

/** The outcome of `--deep`'s live gateway probe. */
export interface DeepProbe {
  gateway: { attempted: boolean; url: string; ok: boolean; error?: string };
}

/** The audit report (`security audit --json`). */
export interface AuditReport {
  /** ISO-8601 time of the audit. */
  ts: string;
  summary: AuditSummary;
  findings: SecurityFinding[];
  deep?: DeepProbe;
}

/** Counts findings per severity. */
export function summarizeFindings(findings: readonly SecurityFinding[]): AuditSummary {
  const out: AuditSummary = { critical: 0, warn: 0, info: 0 };
  for (const f of findings) out[f.severity]++;
  return out;
}

/** Sorts findings worst first, keeping the collection order within a severity. */
export function sortFindings(findings: readonly SecurityFinding[]): SecurityFinding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) =>
      SEVERITY_ORDER.indexOf(a.f.severity) - SEVERITY_ORDER.indexOf(b.f.severity) || a.i - b.i
    )
    .map(({ f }) => f);
}
