/**
 * `channels.*` (§3.8). Each real channel has many provider-specific keys, so channel and account
 * blocks are loose: the common fields are typed, everything else passes through to the channel.
 *
 * @module
 */

import { z } from "zod";
import { AllowFromSchema, HeartbeatVisibilitySchema, oneOf, SecretInputSchema } from "./_common.ts";

const DmPolicySchema = oneOf(["pairing", "allowlist", "open", "disabled"]).describe(
  'Who may DM: pairing (default) | allowlist | open (needs allowFrom ["*"]) | disabled',
);
const GroupPolicySchema = oneOf(["allowlist", "open", "disabled"]).describe(
  "Which groups are served: allowlist (default) | open | disabled",
);

const GroupSchema = z
  .looseObject({
    enabled: z.boolean().optional(),
    requireMention: z.boolean().optional().describe("Reply only when mentioned (default true)"),
    allowFrom: AllowFromSchema.optional(),
  })
  .describe('Group settings; "*" applies to every group');

const commonShape = {
  enabled: z.boolean().optional().describe("Start this channel (default true when present)"),
  name: z.string().optional(),
  dmPolicy: DmPolicySchema.optional(),
  allowFrom: AllowFromSchema.optional().describe("Senders allowed to DM"),
  groupPolicy: GroupPolicySchema.optional(),
  groupAllowFrom: AllowFromSchema.optional().describe("Senders allowed in groups"),
  groups: z.record(z.string(), GroupSchema).optional().describe('Per group id, or "*"'),
  dm: z
    .looseObject({
      enabled: z.boolean().optional(),
      policy: DmPolicySchema.optional(),
      allowFrom: AllowFromSchema.optional(),
    })
    .optional()
    .describe("DM settings (Discord / Slack form)"),
  historyLimit: z.number().int().min(0).optional(),
  healthMonitor: z.looseObject({ enabled: z.boolean().optional() }).optional(),
  heartbeat: HeartbeatVisibilitySchema.optional(),
  // Credential fields across channels; typed so SecretRefs validate and redaction finds them.
  token: SecretInputSchema.optional().describe("Bot token (Discord and others)"),
  botToken: SecretInputSchema.optional().describe("Bot token (Telegram, Slack)"),
  appToken: SecretInputSchema.optional(),
  appSecret: SecretInputSchema.optional(),
  signingSecret: SecretInputSchema.optional(),
  webhookSecret: SecretInputSchema.optional(),
  clientSecret: SecretInputSchema.optional(),
  password: SecretInputSchema.optional(),
};

const ChannelAccountSchema = z.looseObject(commonShape).describe("One account of the channel");

/** One `channels.<id>` block. */
export const ChannelSchema = z
  .looseObject({
    ...commonShape,
    accounts: z.record(z.string(), ChannelAccountSchema).optional().describe("Keyed by account id"),
    defaultAccount: z.string().optional(),
  })
  .describe("A chat channel; provider-specific keys are passed through");

/** `channels.defaults`. */
export const ChannelDefaultsSchema = z
  .looseObject({
    groupPolicy: GroupPolicySchema.optional(),
    heartbeat: HeartbeatVisibilitySchema.optional(),
  })
  .describe("Defaults for every channel");

/** `channels`: `defaults` plus one block per channel id. */
export const ChannelsSchema = z
  .object({ defaults: ChannelDefaultsSchema.optional() })
  .catchall(ChannelSchema)
  .describe("Chat channels keyed by id (telegram, discord, whatsapp, slack, …)");
