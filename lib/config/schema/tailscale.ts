/**
 * `gateway.tailscale.*` and the combinations Tailscale exposure allows, checked when the config
 * is written (`config set`, `config.patch`, a hand edit the gateway reloads) rather than when a
 * service starts, so a bad combination never becomes a restart loop. The gateway checks the
 * same rules (tailscale_exposure.ts) again against the resolved bind and auth (flags,
 * environment) when it starts.
 *
 * @module
 */
import { z } from "zod";
import { oneOf } from "./_common.ts";
import { TAILSCALE_MODES, tailscaleExposureProblems } from "./tailscale_exposure.ts";

// The rules live in a module without zod, which the gateway's start imports; re-exported here
// for the callers that already read the config schema.
export {
  type ExposureFacts,
  TAILSCALE_BIND_MESSAGE,
  TAILSCALE_FUNNEL_AUTH_MESSAGE,
  TAILSCALE_MODES,
  tailscaleExposureProblems,
  type TailscaleMode,
} from "./tailscale_exposure.ts";

/** `gateway.tailscale`. */
export const TailscaleSchema = z
  .strictObject({
    mode: oneOf(TAILSCALE_MODES).optional().describe(
      "off (default) | serve (tailnet HTTPS) | funnel (public HTTPS; needs password auth). " +
        "Serve/Funnel need bind loopback (or tailnet)",
    ),
    resetOnExit: z.boolean().optional().describe(
      "Retired: the managed route follows the gateway's lifecycle (removed on stop)",
    ),
  })
  .describe("Expose the gateway through Tailscale Serve/Funnel");

/** The part of `gateway.*` the cross-field check reads. */
interface GatewayView {
  bind?: string;
  auth?: { mode?: string; password?: unknown };
  tailscale?: { mode?: string };
}

/** `superRefine` body for `gateway`: reports each broken rule at `gateway.tailscale.mode`. */
export function checkTailscaleExposure(gateway: GatewayView, ctx: z.RefinementCtx): void {
  const problems = tailscaleExposureProblems({
    mode: gateway.tailscale?.mode,
    bind: gateway.bind,
    authMode: gateway.auth?.mode,
    passwordConfigured: gateway.auth?.password !== undefined,
  });
  for (const message of problems) {
    ctx.addIssue({ code: "custom", path: ["tailscale", "mode"], message, input: gateway });
  }
}
