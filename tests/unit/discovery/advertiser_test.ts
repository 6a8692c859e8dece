import assert from "node:assert/strict";
import type { Logger } from "../../../lib/log/mod.ts";
import { MdnsAdvertiser } from "../../../gateway/discovery/advertiser.ts";
import type {
  MdnsResponder,
  MdnsServiceSpec,
  ServiceEvents,
} from "../../../gateway/discovery/responder.ts";
import { discoverySubsystem } from "../../../gateway/subsystems/discovery.ts";
import type { OpenClawConfig } from "../../../lib/config/schema.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { tempDir, waitUntil } from "../../helpers.ts";

/** A logger that keeps every line. */
function recordingLog() {
  const lines: string[] = [];
  const push = (level: string) => (m: string) => lines.push(`${level} ${m}`);
  const log = {
    info: push("info"),
    warn: push("warn"),
    debug: push("debug"),
    error: push("error"),
  };
  return { lines, log: log as unknown as Logger };
}

/** A responder that records calls and fails or renames on demand. */
function fakeResponder(behaviour: { fail?: string; renameTo?: string } = {}) {
  const calls: string[] = [];
  let factoryCalls = 0;
  const factory = () => {
    factoryCalls++;
    const responder: MdnsResponder = {
      createService(spec: MdnsServiceSpec, events: ServiceEvents) {
        calls.push(`create ${spec.name} ${spec.port} ${JSON.stringify(spec.txt)}`);
        let name = spec.name;
        return {
          name: () => name,
          advertise() {
            calls.push("advertise");
            if (behaviour.renameTo) {
              name = behaviour.renameTo;
              events.onRename(name);
            }
            return behaviour.fail ? Promise.reject(new Error(behaviour.fail)) : Promise.resolve();
          },
          end() {
            calls.push("end (goodbye)");
            return Promise.resolve();
          },
        };
      },
      shutdown() {
        calls.push("shutdown");
        return Promise.resolve();
      },
    };
    return Promise.resolve(responder);
  };
  return { calls, factory, factoryCalls: () => factoryCalls };
}

const spec: MdnsServiceSpec = {
  name: "studio (OpenClaw)",
  type: "openclaw-gw",
  hostname: "studio",
  port: 18789,
  txt: { role: "gateway" },
};

Deno.test("MdnsAdvertiser announces, then withdraws with goodbyes on stop", async () => {
  const { lines, log } = recordingLog();
  const r = fakeResponder();
  const a = new MdnsAdvertiser({ factory: r.factory, log, clock: new FakeClock() });
  a.start(spec);
  await waitUntil(() => a.snapshot().state === "announced");
  assert.deepEqual(a.snapshot(), { state: "announced", instance: "studio (OpenClaw)" });
  await a.stop();
  assert.deepEqual(r.calls.slice(1), ["advertise", "end (goodbye)", "shutdown"]);
  assert.ok(lines.includes("info bonjour: withdrawn (goodbye sent)"));
  assert.equal(a.snapshot().state, "stopped");
});

Deno.test("MdnsAdvertiser logs a responder failure and reports it instead of throwing", async () => {
  const { lines, log } = recordingLog();
  const r = fakeResponder({ fail: "CIAO PROBING CANCELLED" });
  const a = new MdnsAdvertiser({ factory: r.factory, log, clock: new FakeClock() });
  a.start(spec);
  await waitUntil(() => a.snapshot().state === "failed");
  assert.equal(a.snapshot().error, "CIAO PROBING CANCELLED");
  assert.ok(lines.some((l) => /^warn bonjour: advertising failed: CIAO PROBING CANCELLED/.test(l)));
  await a.stop();
  assert.equal(a.snapshot().state, "failed", "stop keeps the failure visible");
});

Deno.test("MdnsAdvertiser reports a probe conflict's new name", async () => {
  const { lines, log } = recordingLog();
  const r = fakeResponder({ renameTo: "studio (OpenClaw) (2)" });
  const a = new MdnsAdvertiser({ factory: r.factory, log, clock: new FakeClock() });
  a.start(spec);
  await waitUntil(() => a.snapshot().state === "announced");
  assert.deepEqual(a.snapshot(), {
    state: "announced",
    instance: "studio (OpenClaw) (2)",
    requestedInstance: "studio (OpenClaw)",
  });
  assert.ok(lines.some((l) => l.includes('advertising as "studio (OpenClaw) (2)"')));
  await a.stop();
});

Deno.test("MdnsAdvertiser catches the responder library's stray rejections", async () => {
  const { lines, log } = recordingLog();
  const r = fakeResponder();
  const a = new MdnsAdvertiser({ factory: r.factory, log, clock: new FakeClock() });
  a.start(spec);
  await waitUntil(() => a.snapshot().state === "announced");
  // What crash-looped stock 2026.4.24: a rejection nobody awaits.
  void Promise.reject(new Error("CIAO ANNOUNCEMENT CANCELLED"));
  await waitUntil(() => a.snapshot().state === "failed");
  assert.ok(lines.some((l) => l.includes("CIAO ANNOUNCEMENT CANCELLED")));
  await a.stop();
});

function host(config: Partial<OpenClawConfig>, stateDir: string) {
  return { config: config as OpenClawConfig, stateDir, port: 18789, host: "127.0.0.1" };
}

const ctx = (log: Logger) => ({ log, clock: new FakeClock() });

Deno.test("discovery subsystem with mDNS off never loads the responder", async () => {
  await using dir = await tempDir();
  const r = fakeResponder();
  const { lines, log } = recordingLog();
  const sub = discoverySubsystem(host({ discovery: { mdns: { mode: "full" } } }, dir.path), {
    env: () => ({ OPENCLAW_DISABLE_BONJOUR: "1" }),
    responder: r.factory,
  });
  await sub.start(ctx(log));
  assert.equal(r.factoryCalls(), 0);
  assert.deepEqual(sub.health!().mdns, { mode: "off", reason: "OPENCLAW_DISABLE_BONJOUR=1" });
  assert.ok(lines.includes("info bonjour: off (OPENCLAW_DISABLE_BONJOUR=1)"));
  await sub.stop({ reason: "test", restart: false });
});

Deno.test("discovery subsystem advertises the beacon and marks itself degraded on failure", async () => {
  await using dir = await tempDir();
  const ok = fakeResponder();
  const sub = discoverySubsystem(host({ discovery: { mdns: { mode: "minimal" } } }, dir.path), {
    env: () => ({ OPENCLAW_MDNS_HOSTNAME: "studio" }),
    responder: ok.factory,
  });
  await sub.start(ctx(recordingLog().log));
  await waitUntil(() => (sub.health!().mdns as { state?: string }).state === "announced");
  const txt = JSON.parse(ok.calls[0].split(" ").slice(-1)[0]);
  assert.deepEqual(Object.keys(txt), [
    "role",
    "gatewayPort",
    "lanHost",
    "displayName",
    "transport",
  ]);
  assert.equal(txt.lanHost, "studio.local");
  assert.equal(sub.health!().degraded, undefined);
  await sub.stop({ reason: "test", restart: false });
  assert.deepEqual(ok.calls.slice(-2), ["end (goodbye)", "shutdown"]);

  const bad = fakeResponder({ fail: "bind EADDRINUSE 0.0.0.0:5353" });
  const failing = discoverySubsystem(host({ discovery: { mdns: { mode: "minimal" } } }, dir.path), {
    env: () => ({}),
    responder: bad.factory,
  });
  await failing.start(ctx(recordingLog().log));
  await waitUntil(() => failing.health!().degraded);
  assert.equal(failing.health!().degraded, "bonjour: bind EADDRINUSE 0.0.0.0:5353");
  await failing.stop({ reason: "test", restart: false });
});
