/**
 * `openclaw doctor`: a registry of checks run with per-check deadlines, optional repairs, and a
 * report.
 *
 * @module
 */
export { unifiedDiff, type UnifiedDiffOptions } from "./diff.ts";
export { DOCTOR_CHECKS, findDoctorCheck } from "./registry.ts";
export { DEFAULT_CHECK_TIMEOUT_MS, runDoctor, type RunDoctorOptions } from "./runner.ts";
export {
  DEFAULT_DOCTOR_OPTIONS,
  DoctorSession,
  type DoctorSessionOptions,
  loadConfigSnapshot,
} from "./session.ts";
export type {
  CheckOutcome,
  CheckReport,
  CheckStatus,
  CommandOutput,
  ConfigChange,
  ConfigSnapshot,
  DoctorCheck,
  DoctorContext,
  DoctorFinding,
  DoctorOptions,
  DoctorProbes,
  DoctorReport,
  FindingSeverity,
  PortHolder,
} from "./types.ts";
