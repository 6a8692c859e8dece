/**
 * Where an account's WhatsApp credentials live: `<stateDir>/credentials/whatsapp/<accountId>/`
 * (stock's layout), or the account's `authDir` when the config names one (`channels add
 * --channel whatsapp --auth-dir <path>` attaches an existing directory).
 *
 * @module
 */
import { type Env, expandHome, joinPath } from "../../paths.ts";
import { normalizeAccountId } from "../config_view.ts";

/** Inputs of {@linkcode resolveWhatsAppAuthDir}. */
export interface AuthDirInputs {
  /** The state directory (`~/.openclaw`, or the profile's). */
  stateDir: string;
  /** @default "default" */
  accountId?: string;
  /** `channels.whatsapp[.accounts.<id>].authDir`; `~` is expanded. */
  authDir?: string;
  /** For `~` expansion. @default the process environment */
  env?: Env;
}

/**
 * Resolves an account's credentials directory.
 *
 * @param inputs State dir, account, configured `authDir`.
 * @returns An absolute-or-as-given path (no trailing slash).
 * @example
 * ```ts
 * resolveWhatsAppAuthDir({ stateDir: "/home/a/.openclaw", accountId: "Work" });
 * // "/home/a/.openclaw/credentials/whatsapp/work"
 * ```
 */
export function resolveWhatsAppAuthDir(inputs: AuthDirInputs): string {
  const custom = inputs.authDir?.trim();
  if (custom) return expandHome(custom, inputs.env).replace(/\/+$/, "") || "/";
  return joinPath(
    inputs.stateDir,
    "credentials",
    "whatsapp",
    normalizeAccountId(inputs.accountId),
  );
}
