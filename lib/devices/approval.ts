/**
 * Turning pending requests into paired devices: approve (merge what was asked into what the
 * device already had and issue a fresh token for the asked role) or reject (drop the request).
 * The same merge serves the four ways a device gets approved: by an operator, silently on
 * direct loopback or through a verified Tailscale Serve identity, and with a one-time bootstrap
 * token.
 *
 * Locks are always taken in the same order (pending, then paired), so an approval and a
 * handshake can never wait on each other.
 *
 * @module
 */
import type { PairingReason } from "../protocol/auth_errors.ts";
import { ADMIN_SCOPE, scopesSatisfy } from "../protocol/scopes.ts";
import type { BootstrapTokenEntry } from "./bootstrap.ts";
import {
  approvedRoles,
  approvedScopes,
  type DeviceToken,
  type PairedDevice,
  type PairedStore,
  setApproval,
  updatePairedDevices,
} from "./paired.ts";
import { type PendingDeviceRequest, updatePendingDevices } from "./pending.ts";
import { ensureDeviceToken, issueDeviceToken } from "./tokens.ts";

/**
 * How a device came to be approved (`PairedDevice.approvedVia`): by an operator, silently on
 * direct loopback (`local`), silently as the Control UI of a Tailscale Serve user that
 * `tailscale whois` confirmed (`tailscale`), or with a one-time bootstrap token.
 */
export type ApprovalVia = "operator" | "local" | "tailscale" | "bootstrap";

/** Facts a client tells about itself; refreshed on every approval. */
export interface DeviceMetadata {
  displayName?: string;
  platform?: string;
  deviceFamily?: string;
  clientId?: string;
  clientMode?: string;
  browserOrigin?: string;
  remoteIp?: string;
}

/** One approval of {@linkcode recordApproval}. */
export interface Approval {
  deviceId: string;
  publicKey: string;
  /** The role the token is issued for. */
  role: string;
  /** Roles to add to what the device already holds. */
  roles: readonly string[];
  /** Scopes to add to what the device already holds. */
  scopes: readonly string[];
  /** The scopes of the token issued for `role`. */
  tokenScopes: readonly string[];
  via: ApprovalVia;
  metadata: DeviceMetadata;
  now: number;
}

const METADATA_KEYS = [
  "displayName",
  "platform",
  "deviceFamily",
  "clientId",
  "clientMode",
  "browserOrigin",
  "remoteIp",
] as const;

/**
 * Merges an approval into `store` (creating the device when new): roles and scopes are added,
 * never taken away; the public key and metadata are refreshed; a new token is issued for the
 * approved role. Returns the device and that token.
 */
export function recordApproval(
  store: PairedStore,
  a: Approval,
): { device: PairedDevice; token: DeviceToken } {
  const existing = Object.hasOwn(store, a.deviceId) ? store[a.deviceId] : undefined;
  const device: PairedDevice = existing ?? {
    deviceId: a.deviceId,
    publicKey: a.publicKey,
    roles: [],
    scopes: [],
    tokens: {},
    createdAtMs: a.now,
    approvedAtMs: a.now,
  };
  setApproval(
    device,
    [...approvedRoles(device), ...a.roles, a.role],
    [...approvedScopes(device), ...a.scopes],
  );
  device.publicKey = a.publicKey;
  device.role = a.role;
  device.approvedVia = a.via;
  device.approvedAtMs = a.now;
  device.lastSeenAtMs = a.now;
  for (const key of METADATA_KEYS) {
    const value = a.metadata[key];
    if (value !== undefined) device[key] = value;
  }
  const token = issueDeviceToken(device, a.role, a.tokenScopes, a.now);
  store[a.deviceId] = device;
  return { device, token };
}

/**
 * Why a verified device cannot connect as `role` with `scopes` without an approval, or undefined
 * when what it was approved for (plus an unused bootstrap `grant`) covers it.
 */
export function pairingNeed(
  known: PairedDevice | undefined,
  role: string,
  scopes: readonly string[],
  grant?: Pick<BootstrapTokenEntry, "roles" | "scopes">,
): PairingReason | undefined {
  if (!known && !grant) return "not-paired";
  const roles = [...(known ? approvedRoles(known) : []), ...(grant?.roles ?? [])];
  if (!roles.includes(role)) return known ? "role-upgrade" : "not-paired";
  const granted = [...(known ? approvedScopes(known) : []), ...(grant?.scopes ?? [])];
  if (!scopesSatisfy(granted, scopes)) return known ? "scope-upgrade" : "not-paired";
  return undefined;
}

/**
 * Notes a connect of an approved device (last seen, client facts) without touching what it was
 * approved for, and returns its usable token for `role` (a new one when it has none, or it was
 * revoked).
 */
export function recordSeen(
  device: PairedDevice,
  role: string,
  metadata: DeviceMetadata,
  now: number,
): DeviceToken {
  device.lastSeenAtMs = now;
  device.clientId = metadata.clientId;
  device.clientMode = metadata.clientMode;
  device.platform = metadata.platform;
  if (metadata.displayName) device.displayName = metadata.displayName;
  return ensureDeviceToken(device, role, approvedScopes(device), now).token;
}

/** When a token was (last) issued: `hello-ok.auth.issuedAtMs`. */
export function issuedAtOf(token: DeviceToken): number {
  return token.rotatedAtMs ?? token.createdAtMs ?? token.issuedAtMs ?? 0;
}

/** Outcome of {@linkcode approveDevicePairing}. */
export type ApproveOutcome =
  | { status: "approved"; requestId: string; device: PairedDevice; request: PendingDeviceRequest }
  | { status: "unknown" }
  /** The approver lacks a scope the request asks for (or admin, for a non-operator role). */
  | { status: "forbidden"; missingScope: string };

/** Options of {@linkcode approveDevicePairing}. */
export interface ApproveOptions {
  /** Clock reading. @default Date.now() */
  now?: number;
  /**
   * The approver's scopes: an approver can only grant what it holds, and only an admin approves
   * a non-operator role. Omitted for the owner of the state directory (local fallback).
   */
  callerScopes?: readonly string[];
}

/** The scope an approver lacks to grant `request`, or undefined. */
function missingApprovalScope(
  request: PendingDeviceRequest,
  callerScopes: readonly string[],
): string | undefined {
  const roles = new Set([request.role, ...(request.roles ?? [])]);
  const nonOperator = [...roles].some((r) => r !== "operator");
  if (nonOperator && !scopesSatisfy(callerScopes, ADMIN_SCOPE)) return ADMIN_SCOPE;
  return (request.scopes ?? []).find((s) => !scopesSatisfy(callerScopes, s));
}

/**
 * Approves the live pending request `requestId`: the device is paired (or upgraded) with what
 * it asked for, gets a fresh token for the asked role, and the request is gone.
 */
export async function approveDevicePairing(
  stateDir: string,
  requestId: string,
  options: ApproveOptions = {},
): Promise<ApproveOutcome> {
  const now = options.now ?? Date.now();
  return await updatePendingDevices(stateDir, async (pending) => {
    if (!Object.hasOwn(pending, requestId)) return { status: "unknown" } as const;
    const request = pending[requestId];
    if (options.callerScopes) {
      const missing = missingApprovalScope(request, options.callerScopes);
      if (missing) return { status: "forbidden", missingScope: missing } as const;
    }
    const { device } = await updatePairedDevices(stateDir, (store) =>
      recordApproval(store, {
        deviceId: request.deviceId,
        publicKey: request.publicKey,
        role: request.role,
        roles: request.roles ?? [],
        scopes: request.scopes ?? [],
        tokenScopes: request.scopes ?? [],
        via: "operator",
        metadata: request,
        now,
      }));
    delete pending[requestId];
    return { status: "approved", requestId, device, request } as const;
  }, now);
}

/** Rejects (drops) the live pending request `requestId`; undefined when there is none. */
export async function rejectDevicePairing(
  stateDir: string,
  requestId: string,
  now = Date.now(),
): Promise<{ requestId: string; deviceId: string } | undefined> {
  return await updatePendingDevices(stateDir, (pending) => {
    if (!Object.hasOwn(pending, requestId)) return undefined;
    const { deviceId } = pending[requestId];
    delete pending[requestId];
    return { requestId, deviceId };
  }, now);
}
