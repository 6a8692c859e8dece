/**
 * The seam between the discovery subsystem and an mDNS responder, so the subsystem's failure
 * policy can be tested with a responder that fails on demand, and the real one
 * (ciao_responder.ts) is loaded only when something is advertised.
 *
 * @module
 */

/** One service to advertise on `.local`. */
export interface MdnsServiceSpec {
  /** Instance name (`box (OpenClaw)`); the responder may rename it on a conflict. */
  name: string;
  /** Service type without underscores or protocol: `openclaw-gw`. */
  type: string;
  /** Host label the SRV record points at (`box` -> `box.local`). */
  hostname: string;
  port: number;
  txt: Record<string, string>;
}

/** A service handed to the responder. */
export interface AdvertisedService {
  /** The instance name now in use (changes after a conflict). */
  name(): string;
  /** Probes, then announces; resolves once announced. */
  advertise(): Promise<void>;
  /** Withdraws the service with goodbye packets (TTL 0). */
  end(): Promise<void>;
}

/** Events a responder reports about a service. */
export interface ServiceEvents {
  /** A probe found the name taken; the service now goes by `next`. */
  onRename(next: string): void;
}

/** An mDNS responder (one multicast socket set, many services). */
export interface MdnsResponder {
  createService(spec: MdnsServiceSpec, events: ServiceEvents): AdvertisedService;
  /** Ends every service (goodbyes) and closes the sockets. */
  shutdown(): Promise<void>;
}

/** Creates a responder; called only when there is something to advertise. */
export type ResponderFactory = () => Promise<MdnsResponder>;
