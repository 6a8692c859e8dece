import assert from "node:assert/strict";
import JSON5 from "json5";
import { checkConfigText } from "../../../lib/config/load.ts";
import { migrateLegacyConfigText, planLegacyEdits } from "../../../lib/config/legacy_edits.ts";

const testdata = new URL("./testdata/", import.meta.url);
const read = (name: string) => Deno.readTextFileSync(new URL(name, testdata));

Deno.test("migrateLegacyConfigText() matches the golden output for gateway.token", () => {
  const input = read("legacy_gateway_token.in.json5");
  const result = migrateLegacyConfigText(input);
  assert.equal(result.text, read("legacy_gateway_token.out.json5"));
  assert.deepEqual(result.changes, [
    "Moved gateway.token → gateway.auth.token.",
    'Changed gateway.bind "0.0.0.0" → "lan".',
    "Renamed bindings[0].match.accountID → accountId.",
  ]);
  assert.deepEqual(result.manual, []);
  const check = checkConfigText(result.text, "openclaw.json", {
    env: { GATEWAY_TOKEN: "t".repeat(32) },
    applyEnv: false,
  });
  assert.deepEqual(check.issues, []);
  assert.deepEqual(check.legacy, []);
});

Deno.test("migrateLegacyConfigText() leaves a current config byte for byte", () => {
  const text = "// hi\n{ gateway: { auth: { token: 'x' } } }\n";
  const result = migrateLegacyConfigText(text);
  assert.equal(result.text, text);
  assert.deepEqual(result.edits, []);
});

Deno.test("migrateLegacyConfigText() drops gateway.token when auth.token is set, keeping indentation", () => {
  const text = `{
  gateway: {
    auth: {
      mode: "token",
      token: "new",
    },
    token: "old",
  },
}
`;
  const result = migrateLegacyConfigText(text);
  assert.equal(
    result.text,
    `{
  gateway: {
    auth: {
      mode: "token",
      token: "new",
    },
  },
}
`,
  );
  assert.deepEqual(result.changes, ["Removed gateway.token (gateway.auth.token already set)."]);
});

Deno.test("migrateLegacyConfigText() moves the token into an existing auth block without a mode", () => {
  const text = `{
  gateway: {
    auth: { allowTailscale: false },
    token: "abc",
  },
}
`;
  const out = JSON5.parse(migrateLegacyConfigText(text).text);
  assert.deepEqual(out.gateway, { auth: { allowTailscale: false, token: "abc", mode: "token" } });
});

Deno.test("planLegacyEdits() maps a custom host bind to bind custom + customBindHost", () => {
  const plan = planLegacyEdits({ gateway: { bind: "10.0.0.5" } });
  assert.deepEqual(plan.edits, [
    { op: "set", path: ["gateway", "bind"], value: "custom" },
    { op: "set", path: ["gateway", "customBindHost"], value: "10.0.0.5" },
  ]);
});

Deno.test("migrateLegacyConfigText() migrates routing, bridge and queue.byProvider into a valid config", () => {
  const text = `{
  gateway: { mode: "local" },
  channels: { telegram: { botToken: "x" } },
  routing: {
    allowFrom: ["+15550001"],
    groupChat: { requireMention: false },
    queue: { mode: "collect" },
    bindings: [{ agentId: "ops", match: { channel: "telegram", accountID: "a" } }],
    agents: { main: { workspace: "~/w" }, ops: { workspace: "~/ops" } },
    defaultAgentId: "main",
  },
  bridge: { enabled: true },
  messages: { queue: { byProvider: { telegram: "steer" } } },
}
`;
  const result = migrateLegacyConfigText(text);
  const out = JSON5.parse(result.text);
  assert.equal(out.routing, undefined);
  assert.equal(out.bridge, undefined);
  assert.deepEqual(out.channels.whatsapp, { allowFrom: ["+15550001"] });
  assert.deepEqual(out.channels.telegram.groups, { "*": { requireMention: false } });
  assert.deepEqual(out.messages.queue, { mode: "collect", byChannel: { telegram: "steer" } });
  assert.deepEqual(out.bindings, [{
    agentId: "ops",
    match: { accountId: "a", channel: "telegram" },
  }]);
  assert.deepEqual(out.agents.list, [
    { id: "main", workspace: "~/w", default: true },
    { id: "ops", workspace: "~/ops" },
  ]);
  assert.deepEqual(result.manual, []);
  assert.deepEqual(checkConfigText(result.text, "openclaw.json", { applyEnv: false }).issues, []);
});

Deno.test("planLegacyEdits() leaves unknown routing keys for a person", () => {
  const plan = planLegacyEdits({ routing: { queue: {}, mystery: 1 } });
  assert.deepEqual(plan.manual, [
    "routing.mystery: no automatic migration; move it by hand and remove it",
  ]);
  assert.deepEqual(plan.edits.at(-1), { op: "unset", path: ["routing", "queue"] });
});
