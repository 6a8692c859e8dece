/**
 * `openclaw security audit`: findings with stock's check ids, the report, `--fix` and `--deep`.
 *
 * @module
 */
export { collectSecurityFindings, runSecurityAudit } from "./audit.ts";
export type { AuditOptions } from "./audit.ts";
export { type AuditContext, loadAuditContext } from "./context.ts";
export type { LoadAuditContextOptions } from "./context.ts";
export { applySecurityFixes, planConfigFixes } from "./fix.ts";
export type { FixAction, FixResult } from "./fix.ts";
export {
  collectFilesystemFindings,
  type PermissionTarget,
  permissionTargets,
} from "./fs_checks.ts";
export { CDP_PORT_COLLISION_CHECK_ID, collectBrowserFindings } from "./browser_checks.ts";
export { authView, collectGatewayFindings, isLoopbackBind } from "./gateway_checks.ts";
export {
  fetchJsonVersion,
  findProcessInspectors,
  INSPECTOR_OPEN_CHECK_ID,
  INSPECTOR_REMEDIATION,
  INSPECTOR_SKIPPED_CHECK_ID,
  type InspectorEndpoint,
  inspectorFindings,
  type InspectorScan,
  type InspectorScanOptions,
  type ListeningSocket,
  listeningSocketsOf,
  parseProcNetTcp,
  scanGatewayInspector,
} from "./inspector.ts";
export { collectPolicyFindings, dangerousBindReason } from "./policy_checks.ts";
export {
  type AuditReport,
  type AuditSummary,
  type DeepProbe,
  type SecurityFinding,
  type Severity,
  SEVERITY_ORDER,
  sortFindings,
  summarizeFindings,
} from "./types.ts";
