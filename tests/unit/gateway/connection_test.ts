/**
 * GatewayConnection against a fake socket: what happens when a client stops reading.
 */
import assert from "node:assert/strict";
import { createAuthRateLimiter } from "../../../gateway/auth.ts";
import type { GatewayState } from "../../../gateway/state.ts";
import { GatewayConnection } from "../../../gateway/ws/connection.ts";
import { type ConnectionHub, serverLimits } from "../../../gateway/ws/hub.ts";
import { cliConnectParams } from "../../fixtures/ws_client.ts";
import { MethodRegistry } from "../../../gateway/methods/registry.ts";

class FakeSocket {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
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

async function openConnection(scopes = ["operator.read"]) {
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
    socket as unknown as WebSocket,
    { clientIp: "127.0.0.1", remoteAddr: "127.0.0.1", isLoopback: true, headers: new Headers() },
    {
      hub,
      state,
      methods: new MethodRegistry([]),
      limits: { ...serverLimits({}), maxBufferedBytes: 1000 },
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
  for (let i = 0; i < 50 && !conn.isOpen; i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(conn.isOpen, JSON.stringify(socket.sent));
  return { socket, conn };
}

Deno.test("GatewayConnection drops droppable events for a slow consumer, keeping the seq gap", async () => {
  const { socket, conn } = await openConnection();
  conn.sendEvent("presence", { n: 1 }, { scope: null, dropIfSlow: true });
  socket.bufferedAmount = 5000;
  conn.sendEvent("presence", { n: 2 }, { scope: null, dropIfSlow: true });
  socket.bufferedAmount = 0;
  conn.sendEvent("presence", { n: 3 }, { scope: null, dropIfSlow: true });
  const seqs = socket.sent.filter((f) => f.event === "presence").map((f) => f.seq);
  assert.deepEqual(seqs, [1, 3]);
  assert.equal(socket.closedWith, undefined);
  await conn.close(1000, "");
});

Deno.test("GatewayConnection closes a slow consumer 1008 for events it must not drop", async () => {
  const { socket, conn } = await openConnection();
  socket.bufferedAmount = 5000;
  conn.sendEvent("config.changed", { x: 1 }, { scope: null });
  assert.deepEqual(socket.closedWith, [1008, "slow consumer"]);
  await conn.close(1000, "");
});

Deno.test("GatewayConnection withholds events the client's scopes do not allow", async () => {
  const { socket, conn } = await openConnection();
  conn.sendEvent("config.changed", { x: 1 }, { scope: "operator.admin" });
  conn.sendEvent("tick", { ts: 1 }, { scope: null });
  assert.deepEqual(socket.sent.filter((f) => f.type === "event").map((f) => f.event), [
    "connect.challenge",
    "tick",
  ]);
  await conn.close(1000, "");
});
