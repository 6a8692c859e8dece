/**
 * The `discovery` subsystem: the Bonjour beacon (`_openclaw-gw._tcp` on `.local`, TXT per
 * `discovery.mdns.mode`) and the wide-area DNS-SD zone (`discovery.wideArea`).
 *
 * Optional and never fatal: it starts after `server` (it needs the bound port), returns at
 * once, and does its work in the background; a responder that fails is logged and shown in
 * `health` (`subsystems.discovery`, degraded with the reason) while the gateway serves on.
 * With mDNS off (`discovery.mdns.mode: "off"`, `OPENCLAW_DISABLE_BONJOUR=1`, or the Linux /
 * container default) the responder library is never loaded and no multicast socket is opened.
 *
 * A port or `discovery.*` change restarts the gateway (restart-class config), and with it this
 * subsystem: `stop` sends goodbyes for the old beacon, the next `start` announces the new one.
 *
 * @module
 */
import { GATEWAY_SERVICE_TYPE } from "../../lib/discovery/names.ts";
import {
  type DiscoverySettings,
  type HostFacts,
  resolveDiscoverySettings,
} from "../../lib/discovery/settings.ts";
import { errorMessage } from "../../lib/errors.ts";
import { type Env, processEnv } from "../../lib/paths.ts";
import type { Publication } from "../discovery/publish.ts";
import { hostFacts } from "../discovery/host_facts.ts";
import type { ResponderFactory } from "../discovery/responder.ts";
import type { GatewayState } from "../state.ts";
import type { GatewaySubsystem, SubsystemContext } from "./lifecycle.ts";

/** The part of the gateway state discovery reads. */
export type DiscoveryHost = Pick<GatewayState, "config" | "stateDir" | "port" | "host">;

/** Seams for tests; the defaults are the real machine. */
export interface DiscoveryOptions {
  /** The environment (OPENCLAW_DISABLE_BONJOUR, OPENCLAW_MDNS_HOSTNAME, ...). */
  env?: () => Env;
  /** Creates the mDNS responder. @default the ciao responder, loaded on first use */
  responder?: ResponderFactory;
  hostFacts?: (env: Env) => HostFacts;
  /** The effective `gateway.tailscale.mode` (the `--tailscale` flag wins over the config). */
  tailscaleMode?: () => string | undefined;
}

/** The discovery subsystem. */
export function discoverySubsystem(
  host: DiscoveryHost,
  options: DiscoveryOptions = {},
): GatewaySubsystem {
  let settings: DiscoverySettings | undefined;
  // The beacon, advertiser and zone of the latest publication, for `health` and `stop`.
  const published: Publication = {};
  let generation = 0;
  let ctx: SubsystemContext | undefined;

  const begin = (context: SubsystemContext) => {
    ctx = context;
    const env = options.env?.() ?? processEnv();
    settings = resolveDiscoverySettings(
      host.config.discovery,
      env,
      (options.hostFacts ?? hostFacts)(env),
    );
    const { mdns, wideArea } = settings;
    if (mdns.mode === "off") context.log.info(`bonjour: off (${mdns.reason})`);
    if (wideArea.problem) context.log.warn(`wide-area: ${wideArea.problem}; zone not published`);
    if (mdns.mode === "off" && !wideArea.domain) return;
    const mine = ++generation;
    const request = {
      host,
      context,
      env,
      settings,
      tailscaleMode: options.tailscaleMode?.() ?? host.config.gateway?.tailscale?.mode,
      ...(options.responder ? { responder: options.responder } : {}),
      current: () => mine === generation,
      into: published,
    };
    // What publishes (names, TXT, the advertiser, the zone, Tailscale) is loaded only when
    // something is published.
    void import("../discovery/publish.ts").then((m) => m.publishDiscovery(request)).catch(
      (err) => {
        context.log.warn(`discovery: ${errorMessage(err)}; the gateway keeps serving without it`);
      },
    );
  };

  const end = async () => {
    generation++;
    const a = published.advertiser;
    published.advertiser = undefined;
    await a?.stop();
  };

  return {
    id: "discovery",
    required: false,
    after: ["server"],
    configPaths: ["discovery"],
    start(context) {
      begin(context);
    },
    async reload() {
      await end();
      if (ctx) begin(ctx);
    },
    async stop() {
      await end();
    },
    health() {
      const s = settings;
      if (!s) return {};
      const { beacon, zone } = published;
      const snap = published.advertiser?.snapshot();
      return {
        mdns: {
          mode: s.mdns.mode,
          reason: s.mdns.reason,
          ...(s.mdns.mode === "off" ? {} : {
            serviceType: `${GATEWAY_SERVICE_TYPE}.local`,
            port: host.port,
            ...(beacon ? { host: `${beacon.lanHost}.local` } : {}),
            ...(snap ?? { state: "probing" }),
          }),
        },
        wideArea: {
          enabled: s.wideArea.enabled,
          ...(s.wideArea.domain ? { domain: `${s.wideArea.domain}.` } : {}),
          ...(s.wideArea.problem ? { problem: s.wideArea.problem } : {}),
          ...(zone ?? {}),
        },
        ...(snap?.state === "failed" ? { degraded: `bonjour: ${snap.error}` } : {}),
      };
    },
  };
}
