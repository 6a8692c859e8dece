import type { AuditContext } from "../../../lib/security/context.ts";
import { makeSandbox, type Sandbox } from "../../helpers.ts";

/** An audit context over an in-memory config; the paths do not exist. */
export function auditCtx(
  config: Record<string, unknown>,
  extra: Partial<AuditContext> = {},
): AuditContext {
  return {
    env: { HOME: "/nonexistent-home" },
    stateDir: "/nonexistent-home/.openclaw",
    configPath: "/nonexistent-home/.openclaw/openclaw.json",
    configExists: true,
    configText: "",
    written: config,
    config,
    includeFiles: [],
    logFiles: [],
    ...extra,
  };
}

/** Check ids of findings, in order. */
export function ids(findings: readonly { checkId: string }[]): string[] {
  return findings.map((f) => f.checkId);
}

/** A temp HOME with `.openclaw` (mode 700) and an env that keeps logs inside it. */
export type TempState = Sandbox;

/** Creates a {@link TempState}; remove it with `await using`. */
export function tempState(config?: string): Promise<TempState> {
  return makeSandbox({ prefix: "openclaw-sec-", createStateDir: true, config });
}
