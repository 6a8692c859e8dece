import assert from "node:assert/strict";
import { browserTool } from "../../../lib/agent/tools/browser_tool.ts";
import type { ToolContext } from "../../../lib/tools/types.ts";
import { BrowserService } from "../../../lib/browser/service.ts";
import { registerBrowserService } from "../../../lib/browser/host.ts";

function ctx(overrides: Partial<ToolContext> = {}): ToolContext {
  return {
    agentId: "main",
    sessionKey: "agent:main:main",
    workspace: "/tmp",
    stateDir: "/tmp/openclaw-browser-tool-test",
    surface: "agent",
    sandboxed: false,
    signal: new AbortController().signal,
    ...overrides,
  };
}

Deno.test("the browser tool refuses in a sandboxed session", async () => {
  await assert.rejects(browserTool.execute({ action: "status" }, ctx({ sandboxed: true })), {
    code: "BROWSER_SANDBOX_UNSUPPORTED",
    message: /not available in a sandboxed session/,
  });
});

Deno.test("the browser tool says so when no gateway owns a browser", async () => {
  await assert.rejects(browserTool.execute({ action: "tabs" }, ctx({ stateDir: "/nowhere" })), {
    code: "BROWSER_UNAVAILABLE",
  });
});

Deno.test("the browser tool answers status from the registered service without launching", async () => {
  const stateDir = "/tmp/openclaw-browser-tool-test";
  const service = new BrowserService({ stateDir, gatewayPort: 18789, config: {} });
  const unregister = registerBrowserService(stateDir, () => Promise.resolve(service));
  try {
    const status = await browserTool.execute({ action: "status" }, ctx()) as Record<
      string,
      unknown
    >;
    assert.equal(status.running, false);
    assert.equal(status.cdpPort, 18800);
    assert.deepEqual(await browserTool.execute({ action: "tabs" }, ctx()), {
      running: false,
      tabs: [],
    });
    await assert.rejects(browserTool.execute({ action: "open" }, ctx()), {
      message: 'action "open" needs targetUrl',
    });
  } finally {
    unregister();
    await service.closeAll();
  }
});

Deno.test("the browser tool's schema is a flat object the model can read", () => {
  const parsed = browserTool.inputSchema.safeParse({
    action: "act",
    request: { kind: "click", ref: "e1" },
  });
  assert.equal(parsed.success, true);
  assert.equal(browserTool.inputSchema.safeParse({ action: "fly" }).success, false);
});
