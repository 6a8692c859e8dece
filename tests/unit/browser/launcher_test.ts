import assert from "node:assert/strict";
import { buildLaunchArgs, chromeEnv, launchFailure } from "../../../lib/browser/launcher.ts";
import { resolveBrowserExecutable } from "../../../lib/browser/executable.ts";

Deno.test("buildLaunchArgs() uses stock's flags in stock's order", () => {
  assert.deepEqual(
    buildLaunchArgs({
      cdpPort: 18800,
      userDataDir: "/h/.openclaw/browser/openclaw/user-data",
      headless: true,
      noSandbox: true,
      extraArgs: ["--lang=de"],
      os: "linux",
    }),
    [
      "--remote-debugging-port=18800",
      "--user-data-dir=/h/.openclaw/browser/openclaw/user-data",
      "--no-first-run",
      "--no-default-browser-check",
      "--disable-sync",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-features=Translate,MediaRouter",
      "--disable-session-crashed-bubble",
      "--hide-crash-restore-bubble",
      "--password-store=basic",
      "--headless=new",
      "--disable-gpu",
      "--no-sandbox",
      "--disable-dev-shm-usage",
      "--no-proxy-server",
      "--lang=de",
    ],
  );
});

Deno.test("buildLaunchArgs() leaves the proxy to extraArgs that set one, and adds the macOS keychain flag", () => {
  const args = buildLaunchArgs({
    cdpPort: 1,
    userDataDir: "/d",
    headless: false,
    noSandbox: false,
    extraArgs: ["--proxy-server=http://p:3128"],
    os: "darwin",
  });
  assert.ok(args.includes("--use-mock-keychain"));
  assert.ok(!args.includes("--no-proxy-server"));
  assert.ok(!args.includes("--headless=new"));
  assert.ok(!args.includes("--disable-dev-shm-usage"));
});

Deno.test("chromeEnv() passes display and locale variables, never secrets", () => {
  const env = chromeEnv({
    PATH: "/usr/bin",
    HOME: "/h",
    DISPLAY: ":1",
    OPENAI_API_KEY: "sk-secret",
    OPENCLAW_GATEWAY_TOKEN: "tok",
    HTTP_PROXY: "http://p",
  });
  assert.deepEqual(env, { PATH: "/usr/bin", HOME: "/h", DISPLAY: ":1" });
});

Deno.test("launchFailure() starts with the chapter's words and adds the hints and stderr", () => {
  const err = launchFailure("openclaw", 18800, {
    diagnostic: "Chrome exited with code 1 before CDP answered.",
    noSandbox: false,
    os: "linux",
    stderr: "Running as root without --no-sandbox is not supported.",
  });
  assert.equal(err.code, "BROWSER_START_FAILED");
  assert.equal(
    err.message,
    'Failed to start Chrome CDP on port 18800 for profile "openclaw". Chrome exited with code 1 before CDP answered.\n' +
      "Hint: If running in a container or as root, try setting browser.noSandbox: true.\n" +
      "Chrome stderr:\nRunning as root without --no-sandbox is not supported.",
  );
});

Deno.test("resolveBrowserExecutable() reports a wrong executablePath with the chapter's error", () => {
  assert.throws(() => resolveBrowserExecutable("/nope/chrome", { isExecutable: () => false }), {
    code: "BROWSER_EXECUTABLE_NOT_FOUND",
    message: "browser.executablePath not found: /nope/chrome",
  });
});

Deno.test("resolveBrowserExecutable() auto-detects in stock's order: Chrome before Chromium", () => {
  const installed = new Set(["/usr/bin/chromium", "/usr/bin/google-chrome-stable"]);
  assert.deepEqual(
    resolveBrowserExecutable(undefined, { os: "linux", isExecutable: (p) => installed.has(p) }),
    { kind: "chrome", path: "/usr/bin/google-chrome-stable" },
  );
  assert.equal(
    resolveBrowserExecutable(undefined, { os: "linux", isExecutable: () => false }),
    undefined,
  );
});
