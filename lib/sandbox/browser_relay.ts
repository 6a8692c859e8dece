/**
 * A loopback TCP relay into a container's loopback port through `docker exec`: the gateway
 * listens on `127.0.0.1:<ephemeral>` and pipes each accepted connection, byte for byte, through
 * its own `docker exec -i <container> socat - TCP:127.0.0.1:<port>` (busybox `nc` when the image
 * has no socat). It works whatever the container's network -- `none` included, and on engines
 * without a bridge (`dockerd --bridge=none`) -- and publishes nothing: the port is reachable
 * only from inside the container and through this listener.
 *
 * Bounded: at most `maxConnections` at once (more are closed at once), and each connection's
 * `docker exec` must report in before a deadline. Closing the relay closes the listener and
 * kills every relay process inside the container (`kill` of its process group, see exec.ts).
 *
 * @module
 */
import { type Clock, systemClock } from "../clock.ts";
import { errorMessage } from "../errors.ts";
import { type SandboxProcess, type SandboxTarget, spawnInSandbox } from "./exec.ts";

/** Connections relayed at once, by default. */
export const DEFAULT_RELAY_CONNECTIONS = 16;

/** Deadline of one connection's `docker exec`, by default. */
const CONNECT_TIMEOUT_MS = 10_000;

/** How long a relay process may outlive its client's half-close before it is killed. */
const DRAIN_MS = 5_000;

/** Bytes of a relay process's stderr kept for the log. */
const STDERR_KEEP = 1024;

/**
 * Pids of the `docker exec` clients of every relay in this process. A process that exits without
 * closing its relays (a gateway stopped by a signal) would leave them running, waiting on a
 * connection nobody reads; the `unload` handler kills them (synchronously: nothing else runs
 * there), which also ends their stdin inside the container.
 */
const liveClients = new Set<number>();
let unloadHooked = false;

function trackClient(pid: number): () => void {
  if (!unloadHooked) {
    unloadHooked = true;
    globalThis.addEventListener("unload", () => {
      for (const p of liveClients) {
        try {
          Deno.kill(p, "SIGKILL");
        } catch { /* already gone */ }
      }
    });
  }
  liveClients.add(pid);
  return () => liveClients.delete(pid);
}

/** Options of {@linkcode startExecRelay}. */
export interface ExecRelayOptions {
  /** The container (name or handle with its docker settings). */
  container: SandboxTarget;
  /** The TCP port on the container's loopback. */
  port: number;
  /** @default 16 */
  maxConnections?: number;
  /** Deadline of each connection's `docker exec`. @default 10000 */
  connectTimeoutMs?: number;
  clock?: Clock;
  /** Where relay failures go (never fatal). */
  onError?: (message: string) => void;
}

/** A running relay. */
export interface ExecRelay {
  /** The loopback port to connect to. */
  readonly port: number;
  /** Connections being relayed now. */
  readonly connections: number;
  /** Closes the listener and every relayed connection. */
  close(): Promise<void>;
}

/**
 * The command run inside the container for one connection: socat when present, else nc.
 *
 * @throws {RangeError} for a port outside 1-65535.
 */
export function relayCommand(port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`Invalid relay port "${port}": use 1-65535`);
  }
  return `if command -v socat >/dev/null 2>&1; then exec socat - TCP:127.0.0.1:${port}; ` +
    `else exec nc 127.0.0.1 ${port}; fi`;
}

async function drainTail(stream: ReadableStream<Uint8Array>): Promise<string> {
  let tail = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    tail = (tail + decoder.decode(chunk, { stream: true })).slice(-STDERR_KEEP);
  }
  return tail.trim();
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch { /* already closed by a pipe */ }
}

/**
 * Starts a relay from `127.0.0.1:<ephemeral>` to `127.0.0.1:<port>` inside a container.
 *
 * @param options The container, its port, bounds and clock.
 * @returns The relay; close it when done.
 * @throws {RangeError} for an invalid port.
 * @example
 * ```ts
 * const relay = startExecRelay({ container: "openclaw-sbx-browser-x", port: 9222 });
 * await fetch(`http://127.0.0.1:${relay.port}/json/version`);
 * await relay.close();
 * ```
 */
export function startExecRelay(options: ExecRelayOptions): ExecRelay {
  const command = relayCommand(options.port);
  const clock = options.clock ?? systemClock;
  const max = options.maxConnections ?? DEFAULT_RELAY_CONNECTIONS;
  const connectTimeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Map<Deno.Conn, SandboxProcess | undefined>();
  const done = new Set<Promise<void>>();
  let closed = false;
  const report = (message: string) => {
    if (!closed) options.onError?.(message);
  };

  const relay = async (inbound: Deno.Conn) => {
    let proc: SandboxProcess | undefined;
    let exited = false;
    try {
      proc = spawnInSandbox(options.container, command, { stdin: true });
      open.set(inbound, proc);
      const p = proc;
      const untrack = trackClient(p.pid);
      void p.status.then(() => {
        exited = true;
        untrack();
      });
      const stderr = drainTail(p.stderr).catch(() => "");
      let timer: ReturnType<Clock["setTimeout"]> | undefined;
      const pid = await Promise.race([
        p.containerPid,
        new Promise<undefined>((r) =>
          timer = clock.setTimeout(() => r(undefined), connectTimeoutMs)
        ),
      ]).finally(() => clock.clearTimeout(timer));
      if (pid === undefined) {
        report(`cannot reach the container: docker exec did not start (${await Promise.race([
          stderr,
          Promise.resolve("no answer"),
        ])})`);
        return;
      }
      const toContainer = inbound.readable.pipeTo(p.stdin!).catch(() => {});
      const fromContainer = p.stdout.pipeTo(inbound.writable).catch(() => {});
      // The client half-closed: the relay process should end with the server's close; if not,
      // it is killed after a grace period instead of lingering in the container.
      void toContainer.then(() => {
        if (exited) return;
        const t = clock.setTimeout(() => void p.kill("SIGKILL"), DRAIN_MS);
        void p.status.finally(() => clock.clearTimeout(t));
      });
      await fromContainer;
      const why = await Promise.race([stderr, Promise.resolve("")]);
      if (why && !/Connection refused|can't connect/i.test(why)) report(`relay: ${why}`);
    } catch (err) {
      report(`relay: ${errorMessage(err)}`);
    } finally {
      open.delete(inbound);
      closeQuietly(inbound);
      if (proc && !exited) await proc.kill("SIGKILL").catch(() => {});
    }
  };

  void (async () => {
    try {
      for await (const conn of listener) {
        if (closed || open.size >= max) {
          closeQuietly(conn);
          continue;
        }
        open.set(conn, undefined);
        const task = relay(conn);
        done.add(task);
        void task.finally(() => done.delete(task));
      }
    } catch (err) {
      report(`relay listener stopped: ${errorMessage(err)}`);
    }
  })();

  return {
    port: (listener.addr as Deno.NetAddr).port,
    get connections() {
      return open.size;
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        listener.close();
      } catch { /* closed */ }
      const procs = [...open.values()];
      for (const conn of open.keys()) closeQuietly(conn);
      // An idle relay process would only notice at its next byte: end them now.
      await Promise.allSettled(procs.map((p) => p?.kill("SIGKILL")));
      await Promise.allSettled([...done]);
    },
  };
}
