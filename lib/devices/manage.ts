/**
 * Operator changes to paired devices: remove, rename, rotate or revoke a role's token. Each
 * returns undefined (or an `unknown` status) when the device or role does not exist, so the
 * caller decides how to say so.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { scopesSatisfy } from "../protocol/scopes.ts";
import {
  approvedRoles,
  approvedScopes,
  type DeviceToken,
  type PairedDevice,
  updatePairedDevices,
} from "./paired.ts";
import { issueDeviceToken, revokeDeviceToken, tokenOf } from "./tokens.ts";

/** Longest operator label (`devices rename`). */
export const MAX_DEVICE_LABEL = 64;

function deviceIn(
  store: Record<string, PairedDevice>,
  deviceId: string,
): PairedDevice | undefined {
  return Object.hasOwn(store, deviceId) ? store[deviceId] : undefined;
}

/** Removes a paired device (its tokens stop working at once); returns it, or undefined. */
export async function removePairedDevice(
  stateDir: string,
  deviceId: string,
): Promise<PairedDevice | undefined> {
  return await updatePairedDevices(stateDir, (store) => {
    const device = deviceIn(store, deviceId);
    if (device) delete store[deviceId];
    return device;
  });
}

/**
 * Returns a label trimmed and checked: 1-{@linkcode MAX_DEVICE_LABEL} characters.
 *
 * @throws {OpenClawError} `DEVICE_LABEL_INVALID` otherwise.
 */
export function normalizeDeviceLabel(label: string): string {
  const trimmed = label.trim();
  if (trimmed.length < 1 || trimmed.length > MAX_DEVICE_LABEL) {
    throw new OpenClawError(
      "DEVICE_LABEL_INVALID",
      `Cannot use "${
        trimmed.slice(0, 80)
      }" as a device name: it must be 1-${MAX_DEVICE_LABEL} characters`,
    );
  }
  return trimmed;
}

/** Sets the operator label of a device; returns the device, or undefined when unknown. */
export async function renamePairedDevice(
  stateDir: string,
  deviceId: string,
  label: string,
): Promise<PairedDevice | undefined> {
  const name = normalizeDeviceLabel(label);
  return await updatePairedDevices(stateDir, (store) => {
    const device = deviceIn(store, deviceId);
    if (device) device.operatorLabel = name;
    return device;
  });
}

/** What {@linkcode rotateDeviceTokenOf} takes. */
export interface RotateRequest {
  deviceId: string;
  role: string;
  /** The new token's scopes; default: the old token's, else everything approved. */
  scopes?: readonly string[];
  now?: number;
}

/** Outcome of {@linkcode rotateDeviceTokenOf}. */
export type RotateOutcome =
  | { status: "rotated"; device: PairedDevice; token: DeviceToken }
  | { status: "unknown" }
  /** A scope beyond what the device was approved for. */
  | { status: "exceeds"; scope: string };

/**
 * Replaces the token of a role the device was approved for with a new one (the old one stops
 * working). Scopes may narrow the token but never go beyond the device's approval.
 */
export async function rotateDeviceTokenOf(req: RotateRequest & { stateDir: string }): Promise<
  RotateOutcome
> {
  const now = req.now ?? Date.now();
  return await updatePairedDevices(req.stateDir, (store): RotateOutcome => {
    const device = deviceIn(store, req.deviceId);
    const previous = device ? tokenOf(device, req.role) : undefined;
    if (!device || (!previous && !approvedRoles(device).includes(req.role))) {
      return { status: "unknown" };
    }
    const approved = approvedScopes(device);
    const scopes = [...new Set(req.scopes ?? previous?.scopes ?? approved)];
    const beyond = scopes.find((s) => !scopesSatisfy(approved, s));
    if (beyond) return { status: "exceeds", scope: beyond };
    return { status: "rotated", device, token: issueDeviceToken(device, req.role, scopes, now) };
  });
}

/** Revokes the token of a role; returns the token (with `revokedAtMs`), or undefined. */
export async function revokeDeviceTokenOf(
  stateDir: string,
  deviceId: string,
  role: string,
  now = Date.now(),
): Promise<DeviceToken | undefined> {
  return await updatePairedDevices(stateDir, (store) => {
    const device = deviceIn(store, deviceId);
    return device ? revokeDeviceToken(device, role, now) : undefined;
  });
}
