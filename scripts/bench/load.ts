/**
 * Gateway load benchmarks: many authenticated operator sockets at once and an idle TCP flood
 * against a gateway at a 1,024-descriptor limit (the steady-traffic soak is in ./soak.ts). Each
 * has a floor measured in the same run against the floor server's WebSocket echo where that is
 * cheap.
 */
import { connectFrame, rssMb, startBenchGateway, startEchoServer } from "./gateway.ts";
import { operator, within } from "./rpc.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function pct(samples: number[], q: number): number {
  if (samples.length === 0) return NaN;
  const s = samples.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** The soft open-file limit of this process (Linux), or NaN. */
export function ownFdLimit(): number {
  try {
    const line = Deno.readTextFileSync("/proc/self/limits").split("\n")
      .find((l) => l.startsWith("Max open files"));
    return Number(line?.slice("Max open files".length).trim().split(/\s+/)[0]);
  } catch {
    return NaN;
  }
}

/** Process has not exited (signal 0). */
function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT"); // harmless to a running process; throws once it is gone
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Many sockets

/** A socket that counts frames instead of queueing them. */
interface CountingSocket {
  ws: WebSocket;
  /** Frames with `"event":"presence"` received after hello-ok. */
  presence: number;
  frames: number;
}

/**
 * Opens one socket; against the gateway (`token` set) it completes the operator handshake,
 * against the echo server it resolves on open.
 */
function openCounting(url: string, token: string | undefined, timeoutMs = 15_000) {
  return new Promise<CountingSocket>((resolve, reject) => {
    const ws = new WebSocket(url);
    const s: CountingSocket = { ws, presence: 0, frames: 0 };
    let phase: "challenge" | "hello" | "open" = token === undefined ? "open" : "challenge";
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error("handshake timed out"));
    }, timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(why));
    };
    ws.onerror = () => fail("socket error");
    ws.onclose = (e) => fail(`closed during handshake (${e.code} ${e.reason})`);
    const done = () => {
      clearTimeout(timer);
      ws.onerror = null;
      ws.onclose = null;
      resolve(s);
    };
    ws.onopen = () => {
      if (phase === "open") done();
    };
    ws.onmessage = (e) => {
      const text = String(e.data);
      if (phase === "challenge") {
        phase = "hello";
        ws.send(connectFrame(token!));
      } else if (phase === "hello") {
        if (text.includes('"hello-ok"')) {
          phase = "open";
          done();
        } else if (text.startsWith('{"type":"res"')) {
          fail(`connect refused: ${text.slice(0, 200)}`);
        }
      } else {
        s.frames++;
        if (text.includes('"event":"presence"')) s.presence++;
      }
    };
  });
}

/** Result of {@linkcode manySockets}. */
export interface ManySocketsResult {
  connected: number;
  failed: number;
  firstError?: string;
  connectMs: number;
  /** Server RSS before any socket and after all are open (and presence settled). */
  rssBeforeMb: number;
  rssAfterMb: number;
  presenceFrames: number;
  closeMs: number;
}

/**
 * Opens `count` sockets in concurrent batches of `batch`, waits `settleMs` (the presence window),
 * reads the server's RSS, then closes them all and times until every close event arrived.
 */
async function manySockets(
  url: string,
  pid: number,
  token: string | undefined,
  count: number,
  batch: number,
  settleMs: number,
): Promise<ManySocketsResult> {
  const rssBeforeMb = rssMb(pid);
  const sockets: CountingSocket[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  for (let i = 0; i < count; i += batch) {
    const results = await Promise.allSettled(
      Array.from({ length: Math.min(batch, count - i) }, () => openCounting(url, token)),
    );
    for (const r of results) {
      if (r.status === "fulfilled") sockets.push(r.value);
      else {
        failed++;
        firstError ??= String(r.reason?.message ?? r.reason);
      }
    }
  }
  const connectMs = performance.now() - t0;
  await sleep(settleMs);
  const rssAfterMb = rssMb(pid);
  const presenceFrames = sockets.reduce((n, s) => n + s.presence, 0);
  const t1 = performance.now();
  await within(
    Promise.all(sockets.map((s) =>
      new Promise<void>((resolve) => {
        if (s.ws.readyState === WebSocket.CLOSED) return resolve();
        s.ws.onclose = () => resolve();
        s.ws.close();
      })
    )),
    30_000,
    "closing sockets",
  ).catch(() => {});
  const closeMs = performance.now() - t1;
  return {
    connected: sockets.length,
    failed,
    firstError,
    connectMs,
    rssBeforeMb,
    rssAfterMb,
    presenceFrames,
    closeMs,
  };
}

/** 1,000 authenticated operator sockets against the gateway, and the same against echo. */
export async function thousandSockets(
  entry: string,
  env: Record<string, string>,
  token: string,
  count = 1000,
  batch = 100,
): Promise<{ gateway: ManySocketsResult; echo: ManySocketsResult }> {
  // Everyone connects from 127.0.0.1, so the per-IP cap on sockets still in their handshake
  // (32 by default) must cover one batch.
  const gw = await startBenchGateway(entry, {
    ...env,
    OPENCLAW_MAX_PREAUTH_CONNECTIONS_PER_IP: String(batch + 28),
  }, { fdLimit: 4096 });
  let gateway: ManySocketsResult;
  try {
    await sleep(1000);
    // 1.5 s covers one presence coalescing window (1 s) after the last connect.
    gateway = await manySockets(
      `ws://127.0.0.1:${gw.port}`,
      gw.child.pid,
      token,
      count,
      batch,
      1500,
    );
  } finally {
    await gw.stop();
  }
  const echoServer = await startEchoServer();
  let echo: ManySocketsResult;
  try {
    await sleep(500);
    echo = await manySockets(
      `ws://127.0.0.1:${echoServer.port}`,
      echoServer.pid,
      undefined,
      count,
      batch,
      1500,
    );
  } finally {
    await echoServer.stop();
  }
  return { gateway, echo };
}

// ---------------------------------------------------------------------------------------------
// Idle TCP flood

/** Result of {@linkcode idleTcpFlood}. */
export interface FloodResult {
  fdLimit: number;
  attempted: number;
  /** TCP connects that failed or timed out on our side. */
  connectFailed: number;
  /** From the server's counters (health probe), the probe sockets excluded. */
  accepted: number;
  refused: number;
  acceptErrors: number;
  /** Flood sockets the server had closed (EOF or its 503) before we closed them. */
  closedByServer: number;
  floodMs: number;
  alive: boolean;
  healthP50: number;
  healthP90: number;
}

interface HttpStats {
  accepted: number;
  refused: number;
  acceptErrors: number;
}

async function httpStats(port: number, token: string): Promise<HttpStats> {
  const op = await operator(port, token);
  try {
    const h = await op.call("health", { probe: true }) as {
      subsystems?: { server?: { http?: HttpStats } };
    };
    const s = h.subsystems?.server?.http;
    if (!s) throw new Error("health has no subsystems.server.http");
    return s;
  } finally {
    // Wait for the close so the socket no longer holds a connection slot.
    const closed = new Promise<void>((r) => op.ws.onclose = () => r());
    op.ws.close();
    await within(closed, 5_000, "close").catch(() => {});
  }
}

/** Opens one TCP connection, giving up after `ms` (a late one is closed at once). */
function connectWithin(port: number, ms: number): Promise<Deno.TcpConn | undefined> {
  const p = Deno.connect({ hostname: "127.0.0.1", port });
  return within(p, ms, "tcp connect").catch(() => {
    p.then((c) => c.close(), () => {});
    return undefined;
  });
}

/** Starts a gateway under `ulimit -n fdLimit` and opens `count` idle TCP connections to it. */
export async function idleTcpFlood(
  entry: string,
  env: Record<string, string>,
  token: string,
  count = 1200,
  fdLimit = 1024,
  batch = 100,
): Promise<FloodResult> {
  const gw = await startBenchGateway(entry, env, { fdLimit });
  let exited = false;
  gw.child.status.then(() => exited = true);
  try {
    // Deno opens descriptors during its first second; let it settle before running them out.
    await sleep(1000);
    const before = await httpStats(gw.port, token);
    const conns: Deno.TcpConn[] = [];
    let connectFailed = 0;
    const t0 = performance.now();
    for (let i = 0; i < count; i += batch) {
      const got = await Promise.all(
        Array.from({ length: Math.min(batch, count - i) }, () => connectWithin(gw.port, 5_000)),
      );
      for (const c of got) c ? conns.push(c) : connectFailed++;
    }
    const floodMs = performance.now() - t0;
    // Refused ones get a one-line 503 and a close; the accepted ones stay silent (header timeout
    // is 10 s). One read per socket, all bounded by one deadline.
    await sleep(1000);
    const buf = () => new Uint8Array(256);
    const reads = conns.map((c) => c.read(buf()).then(() => true, () => true) // data, EOF or reset: the server let go
    );
    const settled = await Promise.all(
      reads.map((r) => within(r, 1500, "read").catch(() => false)),
    );
    const closedByServer = settled.filter((x) => x).length;
    for (const c of conns) {
      try {
        c.close();
      } catch { /* already closed */ }
    }
    await Promise.allSettled(reads);
    await sleep(500);
    const isAlive = !exited && alive(gw.child.pid);
    const health: number[] = [];
    if (isAlive) {
      for (let i = 0; i < 21; i++) {
        const t = performance.now();
        const r = await within(fetch(`http://127.0.0.1:${gw.port}/health`), 5_000, "/health");
        await r.body?.cancel();
        if (i > 0) health.push(performance.now() - t); // the first opens the connection
      }
    }
    const after = isAlive
      ? await httpStats(gw.port, token)
      : { accepted: NaN, refused: NaN, acceptErrors: NaN };
    return {
      fdLimit,
      attempted: count,
      connectFailed,
      // `after` counts the first probe socket, the /health connection and its own probe socket.
      accepted: after.accepted - before.accepted - 2,
      refused: after.refused - before.refused,
      acceptErrors: after.acceptErrors - before.acceptErrors,
      closedByServer,
      floodMs,
      alive: isAlive,
      healthP50: pct(health, 0.5),
      healthP90: pct(health, 0.9),
    };
  } finally {
    await gw.stop();
  }
}
