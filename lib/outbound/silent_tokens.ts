/**
 * The silent tokens: `HEARTBEAT_OK` (the chapter's "nothing to report" answer) and stock's newer
 * `NO_REPLY`. A token counts only at the start (repeatedly) or at the end of a reply (followed
 * by at most 4 punctuation characters), after markup around it (`**`, backticks, `<b>`,
 * `&nbsp;`) is looked through; in the middle it is ordinary text. The outbound strips them from
 * every text it sends; a heartbeat reply that is a token plus at most `ackMaxChars` characters is
 * an ack.
 *
 * @module
 */

/** The chapter's heartbeat ack. */
export const HEARTBEAT_OK = "HEARTBEAT_OK";
/** Stock's newer silent token (accepted as well). */
export const NO_REPLY = "NO_REPLY";
/** Replies at most this long besides the token are acks (stock fixes it at 300). */
export const DEFAULT_ACK_MAX_CHARS = 300;

const TOKEN = `(?:${HEARTBEAT_OK}|${NO_REPLY})`;
/** Markup and blanks that may wrap a token. */
const WRAP = String.raw`(?:<\/?[A-Za-z][^<>]*>|&nbsp;|[*\x60~_\s])`;
const LEADING = new RegExp(String.raw`^${WRAP}*${TOKEN}(?![A-Za-z0-9_])`);
const TRAILING = new RegExp(
  String.raw`${WRAP}*(?<![A-Za-z0-9_])${TOKEN}${WRAP}*[^A-Za-z0-9_\s]{0,4}${WRAP}*$`,
);
/** Characters at the end of a reply searched for a trailing token. */
const TAIL_WINDOW = 256;
const TAGS = /<\/?[A-Za-z][^<>]*>|&nbsp;/g;

/** True when `text` has no letters or digits once tags are removed (leftover markup). */
function onlyMarkup(text: string): boolean {
  return /^[^A-Za-z0-9]*$/.test(text.replace(TAGS, ""));
}

/** A reply with its silent tokens stripped. */
export interface StrippedReply {
  /** The text without leading/trailing tokens (trimmed; "" when nothing else was there). */
  text: string;
  /** True when at least one token was stripped. */
  hadToken: boolean;
}

/**
 * Strips silent tokens at the start (repeatedly) and at the end of `text`.
 *
 * @param text A reply.
 * @returns The remaining text and whether a token was there.
 * @example
 * ```ts
 * stripSilentTokens("**HEARTBEAT_OK**"); // { text: "", hadToken: true }
 * stripSilentTokens("Disk full. HEARTBEAT_OK."); // { text: "Disk full.", hadToken: true }
 * stripSilentTokens("say HEARTBEAT_OK twice"); // unchanged, hadToken: false
 * ```
 */
export function stripSilentTokens(text: string): StrippedReply {
  let rest = text.trim();
  let hadToken = false;
  for (let i = 0; i < 16; i++) {
    const lead = LEADING.exec(rest);
    if (lead) {
      rest = rest.slice(lead[0].length).trim();
      hadToken = true;
      continue;
    }
    // Only the tail can hold a trailing token; a bounded window keeps the regex linear.
    const from = Math.max(0, rest.length - TAIL_WINDOW);
    const trail = TRAILING.exec(rest.slice(from));
    if (trail) {
      rest = rest.slice(0, from + trail.index).trim();
      hadToken = true;
      continue;
    }
    break;
  }
  if (hadToken && onlyMarkup(rest)) rest = "";
  return { text: rest, hadToken };
}

/** How a reply is to be treated. */
export type ReplyClass =
  /** Nothing to send (empty, or only a token outside heartbeats). */
  | { kind: "empty"; text: "" }
  /** A heartbeat ack: a token with at most `ackMaxChars` other characters. */
  | { kind: "ack"; text: string }
  /** Something to deliver (tokens stripped). */
  | { kind: "content"; text: string };

/**
 * Classifies a reply for delivery.
 *
 * @param text The reply as the model wrote it.
 * @param options `heartbeat: true` applies the ack rule with `ackMaxChars`.
 * @default options.ackMaxChars 300
 * @returns `empty`, `ack` (heartbeat only) or `content` with the text to send.
 * @example
 * ```ts
 * classifyReply("HEARTBEAT_OK all quiet", { heartbeat: true }).kind; // "ack"
 * classifyReply("HEARTBEAT_OK", { heartbeat: false }).kind; // "empty"
 * ```
 */
export function classifyReply(
  text: string,
  options: { heartbeat: boolean; ackMaxChars?: number },
): ReplyClass {
  const { text: rest, hadToken } = stripSilentTokens(text);
  if (
    hadToken && options.heartbeat && rest.length <= (options.ackMaxChars ?? DEFAULT_ACK_MAX_CHARS)
  ) {
    return { kind: "ack", text: rest };
  }
  if (rest === "") return { kind: "empty", text: "" };
  return { kind: "content", text: rest };
}
