/**
 * The layers of the tool policy: compiled allow / deny lists with the config key and label each
 * reason names, built from one config block each (profile, `tools`, `tools.byProvider`, the
 * agent's lists, the sandbox policy, the HTTP deny list). policy.ts chains them.
 *
 * @module
 */
import {
  expandToolGroups,
  normalizeToolName,
  profileAllowlist,
  type ToolProfile,
} from "./groups.ts";
import type { PolicyLists, ToolPolicyConfigView, ToolsPolicyView } from "./policy_config.ts";

/**
 * Tools `POST /tools/invoke` refuses unless `gateway.tools.allow` re-allows them (§10.5):
 * everything that runs commands, writes files, acts in other sessions or drives the gateway,
 * its schedules or paired devices. Names are the registered tool names (groups.ts); reading
 * tools (`read`, `sessions_list`, `memory_search`, ...) stay available.
 */
export const HTTP_DEFAULT_DENY: readonly string[] = [
  // Run commands.
  "exec",
  "process",
  "code_execution",
  // Write files.
  "write",
  "edit",
  "apply_patch",
  // Start or steer other sessions and agents.
  "sessions_spawn",
  "sessions_send",
  "subagents",
  // Change the gateway, its schedules, or reach paired devices.
  "cron",
  "gateway",
  "nodes",
];

/** Allowed inside a sandbox unless `tools.sandbox.tools.allow` says otherwise (§8.4). */
export const SANDBOX_DEFAULT_ALLOW: readonly string[] = [
  "exec",
  "process",
  "read",
  "write",
  "edit",
  "apply_patch",
  "image",
  "sessions_list",
  "sessions_history",
  "sessions_manage",
  "sessions_send",
  "sessions_spawn",
  "session_status",
];

/** Denied inside a sandbox unless `tools.sandbox.tools.deny` says otherwise (§8.4). */
export const SANDBOX_DEFAULT_DENY: readonly string[] = [
  "browser",
  "canvas",
  "nodes",
  "cron",
  "gateway",
  // Channel tools: a sandboxed session must not act as the operator on a channel.
  "discord",
  "telegram",
  "whatsapp",
  "slack",
  "signal",
  "imessage",
  "googlechat",
  "msteams",
  "matrix",
];

/** One allow or deny list of a layer, as `sandbox explain` shows it. */
export interface PolicyListInfo {
  /** Config key the list comes from (or that overrides the built-in default). */
  key: string;
  /** Human label used in reasons. */
  label: string;
  entries: string[];
  source: "config" | "profile" | "default";
}

/** One layer of the chain. */
export interface PolicyLayerInfo {
  id:
    | "profile"
    | "providerProfile"
    | "global"
    | "provider"
    | "agent"
    | "agentProvider"
    | "sandbox"
    | "http";
  allow?: PolicyListInfo;
  deny?: PolicyListInfo[];
}

type Matcher = { entry: string; test(name: string): boolean };

function compile(entries: readonly string[]): Matcher[] {
  const out: Matcher[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    const norm = normalizeToolName(entry);
    if (!norm) continue;
    if (norm === "*") {
      out.push({ entry, test: () => true });
    } else if (norm.startsWith("group:")) {
      const names = new Set(expandToolGroups([norm]));
      out.push({ entry, test: (n) => names.has(n) });
    } else if (norm.includes("*")) {
      const re = new RegExp(
        `^${norm.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`,
      );
      out.push({ entry, test: (n) => re.test(n) });
    } else {
      out.push({ entry, test: (n) => n === norm });
    }
  }
  return out;
}

/** A list with its matchers and an optional fix hint for reasons. */
export interface CompiledList extends PolicyListInfo {
  matchers: Matcher[];
  hint?: string;
}

function list(
  info: Omit<PolicyListInfo, "entries"> & { entries: readonly string[]; hint?: string },
): CompiledList {
  return { ...info, entries: [...info.entries], matchers: compile(info.entries) };
}

/** Returns the entry of `l` that allows `name`, if any. */
export function firstMatch(l: CompiledList, name: string): string | undefined {
  const hit = l.matchers.find((m) => m.test(name));
  // Stock quirk kept for drop-in configs: an allowlist that grants exec also grants apply_patch.
  if (!hit && name === "apply_patch" && l.source !== "default") {
    return l.matchers.find((m) => m.test("exec"))?.entry;
  }
  return hit?.entry;
}

/** One layer of the chain: an optional allowlist and any number of deny lists. */
export interface Layer {
  id: PolicyLayerInfo["id"];
  allow?: CompiledList;
  deny: CompiledList[];
}

/** `allow` U `alsoAllow`; `alsoAllow` alone is additive on top of "everything". */
function allowEntries(p: PolicyLists | undefined): readonly string[] | undefined {
  if (!p) return undefined;
  const also = p.alsoAllow ?? [];
  if (p.allow && p.allow.length > 0) return [...p.allow, ...also];
  return undefined;
}

/** Builds the layer of one `{ allow, alsoAllow, deny }` block at `keyPrefix`. */
export function policyLayer(
  id: Layer["id"],
  keyPrefix: string,
  p: PolicyLists | undefined,
): Layer | undefined {
  if (!p) return undefined;
  const allow = allowEntries(p);
  const layer: Layer = { id, deny: [] };
  if (allow) {
    layer.allow = list({
      key: `${keyPrefix}.allow`,
      label: `${keyPrefix}.allow`,
      entries: allow,
      source: "config",
    });
  }
  if (p.deny && p.deny.length > 0) {
    layer.deny.push(
      list({
        key: `${keyPrefix}.deny`,
        label: `${keyPrefix}.deny`,
        entries: p.deny,
        source: "config",
      }),
    );
  }
  return layer.allow || layer.deny.length > 0 ? layer : undefined;
}

/** Builds the allowlist layer of a profile plus its `alsoAllow`. */
export function profileLayer(
  id: "profile" | "providerProfile",
  key: string,
  profile: ToolProfile | undefined,
  alsoAllow: readonly string[] | undefined,
  alsoKey: string,
): Layer | undefined {
  const base = profile ? profileAllowlist(profile) : undefined;
  if (!base) return undefined;
  return {
    id,
    deny: [],
    allow: list({
      key,
      label: `${key} "${profile}"`,
      entries: [...base, ...(alsoAllow ?? [])],
      source: "profile",
      hint: `add it to ${alsoKey} or change ${key}`,
    }),
  };
}

function normalizeProviderKey(key: string): string {
  return key.trim().toLowerCase();
}

/** Picks `byProvider["provider/model"]`, else `byProvider["provider"]`. */
export function providerEntry(
  tools: ToolsPolicyView | undefined,
  provider: string | undefined,
  model: string | undefined,
): { key: string; value: PolicyLists & { profile?: ToolProfile } } | undefined {
  const by = tools?.byProvider;
  if (!by || !provider?.trim()) return undefined;
  const p = normalizeProviderKey(provider);
  const m = model?.trim().toLowerCase();
  const candidates = [...(m ? [m.includes("/") ? m : `${p}/${m}`] : []), p];
  for (const want of candidates) {
    for (const [key, value] of Object.entries(by)) {
      if (normalizeProviderKey(key) === want) return { key, value };
    }
  }
  return undefined;
}

/** Builds the sandbox layer: the agent's sandbox policy, else the global one, else defaults. */
export function sandboxLayer(
  config: ToolPolicyConfigView,
  agentIndex: number,
  agentTools: ToolsPolicyView | undefined,
): Layer {
  const agentPrefix = `agents.list[${agentIndex}].tools.sandbox.tools`;
  const agentPolicy = agentTools?.sandbox?.tools;
  const globalPolicy = config.tools?.sandbox?.tools;
  type Picked = { key: string; entries: readonly string[]; source: PolicyListInfo["source"] };
  const pick = (which: "allow" | "deny", defaults: readonly string[]): Picked => {
    if (agentPolicy?.[which]) {
      return { key: `${agentPrefix}.${which}`, entries: agentPolicy[which]!, source: "config" };
    }
    if (globalPolicy?.[which]) {
      return {
        key: `tools.sandbox.tools.${which}`,
        entries: globalPolicy[which]!,
        source: "config",
      };
    }
    return { key: `tools.sandbox.tools.${which}`, entries: defaults, source: "default" };
  };
  const a = pick("allow", SANDBOX_DEFAULT_ALLOW);
  const d = pick("deny", SANDBOX_DEFAULT_DENY);
  const denyNames = new Set(expandToolGroups(d.entries));
  const allowNames = new Set(expandToolGroups(a.entries));
  // Stock always lets sandboxed sessions see images unless `image` is denied outright.
  const allowEntriesList = !denyNames.has("image") && !allowNames.has("image") &&
      a.entries.length > 0
    ? [...a.entries, "image"]
    : a.entries;
  const label = (src: string, key: string, which: string) =>
    src === "default" ? `the default sandbox ${which}` : key;
  const layer: Layer = { id: "sandbox", deny: [] };
  if (allowEntriesList.length > 0) {
    layer.allow = list({
      key: a.key,
      label: label(a.source, a.key, "allowlist"),
      entries: allowEntriesList,
      source: a.source,
      hint: "add it there, or set agents.defaults.sandbox.mode to off",
    });
  }
  if (d.entries.length > 0) {
    layer.deny.push(list({
      key: d.key,
      label: label(d.source, d.key, "deny list"),
      entries: d.entries,
      source: d.source,
    }));
  }
  return layer;
}

/**
 * Returns true when `POST /tools/invoke` refuses `name`: it is in `gateway.tools.deny`, or in
 * the default deny list and not re-allowed by `gateway.tools.allow`. Entries match like every
 * other tool list (case-insensitive, aliases such as `bash`, `group:*`, `*` wildcards).
 */
export function isHttpToolDeniedBy(
  name: string,
  tools: { allow?: readonly string[]; deny?: readonly string[] } | undefined,
): boolean {
  const n = normalizeToolName(name);
  if (compile(tools?.deny ?? []).some((m) => m.test(n))) return true;
  const reAllow = compile(tools?.allow ?? []);
  return HTTP_DEFAULT_DENY.includes(n) && !reAllow.some((m) => m.test(n));
}

/** Builds the `POST /tools/invoke` layer: the default deny list adjusted by `gateway.tools`. */
export function httpLayer(config: ToolPolicyConfigView): Layer {
  const reAllow = compile(config.gateway?.tools?.allow ?? []);
  const defaults = HTTP_DEFAULT_DENY.filter((t) => !reAllow.some((m) => m.test(t)));
  const layer: Layer = {
    id: "http",
    deny: [list({
      key: "gateway.tools.allow",
      label: "the default POST /tools/invoke deny list",
      entries: defaults,
      source: "default",
    })],
  };
  const extra = config.gateway?.tools?.deny ?? [];
  if (extra.length > 0) {
    layer.deny.push(list({
      key: "gateway.tools.deny",
      label: "gateway.tools.deny",
      entries: extra,
      source: "config",
    }));
  }
  return layer;
}
