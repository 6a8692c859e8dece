import { assert, assertEquals, assertMatch, Raw, sleep, start, until, within } from "./_helpers.ts";

const HOST = "Host: t\r\n";

Deno.test("net/http: GET, and POST with Content-Length and chunked bodies", async () => {
  const { server, port } = start(async (req) => {
    const body = req.body ? await req.text() : "";
    return new Response(`${req.method} ${req.url} [${body}]`, {
      headers: { "x-len": req.headers.get("content-length") ?? "-" },
    });
  });
  const raw = await Raw.connect(port);
  try {
    await raw.write(`GET /a?b=1 HTTP/1.1\r\n${HOST}\r\n`);
    let res = await raw.response();
    assertEquals(res.status, 200);
    assertEquals(res.body, "GET http://t/a?b=1 []");
    assertEquals(res.headers.get("content-length"), String(res.body.length));
    assert(res.headers.get("date"));

    await raw.write(`POST /p HTTP/1.1\r\n${HOST}Content-Length: 5\r\n\r\nhello`);
    res = await raw.response();
    assertEquals(res.body, "POST http://t/p [hello]");
    assertEquals(res.headers.get("x-len"), "5");

    await raw.write(
      `POST /c HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n` +
        `3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nX-Trailer: 1\r\n\r\n`,
    );
    res = await raw.response();
    assertEquals(res.body, "POST http://t/c [abcdefg]");
    assertEquals(server.stats().requests, 3);
  } finally {
    raw.close();
    await server.shutdown();
  }
});

Deno.test("net/http: a body arriving in pieces is streamed, not buffered before the handler", async () => {
  const seen: string[] = [];
  const { server, port } = start(async (req) => {
    const reader = req.body!.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      seen.push(new TextDecoder().decode(r.value));
    }
    return new Response(seen.join("|"));
  });
  const raw = await Raw.connect(port);
  try {
    await raw.write(`POST / HTTP/1.1\r\n${HOST}Content-Length: 6\r\n\r\nabc`);
    await until(() => seen.length === 1, 2_000, "first piece delivered");
    await raw.write("def");
    const res = await raw.response();
    assertEquals(res.body, "abc|def");
  } finally {
    raw.close();
    await server.shutdown();
  }
});

Deno.test("net/http: keep-alive carries 3 sequential requests on one connection", async () => {
  const { server, port } = start((req) => new Response(new URL(req.url).pathname));
  const raw = await Raw.connect(port);
  try {
    for (const p of ["/1", "/2", "/3"]) {
      await raw.write(`GET ${p} HTTP/1.1\r\n${HOST}\r\n`);
      const res = await raw.response();
      assertEquals(res.body, p);
      assertEquals(res.headers.get("connection"), null);
    }
    // Pipelined requests are answered in order too.
    await raw.write(
      `GET /4 HTTP/1.1\r\n${HOST}\r\nGET /5 HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`,
    );
    assertEquals((await raw.response()).body, "/4");
    const last = await raw.response();
    assertEquals(last.body, "/5");
    assertEquals(last.headers.get("connection"), "close");
    assert(await raw.closedWithin(1_000));
    assertEquals(server.stats().accepted, 1);
    assertEquals(server.stats().requests, 5);
  } finally {
    raw.close();
    await server.shutdown();
  }
});

Deno.test("net/http: HEAD sends headers only; null bodies get Content-Length 0; 204 none", async () => {
  const { server, port } = start((req) => {
    const path = new URL(req.url).pathname;
    if (path === "/empty") return new Response(null, { status: 201 });
    if (path === "/nocontent") return new Response(null, { status: 204 });
    return new Response("twelve bytes");
  });
  const raw = await Raw.connect(port);
  try {
    await raw.write(`HEAD / HTTP/1.1\r\n${HOST}\r\n`);
    const head = await raw.response({ head: true });
    assertEquals(head.status, 200);
    await raw.write(`GET /empty HTTP/1.1\r\n${HOST}\r\n`);
    const empty = await raw.response();
    assertEquals([empty.status, empty.headers.get("content-length")], [201, "0"]);
    await raw.write(`GET /nocontent HTTP/1.1\r\n${HOST}\r\n`);
    const none = await raw.response();
    assertEquals(none.status, 204);
    assertEquals(none.headers.get("content-length"), null);
    assertEquals(none.headers.get("transfer-encoding"), null);
    // Nothing stray was sent after the HEAD answer: the next response parses cleanly.
    await raw.write(`GET / HTTP/1.1\r\n${HOST}\r\n`);
    assertEquals((await raw.response()).body, "twelve bytes");
  } finally {
    raw.close();
    await server.shutdown();
  }
});

Deno.test("net/http: a streaming response is flushed chunk by chunk", async () => {
  let push!: (s: string | null) => void;
  const { server, port } = start(() => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        push = (s) => s === null ? c.close() : c.enqueue(new TextEncoder().encode(s));
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  });
  const raw = await Raw.connect(port);
  try {
    await raw.write(`GET /sse HTTP/1.1\r\n${HOST}\r\n`);
    const head = await raw.readUntil("\r\n\r\n");
    assertMatch(head!, /transfer-encoding: chunked/);
    push("data: 1\n\n");
    assertEquals(await raw.readUntil("\n\n\r\n"), "9\r\ndata: 1\n\n\r\n");
    push("data: 2\n\n");
    assertEquals(await raw.readUntil("\n\n\r\n"), "9\r\ndata: 2\n\n\r\n");
    push("data: 3\n\n");
    assertEquals(await raw.readUntil("\n\n\r\n"), "9\r\ndata: 3\n\n\r\n");
    push(null);
    assertEquals(await raw.readUntil("0\r\n\r\n"), "0\r\n\r\n");
  } finally {
    raw.close();
    await server.shutdown();
  }
});

Deno.test("net/http: 404 from the handler; a throw becomes 500 via onError (or the default)", async () => {
  const errors: unknown[] = [];
  const { server, port } = start((req) => {
    if (req.url.endsWith("/missing")) return new Response("nope", { status: 404 });
    throw new Error("boom");
  }, {
    onError: (err) => {
      errors.push(err);
      return new Response("custom", { status: 500 });
    },
  });
  const warned: string[] = [];
  const plain = start(() => {
    throw new Error("bare");
  }, { log: { warn: (m) => warned.push(m) } });
  const raw = await Raw.connect(port);
  const raw2 = await Raw.connect(plain.port);
  try {
    await raw.write(`GET /missing HTTP/1.1\r\n${HOST}\r\n`);
    const r404 = await raw.response();
    assertEquals([r404.status, r404.body], [404, "nope"]);
    await raw.write(`GET /x HTTP/1.1\r\n${HOST}\r\n`);
    const r500 = await raw.response();
    assertEquals([r500.status, r500.body], [500, "custom"]);
    assertEquals((errors[0] as Error).message, "boom");

    await raw2.write(`GET / HTTP/1.1\r\n${HOST}\r\n`);
    const d = await raw2.response();
    assertEquals(d.status, 500);
    assertEquals(JSON.parse(d.body), { error: { message: "internal error" } });
    assertMatch(warned[0], /bare/);
    assertEquals(plain.server.stats().handlerErrors, 1);
  } finally {
    raw.close();
    raw2.close();
    await server.shutdown();
    await plain.server.shutdown();
  }
});

Deno.test("net/http: Connection: close from the response closes after it", async () => {
  const { server, port } = start(() => new Response("bye", { headers: { connection: "close" } }));
  const raw = await Raw.connect(port);
  try {
    await raw.write(`GET / HTTP/1.1\r\n${HOST}\r\n`);
    const res = await raw.response();
    assertEquals(res.headers.get("connection"), "close");
    assert(await raw.closedWithin(1_000));
  } finally {
    raw.close();
    await server.shutdown();
  }
});

Deno.test("net/http: HTTP/1.0 closes by default and gets a close-delimited stream", async () => {
  const { server, port } = start(() =>
    new Response(
      new ReadableStream({
        async pull(c) {
          c.enqueue(new TextEncoder().encode("a"));
          await sleep(5);
          c.enqueue(new TextEncoder().encode("b"));
          c.close();
        },
      }),
    )
  );
  const raw = await Raw.connect(port);
  try {
    await raw.write(`GET / HTTP/1.0\r\n\r\n`);
    const text = await raw.readToEnd(2_000);
    assertMatch(text, /^HTTP\/1\.1 200 OK\r\n/);
    assert(!/transfer-encoding/i.test(text));
    assert(text.endsWith("\r\n\r\nab"));
  } finally {
    raw.close();
    await server.shutdown();
  }
});

Deno.test("net/http: an unread small body is drained and the connection reused", async () => {
  const { server, port } = start(() => new Response("ignored your body"));
  const raw = await Raw.connect(port);
  try {
    await raw.write(`POST / HTTP/1.1\r\n${HOST}Content-Length: 10\r\n\r\n0123456789`);
    assertEquals((await raw.response()).body, "ignored your body");
    await raw.write(
      `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n`,
    );
    assertEquals((await raw.response()).body, "ignored your body");
    assertEquals(server.stats().accepted, 1);
    // A large unread body closes the connection instead of being read.
    await raw.write(`POST / HTTP/1.1\r\n${HOST}Content-Length: 10000000\r\n\r\nxx`);
    await raw.response();
    assert(await raw.closedWithin(1_000));
  } finally {
    raw.close();
    await server.shutdown();
  }
});

Deno.test("net/http: Expect: 100-continue is answered when the body is read", async () => {
  const { server, port } = start(async (req) => new Response(await req.text()));
  const raw = await Raw.connect(port);
  try {
    await raw.write(`POST / HTTP/1.1\r\n${HOST}Content-Length: 3\r\nExpect: 100-continue\r\n\r\n`);
    assertEquals(await raw.readUntil("\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n");
    await raw.write("xyz");
    assertEquals((await raw.response()).body, "xyz");
  } finally {
    raw.close();
    await server.shutdown();
  }
});

Deno.test("net/http: the request signal aborts when the client disconnects mid-response", async () => {
  let aborted = false;
  let cancelled = false;
  let reason: unknown;
  const { server, port } = start((req) => {
    req.signal.addEventListener("abort", () => {
      aborted = true;
      reason = req.signal.reason;
    });
    return new Response(
      new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode("first"));
        },
        cancel() {
          cancelled = true;
        },
      }),
    );
  });
  const raw = await Raw.connect(port);
  try {
    await raw.write(`GET / HTTP/1.1\r\n${HOST}\r\n`);
    await raw.readUntil("first\r\n");
    raw.close();
    await until(() => aborted && cancelled, 2_000, "abort and cancel");
    // An AbortError, as `abort()` gives, saying why.
    assert(reason instanceof DOMException && reason.name === "AbortError", String(reason));
    assertMatch(reason.message, /client went away/);
    await until(() => server.stats().open === 0, 2_000, "connection released");
  } finally {
    raw.close();
    await server.shutdown();
  }
});

Deno.test("net/http: works with fetch (Deno's client) incl. keep-alive reuse", async () => {
  const { server, port } = start(async (req) =>
    Response.json({ method: req.method, body: req.body ? await req.text() : null })
  );
  try {
    for (let i = 0; i < 3; i++) {
      const r = await within(
        fetch(`http://127.0.0.1:${port}/x`, { method: "POST", body: "b" }),
        2000,
      );
      assertEquals(await r.json(), { method: "POST", body: "b" });
    }
    const big = "x".repeat(300_000);
    const r = await fetch(`http://127.0.0.1:${port}/big`, { method: "PUT", body: big });
    assertEquals((await r.json()).body.length, big.length);
  } finally {
    await server.shutdown();
  }
});

Deno.test("net/http: serves a Hono app (the gateway's HTTP layer)", async () => {
  const { Hono } = await import("hono");
  const app = new Hono();
  app.post("/echo/:id", async (c) =>
    c.json({
      id: c.req.param("id"),
      body: await c.req.json(),
      q: c.req.query("q"),
      aborted: c.req.raw.signal.aborted,
    }));
  app.get("/stream", (c) =>
    c.body(
      new ReadableStream({
        start(ctl) {
          ctl.enqueue(new TextEncoder().encode("a"));
          ctl.enqueue(new TextEncoder().encode("b"));
          ctl.close();
        },
      }),
    ));
  const { server, port } = start((req) => app.fetch(req));
  try {
    const r = await fetch(`http://127.0.0.1:${port}/echo/7?q=x`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ hi: 1 }),
    });
    assertEquals(await r.json(), { id: "7", body: { hi: 1 }, q: "x", aborted: false });
    assertEquals(await (await fetch(`http://127.0.0.1:${port}/stream`)).text(), "ab");
    assertEquals((await fetch(`http://127.0.0.1:${port}/nope`)).status, 404);
  } finally {
    await server.shutdown();
  }
});

Deno.test("net/http: info.completed resolves after the response, rejects if the client left", async () => {
  const outcomes: string[] = [];
  const { server, port } = start((req, info) => {
    info.completed.then(() => outcomes.push("ok"), () => outcomes.push("gone"));
    if (req.url.endsWith("/never")) return new Response(new ReadableStream());
    return new Response("done");
  });
  const raw = await Raw.connect(port);
  try {
    await raw.write(`GET / HTTP/1.1\r\n${HOST}\r\n`);
    await raw.response();
    await until(() => outcomes.length === 1, 1_000, "completed");
    await raw.write(`GET /never HTTP/1.1\r\n${HOST}\r\n`);
    await raw.readUntil("\r\n\r\n");
    raw.close();
    await until(() => outcomes.length === 2, 2_000, "completed after disconnect");
    assertEquals(outcomes, ["ok", "gone"]);
  } finally {
    raw.close();
    await server.shutdown();
  }
});
