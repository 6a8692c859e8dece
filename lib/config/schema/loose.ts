/**
 * Sections whose stock surface is much larger than what we interpret. They are loose objects:
 * the keys we read are typed, every other key is accepted unchanged so real stock configs keep
 * validating.
 *
 * @module
 */

import { z } from "zod";
import { oneOf, SecretInputSchema } from "./_common.ts";

const open = (description: string) => z.looseObject({}).describe(description);

/** `hooks`. */
export const HooksSchema = z
  .looseObject({
    enabled: z.boolean().optional(),
    path: z.string().optional().describe("HTTP path of the hook endpoint"),
    token: SecretInputSchema.optional().describe("Token webhook callers must send"),
    mappings: z.array(z.looseObject({})).optional(),
    gmail: z.looseObject({}).optional(),
    internal: z.looseObject({}).optional(),
  })
  .describe("Inbound webhooks and internal hooks");

/** `session`. */
export const SessionSchema = z
  .looseObject({
    scope: oneOf(["per-sender", "global"]).optional(),
    mainKey: z.string().optional().describe('Main session key suffix (default "main")'),
  })
  .describe("Session keys and lifetime");

/** `messages`. */
export const MessagesSchema = z
  .looseObject({
    queue: z.looseObject({ mode: z.string().optional() }).optional(),
    responsePrefix: z.string().optional(),
  })
  .describe("Message queueing and formatting");

/** `skills`. */
export const SkillsSchema = z
  .looseObject({
    allowBundled: z.array(z.string()).optional(),
    entries: z
      .record(
        z.string(),
        z.looseObject({
          enabled: z.boolean().optional(),
          apiKey: SecretInputSchema.optional(),
          env: z.record(z.string(), z.string()).optional(),
        }),
      )
      .optional(),
  })
  .describe("Skills");

/** `plugins`. */
export const PluginsSchema = z
  .looseObject({
    enabled: z.boolean().optional(),
    allow: z.array(z.string()).optional(),
    deny: z.array(z.string()).optional(),
    load: z.looseObject({ paths: z.array(z.string()).optional() }).optional(),
    entries: z
      .record(
        z.string(),
        z.looseObject({
          enabled: z.boolean().optional(),
          config: z.record(z.string(), z.unknown()).optional(),
        }),
      )
      .optional(),
  })
  .describe("Plugins");

/** `talk`. */
export const TalkSchema = z
  .looseObject({
    provider: z.string().optional(),
    apiKey: SecretInputSchema.optional(),
    providers: z
      .record(z.string(), z.looseObject({ apiKey: SecretInputSchema.optional() }))
      .optional(),
  })
  .describe("Voice talk mode");

/** `ui`. */
export const UiSchema = z
  .looseObject({
    seamColor: z.string().optional(),
    assistant: z
      .looseObject({ name: z.string().optional(), avatar: z.string().optional() })
      .optional(),
  })
  .describe("Dashboard / app appearance");

/** `commands`. */
export const CommandsSchema = z
  .looseObject({
    restart: z.boolean().optional().describe("Allow SIGHUP / command restarts (default true)"),
  })
  .describe("Chat slash commands");

/** `browser`: strict, in its own file (the managed Chromium's settings). */
export { BrowserSchema } from "./browser.ts";

/** `canvasHost`. */
export const CanvasHostSchema = z
  .looseObject({
    enabled: z.boolean().optional(),
    root: z.string().optional(),
    port: z.number().int().min(1).max(65535).optional(),
    liveReload: z.boolean().optional(),
  })
  .describe("Canvas file host");

/** Sections we only pass through today. */
export const passThroughSections = {
  web: open("WhatsApp Web channel runtime"),
  audio: open("Audio transcription"),
  media: open("Media handling"),
  memory: open("Memory backend"),
  approvals: open("Exec approvals"),
  broadcast: open("Broadcast groups"),
  nodeHost: open("Node host settings"),
  acp: open("Agent Client Protocol"),
  cli: open("CLI behaviour"),
  diagnostics: open("Diagnostics and OpenTelemetry"),
  update: open("Self-update"),
  auth: open("Model auth profiles"),
};
