/**
 * Saving the token a gateway generates when nothing is configured, so the CLI, the service and
 * the next start all find the same one.
 *
 * @module
 */
import { applyConfigEdits } from "../config/edit.ts";
import { parseConfigText } from "../config/read.ts";
import { isSecretRef } from "../config/secret_ref.ts";
import { updateConfigText } from "../config/store.ts";
import { OpenClawError } from "../errors.ts";
import { cleanToken } from "./resolve.ts";

/** What {@linkcode persistGeneratedToken} left in the config. */
export interface PersistedToken {
  /** The token now in effect. */
  token: string;
  /** False when another writer had already set a token; `token` is theirs then. */
  generated: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function changedUnderUs(what: string): OpenClawError {
  return new OpenClawError(
    "CONFIG_CHANGED",
    `Cannot save the generated gateway token: ${what} changed while the gateway was starting`,
    { hint: "Restart the gateway to pick up the new gateway.auth settings" },
  );
}

/**
 * Saves a generated token as `gateway.auth.token` (and `gateway.auth.mode: "token"`) under the
 * config lock, keeping the file's comments and mode 0600. If a plain token appeared meanwhile it
 * is kept and returned instead.
 *
 * @throws {OpenClawError} `CONFIG_CHANGED` when someone set a SecretRef/`${VAR}` token or a
 *   different mode meanwhile; config read/parse errors from the store.
 */
export async function persistGeneratedToken(
  configPath: string,
  token: string,
): Promise<PersistedToken> {
  let existing: string | undefined;
  await updateConfigText(configPath, (current) => {
    const parsed = parseConfigText(current.text, configPath);
    const gw = isRecord(parsed) && isRecord(parsed.gateway) ? parsed.gateway : {};
    const auth = isRecord(gw.auth) ? gw.auth : {};
    if (typeof auth.token === "string" && auth.token.includes("${")) {
      throw changedUnderUs("gateway.auth.token");
    }
    if (typeof auth.token === "string" && cleanToken(auth.token)) {
      existing = cleanToken(auth.token);
      return undefined;
    }
    if (isSecretRef(auth.token)) throw changedUnderUs("gateway.auth.token");
    if (auth.mode !== undefined && auth.mode !== "token") throw changedUnderUs("gateway.auth.mode");
    return applyConfigEdits(current.text, [
      { op: "set", path: ["gateway", "auth", "mode"], value: "token" },
      { op: "set", path: ["gateway", "auth", "token"], value: token },
    ], configPath).text;
  });
  return existing ? { token: existing, generated: false } : { token, generated: true };
}
