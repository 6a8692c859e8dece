/**
 * The steady-traffic soak: operator sockets sending `health` and `config.get` at a fixed pace
 * for a while, with the gateway's RSS sampled at the start, midway and the end, and the same
 * pacing against the floor server's WebSocket echo.
 *
 * @module
 */
import { openSocket, rssMb, startBenchGateway, startEchoServer } from "./gateway.ts";
import { operator, within } from "./rpc.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function pct(samples: number[], q: number): number {
  if (samples.length === 0) return NaN;
  const s = samples.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** Result of {@linkcode soak}. */
export interface SoakResult {
  durationMs: number;
  sockets: number;
  requests: number;
  errors: number;
  firstError?: string;
  rssStartMb: number;
  rssMidMb: number;
  midAtMs: number;
  rssEndMb: number;
  health: { p50: number; p99: number };
  configGet: { p50: number; p99: number };
  /** The same pacing against the echo server (one message per round trip). */
  echo: { p50: number; p99: number; durationMs: number };
}

/**
 * `sockets` operator sockets, each sending `health` then `config.get` (each awaited) every
 * `intervalMs` for `durationMs`.
 */
export async function soak(
  entry: string,
  env: Record<string, string>,
  token: string,
  durationMs: number,
  sockets = 10,
  intervalMs = 100,
): Promise<SoakResult> {
  const gw = await startBenchGateway(entry, env);
  try {
    const ops = await Promise.all(Array.from({ length: sockets }, () => operator(gw.port, token)));
    await sleep(1500); // presence settles
    const pid = gw.child.pid;
    const rssStartMb = rssMb(pid);
    const midAtMs = Math.min(30_000, durationMs / 2);
    let rssMidMb = NaN;
    const healthLat: number[] = [];
    const configLat: number[] = [];
    let errors = 0;
    let firstError: string | undefined;
    const t0 = performance.now();
    const end = t0 + durationMs;
    const midTimer = setTimeout(() => rssMidMb = rssMb(pid), midAtMs);
    await Promise.all(ops.map(async (op, n) => {
      // Spread the sockets over the interval instead of firing all at once.
      for (let k = 0;; k++) {
        const at = t0 + k * intervalMs + (n * intervalMs) / sockets;
        if (at >= end) break;
        const wait = at - performance.now();
        if (wait > 0) await sleep(wait);
        for (const [method, lat] of [["health", healthLat], ["config.get", configLat]] as const) {
          const t = performance.now();
          try {
            await op.call(method, {}, 5_000);
            lat.push(performance.now() - t);
          } catch (err) {
            errors++;
            firstError ??= String((err as Error).message);
          }
        }
      }
    }));
    clearTimeout(midTimer);
    const elapsedMs = performance.now() - t0;
    const rssEndMb = rssMb(pid);
    for (const op of ops) op.ws.close();
    const echo = await echoSoak(Math.min(5_000, durationMs), sockets, intervalMs);
    return {
      durationMs: elapsedMs,
      sockets,
      requests: healthLat.length + configLat.length,
      errors,
      firstError,
      rssStartMb,
      rssMidMb,
      midAtMs,
      rssEndMb,
      health: { p50: pct(healthLat, 0.5), p99: pct(healthLat, 0.99) },
      configGet: { p50: pct(configLat, 0.5), p99: pct(configLat, 0.99) },
      echo,
    };
  } finally {
    await gw.stop();
  }
}

/** The soak's pacing against the echo server: the WebSocket round-trip floor. */
async function echoSoak(durationMs: number, sockets: number, intervalMs: number) {
  const echo = await startEchoServer();
  try {
    const conns = await Promise.all(
      Array.from(
        { length: sockets },
        () => within(openSocket(`ws://127.0.0.1:${echo.port}`), 10_000, "echo open"),
      ),
    );
    const lat: number[] = [];
    const t0 = performance.now();
    const end = t0 + durationMs;
    await Promise.all(conns.map(async ({ ws, next }, n) => {
      for (let k = 0;; k++) {
        const at = t0 + k * intervalMs + (n * intervalMs) / sockets;
        if (at >= end) break;
        const wait = at - performance.now();
        if (wait > 0) await sleep(wait);
        for (let j = 0; j < 2; j++) {
          const t = performance.now();
          ws.send(`{"type":"req","id":"${k}-${j}","method":"health","params":{}}`);
          await within(next(), 5_000, "echo");
          lat.push(performance.now() - t);
        }
      }
    }));
    for (const { ws } of conns) ws.close();
    return { p50: pct(lat, 0.5), p99: pct(lat, 0.99), durationMs };
  } finally {
    await echo.stop();
  }
}
