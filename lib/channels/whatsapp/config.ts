/**
 * WhatsApp's own keys under `channels.whatsapp` (and `accounts.<id>`): reading them with their
 * defaults, and checking them with errors that name the dotted path, what was found and what is
 * allowed. The common channel keys (`dmPolicy`, `groupPolicy`, ...) are checked by the config
 * schema; this adds what only WhatsApp means: `allowFrom`/`groupAllowFrom` are E.164 numbers,
 * `groups` keys are group JIDs, and the types of `sendReadReceipts`, `selfChatMode`, `authDir`.
 *
 * @module
 */
import type { ChannelAccountConfig } from "../types.ts";
import { isGroupJid, normalizeE164 } from "./jid.ts";

/** WhatsApp settings of one account, defaults applied. */
export interface WhatsAppSettings {
  /** Mark handled messages read (blue ticks). @default true */
  sendReadReceipts: boolean;
  /** The chat with the linked number itself talks to the bot. @default false */
  selfChatMode: boolean;
  /** A credentials directory other than `<stateDir>/credentials/whatsapp/<account>/`. */
  authDir?: string;
}

/**
 * Reads an account's WhatsApp settings.
 *
 * @param account The account view (`resolveChannelAccount(config, "whatsapp", id)`).
 * @returns The settings with defaults.
 */
export function whatsAppSettings(account: ChannelAccountConfig): WhatsAppSettings {
  const raw = account.raw;
  const settings: WhatsAppSettings = {
    sendReadReceipts: raw.sendReadReceipts !== false,
    selfChatMode: raw.selfChatMode === true,
  };
  if (typeof raw.authDir === "string" && raw.authDir.trim() !== "") {
    settings.authDir = raw.authDir.trim();
  }
  return settings;
}

/** One problem in the WhatsApp config. */
export interface WhatsAppConfigIssue {
  /** Dotted path (`channels.whatsapp.allowFrom[1]`). */
  path: string;
  message: string;
}

type Block = Record<string, unknown>;

function asBlock(value: unknown): Block | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Block
    : undefined;
}

function keyPath(base: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

function checkNumbers(value: unknown, path: string, issues: WhatsAppConfigIssue[]): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    issues.push({ path, message: "expected a list of phone numbers in E.164 form" });
    return;
  }
  value.forEach((entry, i) => {
    const text = String(entry).trim();
    if (text === "*" || normalizeE164(text)) return;
    issues.push({
      path: `${path}[${i}]`,
      message: `${JSON.stringify(text)} is not a phone number in E.164 form ` +
        `(expected e.g. "+15551234567", or "*" for everyone)`,
    });
  });
}

function checkBoolean(block: Block, key: string, base: string, issues: WhatsAppConfigIssue[]) {
  if (Object.hasOwn(block, key) && typeof block[key] !== "boolean") {
    issues.push({ path: keyPath(base, key), message: "expected true or false" });
  }
}

function checkBlock(block: Block, base: string, issues: WhatsAppConfigIssue[]): void {
  checkNumbers(block.allowFrom, keyPath(base, "allowFrom"), issues);
  checkNumbers(block.groupAllowFrom, keyPath(base, "groupAllowFrom"), issues);
  checkBoolean(block, "sendReadReceipts", base, issues);
  checkBoolean(block, "selfChatMode", base, issues);
  if (
    Object.hasOwn(block, "authDir") &&
    (typeof block.authDir !== "string" || block.authDir.trim() === "")
  ) {
    issues.push({ path: keyPath(base, "authDir"), message: "expected a directory path" });
  }
  const groups = asBlock(block.groups);
  for (const [id, group] of Object.entries(groups ?? {})) {
    const at = keyPath(keyPath(base, "groups"), id);
    if (id !== "*" && !isGroupJid(id.trim())) {
      issues.push({
        path: at,
        message: `${JSON.stringify(id)} is not a WhatsApp group id (expected "<id>@g.us", or "*")`,
      });
    }
    checkNumbers(asBlock(group)?.allowFrom, keyPath(at, "allowFrom"), issues);
  }
}

/**
 * Checks the WhatsApp keys of `channels.whatsapp` and its accounts.
 *
 * @param block The `channels.whatsapp` value.
 * @param path Its dotted path. @default "channels.whatsapp"
 * @returns The problems found (empty when fine).
 * @example
 * ```ts
 * validateWhatsAppConfig({ allowFrom: ["+15551234567", "alice"] });
 * // [{ path: "channels.whatsapp.allowFrom[1]", message: '"alice" is not a phone number ...' }]
 * ```
 */
export function validateWhatsAppConfig(
  block: unknown,
  path = "channels.whatsapp",
): WhatsAppConfigIssue[] {
  const root = asBlock(block);
  if (!root) return [];
  const issues: WhatsAppConfigIssue[] = [];
  checkBlock(root, path, issues);
  for (const [id, account] of Object.entries(asBlock(root.accounts) ?? {})) {
    const b = asBlock(account);
    if (b) checkBlock(b, keyPath(keyPath(path, "accounts"), id), issues);
  }
  return issues;
}
