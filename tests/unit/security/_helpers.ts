import type { AuditContext } from "../../../lib/security/context.ts";

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
export interface TempState extends AsyncDisposable {
  home: string;
  stateDir: string;
  configPath: string;
  env: Record<string, string>;
}

/** Creates a {@link TempState}; remove it with `await using`. */
export async function tempState(config?: string): Promise<TempState> {
  const home = await Deno.makeTempDir({ prefix: "openclaw-sec-" });
  const stateDir = `${home}/.openclaw`;
  await Deno.mkdir(stateDir, { mode: 0o700 });
  await Deno.chmod(stateDir, 0o700);
  const configPath = `${stateDir}/openclaw.json`;
  if (config !== undefined) {
    await Deno.writeTextFile(configPath, config);
    await Deno.chmod(configPath, 0o600);
  }
  return {
    home,
    stateDir,
    configPath,
    env: { HOME: home, OPENCLAW_LOG_DIR: `${home}/logs` },
    async [Symbol.asyncDispose]() {
      await Deno.remove(home, { recursive: true }).catch(() => {});
    },
  };
}
