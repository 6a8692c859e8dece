import assert from "node:assert/strict";
import {
  parseWhoisOutput,
  runTailscaleWhois,
  TailscaleWhois,
  type WhoisAnswer,
} from "../../../gateway/tailscale/whois.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { tempDir } from "../../helpers.ts";

const ALICE: WhoisAnswer = { ok: true, identity: { login: "alice@example.com", name: "Alice" } };
const DOWN: WhoisAnswer = { ok: false, error: "tailscale whois exited with code 1" };

/** A runner that answers from `answers` (in turn) and counts its calls per address. */
function countingRunner(...answers: WhoisAnswer[]) {
  const calls: string[] = [];
  return {
    calls,
    run: (ip: string) => {
      calls.push(ip);
      return Promise.resolve(answers[Math.min(calls.length, answers.length) - 1]);
    },
  };
}

Deno.test("parseWhoisOutput() reads UserProfile.LoginName and DisplayName", () => {
  const text = JSON.stringify({
    Node: { Name: "laptop." },
    UserProfile: { ID: 7, LoginName: " alice@example.com ", DisplayName: "Alice" },
  });
  assert.deepEqual(parseWhoisOutput(text), { login: "alice@example.com", name: "Alice" });
  assert.deepEqual(parseWhoisOutput('{"UserProfile":{"LoginName":"bob@github"}}'), {
    login: "bob@github",
  });
});

Deno.test("parseWhoisOutput() gives nothing for text that names no login", () => {
  for (
    const text of [
      "",
      "not json",
      "[]",
      "null",
      '{"Node":{}}',
      '{"UserProfile":null}',
      '{"UserProfile":{"LoginName":""}}',
      '{"UserProfile":{"LoginName":42}}',
      '{"UserProfile":{"LoginName":"a\\nb"}}',
      JSON.stringify({ UserProfile: { LoginName: "x".repeat(300) } }),
      '{"__proto__":{"UserProfile":{"LoginName":"mallory"}}}',
    ]
  ) {
    assert.equal(parseWhoisOutput(text), undefined, text);
  }
});

Deno.test("TailscaleWhois.lookup() reuses an identity for 60 s, then asks again", async () => {
  const clock = new FakeClock();
  const runner = countingRunner(ALICE);
  const whois = new TailscaleWhois({ clock, run: runner.run });
  assert.deepEqual(await whois.lookup("100.90.1.2"), ALICE);
  clock.advance(59_999);
  assert.deepEqual(await whois.lookup("100.90.1.2"), ALICE);
  assert.equal(runner.calls.length, 1);
  clock.advance(1);
  assert.deepEqual(await whois.lookup("100.90.1.2"), ALICE);
  assert.equal(runner.calls.length, 2);
});

Deno.test("TailscaleWhois.lookup() reuses a failure for 5 s only", async () => {
  const clock = new FakeClock();
  const runner = countingRunner(DOWN, ALICE);
  const whois = new TailscaleWhois({ clock, run: runner.run });
  assert.deepEqual(await whois.lookup("100.90.1.2"), DOWN);
  clock.advance(4_999);
  assert.deepEqual(await whois.lookup("100.90.1.2"), DOWN);
  assert.equal(runner.calls.length, 1);
  clock.advance(1);
  assert.deepEqual(await whois.lookup("100.90.1.2"), ALICE, "the mended daemon is asked again");
  assert.equal(runner.calls.length, 2);
});

Deno.test("TailscaleWhois.lookup() shares one lookup per address and caps those at once", async () => {
  const releases: (() => void)[] = [];
  const calls: string[] = [];
  const whois = new TailscaleWhois({
    clock: new FakeClock(),
    maxInFlight: 2,
    run: (ip) => {
      calls.push(ip);
      return new Promise((resolve) => releases.push(() => resolve(ALICE)));
    },
  });
  const a1 = whois.lookup("100.90.1.2");
  const a2 = whois.lookup("100.90.1.2");
  const b = whois.lookup("100.90.1.3");
  const busy = await whois.lookup("100.90.1.4");
  assert.deepEqual(calls, ["100.90.1.2", "100.90.1.3"]);
  assert.deepEqual(busy, { ok: false, error: "too many tailscale whois lookups at once" });
  for (const release of releases) release();
  assert.deepEqual(await Promise.all([a1, a2, b]), [ALICE, ALICE, ALICE]);
  // The refusal was not cached: the address is asked once a place is free.
  const later = whois.lookup("100.90.1.4");
  releases.at(-1)!();
  assert.deepEqual(await later, ALICE);
  assert.deepEqual(calls, ["100.90.1.2", "100.90.1.3", "100.90.1.4"]);
});

Deno.test("TailscaleWhois keeps at most maxEntries addresses, dropping the oldest", async () => {
  const runner = countingRunner(ALICE);
  const whois = new TailscaleWhois({ clock: new FakeClock(), maxEntries: 2, run: runner.run });
  await whois.lookup("100.90.0.1");
  await whois.lookup("100.90.0.2");
  await whois.lookup("100.90.0.3");
  await whois.lookup("100.90.0.3");
  await whois.lookup("100.90.0.2");
  assert.equal(runner.calls.length, 3, "the two newest are cached");
  await whois.lookup("100.90.0.1");
  assert.equal(runner.calls.length, 4, "the oldest was dropped");
});

Deno.test("TailscaleWhois.lookup() turns a throwing runner into a cached failure", async () => {
  const clock = new FakeClock();
  let calls = 0;
  const whois = new TailscaleWhois({
    clock,
    run: () => {
      calls++;
      return Promise.reject(new Error("boom"));
    },
  });
  assert.deepEqual(await whois.lookup("100.90.1.2"), { ok: false, error: "boom" });
  assert.deepEqual(await whois.lookup("100.90.1.2"), { ok: false, error: "boom" });
  assert.equal(calls, 1);
});

/** Writes a stand-in `tailscale` script into a temp dir and returns the env that finds it. */
async function standIn(dir: string, body: string): Promise<Record<string, string>> {
  await Deno.writeTextFile(`${dir}/tailscale`, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return { PATH: `${dir}:/usr/bin:/bin` };
}

Deno.test("runTailscaleWhois() runs `tailscale whois --json <ip>` and reads the login", async () => {
  await using tmp = await tempDir();
  const env = await standIn(
    tmp.path,
    `echo "$*" > "${tmp.path}/argv"; echo '{"UserProfile":{"LoginName":"alice@example.com"}}'`,
  );
  assert.deepEqual(await runTailscaleWhois("100.90.1.2", { env }), {
    ok: true,
    identity: { login: "alice@example.com" },
  });
  assert.equal((await Deno.readTextFile(`${tmp.path}/argv`)).trim(), "whois --json 100.90.1.2");
});

Deno.test("runTailscaleWhois() says why there is no identity", async () => {
  await using tmp = await tempDir();
  const env = await standIn(tmp.path, `echo "no match for IP:port $3" >&2; exit 1`);
  assert.deepEqual(await runTailscaleWhois("100.90.1.2", { env }), {
    ok: false,
    error: "tailscale whois exited with code 1: no match for IP:port 100.90.1.2",
  });
  const none = await runTailscaleWhois("100.90.1.2", { env: { PATH: `${tmp.path}/empty` } });
  assert.deepEqual(none, { ok: false, error: "tailscale is not installed (not on PATH)" });
});

Deno.test("runTailscaleWhois() stops reading past 200 kB and at its deadline", async () => {
  await using tmp = await tempDir();
  const big = await standIn(tmp.path, `head -c 300000 /dev/zero; sleep 30`);
  assert.deepEqual(await runTailscaleWhois("100.90.1.2", { env: big, timeoutMs: 10_000 }), {
    ok: false,
    error: "tailscale whois printed more than 200000 bytes",
  });
  const hung = await standIn(tmp.path, `exec sleep 30`);
  assert.deepEqual(await runTailscaleWhois("100.90.1.2", { env: hung, timeoutMs: 200 }), {
    ok: false,
    error: "tailscale whois timed out after 200 ms",
  });
});
