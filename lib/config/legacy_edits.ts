/**
 * The legacy migrations of §3.10 as comment-keeping config edits: `openclaw doctor --fix` turns
 * a config file's own text into the current shape while every comment, unknown key and untouched
 * value stays as the user wrote it. Planning is pure over the parsed file; applying works on the
 * text.
 *
 * @module
 */
import { applyConfigEdits, type ConfigEdit } from "./edit.ts";
import { hostAliasBindMode } from "./legacy.ts";
import { formatConfigPath, type PathSegment } from "./path.ts";
import { parseConfigText } from "./read.ts";

/** What {@linkcode planLegacyEdits} would do. */
export interface LegacyEditPlan {
  edits: ConfigEdit[];
  /** One line per migration, in stock's wording where stock has one. */
  changes: string[];
  /** Legacy keys that need a person (e.g. an unknown `routing.*` key). */
  manual: string[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

class Planner implements LegacyEditPlan {
  edits: ConfigEdit[] = [];
  changes: string[] = [];
  manual: string[] = [];
  set(path: PathSegment[], value: unknown): void {
    this.edits.push({ op: "set", path, value });
  }
  unset(path: PathSegment[]): void {
    this.edits.push({ op: "unset", path });
  }
}

function planGatewayToken(gw: Obj, p: Planner): void {
  if (!Object.hasOwn(gw, "token")) return;
  const auth = gw.auth;
  if (isObj(auth) && auth.token !== undefined) {
    p.unset(["gateway", "token"]);
    p.changes.push("Removed gateway.token (gateway.auth.token already set).");
    return;
  }
  if (auth !== undefined && !isObj(auth)) {
    p.manual.push("gateway.token: gateway.auth is not an object; move the token by hand");
    return;
  }
  // Setting before removing lets the new block take the old key's place in the file.
  if (auth === undefined) p.set(["gateway", "auth"], { mode: "token", token: gw.token });
  else {
    p.set(["gateway", "auth", "token"], gw.token);
    if (auth.mode === undefined) p.set(["gateway", "auth", "mode"], "token");
  }
  p.unset(["gateway", "token"]);
  p.changes.push("Moved gateway.token \u2192 gateway.auth.token.");
}

function planGatewayBind(gw: Obj, p: Planner): void {
  if (typeof gw.bind !== "string") return;
  const mode = hostAliasBindMode(gw.bind);
  if (!mode) return;
  p.set(["gateway", "bind"], mode);
  if (mode === "custom" && gw.customBindHost === undefined) {
    p.set(["gateway", "customBindHost"], gw.bind);
    p.changes.push(
      `Changed gateway.bind "${gw.bind}" \u2192 "custom" with gateway.customBindHost "${gw.bind}".`,
    );
  } else {
    p.changes.push(`Changed gateway.bind "${gw.bind}" \u2192 "${mode}".`);
  }
}

const MENTION_CHANNELS = ["whatsapp", "telegram", "imessage"];

/** Handles one `routing.<key>`; returns false when it must be left for a person. */
function planRoutingKey(raw: Obj, key: string, value: unknown, p: Planner): boolean {
  const channels = isObj(raw.channels) ? raw.channels : {};
  switch (key) {
    case "allowFrom": {
      const existing = isObj(channels.whatsapp) ? channels.whatsapp.allowFrom : undefined;
      const merged = Array.isArray(existing) && Array.isArray(value)
        ? [...existing, ...value.filter((v) => !existing.includes(v))]
        : value;
      p.set(["channels", "whatsapp", "allowFrom"], merged);
      p.changes.push("Moved routing.allowFrom \u2192 channels.whatsapp.allowFrom.");
      return true;
    }
    case "groupChat": {
      if (!isObj(value) || Object.keys(value).some((k) => k !== "requireMention")) return false;
      if (value.requireMention === undefined) return true;
      // Only channels that exist: creating a channel block would start that channel.
      const present = MENTION_CHANNELS.filter((c) => isObj(channels[c]));
      for (const c of present.length ? present : ["whatsapp"]) {
        const groups = isObj(channels[c]) ? (channels[c] as Obj).groups : undefined;
        const star = isObj(groups) ? groups["*"] : undefined;
        if (isObj(star) && star.requireMention !== undefined) continue;
        p.set(["channels", c, "groups", "*", "requireMention"], value.requireMention);
        p.changes.push(
          `Moved routing.groupChat.requireMention \u2192 channels.${c}.groups."*".requireMention.`,
        );
      }
      return true;
    }
    case "queue": {
      const messages = isObj(raw.messages) ? raw.messages : undefined;
      if (isObj(messages?.queue) && isObj(value)) {
        for (const [k, v] of Object.entries(value)) {
          if (!Object.hasOwn(messages.queue, k)) p.set(["messages", "queue", k], v);
        }
      } else if (messages?.queue === undefined) {
        p.set(["messages", "queue"], value);
      } else return false;
      p.changes.push("Moved routing.queue \u2192 messages.queue.");
      return true;
    }
    case "bindings": {
      if (!Array.isArray(value)) return false;
      const start = Array.isArray(raw.bindings) ? raw.bindings.length : 0;
      if (!Array.isArray(raw.bindings) && raw.bindings !== undefined) return false;
      value.forEach((b, i) => p.set(["bindings", start + i], renameAccountId(b)));
      p.changes.push("Moved routing.bindings \u2192 bindings.");
      return true;
    }
    case "agents":
      return planRoutingAgents(raw, value, p);
    case "defaultAgentId":
      // Handled together with routing.agents when both are present.
      return planDefaultAgent(raw, value, p);
    default:
      return false;
  }
}

function renameAccountId(binding: unknown): unknown {
  if (!isObj(binding) || !isObj(binding.match) || !Object.hasOwn(binding.match, "accountID")) {
    return binding;
  }
  const { accountID, ...match } = binding.match;
  return { ...binding, match: { accountId: accountID, ...match } };
}

function existingAgentIds(raw: Obj): string[] {
  const list = isObj(raw.agents) ? raw.agents.list : undefined;
  return Array.isArray(list) ? list.map((a) => (isObj(a) ? String(a.id) : "")) : [];
}

function planRoutingAgents(raw: Obj, value: unknown, p: Planner): boolean {
  const agents = isObj(raw.agents) ? raw.agents : undefined;
  if (agents !== undefined && agents.list !== undefined && !Array.isArray(agents.list)) {
    return false;
  }
  const entries: Obj[] = Array.isArray(value)
    ? value.filter(isObj)
    : isObj(value)
    ? Object.entries(value).map(([id, cfg]) => ({ id, ...(isObj(cfg) ? cfg : {}) }))
    : [];
  const routing = raw.routing as Obj;
  const defaultId = typeof routing.defaultAgentId === "string" ? routing.defaultAgentId : undefined;
  const ids = existingAgentIds(raw);
  const list = Array.isArray(agents?.list) ? agents.list : [];
  const hasDefault = list.some((a) => isObj(a) && a.default === true);
  let next = ids.length;
  for (const entry of entries) {
    if (ids.includes(String(entry.id))) {
      p.manual.push(`routing.agents.${entry.id}: agents.list already has "${entry.id}"`);
      continue;
    }
    const add = defaultId === entry.id && !hasDefault ? { ...entry, default: true } : entry;
    p.set(["agents", "list", next++], add);
  }
  p.changes.push("Moved routing.agents \u2192 agents.list.");
  return true;
}

function planDefaultAgent(raw: Obj, value: unknown, p: Planner): boolean {
  const routing = raw.routing as Obj;
  if (typeof value !== "string") return false;
  const ids = existingAgentIds(raw);
  const fromRouting = isObj(routing.agents) ? Object.keys(routing.agents) : [];
  if (fromRouting.includes(value) && !ids.includes(value)) return true; // set with routing.agents
  const i = ids.indexOf(value);
  if (i < 0) return false;
  p.set(["agents", "list", i, "default"], true);
  p.changes.push(`Moved routing.defaultAgentId \u2192 agents.list[${i}].default.`);
  return true;
}

function planRouting(raw: Obj, p: Planner): void {
  if (!Object.hasOwn(raw, "routing")) return;
  const routing = raw.routing;
  if (!isObj(routing)) {
    p.unset(["routing"]);
    p.changes.push("Removed routing (not an object).");
    return;
  }
  const left: string[] = [];
  for (const [key, value] of Object.entries(routing)) {
    if (planRoutingKey(raw, key, value, p)) continue;
    left.push(key);
    p.manual.push(`routing.${key}: no automatic migration; move it by hand and remove it`);
  }
  if (!left.length) p.unset(["routing"]);
  else for (const key of Object.keys(routing)) if (!left.includes(key)) p.unset(["routing", key]);
}

function planMessagesAndBindings(raw: Obj, p: Planner): void {
  if (Object.hasOwn(raw, "bridge")) {
    p.unset(["bridge"]);
    p.changes.push("Removed bridge (nodes connect to the gateway directly).");
  }
  const queue = isObj(raw.messages) && isObj(raw.messages.queue) ? raw.messages.queue : undefined;
  if (queue && Object.hasOwn(queue, "byProvider")) {
    const by = queue.byProvider;
    if (queue.byChannel === undefined) p.set(["messages", "queue", "byChannel"], by);
    else if (isObj(queue.byChannel) && isObj(by)) {
      for (const [k, v] of Object.entries(by)) {
        if (!Object.hasOwn(queue.byChannel, k)) p.set(["messages", "queue", "byChannel", k], v);
      }
    }
    p.unset(["messages", "queue", "byProvider"]);
    p.changes.push("Renamed messages.queue.byProvider \u2192 messages.queue.byChannel.");
  }
  if (Array.isArray(raw.bindings)) {
    raw.bindings.forEach((b, i) => {
      if (!isObj(b) || !isObj(b.match) || !Object.hasOwn(b.match, "accountID")) return;
      if (b.match.accountId === undefined) {
        p.set(["bindings", i, "match", "accountId"], b.match.accountID);
      }
      p.unset(["bindings", i, "match", "accountID"]);
      p.changes.push(`Renamed bindings[${i}].match.accountID \u2192 accountId.`);
    });
  }
}

/** Plans the edits that migrate every legacy key of a config file's own (unresolved) content. */
export function planLegacyEdits(raw: unknown): LegacyEditPlan {
  const p = new Planner();
  if (!isObj(raw)) return p;
  if (isObj(raw.gateway)) {
    planGatewayToken(raw.gateway, p);
    planGatewayBind(raw.gateway, p);
  }
  planRouting(raw, p);
  planMessagesAndBindings(raw, p);
  return { edits: p.edits, changes: p.changes, manual: p.manual };
}

/** Result of {@linkcode migrateLegacyConfigText}. */
export interface LegacyTextMigration extends LegacyEditPlan {
  /** The migrated text; equal to the input when there was nothing to do. */
  text: string;
}

/**
 * Migrates the legacy keys of JSON5 config text, keeping comments, unknown keys and layout.
 *
 * @throws {OpenClawError} `CONFIG_PARSE` when the text is not a JSON5 object.
 */
export function migrateLegacyConfigText(text: string, file = "openclaw.json"): LegacyTextMigration {
  const plan = planLegacyEdits(parseConfigText(text, file));
  if (!plan.edits.length) return { ...plan, text };
  return { ...plan, text: applyConfigEdits(text, plan.edits, file).text };
}

/** Dotted paths of every edit in a plan, for messages. */
export function planPaths(plan: LegacyEditPlan): string[] {
  return plan.edits.map((e) => formatConfigPath(e.path));
}
