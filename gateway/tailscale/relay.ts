/**
 * The managed Tailscale listener: the Tailscale route always targets this ephemeral
 * `127.0.0.1` port (never the gateway's own), and each connection is piped, byte for byte, to
 * the gateway's address. That gives the gateway two facts it cannot get from headers: which
 * connections came through tailscaled (`onUpstream` reports each relay->gateway connection's
 * local address, which the gateway sees as the peer; see ingress.ts), and, on a non-loopback
 * bind (`bind: "tailnet"`, the chapter's example; tailscaled only proxies to loopback), a
 * tailnet peer address rather than loopback, so no local-client privileges leak to remote users.
 *
 * Bounded: at most {@link MAX_RELAY_CONNECTIONS} at once (more are closed at once), and the
 * upstream connect has a deadline.
 *
 * @module
 */
import type { Logger } from "../../lib/log/mod.ts";
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

/** Options of {@linkcode startLoopbackRelay}. */
export interface RelayOptions {
  /**
   * Called with the local address of each connection the relay opens to the gateway, before
   * any byte is relayed; returns the function called when that connection closes.
   */
  onUpstream?: (local: Deno.NetAddr) => () => void;
}

/** Starts a relay from `127.0.0.1:<ephemeral>` to `target`. */
export function startLoopbackRelay(
  target: { hostname: string; port: number },
  log: Logger,
  options: RelayOptions = {},
): LoopbackRelay {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  let closed = false;

  const relay = async (inbound: Deno.Conn) => {
    let outbound: Deno.Conn | undefined;
    let forget: (() => void) | undefined;
    const signal = AbortSignal.timeout(CONNECT_TIMEOUT_MS);
    try {
      outbound = await Deno.connect({ ...target, transport: "tcp", signal });
      open.add(outbound);
      // Marked before the first byte is piped, so the gateway knows it by its first request.
      forget = options.onUpstream?.(outbound.localAddr as Deno.NetAddr);
      await Promise.allSettled([
        inbound.readable.pipeTo(outbound.writable),
        outbound.readable.pipeTo(inbound.writable),
      ]);
    } catch (err) {
      if (!closed) log.debug(`tailscale relay: ${errorMessage(err)}`);
    } finally {
      forget?.();
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
