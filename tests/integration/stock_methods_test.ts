/**
 * Stock clients against this gateway (issue 15, item 6): every method stock's dashboard and CLI
 * call answers with stock's shape — real data where this gateway has it, an empty result or a
 * clear `UNAVAILABLE` where the feature does not exist — and never `unknown method`. Shapes stock
 * reads unchecked are there (`status.heartbeat.agents`, `status.sessions.byAgent`,
 * `sessions.list.defaults`), and the admin ones stay refused to a read-only client.
 */
import assert from "node:assert/strict";
import { startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { type AnyFrame, cliConnectParams, RawClient } from "../fixtures/ws_client.ts";
import { makeSandbox, runCli, startGateway } from "../helpers.ts";
import { AGENT_TEST_TOKEN, agentConfig } from "./_agent_setup.ts";

type Gateway = Awaited<ReturnType<typeof startGateway>>;

async function client(gw: Gateway, scopes?: string[]): Promise<RawClient> {
  const c = await RawClient.open(gw.url);
  await c.challenge();
  const hello = await c.request(
    "connect",
    cliConnectParams(AGENT_TEST_TOKEN, scopes ? { scopes } : {}),
  );
  assert.equal(hello.ok, true, JSON.stringify(hello));
  return c;
}

/** A gateway on the fake model with one finished chat turn in `agent:main:main`. */
async function setup() {
  const fake = await startFakeProvider({ kind: "openai-completions" });
  const sb = await makeSandbox();
  const gw = await startGateway(sb, agentConfig(fake));
  const c = await client(gw);
  fake.enqueue({ text: "hello from the fake" });
  const sent = await c.request("chat.send", {
    sessionKey: "agent:main:main",
    message: "hi there",
    idempotencyKey: "stock-run-1",
  });
  assert.equal(sent.ok, true, JSON.stringify(sent));
  await c.next((f) => f.event === "chat" && f.payload.state === "final", 20_000);
  return {
    sb,
    gw,
    c,
    async [Symbol.asyncDispose]() {
      c.close();
      await gw[Symbol.asyncDispose]();
      await sb[Symbol.asyncDispose]();
      await fake[Symbol.asyncDispose]();
    },
  };
}

/** What a call must answer: these top-level keys, an array, or a refusal code. */
type Expect = string[] | "array" | "UNAVAILABLE" | "APPROVAL_NOT_FOUND";

/** Every method of issue 15's list and the dashboard's panel table, with stock-like params. */
const CALLS: [string, Record<string, unknown>, Expect][] = [
  ["chat.startup", {}, ["sessionKey", "messages", "defaults", "sessionInfo", "agentsList"]],
  ["chat.history", { sessionKey: "agent:main:main" }, ["messages", "defaults", "sessionInfo"]],
  ["chat.message.get", { sessionKey: "main", messageId: "nope" }, ["ok", "unavailableReason"]],
  ["chat.inject", { sessionKey: "main", message: "x" }, "UNAVAILABLE"],
  ["sessions.list", {}, ["sessions", "count", "defaults", "path", "hasMore"]],
  ["sessions.subscribe", {}, ["subscribed"]],
  ["sessions.unsubscribe", {}, ["subscribed"]],
  ["sessions.messages.subscribe", { key: "agent:main:main" }, ["subscribed", "key"]],
  ["sessions.messages.unsubscribe", { key: "agent:main:main" }, ["subscribed", "key"]],
  ["sessions.observer.visibility", { visible: true }, ["ok"]],
  ["sessions.patch", { key: "agent:main:main", label: "Main" }, ["ok", "path", "key", "entry"]],
  ["sessions.create", { label: "Side" }, ["ok", "key", "sessionId", "entry"]],
  ["sessions.compact", { key: "agent:main:main" }, "UNAVAILABLE"],
  ["sessions.usage", { limit: 1 }, ["updatedAt", "startDate", "endDate", "sessions", "totals"]],
  ["sessions.usage.timeseries", { limit: 1 }, ["points"]],
  ["sessions.usage.logs", { limit: 1 }, ["logs"]],
  ["usage.status", {}, ["updatedAt", "providers"]],
  ["usage.cost", {}, ["updatedAt", "days", "daily", "totals"]],
  ["config.schema.lookup", { path: "gateway" }, ["path", "schema", "children"]],
  ["system.info", {}, ["hostname", "platform", "arch", "nodeVersion", "memoryTotalBytes"]],
  ["agents.list", {}, ["defaultId", "mainKey", "scope", "agents"]],
  ["agents.update", { agentId: "main", name: "X" }, "UNAVAILABLE"],
  ["agent.identity.get", {}, ["agentId", "name", "avatar"]],
  ["agents.files.list", { agentId: "main" }, ["agentId", "workspace", "files"]],
  ["agents.files.get", { agentId: "main", name: "AGENTS.md" }, ["agentId", "workspace", "file"]],
  ["models.list", {}, ["models"]],
  ["models.authStatus", {}, ["ts", "providers"]],
  ["update.status", {}, ["sentinel", "updateAvailable"]],
  ["update.run", {}, "UNAVAILABLE"],
  ["node.list", {}, ["ts", "nodes"]],
  ["node.pair.list", {}, ["pending", "paired"]],
  ["node.pair.approve", { requestId: "x" }, "UNAVAILABLE"],
  ["exec.approvals.get", {}, ["path", "exists", "hash", "file"]],
  ["exec.approvals.set", { file: { version: 1 } }, "UNAVAILABLE"],
  ["exec.approval.list", {}, "array"],
  ["exec.approval.resolve", { id: "a1", decision: "allow-once" }, "APPROVAL_NOT_FOUND"],
  ["plugin.approval.list", {}, "array"],
  ["openclaw.approval.list", {}, "array"],
  ["approval.history", {}, ["items"]],
  ["question.list", {}, "array"],
  ["skills.status", {}, ["workspaceDir", "managedSkillsDir", "skills"]],
  ["skills.update", {}, "UNAVAILABLE"],
  ["skills.install", {}, "UNAVAILABLE"],
  ["plugins.list", {}, ["plugins", "diagnostics", "mutationAllowed"]],
  ["plugins.install", {}, "UNAVAILABLE"],
  ["push.web.vapidPublicKey", {}, "UNAVAILABLE"],
  ["push.web.subscribe", {}, "UNAVAILABLE"],
  ["diagnostics.stability", {}, ["ts", "events"]],
  ["status", {}, ["heartbeat", "sessions", "runtimeVersion", "channelSummary", "tasks"]],
  ["health", {}, ["ok", "agents", "sessions", "channels", "heartbeatSeconds"]],
  ["last-heartbeat", {}, []],
  ["channels.status", {}, ["channels"]],
  ["cron.list", {}, []],
  ["cron.status", {}, []],
  ["device.pair.list", {}, []],
  ["wake", { mode: "next-heartbeat", text: "ping" }, []],
];

function check(method: string, res: AnyFrame, expect: Expect): void {
  const what = `${method}: ${JSON.stringify(res).slice(0, 400)}`;
  assert.doesNotMatch(res.error?.message ?? "", /unknown method/, what);
  if (expect === "UNAVAILABLE" || expect === "APPROVAL_NOT_FOUND") {
    assert.equal(res.ok, false, what);
    assert.equal(res.error.code, expect, what);
    if (expect === "UNAVAILABLE") {
      assert.match(res.error.message, new RegExp(`^${method.replaceAll(".", "\\.")} is not `));
      assert.equal(res.error.details.code, "FEATURE_UNAVAILABLE", what);
    }
    return;
  }
  assert.equal(res.ok, true, what);
  if (expect === "array") {
    assert.ok(Array.isArray(res.payload), what);
    return;
  }
  for (const key of expect) assert.ok(Object.hasOwn(res.payload, key), `${what}: no ${key}`);
}

Deno.test("every stock method answers in stock's shape or UNAVAILABLE, never unknown method", async () => {
  await using t = await setup();
  for (const [method, params, expect] of CALLS) {
    check(method, await t.c.request(method, params), expect);
  }
});

Deno.test("hello-ok advertises every stock method and every event the gateway emits", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(
    sb,
    `{ gateway: { mode: "local", auth: { mode: "token", token: "${AGENT_TEST_TOKEN}" } } }`,
  );
  const c = await RawClient.open(gw.url);
  await c.challenge();
  const hello = (await c.request("connect", cliConnectParams(AGENT_TEST_TOKEN))).payload;
  for (const [method] of CALLS) assert.ok(hello.features.methods.includes(method), method);
  for (
    const event of ["tick", "presence", "health", "shutdown", "config.changed", "agent", "chat"]
      .concat(["sessions.changed", "heartbeat", "cron", "device.pair.requested"])
  ) {
    assert.ok(hello.features.events.includes(event), event);
  }
  c.close();
});

Deno.test("status carries stock's heartbeat.agents and sessions.byAgent, and `openclaw status` still works", async () => {
  await using t = await setup();
  const { payload } = await t.c.request("status", {});
  assert.equal(payload.heartbeat.defaultAgentId, "main");
  const hb = payload.heartbeat.agents[0];
  assert.equal(hb.agentId, "main");
  assert.equal(typeof hb.enabled, "boolean");
  assert.equal(hb.every, "30m");
  assert.equal(hb.everyMs, 1_800_000);
  assert.equal(typeof payload.heartbeat.enabled, "boolean", "our persisted switch stays");
  const byAgent = payload.sessions.byAgent[0];
  assert.equal(byAgent.agentId, "main");
  assert.equal(byAgent.count, 1);
  assert.match(byAgent.path, /agents\/main\/sessions\/sessions\.json$/);
  const row = byAgent.recent[0];
  assert.equal(row.key, "agent:main:main");
  // The store's totalTokens is the context the last turn used (stock's meaning).
  assert.ok(row.totalTokens > 0, JSON.stringify(row));
  assert.equal(row.totalTokensFresh, true);
  assert.equal(row.model, "m1");
  assert.deepEqual(payload.sessions.paths, [byAgent.path]);
  assert.deepEqual(payload.sessions.defaults, { model: "m1", contextTokens: null });
  assert.equal(payload.tasks.total, 0);
  assert.equal(typeof payload.queuedSystemEvents, "number");
  assert.equal(payload.gateway.authMode, "token");

  const cli = await runCli(t.sb, ["status", "--json"], {
    env: { OPENCLAW_GATEWAY_PORT: String(t.gw.port), OPENCLAW_GATEWAY_TOKEN: AGENT_TEST_TOKEN },
  });
  assert.equal(cli.code, 0, cli.stderr);
  const out = JSON.parse(cli.stdout);
  assert.equal(out.gateway.reachable, true, cli.stdout);
  assert.equal(out.status.heartbeat.agents[0].agentId, "main");
});

Deno.test("sessions.list and chat.history carry defaults; patch and create write the store", async () => {
  await using t = await setup();
  const list = (await t.c.request("sessions.list", {})).payload;
  assert.deepEqual(list.defaults, { modelProvider: "fake", model: "m1", contextTokens: null });
  assert.match(list.path, /agents\/main\/sessions\/sessions\.json$/);
  assert.equal(list.sessions[0].modelProvider, "fake");
  assert.equal(list.sessions[0].model, "m1");
  const history = (await t.c.request("chat.history", { sessionKey: "agent:main:main" })).payload;
  assert.equal(history.defaults.model, "m1");
  assert.equal(history.sessionInfo.key, "agent:main:main");

  const patched = await t.c.request("sessions.patch", { key: "main", label: "Daily" });
  assert.equal(patched.payload.entry.label, "Daily");
  const changed = await t.c.next((f) =>
    f.event === "sessions.changed" && f.payload.reason === "patch"
  );
  assert.equal(changed.payload.sessionKey, "agent:main:main");
  const missing = await t.c.request("sessions.patch", { key: "agent:main:nope", label: "x" });
  assert.equal(missing.error.code, "INVALID_REQUEST");
  const model = await t.c.request("sessions.patch", { key: "main", model: "fake/m2" });
  assert.match(model.error.message, /model: not supported/);

  const created = (await t.c.request("sessions.create", { key: "side", label: "Side" })).payload;
  assert.equal(created.key, "agent:main:side");
  const again = await t.c.request("sessions.create", { key: "side" });
  assert.match(again.error.message, /exists/);
  const rows = (await t.c.request("sessions.list", {})).payload.sessions;
  assert.deepEqual(
    rows.map((r: AnyFrame) => [r.key, r.label]).sort(),
    [["agent:main:main", "Daily"], ["agent:main:side", "Side"]],
  );
});

Deno.test("usage.cost and sessions.usage count the tokens the transcripts recorded", async () => {
  await using t = await setup();
  const cost = (await t.c.request("usage.cost", { days: 7 })).payload;
  assert.equal(cost.days, 7);
  assert.equal(cost.totals.input, 11);
  assert.equal(cost.totals.output, 7);
  assert.equal(cost.daily.length, 1);
  const usage = (await t.c.request("sessions.usage", {})).payload;
  assert.equal(usage.sessions[0].key, "agent:main:main");
  assert.equal(usage.sessions[0].usage.output, 7);
  assert.equal(usage.totals.output, 7);
  assert.equal(usage.aggregates.messages.user, 1);
  const series = (await t.c.request("sessions.usage.timeseries", { key: "main" })).payload;
  assert.equal(series.points.length, 1);
  assert.equal(series.points[0].cumulativeTokens, series.points[0].totalTokens);
  const logs = (await t.c.request("sessions.usage.logs", { key: "main" })).payload.logs;
  assert.deepEqual(logs.map((l: AnyFrame) => [l.role, l.content]), [
    ["user", "hi there"],
    ["assistant", "hello from the fake"],
  ]);
  const bad = await t.c.request("usage.cost", { startDate: "yesterday" });
  assert.equal(bad.error.message, "invalid usage.cost params: startDate: expected YYYY-MM-DD");
});

Deno.test("config.schema.lookup returns one path's node and children, or path not found", async () => {
  await using t = await setup();
  const auth = (await t.c.request("config.schema.lookup", { path: "gateway.auth" })).payload;
  assert.equal(auth.path, "gateway.auth");
  assert.equal(auth.reloadKind, "restart");
  const mode = auth.children.find((c: AnyFrame) => c.key === "mode");
  assert.deepEqual(mode, {
    key: "mode",
    path: "gateway.auth.mode",
    type: "string",
    required: false,
    hasChildren: false,
    reloadKind: "restart",
  });
  const missing = await t.c.request("config.schema.lookup", { path: "gateway.nope" });
  assert.equal(missing.error.code, "INVALID_REQUEST");
  assert.equal(missing.error.message, "config schema path not found");
});

Deno.test("a read-only client reads the stock methods and is refused the admin and write ones", async () => {
  await using t = await setup();
  const reader = await client(t.gw, ["operator.read"]);
  for (const m of ["agents.list", "usage.cost", "system.info", "sessions.usage", "node.list"]) {
    assert.equal((await reader.request(m, {})).ok, true, m);
  }
  const refused: [string, Record<string, unknown>, string][] = [
    ["update.status", {}, "operator.admin"],
    ["update.run", {}, "operator.admin"],
    ["exec.approvals.get", {}, "operator.admin"],
    ["sessions.compact", { key: "main" }, "operator.admin"],
    ["chat.inject", { sessionKey: "main", message: "x" }, "operator.admin"],
    ["agents.files.set", { name: "AGENTS.md", content: "x" }, "operator.admin"],
    ["sessions.patch", { key: "main", thinkingLevel: "high" }, "operator.admin"],
    ["sessions.patch", { key: "main", label: "x" }, "operator.write"],
    ["sessions.create", {}, "operator.write"],
    ["exec.approval.list", {}, "operator.approvals"],
    ["node.pair.list", {}, "operator.pairing"],
  ];
  for (const [method, params, scope] of refused) {
    const res = await reader.request(method, params);
    assert.equal(res.error?.code, "FORBIDDEN", `${method}: ${JSON.stringify(res)}`);
    assert.equal(res.error.message, `missing scope: ${scope}`, method);
  }
  reader.close();
});
