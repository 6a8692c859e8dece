/**
 * Device pairing and device tokens (dashboard.md §4, protocol.md §8.7): `device.pair.list`,
 * `device.pair.approve`, `device.pair.reject`, `device.pair.remove`, `device.pair.rename`,
 * `device.token.rotate`, `device.token.revoke` (all `operator.pairing`; admin satisfies it), and
 * `device.bootstrap.issue` (admin; ours), which mints the one-time token `openclaw dashboard`
 * puts in the browser URL.
 *
 * Guards beyond the scope: an approver grants only scopes it holds (and only an admin approves a
 * non-operator role); a non-admin device caller lists, removes, rotates and revokes only its own
 * device; a rotated token is echoed only to the device it belongs to. The store lives in
 * lib/devices; this file checks callers and shapes answers.
 *
 * @module
 */
import { z } from "zod";
import { approveDevicePairing, rejectDevicePairing } from "../../lib/devices/approval.ts";
import { issueBootstrapToken } from "../../lib/devices/bootstrap.ts";
import {
  MAX_DEVICE_LABEL,
  removePairedDevice,
  renamePairedDevice,
  revokeDeviceTokenOf,
  rotateDeviceTokenOf,
} from "../../lib/devices/manage.ts";
import { listDevicePairing, pairedDeviceView } from "../../lib/devices/view.ts";
import { invalidRequest, ProtocolError } from "../../lib/protocol/error_map.ts";
import { ErrorCode } from "../../lib/protocol/error_shape.ts";
import { missingScopeError } from "../../lib/protocol/errors.ts";
import { DEVICE_PAIR_RESOLVED_EVENT } from "../../lib/protocol/events.ts";
import { ADMIN_SCOPE, scopesSatisfy } from "../../lib/protocol/scopes.ts";
import type { GatewayState } from "../state.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";
import type { CallerInfo } from "./types.ts";

const PAIRING_SCOPE = "operator.pairing";

const Id = z.string().trim().min(1).max(128);
const Role = z.string().trim().min(1).max(32);
const Scopes = z.array(z.string().min(1).max(64)).max(16);

function isAdmin(caller: CallerInfo): boolean {
  return scopesSatisfy(caller.scopes, ADMIN_SCOPE);
}

/** A non-admin caller with a device identity manages only its own device. */
function ownsOrAdmin(caller: CallerInfo, deviceId: string): boolean {
  return isAdmin(caller) || (caller.deviceId !== undefined && caller.deviceId === deviceId);
}

function denied(message: string): ProtocolError {
  return new ProtocolError(ErrorCode.FORBIDDEN, message);
}

/** Devices with an open socket (from presence). */
function connectedDevices(state: GatewayState): Set<string> {
  const ids = new Set<string>();
  for (const p of state.presence()) if (p.deviceId) ids.add(p.deviceId);
  return ids;
}

function resolved(
  state: GatewayState,
  requestId: string,
  deviceId: string,
  decision: "approved" | "rejected",
): void {
  state.broadcast(DEVICE_PAIR_RESOLVED_EVENT, {
    requestId,
    deviceId,
    decision,
    ts: state.clock.now(),
  }, { dropIfSlow: true });
}

/** The device methods. */
export const devicesMethods: MethodDefinition[] = [
  defineMethod({
    name: "device.pair.list",
    scope: PAIRING_SCOPE,
    params: z.looseObject({}),
    handler: ({ state, caller }) =>
      listDevicePairing(state.stateDir, {
        now: state.clock.now(),
        connected: connectedDevices(state),
        onlyDeviceId: isAdmin(caller) ? undefined : caller.deviceId,
      }),
  }),

  defineMethod({
    name: "device.pair.approve",
    scope: PAIRING_SCOPE,
    params: z.looseObject({ requestId: Id }),
    handler: async ({ params, state, caller }) => {
      const outcome = await approveDevicePairing(state.stateDir, params.requestId, {
        now: state.clock.now(),
        callerScopes: caller.scopes,
      });
      if (outcome.status === "unknown") throw invalidRequest("unknown requestId");
      if (outcome.status === "forbidden") {
        throw ProtocolError.of(missingScopeError(outcome.missingScope, [outcome.missingScope]));
      }
      resolved(state, outcome.requestId, outcome.device.deviceId, "approved");
      return { requestId: outcome.requestId, device: pairedDeviceView(outcome.device) };
    },
  }),

  defineMethod({
    name: "device.pair.reject",
    scope: PAIRING_SCOPE,
    params: z.looseObject({ requestId: Id }),
    handler: async ({ params, state }) => {
      const rejected = await rejectDevicePairing(
        state.stateDir,
        params.requestId,
        state.clock.now(),
      );
      if (!rejected) throw invalidRequest("unknown requestId");
      resolved(state, rejected.requestId, rejected.deviceId, "rejected");
      return rejected;
    },
  }),

  defineMethod({
    name: "device.pair.remove",
    scope: PAIRING_SCOPE,
    params: z.looseObject({ deviceId: Id }),
    handler: async ({ params, state, caller }) => {
      if (!ownsOrAdmin(caller, params.deviceId)) throw denied("device pairing removal denied");
      const removed = await removePairedDevice(state.stateDir, params.deviceId);
      if (!removed) throw invalidRequest("unknown deviceId");
      return { deviceId: removed.deviceId, removedAtMs: state.clock.now() };
    },
  }),

  defineMethod({
    name: "device.pair.rename",
    scope: PAIRING_SCOPE,
    params: z.looseObject({ deviceId: Id, label: z.string().trim().min(1).max(MAX_DEVICE_LABEL) }),
    handler: async ({ params, state, caller }) => {
      if (!ownsOrAdmin(caller, params.deviceId)) throw denied("device rename denied");
      const device = await renamePairedDevice(state.stateDir, params.deviceId, params.label);
      if (!device) throw invalidRequest("unknown deviceId");
      return { deviceId: device.deviceId, label: device.operatorLabel };
    },
  }),

  defineMethod({
    name: "device.token.rotate",
    scope: PAIRING_SCOPE,
    params: z.looseObject({ deviceId: Id, role: Role, scopes: Scopes.optional() }),
    handler: async ({ params, state, caller }) => {
      if (!ownsOrAdmin(caller, params.deviceId)) throw denied("device token rotation denied");
      if (params.role !== "operator" && !isAdmin(caller)) {
        throw ProtocolError.of(missingScopeError(ADMIN_SCOPE, [ADMIN_SCOPE]));
      }
      // Nobody mints a token with scopes they do not hold themselves.
      const beyondCaller = params.scopes?.find((s) => !scopesSatisfy(caller.scopes, s));
      if (beyondCaller) throw ProtocolError.of(missingScopeError(beyondCaller, [beyondCaller]));
      const outcome = await rotateDeviceTokenOf({
        stateDir: state.stateDir,
        deviceId: params.deviceId,
        role: params.role,
        scopes: params.scopes,
        now: state.clock.now(),
      });
      if (outcome.status === "unknown") throw invalidRequest("unknown deviceId/role");
      if (outcome.status === "exceeds") {
        throw invalidRequest(
          `invalid device.token.rotate params: scope ${outcome.scope} was not approved for this device`,
        );
      }
      const { token } = outcome;
      const sameDevice = caller.deviceId === params.deviceId;
      return {
        deviceId: params.deviceId,
        role: token.role,
        ...(sameDevice ? { token: token.token } : {}),
        scopes: token.scopes,
        rotatedAtMs: token.rotatedAtMs ?? token.createdAtMs,
        tokenDelivery: sameDevice ? "in-band" : "withheld-cross-device",
      };
    },
  }),

  defineMethod({
    name: "device.token.revoke",
    scope: PAIRING_SCOPE,
    params: z.looseObject({ deviceId: Id, role: Role }),
    handler: async ({ params, state, caller }) => {
      if (!ownsOrAdmin(caller, params.deviceId)) throw denied("device token revocation denied");
      if (params.role !== "operator" && !isAdmin(caller)) {
        throw ProtocolError.of(missingScopeError(ADMIN_SCOPE, [ADMIN_SCOPE]));
      }
      const token = await revokeDeviceTokenOf(
        state.stateDir,
        params.deviceId,
        params.role,
        state.clock.now(),
      );
      if (!token) throw invalidRequest("unknown deviceId/role");
      return { deviceId: params.deviceId, role: token.role, revokedAtMs: token.revokedAtMs };
    },
  }),

  defineMethod({
    name: "device.bootstrap.issue",
    scope: ADMIN_SCOPE,
    params: z.looseObject({ profile: z.literal("owner").optional() }),
    handler: async ({ params, state }) => {
      const issued = await issueBootstrapToken(state.stateDir, {
        now: state.clock.now(),
        profile: params.profile ?? "owner",
      });
      return { token: issued.token, profile: issued.profile, expiresAtMs: issued.expiresAtMs };
    },
  }),
];
