import assert from "node:assert/strict";
import { resolveChannelAccount } from "../../../lib/channels/config_view.ts";
import { AccountStatus } from "../../../lib/channels/status.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { config } from "./_fixtures.ts";

const account = resolveChannelAccount(
  config({ channels: { telegram: { allowFrom: ["1", "2", "3"] } } }),
  "telegram",
);

Deno.test("AccountStatus reports a 409 as disconnected with the reason, not connected", () => {
  const clock = new FakeClock();
  const s = new AccountStatus(account, clock);
  s.markStarted();
  s.markConnected();
  clock.advance(1000);
  s.markInbound();
  s.markError(new Error("409 Conflict:\n terminated by other getUpdates request"), {
    reconnecting: true,
  });
  s.set("mode", "polling");
  const snap = s.snapshot(true);
  assert.deepEqual(snap, {
    mode: "polling",
    accountId: "default",
    enabled: true,
    configured: true,
    running: true,
    connected: false,
    dmPolicy: "pairing",
    lastStartAt: clock.now() - 1000,
    lastConnectedAt: clock.now() - 1000,
    lastInboundAt: clock.now(),
    allowFrom: ["1", "2"],
    reconnectAttempts: 1,
    lastError: "409 Conflict: terminated by other getUpdates request",
  });
});

Deno.test("AccountStatus clears the error on reconnect and keeps the probe", () => {
  const clock = new FakeClock();
  const s = new AccountStatus(account, clock);
  s.markStarted();
  s.markError("boom", { reconnecting: true });
  s.markConnected();
  s.markOutbound();
  s.setProbe({ ok: true, bot: { username: "clawd_bot" } });
  const snap = s.snapshot(true);
  assert.equal(snap.connected, true);
  assert.equal(snap.lastError, undefined);
  assert.equal(snap.reconnectAttempts, undefined);
  assert.equal(snap.lastOutboundAt, clock.now());
  assert.deepEqual(snap.probe, { ok: true, bot: { username: "clawd_bot" } });
  s.markStopped();
  assert.equal(s.snapshot(true).running, false);
});
