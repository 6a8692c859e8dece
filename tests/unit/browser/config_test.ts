import assert from "node:assert/strict";
import { OpenClawConfigSchema } from "../../../lib/config/schema.ts";
import {
  resolveBrowserProfile,
  resolveBrowserSettings,
  resolveHeadlessMode,
} from "../../../lib/browser/config.ts";

function issues(browser: unknown): string[] {
  const r = OpenClawConfigSchema.safeParse({ browser });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

Deno.test("resolveBrowserSettings() gives the implicit openclaw profile the first derived CDP port", () => {
  const s = resolveBrowserSettings({}, 19001);
  assert.equal(s.enabled, true);
  assert.equal(s.controlPort, 19003);
  assert.deepEqual(s.cdpRange, { start: 19012, end: 19111 });
  const p = resolveBrowserProfile(s);
  assert.equal(p.name, "openclaw");
  assert.equal(p.cdpPort, 19012);
  assert.equal(p.cdpUrl, "http://127.0.0.1:19012");
  assert.equal(p.color, "#FF4500");
  assert.equal(p.attachOnly, false);
});

Deno.test("resolveBrowserProfile() uses a configured profile's port, colour and headless", () => {
  const s = resolveBrowserSettings({
    browser: {
      headless: false,
      profiles: { work: { cdpPort: 18850, color: "00aa00", headless: true } },
      defaultProfile: "work",
    },
  }, 18789);
  const p = resolveBrowserProfile(s);
  assert.equal(p.name, "work");
  assert.equal(p.cdpPort, 18850);
  assert.equal(p.color, "#00AA00");
  assert.equal(p.headless, true);
  assert.equal(p.headlessSource, "profile");
  assert.equal(resolveBrowserProfile(s, "openclaw").cdpPort, 18800);
});

Deno.test("resolveBrowserProfile() refuses an unknown profile, naming the configured ones", () => {
  const s = resolveBrowserSettings({}, 18789);
  assert.throws(() => resolveBrowserProfile(s, "nope"), {
    code: "BROWSER_PROFILE_UNKNOWN",
    message: 'Profile "nope" not found: configured profiles are openclaw',
  });
});

Deno.test("resolveBrowserProfile() treats a remote cdpUrl as attach-only", () => {
  const s = resolveBrowserSettings({
    browser: { profiles: { remote: { cdpUrl: "http://10.0.0.5:9222" } } },
  }, 18789);
  const p = resolveBrowserProfile(s, "remote");
  assert.equal(p.cdpIsLoopback, false);
  assert.equal(p.attachOnly, true);
  assert.equal(p.cdpUrl, "http://10.0.0.5:9222");
});

Deno.test("resolveHeadlessMode() prefers the request, then the env, then config, then no display", () => {
  const p = { headless: false, headlessSource: "default" as const };
  assert.deepEqual(resolveHeadlessMode(p, { env: {}, platform: "linux" }), {
    headless: true,
    source: "linux-display-fallback",
  });
  assert.deepEqual(resolveHeadlessMode(p, { env: { DISPLAY: ":0" }, platform: "linux" }), {
    headless: false,
    source: "default",
  });
  assert.deepEqual(
    resolveHeadlessMode(p, { env: { OPENCLAW_BROWSER_HEADLESS: "0" }, platform: "linux" }),
    { headless: false, source: "env" },
  );
  assert.deepEqual(
    resolveHeadlessMode({ headless: false, headlessSource: "config" }, {
      env: {},
      platform: "linux",
      override: true,
    }),
    { headless: true, source: "request" },
  );
});

Deno.test("the browser schema names the field of each mistake", () => {
  assert.deepEqual(issues({ profiles: { work: {} } }), [
    "browser.profiles.work: Profile must set cdpPort or cdpUrl",
  ]);
  assert.deepEqual(issues({ profiles: { work: { cdpPort: 70000 } } }).length, 1);
  assert.match(
    issues({ profiles: { work: { cdpPort: 70000 } } })[0],
    /^browser\.profiles\.work\.cdpPort: /,
  );
  assert.match(issues({ profiles: { Work: { cdpPort: 18801 } } })[0], /^browser\.profiles\.Work: /);
  assert.match(issues({ nope: true })[0], /^browser: .*nope/);
  assert.deepEqual(issues({ extraArgs: ["--lang=en", "--remote-debugging-address=0.0.0.0"] }), [
    "browser.extraArgs.1: --remote-debugging-address not allowed: it would expose the unauthenticated CDP endpoint beyond loopback",
  ]);
  assert.deepEqual(issues({ cdpUrl: "file:///x" }), [
    "browser.cdpUrl: browser.cdpUrl must be http(s) or ws(s)",
  ]);
  assert.deepEqual(
    issues({ profiles: { ext: { driver: "extension", cdpUrl: "http://127.0.0.1:1" } } }).length,
    1,
  );
  assert.deepEqual(
    issues({
      enabled: true,
      executablePath: "/usr/bin/chromium",
      headless: true,
      noSandbox: true,
      extraArgs: ["--lang=en"],
      ssrfPolicy: { dangerouslyAllowPrivateNetwork: true },
      profiles: { work: { cdpPort: 18801, color: "#00AA00" } },
    }),
    [],
  );
});
