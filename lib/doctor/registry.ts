/**
 * The registry of doctor checks, in run order.
 *
 * @module
 */
import * as checks from "./checks/mod.ts";
import type { DoctorCheck } from "./types.ts";

function isCheck(v: unknown): v is DoctorCheck {
  return typeof v === "object" && v !== null && typeof (v as DoctorCheck).run === "function" &&
    typeof (v as DoctorCheck).id === "string";
}

/** Every check exported from `checks/mod.ts`, sorted by `order`. */
export const DOCTOR_CHECKS: readonly DoctorCheck[] = Object.values(checks)
  .filter(isCheck)
  .sort((a, b) => a.order - b.order);

/** Returns the check with `id`, or undefined. */
export function findDoctorCheck(id: string): DoctorCheck | undefined {
  return DOCTOR_CHECKS.find((c) => c.id === id);
}
