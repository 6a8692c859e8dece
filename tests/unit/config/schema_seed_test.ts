import assert from "node:assert/strict";
import JSON5 from "json5";
import { formatConfigIssues, OpenClawConfigSchema } from "../../../lib/config/schema.ts";

/** Parses JSON5 text as the loader does, validates it, and fails with the issues if invalid. */
function assertValid(text: string) {
  const result = OpenClawConfigSchema.safeParse(JSON5.parse(text));
  assert.ok(result.success, JSON.stringify(!result.success && formatConfigIssues(result.error)));
  return result.data;
}

// The user guide's examples, verbatim (reference/seed-gateway-operations.txt).
const SEED = {
  starter: `{
    identity: { name: "Clawd", theme: "helpful assistant", emoji: "🦞" },
    agent: {
      workspace: "~/.openclaw/workspace",
      model: { primary: "anthropic/claude-sonnet-4-5" },
    },
    channels: {
      whatsapp: { allowFrom: ["+15555550123"], groups: { "*": { requireMention: true } } },
    },
  }`,
  multiPlatform: `{
    agent: { workspace: "~/.openclaw/workspace" },
    channels: {
      whatsapp: { allowFrom: ["+15555550123"] },
      telegram: { enabled: true, botToken: "YOUR_TOKEN", allowFrom: ["123456789"] },
      discord: { enabled: true, token: "YOUR_TOKEN", dm: { allowFrom: ["123456789012345678"] } },
    },
  }`,
  localModel: `{
    agent: { workspace: "~/.openclaw/workspace", model: { primary: "lmstudio/minimax-m2.5-gs32" } },
    models: {
      mode: "merge",
      providers: {
        lmstudio: {
          baseUrl: "http://127.0.0.1:1234/v1",
          apiKey: "lmstudio",
          api: "openai-responses",
          models: [{
            id: "minimax-m2.5-gs32",
            name: "MiniMax M2.5 GS32",
            reasoning: false,
            input: ["text"],
            cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
            contextWindow: 196608,
            maxTokens: 8192,
          }],
        },
      },
    },
  }`,
  secretProviders: `{
    secrets: {
      providers: {
        default: { source: "env" },
        filemain: { source: "file", path: "~/.openclaw/secrets.json", mode: "json" },
        vault: {
          source: "exec",
          command: "/usr/local/bin/openclaw-vault-resolver",
          args: ["--profile", "prod"],
          passEnv: ["PATH", "VAULT_ADDR"],
        },
      },
    },
  }`,
  onePassword: `{
    secrets: {
      providers: {
        onepassword_openai: {
          source: "exec",
          command: "/opt/homebrew/bin/op",
          allowSymlinkCommand: true,
          trustedDirs: ["/opt/homebrew"],
          args: ["read", "op://Personal/OpenClaw QA API Key/password"],
          passEnv: ["HOME"],
          jsonOnly: false,
        },
      },
    },
    models: {
      providers: {
        openai: {
          baseUrl: "https://api.openai.com/v1",
          models: [{ id: "gpt-5", name: "gpt-5" }],
          apiKey: { source: "exec", provider: "onepassword_openai", id: "value" },
        },
      },
    },
  }`,
  trustedProxy: `{
    gateway: {
      bind: "loopback",
      trustedProxies: ["10.0.0.1"],
      auth: {
        mode: "trusted-proxy",
        trustedProxy: { userHeader: "x-forwarded-user", allowUsers: ["nick@example.com"] },
      },
    },
  }`,
  bindAuth: `{
    gateway: {
      bind: "loopback", // loopback | lan | tailnet | custom
      auth: { mode: "token", token: "your-gateway-password" },
    },
  }`,
  tailscale: `{
    gateway: {
      bind: "tailnet",
      auth: { mode: "token", token: "your-gateway-password" },
      tailscale: { mode: "serve" },
    },
  }`,
  reload: `{ gateway: { reload: { mode: "hybrid", debounceMs: 300 } } }`,
  env: `{ env: { OPENROUTER_API_KEY: "sk-or-...", vars: { GROQ_API_KEY: "gsk-..." } } }`,
  logging: `{
    logging: { level: "info", consoleLevel: "info", consoleStyle: "pretty", redactSensitive: "tools" },
  }`,
  heartbeat: `{ agents: { defaults: { heartbeat: { every: "30m", target: "last" } } } }`,
  activeHours: `{
    agents: {
      defaults: {
        heartbeat: {
          every: "30m",
          target: "last",
          activeHours: { start: "09:00", end: "22:00", timezone: "Asia/Shanghai" },
        },
      },
    },
  }`,
  multiAgentHeartbeat: `{
    agents: {
      defaults: { heartbeat: { every: "30m", target: "last" } },
      list: [
        { id: "main", default: true },
        {
          id: "ops",
          heartbeat: {
            every: "1h",
            target: "telegram",
            to: "12345678",
            prompt: "Check server status. If everything is normal, reply HEARTBEAT_OK.",
          },
        },
      ],
    },
  }`,
  heartbeatFlags: `{
    agents: { defaults: { heartbeat: { lightContext: true, includeReasoning: true } } },
  }`,
  sandboxPolicy: `{
    agents: { defaults: { sandbox: { mode: "non-main" } } },
    tools: { deny: ["browser", "canvas"] },
  }`,
  toolGroups: `{
    tools: {
      sandbox: {
        tools: { allow: ["group:runtime", "group:fs", "group:sessions", "group:memory"] },
      },
    },
  }`,
  binds: `{
    agents: {
      defaults: {
        sandbox: {
          docker: { binds: ["/home/user/source:/source:ro", "/var/data/myapp:/data:ro"] },
        },
      },
    },
  }`,
  setupCommand: `{
    agents: {
      defaults: {
        sandbox: {
          docker: {
            setupCommand: "apt-get update && apt-get install -y curl jq",
            network: "bridge",
            readOnlyRoot: false,
            user: "0:0",
          },
        },
      },
    },
  }`,
  wideArea: `{ gateway: { bind: "tailnet" }, discovery: { wideArea: { enabled: true } } }`,
  chatCompletions: `{ gateway: { http: { endpoints: { chatCompletions: { enabled: true } } } } }`,
  responses: `{ gateway: { http: { endpoints: { responses: { enabled: true } } } } }`,
  cliFallback: `{
    agents: {
      defaults: {
        model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["claude-cli/opus-4.6"] },
      },
    },
  }`,
  exec: `{
    tools: {
      exec: { backgroundMs: 10000, timeoutSec: 1800, cleanupMs: 1800000, notifyOnExit: true },
    },
  }`,
};

for (const [name, text] of Object.entries(SEED)) {
  Deno.test(`OpenClawConfigSchema accepts the user guide's "${name}" example`, () => {
    assertValid(text);
  });
}

Deno.test("OpenClawConfigSchema accepts the starter config's legacy identity and agent keys", () => {
  const config = assertValid(SEED.starter);
  assert.equal(config.identity?.emoji, "🦞");
  assert.deepEqual(config.agent?.model, { primary: "anthropic/claude-sonnet-4-5" });
});
