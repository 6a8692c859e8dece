import assert from "node:assert/strict";
import { OpenClawConfigSchema } from "../../../lib/config/schema.ts";
import { OpenClawError } from "../../../lib/errors.ts";
import { resolveSandboxBrowserConfig } from "../../../lib/sandbox/browser_config.ts";
import {
  BROWSER_LABELS,
  buildBrowserCreateArgs,
  planSandboxBrowser,
} from "../../../lib/sandbox/browser_plan.ts";
import { LABELS, planSandbox } from "../../../lib/sandbox/plan.ts";

const stateDir = "/tmp/oc-browser-plan-state";

function config(sandbox: Record<string, unknown>, agentSandbox?: Record<string, unknown>) {
  return {
    agents: {
      defaults: { sandbox },
      list: [{ id: "main" }, { id: "work", ...(agentSandbox ? { sandbox: agentSandbox } : {}) }],
    },
  };
}

function plan(sandbox: Record<string, unknown>, agentId = "main", agentSandbox?: object) {
  return planSandboxBrowser(config(sandbox, agentSandbox as Record<string, unknown>), {
    agentId,
    sessionKey: `agent:${agentId}:main`,
    stateDir,
    workspace: "/srv/ws",
  });
}

Deno.test("resolveSandboxBrowserConfig() applies stock's sandbox.browser defaults", () => {
  const b = resolveSandboxBrowserConfig({}, "main", stateDir);
  assert.equal(b.enabled, false);
  assert.equal(b.enabledKey, "agents.defaults.sandbox.browser.enabled");
  assert.equal(b.image, "openclaw-sandbox-browser:bookworm-slim");
  assert.equal(b.containerPrefix, "openclaw-sbx-browser-");
  assert.equal(b.network, "openclaw-sandbox-browser");
  assert.equal(b.cdpPort, 9222);
  assert.equal(b.vncPort, 5900);
  assert.equal(b.noVncPort, 6080);
  assert.equal(b.enableNoVnc, true);
  assert.equal(b.headless, false);
  assert.equal(b.allowHostControl, false);
  assert.equal(b.autoStart, true);
  assert.equal(b.autoStartTimeoutMs, 12_000);
});

Deno.test("the config schema accepts stock's sandbox.browser keys and adds no defaults", () => {
  const parsed = OpenClawConfigSchema.parse({
    agents: {
      defaults: {
        sandbox: {
          browser: { enabled: true, cdpPort: 9333, autoStartTimeoutMs: 5000, enableNoVnc: false },
        },
      },
    },
  });
  assert.deepEqual(parsed.agents?.defaults?.sandbox?.browser, {
    enabled: true,
    cdpPort: 9333,
    autoStartTimeoutMs: 5000,
    enableNoVnc: false,
  });
  assert.equal(OpenClawConfigSchema.parse({}).agents?.defaults?.sandbox?.browser, undefined);
  assert.equal(
    OpenClawConfigSchema.safeParse({
      agents: { defaults: { sandbox: { browser: { cdpPort: 70000 } } } },
    }).success,
    false,
  );
});

Deno.test("resolveSandboxBrowserConfig() lets an agent override keys and names its key", () => {
  const b = resolveSandboxBrowserConfig(
    config({ browser: { enabled: true, headless: true } }, { browser: { enabled: false } }),
    "work",
    stateDir,
  );
  assert.equal(b.enabled, false);
  assert.equal(b.enabledKey, "agents.list[1].sandbox.browser.enabled");
  assert.equal(b.headless, true);
  // In shared scope one container serves every agent: per-agent settings are ignored.
  const shared = resolveSandboxBrowserConfig(
    config({ scope: "shared", browser: { enabled: true } }, { browser: { enabled: false } }),
    "work",
    stateDir,
  );
  assert.equal(shared.enabled, true);
  assert.equal(shared.enabledKey, "agents.defaults.sandbox.browser.enabled");
});

Deno.test("planSandboxBrowser() names the container like the exec sandbox, with its own prefix and labels", () => {
  const p = plan({ mode: "all", browser: { enabled: true } });
  const exec = planSandbox(config({ mode: "all" }), {
    agentId: "main",
    sessionKey: "agent:main:main",
    stateDir,
    workspace: "/srv/ws",
  });
  assert.equal(p.scopeKey, exec.scopeKey);
  assert.equal(
    p.containerName,
    exec.containerName.replace(/^openclaw-sbx-/, "openclaw-sbx-browser-"),
  );
  assert.equal(p.sandbox.labels[BROWSER_LABELS.browser], "1");
  // Not an exec sandbox: `sandbox list/recreate` of exec containers leave it alone.
  assert.equal(p.sandbox.labels[LABELS.sandbox], undefined);
  assert.equal(p.sandbox.labels[LABELS.stockSessionKey], "agent:main");
  assert.equal(p.sandbox.labels[LABELS.stateDir], stateDir);
  assert.deepEqual(p.fileRoots, ["/workspace"]);
});

Deno.test("buildBrowserCreateArgs() keeps the sandbox hardening and runs the image's entrypoint", () => {
  const p = plan({
    mode: "all",
    browser: { enabled: true, image: "my-browser:1", network: "none", headless: true },
  });
  const args = buildBrowserCreateArgs(p, 1_700_000_000_000);
  assert.equal(args[0], "create");
  assert.equal(args.at(-1), "my-browser:1", "no keep-alive command after the image");
  const pairs = (flag: string) => args.flatMap((a, i) => a === flag ? [args[i + 1]] : []);
  assert.ok(args.includes("--read-only"));
  assert.deepEqual(pairs("--network"), ["none"]);
  assert.deepEqual(pairs("--cap-drop"), ["ALL"]);
  assert.ok(pairs("--security-opt").includes("no-new-privileges"));
  assert.deepEqual(pairs("--tmpfs"), ["/tmp", "/var/tmp", "/run"]);
  const env = pairs("--env");
  assert.ok(env.includes("OPENCLAW_BROWSER_CDP_PORT=9222"));
  assert.ok(env.includes("OPENCLAW_BROWSER_HEADLESS=1"));
  assert.ok(env.includes("LANG=C.UTF-8"));
  assert.ok(pairs("--label").includes("openclaw.sandboxBrowser=1"));
  assert.ok(!args.includes("-p") && !args.includes("--publish"), "CDP is never published");
  // The session's workspace, where the agent writes pages the browser may open as file: URLs.
  assert.deepEqual(pairs("-v"), [`${p.sandbox.workspaceDir}:/workspace`]);
});

Deno.test("the browser config hash changes with the browser settings", () => {
  const base = plan({ browser: { enabled: true } });
  assert.equal(plan({ browser: { enabled: true } }).configHash, base.configHash);
  assert.notEqual(plan({ browser: { enabled: true, headless: true } }).configHash, base.configHash);
  assert.notEqual(plan({ browser: { enabled: true, image: "x:1" } }).configHash, base.configHash);
  assert.notEqual(
    plan({ browser: { enabled: true }, docker: { env: { A: "1" } } }).configHash,
    base.configHash,
  );
});

Deno.test("planSandboxBrowser() refuses host and container network modes, naming the key", () => {
  for (const network of ["host", "container:abc"]) {
    assert.throws(
      () => plan({ browser: { enabled: true, network } }),
      (err: unknown) =>
        err instanceof OpenClawError && err.code === "SANDBOX_CONFIG_DANGEROUS" &&
        err.message.includes("agents.defaults.sandbox.browser.network"),
    );
  }
  // The exec sandbox's own checks still apply (a dangerous bind).
  assert.throws(
    () => plan({ browser: { enabled: true }, docker: { binds: ["/etc:/etc:ro"] } }),
    (err: unknown) => err instanceof OpenClawError && err.code === "SANDBOX_BIND_DANGEROUS",
  );
});
