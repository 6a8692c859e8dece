import assert from "node:assert/strict";
import { CdpConnection } from "../../../lib/browser/cdp_client.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { startFakeCdp } from "./_fake_cdp.ts";

Deno.test("CdpConnection.send() resolves with the result of its own command id", async () => {
  await using cdp = startFakeCdp((c) => ({
    id: c.id,
    result: { echo: c.method, params: c.params },
  }));
  const conn = await CdpConnection.connect(cdp.url);
  try {
    const [a, b] = await Promise.all([
      conn.send("Browser.getVersion"),
      conn.send("Target.getTargets", { filter: [] }, { sessionId: "S1" }),
    ]);
    assert.deepEqual(a, { echo: "Browser.getVersion" });
    assert.deepEqual(b, { echo: "Target.getTargets", params: { filter: [] } });
    assert.equal(cdp.received[1].sessionId, "S1");
  } finally {
    conn.close();
  }
});

Deno.test("CdpConnection.send() rejects with the method and CDP's error message", async () => {
  await using cdp = startFakeCdp((c) => ({
    id: c.id,
    error: { code: -32000, message: "No target with given id found" },
  }));
  const conn = await CdpConnection.connect(cdp.url);
  try {
    await assert.rejects(conn.send("Target.closeTarget", { targetId: "x" }), {
      code: "BROWSER_CDP_FAILED",
      message: "Target.closeTarget: No target with given id found",
    });
  } finally {
    conn.close();
  }
});

Deno.test("CdpConnection.send() times out on the connection's clock", async () => {
  await using cdp = startFakeCdp(() => undefined);
  const clock = new FakeClock();
  const conn = await CdpConnection.connect(cdp.url, { clock, commandTimeoutMs: 5_000 });
  try {
    const pending = conn.send("Page.navigate", { url: "about:blank" });
    clock.advance(4_999);
    clock.advance(1);
    await assert.rejects(pending, {
      code: "BROWSER_CDP_TIMEOUT",
      message: "Page.navigate timed out after 5000 ms",
    });
  } finally {
    conn.close();
  }
});

Deno.test("CdpConnection routes events by method and session, and nextEvent() waits for one", async () => {
  await using cdp = startFakeCdp((c) => ({ id: c.id, result: {} }));
  const conn = await CdpConnection.connect(cdp.url);
  try {
    const seen: string[] = [];
    const off = conn.on("Target.targetCreated", (p, s) => seen.push(`${p.targetId}@${s ?? "-"}`));
    const load = conn.nextEvent("Page.loadEventFired", { sessionId: "S2", timeoutMs: 5_000 });
    cdp.push({ method: "Target.targetCreated", params: { targetId: "T1" } });
    cdp.push({ method: "Page.loadEventFired", params: { timestamp: 1 }, sessionId: "S1" });
    cdp.push({ method: "Page.loadEventFired", params: { timestamp: 2 }, sessionId: "S2" });
    assert.deepEqual(await load.promise, { timestamp: 2 });
    await conn.send("Runtime.enable");
    assert.deepEqual(seen, ["T1@-"]);
    off();
  } finally {
    conn.close();
  }
});

Deno.test("CdpConnection closes on a message over the size cap and fails what is in flight", async () => {
  await using cdp = startFakeCdp((c) =>
    c.method === "Page.captureScreenshot"
      ? { id: c.id, result: { data: "A".repeat(5_000) } }
      : { id: c.id, result: {} }
  );
  const conn = await CdpConnection.connect(cdp.url, { maxMessageChars: 1_000 });
  await assert.rejects(conn.send("Page.captureScreenshot"), {
    code: "BROWSER_CDP_FAILED",
    message: "Page.captureScreenshot: CDP message larger than 1000 characters",
  });
  assert.equal(conn.closed, true);
  await assert.rejects(conn.send("Page.enable"), { code: "BROWSER_CDP_FAILED" });
});

Deno.test("CdpConnection refuses commands beyond maxPending", async () => {
  await using cdp = startFakeCdp(() => undefined);
  const conn = await CdpConnection.connect(cdp.url, { maxPending: 2, commandTimeoutMs: 60_000 });
  const a = conn.send("A");
  const b = conn.send("B");
  await assert.rejects(conn.send("C"), {
    code: "BROWSER_CDP_FAILED",
    message: "C: 2 CDP commands already in flight",
  });
  conn.close();
  await assert.rejects(a, { message: "A: CDP connection closed" });
  await assert.rejects(b, { message: "B: CDP connection closed" });
});

Deno.test("CdpConnection.connect() gives up when the handshake does not finish in time", async () => {
  // A TCP listener that accepts and never answers the upgrade.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const c of listener) conns.push(c);
  })();
  const clock = new FakeClock();
  const port = (listener.addr as Deno.NetAddr).port;
  const connecting = CdpConnection.connect(`ws://127.0.0.1:${port}/devtools/browser/x`, {
    clock,
    connectTimeoutMs: 800,
  });
  clock.advance(800);
  await assert.rejects(connecting, {
    code: "BROWSER_CDP_TIMEOUT",
    message: "CDP WebSocket handshake did not complete within 800 ms",
  });
  listener.close();
  for (const c of conns) c.close();
  await accepting.catch(() => {});
});
