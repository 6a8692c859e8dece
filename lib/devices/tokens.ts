/**
 * Device tokens: the per-device, per-role secret a paired device presents instead of the shared
 * gateway secret (`connect.params.auth.deviceToken`). Issued at approval, rotated and revoked by
 * operators, checked at every connect. Pure functions over a {@linkcode PairedDevice}; the
 * caller persists the device with `updatePairedDevices`.
 *
 * @module
 */
import { timingSafeEqualString } from "../crypto/constant_time.ts";
import { scopesSatisfy } from "../protocol/scopes.ts";
import { type DeviceToken, generateDeviceToken, type PairedDevice } from "./paired.ts";

/** Why a presented device token was refused. */
export type DeviceTokenRefusal =
  | "device-not-paired"
  | "token-missing"
  | "token-revoked"
  | "token-mismatch"
  | "scope-mismatch";

/** Outcome of {@linkcode checkDeviceToken}. */
export type DeviceTokenCheck =
  | { ok: true; token: DeviceToken }
  | { ok: false; reason: DeviceTokenRefusal };

/** A token as `device.pair.list` shows it: everything but the secret. */
export interface DeviceTokenSummary {
  role: string;
  scopes: string[];
  createdAtMs: number;
  rotatedAtMs?: number;
  revokedAtMs?: number;
  lastUsedAtMs?: number;
}

/** The token of `role`, or undefined (a prototype name is never a role). */
export function tokenOf(device: PairedDevice, role: string): DeviceToken | undefined {
  return Object.hasOwn(device.tokens, role) ? device.tokens[role] : undefined;
}

/** The token of `role` when it exists and is not revoked. */
export function activeToken(device: PairedDevice, role: string): DeviceToken | undefined {
  const token = tokenOf(device, role);
  return token && token.revokedAtMs === undefined ? token : undefined;
}

/**
 * Checks a device token presented for `role`: the device is paired, holds an unrevoked token for
 * the role, the secret matches, and the token's scopes cover `requestedScopes` (a token narrowed
 * by `devices rotate --scope` stays narrow; `operator.admin` and the scope implications count).
 */
export function checkDeviceToken(
  device: PairedDevice | undefined,
  role: string,
  presented: string,
  requestedScopes: readonly string[],
): DeviceTokenCheck {
  if (!device) return { ok: false, reason: "device-not-paired" };
  const token = tokenOf(device, role);
  if (!token) return { ok: false, reason: "token-missing" };
  // Compared before the revocation check, so a wrong secret cannot learn a token was revoked.
  if (!timingSafeEqualString(presented, token.token)) {
    return { ok: false, reason: "token-mismatch" };
  }
  if (token.revokedAtMs !== undefined) return { ok: false, reason: "token-revoked" };
  if (!scopesSatisfy(token.scopes, requestedScopes)) return { ok: false, reason: "scope-mismatch" };
  return { ok: true, token };
}

/**
 * Issues a new token for `role` with `scopes`, replacing (and thereby invalidating) any earlier
 * one; `rotatedAtMs` records the replacement. Returns the new token.
 */
export function issueDeviceToken(
  device: PairedDevice,
  role: string,
  scopes: readonly string[],
  now: number,
): DeviceToken {
  const previous = tokenOf(device, role);
  const next: DeviceToken = {
    token: generateDeviceToken(),
    role,
    scopes: [...new Set(scopes)],
    createdAtMs: previous?.createdAtMs ?? previous?.issuedAtMs ?? now,
    ...(previous ? { rotatedAtMs: now } : {}),
    ...(previous?.lastUsedAtMs !== undefined ? { lastUsedAtMs: previous.lastUsedAtMs } : {}),
  };
  device.tokens[role] = next;
  return next;
}

/**
 * The device's usable token for `role`: the current one while it is not revoked, else a new one
 * with `scopes`. Tells whether it was issued now (the store must then be written).
 */
export function ensureDeviceToken(
  device: PairedDevice,
  role: string,
  scopes: readonly string[],
  now: number,
): { token: DeviceToken; issued: boolean } {
  const current = activeToken(device, role);
  if (current) return { token: current, issued: false };
  return { token: issueDeviceToken(device, role, scopes, now), issued: true };
}

/** Marks the token of `role` revoked; returns it, or undefined when the device has none. */
export function revokeDeviceToken(
  device: PairedDevice,
  role: string,
  now: number,
): DeviceToken | undefined {
  const token = tokenOf(device, role);
  if (!token) return undefined;
  token.revokedAtMs ??= now;
  return token;
}

/** The tokens of a device without their secrets, sorted by role (undefined when none). */
export function summarizeDeviceTokens(
  tokens: Record<string, DeviceToken> | undefined,
): DeviceTokenSummary[] | undefined {
  if (!tokens) return undefined;
  const out = Object.values(tokens).map((t) => ({
    role: t.role,
    scopes: [...t.scopes],
    createdAtMs: t.createdAtMs ?? t.issuedAtMs ?? 0,
    ...(t.rotatedAtMs !== undefined ? { rotatedAtMs: t.rotatedAtMs } : {}),
    ...(t.revokedAtMs !== undefined ? { revokedAtMs: t.revokedAtMs } : {}),
    ...(t.lastUsedAtMs !== undefined ? { lastUsedAtMs: t.lastUsedAtMs } : {}),
  })).sort((a, b) => a.role.localeCompare(b.role));
  return out.length > 0 ? out : undefined;
}
