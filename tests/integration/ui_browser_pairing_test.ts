/**
 * Pairing in the dashboard, in headless Chromium (playwright-core + Debian `chromium`): the link
 * `openclaw dashboard --json --no-open` prints connects without typing anything; a browser on
 * this machine's LAN address (a non-local device) is asked to pair, shows the request id and
 * `openclaw devices approve <id>`, and connects by itself once the first browser approves it in
 * the Devices panel; a Telegram DM from an unknown user (fake Bot API) is listed in the Channels
 * panel, approved there, and the sender's next DM gets the model's reply.
 *
 * Without chromium the tests are ignored (with a note on stderr) unless OPENCLAW_TEST_REQUIRE
 * lists `chromium` or `browser`; the LAN test is ignored on a machine without a LAN address.
 * Screenshots go to a temp dir, or to docs/screenshots/ with OPENCLAW_UPDATE_SCREENSHOTS=1.
 *
 * @module
 */
import { type Browser, chromium, type Page } from "playwright-core";
import assert from "node:assert/strict";
import { ANN, FakeTelegram } from "../fixtures/fake_telegram.ts";
import { startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { nonLoopbackIPv4 } from "../fixtures/device.ts";
import {
  type GatewayProcess,
  makeSandbox,
  runCli,
  type Sandbox,
  startGateway,
  tempDir,
  waitUntil,
} from "../helpers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const TOKEN = "ui-pairing-test-token-0123456789";
/** Listens on every interface, so a page opened at the LAN address is a non-local device. */
const LAN_CONFIG = `{
  gateway: { mode: "local", bind: "lan", auth: { mode: "token", token: "${TOKEN}" } },
}`;
const LAN_IP = nonLoopbackIPv4();

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
    "ui_browser_pairing_test: chromium not found (apt-get install chromium); browser tests ignored",
  );
}
const NO_BROWSER = !CHROMIUM && !REQUIRED;

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

/** The one-time link `openclaw dashboard --json --no-open` prints (bootstrap token inside). */
async function dashboardLink(sb: Sandbox): Promise<string> {
  const r = await runCli(sb, ["dashboard", "--json", "--no-open"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout);
  assert.match(out.browserUrl, /#bootstrapToken=/);
  return out.browserUrl;
}

/** Opens the dashboard link in a fresh context and waits until it is connected. */
async function openDashboard(browser: Browser, link: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(link);
  await page.waitForSelector("[data-connection=connected]");
  return page;
}

Deno.test({
  name: "the link `openclaw dashboard --json --no-open` prints connects without typing anything",
  ignore: NO_BROWSER,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using sb = await makeSandbox();
    await using _gw = await startGateway(sb, LAN_CONFIG);
    const link = await dashboardLink(sb);
    const bootstrapToken = new URLSearchParams(new URL(link).hash.slice(1)).get("bootstrapToken")!;
    const browser = await launch();
    try {
      const page = await openDashboard(browser, link);
      const errors = watchErrors(page);
      assert.ok(!page.url().includes(bootstrapToken), `bootstrap token left in ${page.url()}`);
      assert.equal(await page.locator("input").count(), 0, "nothing to type");
      await page.waitForSelector("text=Subsystems");
      // The browser is now a paired device of its own, approved by the one-time token.
      const list = await runCli(sb, ["devices", "list", "--json"]);
      const paired = JSON.parse(list.stdout).paired as Record<string, unknown>[];
      assert.ok(
        paired.some((d) => d.clientId === "openclaw-control-ui" && d.approvedVia === "bootstrap"),
        list.stdout,
      );
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  },
});

Deno.test({
  name:
    "a browser on the LAN address is asked to pair and connects by itself once approved in the Devices panel",
  ignore: NO_BROWSER || LAN_IP === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using sb = await makeSandbox();
    await using gw = await startGateway(sb, LAN_CONFIG);
    await using out = await shots();
    const browser = await launch();
    try {
      const owner = await openDashboard(browser, await dashboardLink(sb));
      const ownerErrors = watchErrors(owner);
      await open(owner, "/devices");
      await owner.waitForSelector("text=No device is waiting for approval.");

      const lanContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const lan = await lanContext.newPage();
      const lanErrors = watchErrors(lan);
      await lan.goto(`http://${LAN_IP}:${gw.port}/#token=${TOKEN}`);
      await lan.waitForSelector("[data-phase=pairing]");
      assert.equal(await lan.textContent(".problem-title"), "pairing required");
      const requestId = (await lan.textContent(".request-id"))!.trim();
      assert.match(requestId, /^\S{8,}$/);
      assert.equal(await lan.textContent(".command code"), `openclaw devices approve ${requestId}`);
      await lan.screenshot({ path: `${out.dir}/pairing-required.png` });

      // The owner's Devices panel lists the request as it comes in (device.pair.requested).
      const row = `li[data-request="${requestId}"]`;
      await owner.waitForSelector(row);
      assert.match(await owner.textContent(row) ?? "", new RegExp(LAN_IP!.replaceAll(".", "\\.")));
      await owner.screenshot({ path: `${out.dir}/devices.png` });
      await owner.click(`${row} button:has-text('Approve')`);
      await owner.waitForSelector(".notice >> text=Approved.");

      // No reload, no typing: the waiting page retries on its own and gets in.
      await lan.waitForSelector("[data-connection=connected]", { timeout: 15_000 });
      await lan.waitForSelector("text=Subsystems");
      await owner.waitForSelector("text=Paired (2)");
      const list = JSON.parse((await runCli(sb, ["devices", "list", "--json"])).stdout);
      assert.equal(list.pending.length, 0);
      assert.ok(
        list.paired.some((d: Record<string, unknown>) => d.remoteIp === LAN_IP),
        JSON.stringify(list.paired),
      );
      assert.deepEqual([...ownerErrors, ...lanErrors], []);
    } finally {
      await browser.close();
    }
  },
});

async function telegramConnected(gw: GatewayProcess): Promise<void> {
  await gw.waitFor(/channel telegram\/default connected/, 20_000);
}

Deno.test({
  name:
    "a Telegram DM from an unknown user shows in the Channels panel; approving it there lets the model answer",
  ignore: NO_BROWSER,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using sb = await makeSandbox();
    await using tg = await FakeTelegram.start();
    await using fake = await startFakeProvider({ kind: "openai-completions" });
    fake.enqueue({ text: "Hello Ann, how can I help?" });
    await using gw = await startGateway(
      sb,
      `{
        gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" } },
        models: {
          mode: "replace",
          providers: {
            fake: { baseUrl: "${fake.baseUrl}", api: "openai-completions", apiKey: "x", models: [{ id: "m1" }] },
          },
        },
        agents: { defaults: { model: "fake/m1" } },
        channels: { telegram: { botToken: "${tg.token}", apiRoot: "${tg.apiRoot}" } },
      }`,
    );
    await telegramConnected(gw);
    await using out = await shots();
    const browser = await launch();
    try {
      const page = await openDashboard(browser, await dashboardLink(sb));
      const errors = watchErrors(page);
      await open(page, "/channels");
      await page.waitForSelector("text=No pending requests.");

      tg.dm("hi there");
      await waitUntil(() => tg.sent().find((s) => /Pairing code:/.test(s.plainText)), {
        timeoutMs: 20_000,
        message: () => `a pairing code; sent: ${JSON.stringify(tg.sent())}`,
      });
      // The open panel picks the request up by itself.
      const row = page.locator("li[data-request]");
      await row.waitFor({ timeout: 15_000 });
      assert.match(await row.textContent() ?? "", /Ann/);
      assert.match(await row.textContent() ?? "", /Telegram\/default/);
      await page.screenshot({ path: `${out.dir}/channels.png` });

      await row.locator("button:has-text('Approve')").click();
      await page.waitForSelector(".notice >> text=Approved");
      await page.waitForSelector("text=No pending requests.");
      const store = JSON.parse(
        await Deno.readTextFile(`${sb.stateDir}/credentials/telegram-allowFrom.json`),
      );
      assert.deepEqual(store.allowFrom, [String(ANN.id)]);

      tg.dm("what can you do?");
      const reply = await waitUntil(() => tg.sent().find((s) => /Hello Ann/.test(s.plainText)), {
        timeoutMs: 20_000,
        message: () => `the model's reply; sent: ${JSON.stringify(tg.sent())}`,
      });
      assert.equal(reply.chatId, String(ANN.id));
      assert.match(JSON.stringify(fake.requests.map((r) => r.body.messages)), /what can you do\?/);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  },
});
