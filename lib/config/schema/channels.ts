/**
 * `channels.*` (§3.8). Each real channel has many provider-specific keys, so channel and account
 * blocks are loose: the common fields are typed, everything else passes through to the channel.
 *
 * Access rules are checked here the way stock checks them: `dmPolicy: "open"` needs `"*"` in the
 * effective `allowFrom`, and `dmPolicy: "allowlist"` needs at least one entry (an account inherits
 * both from the channel root when it omits them).
 *
 * @module
 */

import { z } from "zod";
import { validateWhatsAppConfig } from "../../channels/whatsapp/config.ts";
import { AllowFromSchema, HeartbeatVisibilitySchema, oneOf, SecretInputSchema } from "./_common.ts";

const DmPolicySchema = oneOf(["pairing", "allowlist", "open", "disabled"]).describe(
  'Who may DM: pairing (default) | allowlist | open (needs allowFrom ["*"]) | disabled',
);
const GroupPolicySchema = oneOf(["allowlist", "open", "disabled"]).describe(
  "Which groups are served: allowlist (default) | open | disabled",
);
const ChunkModeSchema = oneOf(["length", "newline"]).describe(
  "length: fill each message up to the limit | newline: one message per paragraph",
);

const groupShape = {
  enabled: z.boolean().optional(),
  requireMention: z.boolean().optional().describe("Reply only when mentioned (default true)"),
  allowFrom: AllowFromSchema.optional().describe("Senders allowed in this group"),
  groupPolicy: GroupPolicySchema.optional().describe("Overrides the channel's groupPolicy here"),
  historyLimit: z.number().int().min(0).optional(),
  systemPrompt: z.string().optional(),
  skills: z.array(z.string()).optional(),
  agentId: z.string().optional(),
};

const TopicSchema = z.looseObject(groupShape).describe('A forum topic; "*" applies to every one');

const GroupSchema = z
  .looseObject({
    ...groupShape,
    topics: z.record(z.string(), TopicSchema).optional().describe("Telegram forum topics"),
  })
  .describe('Group settings; "*" applies to every group');

const StreamingSchema = z
  .union([
    z.boolean(),
    z.string(),
    z.looseObject({ mode: z.string().optional(), chunkMode: ChunkModeSchema.optional() }),
  ])
  .describe("Reply streaming: a mode string, or { mode, chunkMode }");

const commonShape = {
  enabled: z.boolean().optional().describe("Start this channel (default true when present)"),
  name: z.string().optional(),
  dmPolicy: DmPolicySchema.optional(),
  allowFrom: AllowFromSchema.optional().describe("Senders allowed to DM"),
  groupPolicy: GroupPolicySchema.optional(),
  groupAllowFrom: AllowFromSchema.optional().describe("Senders allowed in groups"),
  groups: z.record(z.string(), GroupSchema).optional().describe('Per group id, or "*"'),
  requireMention: z.boolean().optional().describe("Default mention gate for every group"),
  dm: z
    .looseObject({
      enabled: z.boolean().optional(),
      policy: DmPolicySchema.optional(),
      allowFrom: AllowFromSchema.optional(),
    })
    .optional()
    .describe("DM settings (Discord / Slack form)"),
  historyLimit: z.number().int().min(0).optional().describe(
    "Unmentioned group messages kept as context (default 50, at most 200; 0 = off)",
  ),
  dmHistoryLimit: z.number().int().min(0).optional(),
  dms: z
    .record(z.string(), z.looseObject({ historyLimit: z.number().int().min(0).optional() }))
    .optional(),
  textChunkLimit: z.number().int().positive().optional().describe(
    "Longest outbound message; capped at the platform's limit (Telegram 4096, Discord 2000)",
  ),
  chunkMode: ChunkModeSchema.optional().describe("Legacy spelling of streaming.chunkMode"),
  streaming: StreamingSchema.optional(),
  responsePrefix: z.string().optional().describe("Text put before every reply on this channel"),
  replyToMode: oneOf(["off", "first", "all", "batched"]).optional(),
  mediaMaxMb: z.number().positive().optional(),
  apiRoot: z.string().optional().describe("Bot API root (Telegram: a self-hosted server)"),
  webhookUrl: z.string().optional(),
  webhookPath: z.string().optional(),
  webhookHost: z.string().optional(),
  webhookPort: z.number().int().min(1).max(65535).optional(),
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
  encryptKey: SecretInputSchema.optional().describe("Feishu event encrypt key (webhook mode)"),
  verificationToken: SecretInputSchema.optional().describe(
    "Feishu event verification token (webhook mode)",
  ),
  password: SecretInputSchema.optional(),
};

const ChannelAccountSchema = z.looseObject(commonShape).describe("One account of the channel");

type AccessBlock = {
  dmPolicy?: string;
  allowFrom?: readonly (string | number)[];
  dm?: { policy?: string; allowFrom?: readonly (string | number)[] };
};

/** Reports `open` without `"*"` and an empty `allowlist` for one block (root or account). */
function checkDmAccess(
  block: AccessBlock,
  root: AccessBlock | undefined,
  addIssue: (path: string[], message: string) => void,
): void {
  const policy = block.dmPolicy ?? block.dm?.policy ?? root?.dmPolicy ?? root?.dm?.policy;
  const allowFrom = block.allowFrom ?? block.dm?.allowFrom ?? root?.allowFrom ??
    root?.dm?.allowFrom ?? [];
  const at = block.dmPolicy === undefined && block.dm?.policy !== undefined
    ? ["dm", "policy"]
    : ["dmPolicy"];
  if (policy === "open" && !allowFrom.some((e) => String(e).trim() === "*")) {
    addIssue(at, 'dmPolicy "open" requires allowFrom to include "*"');
  }
  if (policy === "allowlist" && !allowFrom.some((e) => String(e).trim() !== "")) {
    addIssue(at, 'dmPolicy "allowlist" requires allowFrom to list at least one sender');
  }
}

/** One `channels.<id>` block. */
export const ChannelSchema = z
  .looseObject({
    ...commonShape,
    accounts: z.record(z.string(), ChannelAccountSchema).optional().describe("Keyed by account id"),
    defaultAccount: z.string().optional(),
  })
  .superRefine((block, ctx) => {
    const issue = (base: string[]) => (path: string[], message: string) =>
      ctx.addIssue({ code: "custom", path: [...base, ...path], message, input: block });
    checkDmAccess(block as AccessBlock, undefined, issue([]));
    for (const [id, account] of Object.entries(block.accounts ?? {})) {
      checkDmAccess(account as AccessBlock, block as AccessBlock, issue(["accounts", id]));
    }
  })
  .describe("A chat channel; provider-specific keys are passed through");

/** `channels.defaults`. */
export const ChannelDefaultsSchema = z
  .looseObject({
    groupPolicy: GroupPolicySchema.optional(),
    heartbeat: HeartbeatVisibilitySchema.optional(),
    contextVisibility: oneOf(["all", "allowlist", "allowlist_quote"]).optional(),
    implicitMentions: z
      .looseObject({
        replyToBot: z.boolean().optional().describe("A reply to the bot counts as a mention"),
        quotedBot: z.boolean().optional(),
        threadParticipation: z.boolean().optional(),
      })
      .optional(),
  })
  .describe("Defaults for every channel");

/**
 * Splits a dotted path as validateWhatsAppConfig writes it (`.allowFrom[1]`,
 * `.groups["x@y"]`) into segments.
 */
function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(m[3]) as string);
  }
  return out;
}

/** `channels`: `defaults` plus one block per channel id. */
export const ChannelsSchema = z
  .object({ defaults: ChannelDefaultsSchema.optional() })
  .catchall(ChannelSchema)
  .superRefine((channels, ctx) => {
    // WhatsApp's own keys: E.164 numbers in allowFrom, group JIDs as groups keys, ...
    if (!Object.hasOwn(channels, "whatsapp")) return;
    for (const issue of validateWhatsAppConfig(channels.whatsapp, "")) {
      ctx.addIssue({
        code: "custom",
        path: ["whatsapp", ...pathSegments(issue.path)],
        message: issue.message,
        input: channels.whatsapp,
      });
    }
  })
  .describe("Chat channels keyed by id (telegram, discord, whatsapp, slack, \u2026)");
