import { assert, assertEquals, assertMatch, Raw, sleep, start, until } from "./_helpers.ts";

const FAST = {
  headerTimeoutMs: 200,
  bodyTimeoutMs: 200,
  keepAliveIdleMs: 200,
  writeTimeoutMs: 1_000,
};

Deno.test("net/limits: a half-sent head (slowloris) is answered 408 and closed", async () => {
  const { server, port } = start(() => new Response("ok"), { limits: FAST });
  const clients: Raw[] = [];
  try {
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) {
      const raw = await Raw.connect(port);
      clients.push(raw);
      await raw.write("GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ");
    }
    // Trickling more bytes does not extend the deadline.
    await sleep(100);
    await clients[0].write("a");
    for (const raw of clients) {
      const text = await raw.readToEnd(2_000);
      assertMatch(text, /^HTTP\/1\.1 408 /);
    }
    const took = Date.now() - t0;
    assert(took < 1_500, `closed after ${took} ms`);
    assertEquals(server.stats().timedOut, 20);
    await until(() => server.stats().open === 0, 1_000, "slots released");
  } finally {
    for (const c of clients) c.close();
    await server.shutdown();
  }
});

Deno.test("net/limits: a connection that sends nothing is closed after headerTimeoutMs", async () => {
  const { server, port } = start(() => new Response("ok"), { limits: FAST });
  const raw = await Raw.connect(port);
  try {
    assert(await raw.closedWithin(1_500));
    assertEquals(server.stats().timedOut, 1);
  } finally {
    raw.close();
    await server.shutdown();
  }
});

Deno.test("net/limits: a stalled request body errors the stream after bodyTimeoutMs", async () => {
  let error = "";
  let elapsed = 0;
  const { server, port } = start(async (req) => {
    const t0 = Date.now();
    try {
      await req.arrayBuffer();
    } catch (err) {
      error = String(err);
    }
    elapsed = Date.now() - t0;
    return new Response("late");
  }, { limits: FAST });
  const raw = await Raw.connect(port);
  try {
    await raw.write("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\npartial");
    assert(await raw.closedWithin(1_500));
    await until(() => error !== "", 1_000, "handler saw the error");
    assertMatch(error, /timed out/);
    assert(elapsed >= 150 && elapsed < 1_000, `body error after ${elapsed} ms`);
    assertEquals(server.stats().timedOut, 1);
  } finally {
    raw.close();
    await server.shutdown();
  }
});

Deno.test("net/limits: an idle keep-alive connection is closed after keepAliveIdleMs", async () => {
  const { server, port } = start(() => new Response("ok"), { limits: FAST });
  const raw = await Raw.connect(port);
  try {
    await raw.write("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    assertEquals((await raw.response()).status, 200);
    const t0 = Date.now();
    assert(await raw.closedWithin(1_500));
    const idle = Date.now() - t0;
    assert(idle >= 150, `closed after ${idle} ms`);
    assertEquals(server.stats().idleClosed, 1);
    assertEquals(server.stats().timedOut, 0);
  } finally {
    raw.close();
    await server.shutdown();
  }
});

Deno.test("net/limits: maxConnections refuses the next connection at once, until one closes", async () => {
  const { server, port } = start(() => new Response("ok"), {
    limits: { maxConnections: 5, headerTimeoutMs: 5_000 },
  });
  const held: Raw[] = [];
  try {
    for (let i = 0; i < 5; i++) held.push(await Raw.connect(port));
    await until(() => server.stats().open === 5, 1_000, "5 open");
    const sixth = await Raw.connect(port);
    const t0 = Date.now();
    const text = await sixth.readToEnd(1_000);
    sixth.close();
    assertMatch(text, /^HTTP\/1\.1 503 /);
    assertMatch(text, /Connection: close/);
    assert(Date.now() - t0 < 500);
    assertEquals(server.stats().refused, 1);
    // The held ones still work.
    await held[0].write("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    assertEquals((await held[0].response()).body, "ok");
    held.pop()!.close();
    await until(() => server.stats().open === 4, 1_000, "one released");
    const again = await Raw.connect(port);
    held.push(again);
    await again.write("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    assertEquals((await again.response()).body, "ok");
    assertEquals(server.stats().refused, 1);
  } finally {
    for (const c of held) c.close();
    await server.shutdown();
  }
});

Deno.test("net/limits: a client that stops reading a response is dropped after writeTimeoutMs", async () => {
  const big = new Uint8Array(32 * 1024 * 1024);
  const { server, port } = start(() => new Response(big), {
    limits: { ...FAST, writeTimeoutMs: 300 },
  });
  const raw = await Raw.connect(port);
  try {
    await raw.write("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    await until(() => server.stats().timedOut === 1, 3_000, "write timeout");
    await until(() => server.stats().open === 0, 1_000, "slot released");
  } finally {
    raw.close();
    await server.shutdown();
  }
});

Deno.test("net/limits: Deno.listen errors surface synchronously as Deno.errors", async () => {
  const { server, port } = start(() => new Response("ok"));
  try {
    let caught: unknown;
    try {
      start(() => new Response("ok"), { port });
    } catch (err) {
      caught = err;
    }
    assert(caught instanceof Deno.errors.AddrInUse);
  } finally {
    await server.shutdown();
  }
});
