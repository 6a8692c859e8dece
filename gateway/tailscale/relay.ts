/**
 * A loopback TCP relay for Tailscale Serve when the gateway does not listen on loopback
 * (`bind: "tailnet"`, the chapter's example): tailscaled only proxies to `127.0.0.1`, so the
 * route targets an ephemeral `127.0.0.1` port here and each connection is piped, byte for byte,
 * to the gateway's own address. The gateway then sees the tailnet address as the peer (not
 * loopback), so no local-client privileges leak to remote users.
 *
 * Bounded: at most {@link MAX_RELAY_CONNECTIONS} at once (more are closed at once), and the
 * upstream connect has a deadline.
 *
 * @module
 */
import type { Logger } from "@logtape/logtape";
import { errorMessage } from "../../lib/errors.ts";

/** Connections relayed at once. */
export const MAX_RELAY_CONNECTIONS = 256;

/** Deadline of the upstream connect. */
const CONNECT_TIMEOUT_MS = 5_000;

/** A running relay. */
export interface LoopbackRelay {
  /** The loopback port the Tailscale route targets. */
  readonly port: number;
  close(): void;
}

/** Starts a relay from `127.0.0.1:<ephemeral>` to `target`. */
export function startLoopbackRelay(
  target: { hostname: string; port: number },
  log: Logger,
): LoopbackRelay {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  let closed = false;

  const relay = async (inbound: Deno.Conn) => {
    let outbound: Deno.Conn | undefined;
    const signal = AbortSignal.timeout(CONNECT_TIMEOUT_MS);
    try {
      outbound = await Deno.connect({ ...target, transport: "tcp", signal });
      open.add(outbound);
      await Promise.allSettled([
        inbound.readable.pipeTo(outbound.writable),
        outbound.readable.pipeTo(inbound.writable),
      ]);
    } catch (err) {
      if (!closed) log.debug(`tailscale relay: ${errorMessage(err)}`);
    } finally {
      for (const c of [inbound, outbound]) {
        if (!c) continue;
        open.delete(c);
        try {
          c.close();
        } catch { /* closed by a pipe */ }
      }
    }
  };

  void (async () => {
    try {
      for await (const conn of listener) {
        if (open.size >= MAX_RELAY_CONNECTIONS * 2) {
          conn.close();
          continue;
        }
        open.add(conn);
        void relay(conn);
      }
    } catch (err) {
      if (!closed) log.warn(`tailscale relay stopped: ${errorMessage(err)}`);
    }
  })();

  return {
    port: (listener.addr as Deno.NetAddr).port,
    close() {
      closed = true;
      try {
        listener.close();
      } catch { /* closed */ }
      for (const c of open) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      open.clear();
    },
  };
}
