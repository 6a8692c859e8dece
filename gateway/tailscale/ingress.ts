/**
 * Which requests came in through the managed Tailscale listener, and who tailscaled says sent
 * them.
 *
 * The Tailscale route targets a dedicated loopback relay (relay.ts), never the gateway's own
 * port. The relay reports the local address of every connection it opens to the gateway
 * ({@linkcode ManagedTailscaleIngress.track}); the gateway sees exactly that address as the
 * peer, so it knows a request came through tailscaled without trusting any header. Only such
 * a request may use the `Tailscale-User-Login` header tailscaled adds (it drops a client's own
 * copy): the same header arriving on the gateway's port is ignored. Even then the header is
 * only believed after `tailscale whois` (whois.ts) of the forwarded client address names the
 * same login.
 *
 * The relay listens on loopback, so a local process could connect to it and forge the headers
 * too: like stock, this identity assumes the gateway host is trusted
 * (`gateway.auth.allowTailscale: false` turns it off).
 *
 * @module
 */
import type { Clock } from "../../lib/clock.ts";
import { errorMessage } from "../../lib/errors.ts";
import { normalizeIp, resolveClientIp } from "../auth.ts";
import type { TailscaleWhois, WhoisAnswer } from "./whois.ts";

/** Why a Tailscale identity was not accepted (an `authReason` of protocol.md §4.6). */
export type TailscaleAuthReason =
  | "tailscale_user_missing"
  | "tailscale_proxy_missing"
  | "tailscale_whois_failed"
  | "tailscale_user_mismatch";

/** The outcome of {@linkcode TailscaleIngressPeer.verify}. */
export type TailscaleVerification =
  | { ok: true; login: string; name?: string }
  | { ok: false; reason: TailscaleAuthReason; detail: string };

/** A request that came through the managed Tailscale listener. */
export interface TailscaleIngressPeer {
  /** The exposure the listener serves; tailscaled adds identity headers for `serve` only. */
  readonly mode: "serve" | "funnel";
  /** The tailnet client (the X-Forwarded-For entry tailscaled added), when present. */
  readonly clientIp?: string;
  /** `Tailscale-User-Login`, when present and well-formed. */
  readonly login?: string;
  /** True when the Host header names the tailnet host the route serves. */
  readonly hostMatches: boolean;
  /** Asks tailscaled who `clientIp` is and compares with `login` (once per request). */
  verify(): Promise<TailscaleVerification>;
}

/** What the listener serves, set by the tailscale subsystem. */
export interface ManagedListenerFacts {
  mode: "serve" | "funnel";
  /** The tailnet name (MagicDNS, no trailing dot), once known. */
  hostName?: string;
}

/** Options of {@linkcode ManagedTailscaleIngress}. */
export interface ManagedTailscaleIngressOptions {
  /** Answers who an address is (whois.ts `TailscaleWhois`, cached). */
  whois: { lookup(ip: string): Promise<WhoisAnswer> };
}

/**
 * A `TailscaleWhois` (whois.ts) on `clock`, created -- and its module loaded -- at the first
 * lookup: a gateway that is not exposed through Tailscale never asks.
 *
 * @example
 * ```ts
 * const ingress = new ManagedTailscaleIngress({ whois: lazyTailscaleWhois(systemClock) });
 * ```
 */
export function lazyTailscaleWhois(clock: Clock): ManagedTailscaleIngressOptions["whois"] {
  let whois: Promise<TailscaleWhois> | undefined;
  return {
    async lookup(ip) {
      try {
        whois ??= import("./whois.ts").then((m) => new m.TailscaleWhois({ clock }));
        return await (await whois).lookup(ip);
      } catch (err) {
        whois = undefined; // a failed load is tried again by the next lookup
        return { ok: false, error: `cannot load tailscale whois: ${errorMessage(err)}` };
      }
    },
  };
}

// tailscaled connects to the relay from loopback; the client is the entry it added after those.
const LOOPBACK_PROXIES = ["127.0.0.0/8", "::1"];
const MAX_HEADER_LENGTH = 256;

function addressKey(hostname: string, port: number): string {
  return `${normalizeIp(hostname) ?? hostname}|${port}`;
}

/** A header's trimmed value, unless empty, over-long or holding control characters. */
function cleanHeader(headers: Headers, name: string): string | undefined {
  const v = headers.get(name)?.trim();
  // deno-lint-ignore no-control-regex -- control characters are what this refuses
  if (!v || v.length > MAX_HEADER_LENGTH || /[\u0000-\u001f\u007f]/.test(v)) return undefined;
  return v;
}

function hostName(host: string | null): string | undefined {
  if (!host) return undefined;
  try {
    return new URL(`http://${host}`).hostname.replace(/\.$/, "").toLowerCase();
  } catch {
    return undefined;
  }
}

/** The managed listener's connections, for the gateway's request handler (see the module doc). */
export class ManagedTailscaleIngress {
  readonly #whois: ManagedTailscaleIngressOptions["whois"];
  // Bounded by the relay's own connection cap: one entry per open relay->gateway connection.
  readonly #peers = new Set<string>();
  #facts: ManagedListenerFacts | undefined;

  constructor(options: ManagedTailscaleIngressOptions) {
    this.#whois = options.whois;
  }

  /** Sets (or, with `undefined`, clears) what the listener serves; clearing forgets every peer. */
  configure(facts: ManagedListenerFacts | undefined): void {
    this.#facts = facts ? { ...facts } : undefined;
    if (!facts) this.#peers.clear();
  }

  /**
   * Records the local address of a connection the relay opened to the gateway.
   *
   * @returns The function that forgets it again (call it when the connection closes).
   */
  track(local: Deno.NetAddr): () => void {
    const key = addressKey(local.hostname, local.port);
    this.#peers.add(key);
    return () => this.#peers.delete(key);
  }

  /** Number of relay connections open now. */
  get size(): number {
    return this.#peers.size;
  }

  /**
   * Returns the Tailscale facts of a request whose direct peer is `remote`, or `undefined` when
   * it did not come through the managed listener (then no Tailscale header counts).
   */
  classify(
    remote: { hostname: string; port: number },
    headers: Headers,
  ): TailscaleIngressPeer | undefined {
    const facts = this.#facts;
    if (!facts || !this.#peers.has(addressKey(remote.hostname, remote.port))) return undefined;
    const forwarded = headers.has("x-forwarded-for")
      ? resolveClientIp({ remoteAddr: remote.hostname, headers, trustedProxies: LOOPBACK_PROXIES })
      : undefined;
    const clientIp = forwarded && forwarded !== normalizeIp(remote.hostname)
      ? forwarded
      : undefined;
    const login = cleanHeader(headers, "tailscale-user-login");
    const name = cleanHeader(headers, "tailscale-user-name");
    const whois = this.#whois;
    let verdict: Promise<TailscaleVerification> | undefined;
    const verify = async (): Promise<TailscaleVerification> => {
      if (!login) {
        return { ok: false, reason: "tailscale_user_missing", detail: "no Tailscale-User-Login" };
      }
      if (!clientIp) {
        return { ok: false, reason: "tailscale_proxy_missing", detail: "no X-Forwarded-For" };
      }
      const answer = await whois.lookup(clientIp);
      if (!answer.ok) {
        return { ok: false, reason: "tailscale_whois_failed", detail: answer.error };
      }
      const real = answer.identity;
      if (real.login.toLowerCase() !== login.toLowerCase()) {
        return {
          ok: false,
          reason: "tailscale_user_mismatch",
          detail: `Tailscale-User-Login is "${login}" but tailscale whois ${clientIp} says ` +
            `"${real.login}"`,
        };
      }
      const shown = real.name ?? name;
      return shown ? { ok: true, login: real.login, name: shown } : { ok: true, login: real.login };
    };
    return {
      mode: facts.mode,
      ...(clientIp ? { clientIp } : {}),
      ...(login ? { login } : {}),
      hostMatches: facts.hostName !== undefined &&
        hostName(headers.get("host")) === facts.hostName.replace(/\.$/, "").toLowerCase(),
      verify: () => verdict ??= verify(),
    };
  }
}
