/**
 * What `device.pair.list` (and `openclaw devices list` on the local files) shows: pending
 * requests as stored, paired devices without their token secrets (stock's shape: tokens
 * summarized, `approvedScopes` stripped, `connected` added by the gateway).
 *
 * @module
 */
import { type PairedDevice, readPairedDevices } from "./paired.ts";
import { listPendingDevices, type PendingDeviceRequest } from "./pending.ts";
import { type DeviceTokenSummary, summarizeDeviceTokens } from "./tokens.ts";

/** A paired device as listed. */
export type PairedDeviceView = Omit<PairedDevice, "tokens" | "approvedScopes"> & {
  tokens?: DeviceTokenSummary[];
  /** Whether a socket of this device is open right now (gateway only). */
  connected?: boolean;
};

/** The `device.pair.list` result. */
export interface DevicePairingList {
  pending: PendingDeviceRequest[];
  paired: PairedDeviceView[];
}

/** A paired device without secrets; `connected` is added when known. */
export function pairedDeviceView(device: PairedDevice, connected?: boolean): PairedDeviceView {
  const { tokens, approvedScopes: _approved, ...rest } = device;
  const summary = summarizeDeviceTokens(tokens);
  return {
    ...rest,
    ...(summary ? { tokens: summary } : {}),
    ...(connected === undefined ? {} : { connected }),
  };
}

/** Options of {@linkcode listDevicePairing}. */
export interface ListOptions {
  now?: number;
  /** Device ids with an open socket; sets `connected` on each paired device. */
  connected?: ReadonlySet<string>;
  /** Only this device's own entries (a non-admin device caller). */
  onlyDeviceId?: string;
}

/** Pending requests (newest first) and paired devices (latest approval first). */
export function listDevicePairing(stateDir: string, options: ListOptions = {}): DevicePairingList {
  const only = options.onlyDeviceId;
  const pending = listPendingDevices(stateDir, options.now ?? Date.now())
    .filter((r) => only === undefined || r.deviceId === only);
  const paired = Object.values(readPairedDevices(stateDir))
    .filter((d) => only === undefined || d.deviceId === only)
    .sort((a, b) => (b.approvedAtMs ?? 0) - (a.approvedAtMs ?? 0))
    .map((d) => pairedDeviceView(d, options.connected?.has(d.deviceId)));
  return { pending, paired };
}
