/**
 * The socket's reused text-frame buffer: frames built in it are byte for byte what
 * `encodeTextFrame` makes, and frames sent while a write is in flight (which get their own
 * buffers) arrive intact and in order.
 */
import WebSocket from "ws";
import { upgradeWebSocket } from "../../../gateway/net/mod.ts";
import { encodeTextFrame, TextFrameBuffer } from "../../../gateway/net/ws_frame.ts";
import { assertEquals, start, within } from "./_helpers.ts";

Deno.test("net/ws_send: a text frame built in the reused buffer equals encodeTextFrame's", () => {
  const buf = new TextFrameBuffer(16 * 1024);
  for (
    const text of [
      "",
      "hi",
      "a".repeat(125),
      "a".repeat(126),
      "é".repeat(62), // 124 bytes: still the short header
      "é".repeat(63), // 126 bytes: the 16-bit length
      "✓".repeat(3000), // 9,000 bytes: grows past the first size
      "x".repeat(16 * 1024 - 4), // exactly the largest frame kept
      "\ud800 lone surrogate",
    ]
  ) {
    assertEquals([...buf.frame(text)!], [...encodeTextFrame(text)], `${text.slice(0, 20)}…`);
  }
});

Deno.test("net/ws_send: a text frame above the buffer's size is left to encodeTextFrame", () => {
  const buf = new TextFrameBuffer(1024);
  assertEquals(buf.frame("x".repeat(1021)), undefined);
  assertEquals(buf.frame("é".repeat(600)), undefined); // 600 units, 1,200 bytes
  assertEquals(buf.frame("x".repeat(1020))!.length, 1024);
});

Deno.test("net/ws_send: answers sent while a write is in flight arrive intact and in order", async () => {
  // Each message is answered by a burst: the first frame goes to the reused buffer and starts a
  // write, the rest queue behind it in their own buffers.
  const sizes = [1, 125, 126, 2_400, 16_000, 70_000, 3];
  const srv = start((req) => {
    const { socket, response } = upgradeWebSocket(req);
    socket.onmessage = (e) => {
      const round = String(e.data);
      for (const n of sizes) socket.send(`${round}:${n}:` + "é✓x".repeat(n).slice(0, n));
    };
    return response;
  });
  const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`);
  const got: string[] = [];
  let wake: (() => void) | undefined;
  ws.on("message", (data) => {
    got.push(String(data));
    wake?.();
  });
  try {
    await within(new Promise((resolve) => ws.once("open", resolve)), 2_000, "ws open");
    const want: string[] = [];
    for (let round = 0; round < 20; round++) {
      ws.send(String(round));
      for (const n of sizes) want.push(`${round}:${n}:` + "é✓x".repeat(n).slice(0, n));
      await within(
        (async () => {
          while (got.length < want.length) await new Promise<void>((r) => wake = r);
        })(),
        5_000,
        `round ${round}`,
      );
    }
    assertEquals(got.length, want.length);
    for (let i = 0; i < want.length; i++) assertEquals(got[i], want[i], `message ${i}`);
  } finally {
    ws.terminate();
    await srv.server.shutdown();
  }
});
