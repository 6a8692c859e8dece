/**
 * A received message's `content` (a JSON string whose shape depends on `message_type`) as plain
 * text for the agent, with its mentions resolved:
 *
 * - `text`: `{"text": "@_user_1 hi"}` -- mention keys (`@_user_1`) become `@Name`; the bot's own
 *   key is removed (the agent need not read its name); `@_all` becomes `@all`.
 * - `post`: `{"title", "content": [[{tag: "text"|"a"|"at"|"img"|"media"|"emotion"|"code_block"|
 *   "md"|"hr", ...}]]}`, possibly wrapped in a locale (`zh_cn`, `en_us`) -- paragraphs become lines.
 * - media (`image`, `file`, `audio`, `media`, `sticker`) become the placeholders the envelope
 *   uses elsewhere (`<media:image>` ...); other types become `[<type> message]`.
 *
 * Content is untrusted: parsing never throws, sizes are bounded.
 *
 * @module
 */
import { AT_ALL_KEY } from "./constants.ts";
import type { Mention } from "./schemas.ts";

/** Longest text kept from one message. */
export const MAX_TEXT = 100_000;
/** Most post elements looked at. */
const MAX_ELEMENTS = 2000;

const MEDIA_PLACEHOLDERS: ReadonlyMap<string, string> = new Map([
  ["image", "<media:image>"],
  ["file", "<media:document>"],
  ["audio", "<media:audio>"],
  ["media", "<media:video>"],
  ["video", "<media:video>"],
  ["sticker", "<media:sticker>"],
]);

/** The text and who it mentions. */
export interface ParsedContent {
  text: string;
  /** open_ids mentioned by `at` elements of a post (text messages list them in `mentions`). */
  atOpenIds: string[];
  /** The message mentions `@all`. */
  atAll: boolean;
}

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `@_user_1` -> `@Name`, the bot's key -> nothing, `@_all` -> `@all`. */
function replaceKeys(text: string, mentions: readonly Mention[], botOpenId?: string): string {
  let out = text;
  for (const m of mentions) {
    if (!m.key) continue;
    const replacement = m.key === AT_ALL_KEY
      ? "@all"
      : botOpenId && m.id?.open_id === botOpenId
      ? ""
      : `@${m.name ?? m.key.replace(/^@_?/, "")}`;
    out = out.split(m.key).join(replacement);
  }
  return out.split(AT_ALL_KEY).join("@all").replace(/[ \t]{2,}/g, " ").trim();
}

function postBody(parsed: unknown): Obj | undefined {
  if (!isObj(parsed)) return undefined;
  if (Array.isArray(parsed.content)) return parsed;
  // Locale-wrapped (`{"zh_cn": {title, content}}`): take the first locale with content.
  for (const value of Object.values(parsed)) {
    if (isObj(value) && Array.isArray(value.content)) return value;
  }
  return undefined;
}

function atElement(
  el: Obj,
  mentions: readonly Mention[],
  botOpenId: string | undefined,
  out: ParsedContent,
): string {
  const id = str(el.user_id) || str(el.open_id);
  if (id === "all" || id === AT_ALL_KEY) {
    out.atAll = true;
    return "@all";
  }
  const mention = mentions.find((m) => m.key === id);
  const openId = mention?.id?.open_id ?? (id.startsWith("ou_") ? id : undefined);
  if (openId) out.atOpenIds.push(openId);
  if (botOpenId && openId === botOpenId) return "";
  return `@${str(el.user_name) || mention?.name || id}`;
}

function postElement(
  el: Obj,
  mentions: readonly Mention[],
  botOpenId: string | undefined,
  out: ParsedContent,
): string {
  switch (el.tag) {
    case "text":
    case "md":
      return str(el.text);
    case "a":
      return str(el.text) || str(el.href);
    case "at":
      return atElement(el, mentions, botOpenId, out);
    case "img":
      return "<media:image>";
    case "media":
      return "<media:video>";
    case "emotion":
      return str(el.emoji_type) ? `:${str(el.emoji_type)}:` : "";
    case "code_block":
      return `\n\`\`\`${str(el.language).toLowerCase()}\n${str(el.text)}\n\`\`\`\n`;
    case "hr":
      return "\n---\n";
    default:
      return "";
  }
}

function parsePost(
  content: string,
  mentions: readonly Mention[],
  botOpenId: string | undefined,
): ParsedContent {
  const out: ParsedContent = { text: "", atOpenIds: [], atAll: false };
  const body = postBody(parseJson(content));
  if (!body) return out;
  const lines: string[] = [];
  const title = str(body.title).trim();
  if (title) lines.push(title);
  let seen = 0;
  for (const paragraph of body.content as unknown[]) {
    if (!Array.isArray(paragraph)) continue;
    const parts: string[] = [];
    for (const el of paragraph) {
      if (++seen > MAX_ELEMENTS) break;
      if (isObj(el)) parts.push(postElement(el, mentions, botOpenId, out));
    }
    lines.push(parts.join("").replace(/[ \t]{2,}/g, " ").trim());
  }
  out.text = lines.join("\n").replace(/\n{3,}/g, "\n\n").trim().slice(0, MAX_TEXT);
  return out;
}

/**
 * Turns a message's content into text (see the module doc).
 *
 * @param messageType `message.message_type`.
 * @param content `message.content` (JSON text).
 * @param mentions `message.mentions`.
 * @param botOpenId The bot's open_id (its mention is removed from the text).
 * @returns The text, the open_ids `at` elements name, and whether `@all` was used.
 * @example
 * ```ts
 * parseMessageContent("text", '{"text":"@_user_1 hi"}', [{ key: "@_user_1", id: { open_id: "ou_bot" } }], "ou_bot").text;
 * // "hi"
 * ```
 */
export function parseMessageContent(
  messageType: string,
  content: string,
  mentions: readonly Mention[],
  botOpenId?: string,
): ParsedContent {
  const atAll = content.includes(AT_ALL_KEY) || mentions.some((m) => m.key === AT_ALL_KEY);
  if (messageType === "text") {
    const parsed = parseJson(content);
    const text = isObj(parsed) ? str(parsed.text) : "";
    return {
      text: replaceKeys(text, mentions, botOpenId).slice(0, MAX_TEXT),
      atOpenIds: [],
      atAll,
    };
  }
  if (messageType === "post") {
    const post = parsePost(content, mentions, botOpenId);
    return { ...post, atAll: atAll || post.atAll };
  }
  const placeholder = MEDIA_PLACEHOLDERS.get(messageType);
  return { text: placeholder ?? `[${messageType.slice(0, 40)} message]`, atOpenIds: [], atAll };
}
