import { HeadHeaders, type ServerWebSocket, upgradeWebSocket } from "../../../gateway/net/mod.ts";
import { acceptKey, acceptKeyNative } from "../../../lib/net/ws_accept.ts";
import { getHeader } from "../../../gateway/_ip.ts";
import { assert, assertEquals, clientFrame, Raw, start, until, within } from "./_helpers.ts";

const HANDSHAKE = "Upgrade: websocket\r\nConnection: Upgrade\r\n" +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

Deno.test("net/ws: a WebSocket handshake's handler reads the head's fields as Headers do", async () => {
  let seen: Headers | undefined;
  const { server, port } = start((req) => {
    seen = req.headers;
    return upgradeWebSocket(req).response;
  });
  const raw = await Raw.connect(port);
  try {
    await raw.write(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n${HANDSHAKE}` +
        "X-Tag: one\r\nORIGIN: http://localhost:1\r\nx-tag: two\r\n\r\n",
    );
    const head = await raw.readUntil("\r\n\r\n");
    assert(head?.startsWith("HTTP/1.1 101"), head ?? "no answer");
    assert(seen instanceof HeadHeaders, "an upgrade gets the read-only view, not a rebuilt copy");
    assertEquals(seen.get("origin"), "http://localhost:1");
    assertEquals(seen.get("Origin"), "http://localhost:1");
    assertEquals(seen.get("x-tag"), "one, two", "repeated fields are joined as Headers joins them");
    assertEquals(seen.get("x-missing"), null);
    assert(seen.has("SEC-WEBSOCKET-KEY") && !seen.has("cookie"));
    // The auth helpers read it like any Headers (a local-client check looks at Host and Origin).
    assertEquals(getHeader(seen, "Host"), "127.0.0.1");
    // Iteration is what `new Headers(fields)` gives: lower-cased, sorted, repeats combined.
    const fields: [string, string][] = [
      ["Host", "127.0.0.1"],
      ["Upgrade", "websocket"],
      ["Connection", "Upgrade"],
      ["Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="],
      ["Sec-WebSocket-Version", "13"],
      ["X-Tag", "one"],
      ["ORIGIN", "http://localhost:1"],
      ["x-tag", "two"],
    ];
    assertEquals([...seen], [...new Headers(fields)]);
    assertEquals([...new Headers(seen)], [...new Headers(fields)], "copyable into real Headers");
    for (const mutate of [() => seen!.set("a", "b"), () => seen!.append("a", "b")]) {
      let threw = false;
      try {
        mutate();
      } catch (err) {
        threw = err instanceof TypeError;
      }
      assert(threw, "a request's headers are immutable");
    }
  } finally {
    raw.close();
    await server.shutdown();
  }
});

Deno.test("net/ws: other requests keep real Headers, Upgrade-carrying ones included", async () => {
  const kinds: string[] = [];
  const { server, port } = start((req) => {
    kinds.push(req.headers instanceof HeadHeaders ? "view" : req.headers.constructor.name);
    return new Response("no");
  });
  const raw = await Raw.connect(port);
  try {
    await raw.write("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    await raw.response();
    await raw.write("GET / HTTP/1.1\r\nHost: t\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n");
    await raw.response();
    await raw.write(`POST / HTTP/1.1\r\nHost: t\r\n${HANDSHAKE}Content-Length: 0\r\n\r\n`);
    await raw.response();
    assertEquals(kinds, ["Headers", "Headers", "Headers"]);
  } finally {
    raw.close();
    await server.shutdown();
  }
});

Deno.test("net/ws: a message event carries its size in UTF-8 bytes", async () => {
  const sizes: number[] = [];
  let socket: ServerWebSocket | undefined;
  const { server, port } = start((req) => {
    const up = upgradeWebSocket(req);
    socket = up.socket;
    socket.onmessage = (e) => sizes.push(e.byteLength);
    return up.response;
  });
  const raw = await Raw.connect(port);
  try {
    await raw.write(`GET /ws HTTP/1.1\r\nHost: t\r\n${HANDSHAKE}\r\n`);
    await raw.readUntil("\r\n\r\n");
    await raw.write(clientFrame(1, "h\u00e9llo \u{1F600}")); // 1 + 2 + 3 + 1 + 4 bytes
    await raw.write(clientFrame(2, new Uint8Array(7)));
    await within(until(() => sizes.length === 2), 3_000, "both messages");
    assertEquals(sizes, [11, 7]);
  } finally {
    raw.close();
    await server.shutdown();
  }
});

Deno.test("net/ws: the server's accept key is the RFC 6455 one, hashed natively", async () => {
  assertEquals(await acceptKeyNative("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  assertEquals(await acceptKeyNative(key), acceptKey(key));
  // And the 101 carries it.
  const { server, port } = start((req) => upgradeWebSocket(req).response);
  const raw = await Raw.connect(port);
  try {
    await raw.write(`GET /ws HTTP/1.1\r\nHost: t\r\n${HANDSHAKE}\r\n`);
    const head = (await raw.readUntil("\r\n\r\n")) ?? "";
    assert(/sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/i.test(head), head);
  } finally {
    raw.close();
    await server.shutdown();
  }
});
