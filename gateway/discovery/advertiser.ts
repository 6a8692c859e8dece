/**
 * One Bonjour beacon and its life: load the responder, probe, announce, rename on a conflict,
 * withdraw with goodbyes. Nothing here can take the gateway down: every responder call is
 * awaited inside a `try`, a stray rejection from the responder library is caught by a guard
 * while the beacon lives, and a failure only changes the state `health` reports.
 *
 * `start()` returns at once (probing takes about a second and must not delay `/readyz`);
 * `stop()` waits for the goodbyes at most {@link STOP_TIMEOUT_MS}.
 *
 * @module
 */
import type { Logger } from "../../lib/log/mod.ts";
import type { Clock } from "../../lib/clock.ts";
import { errorMessage } from "../../lib/errors.ts";
import type {
  AdvertisedService,
  MdnsResponder,
  MdnsServiceSpec,
  ResponderFactory,
} from "./responder.ts";

/** How long `stop()` waits for the goodbye packets. */
export const STOP_TIMEOUT_MS = 3_000;

/** Where a beacon is in its life. */
export type BeaconState = "idle" | "probing" | "announced" | "failed" | "stopped";

/** The beacon as `health` shows it. */
export interface BeaconSnapshot {
  state: BeaconState;
  /** The instance name in use (after any conflict rename). */
  instance?: string;
  /** The name first asked for, when a conflict renamed it. */
  requestedInstance?: string;
  error?: string;
}

/** Options of {@link MdnsAdvertiser}. */
export interface AdvertiserOptions {
  factory: ResponderFactory;
  log: Logger;
  clock: Clock;
}

/** Errors the responder library rejects with on its own (probing/announcing cancelled). */
function isResponderLibraryError(reason: unknown): boolean {
  const text = reason instanceof Error ? `${reason.name} ${reason.message}` : String(reason);
  return /\bCIAO\b|ciao|mdns|multicast|netmask/i.test(text) ||
    (reason instanceof Error && /ciao/i.test(reason.stack ?? ""));
}

/** A Bonjour beacon that logs its failures instead of throwing them. */
export class MdnsAdvertiser {
  readonly #options: AdvertiserOptions;
  #snapshot: BeaconSnapshot = { state: "idle" };
  #responder?: MdnsResponder;
  #service?: AdvertisedService;
  #running?: Promise<void>;
  #removeGuard?: () => void;

  constructor(options: AdvertiserOptions) {
    this.#options = options;
  }

  /** What `health` shows. */
  snapshot(): BeaconSnapshot {
    return { ...this.#snapshot };
  }

  /** Starts advertising `spec` in the background; never throws. */
  start(spec: MdnsServiceSpec): void {
    this.#installGuard();
    this.#snapshot = { state: "probing", instance: spec.name };
    this.#running = this.#advertise(spec);
  }

  async #advertise(spec: MdnsServiceSpec): Promise<void> {
    const { log } = this.#options;
    try {
      this.#responder = await this.#options.factory();
      if (this.#snapshot.state !== "probing") return;
      this.#service = this.#responder.createService(spec, {
        onRename: (next) => {
          log.warn(
            `bonjour: name conflict on the network: "${spec.name}" is taken, advertising as "${next}"`,
          );
          this.#snapshot = { ...this.#snapshot, instance: next, requestedInstance: spec.name };
        },
      });
      await this.#service.advertise();
      if (this.#snapshot.state !== "probing") return;
      this.#snapshot = { ...this.#snapshot, state: "announced", instance: this.#service.name() };
      log.info(
        `bonjour: advertising "${this.#service.name()}" (_${spec.type}._tcp.local, port ${spec.port})`,
      );
    } catch (err) {
      if (this.#snapshot.state !== "probing") return;
      this.#fail(err);
    }
  }

  #fail(err: unknown): void {
    const error = errorMessage(err);
    this.#snapshot = { ...this.#snapshot, state: "failed", error };
    this.#options.log.warn(
      `bonjour: advertising failed: ${error}; the gateway keeps serving without LAN discovery`,
    );
  }

  /** Withdraws the beacon (goodbye packets) and closes the responder; never throws. */
  async stop(): Promise<void> {
    const wasAnnounced = this.#snapshot.state === "announced";
    if (this.#snapshot.state !== "failed") this.#snapshot = { ...this.#snapshot, state: "stopped" };
    const service = this.#service;
    const responder = this.#responder;
    this.#service = undefined;
    this.#responder = undefined;
    const withdraw = async () => {
      // Ending first cancels a probe in progress; a start still loading the library then
      // finishes (creating no service, since the state is no longer "probing"), and its
      // responder is closed too.
      await service?.end();
      await this.#running;
      await (responder ?? this.#responder)?.shutdown();
      this.#responder = undefined;
    };
    let timer: ReturnType<Clock["setTimeout"]> | undefined;
    const deadline = new Promise<"timeout">((resolve) => {
      timer = this.#options.clock.setTimeout(() => resolve("timeout"), STOP_TIMEOUT_MS);
    });
    try {
      const outcome = await Promise.race([withdraw().then(() => "done" as const), deadline]);
      if (outcome === "timeout") {
        this.#options.log.warn(`bonjour: goodbye not confirmed within ${STOP_TIMEOUT_MS} ms`);
      } else if (wasAnnounced) {
        this.#options.log.info("bonjour: withdrawn (goodbye sent)");
      }
    } catch (err) {
      this.#options.log.warn(`bonjour: error while withdrawing: ${errorMessage(err)}`);
    } finally {
      this.#options.clock.clearTimeout(timer);
      // Late rejections of a cancelled probe still land on the guard for a moment.
      const remove = this.#removeGuard;
      this.#removeGuard = undefined;
      if (remove) this.#options.clock.setTimeout(remove, 1_000);
    }
  }

  /**
   * Catches promise rejections the responder library leaves unhandled (stock's crash loop),
   * logs them and marks the beacon failed, while this beacon lives.
   */
  #installGuard(): void {
    if (this.#removeGuard) return;
    const onRejection = (event: PromiseRejectionEvent) => {
      if (!isResponderLibraryError(event.reason)) return;
      event.preventDefault();
      if (this.#snapshot.state === "probing" || this.#snapshot.state === "announced") {
        this.#fail(event.reason);
      } else {
        this.#options.log.debug(`bonjour: ignored late error: ${errorMessage(event.reason)}`);
      }
    };
    globalThis.addEventListener("unhandledrejection", onRejection);
    this.#removeGuard = () => globalThis.removeEventListener("unhandledrejection", onRejection);
  }
}
