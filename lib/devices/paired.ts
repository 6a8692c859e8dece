/**
 * Paired devices (`<stateDir>/devices/paired.json`, an object keyed by device id, the shape of
 * stock's `PairedDevice`): which device identities the gateway knows, the roles and scopes they
 * were approved for, and the device tokens issued to them per role. Shared by the gateway
 * (handshake, `device.*` methods) and the `openclaw devices` commands.
 *
 * Every change goes through {@linkcode updatePairedDevices}: an advisory lock on the file, a
 * fresh read, the change, an atomic 0600 write. The file holds at most
 * {@linkcode MAX_PAIRED_DEVICES} devices.
 *
 * @module
 */
import { ensureDir, writeFileAtomic } from "../fs/atomic.ts";
import { withFileLock } from "../fs/lock.ts";
import { OpenClawError } from "../errors.ts";
import { joinPath } from "../paths.ts";

/** Most paired devices kept; approving one more is refused until some are removed. */
export const MAX_PAIRED_DEVICES = 1000;

/** A device token issued for one role (stock's `DeviceAuthToken`). */
export interface DeviceToken {
  token: string;
  role: string;
  scopes: string[];
  createdAtMs: number;
  rotatedAtMs?: number;
  /** Set when an operator revoked the token; a revoked token never authenticates. */
  revokedAtMs?: number;
  lastUsedAtMs?: number;
  /** Written by earlier versions of ours instead of `createdAtMs`. */
  issuedAtMs?: number;
}

/** A paired device. */
export interface PairedDevice {
  deviceId: string;
  publicKey: string;
  displayName?: string;
  /** The name an operator gave it (`devices rename`); shown before `displayName`. */
  operatorLabel?: string;
  platform?: string;
  deviceFamily?: string;
  clientId?: string;
  clientMode?: string;
  browserOrigin?: string;
  /** The role of the latest approval. */
  role?: string;
  roles: string[];
  /** The approved scopes (stock keeps them in `scopes` and `approvedScopes`). */
  scopes: string[];
  approvedScopes?: string[];
  remoteIp?: string;
  tokens: Record<string, DeviceToken>;
  /**
   * How it was approved: `operator`, `local` (loopback auto-approval), `tailscale` (a verified
   * Tailscale Serve user's Control UI) or `bootstrap`. Read as any string: stock may write others.
   */
  approvedVia?: string;
  createdAtMs: number;
  approvedAtMs: number;
  lastSeenAtMs?: number;
}

/** Paired devices by device id (a prototype-free object). */
export type PairedStore = Record<string, PairedDevice>;

/** Returns the paired-devices file of a state directory. */
export function pairedDevicesPath(stateDir: string): string {
  return joinPath(stateDir, "devices", "paired.json");
}

/** Reads every paired device (an unreadable or corrupt file counts as none). */
export function readPairedDevices(stateDir: string): PairedStore {
  const out: PairedStore = Object.create(null);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Deno.readTextFileSync(pairedDevicesPath(stateDir)));
  } catch {
    return out;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return out;
  for (const [id, v] of Object.entries(parsed)) {
    if (typeof v !== "object" || v === null) continue;
    const device = v as PairedDevice;
    if (typeof device.deviceId !== "string" || typeof device.publicKey !== "string") continue;
    // Stock files may lack `tokens`; records are normalised once here so callers need not care.
    if (typeof device.tokens !== "object" || device.tokens === null) device.tokens = {};
    out[id] = device;
  }
  return out;
}

/**
 * Changes the store under its lock and writes it back atomically (0600). When `fn` throws
 * nothing is written.
 *
 * @throws {OpenClawError} `DEVICE_LIMIT_DENIED` when the change leaves more than
 *   {@linkcode MAX_PAIRED_DEVICES} devices (nothing is written then).
 */
export async function updatePairedDevices<T>(
  stateDir: string,
  fn: (store: PairedStore) => T | Promise<T>,
): Promise<T> {
  const path = pairedDevicesPath(stateDir);
  ensureDir(joinPath(stateDir, "devices"));
  return await withFileLock(path, async () => {
    const store = readPairedDevices(stateDir);
    const before = Object.keys(store).length;
    const result = await fn(store);
    const after = Object.keys(store).length;
    if (after > MAX_PAIRED_DEVICES && after > before) {
      throw new OpenClawError(
        "DEVICE_LIMIT_DENIED",
        `Cannot pair another device: ${MAX_PAIRED_DEVICES} devices are paired already`,
        { hint: "Remove devices you no longer use: openclaw devices remove <deviceId>" },
      );
    }
    writeFileAtomic(path, JSON.stringify(store, null, 2) + "\n", { mode: 0o600 });
    return result;
  });
}

/** The roles a paired device was approved for (older or stock files may lack `roles`). */
export function approvedRoles(device: PairedDevice): string[] {
  if (Array.isArray(device.roles)) return device.roles.filter((r) => typeof r === "string");
  return typeof device.role === "string" ? [device.role] : [];
}

/** The scopes a paired device was approved for (`approvedScopes`, else `scopes`). */
export function approvedScopes(device: PairedDevice): string[] {
  const list = Array.isArray(device.approvedScopes) ? device.approvedScopes : device.scopes;
  return Array.isArray(list) ? list.filter((s) => typeof s === "string") : [];
}

/** Records what a device is approved for, in both of stock's fields. */
export function setApproval(device: PairedDevice, roles: string[], scopes: string[]): void {
  device.roles = [...new Set(roles)];
  device.scopes = [...new Set(scopes)];
  device.approvedScopes = [...device.scopes];
}

/** The name to show for a device: operator label, then display name, client id, device id. */
export function deviceDisplayName(
  device: Pick<PairedDevice, "deviceId" | "operatorLabel" | "displayName" | "clientId">,
): string {
  return device.operatorLabel || device.displayName || device.clientId || device.deviceId;
}

/** Returns a fresh random device token (256 bits, base64url). */
export function generateDeviceToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(
    /=+$/,
    "",
  );
}
