/**
 * The dashboard in headless Chromium (playwright-core + Debian `chromium`): opened from a
 * `#token=` link it connects without typing anything, streams a chat turn from the fake model,
 * edits a config value in the form and in the JSON5 source (the file keeps its comments), shows live logs, works on a
 * phone-sized screen, and names a wrong token `unauthorized` with the fix.
 *
 * Without chromium the test is ignored (with a note on stderr) unless OPENCLAW_TEST_REQUIRE
 * lists `chromium` or `browser`. Screenshots go to a temp dir, or to docs/screenshots/ with
 * OPENCLAW_UPDATE_SCREENSHOTS=1.
 *
 * @module
 */
import { type Browser, chromium, type Page } from "playwright-core";
import assert from "node:assert/strict";
import { makeSandbox, startGateway, tempDir, waitUntil } from "../helpers.ts";
import { startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { AGENT_TEST_TOKEN, agentConfig } from "./_agent_setup.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

function findChromium(): string | undefined {
  for (const path of ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch { /* not here */ }
  }
  return undefined;
}

const CHROMIUM = findChromium();
const REQUIRED = (Deno.env.get("OPENCLAW_TEST_REQUIRE") ?? "").split(",")
  .some((s) => s.trim() === "chromium" || s.trim() === "browser");
if (!CHROMIUM && !REQUIRED) {
  console.error(
    "ui_browser_test: chromium not found (apt-get install chromium); browser tests ignored",
  );
}

async function launch(): Promise<Browser> {
  if (!CHROMIUM) {
    throw new Error("OPENCLAW_TEST_REQUIRE asks for chromium, but it is not installed");
  }
  return await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox"],
  });
}

async function shots(): Promise<{ dir: string; [Symbol.asyncDispose](): Promise<void> }> {
  if (Deno.env.get("OPENCLAW_UPDATE_SCREENSHOTS") === "1") {
    const dir = `${ROOT}docs/screenshots`;
    await Deno.mkdir(dir, { recursive: true });
    return { dir, [Symbol.asyncDispose]: async () => {} };
  }
  const tmp = await tempDir("openclaw-shots-");
  return { dir: tmp.path, [Symbol.asyncDispose]: async () => await tmp[Symbol.asyncDispose]() };
}

/** Collects uncaught page errors so a broken panel fails the test. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

async function open(page: Page, route: string) {
  await page.evaluate((hash) => {
    location.hash = hash;
  }, `#${route}`);
}

Deno.test({
  name:
    "the dashboard connects from a #token= link, streams a chat turn, edits config and tails logs",
  ignore: !CHROMIUM && !REQUIRED,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using fake = await startFakeProvider({ kind: "openai-completions" });
    fake.enqueue({ text: "Hello from the fake model, streamed in pieces." });
    await using sb = await makeSandbox();
    // Comments, and an unquoted reserved word as a key (`default`), must survive both editors.
    const config = `// written by hand: keep me\n${
      agentConfig(fake, "reload: { debounceMs: 300 }, // reload comment")
    }`.replace(
      /\}\s*$/,
      `  secrets: { providers: { default: { source: "env" } } }, // secrets comment\n}\n`,
    );
    await using gw = await startGateway(sb, config);
    await using out = await shots();
    const browser = await launch();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors = watchErrors(page);
      await page.goto(`http://127.0.0.1:${gw.port}/#token=${AGENT_TEST_TOKEN}`);
      await page.waitForSelector("[data-connection=connected]");
      assert.ok(!page.url().includes(AGENT_TEST_TOKEN), `token left in ${page.url()}`);
      await page.waitForSelector("text=Subsystems");
      await page.screenshot({ path: `${out.dir}/overview.png` });

      await open(page, "/chat");
      await page.fill("textarea[aria-label=Message]", "Say hello");
      await page.press("textarea[aria-label=Message]", "Enter");
      await page.waitForSelector(".msg.assistant:not(.streaming) >> text=streamed in pieces");
      assert.match(await page.textContent(".msg.user") ?? "", /Say hello/);
      await page.screenshot({ path: `${out.dir}/chat.png` });

      await open(page, "/config");
      await page.selectOption("[data-key='logging.level'] select", "debug");
      await page.click("button:has-text('Review')");
      await page.click("button:has-text('Apply')");
      await page.waitForSelector(".notice >> text=Saved");
      const onDisk = await Deno.readTextFile(sb.configPath);
      assert.match(onDisk, /\/\/ written by hand: keep me/);
      assert.match(onDisk, /level: "debug"/);
      await page.screenshot({ path: `${out.dir}/config.png` });
      await open(page, "/config?tab=source");
      await page.waitForSelector("textarea.code");
      const source = await page.inputValue("textarea.code");
      assert.match(source, /written by hand: keep me/);
      await page.fill("textarea.code", source.replace("debounceMs: 300", "debounceMs: 450"));
      await page.click("button:has-text('Review changes')");
      await page.waitForSelector(".diff >> text=debounceMs: 450");
      await page.click("button:text-is('Save')");
      await waitUntil(async () => (await Deno.readTextFile(sb.configPath)).includes("450"));
      const edited = await Deno.readTextFile(sb.configPath);
      assert.match(edited, /reload: \{ debounceMs: 450 \}, \/\/ reload comment/);
      assert.match(edited, /\/\/ written by hand: keep me/);
      assert.match(edited, /default: \{ source: "env" \} \} \}, \/\/ secrets comment/);
      assert.match(edited, /level: "debug"/);
      assert.ok(
        !edited.includes("__OPENCLAW_REDACTED__"),
        "secrets are put back, not the sentinel",
      );
      await page.screenshot({ path: `${out.dir}/config-source.png` });

      await open(page, "/logs");
      await page.waitForSelector(".log >> text=listening on");
      await page.screenshot({ path: `${out.dir}/logs.png` });

      await open(page, "/sessions");
      await page.waitForSelector("table.sessions >> text=agent:main:main");
      await page.screenshot({ path: `${out.dir}/sessions.png` });

      await page.setViewportSize({ width: 390, height: 844 });
      await open(page, "/");
      await page.waitForSelector("text=Subsystems");
      const overflow = await page.evaluate<number>(
        "document.documentElement.scrollWidth - innerWidth",
      );
      assert.ok(overflow <= 1, `page is ${overflow}px wider than a phone screen`);
      await page.screenshot({ path: `${out.dir}/overview-phone.png` });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  },
});

Deno.test({
  name: "a wrong token in the link shows `unauthorized` with the fix",
  ignore: !CHROMIUM && !REQUIRED,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using fake = await startFakeProvider({ kind: "openai-completions" });
    await using sb = await makeSandbox();
    await using gw = await startGateway(sb, agentConfig(fake));
    await using out = await shots();
    const browser = await launch();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      await page.goto(`http://127.0.0.1:${gw.port}/#token=not-the-token`);
      await page.waitForSelector(".problem-title >> text=unauthorized");
      assert.match(await page.textContent(".fix") ?? "", /check gateway\.auth\.token/);
      assert.ok(await page.isVisible("input[type=password]"), "the token form is offered");
      await page.screenshot({ path: `${out.dir}/unauthorized.png` });
      await waitUntil(() => !page.url().includes("not-the-token"));
    } finally {
      await browser.close();
    }
  },
});
