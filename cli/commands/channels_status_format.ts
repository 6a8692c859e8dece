/**
 * The text of `channels status` (stock's layout): `Gateway reachable.`, one line per channel
 * account whose bits appear only when the gateway reported the field, then the warnings with
 * their fixes. Pure: takes the `channels.status` payload and the current time.
 *
 * @module
 */
import { channelLabel } from "../../lib/channels/pairing_admin.ts";

/** The line shown when no channel is configured (stock's words). */
export const NO_CHANNELS_LINE =
  "- no configured chat channels (run `openclaw channels list --all` to see installable channels)";

/** The part of the `channels.status` payload the text uses. */
export interface ChannelsStatusView {
  channelOrder?: string[];
  channelLabels?: Record<string, string>;
  channelAccounts?: Record<string, Record<string, unknown>[]>;
  statusIssues?: { channel: string; accountId?: string; message: string; fix?: string }[];
  warnings?: string[];
}

function own<T>(map: Record<string, T> | undefined, key: string): T | undefined {
  return map && Object.hasOwn(map, key) ? map[key] : undefined;
}

/**
 * `5s ago`, `3m ago`, `2h ago`, `4d ago`.
 *
 * @param ms Epoch ms of the event.
 * @param now Epoch ms now.
 */
export function agoText(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}\u2026` : flat;
}

/**
 * The bits of one account line, in stock's order.
 *
 * @param a An AccountSnapshot (open object; unknown fields are ignored).
 * @param now Epoch ms now.
 * @returns `["enabled", "configured", "running", ...]`.
 */
export function accountBits(a: Record<string, unknown>, now: number): string[] {
  const bits: string[] = [];
  const flag = (key: string, yes: string, no: string) => {
    if (typeof a[key] === "boolean") bits.push(a[key] ? yes : no);
  };
  flag("enabled", "enabled", "disabled");
  flag("configured", "configured", "not configured");
  flag("linked", "linked", "not linked");
  flag("running", "running", "stopped");
  flag("connected", "connected", "disconnected");
  const at = (key: string, label: string) => {
    const t = num(a[key]);
    if (t !== undefined && t > 0) bits.push(`${label}:${agoText(t, now)}`);
  };
  at("lastInboundAt", "in");
  at("lastOutboundAt", "out");
  at("lastTransportActivityAt", "transport");
  if (str(a.mode)) bits.push(`mode:${a.mode}`);
  const bot = a.bot as { username?: unknown } | undefined;
  const probeBot = (a.probe as { bot?: { username?: unknown } } | undefined)?.bot;
  const username = str(bot?.username) ?? str(probeBot?.username);
  if (username) bits.push(`bot:@${username.replace(/^@/, "")}`);
  if (str(a.dmPolicy)) bits.push(`dm:${a.dmPolicy}`);
  if (Array.isArray(a.allowFrom) && a.allowFrom.length > 0) {
    bits.push(`allow:${a.allowFrom.slice(0, 2).map(String).join(",")}`);
  }
  const token = str(a.tokenSource) ?? str(a.botTokenSource) ?? str(a.credentialSource);
  if (token) bits.push(`token:${token}`);
  if (str(a.healthState)) bits.push(`health:${a.healthState}`);
  if (str(a.baseUrl)) bits.push(`url:${a.baseUrl}`);
  const attempts = num(a.reconnectAttempts);
  if (attempts) bits.push(`reconnects:${attempts}`);
  const probe = a.probe as { ok?: unknown; error?: unknown } | undefined;
  if (probe && typeof probe.ok === "boolean") {
    bits.push(
      probe.ok
        ? "works"
        : `probe failed${str(probe.error) ? ` (${oneLine(String(probe.error))})` : ""}`,
    );
  }
  const counts: [string, string][] = [
    ["failedOutbound", "failed replies"],
    ["pendingInbound", "pending"],
    ["deadLetters", "dead letters"],
  ];
  for (const [key, label] of counts) {
    const n = num(a[key]);
    if (n) bits.push(`${label}:${n}`);
  }
  if (str(a.reason)) bits.push(`reason:${a.reason}`);
  if (str(a.lastError)) bits.push(`error:${oneLine(String(a.lastError))}`);
  return bits;
}

/**
 * Renders the whole `channels status` text.
 *
 * @param status The `channels.status` payload.
 * @param now Epoch ms now (for "3m ago").
 * @returns The lines to print.
 */
export function formatChannelStatus(status: ChannelsStatusView, now: number): string[] {
  const lines = ["Gateway reachable."];
  const order = status.channelOrder ?? Object.keys(status.channelAccounts ?? {});
  let shown = 0;
  for (const id of order) {
    const label = own(status.channelLabels, id) ?? channelLabel(id);
    for (const a of own(status.channelAccounts, id) ?? []) {
      const name = str(a.name) ? ` (${a.name})` : "";
      lines.push(
        `- ${label} ${String(a.accountId ?? "default")}${name}: ${accountBits(a, now).join(", ")}`,
      );
      shown++;
    }
  }
  if (shown === 0) lines.push(NO_CHANNELS_LINE);
  const warnings = [
    ...(status.statusIssues ?? []).map((i) =>
      `- ${i.channel}${i.accountId ? ` ${i.accountId}` : ""}: ${oneLine(i.message)}${
        i.fix ? ` (${oneLine(i.fix)})` : ""
      }`
    ),
    ...(status.warnings ?? []).map((w) => `- ${oneLine(w)}`),
  ];
  if (warnings.length > 0) lines.push("", "Warnings:", ...warnings, "- Run: openclaw doctor");
  return lines;
}
