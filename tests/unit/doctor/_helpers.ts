import { runDoctor } from "../../../lib/doctor/runner.ts";
import { DoctorSession } from "../../../lib/doctor/session.ts";
import type {
  CheckReport,
  DoctorCheck,
  DoctorOptions,
  DoctorProbes,
  PortHolder,
} from "../../../lib/doctor/types.ts";
import { makeSandbox, type Sandbox } from "../../helpers.ts";

/** A temp HOME for one doctor test; remove it with `await using`. */
export type DoctorHome = Sandbox;

/** Creates a temp HOME; writes the config (mode 600, state dir 700) when given. */
export function doctorHome(config?: string): Promise<DoctorHome> {
  return makeSandbox({ prefix: "openclaw-doctor-", config });
}

/** Probes that answer from tables instead of the machine. */
export function fakeProbes(
  listeners: Record<number, PortHolder[]> = {},
  commands: Record<string, { code: number; stdout?: string; stderr?: string } | undefined> = {},
): DoctorProbes {
  return {
    findPortListeners: (port) => Promise.resolve(listeners[port] ?? []),
    runCommand: (command, args) => {
      const key = [command, ...args].join(" ");
      const hit = Object.entries(commands).find(([k]) => key.startsWith(k));
      if (!hit) return Promise.resolve(undefined);
      const r = hit[1];
      return Promise.resolve(r && { code: r.code, stdout: r.stdout ?? "", stderr: r.stderr ?? "" });
    },
  };
}

/** Opens a session over `h` with fake probes. */
export async function openSession(
  h: DoctorHome,
  options: Partial<DoctorOptions> = {},
  probes: DoctorProbes = fakeProbes(),
  env: Record<string, string> = {},
): Promise<DoctorSession> {
  return await DoctorSession.open({ env: { ...h.env, ...env }, options, probes });
}

/** Runs one check over `h` and returns its report. */
export async function runCheck(
  check: DoctorCheck,
  h: DoctorHome,
  options: Partial<DoctorOptions> = {},
  env: Record<string, string> = {},
): Promise<CheckReport> {
  const report = await runDoctor(await openSession(h, options, fakeProbes(), env), {
    checks: [check],
  });
  return report.checks[0];
}
