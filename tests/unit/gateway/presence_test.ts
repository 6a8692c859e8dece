/**
 * Presence fan-out on a fake clock: connects, closes and `system-event` presence lines are
 * coalesced into at most one `presence` event per window for every reader, the payload is capped,
 * and `stateVersion.presence` still only grows.
 */
import type { GatewayEventName } from "../../../lib/protocol/events.ts";
import assert from "node:assert/strict";
import { serveHttp } from "../../../gateway/net/mod.ts";
import { createAuthRateLimiter } from "../../../gateway/auth.ts";
import type { GatewayState, PresenceEntry } from "../../../gateway/state.ts";
import { ConnectionHub, serverLimits } from "../../../gateway/ws/hub.ts";
import { defineMethod, MethodRegistry } from "../../../gateway/methods/registry.ts";
import {
  PRESENCE_COALESCE_MS,
  PRESENCE_EVENT_MAX_ENTRIES,
} from "../../../lib/protocol/constants.ts";
import { type AnyFrame, cliConnectParams, RawClient } from "../../fixtures/ws_client.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { waitUntil } from "../../helpers.ts";
import { z } from "zod";

/** A hub behind a real loopback server, with a state stub that counts versions as the real one. */
function startHub() {
  const clock = new FakeClock();
  const state = {
    config: {},
    auth: { mode: "none", modeSource: "config", allowTailscale: false, source: {} },
    stateVersion: { presence: 1, health: 1 },
    log: () => ({ warn() {}, info() {} }),
    // As GatewayStateImpl.broadcast: a versioned event bumps its counter before it is sent.
    broadcast(event: GatewayEventName, payload: unknown, opts: { stateVersion?: boolean } = {}) {
      if (opts.stateVersion && event === "presence") state.stateVersion.presence++;
      hub.broadcast(event, payload, {
        stateVersion: opts.stateVersion ? { ...state.stateVersion } : undefined,
      });
    },
  };
  const hub: ConnectionHub = new ConnectionHub({
    state: state as unknown as GatewayState,
    methods: new MethodRegistry([
      defineMethod({
        name: "health",
        scope: null,
        params: z.looseObject({}),
        handler: () => ({ ok: true }),
      }),
    ]),
    authLimiter: createAuthRateLimiter(),
    healthPayload: () => ({ ok: true }),
    helloSnapshot: () => ({
      presence: hub.presence(),
      health: {},
      stateVersion: { ...state.stateVersion },
      uptimeMs: 0,
    }),
    clock,
    limits: serverLimits({}),
  });
  const ac = new AbortController();
  const server = serveHttp({
    hostname: "127.0.0.1",
    port: 0,
    signal: ac.signal,
    handler: (req) =>
      hub.upgrade(req, { clientIp: "127.0.0.1", remoteAddr: "127.0.0.1", isLoopback: true }),
  });
  const url = `ws://127.0.0.1:${server.addr.port}`;
  const clients: RawClient[] = [];
  const connect = async () => {
    const c = await RawClient.open(url);
    clients.push(c);
    await c.challenge();
    const res = await c.request("connect", cliConnectParams());
    assert.equal(res.ok, true, JSON.stringify(res));
    return c;
  };
  /** Lets the sockets deliver what the server sent (a round trip on each client). */
  const settle = async () => {
    await Promise.all(
      clients.filter((c) => c.ws.readyState === c.ws.OPEN).map(async (c) => {
        assert.equal((await c.request("health", {})).ok, true);
      }),
    );
  };
  return {
    clock,
    state,
    hub,
    clients,
    connect,
    settle,
    async [Symbol.asyncDispose]() {
      for (const c of clients) c.close();
      await Promise.all(clients.map((c) => c.closed));
      await hub.shutdown("test");
      ac.abort();
      await server.finished;
    },
  };
}

const presenceFrames = (c: RawClient): AnyFrame[] =>
  c.frames.filter((f) => f.type === "event" && f.event === "presence");

Deno.test("100 connects within one window send one presence event to each reader", async () => {
  await using t = startHub();
  const N = 100;
  // At most 20 handshakes at a time (the per-IP pre-auth cap is 32).
  for (let i = 0; i < N; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, N - i) }, () => t.connect()));
  }
  await t.settle();
  const versionBefore = t.state.stateVersion.presence;
  // Nothing goes out before the window ends (the hello-ok snapshot already carried presence).
  assert.deepEqual(t.clients.map((c) => presenceFrames(c).length), new Array(N).fill(0));

  t.clock.advance(PRESENCE_COALESCE_MS);
  await waitUntil(() => t.clients.every((c) => presenceFrames(c).length >= 1), {
    message: "a presence event on every client",
  });
  await t.settle();
  assert.deepEqual(t.clients.map((c) => presenceFrames(c).length), new Array(N).fill(1));
  const first = presenceFrames(t.clients[0])[0];
  assert.equal(first.payload.presence.length, N);
  assert.equal(first.payload.total, undefined); // under the cap: the stock payload exactly
  assert.equal(first.stateVersion.presence, versionBefore + 1);
  assert.equal(t.state.stateVersion.presence, versionBefore + 1);

  // Nothing changed since: another window sends nothing.
  t.clock.advance(PRESENCE_COALESCE_MS * 3);
  await t.settle();
  assert.deepEqual(t.clients.map((c) => presenceFrames(c).length), new Array(N).fill(1));

  // 50 closes within one window: the 50 readers left get one event with 50 entries.
  const closing = t.clients.slice(0, 50);
  for (const c of closing) c.close();
  await Promise.all(closing.map((c) => c.closed));
  await waitUntil(() => t.hub.openCount() === 50, { message: "the hub to see the closes" });
  t.clock.advance(PRESENCE_COALESCE_MS);
  const left = t.clients.slice(50);
  await waitUntil(() => left.every((c) => presenceFrames(c).length === 2), {
    message: "a second presence event on every remaining client",
  });
  await t.settle();
  assert.deepEqual(left.map((c) => presenceFrames(c).length), new Array(50).fill(2));
  const second = presenceFrames(left[0])[1];
  assert.equal(second.payload.presence.length, 50);
  assert.ok(second.stateVersion.presence > first.stateVersion.presence);
  assert.ok(second.seq > first.seq);
});

Deno.test("presence lines coalesce too, and a long list is capped to the most recent entries with the total", async () => {
  await using t = startHub();
  const reader = await t.connect();
  t.clock.advance(PRESENCE_COALESCE_MS);
  await waitUntil(() => presenceFrames(reader).length === 1, { message: "the connect's event" });

  // 250 system-event presence lines in one window (the hub keeps the last 200 lines).
  for (let i = 0; i < 250; i++) {
    t.clock.advance(1); // distinct, increasing ts
    const entry: PresenceEntry = { ts: t.clock.now(), text: `line ${i}`, instanceId: `i-${i}` };
    t.hub.notePresence(`i-${i}`, entry);
  }
  const all = t.hub.presence();
  assert.equal(all.length, 201); // the socket + 200 lines: system-presence lists them all
  t.clock.advance(PRESENCE_COALESCE_MS);
  await waitUntil(() => presenceFrames(reader).length === 2, { message: "one more event" });
  await t.settle();
  assert.equal(presenceFrames(reader).length, 2);
  const capped = presenceFrames(reader)[1].payload;
  assert.equal(capped.total, 201);
  assert.equal(capped.presence.length, PRESENCE_EVENT_MAX_ENTRIES);
  // The oldest entry (the socket, connected before every line) is the one left out.
  const texts = capped.presence.map((p: PresenceEntry) => p.text);
  assert.ok(!capped.presence.some((p: PresenceEntry) => p.clientId === "cli"));
  assert.equal(texts[0], "line 50");
  assert.equal(texts.at(-1), "line 249");
});

Deno.test("the presence timer stops with the last reader", async () => {
  await using t = startHub();
  const c = await t.connect();
  c.close();
  await c.closed;
  await waitUntil(() => t.hub.openCount() === 0, { message: "the close" });
  // tick, health and the pending presence flush are all gone: an idle hub schedules nothing.
  await waitUntil(() => t.clock.pending === 0, { message: "no armed timers" });
});
