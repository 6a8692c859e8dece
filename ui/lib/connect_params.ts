/**
 * The dashboard's `connect` request (protocol.md §4.2): client `openclaw-control-ui` in `webchat`
 * mode, protocol 4, the operator scopes of stock's owner profile, and a device proof signed over
 * the v3 payload with the payload builder the gateway verifies against (lib/protocol).
 *
 * @module
 */
import { PROTOCOL_VERSION } from "../../lib/protocol/constants.ts";
import { buildDeviceAuthPayload } from "../../lib/protocol/device_keys.ts";
import type { ConnectCredentials } from "./credentials.ts";
import type { BrowserIdentity, PayloadSigner } from "./identity.ts";

/** `client.id` of the dashboard. */
export const CONTROL_UI_CLIENT_ID = "openclaw-control-ui";
/** `client.mode` of the dashboard. */
export const CONTROL_UI_CLIENT_MODE = "webchat";
/** The scopes the dashboard asks for: what `openclaw dashboard`'s owner grant carries. */
export const CONTROL_UI_SCOPES: readonly string[] = [
  "operator.admin",
  "operator.read",
  "operator.write",
  "operator.approvals",
  "operator.questions",
  "operator.pairing",
  "operator.talk.secrets",
];

/** The `connect.challenge` payload fields the proof uses. */
export interface Challenge {
  nonce: string;
  ts: number;
}

/** Inputs of {@linkcode buildConnectParams}. */
export interface ConnectParamsInput {
  identity: BrowserIdentity;
  sign: PayloadSigner;
  challenge: Challenge;
  credentials: ConnectCredentials;
  /** The dashboard build, sent as `client.version`. */
  version: string;
  /** `client.platform`. @default "web" */
  platform?: string;
  locale?: string;
  userAgent?: string;
  timeZone?: string;
}

/** Builds `connect` params with a device proof whose `signedAt`/`nonce` are the challenge's. */
export async function buildConnectParams(
  input: ConnectParamsInput,
): Promise<Record<string, unknown>> {
  const { identity, challenge, credentials } = input;
  const platform = input.platform ?? "web";
  const role = "operator";
  const scopes = [...CONTROL_UI_SCOPES];
  const auth: Record<string, string> = {};
  for (const key of ["token", "password", "deviceToken", "bootstrapToken"] as const) {
    const value = credentials[key];
    if (value) auth[key] = value;
  }
  const payload = buildDeviceAuthPayload("v3", {
    deviceId: identity.deviceId,
    clientId: CONTROL_UI_CLIENT_ID,
    clientMode: CONTROL_UI_CLIENT_MODE,
    role,
    scopes,
    signedAtMs: challenge.ts,
    auth,
    nonce: challenge.nonce,
    platform,
  });
  return {
    minProtocol: PROTOCOL_VERSION,
    maxProtocol: PROTOCOL_VERSION,
    client: {
      id: CONTROL_UI_CLIENT_ID,
      displayName: "Control UI",
      version: input.version,
      platform,
      mode: CONTROL_UI_CLIENT_MODE,
      ...(input.timeZone ? { timeZone: input.timeZone.slice(0, 64) } : {}),
    },
    caps: ["tool-events"],
    role,
    scopes,
    device: {
      id: identity.deviceId,
      publicKey: identity.publicKey,
      signature: await input.sign(identity, payload),
      signedAt: challenge.ts,
      nonce: challenge.nonce,
    },
    ...(Object.keys(auth).length ? { auth } : {}),
    ...(input.locale ? { locale: input.locale } : {}),
    ...(input.userAgent ? { userAgent: input.userAgent } : {}),
  };
}
