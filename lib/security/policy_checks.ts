/**
 * Sandbox and tool policy checks: dangerous Docker binds and network modes, exec security
 * `full`, and chat exposure (open group/DM policies combined with powerful tools).
 *
 * @module
 */
import { isObj, type Obj, objAt, stringAt, stringsOf, valueAt } from "./_util.ts";
import type { AuditContext } from "./context.ts";
import type { SecurityFinding, Severity } from "./types.ts";
import { dangerousBindReason } from "../sandbox/security.ts";
import { expandToolGroups, normalizeToolName } from "../tools/groups.ts";

function f(
  checkId: string,
  severity: Severity,
  title: string,
  detail: string,
  remediation: string,
): SecurityFinding {
  return { checkId, severity, title, detail, remediation };
}

// One judgement of dangerous binds for the audit and the sandbox itself (which refuses them).
export { dangerousBindReason } from "../sandbox/security.ts";

interface SandboxBlock {
  where: string;
  block: Obj;
}

function sandboxBlocks(config: Obj): SandboxBlock[] {
  const out: SandboxBlock[] = [];
  const defaults = valueAt(config, "agents", "defaults", "sandbox");
  if (isObj(defaults)) out.push({ where: "agents.defaults.sandbox", block: defaults });
  const list = valueAt(config, "agents", "list");
  if (Array.isArray(list)) {
    list.forEach((agent, i) => {
      if (isObj(agent) && isObj(agent.sandbox)) {
        out.push({ where: `agents.list[${i}].sandbox`, block: agent.sandbox });
      }
    });
  }
  const legacy = valueAt(config, "agent", "sandbox");
  if (isObj(legacy)) out.push({ where: "agent.sandbox", block: legacy });
  return out;
}

/** Returns the sandbox mode in effect for the default agent (`off` unless configured). */
export function defaultSandboxMode(config: Obj): string {
  return stringAt(config, "agents", "defaults", "sandbox", "mode") ??
    stringAt(config, "agent", "sandbox", "mode") ?? "off";
}

function sandboxFindings(ctx: AuditContext): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  for (const { where, block } of sandboxBlocks(ctx.config)) {
    const docker = objAt(block, "docker");
    stringsOf(docker.binds).forEach((bind, i) => {
      const source = bind.split(":")[0] ?? "";
      const path = `${where}.docker.binds[${i}]`;
      if (!source.startsWith("/")) {
        out.push(f(
          "sandbox.bind_mount_non_absolute",
          "warn",
          "Sandbox bind mount uses a relative source",
          `${path} "${bind}" uses a non-absolute source path; Docker may treat it as a named ` +
            "volume and the sandbox refuses it",
          'Use an absolute host path, e.g. "/home/me/project:/project:ro"',
        ));
        return;
      }
      const why = dangerousBindReason(source);
      if (why) {
        out.push(f(
          "sandbox.dangerous_bind_mount",
          "critical",
          "Sandbox bind mount exposes a sensitive host path",
          `${path} "${bind}" ${why}: sandboxed tools could read or change the host`,
          `Remove it from ${where}.docker.binds; mount only project directories, read-only (:ro)`,
        ));
      }
    });
    const network = stringAt(docker, "network");
    if (network === "host" || network?.startsWith("container:")) {
      out.push(f(
        "sandbox.dangerous_network_mode",
        "critical",
        "Sandbox shares a network namespace",
        `${where}.docker.network is "${network}": sandboxed tools reach host-local services`,
        `Use "none" (the default) or a dedicated bridge network in ${where}.docker.network`,
      ));
    }
    for (const key of ["seccompProfile", "apparmorProfile"] as const) {
      if (stringAt(docker, key)?.toLowerCase() === "unconfined") {
        const id = key === "seccompProfile" ? "seccomp" : "apparmor";
        out.push(f(
          `sandbox.dangerous_${id}_profile`,
          "critical",
          `Sandbox runs without ${id === "seccomp" ? "seccomp" : "AppArmor"} confinement`,
          `${where}.docker.${key} is "unconfined"`,
          `Remove ${where}.docker.${key} to use Docker's default profile`,
        ));
      }
    }
  }
  const defaults = objAt(ctx.config, "agents", "defaults", "sandbox");
  if (isObj(defaults.docker) && defaultSandboxMode(ctx.config) === "off") {
    out.push(f(
      "sandbox.docker_config_mode_off",
      "warn",
      "Sandbox is configured but off",
      "agents.defaults.sandbox.docker is set but agents.defaults.sandbox.mode is off: tools run on the host",
      'openclaw config set agents.defaults.sandbox.mode non-main (or "all")',
    ));
  }
  return out;
}

function execFindings(ctx: AuditContext): SecurityFinding[] {
  const where: string[] = [];
  if (stringAt(ctx.config, "tools", "exec", "security") === "full") {
    where.push("tools.exec.security");
  }
  const list = valueAt(ctx.config, "agents", "list");
  if (Array.isArray(list)) {
    list.forEach((a, i) => {
      if (stringAt(a, "tools", "exec", "security") === "full") {
        where.push(`agents.list[${i}].tools.exec.security`);
      }
    });
  }
  if (!where.length) return [];
  return [f(
    "tools.exec.security_full_configured",
    "warn",
    "exec runs any command without an allowlist",
    `${where.join(", ")} is "full": the agent may run any shell command the gateway user can`,
    'Use "allowlist" with tools.exec.safeBins, or ask: "on-miss" to approve new commands',
  )];
}

/** Expands the tool names a policy entry may stand for (groups and `*`). */
// The tool catalog's groups and aliases (lib/tools/groups.ts), so `bash` and `group:runtime`
// cover `exec` here exactly as they do when the policy is applied.
function policyCovers(entries: readonly string[], tool: string): boolean {
  const wanted = normalizeToolName(tool);
  return entries.some((e) => e.trim() === "*") || expandToolGroups(entries).includes(wanted);
}

/** Returns true when global tool policy leaves `tool` usable. */
function toolReachable(config: Obj, tool: string): boolean {
  const tools = objAt(config, "tools");
  if (policyCovers(stringsOf(tools.deny), tool)) return false;
  const profile = stringAt(tools, "profile");
  if (profile === "minimal" || profile === "messaging") return false;
  const allow = [...stringsOf(tools.allow), ...stringsOf(tools.alsoAllow)];
  return stringsOf(tools.allow).length === 0 || policyCovers(allow, tool);
}

interface ChannelPolicy {
  where: string;
  groupPolicy: string;
  dmPolicy: string;
}

function channelPolicies(config: Obj): ChannelPolicy[] {
  const channels = objAt(config, "channels");
  const defaultGroup = stringAt(channels, "defaults", "groupPolicy") ?? "allowlist";
  const out: ChannelPolicy[] = [];
  for (const [id, block] of Object.entries(channels)) {
    if (id === "defaults" || !isObj(block) || block.enabled === false) continue;
    const group = stringAt(block, "groupPolicy") ?? defaultGroup;
    const dm = stringAt(block, "dmPolicy") ?? stringAt(block, "dm", "policy") ?? "pairing";
    out.push({ where: `channels.${id}`, groupPolicy: group, dmPolicy: dm });
    for (const [acc, a] of Object.entries(objAt(block, "accounts"))) {
      if (!isObj(a) || a.enabled === false) continue;
      out.push({
        where: `channels.${id}.accounts.${acc}`,
        groupPolicy: stringAt(a, "groupPolicy") ?? group,
        dmPolicy: stringAt(a, "dmPolicy") ?? stringAt(a, "dm", "policy") ?? dm,
      });
    }
  }
  return out;
}

function exposureFindings(ctx: AuditContext): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  const policies = channelPolicies(ctx.config);
  const openGroups = policies.filter((p) => p.groupPolicy === "open").map((p) => p.where);
  if (openGroups.length) {
    const list = openGroups.join(", ");
    if (valueAt(ctx.config, "tools", "elevated", "enabled") === true) {
      out.push(f(
        "security.exposure.open_groups_with_elevated",
        "critical",
        "Open groups can reach elevated exec",
        `groupPolicy is "open" on ${list} and tools.elevated is enabled: any group member can ` +
          "try to run commands outside the sandbox",
        'Set groupPolicy "allowlist" (openclaw security audit --fix) or disable tools.elevated',
      ));
    }
    const reachable = ["exec", "write", "apply_patch"].filter((t) => toolReachable(ctx.config, t));
    if (reachable.length) {
      const sandboxed = defaultSandboxMode(ctx.config) !== "off";
      out.push(f(
        "security.exposure.open_groups_with_runtime_or_fs",
        sandboxed ? "warn" : "critical",
        "Open groups can reach command and file tools",
        `groupPolicy is "open" on ${list} and ${reachable.join(", ")} ${
          reachable.length === 1 ? "is" : "are"
        } allowed` + (sandboxed ? " (inside the sandbox)" : " on the host (sandbox off)"),
        'Set groupPolicy "allowlist" (openclaw security audit --fix), deny group:runtime and ' +
          'group:fs, or sandbox group sessions (agents.defaults.sandbox.mode "non-main")',
      ));
    }
  }
  for (const p of policies.filter((p) => p.dmPolicy === "open")) {
    out.push(f(
      `${p.where.replace(/\.accounts\..*/, "")}.dm.open`,
      "warn",
      "Anyone can DM the assistant",
      `${p.where} has dmPolicy "open": every sender can talk to the agent and use its tools`,
      `Set ${p.where}.dmPolicy to "pairing" (the default) or "allowlist"`,
    ));
  }
  return out;
}

/** Returns the sandbox, exec and chat exposure findings. */
export function collectPolicyFindings(ctx: AuditContext): SecurityFinding[] {
  return [...sandboxFindings(ctx), ...execFindings(ctx), ...exposureFindings(ctx)];
}
