/**
 * Credentials of one channel account, read from its merged config block: a plain string, a
 * SecretRef resolved from the gateway's secret snapshot (resolved once at start or on
 * `secrets.reload`; never fetched here), or, for `tokenFile`, the first line of a regular file.
 * Values are never logged; only their source is reported.
 *
 * @module
 */
import type { ChannelAccountConfig } from "../../lib/channels/types.ts";
import { isSecretRef } from "../../lib/secrets/ref.ts";
import type { SecretSnapshot } from "../../lib/secrets/snapshot.ts";

/** Largest token file read. */
const MAX_TOKEN_FILE_BYTES = 8192;

function readTokenFile(path: string): string | undefined {
  try {
    const info = Deno.statSync(path);
    if (!info.isFile || info.size > MAX_TOKEN_FILE_BYTES) return undefined;
    const first = Deno.readTextFileSync(path).split(/\r?\n/).find((l) => l.trim() !== "");
    return first?.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The credential readers a platform gets for one account.
 *
 * @param account The account's merged view (`raw` holds its credential keys).
 * @param secrets The gateway's current secret snapshot.
 * @returns `credential(key)` and `credentialSource(key)`.
 */
export function accountCredentials(
  account: ChannelAccountConfig,
  secrets: SecretSnapshot,
): { credential(key: string): string | undefined; credentialSource(key: string): string } {
  const rawOf = (key: string): unknown =>
    Object.hasOwn(account.raw, key) ? account.raw[key] : undefined;
  return {
    credential(key) {
      const raw = rawOf(key);
      if (isSecretRef(raw)) return secrets.get(raw)?.trim() || undefined;
      if (typeof raw !== "string" || raw.trim() === "") return undefined;
      return key === "tokenFile" ? readTokenFile(raw.trim()) : raw.trim();
    },
    credentialSource(key) {
      const raw = rawOf(key);
      if (isSecretRef(raw)) return "secretRef";
      if (typeof raw !== "string" || raw.trim() === "") return "none";
      return key === "tokenFile" ? "file" : "config";
    },
  };
}
