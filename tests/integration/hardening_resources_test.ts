/**
 * Resource bounds of the gateway's own server (gateway/net/), met the way a user meets them: a
 * real gateway process, raw TCP sockets. Descriptor exhaustion under a small `ulimit -n`, slow
 * request heads (slowloris), a stalled request body, oversize pre-auth WebSocket frames streamed
 * while the gateway reads, and the connection cap. Every loop is bounded in count and time.
 */
import assert from "node:assert/strict";
import {
  freePort,
  type GatewayProcess,
  makeSandbox,
  type Sandbox,
  spawnGateway,
  startGateway,
  waitUntil,
  writeFile,
} from "../helpers.ts";
import { type AnyFrame, cliConnectParams, RawClient } from "../fixtures/ws_client.ts";

const TOKEN = "hardening-resources-token-0123";
const config = (limits = "") =>
  `{ gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" }, ${
    limits ? `limits: { ${limits} },` : ""
  } } }`;

const enc = new TextEncoder();
const dec = new TextDecoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const mb = (n: number | undefined) => n === undefined ? "?" : `${(n / 2 ** 20).toFixed(0)} MB`;

/** Resident memory of a process in bytes (Linux); undefined elsewhere. */
async function rssBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** What a socket received until the peer closed it, or the deadline passed. */
interface ReadOutcome {
  bytes: Uint8Array;
  text: string;
  /** The peer closed (EOF or reset) before the deadline. */
  closed: boolean;
  /** When it closed (or the deadline), ms after the call. */
  ms: number;
}

/** Reads from `conn` until EOF / reset or `timeoutMs`; never throws. */
async function readUntilClosed(conn: Deno.Conn, timeoutMs: number): Promise<ReadOutcome> {
  const start = performance.now();
  const chunks: Uint8Array[] = [];
  let closed = false;
  const buf = new Uint8Array(16 * 1024);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), timeoutMs));
  try {
    while (true) {
      const n = await Promise.race([conn.read(buf), deadline]).catch(() => null);
      if (n === "timeout") break;
      if (n === null) {
        closed = true;
        break;
      }
      chunks.push(buf.slice(0, n));
    }
  } finally {
    clearTimeout(timer);
  }
  const total = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    total.set(c, off);
    off += c.length;
  }
  return { bytes: total, text: dec.decode(total), closed, ms: performance.now() - start };
}

/** Opens a TCP connection, or resolves undefined after `timeoutMs`. */
async function tryConnect(port: number, timeoutMs: number): Promise<Deno.TcpConn | undefined> {
  try {
    return await Deno.connect({
      hostname: "127.0.0.1",
      port,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    return undefined;
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch { /* already closed */ }
}

/** A connected, authenticated operator socket. */
async function operator(url: string): Promise<RawClient> {
  const c = await RawClient.open(url);
  await c.challenge();
  const res = await c.request("connect", cliConnectParams(TOKEN));
  assert.equal(res.ok, true, JSON.stringify(res));
  return c;
}

/** `status` over a fresh WebSocket client (then closed). */
async function statusOverWs(url: string): Promise<AnyFrame> {
  const c = await operator(url);
  try {
    const res = await c.request("status", {});
    assert.equal(res.ok, true, JSON.stringify(res));
    return res.payload;
  } finally {
    c.close();
    await c.closed;
  }
}

/** The server's counters from `status.subsystems.server.http`. */
async function serverStats(url: string): Promise<Record<string, number>> {
  const payload = await statusOverWs(url);
  return payload.subsystems.server.http;
}

async function httpHealth(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/health`, {
    signal: AbortSignal.timeout(5_000),
  });
  await res.body?.cancel();
  return res.status;
}

/** Spawns the gateway under `ulimit -n <fdLimit>` with the sandbox's env. */
function spawnUnderUlimit(sb: Sandbox, fdLimit: number, port: number): GatewayProcess {
  return spawnGateway(sb, ["--port", String(port)], { port, fdLimit });
}

/** Whether a child process has not exited yet. */
async function alive(child: Deno.ChildProcess): Promise<boolean> {
  const settled = await Promise.race([child.status.then(() => true), sleep(50).then(() => false)]);
  return !settled;
}

Deno.test({
  name: "resources: 400 idle connections under `ulimit -n 256` do not kill the gateway",
  ignore: Deno.build.os !== "linux",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using sb = await makeSandbox();
    await writeFile(sb.configPath, config());
    const port = freePort();
    await using gw = spawnUnderUlimit(sb, 256, port);
    await gw.waitFor(/Gateway listening on/);
    // Deno creates its signal-handling socket pair lazily within about a second of start and
    // panics if no descriptor is free then (see gateway/net/mod.ts): let that happen first.
    await sleep(1_500);
    const conns: Deno.TcpConn[] = [];
    let attempted = 0;
    try {
      const started = performance.now();
      // 400 in batches of 50, each connect bounded: a full backlog makes a connect hang.
      while (attempted < 400 && performance.now() - started < 30_000) {
        const batch = await Promise.all(
          Array.from({ length: 50 }, () => tryConnect(port, 3_000)),
        );
        attempted += batch.length;
        for (const c of batch) if (c) conns.push(c);
      }
      await sleep(1_000);
      assert.ok(await alive(gw.child), `gateway died with 400 connections:\n${gw.output()}`);
      console.log(`${conns.length} of ${attempted} connections opened`);
      assert.ok(conns.length > 100, `only ${conns.length} connections opened`);
    } finally {
      for (const c of conns.splice(0)) closeQuietly(c);
    }
    // Once the descriptors are free again the gateway serves HTTP and WebSocket clients.
    await waitUntil(async () => (await httpHealth(port).catch(() => 0)) === 200, {
      timeoutMs: 10_000,
      intervalMs: 200,
      message: "/health to answer 200 after the storm",
    });
    const stats = await serverStats(gw.url);
    console.log(`server stats after the storm: ${JSON.stringify(stats)}`);
    assert.ok(
      stats.refused + stats.acceptErrors > 0,
      `refusals or accept errors were counted: ${JSON.stringify(stats)}`,
    );
    assert.ok(await alive(gw.child), "gateway still alive at the end");
  },
});

Deno.test({
  name: "resources: 50 slowloris sockets are closed after headerTimeoutMs while /health answers",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using sb = await makeSandbox();
    await using gw = await startGateway(sb, config("headerTimeoutMs: 1000"));
    const conns: Deno.TcpConn[] = [];
    try {
      for (let i = 0; i < 50; i++) {
        const c = await tryConnect(gw.port, 3_000);
        assert.ok(c, `slowloris socket ${i} connected`);
        conns.push(c);
      }
      const start = performance.now();
      await Promise.all(
        conns.map((c) => c.write(enc.encode("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: "))),
      );
      const outcomes = conns.map((c) => readUntilClosed(c, 6_000));
      // Meanwhile a normal request is answered.
      assert.equal(await httpHealth(gw.port), 200);
      const done = await Promise.all(outcomes);
      const slowest = Math.max(...done.map((o) => o.ms));
      const elapsed = performance.now() - start;
      console.log(`50 slowloris sockets closed; slowest after ${slowest.toFixed(0)} ms`);
      for (const [i, o] of done.entries()) {
        assert.ok(o.closed, `socket ${i} still open after 6 s (got ${JSON.stringify(o.text)})`);
        assert.ok(o.text === "" || o.text.startsWith("HTTP/1.1 408"), `socket ${i}: ${o.text}`);
      }
      assert.ok(elapsed < 3_500, `closed within ~3 s (took ${elapsed.toFixed(0)} ms)`);
    } finally {
      for (const c of conns) closeQuietly(c);
    }
    assert.ok(await alive(gw.child));
  },
});

Deno.test({
  name: "resources: a stalled POST body is closed after bodyTimeoutMs",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using sb = await makeSandbox();
    await using gw = await startGateway(sb, config("bodyTimeoutMs: 1000"));
    const conn = await tryConnect(gw.port, 3_000);
    assert.ok(conn);
    try {
      const start = performance.now();
      await conn.write(enc.encode(
        "POST /tools/invoke HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
          `Authorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\n` +
          'Content-Length: 1000\r\n\r\n{"tool":"x',
      ));
      const o = await readUntilClosed(conn, 8_000);
      const ms = performance.now() - start;
      console.log(
        `stalled body: closed=${o.closed} after ${ms.toFixed(0)} ms; ${o.text.split("\r\n")[0]}`,
      );
      assert.ok(o.closed, `connection still open after 8 s: ${o.text}`);
      assert.ok(ms < 3_500, `closed within ~3 s (took ${ms.toFixed(0)} ms)`);
      assert.doesNotMatch(o.text, /HTTP\/1\.1 200/);
    } finally {
      closeQuietly(conn);
    }
    assert.equal(await httpHealth(gw.port), 200);
  },
});

/** Performs a WebSocket upgrade on a raw socket; returns bytes read past the 101 head. */
async function rawUpgrade(conn: Deno.Conn, port: number): Promise<Uint8Array> {
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  await conn.write(enc.encode(
    `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  ));
  let acc = new Uint8Array(0);
  const buf = new Uint8Array(4096);
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const n = await conn.read(buf);
    if (n === null) throw new Error(`closed during upgrade: ${dec.decode(acc)}`);
    const next = new Uint8Array(acc.length + n);
    next.set(acc);
    next.set(buf.subarray(0, n), acc.length);
    acc = next;
    const text = dec.decode(acc);
    const end = text.indexOf("\r\n\r\n");
    if (end >= 0) {
      assert.match(text, /^HTTP\/1\.1 101/, text.slice(0, end));
      return acc.slice(enc.encode(text.slice(0, end + 4)).length);
    }
  }
  throw new Error("no upgrade response in 5 s");
}

/** The first close frame (code, reason) in server-to-client (unmasked) frame bytes. */
function findClose(bytes: Uint8Array): { code: number; reason: string } | undefined {
  let i = 0;
  while (i + 2 <= bytes.length) {
    const opcode = bytes[i] & 0x0f;
    let len = bytes[i + 1] & 0x7f;
    let h = 2;
    if (len === 126) {
      if (i + 4 > bytes.length) return undefined;
      len = (bytes[i + 2] << 8) | bytes[i + 3];
      h = 4;
    } else if (len === 127) {
      if (i + 10 > bytes.length) return undefined;
      len = Number(new DataView(bytes.buffer, bytes.byteOffset + i + 2, 8).getBigUint64(0));
      h = 10;
    }
    if (i + h + len > bytes.length) return undefined;
    if (opcode === 8) {
      const p = bytes.subarray(i + h, i + h + len);
      return p.length >= 2
        ? { code: (p[0] << 8) | p[1], reason: dec.decode(p.subarray(2)) }
        : { code: 1005, reason: "" };
    }
    i += h + len;
  }
  return undefined;
}

Deno.test({
  name: "resources: 16 sockets streaming 20 MB pre-auth frames are closed 1009 from the header",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using sb = await makeSandbox();
    await using gw = await startGateway(sb, config());
    // Warm up (the first call loads lazily imported code), then take the baseline.
    await statusOverWs(gw.url);
    await sleep(300);
    const rssBefore = await rssBytes(gw.child.pid);
    const DECLARED = 20 * 1024 * 1024;
    const CHUNK = new Uint8Array(64 * 1024);
    const conns: Deno.TcpConn[] = [];
    try {
      for (let i = 0; i < 16; i++) {
        const c = await tryConnect(gw.port, 3_000);
        assert.ok(c);
        conns.push(c);
      }
      const results = await Promise.all(conns.map(async (conn) => {
        const early = await rawUpgrade(conn, gw.port);
        const header = new Uint8Array(14);
        header[0] = 0x81; // FIN + text
        header[1] = 0x80 | 127; // masked, 64-bit length
        new DataView(header.buffer).setBigUint64(2, BigInt(DECLARED));
        header.set(crypto.getRandomValues(new Uint8Array(4)), 10);
        const reading = readUntilClosed(conn, 8_000);
        // Stream payload while the gateway reads: at most 4 MB per socket; stop at the first
        // failed write (the gateway closed).
        let sent = 0;
        try {
          await conn.write(header);
          while (sent < 4 * 1024 * 1024) sent += await conn.write(CHUNK);
        } catch { /* closed by the gateway */ }
        const o = await reading;
        const all = new Uint8Array(early.length + o.bytes.length);
        all.set(early);
        all.set(o.bytes, early.length);
        return { closed: o.closed, sent, close: findClose(all) };
      }));
      const rssAfter = await rssBytes(gw.child.pid);
      const maxSent = Math.max(...results.map((r) => r.sent));
      console.log(
        `pre-auth 20 MB frames: max ${(maxSent / 2 ** 20).toFixed(1)} MB streamed per socket ` +
          `before the close; RSS ${mb(rssBefore)} -> ${mb(rssAfter)}`,
      );
      for (const [i, r] of results.entries()) {
        assert.ok(r.closed, `socket ${i} was closed`);
        assert.deepEqual(
          r.close,
          { code: 1009, reason: "preauth payload too large" },
          `socket ${i}`,
        );
      }
      if (rssBefore !== undefined && rssAfter !== undefined) {
        assert.ok(rssAfter - rssBefore < 50 * 2 ** 20, `RSS grew ${mb(rssAfter - rssBefore)}`);
      }
    } finally {
      for (const c of conns) closeQuietly(c);
    }
    // The gateway still serves.
    await statusOverWs(gw.url);
  },
});

Deno.test({
  name: "resources: with maxConnections 20, the 21st connection is refused 503 at once",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using sb = await makeSandbox();
    await using gw = await startGateway(sb, config("maxConnections: 20"));
    const held: Deno.TcpConn[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const c = await tryConnect(gw.port, 3_000);
        assert.ok(c, `connection ${i} opened`);
        held.push(c);
      }
      await sleep(300); // let the gateway accept all 20
      const extra = await tryConnect(gw.port, 3_000);
      assert.ok(extra, "the 21st connects at TCP level");
      const start = performance.now();
      await extra.write(enc.encode("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
        .catch(() => 0);
      const o = await readUntilClosed(extra, 3_000);
      closeQuietly(extra);
      console.log(
        `21st connection: ${JSON.stringify(o.text.split("\r\n")[0])}, closed after ` +
          `${o.ms.toFixed(0)} ms (${(performance.now() - start).toFixed(0)} ms total)`,
      );
      assert.ok(o.closed, "the 21st connection is closed");
      assert.ok(o.text === "" || o.text.startsWith("HTTP/1.1 503"), o.text);
      assert.ok(o.ms < 1_000, `closed at once (${o.ms.toFixed(0)} ms)`);
    } finally {
      for (const c of held) closeQuietly(c);
    }
    // After releasing them a normal client works (the gateway notices the closes first).
    const stats = await waitUntil(() => serverStats(gw.url).catch(() => undefined), {
      timeoutMs: 5_000,
      intervalMs: 100,
      message: "a normal client after releasing the 20",
    });
    console.log(`server stats: ${JSON.stringify(stats)}`);
    assert.ok(stats.refused >= 1, JSON.stringify(stats));
    assert.equal(await httpHealth(gw.port), 200);
  },
});
