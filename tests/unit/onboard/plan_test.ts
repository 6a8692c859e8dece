import assert from "node:assert/strict";
import JSON5 from "json5";
import { planDiff, planOnboarding, previewPlan } from "../../../lib/onboard/plan.ts";
import type { OnboardAnswers } from "../../../lib/onboard/answers.ts";
import { contextOf } from "./_context.ts";

const LOCAL: OnboardAnswers = {
  acceptRisk: true,
  mode: "local",
  workspace: "~/.openclaw/workspace",
  gatewayPort: 18789,
  gatewayBind: "loopback",
  gatewayAuth: "token",
  gatewayToken: "",
  tailscale: "off",
};

function configAfter(text: string, answers: OnboardAnswers, ctx = contextOf(text)) {
  const plan = planOnboarding(ctx, answers);
  return { plan, config: JSON5.parse(previewPlan(text, plan, ctx.configPath)) };
}

Deno.test("planOnboarding() in ref mode stores the key in .env and names it with an env SecretRef", () => {
  const { plan, config } = configAfter("", {
    ...LOCAL,
    authChoice: "openai-api-key",
    apiKey: "sk-1",
    secretInputMode: "ref",
  });
  assert.deepEqual(config.models.providers.openai, {
    baseUrl: "https://api.openai.com/v1",
    apiKey: { source: "env", provider: "default", id: "OPENAI_API_KEY" },
  });
  assert.deepEqual(plan.envVars.map((v) => v.name), ["OPENCLAW_GATEWAY_TOKEN", "OPENAI_API_KEY"]);
  assert.deepEqual(config.gateway.auth.token, {
    source: "env",
    provider: "default",
    id: "OPENCLAW_GATEWAY_TOKEN",
  });
  assert.equal(config.agents.defaults.model, "openai/gpt-5");
});

Deno.test("planOnboarding() in plaintext mode keeps the provider key out of the config and drops a stale one", () => {
  const text = `{ models: { providers: { anthropic: { baseUrl: "https://x", apiKey: "old" } } } }`;
  const { plan, config } = configAfter(text, {
    ...LOCAL,
    authChoice: "anthropic-api-key",
    apiKey: "sk-ant-new",
  });
  assert.equal(config.models.providers.anthropic.apiKey, undefined);
  assert.equal(config.models.providers.anthropic.baseUrl, "https://x");
  assert.deepEqual(plan.envVars.find((v) => v.name === "ANTHROPIC_API_KEY")?.value, "sk-ant-new");
  assert.equal(config.gateway.auth.token, "generated-token-0123456789");
  assert.ok(plan.tokenGenerated);
});

Deno.test("planOnboarding() writes a custom provider with its model and makes it the default", () => {
  const { config } = configAfter("", {
    ...LOCAL,
    authChoice: "custom-api-key",
    customBaseUrl: "http://127.0.0.1:1234/v1",
    customModelId: "qwen",
    customCompatibility: "openai",
    customProviderId: "lmlocal",
    apiKey: "k",
  });
  assert.deepEqual(config.models.providers.lmlocal, {
    baseUrl: "http://127.0.0.1:1234/v1",
    api: "openai-completions",
    apiKey: "k",
    models: [{ id: "qwen", name: "qwen" }],
  });
  assert.equal(config.agents.defaults.model, "lmlocal/qwen");
});

Deno.test("planOnboarding() keeps a configured token and the user's spelling of the workspace", () => {
  const text =
    `{ gateway: { auth: { token: "mine" } }, agents: { defaults: { workspace: "~/.openclaw/workspace" } } }`;
  const { plan } = configAfter(text, LOCAL);
  const paths = plan.edits.map((e) => e.path.join("."));
  assert.ok(!paths.includes("gateway.auth.token"));
  assert.ok(!paths.includes("agents.defaults.workspace"));
  assert.equal(plan.workspace, "/home/u/.openclaw/workspace");
  assert.equal(plan.tokenGenerated, false);
});

Deno.test("planOnboarding() writes stock's wizard keys, and securityAcknowledgedAt only when accepted", () => {
  const { config } = configAfter("", LOCAL);
  assert.deepEqual(config.wizard, {
    lastRunAt: "2026-03-04T05:06:07.000Z",
    lastRunVersion: "2026.11.0",
    lastRunCommand: "onboard",
    lastRunMode: "local",
    securityAcknowledgedAt: "2026-03-04T05:06:07.000Z",
  });
  const later = configAfter("", { ...LOCAL, acceptRisk: undefined }).config;
  assert.equal(later.wizard.securityAcknowledgedAt, undefined);
});

Deno.test("planOnboarding() for a remote gateway writes only the target and the wizard keys", () => {
  const { config } = configAfter("", {
    mode: "remote",
    remoteUrl: "wss://gw.example",
    remoteToken: "rt",
  });
  assert.deepEqual(config.gateway, {
    mode: "remote",
    remote: { url: "wss://gw.example", token: "rt" },
  });
  assert.equal(config.agents, undefined);
  assert.equal(config.wizard.lastRunMode, "remote");
});

Deno.test("planOnboarding() turns the heartbeat off with 0m and sets its target otherwise", () => {
  assert.deepEqual(
    configAfter("", { ...LOCAL, heartbeatEvery: "off", heartbeatTarget: "last" }).config.agents
      .defaults.heartbeat,
    { every: "0m" },
  );
  assert.deepEqual(
    configAfter("", { ...LOCAL, heartbeatEvery: "1h", heartbeatTarget: "last" }).config.agents
      .defaults.heartbeat,
    { every: "1h", target: "last" },
  );
});

Deno.test("planOnboarding() adds a channel like channels add, behind a ref in ref mode", () => {
  const plain = configAfter("", { ...LOCAL, channel: "telegram", channelToken: "1:abc" }).config;
  assert.equal(plain.channels.telegram.botToken, "1:abc");
  const { plan, config } = configAfter("", {
    ...LOCAL,
    secretInputMode: "ref",
    channel: "qqbot",
    channelToken: "app:secret",
  });
  assert.equal(config.channels.qqbot.appId, "app");
  assert.deepEqual(config.channels.qqbot.clientSecret, {
    source: "env",
    provider: "default",
    id: "QQBOT_CLIENT_SECRET",
  });
  assert.ok(plan.envVars.some((v) => v.name === "QQBOT_CLIENT_SECRET" && v.value === "secret"));
});

Deno.test("planDiff() diffs against the current text with new and existing secrets redacted", async () => {
  const ctx = contextOf(`{ channels: { discord: { token: "old-discord-token" } } }\n`);
  const plan = planOnboarding(ctx, {
    ...LOCAL,
    gatewayToken: "x1",
    channel: "telegram",
    channelToken: "9:tg",
  });
  const diff = await planDiff(ctx.configText, plan, ctx.configPath, ctx.env);
  assert.match(diff, /^--- ~\/\.openclaw\/openclaw\.json$/m);
  assert.match(diff, /auth: \{ mode: "token", token: "__OPENCLAW_REDACTED__" \}/);
  assert.match(diff, /botToken: "__OPENCLAW_REDACTED__"/);
  for (const secret of ["x1", "9:tg", "old-discord-token"]) {
    assert.ok(!diff.includes(secret), secret);
  }
});
