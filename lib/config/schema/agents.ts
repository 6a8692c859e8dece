/**
 * `agents.defaults`, `agents.list[]` (§3.5), heartbeat (§7), sandbox (§8.1), and the legacy
 * single-agent `agent` block and top-level `identity` that the user guide's starter configs use.
 *
 * Per-agent blocks (`agents.list[].heartbeat|sandbox|tools`) merge over the defaults, so only the
 * `agents.defaults` variants carry zod defaults; a default on a per-agent field would mask the
 * global value.
 *
 * @module
 */

import { z } from "zod";
import {
  duration,
  IdentitySchema,
  ModelRefSchema,
  oneOf,
  ToolPolicySchema,
  ToolProfileSchema,
} from "./_common.ts";
import { AgentToolsSchema } from "./tools.ts";

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Heartbeat settings; defaults here are resolved by the heartbeat runner (they depend on auth). */
export const HeartbeatSchema = z
  .strictObject({
    enabled: z.boolean().optional().describe("false turns this agent's heartbeats off"),
    every: duration("m").optional().describe('Interval (default "30m"); "0m" disables'),
    model: z.string().optional().describe('Model override, "provider/model"'),
    prompt: z.string().optional().describe("User message sent on each heartbeat"),
    target: z.string().optional().describe('"none" (default), "last", or a channel id'),
    to: z.string().optional().describe("Recipient on the target channel"),
    accountId: z.string().optional().describe("Account on multi-account channels"),
    session: z.string().optional().describe('"main" (default) or an explicit session key'),
    directPolicy: oneOf(["allow", "block"]).optional().describe("block skips DM targets"),
    ackMaxChars: z.number().int().nonnegative().optional().describe(
      "Replies this short around HEARTBEAT_OK are dropped (default 300)",
    ),
    activeHours: z
      .strictObject({
        start: z.string().regex(HH_MM, 'Invalid time (use "HH:MM", 24h)').describe("Inclusive"),
        end: z
          .string()
          .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'Invalid time (use "HH:MM", 24h, or "24:00")')
          .describe("Exclusive; 24:00 allowed"),
        timezone: z.string().optional().describe('IANA zone, "user" or "local"'),
      })
      .optional()
      .describe("Only run inside this daily window"),
    includeReasoning: z.boolean().optional().describe("Also send a Reasoning: message"),
    lightContext: z.boolean().optional().describe("Inject only HEARTBEAT.md"),
    isolatedSession: z.boolean().optional(),
    suppressToolErrorWarnings: z.boolean().optional(),
    timeoutSeconds: z.number().int().positive().optional().describe(
      "Heartbeat turn timeout (default: the agent's timeoutSeconds)",
    ),
    showOk: z.boolean().optional().describe(
      "Deliver HEARTBEAT_OK acks (default false); channels[.accounts].heartbeat override it",
    ),
    showAlerts: z.boolean().optional().describe("Deliver alert content (default true)"),
    useIndicator: z.boolean().optional().describe("Emit indicator events (default true)"),
    idleSkipDays: z.number().nonnegative().optional().describe(
      "Skip heartbeats while the main session has had no real (non-heartbeat) turn for this " +
        "many days; 0 or unset never skips",
    ),
    maxTokensPerDay: z.number().int().positive().optional().describe(
      "Stop this agent's heartbeats for the rest of the day once they used this many tokens",
    ),
    maxCostPerDayUsd: z.number().positive().optional().describe(
      "Stop this agent's heartbeats for the rest of the day once they cost this much (USD)",
    ),
  })
  .describe("Scheduled check-in turns");

const dockerShape = {
  image: z.string().optional().describe("Image (default openclaw-sandbox:bookworm-slim)"),
  containerPrefix: z.string().optional(),
  workdir: z.string().optional(),
  readOnlyRoot: z.boolean().optional().describe("Read-only root filesystem"),
  tmpfs: z.array(z.string()).optional(),
  network: z.string().optional().describe('Docker network (default "none"; "host" is blocked)'),
  user: z.string().optional().describe('uid:gid, e.g. "1000:1000"'),
  capDrop: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional().describe("Container environment"),
  setupCommand: z.string().optional().describe("Run once after the container is created"),
  pidsLimit: z.number().int().positive().optional(),
  memory: z.union([z.string(), z.number()]).optional(),
  memorySwap: z.union([z.string(), z.number()]).optional(),
  cpus: z.number().positive().optional(),
  gpus: z.string().optional(),
  ulimits: z
    .record(
      z.string(),
      z.union([
        z.string(),
        z.number(),
        z.strictObject({
          soft: z.number().int().nonnegative().optional(),
          hard: z.number().int().nonnegative().optional(),
        }),
      ]),
    )
    .optional(),
  seccompProfile: z.string().optional(),
  apparmorProfile: z.string().optional(),
  dns: z.array(z.string()).optional(),
  extraHosts: z.array(z.string()).optional(),
  binds: z.array(z.string()).optional().describe('Extra mounts "host:container[:ro]"'),
  dangerouslyAllowReservedContainerTargets: z.boolean().optional(),
  dangerouslyAllowExternalBindSources: z.boolean().optional(),
  dangerouslyAllowContainerNamespaceJoin: z.boolean().optional(),
};

/**
 * `sandbox.browser` keys (stock's names). Loose, like `ssh`: stock releases add keys here (noVNC,
 * control allowlists) that this gateway does not act on, and a config written for stock must load.
 */
const sandboxBrowserShape = {
  enabled: z.boolean().optional().describe(
    "Run the browser tool of sandboxed sessions in a browser container (default false)",
  ),
  image: z.string().optional().describe("Image (default openclaw-sandbox-browser:bookworm-slim)"),
  containerPrefix: z.string().optional().describe(
    'Container name prefix (default "openclaw-sbx-browser-")',
  ),
  network: z.string().optional().describe(
    'Docker network of the browser (default "openclaw-sandbox-browser", created when missing; ' +
      '"none" cuts the browser off; "host" is blocked)',
  ),
  cdpPort: z.number().int().min(1).max(65535).optional().describe(
    "DevTools port inside the container (default 9222; reached through docker exec)",
  ),
  cdpSourceRange: z.string().optional().describe("CIDR allowed to reach CDP (stock's bridge)"),
  vncPort: z.number().int().min(1).max(65535).optional().describe("VNC port (default 5900)"),
  noVncPort: z.number().int().min(1).max(65535).optional().describe("noVNC port (default 6080)"),
  enableNoVnc: z.boolean().optional().describe("Serve noVNC in headed mode (default true)"),
  noVncEnabled: z.boolean().optional().describe("Alias of enableNoVnc"),
  headless: z.boolean().optional().describe("Headless Chromium (default false: Xvfb display)"),
  allowHostControl: z.boolean().optional().describe(
    "Let sandboxed sessions use the host browser (default false)",
  ),
  autoStart: z.boolean().optional().describe(
    "Create/start the container when the browser tool needs it (default true)",
  ),
  autoStartTimeoutMs: z.number().int().positive().optional().describe(
    "How long to wait for the container's CDP after a start (default 12000)",
  ),
  allowedControlUrls: z.array(z.string()).optional(),
  allowedControlHosts: z.array(z.string()).optional(),
  allowedControlPorts: z.array(z.number().int().min(1).max(65535)).optional(),
};

/** `agents.defaults.sandbox.browser` / `agents.list[].sandbox.browser` as written. */
export const SandboxBrowserSchema = z.looseObject(sandboxBrowserShape).describe(
  "Sandbox browser container",
);

/**
 * The sandbox browser's built-in defaults. Applied when the browser is resolved
 * (lib/sandbox/browser_config.ts), not to the parsed config, so a config without a browser block
 * stays without one.
 */
export const SandboxBrowserDefaultsSchema = z.looseObject({
  ...sandboxBrowserShape,
  enabled: z.boolean().default(false),
  image: z.string().default("openclaw-sandbox-browser:bookworm-slim"),
  containerPrefix: z.string().default("openclaw-sbx-browser-"),
  network: z.string().default("openclaw-sandbox-browser"),
  cdpPort: z.number().int().min(1).max(65535).default(9222),
  vncPort: z.number().int().min(1).max(65535).default(5900),
  noVncPort: z.number().int().min(1).max(65535).default(6080),
  enableNoVnc: z.boolean().default(true),
  headless: z.boolean().default(false),
  allowHostControl: z.boolean().default(false),
  autoStart: z.boolean().default(true),
  autoStartTimeoutMs: z.number().int().positive().default(12_000),
});

const sandboxShape = {
  mode: oneOf(["off", "non-main", "all"]).optional().describe(
    "off | non-main (sandbox non-main sessions) | all",
  ),
  backend: z.string().optional().describe("docker (default) | ssh | openshell"),
  scope: oneOf(["agent", "session", "shared"]).optional().describe(
    "One container per agent, per session, or shared",
  ),
  workspaceAccess: oneOf(["none", "ro", "rw"]).optional().describe(
    "Agent workspace mount: none | ro (/agent) | rw (/workspace)",
  ),
  workspaceRoot: z.string().optional(),
  sessionToolsVisibility: oneOf(["spawned", "all"]).optional(),
  docker: z.strictObject(dockerShape).optional(),
  ssh: z.looseObject({}).optional(),
  browser: SandboxBrowserSchema.optional(),
  prune: z
    .strictObject({
      idleHours: z.number().nonnegative().optional(),
      maxAgeDays: z.number().nonnegative().optional(),
    })
    .optional(),
  /** Legacy: true -> scope session, false -> shared (doctor migrates). */
  perSession: z.boolean().optional(),
};

/** Per-agent sandbox overrides (no defaults: they merge over `agents.defaults.sandbox`). */
export const SandboxSchema = z.strictObject(sandboxShape).describe("Docker sandbox for tools");

/** `agents.defaults.sandbox`, where the built-in defaults live. */
export const SandboxDefaultsSchema = z
  .strictObject({
    ...sandboxShape,
    mode: sandboxShape.mode.unwrap().default("off"),
    scope: sandboxShape.scope.unwrap().default("agent"),
    workspaceAccess: sandboxShape.workspaceAccess.unwrap().default("none"),
    docker: z
      .strictObject({
        ...dockerShape,
        image: z.string().default("openclaw-sandbox:bookworm-slim").describe("Sandbox image"),
        containerPrefix: z.string().default("openclaw-sbx-"),
        workdir: z.string().default("/workspace"),
        readOnlyRoot: z.boolean().default(true).describe("Read-only root filesystem"),
        tmpfs: z.array(z.string()).default(["/tmp", "/var/tmp", "/run"]),
        network: z.string().default("none").describe('Docker network; "host" is blocked'),
        capDrop: z.array(z.string()).default(["ALL"]),
      })
      .prefault({}),
    prune: z
      .strictObject({
        idleHours: z.number().nonnegative().default(24),
        maxAgeDays: z.number().nonnegative().default(7),
      })
      .prefault({}),
  })
  .describe("Docker sandbox for tools");

const ThinkingSchema = oneOf([
  "off",
  "minimal",
  "low",
  "medium",
  "high",
  "xhigh",
  "adaptive",
  "max",
  "ultra",
]).describe("Default thinking level");

const ModelCatalogSchema = z
  .record(
    z.string(),
    z.looseObject({
      alias: z.string().optional().describe("Short name usable in /model"),
      params: z.record(z.string(), z.unknown()).optional().describe("Provider request params"),
    }),
  )
  .describe('Model catalog and /model allowlist, keyed "provider/model"');

const sharedAgentShape = {
  workspace: z.string().optional().describe("Agent workspace (default ~/.openclaw/workspace)"),
  model: ModelRefSchema.optional(),
  models: ModelCatalogSchema.optional(),
  thinkingDefault: ThinkingSchema.optional(),
  verboseDefault: oneOf(["off", "on", "full"]).optional(),
  reasoningDefault: oneOf(["on", "off", "stream"]).optional(),
  contextTokens: z.number().int().positive().optional(),
  bootstrapMaxChars: z.number().int().positive().optional(),
  bootstrapTotalMaxChars: z.number().int().positive().optional(),
  humanDelay: z.looseObject({}).optional(),
  typingMode: oneOf(["never", "instant", "thinking", "message"]).optional(),
  typingIntervalSeconds: z.number().int().positive().optional(),
  subagents: z.looseObject({}).optional(),
  memorySearch: z.looseObject({}).optional(),
};

/** `agents.defaults`. */
export const AgentDefaultsSchema = z
  .strictObject({
    ...sharedAgentShape,
    repoRoot: z.string().optional(),
    imageModel: ModelRefSchema.optional(),
    pdfModel: ModelRefSchema.optional(),
    imageGenerationModel: ModelRefSchema.optional(),
    videoGenerationModel: ModelRefSchema.optional(),
    elevatedDefault: oneOf(["on", "off", "ask", "full"]).optional(),
    timeoutSeconds: z.number().int().positive().default(600).describe("Agent turn timeout"),
    maxConcurrent: z.number().int().positive().optional().describe("Parallel agent runs (4)"),
    userTimezone: z.string().optional().describe("IANA zone used for the user's local time"),
    timeFormat: z.string().optional(),
    envelopeTimezone: z.string().optional(),
    skipBootstrap: z.boolean().optional().describe("Do not create workspace bootstrap files"),
    heartbeat: HeartbeatSchema.optional(),
    sandbox: SandboxDefaultsSchema.prefault({}),
    compaction: z.looseObject({}).optional(),
    contextPruning: z.looseObject({}).optional(),
    blockStreamingDefault: z.string().optional(),
    blockStreamingBreak: z.string().optional(),
    blockStreamingChunk: z.looseObject({}).optional(),
    blockStreamingCoalesce: z.looseObject({}).optional(),
    cliBackends: z.record(z.string(), z.looseObject({})).optional(),
    mediaMaxMb: z.number().positive().optional(),
  })
  .describe("Settings every agent inherits");

/** One `agents.list[]` entry. */
export const AgentEntrySchema = z
  .strictObject({
    ...sharedAgentShape,
    id: z.string().min(1).describe("Agent id (session keys are agent:<id>:<mainKey>)"),
    default: z.boolean().optional().describe("The default agent (first default wins)"),
    name: z.string().optional(),
    description: z.string().optional(),
    agentDir: z.string().optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    skills: z.array(z.string()).optional().describe("Skill allowlist for this agent"),
    identity: IdentitySchema.optional(),
    groupChat: z
      .strictObject({
        mentionPatterns: z.array(z.string()).optional().describe("Regexes that count as a mention"),
        historyLimit: z.number().int().positive().optional(),
      })
      .optional(),
    heartbeat: HeartbeatSchema.optional().describe(
      "When any agent sets heartbeat, only those agents heartbeat",
    ),
    sandbox: SandboxSchema.optional(),
    tools: AgentToolsSchema.optional(),
    runtime: z.looseObject({}).optional(),
    memory: z.looseObject({}).optional(),
    tts: z.looseObject({}).optional(),
  })
  .describe("An agent");

/** `agents`. */
export const AgentsSchema = z
  .strictObject({
    defaults: AgentDefaultsSchema.prefault({}),
    list: z.array(AgentEntrySchema).optional().describe("Agents; the first default: true wins"),
  })
  .describe("Agents and their defaults");

/**
 * Legacy single-agent block (`agent`) used by the user guide's starter configs. Stock migrates
 * it to `agents.defaults` + `tools`; it stays loose because old releases put many keys here.
 */
export const LegacyAgentSchema = z
  .looseObject({
    workspace: z.string().optional().describe("Agent workspace"),
    model: ModelRefSchema.optional(),
    heartbeat: HeartbeatSchema.optional(),
    sandbox: SandboxSchema.optional(),
    timeoutSeconds: z.number().int().positive().optional(),
    thinkingDefault: ThinkingSchema.optional(),
    tools: z
      .looseObject({ profile: ToolProfileSchema.optional(), ...ToolPolicySchema.shape })
      .optional(),
  })
  .describe("Legacy single-agent settings (prefer agents.defaults)");

/** Top-level `identity` (legacy; prefer `agents.list[].identity`). */
export const LegacyIdentitySchema = IdentitySchema.describe(
  "Assistant identity (legacy top-level form of agents.list[].identity)",
);
