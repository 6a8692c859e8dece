/**
 * The audit itself: run every collector over one {@linkcode AuditContext} and build the report,
 * optionally with a live probe of the gateway (`--deep`).
 *
 * @module
 */
import type { AuditContext } from "./context.ts";
import { collectBrowserFindings } from "./browser_checks.ts";
import { collectFilesystemFindings } from "./fs_checks.ts";
import { collectGatewayFindings } from "./gateway_checks.ts";
import { inspectorFindings, type InspectorScanOptions, scanGatewayInspector } from "./inspector.ts";
import { collectPolicyFindings } from "./policy_checks.ts";
import {
  type AuditReport,
  type DeepProbe,
  type SecurityFinding,
  sortFindings,
  summarizeFindings,
} from "./types.ts";

/** Returns every finding for `ctx`, worst first. Pure over the context and the filesystem. */
export function collectSecurityFindings(ctx: AuditContext): SecurityFinding[] {
  return sortFindings([
    ...collectFilesystemFindings(ctx),
    ...collectGatewayFindings(ctx),
    ...collectPolicyFindings(ctx),
    ...collectBrowserFindings(ctx),
  ]);
}

/** Options for {@linkcode runSecurityAudit}. */
export interface AuditOptions {
  /** Probes the live gateway (`--deep`); without it there is no `deep` section. */
  probe?: () => Promise<DeepProbe>;
  /** @default () => new Date() */
  now?: () => Date;
  /**
   * How to look for a debugger open in the running gateway (`gateway.inspector_open`); `false`
   * skips the look. @default {} (the real /proc scan and HTTP probe)
   */
  inspector?: InspectorScanOptions | false;
}

/**
 * Runs the audit and returns the report: the collected findings, a debugger open in the running
 * gateway (`gateway.inspector_open`, critical), and with `--deep` the live probe (a failed one
 * becomes `gateway.probe_failed`).
 */
export async function runSecurityAudit(
  ctx: AuditContext,
  options: AuditOptions = {},
): Promise<AuditReport> {
  const findings = collectSecurityFindings(ctx);
  if (options.inspector !== false) {
    findings.push(
      ...inspectorFindings(await scanGatewayInspector(ctx.stateDir, options.inspector)),
    );
  }
  let deep: DeepProbe | undefined;
  if (options.probe) {
    deep = await options.probe();
    if (!deep.gateway.ok) {
      findings.push({
        checkId: "gateway.probe_failed",
        severity: "warn",
        title: "Live gateway probe failed",
        detail: `Could not connect to ${deep.gateway.url}: ${
          deep.gateway.error ?? "unknown error"
        }`,
        remediation: "Start the gateway (openclaw gateway), or pass --token/--password for the " +
          "probe; check openclaw gateway status",
      });
    }
  }
  const sorted = sortFindings(findings);
  return {
    ts: (options.now?.() ?? new Date()).toISOString(),
    summary: summarizeFindings(sorted),
    findings: sorted,
    ...(deep ? { deep } : {}),
  };
}
