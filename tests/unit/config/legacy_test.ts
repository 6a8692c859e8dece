import assert from "node:assert/strict";
import { detectLegacyKeys, migrateLegacyConfig } from "../../../lib/config/legacy.ts";
import { formatConfigIssues, OpenClawConfigSchema } from "../../../lib/config/schema.ts";

const pathsOf = (raw: unknown) => detectLegacyKeys(raw).map((f) => f.path);

Deno.test("detectLegacyKeys() returns nothing for a current config", () => {
  assert.deepEqual(
    detectLegacyKeys({
      gateway: { bind: "lan", auth: { token: "t" }, remote: { token: "r" } },
      bindings: [{ agentId: "a", match: { accountId: "x" } }],
      messages: { queue: { byChannel: {} } },
    }),
    [],
  );
  assert.deepEqual(detectLegacyKeys(null), []);
  assert.deepEqual(detectLegacyKeys("text"), []);
});

Deno.test("detectLegacyKeys() explains gateway.token in stock's words", () => {
  const [finding] = detectLegacyKeys({ gateway: { token: "abc" } });
  assert.deepEqual(finding, {
    id: "gateway.token->gateway.auth.token",
    path: "gateway.token",
    message: 'Found "gateway.token" in config. Use "gateway.auth.token" instead.',
    fix: 'Move gateway.token to gateway.auth.token (and set gateway.auth.mode="token" if unset).',
    severity: "legacy",
  });
  const [both] = detectLegacyKeys({ gateway: { token: "abc", auth: { token: "new" } } });
  assert.equal(both.fix, "Remove gateway.token (gateway.auth.token already set).");
});

Deno.test("detectLegacyKeys() maps host-alias binds to bind modes", () => {
  const fixOf = (bind: string) => detectLegacyKeys({ gateway: { bind } })[0]?.fix;
  assert.equal(fixOf("0.0.0.0"), 'Set gateway.bind="lan".');
  assert.equal(fixOf("localhost"), 'Set gateway.bind="loopback".');
  assert.equal(fixOf("127.0.0.1"), 'Set gateway.bind="loopback".');
  assert.equal(
    fixOf("10.0.0.5"),
    'Set gateway.bind="custom" and gateway.customBindHost="10.0.0.5".',
  );
  assert.equal(fixOf("public"), undefined, "an unknown word is a schema error, not legacy");
  const [finding] = detectLegacyKeys({ gateway: { bind: "0.0.0.0" } });
  assert.equal(finding.id, "gateway.bind.host-alias->bind-mode");
  assert.equal(finding.path, "gateway.bind");
});

Deno.test("detectLegacyKeys() reports each routing key with its replacement", () => {
  const findings = detectLegacyKeys({
    routing: {
      allowFrom: ["+1555"],
      groupChat: { requireMention: true },
      queue: { mode: "collect" },
      bindings: [],
      agents: {},
      defaultAgentId: "main",
    },
  });
  assert.deepEqual(findings.map((f) => f.path), [
    "routing.allowFrom",
    "routing.groupChat.requireMention",
    "routing.queue",
    "routing.bindings",
    "routing.agents",
    "routing.defaultAgentId",
  ]);
  assert.equal(
    findings[0].message,
    'Found "routing.allowFrom" in config. Use "channels.whatsapp.allowFrom" instead.',
  );
  assert.ok(findings.every((f) => f.severity === "legacy"));
  assert.deepEqual(pathsOf({ routing: {} }), ["routing"]);
});

Deno.test("detectLegacyKeys() reports bridge, queue.byProvider and match.accountID", () => {
  assert.deepEqual(
    pathsOf({
      bridge: { enabled: true },
      messages: { queue: { byProvider: { telegram: "collect" } } },
      bindings: [
        { agentId: "a", match: { accountId: "ok" } },
        { agentId: "b", match: { channel: "slack", accountID: "old" } },
      ],
    }),
    ["bridge", "messages.queue.byProvider", "bindings[1].match.accountID"],
  );
});

Deno.test("detectLegacyKeys() notes that gateway.remote.token is not local auth", () => {
  assert.deepEqual(detectLegacyKeys({ gateway: { remote: { token: "r" } } }), [{
    id: "gateway.remote.token-is-client-only",
    path: "gateway.remote.token",
    message:
      '"gateway.remote.token" is for remote CLI calls; it does not enable local gateway auth.',
    fix: "Nothing to migrate; set gateway.auth.token to protect this gateway.",
    severity: "info",
  }]);
});

Deno.test("detectLegacyKeys() runs where strict validation reports the same key as unknown", () => {
  const raw = { gateway: { token: "abc" } };
  const result = OpenClawConfigSchema.safeParse(raw);
  assert.equal(result.success, false);
  assert.deepEqual(formatConfigIssues(result.error!).map((i) => i.path), ["gateway.token"]);
  assert.deepEqual(pathsOf(raw), ["gateway.token"]);
});

Deno.test("migrateLegacyConfig() moves gateway.token and sets token mode", () => {
  const raw = { gateway: { port: 1, token: "abc" } };
  const { config, changes } = migrateLegacyConfig(raw);
  assert.deepEqual(config, { gateway: { port: 1, auth: { token: "abc", mode: "token" } } });
  assert.deepEqual(changes, ["Moved gateway.token → gateway.auth.token."]);
  assert.deepEqual(raw, { gateway: { port: 1, token: "abc" } }, "input is not mutated");
  assert.ok(OpenClawConfigSchema.safeParse(config).success);
});

Deno.test("migrateLegacyConfig() keeps an existing gateway.auth.token", () => {
  const { config, changes } = migrateLegacyConfig({
    gateway: { token: "old", auth: { mode: "password", token: "new" } },
  });
  assert.deepEqual(config, { gateway: { auth: { mode: "password", token: "new" } } });
  assert.deepEqual(changes, ["Removed gateway.token (gateway.auth.token already set)."]);
});

Deno.test("migrateLegacyConfig() returns a current config unchanged", () => {
  const raw = { gateway: { auth: { token: "t" } } };
  const { config, changes } = migrateLegacyConfig(raw);
  assert.equal(config, raw);
  assert.deepEqual(changes, []);
});
