import assert from "node:assert/strict";
import {
  collectSecretStrings,
  configJsonSchema,
  formatConfigIssues,
  isSecretRef,
  isSensitiveKey,
  OpenClawConfigSchema,
  UNKNOWN_KEY_MESSAGE,
} from "../../../lib/config/schema.ts";

function issuesOf(input: unknown) {
  const result = OpenClawConfigSchema.safeParse(input);
  assert.equal(result.success, false, "expected the config to be rejected");
  return formatConfigIssues(result.error!);
}

Deno.test("OpenClawConfigSchema.parse({}) applies every built-in default", () => {
  assert.deepEqual(OpenClawConfigSchema.parse({}), {
    agents: {
      defaults: {
        timeoutSeconds: 600,
        sandbox: {
          mode: "off",
          scope: "agent",
          workspaceAccess: "none",
          docker: {
            image: "openclaw-sandbox:bookworm-slim",
            containerPrefix: "openclaw-sbx-",
            workdir: "/workspace",
            readOnlyRoot: true,
            tmpfs: ["/tmp", "/var/tmp", "/run"],
            network: "none",
            capDrop: ["ALL"],
          },
          prune: { idleHours: 24, maxAgeDays: 7 },
        },
      },
    },
    models: { mode: "merge" },
    gateway: {
      reload: { mode: "hybrid", debounceMs: 300 },
      http: { endpoints: { chatCompletions: { enabled: false }, responses: { enabled: false } } },
    },
    logging: {
      level: "info",
      consoleLevel: "info",
      consoleStyle: "pretty",
      redactSensitive: "tools",
    },
    tools: {
      exec: {
        host: "auto",
        ask: "off",
        backgroundMs: 10000,
        timeoutSec: 1800,
        cleanupMs: 1800000,
        notifyOnExit: true,
      },
    },
    cron: { enabled: true },
  });
});

Deno.test("OpenClawConfigSchema leaves gateway.port, bind and mode unset for precedence", () => {
  const { gateway } = OpenClawConfigSchema.parse({});
  assert.equal(gateway.port, undefined);
  assert.equal(gateway.bind, undefined);
  assert.equal(gateway.mode, undefined);
  assert.equal(gateway.auth, undefined);
});

Deno.test("OpenClawConfigSchema fills inner defaults next to values the user set", () => {
  const config = OpenClawConfigSchema.parse({
    gateway: { reload: { mode: "off" }, auth: { mode: "token", token: "t" } },
    agents: { defaults: { sandbox: { mode: "all", docker: { network: "bridge" } } } },
  });
  assert.deepEqual(config.gateway.reload, { mode: "off", debounceMs: 300 });
  assert.deepEqual(config.gateway.auth?.rateLimit, {
    maxAttempts: 10,
    windowMs: 60000,
    lockoutMs: 300000,
    exemptLoopback: true,
  });
  assert.equal(config.agents.defaults.sandbox.docker.network, "bridge");
  assert.equal(config.agents.defaults.sandbox.docker.image, "openclaw-sandbox:bookworm-slim");
});

Deno.test("OpenClawConfigSchema gives per-agent overrides no defaults", () => {
  const config = OpenClawConfigSchema.parse({ agents: { list: [{ id: "a", sandbox: {} }] } });
  assert.deepEqual(config.agents.list?.[0].sandbox, {});
});

Deno.test("formatConfigIssues() reports an unknown key with its dotted path", () => {
  assert.deepEqual(issuesOf({ gateway: { prot: 1 } }), [
    { path: "gateway.prot", message: UNKNOWN_KEY_MESSAGE },
  ]);
  assert.deepEqual(issuesOf({ agents: { list: [{ id: "a", colour: "red" }] }, foo: 1 }), [
    { path: "agents.list[0].colour", message: UNKNOWN_KEY_MESSAGE },
    { path: "foo", message: UNKNOWN_KEY_MESSAGE },
  ]);
});

Deno.test("formatConfigIssues() lists the allowed values of an enum", () => {
  assert.deepEqual(issuesOf({ gateway: { bind: "public" } }), [{
    path: "gateway.bind",
    message:
      'Invalid value "public": expected one of "loopback", "lan", "tailnet", "auto", "custom"',
  }]);
});

Deno.test("formatConfigIssues() says expected vs received for wrong types", () => {
  assert.deepEqual(issuesOf({ gateway: { port: "18789" }, env: { FOO: 1 } }), [
    { path: "gateway.port", message: "Expected number, received string" },
    { path: "env.FOO", message: "Expected string, received number" },
  ]);
  assert.deepEqual(issuesOf({ cron: { sessionRetention: true } }), [
    { path: "cron.sessionRetention", message: "Expected string or false, received boolean" },
  ]);
  assert.deepEqual(issuesOf({ agents: { list: [{}] } }), [
    { path: "agents.list[0].id", message: "Missing required value (expected string)" },
  ]);
});

Deno.test("formatConfigIssues() reports a non-object document at <root>", () => {
  assert.deepEqual(issuesOf("nope"), [
    { path: "<root>", message: "Expected object, received string" },
  ]);
});

Deno.test("formatConfigIssues() quotes keys that are not plain identifiers", () => {
  const issues = issuesOf({
    channels: { whatsapp: { groups: { "*": { requireMention: "yes" } } } },
  });
  assert.deepEqual(issues, [{
    path: 'channels.whatsapp.groups["*"].requireMention',
    message: "Expected boolean, received string",
  }]);
});

Deno.test("OpenClawConfigSchema accepts SecretRefs on credential fields", () => {
  const config = OpenClawConfigSchema.parse({
    gateway: { auth: { token: { source: "env", provider: "default", id: "GW_TOKEN" } } },
    models: {
      providers: {
        x: { baseUrl: "http://x", apiKey: { source: "file", provider: "filemain", id: "/x/key" } },
      },
    },
    channels: { telegram: { botToken: { source: "exec", provider: "vault", id: "tg/bot" } } },
  });
  assert.ok(isSecretRef(config.gateway.auth?.token));
  assert.ok(isSecretRef(config.models.providers?.x.apiKey));
  assert.ok(isSecretRef(config.channels?.telegram.botToken));
});

Deno.test("OpenClawConfigSchema rejects a SecretRef with an unknown source at its path", () => {
  const ref = { source: "vault", provider: "default", id: "X" };
  assert.deepEqual(issuesOf({ gateway: { auth: { token: ref } } }), [{
    path: "gateway.auth.token.source",
    message: 'Invalid value "vault": expected one of "env", "file", "exec"',
  }]);
  const badId = { source: "env", provider: "default", id: "lower_case" };
  assert.deepEqual(issuesOf({ channels: { telegram: { botToken: badId } } }), [{
    path: "channels.telegram.botToken.id",
    message: 'Env secret id must match /^[A-Z][A-Z0-9_]{0,127}$/ (example: "OPENAI_API_KEY")',
  }]);
});

Deno.test("isSecretRef() recognises only well-formed references", () => {
  assert.equal(isSecretRef({ source: "env", provider: "default", id: "A" }), true);
  assert.equal(isSecretRef({ source: "vault", provider: "default", id: "A" }), false);
  assert.equal(isSecretRef("${TOKEN}"), false);
  assert.equal(isSecretRef(null), false);
});

Deno.test("OpenClawConfigSchema keeps provider-specific channel keys but checks common ones", () => {
  const config = OpenClawConfigSchema.parse({
    channels: {
      defaults: { groupPolicy: "open", heartbeat: { showOk: true } },
      slack: { mode: "socket", appToken: "xapp-1", accounts: { work: { botToken: "xoxb-1" } } },
    },
  });
  assert.equal((config.channels?.slack as Record<string, unknown>).mode, "socket");
  assert.deepEqual(issuesOf({ channels: { telegram: { dmPolicy: "everyone" } } }), [{
    path: "channels.telegram.dmPolicy",
    message: 'Invalid value "everyone": expected one of "pairing", "allowlist", "open", "disabled"',
  }]);
});

Deno.test("OpenClawConfigSchema checks secret providers", () => {
  assert.deepEqual(
    issuesOf({ secrets: { providers: { vault: { source: "exec", command: "op" } } } }),
    [{
      path: "secrets.providers.vault.command",
      message: "secrets.providers.*.command must be an absolute path",
    }],
  );
  assert.deepEqual(issuesOf({ secrets: { providers: { v: { source: "ssm" } } } }), [{
    path: "secrets.providers.v.source",
    message: 'Invalid value "ssm": expected one of "env", "file", "exec"',
  }]);
});

Deno.test("OpenClawConfigSchema checks heartbeat durations and active hours", () => {
  assert.deepEqual(
    issuesOf({
      agents: {
        defaults: {
          heartbeat: { every: "soon", activeHours: { start: "24:00", end: "24:00" } },
        },
      },
    }),
    [
      { path: "agents.defaults.heartbeat.every", message: "Invalid duration (use ms, s, m, h, d)" },
      {
        path: "agents.defaults.heartbeat.activeHours.start",
        message: 'Invalid time (use "HH:MM", 24h)',
      },
    ],
  );
});

Deno.test("configJsonSchema() returns a draft 2020-12 schema describing gateway", () => {
  const schema = JSON.parse(JSON.stringify(configJsonSchema()));
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.equal(typeof schema.title, "string");
  assert.equal(schema.properties.gateway.type, "object");
  assert.deepEqual(schema.properties.gateway.properties.bind.enum, [
    "loopback",
    "lan",
    "tailnet",
    "auto",
    "custom",
  ]);
  assert.equal(typeof schema.properties.gateway.properties.port.description, "string");
  assert.equal(schema.additionalProperties, false);
  assert.ok(schema.$defs.SecretRef);
});

Deno.test("collectSecretStrings() finds plaintext credentials and skips refs and placeholders", () => {
  const secrets = collectSecretStrings({
    gateway: {
      auth: { mode: "token", token: "gw-token-123", password: "${GW_PASSWORD}" },
      remote: { token: "remote-token-1" },
    },
    models: {
      providers: {
        a: { baseUrl: "http://a", apiKey: "sk-plain-key", models: [{ id: "m", maxTokens: 8192 }] },
        b: { baseUrl: "http://b", apiKey: { source: "env", provider: "default", id: "B_KEY" } },
        c: { baseUrl: "http://c", headers: { Authorization: "Bearer hdr-secret" } },
      },
    },
    channels: {
      telegram: { botToken: "123:tg-bot", allowFrom: ["12345678"] },
      slack: { signingSecret: "slack-sign", accounts: { w: { appToken: "xapp-acc" } } },
    },
    env: {
      OPENROUTER_API_KEY: "sk-or-abc",
      STRIPE_KEY: "stripe-k",
      EDITOR: "vim-editor",
      vars: { GROQ_API_KEY: "gsk-xyz" },
    },
    secrets: { providers: { vault: { source: "exec", command: "/usr/bin/vault-resolver" } } },
  });
  assert.deepEqual(
    [...secrets].sort(),
    [
      "123:tg-bot",
      "Bearer hdr-secret",
      "gsk-xyz",
      "gw-token-123",
      "remote-token-1",
      "sk-or-abc",
      "sk-plain-key",
      "slack-sign",
      "stripe-k",
      // Every value of the env block is a secret, whatever the variable is called.
      "vim-editor",
      "xapp-acc",
    ],
  );
  assert.ok(secrets.every((s, i) => i === 0 || secrets[i - 1].length >= s.length));
});

Deno.test("isSensitiveKey() matches credential names, not counts or locations", () => {
  for (const key of ["token", "botToken", "apiKey", "appSecret", "password", "GITHUB_TOKEN"]) {
    assert.equal(isSensitiveKey(key), true, key);
  }
  for (const key of ["maxTokens", "contextTokens", "tokenFile", "passEnv", "mode", "userHeader"]) {
    assert.equal(isSensitiveKey(key), false, key);
  }
});

Deno.test("a secret provider named after a credential does not make its settings secret", () => {
  // The chapter's 1Password example: the alias contains "password", its command and arguments
  // are not secrets (masking them made the start error unreadable).
  const secrets = collectSecretStrings({
    secrets: {
      providers: {
        onepassword_openai: {
          source: "exec",
          command: "/opt/homebrew/bin/op",
          trustedDirs: ["/opt/homebrew"],
          args: ["read", "op://Personal/OpenClaw QA API Key/password"],
        },
      },
    },
    models: { providers: { mytoken: { baseUrl: "http://x", apiKey: "sk-still-secret" } } },
  });
  assert.deepEqual(secrets, ["sk-still-secret"]);
});
