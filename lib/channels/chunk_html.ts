/**
 * Splits Telegram HTML (as telegram_html.ts writes it) into messages of at most `limit`
 * characters. A tag or an entity (`&amp;`) is never cut; tags open at a cut are closed at the
 * end of one message and reopened, attributes and all (`<pre><code class="language-ts">`), at
 * the start of the next, so every message is balanced and parses on its own. Breaks prefer a
 * paragraph or block end, then a line end, then whitespace.
 *
 * The length counted is the raw HTML length, which is never less than what Telegram counts
 * (the text after parsing), so a chunk within `limit` is always accepted.
 *
 * @module
 */

/** Smallest limit accepted. */
export const MIN_HTML_CHUNK_LIMIT = 128;
/** Longest run of text characters kept as one unit. */
const WORD = 32;

interface Atom {
  text: string;
  /** `open`/`close` for tags, `text` otherwise. */
  kind: "open" | "close" | "text";
  /** Tag name for tags. */
  name?: string;
}

interface OpenTag {
  name: string;
  raw: string;
  /** Length of the closing tags of this one and every tag below it. */
  closeLength: number;
}

const TOKEN =
  /<\/?([a-zA-Z][a-zA-Z0-9-]*)[^<>]*>|&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{1,31});/g;
const BLOCK_TAGS = new Set(["pre", "blockquote"]);

function isBreakSpace(code: number): boolean {
  return code === 10 || code === 32 || code === 9;
}

function pushText(out: Atom[], text: string): void {
  let i = 0;
  while (i < text.length) {
    if (isBreakSpace(text.charCodeAt(i))) {
      out.push({ text: text[i], kind: "text" });
      i++;
      continue;
    }
    let end = i;
    while (end < text.length && end - i < WORD && !isBreakSpace(text.charCodeAt(end))) end++;
    const code = text.charCodeAt(end - 1);
    if (end < text.length && end - i > 1 && code >= 0xd800 && code <= 0xdbff) end--;
    out.push({ text: text.slice(i, end), kind: "text" });
    i = end;
  }
}

/** Splits HTML into tags, entities and short text runs. */
function atomize(html: string): Atom[] {
  const out: Atom[] = [];
  let last = 0;
  for (const m of html.matchAll(TOKEN)) {
    if (m.index > last) pushText(out, html.slice(last, m.index));
    if (m[1]) {
      const kind = m[0][1] === "/" ? "close" : "open";
      out.push({ text: m[0], kind, name: m[1].toLowerCase() });
    } else out.push({ text: m[0], kind: "text" });
    last = m.index + m[0].length;
  }
  if (last < html.length) pushText(out, html.slice(last));
  return out;
}

function apply(stack: readonly OpenTag[], atom: Atom): readonly OpenTag[] {
  if (atom.kind === "open") {
    const below = stack.length > 0 ? stack[stack.length - 1].closeLength : 0;
    return [...stack, {
      name: atom.name!,
      raw: atom.text,
      closeLength: below + atom.name!.length + 3,
    }];
  }
  if (atom.kind === "close") {
    const at = stack.map((t) => t.name).lastIndexOf(atom.name!);
    return at === -1 ? stack : stack.slice(0, at);
  }
  return stack;
}

function closing(stack: readonly OpenTag[]): string {
  return stack.map((t) => `</${t.name}>`).reverse().join("");
}

function closingLength(stack: readonly OpenTag[]): number {
  return stack.length > 0 ? stack[stack.length - 1].closeLength : 0;
}

interface Cut {
  end: number;
  stack: readonly OpenTag[];
  length: number;
}

/** Break quality of the position after `atoms[j]`: 3 block/paragraph, 2 line, 1 space, 0 any. */
function quality(atoms: readonly Atom[], j: number): number {
  const a = atoms[j];
  if (a.kind === "open") return -1;
  if (a.kind === "close") return a.name && BLOCK_TAGS.has(a.name) ? 3 : 0;
  if (a.text === "\n") return j > 0 && atoms[j - 1].text === "\n" ? 3 : 2;
  return a.text === " " || a.text === "\t" ? 1 : 0;
}

/**
 * Splits Telegram HTML into balanced messages of at most `limit` characters.
 *
 * @param html Well-formed Telegram HTML.
 * @param limit Longest message (Telegram: 4096).
 * @returns Messages in order; `[]` for empty input.
 * @throws {RangeError} When `limit` is below {@linkcode MIN_HTML_CHUNK_LIMIT}, or one tag is
 *   too long to fit any message.
 * @example
 * ```ts
 * chunkTelegramHtml(`<b>${"word ".repeat(1000)}</b>`, 4096).length; // 2, each starts with <b>
 * ```
 */
export function chunkTelegramHtml(html: string, limit: number): string[] {
  if (!(limit >= MIN_HTML_CHUNK_LIMIT)) {
    throw new RangeError(
      `Cannot split at ${limit} characters: expected at least ${MIN_HTML_CHUNK_LIMIT}`,
    );
  }
  let atoms = atomize(html);
  const chunks: string[] = [];
  let i = 0;
  let start: readonly OpenTag[] = [];
  while (i < atoms.length) {
    let prefix = start.map((t) => t.raw).join("");
    if (prefix.length + closingLength(start) > limit / 2) {
      // Tags too long to carry over (a huge link): go on without formatting, keeping the text.
      atoms = [...atoms.slice(0, i), ...atoms.slice(i).filter((a) => a.kind === "text")];
      start = [];
      prefix = "";
    }
    let stack = start;
    let length = prefix.length;
    const best: (Cut | undefined)[] = [undefined, undefined, undefined, undefined];
    let j = i;
    for (; j < atoms.length; j++) {
      const next = apply(stack, atoms[j]);
      const nextLength = length + atoms[j].text.length;
      if (nextLength + closingLength(next) > limit) break;
      stack = next;
      length = nextLength;
      const q = quality(atoms, j);
      const cut = { end: j + 1, stack, length };
      for (let k = 0; k <= q; k++) best[k] = cut;
    }
    if (j === atoms.length) {
      chunks.push(prefix + atoms.slice(i).map((a) => a.text).join("") + closing(stack));
      break;
    }
    const cut = [3, 2, 1].map((q) => best[q]).find((c) => c && c.length >= limit * 0.4) ??
      best[0] ?? (j > i ? { end: j, stack, length } : undefined);
    if (!cut) {
      throw new RangeError(`Cannot split HTML at ${limit} characters: a tag is longer than that`);
    }
    chunks.push(prefix + atoms.slice(i, cut.end).map((a) => a.text).join("") + closing(cut.stack));
    i = cut.end;
    start = cut.stack;
  }
  return chunks;
}

/**
 * The text of Telegram HTML: tags removed, entities decoded.
 *
 * @param html Telegram HTML.
 * @returns Plain text (what the user reads).
 */
export function telegramHtmlText(html: string): string {
  return html.replace(/<[^<>]*>/g, "").replace(
    /&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|amp|lt|gt|quot|apos);/g,
    (_, e: string) => {
      if (e === "amp") return "&";
      if (e === "lt") return "<";
      if (e === "gt") return ">";
      if (e === "quot") return '"';
      if (e === "apos") return "'";
      const n = e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return n <= 0x10ffff ? String.fromCodePoint(n) : "";
    },
  );
}
