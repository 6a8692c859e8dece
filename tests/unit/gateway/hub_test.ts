/**
 * The hub in-process with short timer intervals: `tick` and `health` arrive on schedule, only
 * while a client is connected, and `seq` counts per connection.
 */
import type { GatewayEventName } from "../../../lib/protocol/events.ts";
import assert from "node:assert/strict";
import { serveHttp } from "../../../gateway/net/mod.ts";
import { createAuthRateLimiter } from "../../../gateway/auth.ts";
import type { GatewayState } from "../../../gateway/state.ts";
import { ConnectionHub, serverLimits } from "../../../gateway/ws/hub.ts";
import { cliConnectParams, RawClient } from "../../fixtures/ws_client.ts";
import { defineMethod, MethodRegistry } from "../../../gateway/methods/registry.ts";
import { z } from "zod";
import { FakeClock } from "../../fixtures/fake_clock.ts";

function stubState(stateDir: string, clock: FakeClock): GatewayState {
  const state = {
    stateDir,
    config: {},
    auth: { mode: "none", modeSource: "config", allowTailscale: false, source: {} },
    stateVersion: { presence: 1, health: 1 },
    log: () => ({ warn() {}, info() {} }),
    broadcast(event: GatewayEventName, payload: unknown) {
      hub.broadcast(event, payload, {});
    },
  } as unknown as GatewayState;
  // deno-lint-ignore prefer-const -- the stub's broadcast needs the hub, built after it
  let hub: ConnectionHub;
  hub = new ConnectionHub({
    state,
    methods: new MethodRegistry([
      defineMethod({
        name: "health",
        scope: null,
        params: z.looseObject({}),
        handler: () => ({ ok: true }),
      }),
    ]),
    authLimiter: createAuthRateLimiter(),
    healthPayload: () => ({ ok: true, ts: Date.now() }),
    helloSnapshot: () => ({
      presence: [],
      health: {},
      stateVersion: { presence: 1, health: 1 },
      uptimeMs: 0,
    }),
    clock,
    limits: serverLimits({}),
  });
  (state as unknown as { hub: ConnectionHub }).hub = hub;
  return state;
}

Deno.test("ConnectionHub sends tick and health events on schedule with a per-connection seq", async () => {
  const dir = await Deno.makeTempDir();
  const clock = new FakeClock();
  const state = stubState(dir, clock);
  const hub = (state as unknown as { hub: ConnectionHub }).hub;
  const ac = new AbortController();
  const server = serveHttp({
    hostname: "127.0.0.1",
    port: 0,
    signal: ac.signal,
    handler: (req) =>
      hub.upgrade(req, { clientIp: "127.0.0.1", remoteAddr: "127.0.0.1", isLoopback: true }),
  });
  try {
    const c = await RawClient.open(`ws://127.0.0.1:${server.addr.port}`);
    await c.challenge();
    assert.equal((await c.request("connect", cliConnectParams())).ok, true);
    // protocol.md: tick every 30 s, health every 60 s, on the hub's clock.
    clock.advance(30_000);
    const t1 = await c.next((f) => f.event === "tick");
    assert.equal(t1.payload.ts, clock.now());
    clock.advance(30_000);
    const t2 = await c.next((f) => f.event === "tick");
    assert.ok(t2.seq > t1.seq);
    const h = await c.next((f) => f.event === "health");
    assert.equal(h.payload.ok, true);
    c.close();
    await c.closed;
    for (let i = 0; i < 100 && hub.openCount() > 0; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(hub.openCount(), 0);
    // With nobody listening, the timers are gone (an idle gateway uses no CPU).
    for (let i = 0; i < 100 && clock.pending > 0; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(clock.pending, 0);
  } finally {
    await hub.shutdown("test");
    ac.abort();
    await server.finished;
    await Deno.remove(dir, { recursive: true });
  }
});
