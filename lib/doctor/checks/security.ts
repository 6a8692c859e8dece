/**
 * `security.audit`: the critical and warn findings of `openclaw security audit`, as doctor
 * warnings (doctor diagnoses; `security audit --fix` is where they get fixed).
 *
 * @module
 */
import { collectSecurityFindings } from "../../security/audit.ts";
import type { DoctorCheck } from "../types.ts";

/** `security.audit`. */
export const securityWarningsCheck: DoctorCheck = {
  id: "security.audit",
  title: "Security warnings",
  order: 80,
  run(ctx) {
    const found = collectSecurityFindings(ctx.config.audit).filter((f) => f.severity !== "info");
    if (!found.length) {
      return Promise.resolve([{ severity: "info", message: "No security warnings" }]);
    }
    return Promise.resolve(found.map((f) => ({
      // A deliberate setup (trusted-proxy mode is always critical) must not fail doctor.
      severity: "warn" as const,
      message: `[${f.severity}] ${f.checkId}: ${f.title}. ${f.detail}`,
      fix: f.remediation,
    })));
  },
};
