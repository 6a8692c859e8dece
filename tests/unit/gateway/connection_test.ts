/**
 * GatewayConnection against a fake socket: what happens when a client stops reading, and how
 * many requests one client may have pending.
 */
import assert from "node:assert/strict";
import type { ServerWebSocket } from "../../../gateway/net/mod.ts";
import { createAuthRateLimiter } from "../../../gateway/auth.ts";
import type { GatewayState } from "../../../gateway/state.ts";
import { GatewayConnection } from "../../../gateway/ws/connection.ts";
import { type ConnectionHub, serverLimits } from "../../../gateway/ws/hub.ts";
import { cliConnectParams } from "../../fixtures/ws_client.ts";
import { waitUntil } from "../../helpers.ts";
import { defineMethod, MethodRegistry } from "../../../gateway/methods/registry.ts";
import { REQUEST_QUEUE_LIMITS } from "../../../lib/protocol/constants.ts";
import type { ServerLimits } from "../../../gateway/ws/hub.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { z } from "zod";

class FakeSocket {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  maxMessageBytes = 65_536;
  tooLargeReason = "message too large";
  sent: Record<string, unknown>[] = [];
  closedWith: [number, string] | undefined;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close(code: number, reason: string) {
    this.closedWith = [code, reason];
    this.readyState = WebSocket.CLOSED;
    this.onclose?.();
  }
}

interface OpenOptions {
  scopes?: string[];
  methods?: MethodRegistry;
  limits?: Partial<ServerLimits>;
  clock?: FakeClock;
}

async function openConnection(options: OpenOptions = {}) {
  const { scopes = ["operator.read"], methods = new MethodRegistry([]), clock } = options;
  const socket = new FakeSocket();
  const hub = {
    releasePreauth() {},
    connectionOpened() {},
    connectionClosed() {},
  } as unknown as ConnectionHub;
  const state = {
    stateDir: "/nonexistent",
    config: {},
    auth: { mode: "none", modeSource: "config", allowTailscale: false, source: {} },
    log: () => ({ warn() {}, info() {} }),
  } as unknown as GatewayState;
  const conn = new GatewayConnection(
    socket as unknown as ServerWebSocket,
    { clientIp: "127.0.0.1", remoteAddr: "127.0.0.1", isLoopback: true, headers: new Headers() },
    {
      hub,
      state,
      methods,
      limits: { ...serverLimits({}), maxBufferedBytes: 1000, ...options.limits },
      clock,
      authLimiter: createAuthRateLimiter(),
      helloSnapshot: () => ({
        presence: [],
        health: {},
        stateVersion: { presence: 1, health: 1 },
        uptimeMs: 0,
      }),
    },
  );
  socket.onopen?.();
  socket.onmessage?.({
    data: JSON.stringify({
      type: "req",
      id: "1",
      method: "connect",
      params: cliConnectParams(undefined, { scopes }),
    }),
  });
  await waitUntil(() => conn.isOpen, {
    intervalMs: 5,
    message: () => `the connection to open; sent ${JSON.stringify(socket.sent)}`,
  });
  assert.ok(conn.isOpen, JSON.stringify(socket.sent));
  return { socket, conn };
}

Deno.test("GatewayConnection drops droppable events for a slow consumer, keeping the seq gap", async () => {
  const { socket, conn } = await openConnection();
  conn.sendEvent("presence", { n: 1 }, { dropIfSlow: true });
  socket.bufferedAmount = 5000;
  conn.sendEvent("presence", { n: 2 }, { dropIfSlow: true });
  socket.bufferedAmount = 0;
  conn.sendEvent("presence", { n: 3 }, { dropIfSlow: true });
  const seqs = socket.sent.filter((f) => f.event === "presence").map((f) => f.seq);
  assert.deepEqual(seqs, [1, 3]);
  assert.equal(socket.closedWith, undefined);
  await conn.close(1000, "");
});

Deno.test("GatewayConnection closes a slow consumer 1008 for events it must not drop", async () => {
  const { socket, conn } = await openConnection();
  socket.bufferedAmount = 5000;
  conn.sendEvent("config.changed", { x: 1 });
  assert.deepEqual(socket.closedWith, [1008, "slow consumer"]);
  await conn.close(1000, "");
});

Deno.test("GatewayConnection withholds events the client's scopes do not allow", async () => {
  const { socket, conn } = await openConnection();
  // The client holds operator.read: admin- and approvals-scoped events are withheld.
  conn.sendEvent("terminal.data", { x: 1 });
  conn.sendEvent("exec.approval.requested", { x: 1 });
  conn.sendEvent("config.changed", { x: 1 });
  conn.sendEvent("tick", { ts: 1 });
  assert.deepEqual(socket.sent.filter((f) => f.type === "event").map((f) => f.event), [
    "connect.challenge",
    "config.changed",
    "tick",
  ]);
  await conn.close(1000, "");
});

/** A method whose calls wait until the test releases them, counting how many run at once. */
function gatedMethods() {
  const gate = { running: 0, maxRunning: 0, started: 0, release: () => {} };
  let open!: () => void;
  let opened = new Promise<void>((r) => open = r);
  gate.release = () => {
    open();
    opened = new Promise<void>((r) => open = r);
  };
  const methods = new MethodRegistry([
    defineMethod({
      name: "wait",
      scope: null,
      params: z.looseObject({}),
      handler: async () => {
        gate.started++;
        gate.running++;
        gate.maxRunning = Math.max(gate.maxRunning, gate.running);
        await opened;
        gate.running--;
        return { ok: true };
      },
    }),
    defineMethod({
      name: "big",
      scope: null,
      params: z.looseObject({}),
      handler: () => ({ blob: "x".repeat(500) }),
    }),
  ]);
  return { gate, methods };
}

function sendRequest(socket: FakeSocket, id: string, method: string, params: unknown = {}) {
  socket.onmessage?.({ data: JSON.stringify({ type: "req", id, method, params }) });
}

const responses = (socket: FakeSocket) => socket.sent.filter((f) => f.type === "res");

Deno.test("GatewayConnection refuses the 257th pending request as busy, and runs at most a few at once", async () => {
  const { gate, methods } = gatedMethods();
  const clock = new FakeClock();
  const { socket, conn } = await openConnection({ methods, clock });
  const limit = REQUEST_QUEUE_LIMITS.maxPending;
  assert.equal(limit, 256);
  for (let i = 1; i <= limit + 1; i++) sendRequest(socket, `r${i}`, "wait");
  await waitUntil(() => responses(socket).some((f) => f.id === `r${limit + 1}`), {
    intervalMs: 5,
    message: "the busy answer",
  });
  const busy = responses(socket).filter((f) => f.id !== "1");
  assert.equal(busy.length, 1, JSON.stringify(busy));
  assert.deepEqual(busy[0], {
    type: "res",
    id: `r${limit + 1}`,
    ok: false,
    error: {
      code: "UNAVAILABLE",
      message: "The server is busy. Please try again in a moment.",
      retryable: true,
    },
  });
  // The 256 accepted ones are queued FIFO behind a few running calls, not started all at once.
  const inFlight = serverLimits({}).maxInFlightRequests;
  await waitUntil(() => gate.started === inFlight, { intervalMs: 5, message: "the first calls" });
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(gate.started, inFlight);
  assert.equal(socket.closedWith, undefined);

  // Releasing the calls drains the queue in order; every accepted request gets its answer.
  await waitUntil(() => {
    gate.release();
    return responses(socket).filter((f) => f.ok === true).length === limit + 1;
  }, { intervalMs: 1, timeoutMs: 20_000, message: "every accepted call to finish" });
  assert.equal(gate.maxRunning, inFlight);
  const order = responses(socket).filter((f) => f.ok && f.id !== "1").map((f) => f.id);
  assert.deepEqual(order, Array.from({ length: limit }, (_, i) => `r${i + 1}`));
  // With the queue drained, a new request is accepted again.
  sendRequest(socket, "again", "big");
  await waitUntil(() => responses(socket).some((f) => f.id === "again"), { intervalMs: 5 });
  assert.equal(responses(socket).find((f) => f.id === "again")?.ok, true);
  await conn.close(1000, "");
});

Deno.test("GatewayConnection refuses requests over the pending-bytes cap as busy", async () => {
  const { gate, methods } = gatedMethods();
  const { socket, conn } = await openConnection({
    methods,
    clock: new FakeClock(),
    limits: { maxPendingRequestBytes: 2_000 },
  });
  const pad = "p".repeat(600);
  for (let i = 1; i <= 4; i++) sendRequest(socket, `r${i}`, "wait", { pad });
  await waitUntil(() => responses(socket).some((f) => f.id === "r4"), { intervalMs: 5 });
  // Three ~650-byte frames fit in 2,000 bytes; the fourth does not.
  assert.deepEqual(responses(socket).filter((f) => f.id !== "1").map((f) => [f.id, f.ok]), [
    ["r4", false],
  ]);
  const refused = responses(socket).find((f) => f.id === "r4") as { error: { code: string } };
  assert.equal(refused.error.code, "UNAVAILABLE");
  await waitUntil(() => {
    gate.release();
    return responses(socket).filter((f) => f.ok).length === 4;
  }, { intervalMs: 5, message: "the accepted calls to finish" });
  await conn.close(1000, "");
});

Deno.test("GatewayConnection closes a slow consumer 1008 on a response that would overflow its buffer", async () => {
  const { methods } = gatedMethods();
  const { socket, conn } = await openConnection({ methods });
  // Below the 1,000-byte limit, but the ~520-byte answer would push it over.
  socket.bufferedAmount = 600;
  sendRequest(socket, "b1", "big");
  await waitUntil(() => socket.closedWith !== undefined, {
    intervalMs: 5,
    message: "the slow-consumer close",
  });
  assert.deepEqual(socket.closedWith, [1008, "slow consumer"]);
  assert.equal(responses(socket).some((f) => f.id === "b1"), false);
  await conn.close(1000, "");
});

Deno.test("GatewayConnection still answers when the response fits the buffer", async () => {
  const { methods } = gatedMethods();
  const { socket, conn } = await openConnection({ methods });
  socket.bufferedAmount = 100;
  sendRequest(socket, "b1", "big");
  await waitUntil(() => responses(socket).some((f) => f.id === "b1"), { intervalMs: 5 });
  assert.equal(socket.closedWith, undefined);
  await conn.close(1000, "");
});

Deno.test("GatewayConnection lets a queued request start once the running ones have waited a while", async () => {
  const { gate, methods } = gatedMethods();
  const clock = new FakeClock();
  const { socket, conn } = await openConnection({ methods, clock });
  const { maxInFlightRequests, requestSlotLeaseMs } = serverLimits({});
  // As many long waits (think agent.wait) as there are slots, then a quick call.
  for (let i = 1; i <= maxInFlightRequests; i++) sendRequest(socket, `w${i}`, "wait");
  sendRequest(socket, "quick", "big");
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(responses(socket).some((f) => f.id === "quick"), false);
  // The waits give their slots back after the lease: the quick call is not stuck behind them.
  clock.advance(requestSlotLeaseMs);
  await waitUntil(() => responses(socket).some((f) => f.id === "quick"), { intervalMs: 5 });
  assert.equal(gate.running, maxInFlightRequests);
  gate.release();
  await waitUntil(() => responses(socket).filter((f) => f.ok).length === maxInFlightRequests + 2, {
    intervalMs: 5,
  });
  await conn.close(1000, "");
});

Deno.test("GatewayConnection answers requests that find a free slot without arming a timer", async () => {
  const { methods } = gatedMethods();
  let armed = 0;
  const clock = new class extends FakeClock {
    override setTimeout(fn: () => void, ms: number) {
      armed++;
      return super.setTimeout(fn, ms);
    }
  }();
  const { socket, conn } = await openConnection({ methods, clock });
  const before = armed;
  for (let i = 0; i < 5; i++) {
    sendRequest(socket, `b${i}`, "big");
    await waitUntil(() => responses(socket).some((f) => f.id === `b${i}`), { intervalMs: 5 });
  }
  assert.equal(armed, before, "the slot lease is watched only while a request waits for one");
  await conn.close(1000, "");
});
