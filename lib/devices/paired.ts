/**
 * Paired devices (`<stateDir>/devices/paired.json`): which device identities the gateway knows,
 * the roles and scopes they were approved for, and the device tokens issued to them. Shared by
 * the gateway (handshake) and the `openclaw devices` commands.
 *
 * @module
 */
import { ensureDir, writeFileAtomic } from "../fs/atomic.ts";
import { withFileLock } from "../fs/lock.ts";
import { joinPath } from "../paths.ts";

/** A device token issued for one role. */
export interface DeviceToken {
  token: string;
  role: string;
  scopes: string[];
  issuedAtMs: number;
}

/** A paired device. */
export interface PairedDevice {
  deviceId: string;
  publicKey: string;
  roles: string[];
  scopes: string[];
  tokens: Record<string, DeviceToken>;
  createdAtMs: number;
  approvedAtMs: number;
  lastSeenAtMs?: number;
  clientId?: string;
  clientMode?: string;
  platform?: string;
  displayName?: string;
}

type Store = Record<string, PairedDevice>;

/** Returns the paired-devices file of a state directory. */
export function pairedDevicesPath(stateDir: string): string {
  return joinPath(stateDir, "devices", "paired.json");
}

/** Reads every paired device (an unreadable or corrupt file counts as none). */
export function readPairedDevices(stateDir: string): Store {
  try {
    const parsed = JSON.parse(Deno.readTextFileSync(pairedDevicesPath(stateDir)));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
    const out: Store = Object.create(null);
    for (const [id, v] of Object.entries(parsed)) {
      if (typeof v === "object" && v !== null) out[id] = v as PairedDevice;
    }
    return out;
  } catch {
    return {};
  }
}

/** Changes the store under its lock and writes it back atomically (0600). */
export async function updatePairedDevices<T>(
  stateDir: string,
  fn: (store: Store) => T,
): Promise<T> {
  const path = pairedDevicesPath(stateDir);
  ensureDir(joinPath(stateDir, "devices"));
  return await withFileLock(path, () => {
    const store = readPairedDevices(stateDir);
    const result = fn(store);
    writeFileAtomic(path, JSON.stringify(store, null, 2) + "\n", { mode: 0o600 });
    return result;
  });
}

/** The roles a paired device was approved for (older or stock files may lack `roles`). */
export function approvedRoles(device: PairedDevice): string[] {
  const legacy = (device as { role?: unknown }).role;
  if (Array.isArray(device.roles)) return device.roles.filter((r) => typeof r === "string");
  return typeof legacy === "string" ? [legacy] : [];
}

/** The scopes a paired device was approved for. */
export function approvedScopes(device: PairedDevice): string[] {
  return Array.isArray(device.scopes) ? device.scopes.filter((s) => typeof s === "string") : [];
}

/** Returns a fresh random device token. */
export function generateDeviceToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(
    /=+$/,
    "",
  );
}
