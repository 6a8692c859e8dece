/**
 * `tools.*` (§3.6) and the per-agent `agents.list[].tools` override. Only the global block carries
 * exec defaults; per-agent values merge over it.
 *
 * @module
 */

import { z } from "zod";
import { toolGroupEntryProblem } from "../../tools/groups.ts";
import { AllowFromSchema, oneOf, ToolPolicySchema, ToolProfileSchema } from "./_common.ts";

/** A tool list whose `group:*` entries must name a known group (`group:bogus` is an error). */
function toolList(description: string | undefined) {
  const list = z.array(z.string()).superRefine((entries, ctx) => {
    entries.forEach((entry, i) => {
      const problem = toolGroupEntryProblem(entry);
      if (problem) ctx.addIssue({ code: "custom", message: problem, path: [i], input: entry });
    });
  });
  return (description ? list.describe(description) : list).optional();
}

/** `allow` / `alsoAllow` / `deny` with their group names checked. */
const CheckedToolPolicySchema = z.strictObject({
  allow: toolList(ToolPolicySchema.shape.allow.description),
  alsoAllow: toolList(ToolPolicySchema.shape.alsoAllow.description),
  deny: toolList(ToolPolicySchema.shape.deny.description),
});

const ByProviderSchema = z
  .record(
    z.string(),
    z.strictObject({ profile: ToolProfileSchema.optional(), ...CheckedToolPolicySchema.shape }),
  )
  .describe('Per provider or "provider/model" tool policy');

const ElevatedSchema = z
  .strictObject({
    enabled: z.boolean().optional().describe("Allow exec outside the sandbox"),
    allowFrom: z
      .record(z.string(), AllowFromSchema)
      .optional()
      .describe("Senders allowed to use elevated exec, per channel"),
  })
  .describe("Sandbox escape hatch for exec");

const execShape = {
  host: oneOf(["auto", "sandbox", "gateway", "node"]).optional().describe("Where exec runs"),
  security: oneOf(["deny", "allowlist", "full"]).optional().describe(
    "Command policy (default deny in sandbox, full on gateway/node)",
  ),
  ask: oneOf(["off", "on-miss", "always"]).optional().describe("Ask the operator before running"),
  node: z.string().optional().describe("Node id for host=node"),
  pathPrepend: z.array(z.string()).optional(),
  safeBins: z.array(z.string()).optional(),
  safeBinTrustedDirs: z.array(z.string()).optional(),
  strictInlineEval: z.boolean().optional(),
  backgroundMs: z.number().int().positive().optional().describe("Auto-background delay (ms)"),
  timeoutSec: z.number().int().positive().optional().describe("Command timeout (s)"),
  timeoutSeconds: z.number().int().positive().optional().describe(
    "Newer stock spelling of timeoutSec",
  ),
  cleanupMs: z.number().int().positive().optional().describe(
    "Keep finished background tasks this long (ms)",
  ),
  notifyOnExit: z.boolean().optional().describe("Wake a heartbeat when a background task exits"),
  notifyOnExitEmptySuccess: z.boolean().optional(),
  applyPatch: z
    .looseObject({
      enabled: z.boolean().optional(),
      workspaceOnly: z.boolean().optional(),
      allowModels: z.array(z.string()).optional(),
    })
    .optional(),
};

/** `tools.exec` with the built-in defaults (the user guide's documented values). */
const ExecDefaultsSchema = z
  .strictObject({
    ...execShape,
    host: execShape.host.unwrap().default("auto"),
    ask: execShape.ask.unwrap().default("off"),
    backgroundMs: z.number().int().positive().default(10_000).describe(
      "Auto-background delay (ms)",
    ),
    timeoutSec: z.number().int().positive().default(1800).describe("Command timeout (s)"),
    cleanupMs: z.number().int().positive().default(1_800_000).describe(
      "Keep finished background tasks this long (ms)",
    ),
    notifyOnExit: z.boolean().default(true).describe(
      "Wake a heartbeat when a background task exits",
    ),
  })
  .describe("exec / process tools");

const policyShape = {
  profile: ToolProfileSchema.optional(),
  allow: CheckedToolPolicySchema.shape.allow,
  alsoAllow: CheckedToolPolicySchema.shape.alsoAllow,
  deny: CheckedToolPolicySchema.shape.deny,
  byProvider: ByProviderSchema.optional(),
  toolsBySender: z.record(z.string(), CheckedToolPolicySchema).optional(),
  elevated: ElevatedSchema.optional(),
  sandbox: z
    .strictObject({
      tools: CheckedToolPolicySchema.optional().describe("Tool policy inside sandboxes"),
    })
    .optional(),
  // Stock sub-blocks we do not interpret yet; loose so real configs keep validating.
  fs: z.looseObject({ workspaceOnly: z.boolean().optional() }).optional(),
  loopDetection: z.looseObject({ enabled: z.boolean().optional() }).optional(),
  message: z.looseObject({}).optional(),
  codeMode: z.union([z.boolean(), z.looseObject({})]).optional(),
  swarm: z.union([z.boolean(), z.looseObject({})]).optional(),
};

/** Per-agent tool policy (`agents.list[].tools`): no defaults, it merges over `tools`. */
export const AgentToolsSchema = z
  .strictObject({ ...policyShape, exec: z.strictObject(execShape).optional() })
  .describe("Per-agent tool policy (can only restrict the global one)");

/** `tools`. */
export const ToolsSchema = z
  .strictObject({
    ...policyShape,
    exec: ExecDefaultsSchema.prefault({}),
    web: z.looseObject({}).optional().describe("web_search / web_fetch settings"),
    media: z.looseObject({}).optional(),
    links: z.looseObject({}).optional(),
    sessions: z.looseObject({}).optional(),
    agentToAgent: z.looseObject({}).optional(),
    subagents: z.looseObject({}).optional(),
    toolSearch: z.union([z.boolean(), z.looseObject({})]).optional(),
    sessions_spawn: z.looseObject({}).optional(),
  })
  .describe("Which tools agents may use, and how exec runs");
