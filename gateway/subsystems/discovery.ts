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
import type { Logger } from "../../lib/log/mod.ts";
import {
  formatInstanceName,
  GATEWAY_SERVICE_NAME,
  GATEWAY_SERVICE_TYPE,
  machineDisplayName,
  mdnsHostLabel,
  zoneHostLabel,
  zoneInstanceLabel,
} from "../../lib/discovery/names.ts";
import {
  type DiscoverySettings,
  type HostFacts,
  resolveDiscoverySettings,
} from "../../lib/discovery/settings.ts";
import { detectTailnetAddresses, readTailscaleStatus } from "../../lib/discovery/tailnet.ts";
import { buildLanTxt, buildWideAreaTxt, type GatewayBeacon } from "../../lib/discovery/txt.ts";
import { errorMessage } from "../../lib/errors.ts";
import { type Env, processEnv } from "../../lib/paths.ts";
import { MdnsAdvertiser } from "../discovery/advertiser.ts";
import { createCiaoResponder } from "../discovery/ciao_responder.ts";
import {
  cliPathOf,
  hostFacts,
  machineNameCandidates,
  sshPortOf,
  systemHostname,
} from "../discovery/host_facts.ts";
import type { ResponderFactory } from "../discovery/responder.ts";
import { publishZone, zoneFilePath, type ZoneOutcome } from "../discovery/wide_area.ts";
import { isLoopbackAddress } from "../auth.ts";
import type { GatewayState } from "../state.ts";
import type { GatewaySubsystem, SubsystemContext } from "./lifecycle.ts";

/** The part of the gateway state discovery reads. */
export type DiscoveryHost = Pick<GatewayState, "config" | "stateDir" | "port" | "host">;

/** Seams for tests; the defaults are the real machine. */
export interface DiscoveryOptions {
  /** The environment (OPENCLAW_DISABLE_BONJOUR, OPENCLAW_MDNS_HOSTNAME, …). */
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
  let advertiser: MdnsAdvertiser | undefined;
  let beacon: GatewayBeacon | undefined;
  let zone: ZoneOutcome | { state: "pending" | "failed"; error?: string } | undefined;
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
    void publish(context, env, settings, () => mine === generation).catch((err) => {
      context.log.warn(`discovery: ${errorMessage(err)}; the gateway keeps serving without it`);
    });
  };

  const publish = async (
    context: SubsystemContext,
    env: Env,
    s: DiscoverySettings,
    current: () => boolean,
  ) => {
    beacon = await buildBeacon(
      host,
      env,
      options.tailscaleMode?.() ??
        host.config.gateway?.tailscale?.mode,
    );
    if (!current()) return;
    if (s.mdns.mode !== "off") {
      advertiser = new MdnsAdvertiser({
        factory: options.responder ?? createCiaoResponder,
        log: context.log,
        clock: context.clock,
      });
      advertiser.start({
        name: beacon.instanceName,
        type: GATEWAY_SERVICE_NAME,
        hostname: beacon.lanHost,
        port: beacon.port,
        txt: buildLanTxt(beacon, s.mdns.mode),
      });
    }
    if (s.wideArea.domain) {
      zone = { state: "pending" };
      zone = await writeZone(context, s.wideArea.domain, beacon, s.mdns.mode, current);
    }
  };

  const writeZone = async (
    context: SubsystemContext,
    domain: string,
    b: GatewayBeacon,
    mode: DiscoverySettings["mdns"]["mode"],
    current: () => boolean,
  ): Promise<ZoneOutcome | { state: "failed"; error: string }> => {
    const addresses = await detectTailnetAddresses();
    if (!current()) return { state: "no-tailnet-ip", path: zoneFilePath(host.stateDir, domain) };
    const hostname = systemHostname();
    try {
      const out = publishZone(
        host.stateDir,
        {
          domain,
          hostLabel: zoneHostLabel(hostname),
          instanceLabel: zoneInstanceLabel(hostname),
          port: b.port,
          txt: buildWideAreaTxt(b, mode === "full" ? "full" : "minimal"),
        },
        addresses,
        context.clock.now(),
      );
      logZone(context.log, out);
      return out;
    } catch (err) {
      const error = errorMessage(err);
      context.log.warn(`wide-area: cannot write the zone: ${error}`);
      return { state: "failed", error };
    }
  };

  const end = async () => {
    generation++;
    const a = advertiser;
    advertiser = undefined;
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
      const snap = advertiser?.snapshot();
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

function logZone(log: Logger, out: ZoneOutcome): void {
  if (out.state === "written") log.info(`wide-area: wrote ${out.path} (serial ${out.serial})`);
  else if (out.state === "unchanged") log.debug(`wide-area: ${out.path} unchanged`);
  else log.warn(`wide-area: no tailnet IP on this machine; ${out.path} not written`);
}

/** Everything the beacon says, from the state, the environment and the machine. */
async function buildBeacon(
  host: DiscoveryHost,
  env: Env,
  tailscaleMode: string | undefined,
): Promise<GatewayBeacon> {
  const instanceName = formatInstanceName(machineDisplayName(await machineNameCandidates()));
  let tailnetDns = env.OPENCLAW_TAILNET_DNS?.trim() || undefined;
  // Tailscale is asked only when the gateway uses it: a mode of "off" never probes it.
  if (!tailnetDns && tailscaleMode && tailscaleMode !== "off") {
    tailnetDns = (await readTailscaleStatus()).dnsName;
  }
  const cliPath = cliPathOf(env);
  const sshPort = sshPortOf(env);
  return {
    port: host.port,
    instanceName,
    lanHost: mdnsHostLabel(env.OPENCLAW_MDNS_HOSTNAME, systemHostname()),
    directReachable: !isLoopbackAddress(host.host),
    ...(tailnetDns ? { tailnetDns } : {}),
    ...(cliPath ? { cliPath } : {}),
    ...(sshPort ? { sshPort } : {}),
  };
}
