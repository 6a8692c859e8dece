/**
 * Publishing the gateway's discovery records once the discovery subsystem decided to: the
 * beacon's facts (instance name, hosts, tailnet name), the Bonjour advertiser and the wide-area
 * zone. The subsystem imports this module only when mDNS is on or a wide-area domain is set, so
 * a gateway that publishes nothing (the Linux default) never loads it.
 *
 * @module
 */
import type { Logger } from "../../lib/log/mod.ts";
import {
  formatInstanceName,
  GATEWAY_SERVICE_NAME,
  machineDisplayName,
  mdnsHostLabel,
  zoneHostLabel,
  zoneInstanceLabel,
} from "../../lib/discovery/names.ts";
import type { DiscoverySettings } from "../../lib/discovery/settings.ts";
import { detectTailnetAddresses, readTailscaleStatus } from "../../lib/discovery/tailnet.ts";
import { buildLanTxt, buildWideAreaTxt, type GatewayBeacon } from "../../lib/discovery/txt.ts";
import { errorMessage } from "../../lib/errors.ts";
import type { Env } from "../../lib/paths.ts";
import { isLoopbackAddress } from "../auth.ts";
import type { SubsystemContext } from "../subsystems/lifecycle.ts";
import type { DiscoveryHost } from "../subsystems/discovery.ts";
import { MdnsAdvertiser } from "./advertiser.ts";
import { createCiaoResponder } from "./ciao_responder.ts";
import { cliPathOf, machineNameCandidates, sshPortOf, systemHostname } from "./host_facts.ts";
import type { ResponderFactory } from "./responder.ts";
import { publishZone, zoneFilePath, type ZoneOutcome } from "./wide_area.ts";

/** Where the wide-area zone is, as `health` shows it. */
export type ZoneState = ZoneOutcome | { state: "pending" | "failed"; error?: string };

/** What a publication has done so far; the subsystem reads it for `health` and `stop`. */
export interface Publication {
  beacon?: GatewayBeacon;
  advertiser?: MdnsAdvertiser;
  zone?: ZoneState;
}

/** What {@linkcode publishDiscovery} works from. */
export interface PublishRequest {
  host: DiscoveryHost;
  context: SubsystemContext;
  env: Env;
  settings: DiscoverySettings;
  /** The effective `gateway.tailscale.mode`: anything but `off` asks Tailscale for its name. */
  tailscaleMode: string | undefined;
  /** Creates the mDNS responder. @default the ciao responder, loaded on first use */
  responder?: ResponderFactory;
  /** False once the subsystem stopped or reloaded: then nothing more is started. */
  current(): boolean;
  /** Filled in as the publication goes. */
  into: Publication;
}

/** Builds the beacon, starts the Bonjour advertiser (mDNS on) and writes the zone (a domain). */
export async function publishDiscovery(req: PublishRequest): Promise<void> {
  const { context, settings: s, into } = req;
  const beacon = await buildBeacon(req.host, req.env, req.tailscaleMode);
  into.beacon = beacon;
  if (!req.current()) return;
  if (s.mdns.mode !== "off") {
    const advertiser = new MdnsAdvertiser({
      factory: req.responder ?? createCiaoResponder,
      log: context.log,
      clock: context.clock,
    });
    into.advertiser = advertiser;
    advertiser.start({
      name: beacon.instanceName,
      type: GATEWAY_SERVICE_NAME,
      hostname: beacon.lanHost,
      port: beacon.port,
      txt: buildLanTxt(beacon, s.mdns.mode),
    });
  }
  if (s.wideArea.domain) {
    into.zone = { state: "pending" };
    into.zone = await writeZone(req, s.wideArea.domain, beacon, s.mdns.mode);
  }
}

async function writeZone(
  req: PublishRequest,
  domain: string,
  b: GatewayBeacon,
  mode: DiscoverySettings["mdns"]["mode"],
): Promise<ZoneOutcome | { state: "failed"; error: string }> {
  const { context, host } = req;
  const addresses = await detectTailnetAddresses();
  if (!req.current()) return { state: "no-tailnet-ip", path: zoneFilePath(host.stateDir, domain) };
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
