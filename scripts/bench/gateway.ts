/**
 * Gateway benchmarks: start → /readyz, idle RSS, CLI latency against a running gateway, and
 * `health` RPC round trips on one socket against the floor server (scripts/bench/floor/
 * server.ts: bare Hono + `Deno.upgradeWebSocket`, echoing) measured in the same run — the
 * ceiling any gateway on this runtime can reach.
 */
import { pct } from "./report.ts";

/** Returns a port that was free a moment ago. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A process started for the bench that answers `GET /readyz`. */
export interface BenchGateway {
  child: Deno.ChildProcess;
  port: number;
  /** Milliseconds from spawn to the first `/readyz` 200. */
  readyMs: number;
  stop(): Promise<void>;
}

/** Options of {@linkcode startBenchGateway}. */
export interface BenchGatewayOptions {
  /**
   * Run the gateway under `ulimit -n <fdLimit>` (soft and hard), through `bash -c '…; exec …'` so
   * the child's pid is still the gateway's.
   */
  fdLimit?: number;
}

/** The floor program: a bare Hono + WebSocket server (scripts/bench/floor/server.ts). */
export const FLOOR_SERVER = new URL("./floor/server.ts", import.meta.url).pathname;

/** Spawns `deno <args>` and polls `http://127.0.0.1:<port>/readyz` until it answers 200. */
async function startUntilReady(
  args: string[],
  port: number,
  env: Record<string, string> | undefined,
  options: BenchGatewayOptions = {},
): Promise<BenchGateway> {
  const t0 = performance.now();
  // BENCH_DEBUG=1 shows the child's output.
  const out = Deno.env.get("BENCH_DEBUG") ? "inherit" : "null";
  const child =
    (options.fdLimit === undefined
      ? new Deno.Command(Deno.execPath(), { args, env, stdout: out, stderr: out })
      : new Deno.Command("bash", {
        args: [
          "-c",
          `ulimit -n ${Math.floor(options.fdLimit)}; exec "$0" "$@"`,
          Deno.execPath(),
          ...args,
        ],
        env,
        stdout: out,
        stderr: out,
      })).spawn();
  let readyMs = -1;
  while (performance.now() - t0 < 20_000) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      await r.body?.cancel();
      if (r.status === 200) {
        readyMs = performance.now() - t0;
        break;
      }
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 1));
  }
  if (readyMs < 0) {
    child.kill("SIGKILL");
    await child.status;
    throw new Error(`${args.join(" ")}: not ready in 20 s`);
  }
  return {
    child,
    port,
    readyMs,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** Spawns `openclaw gateway` and polls `/readyz` until it answers 200. */
export function startBenchGateway(
  entry: string,
  env: Record<string, string>,
  options: BenchGatewayOptions = {},
): Promise<BenchGateway> {
  const port = freePort();
  const args = ["run", "-A", "--quiet", entry, "gateway", "--port", String(port)];
  return startUntilReady(args, port, env, options);
}

/** Spawns the floor server and polls its `/readyz` like the gateway's. */
export function startFloorServer(env?: Record<string, string>): Promise<BenchGateway> {
  const port = freePort();
  return startUntilReady(["run", "-A", "--quiet", FLOOR_SERVER, String(port)], port, env);
}

/** Resident set size of a process in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** CPU time (user+sys) of a process in ms (Linux /proc). */
export function cpuMs(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks * 10; // USER_HZ is 100 on Linux
}

/** Opens a WebSocket whose messages queue up for `next()`. */
export function openSocket(url: string): Promise<{ ws: WebSocket; next: () => Promise<string> }> {
  const ws = new WebSocket(url);
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  ws.onmessage = (e) => {
    queue.push(String(e.data));
    wake?.();
  };
  const next = async () => {
    while (queue.length === 0) await new Promise<void>((r) => wake = r);
    return queue.shift()!;
  };
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve({ ws, next });
    ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
  });
}

/** One side of a round-trip comparison: sends request `i`, then waits for its answer. */
interface RoundTripper {
  once(i: number): Promise<void>;
}

function roundTripper(
  send: (i: number) => void,
  next: () => Promise<string>,
  isAnswer: (text: string, i: number) => boolean,
): RoundTripper {
  return {
    async once(i) {
      send(i);
      while (!isAnswer(await next(), i));
    },
  };
}

/** Sequential round trips for `ms`; returns how many completed and the time they took. */
async function timedWindow(side: RoundTripper, ms: number, from: number) {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) await side.once(from + n++);
  return { n, ms: performance.now() - t0 };
}

/** Result of {@linkcode healthVsEcho}: round trips per second of each, and their ratio. */
export interface RoundTripComparison {
  gateway: number;
  echo: number;
  /** p50 of the per-round ratios gateway / echo. */
  ratio: number;
}

/**
 * `health` round trips on one authenticated gateway socket against the same frame echoed by the
 * floor server, measured in alternating windows (gateway, echo, echo, gateway, ...) so a machine
 * whose speed drifts during the run (shared cores) skews both alike.
 */
export async function healthVsEcho(
  port: number,
  token: string,
  options: { rounds?: number; windowMs?: number } = {},
): Promise<RoundTripComparison> {
  const rounds = options.rounds ?? 10;
  const windowMs = options.windowMs ?? 300;
  const echo = await startEchoServer();
  const sockets: WebSocket[] = [];
  try {
    const g = await openSocket(`ws://127.0.0.1:${port}`);
    sockets.push(g.ws);
    await g.next(); // connect.challenge
    g.ws.send(connectFrame(token));
    while (!(await g.next()).includes('"hello-ok"'));
    const e = await openSocket(`ws://127.0.0.1:${echo.port}`);
    sockets.push(e.ws);
    const frame = (i: number) => `{"type":"req","id":"${i}","method":"health","params":{}}`;
    const gateway = roundTripper(
      (i) => g.ws.send(frame(i)),
      g.next,
      (text, i) => text.startsWith(`{"type":"res","id":"${i}"`),
    );
    const echoSide = roundTripper(
      (i) => e.ws.send(frame(i)),
      e.next,
      (text, i) => text.includes(`"id":"${i}"`),
    );
    // Warm up both sides until V8 has optimised the code on the path: the gateway's CPU per
    // round trip kept falling for ~20,000 round trips (a 200-round-trip warm-up measured mostly
    // unoptimised code).
    let id = 0;
    for (const side of [gateway, echoSide]) {
      const warm = performance.now();
      for (let i = 0; i < 20_000 && performance.now() - warm < 2_000; i++) await side.once(id++);
    }
    const totals = { gateway: { n: 0, ms: 0 }, echo: { n: 0, ms: 0 } };
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? ["gateway", "echo"] as const : ["echo", "gateway"] as const;
      const rate: Record<string, number> = {};
      for (const which of order) {
        const w = await timedWindow(which === "gateway" ? gateway : echoSide, windowMs, id);
        id += w.n;
        totals[which].n += w.n;
        totals[which].ms += w.ms;
        rate[which] = w.n / w.ms;
      }
      ratios.push(rate.gateway / rate.echo);
    }
    ratios.sort((a, b) => a - b);
    return {
      gateway: totals.gateway.n / (totals.gateway.ms / 1000),
      echo: totals.echo.n / (totals.echo.ms / 1000),
      ratio: ratios[Math.floor(ratios.length / 2)],
    };
  } finally {
    for (const ws of sockets) ws.close();
    await echo.stop();
  }
}

/** The bench client's `connect` request: an operator backend with `operator.read`, token auth. */
export function connectFrame(token: string): string {
  return JSON.stringify({
    type: "req",
    id: "c",
    method: "connect",
    params: {
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: "gateway-client", version: "bench", platform: Deno.build.os, mode: "backend" },
      role: "operator",
      scopes: ["operator.read"],
      auth: { token },
    },
  });
}

/** A bare Deno WebSocket echo server in its own process (the floor any gateway can reach). */
export interface EchoServer {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Starts the floor server (its `/` echoes WebSocket messages) and waits until it answers. */
export async function startEchoServer(env?: Record<string, string>): Promise<EchoServer> {
  const s = await startFloorServer(env);
  return { port: s.port, pid: s.child.pid, stop: s.stop };
}

/** Connections the floor and each gateway serve before their idle RSS is read. */
export const WARM_UP_CONNECTIONS = 30;

/**
 * Fresh servers whose idle RSS is read for one row, which reports their median: one read of the
 * same build moved by up to 8 MB between starts.
 */
export const RSS_SAMPLES = 3;

/**
 * The floor's idle RSS (MB), the median of {@linkcode RSS_SAMPLES} fresh floor servers, each read
 * after `connections` WebSocket connections with one echo each (each gateway serves as many,
 * scripts/bench/rpc.ts `warmUp`) and `settleMs` idle.
 */
export async function floorIdleRss(
  env?: Record<string, string>,
  connections = WARM_UP_CONNECTIONS,
  settleMs = 2000,
): Promise<number> {
  const samples: number[] = [];
  for (let s = 0; s < RSS_SAMPLES; s++) {
    const floor = await startFloorServer(env);
    try {
      for (let i = 0; i < connections; i++) {
        const { ws, next } = await openSocket(`ws://127.0.0.1:${floor.port}`);
        ws.send("ping");
        await next();
        const closed = new Promise((r) => ws.onclose = r);
        ws.close();
        await closed;
      }
      await new Promise((r) => setTimeout(r, settleMs));
      samples.push(rssMb(floor.child.pid));
    } finally {
      await floor.stop();
    }
  }
  return pct(samples, 0.5);
}
