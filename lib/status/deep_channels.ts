/**
 * The channel rows of `status --deep`: one check per channel account from the gateway's
 * `channels.status` with `probe: true` (probe failures first, then connected / not connected /
 * not running with the last error, and failed replies kept), falling back to the health
 * snapshot's running / not running when the probes cannot run.
 *
 * @module
 */
import type { DeepCheck } from "./types.ts";

/** What the channel rows need of `status`'s findings. */
export interface ChannelCheckInput {
  /** The config as read loosely (`{}` when it does not parse). */
  config: Record<string, unknown>;
  /** Set when the config does not parse: the gateway's channel list is used instead. */
  configProblem?: unknown;
  /** The gateway's `health` answer, when reachable. */
  health?: Record<string, unknown>;
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? v as Record<string, unknown>
    : {};
}

/**
 * The channel ids to check: the config's, or the gateway's when the config does not parse.
 *
 * @param input Config, its problem and the health snapshot.
 * @returns Channel ids.
 */
export function channelIds(input: ChannelCheckInput): string[] {
  const health = input.health;
  const fromConfig = Object.keys(obj(input.config.channels))
    .filter((id) => id !== "defaults" && id !== "modelByChannel");
  // A config that does not parse names no channels; the gateway's own list still does.
  return input.configProblem && Array.isArray(health?.channelOrder)
    ? (health.channelOrder as unknown[]).filter((x): x is string => typeof x === "string")
    : fromConfig;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v.replace(/\s+/g, " ").trim() : undefined;
}

/** One account of `channels.status` as a check: probe result first, then the live state. */
function accountCheck(
  channel: string,
  account: Record<string, unknown>,
  multi: boolean,
  issue: { message?: unknown; fix?: unknown } | undefined,
): DeepCheck {
  const accountId = str(account.accountId) ?? "default";
  const base = {
    id: multi ? `channel:${channel}:${accountId}` : `channel:${channel}`,
    title: multi ? `Channel ${channel} (${accountId})` : `Channel ${channel}`,
  };
  const error = str(account.lastError);
  if (account.enabled === false) return { ...base, status: "skip", detail: "disabled" };
  if (account.configured === false) {
    return {
      ...base,
      status: "warn",
      detail: `not configured: ${error ?? "no credentials"}`,
      hint: `openclaw channels add --channel ${channel}`,
    };
  }
  const probe = obj(account.probe);
  const issues = Array.isArray(probe.issues) ? probe.issues.map(obj) : [];
  if (probe.ok === false) {
    return {
      ...base,
      status: "fail",
      detail: `probe failed: ${str(probe.error) ?? str(issues[0]?.message) ?? "no reason given"}`,
      hint: str(issues[0]?.fix) ?? `openclaw channels status --channel ${channel} --probe`,
    };
  }
  const failed = typeof account.failedOutbound === "number" ? account.failedOutbound : 0;
  const kept = failed > 0 ? `, ${failed} failed repl${failed === 1 ? "y" : "ies"} kept` : "";
  if (account.connected === true) {
    const bot = str(obj(probe.bot).username) ?? str(obj(account.bot).username);
    const probed = probe.ok === true ? `, probe ok${bot ? ` (@${bot})` : ""}` : "";
    const note = str(issue?.message);
    const warn = failed > 0 || note !== undefined;
    return {
      ...base,
      status: warn ? "warn" : "ok",
      detail: `connected${probed}${kept}${note ? `; ${note}` : ""}`,
      ...(warn ? { hint: str(issue?.fix) ?? "openclaw channels status" } : {}),
    };
  }
  const state = account.running === true ? "not connected" : "not running";
  const why = error ?? str(account.healthState);
  return {
    ...base,
    status: "warn",
    detail: `${state}${why ? `: ${why}` : ""}${kept}`,
    hint: str(issue?.fix) ?? "openclaw channels status --probe, then openclaw logs",
  };
}

/** Checks from `channels.status`: one per account; channels it does not list fall back. */
function channelStatusChecks(
  ids: readonly string[],
  status: Record<string, unknown>,
  fallback: (id: string) => DeepCheck,
): DeepCheck[] {
  const order = Array.isArray(status.channelOrder)
    ? status.channelOrder.filter((x): x is string => typeof x === "string")
    : [];
  const all = [...new Set([...order, ...ids])];
  const accountsOf = obj(status.channelAccounts);
  const issues = Array.isArray(status.statusIssues) ? status.statusIssues.map(obj) : [];
  return all.flatMap((id) => {
    const list = Object.hasOwn(accountsOf, id) && Array.isArray(accountsOf[id])
      ? (accountsOf[id] as unknown[]).map(obj)
      : [];
    if (list.length === 0) return [fallback(id)];
    return list.map((a) =>
      accountCheck(
        id,
        a,
        list.length > 1,
        issues.find((i) =>
          i.channel === id && (i.accountId === undefined || i.accountId === a.accountId)
        ),
      )
    );
  });
}

/**
 * The channel rows.
 *
 * @param input Config, its problem and the health snapshot.
 * @param ids The channels to check ({@linkcode channelIds}).
 * @param status The `channels.status` answer, why it failed, or undefined when not asked.
 * @returns `skip` "none configured" when there is no channel, else one check per account.
 */
export function channelChecks(
  input: ChannelCheckInput,
  ids: readonly string[],
  status: { ok: true; value: Record<string, unknown> } | { ok: false; error: string } | undefined,
): DeepCheck[] {
  const health = input.health;
  if (ids.length === 0) {
    return [{
      id: "channels",
      title: "Channels",
      status: "skip",
      detail: "none configured: the channel probes have nothing to inspect",
    }];
  }
  const states = obj(health?.channels);
  const fromHealth = (id: string): DeepCheck => {
    const base = { id: `channel:${id}`, title: `Channel ${id}` };
    if (!health) {
      return { ...base, status: "warn", detail: "not checked: the gateway is not reachable" };
    }
    const c = Object.hasOwn(states, id) ? obj(states[id]) : {};
    if (c.enabled === false) return { ...base, status: "skip", detail: "disabled" };
    if (c.running === true) return { ...base, status: "ok", detail: "running" };
    const why = typeof c.lastError === "string" ? `: ${c.lastError}` : "";
    return { ...base, status: "warn", detail: `not running${why}`, hint: "openclaw logs" };
  };
  if (status?.ok) return channelStatusChecks(ids, status.value, fromHealth);
  const checks = ids.map(fromHealth);
  // The probes could not run (an older gateway, or one this host has no credential for): say
  // so once, so an "ok" above is not read as a probe result.
  if (status && !status.ok) {
    checks.push({
      id: "channels.probe",
      title: "Channel probes",
      status: "warn",
      detail: status.error,
    });
  }
  return checks;
}

/**
 * Asks the gateway at `url` for `channels.status` with `probe: true`, with the credentials this
 * host has for it (config, env or the runtime file). Used when the caller gives no probe.
 *
 * @param url The gateway plain `status` reached.
 * @param timeoutMs Deadline of the probes on the gateway (the call gets a little more).
 * @returns The `channels.status` payload.
 * @throws {Error} When this host's target is another gateway (`--url`), or the call fails.
 */
export async function askChannelsStatus(
  url: string,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const [{ resolveGatewayTarget }, { connectTarget }, { READ_SCOPE }] = await Promise.all([
    import("../rpc/target.ts"),
    import("../rpc/session.ts"),
    import("../protocol/scopes.ts"),
  ]);
  const target = await resolveGatewayTarget();
  if (target.url !== url) throw new Error(`no credential here for ${url}`);
  await using client = await connectTarget(
    target,
    { clientId: "cli", clientMode: "cli", scopes: [READ_SCOPE] },
    timeoutMs,
  );
  return await client.call<Record<string, unknown>>(
    "channels.status",
    { probe: true, timeoutMs },
    { timeoutMs: timeoutMs + 2_000 },
  );
}
