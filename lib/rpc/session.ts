/**
 * Connecting a CLI command to its gateway: resolve the target, connect with the right client
 * identity, and always close.
 *
 * @module
 */
import { connectGateway, type GatewayClient } from "./client.ts";
import { type GatewayTarget, resolveGatewayTarget, type TargetFlags } from "./target.ts";

/** How to present ourselves (protocol.md §4.2 "What stock clients send"). */
export interface ClientIdentity {
  clientId: string;
  clientMode: string;
  scopes: string[];
  minProtocol?: number;
}

/** The local CLI acting as an operator with the full CLI scope set. */
export const CLI_CLIENT: ClientIdentity = {
  clientId: "cli",
  clientMode: "cli",
  scopes: [
    "operator.admin",
    "operator.read",
    "operator.write",
    "operator.approvals",
    "operator.pairing",
  ],
};

/** Read-only backend helper (`openclaw health`). */
export const BACKEND_READER: ClientIdentity = {
  clientId: "gateway-client",
  clientMode: "backend",
  scopes: ["operator.read"],
};

/** The handshake-only probe of `gateway status`. */
export const STATUS_PROBE: ClientIdentity = {
  clientId: "cli",
  clientMode: "probe",
  scopes: ["operator.read"],
  minProtocol: 3,
};

/** Connects to `target` as `identity`. */
export async function connectTarget(
  target: GatewayTarget,
  identity: ClientIdentity,
  timeoutMs: number,
): Promise<GatewayClient> {
  return await connectGateway({
    url: target.url,
    token: target.token,
    password: target.password,
    timeoutMs,
    ...identity,
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
  await using client = await connectTarget(target, identity, timeoutMs);
  return await fn(client, target);
}
