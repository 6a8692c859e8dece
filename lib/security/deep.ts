/**
 * `security audit --deep`: a best-effort handshake with the live gateway, with the same target
 * and credentials rules as every other CLI client.
 *
 * @module
 */
import { errorMessage } from "../errors.ts";
import { connectTarget, STATUS_PROBE } from "../rpc/session.ts";
import { resolveGatewayTarget, type TargetFlags } from "../rpc/target.ts";
import type { DeepProbe } from "./types.ts";

/** Connects to the gateway (handshake only) and reports whether it worked; never throws. */
export async function probeGatewayForAudit(
  flags: Pick<TargetFlags, "token" | "password"> = {},
  timeoutMs = 5_000,
): Promise<DeepProbe> {
  let url = "";
  try {
    const target = await resolveGatewayTarget(flags);
    url = target.url;
    await using _client = await connectTarget(target, STATUS_PROBE, timeoutMs);
    return { gateway: { attempted: true, url, ok: true } };
  } catch (err) {
    return { gateway: { attempted: true, url, ok: false, error: errorMessage(err) } };
  }
}
