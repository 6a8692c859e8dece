import WebSocket from "ws";
import {
  type ServerWebSocket,
  type ServerWebSocketOptions,
  upgradeWebSocket,
  type WsCloseEvent,
} from "../../../gateway/net/mod.ts";
import {
  assert,
  assertEquals,
  clientFrame,
  Raw,
  rawWebSocket,
  readClose,
  readFrame,
  start,
  until,
  within,
} from "./_helpers.ts";

/** A server whose sockets echo, with hooks to reach the server-side sockets. */
function wsServer(options: ServerWebSocketOptions = {}, onSocket?: (s: ServerWebSocket) => void) {
  const sockets: ServerWebSocket[] = [];
  const closes: WsCloseEvent[] = [];
  const srv = start((req) => {
    const { socket, response } = upgradeWebSocket(req, options);
    sockets.push(socket);
    socket.onmessage = (e) => socket.send(e.data);
    socket.onclose = (e) => closes.push(e);
    onSocket?.(socket);
    return response;
  });
  return { ...srv, sockets, closes, url: `ws://127.0.0.1:${srv.port}/ws` };
}

async function open(url: string, opts: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, opts);
  await within(
    new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    }),
    2_000,
    "ws open",
  );
  return ws;
}

function nextMessage(ws: WebSocket): Promise<{ data: Buffer; binary: boolean }> {
  return within(
    new Promise((resolve) =>
      ws.once("message", (data, binary) => resolve({ data: data as Buffer, binary }))
    ),
    5_000,
    "ws message",
  );
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  if (ws.readyState === WebSocket.CLOSED) throw new Error("already closed");
  return within(
    new Promise((resolve) =>
      ws.once("close", (code, reason) => resolve({ code, reason: String(reason) }))
    ),
    5_000,
    "ws close",
  );
}

Deno.test("net/ws: echoes text and binary with the ws client", async () => {
  const s = wsServer();
  const ws = await open(s.url);
  try {
    ws.send("héllo ✓");
    let m = await nextMessage(ws);
    assertEquals([m.data.toString(), m.binary], ["héllo ✓", false]);
    ws.send(new Uint8Array([0, 1, 2, 255]));
    m = await nextMessage(ws);
    assertEquals([[...m.data], m.binary], [[0, 1, 2, 255], true]);
    // Larger than the 16 KiB read buffer, and larger than 64 KiB framing (needs a raised limit).
    s.sockets[0].maxMessageBytes = 2 * 1024 * 1024;
    const big = "x".repeat(1024 * 1024);
    ws.send(big);
    m = await nextMessage(ws);
    assertEquals(m.data.length, big.length);
    // A fragmented message is reassembled.
    ws.send("part1-", { fin: false });
    ws.send("part2", { fin: true });
    m = await nextMessage(ws);
    assertEquals(m.data.toString(), "part1-part2");
    const c = closed(ws);
    ws.close(1000);
    await c;
  } finally {
    ws.terminate();
    await s.server.shutdown();
  }
});

Deno.test("net/ws: binary messages arrive as ArrayBuffer, text as string; onopen is async", async () => {
  const got: unknown[] = [];
  let openedSync = true;
  const s = wsServer({}, (socket) => {
    socket.onopen = () => got.push(`open:${socket.readyState}`);
    socket.onmessage = (e) => got.push(e.data);
    queueMicrotask(() => openedSync = socket.readyState !== socket.CONNECTING);
  });
  const ws = await open(s.url);
  try {
    ws.send("t");
    ws.send(new Uint8Array([7]));
    await until(() => got.length === 3, 2_000, "2 messages");
    assertEquals(got[0], "open:1");
    assertEquals(got[1], "t");
    assert(got[2] instanceof ArrayBuffer);
    assertEquals([...new Uint8Array(got[2] as ArrayBuffer)], [7]);
    assertEquals(openedSync, false);
  } finally {
    ws.terminate();
    await s.server.shutdown();
  }
});

Deno.test("net/ws: ping gets a pong; an unresponsive peer is pinged and dropped", async () => {
  const s = wsServer({ idleTimeoutSec: 0.2 });
  const ws = await open(s.url);
  const raw = await rawWebSocket(s.port);
  try {
    const pong = within(new Promise<Buffer>((r) => ws.once("pong", (d) => r(d as Buffer))), 2_000);
    ws.ping("abc");
    assertEquals((await pong).toString(), "abc");
    // The ws client answers the server's idle pings, so it stays open.
    await new Promise((r) => setTimeout(r, 700));
    assertEquals(ws.readyState, WebSocket.OPEN);
    // The raw client does not: ping after 0.2 s idle, then the connection is dropped.
    const f = await readFrame(raw, 2_000);
    assertEquals(f?.opcode, 9);
    assert(await raw.closedWithin(2_000));
    await until(() => s.closes.some((c) => c.code === 1006), 1_000, "1006 reported");
  } finally {
    ws.terminate();
    raw.close();
    await s.server.shutdown();
  }
});

Deno.test("net/ws: close codes and reasons travel both ways", async () => {
  const s = wsServer();
  try {
    // Client-initiated.
    let ws = await open(s.url);
    let c = closed(ws);
    ws.close(4001, "client bye");
    assertEquals(await c, { code: 4001, reason: "client bye" });
    await until(() => s.closes.length === 1, 1_000, "server close event");
    assertEquals(
      { code: s.closes[0].code, reason: s.closes[0].reason, clean: s.closes[0].wasClean },
      { code: 4001, reason: "client bye", clean: true },
    );
    // Server-initiated.
    ws = await open(s.url);
    c = closed(ws);
    await until(() => s.sockets.length === 2 && s.sockets[1].readyState === 1, 1_000, "open");
    s.sockets[1].close(4002, "server bye");
    assertEquals(s.sockets[1].readyState, 2);
    assertEquals(await c, { code: 4002, reason: "server bye" });
    await until(() => s.closes.length === 2, 1_000, "server close event");
    assertEquals([s.closes[1].code, s.closes[1].wasClean], [4002, true]);
    assertEquals(s.sockets[1].readyState, 3);
    // A close frame without a code is reported as 1005.
    const raw = await rawWebSocket(s.port);
    await raw.write(clientFrame(8, new Uint8Array(0)));
    assertEquals((await readClose(raw)).code, 1005);
    raw.close();
    await until(() => s.closes.length === 3, 1_000, "server close event");
    assertEquals(s.closes[2].code, 1005);
    // The TCP connection dying without a close frame is 1006.
    const raw2 = await rawWebSocket(s.port);
    raw2.close();
    await until(() => s.closes.length === 4, 1_000, "server close event");
    assertEquals([s.closes[3].code, s.closes[3].wasClean], [1006, false]);
    // Invalid codes are refused by close().
    let threw = false;
    try {
      s.sockets[0].close(1005);
    } catch (err) {
      threw = err instanceof DOMException && err.name === "InvalidAccessError";
    }
    assert(threw);
  } finally {
    await s.server.shutdown();
  }
});

Deno.test("net/ws: protocol violations close with 1002 (unmasked, RSV, control frames)", async () => {
  const s = wsServer();
  try {
    const bad: [string, Uint8Array][] = [
      ["unmasked", clientFrame(1, "hi", { mask: false })],
      ["rsv bits", clientFrame(1, "hi", { rsv: 4 })],
      ["long ping", clientFrame(9, new Uint8Array(126))],
      ["fragmented ping", clientFrame(9, "p", { fin: false })],
      ["bare continuation", clientFrame(0, "c")],
      ["unknown opcode", clientFrame(3, "x")],
      ["close code 1005 on the wire", clientFrame(8, new Uint8Array([0x03, 0xed]))],
    ];
    for (const [name, frame] of bad) {
      const raw = await rawWebSocket(s.port);
      await raw.write(frame);
      assertEquals((await readClose(raw)).code, 1002, name);
      assert(await raw.closedWithin(3_000), `${name}: TCP closed`);
      raw.close();
    }
    await until(() => s.closes.length === bad.length, 1_000, "all reported");
    assert(s.closes.every((c) => c.code === 1002 && !c.wasClean));
  } finally {
    await s.server.shutdown();
  }
});

Deno.test("net/ws: invalid UTF-8 in a text message closes with 1007", async () => {
  const s = wsServer();
  const raw = await rawWebSocket(s.port);
  try {
    await raw.write(clientFrame(1, new Uint8Array([0x68, 0xc3, 0x28])));
    assertEquals((await readClose(raw)).code, 1007);
    // Fragmented: invalid only once reassembled across the boundary.
    const raw2 = await rawWebSocket(s.port);
    await raw2.write(clientFrame(1, new Uint8Array([0xe2, 0x82]), { fin: false }));
    await raw2.write(clientFrame(0, new Uint8Array([0x28])));
    assertEquals((await readClose(raw2)).code, 1007);
    raw2.close();
  } finally {
    raw.close();
    await s.server.shutdown();
  }
});

Deno.test("net/ws: a 20 MB frame header is refused with 1009 before its payload is read", async () => {
  const s = wsServer({ maxMessageBytes: 64 * 1024 });
  const clients: Raw[] = [];
  try {
    // Warm up allocations so the RSS comparison is about the frames, not first-use growth.
    const warm = await rawWebSocket(s.port);
    clients.push(warm);
    await warm.write(clientFrame(2, new Uint8Array(1000)));
    await readFrame(warm);
    const before = Deno.memoryUsage().rss;
    const header = clientFrame(2, new Uint8Array(0), { declaredLength: 20 * 1024 * 1024 });
    for (let i = 0; i < 16; i++) {
      const raw = await rawWebSocket(s.port);
      clients.push(raw);
      const junk = new Uint8Array(8).fill(0x41);
      await raw.write(new Uint8Array([...header, ...junk]));
    }
    for (const raw of clients.slice(1)) {
      assertEquals(await readClose(raw, 3_000), { code: 1009, reason: "message too large" });
      raw.close();
    }
    // Clients that go on pushing the whole 20 MB payload still get 1009 at once and are cut
    // off after a bounded discard; nothing close to their payload is kept.
    const pushers: Promise<number>[] = [];
    const piece = new Uint8Array(256 * 1024);
    for (let i = 0; i < 4; i++) {
      const raw = await rawWebSocket(s.port);
      clients.push(raw);
      pushers.push((async () => {
        let sent = 0;
        try {
          await raw.write(header);
          while (sent < 20 * 1024 * 1024) sent += await raw.conn.write(piece);
        } catch {
          // reset by the server
        }
        return sent;
      })());
      assertEquals((await readClose(raw, 3_000)).code, 1009);
    }
    for (const raw of clients.slice(-4)) raw.close();
    await within(Promise.all(pushers), 5_000, "pushers stopped");
    // RSS is the whole test process's (other test files run beside this one), so the bound is
    // loose: buffering the four pushers' payloads alone would add 80 MB. The precise check, on
    // the gateway process alone, is in tests/integration/hardening_resources_test.ts.
    const grown = Deno.memoryUsage().rss - before;
    assert(grown < 40 * 1024 * 1024, `RSS grew by ${grown} bytes`);
    await until(() => s.closes.filter((c) => c.code === 1009).length === 20, 3_000, "20 × 1009");
  } finally {
    for (const c of clients) c.close();
    await s.server.shutdown();
  }
});

Deno.test("net/ws: fragments whose running total exceeds the limit are refused with 1009", async () => {
  const s = wsServer({ maxMessageBytes: 64 * 1024 });
  const raw = await rawWebSocket(s.port);
  try {
    await raw.write(clientFrame(2, new Uint8Array(40 * 1024), { fin: false }));
    await raw.write(clientFrame(0, new Uint8Array(20 * 1024), { fin: false }));
    await raw.write(clientFrame(0, new Uint8Array(10 * 1024), { fin: true }));
    assertEquals((await readClose(raw)).code, 1009);
    // Within the limit, the same shape is delivered.
    const raw2 = await rawWebSocket(s.port);
    await raw2.write(clientFrame(2, new Uint8Array(40 * 1024).fill(1), { fin: false }));
    await raw2.write(clientFrame(0, new Uint8Array(24 * 1024).fill(2), { fin: true }));
    const f = await readFrame(raw2);
    assertEquals([f?.opcode, f?.payload.length], [2, 64 * 1024]);
    assertEquals([f!.payload[0], f!.payload[64 * 1024 - 1]], [1, 2]);
    raw2.close();
  } finally {
    raw.close();
    await s.server.shutdown();
  }
});

Deno.test("net/ws: raising maxMessageBytes after open lets a bigger message through", async () => {
  const s = wsServer({ maxMessageBytes: 64 * 1024 }, (socket) => {
    socket.onmessage = (e) => {
      if (e.data === "auth") {
        socket.maxMessageBytes = 25 * 1024 * 1024;
        socket.send("ok");
      } else socket.send(`len:${(e.data as ArrayBuffer).byteLength}`);
    };
  });
  try {
    const ws = await open(s.url);
    ws.send("auth");
    assertEquals((await nextMessage(ws)).data.toString(), "ok");
    ws.send(new Uint8Array(5 * 1024 * 1024));
    assertEquals((await nextMessage(ws)).data.toString(), `len:${5 * 1024 * 1024}`);
    ws.terminate();
    // Without raising it, the same message is refused.
    const ws2 = await open(s.url);
    const c = closed(ws2);
    ws2.send(new Uint8Array(5 * 1024 * 1024));
    assertEquals((await c).code, 1009);
  } finally {
    await s.server.shutdown();
  }
});

Deno.test("net/ws: bufferedAmount grows while the client does not read and falls back", async () => {
  const s = wsServer();
  const raw = await rawWebSocket(s.port);
  try {
    await until(() => s.sockets[0]?.readyState === 1, 1_000, "open");
    const socket = s.sockets[0];
    const chunk = new Uint8Array(1024 * 1024);
    for (let i = 0; i < 32; i++) socket.send(chunk);
    assert(socket.bufferedAmount >= 32 * 1024 * 1024);
    await new Promise((r) => setTimeout(r, 100));
    const stalled = socket.bufferedAmount;
    assert(stalled > 4 * 1024 * 1024, `still buffered: ${stalled}`);
    // Read everything; the server's queue drains.
    const buf = new Uint8Array(1024 * 1024);
    let total = 0;
    const want = 32 * (1024 * 1024 + 10);
    await within(
      (async () => {
        while (total < want) {
          const n = await raw.conn.read(buf);
          if (n === null) break;
          total += n;
        }
      })(),
      5_000,
      "draining",
    );
    assertEquals(total, want);
    assertEquals(socket.bufferedAmount, 0);
  } finally {
    raw.close();
    await s.server.shutdown();
  }
});

Deno.test("net/ws: handshake validation mirrors Deno.upgradeWebSocket", async () => {
  const errors: string[] = [];
  const { server, port } = start((req) => {
    try {
      return upgradeWebSocket(req).response;
    } catch (err) {
      errors.push(`${(err as Error).name}: ${(err as Error).message}`);
      return new Response("bad", { status: 400 });
    }
  });
  try {
    const variants = [
      "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13",
      "Upgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13",
      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13",
      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8",
    ];
    for (const v of variants) {
      const raw = await Raw.connect(port);
      await raw.write(`GET / HTTP/1.1\r\nHost: t\r\n${v}\r\n\r\n`);
      assertEquals((await raw.response()).status, 400);
      raw.close();
    }
    assertEquals(errors.length, 4);
    assert(errors.every((e) => e.startsWith("TypeError: ")));
    let threw = false;
    try {
      upgradeWebSocket(
        new Request("http://x/", {
          headers: {
            upgrade: "websocket",
            connection: "upgrade",
            "sec-websocket-version": "13",
            "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
          },
        }),
      );
    } catch (err) {
      threw = err instanceof TypeError;
    }
    assert(threw, "a request not from serveHttp is refused");
  } finally {
    await server.shutdown();
  }
});

Deno.test("net/ws: a socket whose upgrade response is not returned closes without opening", async () => {
  let events: string[] = [];
  const { server, port } = start((req) => {
    const { socket } = upgradeWebSocket(req);
    socket.onopen = () => events.push("open");
    socket.onerror = () => events.push("error");
    socket.onclose = (e) => events.push(`close:${e.code}`);
    return new Response("denied", { status: 403 });
  });
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    const status = await within(
      new Promise<number>((resolve) => {
        ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.once("error", () => {});
      }),
      2_000,
    );
    ws.terminate();
    assertEquals(status, 403);
    assertEquals(events, ["error", "close:1006"]);
    events = [];
  } finally {
    await server.shutdown();
  }
});

Deno.test("net/ws: 20,000 one-byte fragments with a ping in between are reassembled", async () => {
  const s = wsServer({ maxMessageBytes: 64 * 1024 });
  const raw = await rawWebSocket(s.port);
  try {
    const n = 20_000;
    const parts: Uint8Array[] = [clientFrame(1, "a", { fin: false })];
    for (let i = 1; i < n - 1; i++) {
      parts.push(clientFrame(0, "a", { fin: false }));
      if (i === 5) parts.push(clientFrame(9, "mid"));
    }
    parts.push(clientFrame(0, "a", { fin: true }));
    const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let off = 0;
    for (const p of parts) {
      all.set(p, off);
      off += p.length;
    }
    const t0 = Date.now();
    await raw.write(all);
    const pong = await readFrame(raw);
    assertEquals([pong?.opcode, new TextDecoder().decode(pong?.payload)], [10, "mid"]);
    const echo = await readFrame(raw);
    assertEquals([echo?.opcode, echo?.payload.length], [1, n]);
    assert(Date.now() - t0 < 5_000, `took ${Date.now() - t0} ms`);
    // Exactly at the limit passes; one byte more does not.
    await raw.write(clientFrame(2, new Uint8Array(64 * 1024)));
    assertEquals((await readFrame(raw))?.payload.length, 64 * 1024);
    await raw.write(clientFrame(2, new Uint8Array(64 * 1024 + 1)));
    assertEquals((await readClose(raw)).code, 1009);
  } finally {
    raw.close();
    await s.server.shutdown();
  }
});
