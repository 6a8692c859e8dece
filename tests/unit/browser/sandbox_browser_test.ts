import assert from "node:assert/strict";
import { browserTool } from "../../../lib/agent/tools/browser_tool.ts";
import { registerBrowserService } from "../../../lib/browser/host.ts";
import { sandboxFilePath } from "../../../lib/browser/sandbox_actions.ts";
import { rewriteDebuggerUrl, sandboxServiceConfig } from "../../../lib/browser/sandbox_session.ts";
import { resolveBrowserSettings } from "../../../lib/browser/config.ts";
import { BrowserService } from "../../../lib/browser/service.ts";
import type { OpenClawConfig } from "../../../lib/config/schema.ts";
import { OpenClawError } from "../../../lib/errors.ts";
import type { ToolContext } from "../../../lib/tools/types.ts";

const ROOTS = ["/workspace", "/agent"];

Deno.test("sandboxFilePath() accepts files under the workspace mounts only", () => {
  assert.equal(sandboxFilePath("file:///workspace/page.html", ROOTS), "/workspace/page.html");
  assert.equal(sandboxFilePath("file:///workspace/a%20b.html", ROOTS), "/workspace/a b.html");
  assert.equal(sandboxFilePath("file:///agent/notes/x.html", ROOTS), "/agent/notes/x.html");
  assert.equal(sandboxFilePath("https://example.com/", ROOTS), undefined);
  assert.equal(sandboxFilePath("about:blank", ROOTS), undefined);
  for (
    const url of [
      "file:///etc/passwd",
      "file:///workspace/../etc/passwd", // folded by the URL parser to /etc/passwd
      "file:///workspace/%2e%2e/etc/passwd",
      "file:///workspacex/page.html",
      "file://host/workspace/page.html",
    ]
  ) {
    assert.throws(
      () => sandboxFilePath(url, ROOTS),
      (err: unknown) =>
        err instanceof OpenClawError && err.code === "BROWSER_NAVIGATION_DENIED" &&
        /outside the sandbox workspace/.test(err.message),
      url,
    );
  }
});

Deno.test("rewriteDebuggerUrl() points the browser WebSocket at the relay", () => {
  assert.equal(
    rewriteDebuggerUrl("ws://127.0.0.1:9222/devtools/browser/abc-123", 40001),
    "ws://127.0.0.1:40001/devtools/browser/abc-123",
  );
  assert.equal(
    rewriteDebuggerUrl("ws://127.0.0.1/devtools/browser/abc", 40001),
    "ws://127.0.0.1:40001/devtools/browser/abc",
  );
  for (const bad of ["ws://x/devtools/page/1", "http://127.0.0.1:9222/", "nonsense"]) {
    assert.throws(() => rewriteDebuggerUrl(bad, 1), { code: "BROWSER_ATTACH_FAILED" });
  }
});

Deno.test("sandboxServiceConfig() attaches only (no host launch) and keeps the navigation policy", () => {
  const cfg = sandboxServiceConfig(
    { browser: { ssrfPolicy: { allowedHostnames: ["intranet"] }, executablePath: "/x" } },
    "ws://127.0.0.1:40001/devtools/browser/abc",
    true,
  );
  const settings = resolveBrowserSettings(cfg, 18789, {});
  assert.equal(settings.attachOnly, true);
  assert.equal(settings.executablePath, undefined);
  assert.deepEqual([...settings.profiles.keys()], ["openclaw"]);
  assert.equal(settings.profiles.get("openclaw")?.attachOnly, true);
  assert.deepEqual(settings.navigation.allowedHostnames, ["intranet"]);
  const service = new BrowserService({
    stateDir: "/tmp/openclaw-sbx-unit",
    gatewayPort: 18789,
    config: cfg,
    env: () => ({}),
  });
  const status = service.status();
  assert.equal(status.attachOnly, true);
  assert.equal(status.cdpUrl, "ws://127.0.0.1:40001/devtools/browser/abc");
  assert.equal(status.userDataDir, null, "no host profile directory");
  assert.equal(status.headless, true);
});

function ctx(config: unknown, stateDir: string): ToolContext {
  return {
    agentId: "main",
    sessionKey: "agent:main:main",
    workspace: "/tmp",
    stateDir,
    surface: "agent",
    sandboxed: true,
    signal: new AbortController().signal,
    config,
  } as ToolContext;
}

Deno.test("the browser tool of a sandboxed session names the key that keeps its browser off", async () => {
  const config = {
    agents: { list: [{ id: "main", sandbox: { browser: { enabled: false } } }] },
  } as unknown as OpenClawConfig;
  await assert.rejects(
    browserTool.execute({ action: "open", targetUrl: "https://example.com" }, ctx(config, "/x")),
    {
      code: "BROWSER_SANDBOX_UNSUPPORTED",
      message: /agents\.list\[0\]\.sandbox\.browser\.enabled is false/,
    },
  );
});

Deno.test('the browser tool\'s target "host" needs allowHostControl in a sandboxed session', async () => {
  const stateDir = "/tmp/openclaw-sbx-host-control";
  const service = new BrowserService({ stateDir, gatewayPort: 18789, config: {} });
  const unregister = registerBrowserService(stateDir, () => Promise.resolve(service));
  try {
    await assert.rejects(
      browserTool.execute({ action: "tabs", target: "host" }, ctx({}, stateDir)),
      {
        code: "BROWSER_HOST_CONTROL_DENIED",
        message: /agents\.defaults\.sandbox\.browser\.allowHostControl is false/,
      },
    );
    const allowed = { agents: { defaults: { sandbox: { browser: { allowHostControl: true } } } } };
    assert.deepEqual(
      await browserTool.execute({ action: "tabs", target: "host" }, ctx(allowed, stateDir)),
      { running: false, tabs: [] },
    );
  } finally {
    unregister();
    await service.closeAll();
  }
});
