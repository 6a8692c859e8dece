/**
 * The check before any in-process restart: the config on disk must load and every SecretRef in
 * it must resolve. A restart stops the running server first, so a start that then fails would
 * leave nothing running; refusing keeps the old server up.
 *
 * @module
 */
import { formatIssueLines } from "../lib/config/check.ts";
import { checkConfigCached } from "../lib/config/check_cached.ts";

/** Returns why a restart would fail to start, or `undefined` when it can go ahead. */
export async function restartPreflight(configPath: string): Promise<string | undefined> {
  const check = await checkConfigCached({ path: configPath, applyEnv: false });
  if (!check.valid || !check.config) {
    return `the config is invalid: ${formatIssueLines(check.issues).replaceAll("\n", "; ")}`;
  }
  const { resolveSecretRefs } = await import("../lib/secrets/mod.ts");
  try {
    await resolveSecretRefs(check.config);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return undefined;
}
