import assert from "node:assert/strict";
import { escapeHtml, markdownToTelegramHtml } from "../../../lib/channels/telegram_html.ts";
import { assertTelegramHtml } from "./_fixtures.ts";

Deno.test("markdownToTelegramHtml() escapes <, > and & everywhere", () => {
  assert.equal(
    markdownToTelegramHtml("a < b && c > d <b>x</b>"),
    "a &lt; b &amp;&amp; c &gt; d &lt;b&gt;x&lt;/b&gt;",
  );
  assert.equal(escapeHtml("&lt;"), "&amp;lt;");
});

Deno.test("markdownToTelegramHtml() converts bold, italic, strike and inline code", () => {
  assert.equal(
    markdownToTelegramHtml("**bold** __also__ *it* _it_ ~~gone~~ `a<b`"),
    "<b>bold</b> <b>also</b> <i>it</i> <i>it</i> <s>gone</s> <code>a&lt;b</code>",
  );
  assert.equal(markdownToTelegramHtml("*a **b** c*"), "<i>a <b>b</b> c</i>");
  assert.equal(markdownToTelegramHtml("`**not bold**`"), "<code>**not bold**</code>");
});

Deno.test("markdownToTelegramHtml() leaves unmatched markers and snake_case alone", () => {
  assert.equal(
    markdownToTelegramHtml("2 * 3 * 4 and snake_case_name and **open"),
    "2 * 3 * 4 and snake_case_name and **open",
  );
  assert.equal(markdownToTelegramHtml("``"), "``");
});

Deno.test("markdownToTelegramHtml() links only http, https, tg and mailto URLs", () => {
  assert.equal(
    markdownToTelegramHtml("[docs](https://x.dev/a?b=1&c=2)"),
    '<a href="https://x.dev/a?b=1&amp;c=2">docs</a>',
  );
  assert.equal(markdownToTelegramHtml("[x](javascript:alert(1))"), "[x](javascript:alert(1))");
  assert.equal(
    markdownToTelegramHtml("[**b**](tg://user?id=1)"),
    '<a href="tg://user?id=1"><b>b</b></a>',
  );
});

Deno.test("markdownToTelegramHtml() turns code blocks into pre with the language", () => {
  assert.equal(
    markdownToTelegramHtml("```ts\nconst a = 1 < 2;\n```"),
    '<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre>',
  );
  assert.equal(markdownToTelegramHtml("```\n**raw**\n```\nafter"), "<pre>**raw**</pre>\nafter");
  // An unclosed fence runs to the end.
  assert.equal(markdownToTelegramHtml("```js\nx"), '<pre><code class="language-js">x</code></pre>');
});

Deno.test("markdownToTelegramHtml() renders headings, quotes and bullets", () => {
  assert.equal(
    markdownToTelegramHtml("# Title\n> quoted *it*\n> more\n- item\n  * sub"),
    "<b>Title</b>\n<blockquote>quoted <i>it</i>\nmore</blockquote>\n• item\n  • sub",
  );
});

Deno.test("markdownToTelegramHtml() stays fast on hostile input", () => {
  const hostile = "*_[`~".repeat(20_000) + "](" + "[".repeat(20_000);
  assertTelegramHtml(markdownToTelegramHtml(hostile));
});
