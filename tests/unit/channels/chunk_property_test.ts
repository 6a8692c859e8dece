/**
 * Property tests of outbound splitting: for random Markdown (code fences with languages, long
 * lines, emoji, markup characters) and random limits, every message fits the limit, nothing is
 * lost or reordered, code fences are balanced in every Markdown message, and every Telegram
 * message is well-formed HTML with no tag or entity cut.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { splitMarkdown } from "../../../lib/channels/chunk.ts";
import { chunkTelegramHtml, telegramHtmlText } from "../../../lib/channels/chunk_html.ts";
import { formatOutbound } from "../../../lib/channels/outbound_format.ts";
import { markdownToTelegramHtml } from "../../../lib/channels/telegram_html.ts";
import { assertTelegramHtml } from "./_fixtures.ts";

const CHARS = [..."abcdefgh  \t*_~#>-[]()&<>\"'.:/", "🦞", "é"];
const word = fc.string({ unit: fc.constantFrom(...CHARS), minLength: 0, maxLength: 120 });
const line = fc.oneof(
  { weight: 6, arbitrary: word },
  { weight: 1, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: fc.constantFrom("```", "```ts", "```python", "~~~") },
  { weight: 1, arbitrary: word.map((w) => `\`${w.replace(/`/g, "")}\` and **${w}**`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("[link](https://example.com/a?b=1&c=2)", "> quote", "# Head"),
  },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 900 }).map((n) => "x".repeat(n)) },
);
const markdown = fc.array(line, { maxLength: 60, size: "max" }).map((ls) => ls.join("\n"));

/** Fence lines of a chunk, by the rules the splitter uses (``` only; ~~~ is text inside). */
function fenceCount(chunk: string): number {
  let open: string | undefined;
  let count = 0;
  for (const l of chunk.split("\n")) {
    const m = /^(`{3,}|~{3,})(.*)$/.exec(l);
    if (!m) continue;
    if (!open) {
      open = m[1];
      count++;
    } else if (m[1][0] === open[0] && m[2].trim() === "") {
      open = undefined;
      count++;
    }
  }
  return count;
}

Deno.test("splitMarkdown() keeps every chunk within the limit and loses nothing", () => {
  fc.assert(
    fc.property(
      markdown,
      fc.integer({ min: 64, max: 600 }),
      fc.option(fc.integer({ min: 3, max: 25 }), { nil: undefined }),
      fc.constantFrom("length" as const, "newline" as const),
      (text, limit, maxLines, mode) => {
        const parts = splitMarkdown(text, { limit, maxLines, mode });
        assert.equal(parts.map((p) => p.body).join(""), text);
        for (const p of parts) {
          const chunk = p.prefix + p.body + p.suffix;
          assert.ok(chunk.length <= limit, `${chunk.length} > ${limit}`);
          if (maxLines) {
            const lines = chunk.split("\n").length - (chunk.endsWith("\n") ? 1 : 0);
            assert.ok(lines <= maxLines, `${lines} lines > ${maxLines}`);
          }
          assert.equal(fenceCount(chunk) % 2, 0, `unbalanced fences in ${JSON.stringify(chunk)}`);
          assert.ok(!/^[\udc00-\udfff]/.test(p.body), "chunk starts inside a surrogate pair");
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("markdownToTelegramHtml() always produces well-formed Telegram HTML", () => {
  fc.assert(
    fc.property(fc.oneof(markdown, fc.string({ maxLength: 300 })), (text) => {
      assertTelegramHtml(markdownToTelegramHtml(text));
    }),
    { numRuns: 500 },
  );
});

Deno.test("chunkTelegramHtml() keeps every chunk within the limit, balanced, with all text", () => {
  fc.assert(
    fc.property(markdown, fc.integer({ min: 128, max: 1200 }), (text, limit) => {
      const html = markdownToTelegramHtml(text);
      const chunks = chunkTelegramHtml(html, limit);
      for (const c of chunks) {
        assert.ok(c.length <= limit, `${c.length} > ${limit}`);
        assertTelegramHtml(c);
      }
      assert.equal(chunks.map(telegramHtmlText).join(""), telegramHtmlText(html));
    }),
    { numRuns: 300 },
  );
});

Deno.test("formatOutbound() sends Telegram and Discord replies within their platform limits", () => {
  fc.assert(
    fc.property(markdown, fc.constantFrom("telegram", "discord", "whatsapp"), (text, channel) => {
      const { chunks } = formatOutbound(text.repeat(4), { channel, limit: 100_000 });
      // Telegram and Discord cap any configured limit; elsewhere the configured one holds.
      const max = channel === "telegram" ? 4096 : channel === "discord" ? 2000 : 100_000;
      for (const c of chunks) {
        assert.ok(c.length <= max);
        assert.ok(c.trim() !== "");
        if (channel === "telegram") assertTelegramHtml(c);
      }
    }),
    { numRuns: 200 },
  );
});
