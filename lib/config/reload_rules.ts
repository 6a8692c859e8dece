/**
 * Which config changes a running gateway can take live and which need a restart: the seed's
 * hot-reload table as data, a structural diff into dotted paths, and the plan for a reload mode.
 *
 * @module
 */

/** What a changed path needs. */
export type ReloadClass = "none" | "hot" | "restart";

/** `gateway.reload.mode`. */
export type ReloadMode = "off" | "hot" | "restart" | "hybrid";

/**
 * Prefix rules, first match wins (a prefix matches itself and its dotted children). `none` means
 * the value is read live wherever it is used, so nothing has to happen.
 */
export const RELOAD_RULES: readonly { prefix: string; class: ReloadClass; action?: string }[] = [
  { prefix: "gateway.remote", class: "none" },
  { prefix: "gateway.reload", class: "none" },
  { prefix: "hooks", class: "hot", action: "reload hooks" },
  { prefix: "agents.defaults.heartbeat", class: "hot", action: "restart heartbeat runner" },
  { prefix: "agent.heartbeat", class: "hot", action: "restart heartbeat runner" },
  { prefix: "cron", class: "hot", action: "restart cron" },
  { prefix: "browser", class: "hot", action: "restart browser control" },
  { prefix: "channels", class: "hot", action: "restart channel" },
  { prefix: "web", class: "hot", action: "restart channel" },
  { prefix: "logging", class: "hot", action: "reconfigure logging" },
  ...[
    "identity",
    "wizard",
    "meta",
    "$schema",
    "models",
    "agents",
    "agent",
    "routing",
    "tools",
    "bindings",
    "audio",
    "messages",
    "session",
    "talk",
    "skills",
    "ui",
  ].map((prefix) => ({ prefix, class: "none" as const })),
  { prefix: "plugins", class: "restart" },
  { prefix: "gateway", class: "restart" },
  { prefix: "discovery", class: "restart" },
  { prefix: "canvasHost", class: "restart" },
];

/** Returns the class of one changed dotted path; anything unknown needs a restart. */
export function classifyConfigPath(path: string): { class: ReloadClass; action?: string } {
  for (const rule of RELOAD_RULES) {
    if (
      path === rule.prefix || path.startsWith(rule.prefix + ".") ||
      path.startsWith(rule.prefix + "[")
    ) {
      return { class: rule.class, action: rule.action };
    }
  }
  return { class: "restart" };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Returns the dotted paths where `a` and `b` differ. Objects are compared key by key; arrays
 * and scalars as whole values (an array change reports the array's path).
 */
export function diffConfigPaths(a: unknown, b: unknown, prefix = ""): string[] {
  if (isRecord(a) && isRecord(b)) {
    const out: string[] = [];
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      out.push(...diffConfigPaths(a[key], b[key], prefix ? `${prefix}.${key}` : key));
    }
    return out;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix || "<root>"];
}

/**
 * Returns `next` with every restart-class change taken back to its `running` value: what a
 * gateway in `hot` mode runs with, since it applies live changes and ignores the rest. Paths are
 * compared like {@linkcode diffConfigPaths}, so `diffConfigPaths(running, result)` holds no
 * restart-class path.
 */
export function withoutRestartChanges<T>(running: T, next: T): T {
  return revert(running, next, "") as T;
}

function revert(a: unknown, b: unknown, prefix: string): unknown {
  if (isRecord(a) && isRecord(b)) {
    const out: Record<string, unknown> = {};
    for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
      const v = revert(a[key], b[key], prefix ? `${prefix}.${key}` : key);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return b;
  return classifyConfigPath(prefix || "<root>").class === "restart" ? a : b;
}

/** What a reload should do for a set of changed paths. */
export interface ReloadPlan {
  changed: string[];
  /** Paths that can be applied live, with their actions. */
  hot: { path: string; action?: string }[];
  /** Paths that need a restart. */
  restart: string[];
  /**
   * The decision: nothing, apply live changes, restart, or ignore. In `hot` mode with
   * restart-class paths it is `hot` when something else changed too (apply all but the
   * restart-class paths) and `ignored` when only restart-class paths changed.
   */
  decision: "noop" | "hot" | "restart" | "ignored";
  /** A log line explaining the decision when something is not applied. */
  note?: string;
}

/** Plans a reload under `mode` for the changed paths. */
export function planReload(changed: string[], mode: ReloadMode): ReloadPlan {
  const hot: ReloadPlan["hot"] = [];
  const restart: string[] = [];
  for (const path of changed) {
    const c = classifyConfigPath(path);
    if (c.class === "hot") hot.push({ path, action: c.action });
    else if (c.class === "restart") restart.push(path);
  }
  const plan: ReloadPlan = { changed, hot, restart, decision: "noop" };
  if (changed.length === 0) return plan;
  if (mode === "off") {
    return {
      ...plan,
      decision: "ignored",
      note: "config reload disabled (gateway.reload.mode=off)",
    };
  }
  if (mode === "restart") return { ...plan, decision: "restart" };
  if (restart.length > 0) {
    if (mode === "hot") {
      return {
        ...plan,
        decision: changed.length > restart.length ? "hot" : "ignored",
        note: `config reload requires gateway restart; hot mode ignoring (${restart.join(", ")})`,
      };
    }
    return { ...plan, decision: "restart" };
  }
  return { ...plan, decision: "hot" };
}
