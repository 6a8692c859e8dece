/**
 * Service checks: the installed unit/LaunchAgent matches what `gateway install` would write now,
 * and on Linux the user's services keep running after logout (linger).
 *
 * @module
 */
import type { DoctorCheck, DoctorFinding } from "../types.ts";

/** `service.drift`: the installed unit matches what `gateway install` would write. */
export const serviceDriftCheck: DoctorCheck = {
  id: "service.drift",
  title: "Gateway service config",
  order: 90,
  needsConfig: true,
  async run(ctx) {
    const { inspectService } = await import("../../service/mod.ts");
    const svc = await inspectService({ env: ctx.env });
    if (svc.manager === "none") {
      return {
        skip: `no service manager here (${svc.reason ?? "none found"}); run: openclaw gateway`,
      };
    }
    if (!svc.installed) {
      return [{
        severity: "info",
        message:
          "No gateway service installed (optional; it starts the gateway at login and restarts it)",
        fix: "openclaw gateway install",
      }];
    }
    if (!svc.drift.length) {
      return [{
        severity: "info",
        message: `The installed service (${svc.unitPath}) matches what gateway install writes`,
      }];
    }
    return svc.drift.map((d): DoctorFinding => ({
      severity: "warn",
      message: `Service config drift: ${d}`,
      path: svc.unitPath,
      fix: "openclaw gateway install --force && openclaw gateway restart",
    }));
  },
};

/** `service.linger`: systemd user services keep running after logout (Linux). */
export const serviceLingerCheck: DoctorCheck = {
  id: "service.linger",
  title: "systemd linger",
  order: 91,
  async run(ctx) {
    const { inspectService, lingerStatus } = await import("../../service/mod.ts");
    const svc = await inspectService({ env: ctx.env });
    if (svc.manager !== "systemd" || !svc.installed) {
      return { skip: "no systemd gateway service installed" };
    }
    const linger = await lingerStatus({ env: ctx.env });
    if (!linger.supported) return { skip: linger.detail ?? "linger not supported here" };
    if (linger.enabled === false) {
      return [{
        severity: "warn",
        message: `Linger is off for ${linger.user}: the gateway service stops when you log out`,
        fix: linger.fix,
      }];
    }
    if (linger.enabled === undefined) {
      return [{
        severity: "info",
        message: `Could not read linger for ${linger.user}: ${linger.detail ?? "unknown"}`,
      }];
    }
    return [{
      severity: "info",
      message: `Linger is on for ${linger.user}: the gateway service keeps running after logout`,
    }];
  },
};
