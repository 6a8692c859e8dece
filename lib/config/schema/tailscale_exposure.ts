/**
 * The Tailscale exposure modes and the combinations they allow, without the config schema: the
 * gateway's tailscale subsystem checks these rules at every start (against the resolved bind and
 * auth), and importing them from here keeps the schema library off the start path. The schema
 * (tailscale.ts) applies the same rules when the config is written.
 *
 * Serve and Funnel proxy to the gateway on this machine, so the gateway must listen where the
 * proxy can reach it: loopback (stock's rule), or -- as the chapter's own Tailscale example
 * does -- `tailnet`, which we reach through a loopback relay. Funnel is public, so it needs
 * password auth. The messages are stock's, word for word.
 *
 * @module
 */

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
