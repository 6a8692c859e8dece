/**
 * Pending device pairing requests (`<stateDir>/devices/pending.json`, keyed by request id, the
 * shape stock's `DevicePairingPendingRequest` has): a device asking to be paired, or a paired
 * device asking for a role or scopes it was not approved for, waits here for an operator.
 *
 * One request per device: a device that retries with the same ask keeps its request (and id);
 * a different ask replaces it. Requests expire after {@linkcode PENDING_TTL_MS} and the file
 * holds at most {@linkcode MAX_PENDING_REQUESTS}, so a flood of devices cannot grow it without
 * bound.
 *
 * @module
 */
import { ensureDir, writeFileAtomic } from "../fs/atomic.ts";
import { withFileLock } from "../fs/lock.ts";
import { joinPath } from "../paths.ts";

/** How long a pending request waits for approval (stock: 5 minutes). */
export const PENDING_TTL_MS = 5 * 60_000;
/** Most pending requests kept; the oldest go first. */
export const MAX_PENDING_REQUESTS = 500;

/** A pairing request waiting for approval. */
export interface PendingDeviceRequest {
  requestId: string;
  deviceId: string;
  publicKey: string;
  displayName?: string;
  platform?: string;
  deviceFamily?: string;
  clientId?: string;
  clientMode?: string;
  /** The page origin of a browser client (Control UI). */
  browserOrigin?: string;
  /** The role asked for. */
  role: string;
  /** Every role the device would hold once approved. */
  roles: string[];
  /** The scopes asked for. */
  scopes: string[];
  remoteIp?: string;
  /** Approved without asking (never for upgrades). */
  silent: boolean;
  /** True when the device is already paired (a role, scope or metadata upgrade). */
  isRepair: boolean;
  /** When the request was made (epoch ms). */
  ts: number;
  /** When the device last asked again; keeps the request alive. */
  refreshedAtMs?: number;
}

/** What a new request says (the store assigns the id and times). */
export type PendingDeviceAsk = Omit<PendingDeviceRequest, "requestId" | "ts" | "refreshedAtMs">;

/** Pending requests by request id (a prototype-free object). */
export type PendingStore = Record<string, PendingDeviceRequest>;
type Store = PendingStore;

/** What {@linkcode requestDevicePairing} answers. */
export interface PairingRequestResult {
  request: PendingDeviceRequest;
  /** False when the device's identical earlier request was only refreshed. */
  created: boolean;
}

/** Returns the pending-requests file of a state directory. */
export function pendingDevicesPath(stateDir: string): string {
  return joinPath(stateDir, "devices", "pending.json");
}

/** True while a request is younger than {@linkcode PENDING_TTL_MS} (from its last refresh). */
export function isPendingLive(req: PendingDeviceRequest, now: number): boolean {
  return now - Math.max(req.ts, req.refreshedAtMs ?? 0) < PENDING_TTL_MS;
}

/** Reads the pending requests that have not expired (a missing or corrupt file counts as none). */
export function readPendingDevices(stateDir: string, now = Date.now()): Store {
  const out: Store = Object.create(null);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Deno.readTextFileSync(pendingDevicesPath(stateDir)));
  } catch {
    return out;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return out;
  for (const [id, v] of Object.entries(parsed)) {
    if (typeof v !== "object" || v === null) continue;
    const req = v as PendingDeviceRequest;
    if (typeof req.deviceId === "string" && typeof req.ts === "number" && isPendingLive(req, now)) {
      out[id] = req;
    }
  }
  return out;
}

function sameAsk(a: PendingDeviceRequest, b: PendingDeviceAsk): boolean {
  const set = (xs: readonly string[]) => [...new Set(xs)].sort().join(",");
  return a.role === b.role && set(a.scopes) === set(b.scopes) && a.publicKey === b.publicKey;
}

/** The live pending requests, newest first. */
export function listPendingDevices(stateDir: string, now = Date.now()): PendingDeviceRequest[] {
  return Object.values(readPendingDevices(stateDir, now)).sort((a, b) => b.ts - a.ts);
}

/**
 * Changes the live pending requests under the file's lock and writes them back atomically
 * (0600); expired requests are dropped by the same write. When `fn` throws nothing is written.
 */
export async function updatePendingDevices<T>(
  stateDir: string,
  fn: (store: Store) => T | Promise<T>,
  now = Date.now(),
): Promise<T> {
  const path = pendingDevicesPath(stateDir);
  ensureDir(joinPath(stateDir, "devices"));
  return await withFileLock(path, async () => {
    const store = readPendingDevices(stateDir, now);
    const result = await fn(store);
    writeFileAtomic(path, JSON.stringify(store, null, 2) + "\n", { mode: 0o600 });
    return result;
  });
}

/**
 * Records (or refreshes) the pending request of `ask.deviceId` and returns it: the same ask
 * keeps its request id, a different one replaces the device's earlier request.
 */
export async function requestDevicePairing(
  stateDir: string,
  ask: PendingDeviceAsk,
  now = Date.now(),
): Promise<PairingRequestResult> {
  return await updatePendingDevices(stateDir, (store) => {
    let result: PendingDeviceRequest | undefined;
    for (const [id, req] of Object.entries(store)) {
      if (req.deviceId !== ask.deviceId) continue;
      if (!result && sameAsk(req, ask)) {
        req.refreshedAtMs = now;
        result = req;
      } else delete store[id]; // superseded
    }
    const created = !result;
    if (!result) {
      result = { ...ask, requestId: crypto.randomUUID(), ts: now };
      store[result.requestId] = result;
    }
    const ids = Object.keys(store);
    if (ids.length > MAX_PENDING_REQUESTS) {
      const oldest = ids
        .filter((id) => id !== result!.requestId)
        .sort((a, b) => store[a].ts - store[b].ts)
        .slice(0, ids.length - MAX_PENDING_REQUESTS);
      for (const id of oldest) delete store[id];
    }
    return { request: result, created };
  }, now);
}
