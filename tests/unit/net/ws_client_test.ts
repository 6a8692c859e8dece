/**
 * The CLI's own `ws://` client (lib/net/ws_client.ts): the handshake, messages both ways, the
 * server's pings, fragments and close frames, and every way a server can misbehave -- against the
 * gateway's real WebSocket server and against raw TCP servers that write exact bytes.
 */
import { type ServerWebSocket, upgradeWebSocket } from "../../../gateway/net/mod.ts";
import { acceptKey } from "../../../lib/net/ws_accept.ts";
import { openWebSocket, type WebSocketLike, WsState } from "../../../lib/net/ws_client.ts";
import { sha1 } from "../../../lib/crypto/sha1.ts";
import { encodeBase64 } from "../../../lib/base64.ts";
import { assert, assertEquals, start, until, within } from "./_helpers.ts";

/** A client with its events recorded. */
function recorded(url: string, maxMessageBytes?: number) {
  const ws = openWebSocket(url, { maxMessageBytes });
  const messages: unknown[] = [];
  const errors: string[] = [];
  let close: { code: number; reason: string } | undefined;
  const opened = new Promise<void>((resolve) => ws.onopen = () => resolve());
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.onclose = (e) => resolve(close = { code: e.code, reason: e.reason });
  });
  ws.onmessage = (e) => messages.push(e.data);
  ws.onerror = (e) => errors.push(e.message ?? "");
  return {
    ws,
    messages,
    errors,
    opened,
    closed,
    get close() {
      return close;
    },
  };
}

function echoServer(onSocket?: (s: ServerWebSocket) => void) {
  const sockets: ServerWebSocket[] = [];
  const srv = start((req) => {
    const { socket, response } = upgradeWebSocket(req, { maxMessageBytes: 1 << 20 });
    sockets.push(socket);
    socket.onmessage = (e) => socket.send(e.data);
    onSocket?.(socket);
    return response;
  });
  return { ...srv, sockets, url: `ws://127.0.0.1:${srv.port}/ws?x=1` };
}

/**
 * A TCP server that answers the upgrade with `head(key)` and then runs `then` on the connection
 * (it sees the client's raw bytes through `read`).
 */
function rawServer(
  then: (conn: Deno.Conn) => Promise<void>,
  head: (key: string) => string = (key) =>
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const done = (async () => {
    for await (const conn of listener) {
      const buf = new Uint8Array(4096);
      const n = await conn.read(buf);
      const text = new TextDecoder().decode(buf.subarray(0, n ?? 0));
      const key = /Sec-WebSocket-Key: (\S+)/i.exec(text)?.[1] ?? "";
      await conn.write(new TextEncoder().encode(head(key)));
      await then(conn).catch(() => {});
      try {
        conn.close();
      } catch { /* closed by the client */ }
    }
  })();
  return {
    url: `ws://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/`,
    async [Symbol.asyncDispose]() {
      listener.close();
      await done.catch(() => {});
    },
  };
}

/** Reads one masked client frame: opcode and unmasked payload. */
async function readClientFrame(conn: Deno.Conn): Promise<{ op: number; payload: Uint8Array }> {
  const head = new Uint8Array(14);
  await readFull(conn, head.subarray(0, 2));
  assert((head[1] & 0x80) !== 0, "client frames are masked");
  let len = head[1] & 0x7f;
  if (len === 126) {
    await readFull(conn, head.subarray(2, 4));
    len = (head[2] << 8) | head[3];
  }
  const mask = new Uint8Array(4);
  await readFull(conn, mask);
  const payload = new Uint8Array(len);
  await readFull(conn, payload);
  for (let i = 0; i < len; i++) payload[i] ^= mask[i & 3];
  return { op: head[0] & 0x0f, payload };
}

async function readFull(conn: Deno.Conn, into: Uint8Array): Promise<void> {
  for (let at = 0; at < into.length;) {
    const n = await conn.read(into.subarray(at));
    if (n === null) throw new Error("eof");
    at += n;
  }
}

const frame = (first: number, payload: Uint8Array | string) => {
  const bytes = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
  assert(bytes.length < 126);
  return new Uint8Array([first, bytes.length, ...bytes]);
};

Deno.test("the ws client exchanges text both ways with the gateway's server, small and large", async () => {
  const srv = echoServer();
  try {
    const c = recorded(srv.url);
    await within(c.opened, 5_000, "open");
    assertEquals(c.ws.readyState, WsState.OPEN);
    const big = "x".repeat(200_000);
    c.ws.send("hello");
    c.ws.send(big);
    c.ws.send("h\u00e9llo \u{1f600}");
    await until(() => c.messages.length === 3, 5_000, "echoes");
    assertEquals(c.messages, ["hello", big, "h\u00e9llo \u{1f600}"]);
    c.ws.close(1000, "done");
    assertEquals(c.ws.readyState, WsState.CLOSING);
    assertEquals(await within(c.closed, 5_000, "close"), { code: 1000, reason: "done" });
    assertEquals(c.ws.readyState, WsState.CLOSED);
    assertEquals(c.errors, []);
  } finally {
    await srv.server.shutdown();
  }
});

Deno.test("a close from the server arrives with its code and reason", async () => {
  const srv = echoServer((s) => s.onopen = () => s.close(4001, "bye now"));
  try {
    const c = recorded(srv.url);
    assertEquals(await within(c.closed, 5_000, "close"), { code: 4001, reason: "bye now" });
  } finally {
    await srv.server.shutdown();
  }
});

Deno.test("the client answers a ping with its payload and joins fragments into one message", async () => {
  let pong: { op: number; payload: string } | undefined;
  await using srv = rawServer(async (conn) => {
    await conn.write(frame(0x89, "are you there"));
    const f = await readClientFrame(conn);
    pong = { op: f.op, payload: new TextDecoder().decode(f.payload) };
    await conn.write(frame(0x01, "hel")); // text, not final
    await conn.write(frame(0x89, "")); // a ping between fragments
    await conn.write(frame(0x80, "lo")); // final continuation
    await readClientFrame(conn); // the pong
    await conn.write(frame(0x88, new Uint8Array([0x03, 0xe8])));
    await readClientFrame(conn); // the close echoed
  });
  const c = recorded(srv.url);
  assertEquals(await within(c.closed, 5_000, "close"), { code: 1000, reason: "" });
  assertEquals(pong, { op: 0xa, payload: "are you there" });
  assertEquals(c.messages, ["hello"]);
});

Deno.test("a refused connection is an error naming it, then a 1006 close", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const c = recorded(`ws://127.0.0.1:${port}/`);
  assertEquals((await within(c.closed, 5_000, "close")).code, 1006);
  assert(/refused/i.test(c.errors[0] ?? ""), c.errors.join());
});

const BAD_HANDSHAKES: [string, (key: string) => string, RegExp][] = [
  ["a 404", () => "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n", /404/],
  [
    "a wrong accept value",
    () =>
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n",
    /Sec-WebSocket-Accept/,
  ],
  [
    "no Upgrade header",
    (key) => `HTTP/1.1 101 OK\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
    /Upgrade/,
  ],
  [
    "a head that never ends",
    () => "HTTP/1.1 101 OK\r\n" + "X-Pad: aaaaaaaa\r\n".repeat(2_000),
    /too large/,
  ],
];
for (const [what, head, message] of BAD_HANDSHAKES) {
  Deno.test(`a handshake answered with ${what} fails to open`, async () => {
    await using srv = rawServer(() => new Promise((r) => setTimeout(r, 200)), head);
    const c = recorded(srv.url);
    assertEquals((await within(c.closed, 5_000, "close")).code, 1006);
    assert(message.test(c.errors[0] ?? ""), c.errors.join());
    assertEquals(c.messages, []);
  });
}

Deno.test("a message over the limit, or a masked server frame, fails the connection", async () => {
  for (
    const [bytes, code] of [
      [new Uint8Array([0x81, 126, 0x04, 0x00, ...new Uint8Array(1024)]), 1009],
      [new Uint8Array([0x81, 0x81, 1, 2, 3, 4, 0x61]), 1002],
    ] as const
  ) {
    let sentClose: number | undefined;
    await using srv = rawServer(async (conn) => {
      await conn.write(bytes);
      const f = await readClientFrame(conn);
      sentClose = (f.payload[0] << 8) | f.payload[1];
    });
    const c = recorded(srv.url, 512);
    assertEquals((await within(c.closed, 5_000, "close")).code, code);
    await until(() => sentClose !== undefined, 5_000, "the close frame at the server");
    assertEquals(sentClose, code);
    assertEquals(c.messages, []);
  }
});

Deno.test("a server that drops the TCP connection gives a 1006 close", async () => {
  await using srv = rawServer(async () => {});
  const c = recorded(srv.url);
  await within(c.opened, 5_000, "open");
  assertEquals(await within(c.closed, 5_000, "close"), { code: 1006, reason: "" });
});

Deno.test("wss:// URLs go to the runtime's WebSocket; a bad URL throws like it", () => {
  const ws: WebSocketLike = openWebSocket("wss://127.0.0.1:9/");
  assert(ws instanceof WebSocket);
  ws.onerror = () => {};
  ws.close();
  let threw = false;
  try {
    openWebSocket("not a url");
  } catch {
    threw = true;
  }
  assert(threw);
});

Deno.test("SHA-1 and base64 match WebCrypto and btoa; the accept value is the RFC's", async () => {
  for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 4097]) {
    const data = crypto.getRandomValues(new Uint8Array(n));
    assertEquals(sha1(data), new Uint8Array(await crypto.subtle.digest("SHA-1", data)));
    assertEquals(encodeBase64(data), btoa(String.fromCharCode(...data)));
  }
  assertEquals(acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
});
