import assert from "node:assert/strict";
import { formatChannelStatus } from "../../../cli/commands/channels_status_format.ts";

const NOW = Date.parse("2026-12-01T12:00:00Z");

Deno.test("channels status text: one line per account, bits only for reported fields, then warnings", () => {
  const lines = formatChannelStatus({
    channelOrder: ["telegram", "discord"],
    channelLabels: { telegram: "Telegram", discord: "Discord" },
    channelAccounts: {
      telegram: [{
        accountId: "default",
        enabled: true,
        configured: true,
        running: true,
        connected: false,
        lastInboundAt: NOW - 120_000,
        lastOutboundAt: NOW - 5_000,
        mode: "polling",
        dmPolicy: "pairing",
        tokenSource: "config",
        healthState: "conflict",
        failedOutbound: 2,
        lastError: "409 Conflict: terminated by other getUpdates request",
      }],
      discord: [{
        accountId: "work",
        name: "Work",
        enabled: true,
        configured: true,
        running: true,
        connected: true,
        probe: { ok: true, bot: { username: "helper" } },
      }],
    },
    statusIssues: [{
      channel: "telegram",
      accountId: "default",
      message: "another poller uses this token",
      fix: "stop the other bot process",
    }],
  }, NOW);
  assert.deepEqual(lines, [
    "Gateway reachable.",
    "- Telegram default: enabled, configured, running, disconnected, in:2m ago, out:5s ago, " +
    "mode:polling, dm:pairing, token:config, health:conflict, failed replies:2, " +
    "error:409 Conflict: terminated by other getUpdates request",
    "- Discord work (Work): enabled, configured, running, connected, bot:@helper, works",
    "",
    "Warnings:",
    "- telegram default: another poller uses this token (stop the other bot process)",
    "- Run: openclaw doctor",
  ]);
});

Deno.test("channels status text with no accounts says none are configured", () => {
  assert.deepEqual(formatChannelStatus({ channelOrder: [], channelAccounts: {} }, NOW), [
    "Gateway reachable.",
    "- no configured chat channels (run `openclaw channels list --all` to see installable channels)",
  ]);
});
