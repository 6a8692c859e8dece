import { type HttpError, parseRequestHead, scanHead } from "../../../gateway/net/http_head.ts";
import { encodeFrame, encodeTextFrame, unmask } from "../../../gateway/net/ws_frame.ts";
import { assert, assertEquals, enc } from "./_helpers.ts";

const LIMITS = { maxRequestLineBytes: 64, maxHeaderBytes: 128 };

Deno.test("net/parse: scanHead finds the end incrementally and enforces limits", () => {
  const full = enc.encode("GET / HTTP/1.1\r\nHost: t\r\n\r\nrest");
  assertEquals(scanHead(full, 0, LIMITS), full.length - 4);
  // Fed byte by byte, the end is found exactly once it is there.
  for (let n = 1; n < full.length - 4; n++) {
    assertEquals(scanHead(full.subarray(0, n), Math.max(0, n - 1), LIMITS), -1);
  }
  assertEquals(scanHead(enc.encode("GET / HTTP/1.1\r\n\r\n"), 0, LIMITS), 18);
  const status = (bytes: string) => {
    try {
      scanHead(enc.encode(bytes), 0, LIMITS);
      return 0;
    } catch (err) {
      return (err as HttpError).status;
    }
  };
  assertEquals(status(`GET /${"a".repeat(70)}`), 414);
  assertEquals(status(`GET / HTTP/1.1\r\nX: ${"a".repeat(130)}`), 431);
  assertEquals(status(`GET / HTTP/1.1\r\nX: a`), 0);
});

Deno.test("net/parse: parseRequestHead extracts framing and connection semantics", () => {
  const h = parseRequestHead(
    enc.encode(
      "POST /x?y HTTP/1.1\r\nHost: a:1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n" +
        "Expect: 100-continue\r\nUpgrade: websocket\r\nX-Empty:\r\nX-Pad:  v \t\r\n\r\n",
    ),
  );
  assertEquals(h.method, "POST");
  assertEquals(h.target, "/x?y");
  assertEquals(h.host, "a:1");
  assertEquals(h.chunked, true);
  assertEquals(h.contentLength, -1);
  assertEquals(h.close, true);
  assertEquals(h.expectContinue, true);
  assertEquals(h.upgrade, true);
  assertEquals(h.headers.find(([n]) => n === "X-Pad")?.[1], "v");
  assertEquals(h.headers.find(([n]) => n === "X-Empty")?.[1], "");
  // Header bytes above 0x7f survive as ByteString characters.
  const latin = parseRequestHead(
    new Uint8Array([
      ...enc.encode("GET / HTTP/1.1\r\nHost: t\r\nX: "),
      0xe9,
      ...enc.encode("\r\n\r\n"),
    ]),
  );
  assertEquals(latin.headers[1][1], "\u00e9");
  const h10 = parseRequestHead(enc.encode("GET / HTTP/1.0\r\n\r\n"));
  assertEquals([h10.http10, h10.close, h10.host], [true, true, null]);
});

Deno.test("net/parse: word-wise unmask equals the byte loop at every alignment", () => {
  const mask = new Uint8Array([0x12, 0x34, 0x56, 0x78]);
  for (const len of [0, 1, 3, 15, 16, 17, 63, 64, 65, 100, 1027]) {
    for (let off = 0; off < 4; off++) {
      for (let phase = 0; phase < 4; phase++) {
        const buf = new Uint8Array(len + off + 8).map((_, i) => (i * 31) & 0xff);
        const want = buf.slice();
        for (let i = 0; i < len; i++) want[off + i] ^= mask[(phase + i) & 3];
        unmask(buf, off, len, mask, 0, phase);
        assertEquals(buf, want, `len ${len} off ${off} phase ${phase}`);
      }
    }
  }
});

Deno.test("net/parse: server frames use the shortest length encoding", () => {
  assertEquals([...encodeTextFrame("hi")], [0x81, 2, 0x68, 0x69]);
  const mid = encodeTextFrame("a".repeat(300));
  assertEquals([mid[0], mid[1], mid[2], mid[3], mid.length], [0x81, 126, 1, 44, 304]);
  const utf = encodeTextFrame("é".repeat(100)); // 200 bytes, not ASCII
  assertEquals([utf[1], (utf[2] << 8) | utf[3], utf.length], [126, 200, 204]);
  const big = encodeFrame(2, new Uint8Array(70_000));
  assertEquals([big[1], big.length], [127, 70_010]);
  assert(big.subarray(2, 10).every((b, i) => b === [0, 0, 0, 0, 0, 1, 0x11, 0x70][i]));
});
