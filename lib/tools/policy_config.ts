/**
 * The parts of `openclaw.json` the tool policy reads, and the per-session facts derived from
 * them: which agent entry applies, whether a session is sandboxed (`sandbox.mode`), and whether
 * elevated exec is open. Views are structural so a parsed config and a test's literal both fit.
 *
 * @module
 */
import type { ToolProfile } from "./groups.ts";
import { isMainSessionKey } from "../sandbox/config.ts";

/** allow / alsoAllow / deny lists of one policy block. */
export interface PolicyLists {
  allow?: readonly string[];
  alsoAllow?: readonly string[];
  deny?: readonly string[];
}

/** `tools` or `agents.list[].tools`, as far as the policy reads it. */
export interface ToolsPolicyView extends PolicyLists {
  profile?: ToolProfile;
  byProvider?: Readonly<Record<string, PolicyLists & { profile?: ToolProfile }>>;
  elevated?: {
    enabled?: boolean;
    allowFrom?: Readonly<Record<string, readonly (string | number)[]>>;
  };
  sandbox?: { tools?: { allow?: readonly string[]; deny?: readonly string[] } };
  exec?: ExecSettingsView;
}

/** `tools.exec` / `agents.list[].tools.exec`, as far as exec reads it. */
export interface ExecSettingsView {
  backgroundMs?: number;
  timeoutSec?: number;
  /** Newer stock spelling of `timeoutSec`; wins when both are set. */
  timeoutSeconds?: number;
  cleanupMs?: number;
  notifyOnExit?: boolean;
  notifyOnExitEmptySuccess?: boolean;
  pathPrepend?: readonly string[];
  security?: "deny" | "allowlist" | "full";
}

/** `agents.defaults.sandbox` / `agents.list[].sandbox`, as far as the policy reads it. */
export interface SandboxView {
  mode?: "off" | "non-main" | "all";
  scope?: "agent" | "session" | "shared";
  workspaceAccess?: "none" | "ro" | "rw";
  perSession?: boolean;
}

/** The config as the tool policy sees it (a parsed `OpenClawConfig` fits). */
export interface ToolPolicyConfigView {
  tools?: ToolsPolicyView;
  agents?: {
    defaults?: { sandbox?: SandboxView };
    list?: readonly {
      id: string;
      default?: boolean;
      tools?: ToolsPolicyView;
      sandbox?: SandboxView;
    }[];
  };
  session?: { mainKey?: string; scope?: string };
  gateway?: { tools?: { allow?: readonly string[]; deny?: readonly string[] } };
}

type AgentEntry = NonNullable<NonNullable<ToolPolicyConfigView["agents"]>["list"]>[number];

/** Returns the `agents.list[]` entry of an agent (ids compare case-insensitively) and its index. */
export function agentEntryOf(
  config: ToolPolicyConfigView,
  agentId: string,
): { entry?: AgentEntry; index: number } {
  const list = config.agents?.list ?? [];
  const want = agentId.trim().toLowerCase();
  const index = list.findIndex((a) => a.id.trim().toLowerCase() === want);
  return index < 0 ? { index } : { entry: list[index], index };
}

/** Where a session's tools run, and why. */
export interface SandboxModeInfo {
  mode: "off" | "non-main" | "all";
  scope: "agent" | "session" | "shared";
  workspaceAccess: "none" | "ro" | "rw";
  /** True when the session's tools run in the sandbox container. */
  sandboxed: boolean;
  /** The agent's main session key, `agent:<id>:<mainKey>` (`global` in global session scope). */
  mainSessionKey: string;
  isMainSession: boolean;
  /** The key that sets the mode (`agents.list[N].sandbox.mode` or `agents.defaults.sandbox.mode`). */
  configKey: string;
  /** Why the session is (not) sandboxed. */
  reason: string;
}

function scopeOf(s: SandboxView | undefined): SandboxView["scope"] {
  if (s?.perSession !== undefined) return s.perSession ? "session" : "shared";
  return undefined;
}

/** Returns the main session key of an agent (`agent:<id>:<session.mainKey ?? "main">`). */
export function mainSessionKeyOf(config: ToolPolicyConfigView, agentId: string): string {
  if (config.session?.scope === "global") return "global";
  const mainKey = config.session?.mainKey?.trim() || "main";
  return `agent:${agentId.trim().toLowerCase()}:${mainKey.toLowerCase()}`;
}

/**
 * Resolves the sandbox mode of an agent and whether `sessionKey` runs sandboxed: `off` -> host,
 * `non-main` -> sandboxed unless it is the agent's main session, `all` -> sandboxed.
 */
export function sandboxModeFor(
  config: ToolPolicyConfigView,
  agentId: string,
  sessionKey: string,
): SandboxModeInfo {
  const { entry, index } = agentEntryOf(config, agentId);
  const defaults = config.agents?.defaults?.sandbox;
  const own = entry?.sandbox;
  const mode = own?.mode ?? defaults?.mode ?? "off";
  const configKey = own?.mode !== undefined
    ? `agents.list[${index}].sandbox.mode`
    : "agents.defaults.sandbox.mode";
  // A legacy `perSession` beats the parsed default scope ("agent") of the same block.
  const scope = own?.scope ?? scopeOf(own) ?? scopeOf(defaults) ?? defaults?.scope ?? "agent";
  const workspaceAccess = own?.workspaceAccess ?? defaults?.workspaceAccess ?? "none";
  const mainSessionKey = mainSessionKeyOf(config, agentId);
  // One definition of "the main session" for explain and for the sandbox that runs the tools.
  const isMainSession = isMainSessionKey(sessionKey, agentId, config.session?.mainKey);
  let sandboxed: boolean;
  let reason: string;
  if (mode === "off") {
    sandboxed = false;
    reason = `${configKey} is "off": tools run on the host`;
  } else if (mode === "all") {
    sandboxed = true;
    reason = `${configKey} is "all": every session is sandboxed`;
  } else {
    sandboxed = !isMainSession;
    reason = isMainSession
      ? `${configKey} is "non-main" and "${sessionKey}" is the main session: tools run on the host`
      : `${configKey} is "non-main" and "${sessionKey}" is not the main session (${mainSessionKey})`;
  }
  return {
    mode,
    scope,
    workspaceAccess,
    sandboxed,
    mainSessionKey,
    isMainSession,
    configKey,
    reason,
  };
}

/** Whether `exec` with `elevated: true` may leave the sandbox, and why. */
export interface ElevatedInfo {
  enabled: boolean;
  reason: string;
  /** The key to change to open (or that closed) the gate. */
  configKey: string;
  /** Senders allowed per channel (`tools.elevated.allowFrom`, agent's over global). */
  allowFrom?: Readonly<Record<string, readonly (string | number)[]>>;
}

/**
 * Resolves the elevated gate: `tools.elevated.enabled` must be true and the agent's
 * `agents.list[].tools.elevated.enabled` must not be false (an agent can only close it).
 */
export function resolveElevated(config: ToolPolicyConfigView, agentId: string): ElevatedInfo {
  const { entry, index } = agentEntryOf(config, agentId);
  const global = config.tools?.elevated;
  const own = entry?.tools?.elevated;
  const allowFrom = own?.allowFrom ?? global?.allowFrom;
  const extra = allowFrom ? { allowFrom } : {};
  if (global?.enabled !== true) {
    return {
      enabled: false,
      reason: "tools.elevated.enabled is not true",
      configKey: "tools.elevated.enabled",
      ...extra,
    };
  }
  if (own?.enabled === false) {
    const key = `agents.list[${index}].tools.elevated.enabled`;
    return { enabled: false, reason: `${key} is false`, configKey: key, ...extra };
  }
  return {
    enabled: true,
    reason: "tools.elevated.enabled is true",
    configKey: "tools.elevated.enabled",
    ...extra,
  };
}
