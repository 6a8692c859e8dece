import assert from "node:assert/strict";
import {
  classifyConfigPath,
  diffConfigPaths,
  planReload,
  withoutRestartChanges,
} from "../../../lib/config/reload_rules.ts";

Deno.test("classifyConfigPath() follows the seed's hot-reload table", () => {
  const expect: Record<string, string> = {
    "channels.telegram.botToken": "hot",
    "web.enabled": "hot",
    "agents.defaults.model": "none",
    "agent.workspace": "none",
    "models.providers.x.baseUrl": "none",
    "routing.x": "none",
    "hooks.enabled": "hot",
    "cron.enabled": "hot",
    "agent.heartbeat.every": "hot",
    "agents.defaults.heartbeat.every": "hot",
    "session.scope": "none",
    "messages.queue": "none",
    "tools.deny": "none",
    "browser.enabled": "hot",
    "skills.x": "none",
    "audio.x": "none",
    "talk.x": "none",
    "ui.assistant.name": "none",
    "logging.level": "hot",
    "identity.name": "none",
    "bindings": "none",
    "gateway.port": "restart",
    "gateway.bind": "restart",
    "gateway.auth.token": "restart",
    "gateway.tls.enabled": "restart",
    "gateway.http.endpoints.responses.enabled": "restart",
    "discovery.mdns.mode": "restart",
    "canvasHost.port": "restart",
    "plugins.entries": "restart",
    "gateway.reload.debounceMs": "none",
    "gateway.remote.url": "none",
    "somethingNew": "restart",
  };
  for (const [path, cls] of Object.entries(expect)) {
    assert.equal(classifyConfigPath(path).class, cls, path);
  }
});

Deno.test("diffConfigPaths() reports leaf paths, arrays whole", () => {
  assert.deepEqual(
    diffConfigPaths(
      { gateway: { port: 1, bind: "lan" }, tools: { deny: ["a"] }, x: 1 },
      { gateway: { port: 2, bind: "lan" }, tools: { deny: ["a", "b"] } },
    ).sort(),
    ["gateway.port", "tools.deny", "x"],
  );
  assert.deepEqual(diffConfigPaths({ a: { b: 1 } }, { a: { b: 1 } }), []);
});

Deno.test("planReload() applies hot changes live and restarts for gateway.* in hybrid mode", () => {
  assert.equal(planReload(["logging.level"], "hybrid").decision, "hot");
  assert.equal(planReload(["identity.name"], "hybrid").decision, "hot");
  assert.equal(planReload(["gateway.port", "logging.level"], "hybrid").decision, "restart");
  assert.equal(planReload([], "hybrid").decision, "noop");
});

Deno.test("planReload() honours off, hot and restart modes", () => {
  assert.equal(
    planReload(["logging.level"], "off").note,
    "config reload disabled (gateway.reload.mode=off)",
  );
  const hot = planReload(["gateway.port"], "hot");
  assert.equal(hot.decision, "ignored");
  assert.equal(
    hot.note,
    "config reload requires gateway restart; hot mode ignoring (gateway.port)",
  );
  assert.equal(planReload(["identity.name"], "restart").decision, "restart");
});

Deno.test("planReload() in hot mode applies the live paths of a mixed change", () => {
  const plan = planReload(["gateway.http.endpoints", "tools.deny"], "hot");
  assert.equal(plan.decision, "hot");
  assert.deepEqual(plan.restart, ["gateway.http.endpoints"]);
  assert.equal(
    plan.note,
    "config reload requires gateway restart; hot mode ignoring (gateway.http.endpoints)",
  );
});

Deno.test("withoutRestartChanges() keeps restart-class values and takes the rest", () => {
  const running = { gateway: { port: 1, reload: { mode: "hot" } }, logging: { level: "info" } };
  const next = {
    gateway: { port: 2, reload: { mode: "off" }, http: { x: 1 } },
    logging: { level: "debug" },
    tools: { deny: ["exec"] },
  };
  const merged = withoutRestartChanges<Record<string, unknown>>(running, next);
  assert.deepEqual(merged, {
    gateway: { port: 1, reload: { mode: "off" } },
    logging: { level: "debug" },
    tools: { deny: ["exec"] },
  });
  assert.deepEqual(diffConfigPaths(running, merged), [
    "gateway.reload.mode",
    "logging.level",
    "tools",
  ]);
});
