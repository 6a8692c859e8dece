/**
 * The mDNS responder we ship: `@homebridge/ciao`, loaded with a dynamic import only when a
 * beacon is advertised (so `discovery.mdns.mode: "off"` and `OPENCLAW_DISABLE_BONJOUR=1` never
 * load it and never open a multicast socket).
 *
 * Why ciao and not a responder of our own on `node:dgram` + `dns-packet`: advertising correctly
 * is most of RFC 6762/6763 -- probing (three queries 250 ms apart, simultaneous-probe tie
 * breaking), conflict renaming (`name (2)`), two announcements, answering PTR/SRV/TXT/A/AAAA
 * queries per interface with that interface's addresses, known-answer suppression, NSEC for
 * missing types, re-announcing when interfaces change, and goodbyes on stop. ciao does all of it
 * (it passes Apple's Bonjour Conformance Test), is plain TypeScript with three small
 * dependencies (~300 KB of JS), is what stock OpenClaw runs (same packets on the wire), and
 * works unchanged on Deno's `node:dgram`. A hand-rolled responder would be smaller but would
 * re-learn each of those rules; `multicast-dns` alone has no probing or conflict handling.
 *
 * What ciao costs: it asks `ip -o link show` for the interface list every 15 s while it runs,
 * and prints a few socket errors with `console.log` itself. Its stray promise rejections (the
 * `CIAO PROBING CANCELLED` family that crash-looped stock 2026.4.24) are caught by the guard in
 * advertiser.ts.
 *
 * @module
 */
// Pinned inline until deno.json (another owner's file) maps "@homebridge/ciao".
import type { CiaoService } from "@homebridge/ciao";
import type {
  AdvertisedService,
  MdnsResponder,
  MdnsServiceSpec,
  ServiceEvents,
} from "./responder.ts";

/** Loads ciao and returns a responder bound to every suitable interface. */
export async function createCiaoResponder(): Promise<MdnsResponder> {
  const { getResponder } = await import("@homebridge/ciao");
  const responder = getResponder();
  return {
    createService(spec: MdnsServiceSpec, events: ServiceEvents): AdvertisedService {
      const service: CiaoService = responder.createService({
        name: spec.name,
        type: spec.type,
        hostname: spec.hostname,
        port: spec.port,
        txt: spec.txt,
      });
      let name = spec.name;
      service.on("name-change", (next: string) => {
        name = next;
        events.onRename(next);
      });
      return {
        name: () => name,
        advertise: () => service.advertise(),
        end: async () => {
          await service.end();
          await service.destroy();
        },
      };
    },
    shutdown: () => responder.shutdown(),
  };
}
