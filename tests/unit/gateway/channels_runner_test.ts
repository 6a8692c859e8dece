/**
 * `AccountRunner`: a channel account that cannot connect keeps retrying with backoff on the
 * start's clock, says why in its status, and never throws; once connected it reports connected;
 * `stop()` ends the loop and disconnects. Also the per-chat lanes the inbound path runs in.
 */
import assert from "node:assert/strict";
import { getLogger } from "../../../lib/log/logger.ts";
import { resolveChannelAccount } from "../../../lib/channels/config_view.ts";
import type {
  ChannelAccountSnapshot,
  ConnectOptions,
  OutboundTarget,
} from "../../../lib/channels/types.ts";
import type { OpenClawConfig } from "../../../lib/config/schema.ts";
import { AccountRunner } from "../../../gateway/channels/account_runner.ts";
import { Lanes } from "../../../gateway/channels/lanes.ts";
import type { PlatformAdapter } from "../../../gateway/channels/types.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";

const config = { channels: { telegram: { botToken: "x" } } } as unknown as OpenClawConfig;
const account = resolveChannelAccount(config, "telegram");

/** An adapter whose connect fails `failures` times, then succeeds. */
function fakeAdapter(failures: number, configured = true) {
  const calls = { connect: 0, disconnect: 0 };
  let connected = false;
  const adapter: PlatformAdapter = {
    channel: "telegram",
    accountId: "default",
    connect(_options: ConnectOptions) {
      calls.connect++;
      if (calls.connect <= failures) {
        return Promise.reject(new Error(`401 Unauthorized\n  (attempt ${calls.connect})`));
      }
      connected = true;
      return Promise.resolve();
    },
    disconnect() {
      calls.disconnect++;
      connected = false;
      return Promise.resolve();
    },
    sendText: () => Promise.resolve({}),
    sendChunks: () => Promise.resolve([]),
    sendTyping: () => Promise.resolve(),
    keepTyping(_t: OutboundTarget, _s: AbortSignal) {},
    probe: () => Promise.resolve({ ok: true }),
    status: (): ChannelAccountSnapshot => ({
      accountId: "default",
      enabled: true,
      configured,
      running: connected,
      connected,
    }),
  };
  return { adapter, calls };
}

function runner(adapter: PlatformAdapter, clock: FakeClock, onConnected?: () => void) {
  return new AccountRunner({
    account,
    adapter,
    onInbound: () => Promise.resolve(),
    clock,
    log: getLogger("test"),
    backoff: { initialMs: 1000, maxMs: 8000, jitter: 0 },
    ...(onConnected ? { onConnected } : {}),
  });
}

Deno.test("AccountRunner retries a failed connect with backoff and shows why meanwhile", async () => {
  const clock = new FakeClock();
  const { adapter, calls } = fakeAdapter(3);
  let connectedCalls = 0;
  const r = runner(adapter, clock, () => connectedCalls++);
  r.start();
  await clock.tick(0);
  let snap = r.snapshot();
  assert.equal(snap.running, true);
  assert.equal(snap.connected, false);
  assert.equal(snap.healthState, "retrying");
  assert.equal(snap.lastError, "401 Unauthorized (attempt 1)");
  assert.equal(snap.nextRetryAt, clock.now() + 1000);
  await clock.tick(1000); // attempt 2 fails, next in 2 s
  assert.equal(calls.connect, 2);
  assert.equal(r.snapshot().reconnectAttempts, 2);
  await clock.tick(2000); // attempt 3 fails, next in 4 s
  await clock.tick(3999);
  assert.equal(calls.connect, 3, "still waiting for the backoff");
  await clock.tick(1);
  assert.equal(calls.connect, 4);
  snap = r.snapshot();
  assert.equal(snap.connected, true);
  assert.equal(snap.healthState, "connected");
  assert.equal(snap.lastError, undefined);
  assert.equal(connectedCalls, 1);
  await r.stop("test");
  assert.equal(calls.disconnect, 1);
  assert.equal(r.snapshot().running, false);
});

Deno.test("AccountRunner.stop() during a backoff wait ends the loop without another attempt", async () => {
  const clock = new FakeClock();
  const { adapter, calls } = fakeAdapter(100);
  const r = runner(adapter, clock);
  r.start();
  await clock.tick(0);
  await r.stop("config changed");
  await clock.tick(60_000);
  assert.equal(calls.connect, 1);
  assert.equal(clock.pending, 0, "no timer left behind");
});

Deno.test("AccountRunner does not start an account without credentials and says so", async () => {
  const clock = new FakeClock();
  const { adapter, calls } = fakeAdapter(0, false);
  const r = runner(adapter, clock);
  r.start();
  await clock.tick(0);
  assert.equal(calls.connect, 0);
  const snap = r.snapshot();
  assert.equal(snap.running, false);
  assert.equal(snap.lastError, "no credentials configured for telegram/default");
});

Deno.test("Lanes run one key's jobs in order and different keys side by side", async () => {
  const lanes = new Lanes();
  const log: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  void lanes.run("a", async () => {
    await gate;
    log.push("a1");
  });
  void lanes.run("a", () => {
    log.push("a2");
    return Promise.resolve();
  });
  await lanes.run("b", () => {
    log.push("b1");
    return Promise.resolve();
  });
  assert.deepEqual(log, ["b1"], "b did not wait for a");
  assert.equal(lanes.size, 1);
  release();
  await lanes.idle();
  assert.deepEqual(log, ["b1", "a1", "a2"]);
  assert.equal(lanes.size, 0);
});
