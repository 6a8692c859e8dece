import assert from "node:assert/strict";
import { chunkTelegramHtml, telegramHtmlText } from "../../../lib/channels/chunk_html.ts";
import { assertTelegramHtml } from "./_fixtures.ts";

Deno.test("chunkTelegramHtml() keeps short HTML as one message and empty as none", () => {
  assert.deepEqual(chunkTelegramHtml("<b>hi</b>", 4096), ["<b>hi</b>"]);
  assert.deepEqual(chunkTelegramHtml("", 4096), []);
});

Deno.test("chunkTelegramHtml() closes and reopens tags, attributes included, at a cut", () => {
  const code = Array.from({ length: 60 }, (_, i) => `line ${i} &lt;x&gt;`).join("\n");
  const html = `<pre><code class="language-ts">${code}</code></pre>`;
  const chunks = chunkTelegramHtml(html, 300);
  assert.ok(chunks.length > 3);
  for (const c of chunks) {
    assert.ok(c.length <= 300);
    assert.ok(c.startsWith('<pre><code class="language-ts">'), c);
    assert.ok(c.endsWith("</code></pre>"), c);
    assertTelegramHtml(c);
  }
  assert.equal(chunks.map(telegramHtmlText).join(""), telegramHtmlText(html));
});

Deno.test("chunkTelegramHtml() never cuts an entity and prefers paragraph breaks", () => {
  const html = "a".repeat(100) + "\n\n" + "&amp;".repeat(60);
  const chunks = chunkTelegramHtml(html, 200);
  assert.equal(chunks[0], "a".repeat(100) + "\n\n");
  assert.ok(chunks.slice(1).every((c) => /^(&amp;)+$/.test(c)));
});

Deno.test("chunkTelegramHtml() drops formatting it cannot carry rather than any text", () => {
  const href = "https://example.com/" + "p".repeat(150);
  const html = `<a href="${href}">${"word ".repeat(60)}</a>`;
  const chunks = chunkTelegramHtml(html, 200);
  for (const c of chunks) {
    assert.ok(c.length <= 200);
    assertTelegramHtml(c);
  }
  assert.equal(chunks.map(telegramHtmlText).join(""), telegramHtmlText(html));
  assert.throws(() => chunkTelegramHtml("x", 50), RangeError);
});

Deno.test("telegramHtmlText() strips tags and decodes entities", () => {
  assert.equal(telegramHtmlText('<a href="x">a &amp; b &lt;c&gt; &#129438;</a>'), "a & b <c> 🦞");
});
