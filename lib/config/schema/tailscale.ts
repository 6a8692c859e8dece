/**
 * `gateway.tailscale.*` and the combinations Tailscale exposure allows, checked when the config
 * is written (`config set`, `config.patch`, a hand edit the gateway reloads) rather than when a
 * service starts, so a bad combination never becomes a restart loop. The gateway checks the
 * same rules again against the resolved bind and auth (flags, environment) when it starts.
 *
 * Serve and Funnel proxy to the gateway on this machine, so the gateway must listen where the
 * proxy can reach it: loopback (stock's rule), or — as the chapter's own Tailscale example
 * does — `tailnet`, which we reach through a loopback relay. Funnel is public, so it needs
 * password auth. The messages are stock's, word for word.
 *
 * @module
 */
import { z } from "zod";
import { oneOf } from "./_common.ts";

/** `gateway.tailscale.mode` values. */
export const TAILSCALE_MODES = ["off", "serve", "funnel"] as const;

/** A Tailscale exposure mode. */
export type TailscaleMode = typeof TAILSCALE_MODES[number];

/** Stock's refusal for Serve/Funnel on a bind the proxy cannot reach. */
export const TAILSCALE_BIND_MESSAGE =
  "tailscale serve/funnel requires gateway bind=loopback (127.0.0.1)";

/** Stock's refusal for Funnel without password auth. */
export const TAILSCALE_FUNNEL_AUTH_MESSAGE =
  "tailscale funnel requires gateway auth mode=password " +
  "(set gateway.auth.password or OPENCLAW_GATEWAY_PASSWORD)";

/** Binds a Serve/Funnel proxy can reach (`auto` resolves to loopback here). */
const EXPOSABLE_BINDS: ReadonlySet<string> = new Set(["loopback", "auto", "tailnet"]);

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

/** The facts the exposure rules look at. */
export interface ExposureFacts {
  mode: string | undefined;
  /** `gateway.bind` (unset = loopback). */
  bind: string | undefined;
  /** `gateway.auth.mode` (unset = password when one is configured, else token). */
  authMode: string | undefined;
  /** True when a password is configured (makes an unset auth mode resolve to password). */
  passwordConfigured: boolean;
}

/**
 * Returns the stock messages for every rule `facts` break (empty when fine).
 *
 * @example
 * ```ts
 * tailscaleExposureProblems({ mode: "funnel", bind: undefined, authMode: "token",
 *   passwordConfigured: false }); // [TAILSCALE_FUNNEL_AUTH_MESSAGE]
 * ```
 */
export function tailscaleExposureProblems(facts: ExposureFacts): string[] {
  if (facts.mode !== "serve" && facts.mode !== "funnel") return [];
  const problems: string[] = [];
  if (facts.bind !== undefined && !EXPOSABLE_BINDS.has(facts.bind)) {
    problems.push(TAILSCALE_BIND_MESSAGE);
  }
  const password = facts.authMode === "password" ||
    (facts.authMode === undefined && facts.passwordConfigured);
  if (facts.mode === "funnel" && !password) problems.push(TAILSCALE_FUNNEL_AUTH_MESSAGE);
  return problems;
}

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
