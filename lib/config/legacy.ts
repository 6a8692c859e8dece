/**
 * Detects legacy config keys on the raw JSON5 value, before zod runs, so the loader can explain
 * *why* a key is rejected (strict validation also reports most of them as unknown keys) and
 * `openclaw doctor --fix` knows what it will change (§3.10).
 *
 * @module
 */

/** One legacy key or misleading setting found in a raw config. */
export interface LegacyFinding {
  /** Stable id, as in stock's migration table (e.g. `gateway.token->gateway.auth.token`). */
  id: string;
  /** Dotted path of the offending key. */
  path: string;
  /** What is wrong, for people. */
  message: string;
  /** What `openclaw doctor --fix` will do about it. */
  fix: string;
  /** `legacy`: must be migrated; `info`: valid but often misunderstood. */
  severity: "legacy" | "info";
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function has(obj: Obj, key: string): boolean {
  return Object.hasOwn(obj, key);
}

/** Bind values that are host addresses rather than bind modes, and the mode each maps to. */
const HOST_ALIAS_BINDS: Record<string, string> = {
  "0.0.0.0": "lan",
  "::": "lan",
  "[::]": "lan",
  "127.0.0.1": "loopback",
  "localhost": "loopback",
  "::1": "loopback",
  "[::1]": "loopback",
};

const BIND_MODES = new Set(["loopback", "lan", "tailnet", "auto", "custom"]);
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * Returns the bind mode a host-address `gateway.bind` stands for (`0.0.0.0` -> `lan`,
 * `localhost` -> `loopback`, another IPv4 -> `custom`), or `undefined` when it is not one.
 */
export function hostAliasBindMode(bind: string): string | undefined {
  if (BIND_MODES.has(bind)) return undefined;
  return HOST_ALIAS_BINDS[bind.toLowerCase()] ?? (IPV4.test(bind) ? "custom" : undefined);
}

function routingFindings(routing: Obj): LegacyFinding[] {
  const out: LegacyFinding[] = [];
  const add = (key: string, target: string, fix: string) =>
    out.push({
      id: `routing.${key}`,
      path: `routing.${key}`,
      message: `Found "routing.${key}" in config. Use "${target}" instead.`,
      fix,
      severity: "legacy",
    });
  for (const key of Object.keys(routing)) {
    switch (key) {
      case "allowFrom":
        add(
          key,
          "channels.whatsapp.allowFrom",
          "Move routing.allowFrom to channels.whatsapp.allowFrom.",
        );
        break;
      case "groupChat": {
        const gc = routing.groupChat;
        if (isObject(gc) && has(gc, "requireMention")) {
          out.push({
            id: "routing.groupChat.requireMention",
            path: "routing.groupChat.requireMention",
            message: 'Found "routing.groupChat.requireMention" in config. Use ' +
              '"channels.<whatsapp|telegram|imessage>.groups."*".requireMention" instead.',
            fix: 'Copy requireMention to groups."*" of whatsapp, telegram and imessage.',
            severity: "legacy",
          });
        } else {
          add(key, "agents.list[].groupChat", "Move routing.groupChat to agents.list[].groupChat.");
        }
        break;
      }
      case "queue":
        add(key, "messages.queue", "Move routing.queue to messages.queue.");
        break;
      case "bindings":
        add(key, "bindings", "Move routing.bindings to the top-level bindings list.");
        break;
      case "agents":
        add(key, "agents.list", "Convert routing.agents to agents.list entries.");
        break;
      case "defaultAgentId":
        add(key, "agents.list[].default", "Mark that agent with default: true in agents.list.");
        break;
      default:
        add(key, "the matching agents/channels/messages setting", "Review and remove it.");
    }
  }
  if (out.length === 0) {
    out.push({
      id: "routing",
      path: "routing",
      message: 'Found "routing" in config. It was replaced by agents, channels and bindings.',
      fix: "Remove the empty routing block.",
      severity: "legacy",
    });
  }
  return out;
}

function gatewayFindings(gateway: Obj): LegacyFinding[] {
  const out: LegacyFinding[] = [];
  const auth = gateway.auth;
  if (has(gateway, "token")) {
    const authTokenSet = isObject(auth) && auth.token !== undefined;
    out.push({
      id: "gateway.token->gateway.auth.token",
      path: "gateway.token",
      message: 'Found "gateway.token" in config. Use "gateway.auth.token" instead.',
      fix: authTokenSet
        ? "Remove gateway.token (gateway.auth.token already set)."
        : 'Move gateway.token to gateway.auth.token (and set gateway.auth.mode="token" if unset).',
      severity: "legacy",
    });
  }
  const bind = gateway.bind;
  if (typeof bind === "string" && !BIND_MODES.has(bind)) {
    const mode = hostAliasBindMode(bind);
    if (mode) {
      out.push({
        id: "gateway.bind.host-alias->bind-mode",
        path: "gateway.bind",
        message: `gateway.bind "${bind}" is a host address, not a bind mode. ` +
          `Use gateway.bind "${mode}" instead.`,
        fix: mode === "custom"
          ? `Set gateway.bind="custom" and gateway.customBindHost="${bind}".`
          : `Set gateway.bind="${mode}".`,
        severity: "legacy",
      });
    }
  }
  const remote = gateway.remote;
  if (isObject(remote) && remote.token !== undefined && auth === undefined) {
    out.push({
      id: "gateway.remote.token-is-client-only",
      path: "gateway.remote.token",
      message:
        '"gateway.remote.token" is for remote CLI calls; it does not enable local gateway auth.',
      fix: "Nothing to migrate; set gateway.auth.token to protect this gateway.",
      severity: "info",
    });
  }
  return out;
}

/** Lists the legacy keys in a raw (unvalidated) config value; `[]` when there are none. */
export function detectLegacyKeys(raw: unknown): LegacyFinding[] {
  if (!isObject(raw)) return [];
  const out: LegacyFinding[] = [];
  if (isObject(raw.gateway)) out.push(...gatewayFindings(raw.gateway));
  if (has(raw, "routing")) {
    out.push(...(isObject(raw.routing) ? routingFindings(raw.routing) : routingFindings({})));
  }
  if (has(raw, "bridge")) {
    out.push({
      id: "bridge",
      path: "bridge",
      message: 'Found "bridge" in config. The bridge was removed; nodes connect to the gateway.',
      fix: "Remove the bridge block.",
      severity: "legacy",
    });
  }
  const messages = raw.messages;
  if (isObject(messages) && isObject(messages.queue) && has(messages.queue, "byProvider")) {
    out.push({
      id: "messages.queue.byProvider->byChannel",
      path: "messages.queue.byProvider",
      message:
        'Found "messages.queue.byProvider" in config. Use "messages.queue.byChannel" instead.',
      fix: "Rename messages.queue.byProvider to messages.queue.byChannel.",
      severity: "legacy",
    });
  }
  if (Array.isArray(raw.bindings)) {
    raw.bindings.forEach((binding, i) => {
      if (isObject(binding) && isObject(binding.match) && has(binding.match, "accountID")) {
        out.push({
          id: "bindings.match.accountID->accountId",
          path: `bindings[${i}].match.accountID`,
          message: `Found "bindings[${i}].match.accountID" in config. ` +
            `Use "bindings[${i}].match.accountId" instead.`,
          fix: "Rename match.accountID to match.accountId.",
          severity: "legacy",
        });
      }
    });
  }
  return out;
}

/** Result of {@link migrateLegacyConfig}. */
export interface LegacyMigration {
  /** A migrated copy; the input is never mutated. */
  config: unknown;
  /** One line per change, in stock's wording. */
  changes: string[];
}

/**
 * Applies the `gateway.token -> gateway.auth.token` migration to a copy of a raw config. Other
 * legacy keys are left for `openclaw doctor --fix`.
 */
export function migrateLegacyConfig(raw: unknown): LegacyMigration {
  if (!isObject(raw) || !isObject(raw.gateway) || !has(raw.gateway, "token")) {
    return { config: raw, changes: [] };
  }
  const config = structuredClone(raw) as Obj;
  const gateway = config.gateway as Obj;
  const { token, ...rest } = gateway;
  const auth: Obj = isObject(gateway.auth) ? { ...gateway.auth } : {};
  let change: string;
  if (auth.token !== undefined) {
    change = "Removed gateway.token (gateway.auth.token already set).";
  } else {
    auth.token = token;
    auth.mode ??= "token";
    change = "Moved gateway.token \u2192 gateway.auth.token.";
  }
  config.gateway = { ...rest, auth };
  return { config, changes: [change] };
}
