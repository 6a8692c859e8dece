import assert from "node:assert/strict";
import { type DeepProbes, runDeepChecks } from "../../../lib/status/deep.ts";
import type { ServiceStatus } from "../../../lib/service/status.ts";

const NO_SERVICE: ServiceStatus = {
  manager: "none",
  label: "none",
  installed: false,
  loaded: false,
  loadedText: "",
  notLoadedText: "",
  reason: "test",
};

function probes(channelsStatus?: DeepProbes["channelsStatus"]): DeepProbes & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    readService: () => Promise.resolve(NO_SERVICE),
    findPortListeners: () => Promise.resolve([]),
    configAndModelAuth: () =>
      Promise.resolve([{ id: "config", title: "Config", status: "ok", detail: "valid" }]),
    ...(channelsStatus
      ? {
        channelsStatus: (ms: number) => {
          asked.push(ms);
          return channelsStatus(ms);
        },
      }
      : {}),
  };
}

const CONFIG = { channels: { telegram: { botToken: "x" }, discord: { token: "y" } } };

function input(reachable: boolean) {
  return {
    config: CONFIG,
    configuredPort: 18789,
    gateway: { url: "ws://127.0.0.1:18789", reachable },
    health: reachable
      ? { channelOrder: ["telegram", "discord"], channels: { telegram: { running: true } } }
      : undefined,
  };
}

const STATUS = {
  channelOrder: ["telegram", "discord"],
  channelAccounts: {
    telegram: [{
      accountId: "default",
      enabled: true,
      configured: true,
      running: true,
      connected: false,
      lastError: "409 Conflict: terminated by other getUpdates request",
    }],
    discord: [{
      accountId: "default",
      enabled: true,
      configured: true,
      running: true,
      connected: true,
      probe: {
        ok: false,
        error: "Message Content intent is not enabled",
        issues: [{
          kind: "intent",
          message: "Message Content intent is not enabled",
          fix: "Developer Portal → Bot → Privileged Gateway Intents → Message Content Intent",
        }],
      },
    }],
  },
};

Deno.test("status --deep asks channels.status with probe and shows each account's real state", async () => {
  const p = probes(() => Promise.resolve(STATUS));
  const report = await runDeepChecks(input(true), p, { timeoutMs: 5_000 });
  assert.deepEqual(p.asked, [3_000]);
  const byId = new Map(report.checks.map((c) => [c.id, c]));
  const tg = byId.get("channel:telegram");
  assert.equal(tg?.status, "warn");
  assert.match(tg?.detail ?? "", /^not connected: 409 Conflict/);
  const dc = byId.get("channel:discord");
  assert.equal(dc?.status, "fail");
  assert.equal(dc?.detail, "probe failed: Message Content intent is not enabled");
  assert.match(dc?.hint ?? "", /Privileged Gateway Intents → Message Content Intent/);
});

Deno.test("status --deep: a connected account whose probe works is ok, with the bot name", async () => {
  const status = {
    channelOrder: ["telegram"],
    channelAccounts: {
      telegram: [{
        accountId: "default",
        enabled: true,
        configured: true,
        running: true,
        connected: true,
        failedOutbound: 0,
        probe: { ok: true, bot: { username: "family_bot" } },
      }],
    },
  };
  const report = await runDeepChecks(
    { ...input(true), config: { channels: { telegram: {} } } },
    probes(() => Promise.resolve(status)),
  );
  const tg = report.checks.find((c) => c.id === "channel:telegram");
  assert.deepEqual([tg?.status, tg?.detail], ["ok", "connected, probe ok (@family_bot)"]);
});

Deno.test("status --deep: several accounts get one check each; failed replies make it warn", async () => {
  const status = {
    channelOrder: ["telegram"],
    channelAccounts: {
      telegram: [
        { accountId: "default", enabled: true, configured: true, running: true, connected: true },
        {
          accountId: "work",
          enabled: true,
          configured: true,
          running: true,
          connected: true,
          failedOutbound: 2,
        },
        { accountId: "old", enabled: false, configured: true, running: false, connected: false },
      ],
    },
  };
  const report = await runDeepChecks(
    { ...input(true), config: { channels: { telegram: {} } } },
    probes(() => Promise.resolve(status)),
  );
  const rows = report.checks.filter((c) => c.id.startsWith("channel:"))
    .map((c) => [c.id, c.status, c.detail]);
  assert.deepEqual(rows, [
    ["channel:telegram:default", "ok", "connected"],
    ["channel:telegram:work", "warn", "connected, 2 failed replies kept"],
    ["channel:telegram:old", "skip", "disabled"],
  ]);
});

Deno.test("status --deep without channels.status falls back to health and says the probes did not run", async () => {
  const report = await runDeepChecks(
    input(true),
    probes(() => Promise.reject(new Error("unknown method: channels.status"))),
  );
  const byId = new Map(report.checks.map((c) => [c.id, c]));
  assert.equal(byId.get("channel:telegram")?.detail, "running");
  assert.equal(byId.get("channels.probe")?.status, "warn");
  assert.match(byId.get("channels.probe")?.detail ?? "", /unknown method: channels\.status/);
});

Deno.test("status --deep does not ask for channel probes when the gateway is down", async () => {
  const p = probes(() => Promise.resolve(STATUS));
  const report = await runDeepChecks(input(false), p);
  assert.deepEqual(p.asked, []);
  const tg = report.checks.find((c) => c.id === "channel:telegram");
  assert.equal(tg?.detail, "not checked: the gateway is not reachable");
});
