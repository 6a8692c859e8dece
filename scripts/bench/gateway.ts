/**
 * Gateway benchmarks: start → /readyz, idle RSS, CLI latency against a running gateway, and
 * `health` RPC round trips on one socket against a bare Deno WebSocket echo server measured in
 * the same run (the ceiling any gateway on this runtime can reach).
 */

/** Returns a port that was free a moment ago. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A gateway process started for the bench. */
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

/** Spawns `openclaw gateway` and polls `/readyz` until it answers 200. */
export async function startBenchGateway(
  entry: string,
  env: Record<string, string>,
  options: BenchGatewayOptions = {},
): Promise<BenchGateway> {
  const port = freePort();
  const t0 = performance.now();
  // BENCH_DEBUG=1 shows the gateway's output.
  const out = Deno.env.get("BENCH_DEBUG") ? "inherit" : "null";
  const gatewayArgs = ["run", "-A", "--quiet", entry, "gateway", "--port", String(port)];
  const child = (options.fdLimit === undefined
    ? new Deno.Command(Deno.execPath(), {
      args: gatewayArgs,
      env,
      stdout: "null",
      stderr: "null",
    })
    : new Deno.Command("bash", {
      args: [
        "-c",
        `ulimit -n ${Math.floor(options.fdLimit)}; exec "$0" "$@"`,
        Deno.execPath(),
        ...gatewayArgs,
      ],
      env,
      stdout: out,
      stderr: out,
    })).spawn();
  let readyMs = -1;
  while (performance.now() - t0 < 10_000) {
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
  if (readyMs < 0) throw new Error("gateway did not become ready in 10 s");
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

/** Sequential round trips per second of `frame` (each waits for its answer). */
async function roundTrips(
  send: (i: number) => void,
  next: () => Promise<string>,
  isAnswer: (text: string, i: number) => boolean,
  durationMs: number,
): Promise<number> {
  // Warm up, then measure for a fixed time.
  for (let i = 0; i < 200; i++) {
    send(i);
    while (!isAnswer(await next(), i));
  }
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < durationMs) {
    send(n);
    while (!isAnswer(await next(), n));
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
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

/** `health` round trips per second over one authenticated gateway socket. */
export async function gatewayHealthRps(
  port: number,
  token: string,
  durationMs = 3000,
): Promise<number> {
  const { ws, next } = await openSocket(`ws://127.0.0.1:${port}`);
  await next(); // connect.challenge
  ws.send(connectFrame(token));
  while (!(await next()).includes('"hello-ok"'));
  const rps = await roundTrips(
    (i) => ws.send(`{"type":"req","id":"${i}","method":"health","params":{}}`),
    next,
    (text, i) => text.startsWith(`{"type":"res","id":"${i}"`),
    durationMs,
  );
  ws.close();
  return rps;
}

const ECHO_SERVER = `
const port = Number(Deno.args[0]);
Deno.serve({ hostname: "127.0.0.1", port, onListen: () => console.log("ready") }, (req) => {
  const { socket, response } = Deno.upgradeWebSocket(req);
  socket.onmessage = (e) => socket.send(e.data);
  return response;
});
`;

/** A bare Deno WebSocket echo server in its own process (the floor any gateway can reach). */
export interface EchoServer {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Starts the echo server and waits until it listens. */
export async function startEchoServer(): Promise<EchoServer> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", ECHO_SERVER, String(port)],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.getReader();
  await reader.read(); // "ready"
  reader.releaseLock();
  return {
    port,
    pid: child.pid,
    async stop() {
      child.kill("SIGTERM");
      await child.stdout.cancel().catch(() => {});
      await child.status;
    },
  };
}

/**
 * Round trips per second against a bare Deno WebSocket echo server, run as its own process like
 * the gateway so both get the same machine.
 */
export async function echoRps(durationMs = 3000): Promise<number> {
  const echo = await startEchoServer();
  try {
    const { ws, next } = await openSocket(`ws://127.0.0.1:${echo.port}`);
    const rps = await roundTrips(
      (i) => ws.send(`{"type":"req","id":"${i}","method":"health","params":{}}`),
      next,
      (text, i) => text.includes(`"id":"${i}"`),
      durationMs,
    );
    ws.close();
    return rps;
  } finally {
    await echo.stop();
  }
}
