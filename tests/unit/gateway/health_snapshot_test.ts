import assert from "node:assert/strict";
import { HEALTH_CACHE_MS, HealthSnapshot } from "../../../gateway/methods/health.ts";
import type { GatewayState } from "../../../gateway/state.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { makeSandbox } from "../../helpers.ts";

/** The parts of a gateway state the HealthSummary reads, with counters to change between looks. */
function fakeState(stateDir: string) {
  const clock = new FakeClock();
  const live = { beats: 0, connected: false, subsystemsAsked: 0 };
  const state = {
    clock,
    stateDir,
    config: { agents: { list: [{ id: "main", default: true }] } },
    subsystems: () => {
      live.subsystemsAsked++;
      return {
        server: {
          status: "running",
          required: true,
          connections: 9,
          authFailures: { total: live.beats },
        },
      };
    },
    heartbeat: { summary: () => ({ enabled: true, last: null, beats: live.beats }) },
    channels: {
      healthSummary: () => ({ telegram: { configured: true, connected: live.connected } }),
    },
  } as unknown as GatewayState;
  return { state, clock, live };
}

Deno.test("HealthSnapshot.json() is the JSON text of get(), key order included", async () => {
  await using sb = await makeSandbox();
  const { state, live } = fakeState(sb.stateDir);
  const snapshot = new HealthSnapshot(state);
  const first = snapshot.json().text;
  assert.equal(first, JSON.stringify(snapshot.get()));
  live.beats = 3;
  live.connected = true;
  const text = snapshot.json().text;
  assert.equal(text, JSON.stringify(snapshot.get()));
  const answer = JSON.parse(text);
  assert.deepEqual(answer.heartbeat, { enabled: true, last: null, beats: 3 });
  assert.equal(answer.channels.telegram.connected, true);
  assert.deepEqual(answer.channelOrder, ["telegram"]);
  assert.deepEqual(
    answer.subsystems.server,
    { status: "running", required: true, authFailures: { total: 0 } },
    "the cached part stays until a refresh; the server's detail is for status",
  );
});

Deno.test("HealthSnapshot serves the cached build for 60 s; fresh and invalidate() rebuild it", async () => {
  await using sb = await makeSandbox();
  const { state, clock, live } = fakeState(sb.stateDir);
  const snapshot = new HealthSnapshot(state);
  snapshot.json();
  const asked = live.subsystemsAsked;
  live.beats = 1;
  clock.advance(HEALTH_CACHE_MS - 1);
  snapshot.json();
  snapshot.get();
  assert.equal(live.subsystemsAsked, asked, "live channels need no subsystem health per call");
  const failures = (text: string) => JSON.parse(text).subsystems.server.authFailures.total;
  assert.equal(failures(snapshot.json().text), 0);
  assert.equal(failures(snapshot.json(true).text), 1);
  live.beats = 2;
  snapshot.invalidate();
  assert.equal(failures(snapshot.json().text), 2);
  live.beats = 4;
  clock.advance(HEALTH_CACHE_MS);
  assert.equal(
    (snapshot.get().subsystems as { server: { authFailures: { total: number } } }).server
      .authFailures.total,
    4,
  );
});
