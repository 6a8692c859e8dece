import WebSocket from "ws";
import { upgradeWebSocket } from "../../../gateway/net/mod.ts";
import { assert, assertEquals, Raw, start, until, within } from "./_helpers.ts";

Deno.test("net/shutdown: closes idle, in-flight and WebSocket connections; finished resolves", async () => {
  let streamCancelled = false;
  let signalAborted = false;
  const { server, port } = start((req) => {
    const path = new URL(req.url).pathname;
    if (path === "/ws") {
      const { socket, response } = upgradeWebSocket(req);
      socket.onmessage = (e) => socket.send(e.data);
      return response;
    }
    if (path === "/sse") {
      req.signal.addEventListener("abort", () => signalAborted = true);
      return new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode("data: hi\n\n"));
          },
          cancel() {
            streamCancelled = true;
          },
        }),
      );
    }
    return new Response("ok");
  });
  const idle = await Raw.connect(port);
  const sse = await Raw.connect(port);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const wsOpen = new Promise((r) => ws.once("open", r));
  try {
    await idle.write("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    await idle.response();
    await sse.write("GET /sse HTTP/1.1\r\nHost: t\r\n\r\n");
    await sse.readUntil("data: hi\n\n");
    await within(wsOpen, 2_000, "ws open");
    const wsClosed = new Promise<number>((r) => ws.once("close", (code) => r(code)));
    assertEquals(server.stats().open, 3);

    let finished = false;
    server.finished.then(() => finished = true);
    await within(server.shutdown(), 2_000, "shutdown");
    assert(finished);
    assert(await idle.closedWithin(1_000));
    assert(await sse.closedWithin(1_000));
    assertEquals(await within(wsClosed, 2_000, "ws close"), 1001);
    await until(() => streamCancelled && signalAborted, 1_000, "stream cancelled, signal aborted");
    assertEquals(server.stats().open, 0);
    // The port is free again.
    const again = start(() => new Response("x"), { port });
    await again.server.shutdown();
  } finally {
    idle.close();
    sse.close();
    ws.terminate();
    await server.shutdown();
  }
});

Deno.test("net/shutdown: the abort signal shuts the server down", async () => {
  const ac = new AbortController();
  const { server, port } = start(() => new Response("ok"), { signal: ac.signal });
  const raw = await Raw.connect(port);
  try {
    await raw.write("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    assertEquals((await raw.response()).body, "ok");
    ac.abort();
    await within(server.finished, 2_000, "finished");
    assert(await raw.closedWithin(1_000));
    let refused = false;
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    } catch {
      refused = true;
    }
    assert(refused, "listener closed");
  } finally {
    raw.close();
  }
});
