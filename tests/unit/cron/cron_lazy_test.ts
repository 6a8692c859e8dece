/**
 * The cron subsystem loads its engine (job schemas, zod, croner) only when there is work for it:
 * at start when the store has jobs or needs the engine's judgement, else at the first `cron.*`
 * call or a reload onto a store with jobs. Until then `health` says what an engine without jobs
 * says. Driven through the lifecycle ({@linkcode SubsystemSet}) and the `cron.*` methods over a
 * fake gateway host, on a fake clock.
 */
import assert from "node:assert/strict";
import { cronMethods } from "../../../gateway/methods/cron.ts";
import { MethodRegistry } from "../../../gateway/methods/registry.ts";
import type { MethodCall } from "../../../gateway/methods/types.ts";
import type { GatewayState } from "../../../gateway/state.ts";
import { type CronHost, cronSubsystem } from "../../../gateway/subsystems/cron.ts";
import { type GatewaySubsystem, SubsystemSet } from "../../../gateway/subsystems/lifecycle.ts";
import { type OpenClawConfig, OpenClawConfigSchema } from "../../../lib/config/schema.ts";
import { storeHoldsNoJobs } from "../../../lib/cron/store_probe.ts";
import type { Logger } from "../../../lib/log/mod.ts";
import { ProtocolError } from "../../../lib/protocol/error_map.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { tempDir } from "../../helpers.ts";

const ROOT = new URL("../../../", import.meta.url);
const registry = new MethodRegistry(cronMethods);

/** The `agent` subsystem cron starts after. */
const agentStub: GatewaySubsystem = { id: "agent", required: true, start() {}, stop() {} };

interface HostOptions {
  /** Text of `<stateDir>/cron/jobs.json` before the start (omitted: no file). */
  store?: string;
  config?: Record<string, unknown>;
  env?: Record<string, string>;
}

/** A gateway host with the cron subsystem under a real lifecycle, not started yet. */
async function makeGateway(options: HostOptions = {}) {
  const dir = await tempDir("openclaw-cron-lazy-");
  const storePath = `${dir.path}/cron/jobs.json`;
  if (options.store !== undefined) {
    await Deno.mkdir(`${dir.path}/cron`, { recursive: true });
    await Deno.writeTextFile(storePath, options.store);
  }
  const queued: string[] = [];
  const warnings: string[] = [];
  const host = {
    config: OpenClawConfigSchema.parse(options.config ?? {}) as OpenClawConfig,
    stateDir: dir.path,
    broadcast: () => {},
    enqueueSystemEvent: (arg: { text: string }) => {
      queued.push(arg.text);
      return { ok: true, sessionKey: "agent:main:main", queued: 1 };
    },
    heartbeat: { wake: () => Promise.resolve([]) },
  } as unknown as CronHost;
  const clock = new FakeClock(Date.UTC(2026, 0, 5));
  const sub = cronSubsystem(host, options.env ?? {});
  const logger = () => ({ info() {}, warn: (m: string) => warnings.push(m) }) as unknown as Logger;
  const set = new SubsystemSet([agentStub, sub], { logger, clock });
  const call = async (name: string, params: unknown = {}) => {
    const scopes = ["operator.admin"];
    const resolved = registry.resolve(name, params, scopes);
    if (!resolved.ok) throw ProtocolError.of(resolved.error);
    const c: MethodCall<unknown> = {
      params: resolved.params,
      caller: { connId: "c", clientIp: "127.0.0.1", isLoopback: true, role: "operator", scopes },
      state: host as unknown as GatewayState,
      signal: new AbortController().signal,
      respondEarly: () => {},
    };
    // deno-lint-ignore no-explicit-any -- results are inspected freely
    return await resolved.method.run(c) as any;
  };
  const reload = async (config: Record<string, unknown>, changed: string[]) => {
    const previous = host.config;
    host.config = OpenClawConfigSchema.parse(config) as OpenClawConfig;
    await set.reload(host.config, previous, changed);
  };
  return {
    dir: dir.path,
    storePath,
    sub,
    set,
    clock,
    queued,
    warnings,
    call,
    reload,
    cronHealth: () => set.health().cron,
    async [Symbol.asyncDispose]() {
      await set.stop({ reason: "test", restart: false });
      await dir[Symbol.asyncDispose]();
    },
  };
}

const EMPTY_HEALTH = {
  status: "running",
  required: false,
  enabled: true,
  jobs: 0,
  running: 0,
  nextWakeAtMs: null,
};

function storedJob(id: string) {
  return {
    id,
    name: id,
    enabled: true,
    schedule: { kind: "every", everyMs: 60_000, anchorMs: Date.UTC(2026, 0, 5), tz: "UTC" },
    sessionTarget: "main",
    wakeMode: "now",
    payload: { kind: "systemEvent", text: `from ${id}` },
    catchUp: "latest",
    createdAtMs: Date.UTC(2026, 0, 5),
    updatedAtMs: Date.UTC(2026, 0, 5),
    state: { nextRunAtMs: Date.UTC(2026, 0, 5) + 60_000 },
  };
}

Deno.test("a gateway started with no cron jobs answers cron.status with jobs 0 and schedules a job added later", async () => {
  await using gw = await makeGateway();
  await gw.set.start();
  assert.equal(gw.sub.engine(), undefined, "no engine before the first call");
  assert.deepEqual(gw.cronHealth(), EMPTY_HEALTH);

  const status = await gw.call("cron.status");
  assert.deepEqual([status.enabled, status.jobs, status.nextWakeAtMs], [true, 0, null]);
  const job = await gw.call("cron.add", {
    name: "ping",
    schedule: { kind: "every", everyMs: 60_000 },
    payload: { kind: "systemEvent", text: "Check the build" },
  });
  assert.equal(gw.cronHealth().jobs, 1);
  await gw.clock.tick(60_000);
  assert.deepEqual(gw.queued, ["Check the build"]);
  const runs = await gw.call("cron.runs", { id: job.id });
  assert.deepEqual(runs.entries.map((r: { status: string }) => r.status), ["ok"]);
});

Deno.test("before its first use, cron's health says what a loaded engine without jobs says", async () => {
  const cases: HostOptions[] = [
    {},
    { env: { OPENCLAW_SKIP_CRON: "1" } },
    { config: { cron: { enabled: false } } },
  ];
  for (const options of cases) {
    await using gw = await makeGateway(options);
    await gw.set.start();
    const idle = gw.cronHealth();
    await gw.call("cron.status");
    assert.ok(gw.sub.engine(), "the call loaded the engine");
    assert.deepEqual(idle, gw.cronHealth(), JSON.stringify(options));
  }
});

Deno.test("a store with an empty jobs list starts without the engine, one with jobs starts with it", async () => {
  {
    await using gw = await makeGateway({ store: '{ "version": 1, "jobs": [] }\n' });
    await gw.set.start();
    assert.equal(gw.sub.engine(), undefined);
    assert.deepEqual(gw.cronHealth(), EMPTY_HEALTH);
  }
  await using gw = await makeGateway({
    store: JSON.stringify({ version: 1, jobs: [storedJob("daily")] }),
  });
  await gw.set.start();
  assert.ok(gw.sub.engine(), "jobs to schedule: the engine loads at start");
  assert.equal(gw.cronHealth().jobs, 1);
  await gw.clock.tick(60_000);
  assert.deepEqual(gw.queued, ["from daily"]);
});

Deno.test("a torn store still degrades cron at start, and cron calls say it is unavailable", async () => {
  const torn = '{ "version": 1, "jobs": [';
  await using gw = await makeGateway({ store: torn });
  await gw.set.start();
  const health = gw.cronHealth();
  assert.equal(health.status, "degraded");
  assert.match(health.error as string, /Cannot load cron store .*not valid JSON/);
  await assert.rejects(() => gw.call("cron.status"), /the cron subsystem is not running/);
  assert.equal(await Deno.readTextFile(gw.storePath), torn, "the store is left as it was");
});

Deno.test("a store torn after an idle start degrades cron at the first call", async () => {
  await using gw = await makeGateway();
  await gw.set.start();
  await Deno.mkdir(`${gw.dir}/cron`, { recursive: true });
  await Deno.writeTextFile(gw.storePath, "not json");
  await assert.rejects(() => gw.call("cron.list"), /the cron subsystem is not running/);
  const health = gw.cronHealth();
  assert.equal(health.status, "degraded");
  assert.match(health.error as string, /not valid JSON/);
  assert.equal(gw.warnings.length, 1, "the failure is logged once");
  await assert.rejects(() => gw.call("cron.status"), /the cron subsystem is not running/);
});

Deno.test("two first calls at once share one engine: both added jobs are listed", async () => {
  await using gw = await makeGateway();
  await gw.set.start();
  const add = (name: string) =>
    gw.call("cron.add", {
      name,
      schedule: { kind: "every", everyMs: 60_000 },
      payload: { kind: "systemEvent", text: name },
    });
  await Promise.all([add("first"), add("second")]);
  const page = await gw.call("cron.list");
  assert.deepEqual(page.jobs.map((j: { name: string }) => j.name).sort(), ["first", "second"]);
});

Deno.test("a hot reload of cron.store onto a store with jobs loads the engine and runs them", async () => {
  await using gw = await makeGateway();
  await gw.set.start();
  const other = `${gw.dir}/other/jobs.json`;
  await Deno.mkdir(`${gw.dir}/other`);
  await Deno.writeTextFile(other, JSON.stringify({ version: 1, jobs: [storedJob("moved")] }));
  await gw.reload({ cron: { store: other } }, ["cron.store"]);
  assert.ok(gw.sub.engine());
  assert.equal(gw.cronHealth().jobs, 1);
  await gw.clock.tick(60_000);
  assert.deepEqual(gw.queued, ["from moved"]);
});

Deno.test("a hot reload of cron.enabled before the first call shows in health and in cron.status", async () => {
  await using gw = await makeGateway();
  await gw.set.start();
  await gw.reload({ cron: { enabled: false } }, ["cron.enabled"]);
  assert.equal(gw.sub.engine(), undefined, "no jobs: nothing to load for a reload");
  assert.deepEqual(
    [gw.cronHealth().enabled, gw.cronHealth().disabledReason],
    [false, "cron.enabled=false"],
  );
  const status = await gw.call("cron.status");
  assert.deepEqual([status.enabled, status.disabledReason], [false, "cron.enabled=false"]);
});

Deno.test("storeHoldsNoJobs(): only a missing, blank or {jobs: []} store holds certainly nothing", async () => {
  await using dir = await tempDir("openclaw-cron-probe-");
  const probe = async (text: string) => {
    const path = `${dir.path}/jobs.json`;
    await Deno.writeTextFile(path, text);
    return storeHoldsNoJobs(path);
  };
  assert.equal(storeHoldsNoJobs(`${dir.path}/missing.json`), true);
  assert.equal(await probe("  \n"), true);
  assert.equal(await probe('{"version":1,"jobs":[]}'), true);
  assert.equal(await probe(JSON.stringify({ version: 1, jobs: [storedJob("a")] })), false);
  assert.equal(await probe("[]"), false, "the legacy bare array is rewritten by the engine");
  assert.equal(await probe('{"version":1}'), false, "not a store: the engine reports it");
  assert.equal(await probe('{"jobs":[]'), false, "torn");
  assert.equal(await probe(`{"jobs":[]}${" ".repeat(8_000)}`), false, "too large to be empty");
  assert.equal(storeHoldsNoJobs(dir.path), false, "a directory");
});

Deno.test("the cron subsystem's static imports reach neither the engine nor zod nor croner", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "gateway/subsystems/cron.ts"],
    cwd: ROOT.pathname,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.ok(out.success);
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: {
      specifier: string;
      dependencies?: { isDynamic?: boolean; code?: { specifier?: string } }[];
    }[];
  };
  const bySpec = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const stack = [new URL("gateway/subsystems/cron.ts", ROOT).href];
  while (stack.length > 0) {
    const spec = stack.pop()!;
    if (seen.has(spec)) continue;
    seen.add(spec);
    for (const dep of bySpec.get(spec)?.dependencies ?? []) {
      if (!dep.isDynamic && dep.code?.specifier) stack.push(dep.code.specifier);
    }
  }
  const reached = [...seen].map((s) => s.replace(ROOT.href, ""));
  for (const heavy of ["lib/cron/engine.ts", "lib/cron/types.ts", "lib/cron/schedule.ts"]) {
    assert.ok(!reached.includes(heavy), `${heavy} is imported at start`);
  }
  assert.deepEqual(reached.filter((s) => /zod|croner/.test(s)), []);
});
