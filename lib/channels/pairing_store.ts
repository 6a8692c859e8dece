/**
 * DM pairing state on disk, in stock's file layout under `<stateDir>/credentials/`:
 *
 * - `<channel>-pairing.json` = `{ "version": 1, "requests": [{ id, code, createdAt, lastSeenAt,
 *   meta: { accountId, ... } }] }` -- pending requests of every account of the channel;
 * - `<channel>-allowFrom.json` (default account) or `<channel>-<accountId>-allowFrom.json` =
 *   `{ "version": 1, "allowFrom": [ ... ] }` -- approved senders (a bare array is read too).
 *
 * Writes are atomic (temp file, fsync, rename; mode 0600) under a file lock, files are bounded
 * in size and entries, and a file we cannot read is an error rather than an empty list, so a
 * corrupt store never gets overwritten with nothing. The policy (codes, TTL, limits) is in
 * pairing.ts; this module only reads and writes.
 *
 * @module
 */
import { ensureDir, writeFileAtomic } from "../fs/atomic.ts";
import { withFileLock } from "../fs/lock.ts";
import { OpenClawError } from "../errors.ts";
import { joinPath } from "../paths.ts";
import { DEFAULT_ACCOUNT_ID } from "./config_view.ts";

/** Largest store file read (bytes). */
export const MAX_STORE_FILE_BYTES = 1024 * 1024;
/** Most approved senders kept per channel account. */
export const MAX_ALLOW_ENTRIES = 10_000;
/** Most pending requests kept per channel (all accounts). */
export const MAX_PAIRING_REQUESTS = 1000;

/** One pending request, as stock stores it. */
export interface PairingRequestRecord {
  /** The sender's platform id. */
  id: string;
  code: string;
  /** ISO time. */
  createdAt: string;
  /** ISO time of the sender's latest message. */
  lastSeenAt: string;
  /** `accountId` plus display facts (name, username); strings only. */
  meta?: Record<string, string>;
}

const SAFE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

function checkId(kind: "channel" | "account", value: string): string {
  if (!SAFE_ID.test(value)) {
    throw new OpenClawError(
      "PAIRING_ID_INVALID",
      `Cannot use ${kind} "${value.slice(0, 40)}" in a pairing file name: expected ` +
        "lowercase letters, digits, '-' or '_'",
    );
  }
  return value;
}

/** Returns `<stateDir>/credentials`. */
export function credentialsDir(stateDir: string): string {
  return joinPath(stateDir, "credentials");
}

/**
 * Returns the pending-requests file of a channel.
 *
 * @throws {OpenClawError} `PAIRING_ID_INVALID` for a channel id unsafe in a file name.
 */
export function pairingFilePath(stateDir: string, channel: string): string {
  return joinPath(credentialsDir(stateDir), `${checkId("channel", channel)}-pairing.json`);
}

/**
 * Returns the approved-senders file of a channel account (`<channel>-allowFrom.json` for the
 * default account).
 *
 * @throws {OpenClawError} `PAIRING_ID_INVALID` for ids unsafe in a file name.
 */
export function allowFromFilePath(stateDir: string, channel: string, accountId: string): string {
  checkId("channel", channel);
  const name = accountId === DEFAULT_ACCOUNT_ID
    ? `${channel}-allowFrom.json`
    : `${channel}-${checkId("account", accountId)}-allowFrom.json`;
  return joinPath(credentialsDir(stateDir), name);
}

function readJson(path: string): unknown {
  let size: number;
  try {
    size = Deno.statSync(path).size;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
  if (size > MAX_STORE_FILE_BYTES) {
    throw new OpenClawError(
      "PAIRING_STORE_INVALID",
      `Cannot read "${path}": ${size} bytes is more than ${MAX_STORE_FILE_BYTES}`,
      { hint: "Move the file aside and approve the senders again" },
    );
  }
  try {
    return JSON.parse(Deno.readTextFileSync(path));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw new OpenClawError("PAIRING_STORE_INVALID", `Cannot parse "${path}": ${err}`, {
      hint: "Fix or move the file aside",
      cause: err,
    });
  }
}

function isRecord(value: unknown): value is PairingRequestRecord {
  const r = value as PairingRequestRecord;
  return typeof value === "object" && value !== null && typeof r.id === "string" &&
    typeof r.code === "string" && typeof r.createdAt === "string" &&
    typeof r.lastSeenAt === "string";
}

function cleanMeta(meta: unknown): Record<string, string> | undefined {
  if (typeof meta !== "object" || meta === null) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta)) {
    if (typeof v === "string" && k !== "__proto__") out[k] = v.slice(0, 200);
  }
  return out;
}

/**
 * Reads a channel's pending requests (all of them, expired ones included; pairing.ts prunes).
 *
 * @param stateDir The state directory.
 * @param channel A channel id.
 * @returns The requests; empty when the file does not exist.
 * @throws {OpenClawError} `PAIRING_STORE_INVALID` when the file is too big or not JSON.
 */
export function readPairingRequests(stateDir: string, channel: string): PairingRequestRecord[] {
  const data = readJson(pairingFilePath(stateDir, channel)) as { requests?: unknown } | undefined;
  const list = Array.isArray(data?.requests) ? data.requests : [];
  return list.filter(isRecord).slice(-MAX_PAIRING_REQUESTS).map((r) => ({
    id: r.id,
    code: r.code,
    createdAt: r.createdAt,
    lastSeenAt: r.lastSeenAt,
    ...(cleanMeta(r.meta) ? { meta: cleanMeta(r.meta) } : {}),
  }));
}

function writeJson(path: string, value: unknown, stateDir: string): void {
  ensureDir(credentialsDir(stateDir), 0o700);
  writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n", { mode: 0o600 });
}

/**
 * Reads, changes and writes a channel's pending requests under the file lock. `change` returns
 * the new list (or `undefined` to leave the file as it is) and a result.
 *
 * @param stateDir The state directory.
 * @param channel A channel id.
 * @param change Gets the current requests (a copy).
 * @returns What `change` returned as `result`.
 * @throws {OpenClawError} `PAIRING_STORE_INVALID` for an unreadable file, `LOCK_TIMEOUT`.
 */
export async function updatePairingRequests<T>(
  stateDir: string,
  channel: string,
  change: (requests: PairingRequestRecord[]) => { requests?: PairingRequestRecord[]; result: T },
): Promise<T> {
  const path = pairingFilePath(stateDir, channel);
  ensureDir(credentialsDir(stateDir), 0o700);
  return await withFileLock(path, () => {
    const { requests, result } = change(readPairingRequests(stateDir, channel));
    if (requests) {
      writeJson(path, { version: 1, requests: requests.slice(-MAX_PAIRING_REQUESTS) }, stateDir);
    }
    return result;
  });
}

/**
 * Reads the approved senders of a channel account.
 *
 * @param stateDir The state directory.
 * @param channel A channel id.
 * @param accountId A normalized account id.
 * @returns Sender ids; empty when the file does not exist.
 * @throws {OpenClawError} `PAIRING_STORE_INVALID` when the file is too big or not JSON.
 */
export function readAllowFromStore(stateDir: string, channel: string, accountId: string): string[] {
  const data = readJson(allowFromFilePath(stateDir, channel, accountId));
  const list = Array.isArray(data)
    ? data
    : Array.isArray((data as { allowFrom?: unknown } | undefined)?.allowFrom)
    ? (data as { allowFrom: unknown[] }).allowFrom
    : [];
  const out = list
    .filter((v) => typeof v === "string" || typeof v === "number")
    .map((v) => String(v).trim())
    .filter((v) => v !== "");
  return [...new Set(out)].slice(0, MAX_ALLOW_ENTRIES);
}

/**
 * Adds or removes approved senders of a channel account under the file lock.
 *
 * @param stateDir The state directory.
 * @param channel A channel id.
 * @param accountId A normalized account id.
 * @param change `{ add?, remove? }` sender ids.
 * @returns The new list.
 * @throws {OpenClawError} `PAIRING_STORE_FULL` when adding past {@link MAX_ALLOW_ENTRIES}.
 */
export async function updateAllowFromStore(
  stateDir: string,
  channel: string,
  accountId: string,
  change: { add?: readonly string[]; remove?: readonly string[] },
): Promise<string[]> {
  const path = allowFromFilePath(stateDir, channel, accountId);
  ensureDir(credentialsDir(stateDir), 0o700);
  return await withFileLock(path, () => {
    const current = readAllowFromStore(stateDir, channel, accountId);
    const removed = new Set((change.remove ?? []).map((s) => s.trim()));
    const next = current.filter((s) => !removed.has(s));
    for (const id of change.add ?? []) {
      const v = id.trim();
      if (v && !next.includes(v)) next.push(v);
    }
    if (next.length > MAX_ALLOW_ENTRIES) {
      throw new OpenClawError(
        "PAIRING_STORE_FULL",
        `Cannot approve more senders for ${channel}/${accountId}: ${MAX_ALLOW_ENTRIES} already`,
        { hint: "Use allowFrom in the config for large allowlists" },
      );
    }
    const same = next.length === current.length && next.every((v, i) => v === current[i]);
    if (!same) writeJson(path, { version: 1, allowFrom: next }, stateDir);
    return next;
  });
}
