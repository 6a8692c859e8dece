/**
 * SubsystemSet: start order by dependency, reverse stop, the failure policy (required stops the
 * start naming the subsystem, optional degrades and shows in health), reload routing by path.
 */
import assert from "node:assert/strict";
import type { Logger } from "../../../../lib/log/mod.ts";
import type { OpenClawConfig } from "../../../../lib/config/schema.ts";
import { OpenClawError } from "../../../../lib/errors.ts";
import { type GatewaySubsystem, SubsystemSet } from "../../../../gateway/subsystems/lifecycle.ts";
import { FakeClock } from "../../../fixtures/fake_clock.ts";

const warnings: string[] = [];
const logger = () => ({ warn: (m: string) => warnings.push(m), info() {} }) as unknown as Logger;

function recorder() {
  const calls: string[] = [];
  const make = (
    id: string,
    opts: Partial<GatewaySubsystem> & { fail?: string } = {},
  ): GatewaySubsystem => ({
    id,
    required: opts.required ?? true,
    after: opts.after,
    configPaths: opts.configPaths,
    start() {
      calls.push(`start ${id}`);
      if (opts.fail) throw new Error(opts.fail);
    },
    reload: ({ changed }) => {
      calls.push(`reload ${id} ${changed.join(",")}`);
    },
    stop() {
      calls.push(`stop ${id}`);
    },
    health: opts.health,
  });
  return { calls, make };
}

const set = (subs: GatewaySubsystem[]) =>
  new SubsystemSet(subs, { logger, clock: new FakeClock() });

Deno.test("SubsystemSet starts in dependency order and stops in reverse", async () => {
  const { calls, make } = recorder();
  const s = set([
    make("agent", { after: ["secrets", "processes"] }),
    make("logging"),
    make("secrets", { after: ["logging"] }),
    make("processes"),
  ]);
  assert.deepEqual(s.order, ["logging", "secrets", "processes", "agent"]);
  await s.start();
  await s.stop({ reason: "test", restart: false });
  assert.deepEqual(calls, [
    "start logging",
    "start secrets",
    "start processes",
    "start agent",
    "stop agent",
    "stop processes",
    "stop secrets",
    "stop logging",
  ]);
  assert.equal(s.health().agent.status, "stopped");
});

Deno.test("SubsystemSet: a failing required subsystem stops the start with its name", async () => {
  const { calls, make } = recorder();
  const s = set([make("logging"), make("cron", { fail: "cron store is corrupt" }), make("late")]);
  await assert.rejects(() => s.start(), (err: Error) => {
    assert.ok(err instanceof OpenClawError);
    assert.equal(err.message, "subsystem cron failed to start: cron store is corrupt");
    return true;
  });
  // What had started is stopped again; what came after never started.
  assert.deepEqual(calls, ["start logging", "start cron", "stop cron", "stop logging"]);
});

Deno.test("SubsystemSet: an OpenClawError keeps its code, hint and exit code when named", async () => {
  const s = set([{
    id: "secrets",
    required: true,
    start() {
      throw new OpenClawError("SECRET_REF_UNRESOLVED", "env var X is not set", {
        hint: "export X",
        exitCode: 78,
      });
    },
    stop() {},
  }]);
  await assert.rejects(() => s.start(), (err: OpenClawError) => {
    assert.equal(err.code, "SECRET_REF_UNRESOLVED");
    assert.equal(err.hint, "export X");
    assert.equal(err.exitCode, 78);
    assert.equal(err.message, "subsystem secrets failed to start: env var X is not set");
    return true;
  });
});

Deno.test("SubsystemSet: a failing optional subsystem is degraded and visible in health", async () => {
  const { calls, make } = recorder();
  const s = set([
    make("logging"),
    make("discovery", { required: false, fail: "mdns socket refused" }),
    make("mdns-consumer", { required: false, after: ["discovery"] }),
    make("reloader"),
  ]);
  await s.start();
  const health = s.health();
  assert.deepEqual(health.discovery, {
    status: "degraded",
    required: false,
    error: "mdns socket refused",
  });
  assert.equal(health["mdns-consumer"].status, "degraded");
  assert.match(health["mdns-consumer"].error ?? "", /needs discovery, which did not start/);
  assert.equal(health.reloader.status, "running");
  assert.deepEqual(s.degraded(), ["discovery", "mdns-consumer"]);
  assert.ok(calls.includes("start reloader"));
  assert.ok(warnings.some((w) => w.includes("subsystem discovery failed to start")));
});

Deno.test("SubsystemSet: health comes from the subsystem itself", async () => {
  const { make } = recorder();
  let connections = 0;
  const s = set([
    make("server", { health: () => ({ connections }) }),
    make("reloader", { health: () => ({ degraded: "config watcher unavailable: ENOSPC" }) }),
  ]);
  await s.start();
  connections = 3;
  assert.deepEqual(s.health().server, { connections: 3, status: "running", required: true });
  assert.deepEqual(s.health().reloader, {
    status: "degraded",
    required: true,
    error: "config watcher unavailable: ENOSPC",
  });
});

Deno.test("SubsystemSet: a hot reload hands each subsystem only its changed paths", async () => {
  const { calls, make } = recorder();
  const s = set([
    make("logging", { configPaths: ["logging"] }),
    make("telegram", { configPaths: ["channels.telegram"] }),
    make("agent"),
  ]);
  await s.start();
  calls.length = 0;
  const cfg = {} as OpenClawConfig;
  await s.reload(cfg, cfg, ["logging.level", "agents.defaults.model", "channels.discord.token"]);
  assert.deepEqual(calls, [
    "reload logging logging.level",
    "reload agent logging.level,agents.defaults.model,channels.discord.token",
  ]);
});

Deno.test("SubsystemSet refuses duplicate ids, unknown dependencies and cycles", () => {
  const { make } = recorder();
  assert.throws(() => set([make("a"), make("a")]), /registered twice/);
  assert.throws(() => set([make("a", { after: ["ghost"] })]), /unknown subsystem "ghost"/);
  assert.throws(
    () => set([make("a", { after: ["b"] }), make("b", { after: ["a"] })]),
    /dependency cycle: a → b → a/,
  );
});
