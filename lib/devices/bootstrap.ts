/**
 * One-time bootstrap tokens (`<stateDir>/devices/bootstrap.json`): `openclaw dashboard` asks
 * the gateway for one and hands it to the browser in the URL fragment
 * (`#bootstrapToken=...`); the browser presents it once in `connect.params.auth.bootstrapToken`
 * with its new device identity, and that device is paired with the token's profile (the
 * `owner` profile: operator with every operator scope but the talk/session ones).
 *
 * Only the SHA-256 of a token is stored. A token lives {@linkcode BOOTSTRAP_TOKEN_TTL_MS}, works
 * once ({@linkcode consumeBootstrapToken} deletes it under the file's lock), and the file keeps
 * at most {@linkcode MAX_BOOTSTRAP_TOKENS} (the oldest go first).
 *
 * @module
 */
import { sha256Hex } from "../crypto/sha256.ts";
import { ensureDir, writeFileAtomic } from "../fs/atomic.ts";
import { withFileLock } from "../fs/lock.ts";
import { joinPath } from "../paths.ts";
import { generateDeviceToken } from "./paired.ts";

/** How long a bootstrap token can be used (stock: 10 minutes). */
export const BOOTSTRAP_TOKEN_TTL_MS = 10 * 60_000;
/** Most unexpired bootstrap tokens kept. */
export const MAX_BOOTSTRAP_TOKENS = 64;

/** Bootstrap profiles: what a device paired with the token may do. */
export const BOOTSTRAP_PROFILES = {
  /** The dashboard's owner hand-off (stock's scope list). */
  owner: {
    roles: ["operator"],
    scopes: [
      "operator.admin",
      "operator.approvals",
      "operator.pairing",
      "operator.questions",
      "operator.read",
      "operator.talk.secrets",
      "operator.write",
    ],
  },
} as const satisfies Record<string, { roles: readonly string[]; scopes: readonly string[] }>;

/** A bootstrap profile name. */
export type BootstrapProfileName = keyof typeof BOOTSTRAP_PROFILES;

/** One stored token (by hash). */
export interface BootstrapTokenEntry {
  tokenHash: string;
  profile: BootstrapProfileName;
  roles: string[];
  scopes: string[];
  createdAtMs: number;
  expiresAtMs: number;
}

type Store = Record<string, BootstrapTokenEntry>;

/** Returns the bootstrap-token file of a state directory. */
export function bootstrapTokensPath(stateDir: string): string {
  return joinPath(stateDir, "devices", "bootstrap.json");
}

function hashToken(token: string): string {
  return sha256Hex(token);
}

function readStore(stateDir: string, now: number): Store {
  const out: Store = Object.create(null);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Deno.readTextFileSync(bootstrapTokensPath(stateDir)));
  } catch {
    return out;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return out;
  for (const [hash, v] of Object.entries(parsed)) {
    const e = v as BootstrapTokenEntry | null;
    if (
      e && typeof e === "object" && typeof e.expiresAtMs === "number" && e.expiresAtMs > now &&
      Object.hasOwn(BOOTSTRAP_PROFILES, e.profile)
    ) out[hash] = e;
  }
  return out;
}

async function updateStore<T>(stateDir: string, now: number, fn: (s: Store) => T): Promise<T> {
  const path = bootstrapTokensPath(stateDir);
  ensureDir(joinPath(stateDir, "devices"));
  return await withFileLock(path, () => {
    const store = readStore(stateDir, now);
    const result = fn(store);
    writeFileAtomic(path, JSON.stringify(store, null, 2) + "\n", { mode: 0o600 });
    return result;
  });
}

/** A freshly issued token: the secret (shown once, never stored) and when it expires. */
export interface IssuedBootstrapToken {
  token: string;
  profile: BootstrapProfileName;
  expiresAtMs: number;
}

/** Issues a one-time bootstrap token for `profile`. */
export async function issueBootstrapToken(
  stateDir: string,
  options: { now?: number; profile?: BootstrapProfileName } = {},
): Promise<IssuedBootstrapToken> {
  const now = options.now ?? Date.now();
  const profile = options.profile ?? "owner";
  const token = generateDeviceToken();
  const entry: BootstrapTokenEntry = {
    tokenHash: hashToken(token),
    profile,
    roles: [...BOOTSTRAP_PROFILES[profile].roles],
    scopes: [...BOOTSTRAP_PROFILES[profile].scopes],
    createdAtMs: now,
    expiresAtMs: now + BOOTSTRAP_TOKEN_TTL_MS,
  };
  await updateStore(stateDir, now, (store) => {
    store[entry.tokenHash] = entry;
    const hashes = Object.keys(store);
    if (hashes.length > MAX_BOOTSTRAP_TOKENS) {
      const oldest = hashes.sort((a, b) => store[a].createdAtMs - store[b].createdAtMs)
        .slice(0, hashes.length - MAX_BOOTSTRAP_TOKENS);
      for (const h of oldest) delete store[h];
    }
  });
  return { token, profile, expiresAtMs: entry.expiresAtMs };
}

/** The unexpired, unused entry of `token` (read only; the token stays usable). */
export function findBootstrapToken(
  stateDir: string,
  token: string,
  now = Date.now(),
): BootstrapTokenEntry | undefined {
  if (!token) return undefined;
  const store = readStore(stateDir, now);
  const hash = hashToken(token);
  return Object.hasOwn(store, hash) ? store[hash] : undefined;
}

/**
 * Uses `token` up: returns its entry and deletes it, or undefined when it is unknown, expired or
 * was used already (of two concurrent uses exactly one wins).
 */
export async function consumeBootstrapToken(
  stateDir: string,
  token: string,
  now = Date.now(),
): Promise<BootstrapTokenEntry | undefined> {
  if (!token) return undefined;
  const hash = hashToken(token);
  return await updateStore(stateDir, now, (store) => {
    if (!Object.hasOwn(store, hash)) return undefined;
    const entry = store[hash];
    delete store[hash];
    return entry;
  });
}
