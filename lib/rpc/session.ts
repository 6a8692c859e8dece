/**
 * Connecting a CLI command to its gateway: resolve the target, connect with the right client
 * identity, and always close.
 *
 * @module
 */
import { MIN_PROBE_PROTOCOL_VERSION } from "../protocol/constants.ts";
import type { ClientId, ClientMode } from "../protocol/frames.ts";
import { CLI_DEFAULT_OPERATOR_SCOPES, READ_SCOPE } from "../protocol/scopes.ts";
import { OpenClawError } from "../errors.ts";
import {
  connectGateway,
  type ConnectOptions,
  type GatewayClient,
  GatewayRpcError,
} from "./client.ts";
import { type GatewayTarget, resolveGatewayTarget, type TargetFlags } from "./target.ts";

/** How to present ourselves (protocol.md §4.2 "What stock clients send"). */
export interface ClientIdentity {
  clientId: ClientId;
  clientMode: ClientMode;
  scopes: readonly string[];
  minProtocol?: number;
}

/** The local CLI acting as an operator with stock's fallback CLI scope set. */
export const CLI_CLIENT: ClientIdentity = {
  clientId: "cli",
  clientMode: "cli",
  scopes: CLI_DEFAULT_OPERATOR_SCOPES,
};

/** Read-only backend helper (`openclaw health`). */
export const BACKEND_READER: ClientIdentity = {
  clientId: "gateway-client",
  clientMode: "backend",
  scopes: [READ_SCOPE],
};

/** The handshake-only probe of `gateway status`. */
export const STATUS_PROBE: ClientIdentity = {
  clientId: "cli",
  clientMode: "probe",
  scopes: [READ_SCOPE],
  minProtocol: MIN_PROBE_PROTOCOL_VERSION,
};

/** Returns true when `url` points at this machine's loopback interface. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    return host === "localhost" || host === "::1" || /^127\./.test(host);
  } catch {
    return false;
  }
}

/**
 * Connects to `target` as `identity`. Off loopback the gateway clears the scopes of clients
 * without a device identity, so there the CLI signs with its own (`<stateDir>/identity/device.json`,
 * created on first use and shared with stock OpenClaw's CLI).
 */
export async function connectTarget(
  target: GatewayTarget,
  identity: ClientIdentity,
  timeoutMs: number,
): Promise<GatewayClient> {
  const device: ConnectOptions["device"] = isLoopbackUrl(target.url)
    ? undefined
    : async (challenge, fields) => {
      const { deviceIdentityPath, loadOrCreateDeviceIdentity, signDeviceAuth } = await import(
        "../protocol/device.ts"
      );
      const { resolveStateDir } = await import("../paths.ts");
      const me = await loadOrCreateDeviceIdentity(deviceIdentityPath(resolveStateDir()));
      return await signDeviceAuth(me, {
        ...fields,
        signedAtMs: challenge.ts,
        nonce: challenge.nonce,
      });
    };
  return await connectGateway({
    url: target.url,
    token: target.token,
    password: target.password,
    timeoutMs,
    device,
    ...identity,
  });
}

/** Codes of a failed connect whose usual hint (check the config, start the gateway) needs it. */
const CONFIG_DEPENDENT_FAILURES = new Set(["GATEWAY_UNREACHABLE", "GATEWAY_AUTH_FAILED"]);

/**
 * Returns `err` with a hint that works while the config does not parse: the usual hints
 * (`config get gateway.auth.token`, start the gateway) fail on that same file.
 */
export function withConfigProblemHint(err: unknown, target: GatewayTarget): unknown {
  const problem = target.configProblem;
  if (!problem || !(err instanceof OpenClawError) || !CONFIG_DEPENDENT_FAILURES.has(err.code)) {
    return err;
  }
  const hint = `The config ${problem.file} has a ${problem.summary}. ${problem.fix}`;
  if (err instanceof GatewayRpcError) {
    return new GatewayRpcError(err.code, err.method, err.shape, hint);
  }
  return new OpenClawError(err.code, err.message, {
    hint,
    exitCode: err.exitCode,
    details: err.details,
    cause: err.cause,
  });
}

/** Resolves the target, connects, runs `fn`, and closes the connection. */
export async function withGateway<T>(
  flags: TargetFlags,
  identity: ClientIdentity,
  timeoutMs: number,
  fn: (client: GatewayClient, target: GatewayTarget) => Promise<T>,
): Promise<T> {
  const target = await resolveGatewayTarget(flags);
  let client: GatewayClient;
  try {
    client = await connectTarget(target, identity, timeoutMs);
  } catch (err) {
    throw withConfigProblemHint(err, target);
  }
  await using _connection = client;
  return await fn(client, target);
}
