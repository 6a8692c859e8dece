/**
 * The zod schema of `openclaw.json`: the single source of truth for validation, defaults, the
 * editor JSON Schema (`openclaw config schema`) and which fields hold secrets.
 *
 * Sections we interpret are strict (unknown keys are errors with their path); sections whose
 * stock surface is much larger than ours are loose so real stock configs still validate.
 * Defaults are applied by `parse`; nested blocks use `.prefault({})` so their inner defaults run.
 *
 * @example Validate and read a default
 * ```ts
 * import { OpenClawConfigSchema } from "./schema.ts";
 * const config = OpenClawConfigSchema.parse({});
 * config.gateway.reload.mode; // "hybrid"
 * ```
 *
 * @module
 */

import { z } from "zod";
import { IdentitySchema, SecretInputSchema } from "./schema/_common.ts";
import { ENV_MAP_PATHS, SECRET_INPUT_PATHS } from "./schema/secret_strings.ts";

// Each schema here is parsed a handful of times per process (start, reloads, RPC writes), so
// zod's JIT (compiling a parser per object schema on first use) costs more than it saves:
// ~13 ms on the gateway's first config check. Frames skip zod on their hot path (frames.ts).
z.config({ jitless: true });
import { AgentsSchema, LegacyAgentSchema } from "./schema/agents.ts";
import { ChannelsSchema } from "./schema/channels.ts";
import { GatewaySchema } from "./schema/gateway.ts";
import {
  BrowserSchema,
  CanvasHostSchema,
  CommandsSchema,
  HooksSchema,
  MessagesSchema,
  passThroughSections,
  PluginsSchema,
  SessionSchema,
  SkillsSchema,
  TalkSchema,
  UiSchema,
} from "./schema/loose.ts";
import { ModelsSchema } from "./schema/models.ts";
import {
  BindingsSchema,
  CronSchema,
  DiscoverySchema,
  EnvSchema,
  LoggingSchema,
  MetaSchema,
  SecretsSchema,
  WizardSchema,
} from "./schema/sections.ts";
import { ToolsSchema } from "./schema/tools.ts";

export {
  isSecretRef,
  SecretInputSchema,
  type SecretRef,
  SecretRefSchema,
} from "./schema/_common.ts";
export { GATEWAY_BIND_MODES } from "./schema/gateway.ts";
export { LOG_LEVELS } from "./schema/sections.ts";
export { MODEL_APIS } from "./schema/models.ts";
export { type ConfigIssue, formatConfigIssues, UNKNOWN_KEY_MESSAGE } from "./schema/issues.ts";
export {
  collectSecretStrings,
  ENV_MAP_PATHS,
  isSecretPath,
  isSensitiveKey,
  SECRET_INPUT_PATHS,
} from "./schema/secret_strings.ts";

/** The whole `openclaw.json` document. Every field is optional in the file. */
export const OpenClawConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe("JSON Schema URL for editors"),
    meta: MetaSchema.optional(),
    wizard: WizardSchema.optional(),
    identity: IdentitySchema.optional().describe(
      "Assistant identity (legacy top-level form of agents.list[].identity)",
    ),
    agent: LegacyAgentSchema.optional(),
    agents: AgentsSchema.prefault({}),
    models: ModelsSchema.prefault({}),
    channels: ChannelsSchema.optional(),
    gateway: GatewaySchema.prefault({}),
    logging: LoggingSchema.prefault({}),
    env: EnvSchema.optional(),
    secrets: SecretsSchema.optional(),
    tools: ToolsSchema.prefault({}),
    hooks: HooksSchema.optional(),
    cron: CronSchema.prefault({}),
    session: SessionSchema.optional(),
    messages: MessagesSchema.optional(),
    browser: BrowserSchema.optional(),
    skills: SkillsSchema.optional(),
    ui: UiSchema.optional(),
    discovery: DiscoverySchema.optional(),
    canvasHost: CanvasHostSchema.optional(),
    plugins: PluginsSchema.optional(),
    bindings: BindingsSchema.optional(),
    talk: TalkSchema.optional(),
    commands: CommandsSchema.optional(),
    web: passThroughSections.web.optional(),
    audio: passThroughSections.audio.optional(),
    media: passThroughSections.media.optional(),
    memory: passThroughSections.memory.optional(),
    approvals: passThroughSections.approvals.optional(),
    broadcast: passThroughSections.broadcast.optional(),
    nodeHost: passThroughSections.nodeHost.optional(),
    acp: passThroughSections.acp.optional(),
    cli: passThroughSections.cli.optional(),
    diagnostics: passThroughSections.diagnostics.optional(),
    update: passThroughSections.update.optional(),
    auth: passThroughSections.auth.optional(),
  })
  .describe("OpenClaw configuration (~/.openclaw/openclaw.json, JSON5)");

/** A validated config with defaults applied. */
export type OpenClawConfig = z.output<typeof OpenClawConfigSchema>;
/** A config as written in the file (every field optional). */
export type OpenClawConfigInput = z.input<typeof OpenClawConfigSchema>;

/** Returns the editor JSON Schema (draft 2020-12) of `openclaw.json`. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(OpenClawConfigSchema, {
    io: "input",
    target: "draft-2020-12",
  }) as Record<string, unknown>;
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "OpenClaw configuration (openclaw.json)",
    ...schema,
  };
}

/** One `config.schema` UI hint. */
export interface ConfigUiHint {
  /** The value is a credential: `config.get` redacts it; editors should mask it. */
  sensitive: true;
}

/**
 * The `uiHints` of `config.schema`: every secret-bearing path pattern (`*` = any key) marked
 * `sensitive`, from the same definition `config.get` redacts with (schema/secret_strings.ts).
 * Credential-named keys of loose sections (`isSensitiveKey`) are redacted too but have no
 * fixed path to list.
 */
export function configUiHints(): Record<string, ConfigUiHint> {
  const paths = [...SECRET_INPUT_PATHS, ...ENV_MAP_PATHS.map((p) => `${p}.*`)];
  return Object.fromEntries(paths.map((p) => [p, { sensitive: true as const }]));
}

/**
 * Walks the zod schema and returns the path pattern of every field typed as `SecretInput`
 * (`*` = any key or array item). Tests compare it with {@link SECRET_INPUT_PATHS}, the list
 * the zod-free code paths use.
 */
export function secretInputPaths(): string[] {
  const out = new Set<string>();
  const walk = (schema: z.ZodType, path: string[]) => {
    if (schema === SecretInputSchema) {
      out.add(path.join("."));
      return;
    }
    // The config schema is not recursive; the bound only guards against a future cycle.
    if (path.length > 12) return;
    const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
    const child = (s: unknown, p: string[]) => walk(s as z.ZodType, p);
    switch (def.type) {
      case "object": {
        const shape = def.shape as Record<string, unknown>;
        for (const [k, v] of Object.entries(shape)) child(v, [...path, k]);
        const catchall = def.catchall as { _zod?: { def: { type: string } } } | undefined;
        if (
          catchall && catchall._zod?.def.type !== "unknown" && catchall._zod?.def.type !== "never"
        ) {
          child(catchall, [...path, "*"]);
        }
        break;
      }
      case "record":
        child(def.valueType, [...path, "*"]);
        break;
      case "array":
        child(def.element, [...path, "*"]);
        break;
      case "union":
        for (const o of def.options as unknown[]) child(o, path);
        break;
      case "pipe":
        child(def.in, path);
        break;
      case "optional":
      case "nullable":
      case "default":
      case "prefault":
      case "catch":
      case "readonly":
      case "nonoptional":
        child(def.innerType, path);
        break;
    }
  };
  walk(OpenClawConfigSchema, []);
  return [...out].sort();
}
