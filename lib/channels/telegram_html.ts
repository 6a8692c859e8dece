/**
 * Markdown (as models write it) to Telegram's HTML parse mode: fenced code -> `<pre><code
 * class="language-x">`, inline code -> `<code>`, `**bold**`/`__bold__` -> `<b>`, `*italic*`/
 * `_italic_` -> `<i>`, `~~strike~~` -> `<s>`, `[text](url)` -> `<a href>` (http, https, tg and
 * mailto only), headings -> bold lines, `>` quotes -> `<blockquote>`, list bullets -> `*`.
 * Everything else is text with `&`, `<` and `>` escaped, so the result is always well-formed
 * and Telegram's parser never rejects it. Unmatched markers stay as they are.
 *
 * Work is bounded: a closing marker is looked for within {@linkcode MAX_SPAN} characters and
 * nesting stops at {@linkcode MAX_DEPTH}, so hostile input costs linear time.
 *
 * @module
 */

/** How far a closing marker is searched for. */
export const MAX_SPAN = 1000;
/** Deepest nesting of inline formatting. */
export const MAX_DEPTH = 4;
/** Longest link URL turned into a link (longer ones stay text). */
export const MAX_HREF = 512;

/**
 * Escapes text for Telegram HTML.
 *
 * @param text Plain text.
 * @returns The text with `&`, `<`, `>` as entities.
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttr(text: string): string {
  return escapeHtml(text).replace(/"/g, "&quot;");
}

const SAFE_URL = /^(?:https?:\/\/|tg:\/\/|mailto:)[^\s<>"]+$/i;

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

function isSpace(ch: string | undefined): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\r" || ch === "\u00a0";
}

/** Whether a closing `marker` may sit at `at` (independent of where the opener was). */
function validCloser(s: string, marker: string, at: number): boolean {
  if (marker.length === 1 && (s[at + 1] === marker || s[at - 1] === marker)) return false;
  if (isSpace(s[at - 1])) return false;
  return marker[0] !== "_" || !isWordChar(s[at + marker.length]);
}

/**
 * The first valid closer of each marker at or after the last position asked for; `inline()`
 * moves forward only, so one scan per marker serves every opener (linear time on hostile
 * input such as `*a *a *a ...`).
 */
type CloserMemo = Map<string, { from: number; at: number }>;

/** Finds the closing `marker` for an opener ending at `from`, or -1. */
function findCloser(s: string, marker: string, from: number, memo: CloserMemo): number {
  // Text right after an opener must not be blank (`* not italic*`).
  if (from >= s.length || isSpace(s[from])) return -1;
  const start = from + 1;
  const known = memo.get(marker);
  let at: number;
  if (known && known.from <= start && (known.at === -1 || known.at >= start)) at = known.at;
  else {
    at = s.indexOf(marker, start);
    while (at !== -1 && !validCloser(s, marker, at)) at = s.indexOf(marker, at + 1);
    memo.set(marker, { from: start, at });
  }
  return at !== -1 && at - from <= MAX_SPAN ? at : -1;
}

const PAIRS: readonly [marker: string, tag: string][] = [
  ["**", "b"],
  ["__", "b"],
  ["~~", "s"],
  ["*", "i"],
  ["_", "i"],
];

function codeSpan(s: string, i: number): [html: string, end: number] | undefined {
  let n = 0;
  while (s[i + n] === "`") n++;
  const fence = "`".repeat(n);
  let at = s.indexOf(fence, i + n);
  while (at !== -1 && at < i + n + MAX_SPAN) {
    if (s[at + n] !== "`" && s[at - 1] !== "`") {
      const content = s.slice(i + n, at);
      if (content.trim() === "") return undefined;
      return [`<code>${escapeHtml(content)}</code>`, at + n];
    }
    at = s.indexOf(fence, at + 1);
  }
  return undefined;
}

/** Positions of the next `](` and `)`, found once per line (keeps link parsing linear). */
interface LinkMemo {
  mid: number;
  end: number;
}

function nextFrom(s: string, needle: string, from: number, known: number): number {
  return known >= from || known === -1 ? known : s.indexOf(needle, from);
}

function link(
  s: string,
  i: number,
  depth: number,
  memo: LinkMemo,
): [html: string, end: number] | undefined {
  memo.mid = nextFrom(s, "](", i + 1, memo.mid);
  const close = memo.mid;
  if (close === -1 || close - i > MAX_SPAN) return undefined;
  const text = s.slice(i + 1, close);
  if (text === "" || text.includes("[") || text.includes("]")) return undefined;
  memo.end = nextFrom(s, ")", close + 2, memo.end);
  const end = memo.end;
  if (end === -1 || end - close > MAX_HREF + 2) return undefined;
  const url = s.slice(close + 2, end).trim();
  if (!SAFE_URL.test(url)) return undefined;
  return [`<a href="${escapeAttr(url)}">${inline(text, depth + 1)}</a>`, end + 1];
}

/**
 * Converts inline Markdown of one line to Telegram HTML.
 *
 * @param s Markdown text without block structure.
 * @param depth Nesting depth (internal).
 * @returns Well-formed HTML.
 */
export function inline(s: string, depth = 0): string {
  if (depth > MAX_DEPTH) return escapeHtml(s);
  let out = "";
  let i = 0;
  let plainFrom = 0;
  // -2: not looked up yet.
  const memo: LinkMemo = { mid: -2, end: -2 };
  const closers: CloserMemo = new Map();
  const flush = (to: number) => {
    out += escapeHtml(s.slice(plainFrom, to));
  };
  while (i < s.length) {
    const ch = s[i];
    let hit: [string, number] | undefined;
    if (ch === "`") hit = codeSpan(s, i);
    else if (ch === "[") hit = link(s, i, depth, memo);
    else if (ch === "*" || ch === "_" || ch === "~") {
      for (const [marker, tag] of PAIRS) {
        if (!s.startsWith(marker, i)) continue;
        if (marker[0] === "_" && isWordChar(s[i - 1])) break; // snake_case stays text
        const from = i + marker.length;
        const at = findCloser(s, marker, from, closers);
        if (at === -1) continue;
        hit = [`<${tag}>${inline(s.slice(from, at), depth + 1)}</${tag}>`, at + marker.length];
        break;
      }
    }
    if (hit) {
      flush(i);
      out += hit[0];
      i = hit[1];
      plainFrom = i;
    } else if (ch === "`") {
      // Skip the whole backtick run so a longer run is not re-tried one tick at a time.
      while (s[i] === "`") i++;
    } else i++;
  }
  flush(s.length);
  return out;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const HEADING = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const BULLET = /^(\s*)[-*+]\s+(.*)$/;

function codeBlock(lines: readonly string[], i: number): [html: string, next: number] {
  const m = FENCE.exec(lines[i])!;
  const marker = m[1];
  const lang = m[2].trim().split(/\s+/)[0].replace(/[^A-Za-z0-9_+#.-]/g, "").slice(0, 32);
  const body: string[] = [];
  let j = i + 1;
  for (; j < lines.length; j++) {
    const c = FENCE.exec(lines[j]);
    if (c && c[1][0] === marker[0] && c[1].length >= marker.length && c[2].trim() === "") break;
    body.push(lines[j]);
  }
  const code = escapeHtml(body.join("\n"));
  const html = lang
    ? `<pre><code class="language-${lang}">${code}</code></pre>`
    : `<pre>${code}</pre>`;
  return [html, j + 1];
}

/**
 * Converts Markdown to Telegram HTML (see the module doc).
 *
 * @param markdown The reply as the model wrote it.
 * @returns HTML for `parse_mode: "HTML"`; line breaks stay `\n`.
 * @example
 * ```ts
 * markdownToTelegramHtml("**Hi** <you> & `x<y`"); // "<b>Hi</b> &lt;you&gt; &amp; <code>x&lt;y</code>"
 * ```
 */
export function markdownToTelegramHtml(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence && !(fence[1][0] === "`" && fence[2].includes("`"))) {
      const [html, next] = codeBlock(lines, i);
      out.push(html);
      i = next;
      continue;
    }
    const quote = QUOTE.exec(line);
    if (quote) {
      const quoted: string[] = [];
      let m: RegExpExecArray | null = quote;
      for (; m && i < lines.length; m = QUOTE.exec(lines[++i] ?? "")) {
        quoted.push(inline(m[1]));
      }
      out.push(`<blockquote>${quoted.join("\n")}</blockquote>`);
      continue;
    }
    const heading = HEADING.exec(line);
    const bullet = BULLET.exec(line);
    if (heading) out.push(`<b>${inline(heading[1])}</b>`);
    else if (bullet) out.push(`${bullet[1]}\u2022 ${inline(bullet[2])}`);
    else out.push(inline(line));
    i++;
  }
  return out.join("\n");
}
