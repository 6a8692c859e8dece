import { assert, assertEquals, Raw, start } from "./_helpers.ts";

/** Sends `request` on a fresh connection; returns the status and whether the server closed. */
async function answer(
  port: number,
  request: string,
): Promise<{ status: number; closed: boolean; handled: boolean }> {
  const raw = await Raw.connect(port);
  try {
    await raw.write(request);
    const res = await raw.response({ ms: 2_000 });
    return { status: res.status, closed: await raw.closedWithin(1_000), handled: false };
  } finally {
    raw.close();
  }
}

const cases: [string, string, number][] = [
  ["bad request line", "GARBAGE\r\nHost: t\r\n\r\n", 400],
  ["request line with two spaces", "GET  / HTTP/1.1\r\nHost: t\r\n\r\n", 400],
  ["unsupported version", "GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505],
  ["missing Host", "GET / HTTP/1.1\r\n\r\n", 400],
  ["duplicate Host", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400],
  ["Host with a path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400],
  [
    "duplicate Content-Length",
    "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
    400,
  ],
  ["Content-Length list", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1, 1\r\n\r\nx", 400],
  ["negative Content-Length", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n", 400],
  [
    "Content-Length with Transfer-Encoding",
    "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    400,
  ],
  [
    "unknown transfer coding",
    "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    400,
  ],
  ["obs-fold", "GET / HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n  2\r\n\r\n", 400],
  ["space before colon", "GET / HTTP/1.1\r\nHost : t\r\n\r\n", 400],
  ["bare LF inside a header", "GET / HTTP/1.1\r\nHost: t\r\nX-A: 1\nX-B: 2\r\n\r\n", 400],
  ["header line without colon", "GET / HTTP/1.1\r\nHost: t\r\nnocolon\r\n\r\n", 400],
  ["header too large", `GET / HTTP/1.1\r\nHost: t\r\nX-Big: ${"a".repeat(40_000)}\r\n\r\n`, 431],
  ["request line too long", `GET /${"a".repeat(9_000)} HTTP/1.1\r\nHost: t\r\n\r\n`, 414],
  ["authority-form target", "CONNECT example.com:443 HTTP/1.1\r\nHost: t\r\n\r\n", 400],
];

Deno.test("net/http: malformed requests are refused with the right status and closed", async () => {
  let handled = 0;
  const { server, port } = start(() => {
    handled++;
    return new Response("should not be reached");
  });
  try {
    for (const [name, request, status] of cases) {
      const got = await answer(port, request);
      assertEquals(got.status, status, name);
      assert(got.closed, `${name}: connection closed`);
    }
    assertEquals(handled, 0);
    assertEquals(server.stats().badRequests, cases.length);
  } finally {
    await server.shutdown();
  }
});

Deno.test("net/http: a malformed chunked body errors the body stream and closes", async () => {
  let error = "";
  const { server, port } = start(async (req) => {
    try {
      await req.text();
    } catch (err) {
      error = String(err);
    }
    return new Response("x");
  });
  const raw = await Raw.connect(port);
  try {
    await raw.write("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    await raw.response();
    assert(await raw.closedWithin(1_000));
    assert(error.includes("malformed chunk size"), error);
  } finally {
    raw.close();
    await server.shutdown();
  }
});

Deno.test("net/http: HTTP/1.0 without Host is accepted; empty lines before a request ignored", async () => {
  const { server, port } = start((req) => new Response(req.url));
  const raw = await Raw.connect(port);
  try {
    await raw.write("\r\nGET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    const res = await raw.response();
    assertEquals(res.body, "http://localhost/x");
    assertEquals(res.headers.get("connection"), "keep-alive");
  } finally {
    raw.close();
    await server.shutdown();
  }
});
