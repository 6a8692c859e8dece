/**
 * Stock methods for features this gateway does not have: device nodes, exec/plugin approval
 * queues, operator questions, the skills and plugin marketplaces, web push and self-update.
 * Stock clients call several of them at startup, so each answers instead of `unknown method`:
 * list and status reads get a well-formed empty result in stock's shape (nothing is pending,
 * nothing is installed), actions get `UNAVAILABLE` saying what to do instead, and resolving an
 * approval gets `APPROVAL_NOT_FOUND` (no approval is ever pending here).
 *
 * @module
 */
import { z } from "zod";
import { resolveAgent } from "../../lib/agent/agents.ts";
import { joinPath, processEnv } from "../../lib/paths.ts";
import { ProtocolError } from "../../lib/protocol/error_map.ts";
import {
  approvalNotFoundError,
  featureUnavailableError,
} from "../../lib/protocol/feature_errors.ts";
import type { OperatorScope } from "../../lib/protocol/scopes.ts";
import type { GatewayState } from "../state.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";

const NODES = "device nodes (phones, headless hosts) are not supported by this gateway";
const APPROVALS = "this gateway has no approval queue: tools run or are refused by the " +
  "tools and sandbox policy in openclaw.json";
const SKILLS = "skills are not managed by this gateway; put skill folders in the workspace";
const PLUGINS = "plugins are not supported by this gateway";
const PUSH = "web push notifications are not supported by this gateway";
const UPDATE = "updates come from the package you installed; upgrade the openclaw package " +
  "and restart the gateway";

/** A method that always answers `UNAVAILABLE` with `reason`. */
function unavailable(name: string, scope: OperatorScope, reason: string): MethodDefinition {
  return defineMethod({
    name,
    scope,
    params: z.looseObject({}),
    handler: () => {
      throw ProtocolError.of(featureUnavailableError(name, reason));
    },
  });
}

/** A read that always answers the same empty result (built fresh per call). */
function empty(
  name: string,
  scope: OperatorScope,
  result: (state: GatewayState) => unknown,
): MethodDefinition {
  return defineMethod({
    name,
    scope,
    params: z.looseObject({}),
    handler: ({ state }) => result(state),
  });
}

/** Resolving or waiting on an approval: none is ever pending, so the id is unknown. */
function approvalLookup(name: string): MethodDefinition {
  return defineMethod({
    name,
    scope: "operator.approvals",
    params: z.looseObject({
      id: z.string().max(256).optional(),
      approvalId: z.string().max(256).optional(),
    }),
    handler: ({ params }) => {
      throw ProtocolError.of(approvalNotFoundError(params.id ?? params.approvalId ?? ""));
    },
  });
}

/** `exec.approvals.get`: stock's policy file snapshot, read as it is (nothing enforces it). */
async function execApprovalsSnapshot(state: GatewayState): Promise<Record<string, unknown>> {
  const path = joinPath(state.stateDir, "exec-approvals.json");
  let text: string | undefined;
  try {
    const info = await Deno.stat(path);
    // A policy file is a few KiB; anything huge is not one.
    if (info.isFile && info.size <= 1_048_576) text = await Deno.readTextFile(path);
  } catch { /* missing: the default below */ }
  let file: unknown = { version: 1 };
  if (text !== undefined) {
    try {
      const parsed = JSON.parse(text);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) file = parsed;
    } catch { /* unreadable: shown as the default */ }
  }
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(text ?? JSON.stringify(file)),
  );
  const hash = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  return { path, exists: text !== undefined, hash, file };
}

/** The methods of features this gateway does not have. */
export const stockUnavailableMethods: MethodDefinition[] = [
  // Self-update.
  unavailable("update.run", "operator.admin", UPDATE),

  // Device nodes.
  empty("node.list", "operator.read", (state) => ({ ts: state.clock.now(), nodes: [] })),
  empty("node.pair.list", "operator.pairing", () => ({ pending: [], paired: [] })),
  unavailable("node.describe", "operator.read", NODES),
  unavailable("node.rename", "operator.pairing", NODES),
  unavailable("node.invoke", "operator.write", NODES),
  unavailable("node.pair.request", "operator.pairing", NODES),
  unavailable("node.pair.approve", "operator.pairing", NODES),
  unavailable("node.pair.reject", "operator.pairing", NODES),
  unavailable("node.pair.remove", "operator.pairing", NODES),
  unavailable("node.pair.verify", "operator.pairing", NODES),

  // Exec and plugin approvals, operator questions.
  defineMethod({
    name: "exec.approvals.get",
    scope: "operator.admin",
    params: z.looseObject({}),
    handler: ({ state }) => execApprovalsSnapshot(state),
  }),
  unavailable("exec.approvals.set", "operator.admin", APPROVALS),
  empty("exec.approval.list", "operator.approvals", () => []),
  approvalLookup("exec.approval.get"),
  approvalLookup("exec.approval.resolve"),
  approvalLookup("exec.approval.waitDecision"),
  unavailable("exec.approval.request", "operator.approvals", APPROVALS),
  empty("plugin.approval.list", "operator.approvals", () => []),
  approvalLookup("plugin.approval.resolve"),
  approvalLookup("plugin.approval.waitDecision"),
  unavailable("plugin.approval.request", "operator.approvals", APPROVALS),
  empty("openclaw.approval.list", "operator.approvals", () => []),
  empty("approval.history", "operator.approvals", () => ({ items: [] })),
  empty("question.list", "operator.questions", () => []),

  // Skills.
  empty("skills.status", "operator.read", (state) => {
    let workspaceDir = joinPath(state.stateDir, "workspace");
    try {
      workspaceDir = resolveAgent(state.config, undefined, {
        stateDir: state.stateDir,
        env: processEnv(),
      }).workspace;
    } catch { /* no default agent resolvable: the state dir's workspace */ }
    return { workspaceDir, managedSkillsDir: joinPath(state.stateDir, "skills"), skills: [] };
  }),
  unavailable("skills.search", "operator.read", SKILLS),
  unavailable("skills.install", "operator.admin", SKILLS),
  unavailable("skills.update", "operator.admin", SKILLS),

  // Plugins.
  empty("plugins.list", "operator.read", () => ({
    plugins: [],
    diagnostics: [],
    mutationAllowed: false,
  })),
  unavailable("plugins.search", "operator.read", PLUGINS),
  unavailable("plugins.inspect", "operator.read", PLUGINS),
  unavailable("plugins.install", "operator.admin", PLUGINS),
  unavailable("plugins.uninstall", "operator.admin", PLUGINS),
  unavailable("plugins.setEnabled", "operator.admin", PLUGINS),
  unavailable("plugins.refresh", "operator.admin", PLUGINS),
  unavailable("plugins.reload", "operator.admin", PLUGINS),

  // Web push.
  unavailable("push.web.vapidPublicKey", "operator.write", PUSH),
  unavailable("push.web.subscribe", "operator.write", PUSH),
  unavailable("push.web.unsubscribe", "operator.write", PUSH),
  unavailable("push.web.test", "operator.write", PUSH),
];
